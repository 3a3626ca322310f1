#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test harness: a failed setup step should stop the test loudly"
)]

//! Every agent's hook dialect, end to end through the `writ` binary: the
//! documented payloads under `tests/fixtures/<agent>/` are answered in the
//! agent's own fields and exit codes, bad input is denied in each dialect,
//! the same command gets the same decision from all four, and `writ
//! install` merges each agent's config idempotently.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const DIALECTS: [(&str, &str); 4] = [
    ("claude", "claude-code"),
    ("codex", "codex"),
    ("cursor", "cursor"),
    ("gemini", "gemini"),
];

struct Setting {
    _dir: tempfile::TempDir,
    repo: PathBuf,
    home: PathBuf,
    writ_home: PathBuf,
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.email=t@example.invalid", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(ok.status.success(), "git {args:?}");
}

/// A repository on `feature/x` with a bare remote, a `.env`, and a home
/// folder with a key and a shell rc file.
fn setting() -> Setting {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let home = root.join("home");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), "key").unwrap();
    std::fs::write(home.join(".bashrc"), "# rc").unwrap();
    git(&root, &["init", "-q", "--bare", "-b", "main", "remote.git"]);
    let repo = root.join("repo");
    git(&root, &["init", "-q", "-b", "main", "repo"]);
    std::fs::create_dir_all(repo.join("src")).unwrap();
    std::fs::write(repo.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(repo.join(".env"), "SECRET_TOKEN=not-a-real-secret\n").unwrap();
    std::fs::write(repo.join(".gitignore"), ".env\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "init"]);
    git(&repo, &["remote", "add", "origin", "../remote.git"]);
    git(&repo, &["push", "-q", "origin", "main"]);
    git(&repo, &["checkout", "-q", "-b", "feature/x"]);
    git(&repo, &["push", "-q", "-u", "origin", "feature/x"]);
    Setting {
        writ_home: root.join("writ-home"),
        _dir: dir,
        repo,
        home,
    }
}

/// What a hook printed.
#[derive(Debug)]
struct Reply {
    code: i32,
    answer: Value,
    stderr: String,
}

/// What the agent was told, once the answer is read as the agent reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Told {
    /// No decision (`{}`), or Cursor's `permission: allow`.
    Passed,
    /// A deny with this reason.
    Denied(String),
}

/// The decision a call got, as a user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allow,
    Deny,
    Approval,
}

impl Told {
    fn verdict(&self) -> Verdict {
        match self {
            Told::Passed => Verdict::Allow,
            Told::Denied(r) if r.contains("appr_") => Verdict::Approval,
            Told::Denied(_) => Verdict::Deny,
        }
    }
}

impl Setting {
    fn writ(&self, args: &[&str], task: Option<&str>, stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_writ"));
        cmd.args(args)
            .current_dir(&self.repo)
            .env("WRIT_HOME", &self.writ_home)
            .env("HOME", &self.home)
            .env("USER", "alice")
            .env_remove("WRIT_TASK")
            .env_remove("CODEX_HOME")
            .env_remove("CLAUDECODE")
            .env_remove("CLAUDE_CODE_SESSION_ID")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(t) = task {
            cmd.env("WRIT_TASK", t);
        }
        let mut child = cmd.spawn().expect("writ runs");
        if let Some(text) = stdin {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("writ ends")
    }

    fn start_task(&self, agent: &str) -> String {
        let out = self.writ(
            &[
                "task",
                "start",
                "--agent",
                agent,
                "--repo",
                ".",
                "--branch",
                "feature/*",
                "--json",
            ],
            None,
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["id"].as_str().unwrap().to_string()
    }

    fn hook(&self, dialect: &str, task: Option<&str>, payload: &str) -> Reply {
        let out = self.writ(&["hook", dialect], task, Some(payload));
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let answer = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|_| panic!("`writ hook {dialect}` printed no JSON: {stdout:?}"));
        assert_eq!(
            stdout.trim_end().lines().count(),
            1,
            "one JSON line and nothing else on stdout: {stdout:?}"
        );
        Reply {
            code: out.status.code().unwrap_or(-1),
            answer,
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }

    /// A fixture with its placeholder paths pointed at this setting.
    fn localize(&self, text: &str) -> String {
        text.replace("/home/user/project", self.repo.to_str().unwrap())
            .replace("/home/user", self.home.to_str().unwrap())
    }

    fn audit(&self) -> Vec<Value> {
        let out = self.writ(&["audit", "tail", "-n", "10000", "--json"], None, None);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// A shell call in each dialect's own shape.
fn shell_payload(dialect: &str, s: &Setting, command: &str, id: &str) -> String {
    let cwd = s.repo.to_str().unwrap();
    match dialect {
        "claude" => json!({
            "session_id": "s", "transcript_path": "/dev/null", "cwd": cwd,
            "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command, "description": "d"}, "tool_use_id": id,
        }),
        "codex" => json!({
            "session_id": "s", "turn_id": "1", "transcript_path": null, "cwd": cwd,
            "model": "gpt-5.3-codex", "permission_mode": "default", "hook_event_name": "PreToolUse",
            "tool_name": "Bash", "tool_input": {"command": command}, "tool_use_id": id,
        }),
        "cursor" => json!({
            "conversation_id": "c", "generation_id": id, "workspace_roots": [cwd],
            "cursor_version": "2.0.77", "hook_event_name": "beforeShellExecution",
            "command": command, "cwd": cwd,
        }),
        _ => json!({
            "session_id": "s", "transcript_path": "/dev/null", "cwd": cwd,
            "timestamp": "2026-10-30T09:21:07.412Z", "hook_event_name": "BeforeTool",
            "tool_name": "run_shell_command", "tool_input": {"command": command},
        }),
    }
    .to_string()
}

/// Reads an answer as `dialect`'s host reads it, failing on any field or
/// exit code the host would not take as intended.
fn told(dialect: &str, event: &str, reply: &Reply) -> Told {
    match dialect {
        "claude" | "codex" => told_claude(event, reply),
        "cursor" => told_cursor(event, reply),
        _ => told_gemini(reply),
    }
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort_unstable();
    k
}

fn told_claude(event: &str, r: &Reply) -> Told {
    if r.answer == json!({}) {
        assert_eq!(r.code, 0, "{r:?}");
        return Told::Passed;
    }
    assert_eq!(keys(&r.answer), ["hookSpecificOutput"], "{r:?}");
    let out = &r.answer["hookSpecificOutput"];
    if event == "PermissionRequest" {
        assert_eq!(keys(out), ["decision", "hookEventName"], "{r:?}");
        assert_eq!(out["hookEventName"], "PermissionRequest");
        // Reserved fields would make Codex fail the answer.
        assert_eq!(keys(&out["decision"]), ["behavior", "message"], "{r:?}");
        assert_eq!(out["decision"]["behavior"], "deny");
        assert_eq!(r.code, 0, "PermissionRequest ignores exit 2: {r:?}");
        return Told::Denied(out["decision"]["message"].as_str().unwrap().to_string());
    }
    assert_eq!(
        keys(out),
        [
            "hookEventName",
            "permissionDecision",
            "permissionDecisionReason"
        ],
        "{r:?}"
    );
    assert_eq!(out["hookEventName"], "PreToolUse");
    assert_eq!(out["permissionDecision"], "deny");
    let reason = out["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!reason.trim().is_empty());
    assert_eq!(r.code, 2, "{r:?}");
    // With exit 2 the host reads the reason from stderr.
    assert_eq!(r.stderr.trim(), reason.trim(), "{r:?}");
    Told::Denied(reason)
}

fn told_cursor(event: &str, r: &Reply) -> Told {
    let permission_event = event.starts_with("before") && event != "beforeSubmitPrompt"
        || event == "preToolUse"
        || event.is_empty();
    if !permission_event {
        let expected = if event == "beforeSubmitPrompt" {
            json!({"continue": true})
        } else {
            json!({})
        };
        assert_eq!(r.answer, expected, "{r:?}");
        assert_eq!(r.code, 0);
        return Told::Passed;
    }
    match r.answer["permission"].as_str() {
        Some("allow") => {
            assert_eq!(keys(&r.answer), ["permission"], "{r:?}");
            assert_eq!(r.code, 0);
            Told::Passed
        }
        Some("deny") => {
            assert_eq!(
                keys(&r.answer),
                ["agent_message", "permission", "user_message"],
                "{r:?}"
            );
            let reason = r.answer["user_message"].as_str().unwrap().to_string();
            assert_eq!(r.answer["agent_message"], r.answer["user_message"]);
            assert_eq!(r.code, 2, "exit 2 is Cursor's deny too: {r:?}");
            assert_eq!(r.stderr.trim(), reason.trim());
            Told::Denied(reason)
        }
        _ => panic!("a permission event without `allow` or `deny`: {r:?}"),
    }
}

fn told_gemini(r: &Reply) -> Told {
    if r.answer == json!({}) {
        assert_eq!(r.code, 0, "{r:?}");
        return Told::Passed;
    }
    assert_eq!(keys(&r.answer), ["decision", "reason"], "{r:?}");
    assert_eq!(r.answer["decision"], "deny");
    let reason = r.answer["reason"].as_str().unwrap().to_string();
    assert!(!reason.trim().is_empty());
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stderr.trim(), reason.trim());
    Told::Denied(reason)
}

fn fixtures(agent: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(agent);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    names
}

/// Every fixture of a dialect, inside a task for its agent: the decision
/// its name expects (`allow`, `approval`, `deny`, or `quiet` for events
/// writ only records), in the shape its host reads.
fn fixtures_are_answered(dialect: &str, agent: &str) {
    let s = setting();
    let task = s.start_task(agent);
    let names = fixtures(dialect);
    assert!(names.len() >= 12, "{dialect}: {} fixtures", names.len());
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = s.localize(&std::fs::read_to_string(&path).unwrap());
        let event = serde_json::from_str::<Value>(&text).unwrap()["hook_event_name"]
            .as_str()
            .unwrap()
            .to_string();
        let reply = s.hook(dialect, Some(&task), &text);
        let got = told(dialect, &event, &reply);
        let expected = match name.rsplit('.').nth(1) {
            Some("allow" | "quiet") => Verdict::Allow,
            Some("approval") => Verdict::Approval,
            Some("deny") => Verdict::Deny,
            other => panic!("{name}: no expectation in the name ({other:?})"),
        };
        assert_eq!(got.verdict(), expected, "{dialect} {name}: {reply:?}");
        if name.contains(".allow.") && dialect == "cursor" {
            assert_eq!(reply.answer, json!({"permission": "allow"}), "{name}");
        }
    }
    let audit = s.audit();
    let point = format!("hook:{dialect}");
    for kind in ["decision", "outcome", "session"] {
        assert!(
            audit
                .iter()
                .any(|r| r["kind"] == kind && r["enforcement_point"] == point.as_str()),
            "{dialect}: no {kind} record from {point}"
        );
    }
    assert!(
        audit
            .iter()
            .filter(|r| r["kind"] == "decision")
            .all(|r| r["agent"] == agent && r["task_id"] == task.as_str()),
        "{dialect}: decisions carry the agent and its task"
    );
    let verify = s.writ(&["audit", "verify"], None, None);
    assert!(verify.status.success());
}

#[test]
fn codex_fixtures_are_answered() {
    fixtures_are_answered("codex", "codex");
}

#[test]
fn cursor_fixtures_are_answered() {
    fixtures_are_answered("cursor", "cursor");
}

#[test]
fn gemini_fixtures_are_answered() {
    fixtures_are_answered("gemini", "gemini");
}

#[test]
fn a_push_to_main_waits_for_approval_and_the_identical_retry_passes_in_each_dialect() {
    let s = setting();
    for (dialect, agent) in DIALECTS {
        let task = s.start_task(agent);
        let push = shell_payload(dialect, &s, "git push origin HEAD:main", "p1");
        let reply = s.hook(dialect, Some(&task), &push);
        let Told::Denied(reason) = told(dialect, event_of(&push), &reply) else {
            panic!("{dialect}: a push to main passed: {reply:?}");
        };
        assert!(reason.contains("retried"), "{dialect}: {reason}");
        let id = reason
            .split_whitespace()
            .find(|w| w.starts_with("appr_"))
            .unwrap_or_else(|| panic!("{dialect}: no approval id in {reason}"))
            .trim_end_matches([':', '.', ',', ')'])
            .to_string();
        let approved = s.writ(&["approve", &id], None, None);
        assert!(
            approved.status.success(),
            "{}",
            String::from_utf8_lossy(&approved.stderr)
        );
        let retry = s.hook(dialect, Some(&task), &push);
        assert_eq!(
            told(dialect, event_of(&push), &retry),
            Told::Passed,
            "{dialect}: {retry:?}"
        );
    }
}

fn event_of(payload: &str) -> &'static str {
    let v: Value = serde_json::from_str(payload).unwrap();
    match v["hook_event_name"].as_str().unwrap() {
        "PreToolUse" => "PreToolUse",
        "beforeShellExecution" => "beforeShellExecution",
        _ => "BeforeTool",
    }
}

#[test]
fn the_same_command_gets_the_same_decision_in_every_dialect() {
    use Verdict::{Allow, Approval, Deny};
    let s = setting();
    let tasks: Vec<String> = DIALECTS.iter().map(|(_, a)| s.start_task(a)).collect();
    let table = [
        ("git status", Allow),
        ("ls src && cat src/main.rs", Allow),
        ("git push origin feature/x", Allow),
        ("echo hi > notes.txt", Allow),
        ("git push origin HEAD:main", Approval),
        ("git add -A && git push --force origin HEAD:main", Approval),
        ("cat .env", Approval),
        ("npm publish", Approval),
        ("bash -c 'r''m -rf ~'", Deny),
        ("curl -X POST https://example.com/hook", Approval),
        ("$(printf rm) -rf build", Approval),
    ];
    for (i, (command, expected)) in table.iter().enumerate() {
        let verdicts: Vec<Verdict> = DIALECTS
            .iter()
            .zip(&tasks)
            .map(|((dialect, _), task)| {
                let payload = shell_payload(dialect, &s, command, &format!("t{i}"));
                let reply = s.hook(dialect, Some(task), &payload);
                told(dialect, event_of(&payload), &reply).verdict()
            })
            .collect();
        assert_eq!(
            verdicts,
            vec![*expected; DIALECTS.len()],
            "`{command}` (claude, codex, cursor, gemini)"
        );
    }
}

#[test]
fn codex_argv_and_text_get_the_same_decision() {
    let s = setting();
    let task = s.start_task("codex");
    let cases = [
        (
            json!(["git", "push", "origin", "HEAD:main"]),
            "git push origin HEAD:main",
        ),
        (json!(["bash", "-lc", "cat .env"]), "cat .env"),
        (json!(["git", "status"]), "git status"),
    ];
    for (i, (argv, text)) in cases.iter().enumerate() {
        let verdict = |command: Value| {
            let payload = json!({
                "session_id": "s", "turn_id": "1", "transcript_path": null,
                "cwd": s.repo, "model": "m", "permission_mode": "default",
                "hook_event_name": "PreToolUse", "tool_name": "Bash",
                "tool_input": {"command": command}, "tool_use_id": format!("a{i}"),
            });
            let reply = s.hook("codex", Some(&task), &payload.to_string());
            told("codex", "PreToolUse", &reply).verdict()
        };
        assert_eq!(verdict(argv.clone()), verdict(json!(text)), "{argv}");
    }
}

#[test]
fn bad_input_is_denied_in_each_dialect() {
    let s = setting();
    let common: [&str; 4] = ["", "{", "[1]", "\u{0}\u{ff}"];
    let specific = [
        (
            "codex",
            vec![
                json!({"hook_event_name": "PreToolUse"}),
                json!({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}),
                json!({"hook_event_name": "SomethingNew", "tool_name": "Bash", "cwd": "/"}),
            ],
        ),
        (
            "cursor",
            vec![
                json!({"hook_event_name": "beforeShellExecution", "cwd": "/"}),
                json!({"hook_event_name": "beforeShellExecution", "command": "ls", "cwd": ""}),
                json!({"hook_event_name": "beforeReadFile", "workspace_roots": ["/"]}),
                json!({"hook_event_name": "beforeMCPExecution", "workspace_roots": ["/"]}),
                json!({"hook_event_name": "beforeSomethingNew", "workspace_roots": ["/"]}),
            ],
        ),
        (
            "gemini",
            vec![
                json!({"hook_event_name": "BeforeTool", "cwd": "/"}),
                json!({"hook_event_name": "BeforeTool", "tool_name": "run_shell_command"}),
                json!({"hook_event_name": "SomethingNew", "tool_name": "read_file", "cwd": "/"}),
            ],
        ),
    ];
    for (dialect, payloads) in specific {
        let texts = common
            .iter()
            .map(|t| t.to_string())
            .chain(payloads.iter().map(Value::to_string));
        for text in texts {
            let reply = s.hook(dialect, None, &text);
            let event = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["hook_event_name"].as_str().map(str::to_string))
                .unwrap_or_default();
            let event = match (dialect, event.as_str()) {
                ("codex", "SomethingNew") => "PreToolUse".to_string(),
                ("gemini", "SomethingNew") => "BeforeTool".to_string(),
                _ => event,
            };
            let got = told(dialect, &event, &reply);
            assert!(
                matches!(got, Told::Denied(_)),
                "{dialect} {text:?}: {reply:?}"
            );
        }
    }
    let unknown = s.hook("nope", None, "{}");
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.answer["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
}

#[test]
fn file_contents_and_outputs_never_reach_the_audit_trail() {
    let s = setting();
    for (dialect, agent) in [
        ("cursor", "cursor"),
        ("gemini", "gemini"),
        ("codex", "codex"),
    ] {
        let task = s.start_task(agent);
        for path in fixtures(dialect) {
            let text = s.localize(&std::fs::read_to_string(&path).unwrap());
            s.hook(dialect, Some(&task), &text);
        }
    }
    let audit = serde_json::to_string(&s.audit()).unwrap();
    assert!(
        !audit.contains("not-a-real-secret"),
        "a file's contents reached the audit trail"
    );
    assert!(
        !audit.contains("nothing to commit"),
        "a command's output reached the audit trail"
    );
    let approvals = s.writ(&["approvals", "--json"], None, None);
    assert!(!String::from_utf8_lossy(&approvals.stdout).contains("not-a-real-secret"));
}

#[test]
fn a_call_from_another_agents_task_has_no_authority() {
    let s = setting();
    let claude_task = s.start_task("claude-code");
    let payload = shell_payload("gemini", &s, "git push origin feature/x", "x1");
    let reply = s.hook("gemini", Some(&claude_task), &payload);
    let Told::Denied(reason) = told("gemini", "BeforeTool", &reply) else {
        panic!("{reply:?}");
    };
    assert!(reason.contains("delegated to `claude-code`"), "{reason}");
}

// ---- writ install ----

fn install(s: &Setting, agent: &str, dir: &Path, uninstall: bool) -> Output {
    let mut args = vec!["install", agent, "--project", dir.to_str().unwrap()];
    if uninstall {
        args.push("--uninstall");
    }
    s.writ(&args, None, None)
}

/// Each agent's config file, an existing setting and a user's own hook in
/// it, and where writ's entry for the first event sits.
fn config_case(agent: &str) -> (&'static str, Value) {
    match agent {
        "claude" => (
            ".claude/settings.json",
            json!({"model": "opus", "permissions": {"allow": ["Bash(ls *)"]},
                   "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/local/bin/lint-hook"}]}]}}),
        ),
        "codex" => (
            ".codex/hooks.json",
            json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/local/bin/lint-hook", "timeout": 5}]}],
                             "Stop": [{"hooks": [{"type": "command", "command": "/usr/local/bin/notify"}]}]}}),
        ),
        "cursor" => (
            ".cursor/hooks.json",
            json!({"version": 1, "hooks": {"beforeShellExecution": [{"command": "./hooks/lint.sh"}],
                                           "afterFileEdit": [{"command": "./hooks/format.sh"}]}}),
        ),
        _ => (
            ".gemini/settings.json",
            json!({"theme": "GitHub", "general": {"vimMode": true},
                   "hooks": {"BeforeTool": [{"matcher": "write_file", "hooks": [{"type": "command", "command": "/usr/local/bin/lint-hook", "timeout": 5000}]}]}}),
        ),
    }
}

/// writ's handlers in one event's list.
fn writ_handlers<'a>(config: &'a Value, event: &str, dialect: &str) -> Vec<&'a Value> {
    let ours = |h: &&Value| {
        h["command"]
            .as_str()
            .is_some_and(|c| c.ends_with(&format!(" hook {dialect}")))
    };
    config["hooks"][event]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| {
            let nested: Vec<&Value> = e["hooks"].as_array().into_iter().flatten().collect();
            if nested.is_empty() { vec![e] } else { nested }
        })
        .filter(ours)
        .collect()
}

#[test]
fn install_merges_idempotently_keeps_other_settings_and_sets_fail_closed() {
    let s = setting();
    for agent in ["claude", "codex", "cursor", "gemini"] {
        let dir = s.repo.join(format!("proj-{agent}"));
        let (file, existing) = config_case(agent);
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&existing).unwrap()).unwrap();

        let out = install(&s, agent, &dir, false);
        assert!(
            out.status.success(),
            "{agent}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let once = std::fs::read_to_string(&path).unwrap();
        assert!(install(&s, agent, &dir, false).status.success());
        let twice = std::fs::read_to_string(&path).unwrap();
        assert_eq!(once, twice, "{agent}: installing twice changes nothing");

        let config: Value = serde_json::from_str(&once).unwrap();
        check_installed(agent, &config, &existing);

        assert!(install(&s, agent, &dir, true).status.success());
        let removed: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for event in config["hooks"].as_object().unwrap().keys() {
            assert!(
                writ_handlers(&removed, event, agent).is_empty(),
                "{agent} {event}: uninstall leaves no writ entry"
            );
        }
        let mut expected = existing.clone();
        if agent == "cursor" {
            expected["version"] = json!(1);
        }
        assert_eq!(removed, expected, "{agent}: uninstall restores the rest");
    }
}

fn check_installed(agent: &str, config: &Value, existing: &Value) {
    // Every other setting and the user's own hooks are still there.
    for (key, value) in existing.as_object().unwrap() {
        if key != "hooks" {
            assert_eq!(&config[key], value, "{agent}: `{key}` kept");
        }
    }
    for (event, entries) in existing["hooks"].as_object().unwrap() {
        for entry in entries.as_array().unwrap() {
            assert!(
                config["hooks"][event].as_array().unwrap().contains(entry),
                "{agent} {event}: the user's hook kept"
            );
        }
    }
    let (pre, events): (&str, &[&str]) = match agent {
        "claude" => (
            "PreToolUse",
            &[
                "PreToolUse",
                "PermissionRequest",
                "PostToolUse",
                "SessionStart",
            ],
        ),
        "codex" => (
            "PreToolUse",
            &[
                "PreToolUse",
                "PermissionRequest",
                "PostToolUse",
                "SessionStart",
            ],
        ),
        "cursor" => (
            "beforeShellExecution",
            &[
                "beforeShellExecution",
                "beforeMCPExecution",
                "beforeReadFile",
                "afterShellExecution",
                "afterFileEdit",
            ],
        ),
        _ => ("BeforeTool", &["BeforeTool", "AfterTool", "SessionStart"]),
    };
    for event in events {
        assert_eq!(
            writ_handlers(config, event, agent).len(),
            1,
            "{agent}: one writ entry on {event}"
        );
    }
    let handler = writ_handlers(config, pre, agent)[0];
    match agent {
        "claude" => assert_eq!(handler["onFailure"], "block"),
        "cursor" => {
            assert_eq!(config["version"], 1);
            for event in [
                "beforeShellExecution",
                "beforeMCPExecution",
                "beforeReadFile",
            ] {
                let first = &config["hooks"][event][0];
                assert_eq!(first["failClosed"], true, "cursor {event}: fails closed");
                assert!(
                    first["command"].as_str().unwrap().ends_with(" hook cursor"),
                    "cursor {event}: writ's hook runs first"
                );
            }
        }
        "gemini" => {
            assert_eq!(handler["type"], "command");
            assert_eq!(handler["timeout"], 60_000, "Gemini CLI counts milliseconds");
            assert_eq!(
                config["hooks"][pre].as_array().unwrap().last().unwrap()["matcher"],
                "*"
            );
        }
        _ => {
            assert_eq!(handler["type"], "command");
            assert_eq!(handler["timeout"], 60, "Codex counts seconds");
        }
    }
}

#[test]
fn install_refuses_a_config_it_cannot_read_and_leaves_it_alone() {
    let s = setting();
    for (agent, file) in [
        ("codex", ".codex/hooks.json"),
        ("cursor", ".cursor/hooks.json"),
        ("gemini", ".gemini/settings.json"),
    ] {
        let dir = s.repo.join(format!("broken-{agent}"));
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        for text in ["{ \"hooks\": ", "[]", "{\"hooks\": []}"] {
            std::fs::write(&path, text).unwrap();
            let out = install(&s, agent, &dir, false);
            assert!(!out.status.success(), "{agent} {text:?}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{agent}");
        }
    }
    let out = s.writ(&["install", "vim", "--project", "."], None, None);
    assert!(!out.status.success());
}

#[test]
fn install_creates_a_missing_config_for_the_user() {
    let s = setting();
    for (agent, file) in [
        ("codex", ".codex/hooks.json"),
        ("cursor", ".cursor/hooks.json"),
        ("gemini", ".gemini/settings.json"),
    ] {
        let out = s.writ(&["install", agent, "--user"], None, None);
        assert!(
            out.status.success(),
            "{agent}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(s.home.join(file)).unwrap()).unwrap();
        assert!(
            !writ_handlers(
                &config,
                config["hooks"].as_object().unwrap().keys().next().unwrap(),
                agent
            )
            .is_empty()
        );
        let text = String::from_utf8_lossy(&out.stdout);
        if agent != "cursor" {
            assert!(text.contains("no fail-closed setting"), "{agent}: {text}");
        }
    }
}
