//! Sign-in throttling: failures per username and per client address slow the answer down and
//! then lock that key for a while. One instance is shared by all workers.

use actix_web::HttpRequest;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The client's address, as the throttle counts it.
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
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

#[derive(Debug)]
struct Failures {
    count: u32,
    since: Instant,
    locked_until: Option<Instant>,
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

pub struct LoginThrottle {
    policy: ThrottlePolicy,
    entries: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        LoginThrottle {
            policy,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn user_key(username: &str) -> String {
        format!("u:{}", username.trim().to_lowercase())
    }
    fn ip_key(ip: &str) -> String {
        format!("ip:{ip}")
    }

    /// Whether an attempt for this username from this address may go ahead.
    pub fn check(&self, username: &str, ip: &str) -> Verdict {
        let now = Instant::now();
        let Ok(map) = self.entries.lock() else {
            return Verdict::Allowed;
        };
        let left = [Self::user_key(username), Self::ip_key(ip)]
            .iter()
            .filter_map(|k| map.get(k).and_then(|f| f.locked_until))
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match left {
            Some(d) => Verdict::Locked {
                minutes: d.as_secs().div_ceil(60).max(1),
            },
            None => Verdict::Allowed,
        }
    }

    /// Records a failure; returns how long to delay the answer and whether it now locks.
    pub fn record_failure(&self, username: &str, ip: &str) -> (Duration, bool) {
        let now = Instant::now();
        let p = &self.policy;
        let Ok(mut map) = self.entries.lock() else {
            return (Duration::ZERO, false);
        };
        if map.len() > 100_000 {
            map.retain(|_, f| {
                now.duration_since(f.since) < p.window || f.locked_until.is_some_and(|u| u > now)
            });
        }
        let mut worst = 0;
        let mut locked = false;
        for (key, limit) in [
            (Self::user_key(username), p.lock_user_after),
            (Self::ip_key(ip), p.lock_ip_after),
        ] {
            let f = map.entry(key).or_insert(Failures {
                count: 0,
                since: now,
                locked_until: None,
            });
            if now.duration_since(f.since) > p.window && f.locked_until.is_none_or(|u| u <= now) {
                f.count = 0;
                f.since = now;
                f.locked_until = None;
            }
            f.count += 1;
            if f.count >= limit {
                f.locked_until = Some(now + p.lock_for);
                locked = true;
            }
            worst = worst.max(f.count);
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
        (delay, locked)
    }

    /// How long a lock lasts, in whole minutes, for messages.
    pub fn lock_minutes(&self) -> u64 {
        self.policy.lock_for.as_secs().div_ceil(60)
    }

    /// A successful sign-in clears the username's failures (not the address's).
    pub fn record_success(&self, username: &str) {
        if let Ok(mut map) = self.entries.lock() {
            map.remove(&Self::user_key(username));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> LoginThrottle {
        LoginThrottle::new(ThrottlePolicy {
            delay_step: Duration::from_millis(10),
            ..ThrottlePolicy::default()
        })
    }

    #[test]
    fn slows_then_locks_the_username() {
        let t = quick();
        for i in 1..=4 {
            let (delay, locked) = t.record_failure("admin", "10.0.0.1");
            assert!(!locked, "attempt {i}");
            assert_eq!(delay.is_zero(), i <= 3, "attempt {i}");
        }
        assert_eq!(t.check("admin", "10.0.0.2"), Verdict::Allowed);
        let (_, locked) = t.record_failure("ADMIN", "10.0.0.1");
        assert!(locked);
        assert_eq!(
            t.check("admin", "10.0.0.2"),
            Verdict::Locked { minutes: 15 }
        );
        assert_eq!(t.check("other", "10.0.0.2"), Verdict::Allowed);
    }

    #[test]
    fn locks_the_address_across_usernames() {
        let t = quick();
        for i in 0..20 {
            t.record_failure(&format!("user{i}"), "10.0.0.9");
        }
        assert!(matches!(
            t.check("fresh", "10.0.0.9"),
            Verdict::Locked { .. }
        ));
        assert_eq!(t.check("fresh", "10.0.0.8"), Verdict::Allowed);
    }

    #[test]
    fn success_clears_the_username() {
        let t = quick();
        for _ in 0..4 {
            t.record_failure("admin", "10.0.0.1");
        }
        t.record_success("admin");
        let (delay, _) = t.record_failure("admin", "10.0.0.3");
        assert!(delay.is_zero());
    }
}
