//! The practices end to end, through the real binary: the learning log (`mindgap learn`, hand
//! edits, `$EDITOR`), the self-check (`--ratings` and piped answers), the monthly audit (piped
//! answers, end of input), manual tasks broken by outside help, the status line's reminders, and
//! the LSP commands `mindgap.learn` and `mindgap.selfCheck` with the once-a-day reminder. The
//! CLI runs as the binary; the language server runs in-process (the same server stack, no
//! process per test).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use mindgap_e2e::{Server, Workspace, mindgap_bin, wait_timeout};
use serde_json::{Value, json};

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `mindgap ARGS… --home HOME` with `stdin` piped in (closed after it), extra environment.
fn mg_env(home: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(mindgap_bin());
    cmd.args(args)
        .arg("--home")
        .arg(home)
        .env_remove("EDITOR")
        .env_remove("VISUAL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn mindgap");
    let mut input = child.stdin.take().expect("piped");
    let text = stdin.to_string();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let status = wait_timeout(&mut child, Duration::from_secs(20)).unwrap_or_else(|| {
        let _ = child.kill();
        panic!("mindgap {args:?} hung");
    });
    let _ = writer.join();
    Out {
        code: status.code(),
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    }
}

fn mg(home: &Path, args: &[&str], stdin: &str) -> Out {
    mg_env(home, args, stdin, &[])
}

fn ok(home: &Path, args: &[&str], stdin: &str) -> String {
    let o = mg(home, args, stdin);
    assert_eq!(o.code, Some(0), "{args:?}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn db(home: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(home.join("mindgap.db")).unwrap()
}

fn count(home: &Path, table: &str) -> i64 {
    db(home)
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Today's local date as `mindgap learn` writes it (from `date`, so no date library is needed).
fn today() -> String {
    let out = Command::new("date").arg("+%Y-%m-%d").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn learn_appends_dated_entries_and_lists_them() {
    let w = Workspace::new();
    let home = &w.home;
    let empty = ok(home, &["learn", "--list"], "");
    assert!(empty.contains("empty"), "{empty}");
    let said = ok(
        home,
        &[
            "learn", "borrowed", "data", "must", "outlive", "the", "borrow",
        ],
        "",
    );
    assert!(said.contains("learning-log.md"), "{said}");
    ok(home, &["learn", "a second entry the same day"], "");
    let log = std::fs::read_to_string(home.join("learning-log.md")).unwrap();
    let day = today();
    assert_eq!(log.matches(&format!("\n## {day}\n")).count(), 2, "{log}");
    assert!(log.starts_with("# Learning log"));
    let list = ok(home, &["learn", "--list"], "");
    assert_eq!(
        list,
        format!(
            "{day}\n    borrowed data must outlive the borrow\n{day}\n    a second entry the same day\n"
        )
    );
}

#[test]
fn hand_edited_logs_read_back() {
    let w = Workspace::new();
    let home = &w.home;
    std::fs::create_dir_all(home).unwrap();
    std::fs::write(
        home.join("learning-log.md"),
        "My notes, before any heading.\r\n\r\n## 2026-11-20 — lifetimes\r\n\r\n\r\nA reference cannot outlive\r\nits referent.\r\n\r\n## 2026-11-02\r\nolder\r\n",
    )
    .unwrap();
    ok(home, &["learn", "newest"], "");
    let list = ok(home, &["learn", "--list"], "");
    let day = today();
    assert_eq!(
        list,
        format!(
            "2026-11-02\n    older\n2026-11-20 — lifetimes\n    A reference cannot outlive\n    its referent.\n{day}\n    newest\n"
        )
    );
}

#[test]
fn learn_without_text_opens_the_editor_on_the_log() {
    let w = Workspace::new();
    let script = w.root.join("fake-editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '\\n## 2026-01-02\\nwritten in the editor\\n' >> \"$1\"\n",
    )
    .unwrap();
    let o = mg_env(
        &w.home,
        &["learn"],
        "",
        &[("EDITOR", &format!("sh {}", script.display()))],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let log = std::fs::read_to_string(w.home.join("learning-log.md")).unwrap();
    assert!(
        log.starts_with("# Learning log"),
        "created with its header: {log}"
    );
    assert!(
        ok(&w.home, &["learn", "--list"], "").contains("2026-01-02\n    written in the editor")
    );
    // An editor that fails is reported.
    let o = mg_env(&w.home, &["learn"], "", &[("EDITOR", "false")]);
    assert_eq!(o.code, Some(1));
    assert!(o.stderr.contains("editor"), "{}", o.stderr);
}

#[test]
fn a_silent_log_and_a_due_audit_show_in_the_status_line() {
    let w = Workspace::new();
    let (home, root) = (&w.home, w.root.to_str().unwrap());
    ok(home, &["task", "start", "parser", "--dir", root], "");
    let status = ok(home, &["status", "--dir", root], "");
    assert!(status.contains("no manual task this week"), "{status}");
    assert!(!status.contains("silent"), "{status}");
    std::fs::write(home.join("learning-log.md"), "## 2020-01-01\nlong ago\n").unwrap();
    // The store's history goes back further than thirty days, and there was never an audit.
    db(home)
        .execute(
            "INSERT INTO sessions (started_ms, kind, pid, encoding) VALUES (1577880000000, 'lsp', 1, 'utf-8')",
            [],
        )
        .unwrap();
    let status = ok(home, &["status", "--dir", root], "");
    assert!(status.contains("learning log silent"), "{status}");
    assert!(status.contains("audit due"), "{status}");
    let j: Value =
        serde_json::from_str(&ok(home, &["status", "--json", "--dir", root], "")).unwrap();
    assert!(j["learning"]["days_silent"].as_i64().unwrap() > 14);
    assert_eq!(j["learning"]["last_entry"], "2020-01-01");
    assert_eq!(j["audit"]["due"], true);
    // Writing in the log silences it.
    ok(home, &["learn", "something new"], "");
    let status = ok(home, &["status", "--dir", root], "");
    assert!(!status.contains("silent"), "{status}");
}

#[test]
fn self_check_by_ratings_and_by_piped_answers() {
    let w = Workspace::new();
    let home = &w.home;
    let first = ok(home, &["self-check", "--ratings", "4,2,3,5,1"], "");
    assert!(first.contains("now"), "{first}");
    assert!(first.contains("Mostly comfortable"), "{first}");
    // Piped answers, one a line, with a wrong one asked again.
    let second = ok(home, &["self-check"], "2\n1\n9\n2\n4\n5\n");
    assert!(second.contains("1/5. Explain the architecture"), "{second}");
    assert!(second.contains("\"9\" is not a rating"), "{second}");
    assert!(
        second.contains(&today()),
        "compared with the previous check: {second}"
    );
    assert!(second.contains("3 of five feel uncomfortable"), "{second}");
    assert!(second.contains("struggle window"), "{second}");
    let rows: Vec<(i64, i64, i64, i64, i64)> = db(home)
        .prepare("SELECT q1, q2, q3, q4, q5 FROM self_checks ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, [(4, 2, 3, 5, 1), (2, 1, 2, 4, 5)]);
    // End of input before five answers: nothing recorded, exit 1, no hang.
    let o = mg(home, &["self-check"], "3\n3\n");
    assert_eq!(o.code, Some(1));
    assert!(o.stderr.contains("no answer on stdin"), "{}", o.stderr);
    assert_eq!(count(home, "self_checks"), 2);
    let o = mg(home, &["self-check", "--ratings", "4,2,3"], "");
    assert_eq!(o.code, Some(1));
    assert!(o.stderr.contains("five numbers"), "{}", o.stderr);
}

#[test]
fn an_audit_starts_a_manual_task_and_finishes_with_the_gaps_written_down() {
    let w = Workspace::new();
    let (home, root) = (&w.home, w.root.to_str().unwrap());
    // Nothing on stdin: a clear message, exit 1, nothing started.
    let o = mg(home, &["audit", "--dir", root], "");
    assert_eq!(o.code, Some(1));
    assert!(o.stderr.contains("no answer on stdin"), "{}", o.stderr);
    assert!(ok(home, &["audit", "--status"], "").contains("No audit"));

    let started = ok(home, &["audit", "--dir", root], "writing a parser\n");
    assert!(
        started.contains("Started the manual task `audit: writing a parser`"),
        "{started}"
    );
    let t: Value =
        serde_json::from_str(&ok(home, &["task", "show", "--json", "--dir", root], "")).unwrap();
    assert_eq!(
        (t["name"].as_str(), t["manual"].as_bool()),
        (Some("audit: writing a parser"), Some(true))
    );
    assert!(ok(home, &["audit", "--status"], "").contains("is running"));

    // Finishing, but stdin ends before any answer: still running.
    let o = mg(home, &["audit"], "");
    assert_eq!(o.code, Some(1));
    assert!(o.stderr.contains("still running"), "{}", o.stderr);

    let done = ok(
        home,
        &["audit"],
        "- precedence climbing\n- error recovery\n\nnot read\n",
    );
    assert!(done.contains("manual: kept"), "{done}");
    assert!(done.contains("2 gaps"), "{done}");
    let log = std::fs::read_to_string(home.join("audit-log.md")).unwrap();
    assert!(
        log.contains(&format!(
            "## {} — writing a parser\n- precedence climbing\n- error recovery\n",
            today()
        )),
        "{log}"
    );
    let (finished, gaps): (Option<i64>, Option<i64>) = db(home)
        .query_row("SELECT finished_ms, gaps FROM audits", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(finished.is_some());
    assert_eq!(gaps, Some(2));
    let list = ok(home, &["task", "list", "--dir", root], "");
    assert!(
        list.contains("finished  audit: writing a parser (manual)"),
        "{list}"
    );
    let status = ok(home, &["audit", "--status"], "");
    assert!(
        status.contains("Last audit: ") && status.contains("2 gaps"),
        "{status}"
    );
}

fn add_edit(home: &Path, task: &str, class: &str, n: i64) {
    let c = db(home);
    c.execute_batch(
        "INSERT OR IGNORE INTO sessions (id, started_ms, kind, pid, encoding) VALUES (1, 0, 'replay', 1, 'utf-8');
         INSERT OR IGNORE INTO documents (id, subject) VALUES (1, 'file:///ws/a.py');",
    )
    .unwrap();
    c.execute(
        "INSERT INTO edits (session_id, seq, document_id, t_ms, source, version, change_index, line, col, end_line, end_col, inserted, deleted, text_hash, class, confidence, evidence_code, counted, task_id)
         SELECT 1, 1, 1, 1, 'change', 1, 0, 0, 0, 0, 0, ?2, 0, 0, ?3, 1.0, 255, 1, id FROM tasks WHERE name = ?1",
        rusqlite::params![task, n, class],
    )
    .unwrap();
    drop(c);
    // Rows written by hand: the tasks' segments (the writer keeps them) are rebuilt.
    mindgap::store::Db::open(home)
        .unwrap()
        .rebuild_work()
        .unwrap();
}

#[test]
fn a_manual_task_with_outside_help_is_broken_and_does_not_count() {
    let w = Workspace::new();
    let (home, root) = (&w.home, w.root.to_str().unwrap());
    ok(
        home,
        &["task", "start", "kept", "--manual", "--dir", root],
        "",
    );
    add_edit(home, "kept", "typed", 2000);
    add_edit(home, "kept", "paste", 12); // a pasted name: forgiven
    let finished = ok(home, &["task", "finish", "--dir", root], "");
    assert!(
        finished.contains("manual: kept — 12 characters"),
        "{finished}"
    );
    let status = ok(home, &["status", "--dir", root], "");
    assert!(status.contains("manual this week ✓"), "{status}");

    ok(
        home,
        &["task", "start", "broken", "--manual", "--dir", root],
        "",
    );
    add_edit(home, "broken", "typed", 900);
    add_edit(home, "broken", "completion", 100);
    let finished = ok(home, &["task", "finish", "--dir", root], "");
    assert!(
        finished.contains("manual: broken — 100 characters of outside help, 10.0%"),
        "{finished}"
    );
    let show: Value = serde_json::from_str(&ok(
        home,
        &["task", "show", "broken", "--json", "--dir", root],
        "",
    ))
    .unwrap();
    assert_eq!(
        (show["broken"].as_bool(), show["outside_chars"].as_u64()),
        (Some(true), Some(100))
    );
    let kept: Value = serde_json::from_str(&ok(
        home,
        &["task", "show", "kept", "--json", "--dir", root],
        "",
    ))
    .unwrap();
    assert_eq!(
        (kept["broken"].as_bool(), kept["outside_chars"].as_u64()),
        (Some(false), Some(12))
    );
    let list = ok(home, &["task", "list", "--dir", root], "");
    assert!(
        list.contains("broken (manual, broken: 100 outside characters, 10.0%)"),
        "{list}"
    );
    assert!(list.contains("kept (manual)\n"), "{list}");
    let j: Value =
        serde_json::from_str(&ok(home, &["status", "--json", "--dir", root], "")).unwrap();
    assert_eq!(
        j["week"]["manual_tasks_finished"], 1,
        "only the kept one counts"
    );
}

/// UTF-16 positions and `window/showDocument` (the log and the report are shown).
fn caps() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}, "window": {"showDocument": {"support": true}}})
}

fn command(s: &mut Server, command: &str, args: Value) -> Result<Value, String> {
    s.request(
        "workspace/executeCommand",
        json!({"command": command, "arguments": args}),
    )
    .map_err(|e| e.message)
}

#[test]
fn lsp_learn_appends_with_text_and_shows_the_log_without() {
    let w = Workspace::new();
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    let init_cmds = s.received().iter().find_map(|m| {
        m.pointer("/result/capabilities/executeCommandProvider/commands")
            .cloned()
    });
    if let Some(cmds) = init_cmds {
        assert!(cmds.as_array().unwrap().contains(&json!("mindgap.learn")));
    }
    // VS Code sends {"text"}, Neovim the string itself.
    let r = command(
        &mut s,
        "mindgap.learn",
        json!([{"text": "lifetimes tie a borrow to its owner"}]),
    )
    .unwrap();
    assert!(
        r.as_str()
            .unwrap()
            .starts_with("Noted in your learning log"),
        "{r}"
    );
    command(&mut s, "mindgap.learn", json!(["from neovim"])).unwrap();
    let log = std::fs::read_to_string(w.home.join("learning-log.md")).unwrap();
    assert!(
        log.contains("lifetimes tie a borrow to its owner\n") && log.contains("from neovim\n"),
        "{log}"
    );

    // No text (VS Code's empty input box, or Neovim's bare :Mindgap learn): the log opens.
    for args in [json!([]), json!([{"text": ""}])] {
        let r = command(&mut s, "mindgap.learn", args).unwrap();
        assert!(r.is_string(), "{r}");
        let show = s
            .recv_where(Duration::from_secs(5), |m| {
                m["method"] == "window/showDocument"
            })
            .expect("window/showDocument");
        let uri = show["params"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("file:///") && uri.ends_with("/learning-log.md"),
            "{uri}"
        );
        assert_eq!(show["params"]["takeFocus"], true);
    }
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn lsp_self_check_gives_the_questions_and_records_ratings() {
    let w = Workspace::new();
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    let q = command(&mut s, "mindgap.selfCheck", json!([])).unwrap();
    assert_eq!(q["questions"].as_array().unwrap().len(), 5, "{q}");
    assert_eq!(q["previous"], Value::Null);
    let r = command(
        &mut s,
        "mindgap.selfCheck",
        json!([{"ratings": [1, 2, 2, 4, 5]}]),
    )
    .unwrap();
    assert!(
        r.as_str().unwrap().contains("3 of five feel uncomfortable"),
        "{r}"
    );
    let q = command(&mut s, "mindgap.selfCheck", json!([])).unwrap();
    assert_eq!(q["previous"]["ratings"], json!([1, 2, 2, 4, 5]));
    let r = command(&mut s, "mindgap.selfCheck", json!([5, 5, 4, 4, 5])).unwrap();
    assert!(
        r.as_str().unwrap().contains("Comfortable across the board"),
        "{r}"
    );
    let e = command(&mut s, "mindgap.selfCheck", json!([{"ratings": [1, 2, 9]}])).unwrap_err();
    assert!(e.contains("five numbers"), "{e}");
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn lsp_task_finish_says_a_manual_task_was_broken() {
    let w = Workspace::new();
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    command(
        &mut s,
        "mindgap.task.start",
        json!([{"name": "by hand", "manual": true}]),
    )
    .unwrap();
    let uri = format!("file://{}/a.py", w.root.display());
    s.open(&uri, 1, "\n\n");
    s.insert(&uri, 2, 1, 0, "def perimeter(r):\n    return 6.28 * r\n"); // a paste
    std::thread::sleep(Duration::from_millis(300));
    let r = command(&mut s, "mindgap.task.finish", json!([])).unwrap();
    assert_eq!(r["name"], "by hand");
    assert_eq!(r["broken"], true, "{r}");
    assert!(r["outside_chars"].as_u64().unwrap() > 0, "{r}");
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

fn reminders(s: &mut Server, wait: Duration) -> Vec<String> {
    s.drain(wait);
    s.received()
        .iter()
        .filter(|m| m["method"] == "window/showMessage")
        .filter_map(|m| m["params"]["message"].as_str().map(String::from))
        .filter(|t| t.contains("learning log"))
        .collect()
}

#[test]
fn the_editor_reminds_of_a_silent_log_once_a_day() {
    let w = Workspace::new();
    std::fs::create_dir_all(&w.home).unwrap();
    std::fs::write(w.home.join("learning-log.md"), "## 2020-01-01\nlong ago\n").unwrap();
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    let shown = reminders(&mut s, Duration::from_secs(3));
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("days"), "{shown:?}");
    // Typing does not repeat it.
    let uri = format!("file://{}/a.py", w.root.display());
    s.open(&uri, 1, "");
    s.insert(&uri, 2, 0, 0, "x");
    assert_eq!(reminders(&mut s, Duration::from_secs(2)).len(), 1);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    // Neither does a restart the same day.
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    assert!(reminders(&mut s, Duration::from_secs(2)).is_empty());
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn lsp_report_writes_the_html_report_and_opens_it_in_a_browser() {
    let w = Workspace::new();
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    command(
        &mut s,
        "mindgap.learn",
        json!(["the borrow checker is a friend"]),
    )
    .unwrap();
    let r = command(&mut s, "mindgap.report", json!([])).unwrap();
    let said = r.as_str().unwrap();
    assert!(said.starts_with("Your report is at "), "{said}");
    let show = s
        .recv_where(Duration::from_secs(5), |m| {
            m["method"] == "window/showDocument"
        })
        .expect("window/showDocument");
    assert_eq!(show["params"]["external"], true);
    let uri = show["params"]["uri"].as_str().unwrap();
    assert!(uri.ends_with("/reports/report.html"), "{uri}");
    let html = std::fs::read_to_string(w.home.join("reports/report.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"),
        "{}",
        &html[..80.min(html.len())]
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
    let r = command(&mut s, "mindgap.report", json!([{"since": "3x"}]));
    assert!(
        r.unwrap_err().contains("--since takes"),
        "a bad period is a plain error"
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
}
