//! Opening the store: private files, every event kept on close, two writers on one file, and
//! degrading to memory (with the file left alone) when it cannot be used: read-only files with a
//! `-wal` and `-shm`, damaged edit pages, a newer schema, a lock, a disk that fills up mid-session.

use super::*;
use crate::classify::Evidence;
use crate::events::{Class, EditEvent, Source};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
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
    conn.query_row(
        "SELECT (SELECT count(*) FROM edits) + (SELECT coalesce(sum(events), 0) FROM runs)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn creates_private_files_and_keeps_every_event_on_close() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut store = Store::open(&home);
    assert_eq!(store.location(), Location::File(home.join(DB_FILE)));
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
    assert_eq!(store.location(), Location::Memory);
    let warning = store.warning().unwrap();
    assert!(warning.contains("not a SQLite database"), "{warning}");
    assert!(warning.contains(&*path.to_string_lossy()), "{warning}");
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
    assert_eq!(store.location(), Location::Memory);
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
    assert_eq!(store.location(), Location::Memory);
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
    assert_eq!(store.location(), Location::Memory);
    assert!(store.warning().unwrap().contains("upgrade mindgap"));
}

// The failure modes: each gives exactly one warning naming the file, records in memory (a task
// can be started, events are kept), and leaves the store's files byte for byte as they were.

/// Every file in `dir`, by name, with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A store with a session and `n` events whose last session never closed: its `-wal` and
/// `-shm` are beside it (copied while the writer still had it open).
fn crashed_store(home: &Path, n: u32) {
    let live = tempfile::tempdir().unwrap();
    let store = Store::open(live.path());
    store.begin_session(info(), None);
    for i in 0..n {
        store.record(event(i));
    }
    store.flush();
    copy_store(live.path(), home);
    drop(store);
}

fn info() -> SessionInfo {
    SessionInfo {
        kind: "lsp",
        encoding: "utf-8",
        root: Some("/ws".into()),
        ..Default::default()
    }
}

/// Runs a whole session on the store in `home` and checks the degraded path: one warning that
/// contains `expect` and the file's path, a task started and events recorded in memory, and
/// every file in `home` unchanged (nothing added, nothing removed, no byte changed) after close.
fn degrades_untouched(home: &Path, expect: &str) {
    let before = snapshot(home);
    let mut store = Store::open(home);
    assert_eq!(store.location(), Location::Memory);
    let warnings = store.take_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains(expect), "{}", warnings[0]);
    assert!(
        warnings[0].contains(&*home.join(DB_FILE).to_string_lossy()),
        "{}",
        warnings[0]
    );
    store.begin_session(info(), None);
    for i in 0..50 {
        store.record(event(i));
    }
    let task = store.start_task("/ws", "parser", false, None).unwrap();
    assert_eq!(task.name, "parser");
    let edits = store
        .run(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM edits) + (SELECT coalesce(sum(events), 0) FROM runs)",
                [],
                |r| r.get::<_, i64>(0),
            )
        })
        .unwrap()
        .unwrap();
    assert_eq!(edits, 50);
    let tasks = store
        .read(|db| db.unwrap().tasks("/ws").unwrap().len())
        .unwrap();
    assert_eq!(tasks, 1);
    store.close();
    assert!(store.take_warnings().is_empty(), "a second warning");
    assert!(snapshot(home) == before, "the store's files were changed");
}

/// Makes `files` read-only for this process: mode 0444, and for a process that may write
/// anyway (root) the immutable attribute; `None` when that cannot be done here.
struct ReadOnly(Vec<std::path::PathBuf>);

impl ReadOnly {
    fn make(files: &[std::path::PathBuf]) -> Option<ReadOnly> {
        for f in files {
            fs::set_permissions(f, fs::Permissions::from_mode(0o444)).unwrap();
        }
        let guard = ReadOnly(files.to_vec());
        if fs::OpenOptions::new().write(true).open(&files[0]).is_err() {
            return Some(guard);
        }
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .args(files)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .args(&self.0)
            .stderr(std::process::Stdio::null())
            .status();
        for f in &self.0 {
            let _ = fs::set_permissions(f, fs::Permissions::from_mode(0o600));
        }
    }
}

#[test]
fn read_only_files_with_wal_and_shm_degrade_and_are_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    crashed_store(&home, 300);
    let files: Vec<_> = [DB_FILE, "mindgap.db-wal", "mindgap.db-shm"]
        .iter()
        .map(|n| home.join(n))
        .collect();
    let Some(_guard) = ReadOnly::make(&files) else {
        eprintln!("skipped: cannot make files read-only for this process here");
        return;
    };
    degrades_untouched(&home, "read-only");
}

/// Overwrites the root page of `table` in the database file at `path` (the schema stays
/// readable).
fn corrupt_table(path: &Path, table: &str) {
    let (root, page_size): (i64, i64) = {
        let conn = Connection::open(path).unwrap();
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        (root, size)
    };
    let mut bytes = fs::read(path).unwrap();
    let at = ((root - 1) * page_size) as usize;
    for (i, b) in bytes[at..at + page_size as usize].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    fs::write(path, bytes).unwrap();
}

#[test]
fn a_store_with_damaged_edit_pages_and_a_wal_degrades_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    {
        let store = Store::open(&clean);
        store.begin_session(info(), None);
        for i in 0..3000 {
            store.record(event(i));
        }
    }
    corrupt_table(&clean.join(DB_FILE), "edits");
    // A session that wrote elsewhere and never closed: a -wal and -shm beside the damage.
    let conn = Connection::open(clean.join(DB_FILE)).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; INSERT INTO stash (subject, created_ms, class, text) VALUES ('a', 1, 'paste', 'x');")
        .unwrap();
    let home = dir.path().join("home");
    copy_store(&clean, &home);
    drop(conn);
    degrades_untouched(&home, "damaged");
}

/// Copies a store with its `-wal` and `-shm`, as a session left them, into `home` (created).
fn copy_store(from: &Path, home: &Path) {
    fs::create_dir_all(home).unwrap();
    for name in [DB_FILE, "mindgap.db-wal", "mindgap.db-shm"] {
        fs::copy(from.join(name), home.join(name)).unwrap();
    }
}

#[test]
fn a_newer_store_with_a_wal_degrades_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    drop(Store::open(&clean));
    let conn = Connection::open(clean.join(DB_FILE)).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA user_version = 99;")
        .unwrap();
    let home = dir.path().join("home");
    copy_store(&clean, &home);
    drop(conn);
    degrades_untouched(&home, "upgrade mindgap");
}

#[test]
fn a_store_locked_by_another_connection_opens_at_once_and_degrades() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()));
    let holder = Connection::open(dir.path().join(DB_FILE)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let began = std::time::Instant::now();
    let store = Store::open(dir.path());
    assert!(began.elapsed() < std::time::Duration::from_millis(50));
    assert_eq!(store.location(), Location::Memory);
    assert!(began.elapsed() < std::time::Duration::from_secs(2));
    let warnings = store.take_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("locked"), "{}", warnings[0]);
    assert!(store.start_task("/ws", "t", false, None).is_ok());
}

#[test]
fn a_store_that_fills_up_mid_session_goes_on_in_memory_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path());
    store.begin_session(info(), None);
    store.record(event(0));
    store.flush();
    // The disk is "full": the file may not grow by another page.
    store
        .run(|c| {
            let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
            c.pragma_update(None, "max_page_count", pages).unwrap();
        })
        .unwrap();
    for i in 1..5000 {
        store.record(event(i));
    }
    store.flush();
    assert_eq!(store.location(), Location::Memory);
    let warnings = store.take_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("disk is full"), "{}", warnings[0]);
    let in_memory = store
        .run(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM edits) + (SELECT coalesce(sum(events), 0) FROM runs)",
                [],
                |r| r.get::<_, i64>(0),
            )
        })
        .unwrap()
        .unwrap();
    assert_eq!(in_memory, 4999, "what was pending went to memory");
    for i in 5000..5100 {
        store.record(event(i));
    }
    store.close();
    assert!(store.take_warnings().is_empty(), "a second warning");
    assert_eq!(count(&dir.path().join(DB_FILE)), 1);
}

#[test]
fn a_store_left_readable_by_others_is_made_private_once_it_passes_its_check() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()));
    let path = dir.path().join(DB_FILE);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open(dir.path());
    assert_eq!(store.location(), Location::File(path.clone()));
    store.begin_session(info(), None);
    store.record(event(1));
    store.flush();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for f in [DB_FILE, "mindgap.db-wal", "mindgap.db-shm"] {
        assert_eq!(mode(&dir.path().join(f)), 0o600, "{f}");
    }
}
