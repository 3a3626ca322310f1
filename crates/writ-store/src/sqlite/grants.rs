//! The `grants` table: just-in-time authority, counted down as it is used
//! and revoked with its task.

use rusqlite::{OptionalExtension, Row, Transaction};
use writ_core::{Grant, Millis};

use super::rows::{collect, json_column, name_column, to_json};
use crate::error::{is_duplicate, is_missing_parent};
use crate::{Result, StoreError};

const COLUMNS: &str = "id, task_id, scope, tier, granted_by, approval_id, created_at, \
                       expires_at, uses_left, revoked_at";

/// The condition a grant must meet to be used at `?2`; the same test as
/// `Grant::is_live`.
const LIVE: &str =
    "revoked_at IS NULL AND expires_at > ?2 AND (uses_left IS NULL OR uses_left > 0)";

pub(crate) fn insert(tx: &Transaction<'_>, grant: &Grant) -> Result<()> {
    let sql =
        format!("INSERT INTO grants ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    let scope = to_json("grant scope", &grant.scope)?;
    let params = (
        &grant.id,
        &grant.task_id,
        scope,
        grant.tier.as_str(),
        &grant.granted_by,
        &grant.approval_id,
        grant.created_at,
        grant.expires_at,
        grant.uses_left,
        grant.revoked_at,
    );
    match tx.execute(&sql, params) {
        Err(e) if is_duplicate(&e) => Err(StoreError::Duplicate {
            what: "grant",
            id: grant.id.clone(),
        }),
        Err(e) if is_missing_parent(&e) => Err(StoreError::NoSuchTask(grant.task_id.clone())),
        other => other.map(drop).map_err(StoreError::from),
    }
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<Option<Grant>> {
    let sql = format!("SELECT {COLUMNS} FROM grants WHERE id = ?1");
    Ok(tx.query_row(&sql, [id], from_row).optional()?)
}

pub(crate) fn live(tx: &Transaction<'_>, task_id: &str, now: Millis) -> Result<Vec<Grant>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM grants WHERE task_id = ?1 AND {LIVE} ORDER BY created_at, id"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    collect(stmt.query_map((task_id, now), from_row)?)
}

pub(crate) fn all(tx: &Transaction<'_>) -> Result<Vec<Grant>> {
    let sql = format!("SELECT {COLUMNS} FROM grants ORDER BY created_at DESC, id DESC");
    let mut stmt = tx.prepare(&sql)?;
    collect(stmt.query_map([], from_row)?)
}

pub(crate) fn revoke(tx: &Transaction<'_>, id: &str, now: Millis) -> Result<bool> {
    let changed = tx.execute(
        "UPDATE grants SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        (id, now),
    )?;
    Ok(changed > 0)
}

/// Revokes every grant of a task that is not yet revoked.
pub(crate) fn revoke_task(tx: &Transaction<'_>, task_id: &str, now: Millis) -> Result<()> {
    tx.execute(
        "UPDATE grants SET revoked_at = ?2 WHERE task_id = ?1 AND revoked_at IS NULL",
        (task_id, now),
    )?;
    Ok(())
}

/// Takes one use of a grant, failing unless it is live at `now`.
pub(crate) fn use_once(tx: &Transaction<'_>, id: &str, now: Millis) -> Result<()> {
    let sql = format!(
        "UPDATE grants SET uses_left = CASE WHEN uses_left IS NULL THEN NULL ELSE uses_left - 1 END \
         WHERE id = ?1 AND {LIVE}"
    );
    match tx.prepare_cached(&sql)?.execute((id, now))? {
        0 => Err(StoreError::GrantUnusable(id.to_string())),
        _ => Ok(()),
    }
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Grant> {
    Ok(Grant {
        id: row.get(0)?,
        task_id: row.get(1)?,
        scope: json_column(row, 2)?,
        tier: name_column(row, 3)?,
        granted_by: row.get(4)?,
        approval_id: row.get(5)?,
        created_at: row.get(6)?,
        expires_at: row.get(7)?,
        uses_left: row.get(8)?,
        revoked_at: row.get(9)?,
    })
}
