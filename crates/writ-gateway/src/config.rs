//! `writ.toml`: a typed schema with documented defaults. Unknown keys are
//! errors, so a typo never silently weakens a setting.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use writ_core::Tier;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Defaults for tasks and approvals.
    #[serde(default)]
    pub defaults: Defaults,
    /// Approval rules.
    #[serde(default)]
    pub approvals: Approvals,
    /// Users by name, with what they may do themselves.
    #[serde(default)]
    pub users: BTreeMap<String, UserConfig>,
    /// Agents by name, with the user each acts for.
    #[serde(default)]
    pub agents: BTreeMap<String, AgentConfig>,
}

/// Defaults for tasks and approvals.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// A task's lifetime when `--ttl` is not given. Default `8h`.
    #[serde(default = "default_task_ttl")]
    pub task_ttl: String,
    /// How long a pending approval waits for an answer. Default `1h`.
    #[serde(default = "default_approval_ttl")]
    pub approval_ttl: String,
    /// How long a hook holds a call waiting for an approval before it
    /// answers deny; `0s` answers at once. Default `0s`.
    #[serde(default = "default_wait")]
    pub approval_wait: String,
    /// Branches only a merge may change. Default `main`, `master`,
    /// `release/*`, `production`.
    #[serde(default = "default_protected")]
    pub protected_branches: Vec<String>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            task_ttl: default_task_ttl(),
            approval_ttl: default_approval_ttl(),
            approval_wait: default_wait(),
            protected_branches: default_protected(),
        }
    }
}

fn default_task_ttl() -> String {
    "8h".into()
}
fn default_approval_ttl() -> String {
    "1h".into()
}
fn default_wait() -> String {
    "0s".into()
}
fn default_protected() -> Vec<String> {
    vec![
        "main".into(),
        "master".into(),
        "release/*".into(),
        "production".into(),
    ]
}

/// Approval rules.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Approvals {
    /// Tiers at which the delegating user may not approve their own
    /// agent's call (a two-person rule). Default none.
    #[serde(default)]
    pub two_person: Vec<Tier>,
}

/// A user and their entitlements.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Tiers the user holds themselves.
    pub tiers: Vec<Tier>,
    /// Exceptions: a tier on resources the user may not touch.
    #[serde(default)]
    pub deny: Vec<ResourceRule>,
    /// Additions: a tier on resources the user may touch beyond `tiers`.
    #[serde(default)]
    pub allow: Vec<ResourceRule>,
}

/// A tier on resources matching a pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRule {
    /// The tier.
    pub tier: Tier,
    /// A pattern over resource names: `*` is any run of characters, e.g.
    /// `origin:refs/heads/main` or `*prod*`.
    pub resource: String,
}

/// An agent identity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// The user the agent acts for.
    pub user: String,
}

/// Reads a duration setting, naming the key on error.
pub fn duration(key: &str, value: &str) -> Result<Duration, String> {
    writ_core::parse_duration(value).map_err(|e| format!("`{key}`: {e}"))
}

impl Config {
    /// Parses `writ.toml` text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| one_line(&e.to_string()))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        duration("defaults.task_ttl", &self.defaults.task_ttl)?;
        duration("defaults.approval_ttl", &self.defaults.approval_ttl)?;
        duration("defaults.approval_wait", &self.defaults.approval_wait)?;
        // An invalid pattern must stop writ from loading, never silently
        // leave a branch unprotected.
        writ_classify::Globs::new(&self.defaults.protected_branches)
            .map_err(|e| format!("`defaults.protected_branches`: {e}"))?;
        for (name, agent) in &self.agents {
            if !self.users.contains_key(&agent.user) {
                return Err(format!(
                    "agent `{name}` acts for `{}`, who is not in [users]; add the user or fix the name",
                    agent.user
                ));
            }
        }
        Ok(())
    }

    /// The entitlement exceptions for the policy pack.
    pub fn entitlements(&self) -> Vec<writ_policy::Entitlement> {
        let mut out = Vec::new();
        for (user, cfg) in &self.users {
            for (rules, allow) in [(&cfg.deny, false), (&cfg.allow, true)] {
                for r in rules {
                    out.push(writ_policy::Entitlement {
                        user: user.clone(),
                        tier: r.tier,
                        resource: r.resource.clone(),
                        allow,
                    });
                }
            }
        }
        out
    }

    /// The tiers a user holds, as strings for Cedar.
    pub fn user_tiers(&self, user: &str) -> Vec<String> {
        self.users
            .get(user)
            .map(|u| u.tiers.iter().map(|t| t.as_str().to_string()).collect())
            .unwrap_or_default()
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The commented `writ.toml` written on first run, for the local user.
pub fn default_text(user: &str) -> String {
    format!(
        r#"# writ's configuration. Unknown keys are errors. Reload by restarting
# `writ serve`; the hook reads this file on every call when no daemon runs.

[defaults]
# A task's lifetime when `writ task start` gets no --ttl.
task_ttl = "8h"
# How long a pending approval waits for an answer.
approval_ttl = "1h"
# How long `writ hook` holds a call that needs approval before answering
# deny (with the approval id); "0s" answers at once. Claude Code treats
# "ask" as deny when headless, so waiting is the only way to hold a call.
approval_wait = "0s"
# Branches only a merge may change.
protected_branches = ["main", "master", "release/*", "production"]

[approvals]
# Tiers at which the delegating user may not approve their own agent's
# call: someone else who holds the authority must. Example: ["deploy"].
two_person = []

# Users: what each may do themselves. An agent's authority never exceeds
# its user's. `deny` and `allow` refine `tiers` for resources matching a
# pattern (`*` is any run of characters).
[users.{user}]
tiers = ["read", "write", "merge", "deploy", "publish", "secret", "destructive", "unknown"]
# [[users.{user}.deny]]
# tier = "deploy"
# resource = "*prod*"

# Agents, and the user each acts for.
[agents.claude-code]
user = "{user}"

[agents.codex]
user = "{user}"

[agents.cursor]
user = "{user}"

[agents.gemini]
user = "{user}"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_loads() {
        let c = Config::parse(&default_text("alice")).expect("default config parses");
        assert_eq!(c.agents["claude-code"].user, "alice");
        assert_eq!(c.users["alice"].tiers.len(), 8);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = Config::parse("[defaults]\ntask_tll = \"1h\"\n").unwrap_err();
        assert!(err.contains("task_tll"), "{err}");
    }

    #[test]
    fn an_invalid_protected_branch_pattern_is_an_error() {
        let err = Config::parse("[defaults]\nprotected_branches = [\"rel[ease\"]\n").unwrap_err();
        assert!(err.contains("protected_branches"), "{err}");
    }

    #[test]
    fn agents_must_act_for_known_users() {
        let err = Config::parse("[agents.x]\nuser = \"ghost\"\n").unwrap_err();
        assert!(err.contains("ghost"), "{err}");
    }
}
