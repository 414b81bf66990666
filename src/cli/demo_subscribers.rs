//! `selfcare demo-data --subscribers N`: realistic subscribers of the first service provider, each
//! with a primary wallet (some with a secondary one, some sharing a family wallet) holding money
//! (`demo_money`: balances, buckets, 90 days of EDRs), written in multi-row batches with
//! explicit ids so a million take a few minutes.

use crate::db::{self, DbConnection};
use crate::domain::subscriber::{LimitType, WalletState, WalletType};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Subscribers per INSERT statement (and per transaction).
const BATCH: u64 = 1_000;
/// The PIN of the demo subscribers that have one (one hash for all: hashing a million would
/// take hours).
pub const DEMO_PIN: &str = "1234";

const DESCRIPTIONS: &[&str] = &[
    "Prepaid SIM",
    "Family plan",
    "Business line",
    "Data only router",
    "Tourist SIM",
    "Student",
    "",
    "",
];
const STATES: &[WalletState] = &[
    WalletState::Active,
    WalletState::Active,
    WalletState::Active,
    WalletState::Active,
    WalletState::Active,
    WalletState::Active,
    WalletState::PreUse,
    WalletState::Dormant,
    WalletState::Suspended,
    WalletState::Frozen,
];
const LIMITS: &[LimitType] = &[
    LimitType::Prepaid,
    LimitType::Prepaid,
    LimitType::Prepaid,
    LimitType::Prepaid,
    LimitType::Postpaid,
    LimitType::LimitedPostpaid,
    LimitType::SingleUse,
];

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn flag(rng: &mut StdRng, p: f64) -> &'static str {
    if rng.gen_bool(p) {
        "TRUE"
    } else {
        "FALSE"
    }
}

fn max_id(conn: &mut DbConnection, table: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct M {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        m: i64,
    }
    let row: M = diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"))
        .get_result(conn)?;
    Ok(row.m)
}

fn ids(conn: &mut DbConnection, sql: &str) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct I {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    Ok(diesel::sql_query(sql)
        .load::<I>(conn)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Card number of the n-th generated subscriber: 12 digits spread over the whole range (a
/// bijection of the id), so prefixes are as selective as real ones.
pub fn card_number(id: i64) -> String {
    let v = (id as u128 * 7_777_777_777) % 900_000_000_000;
    format!("{}", 100_000_000_000 + v)
}

/// Subscriber ID of the n-th generated subscriber: a Norwegian mobile number, also spread.
pub fn cli(id: i64) -> String {
    format!("47{:08}", (id as u128 * 7_777_777) % 100_000_000)
}

/// Reference of the n-th generated wallet.
pub fn wallet_ref(id: i64) -> String {
    format!("W{:011}", (id as u128 * 7_777_777_777) % 100_000_000_000)
}

/// Adds `count` subscribers with their wallets; returns (subscribers, wallets) added.
pub fn generate(conn: &mut DbConnection, count: u64, seed: u64) -> anyhow::Result<(u64, u64)> {
    let sp = ids(conn, "SELECT id FROM service_providers ORDER BY id LIMIT 1")?
        .first()
        .copied()
        .ok_or_else(|| anyhow::anyhow!("no service provider on file"))?;
    let languages = ids(conn, "SELECT id FROM languages ORDER BY id")?;
    let products = ids(conn, "SELECT id FROM product_types ORDER BY id")?;
    let currencies = ids(conn, "SELECT id FROM currencies ORDER BY id")?;
    let domains = ids(conn, "SELECT id FROM charging_domains ORDER BY id")?;
    if languages.is_empty() || products.is_empty() || currencies.is_empty() || domains.is_empty() {
        anyhow::bail!("the reference lists (languages, product types, currencies, charging domains) are empty");
    }
    let customers = ids(
        conn,
        &format!(
            "SELECT id FROM customers WHERE service_provider_id = {sp} ORDER BY id LIMIT 200000"
        ),
    )?;
    let pin_hash = crate::auth::password::hash(DEMO_PIN)?;
    let mut next_sub = max_id(conn, "subscribers")? + 1;
    let mut next_wallet = max_id(conn, "wallets")? + 1;
    let first_wallet = next_wallet;
    let mut rng = StdRng::seed_from_u64(seed ^ (next_sub as u64).rotate_left(17));
    let now = db::now();
    let money_types = super::demo_money::types(conn, sp, now)?;
    let mut next_money = super::demo_money::NextIds {
        balance: max_id(conn, "wallet_balances")? + 1,
        bucket: max_id(conn, "balance_buckets")? + 1,
        edr: max_id(conn, "edrs")? + 1,
    };

    let bar = ProgressBar::new(count);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} subscribers {pos}/{len} [{bar:40}] {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut done = 0u64;
    let mut family: Option<i64> = None;
    while done < count {
        let n = BATCH.min(count - done);
        let mut subs = Vec::with_capacity(n as usize);
        let mut wallets = Vec::with_capacity(n as usize + n as usize / 8);
        let mut links = Vec::with_capacity(n as usize + n as usize / 8);
        let mut money = super::demo_money::Rows::default();
        let mut fresh: Vec<(i64, i64)> = Vec::with_capacity(n as usize + n as usize / 8);
        for _ in 0..n {
            let id = next_sub;
            next_sub += 1;
            let created = now - rng.gen_range(0..2 * 365 * 86_400);
            subs.push(format!(
                "({id},{sp},{},{},{},{},{},{},{},{},{},{},1,{created},{created})",
                q(&card_number(id)),
                q(&cli(id)),
                q(DESCRIPTIONS[rng.gen_range(0..DESCRIPTIONS.len())]),
                if rng.gen_bool(0.3) {
                    q(&pin_hash)
                } else {
                    "NULL".into()
                },
                languages[rng.gen_range(0..languages.len())],
                flag(&mut rng, 0.05),
                flag(&mut rng, 0.1),
                flag(&mut rng, 0.01),
                flag(&mut rng, 0.05),
                flag(&mut rng, 0.2),
            ));
            let mut new_wallet = |rng: &mut StdRng| {
                let wid = next_wallet;
                next_wallet += 1;
                let currency = currencies[rng.gen_range(0..currencies.len())];
                let limit = LIMITS[rng.gen_range(0..LIMITS.len())];
                let customer = if !customers.is_empty() && rng.gen_bool(0.3) {
                    customers[rng.gen_range(0..customers.len())].to_string()
                } else {
                    "NULL".into()
                };
                wallets.push(format!(
                    "({wid},{sp},{},{},{},{currency},{currency},{customer},{},{},{},{},{},1,{created},{created})",
                    q(&wallet_ref(wid)),
                    domains[rng.gen_range(0..domains.len())],
                    products[rng.gen_range(0..products.len())],
                    q(limit.code()),
                    if limit.has_minimum_credit() {
                        (rng.gen_range(1..100) * 1_000).to_string()
                    } else {
                        "NULL".into()
                    },
                    rng.gen_range(1..=3),
                    q(STATES[rng.gen_range(0..STATES.len())].code()),
                    if rng.gen_bool(0.2) {
                        (now + rng.gen_range(30..720) * 86_400).to_string()
                    } else {
                        "NULL".into()
                    },
                ));
                wid
            };
            // One in twenty joins the previous family's wallet; one in ten has a second one.
            let primary = match family {
                Some(w) if rng.gen_bool(0.05) => w,
                _ => {
                    let w = new_wallet(&mut rng);
                    fresh.push((w, id));
                    w
                }
            };
            family = Some(primary);
            links.push(format!(
                "({id},{},{primary},{created})",
                q(WalletType::Primary.code())
            ));
            if rng.gen_bool(0.1) {
                let secondary = new_wallet(&mut rng);
                fresh.push((secondary, id));
                links.push(format!(
                    "({id},{},{secondary},{created})",
                    q(WalletType::Secondary.code())
                ));
            }
        }
        for (wallet, subscriber) in fresh {
            money.wallet(
                &mut rng,
                &mut next_money,
                (wallet, subscriber, sp),
                &money_types,
                now,
            );
        }
        db::write_transaction(conn, |conn| -> QueryResult<()> {
            conn.batch_execute(&format!(
                "INSERT INTO subscribers (id, service_provider_id, card_number, cli, description, \
                 pin_hash, language_id, cli_restricted, disable_incoming_roaming, blacklisted, \
                 disable_sms, remote_access, version, created_at, updated_at) VALUES {}",
                subs.join(",")
            ))?;
            conn.batch_execute(&format!(
                "INSERT INTO wallets (id, service_provider_id, wallet_ref, charging_domain_id, \
                 product_type_id, currency_id, display_currency_id, customer_id, limit_type, \
                 min_credit_minor, max_concurrent, state, expires_at, version, created_at, \
                 updated_at) VALUES {}",
                wallets.join(",")
            ))?;
            conn.batch_execute(&format!(
                "INSERT INTO subscriber_wallets (subscriber_id, wallet_type, wallet_id, created_at) \
                 VALUES {}",
                links.join(",")
            ))?;
            money.write(conn)
        })?;
        done += n;
        bar.set_position(done);
    }
    bar.finish();
    if let DbConnection::Postgresql(_) = conn {
        // Explicit ids bypass the identity sequences; move them past what was written.
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('subscribers','id'), (SELECT MAX(id) FROM subscribers)); \
             SELECT setval(pg_get_serial_sequence('wallets','id'), (SELECT MAX(id) FROM wallets)); \
             ANALYZE subscribers; ANALYZE wallets; ANALYZE subscriber_wallets; ANALYZE customers;",
        )?;
        conn.batch_execute(super::demo_money::PG_SEQUENCES)?;
    } else {
        conn.batch_execute("ANALYZE;")?;
    }
    Ok((count, (next_wallet - first_wallet) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generated_identifiers_are_unique_spread_and_valid() {
        let cards: HashSet<String> = (1..=20_000).map(card_number).collect();
        assert_eq!(cards.len(), 20_000);
        let firsts: HashSet<char> = cards.iter().filter_map(|c| c.chars().next()).collect();
        assert!(
            firsts.len() >= 9,
            "cards start with every digit: {firsts:?}"
        );
        let clis: HashSet<String> = (1..=20_000).map(cli).collect();
        assert_eq!(clis.len(), 20_000);
        for c in clis.iter().take(50) {
            assert!(crate::domain::subscriber::Cli::parse(c).is_ok(), "{c}");
        }
        let refs: HashSet<String> = (1..=20_000).map(wallet_ref).collect();
        assert_eq!(refs.len(), 20_000);
        assert!(crate::domain::subscriber::WalletRef::parse(&wallet_ref(7)).is_ok());
        assert!(crate::domain::subscriber::CardNumber::parse(&card_number(7)).is_ok());
    }
}
