//! The audit chain: append, batch, queries, verification of an intact chain.

use writ_store::{GENESIS_HASH, Store};

use crate::harness::{db, record, with_records};

#[test]
fn append_assigns_seq_and_chains_hashes() {
    let db = db();
    let mut input = record(1);
    input.seq = 77;
    input.prev_hash = "forged".to_string();
    let first = db.store.append(input).unwrap();
    let second = db.store.append(record(2)).unwrap();

    assert_eq!((first.seq, second.seq), (1, 2));
    assert_eq!(first.prev_hash, GENESIS_HASH);
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(first.hash, first.compute_hash());
    assert_eq!(second.hash, second.compute_hash());
    assert_eq!(GENESIS_HASH.len(), 64);
}

#[test]
fn a_batch_continues_the_chain() {
    let db = db();
    let first = db.store.append(record(1)).unwrap();
    let batch = db
        .store
        .append_batch((2..=5).map(record).collect())
        .unwrap();
    assert_eq!(
        batch.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    assert_eq!(batch[0].prev_hash, first.hash);
    assert!(batch.windows(2).all(|w| w[1].prev_hash == w[0].hash));
    assert!(db.store.append_batch(vec![]).unwrap().is_empty());
    assert_eq!(db.store.audit_count().unwrap(), 5);
}

#[test]
fn records_read_back_exactly() {
    let db = db();
    let stored = db
        .store
        .append_batch((1..=3).map(record).collect())
        .unwrap();
    assert_eq!(db.store.audit_tail(10).unwrap(), stored);
}

#[test]
fn tail_is_the_last_n_oldest_first() {
    let db = with_records(6);
    let seqs: Vec<i64> = db
        .store
        .audit_tail(3)
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, [4, 5, 6]);
    assert!(db.store.audit_tail(0).unwrap().is_empty());
    assert_eq!(db.store.audit_tail(100).unwrap().len(), 6);
}

#[test]
fn by_call_joins_decision_and_outcome() {
    let db = with_records(3);
    let mut outcome = record(9);
    outcome.kind = "outcome".to_string();
    outcome.call_id = Some("toolu_2".to_string());
    db.store.append(outcome).unwrap();

    let found = db.store.audit_by_call("toolu_2").unwrap();
    let kinds: Vec<(i64, &str)> = found.iter().map(|r| (r.seq, r.kind.as_str())).collect();
    assert_eq!(kinds, [(2, "decision"), (4, "outcome")]);
    assert!(db.store.audit_by_call("toolu_none").unwrap().is_empty());
}

#[test]
fn an_intact_chain_verifies() {
    let empty = db();
    let report = empty.store.verify().unwrap();
    assert_eq!((report.records, report.first_bad), (0, None));

    let db = with_records(50);
    let report = db.store.verify().unwrap();
    assert_eq!((report.records, report.first_bad), (50, None));
}

#[test]
fn a_record_without_optional_fields_verifies() {
    let db = db();
    let mut bare = record(1);
    bare.kind = "session".to_string();
    (bare.user, bare.agent, bare.task_id, bare.call_id) = (None, None, None, None);
    (bare.decision, bare.tier) = (None, None);
    db.store.append(bare).unwrap();
    assert!(db.store.verify().unwrap().is_intact());
}
