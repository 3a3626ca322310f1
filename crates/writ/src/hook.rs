//! `writ hook claude`: Claude Code's hook dialect. It always prints a valid
//! answer; any internal error on a tool event becomes a deny (exit 2, with
//! the same reason as JSON and on stderr), never an allow.

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

/// Runs the hook for an agent dialect.
pub fn run(agent: &str) -> ExitCode {
    if agent != "claude" {
        return refuse_pre(
            "PreToolUse",
            &format!("writ: unknown agent dialect `{agent}`; supported: claude"),
        );
    }
    let input = match read_stdin_json(MAX_INPUT) {
        Ok(v) => v,
        Err(e) => return refuse_pre("PreToolUse", &format!("writ: bad hook input: {e}")),
    };
    let event = input["hook_event_name"].as_str().unwrap_or("").to_string();
    match event.as_str() {
        "PreToolUse" | "PermissionRequest" => pre_tool(&event, &input),
        "PostToolUse" | "PostToolUseFailure" => {
            post_tool(&event, &input);
            quiet()
        }
        "SessionStart" | "SessionEnd" => {
            session(&event, &input);
            quiet()
        }
        "UserPromptSubmit" | "Stop" | "SubagentStop" | "PostToolBatch" | "MessageDisplay"
        | "Notification" | "PreCompact" | "PostCompact" | "SubagentStart" | "StopFailure" => {
            quiet()
        }
        _ if input.get("tool_name").is_some() => refuse_pre(
            "PreToolUse",
            &format!("writ: unknown hook event `{event}` with a tool call; denied"),
        ),
        _ => quiet(),
    }
}

fn quiet() -> ExitCode {
    println!("{{}}");
    ExitCode::SUCCESS
}

fn invocation(input: &Value) -> Result<Invocation, String> {
    let tool_name = input["tool_name"]
        .as_str()
        .ok_or("hook input has no `tool_name`")?;
    let cwd = input["cwd"].as_str().ok_or("hook input has no `cwd`")?;
    Ok(Invocation {
        enforcement_point: "hook:claude".into(),
        agent: "claude-code".into(),
        task_id: std::env::var("WRIT_TASK").ok().filter(|t| !t.is_empty()),
        tool_name: tool_name.to_string(),
        tool_input: input.get("tool_input").cloned().unwrap_or(json!({})),
        cwd: PathBuf::from(cwd),
        call_id: input["tool_use_id"].as_str().map(str::to_string),
        session_id: input["session_id"].as_str().map(str::to_string),
    })
}

/// Decides through the daemon when one answers, else in this process.
fn decide(inv: &Invocation) -> Result<Decision, String> {
    let socket_path = writ_home().join("writ.sock");
    if socket_path.exists() {
        let request = Request::Decide {
            invocation: inv.clone(),
        };
        if let Ok(Response::Decision { decision }) =
            socket::call(&socket_path, &request, Duration::from_secs(5))
        {
            return Ok(decision);
        }
    }
    let engine = open_engine().map_err(|e| format!("{e:#}"))?;
    Ok(engine.decide(inv))
}

fn pre_tool(event: &str, input: &Value) -> ExitCode {
    let inv = match invocation(input) {
        Ok(i) => i,
        Err(e) => return refuse_pre(event, &format!("writ: {e}")),
    };
    let mut decision = match decide(&inv) {
        Ok(d) => d,
        Err(e) => return refuse_pre(event, &format!("writ could not decide ({e}); denied")),
    };
    if decision.decision == Verdict::Approval
        && let Some(d) = wait_for_approval(&inv, &decision)
    {
        decision = d;
    }
    match decision.decision {
        Verdict::Allow => quiet(),
        Verdict::Deny => refuse_pre(
            event,
            &format!("writ denied this call: {}", reasons(&decision)),
        ),
        Verdict::Approval => {
            let id = decision.approval_id.as_deref().unwrap_or("?");
            refuse_pre(
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
/// wait runs out, then decides again (the grant, if any, is then used).
fn wait_for_approval(inv: &Invocation, decision: &Decision) -> Option<Decision> {
    let id = decision.approval_id.as_ref()?;
    let engine = open_engine().ok()?;
    let wait = writ_core::parse_duration(&engine.config.defaults.approval_wait).ok()?;
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

/// A deny in the event's own shape, the reason on stderr too, exit 2.
fn refuse_pre(event: &str, reason: &str) -> ExitCode {
    let reason: String = reason.chars().take(4000).collect();
    let answer = if event == "PermissionRequest" {
        json!({"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior": "deny", "message": reason}}})
    } else {
        json!({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}})
    };
    println!("{answer}");
    eprintln!("{reason}");
    // Exit 2 blocks even where the JSON were ignored; PermissionRequest
    // does not honour exit 2, so there the JSON alone decides.
    if event == "PermissionRequest" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn post_tool(event: &str, input: &Value) {
    let Ok(inv) = invocation(input) else { return };
    let status = if event == "PostToolUseFailure" {
        if input["is_interrupt"].as_bool() == Some(true) {
            "interrupted"
        } else {
            "failure"
        }
    } else {
        "success"
    };
    let detail = json!({
        "duration_ms": input["duration_ms"],
        "error": input["error"].as_str().map(|e| writ_gateway::redact_text(&e.chars().take(500).collect::<String>())),
    });
    let outcome = Outcome {
        status: status.into(),
        detail,
    };
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
            if let Err(e) = engine.record_outcome(&inv, &outcome) {
                eprintln!("writ: outcome not recorded: {e}");
            }
        }
        Err(e) => eprintln!("writ: outcome not recorded: {e:#}"),
    }
}

fn session(event: &str, input: &Value) {
    let Ok(engine) = open_engine() else { return };
    let record = writ_core::AuditRecord {
        seq: 0,
        time: writ_core::now_millis(),
        kind: "session".into(),
        user: None,
        agent: Some("claude-code".into()),
        task_id: std::env::var("WRIT_TASK").ok().filter(|t| !t.is_empty()),
        enforcement_point: "hook:claude".into(),
        call_id: None,
        decision: None,
        tier: None,
        detail: json!({ "event": event, "session": input["session_id"], "source": input["source"], "reason": input["reason"] }),
        prev_hash: String::new(),
        hash: String::new(),
    };
    if let Err(e) = engine.store.append(record) {
        eprintln!("writ: session event not recorded: {e}");
    }
}
