//! `mindgap.blame` over LSP (SPEC sections 9 and 10), in-process, in a real git repository:
//! committed lines take their origin from the commit's mindgap note, lines the editor changed and
//! did not save are the session's (`live`), and the text is aligned like `git blame`'s, without
//! code (the editor has it). A document outside any repository is uncommitted throughout; one the server does not
//! have open is one clear error.

use std::path::Path;
use std::thread::sleep;
use std::time::Duration;

use mindgap_e2e::{Server, Workspace, commit_with_note};
use serde_json::{Value, json};

const COMMITTED: &str = "import os\ndef f():\n    return 1\nprint(f())\n# end\n";

fn caps() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}})
}

fn blame(s: &mut Server, args: Value) -> Result<Value, String> {
    s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.blame", "arguments": args}),
    )
    .map_err(|e| e.message)
}

/// Types `text` at (line, col), one key every 25 ms (a quick typist, not a machine).
fn type_text(s: &mut Server, uri: &str, version: &mut i32, line: u32, col: u32, text: &str) {
    for (i, c) in text.chars().enumerate() {
        *version += 1;
        s.insert(uri, *version, line, col + i as u32, &c.to_string());
        sleep(Duration::from_millis(25));
    }
}

/// Pastes `text` at (line, 0), with the hint an editor plugin sends for a paste.
fn paste(s: &mut Server, uri: &str, version: &mut i32, line: u32, text: &str) {
    sleep(Duration::from_millis(300));
    *version += 1;
    s.insert(uri, *version, line, 0, text);
    s.notify(
        "mindgap/editHint",
        json!({"textDocument": {"uri": uri, "version": *version}, "kind": "paste", "source": "test"}),
    );
}

/// A repository with `src/a.py` committed and a mindgap note saying line 1 is the person's and
/// lines 2-3 an AI completion (line 4-5: nothing said).
fn repository(root: &Path) -> String {
    commit_with_note(
        root,
        "src/a.py",
        COMMITTED,
        json!([
            {"contributor": {"type": "human"}, "ranges": [{"start_line": 1, "end_line": 1}]},
            {"contributor": {"type": "ai"}, "ranges": [{"start_line": 2, "end_line": 3}],
             "metadata": {"dev.mindgap": {"class": "completion"}}},
        ]),
    )
}

/// (origin, commit, source) of each line, and the line numbers in order.
fn rows(answer: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    let lines = answer["lines"].as_array().expect("lines");
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["line"], i + 1, "{answer}");
    }
    let s = |v: &Value| v.as_str().map(str::to_string);
    lines
        .iter()
        .map(|l| (s(&l["origin"]).unwrap(), s(&l["commit"]), s(&l["source"])))
        .collect()
}

#[test]
fn committed_lines_come_from_the_note_and_unsaved_ones_from_the_session() {
    let w = Workspace::new();
    let sha = repository(&w.root);
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    let uri = format!("file://{}/src/a.py", w.root.display());
    let mut v = 1;
    s.open(&uri, v, COMMITTED);
    // Unsaved edits: line 4 commented out, a line typed, a block pasted.
    type_text(&mut s, &uri, &mut v, 3, 0, "# ");
    type_text(&mut s, &uri, &mut v, 5, 0, "x = 1\n");
    paste(&mut s, &uri, &mut v, 6, "def g(a):\n    return a * 2\n");

    let answer = blame(&mut s, json!([{ "uri": uri }])).expect("blame answers");
    assert_eq!(answer["uri"], uri.as_str());
    let c = Some(sha.clone());
    let r = |o: &str, c: &Option<String>, src: Option<&str>| {
        (o.to_string(), c.clone(), src.map(str::to_string))
    };
    assert_eq!(
        rows(&answer),
        [
            r("own", &c, Some("mindgap")),
            r("completion", &c, Some("mindgap")),
            r("completion", &c, Some("mindgap")),
            r("own", &None, Some("live")),
            r("unknown", &c, None),
            r("own", &None, Some("live")),
            r("paste", &None, Some("live")),
            r("paste", &None, Some("live")),
        ],
        "{answer}"
    );
    // One aligned line per document line, as `mindgap blame` prints it but without the code.
    let text = answer["text"].as_str().expect("text");
    let short = &sha[..8];
    let expected = format!(
        "{short} (own        mindgap 1)\n\
         {short} (completion mindgap 2)\n\
         {short} (completion mindgap 3)\n\
         00000000 (own        live    4)\n\
         {short} (unknown            5)\n\
         00000000 (own        live    6)\n\
         00000000 (paste      live    7)\n\
         00000000 (paste      live    8)\n"
    );
    assert_eq!(text, expected);
    assert_eq!(answer["warnings"], json!([]));

    // The same document by its URI alone; a file git does not track is uncommitted throughout.
    assert_eq!(
        blame(&mut s, json!([uri])).unwrap()["lines"],
        answer["lines"]
    );
    let new = format!("file://{}/src/new.py", w.root.display());
    s.open(&new, 1, "a\nb\n");
    let fresh = blame(&mut s, json!([{ "uri": new }])).unwrap();
    assert_eq!(
        rows(&fresh),
        [r("own", &None, Some("live")), r("own", &None, Some("live"))]
    );

    // A document the server does not have open (closed, or never opened): one clear error.
    s.close(&new);
    for doc in [new, format!("file://{}/src/b.py", w.root.display())] {
        let e = blame(&mut s, json!([{ "uri": doc }])).unwrap_err();
        assert!(e.contains(&doc) && e.contains("is not open"), "{e}");
    }
    let e = blame(&mut s, json!([])).unwrap_err();
    assert!(e.contains("URI"), "{e}");
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn outside_a_repository_every_line_is_the_sessions() {
    let w = Workspace::new();
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    let uri = format!("file://{}/notes.py", w.root.display());
    let mut v = 1;
    s.open(&uri, v, "");
    type_text(&mut s, &uri, &mut v, 0, 0, "y = 2\n");
    paste(&mut s, &uri, &mut v, 1, "print(y)\n");
    let answer = blame(&mut s, json!([{ "uri": uri }])).expect("blame answers");
    let live = |o: &str| (o.to_string(), None, Some("live".to_string()));
    assert_eq!(rows(&answer), [live("own"), live("paste")], "{answer}");
    assert_eq!(
        answer["text"],
        "00000000 (own        live    1)\n00000000 (paste      live    2)\n"
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
}
