//! Group commit for SQLite: one thread of the instance runs short write jobs (the charging
//! API's reserve, commit, release and charge) back to back in one write transaction, and answers
//! every job only after that transaction committed.
//!
//! Why: SQLite runs one writer at a time anyway. Each job in its own transaction costs a
//! commit (the WAL frames of every page it touched, the hot wallet and bucket pages written
//! again each time) and, with many writers, sleeps in SQLite's busy handler between tries. Here
//! the writers queue in memory instead, and a batch writes each hot page once.
//!
//! What does not change: each job sees everything the jobs before it wrote and runs while the
//! database's write lock is held (serialised, as with `db::write_transaction`); nobody is told
//! "done" before the commit. A job that fails or refuses must leave nothing behind: it writes
//! inside `db::write_transaction`, which is a savepoint here, rolled back on its error (one
//! savepoint per job: a second one around it cost two more statements, each prepared afresh).
//! Other instances and this instance's other writers still take the lock through
//! `busy_timeout`, between batches.

use super::{establish, DbConnection};
use diesel::Connection;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

/// The most jobs one transaction carries: enough to take a burst of every client at once,
/// few enough that the write lock is released within milliseconds for other writers.
const MAX_BATCH: usize = 256;

/// What to tell the job's caller once the batch's fate is known (true: committed).
type Answer = Box<dyn FnOnce(bool) + Send>;
/// A job: runs inside the batch's transaction, and returns how to answer.
type Job = Box<dyn FnOnce(&mut DbConnection) -> Answer + Send>;

/// The batch that carried a job did not commit (or the writer is gone); nothing of it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lost;

/// The handle of an instance's group committer; cloning it shares the one writer thread.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread on its own connection to `url` (a SQLite database). The thread
    /// ends when the last handle is dropped.
    pub fn start(url: &str) -> std::io::Result<GroupCommit> {
        let (tx, rx) = mpsc::channel::<Job>();
        let url = url.to_string();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || serve(&url, &rx))?;
        Ok(GroupCommit { jobs: tx })
    }

    /// Runs `f` in the next batch and returns its result once the batch committed. `f` keeps
    /// its writes inside `db::write_transaction` (a savepoint), so an error or a refusal leaves
    /// nothing behind for the batch to commit.
    pub async fn run<T, E, F>(&self, f: F) -> Result<Result<T, E>, Lost>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn: &mut DbConnection| {
            let out = f(conn);
            Box::new(move |committed: bool| {
                // A refusal stands whatever became of the batch; a success only if it committed.
                let _ = tx.send(if committed || out.is_err() {
                    Ok(out)
                } else {
                    Err(Lost)
                });
            }) as Answer
        });
        self.jobs.send(job).map_err(|_| Lost)?;
        rx.await.map_err(|_| Lost)?
    }
}

/// The writer thread: waits for a job, takes every job queued behind it (up to `MAX_BATCH`),
/// runs them in one write transaction, then answers them all.
fn serve(url: &str, rx: &mpsc::Receiver<Job>) {
    let mut conn: Option<DbConnection> = None;
    while let Ok(first) = rx.recv() {
        let mut jobs = Vec::with_capacity(16);
        jobs.push(first);
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match establish(url) {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    // Dropping the jobs answers them `Lost`.
                    tracing::error!(error = %e, "the SQLite writer cannot connect");
                    continue;
                }
            },
        };
        let mut answers: Vec<Answer> = Vec::with_capacity(jobs.len());
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            c.transaction::<_, diesel::result::Error, _>(|c| {
                super::take_write_lock(c)?;
                for job in jobs {
                    answers.push(job(c));
                }
                Ok(())
            })
        }));
        let committed = matches!(outcome, Ok(Ok(())));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "a batch of writes did not commit"),
            Err(_) => tracing::error!("a job of the SQLite writer panicked; its batch is lost"),
        }
        if !committed {
            // Start the next batch on a fresh connection: whatever state this one is in.
            conn = None;
        }
        for answer in answers {
            answer(committed);
        }
    }
}
