//! `writ install claude`: merges writ's hook entries into Claude Code's
//! `settings.json`, keeping every other setting, idempotently, with
//! `onFailure: "block"` so a crashed or slow hook blocks instead of
//! allowing.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

const EVENTS: &[&str] = &[
    "PreToolUse",
    "PermissionRequest",
    "PostToolUse",
    "PostToolUseFailure",
    "SessionStart",
    "SessionEnd",
];

pub fn run(agent: &str, project: Option<PathBuf>, user: bool, uninstall: bool) -> Result<ExitCode> {
    if agent != "claude" {
        bail!("`writ install {agent}` is not supported yet; supported: claude");
    }
    let path = match (project, user) {
        (Some(dir), _) => dir.join(".claude").join("settings.json"),
        (None, true) => crate::cli::user_home()
            .join(".claude")
            .join("settings.json"),
        (None, false) => std::env::current_dir()?
            .join(".claude")
            .join("settings.json"),
    };
    let mut settings: Value = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("`{}` is not valid JSON; fix it first", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => json!({}),
        Err(e) => return Err(anyhow!("cannot read `{}`: {e}", path.display())),
    };
    let exe = std::env::current_exe()?.to_string_lossy().into_owned();
    let command = format!("{} hook claude", shell_quote(&exe));
    let obj = settings
        .as_object_mut()
        .ok_or_else(|| anyhow!("`{}` is not a JSON object", path.display()))?;
    let hooks = obj.entry("hooks").or_insert_with(|| json!({}));
    let hooks = hooks
        .as_object_mut()
        .ok_or_else(|| anyhow!("`hooks` in `{}` is not an object", path.display()))?;
    for event in EVENTS {
        let groups = hooks.entry(*event).or_insert_with(|| json!([]));
        let groups = groups
            .as_array_mut()
            .ok_or_else(|| anyhow!("`hooks.{event}` is not a list"))?;
        // Drop any earlier writ entry, so installing twice changes nothing.
        groups.retain(|g| !is_writ_group(g));
        if !uninstall {
            groups.push(json!({
                "matcher": "*",
                "hooks": [{ "type": "command", "command": command, "timeout": 30, "onFailure": "block" }]
            }));
        }
    }
    hooks.retain(|_, v| v.as_array().is_none_or(|a| !a.is_empty()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("json.writ-tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(&settings)? + "\n")?;
    std::fs::rename(&tmp, &path)?;
    println!(
        "{} writ's hooks in `{}`",
        if uninstall { "removed" } else { "installed" },
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn is_writ_group(group: &Value) -> bool {
    group["hooks"].as_array().is_some_and(|hs| {
        hs.iter().any(|h| {
            h["command"]
                .as_str()
                .is_some_and(|c| c.ends_with(" hook claude") && c.contains("writ"))
        })
    })
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}
