//! What the editor is sent of the nudges (`lsp/nudges.rs`): at most 200 diagnostics per
//! document, the largest blocks first, and nothing again while they stay the same — a file full
//! of small accepted completions must not flood the client every half second. The server runs
//! in-process.

use std::time::Duration;

use mindgap_e2e::{Server, Workspace};
use serde_json::{Value, json};

fn publications(s: &Server, uri: &str) -> Vec<Vec<Value>> {
    s.received()
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .map(|m| m["params"]["diagnostics"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn diagnostics_are_capped_and_not_sent_again_while_unchanged() {
    let w = Workspace::new();
    let mut s = Server::in_process(&w.home, &w.root, json!({}), Value::Null);
    // A manual task: every block of outside help in it draws a nudge.
    s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.task.start", "arguments": [{"name": "by hand", "manual": true}]}),
    )
    .unwrap();
    let uri = format!("file://{}/many.rs", w.root.display());
    s.open(&uri, 1, &"\n".repeat(700));
    let mut v = 1;
    for i in 0..260u32 {
        v += 1;
        // Each its own block, on lines of its own; the last ones longer.
        let block = format!(
            "let pasted_{i} = from_outside({i}){};",
            " + 1".repeat(i as usize / 50)
        );
        s.insert(&uri, v, 2 * i, 0, &block);
    }
    let full = s.recv_where(Duration::from_secs(6), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.len() == 200)
    });
    assert!(
        full.is_some(),
        "published: {:?}",
        publications(&s, &uri)
            .iter()
            .map(Vec::len)
            .collect::<Vec<_>>()
    );
    let shown = publications(&s, &uri).pop().unwrap();
    // The largest blocks are the ones shown (the last 60 are the longest): all of them.
    for i in 200..260 {
        let line = 2 * i as u64;
        assert!(
            shown.iter().any(|d| d["range"]["start"]["line"] == line),
            "block {i} is missing"
        );
    }
    // Typing at the very end moves no block: nothing is sent again.
    let before = publications(&s, &uri).len();
    for (n, c) in "// end".chars().enumerate() {
        v += 1;
        s.insert(&uri, v, 690, n as u32, &c.to_string());
        std::thread::sleep(Duration::from_millis(150));
    }
    std::thread::sleep(Duration::from_millis(1200));
    let _ = s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.task.list"}),
    );
    assert_eq!(
        publications(&s, &uri).len(),
        before,
        "unchanged diagnostics sent again"
    );
}
