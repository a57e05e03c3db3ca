//! Opening the store: private files, every event kept on close, two writers on one file, and
//! degrading to memory (with the file left alone) when it cannot be used.

use super::*;
use crate::classify::Evidence;
use crate::events::{Class, EditEvent, Source};
use std::sync::Arc;

fn event(i: u32) -> EditEvent {
    EditEvent {
        id: u64::from(i) + 1,
        t: i as f64,
        source: Source::Change,
        subject: Arc::from("file:///ws/a.py"),
        version: i as i32,
        change: 0,
        span: Default::default(),
        inserted: 1,
        deleted: 0,
        hash: u64::MAX - i as u64,
        class: Class::Typed,
        confidence: 0.95,
        evidence: Evidence::OneChar,
        counted: true,
    }
}

fn count(path: &Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row("SELECT count(*) FROM edits", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn creates_private_files_and_keeps_every_event_on_close() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut store = Store::open(&home);
    assert_eq!(store.location(), &Location::File(home.join(DB_FILE)));
    assert!(store.warning().is_none());
    store.begin_session(
        SessionInfo {
            kind: "lsp",
            encoding: "utf-8",
            ..Default::default()
        },
        None,
    );
    for i in 0..2500 {
        store.record(event(i));
    }
    store.close();
    assert_eq!(count(&home.join(DB_FILE)), 2500);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&home), 0o700);
    assert_eq!(mode(&home.join(DB_FILE)), 0o600);
}

#[test]
fn writes_within_the_flush_interval_without_being_asked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    store.begin_session(
        SessionInfo {
            kind: "lsp",
            encoding: "utf-8",
            ..Default::default()
        },
        None,
    );
    store.record(event(1));
    std::thread::sleep(FLUSH_EVERY * 3);
    assert_eq!(count(&dir.path().join(DB_FILE)), 1);
}

#[test]
fn two_stores_on_one_file_both_write() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path());
    let b = Store::open(dir.path());
    for s in [&a, &b] {
        s.begin_session(
            SessionInfo {
                kind: "lsp",
                encoding: "utf-16",
                ..Default::default()
            },
            None,
        );
    }
    for i in 0..300 {
        a.record(event(i));
        b.record(event(i));
    }
    drop(a);
    drop(b);
    assert_eq!(count(&dir.path().join(DB_FILE)), 600);
}

#[test]
fn a_corrupt_file_degrades_to_memory_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let junk = b"this is not a database, but someone's data all the same".repeat(100);
    fs::write(&path, &junk).unwrap();
    let store = Store::open(dir.path());
    assert_eq!(store.location(), &Location::Memory);
    assert!(
        store
            .warning()
            .unwrap()
            .contains("could not open its store")
    );
    store.record(event(1));
    store.flush();
    drop(store);
    assert_eq!(fs::read(&path).unwrap(), junk);
}

#[test]
fn a_home_that_cannot_be_created_degrades_to_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let store = Store::open(&file.join("home"));
    assert_eq!(store.location(), &Location::Memory);
    assert!(
        store
            .warning()
            .unwrap()
            .contains("cannot create the folder")
    );
}

#[test]
fn a_locked_file_degrades_to_memory() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()));
    let holder = Connection::open(dir.path().join(DB_FILE)).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;")
        .unwrap();
    let store = Store::open(dir.path());
    assert_eq!(store.location(), &Location::Memory);
    assert!(
        store.warning().unwrap().contains("locked"),
        "{:?}",
        store.warning()
    );
}

#[test]
fn a_store_from_a_newer_mindgap_degrades_to_memory() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()));
    Connection::open(dir.path().join(DB_FILE))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let store = Store::open(dir.path());
    assert_eq!(store.location(), &Location::Memory);
    assert!(store.warning().unwrap().contains("upgrade mindgap"));
}
