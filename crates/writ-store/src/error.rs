//! The store's one error type. Messages follow the house style: lowercase,
//! no trailing period, ids in backticks, and a hint saying what to do next.
//! They never carry secrets: at most ids, paths and SQLite's own text.

use std::path::PathBuf;

use thiserror::Error;
use writ_core::ApprovalState;

/// A result whose error is a [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything that can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database file could not be created or opened.
    #[error(
        "cannot open database `{path}`: {source}; check that its folder exists and is writable"
    )]
    Open {
        /// The database file.
        path: PathBuf,
        /// What the operating system or SQLite said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The file exists but is not a SQLite database, or is damaged.
    #[error(
        "`{path}` is not a usable writ database (not sqlite, or damaged); move it aside and writ will create a new one"
    )]
    NotADatabase {
        /// The database file.
        path: PathBuf,
    },
    /// The database was written by a newer writ.
    #[error(
        "database `{path}` has schema version {found} but this writ knows only up to {supported}; upgrade writ"
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The newest version this build understands.
        supported: i64,
    },
    /// Another process held the write lock for longer than the busy timeout.
    #[error("database is busy: another writ process held it for over 5 s; retry the call")]
    Busy,
    /// An id was inserted twice.
    #[error("{what} `{id}` already exists; use a new id")]
    Duplicate {
        /// `task`, `approval` or `grant`.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// No task has this id.
    #[error("no task `{0}`; check the id against the task list")]
    NoSuchTask(String),
    /// No approval has this id.
    #[error("no approval `{0}`; check the id against the pending approvals")]
    NoSuchApproval(String),
    /// The approval was already answered or lapsed.
    #[error("approval `{id}` is {}, not pending; retry the call to ask again", state.as_str())]
    ApprovalNotPending {
        /// The approval.
        id: String,
        /// The state it is in.
        state: ApprovalState,
    },
    /// A grant a decision relied on can no longer be used.
    #[error(
        "grant `{0}` is missing, revoked, expired or used up; retry the call to ask for a new approval"
    )]
    GrantUnusable(String),
    /// A caller passed values that contradict each other.
    #[error("{0}")]
    Invalid(String),
    /// A value could not be turned into JSON for storage.
    #[error("cannot encode {what} as json: {source}; this is a bug in writ, please report it")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// serde's explanation.
        #[source]
        source: serde_json::Error,
    },
    /// A stored value could not be read back.
    #[error(
        "stored {what} `{id}` cannot be read: {detail}; run `writ audit verify` and restore from a backup if it fails"
    )]
    Decode {
        /// What was being read.
        what: &'static str,
        /// Its id or seq.
        id: String,
        /// Why not.
        detail: String,
    },
    /// SQLite found the file damaged while using it.
    #[error(
        "the database is damaged ({0}); stop writ, move the file aside and restore it from a backup"
    )]
    Corrupt(rusqlite::Error),
    /// Any other database failure.
    #[error("database error: {0}; retry, and check disk space and permissions if it persists")]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                StoreError::Corrupt(err)
            }
            _ => StoreError::Sql(err),
        }
    }
}

/// Whether an error is a primary-key or unique violation.
pub(crate) fn is_duplicate(err: &rusqlite::Error) -> bool {
    extended_code(err).is_some_and(|code| {
        code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            || code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    })
}

/// Whether an error is a foreign-key violation; the only foreign keys point
/// at tasks, so this means the task does not exist.
pub(crate) fn is_missing_parent(err: &rusqlite::Error) -> bool {
    extended_code(err) == Some(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

fn extended_code(err: &rusqlite::Error) -> Option<i32> {
    match err {
        rusqlite::Error::SqliteFailure(e, _) => Some(e.extended_code),
        _ => None,
    }
}
