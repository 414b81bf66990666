//! `selfcare create-operator --username U --role R`: password from stdin, or asked for.

use crate::config::Settings;
use crate::db::models::{audit, operator};
use crate::domain::{OperatorPassword, OperatorUsername, Role};
use std::io::{BufRead, IsTerminal};

pub fn run(settings: &Settings, username: &str, role: &str) -> anyhow::Result<()> {
    let username = OperatorUsername::parse(username).map_err(anyhow::Error::msg)?;
    let role = Role::parse(role).map_err(anyhow::Error::msg)?;
    let password = read_password()?;
    let password = OperatorPassword::parse(&password).map_err(anyhow::Error::msg)?;
    let (pool, _) = crate::startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    if operator::find_by_username(&mut conn, username.as_str())?.is_some() {
        anyhow::bail!("an operator named {} exists already", username.as_str());
    }
    let now = crate::db::now();
    let row = operator::insert(
        &mut conn,
        &operator::NewOperator {
            username: username.as_str().to_string(),
            password_hash: crate::auth::password::hash(password.expose())?,
            role: role.code().to_string(),
            service_provider_id: None,
            disabled: false,
            created_at: now,
            updated_at: now,
        },
    )?;
    audit::record(
        &mut conn,
        audit::Change {
            actor: "cli",
            action: "create",
            object_type: "operator",
            object_id: row.id,
            before: None,
            after: Some(serde_json::json!({"username": row.username, "role": row.role})),
            reason: None,
        },
    )?;
    println!(
        "Created operator {} with role {}.",
        row.username,
        role.code()
    );
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat password: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}
