//! Tasks, grants, approvals and audit records: the state that authority
//! lives in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{CoreError, Millis, Tier, Verdict};

/// The resources a task may touch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// Repositories: local root paths (made absolute) or `owner/name` slugs.
    #[serde(default)]
    pub repos: Vec<String>,
    /// Branch globs such as `feature/*`.
    #[serde(default)]
    pub branches: Vec<String>,
    /// Path globs; a local repository in `repos` adds its whole tree.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Network hosts.
    #[serde(default)]
    pub hosts: Vec<String>,
}

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskState {
    /// Authority may be exercised.
    Active,
    /// Ended by its user or by `writ run` when the agent exited.
    Ended,
    /// Past its ttl.
    Expired,
    /// Ended by someone other than its user.
    Revoked,
    /// No call for longer than its idle limit.
    Stalled,
}

impl TaskState {
    /// The state's name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Active => "active",
            TaskState::Ended => "ended",
            TaskState::Expired => "expired",
            TaskState::Revoked => "revoked",
            TaskState::Stalled => "stalled",
        }
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TaskState {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            TaskState::Active,
            TaskState::Ended,
            TaskState::Expired,
            TaskState::Revoked,
            TaskState::Stalled,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| CoreError::TaskState(s.to_string()))
    }
}

/// One unit of delegated work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// `task_…`.
    pub id: String,
    /// The delegating user.
    pub user: String,
    /// The agent acting for the user.
    pub agent: String,
    /// What the work is for, in the user's words.
    #[serde(default)]
    pub purpose: String,
    /// What it may touch.
    pub scope: Scope,
    /// The state as stored; see [`Task::effective_state`] for the state now.
    pub state: TaskState,
    /// When it started.
    pub created_at: Millis,
    /// When it expires.
    pub expires_at: Millis,
    /// Longest pause between calls before it stalls, in milliseconds.
    #[serde(default)]
    pub idle_ms: Option<i64>,
    /// When an invocation was last decided in it.
    pub last_seen_at: Millis,
    /// When it stopped being active, if it has.
    #[serde(default)]
    pub ended_at: Option<Millis>,
}

impl Task {
    /// The task's state at `now`, taking ttl and idle limit into account.
    pub fn effective_state(&self, now: Millis) -> TaskState {
        if self.state != TaskState::Active {
            return self.state;
        }
        if now >= self.expires_at {
            return TaskState::Expired;
        }
        match self.idle_ms {
            Some(idle) if now - self.last_seen_at > idle => TaskState::Stalled,
            _ => TaskState::Active,
        }
    }
}

/// What a grant covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GrantScope {
    /// Exactly one invocation, by its canonical hash.
    Invocation {
        /// The invocation's canonical hash.
        hash: String,
    },
    /// Any operation with this action on a resource matching the glob.
    Operation {
        /// The action, such as `git.push`.
        action: String,
        /// A glob over the resource name.
        resource: String,
    },
}

/// Just-in-time authority bound to a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// `grant_…`.
    pub id: String,
    /// The task it belongs to; it dies with it.
    pub task_id: String,
    /// What it covers.
    pub scope: GrantScope,
    /// The highest tier it may allow.
    pub tier: Tier,
    /// The user who approved or granted it.
    pub granted_by: String,
    /// The approval it came from, if any.
    #[serde(default)]
    pub approval_id: Option<String>,
    /// When it was made.
    pub created_at: Millis,
    /// When it lapses.
    pub expires_at: Millis,
    /// Uses left; `None` is unlimited within its ttl.
    pub uses_left: Option<i64>,
    /// When it was revoked, if it was.
    #[serde(default)]
    pub revoked_at: Option<Millis>,
}

impl Grant {
    /// Whether the grant may still be used at `now`.
    pub fn is_live(&self, now: Millis) -> bool {
        self.revoked_at.is_none() && now < self.expires_at && self.uses_left.is_none_or(|n| n > 0)
    }
}

/// Where an approval is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApprovalState {
    /// Waiting for a human.
    Pending,
    /// Approved; a grant exists.
    Approved,
    /// Refused by a human.
    Denied,
    /// Nobody answered in time, or its task ended.
    Expired,
}

impl ApprovalState {
    /// The state's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Denied => "denied",
            ApprovalState::Expired => "expired",
        }
    }
}

impl FromStr for ApprovalState {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            ApprovalState::Pending,
            ApprovalState::Approved,
            ApprovalState::Denied,
            ApprovalState::Expired,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| CoreError::TaskState(s.to_string()))
    }
}

/// A pending request for a grant, bound to one exact invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// `appr_…`.
    pub id: String,
    /// The task the invocation was made in.
    pub task_id: String,
    /// The invocation's canonical hash.
    pub invocation_hash: String,
    /// The highest tier among its operations.
    pub tier: Tier,
    /// What was asked for: the decision's operations and a short summary of
    /// the invocation (secret values redacted).
    pub summary: Value,
    /// Where it is.
    pub state: ApprovalState,
    /// When it was asked for.
    pub created_at: Millis,
    /// When it lapses if nobody answers.
    pub expires_at: Millis,
    /// Who answered.
    #[serde(default)]
    pub decided_by: Option<String>,
    /// When.
    #[serde(default)]
    pub decided_at: Option<Millis>,
    /// The answer's reason, if one was given.
    #[serde(default)]
    pub reason: Option<String>,
    /// The grant made when approved.
    #[serde(default)]
    pub grant_id: Option<String>,
}

/// One entry of the tamper-evident trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1; assigned by the store.
    #[serde(default)]
    pub seq: i64,
    /// When it happened.
    pub time: Millis,
    /// `decision`, `outcome`, `task`, `approval`, `grant`, `session`.
    pub kind: String,
    /// The user on whose authority it happened.
    #[serde(default)]
    pub user: Option<String>,
    /// The agent that acted.
    #[serde(default)]
    pub agent: Option<String>,
    /// The task.
    #[serde(default)]
    pub task_id: Option<String>,
    /// The enforcement point: `hook:claude`, `cli`, `serve`.
    pub enforcement_point: String,
    /// The agent's id for the call (`tool_use_id`), joining outcome to decision.
    #[serde(default)]
    pub call_id: Option<String>,
    /// The verdict, for decisions.
    #[serde(default)]
    pub decision: Option<Verdict>,
    /// The highest tier.
    #[serde(default)]
    pub tier: Option<Tier>,
    /// Everything else: invocation (redacted), operations, reasons, policy
    /// ids, approval and grant ids, outcome.
    pub detail: Value,
    /// Hash of the previous record (hex), assigned by the store.
    #[serde(default)]
    pub prev_hash: String,
    /// Hash of this record (hex), assigned by the store.
    #[serde(default)]
    pub hash: String,
}

impl AuditRecord {
    /// The canonical bytes the chain hash covers: every field except `hash`.
    pub fn chained_text(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.remove("hash");
        }
        crate::canonical_json(&value)
    }

    /// The hash this record should carry given its fields.
    pub fn compute_hash(&self) -> String {
        crate::sha256_hex(self.chained_text().as_bytes())
    }
}
