//! git-ai checkpoint lines in the shape git-ai writes them (`Checkpoint`, serialized by serde:
//! `kind`, `diff`, `author`, `entries`, `timestamp`, `agent_id`, …), with made-up paths.

use super::*;

fn checkpoint(kind: &str, ts: u64, files: &[&str]) -> String {
    serde_json::json!({
        "kind": kind,
        "diff": "dropped",
        "author": "Ann <ann@example.com>",
        "entries": files.iter().map(|f| serde_json::json!({
            "file": f,
            "blob_sha": "0123abcd",
            "attributions": [{"start": 0, "end": 10, "author_id": "a1b2c3d4e5f60718", "ts": 1}],
            "line_attributions": [{"start_line": 1, "end_line": 2, "author_id": "a1b2c3d4e5f60718"}],
        })).collect::<Vec<_>>(),
        "timestamp": ts,
        "agent_id": if kind == "ai_agent" { serde_json::json!({"tool": "claude", "id": "sess-1", "model": "claude-sonnet"}) } else { serde_json::Value::Null },
        "agent_metadata": null,
        "line_stats": {"additions": 2, "deletions": 1, "additions_sloc": 2, "deletions_sloc": 1},
        "api_version": "checkpoint/1.0.0",
        "git_ai_version": "1.6.24",
    })
    .to_string()
}

#[test]
fn agent_checkpoints_name_their_files() {
    let mut g = GitAi::new(&Roots::new(Path::new("/w"), Path::new("/w")));
    let text = [
        checkpoint("human", 1_790_000_000, &["README.md"]),
        checkpoint("ai_agent", 1_790_000_010, &["src/a.rs", "src/b.rs"]),
        checkpoint("ai_tab", 1_790_000_020, &["src/c.rs"]),
        checkpoint("known_human", 1_790_000_030, &["src/d.rs"]),
    ]
    .join("\n");
    let mut out = Vec::new();
    g.parse(
        Path::new("/w/.git/ai/working_logs/abc/checkpoints.jsonl"),
        &text,
        &mut out,
    );
    let got: Vec<PathBuf> = out.iter().map(|n| n.path.clone()).collect();
    assert_eq!(
        got,
        [PathBuf::from("/w/src/a.rs"), PathBuf::from("/w/src/b.rs")]
    );
    assert!(out.iter().all(|n| n.id.is_some()));
}

#[test]
fn a_rewritten_file_names_the_same_checkpoint_with_the_same_ids() {
    let mut g = GitAi::new(&Roots::new(Path::new("/w"), Path::new("/w")));
    let file = Path::new("/w/.git/ai/working_logs/abc/checkpoints.jsonl");
    let first = checkpoint("ai_agent", 7, &["src/a.rs"]);
    // git-ai prunes an older checkpoint's character attributions when it writes the next one.
    let mut pruned: serde_json::Value = serde_json::from_str(&first).unwrap();
    pruned["entries"][0]["attributions"] = serde_json::json!([]);
    assert_ne!(pruned.to_string(), first);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    g.parse(file, &first, &mut a);
    g.parse(
        file,
        &format!("{pruned}\n{}", checkpoint("ai_agent", 8, &["src/a.rs"])),
        &mut b,
    );
    assert_eq!(a[0].id, b[0].id);
    assert_ne!(
        b[0].id, b[1].id,
        "a later checkpoint of the same file is news"
    );
}

#[test]
fn garbage_and_truncated_lines_name_nothing() {
    let full = checkpoint("ai_agent", 7, &["src/a.rs"]);
    for line in [
        &full[..full.len() / 2],
        r#"{"kind":"ai_agent","entries":"not a list"}"#,
        r#"{"kind":"ai_agent_x","entries":[{"file":"a"}]} "ai_agent""#,
        r#"{"kind":"ai_agent","entries":[{"file":""}]}"#,
        "\"ai_agent\"",
        "",
    ] {
        assert!(git_ai_writes(line).is_empty(), "{line}");
    }
    assert_eq!(
        git_ai_writes(r#"{"kind":"ai_agent","entries":[{"file":"x.py"}]}"#),
        [("0//".to_string(), "x.py".to_string())],
        "fields git-ai added later are optional"
    );
}

#[test]
fn working_logs_but_archived_ones_are_its_logs() {
    let g = GitAi::new(&Roots::new(Path::new("/w"), Path::new("/w")));
    let logs = Path::new("/w/.git/ai/working_logs");
    assert!(g.owns(&logs.join("abc/checkpoints.jsonl")) && !g.owns(Path::new("/w/.git/HEAD")));
    assert!(g.follows(Path::new("/w/.git/ai")) && g.follows(logs) && g.follows(&logs.join("abc")));
    assert!(!g.follows(&logs.join("old-abc")) && !g.follows(&logs.join("abc/blobs")));
    assert_eq!(
        g.reading(&logs.join("abc/checkpoints.jsonl")),
        Some(Reading::Rewritten)
    );
    assert_eq!(g.reading(&logs.join("old-abc/checkpoints.jsonl")), None);
    assert_eq!(g.reading(&logs.join("abc/INITIAL")), None);
    assert_eq!(g.reading(&logs.join("abc/blobs/checkpoints.jsonl")), None);
}
