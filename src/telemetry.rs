//! Log setup: `RUST_LOG` decides the level; form bodies, passwords and tokens are never logged.

use tracing_subscriber::EnvFilter;

/// `directives` is the `--log` / `RUST_LOG` setting; a spelling the filter cannot read falls back
/// to `info` rather than stopping the start.
pub fn init(directives: &str) {
    let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
