//! Decisions are data: the verdict with its reasons and the ids of the
//! policies that determined it, carried unchanged into the audit record.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Operation, Tier};

/// The outcome of deciding an invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// May go ahead.
    Allow,
    /// A human must approve first.
    Approval,
    /// Refused.
    Deny,
}

impl Verdict {
    /// The verdict's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Approval => "approval",
            Verdict::Deny => "deny",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision over one invocation: the most restrictive verdict over all of
/// its operations and over every layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The verdict.
    pub decision: Verdict,
    /// The highest tier among the operations.
    pub tier: Tier,
    /// The operations the invocation carries.
    pub operations: Vec<Operation>,
    /// Why, one short sentence each; safe to show to an agent.
    pub reasons: Vec<String>,
    /// Ids of the policies that determined the verdict.
    #[serde(default)]
    pub policies: Vec<String>,
    /// Ids of the grants that allowed operations above their default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
    /// The pending approval, when the verdict is `approval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_id: Option<String>,
}

impl Decision {
    /// A denial that no policy was consulted for: bad input, an internal
    /// error, a store that cannot record.
    pub fn refuse(reason: impl Into<String>) -> Self {
        Decision {
            decision: Verdict::Deny,
            tier: Tier::Unknown,
            operations: Vec::new(),
            reasons: vec![reason.into()],
            policies: Vec::new(),
            grants: Vec::new(),
            approval_id: None,
        }
    }
}
