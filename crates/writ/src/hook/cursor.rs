//! Cursor's hook dialect (`writ hook cursor`, Cursor 2.x, snake_case
//! fields). Decided: `beforeShellExecution` (`command`, `cwd`) as tool
//! `Shell`, `beforeMCPExecution` (`tool_name`, `tool_input`, and the
//! server's `url` or `command`) as `mcp__<server>__<tool>`, and
//! `beforeReadFile` (`file_path`) as tool `Read`; the file contents Cursor
//! sends along are never kept. The generic `preToolUse` is decided by its
//! own `tool_name` when a user wires it. `afterShellExecution`,
//! `afterMCPExecution` and `afterFileEdit` are recorded as outcomes (never
//! the output or the edit itself), `sessionStart` and `sessionEnd` as
//! session events.
//!
//! Every answer to a permission event carries `permission`: `allow`, or
//! `deny` with `user_message` and `agent_message`, the reason on stderr and
//! exit 2, which Cursor also reads as a deny. An approval is a deny naming
//! the approval id rather than Cursor's own `ask`, which would let a click
//! in the editor stand in for a writ approval. With `failClosed: true`
//! (what `writ install cursor` sets) a crash or timeout blocks the call.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use writ_gateway::Outcome;

use super::{Answer, Call, Dialect, Event, HOST_TIMEOUT, Refusal, error_summary, field, text};

/// Cursor (the editor's agent and `cursor-agent`).
#[derive(Debug)]
pub struct Cursor;

impl Dialect for Cursor {
    fn name(&self) -> &'static str {
        "cursor"
    }

    fn agent(&self) -> &'static str {
        "cursor"
    }

    fn pre_call_event(&self) -> &'static str {
        "beforeShellExecution"
    }

    fn parse(&self, input: &Value) -> Result<Event, Refusal> {
        let event = text(input, "hook_event_name").to_string();
        let pre = |call: Result<Call, String>| match call {
            Ok(call) => Ok(Event::PreCall {
                event: event.clone(),
                call,
            }),
            Err(reason) => Err(Refusal::new(&event, reason)),
        };
        match event.as_str() {
            "beforeShellExecution" => pre(shell(input)),
            "beforeMCPExecution" => pre(mcp(input)),
            "beforeReadFile" | "beforeTabFileRead" => pre(read(input)),
            "preToolUse" => pre(generic(input)),
            "afterShellExecution" => Ok(outcome(event.clone(), shell(input), input)),
            "afterMCPExecution" => Ok(outcome(event.clone(), mcp(input), input)),
            "afterFileEdit" | "afterTabFileEdit" => Ok(outcome(event.clone(), edit(input), input)),
            "postToolUse" | "postToolUseFailure" => {
                Ok(outcome(event.clone(), generic(input), input))
            }
            "sessionStart" | "sessionEnd" => Ok(session(event.clone(), input)),
            e if IGNORED.contains(&e) => Ok(Event::Ignore { event }),
            e if may_hold_a_call(e, input) => Err(Refusal::new(
                &event,
                format!("unknown hook event `{event}` that may hold a call; denied"),
            )),
            _ => Ok(Event::Ignore { event }),
        }
    }

    fn allow(&self, _event: &str) -> Answer {
        Answer::json(json!({ "permission": "allow" }))
    }

    fn deny(&self, _event: &str, reason: &str) -> Answer {
        let answer =
            json!({ "permission": "deny", "user_message": reason, "agent_message": reason });
        Answer::refusal(answer, reason, 2)
    }

    fn quiet(&self, event: &str) -> Answer {
        if event == "beforeSubmitPrompt" {
            return Answer::json(json!({ "continue": true }));
        }
        Answer::json(json!({}))
    }

    fn wait_cap(&self) -> Option<Duration> {
        // Cursor blocks on a timeout, but a deny that names the approval
        // tells the user more than a timeout does.
        Some(HOST_TIMEOUT.saturating_sub(Duration::from_secs(10)))
    }
}

/// Events Cursor sends that writ neither decides nor records.
const IGNORED: &[&str] = &[
    "beforeSubmitPrompt",
    "stop",
    "afterAgentResponse",
    "afterAgentThought",
    "preCompact",
    "subagentStart",
    "subagentStop",
];

/// Whether an event writ does not know may be holding a call for an
/// answer: a `before…` or `pre…` event, or one that names a call and does
/// not report on one that already ran.
fn may_hold_a_call(event: &str, input: &Value) -> bool {
    let names_a_call = ["tool_name", "command", "file_path"]
        .iter()
        .any(|k| input.get(*k).is_some());
    let reports = event.starts_with("after") || event.starts_with("post");
    event.starts_with("before") || event.starts_with("pre") || (names_a_call && !reports)
}

/// The folder a call runs in: its `cwd`, else the first workspace root.
fn cwd(input: &Value) -> Result<PathBuf, String> {
    let roots = input.get("workspace_roots").and_then(Value::as_array);
    let first_root = roots.and_then(|r| r.first()).and_then(Value::as_str);
    match field(input, "cwd").filter(|c| !c.is_empty()) {
        Some(cwd) => Ok(PathBuf::from(cwd)),
        None => first_root
            .map(PathBuf::from)
            .ok_or_else(|| "hook input has no `cwd` and no `workspace_roots`".to_string()),
    }
}

fn call(tool_name: String, tool_input: Value, input: &Value) -> Result<Call, String> {
    Ok(Call {
        tool_name,
        tool_input,
        cwd: cwd(input)?,
        call_id: field(input, "tool_use_id"),
        session_id: field(input, "conversation_id"),
    })
}

fn shell(input: &Value) -> Result<Call, String> {
    let command = field(input, "command").ok_or("hook input has no `command`")?;
    call("Shell".into(), json!({ "command": command }), input)
}

fn read(input: &Value) -> Result<Call, String> {
    let path = field(input, "file_path").ok_or("hook input has no `file_path`")?;
    call("Read".into(), json!({ "file_path": path }), input)
}

fn edit(input: &Value) -> Result<Call, String> {
    let path = field(input, "file_path").ok_or("hook input has no `file_path`")?;
    call("Edit".into(), json!({ "file_path": path }), input)
}

/// An MCP call, named `mcp__<server>__<tool>` as writ names MCP tools.
fn mcp(input: &Value) -> Result<Call, String> {
    let tool = field(input, "tool_name").ok_or("hook input has no `tool_name`")?;
    let name = format!("mcp__{}__{tool}", server(input));
    call(name, arguments(input), input)
}

/// A `preToolUse` call, by the tool name Cursor gives it.
fn generic(input: &Value) -> Result<Call, String> {
    let tool = field(input, "tool_name").ok_or("hook input has no `tool_name`")?;
    call(tool, arguments(input), input)
}

/// `tool_input`, which several Cursor versions send as a JSON string.
fn arguments(input: &Value) -> Value {
    match input.get("tool_input") {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_else(|_| json!(s)),
        Some(v) => v.clone(),
        None => json!({}),
    }
}

/// Which MCP server a call goes to. Cursor names it only by how it is
/// reached: the host of its `url`, else the program its `command` runs.
fn server(input: &Value) -> String {
    let named = field(input, "server_name").or_else(|| field(input, "server"));
    let by_url = || field(input, "url").and_then(|u| writ_classify::host_of(&u));
    let by_command = || {
        field(input, "command").and_then(|c| {
            let program = c.split_whitespace().next()?;
            Some(program.rsplit('/').next().unwrap_or(program).to_string())
        })
    };
    let label = named
        .or_else(by_url)
        .or_else(by_command)
        .unwrap_or_else(|| "unknown".into());
    // `__` separates the server from the tool in writ's naming.
    label.replace("__", "_")
}

/// How a call ended. An after event writ cannot read is not recorded.
fn outcome(event: String, call: Result<Call, String>, input: &Value) -> Event {
    let Ok(call) = call else {
        return Event::Ignore { event };
    };
    let failed = event == "postToolUseFailure";
    let mut detail = json!({ "duration_ms": input["duration"] });
    if let Some(edits) = input.get("edits").and_then(Value::as_array) {
        detail["edits"] = json!(edits.len());
    }
    if let Some(error) = input.get("error_message").and_then(Value::as_str) {
        detail["error"] = error_summary(error);
    }
    Event::Outcome {
        event,
        call,
        outcome: Outcome {
            status: if failed { "failure" } else { "success" }.into(),
            detail,
        },
    }
}

fn session(event: String, input: &Value) -> Event {
    let detail = json!({
        "event": event,
        "session": input["conversation_id"],
        "source": input["source"],
        "reason": input["reason"],
    });
    Event::Session { event, detail }
}
