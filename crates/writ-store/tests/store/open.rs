//! Opening a database: creation, permissions, reopening, bad files.

use writ_store::{SqliteStore, Store, StoreError};

use crate::harness::{db, task};

#[test]
fn open_creates_the_schema_once_and_reopen_keeps_data() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    let again = db.reopen();
    assert_eq!(again.task("task_1").unwrap(), Some(task("task_1")));

    let versions: i64 = db
        .raw()
        .query_row("SELECT count(*) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 1);
}

#[test]
fn open_uses_wal() {
    let db = db();
    let mode: String = db
        .raw()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[cfg(unix)]
#[test]
fn new_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let db = db();
    let mode = std::fs::metadata(&db.path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_file_that_is_not_sqlite_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("writ.db");
    std::fs::write(
        &path,
        "this is not a database, just some text\n".repeat(200),
    )
    .unwrap();

    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("move it aside"), "{text}");
    assert!(!text.contains('\n') && !text.ends_with('.'), "{text}");
}

#[test]
fn a_damaged_database_is_an_error_not_a_panic() {
    let db = db();
    db.store.insert_task(&task("task_1")).unwrap();
    drop(db.store);
    let mut bytes = std::fs::read(&db.path).unwrap();
    for b in bytes.iter_mut().skip(100) {
        *b = 0xA5;
    }
    std::fs::write(&db.path, bytes).unwrap();
    let _ = std::fs::remove_file(db.path.with_extension("db-wal"));

    let err = SqliteStore::open(&db.path)
        .and_then(|s| s.tasks())
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotADatabase { .. } | StoreError::Corrupt(_)
        ),
        "{err:?}"
    );
}

#[test]
fn a_sqlite_file_of_another_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute("CREATE TABLE tasks (x TEXT)", []).unwrap();
    drop(other);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
}

#[test]
fn a_missing_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/folder/writ.db");
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().starts_with("cannot open database"), "{err}");
}

#[test]
fn a_newer_schema_is_refused() {
    let db = db();
    db.raw()
        .execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (99, 0)",
            [],
        )
        .unwrap();
    let err = SqliteStore::open(&db.path).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err:?}"
    );
}
