//! Gives memory freed after a burst of work back to the system. glibc keeps freed heap pages in
//! its arenas, so without this a server's resident size stays at its busiest level for ever
//! (the soak in `bench/` measured 22 MB idle, 240 MB under load, still 238 MB a minute after).
//! Idle database connections are closed by the pool (`db::pool`), which frees their page caches;
//! the background worker then calls `trim` now and again, and `tune_allocator` at start keeps
//! glibc from spreading the heap over one arena per thread (16 on two cores) and large blocks
//! (argon2's) out of the heap.

/// Returns free heap pages to the system (glibc only; elsewhere a no-op).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own free lists; it takes no pointers of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// How many malloc arenas the process uses unless `MALLOC_ARENA_MAX` says otherwise.
const ARENAS: i32 = 4;

/// Blocks of this size or more get mappings of their own, handed back whole when freed.
const MMAP_THRESHOLD: i32 = 1024 * 1024;

/// Tunes glibc's malloc for a long-running server (call it first thing, before threads start),
/// unless the matching `MALLOC_*` variable says otherwise:
/// - at most [`ARENAS`] arenas: with fewer arenas freed memory is less fragmented and `trim`
///   can give more of it back. Four, not two: with two, the actix workers and the blocking
///   pool's threads queued on the arena locks (14 % of the three-pane page's CPU, +20–25 % req/s
///   with four), and the soak's memory after the load stayed at 1.65× idle with four
///   (`bench/README.md`);
/// - a fixed mmap threshold of [`MMAP_THRESHOLD`]. glibc raises its threshold to the size of
///   each large block freed, so after the first sign-ins every argon2 hash (about 19 MB each)
///   was carved from the heap; sixteen sign-ins at once grew it to 180 MB, and the small
///   allocations made meanwhile stayed scattered over it, keeping its pages resident after the
///   load (`bench/README.md`, soak). A fixed threshold keeps such blocks out of the heap.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            // SAFETY: mallopt only sets one of glibc's own tunables.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, ARENAS);
            }
        }
        if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
            // SAFETY: as above.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            }
        }
    }
}

/// What the allocator holds: bytes handed out and still in use, bytes it keeps free in its
/// arenas, and bytes in blocks of their own (`mmap`). Tells a leak or a cache (in use grows)
/// from fragmentation (free grows) without a profiler.
#[derive(Debug, Clone, Copy, Default)]
pub struct Heap {
    pub in_use: u64,
    pub free: u64,
    pub mmapped: u64,
}

/// Bytes SQLite holds now (page caches, schemas, prepared statements of every open connection),
/// part of the heap's "in use".
pub fn sqlite_in_use() -> u64 {
    // SAFETY: sqlite3_memory_used only reads SQLite's own counter.
    let n = unsafe { libsqlite3_sys::sqlite3_memory_used() };
    u64::try_from(n).unwrap_or(0)
}

/// The allocator's figures now (glibc only; `None` elsewhere).
pub fn heap() -> Option<Heap> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads glibc's own counters and returns them by value.
        let info = unsafe { libc::mallinfo2() };
        Some(Heap {
            in_use: info.uordblks as u64,
            free: info.fordblks as u64,
            mmapped: info.hblkhd as u64,
        })
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        None
    }
}
