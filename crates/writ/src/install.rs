//! `writ install <agent>`: merges writ's hook entries into the agent's own
//! config file (Claude Code's and Gemini CLI's `settings.json`, Codex's and
//! Cursor's `hooks.json`), keeping every other setting, idempotently, with
//! an atomic write. Where the agent has a fail-closed option it is set, so
//! a crashed or slow hook blocks instead of allowing: Claude Code's
//! `onFailure: "block"` and Cursor's `failClosed: true`. Codex and Gemini
//! CLI have none; the command says so.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

use crate::hook::{DIALECTS, HOST_TIMEOUT};

/// One agent's config file and the entries writ puts in it.
struct Target {
    /// The dialect, as in `writ hook <dialect>`.
    dialect: &'static str,
    /// The agent's folder in a project or in the user's home.
    folder: &'static str,
    /// The file in that folder.
    file: &'static str,
    /// The events writ answers.
    events: &'static [&'static str],
}

const CLAUDE: Target = Target {
    dialect: "claude",
    folder: ".claude",
    file: "settings.json",
    events: &[
        "PreToolUse",
        "PermissionRequest",
        "PostToolUse",
        "PostToolUseFailure",
        "SessionStart",
        "SessionEnd",
    ],
};

const CODEX: Target = Target {
    dialect: "codex",
    folder: ".codex",
    file: "hooks.json",
    events: &[
        "PreToolUse",
        "PermissionRequest",
        "PostToolUse",
        "SessionStart",
    ],
};

const CURSOR: Target = Target {
    dialect: "cursor",
    folder: ".cursor",
    file: "hooks.json",
    events: &[
        "beforeShellExecution",
        "beforeMCPExecution",
        "beforeReadFile",
        "afterShellExecution",
        "afterMCPExecution",
        "afterFileEdit",
        "sessionStart",
        "sessionEnd",
    ],
};

const GEMINI: Target = Target {
    dialect: "gemini",
    folder: ".gemini",
    file: "settings.json",
    events: &["BeforeTool", "AfterTool", "SessionStart", "SessionEnd"],
};

pub fn run(agent: &str, project: Option<PathBuf>, user: bool, uninstall: bool) -> Result<ExitCode> {
    let target = match agent {
        "claude" => &CLAUDE,
        "codex" => &CODEX,
        "cursor" => &CURSOR,
        "gemini" => &GEMINI,
        _ => bail!(
            "`writ install {agent}` is not supported; supported: {}",
            DIALECTS.join(", ")
        ),
    };
    let path = config_path(target, project, user)?;
    let mut settings = read_settings(&path)?;
    let exe = std::env::current_exe()?.to_string_lossy().into_owned();
    let command = format!("{} hook {}", shell_quote(&exe), target.dialect);
    let hooks = hooks_of(&mut settings, &path)?;
    merge(target, hooks, &command, uninstall)?;
    hooks.retain(|_, v| v.as_array().is_none_or(|a| !a.is_empty()));
    if target.dialect == "cursor"
        && !uninstall
        && let Some(obj) = settings.as_object_mut()
    {
        // Cursor reads a hooks file only with its format version.
        obj.entry("version").or_insert(json!(1));
    }
    write_atomic(&path, &(serde_json::to_string_pretty(&settings)? + "\n"))?;
    crate::cli::emit(format_args!(
        "{} writ's hooks in `{}`",
        if uninstall { "removed" } else { "installed" },
        path.display()
    ));
    if !uninstall {
        for line in notes(target, &settings) {
            crate::cli::emit(format_args!("{line}"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The agent's config file: in the project folder given, in the user's
/// home with `--user`, else in the current folder.
fn config_path(target: &Target, project: Option<PathBuf>, user: bool) -> Result<PathBuf> {
    let folder = match (project, user) {
        (Some(dir), _) => dir.join(target.folder),
        // Codex keeps its home where `$CODEX_HOME` says.
        (None, true) if target.dialect == "codex" => std::env::var_os("CODEX_HOME")
            .filter(|h| !h.is_empty())
            .map_or_else(
                || crate::cli::user_home().join(target.folder),
                PathBuf::from,
            ),
        (None, true) => crate::cli::user_home().join(target.folder),
        (None, false) => std::env::current_dir()?.join(target.folder),
    };
    Ok(folder.join(target.file))
}

fn read_settings(path: &Path) -> Result<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("`{}` is not valid JSON; fix it first", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(json!({})),
        Err(e) => Err(anyhow!("cannot read `{}`: {e}", path.display())),
    }
}

/// The `hooks` object of a settings file, created when missing.
fn hooks_of<'a>(settings: &'a mut Value, path: &Path) -> Result<&'a mut Map<String, Value>> {
    let obj = settings
        .as_object_mut()
        .ok_or_else(|| anyhow!("`{}` is not a JSON object", path.display()))?;
    obj.entry("hooks")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| anyhow!("`hooks` in `{}` is not an object", path.display()))
}

/// Drops writ's earlier entries, so installing twice changes nothing, and
/// adds the current ones unless uninstalling.
fn merge(
    target: &Target,
    hooks: &mut Map<String, Value>,
    command: &str,
    uninstall: bool,
) -> Result<()> {
    for event in target.events {
        let entries = hooks.entry(*event).or_insert_with(|| json!([]));
        let entries = entries
            .as_array_mut()
            .ok_or_else(|| anyhow!("`hooks.{event}` is not a list"))?;
        entries.retain(|e| !is_writ_entry(e, target.dialect));
        if uninstall {
            continue;
        }
        let entry = entry(target.dialect, event, command);
        if target.dialect == "cursor" {
            // Some Cursor versions ran only the first hook of an event.
            entries.insert(0, entry);
        } else {
            entries.push(entry);
        }
    }
    Ok(())
}

/// writ's entry for one event, in the agent's format.
fn entry(dialect: &str, event: &str, command: &str) -> Value {
    let secs = HOST_TIMEOUT.as_secs();
    match dialect {
        "claude" => json!({
            "matcher": "*",
            "hooks": [{ "type": "command", "command": command, "timeout": 30, "onFailure": "block" }]
        }),
        "codex" => json!({
            "matcher": "*",
            "hooks": [{ "type": "command", "command": command, "timeout": secs }]
        }),
        // Cursor's permission events are the ones whose failure must block.
        "cursor" if event.starts_with("before") => {
            json!({ "command": command, "timeout": secs, "failClosed": true })
        }
        "cursor" => json!({ "command": command, "timeout": secs }),
        _ => json!({
            "matcher": "*",
            "hooks": [{ "type": "command", "name": "writ", "command": command, "timeout": secs * 1000 }]
        }),
    }
}

/// Whether an entry (a matcher group, or Cursor's flat entry) is writ's.
fn is_writ_entry(entry: &Value, dialect: &str) -> bool {
    let ours = |handler: &Value| {
        handler["command"]
            .as_str()
            .is_some_and(|c| c.ends_with(&format!(" hook {dialect}")) && c.contains("writ"))
    };
    ours(entry)
        || entry["hooks"]
            .as_array()
            .is_some_and(|hs| hs.iter().any(ours))
}

/// What the user should know after installing: what the agent does on a
/// hook failure, and what it needs before it runs the hook.
fn notes(target: &Target, settings: &Value) -> Vec<String> {
    match target.dialect {
        "codex" => vec![
            "Codex runs a new or changed hook only once you trust it: run `/hooks` in Codex and trust writ's entries (project hooks also need a trusted project).".into(),
            "Codex has no fail-closed setting: if the hook crashes or times out, the call goes ahead.".into(),
        ],
        "cursor" => vec!["Restart Cursor to load the hooks.".into()],
        "gemini" => {
            let mut notes = vec![
                "Gemini CLI asks before it runs a new project hook; accept writ's.".into(),
                "Gemini CLI has no fail-closed setting: if the hook times out or exits 1, the call goes ahead.".into(),
            ];
            if settings["hooksConfig"]["enabled"] == json!(false) {
                notes.push("warning: `hooksConfig.enabled` is false in this file, so Gemini CLI runs no hooks; set it to true.".into());
            }
            notes
        }
        _ => Vec::new(),
    }
}

/// Writes `text` to `path` through a file beside it and a rename, so the
/// agent never reads half a file. A symlinked config is written where it
/// points, and an existing file keeps its permissions.
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    use std::io::Write as _;
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("json.writ-tmp");
    let mut file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write `{}`", tmp.display()))?;
    file.write_all(text.as_bytes())?;
    if let Ok(meta) = std::fs::metadata(&path) {
        file.set_permissions(meta.permissions())?;
    }
    file.sync_all()?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot replace `{}`", path.display()))?;
    Ok(())
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}
