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
