//! Fixtures: a fresh database in a temporary folder, and sample tasks,
//! grants, approvals and audit records.

use std::path::PathBuf;

use serde_json::json;
use tempfile::TempDir;
use writ_core::{
    Approval, ApprovalState, AuditRecord, Grant, GrantScope, Millis, Scope, Task, TaskState, Tier,
    Verdict,
};
use writ_store::SqliteStore;

/// A fixed "now" so tests never depend on the clock.
pub const NOW: Millis = 1_700_000_000_000;
/// One hour in milliseconds.
pub const HOUR: Millis = 3_600_000;

/// A store in its own temporary folder, removed when dropped.
pub struct Db {
    pub store: SqliteStore,
    pub path: PathBuf,
    _dir: TempDir,
}

/// A new, empty database.
pub fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("writ.db");
    let store = SqliteStore::open(&path).unwrap();
    Db {
        store,
        path,
        _dir: dir,
    }
}

impl Db {
    /// A raw connection to the same file, for tampering.
    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }

    /// Opens a second store on the same file.
    pub fn reopen(&self) -> SqliteStore {
        SqliteStore::open(&self.path).unwrap()
    }
}

pub fn task(id: &str) -> Task {
    Task {
        id: id.to_string(),
        user: "alice".to_string(),
        agent: "claude-code".to_string(),
        purpose: "fix the flaky test".to_string(),
        scope: Scope {
            repos: vec!["/src/writ".to_string()],
            branches: vec!["fix/*".to_string()],
            paths: vec![],
            hosts: vec!["github.com".to_string()],
        },
        state: TaskState::Active,
        created_at: NOW,
        expires_at: NOW + 8 * HOUR,
        idle_ms: Some(HOUR),
        last_seen_at: NOW,
        ended_at: None,
    }
}

pub fn grant(id: &str, task_id: &str, uses_left: Option<i64>) -> Grant {
    Grant {
        id: id.to_string(),
        task_id: task_id.to_string(),
        scope: GrantScope::Operation {
            action: "git.push".to_string(),
            resource: "origin/main".to_string(),
        },
        tier: Tier::Merge,
        granted_by: "bob".to_string(),
        approval_id: None,
        created_at: NOW,
        expires_at: NOW + HOUR,
        uses_left,
        revoked_at: None,
    }
}

pub fn approval(id: &str, task_id: &str, invocation_hash: &str) -> Approval {
    Approval {
        id: id.to_string(),
        task_id: task_id.to_string(),
        invocation_hash: invocation_hash.to_string(),
        tier: Tier::Merge,
        summary: json!({"command": "git push origin main", "operations": [{"action": "git.push"}]}),
        state: ApprovalState::Pending,
        created_at: NOW,
        expires_at: NOW + HOUR,
        decided_by: None,
        decided_at: None,
        reason: None,
        grant_id: None,
    }
}

/// A decision record; `i` varies every field so columns differ per row.
pub fn record(i: i64) -> AuditRecord {
    AuditRecord {
        seq: 0,
        time: NOW + i,
        kind: "decision".to_string(),
        user: Some("alice".to_string()),
        agent: Some("claude-code".to_string()),
        task_id: Some("task_1".to_string()),
        enforcement_point: "hook:claude".to_string(),
        call_id: Some(format!("toolu_{i}")),
        decision: Some(if i % 2 == 0 {
            Verdict::Allow
        } else {
            Verdict::Deny
        }),
        tier: Some(Tier::Write),
        detail: json!({"command": format!("git commit -m 'step {i}'"), "reasons": ["in scope"], "ratio": 0.5}),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

/// `n` records appended one by one.
pub fn with_records(n: i64) -> Db {
    let db = db();
    let records = (1..=n).map(record).collect();
    writ_store::Store::append_batch(&db.store, records).unwrap();
    db
}
