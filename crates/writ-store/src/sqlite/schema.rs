//! The SQLite schema and its version. A database that already has the
//! current version costs one query to check; the DDL runs only on a new
//! file, inside a write transaction so that racing processes create it once.
//!
//! The DDL keeps to types and constraints PostgreSQL shares (`TEXT`,
//! `BIGINT`, foreign keys, plain indexes). The one SQLite-specific choice is
//! `INTEGER PRIMARY KEY` for `audit.seq`, which makes seq the row id; the
//! PostgreSQL backend would declare it `BIGINT PRIMARY KEY`.

use rusqlite::{Connection, TransactionBehavior};

use crate::GENESIS_HASH;
use writ_core::now_millis;

/// The schema version this build writes and understands.
pub(crate) const SCHEMA_VERSION: i64 = 1;

/// Version 1: tasks, approvals, grants, the audit chain and its head.
const V1: &str = "
CREATE TABLE schema_version (
    version BIGINT NOT NULL PRIMARY KEY,
    applied_at BIGINT NOT NULL
);
CREATE TABLE tasks (
    id TEXT NOT NULL PRIMARY KEY,
    user_name TEXT NOT NULL,
    agent TEXT NOT NULL,
    purpose TEXT NOT NULL,
    scope TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    idle_ms BIGINT,
    last_seen_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX tasks_by_created ON tasks (created_at);
CREATE TABLE approvals (
    id TEXT NOT NULL PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    invocation_hash TEXT NOT NULL,
    tier TEXT NOT NULL,
    summary TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    reason TEXT,
    grant_id TEXT
);
CREATE INDEX approvals_by_invocation ON approvals (task_id, invocation_hash, state);
CREATE INDEX approvals_by_state ON approvals (state, created_at);
CREATE TABLE grants (
    id TEXT NOT NULL PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    scope TEXT NOT NULL,
    tier TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    approval_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    uses_left BIGINT,
    revoked_at BIGINT
);
CREATE INDEX grants_by_task ON grants (task_id, revoked_at, expires_at);
CREATE TABLE audit (
    seq INTEGER NOT NULL PRIMARY KEY,
    time BIGINT NOT NULL,
    kind TEXT NOT NULL,
    user_name TEXT,
    agent TEXT,
    task_id TEXT,
    call_id TEXT,
    decision TEXT,
    tier TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX audit_by_call ON audit (call_id);
CREATE TABLE audit_head (
    id BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
";

/// What an opened file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// No tables: a new file, for writ to set up.
    Empty,
    /// writ's schema at this version.
    Version(i64),
    /// Tables of some other program.
    Foreign,
}

/// What the database holds. Two small queries on an existing file.
pub(crate) fn found(conn: &Connection) -> rusqlite::Result<Found> {
    let (tables, ours): (i64, bool) = conn.query_row(
        "SELECT count(*), coalesce(sum(name = 'schema_version'), 0) > 0 \
         FROM sqlite_master WHERE type = 'table'",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    if !ours {
        return Ok(if tables == 0 {
            Found::Empty
        } else {
            Found::Foreign
        });
    }
    let version: Option<i64> =
        conn.query_row("SELECT max(version) FROM schema_version", [], |row| {
            row.get(0)
        })?;
    Ok(version.map_or(Found::Foreign, Found::Version))
}

/// Creates the schema unless another process did so first; returns what
/// the database holds now.
pub(crate) fn create(conn: &mut Connection) -> rusqlite::Result<Found> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = found(&tx)?;
    if now != Found::Empty {
        return Ok(now);
    }
    tx.execute_batch(V1)?;
    tx.execute(
        "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
        (SCHEMA_VERSION, now_millis()),
    )?;
    tx.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?1)",
        [GENESIS_HASH],
    )?;
    tx.commit()?;
    Ok(Found::Version(SCHEMA_VERSION))
}
