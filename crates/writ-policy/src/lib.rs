//! Policy: writ's Cedar schema and default pack, loading a pack from disk
//! with strict validation, and deciding one operation as the agent and again
//! as its user (the delegation ceiling). Grants enter as data (`granted` in
//! the context), never as one policy per grant.
//!
//! This crate does not touch the store.

mod grants;
mod index;
mod pack;

pub use grants::GrantIndex;
pub use pack::{Entitlement, PolicyError, PolicyPack, SHIPPED};

use writ_core::{Operation, Verdict};

/// Who is asking: an agent for its user, or the user themselves.
#[derive(Debug, Clone)]
pub enum Principal<'a> {
    /// An agent acting for `user`.
    Agent {
        /// The agent's name.
        name: &'a str,
        /// The user it acts for.
        user: &'a str,
    },
    /// A user, with the tiers they hold.
    User {
        /// The user's name.
        name: &'a str,
        /// Tiers the user holds themselves.
        tiers: &'a [String],
    },
}

/// The facts about the task an operation happens in.
#[derive(Debug, Clone, Default)]
pub struct TaskFacts {
    /// Active now (not ended, expired, stalled or revoked).
    pub active: bool,
    /// The task id, or empty.
    pub id: String,
    /// The delegating user, or empty.
    pub user: String,
    /// The task's purpose.
    pub purpose: String,
}

/// One operation to decide, with its facts.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    /// The operation.
    pub operation: &'a Operation,
    /// The task.
    pub task: &'a TaskFacts,
    /// Inside the task's scope.
    pub in_scope: bool,
    /// A live grant covers it.
    pub granted: bool,
    /// Where the invocation was stopped: `hook:claude`, …
    pub enforcement_point: &'a str,
}

/// What Cedar said about one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// Allowed.
    pub allowed: bool,
    /// Ids of the policies that determined it (permits when allowed,
    /// forbids when denied).
    pub policies: Vec<String>,
    /// Errors while evaluating, by policy id.
    pub errors: Vec<String>,
}

/// The verdict on one operation, over both layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationVerdict {
    /// The verdict.
    pub verdict: Verdict,
    /// Short reasons, safe for an agent.
    pub reasons: Vec<String>,
    /// Determining policy ids, agent layer then ceiling.
    pub policies: Vec<String>,
}

impl PolicyPack {
    /// Decides one operation for an agent acting for a user: allow needs
    /// both the agent's and the user's evaluation to allow; a forbid on
    /// either side denies; no permit on the agent's side asks for approval.
    pub fn decide(
        &self,
        agent: &str,
        user: &str,
        user_tiers: &[String],
        query: &Query<'_>,
    ) -> OperationVerdict {
        let as_agent = self.evaluate(&Principal::Agent { name: agent, user }, query);
        let ceiling_query = Query {
            granted: false,
            ..query.clone()
        };
        let as_user = self.evaluate(
            &Principal::User {
                name: user,
                tiers: user_tiers,
            },
            &ceiling_query,
        );
        combine(self, query.operation, user, &as_agent, &as_user)
    }
}

fn combine(
    pack: &PolicyPack,
    op: &Operation,
    user: &str,
    agent: &Evaluation,
    ceiling: &Evaluation,
) -> OperationVerdict {
    let tier = op.tier;
    let mut policies: Vec<String> = agent.policies.clone();
    policies.extend(ceiling.policies.iter().cloned());
    let errors: Vec<&String> = agent.errors.iter().chain(ceiling.errors.iter()).collect();
    if !errors.is_empty() && tier != writ_core::Tier::Read {
        return OperationVerdict {
            verdict: Verdict::Deny,
            reasons: vec![format!(
                "policy evaluation failed ({}); nothing above read is allowed until it is fixed",
                errors
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )],
            policies,
        };
    }
    if !agent.allowed && !agent.policies.is_empty() {
        return OperationVerdict {
            verdict: Verdict::Deny,
            reasons: agent
                .policies
                .iter()
                .map(|id| pack.reason_for(id))
                .collect(),
            policies: agent.policies.clone(),
        };
    }
    if !ceiling.allowed {
        let why = if ceiling.policies.is_empty() {
            format!(
                "{tier} on `{}` is beyond what user `{user}` may do themselves",
                op.resource.name
            )
        } else {
            ceiling
                .policies
                .iter()
                .map(|id| pack.reason_for(id))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return OperationVerdict {
            verdict: Verdict::Deny,
            reasons: vec![why],
            policies: ceiling.policies.clone(),
        };
    }
    if !agent.allowed {
        return OperationVerdict {
            verdict: Verdict::Approval,
            reasons: vec![format!(
                "{tier} on `{}` needs a human approval",
                op.resource.name
            )],
            policies: Vec::new(),
        };
    }
    OperationVerdict {
        verdict: Verdict::Allow,
        reasons: Vec::new(),
        policies,
    }
}
