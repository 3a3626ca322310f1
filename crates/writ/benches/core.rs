//! The core budgets of DESIGN.md, each measured against a baseline run in
//! the same process:
//!
//! 1. one decision with 1,000 policies and 10,000 live grants, against
//!    plain Cedar over the same policy set;
//! 2. `writ hook claude` wall time per call, with and without the daemon,
//!    against spawning `/bin/true`;
//! 3. durable, hash-chained audit appends per second, against only hashing
//!    the same records;
//! 4. the daemon's idle memory.
//!
//! Run: `cargo bench -p writ --bench core`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark harness: a failed setup step should stop it loudly"
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use writ_core::{
    AuditRecord, Grant, GrantScope, Operation, Resource, ResourceKind, Tier, now_millis,
};
use writ_policy::{GrantIndex, PolicyPack, Principal, Query, TaskFacts};
use writ_store::{SqliteStore, Store};

fn main() {
    println!("writ core benchmarks ({} cores)\n", cores());
    decision();
    hook();
    audit();
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at]
}

/// 1,000 generated policies over many users and resources, beside the
/// shipped pack.
fn generated_policies() -> String {
    let mut out = String::new();
    for i in 0..500 {
        out.push_str(&format!(
            "@id(\"gen.merge.{i}\")\npermit(principal == Writ::User::\"u{i}\", action == Writ::Action::\"merge\", resource)\nwhen {{ resource.name like \"origin:refs/heads/rel-{i}*\" }};\n"
        ));
        out.push_str(&format!(
            "@id(\"gen.forbid.{i}\")\nforbid(principal, action, resource == Writ::Resource::\"/srv/data/{i}\")\nwhen {{ context.task.active }};\n"
        ));
    }
    out
}

fn decision() {
    let mut files: Vec<(String, String)> = writ_policy::SHIPPED
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    files.push(("generated.cedar".into(), generated_policies()));
    let pack = PolicyPack::from_files(&files, &[]).expect("the generated pack validates");
    let now = now_millis();
    let grants: Vec<Grant> = (0..10_000)
        .map(|i| Grant {
            id: format!("grant_{i}"),
            task_id: format!("task_{}", i % 1000),
            scope: GrantScope::Invocation {
                hash: format!("{i:064x}"),
            },
            tier: Tier::Merge,
            granted_by: "alice".into(),
            approval_id: None,
            created_at: now,
            expires_at: now + 3_600_000,
            uses_left: Some(1),
            revoked_at: None,
        })
        .collect();
    let index = GrantIndex::new(grants, now);
    let mut resource = Resource::new(ResourceKind::GitRef, "origin:refs/heads/main");
    resource.branch = Some("main".into());
    let op = Operation::new("git.push", resource, Tier::Merge);
    let facts = TaskFacts {
        active: true,
        id: "task_7".into(),
        user: "alice".into(),
        purpose: String::new(),
    };
    let tiers: Vec<String> = Tier::ALL.iter().map(|t| t.as_str().to_string()).collect();
    // Task 7 holds grant 7007, whose hash this invocation has.
    let hash = format!("{:064x}", 7007);

    let indexed = |granted: bool| {
        let query = Query {
            operation: &op,
            task: &facts,
            in_scope: false,
            granted,
            enforcement_point: "bench",
        };
        pack.decide("claude-code", "alice", &tiers, &query)
    };
    let plain = |granted: bool| {
        let query = Query {
            operation: &op,
            task: &facts,
            in_scope: false,
            granted,
            enforcement_point: "bench",
        };
        let agent = pack.evaluate_unindexed(
            &Principal::Agent {
                name: "claude-code",
                user: "alice",
            },
            &query,
        );
        let user = pack.evaluate_unindexed(
            &Principal::User {
                name: "alice",
                tiers: &tiers,
            },
            &Query {
                granted: false,
                ..query.clone()
            },
        );
        (agent, user)
    };

    // The index must not change any answer.
    let granted = index.covering("task_7", &hash, &op, now).is_some();
    assert!(granted, "the grant is found");
    let verdict = indexed(granted);
    let (agent, user) = plain(granted);
    assert!(agent.allowed && user.allowed && verdict.verdict == writ_core::Verdict::Allow);

    let rounds = 2_000;
    let mut writ_times = Vec::with_capacity(rounds);
    let mut cedar_times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        let granted = index.covering("task_7", &hash, &op, now).is_some();
        black_box(indexed(granted));
        writ_times.push(t.elapsed());
        let t = Instant::now();
        black_box(plain(true));
        cedar_times.push(t.elapsed());
    }
    let (w50, w99) = (
        percentile(&mut writ_times, 0.5),
        percentile(&mut writ_times, 0.99),
    );
    let (c50, c99) = (
        percentile(&mut cedar_times, 0.5),
        percentile(&mut cedar_times, 0.99),
    );
    println!(
        "1. decision, {} policies, {} live grants (agent + user ceiling, grant lookup)",
        pack.len(),
        index.len()
    );
    println!("   writ (indexed)     p50 {w50:>10.1?}  p99 {w99:>10.1?}");
    println!("   plain Cedar (same) p50 {c50:>10.1?}  p99 {c99:>10.1?}");
    println!(
        "   ratio writ/Cedar   p50 {:.3}  p99 {:.3}   budget: p99 <= 20 µs\n",
        w50.as_secs_f64() / c50.as_secs_f64(),
        w99.as_secs_f64() / c99.as_secs_f64()
    );
}

struct Setting {
    _dir: tempfile::TempDir,
    repo: PathBuf,
    home: PathBuf,
    writ_home: PathBuf,
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.email=b@example.invalid", "-c", "user.name=b"])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(ok.status.success());
}

fn setting() -> Setting {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let home = root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    git(&root, &["init", "-q", "--bare", "-b", "main", "remote.git"]);
    git(&root, &["init", "-q", "-b", "feature/x", "repo"]);
    let repo = root.join("repo");
    std::fs::write(repo.join("a"), "a").unwrap();
    git(&repo, &["add", "a"]);
    git(&repo, &["commit", "-qm", "a"]);
    git(&repo, &["remote", "add", "origin", "../remote.git"]);
    Setting {
        _dir: dir,
        repo,
        home,
        writ_home: root.join("writ-home"),
    }
}

fn writ(s: &Setting) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_writ"));
    cmd.current_dir(&s.repo)
        .env("WRIT_HOME", &s.writ_home)
        .env("HOME", &s.home)
        .env("USER", "alice")
        .env_remove("WRIT_TASK");
    cmd
}

fn time_runs(rounds: usize, mut run: impl FnMut()) -> Duration {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        run();
        times.push(t.elapsed());
    }
    percentile(&mut times, 0.5)
}

fn hook_call(s: &Setting, task: &str, payload: &str) {
    use std::io::Write;
    let mut child = writ(s)
        .args(["hook", "claude"])
        .env("WRIT_TASK", task)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.as_bytes())
        .unwrap();
    child.wait().unwrap();
}

fn hook() {
    let s = setting();
    let out = writ(&s)
        .args([
            "task",
            "start",
            "--repo",
            ".",
            "--branch",
            "feature/*",
            "--json",
        ])
        .output()
        .unwrap();
    let task: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let task = task["id"].as_str().unwrap().to_string();
    let payload = |command: &str, id: usize| {
        json!({
            "session_id": "s", "transcript_path": "/dev/null", "cwd": s.repo,
            "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command}, "tool_use_id": format!("b{id}"),
        })
        .to_string()
    };
    let rounds = 60;
    let baseline = time_runs(rounds, || {
        Command::new("/bin/true").status().unwrap();
    });
    let mut n = 0;
    let mut timed = |command: &str| {
        time_runs(rounds, || {
            n += 1;
            hook_call(&s, &task, &payload(command, n));
        })
    };
    let read_direct = timed("git status");
    let push_direct = timed("git push origin HEAD:main");

    let mut daemon = writ(&s)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let socket = s.writ_home.join("writ.sock");
    while !socket.exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    let rss = std::fs::read_to_string(format!("/proc/{}/status", daemon.id()))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "VmRSS: ?".into());
    let mut n = 10_000;
    let mut timed = |command: &str| {
        time_runs(rounds, || {
            n += 1;
            hook_call(&s, &task, &payload(command, n));
        })
    };
    let read_daemon = timed("git status");
    let push_daemon = timed("git push origin HEAD:main");
    daemon.kill().unwrap();
    let _ = daemon.wait();

    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "2. `writ hook claude`, process start to answer, decision record durable (median of {rounds})"
    );
    println!("   baseline: spawn /bin/true       {baseline:>10.1?}");
    println!(
        "   read, no daemon                  {read_direct:>10.1?}  ({:.1}x baseline)",
        ratio(read_direct)
    );
    println!(
        "   push to main, no daemon          {push_direct:>10.1?}  ({:.1}x baseline)",
        ratio(push_direct)
    );
    println!(
        "   read, via daemon                 {read_daemon:>10.1?}  ({:.1}x baseline)",
        ratio(read_daemon)
    );
    println!(
        "   push to main, via daemon         {push_daemon:>10.1?}  ({:.1}x baseline)",
        ratio(push_daemon)
    );
    println!("   budget: median <= 3 ms");
    println!(
        "4. daemon idle memory: {}   budget: <= 20 MiB\n",
        rss.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")
    );
}

fn record(i: usize) -> AuditRecord {
    AuditRecord {
        seq: 0,
        time: now_millis(),
        kind: "decision".into(),
        user: Some("alice".into()),
        agent: Some("claude-code".into()),
        task_id: Some("task_bench".into()),
        enforcement_point: "bench".into(),
        call_id: Some(format!("toolu_{i}")),
        decision: Some(writ_core::Verdict::Allow),
        tier: Some(Tier::Write),
        detail: json!({
            "invocation": {"tool": "Bash", "input": {"command": format!("git push origin feature/x # {i}")}},
            "operations": [{"action": "git.push", "resource": {"kind": "git_ref", "name": "origin:refs/heads/feature/x"}, "tier": "write"}],
            "reasons": [],
            "policies": ["tier.write.in-scope", "user.tiers"],
        }),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn audit() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("bench.db")).unwrap();
    let total = 20_000;
    let batch = 1_000;
    let records: Vec<AuditRecord> = (0..total).map(record).collect();

    let t = Instant::now();
    for r in &records {
        black_box(r.compute_hash());
    }
    let hash_only = t.elapsed();

    let t = Instant::now();
    for chunk in records.chunks(batch) {
        store.append_batch(chunk.to_vec()).unwrap();
    }
    let grouped = t.elapsed();

    let singles = 300;
    let t = Instant::now();
    for r in records.iter().take(singles) {
        store.append(r.clone()).unwrap();
    }
    let single = t.elapsed();
    assert!(store.verify().unwrap().is_intact());

    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    println!("3. audit appends, hash-chained, synchronous=FULL");
    println!(
        "   baseline: hash only              {:>10.0} records/s",
        rate(total, hash_only)
    );
    println!(
        "   group commit ({batch}/transaction)  {:>10.0} records/s  ({:.2}x the time of hashing alone)",
        rate(total, grouped),
        grouped.as_secs_f64() / hash_only.as_secs_f64()
    );
    println!(
        "   one commit per record            {:>10.0} records/s",
        rate(singles, single)
    );
    println!("   budget: >= 50,000 records/s with group commit");
}
