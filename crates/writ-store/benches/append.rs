//! Audit append throughput and the cost of opening an existing database,
//! reported against a baseline measured in the same process: hashing and
//! serialising the same records (what the chain hash covers) without
//! storing them.
//!
//! Run with `cargo bench -p writ-store --bench append`.

#![expect(clippy::unwrap_used, reason = "a bench that fails should stop loudly")]

use std::time::{Duration, Instant};

use serde_json::json;
use writ_core::{AuditRecord, Tier, Verdict, sha256_hex};
use writ_store::{SqliteStore, Store};

const BATCH: i64 = 10_000;
const SINGLES: i64 = 200;
const OPENS: u32 = 200;

fn record(i: i64) -> AuditRecord {
    AuditRecord {
        seq: 0,
        time: 1_700_000_000_000 + i,
        kind: "decision".to_string(),
        user: Some("alice".to_string()),
        agent: Some("claude-code".to_string()),
        task_id: Some("task_3f9c1a2b7d4e6f80".to_string()),
        enforcement_point: "hook:claude".to_string(),
        call_id: Some(format!("toolu_{i:016}")),
        decision: Some(Verdict::Allow),
        tier: Some(Tier::Write),
        detail: json!({
            "invocation": {"tool": "Bash", "command": format!("git commit -m 'step {i}'")},
            "operations": [{"action": "git.commit", "resource": "/src/writ", "tier": "write"}],
            "reasons": ["inside the task's scope"],
            "policies": ["default.write.in_scope"],
        }),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn per_second(n: i64, took: Duration) -> f64 {
    n as f64 / took.as_secs_f64()
}

/// Hashing and serialising alone: the floor under any append.
fn baseline(records: &[AuditRecord]) -> Duration {
    let started = Instant::now();
    let mut prev = String::new();
    for r in records {
        let mut r = r.clone();
        r.prev_hash = prev;
        let text = r.chained_text();
        r.hash = sha256_hex(text.as_bytes());
        std::hint::black_box(text);
        prev = r.hash;
    }
    started.elapsed()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("writ.db");
    let store = SqliteStore::open(&path).unwrap();
    let records: Vec<AuditRecord> = (0..BATCH).map(record).collect();

    let base = baseline(&records);
    let started = Instant::now();
    store.append_batch(records).unwrap();
    let batch = started.elapsed();

    let started = Instant::now();
    for i in 0..SINGLES {
        store.append(record(i)).unwrap();
    }
    let singles = started.elapsed();

    let started = Instant::now();
    for _ in 0..OPENS {
        drop(SqliteStore::open(&path).unwrap());
    }
    let opens = started.elapsed() / OPENS;

    let started = Instant::now();
    let report = store.verify().unwrap();
    let verify = started.elapsed();
    assert!(report.is_intact());

    println!(
        "baseline (hash + json only): {:>10.0} records/s",
        per_second(BATCH, base)
    );
    println!(
        "append_batch of {BATCH}:      {:>10.0} records/s  ({:.2}x baseline time)",
        per_second(BATCH, batch),
        batch.as_secs_f64() / base.as_secs_f64()
    );
    println!(
        "append, one per commit:      {:>10.0} records/s",
        per_second(SINGLES, singles)
    );
    println!(
        "open existing database:      {:>10.1} µs",
        opens.as_secs_f64() * 1e6
    );
    println!(
        "verify {} records:        {:>10.0} records/s",
        report.records,
        per_second(report.records, verify)
    );
}
