//! `writ hook <agent>`: the one path every agent's hook takes. A dialect
//! reads the agent's event (a call about to run, a call that ended, a
//! session event, or nothing for writ) and renders writ's answer in the
//! agent's own fields and exit codes; this module reads the event, decides
//! through the daemon when one answers (else in this process), holds a call
//! for its approval when configured, and records outcomes and sessions.
//!
//! It always prints a valid answer. Unreadable input and any internal error
//! on a call about to run become a deny in the agent's dialect, never an
//! allow. Policy lives in the gateway; nothing here decides.

mod claude;
mod codex;
mod cursor;
mod gemini;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use writ_core::{Decision, Verdict};
use writ_gateway::socket::{self, Request, Response};
use writ_gateway::{Invocation, Outcome};

use crate::cli::{open_engine, read_stdin_json, writ_home};

/// Largest hook payload read; a larger one is refused.
pub const MAX_INPUT: usize = 4 * 1024 * 1024;

/// The timeout `writ install` gives the hook in Codex, Cursor and Gemini
/// CLI. Where the host lets a call through when a hook times out, a held
/// call stops waiting for its approval well before this.
pub const HOST_TIMEOUT: Duration = Duration::from_secs(60);

/// Longest reason handed to an agent.
const MAX_REASON: usize = 4000;

/// The dialects `writ hook` speaks.
pub const DIALECTS: &[&str] = &["claude", "codex", "cursor", "gemini"];

/// What one hook event asks of writ.
#[derive(Debug)]
pub enum Event {
    /// A tool call about to run: decide it. `event` shapes the answer.
    PreCall { event: String, call: Call },
    /// A call that ended: record how.
    Outcome {
        event: String,
        call: Call,
        outcome: Outcome,
    },
    /// A session began or ended: `detail` goes to the audit trail.
    Session { event: String, detail: Value },
    /// Nothing for writ to decide or record.
    Ignore { event: String },
}

/// A tool call as a dialect read it, before writ adds the agent, the
/// enforcement point and the task.
#[derive(Debug)]
pub struct Call {
    /// The tool's name, in the vocabulary writ's classifier reads.
    pub tool_name: String,
    /// The tool's input (never file contents a host passes along).
    pub tool_input: Value,
    /// Where the call runs.
    pub cwd: PathBuf,
    /// The agent's id for the call, to join its outcome.
    pub call_id: Option<String>,
    /// The agent's session.
    pub session_id: Option<String>,
}

/// A call about to run that writ cannot read: refused in `event`'s shape.
#[derive(Debug)]
pub struct Refusal {
    /// The agent's event name.
    pub event: String,
    /// Why, without the `writ: ` prefix.
    pub reason: String,
}

impl Refusal {
    fn new(event: &str, reason: impl Into<String>) -> Refusal {
        Refusal {
            event: event.to_string(),
            reason: reason.into(),
        }
    }
}

/// What writ prints for one event.
#[derive(Debug)]
pub struct Answer {
    /// One JSON value on stdout.
    pub stdout: Value,
    /// A line on stderr, which some hosts read as the reason.
    pub stderr: Option<String>,
    /// The exit code.
    pub code: u8,
}

impl Answer {
    /// A JSON answer with exit code 0 and nothing on stderr.
    fn json(stdout: Value) -> Answer {
        Answer {
            stdout,
            stderr: None,
            code: 0,
        }
    }

    /// A deny: the JSON, the reason on stderr too, and `code`.
    fn refusal(stdout: Value, reason: &str, code: u8) -> Answer {
        Answer {
            stdout,
            stderr: Some(reason.to_string()),
            code,
        }
    }

    /// Prints the answer. A reader that went away changes nothing: the
    /// exit code still carries a deny.
    fn emit(self) -> ExitCode {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", self.stdout).and_then(|()| out.flush());
        if let Some(line) = &self.stderr {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
        ExitCode::from(self.code)
    }
}

/// An agent's hook dialect: how its events read and how it is answered.
pub trait Dialect {
    /// The name in `writ hook <name>`.
    fn name(&self) -> &'static str;
    /// The agent it speaks for, as `writ.toml` names it.
    fn agent(&self) -> &'static str;
    /// The event whose shape a refusal of unreadable input takes.
    fn pre_call_event(&self) -> &'static str;
    /// Reads one event.
    fn parse(&self, input: &Value) -> Result<Event, Refusal>;
    /// The answer that lets a decided call through without loosening the
    /// agent's own checks.
    fn allow(&self, event: &str) -> Answer;
    /// A deny of a call about to run.
    fn deny(&self, event: &str, reason: &str) -> Answer;
    /// The answer to an event writ only records or ignores.
    fn quiet(&self, event: &str) -> Answer;
    /// The longest a held call may wait for its approval, where the host
    /// would let the call through once the hook times out.
    fn wait_cap(&self) -> Option<Duration> {
        None
    }
}

fn dialect(name: &str) -> Option<&'static dyn Dialect> {
    match name {
        "claude" => Some(&claude::Claude),
        "codex" => Some(&codex::Codex),
        "cursor" => Some(&cursor::Cursor),
        "gemini" => Some(&gemini::Gemini),
        _ => None,
    }
}

/// Runs the hook for an agent dialect.
pub fn run(name: &str) -> ExitCode {
    let Some(dialect) = dialect(name) else {
        // The agent is unknown, so its shape is too: Claude Code's it is.
        let reason = format!(
            "writ: unknown agent dialect `{name}`; supported: {}",
            DIALECTS.join(", ")
        );
        return refuse(&claude::Claude, "PreToolUse", &reason).emit();
    };
    respond(dialect).emit()
}

fn respond(dialect: &dyn Dialect) -> Answer {
    let input = match read_stdin_json(MAX_INPUT) {
        Ok(v) => v,
        Err(e) => {
            let event = dialect.pre_call_event();
            return refuse(dialect, event, &format!("writ: bad hook input: {e}"));
        }
    };
    match dialect.parse(&input) {
        Err(refusal) => refuse(
            dialect,
            &refusal.event,
            &format!("writ: {}", refusal.reason),
        ),
        Ok(Event::PreCall { event, call }) => pre_call(dialect, &event, &invocation(dialect, call)),
        Ok(Event::Outcome {
            event,
            call,
            outcome,
        }) => {
            record_outcome(&invocation(dialect, call), &outcome);
            dialect.quiet(&event)
        }
        Ok(Event::Session { event, detail }) => {
            record_session(dialect, detail);
            dialect.quiet(&event)
        }
        Ok(Event::Ignore { event }) => dialect.quiet(&event),
    }
}

/// A deny in the dialect's shape, the reason cut to a length any host takes.
fn refuse(dialect: &dyn Dialect, event: &str, reason: &str) -> Answer {
    let reason: String = reason.chars().take(MAX_REASON).collect();
    dialect.deny(event, &reason)
}

fn invocation(dialect: &dyn Dialect, call: Call) -> Invocation {
    Invocation {
        enforcement_point: format!("hook:{}", dialect.name()),
        agent: dialect.agent().into(),
        task_id: std::env::var("WRIT_TASK").ok().filter(|t| !t.is_empty()),
        tool_name: call.tool_name,
        tool_input: call.tool_input,
        cwd: call.cwd,
        call_id: call.call_id,
        session_id: call.session_id,
    }
}

/// Decides through the daemon when one answers, else in this process.
fn decide(inv: &Invocation) -> Result<Decision, String> {
    let socket_path = writ_home().join("writ.sock");
    if socket_path.exists() {
        let request = Request::Decide {
            invocation: inv.clone(),
        };
        match socket::call(&socket_path, &request, Duration::from_secs(5)) {
            Ok(Response::Decision { decision }) => return Ok(decision),
            Ok(other) => eprintln!("writ: the daemon answered {other:?}; deciding in this process"),
            Err(e) => eprintln!("writ: the daemon did not answer ({e}); deciding in this process"),
        }
    }
    let engine = open_engine().map_err(|e| format!("{e:#}"))?;
    Ok(engine.decide(inv))
}

/// How long after writ allowed a call its `PermissionRequest` is taken to
/// be about that same call.
const PERMISSION_REQUEST_WINDOW_MS: i64 = 10 * 60 * 1000;

/// `PermissionRequest` fires only after `PreToolUse` let a call through
/// and the agent's own rules would ask. writ has decided (and recorded)
/// that exact call already; deciding again would spend a `--once` grant
/// twice and write a second record that no outcome can join. So when the
/// identical invocation was allowed moments ago, writ stays out of the way
/// and the agent's own rules decide.
fn allowed_moments_ago(inv: &Invocation) -> bool {
    let Ok(engine) = open_engine() else {
        return false;
    };
    let hash = writ_gateway::invocation_hash(inv);
    let now = writ_core::now_millis();
    engine.store.audit_tail(200).is_ok_and(|records| {
        records.iter().any(|r| {
            r.kind == "decision"
                && r.decision == Some(Verdict::Allow)
                && r.task_id == inv.task_id
                && now - r.time < PERMISSION_REQUEST_WINDOW_MS
                && r.detail["invocation"]["hash"].as_str() == Some(hash.as_str())
        })
    })
}

fn pre_call(dialect: &dyn Dialect, event: &str, inv: &Invocation) -> Answer {
    if event == "PermissionRequest" && allowed_moments_ago(inv) {
        return dialect.allow(event);
    }
    let mut decision = match decide(inv) {
        Ok(d) => d,
        Err(e) => {
            return refuse(
                dialect,
                event,
                &format!("writ could not decide ({e}); denied"),
            );
        }
    };
    if decision.decision == Verdict::Approval
        && let Some(d) = wait_for_approval(inv, &decision, dialect.wait_cap())
    {
        decision = d;
    }
    match decision.decision {
        Verdict::Allow => dialect.allow(event),
        Verdict::Deny => refuse(
            dialect,
            event,
            &format!("writ denied this call: {}", reasons(&decision)),
        ),
        Verdict::Approval => {
            let id = decision.approval_id.as_deref().unwrap_or("?");
            refuse(
                dialect,
                event,
                &format!(
                    "writ: this call needs approval ({}). Approval id {id}: a user can run `writ approve {id}`; the same call will then pass when retried.",
                    reasons(&decision)
                ),
            )
        }
    }
}

/// With `approval_wait` set, holds the call until it is answered or the
/// wait (capped by the host's own timeout) runs out, then decides again
/// (the grant, if any, is then used).
fn wait_for_approval(
    inv: &Invocation,
    decision: &Decision,
    cap: Option<Duration>,
) -> Option<Decision> {
    let id = decision.approval_id.as_ref()?;
    let engine = open_engine().ok()?;
    let wait = writ_core::parse_duration(&engine.config.defaults.approval_wait).ok()?;
    let wait = cap.map_or(wait, |cap| wait.min(cap));
    if wait.is_zero() {
        return None;
    }
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        match engine.store.approval(id).ok().flatten().map(|a| a.state) {
            Some(writ_core::ApprovalState::Pending) => continue,
            Some(_) => return Some(engine.decide(inv)),
            None => return None,
        }
    }
    None
}

fn reasons(decision: &Decision) -> String {
    if decision.reasons.is_empty() {
        return format!("{} tier", decision.tier);
    }
    decision.reasons.join("; ")
}

/// Records how a call ended, through the daemon when one answers.
fn record_outcome(inv: &Invocation, outcome: &Outcome) {
    let socket_path = writ_home().join("writ.sock");
    if socket_path.exists() {
        let request = Request::Outcome {
            invocation: inv.clone(),
            outcome: outcome.clone(),
        };
        if let Ok(Response::Ok) = socket::call(&socket_path, &request, Duration::from_secs(5)) {
            return;
        }
    }
    match open_engine() {
        Ok(engine) => {
            if let Err(e) = engine.record_outcome(inv, outcome) {
                eprintln!("writ: outcome not recorded: {e}");
            }
        }
        Err(e) => eprintln!("writ: outcome not recorded: {e:#}"),
    }
}

fn record_session(dialect: &dyn Dialect, detail: Value) {
    let Ok(engine) = open_engine() else { return };
    let record = writ_core::AuditRecord {
        seq: 0,
        time: writ_core::now_millis(),
        kind: "session".into(),
        user: None,
        agent: Some(dialect.agent().into()),
        task_id: std::env::var("WRIT_TASK").ok().filter(|t| !t.is_empty()),
        enforcement_point: format!("hook:{}", dialect.name()),
        call_id: None,
        decision: None,
        tier: None,
        detail,
        prev_hash: String::new(),
        hash: String::new(),
    };
    if let Err(e) = engine.store.append(record) {
        eprintln!("writ: session event not recorded: {e}");
    }
}

/// A string field of an event, or `""`.
fn text<'a>(input: &'a Value, key: &str) -> &'a str {
    input.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A string field of an event, if it is one.
fn field(input: &Value, key: &str) -> Option<String> {
    input.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A short, redacted account of an error text for an outcome record.
fn error_summary(error: &str) -> Value {
    json!(writ_gateway::redact_text(
        &error.chars().take(500).collect::<String>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(dialect: &str, input: Value) -> Event {
        let Some(d) = super::dialect(dialect) else {
            panic!("no dialect `{dialect}`")
        };
        match d.parse(&input) {
            Ok(event) => event,
            Err(r) => panic!("{dialect} refused {input}: {}", r.reason),
        }
    }

    fn pre_call(event: Event) -> Call {
        match event {
            Event::PreCall { call, .. } => call,
            other => panic!("not a call about to run: {other:?}"),
        }
    }

    #[test]
    fn every_dialect_denies_with_its_reason_and_a_blocking_exit() {
        for name in DIALECTS {
            let Some(d) = dialect(name) else {
                panic!("`{name}` is listed but not known")
            };
            let answer = refuse(d, d.pre_call_event(), "writ: no");
            assert_eq!(answer.code, 2, "{name}");
            assert_eq!(answer.stderr.as_deref(), Some("writ: no"), "{name}");
            assert!(answer.stdout.to_string().contains("writ: no"), "{name}");
        }
    }

    #[test]
    fn a_held_call_gives_up_before_a_host_that_fails_open_would() {
        for name in ["codex", "cursor", "gemini"] {
            let cap = dialect(name).and_then(|d| d.wait_cap());
            assert!(cap.is_some_and(|c| c < HOST_TIMEOUT), "{name}: {cap:?}");
        }
    }

    #[test]
    fn a_reason_is_cut_to_what_any_host_takes() {
        let long = "x".repeat(MAX_REASON * 2);
        let answer = refuse(&gemini::Gemini, "BeforeTool", &long);
        assert_eq!(answer.stderr.map(|s| s.len()), Some(MAX_REASON));
    }

    #[test]
    fn cursor_keeps_the_path_of_a_read_never_its_contents() {
        let call = pre_call(parse(
            "cursor",
            json!({"hook_event_name": "beforeReadFile", "file_path": "/p/.env",
                   "content": "TOKEN=x", "workspace_roots": ["/p"]}),
        ));
        assert_eq!(call.tool_name, "Read");
        assert_eq!(call.tool_input, json!({"file_path": "/p/.env"}));
        assert_eq!(call.cwd, PathBuf::from("/p"));
    }

    #[test]
    fn cursor_names_an_mcp_call_by_its_server() {
        let by_url = pre_call(parse(
            "cursor",
            json!({"hook_event_name": "beforeMCPExecution", "tool_name": "merge",
                   "tool_input": "{\"n\": 7}", "url": "https://mcp.example.com/x", "cwd": "/p"}),
        ));
        assert_eq!(by_url.tool_name, "mcp__mcp.example.com__merge");
        assert_eq!(by_url.tool_input, json!({"n": 7}));
        let by_command = pre_call(parse(
            "cursor",
            json!({"hook_event_name": "beforeMCPExecution", "tool_name": "q",
                   "tool_input": {"sql": "x"}, "command": "/usr/bin/pg__mcp --db x", "cwd": "/p"}),
        ));
        assert_eq!(by_command.tool_name, "mcp__pg_mcp__q");
    }

    #[test]
    fn gemini_moves_a_shell_call_into_its_folder_and_names_mcp_tools() {
        let shell = pre_call(parse(
            "gemini",
            json!({"hook_event_name": "BeforeTool", "cwd": "/p", "tool_name": "run_shell_command",
                   "tool_input": {"command": "ls", "dir_path": "src"}}),
        ));
        assert_eq!(shell.cwd, PathBuf::from("/p/src"));
        let mcp = pre_call(parse(
            "gemini",
            json!({"hook_event_name": "BeforeTool", "cwd": "/p", "tool_name": "mcp_gh_merge",
                   "tool_input": {}, "mcp_context": {"server_name": "gh", "tool_name": "merge"}}),
        ));
        assert_eq!(mcp.tool_name, "mcp__gh__merge");
    }

    #[test]
    fn outcomes_keep_no_output() {
        let Event::Outcome { outcome, .. } = parse(
            "cursor",
            json!({"hook_event_name": "afterShellExecution", "command": "cat .env",
                   "output": "TOKEN=x", "duration": 3, "cwd": "/p"}),
        ) else {
            panic!("not an outcome")
        };
        assert!(!outcome.detail.to_string().contains("TOKEN"));
        let Event::Outcome { outcome, .. } = parse(
            "gemini",
            json!({"hook_event_name": "AfterTool", "cwd": "/p", "tool_name": "read_file",
                   "tool_input": {"file_path": ".env"},
                   "tool_response": {"llmContent": "TOKEN=x", "error": {"message": "denied"}}}),
        ) else {
            panic!("not an outcome")
        };
        assert_eq!(outcome.status, "failure");
        assert!(!outcome.detail.to_string().contains("TOKEN"));
    }
}
