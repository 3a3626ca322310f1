#![allow(clippy::unwrap_used)]
use std::time::Instant;
use serde_json::json;
use writ_core::{AuditRecord, Tier, Verdict, canonical_json, sha256_hex};
fn main() {
    let r = AuditRecord {
        seq: 0, time: 1, kind: "decision".into(), user: Some("alice".into()), agent: Some("claude-code".into()),
        task_id: Some("task_3f9c1a2b7d4e6f80".into()), enforcement_point: "hook:claude".into(),
        call_id: Some("toolu_0000000000000001".into()), decision: Some(Verdict::Allow), tier: Some(Tier::Write),
        detail: json!({"invocation": {"tool": "Bash", "command": "git commit -m 'step 1'"},
            "operations": [{"action": "git.commit", "resource": "/src/writ", "tier": "write"}],
            "reasons": ["inside the task's scope"], "policies": ["default.write.in_scope"]}),
        prev_hash: "0".repeat(64), hash: String::new() };
    let n = 20000;
    let t = Instant::now(); for _ in 0..n { std::hint::black_box(serde_json::to_value(&r).unwrap()); } println!("to_value {:?}", t.elapsed()/n);
    let v = serde_json::to_value(&r).unwrap();
    let t = Instant::now(); for _ in 0..n { std::hint::black_box(canonical_json(&v)); } println!("canonical {:?}", t.elapsed()/n);
    let s = canonical_json(&v); println!("len {}", s.len());
    let t = Instant::now(); for _ in 0..n { std::hint::black_box(sha256_hex(s.as_bytes())); } println!("sha {:?}", t.elapsed()/n);
    let t = Instant::now(); for _ in 0..n { std::hint::black_box(serde_json::to_string(&r).unwrap()); } println!("to_string {:?}", t.elapsed()/n);
    let t = Instant::now(); for _ in 0..n { std::hint::black_box(r.compute_hash()); } println!("compute_hash {:?}", t.elapsed()/n);
}
