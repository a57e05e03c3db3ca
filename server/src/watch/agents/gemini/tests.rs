//! Gemini CLI chat records in the shape Gemini CLI writes them (`ConversationRecord`,
//! `MessageRecord`, `ToolCallRecord` of `chatRecordingTypes.ts`), with made-up paths and no real
//! prompts.

use super::*;

fn call(id: &str, name: &str, path: &str, status: &str) -> Value {
    serde_json::json!({
        "id": id,
        "name": name,
        "args": {"file_path": path, "content": "dropped", "old_string": "a", "new_string": "b"},
        "result": [{"functionResponse": {"id": id, "name": name, "response": {"output": "dropped"}}}],
        "status": status,
        "timestamp": "2026-08-20T10:00:03.000Z",
        "displayName": "WriteFile",
        "description": "Writes content to a specified file",
        "renderOutputAsMarkdown": true,
    })
}

fn message(calls: Vec<Value>) -> Value {
    serde_json::json!({
        "id": "7c1e-msg",
        "timestamp": "2026-08-20T10:00:02.000Z",
        "type": "gemini",
        "content": "",
        "toolCalls": calls,
        "thoughts": [{"subject": "dropped", "description": "dropped", "timestamp": "t"}],
        "model": "gemini-2.5-pro",
    })
}

fn gemini() -> Gemini {
    Gemini::new(
        Path::new("/h/.gemini"),
        &Roots::new(Path::new("/w"), Path::new("/w")),
    )
}

fn paths(g: &mut Gemini, text: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    g.parse(
        Path::new("/h/.gemini/tmp/w/chats/session-x.jsonl"),
        text,
        &mut out,
    );
    out.into_iter().map(|n| n.path).collect()
}

#[test]
fn successful_writes_and_replaces_name_their_files() {
    let line = message(vec![
        call("write_file-1", "write_file", "/w/src/new.ts", "success"),
        call("replace-2", "replace", "lib/old.ts", "success"),
        call("read_file-3", "read_file", "/w/src/other.ts", "success"),
        call("write_file-4", "write_file", "/w/denied.ts", "cancelled"),
        call("replace-5", "replace", "/w/failed.ts", "error"),
    ])
    .to_string();
    assert_eq!(
        paths(&mut gemini(), &line),
        [
            PathBuf::from("/w/src/new.ts"),
            PathBuf::from("/w/lib/old.ts")
        ]
    );
}

#[test]
fn a_message_written_again_names_its_calls_with_the_same_ids() {
    let mut g = gemini();
    let once = message(vec![call(
        "write_file-1",
        "write_file",
        "/w/a.ts",
        "success",
    )]);
    let mut again = once.clone();
    again["tokens"] = serde_json::json!({"input": 10, "output": 5, "cached": 0, "total": 15});
    let (mut a, mut b) = (Vec::new(), Vec::new());
    g.parse(Path::new("/f.jsonl"), &once.to_string(), &mut a);
    g.parse(Path::new("/f.jsonl"), &again.to_string(), &mut b);
    assert_eq!(a, b);
    assert!(a[0].id.is_some());
}

#[test]
fn whole_older_sessions_and_rewritten_lists_count_too() {
    let whole = serde_json::json!({
        "sessionId": "s1",
        "projectHash": "0123",
        "startTime": "2025-12-01T10:00:00.000Z",
        "lastUpdated": "2025-12-01T10:05:00.000Z",
        "messages": [
            {"id": "u1", "timestamp": "t", "type": "user", "content": [{"text": "write_file please"}]},
            message(vec![call("c1", "write_file", "/w/a.py", "success")]),
            message(vec![call("c2", "replace", "/w/b.py", "success")]),
        ],
    });
    assert_eq!(
        paths(
            &mut gemini(),
            &serde_json::to_string_pretty(&whole).unwrap()
        ),
        [PathBuf::from("/w/a.py"), PathBuf::from("/w/b.py")]
    );
    let set = serde_json::json!({"$set": {"messages": [message(vec![call("c3", "write_file", "/w/c.py", "success")])]}});
    assert_eq!(
        paths(&mut gemini(), &set.to_string()),
        [PathBuf::from("/w/c.py")]
    );
}

#[test]
fn prompts_reads_rewinds_and_garbage_name_nothing() {
    let truncated = message(vec![call("c", "write_file", "/w/a.py", "success")]).to_string();
    for text in [
        r#"{"sessionId":"s1","projectHash":"0123","startTime":"t","lastUpdated":"t","kind":"main"}"#,
        r#"{"id":"u1","timestamp":"t","type":"user","content":[{"text":"please write_file /w/a.py"}]}"#,
        r#"{"$rewindTo":"7c1e-msg"}"#,
        r#"{"$set":{"lastUpdated":"t","summary":"replace the write_file"}}"#,
        r#"{"id":"m","type":"gemini","toolCalls":[{"id":"c","name":"write_file","args":{"content":"x"},"status":"success"}]}"#,
        r#"{"id":"m","type":"info","toolCalls":[{"id":"c","name":"write_file","args":{"file_path":"/w/a"},"status":"success"}]}"#,
        &truncated[..truncated.len() - 3],
        "write_file",
        "",
    ] {
        assert!(paths(&mut gemini(), text).is_empty(), "{text}");
    }
}

#[test]
fn a_project_is_found_by_its_short_name_or_the_hash_of_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::write(
        home.join("projects.json"),
        r#"{"projects": {"/w": "w", "/other": "other"}}"#,
    )
    .unwrap();
    std::fs::create_dir_all(home.join("tmp/w/chats/parent-session")).unwrap();
    std::fs::create_dir_all(home.join("tmp/other/chats")).unwrap();
    let hash = sha256::hex(b"/w");
    std::fs::create_dir_all(home.join("tmp").join(&hash).join("chats")).unwrap();
    let mut g = Gemini::new(home, &Roots::new(Path::new("/w"), Path::new("/w")));
    let got = g.folders();
    let chats = home.join("tmp/w/chats");
    assert!(got.contains(&chats) && got.contains(&chats.join("parent-session")));
    assert!(got.contains(&home.join("tmp").join(&hash).join("chats")));
    assert!(!got.iter().any(|d| d.starts_with(home.join("tmp/other"))));
    assert_eq!(
        g.reading(&chats.join("session-2026-08-20T10-00-abcd1234.jsonl")),
        Some(Reading::Appended)
    );
    assert_eq!(
        g.reading(&chats.join("session-2025-12-01T10-00-abcd1234.json")),
        Some(Reading::Rewritten)
    );
    assert_eq!(
        g.reading(&chats.join("parent-session/sub-1.jsonl")),
        Some(Reading::Appended)
    );
    assert_eq!(g.reading(&chats.join("session-x.jsonl.tmp-42")), None);
    assert_eq!(g.reading(&home.join("tmp/w/logs.json")), None);
    assert_eq!(
        g.reading(&home.join("tmp/other/chats/session-y.jsonl")),
        None
    );
    assert!(
        g.follows(&chats) && g.follows(&chats.join("p")) && !g.follows(&home.join("tmp/w/memory"))
    );
}

#[test]
fn without_a_registry_the_folders_markers_name_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::create_dir_all(home.join("tmp/proj-1/chats")).unwrap();
    std::fs::write(home.join("tmp/proj-1/.project_root"), "/w").unwrap();
    std::fs::create_dir_all(home.join("tmp/proj-2")).unwrap();
    std::fs::write(home.join("tmp/proj-2/.project_root"), "/elsewhere").unwrap();
    let mut g = Gemini::new(home, &Roots::new(Path::new("/w"), Path::new("/w")));
    let got = g.folders();
    assert_eq!(
        got,
        [home.join("tmp/proj-1"), home.join("tmp/proj-1/chats")]
    );
}
