//! `commit_decision`: everything a decision writes, or nothing.

use writ_core::Verdict;
use writ_store::{DecisionCommit, Store, StoreError};

use crate::harness::{Db, HOUR, NOW, approval, db, grant, record, task};

fn setup() -> Db {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    db.store
        .insert_grant(&grant("grant_once", "task_1", Some(1)))
        .unwrap();
    db.store
        .insert_grant(&grant("grant_twice", "task_1", Some(2)))
        .unwrap();
    db.store
        .insert_grant(&grant("grant_unlimited", "task_1", None))
        .unwrap();
    db
}

fn commit(use_grants: &[&str], new_approval: bool) -> DecisionCommit {
    DecisionCommit {
        record: record(1),
        touch_task: Some(("task_1".to_string(), NOW + 50)),
        use_grants: use_grants.iter().map(|g| g.to_string()).collect(),
        new_approval: new_approval.then(|| approval("appr_1", "task_1", "hash_1")),
    }
}

fn uses(db: &Db, id: &str) -> Option<i64> {
    db.store.grant(id).unwrap().unwrap().uses_left
}

#[test]
fn a_decision_touches_uses_asks_and_records_together() {
    let db = setup();
    let stored = db
        .store
        .commit_decision(&commit(&["grant_twice", "grant_unlimited"], true))
        .unwrap();

    assert_eq!(stored.seq, 1);
    assert_eq!(stored.decision, Some(Verdict::Deny));
    assert_eq!(db.store.audit_tail(1).unwrap(), vec![stored]);
    assert_eq!(
        db.store.task("task_1").unwrap().unwrap().last_seen_at,
        NOW + 50
    );
    assert_eq!(uses(&db, "grant_twice"), Some(1));
    assert_eq!(uses(&db, "grant_unlimited"), None);
    assert!(db.store.approval("appr_1").unwrap().is_some());
}

#[test]
fn a_grant_named_twice_is_used_once() {
    let db = setup();
    db.store
        .commit_decision(&commit(&["grant_twice", "grant_twice"], false))
        .unwrap();
    assert_eq!(uses(&db, "grant_twice"), Some(1));
}

#[test]
fn a_used_up_grant_writes_nothing() {
    let db = setup();
    db.store
        .commit_decision(&commit(&["grant_once"], false))
        .unwrap();
    let before = db.store.audit_count().unwrap();

    let err = db
        .store
        .commit_decision(&commit(&["grant_twice", "grant_once"], true))
        .unwrap_err();

    assert!(
        matches!(err, StoreError::GrantUnusable(ref id) if id == "grant_once"),
        "{err:?}"
    );
    assert_eq!(db.store.audit_count().unwrap(), before);
    assert_eq!(db.store.approval("appr_1").unwrap(), None);
    assert_eq!(uses(&db, "grant_twice"), Some(2));
    assert!(db.store.verify().unwrap().is_intact());
}

#[test]
fn a_revoked_expired_or_missing_grant_is_unusable() {
    let db = setup();
    db.store.revoke_grant("grant_unlimited", NOW).unwrap();
    let mut late = commit(&["grant_twice"], false);
    late.record.time = NOW + HOUR;

    for attempt in [
        commit(&["grant_unlimited"], false),
        late,
        commit(&["grant_none"], false),
    ] {
        let err = db.store.commit_decision(&attempt).unwrap_err();
        assert!(matches!(err, StoreError::GrantUnusable(_)), "{err:?}");
    }
    assert_eq!(db.store.audit_count().unwrap(), 0);
    assert_eq!(db.store.task("task_1").unwrap().unwrap().last_seen_at, NOW);
}

#[test]
fn a_duplicate_approval_writes_no_record_and_uses_no_grant() {
    let db = setup();
    db.store
        .insert_approval(&approval("appr_1", "task_1", "hash_1"))
        .unwrap();
    let err = db
        .store
        .commit_decision(&commit(&["grant_twice"], true))
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err:?}");
    assert_eq!(db.store.audit_count().unwrap(), 0);
    assert_eq!(uses(&db, "grant_twice"), Some(2));
}

#[test]
fn a_decision_without_a_task_only_appends() {
    let db = db();
    let bare = DecisionCommit {
        record: record(2),
        touch_task: None,
        use_grants: vec![],
        new_approval: None,
    };
    let stored = db.store.commit_decision(&bare).unwrap();
    assert_eq!(stored.seq, 1);
    let err = db
        .store
        .commit_decision(&DecisionCommit {
            touch_task: Some(("task_none".to_string(), NOW)),
            ..bare
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::NoSuchTask(_)), "{err:?}");
    assert_eq!(db.store.audit_count().unwrap(), 1);
}
