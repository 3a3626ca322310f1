//! Agents' tool calls: the tool name and input an agent hook reports,
//! mapped to operations. Shell tools go through the shell model; file tools
//! through real paths; web tools by host; MCP tools by server and tool.

use std::path::Path;

use serde_json::Value;
use writ_core::{Operation, Resource, ResourceKind, Tier};

use crate::tools::{Access, file_op};
use crate::{Context, paths};

/// One tool call as an agent reported it.
#[derive(Debug, Clone)]
pub struct ToolCall<'a> {
    /// The tool's name: `Bash`, `Read`, `mcp__github__merge_pull_request`.
    pub tool_name: &'a str,
    /// The tool's input object.
    pub tool_input: &'a Value,
}

/// The agent's own bookkeeping tools: they touch nothing outside the
/// agent's conversation.
pub fn is_bookkeeping_tool(name: &str) -> bool {
    matches!(
        name,
        "ToolSearch"
            | "TodoWrite"
            | "TodoRead"
            | "Task"
            | "Agent"
            | "TaskCreate"
            | "TaskUpdate"
            | "TaskList"
            | "TaskGet"
            | "TaskOutput"
            | "TaskStop"
            | "KillShell"
            | "BashOutput"
            | "AskUserQuestion"
            | "ExitPlanMode"
            | "EnterPlanMode"
            | "Skill"
            | "SlashCommand"
            | "ListMcpResourcesTool"
            | "Monitor"
    )
}

/// Classifies a tool call. An input that lacks the fields its tool needs is
/// one `unknown` operation, never an empty list.
pub fn classify_tool_call(ctx: &Context, call: &ToolCall<'_>) -> Vec<Operation> {
    let input = call.tool_input;
    let text = |key: &str| input.get(key).and_then(Value::as_str);
    let missing = |what: &str| {
        vec![Operation::unknown(
            call.tool_name,
            format!("`{}` input has no `{what}`", call.tool_name),
        )]
    };
    match call.tool_name {
        "Bash" | "PowerShell" => match text("command") {
            Some(cmd) if call.tool_name == "Bash" => crate::classify_shell(ctx, cmd),
            Some(_) => vec![Operation::unknown(
                "PowerShell",
                "writ does not model PowerShell yet",
            )],
            None => missing("command"),
        },
        "Read" => {
            path_op(ctx, text("file_path"), Access::Read).unwrap_or_else(|| missing("file_path"))
        }
        "Write" | "Edit" | "MultiEdit" => {
            path_op(ctx, text("file_path"), Access::Write).unwrap_or_else(|| missing("file_path"))
        }
        "NotebookEdit" => path_op(
            ctx,
            text("notebook_path").or(text("file_path")),
            Access::Write,
        )
        .unwrap_or_else(|| missing("notebook_path")),
        "Glob" | "Grep" | "LS" => {
            let dir = text("path").unwrap_or(".");
            path_op(ctx, Some(dir), Access::List).unwrap_or_else(|| missing("path"))
        }
        "WebFetch" => match text("url").and_then(crate::host_of) {
            Some(host) => vec![Operation::new("http.get", Resource::host(host), Tier::Read)],
            None => missing("url"),
        },
        "WebSearch" => vec![Operation::new(
            "web.search",
            Resource::new(ResourceKind::Host, "web-search"),
            Tier::Read,
        )],
        name if name.starts_with("mcp__") => mcp(name),
        name if is_bookkeeping_tool(name) => vec![Operation::new(
            format!("agent.{}", name.to_ascii_lowercase()),
            Resource::new(ResourceKind::Agent, name),
            Tier::Read,
        )],
        name => vec![Operation::unknown(
            name,
            format!("writ does not know the tool `{name}`"),
        )],
    }
}

fn path_op(ctx: &Context, path: Option<&str>, access: Access) -> Option<Vec<Operation>> {
    let path = path?;
    let facts = paths::facts(ctx, &ctx.cwd, Path::new(path));
    let mut op = file_op(&facts, access);
    if access == Access::List && facts.secret {
        op.tier = Tier::Secret;
        op.note = Some("searches inside a secret folder".into());
    }
    Some(vec![op])
}

/// `mcp__<server>__<tool>`: an MCP tool call. Which tools are safe is the
/// MCP gateway's rule tables' business; until one names this tool, it is
/// `unknown`.
fn mcp(name: &str) -> Vec<Operation> {
    let rest = &name["mcp__".len()..];
    let (server, tool) = rest.split_once("__").unwrap_or((rest, ""));
    let mut resource = Resource::new(ResourceKind::McpTool, format!("{server}/{tool}"));
    resource.host = Some(server.to_string());
    vec![
        Operation::new("mcp.call", resource, Tier::Unknown)
            .with_note("no rule names this MCP tool"),
    ]
}
