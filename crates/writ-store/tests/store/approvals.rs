//! Approvals: insert, read, list, reuse on retry, resolution.

use writ_core::{ApprovalState, GrantScope};
use writ_store::{Store, StoreError};

use crate::harness::{HOUR, NOW, approval, db, grant, task};

fn with_pending() -> crate::harness::Db {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    db.store
        .insert_approval(&approval("appr_1", "task_1", "hash_1"))
        .unwrap();
    db
}

#[test]
fn an_approval_reads_back_as_stored() {
    let db = with_pending();
    assert_eq!(
        db.store.approval("appr_1").unwrap(),
        Some(approval("appr_1", "task_1", "hash_1"))
    );
    assert_eq!(db.store.approval("appr_none").unwrap(), None);
    let err = db
        .store
        .insert_approval(&approval("appr_1", "task_1", "x"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Duplicate {
                what: "approval",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn an_approval_needs_an_existing_task() {
    let db = db();
    let err = db
        .store
        .insert_approval(&approval("appr_1", "task_none", "h"))
        .unwrap_err();
    assert!(matches!(err, StoreError::NoSuchTask(_)), "{err:?}");
}

#[test]
fn approvals_filter_by_state_newest_first() {
    let db = with_pending();
    let mut later = approval("appr_2", "task_1", "hash_2");
    later.created_at = NOW + 1;
    db.store.insert_approval(&later).unwrap();
    let mut denied = approval("appr_3", "task_1", "hash_3");
    denied.state = ApprovalState::Denied;
    db.store.insert_approval(&denied).unwrap();

    let ids = |state| -> Vec<String> {
        db.store
            .approvals(state)
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    assert_eq!(ids(Some(ApprovalState::Pending)), ["appr_2", "appr_1"]);
    assert_eq!(ids(Some(ApprovalState::Denied)), ["appr_3"]);
    assert_eq!(ids(None).len(), 3);
    assert!(ids(Some(ApprovalState::Approved)).is_empty());
}

#[test]
fn a_retry_finds_the_unexpired_pending_approval() {
    let db = with_pending();
    let found = db
        .store
        .pending_approval_for("task_1", "hash_1", NOW + 1)
        .unwrap();
    assert_eq!(found.map(|a| a.id).as_deref(), Some("appr_1"));
    assert_eq!(
        db.store
            .pending_approval_for("task_1", "hash_x", NOW)
            .unwrap(),
        None
    );
    assert_eq!(
        db.store
            .pending_approval_for("task_2", "hash_1", NOW)
            .unwrap(),
        None
    );
    assert_eq!(
        db.store
            .pending_approval_for("task_1", "hash_1", NOW + HOUR)
            .unwrap(),
        None
    );

    db.store
        .resolve_approval("appr_1", ApprovalState::Denied, "bob", None, None, NOW)
        .unwrap();
    assert_eq!(
        db.store
            .pending_approval_for("task_1", "hash_1", NOW)
            .unwrap(),
        None
    );
}

#[test]
fn approving_stores_the_grant_and_links_both_ways() {
    let db = with_pending();
    let mut g = grant("grant_1", "task_1", Some(1));
    g.scope = GrantScope::Invocation {
        hash: "hash_1".to_string(),
    };
    let resolved = db
        .store
        .resolve_approval(
            "appr_1",
            ApprovalState::Approved,
            "bob",
            Some("ok once"),
            Some(&g),
            NOW + 5,
        )
        .unwrap();

    assert_eq!(resolved.state, ApprovalState::Approved);
    assert_eq!(resolved.decided_by.as_deref(), Some("bob"));
    assert_eq!(resolved.decided_at, Some(NOW + 5));
    assert_eq!(resolved.reason.as_deref(), Some("ok once"));
    assert_eq!(resolved.grant_id.as_deref(), Some("grant_1"));
    assert_eq!(db.store.approval("appr_1").unwrap(), Some(resolved));
    let stored = db.store.grant("grant_1").unwrap().unwrap();
    assert_eq!(stored.approval_id.as_deref(), Some("appr_1"));
    assert_eq!(stored.scope, g.scope);
}

#[test]
fn denying_records_who_and_why() {
    let db = with_pending();
    let resolved = db
        .store
        .resolve_approval(
            "appr_1",
            ApprovalState::Denied,
            "bob",
            Some("not today"),
            None,
            NOW,
        )
        .unwrap();
    assert_eq!(resolved.state, ApprovalState::Denied);
    assert_eq!(resolved.reason.as_deref(), Some("not today"));
    assert_eq!(resolved.grant_id, None);
}

#[test]
fn an_approval_is_answered_once() {
    let db = with_pending();
    db.store
        .resolve_approval("appr_1", ApprovalState::Denied, "bob", None, None, NOW)
        .unwrap();
    let g = grant("grant_1", "task_1", Some(1));
    let err = db
        .store
        .resolve_approval(
            "appr_1",
            ApprovalState::Approved,
            "carol",
            None,
            Some(&g),
            NOW,
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::ApprovalNotPending {
                state: ApprovalState::Denied,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("is denied, not pending"), "{err}");
    assert_eq!(db.store.grant("grant_1").unwrap(), None);
}

#[test]
fn a_lapsed_approval_cannot_be_approved_but_can_be_expired() {
    let db = with_pending();
    let g = grant("grant_1", "task_1", Some(1));
    let err = db
        .store
        .resolve_approval(
            "appr_1",
            ApprovalState::Approved,
            "bob",
            None,
            Some(&g),
            NOW + HOUR,
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::ApprovalNotPending {
                state: ApprovalState::Expired,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(db.store.grant("grant_1").unwrap(), None);

    let expired = db
        .store
        .resolve_approval(
            "appr_1",
            ApprovalState::Expired,
            "writ",
            None,
            None,
            NOW + HOUR,
        )
        .unwrap();
    assert_eq!(expired.state, ApprovalState::Expired);
}

#[test]
fn an_inconsistent_answer_writes_nothing() {
    let db = with_pending();
    let g = grant("grant_1", "task_1", Some(1));
    let cases = [
        (ApprovalState::Approved, None),
        (ApprovalState::Denied, Some(&g)),
        (ApprovalState::Pending, None),
    ];
    for (state, grant) in cases {
        let err = db
            .store
            .resolve_approval("appr_1", state, "bob", None, grant, NOW)
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    }

    db.store.insert_task(&task("task_2")).unwrap();
    let foreign = grant("grant_2", "task_2", Some(1));
    let err = db
        .store
        .resolve_approval(
            "appr_1",
            ApprovalState::Approved,
            "bob",
            None,
            Some(&foreign),
            NOW,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");

    assert_eq!(
        db.store.approval("appr_1").unwrap().unwrap().state,
        ApprovalState::Pending
    );
    assert!(db.store.all_grants().unwrap().is_empty());
}

#[test]
fn a_failed_grant_insert_leaves_the_approval_pending() {
    let db = with_pending();
    db.store
        .insert_grant(&grant("grant_1", "task_1", None))
        .unwrap();
    let err = db
        .store
        .resolve_approval(
            "appr_1",
            ApprovalState::Approved,
            "bob",
            None,
            Some(&grant("grant_1", "task_1", Some(1))),
            NOW,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err:?}");
    assert_eq!(
        db.store.approval("appr_1").unwrap().unwrap().state,
        ApprovalState::Pending
    );
}

#[test]
fn resolving_an_unknown_approval_is_an_error() {
    let db = db();
    let err = db
        .store
        .resolve_approval("appr_none", ApprovalState::Denied, "bob", None, None, NOW)
        .unwrap_err();
    assert!(matches!(err, StoreError::NoSuchApproval(_)), "{err:?}");
}
