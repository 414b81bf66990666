//! Prometheus metrics: requests by route and status, latency, database pool use, export jobs by
//! state, sign-in failures and lockouts. One recorder per process (every app in a test process
//! shares it); `/metrics` renders it, gauges read fresh at each scrape.

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Requests waiting for a pooled connection right now.
static POOL_WAITING: AtomicI64 = AtomicI64::new(0);

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often recorded histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Installs the recorder once; later calls reuse it. `None` if another recorder was installed
/// first (then `/metrics` says so instead of failing the start).
///
/// The recorder keeps every histogram sample until upkeep folds it into the buckets, which only
/// a scrape did: a server nobody scraped grew by each request's sample (10 MB after a 10-minute
/// soak, `bench/README.md`). A thread of its own runs the upkeep, whatever the worker is doing.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new().set_buckets(LATENCY_BUCKETS).ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    let h = handle.clone();
                    let spawned = std::thread::Builder::new()
                        .name("metrics-upkeep".into())
                        .spawn(move || loop {
                            std::thread::sleep(UPKEEP_EVERY);
                            h.run_upkeep();
                        });
                    if let Err(e) = spawned {
                        tracing::warn!(error = %e, "metrics upkeep thread not started; histograms are folded at each scrape only");
                    }
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// One answered request.
pub fn request(method: &str, route: &str, status: u16, seconds: f64) {
    let labels = [
        ("method", method.to_string()),
        ("route", route.to_string()),
        ("status", status.to_string()),
    ];
    metrics::counter!("selfcare_http_requests_total", &labels).increment(1);
    metrics::histogram!(
        "selfcare_http_request_duration_seconds",
        "route" => route.to_string()
    )
    .record(seconds);
}

/// A failed sign-in (operators and portals alike).
pub fn login_failure() {
    metrics::counter!("selfcare_login_failures_total").increment(1);
}

/// A failure that locked a username or an address.
pub fn lockout() {
    metrics::counter!("selfcare_login_lockouts_total").increment(1);
}

/// Counts a wait for a pooled connection while `f` runs.
pub fn waiting_for_pool<T>(f: impl FnOnce() -> T) -> T {
    POOL_WAITING.fetch_add(1, Ordering::Relaxed);
    let out = f();
    POOL_WAITING.fetch_sub(1, Ordering::Relaxed);
    out
}

/// Gauges read at scrape time: pool size/in use/waiting, export jobs per state, the heap.
pub fn set_gauges(pool: &crate::db::DbPool, jobs: &[(String, i64)]) {
    let state = pool.state();
    let in_use = state.connections.saturating_sub(state.idle_connections);
    metrics::gauge!("selfcare_db_pool_connections").set(f64::from(state.connections));
    metrics::gauge!("selfcare_db_pool_in_use").set(f64::from(in_use));
    metrics::gauge!("selfcare_db_pool_waiting").set(POOL_WAITING.load(Ordering::Relaxed) as f64);
    for st in ["queued", "running", "done", "failed"] {
        let n = jobs.iter().find(|(s, _)| s == st).map_or(0, |(_, n)| *n);
        metrics::gauge!("selfcare_export_jobs", "state" => st).set(n as f64);
    }
    if let Some(heap) = crate::memory::heap() {
        metrics::gauge!("selfcare_heap_in_use_bytes").set(heap.in_use as f64);
        metrics::gauge!("selfcare_heap_free_bytes").set(heap.free as f64);
        metrics::gauge!("selfcare_heap_mmapped_bytes").set(heap.mmapped as f64);
    }
    metrics::gauge!("selfcare_sqlite_memory_bytes").set(crate::memory::sqlite_in_use() as f64);
}

/// The text format Prometheus scrapes.
pub fn render() -> Option<String> {
    install().map(PrometheusHandle::render)
}
