//! Tasks and the 80/20 ratio end to end: LSP commands start and finish a task while a session
//! types, accepts a completion and pastes; `mindgap status --json` and `task show --json` then
//! give the exact shares; editors that ask for it get `mindgap/status`; two servers and the CLI
//! on one store see the same task. The servers run in-process; the CLI runs as the binary.

use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

use mindgap_e2e::{Server, Workspace, run};
use serde_json::{Value, json};

/// A workspace root (a real folder, canonical) and a home, side by side.
fn places() -> (Workspace, PathBuf, PathBuf) {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    (w, root, home)
}

/// UTF-16 positions and the `mindgap/status` notification.
fn caps() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}, "experimental": {"mindgapStatus": true}})
}

/// Types `text` at (line, col), one key every 25 ms (a quick typist, not a machine).
fn type_text(s: &mut Server, uri: &str, version: &mut i32, line: u32, col: u32, text: &str) {
    for (i, c) in text.chars().enumerate() {
        *version += 1;
        s.insert(uri, *version, line, col + i as u32, &c.to_string());
        sleep(Duration::from_millis(25));
    }
}

fn cli(home: &Path, root: &Path, args: &[&str]) -> Value {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend([
        "--home".into(),
        home.display().to_string(),
        "--dir".into(),
        root.display().to_string(),
    ]);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(0), "{all:?}: {}", out.stderr);
    serde_json::from_str(out.stdout_str().trim())
        .unwrap_or_else(|e| panic!("{all:?}: not JSON ({e}): {}", out.stdout_str()))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_task_over_lsp_gives_exact_shares_in_status_and_task_show() {
    let (_tmp, root, home) = places();
    let mut s = Server::in_process(&home, &root, caps(), Value::Null);
    let started = s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.task.start", "arguments": [{"name": "area", "estimate": 2}]}),
    );
    assert_eq!(started.unwrap()["name"], "area");
    let uri = format!("file://{}/area.py", root.display());
    s.open(&uri, 1, "\n\n\n\n");
    let mut v = 1;
    type_text(&mut s, &uri, &mut v, 0, 0, "def area(r):"); // 12 typed
    v += 1;
    s.insert(&uri, v, 0, 12, "\n    "); // Enter and indent: 5 typed
    sleep(Duration::from_millis(25));
    type_text(&mut s, &uri, &mut v, 1, 4, "ret"); // 3 typed
    sleep(Duration::from_millis(300));
    v += 1;
    s.insert(&uri, v, 1, 7, "urn 3.14 * r * r"); // an accepted suggestion: 16
    sleep(Duration::from_millis(1500));
    v += 1;
    s.insert(&uri, v, 3, 0, "def perimeter(r):\n    return 6.28 * r\n"); // a paste: 38

    // The editor hears about it while the task runs.
    let status = s
        .recv_where(Duration::from_secs(5), |m| {
            m["method"] == "mindgap/status" && m["params"]["task"]["work"] == 74
        })
        .expect("a mindgap/status notification with all the work");
    assert_eq!(status["params"]["task"]["name"], "area");
    assert_eq!(status["params"]["task"]["state"], "active");
    assert_eq!(
        status["params"]["task"]["phase"], "late",
        "74 characters is past 80% of the estimate"
    );

    let finished = s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.task.finish", "arguments": []}),
    );
    let finished = finished.unwrap();
    assert_eq!(finished["state"], "finished");
    // The command answers with the exact split, as `task show --json` does.
    assert_eq!(finished["work"], 74, "{finished}");
    assert!(
        close(finished["share"]["overall"].as_f64().unwrap(), 54.0 / 74.0),
        "{finished}"
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));

    // Exact at finish: work 74 = typed 20, then completion 16, then paste 38. The boundary is at
    // 59.2 characters, inside the paste: 23.2 of its characters are early, 14.8 late.
    let st = cli(&home, &root, &["status", "--json"]);
    assert_eq!(st["task"]["name"], "area");
    assert_eq!(st["task"]["state"], "finished");
    assert_eq!(st["task"]["work"], 74);
    assert!(
        close(st["share"]["early"].as_f64().unwrap(), 39.2 / 59.2),
        "{st}"
    );
    assert!(close(st["share"]["late"].as_f64().unwrap(), 1.0), "{st}");
    assert!(
        close(st["share"]["overall"].as_f64().unwrap(), 54.0 / 74.0),
        "{st}"
    );
    assert!(
        st["text"].as_str().unwrap().starts_with("area 100% done"),
        "{st}"
    );
    let show = cli(&home, &root, &["task", "show", "area", "--json"]);
    assert_eq!(show["share"], st["share"]);
    assert_eq!(show["phase"], "late");
    assert!(show["finished"].is_string());
}

#[test]
fn two_servers_and_the_cli_agree_on_one_task() {
    let (_tmp, root, home) = places();
    let out = run([
        "task",
        "start",
        "shared",
        "--home",
        &home.display().to_string(),
        "--dir",
        &root.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let mut a = Server::in_process(&home, &root, caps(), Value::Null);
    let mut b = Server::in_process(&home, &root, caps(), Value::Null);
    let (ua, ub) = (
        format!("file://{}/a.py", root.display()),
        format!("file://{}/b.py", root.display()),
    );
    a.open(&ua, 1, "\n\n");
    b.open(&ub, 1, "\n\n");
    let (mut va, mut vb) = (1, 1);
    type_text(&mut a, &ua, &mut va, 0, 0, "alpha = 1"); // 9 typed
    type_text(&mut b, &ub, &mut vb, 0, 0, "beta = 2"); // 8 typed
    sleep(Duration::from_millis(1500));
    vb += 1;
    b.insert(&ub, vb, 1, 0, "gamma = compute(alpha, beta)\n"); // 29 pasted
    for s in [&mut a, &mut b] {
        let st = s
            .recv_where(Duration::from_secs(5), |m| {
                m["method"] == "mindgap/status" && m["params"]["task"]["name"] == "shared"
            })
            .expect("both editors see the shared task");
        assert_eq!(st["params"]["task"]["state"], "active");
    }
    assert_eq!(a.shutdown_and_exit(), Some(0));
    assert_eq!(b.shutdown_and_exit(), Some(0));
    let show = cli(&home, &root, &["task", "show", "--json"]);
    assert_eq!(show["name"], "shared");
    assert_eq!(show["work"], 9 + 8 + 29);
    let st = cli(&home, &root, &["status", "--json"]);
    assert_eq!(st["task"]["work"], 46);
    assert!(
        close(st["share"]["overall"].as_f64().unwrap(), 29.0 / 46.0),
        "{st}"
    );
}

#[test]
fn status_never_breaks_a_prompt() {
    let (_tmp, root, home) = places();
    for args in [
        vec!["status"],
        vec!["status", "--json"],
        vec!["status", "--format", "{task} {early}"],
    ] {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend([
            "--home".into(),
            home.display().to_string(),
            "--dir".into(),
            root.display().to_string(),
        ]);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(0));
        if args.contains(&"--json") {
            // Always an object, even before the store exists (SPEC section 6).
            let st: Value = serde_json::from_str(out.stdout_str()).expect("one JSON object");
            assert_eq!(st["task"], Value::Null, "{st}");
            assert_eq!(st["workspace"], root.display().to_string());
            assert_eq!(st["learning"]["days_silent"], Value::Null);
            assert_eq!(st["share"]["early"], Value::Null);
            assert_eq!(st["text"], "");
        } else {
            assert_eq!(out.stdout_str(), "\n", "no store yet: an empty line");
        }
    }
    // The learning log speaks even before the store exists.
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("learning-log.md"), "## 2020-01-01\nlifetimes\n").unwrap();
    let out = run([
        "status",
        "--json",
        "--home",
        &home.display().to_string(),
        "--dir",
        &root.display().to_string(),
    ]);
    let st: Value = serde_json::from_str(out.stdout_str()).expect("one JSON object");
    assert_eq!(st["learning"]["last_entry"], "2020-01-01", "{st}");
    assert!(
        st["learning"]["days_silent"].as_i64().unwrap() > 300,
        "{st}"
    );
    std::fs::remove_file(home.join("learning-log.md")).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("mindgap.db"), b"garbage, not a database").unwrap();
    let out = run([
        "status",
        "--home",
        &home.display().to_string(),
        "--dir",
        &root.display().to_string(),
    ]);
    assert_eq!((out.status.code(), out.stdout_str()), (Some(0), "\n"));
    let out = run([
        "status",
        "--json",
        "--home",
        &home.display().to_string(),
        "--dir",
        &root.display().to_string(),
    ]);
    let st: Value = serde_json::from_str(out.stdout_str()).expect("a broken store: still JSON");
    assert_eq!((out.status.code(), &st["task"]), (Some(0), &Value::Null));
}

fn make_work(s: &mut Server, root: &Path) {
    let uri = format!("file://{}/w.py", root.display());
    s.open(&uri, 1, "\n");
    let mut v = 1;
    type_text(s, &uri, &mut v, 0, 0, "x = 1");
}

#[test]
fn other_clients_get_the_line_as_progress_or_messages_or_not_at_all() {
    let (_tmp, root, home) = places();
    run([
        "task",
        "start",
        "p",
        "--home",
        &home.display().to_string(),
        "--dir",
        &root.display().to_string(),
    ]);
    // Progress (the default) for a client that can show it.
    let mut s = Server::in_process(
        &home,
        &root,
        json!({"window": {"workDoneProgress": true}}),
        Value::Null,
    );
    make_work(&mut s, &root);
    let p = s
        .recv_where(Duration::from_secs(5), |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin"
        })
        .expect("a work-done progress with the status line");
    assert!(
        p["params"]["value"]["message"]
            .as_str()
            .unwrap()
            .starts_with("p "),
        "{p}"
    );
    assert!(
        s.received()
            .iter()
            .any(|m| m["method"] == "window/workDoneProgress/create")
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
    // Messages, when asked for.
    let mut s = Server::in_process(
        &home,
        &root,
        json!({"window": {}}),
        json!({"status_via": "message"}),
    );
    make_work(&mut s, &root);
    let m = s
        .recv_where(Duration::from_secs(5), |m| {
            m["method"] == "window/showMessage" && m["params"]["type"] == 3
        })
        .expect("the status line as a message");
    assert!(
        m["params"]["message"]
            .as_str()
            .unwrap()
            .starts_with("mindgap: p "),
        "{m}"
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
    // Off.
    let mut s = Server::in_process(
        &home,
        &root,
        json!({"window": {"workDoneProgress": true}}),
        json!({"mindgap": {"status_via": "off"}}),
    );
    make_work(&mut s, &root);
    s.drain(Duration::from_millis(1500));
    assert!(
        !s.received()
            .iter()
            .any(|m| m["method"] == "$/progress" || m["method"] == "window/showMessage")
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn configuration_problems_are_named_by_key() {
    let (_tmp, root, home) = places();
    std::fs::write(
        root.join("mindgap.toml"),
        "target_early_share = 7\ncolour = \"blue\"\n",
    )
    .unwrap();
    let mut s = Server::in_process(
        &home,
        &root,
        json!({"window": {}}),
        json!({"outside_help": ["typed"]}),
    );
    let m = s
        .recv_where(Duration::from_secs(5), |m| {
            m["method"] == "window/showMessage" && m["params"]["type"] == 1
        })
        .expect("one message about the configuration");
    let text = m["params"]["message"].as_str().unwrap();
    for key in ["`target_early_share`", "`colour`", "`outside_help`"] {
        assert!(text.contains(key), "{key} not named in: {text}");
    }
    // A later bad setting is rejected too; good ones apply.
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"mindgap": {"status_via": "loudly"}}}),
    );
    let m = s
        .recv_where(Duration::from_secs(5), |m| {
            m["method"] == "window/showMessage"
                && m["params"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("`status_via`")
        })
        .expect("the bad value named");
    assert_eq!(m["params"]["type"], 1);
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn switching_git_branches_pauses_one_task_and_resumes_another() {
    let (_tmp, root, home) = places();
    let git = |args: &[&str]| mindgap_e2e::git(&root, args);
    git(&["init", "-q", "-b", "main"]);
    git(&["checkout", "-q", "-b", "feature-a"]);
    let mut s = Server::in_process(&home, &root, caps(), Value::Null);
    let uri = format!("file://{}/f.py", root.display());
    s.open(&uri, 1, "\n\n");
    let mut v = 1;
    type_text(&mut s, &uri, &mut v, 0, 0, "a = 1");
    s.recv_where(Duration::from_secs(5), |m| {
        m["params"]["task"]["name"] == "feature-a"
    })
    .expect("the branch is the task");
    git(&["checkout", "-q", "-b", "feature-b"]);
    type_text(&mut s, &uri, &mut v, 1, 0, "bb = 22");
    s.recv_where(Duration::from_secs(5), |m| {
        m["params"]["task"]["name"] == "feature-b"
    })
    .expect("the new branch's task");
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let out = run([
        "task",
        "list",
        "--home",
        &home.display().to_string(),
        "--dir",
        &root.display().to_string(),
    ]);
    let listing = out.stdout_str();
    assert!(
        listing.contains("paused    feature-a [branch]"),
        "{listing}"
    );
    assert!(
        listing.contains("active    feature-b [branch]"),
        "{listing}"
    );
    let a = cli(&home, &root, &["task", "show", "feature-a", "--json"]);
    let b = cli(&home, &root, &["task", "show", "feature-b", "--json"]);
    assert_eq!((a["work"].as_u64(), b["work"].as_u64()), (Some(5), Some(7)));
}

/// Undo cancels: a paste tried and undone is neither work nor outside help — in the task, the
/// status line and the report — and a redo puts it back.
#[test]
fn a_paste_undone_counts_for_nothing_and_a_redo_puts_it_back() {
    let (_tmp, root, home) = places();
    let mut s = Server::in_process(&home, &root, caps(), Value::Null);
    let started = s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.task.start", "arguments": ["undo"]}),
    );
    assert_eq!(started.unwrap()["name"], "undo");
    let uri = format!("file://{}/u.py", root.display());
    s.open(&uri, 1, "\n\n");
    let mut v = 1;
    let typed = "def typed_by_hand(x):  # seventy-eight characters typed, one at a time"; // 70
    type_text(&mut s, &uri, &mut v, 0, 0, typed);
    type_text(&mut s, &uri, &mut v, 0, 70, " ok ok!!"); // 78 in all
    sleep(Duration::from_millis(300));
    let pasted: String = (0..10)
        .map(|i| format!("value_{i:02} = compute({i}, scale=1.5)\n"))
        .collect();
    assert_eq!(pasted.chars().count(), 330);
    v += 1;
    s.insert(&uri, v, 1, 0, &pasted);
    sleep(Duration::from_millis(400));
    // Undo: the paste goes (the document returns to its state before it).
    v += 1;
    s.change(
        &uri,
        v,
        vec![mindgap_e2e::messages::range_change((1, 0), (11, 0), "")],
    );
    sleep(Duration::from_millis(400));
    s.drain(Duration::from_millis(800));
    let st = cli(&home, &root, &["status", "--json"]);
    assert_eq!(st["task"]["work"], 78, "{st}");
    assert!(close(st["share"]["overall"].as_f64().unwrap(), 0.0), "{st}");
    // Redo: it is back, and counts again.
    v += 1;
    s.insert(&uri, v, 1, 0, &pasted);
    sleep(Duration::from_millis(400));
    s.drain(Duration::from_millis(800));
    let st = cli(&home, &root, &["status", "--json"]);
    assert_eq!(st["task"]["work"], 78 + 330, "{st}");
    assert!(
        close(st["share"]["overall"].as_f64().unwrap(), 330.0 / 408.0),
        "{st}"
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
}
