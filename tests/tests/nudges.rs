//! Nudges end to end: outside help early in a task draws diagnostics; the code actions are
//! offered; *Explain* writes the explanation and opens it; typed words in it clear the nudge,
//! pasted ones do not; *It's my own code* reclassifies the block. The server runs in-process;
//! `mindgap check` and `hook install` run as the binary.

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::edits_of;
use mindgap_e2e::{Server, Workspace};
use serde_json::{Value, json};

/// UTF-16 positions and `window/showDocument` (*Explain* opens the explanation).
fn caps() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}, "window": {"showDocument": {"support": true}}})
}

fn options() -> Value {
    json!({"explain_min_words": 6})
}

#[track_caller]
fn diagnostics_for(s: &mut Server, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let m = s.recv_where(Duration::from_secs(6), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && pred(
                m["params"]["diagnostics"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            )
    });
    let Some(m) = m else {
        let seen: Vec<&Value> = s
            .received()
            .iter()
            .filter(|m| m["method"] == "textDocument/publishDiagnostics")
            .map(|m| &m["params"]["diagnostics"])
            .collect();
        panic!("no matching diagnostics for {uri}; published: {seen:?}")
    };
    m["params"]["diagnostics"].as_array().unwrap().clone()
}

/// The last diagnostics published for `uri` so far.
fn latest_diagnostics(s: &Server, uri: &str) -> Vec<Value> {
    let last = s
        .received()
        .iter()
        .rev()
        .find(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .expect("diagnostics were published");
    last["params"]["diagnostics"].as_array().unwrap().clone()
}

fn codes(d: &[Value]) -> Vec<&str> {
    d.iter().filter_map(|d| d["code"].as_str()).collect()
}

const BLOCK: &str = "def area(r):\n    return 3.14 * r * r\n\n\ndef perimeter(r):\n    return 6.28 * r\n\n\ndef diameter(r):\n    return 2 * r\n";

#[test]
fn explain_a_pasted_block_by_typing_not_pasting() {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    let mut s = Server::in_process(&home, &root, caps(), options());
    let uri = format!("file://{}/geo.py", root.display());
    s.open(&uri, 1, "\n\n");
    s.insert(&uri, 2, 1, 0, BLOCK); // a 10-line paste at the very start of the task
    let d = diagnostics_for(&mut s, &uri, |d| codes(d).contains(&"unexplained"));
    assert!(codes(&d).contains(&"early-help"), "{d:?}");
    let block = d[0]["data"]["block"].as_u64().unwrap();

    let actions = s
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 3}},
                "context": {"diagnostics": d},
            }),
        )
        .unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("Explain this block")),
        "{titles:?}"
    );
    assert!(titles.contains(&"It's my own code (mindgap)"), "{titles:?}");

    let res = s
        .request(
            "workspace/executeCommand",
            json!({"command": "mindgap.explain", "arguments": [uri, block]}),
        )
        .unwrap();
    let md_uri = res["explanation"].as_str().unwrap().to_string();
    let md_path = md_uri.strip_prefix("file://").unwrap().to_string();
    let text = std::fs::read_to_string(&md_path).unwrap();
    assert!(
        text.starts_with("---\nfile: geo.py\nblock: 2-11\nhash: "),
        "{text}"
    );
    assert!(
        s.received()
            .iter()
            .any(|m| m["method"] == "window/showDocument" && m["params"]["uri"] == md_uri.as_str())
    );

    // The person opens it; pasting words in does not count...
    s.open(&md_uri, 1, &text);
    let end_line = text.lines().count() as u32;
    sleep(Duration::from_millis(1200));
    s.insert(
        &md_uri,
        2,
        end_line,
        0,
        "Because the brochure generator needs all three shapes quickly.\n",
    );
    s.drain(Duration::from_millis(1500));
    let d = latest_diagnostics(&s, &uri);
    assert!(
        codes(&d).contains(&"unexplained"),
        "pasted words must not count: {d:?}"
    );
    assert!(
        d.iter().any(|d| d["message"]
            .as_str()
            .unwrap_or("")
            .contains("not written yet")),
        "{d:?}"
    );
    // ...typing them does.
    let mut v = 2;
    for (i, c) in "radius drives every formula here so I kept them together"
        .chars()
        .enumerate()
    {
        v += 1;
        s.insert(&md_uri, v, end_line + 1, i as u32, &c.to_string());
        sleep(Duration::from_millis(20));
    }
    diagnostics_for(&mut s, &uri, |d| !codes(d).contains(&"unexplained"));

    // It's my own code: the block stops being outside help, in the editor and in the store.
    s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.own", "arguments": [uri, block, "I wrote it yesterday"]}),
    )
    .unwrap();
    diagnostics_for(&mut s, &uri, |d| d.is_empty());
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let classes: Vec<String> = edits_of(&s.db_path(), &uri)
        .into_iter()
        .map(|e| e.class)
        .collect();
    assert_eq!(classes, vec!["move"]);
}

#[test]
fn check_staged_fails_until_the_block_is_explained_and_the_hook_runs_it() {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    let git = |args: &[&str]| mindgap_e2e::git(&root, args);
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(root.join("mindgap.toml"), "explain_min_words = 5\n").unwrap();
    let check = || {
        mindgap_e2e::run([
            "check",
            "--staged",
            "--home",
            &home.display().to_string(),
            "--dir",
            &root.display().to_string(),
        ])
    };

    let mut s = Server::in_process(&home, &root, caps(), options());
    let path = root.join("geo.py");
    let uri = format!("file://{}", path.display());
    let text = format!("\n{BLOCK}");
    s.open(&uri, 1, "\n");
    s.insert(&uri, 2, 1, 0, BLOCK);
    std::fs::write(&path, &text).unwrap();
    s.save(&uri);
    let d = diagnostics_for(&mut s, &uri, |d| codes(d).contains(&"unexplained"));
    let block = d[0]["data"]["block"].as_u64().unwrap();
    git(&["add", "geo.py"]);
    sleep(Duration::from_millis(700)); // the store writes within half a second
    let out = check();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        out.stdout_str(),
        out.stderr
    );
    assert!(
        out.stdout_str()
            .contains("geo.py:2: 10 lines of paste without an explanation"),
        "{}",
        out.stdout_str()
    );

    // Explain it, typing the words.
    let res = s
        .request(
            "workspace/executeCommand",
            json!({"command": "mindgap.explain", "arguments": [uri, block]}),
        )
        .unwrap();
    let md_uri = res["explanation"].as_str().unwrap().to_string();
    let md_path = md_uri.strip_prefix("file://").unwrap().to_string();
    let template = std::fs::read_to_string(&md_path).unwrap();
    s.open(&md_uri, 1, &template);
    let line = template.lines().count() as u32;
    let words = "all three shapes share the radius";
    let mut v = 1;
    for (i, c) in words.chars().enumerate() {
        v += 1;
        s.insert(&md_uri, v, line, i as u32, &c.to_string());
        sleep(Duration::from_millis(20));
    }
    std::fs::write(&md_path, format!("{template}{words}")).unwrap();
    s.save(&md_uri);
    s.save(&uri); // the block's tag (its explanation) reaches the store with the save
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let out = check();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        out.stdout_str(),
        out.stderr
    );

    // The hook keeps an existing one and runs the check after it.
    let hooks = root.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::write(
        hooks.join("pre-commit"),
        "#!/bin/sh\necho existing hook ran\n",
    )
    .unwrap();
    let out = mindgap_e2e::run(["hook", "install", "--dir", &root.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let hook = std::fs::read_to_string(hooks.join("pre-commit")).unwrap();
    assert!(
        hook.contains("pre-commit.before-mindgap") && hook.contains("check --staged"),
        "{hook}"
    );
    assert!(hooks.join("pre-commit.before-mindgap").is_file());
    let again = mindgap_e2e::run(["hook", "install", "--dir", &root.display().to_string()]);
    assert!(
        again.stdout_str().contains("already"),
        "{}",
        again.stdout_str()
    );
}

/// Applies an LSP edit (ASCII text, so UTF-16 columns are chars) to a local copy of the text.
fn apply(text: &str, range: &Value, new_text: &str) -> String {
    let offset = |p: &Value| {
        let (line, ch) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + ch
    };
    let (a, b) = (offset(&range["start"]), offset(&range["end"]));
    format!("{}{new_text}{}", &text[..a], &text[b..])
}

/// The last `workspace/applyEdit` the server asked for: (range, new text).
fn last_apply_edit(s: &Server, uri: &str) -> (Value, String) {
    let m = s
        .received()
        .iter()
        .rev()
        .find(|m| m["method"] == "workspace/applyEdit")
        .expect("an applyEdit request");
    let e = &m["params"]["edit"]["changes"][uri][0];
    (
        e["range"].clone(),
        e["newText"].as_str().unwrap().to_string(),
    )
}

#[test]
fn rewrite_by_hand_and_restore_round_trip_exactly() {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    let mut s = Server::in_process(&home, &root, caps(), options());
    let uri = format!("file://{}/geo.py", root.display());
    let mut text = "x = 1\n\n".to_string();
    s.open(&uri, 1, &text);
    s.insert(&uri, 2, 1, 0, BLOCK);
    text = format!("x = 1\n{BLOCK}\n");
    let original = text.clone();
    let d = diagnostics_for(&mut s, &uri, |d| codes(d).contains(&"unexplained"));
    let block = d[0]["data"]["block"].as_u64().unwrap();
    let at = |line: u32| json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}});
    let titles = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["title"].as_str().map(String::from))
            .collect()
    };
    let actions = s
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": at(2), "context": {"diagnostics": []}}),
        )
        .unwrap();
    assert!(
        titles(&actions).contains(&"Rewrite it by hand (mindgap)".to_string()),
        "{actions}"
    );

    // Rewrite: the block is stashed and replaced by a comment saying what to write.
    let res = s
        .request(
            "workspace/executeCommand",
            json!({"command": "mindgap.rewrite", "arguments": [uri, block]}),
        )
        .unwrap();
    let stash = res["stash"].as_i64().unwrap();
    let (range, comment) = last_apply_edit(&s, &uri);
    assert!(
        comment.starts_with(&format!(
            "# mindgap stash {stash}: write this yourself (10 lines of paste"
        )),
        "{comment}"
    );
    text = apply(&text, &range, &comment);
    s.change(&uri, 3, vec![json!({"range": range, "text": comment})]);
    diagnostics_for(&mut s, &uri, |d| d.is_empty());

    // Restore, offered on the comment, puts back exactly what was there.
    let actions = s
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": at(1), "context": {"diagnostics": []}}),
        )
        .unwrap();
    assert!(
        titles(&actions).contains(&"Restore stashed version (mindgap)".to_string()),
        "{actions}"
    );
    s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.restore", "arguments": [uri, stash]}),
    )
    .unwrap();
    let (range, restored) = last_apply_edit(&s, &uri);
    assert_eq!(restored, BLOCK);
    text = apply(&text, &range, &restored);
    assert_eq!(text, original, "rewrite then restore round-trips the text");
    s.change(&uri, 4, vec![json!({"range": range, "text": restored})]);
    // The restored block is outside help again.
    diagnostics_for(&mut s, &uri, |d| codes(d).contains(&"unexplained"));
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let classes: Vec<(String, i64)> = edits_of(&s.db_path(), &uri)
        .into_iter()
        .map(|e| (e.class, e.inserted))
        .collect();
    assert_eq!(
        classes[1].0, "editor",
        "the comment is a mechanical edit: {classes:?}"
    );
    // The restored block is the stashed paste again (less the line break the comment kept).
    assert_eq!(
        classes[2],
        ("paste".to_string(), BLOCK.chars().count() as i64 - 1),
        "{classes:?}"
    );
}

#[test]
fn a_struggle_window_counts_attempts_and_flags_help() {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    let mut s = Server::in_process(
        &home,
        &root,
        json!({"experimental": {"mindgapStatus": true}}),
        Value::Null,
    );
    let res = s
        .request(
            "workspace/executeCommand",
            json!({"command": "mindgap.struggle.start", "arguments": [{"minutes": 5}]}),
        )
        .unwrap();
    assert_eq!(res["minutes"], 5);
    let uri = format!("file://{}/s.py", root.display());
    s.open(&uri, 1, "\n\n");
    let mut v = 1;
    for (i, c) in "x = 1".chars().enumerate() {
        v += 1;
        s.insert(&uri, v, 0, i as u32, &c.to_string());
        sleep(Duration::from_millis(25));
    }
    s.save(&uri); // a save after typing: one attempt
    let st = s
        .recv_where(Duration::from_secs(5), |m| {
            m["method"] == "mindgap/status" && m["params"]["struggle"]["attempts"] == 1
        })
        .expect("the status shows the struggle window and the attempt");
    let left = st["params"]["struggle"]["minutes_left"].as_i64().unwrap();
    assert!((1..=5).contains(&left), "{st}");
    assert!(
        st["params"]["text"].as_str().unwrap().contains("⏳"),
        "{st}"
    );
    s.save(&uri); // no typing since: not an attempt
    // Help during the window is flagged.
    s.insert(
        &uri,
        v + 1,
        1,
        0,
        "def helper():\n    return compute_everything()\n",
    );
    diagnostics_for(&mut s, &uri, |d| codes(d).contains(&"struggle"));
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let out = mindgap_e2e::run([
        "status",
        "--json",
        "--home",
        &home.display().to_string(),
        "--dir",
        &root.display().to_string(),
    ]);
    let st: Value = serde_json::from_str(out.stdout_str().trim()).unwrap();
    assert_eq!(st["struggle"]["attempts"], 1, "{st}");
}

/// Restart: a pasted block saved, the server killed (no shutdown), the file reopened by a new
/// server — its provenance comes back (read in the background after `didOpen`, even with a
/// keystroke arriving right after the open), the nudges and code actions are there again, and
/// acting on them works. (That a restore merges with outside help recorded before it arrives is
/// `pipeline::tests::provenance_follows_edits_and_survives_a_restart`.)
#[test]
fn a_saved_block_survives_a_kill_and_is_acted_on_after_reopening() {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    let uri = format!("file://{}/geo.py", root.display());
    let mut text = String::from("\n\n");
    text.insert_str(1, BLOCK);
    {
        let mut s = Server::start_in(&home, &root, caps(), options());
        s.open(&uri, 1, "\n\n");
        s.insert(&uri, 2, 1, 0, BLOCK);
        s.save(&uri); // a commit follows a save: provenance is saved then
        diagnostics_for(&mut s, &uri, |d| codes(d).contains(&"unexplained"));
        // A kill may lose the last half-second the store had not written yet (README).
        sleep(Duration::from_millis(800));
        s.kill();
    }
    let mut s = Server::in_process(&home, &root, caps(), options());
    s.open(&uri, 1, &text);
    // Typing at once, before the restore can have arrived, on a line of its own.
    s.insert(&uri, 2, 0, 0, "x");
    let titles = s.code_action_titles(&uri, 3, Duration::from_secs(5));
    assert!(
        titles.iter().any(|t| t.starts_with("Explain this block")),
        "{titles:?}"
    );
    let d = diagnostics_for(&mut s, &uri, |d| codes(d).contains(&"unexplained"));
    let block = d[0]["data"]["block"].as_u64().unwrap();
    s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.own", "arguments": [uri, block]}),
    )
    .unwrap();
    diagnostics_for(&mut s, &uri, |d| d.is_empty());
    assert!(s.code_action_titles(&uri, 3, Duration::ZERO).is_empty());
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

const SECOND_BLOCK: &str = "def volume(r):\n    return 4.19 * r * r * r\n\n\ndef surface(r):\n    return 12.57 * r * r\n\n\ndef radius(d):\n    return d / 2\n";

fn unexplained(d: &[Value]) -> usize {
    codes(d).iter().filter(|c| **c == "unexplained").count()
}

/// Blocks keep their identity across restarts: two pasted blocks saved, the server killed, the
/// file reopened — each block comes back with an identity of its own; explaining the second
/// opens its own explanation, calling the first one's own code leaves the second alone; and
/// after another restart, with a line typed above both (re-anchoring), the second is still the
/// same block.
#[test]
fn several_restored_blocks_each_keep_their_identity() {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    let uri = format!("file://{}/solids.py", root.display());
    let text = format!("\n{BLOCK}\n{SECOND_BLOCK}\n");
    {
        let mut s = Server::start_in(&home, &root, caps(), options());
        s.open(&uri, 1, "\n\n\n");
        s.insert(&uri, 2, 1, 0, BLOCK);
        s.insert(&uri, 3, 12, 0, SECOND_BLOCK);
        s.save(&uri);
        diagnostics_for(&mut s, &uri, |d| unexplained(d) == 2);
        sleep(Duration::from_millis(800));
        s.kill();
    }
    let blocks = |d: &[Value]| -> Vec<(u64, u64)> {
        d.iter()
            .filter(|d| d["code"] == "unexplained")
            .map(|d| {
                let line = d["range"]["start"]["line"].as_u64().unwrap();
                (line, d["data"]["block"].as_u64().unwrap())
            })
            .collect()
    };
    let mut s = Server::start_in(&home, &root, caps(), options());
    s.open(&uri, 1, &text);
    let d = diagnostics_for(&mut s, &uri, |d| unexplained(d) == 2);
    let found = blocks(&d);
    let (first, second) = (found[0].1, found[1].1);
    assert_ne!(first, second, "{found:?}");
    // Explaining the second opens an explanation of the second block.
    let res = s
        .request(
            "workspace/executeCommand",
            json!({"command": "mindgap.explain", "arguments": [uri, second]}),
        )
        .unwrap();
    let md = res["explanation"].as_str().unwrap().to_string();
    let md_text = std::fs::read_to_string(md.trim_start_matches("file://")).unwrap();
    assert!(md_text.contains("block: 13-22"), "{md_text}");
    // The first is the person's own: the second still needs its explanation.
    s.request(
        "workspace/executeCommand",
        json!({"command": "mindgap.own", "arguments": [uri, first]}),
    )
    .unwrap();
    let d = diagnostics_for(&mut s, &uri, |d| unexplained(d) == 1);
    assert_eq!(blocks(&d)[0].1, second, "{d:?}");
    s.save(&uri);
    s.close(&uri);
    sleep(Duration::from_millis(800)); // the store writes within half a second
    s.kill();
    // Reopened with a line typed above both meanwhile: re-anchored, same block.
    let mut s = Server::in_process(&home, &root, caps(), options());
    s.open(&uri, 1, &format!("import math\n{text}"));
    let d = diagnostics_for(&mut s, &uri, |d| unexplained(d) == 1);
    assert_eq!(blocks(&d), vec![(13, second)], "{d:?}");
    assert_eq!(s.shutdown_and_exit(), Some(0));
}
