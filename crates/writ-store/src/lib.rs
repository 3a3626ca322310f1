//! writ's state: tasks, approvals, grants and the tamper-evident audit
//! chain, behind one [`Store`] interface with a SQLite backend
//! ([`SqliteStore`]) and room for a PostgreSQL one.
//!
//! This crate is the only code that speaks SQL. It knows writ's vocabulary
//! and nothing of agents' dialects or policy.

mod error;
mod sqlite;
mod store;

pub use error::{Result, StoreError};
pub use sqlite::SqliteStore;
pub use store::{BadRecord, DecisionCommit, GENESIS_HASH, Store, VerifyReport};
