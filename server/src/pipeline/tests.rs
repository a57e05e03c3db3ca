//! The pipeline's rooms working together: outside writes and their reloads counted once,
//! hints before and after their change, expected edits, provenance across a restart, version
//! control and agents' logs.

use super::*;
use crate::classify::{Agent, Evidence};
use crate::mirror::{Position, Range};

fn events(out: &[Emitted]) -> Vec<&EditEvent> {
    out.iter()
        .filter_map(|e| match e {
            Emitted::Event(e) => Some(e),
            Emitted::Amend(_) | Emitted::Undone(_) => None,
        })
        .collect()
}

fn insert(line: u32, col: u32, text: &str) -> ContentChange {
    ContentChange {
        range: Some(Range {
            start: Position::new(line, col),
            end: Position::new(line, col),
        }),
        text: text.into(),
    }
}

/// Replaces whole lines `from..to` (a VS Code reload or a line paste).
fn replace_lines(from: u32, to: u32, text: &str) -> ContentChange {
    let at = |line| Position { line, character: 0 };
    ContentChange {
        range: Some(Range {
            start: at(from),
            end: at(to),
        }),
        text: text.into(),
    }
}

#[test]
fn outside_write_then_reload_is_counted_once() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    p.did_open(0.0, "file:///ws/a.py", 1, "x = 1\n", &mut out);
    p.did_change(1.0, "file:///ws/a.py", 2, vec![insert(1, 0, "y")], &mut out);
    p.did_save("file:///ws/a.py");
    // The editor's own save reaching disk yields nothing.
    p.disk_change(2.0, "a.py", Some("x = 1\ny"), None, &mut out);
    assert_eq!(out.len(), 1);
    // An agent adds an import; the editor reloads (Neovim: close, then open).
    p.disk_change(3.0, "a.py", Some("import os\nx = 1\ny"), None, &mut out);
    p.did_close("file:///ws/a.py");
    p.did_open(4.0, "file:///ws/a.py", 2, "import os\nx = 1\ny", &mut out);
    let tail: Vec<_> = events(&out)[1..]
        .iter()
        .map(|e| (e.source, e.class, e.inserted, e.counted))
        .collect();
    assert_eq!(
        tail,
        vec![
            (Source::Disk, Class::Agent, 10, true),
            (Source::Reopen, Class::Agent, 10, false)
        ]
    );
}

#[test]
fn reload_by_did_change_matches_the_outside_write() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    p.did_open(0.0, "file:///ws/a.py", 1, "x = 1\n", &mut out);
    p.disk_change(1.0, "a.py", Some("import os\nx = 1\n"), None, &mut out);
    p.did_change(
        2.0,
        "file:///ws/a.py",
        2,
        vec![insert(0, 0, "import os\n")],
        &mut out,
    );
    let ev = events(&out);
    assert_eq!(ev.len(), 2);
    assert_eq!((ev[1].class, ev[1].counted), (Class::Agent, false));
}

#[test]
fn a_reload_that_beats_the_watcher_is_the_outside_write_counted_once() {
    // VS Code can reload within ~100 ms of an outside write, before the watcher's 150 ms
    // settle delivers it (CLIENTS.md): the reload comes first, the disk change second.
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let uri = "file:///ws/a.py";
    let old = "def f():\n    return 1\n";
    p.did_open(0.0, uri, 1, old, &mut out);
    p.did_change(
        5_000.0,
        uri,
        2,
        vec![replace_lines(
            1,
            2,
            "    total = compute_total(items, tax_rate)\n    return total\n",
        )],
        &mut out,
    );
    let new = "def f():\n    total = compute_total(items, tax_rate)\n    return total\n";
    p.disk_change(5_150.0, "a.py", Some(new), None, &mut out);
    let ev = events(&out);
    let counted: Vec<_> = ev.iter().filter(|e| e.counted).collect();
    assert_eq!(counted.len(), 1, "{ev:?}");
    let amended = amendments(&out);
    let class = amended
        .iter()
        .find(|(id, _, _)| *id == counted[0].id)
        .map_or(counted[0].class, |a| a.1);
    assert_eq!(class, Class::Agent, "{ev:?} {amended:?}");

    // A real paste that the editor then saves stays a paste: the save (sent right after
    // the write) reaches the server before the watcher's settle time ends.
    out.clear();
    let pasted = "def f():\n    x = 2\n    return x\n";
    p.did_change(
        9_000.0,
        uri,
        3,
        vec![replace_lines(1, 3, "    x = 2\n    return x\n")],
        &mut out,
    );
    assert_eq!(events(&out)[0].class, Class::Paste);
    p.did_save(uri);
    p.disk_change(9_150.0, "a.py", Some(pasted), None, &mut out);
    assert!(amendments(&out).is_empty(), "{:?}", amendments(&out));
}

#[test]
fn unknown_documents_are_ignored() {
    let mut p = Pipeline::new(Encoding::Utf8, None);
    let mut out = Vec::new();
    p.did_change(0.0, "file:///nope", 3, vec![insert(0, 0, "a")], &mut out);
    p.did_close("file:///nope");
    p.did_save("file:///nope");
    p.disk_change(0.0, "x", Some("y"), None, &mut out);
    assert!(out.is_empty());
}

#[test]
fn hints_win_before_or_after_their_change() {
    let mut p = Pipeline::new(Encoding::Utf16, None);
    let mut out = Vec::new();
    let uri = "file:///a.py";
    p.did_open(0.0, uri, 1, "", &mut out);
    // Before: the change arrives after its hint.
    p.hint(1.0, uri, 2, Class::Completion, &mut out);
    p.did_change(
        2.0,
        uri,
        2,
        vec![insert(0, 0, "x = compute(1)\n")],
        &mut out,
    );
    assert_eq!(events(&out)[0].class, Class::Completion);
    assert_eq!(
        events(&out)[0].evidence,
        crate::classify::Evidence::Hint(Class::Completion)
    );
    // After: the hint amends the event already emitted.
    // (More than five seconds on: at the cursor sooner, it would be the suggestion's next piece.)
    p.did_change(8000.0, uri, 3, vec![insert(1, 0, "y = 2\n")], &mut out);
    let id = events(&out)[1].id;
    assert_eq!(events(&out)[1].class, Class::Paste);
    p.hint(8100.0, uri, 3, Class::Undo, &mut out);
    assert!(
        matches!(out.last(), Some(Emitted::Amend(a)) if a.id == id && a.decision.class == Class::Undo)
    );
    // A hint that names no change is forgotten.
    p.hint(8200.0, uri, 99, Class::Paste, &mut out);
    p.did_change(19000.0, uri, 4, vec![insert(2, 0, "z = 3\n")], &mut out);
    assert_eq!(events(&out)[2].class, Class::Paste);
    assert_ne!(
        events(&out)[2].evidence,
        crate::classify::Evidence::Hint(Class::Paste)
    );
}

#[test]
fn edits_this_server_applies_are_editor() {
    let mut p = Pipeline::new(Encoding::Utf16, None);
    let mut out = Vec::new();
    let uri = "file:///a.py";
    p.did_open(0.0, uri, 1, "def f():\n    pass\n", &mut out);
    p.expect_state(
        1.0,
        uri,
        state_of("def f():\n    \"\"\"Explain f.\"\"\"\n    pass\n"),
        Class::Editor,
    );
    p.did_change(
        2.0,
        uri,
        2,
        vec![insert(1, 0, "    \"\"\"Explain f.\"\"\"\n")],
        &mut out,
    );
    assert_eq!(events(&out)[0].class, Class::Editor);
    // Once seen, the expectation is spent.
    p.did_change(
        3.0,
        uri,
        3,
        vec![insert(0, 0, "import os\nimport sys\n")],
        &mut out,
    );
    assert_eq!(events(&out)[1].class, Class::Paste);
}

#[test]
fn provenance_follows_edits_and_survives_a_restart() {
    use crate::provenance::Saved;
    let uri = "file:///ws/a.py";
    let mut out = Vec::new();
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    assert_eq!(
        p.did_open(0.0, uri, 1, "def f():\n    pass\n", &mut out),
        OpenOutcome::WantsSaved
    );
    p.did_change(
        10_000.0,
        uri,
        2,
        vec![insert(2, 0, "def g():\n    return 42\n")],
        &mut out,
    );
    let ranges = |p: &Pipeline| -> Vec<(usize, usize)> {
        p.provenance(uri).map_or_else(Vec::new, |pr| {
            pr.ranges().map(|r| (r.start, r.end)).collect()
        })
    };
    assert_eq!(ranges(&p), vec![(18, 41)]);
    // Typing inside the block makes those characters the person's.
    p.did_change(20_000.0, uri, 3, vec![insert(3, 11, "0")], &mut out);
    assert_eq!(ranges(&p), vec![(18, 38), (39, 42)]);
    // The views other tasks read follow, without the pipeline.
    let view = p.views().get(uri).expect("a view of the open document");
    assert_eq!(view.provenance.len(), 2);
    assert_eq!(view.rope, *p.buffers.mirror.get(uri).unwrap().rope());
    let saved = p.did_close(uri).expect("provenance to save");
    assert!(p.views().get(uri).is_none(), "closed: no view");
    let saved = Saved::decode(&saved.encode()).expect("saved provenance decodes");

    // Another session: the file gained a line at the top meanwhile.
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let text = "import os\ndef f():\n    pass\ndef g():\n    return 042\n";
    assert_eq!(
        p.did_open(0.0, uri, 1, text, &mut out),
        OpenOutcome::WantsSaved
    );
    p.restore_provenance(uri, Some(&saved));
    assert_eq!(ranges(&p), vec![(28, 48), (49, 52)]);
    assert_eq!(p.views().take_dirty(), vec![std::sync::Arc::from(uri)]);

    // A restore that arrives after the first edits keeps them, and what it brings where they
    // do not claim the characters.
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    p.did_open(0.0, uri, 1, text, &mut out);
    p.did_change(
        10_000.0,
        uri,
        2,
        vec![insert(0, 0, "import sys\nimport json\n")],
        &mut out,
    );
    p.restore_provenance(uri, Some(&saved));
    assert_eq!(ranges(&p), vec![(0, 23), (51, 71), (72, 75)]);
    // Restored once: a second restore is ignored.
    p.restore_provenance(uri, Some(&saved));
    assert_eq!(ranges(&p).len(), 3);
}

#[test]
fn version_control_is_not_an_agent() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let uri = "file:///ws/a.py";
    p.did_open(0.0, uri, 1, "x = 1\n", &mut out);
    // A checkout: git writes the work tree, then moves HEAD and the index.
    p.disk_change(1_000.0, "a.py", Some("x = 2\ny = 3\n"), None, &mut out);
    assert_eq!(
        events(&out)[0].class,
        Class::Agent,
        "an agent's until .git says otherwise"
    );
    p.disk_change(1_200.0, ".git/index", None, None, &mut out);
    p.disk_change(1_250.0, ".git/HEAD", None, None, &mut out);
    let amended: Vec<Class> = out
        .iter()
        .filter_map(|e| match e {
            Emitted::Amend(a) => Some(a.decision.class),
            Emitted::Event(_) | Emitted::Undone(_) => None,
        })
        .collect();
    assert_eq!(amended, vec![Class::Vcs]);
    // The editor's reload of it is version control's too.
    p.did_close(uri);
    p.did_open(1_500.0, uri, 1, "x = 2\ny = 3\n", &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Vcs);
    // A write right after .git changed is version control's at once...
    p.disk_change(2_000.0, "b.py", Some("b = 1\n"), None, &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Vcs);
    // ...one much later is an agent's.
    p.disk_change(20_000.0, "c.py", Some("c = 1\n"), None, &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Agent);
    // An agent that adds and commits its own work is still an agent.
    p.disk_change(40_000.0, "d.py", Some("d = 1\n"), None, &mut out);
    p.disk_change(40_100.0, ".git/index", None, None, &mut out);
    p.disk_change(40_150.0, ".git/refs/heads/main", None, None, &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Agent);
    assert!(!matches!(out.last(), Some(Emitted::Amend(_))));
    // Objects written by git say nothing by themselves.
    let before = out.len();
    p.disk_change(60_000.0, ".git/objects/ab/cdef", None, None, &mut out);
    assert_eq!(out.len(), before);
}

fn amendments(out: &[Emitted]) -> Vec<(u64, Class, String)> {
    out.iter()
        .filter_map(|e| match e {
            Emitted::Amend(a) => Some((a.id, a.decision.class, a.decision.evidence.to_string())),
            Emitted::Event(_) | Emitted::Undone(_) => None,
        })
        .collect()
}

#[test]
fn an_agents_log_names_the_writer_before_or_after_the_write() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    // The log line first, then the write it names.
    p.agent_write(1_000.0, Agent::ClaudeCode, "a.py", &mut out);
    p.disk_change(1_400.0, "a.py", Some("a = 1\n"), None, &mut out);
    let e = events(&out)[0];
    assert_eq!((e.class, e.confidence), (Class::Agent, 0.97));
    assert_eq!(
        e.evidence.to_string(),
        "Claude Code's log says it wrote this file"
    );
    // The write first, then the log line: amended by name.
    p.disk_change(5_000.0, "b.py", Some("b = 1\n"), None, &mut out);
    let id = events(&out).last().unwrap().id;
    assert_eq!(events(&out).last().unwrap().confidence, 0.8);
    p.agent_write(5_300.0, Agent::ClaudeCode, "b.py", &mut out);
    assert_eq!(
        amendments(&out),
        vec![(
            id,
            Class::Agent,
            "Claude Code's log says it wrote this file".into()
        )]
    );
    // A log line about another file, or long after, names nothing.
    out.clear();
    p.disk_change(9_000.0, "c.py", Some("c = 1\n"), None, &mut out);
    p.agent_write(9_100.0, Agent::ClaudeCode, "d.py", &mut out);
    p.agent_write(30_000.0, Agent::ClaudeCode, "c.py", &mut out);
    assert!(amendments(&out).is_empty());
    // Version control does not take over what the log confirmed.
    out.clear();
    p.agent_write(40_000.0, Agent::ClaudeCode, "e.py", &mut out);
    p.disk_change(40_100.0, "e.py", Some("e = 1\n"), None, &mut out);
    p.disk_change(40_200.0, ".git/HEAD", None, None, &mut out);
    assert!(amendments(&out).is_empty(), "{:?}", amendments(&out));
}

fn rep<'a>(rel_path: &'a str, text: Option<&'a str>, before: Option<&'a str>) -> Reported<'a> {
    Reported {
        rel_path,
        text,
        before,
        in_git: None,
        keys: None,
    }
}

#[test]
fn a_file_never_seen_is_measured_against_what_git_held() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let before = "def f():\n    return 1\n";
    let after = "def f():\n    return 1\n\ndef g():\n    return 2\n";
    p.disk_report(1_000.0, rep("m.py", Some(after), Some(before)), &mut out);
    let e = events(&out)[0];
    assert_eq!((e.class, e.inserted, e.deleted), (Class::Agent, 23, 0));
    // Without a baseline the whole file is new to the session.
    p.disk_report(2_000.0, rep("n.py", Some(after), None), &mut out);
    assert_eq!(events(&out)[1].inserted, after.chars().count() as u32);
    // A baseline never overrides what the session knows.
    let baseline = rep("m.py", Some(before), Some("something else"));
    p.disk_report(3_000.0, baseline, &mut out);
    assert_eq!((events(&out)[2].inserted, events(&out)[2].deleted), (0, 23));
    // A file that now holds just what git's index holds was put there by version control.
    p.disk_report(4_000.0, rep("o.py", Some(before), Some(before)), &mut out);
    let e = events(&out)[3];
    assert_eq!((e.class, e.inserted), (Class::Vcs, 0));
    assert_eq!(e.evidence.to_string(), "now holds what git's index holds");
}

#[test]
fn readers_on_other_threads_always_see_whole_views_while_documents_change() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let uri = "file:///ws/a.py";
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    p.did_open(0.0, uri, 1, "fn main() {}\n", &mut out);
    let (views, stop) = (p.views(), Arc::new(AtomicBool::new(false)));
    let reader = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let (mut reads, mut last) = (0u32, 0usize);
            while !stop.load(Ordering::Relaxed) {
                let v = views
                    .get(uri)
                    .expect("an open document always has a whole view");
                assert!(v.rope.len_chars() >= last, "views never go back");
                last = v.rope.len_chars();
                views.take_dirty();
                reads += 1;
            }
            reads
        })
    };
    for v in 2..2_002 {
        p.did_change(
            f64::from(v) * 150.0,
            uri,
            v,
            vec![insert(0, 0, "x")],
            &mut out,
        );
    }
    stop.store(true, Ordering::Relaxed);
    assert!(reader.join().expect("the reader never panics") > 0);
    assert_eq!(p.views().get(uri).unwrap().rope.len_chars(), 13 + 2_000);
}

#[test]
fn restored_blocks_keep_identities_of_their_own() {
    use crate::provenance::Saved;
    let uri = "file:///ws/two.py";
    let mut out = Vec::new();
    let text = "a = 1\n\n";
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    p.did_open(0.0, uri, 1, text, &mut out);
    p.did_change(
        10_000.0,
        uri,
        2,
        vec![insert(1, 0, "def f():\n    return 1\n")],
        &mut out,
    );
    p.did_change(
        20_000.0,
        uri,
        3,
        vec![insert(3, 0, "def g():\n    return 2\n")],
        &mut out,
    );
    let now = p.views().get(uri).unwrap().rope.to_string();
    let saved = Saved::decode(&p.did_close(uri).unwrap().encode()).unwrap();

    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    p.did_open(0.0, uri, 1, &now, &mut out);
    p.restore_provenance(uri, Some(&saved));
    let ids: Vec<u64> = p.provenance(uri).unwrap().ranges().map(|r| r.id).collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "two blocks, two identities");
    // Explaining one, or calling it one's own, leaves the other as it was.
    p.tag_explanation(uri, ids[0], 7);
    let tags: Vec<u32> = p
        .provenance(uri)
        .unwrap()
        .ranges()
        .map(|r| r.tags.explanation)
        .collect();
    assert_eq!(tags, vec![7, 0]);
    out.clear();
    assert!(p.own_block(uri, ids[0], &mut out));
    assert!(out.is_empty(), "no event of this session to amend: {out:?}");
    let left: Vec<u64> = p.provenance(uri).unwrap().ranges().map(|r| r.id).collect();
    assert_eq!(left, vec![ids[1]]);
}

#[test]
fn version_control_is_judged_by_content_not_by_the_clock() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let uri = "file:///ws/a.py";
    p.did_open(0.0, uri, 1, "x = 1\n", &mut out);
    // A merge moves HEAD; 2.5 s later an agent writes a file git never held: an agent's.
    p.disk_change(1_000.0, ".git/MERGE_HEAD", None, None, &mut out);
    p.disk_change(
        3_500.0,
        "new.py",
        Some("def g():\n    pass\n"),
        Some(false),
        &mut out,
    );
    assert_eq!(events(&out).last().unwrap().class, Class::Agent);
    // ...and a `.git` change right after it does not take it over.
    p.disk_change(3_600.0, ".git/HEAD", None, None, &mut out);
    assert!(amendments(&out).is_empty(), "{:?}", amendments(&out));
    // `git checkout -- a.py`, no `.git` mark at all: git held the text, so it is version
    // control's, and so is the editor's reload of it.
    p.disk_change(60_000.0, "a.py", Some("x = 0\n"), Some(true), &mut out);
    let e = (*events(&out).last().unwrap()).clone();
    assert_eq!((e.class, e.evidence), (Class::Vcs, Evidence::GitHoldsText));
    p.did_close(uri);
    p.did_open(60_100.0, uri, 1, "x = 0\n", &mut out);
    let reload = (*events(&out).last().unwrap()).clone();
    assert_eq!((reload.class, reload.counted), (Class::Vcs, false));
    // A merge that stops on a conflict writes markers git never held: version control's too.
    let conflict = "<<<<<<< HEAD\nx = 0\n=======\nx = 2\n>>>>>>> topic\n";
    p.disk_change(70_000.0, "b.py", Some(conflict), Some(false), &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Vcs);
}

#[test]
fn a_paste_of_lines_from_a_file_never_opened_is_a_move() {
    use crate::mirror::disk_lines::line_keys;
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let helpers = "def clamp(v, lo, hi):\n    return max(lo, min(v, hi))\n";
    p.disk_exists("lib/helpers.py", &line_keys(helpers));
    let uri = "file:///ws/a.py";
    p.did_open(0.0, uri, 1, "x = 1\n", &mut out);
    let pasted = "def clamp(v, lo, hi):\n        return max(lo, min(v, hi))\n";
    p.did_change(1_000.0, uri, 2, vec![insert(1, 0, pasted)], &mut out);
    let e = (*events(&out).last().unwrap()).clone();
    assert_eq!(e.class, Class::Move, "{}", e.evidence);
    assert_eq!(
        e.evidence.to_string(),
        "2 lines already in the workspace's files"
    );
    // One line of it, pasted alone, is found too; a line nowhere on disk is a paste.
    let line = "return max(lo, min(v, hi))";
    p.did_change(2_000.0, uri, 3, vec![insert(0, 0, line)], &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Move);
    let novel = "def lerp(a, b, t):\n    return a + (b - a) * t\n";
    p.did_change(3_000.0, uri, 4, vec![insert(0, 0, novel)], &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Paste);
    // A file the watcher met later (written on disk) joins the index too.
    let other = "def lerp(a, b, t):\n    return a + (b - a) * t\n";
    let met = Reported {
        in_git: Some(false),
        ..rep("lib/more.py", Some(other), None)
    };
    p.disk_report(4_000.0, met, &mut out);
    p.did_change(5_000.0, uri, 5, vec![insert(0, 0, novel)], &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Move);
}

#[test]
fn a_paste_hint_on_the_persons_own_code_leaves_it_a_move() {
    use crate::mirror::disk_lines::line_keys;
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let helpers = "function roundCents(value) {\n  return Math.round(value * 100) / 100;\n}\n";
    p.disk_exists("lib/pricing.js", &line_keys(helpers));
    let uri = "file:///ws/app.js";
    p.did_open(0.0, uri, 1, "\n", &mut out);
    // VS Code sees the clipboard's text come in and says `paste` just after.
    p.did_change(1_000.0, uri, 2, vec![insert(1, 0, helpers)], &mut out);
    p.hint(1_015.0, uri, 2, Class::Paste, &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Move);
    assert!(amendments(&out).is_empty(), "{:?}", amendments(&out));
    // ...and before it, too.
    p.hint(2_000.0, uri, 3, Class::Paste, &mut out);
    p.did_change(2_010.0, uri, 3, vec![insert(0, 0, helpers)], &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Move);
}

#[test]
fn a_checkout_reloaded_before_the_watcher_saw_it_is_vcs_not_undo() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let uri = "file:///ws/a.py";
    let committed = "def f():\n    return 1\n";
    p.did_open(0.0, uri, 1, committed, &mut out);
    p.did_change(
        1_000.0,
        uri,
        2,
        vec![insert(2, 0, "def g():\n    return 2\n")],
        &mut out,
    );
    p.did_save(uri);
    p.disk_change(
        1_100.0,
        "a.py",
        Some("def f():\n    return 1\ndef g():\n    return 2\n"),
        Some(false),
        &mut out,
    );
    // `git checkout -- a.py`: VS Code reloads (back to the text it had: it looks like an undo)
    // a moment before the watcher reports the write.
    p.did_change(5_000.0, uri, 3, vec![replace_lines(2, 4, "")], &mut out);
    assert_eq!(events(&out).last().unwrap().class, Class::Undo);
    p.disk_change(5_120.0, "a.py", Some(committed), Some(true), &mut out);
    let amended = amendments(&out);
    assert_eq!(amended.last().map(|a| a.1), Some(Class::Vcs), "{amended:?}");
}

#[test]
fn a_line_put_from_a_register_one_character_at_a_time_is_a_move() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let uri = "file:///ws/a.py";
    let line = "ZONES = {\"centre\": 0, \"north\": 1}\n";
    p.did_open(0.0, uri, 1, &format!("{line}\n"), &mut out);
    p.did_change(4_900.0, uri, 2, vec![insert(1, 0, "\n")], &mut out);
    // Neovim's `<C-r>"` in Insert mode: the register's characters, one change each, at once.
    let changes: Vec<ContentChange> = (line.chars().enumerate())
        .map(|(i, c)| insert(1, i as u32, &c.to_string()))
        .collect();
    p.did_change(5_000.0, uri, 3, changes, &mut out);
    let classes: Vec<Class> = events(&out).iter().skip(1).map(|e| e.class).collect();
    assert!(classes.iter().all(|c| *c == Class::Move), "{classes:?}");
}

#[test]
fn a_checkout_dropping_added_lines_reloaded_before_the_watcher_is_vcs() {
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    let uri = "file:///ws/a.py";
    let committed = "def f(value):\n    total = value * 2\n    return total\n";
    let edited = "def f(value, other):\n    total = value * 2 + other\n    return total + other\n";
    p.did_open(0.0, uri, 1, edited, &mut out);
    // `git checkout -- a.py` drops the added line; VS Code's reload (one replacement, a text
    // with no word of its own) comes a moment before the watcher reports the write.
    p.did_change(
        5_000.0,
        uri,
        2,
        vec![replace_lines(0, 3, committed)],
        &mut out,
    );
    p.disk_change(5_120.0, "a.py", Some(committed), Some(true), &mut out);
    let amended = amendments(&out);
    assert_eq!(amended.last().map(|a| a.1), Some(Class::Vcs), "{amended:?}");
}
