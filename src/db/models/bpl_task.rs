//! `bpl_tasks` and `bpl_task_parameters`: the business-process tasks an admin defines per
//! service provider (a built-in action, its fixed settings, an optional charge) and the typed
//! parameters each asks for when executed.

use crate::db::schema::{bpl_task_parameters as params, bpl_tasks as tasks};
use crate::db::DbConnection;
use crate::domain::subscriber::WalletState;
use crate::domain::transfer::{BplAction, ParamKind, ParamUse};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = tasks)]
pub struct BplTask {
    pub id: i64,
    pub service_provider_id: i64,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub action: BplAction,
    pub balance_type_id: Option<i64>,
    pub amount: i64,
    pub product_type_id: Option<i64>,
    pub wallet_state: Option<String>,
    pub extension_days: i32,
    pub charge_balance_type_id: Option<i64>,
    pub charge: i64,
}

impl BplTask {
    /// The state a set-wallet-state task sets (checked when the task was saved).
    pub fn state(&self) -> Option<WalletState> {
        self.wallet_state
            .as_deref()
            .and_then(|s| WalletState::parse(s).ok())
    }
}

#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = tasks)]
pub struct NewBplTask {
    pub service_provider_id: i64,
    pub name: String,
    #[diesel(serialize_as = String)]
    pub action: BplAction,
    pub balance_type_id: Option<i64>,
    pub amount: i64,
    pub product_type_id: Option<i64>,
    pub wallet_state: Option<String>,
    pub extension_days: i32,
    pub charge_balance_type_id: Option<i64>,
    pub charge: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = params)]
pub struct BplParam {
    pub id: i64,
    pub task_id: i64,
    pub position: i32,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub kind: ParamKind,
    pub mandatory: bool,
    pub choices: String,
    #[diesel(deserialize_as = String)]
    pub supplies: ParamUse,
}

impl BplParam {
    /// The listed choices of a choice parameter.
    pub fn choice_list(&self) -> Vec<String> {
        self.choices
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = params)]
pub struct NewBplParam {
    pub task_id: i64,
    pub position: i32,
    pub name: String,
    #[diesel(serialize_as = String)]
    pub kind: ParamKind,
    pub mandatory: bool,
    pub choices: String,
    #[diesel(serialize_as = String)]
    pub supplies: ParamUse,
}

/// A task with its parameters in order.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub row: BplTask,
    pub params: Vec<BplParam>,
}

/// Every task (of one provider when given), by name, with its parameters.
pub fn list(conn: &mut DbConnection, provider: Option<i64>) -> QueryResult<Vec<Task>> {
    let mut q = tasks::table.into_boxed();
    if let Some(p) = provider {
        q = q.filter(tasks::service_provider_id.eq(p));
    }
    let rows: Vec<BplTask> = q
        .order((tasks::name, tasks::id))
        .select(BplTask::as_select())
        .load(conn)?;
    with_params(conn, rows)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Task>> {
    let rows: Vec<BplTask> = tasks::table
        .filter(tasks::id.eq(id))
        .select(BplTask::as_select())
        .load(conn)?;
    Ok(with_params(conn, rows)?.into_iter().next())
}

fn with_params(conn: &mut DbConnection, rows: Vec<BplTask>) -> QueryResult<Vec<Task>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let all: Vec<BplParam> = params::table
        .filter(params::task_id.eq_any(&ids))
        .order((params::position, params::id))
        .select(BplParam::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Task {
            params: all
                .iter()
                .filter(|p| p.task_id == row.id)
                .cloned()
                .collect(),
            row,
        })
        .collect())
}

pub fn name_taken(conn: &mut DbConnection, provider: i64, name: &str) -> QueryResult<bool> {
    let n: i64 = tasks::table
        .filter(tasks::service_provider_id.eq(provider))
        .filter(tasks::name.eq(name))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Inserts a task and its parameters (their `task_id` is set here); returns the task's id.
pub fn insert(conn: &mut DbConnection, new: &NewBplTask, ps: &[NewBplParam]) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(tasks::table)
        .values(new.clone())
        .returning(tasks::id)
        .get_result(conn)?;
    for p in ps {
        let mut p = p.clone();
        p.task_id = id;
        diesel::insert_into(params::table).values(p).execute(conn)?;
    }
    Ok(id)
}

/// Deletes a task and its parameters; false when it was gone.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(params::table.filter(params::task_id.eq(id))).execute(conn)?;
    Ok(diesel::delete(tasks::table.find(id)).execute(conn)? == 1)
}
