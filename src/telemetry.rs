//! Logs: `RUST_LOG` (or `--log`) decides the level, `SELFCARE_LOG_FORMAT=json` writes JSON lines.
//! Every request runs inside a span that carries its request id, so each log line of a request
//! can be found by the id the user sees on an error page. Form bodies, passwords and tokens are
//! never logged.

use tracing_subscriber::EnvFilter;

tokio::task_local! {
    /// The id of the request being served on this task (set by the request middleware).
    static REQUEST_ID: String;
}

/// `directives` is the `--log` / `RUST_LOG` setting; a spelling the filter cannot read falls back
/// to `info` rather than stopping the start. `json` selects JSON lines.
pub fn init(directives: &str, json: bool) {
    let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
}

/// Runs `fut` with `id` as the current request id.
pub async fn with_request_id<F: std::future::Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// The id of the request being served, if any (error pages show it).
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
