//! The `tasks` table. Ending a task or changing its scope also revokes its
//! grants, in the same transaction, because grants never outlive the terms
//! they were issued under.

use rusqlite::{OptionalExtension, Row, Transaction};
use writ_core::{Millis, Scope, Task, TaskState};

use super::rows::{collect, json_column, name_column, to_json};
use super::{approvals, grants};
use crate::error::is_duplicate;
use crate::{Result, StoreError};

const COLUMNS: &str = "id, user_name, agent, purpose, scope, state, created_at, expires_at, \
                       idle_ms, last_seen_at, ended_at";

pub(crate) fn insert(tx: &Transaction<'_>, task: &Task) -> Result<()> {
    let sql = format!(
        "INSERT INTO tasks ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    );
    let scope = to_json("task scope", &task.scope)?;
    let params = (
        &task.id,
        &task.user,
        &task.agent,
        &task.purpose,
        scope,
        task.state.as_str(),
        task.created_at,
        task.expires_at,
        task.idle_ms,
        task.last_seen_at,
        task.ended_at,
    );
    match tx.execute(&sql, params) {
        Err(e) if is_duplicate(&e) => Err(StoreError::Duplicate {
            what: "task",
            id: task.id.clone(),
        }),
        other => other.map(drop).map_err(StoreError::from),
    }
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<Option<Task>> {
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1");
    Ok(tx.query_row(&sql, [id], from_row).optional()?)
}

pub(crate) fn all(tx: &Transaction<'_>) -> Result<Vec<Task>> {
    let sql = format!("SELECT {COLUMNS} FROM tasks ORDER BY created_at DESC, id DESC");
    let mut stmt = tx.prepare(&sql)?;
    collect(stmt.query_map([], from_row)?)
}

/// Moves `last_seen_at` forward to `now` (never back, when calls race).
pub(crate) fn touch(tx: &Transaction<'_>, id: &str, now: Millis) -> Result<()> {
    let changed = tx.execute(
        "UPDATE tasks SET last_seen_at = CASE WHEN last_seen_at < ?2 THEN ?2 ELSE last_seen_at END \
         WHERE id = ?1",
        (id, now),
    )?;
    found(changed, id)
}

pub(crate) fn end(tx: &Transaction<'_>, id: &str, state: TaskState, now: Millis) -> Result<bool> {
    if state == TaskState::Active {
        return Err(StoreError::Invalid(format!(
            "cannot end task `{id}` into state `active`; pick ended, expired, revoked or stalled"
        )));
    }
    let changed = tx.execute(
        "UPDATE tasks SET state = ?2, ended_at = ?3 WHERE id = ?1 AND state = 'active'",
        (id, state.as_str(), now),
    )?;

    // Also when the task had already stopped: authority must not survive it.
    grants::revoke_task(tx, id, now)?;
    approvals::expire_task(tx, id, now, &format!("task {state}"))?;
    Ok(changed > 0)
}

pub(crate) fn set_scope(tx: &Transaction<'_>, id: &str, scope: &Scope, now: Millis) -> Result<()> {
    let scope = to_json("task scope", scope)?;
    let changed = tx.execute("UPDATE tasks SET scope = ?2 WHERE id = ?1", (id, scope))?;
    found(changed, id)?;
    grants::revoke_task(tx, id, now)
}

fn found(changed: usize, id: &str) -> Result<()> {
    match changed {
        0 => Err(StoreError::NoSuchTask(id.to_string())),
        _ => Ok(()),
    }
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: row.get(0)?,
        user: row.get(1)?,
        agent: row.get(2)?,
        purpose: row.get(3)?,
        scope: json_column(row, 4)?,
        state: name_column(row, 5)?,
        created_at: row.get(6)?,
        expires_at: row.get(7)?,
        idle_ms: row.get(8)?,
        last_seen_at: row.get(9)?,
        ended_at: row.get(10)?,
    })
}
