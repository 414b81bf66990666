//! `selfcare create-operator --username U --role R`: password from stdin, or asked for. The
//! account is made by the same service function as the operators page's form, audited as `cli`.

use crate::config::Settings;
use crate::domain::{OperatorPassword, OperatorUsername, Role};
use crate::service::operators::{self, NewOperatorInput, OperatorCreated, USERNAME_TAKEN};
use std::io::{BufRead, IsTerminal};

pub fn run(settings: &Settings, username: &str, role: &str) -> anyhow::Result<()> {
    let username = OperatorUsername::parse(username).map_err(anyhow::Error::msg)?;
    let role = Role::parse(role).map_err(anyhow::Error::msg)?;
    let password = read_password()?;
    OperatorPassword::parse(&password).map_err(anyhow::Error::msg)?;
    let (pool, _, _) = crate::startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    let input = NewOperatorInput {
        username: username.as_str().to_string(),
        password_confirm: password.clone(),
        password,
        role: role.code().to_string(),
        service_provider_id: String::new(),
    };
    let row = match operators::create(&mut conn, "cli", &input)? {
        OperatorCreated::Created(row) => row,
        OperatorCreated::Invalid(f) if f.message("username") == USERNAME_TAKEN => {
            anyhow::bail!("an operator named {} exists already", username.as_str())
        }
        OperatorCreated::Invalid(f) => {
            let messages: Vec<&str> = ["username", "password", "role", "service_provider_id"]
                .into_iter()
                .map(|k| f.message(k))
                .filter(|m| !m.is_empty())
                .collect();
            anyhow::bail!("{}", messages.join(" "))
        }
    };
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
