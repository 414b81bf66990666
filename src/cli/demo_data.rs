//! `selfcare demo-data --customers N --subscribers M`: realistic generated customers with 1–5
//! sites each and 1–3 access links per site, written in multi-row batches so 100k customers take
//! seconds; then the subscribers (see `demo_subscribers`).

use crate::config::Settings;
use crate::db::{self, DbConnection};
use crate::domain::{BillingType, CustomerStatus, CustomerType, LinkStatus, LinkType, TaxFlag};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const BATCH: u64 = 500;
/// Every demo customer signs in with this password (hashing 100k distinct ones would take an hour).
pub const DEMO_PASSWORD: &str = "Demo1234!";

const FIRST: &[&str] = &[
    "Anna", "Lars", "Ingrid", "Ola", "Maria", "Jonas", "Sofia", "Erik", "Nora", "Henrik", "Emma",
    "Lukas", "Julia", "Mateo", "Aisha", "Kenji", "Priya", "Omar", "Chloe", "Diego", "Fatima",
    "Liam", "Mei", "Noah", "Sara", "Tomás", "Zoë", "Björn", "Élodie", "Marek",
];
const LAST: &[&str] = &[
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Berg",
    "Dahl",
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Kowalski",
    "Novak",
    "Tanaka",
    "Patel",
    "Haddad",
    "Dubois",
    "Jensen",
    "Lindqvist",
    "Silva",
    "O'Brien",
    "Nguyen",
    "Kim",
    "Andersen",
    "Virtanen",
    "Costa",
];
const WORD1: &[&str] = &[
    "Nordic", "Atlas", "Blue", "Polar", "Summit", "Harbor", "Granite", "Aurora", "Coastal",
    "Metro", "Pioneer", "Vertex", "Fjord", "Redwood", "Silver", "Northern", "Union", "Crescent",
    "Alpine", "Lakeside",
];
const WORD2: &[&str] = &[
    "Logistics",
    "Foods",
    "Health",
    "Energy",
    "Retail",
    "Shipping",
    "Dental",
    "Legal",
    "Media",
    "Builders",
    "Insurance",
    "Hotels",
    "Pharma",
    "Analytics",
    "Farms",
    "Motors",
    "Textiles",
    "Telecom",
    "Consulting",
    "Labs",
];
const SUFFIX: &[&str] = &[
    "AS", "AB", "Ltd", "GmbH", "Inc", "SA", "Oy", "BV", "LLC", "ApS",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("Oslo", "NO", "Europe/Oslo"),
    ("Bergen", "NO", "Europe/Oslo"),
    ("Stockholm", "SE", "Europe/Stockholm"),
    ("Copenhagen", "DK", "Europe/Copenhagen"),
    ("Helsinki", "FI", "Europe/Helsinki"),
    ("Berlin", "DE", "Europe/Berlin"),
    ("London", "GB", "Europe/London"),
    ("Paris", "FR", "Europe/Paris"),
    ("Madrid", "ES", "Europe/Madrid"),
    ("New York", "US", "America/New_York"),
    ("Chicago", "US", "America/Chicago"),
    ("Toronto", "CA", "America/Toronto"),
    ("Singapore", "SG", "Asia/Singapore"),
    ("Sydney", "AU", "Australia/Sydney"),
    ("Tokyo", "JP", "Asia/Tokyo"),
];
const SITE_KIND: &[&str] = &[
    "HQ",
    "Branch",
    "Warehouse",
    "Datacenter",
    "Store",
    "Office",
    "Depot",
    "Lab",
];
const TAX_FLAGS: &[TaxFlag] = TaxFlag::ALL;
const LINK_TYPES: &[LinkType] = LinkType::ALL;
const STATUSES: &[CustomerStatus] = {
    use CustomerStatus as S;
    &[
        S::Active,
        S::Active,
        S::Active,
        S::Active,
        S::Active,
        S::Active,
        S::Suspended,
        S::Blocked,
        S::Closed,
        S::PendingReview,
    ]
};

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The demo package list: a seat package and an attendant console add-on (made once).
fn demo_packages(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    use crate::db::models::packages;
    use crate::domain::PackageKind;
    let mut id_of = |name: &str, kind: PackageKind| -> QueryResult<i64> {
        match packages::list(conn)?.into_iter().find(|p| p.name == name) {
            Some(p) => Ok(p.id),
            None => Ok(packages::insert(conn, name, "Demo", kind)?.id),
        }
    };
    Ok((
        id_of("Standard seat", PackageKind::Package)?,
        id_of("Attendant console", PackageKind::Addon)?,
    ))
}

/// The people and PBX settings of demo customers `first..=last`: quantities of the seat and
/// the console, PBX settings (every fourth confirms billing changes), a viewer administrator
/// (`viewer`, the demo password) besides the web access account, and two users each — the
/// first with the console — within the quantities.
fn people(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
    seat: i64,
    console: i64,
) -> QueryResult<()> {
    let range = format!("FROM customers WHERE id BETWEEN {first} AND {last}");
    conn.batch_execute(&format!(
        "INSERT INTO customer_packages (customer_id, package_id, quantity) \
         SELECT id, {seat}, 5 {range}; \
         INSERT INTO customer_packages (customer_id, package_id, quantity) \
         SELECT id, {console}, 1 {range}; \
         INSERT INTO customer_pbx_settings (customer_id, platform_id, extension_length, \
         dial_internal, dial_local, dial_national, dial_international, welcome_mail, \
         confirm_billing, time_zone, managed_by, version, updated_at) \
         SELECT id, NULL, 4, TRUE, TRUE, TRUE, FALSE, FALSE, id % 4 = 0, 'Europe/Oslo', \
         CASE WHEN id % 2 = 0 THEN 'mbg' ELSE 'mivoice' END, 1, created_at {range}; \
         INSERT INTO customer_admins (customer_id, username, username_key, password_hash, role, \
         is_primary, disabled, version, created_at, updated_at) \
         SELECT id, 'viewer', 'viewer', password_hash, 'viewer', FALSE, FALSE, 1, created_at, \
         updated_at {range} AND username_key <> 'viewer'; \
         INSERT INTO customer_users (customer_id, name, email, extension, sip_username, sip_key, \
         package_id, version, created_at, updated_at) \
         SELECT id, 'Reception', 'r' || id || '@example.com', '1001', 'u' || id || 'a', \
         'u' || id || 'a', {seat}, 1, created_at, created_at {range}; \
         INSERT INTO customer_users (customer_id, name, email, extension, sip_username, sip_key, \
         package_id, version, created_at, updated_at) \
         SELECT id, 'Sales desk', 's' || id || '@example.com', '1002', 'u' || id || 'b', \
         'u' || id || 'b', {seat}, 1, created_at, created_at {range}; \
         INSERT INTO customer_user_addons (user_id, package_id, customer_id) \
         SELECT id, {console}, customer_id FROM customer_users \
         WHERE customer_id BETWEEN {first} AND {last} AND extension = '1001';"
    ))
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

pub fn run(settings: &Settings, customers: u64, subscribers: u64, seed: u64) -> anyhow::Result<()> {
    let (pool, _, secrets) = crate::startup::prepare_database(settings)?;
    // One sealed secret serves every demo SIP device (sealing per row would be as good, slower).
    let demo_secret = secrets.seal(DEMO_PASSWORD);
    let mut conn = pool.get()?;
    let conn: &mut DbConnection = &mut conn;
    let hash = crate::auth::password::hash(DEMO_PASSWORD)?;
    let sp: i64 = crate::db::schema::service_providers::table
        .select(crate::db::schema::service_providers::id)
        .order(crate::db::schema::service_providers::id)
        .first(conn)?;
    let tariff: i64 = crate::db::schema::tariffs::table
        .select(crate::db::schema::tariffs::id)
        .order(crate::db::schema::tariffs::id)
        .first(conn)?;
    let branding: i64 = crate::db::schema::branding_profiles::table
        .select(crate::db::schema::branding_profiles::id)
        .order(crate::db::schema::branding_profiles::id)
        .first(conn)?;
    let (seat, console) = demo_packages(conn)?;
    let mut next_customer = max_id(conn, "customers")? + 1;
    let mut next_site = max_id(conn, "sites")? + 1;
    let mut next_link = max_id(conn, "access_links")? + 1;
    let (first_site, first_link) = (next_site, next_link);
    let mut rng = StdRng::seed_from_u64(seed ^ next_customer as u64);
    let now = db::now();

    let bar = if customers == 0 {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(customers)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} customers {pos}/{len} [{bar:40}] {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut done = 0u64;
    while done < customers {
        let n = BATCH.min(customers - done);
        let mut c_rows = Vec::with_capacity(n as usize);
        let mut s_rows = Vec::new();
        let mut l_rows = Vec::new();
        let mut t_rows: [Vec<String>; 3] = Default::default();
        let mut p_rows: Vec<String> = Vec::new();
        let mut cdr_rows: Vec<String> = Vec::new();
        for _ in 0..n {
            let id = next_customer;
            next_customer += 1;
            let first = pick(&mut rng, FIRST);
            let last = pick(&mut rng, LAST);
            let company = format!(
                "{} {} {}",
                pick(&mut rng, WORD1),
                pick(&mut rng, WORD2),
                pick(&mut rng, SUFFIX)
            );
            let (city, country, tz) = *pick(&mut rng, CITIES);
            let username = format!("{}{}", slug(last).replace('-', ""), id);
            let mut email = format!("{}@{}.example", slug(first), id);
            email.truncate(30);
            let webid = format!("{}-{}", slug(&company), id);
            let webid: String = webid
                .chars()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let webid = webid.trim_start_matches('-').to_string();
            let phone = format!("{:010}", rng.gen_range(2_000_000_000u64..9_999_999_999));
            let status = pick(&mut rng, STATUSES);
            let created = now - rng.gen_range(0..3 * 365 * 86400);
            c_rows.push(format!(
                "({id},{sp},{},{},{},{},{},{tariff},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{branding},{},1,{created},{created})",
                q(&format!("9{id:011}")),
                q(if rng.gen_bool(0.95) {
                    CustomerType::Live
                } else {
                    CustomerType::Demo
                }
                .code()),
                q(&username),
                q(&username.to_lowercase()),
                q(&hash),
                q(if rng.gen_bool(0.6) {
                    BillingType::Prepaid
                } else {
                    BillingType::Postpaid
                }
                .code()),
                rng.gen_range(1..=30),
                rng.gen_range(0..1_000_000i64) * 100,
                rng.gen_range(0..=6),
                q(pick(&mut rng, TAX_FLAGS).code()),
                rng.gen_range(1..200),
                rng.gen_range(1..50),
                if rng.gen_bool(0.5) { "TRUE" } else { "FALSE" },
                q("G711,G729"),
                "NULL",
                q(&format!("{first} {last}")),
                q(&company),
                q(""),
                q(&email),
                q(&format!("{} Street {}, {city}", pick(&mut rng, LAST), rng.gen_range(1..200))),
                q(&phone),
                q(country),
                q(&format!("{:04}", rng.gen_range(100..9999))),
                q(&webid),
                q(status.code()),
            ));
            // Telephony: an IP device, a SIP device, a dialing route and a translation rule.
            t_rows[0].push(format!(
                "({id},{},{},{},{},{},TRUE,1,{created},{created})",
                q(&format!(
                    "100.{}.{}.{}",
                    (id >> 16) & 63 | 64,
                    (id >> 8) & 255,
                    id & 255
                )),
                q("Office PBX"),
                q(&format!("{}", rng.gen_range(10..99))),
                rng.gen_range(1..100),
                rng.gen_range(1..20),
            ));
            t_rows[1].push(format!(
                "({id},{},{},{},{},FALSE,'','',{},{},TRUE,1,{created},{created})",
                q(&format!("sip{id}")),
                q(&format!("sip{id}")),
                q(&demo_secret),
                q(&format!("{}", 200 + id % 700)),
                rng.gen_range(1..10),
                rng.gen_range(1..5),
            ));
            t_rows[2].push(format!("({id},'destination',1,'00',2,'+',{created})"));
            // Billing: two payments and twenty calls over the last three months.
            let account = format!("9{id:011}");
            for k in 0..2 {
                p_rows.push(format!(
                    "({id},{},{},{},{},'',{},{})",
                    q(if k == 0 { "payment" } else { "credit" }),
                    rng.gen_range(1..100_000i64),
                    now - rng.gen_range(0..90 * 86400),
                    q(&format!("DEMO-{id}-{k}")),
                    q("demo-data"),
                    now
                ));
            }
            for c in 0..20i64 {
                let called = format!(
                    "+{}{:08}",
                    pick(&mut rng, &[44, 49, 33, 1, 46, 47]),
                    rng.gen_range(0..99_999_999)
                );
                cdr_rows.push(format!(
                    "({id},{},{},{},{},{},{},{})",
                    q(&account),
                    now - 90 * 86400 + c * 4 * 86400 + rng.gen_range(0..86400),
                    rng.gen_range(1..1200),
                    q(&phone),
                    q(&called),
                    q(&crate::domain::billing::dest_prefix(&called)),
                    rng.gen_range(0..500)
                ));
            }
            for s in 0..rng.gen_range(1..=5) {
                let sid = next_site;
                next_site += 1;
                let kind = pick(&mut rng, SITE_KIND);
                s_rows.push(format!(
                    "({sid},{id},{},{},{},{},{},1,{created},{created})",
                    q(&format!("{city} {kind} {}", s + 1)),
                    q(&format!("{kind} of {company}")),
                    q(&format!(
                        "{} Road {}, {city}",
                        pick(&mut rng, LAST),
                        rng.gen_range(1..300)
                    )),
                    q(country),
                    q(tz),
                ));
                for l in 0..rng.gen_range(1..=3) {
                    let lid = next_link;
                    next_link += 1;
                    let lt = pick(&mut rng, LINK_TYPES);
                    let down = *pick(&mut rng, &[10_000i64, 50_000, 100_000, 500_000, 1_000_000]);
                    l_rows.push(format!(
                        "({lid},{sid},{},{},{},{down},{},{},{},{},1,{created},{created})",
                        q(&format!("{}-{}", lt.code(), l + 1)),
                        q(&format!(
                            "{} uplink",
                            if l == 0 { "Primary" } else { "Backup" }
                        )),
                        q(lt.code()),
                        down / rng.gen_range(1..=10),
                        q(&format!(
                            "10.{}.{}.{}/30",
                            (lid >> 14) & 255,
                            (lid >> 6) & 255,
                            (lid & 63) * 4
                        )),
                        q(&format!("CKT-{:08}", lid)),
                        q(if rng.gen_bool(0.9) {
                            LinkStatus::Active
                        } else {
                            LinkStatus::Inactive
                        }
                        .code()),
                    ));
                }
            }
        }
        db::write_transaction(conn, |conn| -> QueryResult<()> {
            conn.batch_execute(&format!(
                "INSERT INTO customers (id, service_provider_id, account_code, customer_type, username, \
                 username_key, password_hash, tariff_id, billing_type, payment_term_days, credit_limit_cents, \
                 billing_decimals, tax_flag, max_call_sessions, calls_per_second, call_with_media, codec_list, \
                 max_call_duration_secs, name, company, description, email, address, phone, country, pin, webid, \
                 branding_id, status, version, created_at, updated_at) VALUES {}",
                c_rows.join(",")
            ))?;
            for chunk in s_rows.chunks(1000) {
                conn.batch_execute(&format!(
                    "INSERT INTO sites (id, customer_id, name, description, address, country, time_zone, \
                     version, created_at, updated_at) VALUES {}",
                    chunk.join(",")
                ))?;
            }
            for chunk in p_rows.chunks(1000) {
                conn.batch_execute(&format!(
                    "INSERT INTO payments (customer_id, kind, amount_minor, paid_at, reference, note, \
                     actor, created_at) VALUES {}",
                    chunk.join(",")
                ))?;
            }
            for chunk in cdr_rows.chunks(1000) {
                conn.batch_execute(&format!(
                    "INSERT INTO cdrs (customer_id, account_code, started_at, duration_s, calling, called, \
                     dest_prefix, cost_minor) VALUES {} ON CONFLICT DO NOTHING",
                    chunk.join(",")
                ))?;
            }
            for chunk in l_rows.chunks(1000) {
                conn.batch_execute(&format!(
                    "INSERT INTO access_links (id, site_id, name, description, link_type, bandwidth_down_kbps, \
                     bandwidth_up_kbps, ip_address, circuit_id, status, version, created_at, updated_at) VALUES {}",
                    chunk.join(",")
                ))?;
            }
            conn.batch_execute(&format!(
                "INSERT INTO ip_devices (customer_id, ip_address, description, dial_prefix, \
                 max_call_sessions, calls_per_second, active, version, created_at, updated_at) VALUES {}",
                t_rows[0].join(",")
            ))?;
            conn.batch_execute(&format!(
                "INSERT INTO sip_devices (customer_id, login, login_key, secret_sealed, extension, \
                 voicemail, voicemail_email, ip_address, max_call_sessions, calls_per_second, active, \
                 version, created_at, updated_at) VALUES {}",
                t_rows[1].join(",")
            ))?;
            conn.batch_execute(&format!(
                "INSERT INTO translation_rules (customer_id, list, position, match_prefix, strip, \
                 prepend, created_at) VALUES {}",
                t_rows[2].join(",")
            ))?;
            conn.batch_execute(&format!(
                "INSERT INTO dialing_routes (customer_id, route_id, pattern, created_at) \
                 SELECT id, (SELECT MIN(id) FROM dialing_route_list), '00*', created_at \
                 FROM customers WHERE id BETWEEN {} AND {}",
                next_customer - n as i64,
                next_customer - 1
            ))?;
            people(
                conn,
                next_customer - n as i64,
                next_customer - 1,
                seat,
                console,
            )?;
            // Each customer's web access account is its first administrator.
            conn.batch_execute(&format!(
                "INSERT INTO customer_admins (customer_id, username, username_key, password_hash, \
                 role, is_primary, disabled, version, created_at, updated_at) \
                 SELECT id, username, username_key, password_hash, 'admin', TRUE, FALSE, 1, \
                 created_at, updated_at FROM customers WHERE id BETWEEN {} AND {}",
                next_customer - n as i64,
                next_customer - 1
            ))?;
            // A customer pending review waits in the compliance queue, as screening leaves it:
            // an open review (its company matched an entry of its country), due in 72 hours.
            conn.batch_execute(&format!(
                "INSERT INTO compliance_reviews (customer_id, screened_name, matched_name, \
                 matched_country, opened_at, due_at) \
                 SELECT id, company, company, country, {now}, {} FROM customers \
                 WHERE id BETWEEN {} AND {} AND status = 'pending_review'",
                now + crate::service::compliance::REVIEW_WINDOW_SECS,
                next_customer - n as i64,
                next_customer - 1
            ))?;
            Ok(())
        })?;
        done += n;
        bar.set_position(done);
    }
    bar.finish();
    if let DbConnection::Postgresql(_) = conn {
        // Explicit ids bypass the identity sequences; move them past what was written.
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('customers','id'), (SELECT MAX(id) FROM customers)); \
             SELECT setval(pg_get_serial_sequence('sites','id'), (SELECT MAX(id) FROM sites)); \
             SELECT setval(pg_get_serial_sequence('access_links','id'), (SELECT MAX(id) FROM access_links)); \
             ANALYZE customers; ANALYZE sites; ANALYZE access_links; ANALYZE ip_devices; \
             ANALYZE sip_devices;",
        )?;
    }
    // SQLite is left without ANALYZE on purpose: with STAT4 samples present it re-prepares
    // every statement whose parameters meet an indexed column, which doubles the cost of the
    // pages' queries; its default plans already use the indexes.
    if customers > 0 {
        println!(
            "Added {customers} customers, {} sites and {} access links (password of every demo customer: {DEMO_PASSWORD}).",
            next_site - first_site,
            next_link - first_link,
        );
    }
    if subscribers > 0 {
        let (subs, wallets) = super::demo_subscribers::generate(conn, subscribers, seed)?;
        println!(
            "Added {subs} subscribers with {wallets} wallets (PIN of those that have one: {}).",
            super::demo_subscribers::DEMO_PIN
        );
    }
    Ok(())
}
