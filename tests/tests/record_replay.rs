//! `mindgap lsp --record` writes a SPEC-3 trace of the live session; `mindgap replay --json`
//! runs it through the same pipeline and prints SPEC-4 lines, the same every time.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{edits, sessions};
use mindgap_e2e::{Server, full_change, range_change, run, uri};
use serde_json::{Value, json};

const CLIENT: &str = "e2e-recorder";
const CLIENT_VERSION: &str = "9.8.7";

/// A recorded session: what the client sent, and where the trace and the store are.
struct Recorded {
    server: Server,
    trace: PathBuf,
    sent: Vec<Value>,
    _dir: tempfile::TempDir,
}

fn record_session() -> Recorded {
    let dir = tempfile::Builder::new()
        .prefix("mindgap-e2e-trace-")
        .tempdir()
        .unwrap();
    let trace = dir.path().join("session.trace.jsonl");
    let mut s = Server::start_args(["--record".into(), trace.clone().into_os_string()]);
    let mut sent = Vec::new();
    let init = json!({
        "processId": null,
        "clientInfo": {"name": CLIENT, "version": CLIENT_VERSION},
        "rootUri": "file:///tmp/mindgap-e2e",
        "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
    });
    sent.push(json!({"method": "initialize", "params": init.clone()}));
    let result = s.initialize_with(init);
    assert_eq!(result["capabilities"]["positionEncoding"], json!("utf-16"));
    sent.push(json!({"method": "initialized", "params": {}}));
    let u = uri("recorded.py");
    let note = |sent: &mut Vec<Value>, method: &str, params: Value| {
        sent.push(json!({"method": method, "params": params}));
    };
    s.open(&u, 1, "def f():\n    pass\n");
    note(
        &mut sent,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "plaintext", "version": 1, "text": "def f():\n    pass\n"}}),
    );
    let edits: Vec<(i32, Vec<Value>)> = vec![
        (2, vec![range_change((1, 4), (1, 8), "")]),
        (3, vec![range_change((1, 4), (1, 4), "r")]),
        (4, vec![range_change((1, 5), (1, 5), "e")]),
        (
            5,
            vec![range_change((1, 6), (1, 6), "turn 40 + 2  # the answer 😀")],
        ),
        (
            6,
            vec![
                range_change((0, 6), (0, 6), "x"),
                range_change((2, 0), (2, 0), "\n"),
            ],
        ),
        (7, vec![range_change((1, 18), (1, 34), "")]),
        (
            8,
            vec![full_change("def f(x):\n    return 40 + 2\n\nprint(f(1))\n")],
        ),
    ];
    for (version, changes) in edits {
        s.change(&u, version, changes.clone());
        note(
            &mut sent,
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": version}, "contentChanges": changes}),
        );
    }
    let err = s.request("mindgap/unknown", json!({})).unwrap_err();
    assert_eq!(err.code, -32601);
    sent.push(json!({"method": "mindgap/unknown", "params": {}}));
    s.save(&u);
    note(
        &mut sent,
        "textDocument/didSave",
        json!({"textDocument": {"uri": u}}),
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
    sent.push(json!({"method": "shutdown", "params": null}));
    sent.push(json!({"method": "exit", "params": null}));
    Recorded {
        server: s,
        trace,
        sent,
        _dir: dir,
    }
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn replay_json(trace: &Path) -> Vec<u8> {
    let out = run(["replay".as_ref(), "--json".as_ref(), trace.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    out.stdout
}

#[test]
fn record_writes_a_trace_of_the_live_session() {
    let rec = record_session();
    let lines = read_lines(&rec.trace);
    let header = &lines[0];
    assert_eq!(header["mindgap_trace"], json!(1), "{header}");
    assert_eq!(header["client"]["name"], json!(CLIENT), "{header}");
    assert_eq!(
        header["client"]["version"],
        json!(CLIENT_VERSION),
        "{header}"
    );
    let recorded = header["recorded"].as_str().expect("recorded");
    // RFC 3339: 2026-11-25T20:36:32.016Z
    assert!(
        recorded.len() >= 20
            && recorded.as_bytes()[4] == b'-'
            && recorded.as_bytes()[10] == b'T'
            && (recorded.ends_with('Z') || recorded.contains('+')),
        "{recorded}"
    );

    let body = &lines[1..];
    for l in body {
        assert!(l["t"].as_f64().is_some_and(|t| t >= 0.0), "{l}");
        assert!(
            (l.get("msg").is_some()) ^ (l.get("out").is_some()),
            "a line is either msg or out: {l}"
        );
    }
    // Times run forward in each direction.
    for key in ["msg", "out"] {
        let ts: Vec<f64> = body
            .iter()
            .filter(|l| l.get(key).is_some())
            .map(|l| l["t"].as_f64().unwrap())
            .collect();
        assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{key}: {ts:?}");
    }

    // Every client message, in order, exactly as sent.
    let msgs: Vec<&Value> = body.iter().filter_map(|l| l.get("msg")).collect();
    let got: Vec<Value> = msgs
        .iter()
        .map(|m| json!({"method": m["method"], "params": m.get("params").cloned().unwrap_or(Value::Null)}))
        .collect();
    assert_eq!(got, rec.sent);
    assert!(msgs.iter().all(|m| m["jsonrpc"] == json!("2.0")));

    // The server's messages: the initialize answer, the error, the shutdown answer.
    let outs: Vec<&Value> = body.iter().filter_map(|l| l.get("out")).collect();
    let init_id = &msgs[0]["id"];
    let init = outs
        .iter()
        .find(|o| &o["id"] == init_id)
        .expect("the initialize answer is recorded");
    assert_eq!(
        init["result"]["capabilities"]["positionEncoding"],
        json!("utf-16")
    );
    assert_eq!(init["result"]["serverInfo"]["name"], json!("mindgap"));
    assert!(outs.iter().any(|o| o["error"]["code"] == json!(-32601)));
    assert_eq!(
        outs.len(),
        rec.server.received().len(),
        "every server message is recorded: {outs:?}"
    );
}

#[test]
fn replay_of_a_recording_matches_the_live_session_and_is_deterministic() {
    let rec = record_session();
    let first = replay_json(&rec.trace);
    let second = replay_json(&rec.trace);
    assert!(first == second, "two replays differ");
    let lines: Vec<Value> = std::str::from_utf8(&first)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (summary, changes) = lines.split_last().expect("at least a summary");

    for l in changes {
        let keys: Vec<&str> = l.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "change", "class", "deleted", "inserted", "t", "uri", "version"
            ],
            "{l}"
        );
        assert!(l["t"].as_f64().is_some_and(|t| t >= 0.0));
    }
    let ts: Vec<f64> = changes.iter().map(|l| l["t"].as_f64().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{ts:?}");

    // The same events, in the same order, as the live server stored.
    let live = edits(&rec.server.db_path());
    let live: Vec<Value> = live
        .iter()
        .map(|e| {
            json!([
                e.subject,
                e.version,
                e.change_index,
                e.class,
                e.inserted,
                e.deleted
            ])
        })
        .collect();
    let replayed: Vec<Value> = changes
        .iter()
        .map(|l| {
            json!([
                l["uri"],
                l["version"],
                l["change"],
                l["class"],
                l["inserted"],
                l["deleted"]
            ])
        })
        .collect();
    assert_eq!(replayed, live);
    // One line per content change: 1+1+1+1+2+1+1.
    assert_eq!(changes.len(), 8);

    // The summary adds up the lines.
    let s = &summary["summary"];
    let mut by_class: BTreeMap<String, u64> = BTreeMap::new();
    for l in changes {
        *by_class
            .entry(l["class"].as_str().unwrap().to_string())
            .or_default() += l["inserted"].as_u64().unwrap();
    }
    let reported: BTreeMap<String, u64> = s["by_class"]
        .as_object()
        .expect("by_class")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(reported, by_class, "{summary}");
    let outside: u64 = ["paste", "completion", "agent"]
        .iter()
        .filter_map(|c| by_class.get(*c))
        .sum();
    let work = outside + by_class.get("typed").copied().unwrap_or(0);
    assert_eq!(s["work"], json!(work), "{summary}");
    assert!(work > 0);
    let share = s["outside_share"]
        .as_f64()
        .expect("a share when there is work");
    assert!(
        (share - outside as f64 / work as f64).abs() < 1e-12,
        "{summary}"
    );
}

#[test]
fn replay_with_a_home_records_a_replay_session_there() {
    let rec = record_session();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("h");
    let out = run([
        "replay".as_ref(),
        "--json".as_ref(),
        "--home".as_ref(),
        home.as_os_str(),
        rec.trace.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let db = home.join("mindgap.db");
    let sess = sessions(&db);
    assert_eq!(sess.len(), 1, "{sess:?}");
    assert_eq!(sess[0].kind, "replay");
    assert_eq!(sess[0].client_name.as_deref(), Some(CLIENT));
    assert_eq!(sess[0].encoding, "utf-16");
    assert_eq!(edits(&db).len(), out.json_lines().len() - 1);
}

#[test]
fn replay_without_json_prints_a_readable_report() {
    let rec = record_session();
    let out = run(["replay".as_ref(), rec.trace.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let text = out.stdout_str();
    assert!(text.lines().count() >= 9, "{text}");
    assert!(text.contains("recorded.py"), "{text}");
    assert!(serde_json::from_str::<Value>(text.lines().next().unwrap()).is_err());
}

#[test]
fn replay_of_a_missing_or_broken_trace_fails_with_one_sentence() {
    let tmp = tempfile::tempdir().unwrap();
    let not_trace = tmp.path().join("not-a-trace.jsonl");
    std::fs::write(&not_trace, "{\"hello\": 1}\n").unwrap();
    let missing = tmp.path().join("missing.jsonl");
    for args in [
        vec!["replay".into(), "--json".into(), missing.into_os_string()],
        vec!["replay".into(), not_trace.into_os_string()],
        vec!["replay".into()],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);
        assert!(out.stderr.starts_with("mindgap: "), "{}", out.stderr);
    }
}

#[test]
fn a_recording_that_cannot_be_written_does_not_stop_the_server() {
    let mut s = Server::start_args(["--record", "/nonexistent-dir/for/sure/trace.jsonl"]);
    s.initialize(json!({}));
    let u = uri("unrecorded.txt");
    s.open(&u, 1, "");
    s.insert(&u, 2, 0, 0, "a");
    assert_eq!(s.shutdown_and_exit(), Some(0));
    assert!(s.stderr().contains("cannot record"), "{}", s.stderr());
    assert_eq!(edits(&s.db_path()).len(), 1);
}
