//! The background worker's periodic step: the small list of jobs it runs each time (the
//! worker in `export::jobs` knows only that it has one step to call).

use crate::db::DbConnection;

/// The steps, in order; each returns how much it did and logs its own failures.
const STEPS: &[fn(&mut DbConnection) -> usize] = &[
    // Open reservations past their expiry are released.
    crate::service::charging::expiry::run,
    // Top-up rules credit the current period once.
    crate::service::money::topups::run,
];

/// Runs every step; returns how much they did together.
pub fn run(conn: &mut DbConnection) -> usize {
    STEPS.iter().map(|step| step(conn)).sum()
}
