//! Classification over the wire: `mindgap/editHint` reaching the server through tower-lsp's
//! custom methods, amendments reaching the store, `replay --explain`, and provenance saved
//! (as hashes only) when a document closes.

mod common;

use common::{edits_of, open_store};
use mindgap_e2e::{Server, caps_with_encodings, run, uri};
use serde_json::{Value, json};

fn hint(s: &mut Server, u: &str, version: i32, kind: &str) {
    s.notify(
        "mindgap/editHint",
        json!({"textDocument": {"uri": u, "version": version}, "kind": kind, "source": "e2e"}),
    );
}

#[test]
fn hints_before_and_after_their_change_decide_the_class_in_the_store() {
    let mut s = Server::start();
    s.initialize(caps_with_encodings(&["utf-16"]));
    let u = uri("hinted.py");
    s.open(&u, 1, "\n\n\n");
    // Before: a bulk insertion announced as an accepted completion.
    hint(&mut s, &u, 2, "completion");
    s.insert(&u, 2, 0, 0, "def area(r):\n    return 3.14 * r * r\n");
    // After: a bulk insertion the plugin later says was an undo (amends the stored row).
    s.insert(&u, 3, 4, 0, "def perimeter(r):\n    return 6.28 * r\n");
    hint(&mut s, &u, 3, "undo");
    // A hint of an unknown kind, and one naming no change, change nothing.
    hint(&mut s, &u, 4, "telepathy");
    hint(&mut s, &u, 99, "paste");
    s.insert(&u, 4, 0, 0, "x");
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let classes: Vec<(String, i64)> = edits_of(&s.db_path(), &u)
        .into_iter()
        .map(|e| (e.class, e.version))
        .collect();
    assert_eq!(
        classes,
        vec![
            ("completion".into(), 2),
            ("undo".into(), 3),
            ("typed".into(), 4)
        ]
    );
    let store = mindgap::store::Db::open_history(s.db_path().parent().unwrap())
        .unwrap()
        .unwrap();
    let evidence: Vec<String> = store
        .events()
        .unwrap()
        .iter()
        .map(|e| e.evidence.map(|e| e.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(
        evidence,
        vec![
            "editor hint: completion",
            "editor hint: undo",
            "one character"
        ]
    );
}

#[test]
fn replay_explain_gives_each_decision_its_confidence_and_evidence() {
    let trace =
        mindgap_e2e::workspace_root().join("tests/fixtures/traces/vscode_public_units.trace.jsonl");
    let out = run([
        "replay".as_ref(),
        "--json".as_ref(),
        "--explain".as_ref(),
        trace.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let lines = out.json_lines();
    let changes: Vec<&Value> = lines.iter().filter(|l| l.get("uri").is_some()).collect();
    assert!(!changes.is_empty());
    for l in &changes {
        let c = l["confidence"].as_f64().expect("confidence");
        assert!((0.0..=1.0).contains(&c), "{l}");
        assert!(!l["evidence"].as_str().expect("evidence").is_empty(), "{l}");
    }
    // Without --explain the SPEC's fields only.
    let plain = run(["replay".as_ref(), "--json".as_ref(), trace.as_os_str()]);
    assert!(
        plain
            .json_lines()
            .iter()
            .all(|l| l.get("evidence").is_none())
    );
}

#[test]
fn closing_a_document_saves_its_provenance_as_hashes_only() {
    let mut s = Server::start();
    s.initialize(caps_with_encodings(&["utf-8"]));
    let u = uri("prov.py");
    let secret = "def leaked_secret_function():\n    return 'tell no one'\n";
    s.open(&u, 1, "x = 1\n");
    s.insert(&u, 2, 1, 0, secret);
    s.close(&u);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let conn = open_store(&s.db_path());
    let data: Vec<u8> = conn
        .query_row(
            "SELECT data FROM provenance WHERE subject = ?1",
            [&u],
            |r| r.get(0),
        )
        .expect("a provenance row for the closed document");
    assert!(data.len() > 8);
    let needle = b"leaked_secret";
    assert!(
        !data.windows(needle.len()).any(|w| w == needle),
        "provenance holds code text"
    );
}
