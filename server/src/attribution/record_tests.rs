//! Tests of Agent Trace records: built, written, read back, moved, concatenated, foreign.

use super::*;

fn own() -> (LineOrigin, Source) {
    (
        LineOrigin {
            origin: Origin::Own,
            help: None,
        },
        Source::Mindgap,
    )
}

fn help(class: Class) -> (LineOrigin, Source) {
    (
        LineOrigin {
            origin: Origin::of_help(class),
            help: Some(class),
        },
        Source::Mindgap,
    )
}

fn record(files: Vec<FileEntry>) -> Record {
    Record {
        version: VERSION.into(),
        id: "6f1c2a7e-0000-4000-8000-000000000000".into(),
        timestamp: "2026-11-30T10:00:00Z".into(),
        vcs: Some(Vcs {
            kind: "git".into(),
            revision: "a".repeat(40),
        }),
        tool: Some(Tool {
            name: "mindgap".into(),
            version: "0.1.0".into(),
        }),
        files,
        metadata: Map::new(),
    }
}

#[test]
fn changed_lines_are_grouped_by_origin_and_read_back() {
    let text = "a\nb\nc\nd\ne\nf\n";
    let hashes = line_hashes(text);
    let origins = vec![
        own(),
        help(Class::Paste),
        help(Class::Paste),
        own(),
        help(Class::Completion),
        (LineOrigin::UNKNOWN, Source::Mindgap),
    ];
    // Lines 1 and 6 were not changed by the commit; 2..=5 were.
    let entry = file_entry("src/a.py", &[(2, 5)], &origins, &hashes);
    let json = serde_json::to_value(&entry).unwrap();
    assert_eq!(json["conversations"][0]["contributor"]["type"], "human");
    assert_eq!(json["conversations"][0]["ranges"][0]["start_line"], 4);
    assert_eq!(json["conversations"][1]["contributor"]["type"], "ai");
    assert_eq!(
        json["conversations"][1]["metadata"]["dev.mindgap"]["class"],
        "paste"
    );
    assert_eq!(json["conversations"][1]["ranges"][0]["end_line"], 3);
    assert_eq!(
        json["conversations"][2]["metadata"]["dev.mindgap"]["class"],
        "completion"
    );
    let text = serde_json::to_string(&record(vec![entry])).unwrap();
    assert!(!text.contains("\"b\""), "no code text in a record");
    let records = parse_note(&text).unwrap();
    let lines = described_lines(&records, "src/a.py", &hashes);
    let origin = |l: u32| lines.get(&l).map(|d| d.origin);
    assert_eq!(origin(1), None, "unchanged lines are not described");
    assert_eq!(origin(2), Some(Origin::Paste));
    assert_eq!(origin(3), Some(Origin::Paste));
    assert_eq!(origin(4), Some(Origin::Own));
    assert_eq!(origin(5), Some(Origin::Completion));
    assert!(described_lines(&records, "other.py", &hashes).is_empty());
}

#[test]
fn a_range_whose_lines_moved_is_found_by_its_hash() {
    let before = "x\npasted one\npasted two\ny\n";
    let hashes = line_hashes(before);
    let origins = vec![own(), help(Class::Agent), help(Class::Agent), own()];
    let r = record(vec![file_entry("f", &[(1, 4)], &origins, &hashes)]);
    // A rebase put three lines above: the copied note still finds the agent's lines.
    let after = line_hashes("new\nnew\nnew\nx\npasted one\npasted two\ny\n");
    let lines = described_lines(std::slice::from_ref(&r), "f", &after);
    assert_eq!(lines.get(&5).map(|d| d.origin), Some(Origin::Agent));
    assert_eq!(lines.get(&6).map(|d| d.origin), Some(Origin::Agent));
    assert_eq!(lines.get(&2).map(|d| d.origin), None);
    // Lines that changed since say nothing rather than something wrong.
    let changed = line_hashes("x\npasted ONE\npasted two\ny\n");
    let lines = described_lines(std::slice::from_ref(&r), "f", &changed);
    assert_eq!(lines.get(&2), None);
    assert_eq!(lines.get(&3), None);
}

#[test]
fn concatenated_notes_foreign_records_and_garbage() {
    let hashes = line_hashes("a\nb\n");
    let unknown = record(vec![file_entry(
        "f",
        &[(1, 2)],
        &[(LineOrigin::UNKNOWN, Source::Mindgap); 2],
        &hashes,
    )]);
    let known = record(vec![file_entry(
        "f",
        &[(1, 1)],
        &[help(Class::Paste)],
        &hashes,
    )]);
    // git joins notes with a blank line when a rewrite copies one onto another.
    let note = format!(
        "{}\n\n{}\n",
        serde_json::to_string(&unknown).unwrap(),
        serde_json::to_string(&known).unwrap()
    );
    let records = parse_note(&note).unwrap();
    assert_eq!(records.len(), 2);
    let lines = described_lines(&records, "f", &hashes);
    assert_eq!(lines[&1].origin, Origin::Paste, "a known origin wins");
    assert_eq!(lines[&2].origin, Origin::Unknown);
    // Another tool's record: no class of ours, an ai contributor is an agent.
    let cursor = r#"{"version":"0.1.0","id":"x","timestamp":"2026-01-23T14:30:00Z","files":[{"path":"f","conversations":[{"url":"https://x.invalid/c","contributor":{"type":"ai","model_id":"m"},"ranges":[{"start_line":2,"end_line":2}],"related":[]}]}]}"#;
    let lines = described_lines(&parse_note(cursor).unwrap(), "f", &hashes);
    assert_eq!(lines[&2].origin, Origin::Agent);
    for bad in [
        "",
        "just words someone wrote",
        "{\"version\": \"0.1.0\"}",
        "{\"version\": \"one\", \"id\": \"x\", \"timestamp\": \"t\", \"files\": []}",
        "[1, 2]",
        "{\"version\":\"0.1.0\",\"id\":\"x\",\"timestamp\":\"t\",\"files\":[{\"path\":\"f\",\"conversations\":[{\"ranges\":[{\"start_line\":0,\"end_line\":99999999}]}]}]}",
    ] {
        let lines = parse_note(bad)
            .map(|r| described_lines(&r, "f", &hashes))
            .unwrap_or_default();
        assert!(lines.is_empty(), "{bad}");
    }
}
