//! Broken stores through the real binary: a store that is read-only (with its `-wal` and `-shm`
//! beside it), damaged in its edit pages, or locked by another process gives exactly one
//! `window/showMessage` warning and one log line naming the file, the session records in memory
//! (`mindgap.task.start` works, the status follows it), the log is not flooded, and the store's
//! files are byte for byte what they were after the whole session, shutdown included. A locked
//! store never delays `initialize`. And every file holding the person's words is 0600 in a 0700
//! folder, even under umask 000.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mindgap_e2e::{Options, Server, file_mode, mindgap_bin, uri};
use rusqlite::Connection;
use serde_json::{Value, json};

const DB: &str = "mindgap.db";

fn server(home: &Path, umask: Option<u32>, args: Vec<String>) -> Server {
    Server::start_with(Options {
        home: Some(home.to_path_buf()),
        args: args.into_iter().map(Into::into).collect(),
        umask,
        ..Options::default()
    })
}

/// Sends `initialize` with `root` as the workspace and `initialized`; how long the answer took.
fn initialize(s: &mut Server, root: &Path) -> Duration {
    let began = Instant::now();
    let root_uri = format!("file://{}", root.display());
    let id = s.send_request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": root_uri,
            "capabilities": {"experimental": {"mindgapStatus": true}},
        }),
    );
    let answer = s.response(id, Duration::from_secs(20));
    let took = began.elapsed();
    assert!(matches!(answer, Some(Ok(_))), "{answer:?}");
    s.notify("initialized", json!({}));
    took
}

/// `mindgap.task.start NAME`: its answer.
fn start_task(s: &mut Server, name: &str) -> Value {
    let params = json!({"command": "mindgap.task.start", "arguments": [name]});
    s.request("workspace/executeCommand", params)
        .unwrap_or_else(|e| panic!("task start failed: {e:?}\n{}", s.stderr()))
}

/// Every file in `dir`, by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A store with a session of typed edits that never closed: its `-wal` and `-shm` beside it
/// (copied from under a live connection), in `home`.
fn crashed_store(home: &Path, edits: usize) {
    let live = tempfile::tempdir().unwrap();
    let path = live.path().join(DB);
    let mut s = server(live.path(), None, Vec::new());
    initialize(&mut s, live.path());
    let doc = uri("crashed.txt");
    s.open(&doc, 1, "");
    for i in 0..edits {
        s.insert(&doc, 2 + i as i32, 0, i as u32, "x");
    }
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; INSERT INTO stash (subject, created_ms, class, text) VALUES ('a', 1, 'paste', 'x');")
        .unwrap();
    fs::create_dir_all(home).unwrap();
    for name in [DB, "mindgap.db-wal", "mindgap.db-shm"] {
        fs::copy(live.path().join(name), home.join(name)).unwrap();
    }
}

/// The degraded session: one warning naming the file, a task started and shown by the status,
/// edits recorded, a clean shutdown, one log line, no flood; returns the warning.
fn degraded_session(home: &Path, expect: &str) -> String {
    let ws = tempfile::tempdir().unwrap();
    let mut s = server(home, None, Vec::new());
    initialize(&mut s, ws.path());
    let msg = s
        .recv_notification("window/showMessage", Duration::from_secs(10))
        .unwrap_or_else(|| panic!("no window/showMessage; stderr:\n{}", s.stderr()));
    assert_eq!(msg["type"], json!(2), "not a warning: {msg}");
    let text = msg["message"].as_str().unwrap().to_string();
    assert!(text.contains(expect), "{text}");
    assert!(text.contains(&*home.join(DB).to_string_lossy()), "{text}");
    assert_eq!(start_task(&mut s, "parser")["name"], json!("parser"));
    let doc = uri("degraded.txt");
    s.open(&doc, 1, "");
    for i in 0..40 {
        s.insert(&doc, 2 + i, 0, i as u32, "y");
    }
    // The status line describes the task kept in memory, with the edits filed under it.
    let status = s.recv_where(Duration::from_secs(10), |m| {
        m["method"] == "mindgap/status" && m["params"]["task"]["work"].as_u64() >= Some(40)
    });
    let status = status.unwrap_or_else(|| panic!("no status with the work; {}", s.stderr()));
    assert_eq!(status["params"]["task"]["name"], json!("parser"));
    // Long enough for several flush ticks: a store retried every half-second would show here.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
    let warnings: Vec<&Value> = (s.received().iter())
        .filter(|m| m["method"] == json!("window/showMessage"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let stderr = s.stderr();
    let lines = |level: &str| stderr.lines().filter(|l| l.contains(level)).count();
    assert_eq!(lines(" WARN "), 1, "{stderr}");
    assert_eq!(lines(" ERROR "), 0, "{stderr}");
    text
}

/// Makes `files` read-only for this process (0444, and the immutable attribute for root);
/// false when that cannot be done here.
fn read_only(files: &[PathBuf], on: bool) -> bool {
    let chattr = |flag: &str| {
        Command::new("chattr")
            .arg(flag)
            .args(files)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !on {
        chattr("-i");
    }
    let mode = if on { 0o444 } else { 0o600 };
    for f in files {
        fs::set_permissions(f, fs::Permissions::from_mode(mode)).unwrap();
    }
    !on || fs::OpenOptions::new().write(true).open(&files[0]).is_err() || chattr("+i")
}

#[test]
fn a_read_only_store_with_wal_and_shm_gives_one_warning_and_is_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    crashed_store(&home, 30);
    let files: Vec<PathBuf> = [DB, "mindgap.db-wal", "mindgap.db-shm"]
        .iter()
        .map(|n| home.join(n))
        .collect();
    if !read_only(&files, true) {
        eprintln!("skipped: cannot make files read-only for this process here");
        return;
    }
    let before = snapshot(&home);
    let text = degraded_session(&home, "read-only");
    let after = snapshot(&home);
    read_only(&files, false);
    assert!(after == before, "the store's files were changed: {text}");
}

#[test]
fn a_store_with_damaged_edit_pages_gives_one_warning_and_is_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    crashed_store(&home, 200);
    // Damage the edits table's root page in the file; the schema (page 1) stays readable.
    let db = home.join(DB);
    let (root, size): (i64, i64) = {
        let c = Connection::open_with_flags(
            format!("file:{}?immutable=1", db.display()),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .unwrap();
        let root = c
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'edits'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (
            root,
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    let mut bytes = fs::read(&db).unwrap();
    let at = ((root - 1) * size) as usize;
    bytes[at..at + size as usize].fill(0xA5);
    fs::write(&db, bytes).unwrap();
    let before = snapshot(&home);
    degraded_session(&home, "damaged");
    assert!(snapshot(&home) == before, "the store's files were changed");
}

#[test]
fn a_locked_store_never_delays_initialize_and_gives_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    crashed_store(&home, 5);
    // Another process holds the store: this test process, through its own connection.
    let holder = Connection::open(home.join(DB)).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;")
        .unwrap();
    let ws = tempfile::tempdir().unwrap();
    let mut s = server(&home, None, Vec::new());
    let took = initialize(&mut s, ws.path());
    eprintln!("initialize answered in {took:?} with the store locked");
    assert!(took < Duration::from_millis(500), "{took:?}");
    let msg = s
        .recv_notification("window/showMessage", Duration::from_secs(10))
        .expect("a warning");
    assert!(msg["message"].as_str().unwrap().contains("locked"), "{msg}");
    assert_eq!(start_task(&mut s, "locked")["name"], json!("locked"));
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
}

/// Runs `mindgap ARGS` under umask 000 with `stdin`.
fn under_umask_000(args: &[&str], stdin: &str, cwd: &Path) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(mindgap_bin())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_file_with_the_persons_words_is_private_even_under_umask_000() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let out = tmp.path().join("out");
    let ws = tmp.path().join("ws");
    fs::create_dir(&ws).unwrap();
    fs::create_dir(&out).unwrap(); // the person's folder, for the report and the JSON export
    let trace = tmp.path().join("session.trace");
    let mut s = server(
        &home,
        Some(0),
        vec!["--record".into(), trace.display().to_string()],
    );
    initialize(&mut s, &ws);
    let doc = uri("private.txt");
    s.open(&doc, 1, "");
    s.insert(&doc, 2, 0, 0, "secret");
    std::thread::sleep(Duration::from_millis(1200));
    // While the server runs, the store's -wal and -shm exist.
    for f in [DB, "mindgap.db-wal", "mindgap.db-shm"] {
        assert_eq!(file_mode(&home.join(f)), 0o600, "{f}");
    }
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
    let h = home.display().to_string();
    let o = |name: &str| out.join(name).display().to_string();
    under_umask_000(&["--home", &h, "learn", "what I learned"], "", &ws);
    under_umask_000(&["--home", &h, "audit"], "parsing by hand\n", &ws);
    under_umask_000(
        &["--home", &h, "audit"],
        "I could not recall the grammar\n",
        &ws,
    );
    under_umask_000(
        &[
            "--home",
            &h,
            "report",
            "--format",
            "html",
            "-o",
            &o("report.html"),
        ],
        "",
        &ws,
    );
    under_umask_000(&["--home", &h, "export", "-o", &o("export.json")], "", &ws);
    under_umask_000(
        &["--home", &h, "export", "--format", "csv", "-o", &o("csv")],
        "",
        &ws,
    );
    assert_eq!(file_mode(&home), 0o700);
    for f in [DB, "learning-log.md", "audit-log.md"] {
        assert_eq!(file_mode(&home.join(f)), 0o600, "{f}");
    }
    assert_eq!(file_mode(&trace), 0o600, "the trace");
    assert_eq!(file_mode(&out.join("csv")), 0o700, "the CSV folder");
    for f in ["report.html", "export.json"] {
        assert_eq!(file_mode(&out.join(f)), 0o600, "{f}");
    }
    for e in fs::read_dir(out.join("csv")).unwrap() {
        let p = e.unwrap().path();
        assert_eq!(file_mode(&p), 0o600, "{}", p.display());
    }
}
