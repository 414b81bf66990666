use crate::common::spawn_admin;
use diesel::connection::SimpleConnection;

/// PostgreSQL only: connections are cut and refused, the portal answers 503 with a polite page,
/// and the first request after the database is back succeeds.
#[tokio::test]
async fn a_lost_database_gives_a_polite_page_and_recovers() {
    let app = spawn_admin().await;
    let Some((mut admin, db)) = app.pg_admin() else {
        // SQLite is a file inside the process: it cannot be "lost" the same way. Check instead
        // that the page works, which is the recovery half of the promise.
        assert_eq!(app.get("/customers").await.status().as_u16(), 200);
        return;
    };
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {db} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}';"
        ))
        .unwrap();
    let r = app.get("/customers").await;
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("temporarily unavailable"), "{body}");
    assert!(!body.contains("panicked") && !body.contains("FATAL"));
    assert_eq!(app.get("/healthz").await.status().as_u16(), 503);

    admin
        .batch_execute(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true"))
        .unwrap();
    assert_eq!(
        app.get("/customers").await.status().as_u16(),
        200,
        "the next request recovers, still signed in"
    );
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

/// PostgreSQL only: when the server ends the pooled connections (a restart, a failover, an
/// administrator) and they are gone, the pool notices at check-out, without a query of its own,
/// and replaces them: no request gets a dead connection, so the very next page answers as usual.
#[tokio::test]
async fn connections_the_server_ended_are_replaced_before_a_request_gets_them() {
    let app = spawn_admin().await;
    let Some((mut admin, db)) = app.pg_admin() else {
        assert_eq!(app.get("/customers").await.status().as_u16(), 200);
        return;
    };
    for _ in 0..3 {
        assert_eq!(app.get("/customers").await.status().as_u16(), 200);
        let pids = one_text(
            &mut admin,
            &format!(
                "SELECT coalesce(string_agg(pid::text, ','), '') AS t FROM pg_stat_activity \
                 WHERE datname = '{db}' AND pid <> pg_backend_pid()"
            ),
        );
        assert!(!pids.is_empty(), "the app holds connections to end");
        admin
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN ({pids})"
            ))
            .unwrap();
        // Until the ended backends are gone (their sockets closed), at most 10 s.
        let left =
            format!("SELECT count(*)::text AS t FROM pg_stat_activity WHERE pid IN ({pids})");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while one_text(&mut admin, &left) != "0" && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let r = app.get("/customers").await;
        let status = r.status().as_u16();
        assert_eq!(status, 200, "{}", r.text().await.unwrap());
    }
}

/// One text value from the maintenance connection.
fn one_text(admin: &mut diesel::PgConnection, sql: &str) -> String {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    diesel::sql_query(sql)
        .get_result::<T>(admin)
        .expect("one value")
        .t
}
