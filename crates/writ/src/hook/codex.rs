//! Codex's hook dialect (`writ hook codex`), which follows Claude Code's
//! wire format. `PreToolUse` and `PermissionRequest` are decided: shell
//! calls arrive as tool `Bash` with `command` as text or as an argv list,
//! edits as tool `apply_patch` with the patch text in `command`, MCP calls
//! as `mcp__<server>__<tool>`. `PostToolUse` is recorded as an outcome
//! (Codex sends none for a failed call) and `SessionStart` as a session
//! event.
//!
//! Codex honours only a deny on `PreToolUse`: an allow is `{}`, and a deny
//! is `hookSpecificOutput.permissionDecision: "deny"` with the reason on
//! stderr and exit 2 (Codex then reads the reason from stderr). A hook
//! that crashes or times out lets the call through, and Codex has no
//! setting that changes that, so a held call stops waiting for its
//! approval before the timeout `writ install codex` sets.

use std::time::Duration;

use serde_json::{Value, json};

use super::claude;
use super::{Answer, Dialect, Event, HOST_TIMEOUT, Refusal, text};

/// OpenAI Codex CLI.
#[derive(Debug)]
pub struct Codex;

/// Events Codex sends that writ neither decides nor records.
const IGNORED: &[&str] = &[
    "UserPromptSubmit",
    "Stop",
    "StopFailure",
    "PreCompact",
    "PostCompact",
    "SubagentStart",
    "SubagentStop",
    "Interrupt",
];

impl Dialect for Codex {
    fn name(&self) -> &'static str {
        "codex"
    }

    fn agent(&self) -> &'static str {
        "codex"
    }

    fn pre_call_event(&self) -> &'static str {
        "PreToolUse"
    }

    fn parse(&self, input: &Value) -> Result<Event, Refusal> {
        let event = text(input, "hook_event_name").to_string();
        match event.as_str() {
            "PreToolUse" | "PermissionRequest" => claude::pre_call(event, input),
            "PostToolUse" => Ok(claude::outcome(event, input)),
            "SessionStart" | "SessionEnd" => Ok(claude::session(event, input)),
            e if IGNORED.contains(&e) => Ok(Event::Ignore { event }),
            _ => claude::unknown(event, input),
        }
    }

    fn allow(&self, _event: &str) -> Answer {
        Answer::json(json!({}))
    }

    fn deny(&self, event: &str, reason: &str) -> Answer {
        claude::deny(event, reason)
    }

    fn quiet(&self, _event: &str) -> Answer {
        Answer::json(json!({}))
    }

    fn wait_cap(&self) -> Option<Duration> {
        Some(HOST_TIMEOUT.saturating_sub(Duration::from_secs(10)))
    }
}
