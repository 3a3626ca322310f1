//! The `audit` table: an append-only, hash-chained sequence. Each row keeps
//! the record's canonical JSON without its `hash` (exactly the bytes the
//! hash covers, and the source of truth that verification recomputes from),
//! the hash beside it, and copies of the main fields as columns for queries.
//! `audit_head` holds the last seq and hash, updated in the same
//! transaction, so removing the newest rows is detectable too.

use rusqlite::{OptionalExtension, Transaction};
use writ_core::{AuditRecord, Tier, Verdict, sha256_hex};

use super::rows::collect;
use crate::{Result, StoreError};

/// Where the chain ends.
#[derive(Debug)]
pub(crate) struct Head {
    pub seq: i64,
    pub hash: String,
}

const INSERT: &str = "INSERT INTO audit (seq, time, kind, user_name, agent, task_id, call_id, \
                      decision, tier, prev_hash, hash, record) \
                      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

pub(crate) fn append_one(tx: &Transaction<'_>, record: AuditRecord) -> Result<AuditRecord> {
    let mut head = head(tx)?;
    let record = chain(tx, &mut head, record)?;
    set_head(tx, &head)?;
    Ok(record)
}

/// Appends records in order with one head read and one head write.
pub(crate) fn append_all(
    tx: &Transaction<'_>,
    records: Vec<AuditRecord>,
) -> Result<Vec<AuditRecord>> {
    let mut head = head(tx)?;
    let chained = records
        .into_iter()
        .map(|record| chain(tx, &mut head, record))
        .collect::<Result<Vec<_>>>()?;
    set_head(tx, &head)?;
    Ok(chained)
}

/// The last `n` records, oldest first.
pub(crate) fn tail(tx: &Transaction<'_>, n: usize) -> Result<Vec<AuditRecord>> {
    let limit = i64::try_from(n).unwrap_or(i64::MAX);
    let mut stmt = tx.prepare(
        "SELECT seq, hash, record FROM \
         (SELECT seq, hash, record FROM audit ORDER BY seq DESC LIMIT ?1) AS newest ORDER BY seq",
    )?;
    let rows = collect(stmt.query_map([limit], stored_row)?)?;
    rows.into_iter()
        .map(|(seq, hash, text)| parse(seq, &text, hash))
        .collect()
}

pub(crate) fn by_call(tx: &Transaction<'_>, call_id: &str) -> Result<Vec<AuditRecord>> {
    let mut stmt =
        tx.prepare("SELECT seq, hash, record FROM audit WHERE call_id = ?1 ORDER BY seq")?;
    let rows = collect(stmt.query_map([call_id], stored_row)?)?;
    rows.into_iter()
        .map(|(seq, hash, text)| parse(seq, &text, hash))
        .collect()
}

fn stored_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

pub(crate) fn count(tx: &Transaction<'_>) -> Result<i64> {
    Ok(tx.query_row("SELECT count(*) FROM audit", [], |row| row.get(0))?)
}

/// The head of the chain; its row is created with the schema.
pub(crate) fn head(tx: &Transaction<'_>) -> Result<Head> {
    stored_head(tx)?.ok_or_else(|| StoreError::Decode {
        what: "audit head",
        id: "1".to_string(),
        detail: "the row is missing".to_string(),
    })
}

/// The head row, if nobody deleted it.
pub(crate) fn stored_head(tx: &Transaction<'_>) -> Result<Option<Head>> {
    let sql = "SELECT seq, hash FROM audit_head WHERE id = 1";
    let head = tx.query_row(sql, [], |row| {
        Ok(Head {
            seq: row.get(0)?,
            hash: row.get(1)?,
        })
    });
    Ok(head.optional()?)
}

fn set_head(tx: &Transaction<'_>, head: &Head) -> Result<()> {
    tx.execute(
        "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
        (head.seq, &head.hash),
    )?;
    Ok(())
}

/// Gives a record the next seq, links it to `head` and stores it.
fn chain(tx: &Transaction<'_>, head: &mut Head, mut record: AuditRecord) -> Result<AuditRecord> {
    record.seq = head.seq + 1;
    record.prev_hash = std::mem::take(&mut head.hash);
    // The stored text is the hashed text, so the record is serialised once.
    let text = record.chained_text();
    record.hash = sha256_hex(text.as_bytes());

    tx.prepare_cached(INSERT)?.execute((
        record.seq,
        record.time,
        &record.kind,
        &record.user,
        &record.agent,
        &record.task_id,
        &record.call_id,
        record.decision.map(Verdict::as_str),
        record.tier.map(Tier::as_str),
        &record.prev_hash,
        &record.hash,
        text,
    ))?;
    head.seq = record.seq;
    head.hash.clone_from(&record.hash);
    Ok(record)
}

/// Reads a stored record from its JSON and its hash.
pub(crate) fn parse(seq: i64, text: &str, hash: String) -> Result<AuditRecord> {
    let mut record: AuditRecord = serde_json::from_str(text).map_err(|e| StoreError::Decode {
        what: "audit record",
        id: seq.to_string(),
        detail: e.to_string(),
    })?;
    record.hash = hash;
    Ok(record)
}
