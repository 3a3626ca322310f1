//! The storage interface every backend implements: tasks, approvals,
//! grants and the hash-chained audit trail. It speaks writ's vocabulary
//! only; SQL lives in the backends, and no backend knows agents' dialects.

use writ_core::{Approval, ApprovalState, AuditRecord, Grant, Millis, Scope, Task, TaskState};

use crate::Result;

/// The `prev_hash` of the first audit record: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything one decision writes, committed together or not at all.
#[derive(Debug, Clone)]
pub struct DecisionCommit {
    /// The decision's audit record; the store fills `seq`, `prev_hash` and
    /// `hash`, and takes `time` as "now" when checking grants.
    pub record: AuditRecord,
    /// The task to mark as seen, and when.
    pub touch_task: Option<(String, Millis)>,
    /// Grants the decision relied on; each loses one use (a grant named
    /// twice loses one). If any is no longer usable nothing is written.
    pub use_grants: Vec<String>,
    /// The approval the decision asks for, if its verdict is `approval`.
    pub new_approval: Option<Approval>,
}

/// What [`Store::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many audit records are stored.
    pub records: i64,
    /// The first record that breaks the chain, if any.
    pub first_bad: Option<BadRecord>,
}

impl VerifyReport {
    /// Whether the whole chain checked out.
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// The first audit record that fails verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// Its position in the chain (for a missing record, where it should be).
    pub seq: i64,
    /// What is wrong with it, lowercase, one line.
    pub why: String,
}

/// The state writ keeps: tasks, approvals, grants and the audit chain.
///
/// Every method is one transaction; methods that change several rows change
/// all of them or none. Implementations must keep the audit chain a single
/// gap-free sequence even when several processes append at once.
pub trait Store: Send + Sync {
    /// Stores a new task.
    fn insert_task(&self, task: &Task) -> Result<()>;

    /// The task with this id.
    fn task(&self, id: &str) -> Result<Option<Task>>;

    /// Every task, newest first.
    fn tasks(&self) -> Result<Vec<Task>>;

    /// Records that an invocation was decided in the task at `now`.
    fn touch_task(&self, id: &str, now: Millis) -> Result<()>;

    /// Ends an active task in `state`, revoking all of its grants and
    /// expiring its pending approvals. Returns whether the task was active.
    fn end_task(&self, id: &str, state: TaskState, now: Millis) -> Result<bool>;

    /// Replaces the task's scope and revokes its grants, which were issued
    /// under the old scope.
    fn set_task_scope(&self, id: &str, scope: &Scope, now: Millis) -> Result<()>;

    /// Stores a new approval.
    fn insert_approval(&self, approval: &Approval) -> Result<()>;

    /// The approval with this id.
    fn approval(&self, id: &str) -> Result<Option<Approval>>;

    /// Approvals in `state` (all when `None`), newest first.
    fn approvals(&self, state: Option<ApprovalState>) -> Result<Vec<Approval>>;

    /// The newest pending, unexpired approval for this exact invocation in
    /// the task, so that a retry waits on the same approval.
    fn pending_approval_for(
        &self,
        task_id: &str,
        invocation_hash: &str,
        now: Millis,
    ) -> Result<Option<Approval>>;

    /// Answers a pending, unexpired approval: sets its state, who decided,
    /// when and why, and stores the grant an approval creates. `approved`
    /// needs a grant of the same task; other answers take none.
    fn resolve_approval(
        &self,
        id: &str,
        state: ApprovalState,
        by: &str,
        reason: Option<&str>,
        grant: Option<&Grant>,
        now: Millis,
    ) -> Result<Approval>;

    /// Stores a new grant.
    fn insert_grant(&self, grant: &Grant) -> Result<()>;

    /// The grant with this id.
    fn grant(&self, id: &str) -> Result<Option<Grant>>;

    /// The task's grants that may be used at `now`: not revoked, unexpired,
    /// with uses left.
    fn live_grants(&self, task_id: &str, now: Millis) -> Result<Vec<Grant>>;

    /// Every grant, newest first.
    fn all_grants(&self) -> Result<Vec<Grant>>;

    /// Revokes a grant. Returns whether it was not already revoked.
    fn revoke_grant(&self, id: &str, now: Millis) -> Result<bool>;

    /// Writes a decision: touches the task, uses the grants, stores the
    /// approval and appends the audit record, all in one transaction.
    fn commit_decision(&self, commit: &DecisionCommit) -> Result<AuditRecord>;

    /// Appends one audit record; it is durable when this returns.
    fn append(&self, record: AuditRecord) -> Result<AuditRecord>;

    /// Appends many audit records in one transaction (group commit).
    fn append_batch(&self, records: Vec<AuditRecord>) -> Result<Vec<AuditRecord>>;

    /// The last `n` audit records, oldest first.
    fn audit_tail(&self, n: usize) -> Result<Vec<AuditRecord>>;

    /// The audit records of one call (decision, then outcome), oldest first.
    fn audit_by_call(&self, call_id: &str) -> Result<Vec<AuditRecord>>;

    /// How many audit records are stored.
    fn audit_count(&self) -> Result<i64>;

    /// Recomputes the whole chain from stored data and names the first
    /// record that was edited, removed, inserted or moved.
    fn verify(&self) -> Result<VerifyReport>;
}
