//! What a broken or hostile client may send: the server answers what it must, records what it
//! can, and keeps serving. These run the real binary: the bytes go through its stdin and
//! stdout, and some of them check what it logs on stderr.

mod common;

use std::time::Duration;

use common::{edits, edits_of};
use mindgap_e2e::{Server, caps_with_encodings, frame, full_change, range_change, uri};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(5);

/// The server still answers requests and still records edits; then it shuts down cleanly.
fn assert_still_serving(mut s: Server, doc: &str) -> Server {
    let err = s
        .request("mindgap/stillThere", json!({}))
        .expect_err("unknown method");
    assert_eq!(err.code, -32601, "{err:?}");
    s.open(doc, 1, "ok\n");
    s.insert(doc, 2, 1, 0, "!");
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
    let e = edits_of(&s.db_path(), doc);
    assert_eq!(e.len(), 1, "the edit after the bad input is missing: {e:?}");
    assert_eq!((e[0].inserted, e[0].deleted), (1, 0));
    s
}

/// The next error answer with a null id (the server's reply to a message it could not read).
fn null_id_error(s: &mut Server) -> Option<Value> {
    s.recv_where(WAIT, |m| m.get("error").is_some() && m["id"].is_null())
}

#[test]
fn malformed_json_body_gets_a_parse_error_and_the_server_keeps_serving() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    s.send_raw(&frame(br#"{"jsonrpc": "2.0", "method": "shutdown""#));
    let err = null_id_error(&mut s).unwrap_or_else(|| {
        panic!(
            "no JSON-RPC error for a malformed body; server alive: {}\n{}",
            s.try_status().is_none(),
            s.stderr()
        )
    });
    assert_eq!(err["error"]["code"], json!(-32700), "{err}");
    assert_still_serving(s, &uri("after-malformed.txt"));
}

#[test]
fn a_malformed_request_whose_id_can_be_read_is_answered_with_that_id() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    s.send_raw(&frame(
        br#"{"jsonrpc": "2.0", "id": 99, "method": "mindgap/x", "params": {"#,
    ));
    let err = s
        .recv_where(WAIT, |m| m["id"] == 99)
        .unwrap_or_else(|| panic!("no answer to request 99\n{}", s.stderr()));
    assert_eq!(err["error"]["code"], json!(-32700), "{err}");
    assert_still_serving(s, &uri("after-malformed-with-id.txt"));
}

/// Each way a client can break framing, sent after `initialized`: the server skips to the next
/// header, logs one line, and `shutdown` then `exit` still end it with 0. Real binary, real stdio.
#[test]
fn after_any_framing_error_shutdown_is_answered_and_exit_is_0() {
    let request = br#"{"jsonrpc":"2.0","id":40,"method":"mindgap/x"}"#;
    let off = |delta: i64| {
        let declared = request.len() as i64 + delta;
        let mut b = format!("Content-Length: {declared}\r\n\r\n").into_bytes();
        b.extend_from_slice(request);
        b
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("negative", b"Content-Length: -5\r\n\r\n{}".to_vec()),
        ("not a number", b"Content-Length: abc\r\n\r\n{}".to_vec()),
        (
            "overflowing",
            b"Content-Length: 99999999999999999999999\r\n\r\n{}".to_vec(),
        ),
        (
            "over 64 MiB",
            b"Content-Length: 67108865\r\n\r\n{}".to_vec(),
        ),
        (
            "missing",
            b"Content-Type: application/json\r\n\r\n{}".to_vec(),
        ),
        ("no header at all", b"\r\n\r\n{}".to_vec()),
        ("three bytes short", off(-3)),
        ("three bytes long", off(3)),
        ("garbage before a header", b"\x00\xffgarbage".to_vec()),
        ("a header cut short", b"Content-Length: 1".to_vec()),
    ];
    for (name, bad) in cases {
        let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
        s.send_raw(&bad);
        let code = s.shutdown_and_exit();
        let err = s.stderr();
        assert_eq!(code, Some(0), "{name}: exit code\n{err}");
        let lines = err.lines().filter(|l| l.contains("framing error")).count();
        assert_eq!(lines, 1, "{name}: one framing error line\n{err}");
    }
}

/// `shutdown` and `exit` in one write, right behind garbage: the server received `shutdown`
/// before `exit`, so it exits with 0 (tower-lsp-server drops the pending answer, not the exit
/// code).
#[test]
fn shutdown_and_exit_sent_at_once_after_garbage_still_exit_0() {
    for bad in [
        &b"Content-Length: -5\r\n\r\n{}"[..],
        b"",
        b"\x00\xffgarbage",
    ] {
        let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
        let mut bytes = bad.to_vec();
        bytes.extend(frame(br#"{"jsonrpc":"2.0","id":90,"method":"shutdown"}"#));
        bytes.extend(frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        s.send_raw(&bytes);
        assert_eq!(s.wait(WAIT), Some(0), "{}", s.stderr());
    }
}

#[test]
fn a_request_behind_a_bad_header_is_answered_and_one_a_few_bytes_off_too() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    s.send_raw(b"Content-Length: -1\r\n\r\n");
    s.send_raw(br#"{"jsonrpc":"2.0","id":41,"method":"mindgap/x"}"#);
    let request = br#"{"jsonrpc":"2.0","id":42,"method":"mindgap/x"}"#;
    s.send_raw(format!("Content-Length: {}\r\n\r\n", request.len() + 2).as_bytes());
    s.send_raw(request);
    // The answers come once the next header shows where each broken message ended.
    assert_eq!(s.request("mindgap/y", json!({})).unwrap_err().code, -32601);
    for id in [41, 42] {
        let err = s
            .recv_where(WAIT, |m| m["id"] == id)
            .unwrap_or_else(|| panic!("no answer to {id}\n{}", s.stderr()));
        assert_eq!(err["error"]["code"], json!(-32700), "{err}");
    }
    assert_still_serving(s, &uri("after-framing.txt"));
}

#[test]
fn lf_only_headers_and_headers_split_across_writes_are_read() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let body = br#"{"jsonrpc":"2.0","id":43,"method":"mindgap/x"}"#;
    s.send_raw(format!("Content-Length: {}\n\n", body.len()).as_bytes());
    s.send_raw(body);
    let bytes = frame(br#"{"jsonrpc":"2.0","id":44,"method":"mindgap/x"}"#);
    for piece in bytes.chunks(5) {
        s.send_raw(piece);
        std::thread::sleep(Duration::from_millis(2));
    }
    for id in [43, 44] {
        let answer = s.recv_where(WAIT, |m| m["id"] == id);
        let code = answer.as_ref().map(|a| a["error"]["code"].clone());
        assert_eq!(
            code,
            Some(json!(-32601)),
            "{id}: {answer:?}\n{}",
            s.stderr()
        );
    }
    assert!(!s.stderr().contains("framing error"), "{}", s.stderr());
    assert_still_serving(s, &uri("after-lf-only.txt"));
}

#[test]
fn a_body_that_is_json_but_not_json_rpc_gets_an_error_and_the_server_keeps_serving() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    s.send_raw(&frame(br#"{"hello": "world"}"#));
    let err = null_id_error(&mut s).unwrap_or_else(|| {
        panic!(
            "no JSON-RPC error for a non-JSON-RPC body; server alive: {}\n{}",
            s.try_status().is_none(),
            s.stderr()
        )
    });
    assert_eq!(err["error"]["code"], json!(-32600), "{err}");
    assert_still_serving(s, &uri("after-not-rpc.txt"));
}

#[test]
fn unknown_request_method_is_method_not_found_and_the_server_keeps_serving() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let hover = json!({
        "textDocument": {"uri": uri("h.txt")},
        "position": {"line": 0, "character": 0},
    });
    for (method, params) in [
        ("textDocument/hover", hover), // LSP, but not announced
        ("mindgap/frobnicate", json!({"x": 1})),
        ("", json!(null)),
    ] {
        let err = s
            .request(method, params)
            .expect_err("an unknown method must be an error");
        assert_eq!(err.code, -32601, "{method}: {err:?}");
    }
    assert_still_serving(s, &uri("after-unknown.txt"));
}

#[test]
fn unknown_notifications_are_ignored() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    s.notify("mindgap/whatever", json!({"a": [1, 2, 3]}));
    s.notify("$/setTrace", json!({"value": "verbose"}));
    s.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    // Nothing answers a notification.
    let arrived = s.drain(Duration::from_millis(300));
    let answers: Vec<&Value> = s.backlog().filter(|m| m.get("id").is_some()).collect();
    assert!(answers.is_empty(), "{arrived} arrived: {answers:?}");
    assert_still_serving(s, &uri("after-notification.txt"));
}

#[test]
fn invalid_utf8_in_a_header_value_is_survived() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let body = br#"{"jsonrpc":"2.0","method":"mindgap/ignored","params":{}}"#;
    let mut bytes = format!("Content-Length: {}\r\nX-Junk: ", body.len()).into_bytes();
    bytes.extend_from_slice(b"\xff\xfe\xc3\x28\r\n\r\n");
    bytes.extend_from_slice(body);
    s.send_raw(&bytes);
    assert_still_serving(s, &uri("after-bad-header-value.txt"));
}

#[test]
fn invalid_utf8_in_a_header_line_is_survived() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let body = br#"{"jsonrpc":"2.0","method":"mindgap/ignored","params":{}}"#;
    let mut bytes = b"\xff\xfe\x80junk\r\n".to_vec();
    bytes.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    bytes.extend_from_slice(body);
    s.send_raw(&bytes);
    assert_still_serving(s, &uri("after-bad-header-line.txt"));
}

#[test]
fn invalid_utf8_in_a_body_is_survived() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    s.send_raw(&frame(
        b"{\"jsonrpc\":\"2.0\",\"method\":\"x\xff\xfe\",\"params\":{}}",
    ));
    assert_still_serving(s, &uri("after-bad-body.txt"));
}

#[test]
fn notification_with_invalid_params_is_skipped() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("bad-params.txt");
    s.notify("textDocument/didOpen", json!({"textDocument": {"uri": u}}));
    s.notify("textDocument/didChange", json!({"textDocument": 5}));
    s.notify("textDocument/didChange", Value::Null);
    assert_still_serving(s, &uri("after-bad-params.txt"));
}

#[test]
fn a_range_past_the_end_is_clamped_and_recorded() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("clamp.txt");
    s.open(&u, 1, "abc\n");
    // Past the last line: clamped to the end of the document.
    s.change(&u, 2, vec![range_change((10, 0), (12, 5), "X")]);
    // Past the end of a line: clamped to the line's end (before its line break).
    s.change(&u, 3, vec![range_change((0, 99), (0, 120), "Y")]);
    // Later edits still apply where they should.
    s.insert(&u, 4, 1, 1, "Z");
    s.change(&u, 5, vec![full_change("abcY\nXZ")]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let e = edits_of(&s.db_path(), &u);
    let got: Vec<(i64, i64, i64)> = e
        .iter()
        .map(|e| (e.version, e.inserted, e.deleted))
        .collect();
    assert_eq!(
        got,
        vec![(2, 1, 0), (3, 1, 0), (4, 1, 0), (5, 0, 0)],
        "{e:#?}"
    );
    assert!(s.stderr().contains("clamped"), "{}", s.stderr());
}

#[test]
fn a_position_inside_a_surrogate_pair_resolves_to_the_char_start() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("surrogate.txt");
    s.open(&u, 1, "a😀b");
    s.insert(&u, 2, 0, 2, "X"); // between the two UTF-16 units of the emoji
    s.change(&u, 3, vec![full_change("aX😀b")]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let e = edits_of(&s.db_path(), &u);
    let got: Vec<(i64, i64)> = e.iter().map(|e| (e.inserted, e.deleted)).collect();
    assert_eq!(got, vec![(1, 0), (0, 0)], "{e:#?}");
}

#[test]
fn did_change_for_a_document_never_opened_is_ignored() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let ghost = uri("never-opened.txt");
    s.insert(&ghost, 2, 0, 0, "boo");
    s.change(&ghost, 3, vec![full_change("whole")]);
    s.close(&ghost);
    s.save(&ghost);
    let s = assert_still_serving(s, &uri("after-ghost.txt"));
    let all = edits(&s.db_path());
    assert!(all.iter().all(|e| e.subject != ghost), "{all:#?}");
}

#[test]
fn text_sync_before_initialize_is_ignored() {
    let mut s = Server::start();
    let early = uri("early.txt");
    s.open(&early, 1, "x");
    s.insert(&early, 2, 0, 1, "y");
    s.initialize(json!({}));
    let s = assert_still_serving(s, &uri("after-early.txt"));
    assert!(edits(&s.db_path()).iter().all(|e| e.subject != early));
}

#[test]
fn a_version_going_backwards_is_ignored() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("backwards.txt");
    s.open(&u, 5, "base\n");
    s.insert(&u, 6, 1, 0, "a");
    s.insert(&u, 7, 1, 1, "b");
    // Repeats of versions already applied, and one older than the open.
    s.insert(&u, 6, 0, 0, "Q");
    s.insert(&u, 7, 0, 0, "R");
    s.insert(&u, 3, 0, 0, "S");
    s.insert(&u, 8, 1, 2, "c");
    s.change(&u, 9, vec![full_change("base\nabc")]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let e = edits_of(&s.db_path(), &u);
    let got: Vec<(i64, i64, i64)> = e
        .iter()
        .map(|e| (e.version, e.inserted, e.deleted))
        .collect();
    assert_eq!(
        got,
        vec![(6, 1, 0), (7, 1, 0), (8, 1, 0), (9, 0, 0)],
        "{e:#?}"
    );
    assert!(s.stderr().contains("backwards"), "{}", s.stderr());
}

#[test]
fn a_binary_document_with_nul_bytes_is_recorded() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("blob.bin");
    let text = "\0\u{1}\u{2}ELF\0\0\u{7f}\u{fffd}\n\0";
    s.open(&u, 1, text);
    s.insert(&u, 2, 0, 3, "\0\0\0");
    s.insert(&u, 3, 1, 1, "\u{1b}");
    let expected = "\0\u{1}\u{2}\0\0\0ELF\0\0\u{7f}\u{fffd}\n\0\u{1b}";
    s.change(&u, 4, vec![full_change(expected)]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let e = edits_of(&s.db_path(), &u);
    let got: Vec<(i64, i64)> = e.iter().map(|e| (e.inserted, e.deleted)).collect();
    assert_eq!(got, vec![(3, 0), (1, 0), (0, 0)], "{e:#?}");
}

#[test]
fn a_five_megabyte_paste_is_recorded_with_the_right_counts() {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("huge.txt");
    s.open(&u, 1, "start\nend\n");
    let unit = "fn x() { \"é😀\" }\r\n";
    let paste = unit.repeat((5 << 20) / unit.len() + 1);
    assert!(paste.len() >= 5 << 20);
    let chars = paste.chars().count() as i64;
    s.insert(&u, 2, 1, 0, &paste);
    s.insert(&u, 3, 0, 5, "!");
    s.change(&u, 4, vec![range_change((1, 0), (1, 3), "")]); // delete "fn "
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let e = edits_of(&s.db_path(), &u);
    let got: Vec<(&str, i64, i64)> = e
        .iter()
        .map(|e| (e.class.as_str(), e.inserted, e.deleted))
        .collect();
    assert_eq!(
        got,
        vec![("paste", chars, 0), ("typed", 1, 0), ("delete", 0, 3)]
    );
}
