//! Several processes appending at once: modelled by threads that each open
//! their own store on the same file, racing even to create the schema.

use std::path::Path;
use std::sync::Arc;
use std::sync::Barrier;

use writ_store::{SqliteStore, Store};

use crate::harness::record;

const THREADS: i64 = 4;
const ROUNDS: i64 = 25;

fn writer(path: &Path, thread: i64, start: &Barrier) {
    start.wait();
    let store = SqliteStore::open(path).unwrap();
    for round in 0..ROUNDS {
        let i = thread * 1000 + round;
        if round % 2 == 0 {
            store.append(record(i)).unwrap();
        } else {
            store
                .append_batch(vec![record(i), record(i + 500)])
                .unwrap();
        }
    }
}

/// Runs the writers on a file at `path` and checks the chain they leave.
fn run_writers(path: &Path) {
    let start = Arc::new(Barrier::new(THREADS as usize));
    let handles: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (path, start) = (path.to_path_buf(), Arc::clone(&start));
            std::thread::spawn(move || writer(&path, thread, &start))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }

    let store = SqliteStore::open(path).unwrap();
    let expected = THREADS * (ROUNDS / 2 + 1 + (ROUNDS / 2) * 2);
    let report = store.verify().unwrap();
    assert_eq!(report.first_bad, None);
    assert_eq!(report.records, expected);
    let seqs: Vec<i64> = store
        .audit_tail(usize::MAX)
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, (1..=expected).collect::<Vec<_>>());
}

#[test]
fn four_stores_racing_on_a_new_file_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    run_writers(&dir.path().join("writ.db"));
}

#[test]
fn four_stores_on_an_existing_file_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("writ.db");
    drop(SqliteStore::open(&path).unwrap());
    run_writers(&path);
}
