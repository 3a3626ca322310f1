//! Gemini CLI's hook dialect (`writ hook gemini`). `BeforeTool` is decided
//! by Gemini CLI's own tool names (`run_shell_command`, `read_file`,
//! `write_file`, `replace`, `read_many_files`, `web_fetch`, …); an MCP
//! tool, which `mcp_context` marks, is named `mcp__<server>__<tool>` as
//! writ names MCP tools. A shell call's `dir_path` (older: `directory`)
//! moves the call's working folder. `AfterTool` is recorded as an outcome,
//! `SessionStart` and `SessionEnd` as session events.
//!
//! An allow is `{}`, so Gemini CLI's own policy engine still applies. A
//! deny is `{"decision": "deny", "reason": …}`, the reason on stderr too,
//! and exit 2, which Gemini CLI also reads as a block. A hook that times
//! out or exits 1 lets the call through, and Gemini CLI has no setting that
//! changes that, so a held call stops waiting for its approval before the
//! timeout `writ install gemini` sets.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use writ_gateway::Outcome;

use super::{Answer, Call, Dialect, Event, HOST_TIMEOUT, Refusal, error_summary, field, text};

/// Google's Gemini CLI.
#[derive(Debug)]
pub struct Gemini;

/// Events Gemini CLI sends that writ neither decides nor records.
const IGNORED: &[&str] = &[
    "BeforeAgent",
    "AfterAgent",
    "BeforeModel",
    "AfterModel",
    "BeforeToolSelection",
    "Notification",
    "PreCompress",
];

impl Dialect for Gemini {
    fn name(&self) -> &'static str {
        "gemini"
    }

    fn agent(&self) -> &'static str {
        "gemini"
    }

    fn pre_call_event(&self) -> &'static str {
        "BeforeTool"
    }

    fn parse(&self, input: &Value) -> Result<Event, Refusal> {
        let event = text(input, "hook_event_name").to_string();
        match event.as_str() {
            "BeforeTool" => match call(input) {
                Ok(call) => Ok(Event::PreCall { event, call }),
                Err(reason) => Err(Refusal::new(&event, reason)),
            },
            "AfterTool" => Ok(outcome(event, input)),
            "SessionStart" | "SessionEnd" => {
                let detail = json!({ "event": event, "session": input["session_id"], "source": input["source"], "reason": input["reason"] });
                Ok(Event::Session { event, detail })
            }
            e if IGNORED.contains(&e) => Ok(Event::Ignore { event }),
            _ if input.get("tool_name").is_some() => Err(Refusal::new(
                "BeforeTool",
                format!("unknown hook event `{event}` with a tool call; denied"),
            )),
            _ => Ok(Event::Ignore { event }),
        }
    }

    fn allow(&self, _event: &str) -> Answer {
        Answer::json(json!({}))
    }

    fn deny(&self, _event: &str, reason: &str) -> Answer {
        Answer::refusal(json!({ "decision": "deny", "reason": reason }), reason, 2)
    }

    fn quiet(&self, _event: &str) -> Answer {
        Answer::json(json!({}))
    }

    fn wait_cap(&self) -> Option<Duration> {
        Some(HOST_TIMEOUT.saturating_sub(Duration::from_secs(10)))
    }
}

fn call(input: &Value) -> Result<Call, String> {
    let tool = field(input, "tool_name").ok_or("hook input has no `tool_name`")?;
    let cwd = field(input, "cwd").ok_or("hook input has no `cwd`")?;
    let tool_input = input.get("tool_input").cloned().unwrap_or(json!({}));
    let tool_name = match input.get("mcp_context") {
        Some(mcp) if mcp.is_object() => {
            let server = text(mcp, "server_name").replace("__", "_");
            let name = mcp
                .get("tool_name")
                .and_then(Value::as_str)
                .unwrap_or(&tool);
            format!("mcp__{server}__{name}")
        }
        _ => tool,
    };
    let mut cwd = PathBuf::from(cwd);
    if tool_name == "run_shell_command" {
        // The shell runs in this folder, relative to the project's.
        let folder = tool_input.get("dir_path").or(tool_input.get("directory"));
        if let Some(folder) = folder.and_then(Value::as_str) {
            cwd = cwd.join(folder);
        }
    }
    Ok(Call {
        tool_name,
        tool_input,
        cwd,
        call_id: None,
        session_id: field(input, "session_id"),
    })
}

/// How a call ended: a failure when `tool_response.error` is set. An after
/// event writ cannot read is not recorded.
fn outcome(event: String, input: &Value) -> Event {
    let Ok(call) = call(input) else {
        return Event::Ignore { event };
    };
    let error = match &input["tool_response"]["error"] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(
            other["message"]
                .as_str()
                .map_or_else(|| other.to_string(), str::to_string),
        ),
    };
    let detail = json!({ "error": error.as_deref().map(error_summary) });
    Event::Outcome {
        event,
        call,
        outcome: Outcome {
            status: if error.is_some() {
                "failure"
            } else {
                "success"
            }
            .into(),
            detail,
        },
    }
}
