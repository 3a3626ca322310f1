//! Arbitrary bytes as a Claude Code hook payload, read the way `writ hook
//! claude` reads it: UTF-8, a JSON object, `tool_name` and `cwd` strings,
//! `tool_input` (an empty object when absent), then classified in a context
//! whose working directory is the payload's `cwd` resolved as the gateway
//! resolves it.
//!
//! The hook's own reader (`cli::read_stdin_json`) and the gateway's context
//! builder are private to the `writ` binary and `writ-gateway`; this target
//! repeats their steps over the public pieces (`serde_json`,
//! `writ_classify::paths::resolve`, `classify_tool_call`). Checked: no
//! panic, and a tool call never classifies to nothing.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use writ_classify::{ToolCall, classify_tool_call, paths};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(input) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if !input.is_object() {
        return;
    }
    let (Some(tool_name), Some(cwd)) = (input["tool_name"].as_str(), input["cwd"].as_str()) else {
        return;
    };
    let tool_input = input.get("tool_input").cloned().unwrap_or(json!({}));

    let mut ctx = writ_fuzz::context().clone();
    ctx.cwd = paths::resolve(Path::new("/"), Path::new(cwd));
    let call = ToolCall {
        tool_name,
        tool_input: &tool_input,
    };
    let ops = classify_tool_call(&ctx, &call);

    // A Bash command may be blank or a comment, which does nothing; every
    // other tool call is at least one operation.
    let blank_shell = tool_name == "Bash" && tool_input["command"].is_string();
    assert!(
        blank_shell || !ops.is_empty(),
        "`{tool_name}` classified to nothing"
    );
});
