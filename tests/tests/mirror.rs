//! Documents over the wire: open, edit, close in every position encoding, and what the store
//! keeps of it. Every scenario ends with a probe — a whole-document replacement by the text the
//! test expects — which the server measures as nothing inserted and nothing deleted only if its
//! mirror holds exactly that text.

mod common;

use common::{Edit, edits_of, sessions, shape};
use mindgap_e2e::{Server, caps_with_encodings, full_change, range_change, trimmed_counts, uri};
use serde_json::json;

/// Width of `s` in the units of `enc`.
fn units(s: &str, enc: &str) -> u32 {
    (match enc {
        "utf-8" => s.len(),
        "utf-16" => s.encode_utf16().count(),
        "utf-32" => s.chars().count(),
        _ => unreachable!(),
    }) as u32
}

const PASTE: &str = "// 😀 pasted from somewhere!!\r\n";

/// Types, pastes and deletes in a CRLF document holding an emoji; returns the stored edits and
/// the text the document must hold at the end.
fn edit_session(enc: &str) -> (Vec<Edit>, String) {
    let mut s = Server::start();
    let result = s.initialize(caps_with_encodings(&[enc]));
    assert_eq!(result["capabilities"]["positionEncoding"], json!(enc));
    let u = uri(&format!("edit-{enc}.rs"));
    s.open(&u, 1, "fn main() {\r\n    let s = \"😀\";\r\n}\r\n");

    let before_emoji = units("    let s = \"", enc);
    let after_emoji = units("    let s = \"😀", enc);
    // v2..v4: type "abc" after the emoji, one char at a time.
    for (i, c) in ["a", "b", "c"].into_iter().enumerate() {
        s.insert(&u, 2 + i as i32, 1, after_emoji + i as u32, c);
    }
    // v5: a 30-char paste at the start of line 2.
    assert_eq!(PASTE.chars().count(), 30);
    s.insert(&u, 5, 2, 0, PASTE);
    // v6: delete "abc".
    s.change(
        &u,
        6,
        vec![range_change((1, after_emoji), (1, after_emoji + 3), "")],
    );
    // v7: replace the emoji by another: one char in, one out.
    s.change(
        &u,
        7,
        vec![range_change((1, before_emoji), (1, after_emoji), "😁")],
    );
    // v8: join lines 0 and 1 by deleting the CRLF (and nothing else).
    s.change(
        &u,
        8,
        vec![range_change((0, units("fn main() {", enc)), (1, 0), "")],
    );
    let expected = format!("fn main() {{    let s = \"😁\";\r\n{PASTE}}}\r\n");
    // v9: the probe.
    s.change(&u, 9, vec![full_change(&expected)]);
    s.save(&u);
    s.close(&u);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let db = s.db_path();
    let sess = sessions(&db);
    assert_eq!(sess.len(), 1, "{sess:?}");
    assert_eq!(sess[0].encoding, enc);
    assert_eq!(sess[0].kind, "lsp");
    assert_eq!(sess[0].client_name.as_deref(), Some("mindgap-e2e"));
    assert_eq!(sess[0].pid, i64::from(s.pid()));
    (edits_of(&db, &u), expected)
}

fn check_edit_session(enc: &str) {
    let (edits, _) = edit_session(enc);
    assert_eq!(
        shape(&edits),
        vec![
            ("typed", 1, 0),
            ("typed", 1, 0),
            ("typed", 1, 0),
            ("paste", 30, 0),
            ("delete", 0, 3),
            ("typed", 1, 1),
            ("delete", 0, 2),
        ]
        .into_iter()
        .chain(edits.get(7).map(|e| (e.class.as_str(), 0, 0)))
        .collect::<Vec<_>>(),
        "{enc}: {edits:#?}"
    );
    assert_eq!(edits.len(), 8, "the probe is missing: {edits:#?}");
    let versions: Vec<i64> = edits.iter().map(|e| e.version).collect();
    assert_eq!(versions, (2..=9).collect::<Vec<_>>());
    let lines: Vec<i64> = edits.iter().map(|e| e.line).collect();
    assert_eq!(&lines[..7], &[1, 1, 1, 2, 1, 1, 0], "{enc}: {edits:#?}");
    for e in &edits {
        assert_eq!(e.source, "change");
        assert_eq!(e.change_index, 0);
        assert!(e.counted);
        // No hash of a typed character is kept: the hash of one character gives it back.
        let hashed = e.inserted > 0 && e.class != "typed";
        assert_eq!(e.text_hash != 0, hashed, "{e:?}");
    }
    // Times are unix ms of this run, in order.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(edits.windows(2).all(|w| w[0].t_ms <= w[1].t_ms));
    assert!((now - 60_000..=now + 1000).contains(&edits[0].t_ms));
}

#[test]
fn typing_paste_and_delete_in_utf16_with_emoji_and_crlf() {
    check_edit_session("utf-16");
}

#[test]
fn typing_paste_and_delete_in_utf8_with_emoji_and_crlf() {
    check_edit_session("utf-8");
}

#[test]
fn typing_paste_and_delete_in_utf32_with_emoji_and_crlf() {
    check_edit_session("utf-32");
}

#[test]
fn several_changes_in_one_notification_apply_in_order() {
    let mut s = Server::start();
    s.initialize(caps_with_encodings(&["utf-16"]));
    let u = uri("multi.py");
    s.open(&u, 1, "def f():\n    return 1\n");
    // Neovim sends batches like this: each change's range is in the text left by the ones before.
    s.change(
        &u,
        2,
        vec![
            range_change((1, 11), (1, 12), "42"),      // "return 42"
            range_change((0, 6), (0, 6), "x"),         // "def f(x):"
            range_change((2, 0), (2, 0), "print()\n"), // a new last line
        ],
    );
    let expected = "def f(x):\n    return 42\nprint()\n";
    s.change(&u, 3, vec![full_change(expected)]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let edits = edits_of(&s.db_path(), &u);
    let got: Vec<(i64, i64, i64, i64)> = edits
        .iter()
        .map(|e| (e.version, e.change_index, e.inserted, e.deleted))
        .collect();
    // "1" → "42" trims to nothing common: 2 in, 1 out.
    assert_eq!(
        got,
        vec![(2, 0, 2, 1), (2, 1, 1, 0), (2, 2, 8, 0), (3, 0, 0, 0)],
        "{edits:#?}"
    );
    assert_eq!(
        edits.iter().map(|e| e.line).take(3).collect::<Vec<_>>(),
        vec![1, 0, 2]
    );
}

#[test]
fn replacements_count_only_what_differs() {
    let mut s = Server::start();
    s.initialize(caps_with_encodings(&["utf-8", "utf-16"]));
    let u = uri("trim.txt");
    let text = "let value = compute(1);\n";
    s.open(&u, 1, text);
    // A client replaces the whole line with a version that differs in one place.
    let new_line = "let value = compute(2);\n";
    s.change(&u, 2, vec![range_change((0, 0), (1, 0), new_line)]);
    // A rename-like edit: "value" → "total".
    let renamed = "let total = compute(2);\n";
    s.change(&u, 3, vec![range_change((0, 4), (0, 9), "total")]);
    s.change(&u, 4, vec![full_change(renamed)]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let edits = edits_of(&s.db_path(), &u);
    let counts: Vec<(i64, i64)> = edits.iter().map(|e| (e.inserted, e.deleted)).collect();
    let expect = |a: &str, b: &str| {
        let (i, d) = trimmed_counts(a, b);
        (i as i64, d as i64)
    };
    assert_eq!(
        counts,
        vec![expect(text, new_line), expect("value", "total"), (0, 0)],
        "{edits:#?}"
    );
    assert_eq!(counts[0], (1, 1));
}

#[test]
fn reopening_a_closed_document_with_new_text_is_recorded_as_a_reload() {
    let mut s = Server::start();
    s.initialize(caps_with_encodings(&["utf-16"]));
    let u = uri("reload.py");
    s.open(&u, 1, "x = 1\n");
    s.insert(&u, 2, 1, 0, "y");
    s.close(&u);
    // Reopened with text changed outside the editor (an agent added an import).
    s.open(&u, 2, "import os\nx = 1\ny");
    // Reopened again with the same text: nothing changed, nothing recorded.
    s.close(&u);
    s.open(&u, 2, "import os\nx = 1\ny");
    s.insert(&u, 3, 2, 1, "z");
    s.change(&u, 4, vec![full_change("import os\nx = 1\nyz")]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let edits = edits_of(&s.db_path(), &u);
    let got: Vec<(&str, i64, i64, i64)> = edits
        .iter()
        .map(|e| (e.source.as_str(), e.version, e.inserted, e.deleted))
        .collect();
    assert_eq!(
        got,
        vec![
            ("change", 2, 1, 0),
            ("reopen", 2, 10, 0),
            ("change", 3, 1, 0),
            ("change", 4, 0, 0)
        ],
        "{edits:#?}"
    );
}

#[test]
fn documents_are_kept_apart() {
    let mut s = Server::start();
    s.initialize(caps_with_encodings(&[]));
    let (a, b) = (uri("a.txt"), uri("b.txt"));
    s.open(&a, 1, "aaa\n");
    s.open(&b, 7, "bbb\n");
    s.insert(&a, 2, 0, 3, "1");
    s.insert(&b, 8, 0, 0, "22");
    s.insert(&a, 3, 1, 0, "333");
    s.change(&a, 4, vec![full_change("aaa1\n333")]);
    s.change(&b, 9, vec![full_change("22bbb\n")]);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let db = s.db_path();
    let va: Vec<(i64, i64, i64)> = edits_of(&db, &a)
        .iter()
        .map(|e| (e.version, e.inserted, e.deleted))
        .collect();
    let vb: Vec<(i64, i64, i64)> = edits_of(&db, &b)
        .iter()
        .map(|e| (e.version, e.inserted, e.deleted))
        .collect();
    assert_eq!(va, vec![(2, 1, 0), (3, 3, 0), (4, 0, 0)]);
    assert_eq!(vb, vec![(8, 2, 0), (9, 0, 0)]);
}
