//! `selfcare backup --to FILE` and `selfcare restore --from FILE` for the embedded SQLite
//! database. The backup is SQLite's own consistent copy (`VACUUM INTO`), taken while the portal
//! keeps serving; a restore checks the file is a Selfcare database, then puts a copy of it in
//! place of the configured one (run it with the portal stopped). PostgreSQL has its own tools:
//! the README shows `pg_dump` / `pg_restore`.

use crate::config::Settings;
use crate::db::{self, Engine};
use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use std::path::Path;

const USE_PG_DUMP: &str = "This database is PostgreSQL: back it up with pg_dump and restore it \
                           with pg_restore (see the README, \"Backup and restore\").";

/// A path as an SQL string literal.
fn sql_literal(path: &Path) -> anyhow::Result<String> {
    let s = path.to_str().context("the file name must be valid UTF-8")?;
    Ok(format!("'{}'", s.replace('\'', "''")))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Copies the live database into `to` (which must not exist yet).
pub fn backup(settings: &Settings, to: &Path) -> anyhow::Result<()> {
    if Engine::from_url(&settings.database_url) == Engine::Postgres {
        bail!(USE_PG_DUMP);
    }
    if to.exists() {
        bail!("{} exists already; name a new file", to.display());
    }
    let mut conn = db::establish(&settings.database_url)
        .with_context(|| format!("cannot open {}", db::sqlite_path(&settings.database_url)))?;
    conn.batch_execute(&format!("VACUUM INTO {}", sql_literal(to)?))
        .with_context(|| format!("cannot write the backup to {}", to.display()))?;
    println!("Backup written to {}", to.display());
    Ok(())
}

/// Replaces the configured database with a copy of the backup `from`.
pub fn restore(settings: &Settings, from: &Path) -> anyhow::Result<()> {
    if Engine::from_url(&settings.database_url) == Engine::Postgres {
        bail!(USE_PG_DUMP);
    }
    if !from.is_file() {
        bail!("{} is not a file", from.display());
    }
    let source_url = format!("sqlite://{}", from.display());
    let mut source =
        db::establish(&source_url).with_context(|| format!("cannot open {}", from.display()))?;
    let operators = diesel::sql_query("SELECT COUNT(*) AS n FROM operators")
        .get_result::<Count>(&mut source)
        .map_err(|_| anyhow::anyhow!("{} is not a Selfcare backup", from.display()))?;
    let target = Path::new(db::sqlite_path(&settings.database_url)).to_path_buf();
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // Copy next to the target first, then swap it in with one rename.
    let staging = target.with_extension("restoring");
    let _ = std::fs::remove_file(&staging);
    source
        .batch_execute(&format!("VACUUM INTO {}", sql_literal(&staging)?))
        .with_context(|| format!("cannot write {}", staging.display()))?;
    drop(source);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    std::fs::rename(&staging, &target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    println!(
        "Restored {} from {} ({} operators). Start the portal to use it.",
        target.display(),
        from.display(),
        operators.n
    );
    Ok(())
}
