//! Tasks: insert, read, list, touch, end, scope changes.

use writ_core::{ApprovalState, Scope, TaskState};
use writ_store::{Store, StoreError};

use crate::harness::{HOUR, NOW, approval, db, grant, task};

#[test]
fn a_task_reads_back_as_stored() {
    let db = db();
    let mut t = task("task_1");
    t.idle_ms = None;
    t.ended_at = Some(NOW + 5);
    db.store.insert_task(&t).unwrap();
    assert_eq!(db.store.task("task_1").unwrap(), Some(t));
    assert_eq!(db.store.task("task_none").unwrap(), None);
}

#[test]
fn inserting_a_task_twice_is_an_error() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    let err = db.store.insert_task(&task("task_1")).unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { what: "task", .. }),
        "{err:?}"
    );
}

#[test]
fn tasks_are_listed_newest_first() {
    let db = db();
    for (id, at) in [("task_a", NOW), ("task_c", NOW + 2), ("task_b", NOW + 1)] {
        let mut t = task(id);
        t.created_at = at;
        db.store.insert_task(&t).unwrap();
    }
    let ids: Vec<String> = db
        .store
        .tasks()
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, ["task_c", "task_b", "task_a"]);
}

#[test]
fn touch_moves_last_seen_forward_only() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    db.store.touch_task("task_1", NOW + 10).unwrap();
    db.store.touch_task("task_1", NOW + 5).unwrap();
    assert_eq!(
        db.store.task("task_1").unwrap().unwrap().last_seen_at,
        NOW + 10
    );

    let err = db.store.touch_task("task_none", NOW).unwrap_err();
    assert!(matches!(err, StoreError::NoSuchTask(_)), "{err:?}");
}

#[test]
fn ending_a_task_revokes_its_grants_and_expires_its_approvals() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    db.store.insert_task(&task("task_2")).unwrap();
    db.store
        .insert_grant(&grant("grant_1", "task_1", Some(3)))
        .unwrap();
    db.store
        .insert_grant(&grant("grant_2", "task_2", None))
        .unwrap();
    db.store
        .insert_approval(&approval("appr_1", "task_1", "h1"))
        .unwrap();
    db.store
        .insert_approval(&approval("appr_2", "task_2", "h2"))
        .unwrap();

    assert!(
        db.store
            .end_task("task_1", TaskState::Revoked, NOW + 7)
            .unwrap()
    );

    let ended = db.store.task("task_1").unwrap().unwrap();
    assert_eq!(
        (ended.state, ended.ended_at),
        (TaskState::Revoked, Some(NOW + 7))
    );
    assert_eq!(
        db.store.grant("grant_1").unwrap().unwrap().revoked_at,
        Some(NOW + 7)
    );
    assert!(db.store.live_grants("task_1", NOW).unwrap().is_empty());
    let expired = db.store.approval("appr_1").unwrap().unwrap();
    assert_eq!(expired.state, ApprovalState::Expired);
    assert_eq!(expired.decided_at, Some(NOW + 7));

    // The other task is untouched.
    assert_eq!(db.store.live_grants("task_2", NOW).unwrap().len(), 1);
    let other = db.store.approval("appr_2").unwrap().unwrap();
    assert_eq!(other.state, ApprovalState::Pending);
}

#[test]
fn ending_a_task_twice_reports_it_was_not_active() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    assert!(
        db.store
            .end_task("task_1", TaskState::Ended, NOW + 1)
            .unwrap()
    );
    assert!(
        !db.store
            .end_task("task_1", TaskState::Expired, NOW + 2)
            .unwrap()
    );
    let t = db.store.task("task_1").unwrap().unwrap();
    assert_eq!((t.state, t.ended_at), (TaskState::Ended, Some(NOW + 1)));
    assert!(
        !db.store
            .end_task("task_none", TaskState::Ended, NOW)
            .unwrap()
    );
}

#[test]
fn ending_a_task_into_active_is_refused() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    let err = db
        .store
        .end_task("task_1", TaskState::Active, NOW)
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
}

#[test]
fn changing_scope_revokes_the_tasks_grants() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    db.store
        .insert_grant(&grant("grant_1", "task_1", None))
        .unwrap();
    let scope = Scope {
        repos: vec!["octo/other".to_string()],
        ..Scope::default()
    };
    db.store
        .set_task_scope("task_1", &scope, NOW + HOUR / 2)
        .unwrap();

    assert_eq!(db.store.task("task_1").unwrap().unwrap().scope, scope);
    assert!(db.store.live_grants("task_1", NOW).unwrap().is_empty());
    let err = db
        .store
        .set_task_scope("task_none", &scope, NOW)
        .unwrap_err();
    assert!(matches!(err, StoreError::NoSuchTask(_)), "{err:?}");
}
