use crate::common::spawn_admin;
use diesel::connection::SimpleConnection;
use diesel::Connection;

/// PostgreSQL only: connections are cut and refused, the portal answers 503 with a polite page,
/// and the first request after the database is back succeeds.
#[tokio::test]
async fn a_lost_database_gives_a_polite_page_and_recovers() {
    let app = spawn_admin().await;
    let Some(base) = std::env::var("SELFCARE_TEST_PG_URL")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        // SQLite is a file inside the process: it cannot be "lost" the same way. Check instead
        // that the page works, which is the recovery half of the promise.
        assert_eq!(app.get("/customers").await.status().as_u16(), 200);
        return;
    };
    let db = app.database_url.rsplit('/').next().unwrap().to_string();
    let mut admin =
        diesel::PgConnection::establish(&format!("{}/postgres", base.trim_end_matches('/')))
            .unwrap();
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
