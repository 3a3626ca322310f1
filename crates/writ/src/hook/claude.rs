//! Claude Code's hook dialect (`writ hook claude`). `PreToolUse` and
//! `PermissionRequest` are decided; `PostToolUse` and `PostToolUseFailure`
//! are recorded as outcomes, `SessionStart` and `SessionEnd` as session
//! events. An allow is `{}`, so Claude Code's own permission checks still
//! apply. A deny is `hookSpecificOutput.permissionDecision: "deny"` with the
//! reason on stderr too and exit 2; `PermissionRequest`, which does not
//! honour exit 2, gets `decision.behavior: "deny"` and exit 0.
//!
//! Codex speaks the same wire format, so `codex.rs` reuses the pieces here.

use std::path::PathBuf;

use serde_json::{Value, json};
use writ_gateway::Outcome;

use super::{Answer, Call, Dialect, Event, Refusal, error_summary, field, text};

/// Claude Code.
#[derive(Debug)]
pub struct Claude;

/// Events Claude Code sends that writ neither decides nor records.
const IGNORED: &[&str] = &[
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "PostToolBatch",
    "MessageDisplay",
    "Notification",
    "PreCompact",
    "PostCompact",
    "SubagentStart",
    "StopFailure",
];

impl Dialect for Claude {
    fn name(&self) -> &'static str {
        "claude"
    }

    fn agent(&self) -> &'static str {
        "claude-code"
    }

    fn pre_call_event(&self) -> &'static str {
        "PreToolUse"
    }

    fn parse(&self, input: &Value) -> Result<Event, Refusal> {
        let event = text(input, "hook_event_name").to_string();
        match event.as_str() {
            "PreToolUse" | "PermissionRequest" => pre_call(event, input),
            "PostToolUse" | "PostToolUseFailure" => Ok(outcome(event, input)),
            "SessionStart" | "SessionEnd" => Ok(session(event, input)),
            e if IGNORED.contains(&e) => Ok(Event::Ignore { event }),
            _ => unknown(event, input),
        }
    }

    fn allow(&self, _event: &str) -> Answer {
        Answer::json(json!({}))
    }

    fn deny(&self, event: &str, reason: &str) -> Answer {
        deny(event, reason)
    }

    fn quiet(&self, _event: &str) -> Answer {
        Answer::json(json!({}))
    }
}

/// A tool call in Claude Code's shape: `tool_name`, `tool_input`, `cwd`,
/// `tool_use_id`, `session_id`.
pub(super) fn call(input: &Value) -> Result<Call, String> {
    let tool_name = field(input, "tool_name").ok_or("hook input has no `tool_name`")?;
    let cwd = field(input, "cwd").ok_or("hook input has no `cwd`")?;
    Ok(Call {
        tool_name,
        tool_input: input.get("tool_input").cloned().unwrap_or(json!({})),
        cwd: PathBuf::from(cwd),
        call_id: field(input, "tool_use_id"),
        session_id: field(input, "session_id"),
    })
}

pub(super) fn pre_call(event: String, input: &Value) -> Result<Event, Refusal> {
    match call(input) {
        Ok(call) => Ok(Event::PreCall { event, call }),
        Err(reason) => Err(Refusal::new(&event, reason)),
    }
}

/// How a call ended. A post event writ cannot read is not recorded.
pub(super) fn outcome(event: String, input: &Value) -> Event {
    let Ok(call) = call(input) else {
        return Event::Ignore { event };
    };
    let status = match (event.as_str(), input["is_interrupt"].as_bool()) {
        ("PostToolUseFailure", Some(true)) => "interrupted",
        ("PostToolUseFailure", _) => "failure",
        _ => "success",
    };
    let detail = json!({
        "duration_ms": input["duration_ms"],
        "error": input["error"].as_str().map(error_summary),
    });
    Event::Outcome {
        event,
        call,
        outcome: Outcome {
            status: status.into(),
            detail,
        },
    }
}

pub(super) fn session(event: String, input: &Value) -> Event {
    let detail = json!({ "event": event, "session": input["session_id"], "source": input["source"], "reason": input["reason"] });
    Event::Session { event, detail }
}

/// An event writ does not know: refused if it carries a tool call.
pub(super) fn unknown(event: String, input: &Value) -> Result<Event, Refusal> {
    if input.get("tool_name").is_some() {
        return Err(Refusal::new(
            "PreToolUse",
            format!("unknown hook event `{event}` with a tool call; denied"),
        ));
    }
    Ok(Event::Ignore { event })
}

/// A deny in the event's own shape, the reason on stderr too.
pub(super) fn deny(event: &str, reason: &str) -> Answer {
    if event == "PermissionRequest" {
        // PermissionRequest does not honour exit 2: the JSON alone decides.
        let answer = json!({"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior": "deny", "message": reason}}});
        return Answer::refusal(answer, reason, 0);
    }
    // Exit 2 blocks even where the JSON were ignored.
    let answer = json!({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}});
    Answer::refusal(answer, reason, 2)
}
