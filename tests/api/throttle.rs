//! The sign-in throttle's counters live in the database: a lockout made through one instance
//! holds on every other and after a restart; behind a trusted proxy each client is counted by
//! its own address; the portal's password change counts wrong current passwords too.

use crate::common::{
    fresh_database_url, settings, spawn_app, spawn_app_with, spawn_app_with_throttle,
    ThrottlePolicy, ADMIN_PASSWORD, CUSTOMER_PASSWORD,
};
use std::time::Duration;

/// Locks after 3 failures from one address, with no delays to wait out.
fn quick(lock_ip_after: u32) -> ThrottlePolicy {
    ThrottlePolicy {
        delay_step: Duration::from_millis(1),
        max_delay: Duration::from_millis(1),
        lock_ip_after,
        lock_user_after: 100,
        ..ThrottlePolicy::default()
    }
}

#[tokio::test]
async fn a_lockout_on_one_instance_holds_on_another_and_after_a_restart() {
    let first = spawn_app().await;
    let second = spawn_app_with(first.database_url.clone()).await;
    for _ in 0..5 {
        let _ = first.login("admin", "Wrong-password1!").await;
    }
    let r = second.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status().as_u16(), 429, "locked on the other instance too");
    assert!(r.text().await.unwrap().contains("locked"));
    let restarted = spawn_app_with(first.database_url.clone()).await;
    assert_eq!(
        restarted
            .login("admin", ADMIN_PASSWORD)
            .await
            .status()
            .as_u16(),
        429,
        "a new instance (a restart) remembers the lock"
    );
    // Another account from the same address is not locked (5 is below the address's limit).
    let b = second.another_browser();
    b.create_operator("clerk", "Clerk-passw0rd!", "operator");
    assert_eq!(
        b.login("clerk", "Clerk-passw0rd!").await.status().as_u16(),
        303
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_by_its_own_address() {
    let mut s = settings(&fresh_database_url());
    s.trusted_proxies = "127.0.0.1".into();
    let app = spawn_app_with_throttle(s, quick(3)).await;
    let attacker = app.browser_forwarded_for("203.0.113.7");
    for user in ["a", "b", "c"] {
        let _ = attacker.login(user, "Wrong-password1!").await;
    }
    assert_eq!(
        attacker
            .login("admin", ADMIN_PASSWORD)
            .await
            .status()
            .as_u16(),
        429,
        "the attacker's address is locked"
    );
    // A client's own made-up entry left of the proxy's does not move the count elsewhere.
    let spoofing = app.browser_forwarded_for("198.51.100.9, 203.0.113.7");
    assert_eq!(
        spoofing
            .login("admin", ADMIN_PASSWORD)
            .await
            .status()
            .as_u16(),
        429
    );
    let colleague = app.browser_forwarded_for("203.0.113.8");
    assert_eq!(
        colleague
            .login("admin", ADMIN_PASSWORD)
            .await
            .status()
            .as_u16(),
        303,
        "another client behind the same proxy signs in"
    );
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_for_is_ignored() {
    let app = spawn_app_with_throttle(settings(&fresh_database_url()), quick(3)).await;
    for (i, user) in ["a", "b", "c"].iter().enumerate() {
        let b = app.browser_forwarded_for(&format!("203.0.113.{i}"));
        let _ = b.login(user, "Wrong-password1!").await;
    }
    // All three came from 127.0.0.1 whatever the header said.
    let b = app.browser_forwarded_for("198.51.100.1");
    assert_eq!(
        b.login("admin", ADMIN_PASSWORD).await.status().as_u16(),
        429
    );
}

#[tokio::test]
async fn wrong_current_passwords_in_the_portal_lock_the_account() {
    let app = spawn_app().await;
    app.two_customers().await;
    let admin = app.portal_admin("alpha").await;
    let mut statuses = Vec::new();
    let mut last = String::new();
    for _ in 0..5 {
        let r = admin
            .change_portal_password("alpha-web", "Wrong1!xx", "Newpass1!")
            .await;
        statuses.push(r.status().as_u16());
        last = r.text().await.unwrap();
    }
    assert_eq!(statuses, [422; 5]);
    assert!(
        last.contains("locked"),
        "the fifth answer says locked: {last}"
    );
    // Even the right current password is refused while locked, and nothing changes.
    let r = admin
        .change_portal_password("alpha-web", CUSTOMER_PASSWORD, "Newpass1!")
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("locked"));
    // The lock is the account's sign-in lock too; the old password still stands.
    let b = app.another_browser();
    let r = b
        .portal_login("alpha-web", "alpha", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 429);
    let other = app.another_browser();
    assert_eq!(
        other
            .portal_login("bravo-web", "bravo", CUSTOMER_PASSWORD)
            .await
            .status()
            .as_u16(),
        303,
        "another customer's administrator is not affected"
    );
}
