//! Verification of the audit chain from stored data alone: every row's
//! JSON must be canonical and hash to its `hash` column, its other columns
//! must agree with its JSON, seqs must run 1, 2, 3… with each `prev_hash` naming the
//! row before, and the chain must end exactly where `audit_head` says.
//!
//! This module only reads. It reports the first bad record and stops.

use rusqlite::types::Value;
use rusqlite::{Row, Transaction};
use writ_core::{AuditRecord, Tier, Verdict};

use super::audit::{self, Head};
use crate::{BadRecord, GENESIS_HASH, Result, VerifyReport};

const SELECT: &str = "SELECT seq, time, kind, user_name, agent, task_id, call_id, decision, tier, \
                      prev_hash, hash, record FROM audit ORDER BY seq";

/// Column names in `SELECT` order, after `seq`; `hash` is checked by
/// recomputing it.
const COLUMNS: [&str; 9] = [
    "time",
    "kind",
    "user_name",
    "agent",
    "task_id",
    "call_id",
    "decision",
    "tier",
    "prev_hash",
];

/// Where the walk along the chain has got to.
#[derive(Debug)]
struct Walk {
    next_seq: i64,
    prev_hash: String,
}

pub(crate) fn verify(tx: &Transaction<'_>) -> Result<VerifyReport> {
    let records = audit::count(tx)?;
    let Some(head) = audit::stored_head(tx)? else {
        let why = "the audit head row is missing".to_string();
        return Ok(report(records, Some(BadRecord { seq: 0, why })));
    };
    let mut walk = Walk {
        next_seq: 1,
        prev_hash: GENESIS_HASH.to_string(),
    };

    let mut stmt = tx.prepare(SELECT)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if let Some(bad) = walk.step(row, &head)? {
            return Ok(report(records, Some(bad)));
        }
    }
    Ok(report(records, walk.finish(&head)))
}

fn report(records: i64, first_bad: Option<BadRecord>) -> VerifyReport {
    VerifyReport { records, first_bad }
}

fn bad(seq: i64, why: String) -> Option<BadRecord> {
    Some(BadRecord { seq, why })
}

impl Walk {
    /// Checks one row; `Some` names what is wrong with it.
    fn step(&mut self, row: &Row<'_>, head: &Head) -> rusqlite::Result<Option<BadRecord>> {
        let seq: i64 = row.get(0)?;
        if let Some(bad) = self.check_position(seq, head) {
            return Ok(Some(bad));
        }
        let record = match read_record(row, seq)? {
            Ok(record) => record,
            Err(why) => return Ok(bad(seq, why)),
        };
        if let Some(why) = check_columns(row, &record)? {
            return Ok(bad(seq, why));
        }
        if let Some(why) = self.check_link(&record) {
            return Ok(bad(seq, why));
        }
        self.next_seq += 1;
        self.prev_hash = record.hash;
        Ok(None)
    }

    /// The row must be the next one, and not beyond the head.
    fn check_position(&self, seq: i64, head: &Head) -> Option<BadRecord> {
        let expected = self.next_seq;
        if seq < expected {
            return bad(
                seq,
                format!("seq {seq} is out of sequence; the chain starts at 1"),
            );
        }
        if seq > expected {
            return bad(
                expected,
                format!("record {expected} is missing; the next stored record is {seq}"),
            );
        }
        if seq > head.seq {
            return bad(
                seq,
                format!(
                    "record {seq} is beyond the audit head, which ends at {}",
                    head.seq
                ),
            );
        }
        None
    }

    /// The record must point at the previous one and hash to itself.
    fn check_link(&self, record: &AuditRecord) -> Option<String> {
        if record.prev_hash != self.prev_hash {
            let prev = match record.seq {
                1 => "the genesis value".to_string(),
                n => format!("the hash of record {}", n - 1),
            };
            return Some(format!(
                "prev_hash is not {prev} (a record before it was removed, added or edited)"
            ));
        }
        if record.hash != record.compute_hash() {
            return Some(
                "hash does not match the record's contents (the record was edited)".to_string(),
            );
        }
        None
    }

    /// After the last row: the head must name it.
    fn finish(&self, head: &Head) -> Option<BadRecord> {
        let last = self.next_seq - 1;
        if head.seq > last {
            let why = format!(
                "records {}..={} are missing; the audit head says the chain ends at {}",
                last + 1,
                head.seq,
                head.seq
            );
            return bad(last + 1, why);
        }
        if head.hash != self.prev_hash {
            return bad(
                last,
                format!("hash of record {last} differs from the audit head"),
            );
        }
        None
    }
}

/// Parses the row's JSON, which must be canonical and carry the row's seq,
/// and takes the hash from its column.
fn read_record(row: &Row<'_>, seq: i64) -> rusqlite::Result<Result<AuditRecord, String>> {
    let (Value::Text(hash), Value::Text(text)) = (row.get(10)?, row.get(11)?) else {
        return Ok(Err("hash or record json is not text".to_string()));
    };
    let record = match audit::parse(seq, &text, hash) {
        Ok(record) => record,
        Err(e) => return Ok(Err(format!("record json does not parse: {e}"))),
    };
    if record.chained_text() != text {
        return Ok(Err(
            "record json is not in canonical form (it was edited)".to_string()
        ));
    }
    if record.seq != seq {
        return Ok(Err(format!(
            "seq column is {seq} but the record json says {} (records were moved)",
            record.seq
        )));
    }
    Ok(Ok(record))
}

/// Names the first column that disagrees with the record's JSON.
fn check_columns(row: &Row<'_>, record: &AuditRecord) -> rusqlite::Result<Option<String>> {
    for (i, (name, expected)) in COLUMNS.iter().zip(expected_columns(record)).enumerate() {
        let stored: Value = row.get(i + 1)?;
        if stored != expected {
            return Ok(Some(format!(
                "column `{name}` disagrees with the record json (it was edited)"
            )));
        }
    }
    Ok(None)
}

/// The column values a record's JSON implies, in `COLUMNS` order.
fn expected_columns(record: &AuditRecord) -> [Value; 9] {
    let text = |s: &str| Value::Text(s.to_string());
    let optional = |s: Option<&str>| s.map_or(Value::Null, text);
    [
        Value::Integer(record.time),
        text(&record.kind),
        optional(record.user.as_deref()),
        optional(record.agent.as_deref()),
        optional(record.task_id.as_deref()),
        optional(record.call_id.as_deref()),
        optional(record.decision.map(Verdict::as_str)),
        optional(record.tier.map(Tier::as_str)),
        text(&record.prev_hash),
    ]
}
