//! Tampering with the file directly (raw SQL on the database) must be
//! detected by `verify`, naming the first bad record.

use rusqlite::Connection;
use writ_core::AuditRecord;
use writ_store::Store;

use crate::harness::{Db, record, with_records};

/// Records in every tamper test.
const N: i64 = 8;

fn first_bad(db: &Db) -> (i64, String) {
    let report = db.store.verify().unwrap();
    let bad = report.first_bad.unwrap();
    (bad.seq, bad.why)
}

/// A stored record as `audit_tail` would return it.
fn stored(conn: &Connection, seq: i64) -> AuditRecord {
    let sql = "SELECT hash, record FROM audit WHERE seq = ?1";
    let (hash, text): (String, String) = conn
        .query_row(sql, [seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let mut record: AuditRecord = serde_json::from_str(&text).unwrap();
    record.hash = hash;
    record
}

/// The text the store keeps: the canonical JSON the hash covers.
fn text(record: &AuditRecord) -> String {
    record.chained_text()
}

/// Writes a row whose columns agree with its (forged) JSON.
fn write_row(conn: &Connection, r: &AuditRecord) {
    conn.execute(
        "INSERT OR REPLACE INTO audit (seq, time, kind, user_name, agent, task_id, call_id, \
         decision, tier, prev_hash, hash, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        rusqlite::params![
            r.seq,
            r.time,
            r.kind,
            r.user,
            r.agent,
            r.task_id,
            r.call_id,
            r.decision.map(|d| d.as_str()),
            r.tier.map(|t| t.as_str()),
            r.prev_hash,
            r.hash,
            text(r)
        ],
    )
    .unwrap();
}

#[test]
fn editing_any_column_is_detected_at_that_record() {
    let cases = [
        ("time", "1"),
        ("kind", "'outcome'"),
        ("user_name", "'mallory'"),
        ("agent", "NULL"),
        ("task_id", "'task_other'"),
        ("call_id", "'toolu_x'"),
        ("decision", "'allow'"),
        ("tier", "'read'"),
        ("prev_hash", "'00'"),
        ("hash", "'ff'"),
    ];
    for (column, value) in cases {
        let db = with_records(N);
        let sql = format!("UPDATE audit SET {column} = {value} WHERE seq = 3");
        assert_eq!(db.raw().execute(&sql, []).unwrap(), 1);
        let (seq, why) = first_bad(&db);
        assert_eq!(seq, 3, "{column}: {why}");
        assert!(why.contains(column), "{column}: {why}");
    }
}

#[test]
fn editing_the_json_is_detected_at_that_record() {
    let db = with_records(N);
    let conn = db.raw();
    let mut r = stored(&conn, 4);
    r.detail["command"] = "git push --force".into();
    conn.execute("UPDATE audit SET record = ?1 WHERE seq = 4", [text(&r)])
        .unwrap();
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 4, "{why}");
    assert!(why.contains("hash does not match"), "{why}");
}

#[test]
fn reformatting_the_json_is_detected() {
    let db = with_records(N);
    db.raw()
        .execute("UPDATE audit SET record = ' ' || record WHERE seq = 2", [])
        .unwrap();
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 2, "{why}");
}

#[test]
fn json_that_does_not_parse_is_detected() {
    let db = with_records(N);
    db.raw()
        .execute("UPDATE audit SET record = 'garbage' WHERE seq = 5", [])
        .unwrap();
    assert_eq!(first_bad(&db).0, 5);
}

#[test]
fn a_rehashed_edit_is_detected_at_the_next_record() {
    let db = with_records(N);
    let conn = db.raw();
    let mut r = stored(&conn, 4);
    r.decision = Some(writ_core::Verdict::Allow);
    r.detail["reasons"] = serde_json::json!(["approved by bob"]);
    r.hash = r.compute_hash();
    write_row(&conn, &r);
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 5, "{why}");
    assert!(why.contains("prev_hash"), "{why}");
}

#[test]
fn deleting_a_record_is_detected() {
    let db = with_records(N);
    db.raw()
        .execute("DELETE FROM audit WHERE seq = 3", [])
        .unwrap();
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 3, "{why}");
    assert!(why.contains("missing"), "{why}");
}

#[test]
fn deleting_the_first_record_is_detected() {
    let db = with_records(N);
    db.raw()
        .execute("DELETE FROM audit WHERE seq = 1", [])
        .unwrap();
    assert_eq!(first_bad(&db).0, 1);
}

#[test]
fn deleting_and_renumbering_is_detected() {
    let db = with_records(N);
    let conn = db.raw();
    conn.execute("DELETE FROM audit WHERE seq = 3", []).unwrap();
    for seq in 4..=N {
        let mut r = stored(&conn, seq);
        conn.execute("DELETE FROM audit WHERE seq = ?1", [seq])
            .unwrap();
        r.seq = seq - 1;
        r.hash = r.compute_hash();
        write_row(&conn, &r);
    }
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 3, "{why}");
    assert!(why.contains("prev_hash"), "{why}");
}

#[test]
fn deleting_the_newest_records_is_detected() {
    let db = with_records(N);
    db.raw()
        .execute("DELETE FROM audit WHERE seq > 6", [])
        .unwrap();
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 7, "{why}");
    assert!(why.contains("audit head"), "{why}");
}

#[test]
fn deleting_the_audit_head_is_detected() {
    let db = with_records(N);
    db.raw().execute("DELETE FROM audit_head", []).unwrap();
    let report = db.store.verify().unwrap();
    assert_eq!(report.first_bad.unwrap().seq, 0);
}

#[test]
fn replacing_the_newest_record_is_detected_by_the_head() {
    let db = with_records(N);
    let conn = db.raw();
    let mut r = stored(&conn, N);
    r.detail["command"] = "rm -rf /".into();
    r.hash = r.compute_hash();
    write_row(&conn, &r);
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, N, "{why}");
    assert!(why.contains("audit head"), "{why}");
}

#[test]
fn appending_a_forged_record_is_detected() {
    let db = with_records(N);
    let conn = db.raw();
    let last = stored(&conn, N);
    let mut forged = record(99);
    forged.seq = N + 1;
    forged.prev_hash = last.hash;
    forged.hash = forged.compute_hash();
    write_row(&conn, &forged);
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, N + 1, "{why}");
    assert!(why.contains("beyond the audit head"), "{why}");
}

#[test]
fn inserting_a_record_in_the_middle_is_detected() {
    let db = with_records(N);
    let conn = db.raw();
    for seq in (4..=N).rev() {
        conn.execute("UPDATE audit SET seq = seq + 1 WHERE seq = ?1", [seq])
            .unwrap();
    }
    let mut forged = record(99);
    forged.seq = 4;
    forged.prev_hash = stored(&conn, 3).hash;
    forged.hash = forged.compute_hash();
    write_row(&conn, &forged);

    // The forgery itself chains correctly; the record it displaced does not.
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 5, "{why}");
}

#[test]
fn swapping_two_records_is_detected() {
    let db = with_records(N);
    let conn = db.raw();
    conn.execute("UPDATE audit SET seq = -1 WHERE seq = 3", [])
        .unwrap();
    conn.execute("UPDATE audit SET seq = 3 WHERE seq = 6", [])
        .unwrap();
    conn.execute("UPDATE audit SET seq = 6 WHERE seq = -1", [])
        .unwrap();
    let (seq, why) = first_bad(&db);
    assert_eq!(seq, 3, "{why}");
    assert!(why.contains("moved"), "{why}");
}

#[test]
fn a_record_before_the_start_is_detected() {
    let db = with_records(N);
    let conn = db.raw();
    let mut forged = record(99);
    forged.seq = 0;
    forged.hash = forged.compute_hash();
    write_row(&conn, &forged);
    assert_eq!(first_bad(&db).0, 0);
}
