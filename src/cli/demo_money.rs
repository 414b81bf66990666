//! The money of the demo wallets: a general cash balance for each, a few other balance types for
//! some, buckets (some with an expiry, some with an offset date still to come) and a history of
//! EDRs over the last 90 days whose costs add up to the stored balances, as the real changes
//! would have written them. Rows go in with the subscribers' batch, in multi-row INSERTs with
//! explicit ids.

use crate::db::DbConnection;
use crate::domain::balance::{Category, EdrType};
use crate::domain::Unit;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::Rng;

const DAY: i64 = 86_400;

/// The balance types demo wallets use besides general cash: code, name, unit, category.
const DEMO_TYPES: &[(&str, &str, Unit, Category)] = &[
    ("DATA_MB", "Data (MB)", Unit::Units, Category::Chargeable),
    ("CALL_TIME", "Call time", Unit::Time, Category::Chargeable),
    (
        "BONUS_CASH",
        "Bonus cash",
        Unit::Cash,
        Category::CrossBalanceDiscount,
    ),
    (
        "MONTH_SPEND",
        "Spend this month",
        Unit::Cash,
        Category::Expenditure,
    ),
    (
        "FRAUD_CALLS",
        "Suspicious calls",
        Unit::Units,
        Category::Fraud,
    ),
];

/// A balance type the generator fills: id, unit, category.
#[derive(Debug, Clone, Copy)]
pub struct DemoType {
    pub id: i64,
    pub unit: Unit,
    pub category: Category,
}

/// The provider's general cash type and the other demo types (made when missing).
pub struct Types {
    pub cash: i64,
    pub others: Vec<DemoType>,
}

fn id_of(conn: &mut DbConnection, sql: &str) -> QueryResult<Option<i64>> {
    #[derive(QueryableByName)]
    struct I {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    Ok(diesel::sql_query(sql)
        .load::<I>(conn)?
        .first()
        .map(|r| r.id))
}

/// Gives the provider the demo balance types it lacks; returns them.
pub fn types(conn: &mut DbConnection, sp: i64, now: i64) -> anyhow::Result<Types> {
    crate::db::models::balance::ensure_default(conn, sp)?;
    let cash = id_of(
        conn,
        &format!(
            "SELECT id FROM balance_types WHERE service_provider_id = {sp} AND is_default = TRUE"
        ),
    )?
    .ok_or_else(|| anyhow::anyhow!("no general cash balance type"))?;
    let mut others = Vec::new();
    for (code, name, unit, category) in DEMO_TYPES {
        let find = format!(
            "SELECT id FROM balance_types WHERE service_provider_id = {sp} AND code = '{code}'"
        );
        let id = match id_of(conn, &find)? {
            Some(id) => id,
            None => {
                conn.batch_execute(&format!(
                    "INSERT INTO balance_types (service_provider_id, code, name, unit, category, \
                     max_value, max_policy, allow_credit, is_default, created_at) VALUES \
                     ({sp}, '{code}', '{name}', '{}', '{}', NULL, 'limit', FALSE, FALSE, {now})",
                    unit.code(),
                    category.code()
                ))?;
                id_of(conn, &find)?.ok_or_else(|| anyhow::anyhow!("balance type {code}"))?
            }
        };
        others.push(DemoType {
            id,
            unit: *unit,
            category: *category,
        });
    }
    Ok(Types { cash, others })
}

/// The next ids of the tables written with explicit ids.
pub struct NextIds {
    pub balance: i64,
    pub bucket: i64,
    pub edr: i64,
}

/// The rows of one batch, as SQL value tuples.
#[derive(Default)]
pub struct Rows {
    balances: Vec<String>,
    buckets: Vec<String>,
    edrs: Vec<String>,
    parts: Vec<String>,
}

/// A value typical of the unit: cash in cents, time in seconds, units.
fn typical(rng: &mut StdRng, unit: Unit) -> i64 {
    match unit {
        Unit::Cash => rng.gen_range(1..=500) * 10,
        Unit::Time => rng.gen_range(1..=120) * 60,
        Unit::Units => rng.gen_range(1..=2_000),
    }
}

impl Rows {
    /// One balance of wallet `wallet` (held by `subscriber`): its buckets and the EDRs that made
    /// them, spread over the last 90 days, oldest first.
    fn balance(
        &mut self,
        rng: &mut StdRng,
        next: &mut NextIds,
        (wallet, subscriber, sp): (i64, i64, i64),
        t: DemoType,
        now: i64,
    ) {
        let balance = next.balance;
        next.balance += 1;
        let start = now - 90 * DAY;
        self.balances
            .push(format!("({balance},{wallet},{},{start})", t.id));
        // Events: (time, delta of the stored sum, whether the delta counts now).
        let mut events: Vec<(i64, i64, bool)> = Vec::new();
        let mut bucket =
            |rows: &mut Rows, value: i64, expires: Option<i64>, starts: Option<i64>| {
                let id = next.bucket;
                next.bucket += 1;
                let opt =
                    |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "NULL".into());
                rows.buckets.push(format!(
                    "({id},{balance},{value},{},{},{start},{now})",
                    opt(expires),
                    opt(starts)
                ));
            };
        // The undated bucket: a top-up, then charges and top-ups, never below zero.
        let changes = rng.gen_range(1..=4);
        let mut main = 0i64;
        let mut times: Vec<i64> = (0..changes)
            .map(|_| now - rng.gen_range(DAY..90 * DAY))
            .collect();
        times.sort_unstable();
        for (i, at) in times.into_iter().enumerate() {
            let delta = if i == 0 || rng.gen_bool(0.4) {
                typical(rng, t.unit)
            } else {
                -rng.gen_range(0..=main)
            };
            main += delta;
            events.push((at, delta, true));
        }
        bucket(self, main, None, None);
        // Some balances have a dated bucket, and chargeable ones sometimes one that starts later.
        if rng.gen_bool(0.4) {
            let value = typical(rng, t.unit);
            let day = (now / DAY + rng.gen_range(10..365)) * DAY;
            bucket(self, value, Some(day), None);
            events.push((now - rng.gen_range(DAY..60 * DAY), value, true));
        }
        if t.category.takes_offset() && rng.gen_bool(0.2) {
            let value = typical(rng, t.unit);
            let starts = (now / DAY + rng.gen_range(2..30)) * DAY;
            bucket(self, value, Some(starts + 60 * DAY), Some(starts));
            events.push((now - rng.gen_range(DAY..30 * DAY), value, false));
        }
        events.sort_unstable_by_key(|e| e.0);
        let mut counted = 0i64;
        for (i, (at, delta, counts)) in events.into_iter().enumerate() {
            let edr = next.edr;
            next.edr += 1;
            let kind = if i == 0 || !counts {
                EdrType::BucketAdd
            } else {
                EdrType::Adjustment
            };
            let before = counted;
            if counts {
                counted += delta;
            }
            self.edrs.push(format!(
                "({edr},'{}',{sp},{wallet},{subscriber},'demo-data',NULL,{at})",
                kind.code()
            ));
            self.parts
                .push(format!("({edr},{},{before},{counted},{})", t.id, -delta));
        }
    }

    /// Every balance of a new wallet: general cash, and up to three other types.
    pub fn wallet(
        &mut self,
        rng: &mut StdRng,
        next: &mut NextIds,
        owner: (i64, i64, i64),
        types: &Types,
        now: i64,
    ) {
        let cash = DemoType {
            id: types.cash,
            unit: Unit::Cash,
            category: Category::Chargeable,
        };
        self.balance(rng, next, owner, cash, now);
        let extra = rng.gen_range(0..=3usize).min(types.others.len());
        let first = rng.gen_range(0..types.others.len().max(1));
        for k in 0..extra {
            let t = types.others[(first + k) % types.others.len()];
            self.balance(rng, next, owner, t, now);
        }
    }

    /// Writes the rows (inside the caller's transaction).
    pub fn write(&self, conn: &mut DbConnection) -> QueryResult<()> {
        if self.balances.is_empty() {
            return Ok(());
        }
        conn.batch_execute(&format!(
            "INSERT INTO wallet_balances (id, wallet_id, balance_type_id, created_at) VALUES {}",
            self.balances.join(",")
        ))?;
        conn.batch_execute(&format!(
            "INSERT INTO balance_buckets (id, balance_id, value, expires_at, starts_at, \
             created_at, updated_at) VALUES {}",
            self.buckets.join(",")
        ))?;
        conn.batch_execute(&format!(
            "INSERT INTO edrs (id, edr_type, service_provider_id, wallet_id, subscriber_id, \
             operator_name, change_reason, created_at) VALUES {}",
            self.edrs.join(",")
        ))?;
        conn.batch_execute(&format!(
            "INSERT INTO edr_balances (edr_id, balance_type_id, before_total, after_total, cost) \
             VALUES {}",
            self.parts.join(",")
        ))
    }
}

/// PostgreSQL: moves the identity sequences past the explicit ids.
pub const PG_SEQUENCES: &str =
    "SELECT setval(pg_get_serial_sequence('wallet_balances','id'), (SELECT COALESCE(MAX(id), 1) FROM wallet_balances)); \
     SELECT setval(pg_get_serial_sequence('balance_buckets','id'), (SELECT COALESCE(MAX(id), 1) FROM balance_buckets)); \
     SELECT setval(pg_get_serial_sequence('edrs','id'), (SELECT COALESCE(MAX(id), 1) FROM edrs)); \
     ANALYZE wallet_balances; ANALYZE balance_buckets; ANALYZE edrs; ANALYZE edr_balances;";
