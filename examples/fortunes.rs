//! The ceiling for `bench/three_pane.sh`: a bare actix-web + askama page in the TechEmpower
//! "fortunes" shape, on the same stack as the portal (the `selfcare::db` pool and
//! `DbConnection` over SQLite/PostgreSQL, `web::block` for the query, an autoescaped askama
//! template), with none of the portal's middleware, sessions or page logic.
//!
//! ```text
//! DATABASE_URL=sqlite://bench/out/fortunes.db cargo run --release --example fortunes
//! curl http://127.0.0.1:8090/fortunes
//! ```
//!
//! Settings from the environment: `DATABASE_URL` (required; `sqlite://…` or `postgres://…`),
//! `FORTUNES_BIND` (default `127.0.0.1:8090`), `FORTUNES_POOL` (default 16, the portal's
//! default pool size). One HTTP worker per core, like the portal.
//!
//! On start it creates its own `fortune` table if missing and fills in the 12 classic fortunes.

use actix_web::{web, App, HttpResponse, HttpServer};
use askama::Template;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use selfcare::db::{self, DbConnection, DbPool};

diesel::table! {
    fortune (id) {
        id -> BigInt,
        message -> Text,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fortune)]
struct Fortune {
    id: i64,
    message: String,
}

#[derive(Template)]
#[template(
    source = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>\
<tr><th>id</th><th>message</th></tr>\
{% for f in fortunes %}<tr><td>{{ f.id }}</td><td>{{ f.message }}</td></tr>{% endfor %}\
</table></body></html>",
    ext = "html"
)]
struct FortunesPage<'a> {
    fortunes: &'a [Fortune],
}

const FORTUNES: &[(i64, &str)] = &[
    (1, "fortune: No such file or directory"),
    (
        2,
        "A computer scientist is someone who fixes things that aren't broken.",
    ),
    (3, "After enough decimal places, nobody gives a damn."),
    (
        4,
        "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    ),
    (
        5,
        "A computer program does what you tell it to do, not what you want it to do.",
    ),
    (
        6,
        "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    ),
    (7, "Any program that runs right is obsolete."),
    (
        8,
        "A list is only as strong as its weakest link. — Donald Knuth",
    ),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (
        11,
        "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    ),
    (12, "フレームワークのベンチマーク"),
];

/// Creates and fills the `fortune` table (portable SQL; the rows are constants, quoted here).
fn prepare(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS fortune (id BIGINT PRIMARY KEY, message TEXT NOT NULL)",
    )?;
    let values: Vec<String> = FORTUNES
        .iter()
        .map(|(id, m)| format!("({id}, '{}')", m.replace('\'', "''")))
        .collect();
    diesel::sql_query(format!(
        "INSERT INTO fortune (id, message) VALUES {} ON CONFLICT (id) DO NOTHING",
        values.join(", ")
    ))
    .execute(conn)?;
    Ok(())
}

async fn fortunes(pool: web::Data<DbPool>) -> HttpResponse {
    let pool = pool.clone();
    let loaded = web::block(move || -> anyhow::Result<Vec<Fortune>> {
        let mut conn = pool.get()?;
        Ok(fortune::table
            .select(Fortune::as_select())
            .load(&mut *conn)?)
    })
    .await;
    let mut rows = match loaded {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => return HttpResponse::InternalServerError().body(format!("database: {e}")),
        Err(e) => return HttpResponse::InternalServerError().body(format!("blocking: {e}")),
    };
    rows.push(Fortune {
        id: 0,
        message: "Additional fortune added at request time.".into(),
    });
    rows.sort_by(|a, b| a.message.cmp(&b.message));
    match (FortunesPage { fortunes: &rows }).render() {
        Ok(body) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => HttpResponse::InternalServerError().body(format!("rendering: {e}")),
    }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("DATABASE_URL is required (sqlite://… or postgres://…)"))?;
    let bind = std::env::var("FORTUNES_BIND").unwrap_or_else(|_| "127.0.0.1:8090".into());
    let pool_size: u32 = match std::env::var("FORTUNES_POOL") {
        Ok(v) => v
            .parse()
            .map_err(|e| anyhow::anyhow!("FORTUNES_POOL: {e}"))?,
        Err(_) => 16,
    };
    if db::Engine::from_url(&url) == db::Engine::Sqlite {
        let path = std::path::Path::new(db::sqlite_path(&url));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
    }
    let pool = db::build_pool(&url, pool_size);
    {
        let p = pool.clone();
        web::block(move || -> anyhow::Result<()> {
            let mut conn = p.get()?;
            prepare(&mut conn)?;
            Ok(())
        })
        .await??;
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let pool = web::Data::new(pool);
    println!("fortunes: listening on http://{bind}/fortunes ({workers} workers)");
    HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .route("/fortunes", web::get().to(fortunes))
    })
    .workers(workers)
    .bind(&bind)?
    .run()
    .await?;
    Ok(())
}
