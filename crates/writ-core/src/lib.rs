//! writ's vocabulary: the types every other crate speaks in (tiers,
//! operations, decisions, tasks, grants, approvals, audit records) and the
//! canonical hashing that binds an approval to one exact invocation.
//!
//! This crate does no I/O. Anything that reads files, talks to a database or
//! a socket lives in the crates above it.

mod canonical;
mod decision;
mod error;
mod ids;
mod operation;
mod task;
mod time;

pub use canonical::{canonical_json, sha256_hex};
pub use decision::{Decision, Verdict};
pub use error::CoreError;
pub use ids::new_id;
pub use operation::{Operation, Resource, ResourceKind, Tier};
pub use task::{Approval, ApprovalState, AuditRecord, Grant, GrantScope, Scope, Task, TaskState};
pub use time::{Millis, format_millis, now_millis, parse_duration};
