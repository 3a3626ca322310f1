//! The `approvals` table: requests for a grant, bound to one invocation by
//! its canonical hash, answered once.

use rusqlite::{OptionalExtension, Row, Transaction};
use writ_core::{Approval, ApprovalState, Grant, Millis};

use super::grants;
use super::rows::{collect, json_column, name_column, to_json};
use crate::error::{is_duplicate, is_missing_parent};
use crate::{Result, StoreError};

const COLUMNS: &str = "id, task_id, invocation_hash, tier, summary, state, created_at, \
                       expires_at, decided_by, decided_at, reason, grant_id";

/// A human's (or writ's) answer to an approval.
#[derive(Debug)]
pub(crate) struct Answer<'a> {
    pub state: ApprovalState,
    pub by: &'a str,
    pub reason: Option<&'a str>,
    pub grant: Option<&'a Grant>,
    pub now: Millis,
}

pub(crate) fn insert(tx: &Transaction<'_>, approval: &Approval) -> Result<()> {
    let sql = format!(
        "INSERT INTO approvals ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    );
    let summary = to_json("approval summary", &approval.summary)?;
    let params = (
        &approval.id,
        &approval.task_id,
        &approval.invocation_hash,
        approval.tier.as_str(),
        summary,
        approval.state.as_str(),
        approval.created_at,
        approval.expires_at,
        &approval.decided_by,
        approval.decided_at,
        &approval.reason,
        &approval.grant_id,
    );
    match tx.execute(&sql, params) {
        Err(e) if is_duplicate(&e) => Err(StoreError::Duplicate {
            what: "approval",
            id: approval.id.clone(),
        }),
        Err(e) if is_missing_parent(&e) => Err(StoreError::NoSuchTask(approval.task_id.clone())),
        other => other.map(drop).map_err(StoreError::from),
    }
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<Option<Approval>> {
    let sql = format!("SELECT {COLUMNS} FROM approvals WHERE id = ?1");
    Ok(tx.query_row(&sql, [id], from_row).optional()?)
}

/// Approvals by stored state, newest first. A pending approval past its
/// `expires_at` is listed as pending until something marks it expired.
pub(crate) fn list(tx: &Transaction<'_>, state: Option<ApprovalState>) -> Result<Vec<Approval>> {
    let order = "ORDER BY created_at DESC, id DESC";
    let Some(state) = state else {
        let mut stmt = tx.prepare(&format!("SELECT {COLUMNS} FROM approvals {order}"))?;
        return collect(stmt.query_map([], from_row)?);
    };
    let sql = format!("SELECT {COLUMNS} FROM approvals WHERE state = ?1 {order}");
    let mut stmt = tx.prepare(&sql)?;
    collect(stmt.query_map([state.as_str()], from_row)?)
}

pub(crate) fn pending_for(
    tx: &Transaction<'_>,
    task_id: &str,
    invocation_hash: &str,
    now: Millis,
) -> Result<Option<Approval>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM approvals \
         WHERE task_id = ?1 AND invocation_hash = ?2 AND state = 'pending' AND expires_at > ?3 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    Ok(stmt
        .query_row((task_id, invocation_hash, now), from_row)
        .optional()?)
}

/// Answers a pending approval; see `Store::resolve_approval`.
pub(crate) fn resolve(tx: &Transaction<'_>, id: &str, answer: &Answer<'_>) -> Result<Approval> {
    check_answer(id, answer)?;
    let mut approval = get(tx, id)?.ok_or_else(|| StoreError::NoSuchApproval(id.to_string()))?;
    check_open(&approval, answer)?;

    if let Some(grant) = answer.grant {
        insert_grant_for(tx, &approval, grant)?;
    }

    approval.state = answer.state;
    approval.decided_by = Some(answer.by.to_string());
    approval.decided_at = Some(answer.now);
    approval.reason = answer.reason.map(str::to_string);
    approval.grant_id = answer.grant.map(|g| g.id.clone());
    tx.execute(
        "UPDATE approvals SET state = ?2, decided_by = ?3, decided_at = ?4, reason = ?5, \
         grant_id = ?6 WHERE id = ?1 AND state = 'pending'",
        (
            id,
            approval.state.as_str(),
            &approval.decided_by,
            approval.decided_at,
            &approval.reason,
            &approval.grant_id,
        ),
    )?;
    Ok(approval)
}

/// Marks every pending approval of a task expired.
pub(crate) fn expire_task(
    tx: &Transaction<'_>,
    task_id: &str,
    now: Millis,
    reason: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE approvals SET state = 'expired', decided_at = ?2, reason = ?3 \
         WHERE task_id = ?1 AND state = 'pending'",
        (task_id, now, reason),
    )?;
    Ok(())
}

/// An answer must not be `pending`, and a grant comes with `approved` only.
fn check_answer(id: &str, answer: &Answer<'_>) -> Result<()> {
    let approved = answer.state == ApprovalState::Approved;
    let problem = match (answer.state, answer.grant) {
        (ApprovalState::Pending, _) => "cannot answer it with `pending`",
        (_, None) if approved => "`approved` needs the grant it creates",
        (_, Some(_)) if !approved => "only `approved` creates a grant",
        _ => return Ok(()),
    };
    Err(StoreError::Invalid(format!(
        "approval `{id}`: {problem}; answer approved with a grant, or denied or expired without one"
    )))
}

/// The approval must still be pending and, unless it is being expired,
/// unexpired.
fn check_open(approval: &Approval, answer: &Answer<'_>) -> Result<()> {
    let not_pending = |state| StoreError::ApprovalNotPending {
        id: approval.id.clone(),
        state,
    };
    if approval.state != ApprovalState::Pending {
        return Err(not_pending(approval.state));
    }
    let lapsed = approval.expires_at <= answer.now;
    if lapsed && answer.state != ApprovalState::Expired {
        return Err(not_pending(ApprovalState::Expired));
    }
    Ok(())
}

/// Stores the grant an approval creates, linked back to it.
fn insert_grant_for(tx: &Transaction<'_>, approval: &Approval, grant: &Grant) -> Result<()> {
    let foreign = grant
        .approval_id
        .as_ref()
        .is_some_and(|a| *a != approval.id);
    if grant.task_id != approval.task_id || foreign {
        return Err(StoreError::Invalid(format!(
            "grant `{}` does not belong to approval `{}`; issue it for the approval's task",
            grant.id, approval.id
        )));
    }
    let mut linked = grant.clone();
    linked.approval_id = Some(approval.id.clone());
    grants::insert(tx, &linked)
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Approval> {
    Ok(Approval {
        id: row.get(0)?,
        task_id: row.get(1)?,
        invocation_hash: row.get(2)?,
        tier: name_column(row, 3)?,
        summary: json_column(row, 4)?,
        state: name_column(row, 5)?,
        created_at: row.get(6)?,
        expires_at: row.get(7)?,
        decided_by: row.get(8)?,
        decided_at: row.get(9)?,
        reason: row.get(10)?,
        grant_id: row.get(11)?,
    })
}
