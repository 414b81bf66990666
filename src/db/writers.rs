//! One SQLite writer at a time per instance, queued in the process.
//!
//! SQLite lets one transaction write at a time; a second writer that finds the lock taken
//! waits in SQLite's busy handler, which sleeps 1, 2, 5, 10 … 100 ms between tries, so under
//! contention most of the time goes to sleeping (the charging bench: p99 of a cycle 230 ms at
//! 64 clients). Writers of one instance therefore take turns on the instance's `WriteQueue`
//! first and are woken the moment the one before them commits; `busy_timeout` remains for
//! other processes on the same file (a second instance, a backup).
//!
//! The queue belongs to the instance (`AppState::writers`) rather than the process, so apps on
//! different databases in one process (the tests) do not queue behind each other. Work run by
//! `state::with_conn` is inside its instance's queue (`within`); a write transaction elsewhere
//! (the background worker, the CLI) goes straight to SQLite's lock as before.

use std::cell::{Cell, RefCell};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// An instance's queue of SQLite writers.
#[derive(Debug, Clone, Default)]
pub struct WriteQueue(Arc<Gate>);

/// Whether a writer holds the turn, and the waiters woken when it ends.
#[derive(Debug, Default)]
struct Gate {
    taken: Mutex<bool>,
    freed: Condvar,
}

thread_local! {
    /// The queue of the instance whose work this thread is doing, if any.
    static QUEUE: RefCell<Option<WriteQueue>> = const { RefCell::new(None) };
    /// Whether this thread holds its queue's turn: a nested write transaction is a savepoint
    /// of the one holding it and must not wait for itself.
    static HOLDING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (one piece of blocking work of the instance owning `queue`) with its write
/// transactions queued on `queue`.
pub fn within<R>(queue: &WriteQueue, f: impl FnOnce() -> R) -> R {
    struct Leave(Option<WriteQueue>);
    impl Drop for Leave {
        fn drop(&mut self) {
            let previous = self.0.take();
            QUEUE.with(|q| *q.borrow_mut() = previous);
        }
    }
    let previous = QUEUE.with(|q| q.borrow_mut().replace(queue.clone()));
    let _leave = Leave(previous);
    f()
}

/// The turn of this thread's instance to write, held until it drops; `None` outside an
/// instance's work or when this thread holds the turn already.
pub(super) fn turn() -> Option<Turn> {
    if HOLDING.with(Cell::get) {
        return None;
    }
    let queue = QUEUE.with(|q| q.borrow().clone())?;
    // The flag is all the lock guards; a writer that panicked has cleared it on unwinding.
    let gate = &queue.0;
    let mut taken = gate.taken.lock().unwrap_or_else(PoisonError::into_inner);
    while *taken {
        taken = gate
            .freed
            .wait(taken)
            .unwrap_or_else(PoisonError::into_inner);
    }
    *taken = true;
    drop(taken);
    HOLDING.with(|h| h.set(true));
    Some(Turn(queue))
}

/// A held turn; dropping it (after the transaction ends) lets the next writer in.
pub(super) struct Turn(WriteQueue);

impl Drop for Turn {
    fn drop(&mut self) {
        HOLDING.with(|h| h.set(false));
        let gate = &(self.0).0;
        *gate.taken.lock().unwrap_or_else(PoisonError::into_inner) = false;
        gate.freed.notify_one();
    }
}
