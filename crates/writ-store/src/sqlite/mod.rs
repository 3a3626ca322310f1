//! The SQLite backend: one database file in WAL mode, written with
//! `BEGIN IMMEDIATE` so that several processes (one per hook call) can share
//! it and the audit chain stays one sequence.
//!
//! Each submodule owns the SQL of one table family; this module owns opening
//! the file and running each [`Store`] method in its own transaction.

mod approvals;
mod audit;
mod grants;
mod rows;
mod schema;
mod tasks;
mod verify;

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::thread::sleep;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use writ_core::{Approval, ApprovalState, AuditRecord, Grant, Millis, Scope, Task, TaskState};

use self::schema::Found;
use crate::{DecisionCommit, Result, Store, StoreError, VerifyReport};

/// How long a writer waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Pragmas set on every connection: `synchronous=FULL` so a commit is on
/// disk when it returns. WAL is set once per file, by [`ensure_wal`].
const PRAGMAS: &str = "PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;";

/// How long to wait between attempts to switch a new file to WAL.
const WAL_RETRY: Duration = Duration::from_millis(10);

/// A [`Store`] in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens the database at `path`, creating the file (owner-only on unix)
    /// and its schema if it is new. Its folder must exist.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        create_file(path)?;
        let (mut conn, found) = connect(path).map_err(|e| open_error(path, e))?;
        check_version(&mut conn, path, found)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    /// The connection. A panic while it was held leaves no transaction
    /// open (rusqlite rolls back on drop), so a poisoned lock is safe to
    /// reuse.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` inside `BEGIN IMMEDIATE … COMMIT`; any error rolls back.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` inside a read transaction, so it sees one snapshot.
    fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        f(&tx)
    }
}

/// Creates the file with owner-only permissions if it does not exist, so
/// SQLite (which copies them to the `-wal` and `-shm` files) never makes it
/// readable by others.
fn create_file(path: &Path) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Open {
            path: path.to_path_buf(),
            source: Box::new(e),
        }),
    }
}

/// Opens a configured connection and reads what the file holds. Reading the version is the first read of the file, so a file
/// that is not a database fails here.
fn connect(path: &Path) -> rusqlite::Result<(Connection, Found)> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(PRAGMAS)?;
    let found = schema::found(&conn)?;
    ensure_wal(&conn)?;
    Ok((conn, found))
}

/// Puts the file in WAL mode, so readers never block the writer; the mode
/// is stored in the file, so this is one query once it is set.
///
/// Switching needs an exclusive lock, and SQLite refuses it at once (without
/// waiting out the busy timeout) while another new connection holds a shared
/// lock, as when several first hook calls race on a new file; so retry.
fn ensure_wal(conn: &Connection) -> rusqlite::Result<()> {
    let started = Instant::now();
    loop {
        let mode = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0));
        match mode {
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => sleep(WAL_RETRY),
            other => return other.map(drop),
        }
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    err.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
}

/// Checks the schema version, creating the schema on a new database.
fn check_version(conn: &mut Connection, path: &Path, found: Found) -> Result<()> {
    let found = match found {
        Found::Empty => schema::create(conn).map_err(|e| open_error(path, e))?,
        other => other,
    };
    let path = path.to_path_buf();
    match found {
        Found::Version(v) if v > schema::SCHEMA_VERSION => Err(StoreError::SchemaTooNew {
            path,
            found: v,
            supported: schema::SCHEMA_VERSION,
        }),
        Found::Version(_) => Ok(()),
        Found::Empty | Found::Foreign => Err(StoreError::NotADatabase { path }),
    }
}

/// Names the file in errors raised while opening it.
fn open_error(path: &Path, err: rusqlite::Error) -> StoreError {
    let path: PathBuf = path.to_path_buf();
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase { path }
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
        _ => StoreError::Open {
            path,
            source: Box::new(err),
        },
    }
}

impl Store for SqliteStore {
    fn insert_task(&self, task: &Task) -> Result<()> {
        self.write(|tx| tasks::insert(tx, task))
    }

    fn task(&self, id: &str) -> Result<Option<Task>> {
        self.read(|tx| tasks::get(tx, id))
    }

    fn tasks(&self) -> Result<Vec<Task>> {
        self.read(tasks::all)
    }

    fn touch_task(&self, id: &str, now: Millis) -> Result<()> {
        self.write(|tx| tasks::touch(tx, id, now))
    }

    fn end_task(&self, id: &str, state: TaskState, now: Millis) -> Result<bool> {
        self.write(|tx| tasks::end(tx, id, state, now))
    }

    fn set_task_scope(&self, id: &str, scope: &Scope, now: Millis) -> Result<()> {
        self.write(|tx| tasks::set_scope(tx, id, scope, now))
    }

    fn insert_approval(&self, approval: &Approval) -> Result<()> {
        self.write(|tx| approvals::insert(tx, approval))
    }

    fn approval(&self, id: &str) -> Result<Option<Approval>> {
        self.read(|tx| approvals::get(tx, id))
    }

    fn approvals(&self, state: Option<ApprovalState>) -> Result<Vec<Approval>> {
        self.read(|tx| approvals::list(tx, state))
    }

    fn pending_approval_for(
        &self,
        task_id: &str,
        invocation_hash: &str,
        now: Millis,
    ) -> Result<Option<Approval>> {
        self.read(|tx| approvals::pending_for(tx, task_id, invocation_hash, now))
    }

    fn resolve_approval(
        &self,
        id: &str,
        state: ApprovalState,
        by: &str,
        reason: Option<&str>,
        grant: Option<&Grant>,
        now: Millis,
    ) -> Result<Approval> {
        let answer = approvals::Answer {
            state,
            by,
            reason,
            grant,
            now,
        };
        self.write(|tx| approvals::resolve(tx, id, &answer))
    }

    fn insert_grant(&self, grant: &Grant) -> Result<()> {
        self.write(|tx| grants::insert(tx, grant))
    }

    fn grant(&self, id: &str) -> Result<Option<Grant>> {
        self.read(|tx| grants::get(tx, id))
    }

    fn live_grants(&self, task_id: &str, now: Millis) -> Result<Vec<Grant>> {
        self.read(|tx| grants::live(tx, task_id, now))
    }

    fn all_grants(&self) -> Result<Vec<Grant>> {
        self.read(grants::all)
    }

    fn revoke_grant(&self, id: &str, now: Millis) -> Result<bool> {
        self.write(|tx| grants::revoke(tx, id, now))
    }

    fn commit_decision(&self, commit: &DecisionCommit) -> Result<AuditRecord> {
        self.write(|tx| commit_decision(tx, commit))
    }

    fn append(&self, record: AuditRecord) -> Result<AuditRecord> {
        self.write(|tx| audit::append_one(tx, record))
    }

    fn append_batch(&self, records: Vec<AuditRecord>) -> Result<Vec<AuditRecord>> {
        self.write(|tx| audit::append_all(tx, records))
    }

    fn audit_tail(&self, n: usize) -> Result<Vec<AuditRecord>> {
        self.read(|tx| audit::tail(tx, n))
    }

    fn audit_by_call(&self, call_id: &str) -> Result<Vec<AuditRecord>> {
        self.read(|tx| audit::by_call(tx, call_id))
    }

    fn audit_count(&self) -> Result<i64> {
        self.read(audit::count)
    }

    fn verify(&self) -> Result<VerifyReport> {
        self.read(verify::verify)
    }
}

/// The steps of one decision, inside the caller's transaction.
fn commit_decision(tx: &Transaction<'_>, commit: &DecisionCommit) -> Result<AuditRecord> {
    if let Some((task_id, seen)) = &commit.touch_task {
        tasks::touch(tx, task_id, *seen)?;
    }

    let mut used: Vec<&str> = commit.use_grants.iter().map(String::as_str).collect();
    used.sort_unstable();
    used.dedup();
    for grant_id in used {
        grants::use_once(tx, grant_id, commit.record.time)?;
    }

    if let Some(approval) = &commit.new_approval {
        approvals::insert(tx, approval)?;
    }
    audit::append_one(tx, commit.record.clone())
}
