//! OpenCode storage files in the shape OpenCode (before 1.2) writes them: `MessageV2.ToolPart`
//! and `Session.Info`, pretty-printed as `Storage.write` does, with made-up paths and no real
//! prompts.

use super::*;

fn part(id: &str, tool: &str, status: &str, input: Value) -> String {
    let state = match status {
        "completed" => serde_json::json!({
            "status": "completed", "input": input, "output": "dropped", "title": "src/a.ts",
            "metadata": {"diff": "dropped"}, "time": {"start": 1_790_000_000_000u64, "end": 1_790_000_000_100u64},
        }),
        "pending" => serde_json::json!({"status": "pending", "input": {}, "raw": ""}),
        _ => serde_json::json!({"status": status, "input": input, "time": {"start": 1u64}}),
    };
    serde_json::to_string_pretty(&serde_json::json!({
        "id": id,
        "sessionID": "ses_w1",
        "messageID": "msg_1",
        "type": "tool",
        "callID": format!("toolu_{id}"),
        "tool": tool,
        "state": state,
    }))
    .unwrap()
}

fn opencode() -> OpenCode {
    OpenCode::new(
        Path::new("/h/.local/share/opencode"),
        &Roots::new(Path::new("/w"), Path::new("/w")),
    )
}

fn paths(o: &mut OpenCode, text: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let file = Path::new("/h/.local/share/opencode/storage/part/msg_1/prt_1.json");
    o.parse(file, text, &mut out);
    out.into_iter().map(|n| n.path).collect()
}

#[test]
fn completed_edits_writes_and_patches_name_their_files() {
    let mut o = opencode();
    let patch = "*** Begin Patch\n*** Update File: src/b.ts\n@@\n-1\n+2\n*** End Patch";
    assert_eq!(
        paths(
            &mut o,
            &part(
                "prt_1",
                "edit",
                "completed",
                serde_json::json!({"filePath": "/w/src/a.ts", "oldString": "x", "newString": "y"})
            )
        ),
        [PathBuf::from("/w/src/a.ts")]
    );
    assert_eq!(
        paths(
            &mut o,
            &part(
                "prt_2",
                "write",
                "completed",
                serde_json::json!({"filePath": "/w/new.ts", "content": "dropped"})
            )
        ),
        [PathBuf::from("/w/new.ts")]
    );
    assert_eq!(
        paths(
            &mut o,
            &part(
                "prt_3",
                "multiedit",
                "completed",
                serde_json::json!({"filePath": "/w/m.ts", "edits": []})
            )
        ),
        [PathBuf::from("/w/m.ts")]
    );
    // A patch's relative paths need the session's folder.
    let p = part(
        "prt_4",
        "apply_patch",
        "completed",
        serde_json::json!({"patchText": patch}),
    );
    assert!(
        paths(&mut o, &p).is_empty(),
        "the session's folder is not known yet"
    );
    let session = serde_json::to_string_pretty(&serde_json::json!({
        "id": "ses_w1", "slug": "calm-lake", "version": "1.1.40", "projectID": "4b0ea68d",
        "directory": "/w", "title": "dropped", "time": {"created": 1u64, "updated": 2u64},
    }))
    .unwrap();
    o.parse(
        Path::new("/h/.local/share/opencode/storage/session/4b0ea68d/ses_w1.json"),
        &session,
        &mut Vec::new(),
    );
    assert_eq!(paths(&mut o, &p), [PathBuf::from("/w/src/b.ts")]);
}

#[test]
fn a_part_rewritten_keeps_its_id() {
    let mut o = opencode();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let text = part(
        "prt_1",
        "edit",
        "completed",
        serde_json::json!({"filePath": "/w/a.ts"}),
    );
    let file = Path::new("/h/.local/share/opencode/storage/part/msg_1/prt_1.json");
    o.parse(file, &text, &mut a);
    o.parse(file, &text.replace("dropped", "compacted"), &mut b);
    assert_eq!(a, b);
    assert!(a[0].id.is_some());
}

#[test]
fn reads_shell_unfinished_calls_prose_and_garbage_name_nothing() {
    let mut o = opencode();
    let full = part(
        "prt_1",
        "edit",
        "completed",
        serde_json::json!({"filePath": "/w/a.ts"}),
    );
    for text in [
        part("prt_1", "read", "completed", serde_json::json!({"filePath": "/w/a.ts"})),
        part("prt_1", "bash", "completed", serde_json::json!({"command": "echo > /w/a.ts", "description": "tool completed"})),
        part("prt_1", "edit", "pending", serde_json::json!({})),
        part("prt_1", "edit", "running", serde_json::json!({"filePath": "/w/a.ts"})),
        part("prt_1", "edit", "error", serde_json::json!({"filePath": "/w/a.ts"})),
        part("prt_1", "edit", "completed", serde_json::json!({"oldString": "x"})),
        r#"{"id":"prt_9","sessionID":"s","messageID":"m","type":"text","text":"\"tool\" \"completed\""}"#.to_string(),
        full[..full.len() / 2].to_string(),
        String::new(),
    ] {
        assert!(paths(&mut o, &text).is_empty(), "{text}");
    }
}

#[test]
fn the_workspace_project_and_new_message_folders_are_its_logs() {
    let dir = tempfile::tempdir().unwrap();
    let storage = dir.path().join("storage");
    for d in [
        "project",
        "session/4b0ea68d",
        "session/global",
        "part/msg_old",
    ] {
        std::fs::create_dir_all(storage.join(d)).unwrap();
    }
    let project = |id: &str, tree: &str| {
        let text = serde_json::json!({"id": id, "worktree": tree, "vcs": "git", "time": {"created": 1u64}});
        std::fs::write(storage.join(format!("project/{id}.json")), text.to_string()).unwrap();
    };
    project("4b0ea68d", "/w");
    project("global", "/");
    std::fs::write(storage.join("project/broken.json"), "{").unwrap();
    let mut o = OpenCode::new(dir.path(), &Roots::new(Path::new("/w"), Path::new("/w")));
    assert_eq!(
        o.folders(),
        [
            dir.path().to_path_buf(),
            storage.join("session/4b0ea68d"),
            storage.join("part")
        ]
    );
    assert!(
        o.follows(&storage.join("part/msg_new")) && !o.follows(&storage.join("part/msg_new/x"))
    );
    assert_eq!(
        o.reading(&storage.join("part/msg_new/prt_1.json")),
        Some(Reading::Rewritten)
    );
    assert_eq!(
        o.reading(&storage.join("session/4b0ea68d/ses_1.json")),
        Some(Reading::Rewritten)
    );
    assert_eq!(o.reading(&storage.join("session/global/ses_2.json")), None);
    assert_eq!(
        o.reading(&storage.join("part/msg_new/.oc-prt_1.json.42.tmp")),
        None
    );
    assert!(!o.owns(&storage.join("message/ses_1/msg_1.json")));
    // OpenCode 1.2 and later: the database and its write-ahead log, not its shared memory
    // (which a reader may touch) nor anything else in the data folder.
    for (name, reading) in [
        ("opencode.db", Some(Reading::Database)),
        ("opencode.db-wal", Some(Reading::Database)),
        ("opencode.db-shm", None),
        ("auth.json", None),
    ] {
        let file = dir.path().join(name);
        assert_eq!(o.reading(&file), reading, "{name}");
        assert_eq!(o.owns(&file), reading.is_some(), "{name}");
    }
    // A data folder with no JSON project of this workspace: only the folder, for the database.
    let mut none = OpenCode::new(dir.path(), &Roots::new(Path::new("/x"), Path::new("/x")));
    assert_eq!(none.folders(), [dir.path().to_path_buf()]);
    assert!(!none.owns(&storage.join("part/msg_new/prt_1.json")));
    let mut absent = OpenCode::new(
        &dir.path().join("nope"),
        &Roots::new(Path::new("/x"), Path::new("/x")),
    );
    assert!(absent.folders().is_empty());
}
