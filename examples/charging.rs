//! The load of `bench/charging.sh`: C clients, each looping reserve + commit cycles through the
//! charging API for S seconds against one wallet or spread over many. Prepares the database
//! itself (a token, and a general cash balance on each wallet), and afterwards checks that the
//! EDR costs written during the run add up to the fall of the wallets' bucket values (no
//! overdraft, nothing lost or charged twice). Prints cycles/s and the cycle's p50/p99; exits 1
//! on any error or a mismatch.
//!
//! ```text
//! CHARGING_URL=http://127.0.0.1:18490 DATABASE_URL=sqlite://… CHARGING_WALLETS=10000 \
//!     CHARGING_CLIENTS=64 CHARGING_SECS=30 cargo run --example charging
//! ```

use diesel::prelude::*;
use rand::{Rng, SeedableRng};
use selfcare::db::schema::{
    balance_buckets, balance_types, edr_balances, edrs, wallet_balances, wallets,
};
use std::time::{Duration, Instant};

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// The sum of the bucket values of the first `n` wallets' general cash balances.
fn bucket_sum(conn: &mut selfcare::db::DbConnection, ids: &[i64], cash: i64) -> i64 {
    let mut sum = 0;
    for chunk in ids.chunks(5000) {
        let v: Vec<i64> = balance_buckets::table
            .inner_join(wallet_balances::table)
            .filter(wallet_balances::wallet_id.eq_any(chunk))
            .filter(wallet_balances::balance_type_id.eq(cash))
            .select(balance_buckets::value)
            .load(conn)
            .expect("bucket values");
        sum += v.iter().sum::<i64>();
    }
    sum
}

#[tokio::main]
async fn main() {
    let url = env("CHARGING_URL", "http://127.0.0.1:18490");
    let db = env("DATABASE_URL", "sqlite://data/selfcare.db");
    let n_wallets: i64 = env("CHARGING_WALLETS", "1")
        .parse()
        .expect("CHARGING_WALLETS");
    let clients: usize = env("CHARGING_CLIENTS", "64")
        .parse()
        .expect("CHARGING_CLIENTS");
    let secs: u64 = env("CHARGING_SECS", "30").parse().expect("CHARGING_SECS");

    // Preparation, straight into the database: a token and money on each wallet.
    let mut conn = selfcare::db::establish(&db).expect("database");
    let picked: Vec<(i64, String)> = wallets::table
        .filter(wallets::service_provider_id.eq(1))
        .order(wallets::id)
        .limit(n_wallets)
        .select((wallets::id, wallets::wallet_ref))
        .load(&mut conn)
        .expect("wallets");
    assert_eq!(
        picked.len() as i64,
        n_wallets,
        "demo-data made too few wallets"
    );
    let ids: Vec<i64> = picked.iter().map(|(id, _)| *id).collect();
    let cash: i64 = balance_types::table
        .filter(balance_types::service_provider_id.eq(1))
        .filter(balance_types::is_default.eq(true))
        .select(balance_types::id)
        .first(&mut conn)
        .expect("general cash");
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for chunk in ids.chunks(5000) {
            diesel::update(wallets::table.filter(wallets::id.eq_any(chunk)))
                .set((
                    wallets::max_concurrent.eq(9999),
                    wallets::state.eq("active"),
                ))
                .execute(conn)?;
        }
        for id in &ids {
            let b = selfcare::db::models::balance::balance_id(
                conn,
                selfcare::db::models::WalletId(*id),
                cash,
            )?;
            selfcare::db::models::balance::insert_bucket(
                conn,
                b,
                1_000_000_000,
                selfcare::domain::balance::BucketDates {
                    starts_at: None,
                    expires_at: None,
                },
            )?;
        }
        Ok(())
    })
    .expect("money on the wallets");
    let token = selfcare::domain::charging::BearerToken::generate();
    selfcare::db::models::api_token::insert(
        &mut conn,
        &selfcare::db::models::api_token::NewApiToken {
            service_provider_id: 1,
            name: format!("bench {}", rand::random::<u32>()),
            token_hash: token.hash(),
            created_by: "bench".into(),
            created_at: selfcare::db::now(),
        },
    )
    .expect("token");
    let first_edr: i64 = edrs::table
        .select(diesel::dsl::max(edrs::id))
        .first::<Option<i64>>(&mut conn)
        .expect("edrs")
        .unwrap_or(0);
    let before = bucket_sum(&mut conn, &ids, cash);

    // The load.
    let refs: std::sync::Arc<Vec<String>> =
        std::sync::Arc::new(picked.into_iter().map(|(_, r)| r).collect());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("client");
    let started = Instant::now();
    let until = started + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (client, refs, url, token) = (
                client.clone(),
                refs.clone(),
                url.clone(),
                token.reveal().to_string(),
            );
            tokio::spawn(async move {
                let mut rng = rand::rngs::StdRng::seed_from_u64(c as u64);
                let mut lat = Vec::new();
                let mut errors = Vec::new();
                while Instant::now() < until {
                    let w = &refs[rng.gen_range(0..refs.len())];
                    let t0 = Instant::now();
                    let r = client
                        .post(format!("{url}/api/v1/wallets/{w}/reservations"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"balance_type": "GENERAL_CASH",
                            "amount": 100, "expires_in_s": 60, "called_number": "4790000000"}))
                        .send()
                        .await;
                    let id = match r {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let v: serde_json::Value = r.json().await.unwrap_or_default();
                            v["id"].as_i64().unwrap_or(0)
                        }
                        Ok(r) => {
                            errors.push(format!("reserve {}", r.status()));
                            continue;
                        }
                        Err(e) => {
                            errors.push(format!("reserve {e}"));
                            continue;
                        }
                    };
                    let used = rng.gen_range(1..=100);
                    let r = client
                        .post(format!("{url}/api/v1/reservations/{id}/commit"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({ "used": used }))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status().as_u16() == 200 => {
                            lat.push(t0.elapsed().as_micros() as u64)
                        }
                        Ok(r) => errors.push(format!("commit {}", r.status())),
                        Err(e) => errors.push(format!("commit {e}")),
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut errors = Vec::new();
    for t in tasks {
        let (l, e) = t.await.expect("client task");
        lat.extend(l);
        errors.extend(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map(|us| *us as f64 / 1000.0)
            .unwrap_or(0.0)
    };

    // The check: EDR costs of the run = the fall of the bucket values.
    let after = bucket_sum(&mut conn, &ids, cash);
    let costs: Vec<i64> = edr_balances::table
        .inner_join(edrs::table)
        .filter(edrs::id.gt(first_edr))
        .select(edr_balances::cost)
        .load(&mut conn)
        .expect("edr costs");
    let cost: i64 = costs.iter().sum();
    let negative: i64 = balance_buckets::table
        .filter(balance_buckets::value.lt(0))
        .count()
        .get_result(&mut conn)
        .expect("negative buckets");
    println!(
        "wallets={n_wallets} clients={clients} secs={elapsed:.1} cycles={} cycles_per_s={:.0} \
         p50_ms={:.2} p99_ms={:.2} errors={} edr_cost={cost} balance_fall={} negative_buckets={negative}",
        lat.len(),
        lat.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        errors.len(),
        before - after,
    );
    for e in errors.iter().take(10) {
        eprintln!("error: {e}");
    }
    if !errors.is_empty() || cost != before - after || negative > 0 {
        std::process::exit(1);
    }
}
