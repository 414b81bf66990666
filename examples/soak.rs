//! The load of `bench/soak.sh`: signed-in operators on N connections, each looping over a mix of
//! reads (the three-pane page, a subscriber prefix search, exports in three formats) and writes
//! (renaming its own site through the sites pane's "Save changes", with the session's CSRF
//! token, then reading the page it returns to), for a fixed time. Every answer is checked: a
//! read must answer 200, a save 303 and then show "Saved 1 change." (a refused or stale save is
//! an error). Prints the counts, latencies and errors; exits 1 if there was any error.
//!
//! ```text
//! SOAK_URL=http://127.0.0.1:18481 SOAK_PASSWORD=… SOAK_TARGETS=3:7,4:12 SOAK_SECS=600 \
//!     cargo run --example soak
//! ```
//!
//! Environment: `SOAK_URL`, `SOAK_USER` (admin), `SOAK_PASSWORD`, `SOAK_TARGETS` (one
//! `customer:site` pair per connection, distinct sites so that writers do not race each other),
//! `SOAK_SECS` (600), `SOAK_CONNECTIONS` (16, at most the number of targets).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Tally {
    /// Per kind of request: count and latencies in microseconds.
    latencies: BTreeMap<&'static str, Vec<u64>>,
    errors: Vec<String>,
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn between<'a>(html: &'a str, after: &str, start: &str) -> Option<&'a str> {
    let from = html.find(after)?;
    let s = from + html[from..].find(start)? + start.len();
    let e = s + html[s..].find('"')?;
    Some(&html[s..e])
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

struct Worker {
    client: reqwest::Client,
    base: String,
    customer: i64,
    site: i64,
    csrf: String,
    version: i64,
    name: String,
    renames: u64,
    rng: StdRng,
}

impl Worker {
    async fn sign_in(
        base: &str,
        user: &str,
        password: &str,
        customer: i64,
        site: i64,
        n: u64,
    ) -> Result<Worker, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        let page = client
            .get(format!("{base}/login"))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        let token =
            between(&page, "name=\"csrf_token\"", "value=\"").ok_or("no csrf_token on /login")?;
        let r = client
            .post(format!("{base}/login"))
            .form(&[
                ("username", user),
                ("password", password),
                ("csrf_token", token),
            ])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status().as_u16() != 303 {
            return Err(format!("sign-in answered {}", r.status()));
        }
        let mut w = Worker {
            client,
            base: base.to_string(),
            customer,
            site,
            csrf: String::new(),
            version: 0,
            name: String::new(),
            renames: 0,
            rng: StdRng::seed_from_u64(n),
        };
        w.reload().await?;
        Ok(w)
    }

    fn pane_url(&self) -> String {
        format!("/customers?customer={}&site={}", self.customer, self.site)
    }

    /// Reads the CSRF token, the site's version and name from the three-pane page.
    async fn reload(&mut self) -> Result<(), String> {
        let url = format!("{}{}", self.base, self.pane_url());
        let html = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        self.csrf = between(&html, "name=\"csrf_token\"", "value=\"")
            .ok_or("no csrf_token on the pane")?
            .to_string();
        let form = format!("action=\"/customers/{}/sites/save\"", self.customer);
        let s = self.site;
        self.version = between(&html, &form, &format!("name=\"v_{s}\" value=\""))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("no version of site {s} on {url}"))?;
        self.name = unescape(
            between(&html, &form, &format!("name=\"name_{s}\" value=\""))
                .ok_or_else(|| format!("no name of site {s} on {url}"))?,
        );
        Ok(())
    }

    async fn get(&self, path: &str) -> Result<(), String> {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        let status = r.status().as_u16();
        let body = r.bytes().await.map_err(|e| format!("GET {path}: {e}"))?;
        if status != 200 || body.is_empty() {
            return Err(format!(
                "GET {path} answered {status} ({} bytes)",
                body.len()
            ));
        }
        Ok(())
    }

    /// Renames the site through the sites pane and checks the page it returns to says so.
    async fn rename(&mut self) -> Result<(), String> {
        self.renames += 1;
        let new_name = format!("Soak site {} #{}", self.site, self.renames);
        let s = self.site;
        let back = self.pane_url();
        let fields = [
            ("csrf_token".to_string(), self.csrf.clone()),
            ("return_to".to_string(), back.clone()),
            (format!("v_{s}"), self.version.to_string()),
            (format!("o_name_{s}"), self.name.clone()),
            (format!("name_{s}"), new_name.clone()),
        ];
        let path = format!("/customers/{}/sites/save", self.customer);
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .form(&fields)
            .send()
            .await
            .map_err(|e| format!("POST {path}: {e}"))?;
        let status = r.status().as_u16();
        if status != 303 {
            return Err(format!("POST {path} answered {status}"));
        }
        let html = self
            .client
            .get(format!("{}{}", self.base, back))
            .send()
            .await
            .map_err(|e| format!("GET {back}: {e}"))?
            .text()
            .await
            .map_err(|e| format!("GET {back}: {e}"))?;
        if !html.contains("Saved 1 change.") {
            let flash = between(&html, "class=\"flash", "role=\"").unwrap_or("no flash");
            // Pick up the state as it is, so one refusal does not become a cascade.
            self.reload().await?;
            return Err(format!("POST {path} was not saved ({flash})"));
        }
        self.version += 1;
        self.name = new_name;
        Ok(())
    }

    async fn step(&mut self) -> (&'static str, Result<(), String>) {
        let roll = self.rng.gen_range(0..100);
        match roll {
            0..=49 => ("three_pane", self.get(&self.pane_url()).await),
            50..=64 => {
                let digits: String = (0..self.rng.gen_range(2..5))
                    .map(|_| char::from(b'0' + self.rng.gen_range(0..10u8)))
                    .collect();
                let field =
                    ["card_number", "subscriber_id", "wallet_ref"][self.rng.gen_range(0..3)];
                let value = if field == "wallet_ref" {
                    format!("W{digits}")
                } else {
                    format!("5{digits}")
                };
                (
                    "subscriber_search",
                    self.get(&format!("/subscribers?{field}={value}&match=prefix"))
                        .await,
                )
            }
            65..=74 => {
                let fmt = ["csv", "xlsx", "pdf"][self.rng.gen_range(0..3)];
                let path = if self.rng.gen_bool(0.5) {
                    format!(
                        "/customers/{}/sites/export.{fmt}?mode=direct",
                        self.customer
                    )
                } else {
                    format!("/sites/{}/links/export.{fmt}?mode=direct", self.site)
                };
                ("export", self.get(&path).await)
            }
            _ => ("pane_save", self.rename().await),
        }
    }
}

#[tokio::main]
async fn main() {
    let base = env("SOAK_URL", "http://127.0.0.1:18481");
    let user = env("SOAK_USER", "admin");
    let password = env("SOAK_PASSWORD", "");
    let secs: u64 = env("SOAK_SECS", "600").parse().unwrap_or(600);
    let connections: usize = env("SOAK_CONNECTIONS", "16").parse().unwrap_or(16);
    let targets: Vec<(i64, i64)> = env("SOAK_TARGETS", "")
        .split(',')
        .filter_map(|p| {
            let (c, s) = p.split_once(':')?;
            Some((c.trim().parse().ok()?, s.trim().parse().ok()?))
        })
        .collect();
    if targets.is_empty() {
        eprintln!("soak: SOAK_TARGETS (customer:site,…) is empty");
        std::process::exit(2);
    }
    let connections = connections.min(targets.len());
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for (n, &(customer, site)) in targets.iter().take(connections).enumerate() {
        let (base, user, password) = (base.clone(), user.clone(), password.clone());
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut w =
                match Worker::sign_in(&base, &user, &password, customer, site, n as u64).await {
                    Ok(w) => w,
                    Err(e) => {
                        tally.errors.push(format!("connection {n}: {e}"));
                        return tally;
                    }
                };
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let (kind, result) = w.step().await;
                tally
                    .latencies
                    .entry(kind)
                    .or_default()
                    .push(t0.elapsed().as_micros() as u64);
                if let Err(e) = result {
                    tally.errors.push(e);
                }
            }
            tally
        }));
    }
    let started = Instant::now();
    let mut all = Tally::default();
    for t in tasks {
        match t.await {
            Ok(tally) => {
                for (k, v) in tally.latencies {
                    all.latencies.entry(k).or_default().extend(v);
                }
                all.errors.extend(tally.errors);
            }
            Err(e) => all.errors.push(format!("a connection's task failed: {e}")),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut total = 0;
    println!("kind requests p50_ms p99_ms max_ms");
    for (kind, v) in all.latencies.iter_mut() {
        v.sort_unstable();
        let at = |q: f64| v[((v.len() as f64 - 1.0) * q) as usize] as f64 / 1000.0;
        println!(
            "{kind} {} {:.1} {:.1} {:.1}",
            v.len(),
            at(0.5),
            at(0.99),
            at(1.0)
        );
        total += v.len();
    }
    println!(
        "total {total} requests in {elapsed:.0} s ({:.0} req/s) on {connections} connections",
        total as f64 / elapsed
    );
    println!("errors {}", all.errors.len());
    for e in all.errors.iter().take(20) {
        println!("  {e}");
    }
    if !all.errors.is_empty() {
        std::process::exit(1);
    }
}
