//! Sign-in throttling: failures per username and per client address slow the answer down and
//! then lock that key for a while. The counters live in the database (`login_failures`), so every
//! instance sees the same failures and locks, and a restart forgets none.

use crate::db::models::login_failure;
use crate::db::DbConnection;
use crate::domain::AddressList;
use actix_web::HttpRequest;
use diesel::QueryResult;
use std::net::IpAddr;
use std::time::Duration;

/// The client's address, as the throttle and the logs count it: the TCP peer, or — when the
/// peer is one of the trusted reverse proxies — the nearest address in `X-Forwarded-For` that is
/// not itself a trusted proxy. From anyone else the header is ignored (a client could write any
/// address into it).
pub fn client_ip(req: &HttpRequest, trusted: &AddressList) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    if !trusted.contains(peer) {
        return peer.to_string();
    }
    // Walk from the right (the entries our proxies appended) to the first one they did not.
    let mut nearest = peer;
    let entries = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for entry in entries.iter().rev() {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(ip) => nearest = ip,
            Ok(ip) => return ip.to_string(),
            Err(_) => break,
        }
    }
    nearest.to_string()
}

#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures counted within this window.
    pub window: Duration,
    /// From this many failures on, each answer is delayed.
    pub slow_after: u32,
    /// Delay per failure beyond `slow_after`, capped at `max_delay`.
    pub delay_step: Duration,
    pub max_delay: Duration,
    /// Failures of one username that lock it.
    pub lock_user_after: u32,
    /// Failures from one address that lock it (higher: offices share addresses).
    pub lock_ip_after: u32,
    pub lock_for: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::from_secs(15 * 60),
            slow_after: 3,
            delay_step: Duration::from_millis(500),
            max_delay: Duration::from_secs(3),
            lock_user_after: 5,
            lock_ip_after: 20,
            lock_for: Duration::from_secs(15 * 60),
        }
    }
}

/// What the sign-in handler should do before checking a password.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Locked: minutes left (rounded up).
    Locked {
        minutes: u64,
    },
}

/// The throttle's rules; its counters are rows, reached through the connection each call gets.
#[derive(Clone)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        LoginThrottle { policy }
    }

    fn user_key(username: &str) -> String {
        format!("u:{}", username.trim().to_lowercase())
    }
    fn ip_key(ip: &str) -> String {
        format!("ip:{ip}")
    }

    /// Whether an attempt for this username from this address may go ahead.
    pub fn check(
        &self,
        conn: &mut DbConnection,
        username: &str,
        ip: &str,
        now: i64,
    ) -> QueryResult<Verdict> {
        let keys = [Self::user_key(username), Self::ip_key(ip)];
        Ok(match login_failure::locked_until(conn, &keys, now)? {
            Some(until) => Verdict::Locked {
                minutes: ((until - now).max(1) as u64).div_ceil(60),
            },
            None => Verdict::Allowed,
        })
    }

    /// Records a failure; returns how long to delay the answer and whether it now locks.
    pub fn record_failure(
        &self,
        conn: &mut DbConnection,
        username: &str,
        ip: &str,
        now: i64,
    ) -> QueryResult<(Duration, bool)> {
        let p = &self.policy;
        let window = p.window.as_secs() as i64;
        let until = now + p.lock_for.as_secs() as i64;
        let mut worst = 0u32;
        let mut locked = false;
        for (key, limit) in [
            (Self::user_key(username), p.lock_user_after),
            (Self::ip_key(ip), p.lock_ip_after),
        ] {
            let count = crate::db::write_transaction(conn, |conn| {
                login_failure::count_failure(conn, &key, now, window)
            })?
            .max(0) as u32;
            if count >= limit && login_failure::lock(conn, &key, now, until)? {
                locked = true;
            }
            worst = worst.max(count);
        }
        crate::metrics::login_failure();
        if locked {
            crate::metrics::lockout();
        }
        let delay = if worst > p.slow_after {
            (p.delay_step * (worst - p.slow_after)).min(p.max_delay)
        } else {
            Duration::ZERO
        };
        Ok((delay, locked))
    }

    /// How long a lock lasts, in whole minutes, for messages.
    pub fn lock_minutes(&self) -> u64 {
        self.policy.lock_for.as_secs().div_ceil(60)
    }

    /// A successful sign-in clears the username's failures (not the address's).
    pub fn record_success(&self, conn: &mut DbConnection, username: &str) -> QueryResult<()> {
        login_failure::clear(conn, &Self::user_key(username))
    }

    /// Forgets counters whose window and lock have passed (the worker's tidy-up).
    pub fn purge(&self, conn: &mut DbConnection, now: i64) -> QueryResult<usize> {
        login_failure::purge(conn, now, self.policy.window.as_secs() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn req(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut r = TestRequest::default().peer_addr(format!("{peer}:5000").parse().unwrap());
        if let Some(f) = forwarded {
            r = r.insert_header(("X-Forwarded-For", f));
        }
        r.to_http_request()
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let none = AddressList::parse("").unwrap();
        let proxies = AddressList::parse("10.0.0.0/8").unwrap();
        assert_eq!(
            client_ip(&req("10.0.0.5", Some("203.0.113.7")), &none),
            "10.0.0.5"
        );
        assert_eq!(
            client_ip(&req("198.51.100.1", Some("203.0.113.7")), &proxies),
            "198.51.100.1"
        );
        assert_eq!(
            client_ip(&req("10.0.0.5", Some("203.0.113.7")), &proxies),
            "203.0.113.7"
        );
        // A client's own made-up entry sits left of what the proxies appended.
        assert_eq!(
            client_ip(
                &req("10.0.0.5", Some("1.2.3.4, 203.0.113.7, 10.0.0.9")),
                &proxies
            ),
            "203.0.113.7"
        );
        assert_eq!(client_ip(&req("10.0.0.5", None), &proxies), "10.0.0.5");
        assert_eq!(
            client_ip(&req("10.0.0.5", Some("garbage")), &proxies),
            "10.0.0.5"
        );
    }
}
