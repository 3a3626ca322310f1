#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test harness: a failed setup step should stop the test loudly"
)]

//! End-to-end tests of the `writ` binary over a real git repository, a bare
//! remote, real Claude Code payloads and the shared decision cases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

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
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

/// The setting of `shared/cases/README.md`.
fn setting() -> Setting {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let home = root.join("home");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), "key").unwrap();
    std::fs::write(home.join(".aws/credentials"), "[default]").unwrap();
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
    let writ_home = root.join("writ-home");
    Setting {
        _dir: dir,
        repo,
        home,
        writ_home,
    }
}

impl Setting {
    fn writ(&self, args: &[&str], task: Option<&str>, stdin: Option<&str>) -> Output {
        self.writ_as("alice", args, task, stdin)
    }

    fn writ_as(
        &self,
        user: &str,
        args: &[&str],
        task: Option<&str>,
        stdin: Option<&str>,
    ) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_writ"));
        cmd.args(args)
            .current_dir(&self.repo)
            .env("WRIT_HOME", &self.writ_home)
            .env("HOME", &self.home)
            .env("USER", user)
            .env_remove("WRIT_TASK")
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
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("writ ends")
    }

    fn start_task(&self) -> String {
        let out = self.writ(
            &[
                "task",
                "start",
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

    fn hook(&self, task: &str, command: &str, call: &str) -> (i32, Value) {
        let payload = json!({
            "session_id": "s", "transcript_path": "/dev/null", "cwd": self.repo,
            "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command, "description": "d"}, "tool_use_id": call,
        });
        let out = self.writ(&["hook", "claude"], Some(task), Some(&payload.to_string()));
        let answer: Value = serde_json::from_slice(&out.stdout).expect("hook prints JSON");
        (out.status.code().unwrap_or(-1), answer)
    }
}

/// The team's shared cases and captured payloads: `$WRIT_SHARED`, else the
/// `shared/` folder beside the repository (where CI puts it).
fn shared() -> PathBuf {
    let dir = std::env::var_os("WRIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("cases/shell.toml").is_file(),
        "shared cases not found at `{}`: put the team's shared/ folder beside the repository or set WRIT_SHARED",
        dir.display()
    );
    dir
}

#[test]
fn shared_shell_cases_pass() {
    let s = setting();
    let _ = s.writ(&["policy", "check"], None, None);
    let cases = shared().join("cases/shell.toml");
    let out = s.writ(
        &[
            "policy",
            "test",
            cases.to_str().unwrap(),
            "--repo",
            ".",
            "--branch",
            "feature/*",
        ],
        None,
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(" passed, 0 failed"), "{text}");
}

#[test]
fn writs_own_spellings_of_each_class_pass() {
    let s = setting();
    let cases =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/shell-spellings.toml");
    let out = s.writ(
        &[
            "policy",
            "test",
            cases.to_str().unwrap(),
            "--repo",
            ".",
            "--branch",
            "feature/*",
        ],
        None,
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(" passed, 0 failed"), "{text}");
}

#[test]
fn claude_code_fixtures_are_answered() {
    let s = setting();
    let dir = shared().join("fixtures/claude-code/2.1.332");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 40);
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let out = s.writ(&["hook", "claude"], None, Some(&text));
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let answer: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{name}: not JSON"));
        let code = out.status.code().unwrap();
        let denied = answer["hookSpecificOutput"]["permissionDecision"] == "deny";
        // No task is active here: only the read tier may pass.
        let expect_deny = name.contains("PreToolUse.Bash.git-push")
            || name.contains("PreToolUse.Read.env")
            || name.contains("PreToolUse.Write")
            || name.contains("PreToolUse.Edit")
            || name.contains("PreToolUse.mcp__")
            || name.contains("PreToolUse.Bash.rm-rf");
        if name.contains("PreToolUse") {
            assert_eq!(denied, expect_deny, "{name}: {answer}");
            assert_eq!(code, if denied { 2 } else { 0 }, "{name}");
        } else if name.contains("PermissionRequest") {
            assert_eq!(
                answer["hookSpecificOutput"]["decision"]["behavior"], "deny",
                "{name}"
            );
        } else {
            assert_eq!(answer, json!({}), "{name}");
            assert_eq!(code, 0, "{name}");
        }
    }
}

#[test]
fn bad_hook_input_is_denied_not_allowed() {
    let s = setting();
    for input in [
        "",
        "{",
        "[1]",
        "\u{0}\u{ff}",
        "{\"hook_event_name\":\"PreToolUse\"}",
    ] {
        let out = s.writ(&["hook", "claude"], None, Some(input));
        let answer: Value = serde_json::from_slice(&out.stdout).expect("always JSON");
        assert_eq!(
            answer["hookSpecificOutput"]["permissionDecision"], "deny",
            "{input:?}"
        );
        assert_eq!(out.status.code(), Some(2));
    }
}

#[test]
fn push_to_main_needs_approval_and_the_identical_retry_passes() {
    let s = setting();
    let task = s.start_task();
    let (code, answer) = s.hook(&task, "git push origin feature/x", "c1");
    assert_eq!((code, answer.clone()), (0, json!({})), "{answer}");

    let (code, answer) = s.hook(&task, "git push origin HEAD:main", "c2");
    assert_eq!(code, 2);
    let reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_string();
    let id = reason
        .split_whitespace()
        .find(|w| w.starts_with("appr_"))
        .unwrap()
        .trim_end_matches([':', '.', ','])
        .to_string();

    let (code, _) = s.hook(&task, "git push origin HEAD:refs/heads/main", "c3");
    assert_eq!(code, 2, "a different invocation is not covered");

    let approved = s.writ(&["approve", &id], None, None);
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
    let from_agent = s.writ(&["approve", &id], Some(&task), None);
    assert!(
        !from_agent.status.success(),
        "an agent's environment may not approve"
    );

    let (code, answer) = s.hook(&task, "git push origin HEAD:main", "c4");
    assert_eq!((code, answer.clone()), (0, json!({})), "{answer}");
    let (code, _) = s.hook(&task, "git push origin HEAD:main", "c5");
    assert_eq!(code, 2, "--once allows one retry only");

    let verify = s.writ(&["audit", "verify"], None, None);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    let db = rusqlite::Connection::open(s.writ_home.join("writ.db")).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'audit%' AND name != 'audit_head'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let table = &tables[0];
    let changed = db
        .execute(
            &format!("UPDATE {table} SET decision = 'allow' WHERE seq = 3"),
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(db);
    let verify = s.writ(&["audit", "verify"], None, None);
    assert!(!verify.status.success(), "tampering must be detected");
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("record 3"),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[test]
fn an_expired_task_loses_its_authority() {
    let s = setting();
    let out = s.writ(
        &[
            "task",
            "start",
            "--repo",
            ".",
            "--branch",
            "feature/*",
            "--ttl",
            "2s",
        ],
        None,
        None,
    );
    assert!(out.status.success());
    let task = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let (code, _) = s.hook(&task, "git push origin feature/x", "e1");
    assert_eq!(code, 0);
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let (code, answer) = s.hook(&task, "git push origin feature/x", "e2");
    assert_eq!(code, 2, "{answer}");
    let reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("expired"), "{reason}");
    let (code, _) = s.hook(&task, "git status", "e3");
    assert_eq!(code, 0, "reads stay allowed without a task");
    let list = s.writ(&["task", "list", "--json"], None, None);
    let tasks: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(tasks[0]["state"], "expired");
}

#[test]
fn the_daemon_answers_as_the_hook_does() {
    use std::os::unix::fs::PermissionsExt;
    let s = setting();
    let task = s.start_task();
    let commands = [
        "git status",
        "git push origin feature/x",
        "git push origin HEAD:main",
        "cat .env",
        "r''m -rf ~",
    ];
    let direct: Vec<i32> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| s.hook(&task, c, &format!("d{i}")).0)
        .collect();

    let mut daemon = Command::new(env!("CARGO_BIN_EXE_writ"))
        .arg("serve")
        .env("WRIT_HOME", &s.writ_home)
        .env("HOME", &s.home)
        .env("USER", "alice")
        .env_remove("WRIT_TASK")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let socket = s.writ_home.join("writ.sock");
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(socket.exists(), "the daemon made its socket");
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "only the owner may use the socket");
    let before = s
        .writ(&["audit", "tail", "-n", "1000", "--json"], None, None)
        .stdout;
    let via: Vec<i32> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| s.hook(&task, c, &format!("v{i}")).0)
        .collect();
    let after = s
        .writ(&["audit", "tail", "-n", "1000", "--json"], None, None)
        .stdout;
    daemon.kill().unwrap();
    let _ = daemon.wait();
    assert_eq!(direct, via);
    assert_eq!(direct, vec![0, 0, 2, 2, 2]);
    let count = |b: &[u8]| String::from_utf8_lossy(b).lines().count();
    assert_eq!(
        count(&after) - count(&before),
        commands.len(),
        "the daemon recorded each decision"
    );
    let tail = String::from_utf8_lossy(&after);
    assert!(
        tail.contains("\"call_id\":\"v4\""),
        "records carry the call id"
    );
    assert_eq!(
        tail.matches("\"enforcement_point\":\"hook:claude@serve\"")
            .count(),
        commands.len(),
        "the daemon decided each call"
    );
}

#[test]
fn token_shaped_values_never_reach_the_audit_trail() {
    let s = setting();
    let task = s.start_task();
    let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    let commands = [
        format!("curl -H 'Authorization: Bearer {token}' https://api.example.invalid/user"),
        format!("GH_TOKEN={token} gh pr merge 3"),
        format!("echo {token} > notes.txt"),
        format!("git push https://user:{token}@127.0.0.1/x.git HEAD:main"),
        "git push https://bob:hunter2-correct-horse@127.0.0.1/x.git HEAD:main".to_string(),
    ];
    for (i, c) in commands.iter().enumerate() {
        s.hook(&task, c, &format!("t{i}"));
    }
    let tail = s.writ(&["audit", "tail", "-n", "100", "--json"], None, None);
    let text = String::from_utf8_lossy(&tail.stdout);
    assert!(text.lines().count() >= 3, "{text}");
    assert!(
        !text.contains(token),
        "a token reached the audit trail: {text}"
    );
    assert!(
        !text.contains("hunter2-correct-horse"),
        "a URL password reached the audit trail: {text}"
    );
    let approvals = s.writ(&["approvals", "--json"], None, None);
    assert!(!String::from_utf8_lossy(&approvals.stdout).contains(token));
}

#[test]
fn users_extend_the_tool_table_and_a_broken_table_fails_closed() {
    let s = setting();
    let task = s.start_task();
    assert_eq!(
        s.hook(&task, "id -u", "u1").0,
        2,
        "`id` is unknown by default"
    );
    let table = s.writ_home.join("policies/tools.toml");
    std::fs::write(&table, "[tool.id]\noperands = \"none\"\n").unwrap();
    assert_eq!(
        s.hook(&task, "id -u", "u2").0,
        0,
        "a user entry makes it known"
    );
    std::fs::write(&table, "[tool.id]\noperandz = \"none\"\n").unwrap();
    let (code, answer) = s.hook(&task, "git status", "u3");
    assert_eq!(code, 2, "an invalid table stops writ: {answer}");
    let reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("tools.toml"), "{reason}");
}

#[test]
fn pushes_from_another_repository_are_outside_the_task() {
    let s = setting();
    let root = s.repo.parent().unwrap().to_path_buf();
    git(
        &root,
        &["init", "-q", "--bare", "-b", "main", "elsewhere.git"],
    );
    git(&root, &["clone", "-q", "elsewhere.git", "other"]);
    let other = root.join("other");
    std::fs::write(other.join("x"), "x").unwrap();
    git(&other, &["add", "x"]);
    git(&other, &["commit", "-qm", "x"]);
    git(&other, &["checkout", "-q", "-b", "feature/x"]);
    let task = s.start_task();
    let (code, _) = s.hook(&task, "git -C ../other push origin HEAD:feature/x", "o1");
    assert_eq!(code, 2, "the task's branch pattern, but another repository");
    let (code, _) = s.hook(&task, "git -C ../other commit --allow-empty -m y", "o2");
    assert_eq!(
        code, 2,
        "a commit in another repository is outside the task"
    );
    let (code, answer) = s.hook(&task, "git push origin feature/x", "o3");
    assert_eq!((code, answer.clone()), (0, json!({})), "{answer}");
}

fn approval_id(answer: &Value) -> String {
    let reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap_or_default();
    reason
        .split_whitespace()
        .find(|w| w.starts_with("appr_"))
        .map(|w| w.trim_end_matches([':', '.', ',', ')']).to_string())
        .unwrap_or_else(|| panic!("no approval id in {answer}"))
}

fn write_config(s: &Setting, extra: &str) {
    std::fs::create_dir_all(&s.writ_home).unwrap();
    let all =
        r#"["read", "write", "merge", "deploy", "publish", "secret", "destructive", "unknown"]"#;
    std::fs::write(
        s.writ_home.join("writ.toml"),
        format!("{extra}\n[users.alice]\ntiers = {all}\n[users.carol]\ntiers = {all}\n[users.bob]\ntiers = [\"read\", \"write\"]\n[agents.claude-code]\nuser = \"alice\"\n"),
    )
    .unwrap();
}

#[test]
fn a_denied_call_stays_denied_on_retry() {
    let s = setting();
    let task = s.start_task();
    let (_, answer) = s.hook(&task, "git push origin HEAD:main", "n1");
    let id = approval_id(&answer);
    let out = s.writ(
        &["deny", &id, "--reason", "not before the release"],
        None,
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, answer) = s.hook(&task, "git push origin HEAD:main", "n2");
    assert_eq!(code, 2);
    let reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("not before the release"), "{reason}");
    assert!(
        !reason.contains("appr_") || reason.contains(&id),
        "no new approval is asked for: {reason}"
    );
}

#[test]
fn approvers_must_hold_the_authority_and_the_two_person_rule_holds() {
    let s = setting();
    write_config(&s, "[approvals]\ntwo_person = [\"merge\"]\n");
    let task = s.start_task();
    let (_, answer) = s.hook(&task, "git push origin HEAD:main", "p1");
    let id = approval_id(&answer);
    let by_alice = s.writ_as("alice", &["approve", &id], None, None);
    assert!(
        !by_alice.status.success(),
        "the delegating user may not approve a merge under the two-person rule"
    );
    assert!(String::from_utf8_lossy(&by_alice.stderr).contains("two-person"));
    let by_bob = s.writ_as("bob", &["approve", &id], None, None);
    assert!(!by_bob.status.success(), "bob may not merge himself");
    let by_mallory = s.writ_as("mallory", &["approve", &id], None, None);
    assert!(!by_mallory.status.success(), "not a user at all");
    let by_carol = s.writ_as("carol", &["approve", &id], None, None);
    assert!(
        by_carol.status.success(),
        "{}",
        String::from_utf8_lossy(&by_carol.stderr)
    );
    assert_eq!(s.hook(&task, "git push origin HEAD:main", "p2").0, 0);
}

#[test]
fn with_approval_wait_the_hook_holds_the_call_until_it_is_answered() {
    let s = setting();
    write_config(&s, "[defaults]\napproval_wait = \"20s\"\n");
    let task = s.start_task();
    let payload = json!({
        "session_id": "s", "transcript_path": "/dev/null", "cwd": s.repo,
        "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "git push origin HEAD:main"}, "tool_use_id": "w1",
    });
    let mut hook = Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(["hook", "claude"])
        .current_dir(&s.repo)
        .env("WRIT_HOME", &s.writ_home)
        .env("HOME", &s.home)
        .env("USER", "alice")
        .env("WRIT_TASK", &task)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        hook.stdin
            .take()
            .unwrap()
            .write_all(payload.to_string().as_bytes())
            .unwrap();
    }
    let mut id = None;
    for _ in 0..100 {
        let list = s.writ(&["approvals", "--json"], None, None);
        let pending: Value = serde_json::from_slice(&list.stdout).unwrap();
        if let Some(a) = pending.as_array().and_then(|a| a.first()) {
            id = a["id"].as_str().map(str::to_string);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let id = id.expect("the held call asked for approval");
    let out = s.writ(&["approve", &id], None, None);
    assert!(out.status.success());
    let out = hook.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        json!({})
    );
}

#[test]
fn a_bad_policy_is_named_by_file_and_line_and_nothing_is_allowed() {
    let s = setting();
    let task = s.start_task();
    let bad = "// mine\n\n@id(\"mine.deploy\")\npermit(principal, action == Writ::Action::\"deploy\", resource)\nwhen { resource.nmae == \"prod\" };\n";
    std::fs::write(s.writ_home.join("policies/mine.cedar"), bad).unwrap();
    let out = s.writ(&["policy", "check"], None, None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mine.cedar") && err.contains("line 3"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    let (code, _) = s.hook(&task, "git push origin feature/x", "b1");
    assert_eq!(code, 2, "an invalid pack allows nothing");

    std::fs::write(
        s.writ_home.join("policies/mine.cedar"),
        "permit(principal, action, resource) when {",
    )
    .unwrap();
    let out = s.writ(&["policy", "check"], None, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("mine.cedar") && err.contains("line 1"),
        "{err}"
    );
}

#[test]
fn a_corrupt_database_denies_with_a_clear_error() {
    let s = setting();
    let task = s.start_task();
    std::fs::write(s.writ_home.join("writ.db"), b"this is not a database").unwrap();
    let _ = std::fs::remove_file(s.writ_home.join("writ.db-wal"));
    let _ = std::fs::remove_file(s.writ_home.join("writ.db-shm"));
    let (code, answer) = s.hook(&task, "git push origin feature/x", "x1");
    assert_eq!(code, 2, "{answer}");
    let reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("writ.db"), "{reason}");
    let out = s.writ(&["audit", "verify"], None, None);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim().lines().count(),
        1
    );
}

#[test]
fn changing_a_tasks_scope_ends_its_grants() {
    let s = setting();
    let task = s.start_task();
    let (_, answer) = s.hook(&task, "git push origin HEAD:main", "s1");
    let id = approval_id(&answer);
    assert!(
        s.writ(&["approve", &id, "--task"], None, None)
            .status
            .success()
    );
    assert_eq!(s.hook(&task, "git push origin HEAD:main", "s2").0, 0);
    let out = s.writ(
        &[
            "task",
            "scope",
            &task,
            "--repo",
            ".",
            "--branch",
            "feature/*",
            "--branch",
            "fix/*",
        ],
        None,
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        s.hook(&task, "git push origin HEAD:main", "s3").0,
        2,
        "the grant ended with the old scope"
    );
    assert_eq!(
        s.hook(&task, "git push origin HEAD:fix/y", "s4").0,
        0,
        "the new scope applies"
    );
}

#[test]
fn a_permission_request_after_an_allowed_call_neither_spends_nor_records_again() {
    let s = setting();
    let task = s.start_task();
    let (_, answer) = s.hook(&task, "git push origin HEAD:main", "q1");
    let id = approval_id(&answer);
    assert!(s.writ(&["approve", &id], None, None).status.success());
    assert_eq!(s.hook(&task, "git push origin HEAD:main", "q2").0, 0);
    let before = s
        .writ(&["audit", "tail", "-n", "1000", "--json"], None, None)
        .stdout;
    let permission = json!({
        "session_id": "s", "transcript_path": "/dev/null", "cwd": s.repo,
        "hook_event_name": "PermissionRequest", "tool_name": "Bash",
        "tool_input": {"command": "git push origin HEAD:main", "description": "other words"},
        "permission_suggestions": [],
    });
    let out = s.writ(
        &["hook", "claude"],
        Some(&task),
        Some(&permission.to_string()),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        json!({}),
        "the --once grant was not spent twice"
    );
    let after = s
        .writ(&["audit", "tail", "-n", "1000", "--json"], None, None)
        .stdout;
    assert_eq!(before.len(), after.len(), "no second record");

    let other = json!({
        "session_id": "s", "transcript_path": "/dev/null", "cwd": s.repo,
        "hook_event_name": "PermissionRequest", "tool_name": "Bash",
        "tool_input": {"command": "git push origin HEAD:release/1"}, "permission_suggestions": [],
    });
    let out = s.writ(&["hook", "claude"], Some(&task), Some(&other.to_string()));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        answer["hookSpecificOutput"]["decision"]["behavior"], "deny",
        "a call writ never allowed is decided"
    );
}

#[test]
fn the_write_tool_through_a_dangling_link_is_judged_by_the_target() {
    let s = setting();
    let task = s.start_task();
    std::fs::create_dir_all(s.repo.join(".claude")).unwrap();
    std::os::unix::fs::symlink(".claude/settings.local.json", s.repo.join("cs")).unwrap();
    std::os::unix::fs::symlink(s.home.join(".profile"), s.repo.join("prof")).unwrap();
    for (name, call) in [("cs", "l1"), ("prof", "l2")] {
        let payload = json!({
            "session_id": "s", "transcript_path": "/dev/null", "cwd": s.repo,
            "hook_event_name": "PreToolUse", "tool_name": "Write",
            "tool_input": {"file_path": s.repo.join(name), "content": "{}"}, "tool_use_id": call,
        });
        let out = s.writ(&["hook", "claude"], Some(&task), Some(&payload.to_string()));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
