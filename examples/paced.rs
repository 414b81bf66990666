//! A fixed-rate load for latency targets (`bench/subscribers.sh`): GET requests sent on a fixed
//! schedule, whatever the server does, each one's latency counted from the moment it was due
//! (so a stalled server shows in the percentiles instead of slowing the load down: wrk2's
//! correction for coordinated omission). wrk, which sends the next request only when the last
//! one is answered, measures the maximum rate; this measures the latency below it.
//!
//! ```text
//! PACED_URL=http://127.0.0.1:18080 PACED_COOKIE='selfcare_session=…' PACED_PATHS=paths.txt \
//!     PACED_RATE=600 PACED_SECS=30 cargo run --example paced
//! ```
//!
//! Environment: `PACED_URL`, `PACED_COOKIE` (sent as is), `PACED_PATHS` (a file, one path per
//! line, used in turn), `PACED_RATE` (requests per second), `PACED_SECS` (30), `PACED_WARMUP`
//! (seconds at the same rate before measuring, 5), `PACED_CONNECTIONS` (the most requests in
//! flight, 16: one keep-alive connection each). Every answer must be 200; prints the latency
//! percentiles and exits 1 on any error.

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, Semaphore};

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn number<T: std::str::FromStr>(name: &str, default: &str) -> T {
    env(name, default)
        .parse()
        .unwrap_or_else(|_| panic!("{name} must be a number"))
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

#[derive(Default)]
struct Tally {
    /// Latencies in microseconds, from the moment each request was due.
    latencies: Vec<u64>,
    errors: Vec<String>,
}

#[tokio::main]
async fn main() {
    let base = env("PACED_URL", "http://127.0.0.1:18080");
    let cookie = env("PACED_COOKIE", "");
    let paths: Vec<String> = std::fs::read_to_string(env("PACED_PATHS", "paths.txt"))
        .expect("PACED_PATHS: a file of paths")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    assert!(!paths.is_empty(), "PACED_PATHS has no path");
    let rate: f64 = number("PACED_RATE", "100");
    let secs: f64 = number("PACED_SECS", "30");
    let warmup: f64 = number("PACED_WARMUP", "5");
    let connections: usize = number("PACED_CONNECTIONS", "16");

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .expect("client");
    let slots = Arc::new(Semaphore::new(connections));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let interval = Duration::from_secs_f64(1.0 / rate);
    let total = ((warmup + secs) * rate) as u64;
    let measured_from = (warmup * rate) as u64;
    let start = tokio::time::Instant::now() + Duration::from_millis(100);
    let began = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due).await;
        let (client, slots, tally) = (client.clone(), slots.clone(), tally.clone());
        let url = format!("{base}{}", paths[i as usize % paths.len()]);
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            // Waiting for a free connection is part of the latency: the request was due.
            let _slot = slots.acquire().await.expect("semaphore");
            let result = client.get(&url).header("Cookie", cookie).send().await;
            let outcome = match result {
                Ok(r) if r.status().as_u16() == 200 => {
                    r.bytes().await.map(|_| ()).map_err(|e| e.to_string())
                }
                Ok(r) => Err(format!("{url}: {}", r.status())),
                Err(e) => Err(format!("{url}: {e}")),
            };
            let took = due.elapsed().as_micros() as u64;
            if i >= measured_from {
                let mut t = tally.lock().await;
                match outcome {
                    Ok(()) => t.latencies.push(took),
                    Err(e) => t.errors.push(e),
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = began.elapsed().as_secs_f64() - 0.1;
    let mut t = tally.lock().await;
    t.latencies.sort_unstable();
    let l = &t.latencies;
    println!(
        "rate {rate:.0}/s for {secs:.0} s (+{warmup:.0} s warm-up; {:.0}/s achieved over the whole run): \
         {} answers, {} errors; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
        total as f64 / elapsed,
        l.len(),
        t.errors.len(),
        percentile(l, 0.50),
        percentile(l, 0.90),
        percentile(l, 0.99),
        percentile(l, 0.999),
        percentile(l, 1.0),
    );
    for e in t.errors.iter().take(5) {
        eprintln!("error: {e}");
    }
    if !t.errors.is_empty() {
        std::process::exit(1);
    }
}
