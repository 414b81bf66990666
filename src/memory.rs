//! Gives memory freed after a burst of work back to the system. glibc keeps freed heap pages in
//! its arenas, so without this a server's resident size stays at its busiest level for ever
//! (the soak in `bench/` measured 22 MB idle, 240 MB under load, still 238 MB a minute after).
//! Idle database connections are closed by the pool (`db::pool`), which frees their page caches;
//! the background worker then calls `trim` now and again, and `limit_arenas` at start keeps
//! glibc from spreading the heap over one arena per thread (16 on two cores).

/// Returns free heap pages to the system (glibc only; elsewhere a no-op).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own free lists; it takes no pointers of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// How many malloc arenas the process uses unless `MALLOC_ARENA_MAX` says otherwise.
const ARENAS: i32 = 2;

/// Caps glibc's malloc arenas (call it first thing, before threads start): with fewer arenas
/// freed memory is less fragmented and `trim` can give more of it back.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets one of glibc's own tunables.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, ARENAS);
        }
    }
}
