//! The in-process backend against the real binary: the same session gives the same answers, the
//! same store rows and the same exit codes; nothing of an in-process server outlives its session;
//! what only a process has is refused plainly.

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{edits_of, sessions, shape};
use mindgap_e2e::{Options, Server, Workspace, caps_with_encodings};
use serde_json::{Value, json};

/// The tests here start in-process servers; the thread count below needs them one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// A short session: a typed key, a pasted block, a deletion; what it gave the client and the
/// store, and its exit code.
fn session(s: &mut Server, w: &Workspace) -> (Vec<(String, i64, i64)>, Value, Option<i32>) {
    let uri = format!("file://{}/a.py", w.root.display());
    s.open(&uri, 1, "\n\n");
    s.insert(&uri, 2, 0, 0, "x");
    std::thread::sleep(Duration::from_millis(300));
    s.insert(&uri, 3, 1, 0, "def f(a):\n    return a * 2\n");
    std::thread::sleep(Duration::from_millis(300));
    s.change(&uri, 4, vec![mindgap_e2e::range_change((0, 0), (0, 1), "")]);
    let unknown = s
        .request("mindgap/noSuchMethod", json!({}))
        .expect_err("an unknown method");
    let code = s.shutdown_and_exit();
    let rows = shape(&edits_of(&s.db_path(), &uri))
        .into_iter()
        .map(|(c, i, d)| (c.to_string(), i, d))
        .collect();
    (rows, json!(unknown.code), code)
}

#[test]
fn a_session_gives_the_same_answers_rows_and_exit_code_on_both_backends() {
    let _one = one_at_a_time();
    let caps = caps_with_encodings(&["utf-16"]);
    let (wa, wb) = (Workspace::new(), Workspace::new());
    let mut binary = Server::start_in(&wa.home, &wa.root, caps.clone(), Value::Null);
    let mut inproc = Server::in_process(&wb.home, &wb.root, caps, Value::Null);
    assert!(inproc.is_in_process() && !binary.is_in_process());
    let a = session(&mut binary, &wa);
    let b = session(&mut inproc, &wb);
    assert_eq!(a, b, "binary vs in-process");
    assert_eq!(a.2, Some(0));
    assert_eq!(a.0.len(), 3, "{a:?}");
    // One session each, with the client's name.
    for w in [&wa, &wb] {
        let sess = sessions(&w.home.join("mindgap.db"));
        assert_eq!(sess.len(), 1, "{sess:?}");
        assert_eq!(sess[0].client_name.as_deref(), Some("mindgap-e2e"));
    }
}

#[test]
fn exit_codes_follow_the_binary() {
    let _one = one_at_a_time();
    // `exit` without `shutdown`: 1.
    let mut s = Server::in_process_with(Options::default());
    s.initialize(json!({}));
    assert_eq!(s.exit(), Some(1));
    // End of input without `exit`: 1, promptly.
    let mut s = Server::in_process_with(Options::default());
    s.initialize(json!({}));
    let start = Instant::now();
    s.close_stdin();
    assert_eq!(s.wait(Duration::from_secs(4)), Some(1));
    assert!(start.elapsed() < Duration::from_secs(4));
    s.assert_clean_stdout();
}

/// Threads of this process named by mindgap or tokio (Linux names them in /proc).
#[cfg(target_os = "linux")]
fn server_threads() -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|n| n.trim().to_string())
        .filter(|n| n.starts_with("mindgap") || n.starts_with("tokio") || n.starts_with("notify"))
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn nothing_of_an_in_process_server_outlives_its_session() {
    let _one = one_at_a_time();
    let w = Workspace::new();
    for shutdown in [true, false] {
        let mut s = Server::in_process(&w.home, &w.root, json!({}), Value::Null);
        let uri = format!("file://{}/a.py", w.root.display());
        s.open(&uri, 1, "x");
        // The file watcher is running once the workspace folder is being watched.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !server_threads().iter().any(|t| t == "mindgap-watch") {
            assert!(Instant::now() < deadline, "{:?}", server_threads());
            std::thread::sleep(Duration::from_millis(20));
        }
        let code = if shutdown {
            s.shutdown_and_exit()
        } else {
            s.exit()
        };
        assert_eq!(code, Some(if shutdown { 0 } else { 1 }));
        // The runtime, the store's writer and the watcher all end with the session (the
        // workspace folder is still there, so the watcher was not ended by its removal).
        let deadline = Instant::now() + Duration::from_secs(3);
        while !server_threads().is_empty() {
            assert!(
                Instant::now() < deadline,
                "left running after the session (shutdown: {shutdown}): {:?}",
                server_threads()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
#[should_panic(expected = "an in-process server has none")]
fn stderr_is_a_process_thing() {
    let _one = one_at_a_time();
    let s = Server::in_process_with(Options::default());
    let _ = s.stderr();
}

#[test]
#[should_panic(expected = "need the real binary")]
fn arguments_are_a_process_thing() {
    let _ = Server::in_process_with(Options {
        args: vec!["--record".into(), "/tmp/x".into()],
        ..Options::default()
    });
}
