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
        // Codex reports some shell calls as the argv it will exec.
        "Bash" | "Shell" | "run_shell_command"
            if input.get("command").is_some_and(Value::is_array) =>
        {
            argv(ctx, call.tool_name, &input["command"])
        }
        // Cursor's and Gemini CLI's shell tools hand their text to a shell.
        "Shell" | "run_shell_command" => match text("command") {
            Some(cmd) => crate::classify_shell(ctx, cmd),
            None => missing("command"),
        },
        "apply_patch" => match text("command").or(text("input")).or(text("patch")) {
            Some(patch) => apply_patch(ctx, patch),
            None => missing("command"),
        },
        name if gemini_tool(name) => gemini(ctx, name, input).unwrap_or_else(&missing),
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

/// An argv the agent execs as it is (Codex reports some shell calls this
/// way). Each word is quoted for the shell model, so the call is judged as
/// exactly these words: `["bash", "-lc", "…"]` reaches the shell model's
/// own handling of `bash -c`, and no word is split again.
fn argv(ctx: &Context, tool: &str, words: &Value) -> Vec<Operation> {
    let words: Option<Vec<&str>> = words
        .as_array()
        .and_then(|list| list.iter().map(Value::as_str).collect());
    match words {
        Some(words) if !words.is_empty() && !words.iter().any(|w| w.contains('\0')) => {
            let line: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, w)| quote_word(w, i == 0))
                .collect();
            crate::classify_shell(ctx, &line.join(" "))
        }
        _ => vec![Operation::unknown(
            tool,
            format!("`{tool}` input has a `command` list that is not a list of words"),
        )],
    }
}

/// A word the shell reads back as exactly `word`. The program's name is
/// always quoted, so that a name such as `if` or `time` is never read as
/// a shell keyword.
fn quote_word(word: &str, program: bool) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@%+,".contains(c));
    if plain && !program {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Codex's `apply_patch`: judged by every file its headers name. Added and
/// updated files are writes, deleted files deletes, and a move deletes its
/// source and writes its destination. A patch writ cannot read is one
/// `unknown` operation.
fn apply_patch(ctx: &Context, patch: &str) -> Vec<Operation> {
    match patch_files(patch) {
        Ok(files) => files
            .into_iter()
            .filter_map(|(path, access)| path_op(ctx, Some(path), access))
            .flatten()
            .collect(),
        Err(why) => vec![Operation::unknown(
            "apply_patch",
            format!("a patch writ cannot read: {why}"),
        )],
    }
}

/// Where a patch line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatchSection {
    Add,
    Delete,
    Update,
}

/// The files a Codex patch touches and how, in the order its headers name
/// them. Every line that reads as a `*** ` header once trimmed is taken as
/// one (as Codex's parser may), so no header hides inside a hunk; a header
/// writ does not know makes the whole patch unreadable.
fn patch_files(patch: &str) -> Result<Vec<(&str, Access)>, &'static str> {
    let mut lines: Vec<&str> = patch.trim().lines().collect();
    // Codex also takes the patch wrapped in a here-document.
    if lines.len() >= 4
        && matches!(lines[0], "<<EOF" | "<<'EOF'" | "<<\"EOF\"")
        && lines.last().is_some_and(|l| l.ends_with("EOF"))
    {
        lines = lines[1..lines.len() - 1].to_vec();
    }
    let (first, rest) = lines.split_first().ok_or("it is empty")?;
    let (last, body) = rest.split_last().ok_or("it has no `*** End Patch`")?;
    if first.trim() != "*** Begin Patch" {
        return Err("it does not begin with `*** Begin Patch`");
    }
    if last.trim() != "*** End Patch" {
        return Err("it does not end with `*** End Patch`");
    }
    let mut files = Vec::new();
    let mut section = None;
    for line in body {
        let trimmed = line.trim();
        if let Some(header) = trimmed.strip_prefix("*** ") {
            section = Some(patch_header(header, section, &mut files)?);
            continue;
        }
        let fits = match section {
            _ if trimmed.is_empty() => true,
            Some(PatchSection::Add) => line.starts_with('+'),
            Some(PatchSection::Update) => line.starts_with([' ', '+', '-', '@']),
            Some(PatchSection::Delete) | None => false,
        };
        if !fits {
            return Err("a line that belongs to no file's section");
        }
    }
    if files.is_empty() {
        return Err("it names no file");
    }
    Ok(files)
}

/// Reads one `*** ` header (without its marker) into `files`; returns the
/// section it opens.
fn patch_header<'a>(
    header: &'a str,
    section: Option<PatchSection>,
    files: &mut Vec<(&'a str, Access)>,
) -> Result<PatchSection, &'static str> {
    let named = |path: &'a str| {
        if path.is_empty() {
            Err("a header that names no file")
        } else {
            Ok(path)
        }
    };
    if let Some(path) = header.strip_prefix("Add File: ") {
        files.push((named(path)?, Access::Write));
        return Ok(PatchSection::Add);
    }
    if let Some(path) = header.strip_prefix("Delete File: ") {
        files.push((named(path)?, Access::Delete));
        return Ok(PatchSection::Delete);
    }
    if let Some(path) = header.strip_prefix("Update File: ") {
        files.push((named(path)?, Access::Write));
        return Ok(PatchSection::Update);
    }
    if section != Some(PatchSection::Update) {
        return Err("a `*** ` header writ does not know");
    }
    if let Some(path) = header.strip_prefix("Move to: ") {
        // The source goes away; the destination is written.
        if let Some(source) = files.last_mut() {
            source.1 = Access::Delete;
        }
        files.push((named(path)?, Access::Write));
        return Ok(PatchSection::Update);
    }
    if header == "End of File" {
        return Ok(PatchSection::Update);
    }
    Err("a `*** ` header writ does not know")
}

/// Gemini CLI's built-in tools, by the names its hooks report.
fn gemini_tool(name: &str) -> bool {
    matches!(
        name,
        "read_file"
            | "write_file"
            | "replace"
            | "read_many_files"
            | "list_directory"
            | "glob"
            | "grep_search"
            | "search_file_content"
            | "web_fetch"
            | "google_web_search"
            | "save_memory"
            | "write_todos"
            | "ask_user"
            | "enter_plan_mode"
            | "exit_plan_mode"
            | "activate_skill"
            | "get_internal_docs"
            | "update_topic"
            | "complete_task"
    )
}

/// Gemini CLI's built-in tools (its shell tool is classified with the
/// other shells). `Err` names the input field that is missing. Older
/// releases named the folder `path` and the file `absolute_path`.
fn gemini(ctx: &Context, name: &str, input: &Value) -> Result<Vec<Operation>, &'static str> {
    let text = |key: &str| input.get(key).and_then(Value::as_str);
    let folder = text("dir_path").or(text("path"));
    let ops = match name {
        "read_file" => path_op(
            ctx,
            text("file_path").or(text("absolute_path")),
            Access::Read,
        ),
        "write_file" | "replace" => path_op(ctx, text("file_path"), Access::Write),
        "list_directory" => path_op(ctx, folder, Access::List),
        "glob" | "grep_search" | "search_file_content" => {
            path_op(ctx, Some(folder.unwrap_or(".")), Access::List)
        }
        "read_many_files" => return read_many(ctx, input).ok_or("include"),
        "web_fetch" => return web_fetch(input).ok_or("prompt"),
        "google_web_search" => Some(vec![Operation::new(
            "web.search",
            Resource::new(ResourceKind::Host, "web-search"),
            Tier::Read,
        )]),
        // Gemini CLI keeps what it is told to remember in this file.
        "save_memory" => {
            let memory = ctx.home.join(".gemini").join("GEMINI.md");
            path_op(ctx, memory.to_str(), Access::Write)
        }
        // The agent's own bookkeeping: plans, questions, todos, skills.
        _ => Some(vec![Operation::new(
            format!("agent.{name}"),
            Resource::new(ResourceKind::Agent, name),
            Tier::Read,
        )]),
    };
    ops.ok_or(match name {
        "list_directory" => "dir_path",
        "save_memory" => "fact",
        _ => "file_path",
    })
}

/// `read_many_files`: each entry of `include` (older releases: `paths`) is
/// a file, which is read, or a glob, which is judged as a search of its
/// fixed folder, as Grep is.
fn read_many(ctx: &Context, input: &Value) -> Option<Vec<Operation>> {
    let entries = input.get("include").or(input.get("paths"))?.as_array()?;
    let mut ops = Vec::new();
    for entry in entries {
        let Some(entry) = entry.as_str() else {
            return Some(vec![Operation::unknown(
                "read_many_files",
                "an entry of `include` that is not text",
            )]);
        };
        ops.extend(match glob_folder(entry) {
            Some(folder) => path_op(ctx, Some(folder), Access::List)?,
            None => path_op(ctx, Some(entry), Access::Read)?,
        });
    }
    (!ops.is_empty()).then_some(ops)
}

/// The fixed folder a glob pattern searches, or `None` for a plain path.
fn glob_folder(pattern: &str) -> Option<&str> {
    let first = pattern.find(['*', '?', '[', '{'])?;
    Some(match pattern[..first].rfind('/') {
        Some(0) => "/",
        Some(i) => &pattern[..i],
        None => ".",
    })
}

/// `web_fetch`: the http and https URLs in its prompt (or its `url`), each
/// a read of its host, as Gemini CLI itself finds them: words that are URLs.
fn web_fetch(input: &Value) -> Option<Vec<Operation>> {
    let text = input
        .get("url")
        .or(input.get("prompt"))
        .and_then(Value::as_str)?;
    let ops: Vec<Operation> = text
        .split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|url| match crate::host_of(url) {
            Some(host) => Operation::new("http.get", Resource::host(host), Tier::Read),
            None => Operation::unknown("web_fetch", "a URL with no host"),
        })
        .collect();
    if ops.is_empty() {
        return Some(vec![Operation::unknown(
            "web_fetch",
            "its prompt names no http or https URL",
        )]);
    }
    Some(ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Context {
        Context::for_tests("/nonexistent/project", "/nonexistent/home")
    }

    fn classify(tool: &str, input: Value) -> Vec<Operation> {
        classify_tool_call(
            &ctx(),
            &ToolCall {
                tool_name: tool,
                tool_input: &input,
            },
        )
    }

    fn top(ops: &[Operation]) -> Tier {
        ops.iter().map(|o| o.tier).max().unwrap_or(Tier::Read)
    }

    #[test]
    fn an_argv_is_judged_as_exactly_its_words() {
        let push = classify("Bash", json!({"command": ["npm", "publish"]}));
        assert_eq!(top(&push), Tier::Publish, "{push:?}");
        // One word with a space is one argument, not two.
        let one = classify("Bash", json!({"command": ["rm", "-rf", "build ~"]}));
        assert!(
            one.iter().all(|o| o.resource.name != "/nonexistent/home"),
            "{one:?}"
        );
        let script = classify("Bash", json!({"command": ["bash", "-lc", "npm publish"]}));
        assert_eq!(top(&script), Tier::Publish, "{script:?}");
        // `/usr/bin/time` runs what follows, as the keyword would.
        let wrapper = classify("Bash", json!({"command": ["time", "rm", "-rf", "/"]}));
        assert_eq!(top(&wrapper), Tier::Destructive, "{wrapper:?}");
        for bad in [json!([]), json!(["ls", 1]), json!(["a\u{0}b"])] {
            assert_eq!(
                top(&classify("Bash", json!({"command": bad}))),
                Tier::Unknown
            );
        }
    }

    #[test]
    fn a_patch_is_judged_by_every_file_it_names() {
        let patch = "*** Begin Patch\n*** Add File: notes.txt\n+hi\n*** Update File: src/a.rs\n@@ fn a\n-x\n+y\n*** Move to: src/b.rs\n*** Delete File: old.txt\n*** Update File: /nonexistent/home/.bashrc\n@@\n+alias ls=rm\n*** End of File\n*** End Patch\n";
        let ops = classify("apply_patch", json!({"command": patch}));
        let seen: Vec<(&str, &str)> = ops
            .iter()
            .map(|o| (o.action.as_str(), o.resource.name.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("file.write", "/nonexistent/project/notes.txt"),
                ("file.delete", "/nonexistent/project/src/a.rs"),
                ("file.write", "/nonexistent/project/src/b.rs"),
                ("file.delete", "/nonexistent/project/old.txt"),
                ("file.write", "/nonexistent/home/.bashrc"),
            ]
        );
        assert!(ops[4].control, "{:?}", ops[4]);
    }

    #[test]
    fn a_patch_writ_cannot_read_is_unknown() {
        for patch in [
            "",
            "*** Update File: a\n",
            "*** Begin Patch\n*** End Patch",
            "*** Begin Patch\n*** Update File: a\n+x\n",
            "*** Begin Patch\n*** Rename File: a\n*** End Patch",
            "*** Begin Patch\n*** Delete File: a\n+x\n*** End Patch",
            "*** Begin Patch\n*** Add File: \n+x\n*** End Patch",
            "*** Begin Patch\n+x\n*** End Patch",
            "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\n*** Delete File: b\n*** End Patch",
        ] {
            let ops = classify("apply_patch", json!({"command": patch}));
            assert_eq!(top(&ops), Tier::Unknown, "{patch:?}: {ops:?}");
        }
        assert_eq!(top(&classify("apply_patch", json!({}))), Tier::Unknown);
    }

    #[test]
    fn a_header_inside_a_hunk_is_still_a_header() {
        let patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-x\n  *** Delete File: /etc/passwd\n*** End Patch";
        let ops = classify("apply_patch", json!({"command": patch}));
        assert!(
            ops.iter()
                .any(|o| o.resource.name == "/etc/passwd" && o.action == "file.delete"),
            "{ops:?}"
        );
    }

    #[test]
    fn a_patch_in_a_here_document_is_read() {
        let patch = "<<'EOF'\n*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\nEOF";
        let ops = classify("apply_patch", json!({"command": patch}));
        assert_eq!(top(&ops), Tier::Write, "{ops:?}");
    }

    #[test]
    fn gemini_tools_map_onto_the_same_operations() {
        let cases = [
            (
                "run_shell_command",
                json!({"command": "npm publish"}),
                Tier::Publish,
            ),
            ("read_file", json!({"file_path": "src/main.rs"}), Tier::Read),
            (
                "read_file",
                json!({"absolute_path": "/nonexistent/project/.env"}),
                Tier::Secret,
            ),
            (
                "write_file",
                json!({"file_path": "/nonexistent/project/a.txt", "content": "x"}),
                Tier::Write,
            ),
            (
                "replace",
                json!({"file_path": "/nonexistent/home/.ssh/id_rsa"}),
                Tier::Secret,
            ),
            (
                "read_many_files",
                json!({"include": ["src/**/*.rs", "README.md"]}),
                Tier::Read,
            ),
            (
                "read_many_files",
                json!({"include": ["README.md", ".env"]}),
                Tier::Secret,
            ),
            ("list_directory", json!({"dir_path": "."}), Tier::Read),
            ("glob", json!({"pattern": "**/*.rs"}), Tier::Read),
            (
                "grep_search",
                json!({"pattern": "x", "dir_path": "/nonexistent/home/.ssh"}),
                Tier::Secret,
            ),
            (
                "web_fetch",
                json!({"prompt": "summarise https://example.com/a and http://example.org"}),
                Tier::Read,
            ),
            (
                "web_fetch",
                json!({"prompt": "summarise the news"}),
                Tier::Unknown,
            ),
            ("google_web_search", json!({"query": "x"}), Tier::Read),
            ("write_todos", json!({"todos": []}), Tier::Read),
            ("read_file", json!({}), Tier::Unknown),
            ("read_many_files", json!({"include": []}), Tier::Unknown),
        ];
        for (tool, input, tier) in cases {
            let ops = classify(tool, input.clone());
            assert_eq!(top(&ops), tier, "{tool} {input}: {ops:?}");
        }
        let web = classify("web_fetch", json!({"prompt": "see https://example.com/a"}));
        assert_eq!(web[0].resource.host.as_deref(), Some("example.com"));
    }

    #[test]
    fn cursor_shell_is_a_shell() {
        let ops = classify("Shell", json!({"command": "cat .env"}));
        assert_eq!(top(&ops), Tier::Secret, "{ops:?}");
    }
}
