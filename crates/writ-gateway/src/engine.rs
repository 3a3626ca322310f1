//! The decision path, end to end: an invocation in, a decision out, with
//! the audit record durable before any allow above the read tier.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};
use writ_classify::{Context, Globs, ToolCall};
use writ_core::{
    Approval, ApprovalState, AuditRecord, Decision, Grant, GrantScope, Millis, Operation,
    ResourceKind, Task, TaskState, Tier, Verdict, canonical_json, new_id, now_millis, sha256_hex,
};
use writ_policy::{GrantIndex, PolicyPack, Query, TaskFacts};
use writ_store::{DecisionCommit, SqliteStore, Store};

use crate::config::{Config, duration};
use crate::{GatewayError, Home};

/// One tool call as an enforcement point received it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Invocation {
    /// `hook:claude`, `cli:check`, …
    pub enforcement_point: String,
    /// The agent the enforcement point speaks for (`claude-code`).
    pub agent: String,
    /// The task named by the agent's environment.
    pub task_id: Option<String>,
    /// The tool's name.
    pub tool_name: String,
    /// The tool's input.
    pub tool_input: Value,
    /// The working directory of the call.
    pub cwd: PathBuf,
    /// The agent's id for the call, to join the outcome.
    pub call_id: Option<String>,
    /// The agent's session.
    pub session_id: Option<String>,
}

/// A decision and what it rests on, before it is recorded.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The decision.
    pub decision: Decision,
    /// The task, if the invocation named a live one.
    pub task: Option<Task>,
    /// The invocation's canonical hash.
    pub hash: String,
    /// The user on whose authority it is decided.
    pub user: String,
    /// The agent.
    pub agent: String,
}

/// How a call ended, from PostToolUse or PostToolUseFailure.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// `success`, `failure`, `interrupted`.
    pub status: String,
    /// A short summary (no tool output, which may hold secrets).
    pub detail: Value,
}

/// Everything the decision path needs, open.
pub struct Engine {
    /// writ's home.
    pub home: Home,
    /// `writ.toml`.
    pub config: Config,
    /// The policy pack.
    pub pack: PolicyPack,
    /// The store.
    pub store: Arc<dyn Store>,
    /// `$HOME`, for secret and control paths.
    pub user_home: PathBuf,
    /// The user's tool table, from `policies/tools.toml`.
    pub extra_tools: Option<Arc<writ_classify::table::ToolTable>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("home", &self.home)
            .finish_non_exhaustive()
    }
}

/// The canonical hash binding an approval to one invocation: the task, the
/// agent, the tool, its input without free-text descriptions, and the
/// working directory.
pub fn invocation_hash(inv: &Invocation) -> String {
    let mut input = inv.tool_input.clone();
    if let Value::Object(map) = &mut input {
        map.remove("description");
    }
    let value = json!({
        "task": inv.task_id,
        "agent": inv.agent,
        "tool": inv.tool_name,
        "input": input,
        "cwd": inv.cwd,
    });
    sha256_hex(canonical_json(&value).as_bytes())
}

impl Engine {
    /// Opens writ's home (creating it on first use), its config, policy
    /// pack and database.
    pub fn open(root: &Path, local_user: &str, user_home: &Path) -> Result<Engine, GatewayError> {
        let home = Home::open(root, local_user)?;
        let text = std::fs::read_to_string(home.config_path())
            .map_err(|e| GatewayError::Config(format!("cannot read: {e}")))?;
        let config = Config::parse(&text).map_err(GatewayError::Config)?;
        let pack = PolicyPack::load(&home.policies_dir(), &config.entitlements())?;
        let extra_tools = load_tools(&home.policies_dir().join("tools.toml"))?;
        let store = SqliteStore::open(&home.database_path())?;
        Ok(Engine {
            home,
            config,
            pack,
            store: Arc::new(store),
            user_home: user_home.to_path_buf(),
            extra_tools,
        })
    }

    /// The user an agent acts for.
    pub fn user_of(&self, agent: &str) -> Option<&str> {
        self.config.agents.get(agent).map(|a| a.user.as_str())
    }

    fn duration_ms(&self, key: &str, value: &str) -> i64 {
        duration(key, value).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }

    /// Decides an invocation without recording anything.
    pub fn evaluate(&self, inv: &Invocation, now: Millis) -> Evaluated {
        let task = match &inv.task_id {
            Some(id) => self.store.task(id).ok().flatten(),
            None => None,
        };
        self.evaluate_in(inv, task, now)
    }

    /// Decides an invocation within a given task (which need not be
    /// stored: `writ policy test` uses this), without recording anything.
    pub fn evaluate_in(&self, inv: &Invocation, task: Option<Task>, now: Millis) -> Evaluated {
        let hash = invocation_hash(inv);
        let agent = inv.agent.clone();
        let user = task
            .as_ref()
            .map(|t| t.user.clone())
            .or_else(|| self.user_of(&agent).map(str::to_string))
            .unwrap_or_default();
        let mut notes = Vec::new();
        let live = task.as_ref().filter(|t| {
            let state = t.effective_state(now);
            if state != TaskState::Active {
                notes.push(format!("task `{}` is {state}", t.id));
                return false;
            }
            if t.agent != agent {
                notes.push(format!(
                    "task `{}` was delegated to `{}`, not `{agent}`",
                    t.id, t.agent
                ));
                return false;
            }
            true
        });
        if inv.task_id.is_some() && task.is_none() {
            notes.push("the task named by WRIT_TASK does not exist".into());
        }
        let ctx = self.context(&inv.cwd, live);
        let ops = writ_classify::classify_tool_call(
            &ctx,
            &ToolCall {
                tool_name: &inv.tool_name,
                tool_input: &inv.tool_input,
            },
        );
        let grants = match live {
            Some(t) => match self.store.live_grants(&t.id, now) {
                Ok(g) => GrantIndex::new(g, now),
                Err(e) => {
                    notes.push(format!("grants could not be read ({e})"));
                    GrantIndex::default()
                }
            },
            None => GrantIndex::default(),
        };
        let mut decision = self.decide_ops(
            ops,
            live,
            &user,
            &agent,
            &hash,
            &grants,
            &inv.enforcement_point,
            &ctx.cwd,
            now,
        );
        decision.reasons.extend(notes);
        Evaluated {
            decision,
            task: live.cloned(),
            hash,
            user,
            agent,
        }
    }

    fn context(&self, cwd: &Path, task: Option<&Task>) -> Context {
        let cwd = writ_classify::paths::resolve(Path::new("/"), cwd);
        let workspace = match task {
            Some(t) => task_roots(t),
            None => writ_classify::Repo::discover(&cwd)
                .map(|r| vec![r.root])
                .unwrap_or_else(|| vec![cwd.clone()]),
        };
        let branches = task.map(|t| t.scope.branches.clone()).unwrap_or_default();
        Context {
            cwd,
            home: self.user_home.clone(),
            writ_home: writ_classify::paths::resolve(Path::new("/"), &self.home.root),
            workspace,
            protected_branches: Globs::new(&self.config.defaults.protected_branches)
                .unwrap_or_else(|_| Globs::empty()),
            task_branches: Globs::new(&branches).unwrap_or_else(|_| Globs::empty()),
            extra_tools: self.extra_tools.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn decide_ops(
        &self,
        ops: Vec<Operation>,
        task: Option<&Task>,
        user: &str,
        agent: &str,
        hash: &str,
        grants: &GrantIndex,
        point: &str,
        cwd: &Path,
        now: Millis,
    ) -> Decision {
        let facts = TaskFacts {
            active: task.is_some(),
            id: task.map(|t| t.id.clone()).unwrap_or_default(),
            user: user.to_string(),
            purpose: task.map(|t| t.purpose.clone()).unwrap_or_default(),
        };
        let user_tiers = self.config.user_tiers(user);
        let mut decision = Decision {
            decision: Verdict::Allow,
            tier: ops.iter().map(|o| o.tier).max().unwrap_or(Tier::Read),
            operations: Vec::new(),
            reasons: Vec::new(),
            policies: Vec::new(),
            grants: Vec::new(),
            approval_id: None,
        };
        for op in &ops {
            let grant = task.and_then(|t| grants.covering(&t.id, hash, op, now));
            let query = Query {
                operation: op,
                task: &facts,
                in_scope: task.is_some_and(|t| in_scope(t, op) || runs_in_workspace(t, op, cwd)),
                granted: grant.is_some(),
                enforcement_point: point,
            };
            let verdict = self.pack.decide(agent, user, &user_tiers, &query);
            // Zero standing privilege holds even if a policy pack forgets it.
            let verdict_kind = if task.is_none() && op.tier != Tier::Read {
                Verdict::Deny
            } else {
                verdict.verdict
            };
            if (verdict_kind == Verdict::Allow && op.tier > Tier::Write
                || (verdict_kind == Verdict::Allow && grant.is_some() && !query.in_scope))
                && let Some(g) = grant
            {
                push_unique(&mut decision.grants, &g.id);
            }
            if verdict_kind > decision.decision {
                decision.decision = verdict_kind;
            }
            for r in verdict.reasons {
                push_unique(&mut decision.reasons, &r);
            }
            if task.is_none() && op.tier != Tier::Read && verdict.verdict != Verdict::Deny {
                push_unique(
                    &mut decision.reasons,
                    "no active task: start one with `writ run` or `writ task start`",
                );
            }
            for p in verdict.policies {
                push_unique(&mut decision.policies, &p);
            }
            if let Some(note) = &op.note
                && op.tier >= Tier::Write
                && verdict_kind != Verdict::Allow
            {
                push_unique(
                    &mut decision.reasons,
                    &format!("`{}`: {note}", op.resource.name),
                );
            }
        }
        if decision.decision != Verdict::Allow {
            decision.grants.clear();
        }
        decision.operations = ops;
        decision
    }

    /// Decides an invocation and records the decision durably. Fails
    /// closed: if the record cannot be written, nothing above read is
    /// allowed.
    pub fn decide(&self, inv: &Invocation) -> Decision {
        let now = now_millis();
        let mut evaluated = self.evaluate(inv, now);
        self.expire_if_due(inv, now);
        if let (Verdict::Approval, Some(task)) = (&evaluated.decision.decision, &evaluated.task)
            && let Some(refusal) = self.recently_denied(task, &evaluated.hash, now)
        {
            evaluated.decision.decision = Verdict::Deny;
            evaluated.decision.reasons.insert(0, refusal);
        }
        let approval = match (&evaluated.decision.decision, &evaluated.task) {
            (Verdict::Approval, Some(task)) => Some(self.approval_for(inv, &evaluated, task, now)),
            _ => None,
        };
        if let Some((a, _)) = &approval {
            evaluated.decision.approval_id = Some(a.id.clone());
        }
        let approval = approval.and_then(|(a, is_new)| is_new.then_some(a));
        let record = self.decision_record(inv, &evaluated, now);
        let commit = DecisionCommit {
            record,
            touch_task: evaluated.task.as_ref().map(|t| (t.id.clone(), now)),
            use_grants: evaluated.decision.grants.clone(),
            new_approval: approval,
        };
        match self.store.commit_decision(&commit) {
            Ok(_) => evaluated.decision,
            Err(e)
                if evaluated.decision.tier == Tier::Read
                    && evaluated.decision.decision == Verdict::Allow =>
            {
                tracing::warn!(error = %e, "audit record not written for a read");
                evaluated.decision
            }
            Err(e) => {
                let mut refused = Decision::refuse(format!(
                    "writ could not record the decision ({e}); nothing above read is allowed"
                ));
                refused.operations = evaluated.decision.operations;
                refused.tier = evaluated.decision.tier;
                refused
            }
        }
    }

    /// Ends every task whose ttl or idle limit has passed (its grants end
    /// with it and its pending approvals expire). Returns how many.
    pub fn sweep(&self, now: Millis) -> Result<usize, GatewayError> {
        let mut ended = 0;
        for task in self.store.tasks()? {
            let state = task.effective_state(now);
            if task.state == TaskState::Active
                && state != TaskState::Active
                && self.store.end_task(&task.id, state, now)?
            {
                tracing::info!(task.id = %task.id, state = %state, "task ended by sweep");
                ended += 1;
            }
        }
        Ok(ended)
    }

    fn expire_if_due(&self, inv: &Invocation, now: Millis) {
        let Some(id) = &inv.task_id else { return };
        if let Ok(Some(task)) = self.store.task(id) {
            let state = task.effective_state(now);
            if task.state == TaskState::Active && state != TaskState::Active {
                let _ = self.store.end_task(id, state, now);
            }
        }
    }

    /// A human's refusal of this exact invocation stands for as long as an
    /// approval would have: the identical retry is denied, not asked again.
    fn recently_denied(&self, task: &Task, hash: &str, now: Millis) -> Option<String> {
        let ttl = self.duration_ms("defaults.approval_ttl", &self.config.defaults.approval_ttl);
        let denied = self.store.approvals(Some(ApprovalState::Denied)).ok()?;
        denied
            .into_iter()
            .find(|a| {
                a.task_id == task.id
                    && a.invocation_hash == hash
                    && a.decided_at.is_some_and(|t| now - t < ttl)
            })
            .map(|a| {
                format!(
                    "`{}` refused this exact call ({}){}",
                    a.decided_by.unwrap_or_default(),
                    a.id,
                    a.reason.map(|r| format!(": {r}")).unwrap_or_default()
                )
            })
    }

    fn approval_for(
        &self,
        inv: &Invocation,
        ev: &Evaluated,
        task: &Task,
        now: Millis,
    ) -> (Approval, bool) {
        if let Ok(Some(existing)) = self.store.pending_approval_for(&task.id, &ev.hash, now) {
            return (existing, false);
        }
        let ttl = self.duration_ms("defaults.approval_ttl", &self.config.defaults.approval_ttl);
        let approval = Approval {
            id: new_id("appr"),
            task_id: task.id.clone(),
            invocation_hash: ev.hash.clone(),
            tier: ev.decision.tier,
            summary: json!({
                "agent": ev.agent,
                "user": ev.user,
                "tool": inv.tool_name,
                "input": crate::engine::redact(&inv.tool_input),
                "cwd": inv.cwd,
                "operations": redact(&serde_json::to_value(&ev.decision.operations).unwrap_or_default()),
                "reasons": ev.decision.reasons.iter().map(|r| redact_text(r)).collect::<Vec<_>>(),
            }),
            state: ApprovalState::Pending,
            created_at: now,
            expires_at: now + ttl.min(task.expires_at - now).max(0),
            decided_by: None,
            decided_at: None,
            reason: None,
            grant_id: None,
        };
        (approval, true)
    }

    fn decision_record(&self, inv: &Invocation, ev: &Evaluated, now: Millis) -> AuditRecord {
        AuditRecord {
            seq: 0,
            time: now,
            kind: "decision".into(),
            user: Some(ev.user.clone()).filter(|u| !u.is_empty()),
            agent: Some(ev.agent.clone()),
            task_id: inv.task_id.clone(),
            enforcement_point: inv.enforcement_point.clone(),
            call_id: inv.call_id.clone(),
            decision: Some(ev.decision.decision),
            tier: Some(ev.decision.tier),
            detail: json!({
                "invocation": { "tool": inv.tool_name, "input": redact(&inv.tool_input), "cwd": inv.cwd, "session": inv.session_id, "hash": ev.hash },
                "operations": redact(&serde_json::to_value(&ev.decision.operations).unwrap_or_default()),
                "reasons": ev.decision.reasons.iter().map(|r| redact_text(r)).collect::<Vec<_>>(),
                "policies": ev.decision.policies,
                "grants": ev.decision.grants,
                "approval_id": ev.decision.approval_id,
            }),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    /// Records how a call ended, joined to its decision by `call_id`.
    pub fn record_outcome(
        &self,
        inv: &Invocation,
        outcome: &Outcome,
    ) -> Result<AuditRecord, GatewayError> {
        let record = AuditRecord {
            seq: 0,
            time: now_millis(),
            kind: "outcome".into(),
            user: inv
                .task_id
                .as_ref()
                .and_then(|id| self.store.task(id).ok().flatten())
                .map(|t| t.user),
            agent: Some(inv.agent.clone()),
            task_id: inv.task_id.clone(),
            enforcement_point: inv.enforcement_point.clone(),
            call_id: inv.call_id.clone(),
            decision: None,
            tier: None,
            detail: json!({ "tool": inv.tool_name, "status": outcome.status, "outcome": outcome.detail }),
            prev_hash: String::new(),
            hash: String::new(),
        };
        Ok(self.store.append(record)?)
    }

    /// Answers a pending approval as `approver`. An agent never can: the
    /// caller refuses when it runs inside an agent's environment.
    pub fn answer(
        &self,
        approval_id: &str,
        approver: &str,
        approve: bool,
        lifetime: GrantLife,
        reason: Option<&str>,
    ) -> Result<Approval, GatewayError> {
        let now = now_millis();
        let approval = self.store.approval(approval_id)?.ok_or_else(|| {
            GatewayError::Refused(format!("no approval `{approval_id}`; see `writ approvals`"))
        })?;
        if approval.state != ApprovalState::Pending || approval.expires_at <= now {
            return Err(GatewayError::Refused(format!(
                "approval `{approval_id}` is {} and can no longer be answered",
                if approval.expires_at <= now {
                    "expired"
                } else {
                    approval.state.as_str()
                }
            )));
        }
        let task = self
            .store
            .task(&approval.task_id)?
            .ok_or_else(|| GatewayError::Refused("the approval's task no longer exists".into()))?;
        if approve {
            self.check_approver(&approval, &task, approver)?;
        }
        let grant = approve.then(|| Grant {
            id: new_id("grant"),
            task_id: task.id.clone(),
            scope: GrantScope::Invocation {
                hash: approval.invocation_hash.clone(),
            },
            tier: approval.tier,
            granted_by: approver.to_string(),
            approval_id: Some(approval.id.clone()),
            created_at: now,
            expires_at: match lifetime {
                GrantLife::Once | GrantLife::Task => task.expires_at,
                GrantLife::For(ms) => (now + ms).min(task.expires_at),
            },
            uses_left: match lifetime {
                GrantLife::Once => Some(1),
                _ => None,
            },
            revoked_at: None,
        });
        let state = if approve {
            ApprovalState::Approved
        } else {
            ApprovalState::Denied
        };
        let answered = self.store.resolve_approval(
            approval_id,
            state,
            approver,
            reason,
            grant.as_ref(),
            now,
        )?;
        self.store.append(AuditRecord {
            seq: 0,
            time: now,
            kind: "approval".into(),
            user: Some(approver.to_string()),
            agent: Some(task.agent.clone()),
            task_id: Some(task.id.clone()),
            enforcement_point: "cli".into(),
            call_id: None,
            decision: Some(if approve { Verdict::Allow } else { Verdict::Deny }),
            tier: Some(approval.tier),
            detail: json!({ "approval_id": approval.id, "state": state.as_str(), "grant": grant, "reason": reason }),
            prev_hash: String::new(),
            hash: String::new(),
        })?;
        Ok(answered)
    }

    /// The approver must be a user who holds the authority themselves, and
    /// under a two-person rule must not be the delegating user.
    fn check_approver(
        &self,
        approval: &Approval,
        task: &Task,
        approver: &str,
    ) -> Result<(), GatewayError> {
        if !self.config.users.contains_key(approver) {
            return Err(GatewayError::Refused(format!(
                "`{approver}` is not a user in writ.toml, so cannot approve"
            )));
        }
        if approver == task.user && self.config.approvals.two_person.contains(&approval.tier) {
            return Err(GatewayError::Refused(format!(
                "two-person rule: `{approver}` delegated this task and may not approve its {} calls; another user must",
                approval.tier
            )));
        }
        let ops: Vec<Operation> =
            serde_json::from_value(approval.summary["operations"].clone()).unwrap_or_default();
        let tiers = self.config.user_tiers(approver);
        let facts = TaskFacts {
            active: true,
            id: task.id.clone(),
            user: task.user.clone(),
            purpose: task.purpose.clone(),
        };
        for op in &ops {
            let query = Query {
                operation: op,
                task: &facts,
                in_scope: in_scope(task, op),
                granted: false,
                enforcement_point: "cli",
            };
            let as_user = self.pack.evaluate(
                &writ_policy::Principal::User {
                    name: approver,
                    tiers: &tiers,
                },
                &query,
            );
            if !as_user.allowed {
                return Err(GatewayError::Refused(format!(
                    "`{approver}` may not do {} on `{}` themselves, so cannot approve it",
                    op.tier, op.resource.name
                )));
            }
        }
        Ok(())
    }
}

/// Reads the user's tool table, if there is one; an invalid table stops
/// writ from loading rather than being ignored.
fn load_tools(path: &Path) -> Result<Option<Arc<writ_classify::table::ToolTable>>, GatewayError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(GatewayError::Config(format!(
                "cannot read `{}`: {e}",
                path.display()
            )));
        }
    };
    writ_classify::table::parse(&text)
        .map(|t| Some(Arc::new(t)))
        .map_err(|e| {
            GatewayError::Config(format!(
                "`{}`: {}; see the shipped table's header for the fields",
                path.display(),
                e.to_string()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
        })
}

/// How long an approval's grant lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantLife {
    /// One identical retry.
    Once,
    /// Identical retries for this many milliseconds.
    For(i64),
    /// Identical retries until the task ends.
    Task,
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// The folders a task's writes may land in: its local repositories and the
/// fixed prefix of each path pattern.
pub fn task_roots(task: &Task) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = task
        .scope
        .repos
        .iter()
        .filter(|r| r.starts_with('/'))
        .map(PathBuf::from)
        .collect();
    for p in &task.scope.paths {
        let prefix: String = p
            .chars()
            .take_while(|c| !matches!(c, '*' | '?' | '[' | '{'))
            .collect();
        let prefix = prefix.trim_end_matches('/');
        if !prefix.is_empty() {
            roots.push(PathBuf::from(prefix));
        }
    }
    roots
}

/// A program run (a build, a test, a local git change) is inside the scope
/// when it runs inside the task's folders.
fn runs_in_workspace(task: &Task, op: &Operation, cwd: &Path) -> bool {
    let local = match op.resource.kind {
        ResourceKind::Program => true,
        ResourceKind::GitRef => op.resource.branch.is_none(),
        _ => false,
    };
    // A local git change happens in the repository it names, wherever the
    // shell stood (`git -C ../other commit`).
    let place = match (op.resource.kind, op.resource.repo.as_deref()) {
        (ResourceKind::GitRef, Some(repo)) => Path::new(repo),
        (ResourceKind::GitRef, None) => return false,
        _ => cwd,
    };
    local && op.tier == Tier::Write && task_roots(task).iter().any(|root| place.starts_with(root))
}

/// Whether an operation's resource lies inside the task's scope.
pub fn in_scope(task: &Task, op: &Operation) -> bool {
    let scope = &task.scope;
    let r = &op.resource;
    match r.kind {
        ResourceKind::File => r.path.as_deref().is_some_and(|p| {
            let path = Path::new(p);
            task.scope
                .repos
                .iter()
                .any(|repo| repo.starts_with('/') && path.starts_with(repo))
                || Globs::new(&scope.paths).is_ok_and(|g| g.matches(p))
                || task_roots(task).iter().any(|root| {
                    path.starts_with(root)
                        && scope.paths.iter().any(|pat| {
                            pat.ends_with("**") || pat.ends_with('/') || !pat.contains('*')
                        })
                })
        }),
        ResourceKind::GitRef => {
            let branch_ok = r
                .branch
                .as_deref()
                .is_some_and(|b| Globs::new(&scope.branches).is_ok_and(|g| g.matches(b)));
            let repo_ok = scope.repos.is_empty()
                || r.repo
                    .as_deref()
                    .is_some_and(|url| scope.repos.iter().any(|repo| repo_matches(repo, url)));
            branch_ok && repo_ok
        }
        ResourceKind::Host => r
            .host
            .as_deref()
            .is_some_and(|h| Globs::new(&scope.hosts).is_ok_and(|g| g.matches(h))),
        _ => false,
    }
}

/// A task repo (local path or `owner/name`) against a remote URL or path.
fn repo_matches(repo: &str, url: &str) -> bool {
    if repo.starts_with('/') {
        // A local repository's scope is the remotes it pushes to.
        return writ_classify::Repo::discover(Path::new(repo))
            .is_some_and(|r| r.remote_urls().iter().any(|u| u == url));
    }
    let url = url.trim_end_matches('/').trim_end_matches(".git");
    url == repo || url.ends_with(&format!("/{repo}")) || url.ends_with(&format!(":{repo}"))
}

/// A copy of a tool input with values that look like secrets replaced.
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = k.to_ascii_lowercase();
                    let secret_key = [
                        "token",
                        "secret",
                        "password",
                        "passwd",
                        "api_key",
                        "apikey",
                        "authorization",
                        "private_key",
                        "credential",
                    ]
                    .iter()
                    .any(|s| key.contains(s));
                    if secret_key && v.is_string() {
                        (k.clone(), Value::String("[redacted]".into()))
                    } else if key == "content" || key == "new_string" || key == "old_string" {
                        (
                            k.clone(),
                            Value::String(format!("[{} bytes]", v.as_str().map_or(0, str::len))),
                        )
                    } else {
                        (k.clone(), redact(v))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        Value::String(s) => Value::String(redact_text(s)),
        other => other.clone(),
    }
}

/// A URL with `user:password@` in it, with that part replaced.
fn without_userinfo(word: &str) -> Option<String> {
    let (scheme, rest) = word.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    Some(format!("{scheme}://[redacted]@{}", &rest[at + 1..]))
}

/// Replaces token-shaped words in free text (GitHub, AWS, Slack, OpenAI,
/// Anthropic, npm token prefixes, and `Bearer …`).
pub fn redact_text(s: &str) -> String {
    const PREFIXES: &[&str] = &[
        "ghp_",
        "gho_",
        "ghs_",
        "ghu_",
        "github_pat_",
        "AKIA",
        "ASIA",
        "xoxb-",
        "xoxp-",
        "sk-",
        "npm_",
        "glpat-",
        "AIza",
    ];
    let mut out = String::with_capacity(s.len());
    let mut redact_next = false;
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '-');
        let tokenish = PREFIXES
            .iter()
            .any(|p| bare.starts_with(p) && bare.len() >= p.len() + 12);
        let assigned = word.split_once('=').is_some_and(|(k, v)| {
            let k = k.to_ascii_lowercase();
            v.len() >= 8
                && ["token", "secret", "password", "key"]
                    .iter()
                    .any(|s| k.contains(s))
        });
        if let Some(clean) = without_userinfo(word) {
            out.push_str(&clean);
        } else if tokenish || redact_next {
            out.push_str("[redacted]");
        } else if assigned {
            let (k, _) = word.split_once('=').unwrap_or((word, ""));
            out.push_str(k);
            out.push_str("=[redacted]");
        } else {
            out.push_str(word);
        }
        redact_next = word.eq_ignore_ascii_case("bearer");
    }
    out
}
