//! The background export worker: one thread per instance takes queued jobs from the database,
//! writes the file into the export directory, reports progress, and tidies up after 7 days.
//! A job's stored spec is turned back into rows by the function the worker is started with
//! (the lists know their specs; this module knows none of them).

use super::Prepared;
use crate::db::models::export_job::{self, ExportJob};
use crate::db::DbPool;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

/// Lists longer than this go to the background unless asked otherwise.
pub const BACKGROUND_THRESHOLD: i64 = 50_000;
/// Finished files are kept this long.
pub const KEEP_SECS: i64 = 7 * 24 * 3600;
/// A running job whose heartbeat is older than this lost its instance.
const STALE_SECS: i64 = 120;
const IDLE_POLL: Duration = Duration::from_secs(2);
/// How often the worker hands freed memory back to the system (`memory::trim`).
const TRIM_EVERY: Duration = Duration::from_secs(20);

/// Wakes the worker when this instance queues a job (other instances' jobs are found by polling),
/// and tells it to stop when the server does.
#[derive(Default)]
pub struct JobSignal {
    pending: Mutex<bool>,
    ready: Condvar,
    stopping: AtomicBool,
    /// Set by the worker thread as it ends; `stop` waits on it.
    ended: Mutex<bool>,
    ended_cv: Condvar,
}

impl JobSignal {
    pub fn notify(&self) {
        if let Ok(mut p) = self.pending.lock() {
            *p = true;
            self.ready.notify_one();
        }
    }

    /// Asks the worker to stop and waits up to `wait` for it to finish its current step (a
    /// process that exits under a worker still talking to the database can crash in the client
    /// library's exit handlers). A job cut short is picked up again by the next instance.
    pub fn stop(&self, wait: Duration) {
        self.stopping.store(true, Ordering::SeqCst);
        self.notify();
        if let Ok(ended) = self.ended.lock() {
            let _ = self.ended_cv.wait_timeout_while(ended, wait, |e| !*e);
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn mark_ended(&self) {
        if let Ok(mut e) = self.ended.lock() {
            *e = true;
            self.ended_cv.notify_all();
        }
    }

    fn wait(&self, timeout: Duration) {
        if let Ok(p) = self.pending.lock() {
            if let Ok((mut p, _)) = self.ready.wait_timeout_while(p, timeout, |p| !*p) {
                *p = false;
            }
        }
    }
}

/// Turns a job's stored spec into the export to write.
pub type Prepare = fn(&str) -> anyhow::Result<Prepared>;

/// Other periodic work of the worker, given at start-up (the layers above know what it is):
/// e.g. releasing expired reservations, sending the mail outbox. Returns how much it did.
pub type Periodic = std::sync::Arc<dyn Fn(&mut crate::db::DbConnection) -> usize + Send + Sync>;

/// How often the periodic step runs at most.
const PERIODIC_EVERY: Duration = Duration::from_secs(1);

/// What the worker is started with.
#[derive(Clone)]
pub struct WorkerSteps {
    pub prepare: Prepare,
    pub periodic: Periodic,
}

/// Attempts to start the worker thread before the start-up gives up.
const SPAWN_TRIES: u32 = 5;

/// Starts the worker; it stops on `JobSignal::stop`, or by itself once `signal` is no longer held
/// by the application.
/// A thread that cannot be started is retried (and logged); if it never starts, the start-up
/// fails with the reason rather than serving with background exports that would never run. A
/// worker that panics is logged and restarted.
pub fn spawn_worker(
    pool: DbPool,
    dir: PathBuf,
    signal: &Arc<JobSignal>,
    steps: WorkerSteps,
) -> anyhow::Result<()> {
    let weak: Weak<JobSignal> = Arc::downgrade(signal);
    let name = format!("{}-{}", std::process::id(), rand::random::<u32>());
    let mut last_error = None;
    for attempt in 1..=SPAWN_TRIES {
        let (pool, dir, weak, name) = (pool.clone(), dir.clone(), weak.clone(), name.clone());
        let steps = steps.clone();
        match std::thread::Builder::new()
            .name("export-worker".into())
            .spawn(move || supervise(pool, dir, weak, name, steps))
        {
            Ok(_) => return Ok(()),
            Err(e) => {
                tracing::error!(attempt, error = %e, "the export worker could not start; retrying");
                last_error = Some(e);
                std::thread::sleep(Duration::from_millis(200 * u64::from(attempt)));
            }
        }
    }
    Err(anyhow::anyhow!(
        "the background export worker could not start: {}",
        last_error.map(|e| e.to_string()).unwrap_or_default()
    ))
}

/// Runs the worker loop, restarting it after a panic (a bug in one export must not stop every
/// later one).
fn supervise(
    pool: DbPool,
    dir: PathBuf,
    signal: Weak<JobSignal>,
    name: String,
    steps: WorkerSteps,
) {
    supervise_loop(pool, dir, signal.clone(), name, steps);
    if let Some(sig) = signal.upgrade() {
        sig.mark_ended();
    }
}

fn supervise_loop(
    pool: DbPool,
    dir: PathBuf,
    signal: Weak<JobSignal>,
    name: String,
    steps: WorkerSteps,
) {
    loop {
        let run = std::panic::AssertUnwindSafe(|| {
            worker_loop(
                pool.clone(),
                dir.clone(),
                signal.clone(),
                name.clone(),
                steps.clone(),
            )
        });
        match std::panic::catch_unwind(run) {
            Ok(()) => return,
            Err(_) => {
                tracing::error!("the export worker stopped on a panic; restarting it");
                if signal.upgrade().is_none_or(|s| s.stopping()) {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

fn worker_loop(
    pool: DbPool,
    dir: PathBuf,
    signal: Weak<JobSignal>,
    name: String,
    steps: WorkerSteps,
) {
    let mut last_periodic = Instant::now() - PERIODIC_EVERY;
    let mut last_tidy = Instant::now() - Duration::from_secs(3600);
    let mut last_trim = Instant::now();
    loop {
        let Some(sig) = signal.upgrade() else { return };
        if sig.stopping() {
            return;
        }
        recover(&pool);
        if last_tidy.elapsed() > Duration::from_secs(60) {
            remove_expired(&pool);
            last_tidy = Instant::now();
        }
        if last_periodic.elapsed() >= PERIODIC_EVERY {
            if let Ok(mut conn) = pool.get() {
                (steps.periodic)(&mut conn);
            }
            last_periodic = Instant::now();
        }
        if last_trim.elapsed() > TRIM_EVERY {
            release_memory(&pool);
            last_trim = Instant::now();
        }
        let claimed = pool.get().ok().and_then(|mut c| {
            export_job::claim_next(&mut c, &name, crate::db::now())
                .ok()
                .flatten()
        });
        match claimed {
            Some(job) => {
                drop(sig);
                run(&pool, &dir, job, steps.prepare);
            }
            None => sig.wait(IDLE_POLL.min(PERIODIC_EVERY)),
        }
    }
}

/// Hands freed memory back to the system. The worker polls through the connection the pool
/// gave back last, which after a burst holds a full SQLite page cache and, being in use every
/// few seconds, is never closed as idle: its cache is emptied first.
fn release_memory(pool: &DbPool) {
    if let Ok(mut conn) = pool.get() {
        if matches!(*conn, crate::db::DbConnection::Sqlite(_)) {
            use diesel::connection::SimpleConnection;
            let _ = conn.batch_execute("PRAGMA shrink_memory");
        }
    }
    crate::memory::trim();
}

fn recover(pool: &DbPool) {
    let Ok(mut conn) = pool.get() else { return };
    let now = crate::db::now();
    match export_job::recover_stale(&mut conn, now - STALE_SECS, now) {
        Ok((0, 0)) => {}
        Ok((requeued, failed)) => {
            tracing::warn!(requeued, failed, "recovered interrupted export jobs")
        }
        Err(e) => tracing::debug!(error = %e, "export job recovery skipped"),
    }
}

/// The worker's periodic tidy: export files past their 7 days, sessions past their expiry and
/// old sign-in failure counters (their rows would otherwise stay for ever).
fn remove_expired(pool: &DbPool) {
    let Ok(mut conn) = pool.get() else { return };
    let now = crate::db::now();
    match crate::db::models::session::purge_expired(&mut conn, now) {
        Ok(0) => {}
        Ok(n) => tracing::info!(sessions = n, "expired sessions purged"),
        Err(e) => tracing::warn!(error = %e, "purging expired sessions failed"),
    }
    // Sign-in failure counters a day old, whose lock has run out, count for nothing.
    if let Err(e) = crate::db::models::login_failure::purge(&mut conn, now, 24 * 3600) {
        tracing::warn!(error = %e, "purging old sign-in failure counters failed");
    }
    if let Ok(old) = export_job::expired(&mut conn, now) {
        for (id, path) in old {
            if let Some(p) = path {
                let _ = std::fs::remove_file(p);
            }
            let _ = export_job::mark_expired(&mut conn, id);
        }
    }
}

/// Runs one claimed job to the end, whatever happens.
fn run(pool: &DbPool, dir: &Path, job: ExportJob, prepare: Prepare) {
    let now = crate::db::now();
    let outcome = (|| -> anyhow::Result<(PathBuf, u64)> {
        let mut export = prepare(&job.spec)?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}-{}", job.id, job.file_name));
        let mut conn = pool.get()?;
        let mut progress_conn = pool.get()?;
        let mut last = Instant::now();
        let rows = super::write_to(
            &path,
            export.format,
            &export.info,
            export.source.as_mut(),
            &mut conn,
            &mut |done| {
                if last.elapsed() >= Duration::from_millis(500) {
                    last = Instant::now();
                    let _ = export_job::progress(
                        &mut progress_conn,
                        job.id,
                        done as i64,
                        crate::db::now(),
                    );
                }
            },
        )?;
        Ok((path, rows))
    })();
    let Ok(mut conn) = pool.get() else { return };
    let finished = crate::db::now();
    match outcome {
        Ok((path, rows)) => {
            let size = std::fs::metadata(&path)
                .map(|m| m.len() as i64)
                .unwrap_or(0);
            let rows = if rows == 0 {
                job.rows_total
            } else {
                rows as i64
            };
            if let Err(e) = export_job::finish(
                &mut conn,
                job.id,
                &path.to_string_lossy(),
                size,
                rows,
                finished,
                finished + KEEP_SECS,
            ) {
                tracing::error!(error = %e, job = job.id, "could not record a finished export");
            }
            tracing::info!(
                job = job.id,
                rows,
                size,
                secs = finished - now,
                "background export done"
            );
        }
        Err(e) => {
            tracing::error!(error = %e, job = job.id, "background export failed");
            let _ = export_job::fail(
                &mut conn,
                job.id,
                "The export could not be completed; please try again.",
                finished,
            );
        }
    }
}
