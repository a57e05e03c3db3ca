//! The store on disk: shared by concurrent servers, private, free of code text, and never in the
//! way — a home that cannot be used degrades to memory with one warning.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{edits, edits_of, sessions};
use mindgap_e2e::{Options, Server, caps_with_encodings, file_mode, full_change, uri};
use serde_json::{Value, json};

fn server_at(home: &Path) -> Server {
    Server::start_with(Options {
        home: Some(home.to_path_buf()),
        ..Options::default()
    })
}

/// Types `n` chars into a fresh document, one per version.
fn type_chars(s: &mut Server, doc: &str, n: usize) {
    s.open(doc, 1, "");
    for i in 0..n {
        s.insert(doc, 2 + i as i32, 0, i as u32, "x");
    }
}

#[test]
fn two_servers_on_one_home_both_record_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let mut a = server_at(&home);
    let mut b = server_at(&home);
    a.initialize(caps_with_encodings(&["utf-8"]));
    b.initialize(caps_with_encodings(&["utf-16"]));
    let (da, db) = (uri("two-a.txt"), uri("two-b.txt"));
    a.open(&da, 1, "");
    b.open(&db, 1, "");
    for i in 0..60u32 {
        a.insert(&da, 2 + i as i32, 0, i, "a");
        b.insert(&db, 2 + i as i32, 0, i, "b");
        if i == 30 {
            // Let both writer threads commit a batch while the other is still going.
            std::thread::sleep(Duration::from_millis(700));
        }
    }
    // Their shutdowns overlap too.
    let ia = a.send_request("shutdown", Value::Null);
    let ib = b.send_request("shutdown", Value::Null);
    assert_eq!(
        a.response(ia, Duration::from_secs(10)),
        Some(Ok(Value::Null))
    );
    assert_eq!(
        b.response(ib, Duration::from_secs(10)),
        Some(Ok(Value::Null))
    );
    assert_eq!(a.exit(), Some(0), "{}", a.stderr());
    assert_eq!(b.exit(), Some(0), "{}", b.stderr());
    for s in [&a, &b] {
        assert!(!s.stderr().contains("could not open"), "{}", s.stderr());
    }

    let dbp = home.join("mindgap.db");
    let sess = sessions(&dbp);
    assert_eq!(sess.len(), 2, "{sess:?}");
    let pid_of = |s: &Server| i64::from(s.pid());
    let sa = sess
        .iter()
        .find(|x| x.pid == pid_of(&a))
        .expect("a's session");
    let sb = sess
        .iter()
        .find(|x| x.pid == pid_of(&b))
        .expect("b's session");
    assert_eq!(
        (sa.encoding.as_str(), sb.encoding.as_str()),
        ("utf-8", "utf-16")
    );
    let ea = edits_of(&dbp, &da);
    let eb = edits_of(&dbp, &db);
    assert_eq!(ea.len(), 60);
    assert_eq!(eb.len(), 60);
    assert!(ea.iter().all(|e| e.session_id == sa.id && e.inserted == 1));
    assert!(eb.iter().all(|e| e.session_id == sb.id && e.inserted == 1));
    let versions: Vec<i64> = ea.iter().map(|e| e.version).collect();
    assert_eq!(versions, (2..62).collect::<Vec<_>>());
}

/// Waits for the one warning a degraded store gives, checks that no second one follows, and
/// that the server still records (in memory) and shuts down cleanly.
fn expect_one_warning(s: &mut Server) -> String {
    s.initialize(caps_with_encodings(&["utf-16"]));
    let msg = s
        .recv_notification("window/showMessage", Duration::from_secs(5))
        .unwrap_or_else(|| panic!("no window/showMessage; stderr:\n{}", s.stderr()));
    assert_eq!(msg["type"], json!(2), "not a warning: {msg}");
    // It came after the answer to initialize (the client had said `initialized`).
    let log = s.received();
    let init = log.iter().position(|m| m["id"] == json!(1)).unwrap();
    let warn = log
        .iter()
        .position(|m| m["method"] == json!("window/showMessage"))
        .unwrap();
    assert!(init < warn, "{log:?}");
    let doc = uri("degraded.txt");
    s.open(&doc, 1, "a");
    s.insert(&doc, 2, 0, 1, "b");
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
    let more: Vec<&Value> = s
        .received()
        .iter()
        .filter(|m| m["method"] == json!("window/showMessage"))
        .collect();
    assert_eq!(more.len(), 1, "{more:?}");
    msg["message"].as_str().expect("message text").to_string()
}

#[test]
fn a_home_that_cannot_be_created_gives_one_warning_and_the_server_works() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    fs::write(&file, "not a folder").unwrap();
    let home = file.join("home");
    let mut s = server_at(&home);
    let text = expect_one_warning(&mut s);
    assert!(text.contains(&*home.to_string_lossy()), "{text}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a folder");
}

/// Compares a file with what it held, naming the first difference (not dumping the bytes).
fn assert_same_bytes(path: &Path, before: &[u8]) {
    let now = fs::read(path).unwrap();
    if now != before {
        let at = now.iter().zip(before).position(|(a, b)| a != b);
        panic!(
            "{} was changed: {} bytes before, {} now; first difference at byte {at:?} ({:?} → {:?})",
            path.display(),
            before.len(),
            now.len(),
            at.map(|i| before[i]),
            at.map(|i| now[i]),
        );
    }
}

/// 64 KiB of deterministic noise.
fn noise() -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..65536)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn a_corrupt_store_gives_one_warning_and_is_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    fs::create_dir(&home).unwrap();
    let db = home.join("mindgap.db");
    let junk = noise();
    fs::write(&db, &junk).unwrap();
    let mut s = server_at(&home);
    let text = expect_one_warning(&mut s);
    assert!(text.contains("mindgap.db"), "{text}");
    assert_same_bytes(&db, &junk);
    let names: Vec<PathBuf> = fs::read_dir(&home)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        names,
        vec![db],
        "files were added next to the corrupt store"
    );
}

#[test]
fn a_store_from_a_newer_mindgap_gives_one_warning_and_is_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    fs::create_dir(&home).unwrap();
    let db = home.join("mindgap.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = fs::read(&db).unwrap();
    let mut s = server_at(&home);
    let text = expect_one_warning(&mut s);
    assert!(text.contains("upgrade mindgap"), "{text}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 99);
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1, "the newer store got tables added");
    drop(conn);
    assert_same_bytes(&db, &before);
}

#[test]
fn a_healthy_store_gives_no_warning() {
    let mut s = Server::start();
    s.initialize(json!({}));
    assert!(
        s.recv_notification("window/showMessage", Duration::from_millis(500))
            .is_none()
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn the_store_folder_is_0700_and_its_files_0600() {
    let mut s = Server::start();
    assert!(!s.home().exists(), "the server must create the home itself");
    s.initialize(json!({}));
    let doc = uri("perm.txt");
    type_chars(&mut s, &doc, 3);
    // After `shutdown` everything is written; the WAL and its index exist while the server runs.
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    let check = |s: &Server| {
        assert_eq!(file_mode(s.home()), 0o700, "home folder");
        let mut files = 0;
        for entry in fs::read_dir(s.home()).unwrap() {
            let p = entry.unwrap().path();
            assert_eq!(file_mode(&p), 0o600, "{}", p.display());
            files += 1;
        }
        assert!(files >= 1);
    };
    check(&s);
    assert_eq!(s.exit(), Some(0));
    check(&s);
    assert_eq!(edits_of(&s.db_path(), &doc).len(), 3);
}

#[test]
fn a_home_whose_parents_are_missing_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("deep/er/home");
    let mut s = server_at(&home);
    s.initialize(json!({}));
    type_chars(&mut s, &uri("deep.txt"), 2);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    assert_eq!(file_mode(&home), 0o700);
    assert_eq!(edits(&home.join("mindgap.db")).len(), 2);
}

#[test]
fn the_store_keeps_no_code_text() {
    let mut s = Server::start();
    s.initialize(caps_with_encodings(&["utf-8"]));
    let doc = uri("secret.py");
    let opened = "OPENED_TEXT_q8w7e6r5t4 = 1\n";
    s.open(&doc, 1, opened);
    let pasted = "PASTED_TEXT_z1x2c3v4b5n6m7 = call()\n";
    s.insert(&doc, 2, 1, 0, pasted);
    s.change(&doc, 3, vec![full_change("RELOADED_TEXT_p0o9i8u7y6 = 2\n")]);
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    let mut bytes = Vec::new();
    for entry in fs::read_dir(s.home()).unwrap() {
        bytes.extend(fs::read(entry.unwrap().path()).unwrap());
    }
    assert_eq!(s.exit(), Some(0));
    bytes.extend(fs::read(s.db_path()).unwrap());
    let hay = String::from_utf8_lossy(&bytes);
    for needle in [
        "OPENED_TEXT_q8w7e6r5t4",
        "PASTED_TEXT_z1x2c3v4b5n6m7",
        "RELOADED_TEXT_p0o9i8u7y6",
    ] {
        assert!(
            !hay.contains(needle),
            "the store holds code text {needle:?}"
        );
    }
    assert!(hay.contains("secret.py"), "the document itself is named");
    assert_eq!(edits_of(&s.db_path(), &doc).len(), 2);
}

#[test]
fn edits_reach_the_disk_within_about_a_second_and_survive_a_kill() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let doc = uri("crash.txt");
    type_chars(&mut s, &doc, 5);
    let typed = std::time::Instant::now();
    // Written by the store thread on its own (batches every 500 ms), without shutdown.
    let mut n = 0;
    while typed.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(50));
        if s.db_path().is_file() {
            n = edits_of(&s.db_path(), &doc).len();
            if n == 5 {
                break;
            }
        }
    }
    assert_eq!(n, 5, "edits not on disk 2 s after typing");
    s.kill();
    assert_eq!(edits_of(&s.db_path(), &doc).len(), 5);
    assert_eq!(sessions(&s.db_path()).len(), 1);
}

/// Typing at a person's pace goes into one run of the store, which is written again at every
/// flush as it grows: a kill -9 loses at most the last half-second of it.
#[test]
fn a_growing_run_of_typing_is_on_disk_within_a_second_and_survives_a_kill() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let doc = uri("pace.txt");
    s.open(&doc, 1, "");
    let on_disk_within = |s: &Server, n: usize| {
        let since = std::time::Instant::now();
        while since.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(50));
            if s.db_path().is_file() && edits_of(&s.db_path(), &doc).len() == n {
                return true;
            }
        }
        false
    };
    for round in 0..3 {
        for i in 0..6 {
            let at = round * 6 + i;
            std::thread::sleep(Duration::from_millis(150));
            s.insert(&doc, 2 + at as i32, 0, at as u32, "x");
        }
        assert!(
            on_disk_within(&s, (round + 1) * 6),
            "round {round} not on disk"
        );
    }
    s.kill();
    let edits = edits_of(&s.db_path(), &doc);
    assert_eq!(edits.len(), 18);
    assert!(edits.iter().all(|e| e.class == "typed"), "{edits:?}");
}
