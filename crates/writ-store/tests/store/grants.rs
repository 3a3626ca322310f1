//! Grants: insert, read, liveness, revocation.

use writ_store::{Store, StoreError};

use crate::harness::{HOUR, NOW, db, grant, task};

#[test]
fn a_grant_reads_back_as_stored() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    let g = grant("grant_1", "task_1", Some(2));
    db.store.insert_grant(&g).unwrap();
    assert_eq!(db.store.grant("grant_1").unwrap(), Some(g));
    assert_eq!(db.store.grant("grant_none").unwrap(), None);

    let err = db
        .store
        .insert_grant(&grant("grant_1", "task_1", None))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { what: "grant", .. }),
        "{err:?}"
    );
}

#[test]
fn a_grant_needs_an_existing_task() {
    let db = db();
    let err = db
        .store
        .insert_grant(&grant("grant_1", "task_none", None))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NoSuchTask(ref id) if id == "task_none"),
        "{err:?}"
    );
}

#[test]
fn live_grants_leave_out_revoked_expired_used_up_and_other_tasks() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    db.store.insert_task(&task("task_2")).unwrap();
    let mut revoked = grant("grant_revoked", "task_1", None);
    revoked.revoked_at = Some(NOW);
    let mut expired = grant("grant_expired", "task_1", None);
    expired.expires_at = NOW;
    let grants = [
        grant("grant_unlimited", "task_1", None),
        grant("grant_counted", "task_1", Some(1)),
        grant("grant_used_up", "task_1", Some(0)),
        grant("grant_other_task", "task_2", None),
        revoked,
        expired,
    ];
    for g in &grants {
        db.store.insert_grant(g).unwrap();
    }

    let mut live: Vec<String> = db
        .store
        .live_grants("task_1", NOW)
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    live.sort();
    assert_eq!(live, ["grant_counted", "grant_unlimited"]);
    assert!(
        db.store
            .live_grants("task_1", NOW + HOUR)
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.store.all_grants().unwrap().len(), grants.len());
}

#[test]
fn revoking_a_grant_reports_whether_it_was_live() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    db.store
        .insert_grant(&grant("grant_1", "task_1", None))
        .unwrap();
    assert!(db.store.revoke_grant("grant_1", NOW + 1).unwrap());
    assert!(!db.store.revoke_grant("grant_1", NOW + 2).unwrap());
    assert!(!db.store.revoke_grant("grant_none", NOW).unwrap());
    assert_eq!(
        db.store.grant("grant_1").unwrap().unwrap().revoked_at,
        Some(NOW + 1)
    );
}

#[test]
fn all_grants_are_newest_first() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    for (id, at) in [("grant_a", NOW), ("grant_b", NOW + 2), ("grant_c", NOW + 1)] {
        let mut g = grant(id, "task_1", None);
        g.created_at = at;
        db.store.insert_grant(&g).unwrap();
    }
    let ids: Vec<String> = db
        .store
        .all_grants()
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(ids, ["grant_b", "grant_c", "grant_a"]);
}
