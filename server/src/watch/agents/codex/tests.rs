//! Codex CLI rollout lines in the shape Codex writes them (`RolloutLine`: `timestamp`, then the
//! item's `type` and `payload`), with made-up paths and no real prompts.

use super::*;

const META: &str = r#"{"timestamp":"2026-08-20T10:00:00.000Z","type":"session_meta","payload":{"id":"0199a1b2-0000-7000-8000-000000000001","timestamp":"2026-08-20T10:00:00.000Z","cwd":"/w","originator":"codex_cli_rs","cli_version":"0.50.0","source":"cli","model_provider":"openai","base_instructions":{"text":"dropped"},"git":{"commit_hash":"abc123","branch":"main"}}}"#;

fn custom(call: &str, patch: &str) -> String {
    serde_json::json!({
        "timestamp": "2026-08-20T10:00:05.000Z",
        "type": "response_item",
        "payload": {"type": "custom_tool_call", "status": "completed", "call_id": call, "name": "apply_patch", "input": patch},
    })
    .to_string()
}

fn function(name: &str, args: serde_json::Value) -> String {
    serde_json::json!({
        "timestamp": "2026-08-20T10:00:06.000Z",
        "type": "response_item",
        "payload": {"type": "function_call", "name": name, "arguments": args.to_string(), "call_id": "call_f"},
    })
    .to_string()
}

const PATCH: &str = "*** Begin Patch\n*** Update File: src/a.rs\n@@ fn a()\n-    1\n+    2\n*** Add File: notes/b.md\n+secret text\n*** End Patch\n";

fn named(c: &mut Codex, file: &str, lines: &[String]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for l in lines {
        c.parse(Path::new(file), l, &mut out);
    }
    out.into_iter().map(|n| n.path).collect()
}

fn codex() -> Codex {
    Codex::new(
        Path::new("/h/.codex"),
        &Roots::new(Path::new("/w"), Path::new("/w")),
    )
}

#[test]
fn the_session_header_names_the_working_folder() {
    assert_eq!(codex_line(META), CodexLine::Cwd(PathBuf::from("/w")));
    let turn = r#"{"timestamp":"2026-08-20T10:01:00.000Z","type":"turn_context","payload":{"cwd":"/w/sub","approval_policy":"on-request","sandbox_policy":{"type":"workspace-write"},"model":"gpt-5-codex","summary":"auto"}}"#;
    assert_eq!(codex_line(turn), CodexLine::Cwd(PathBuf::from("/w/sub")));
}

#[test]
fn apply_patch_calls_name_their_files_against_the_session_folder() {
    let mut c = codex();
    let got = named(
        &mut c,
        "/h/.codex/sessions/2026/08/20/rollout-a.jsonl",
        &[META.to_string(), custom("call_1", PATCH)],
    );
    assert_eq!(
        got,
        [PathBuf::from("/w/src/a.rs"), PathBuf::from("/w/notes/b.md")]
    );
}

#[test]
fn every_way_codex_runs_apply_patch_counts() {
    let heredoc = format!("apply_patch <<'EOF'\n{PATCH}EOF\n");
    let lines = [
        function("apply_patch", serde_json::json!({"input": PATCH})),
        function("shell", serde_json::json!({"command": ["apply_patch", PATCH], "workdir": "/w/sub"})),
        function("shell", serde_json::json!({"command": ["bash", "-lc", heredoc], "timeout_ms": 10000})),
        function("shell", serde_json::json!({"command": ["/bin/zsh", "-lc", format!("cd pkg && {heredoc}")]})),
        function("shell_command", serde_json::json!({"command": heredoc, "workdir": "/w"})),
        function("exec_command", serde_json::json!({"cmd": heredoc})),
        serde_json::json!({"timestamp": "t", "type": "response_item", "payload": {"type": "local_shell_call", "call_id": "c", "status": "completed", "action": {"type": "exec", "command": ["apply_patch", PATCH], "working_directory": "/w/lib"}}}).to_string(),
    ];
    let mut c = codex();
    let file = "/h/.codex/sessions/2026/08/20/rollout-b.jsonl";
    c.parse(Path::new(file), META, &mut Vec::new());
    let firsts: Vec<PathBuf> = lines
        .iter()
        .map(|l| named(&mut c, file, std::slice::from_ref(l))[0].clone())
        .collect();
    assert_eq!(
        firsts,
        [
            "/w/src/a.rs",
            "/w/sub/src/a.rs",
            "/w/src/a.rs",
            "/w/pkg/src/a.rs",
            "/w/src/a.rs",
            "/w/src/a.rs",
            "/w/lib/src/a.rs"
        ]
        .map(PathBuf::from)
    );
}

#[test]
fn reads_shell_commands_prose_and_garbage_name_nothing() {
    let mut c = codex();
    let file = "/h/.codex/sessions/2026/08/20/rollout-c.jsonl";
    c.parse(Path::new(file), META, &mut Vec::new());
    let lines = [
        function("shell", serde_json::json!({"command": ["bash", "-lc", "cat src/a.rs"]})),
        function("shell", serde_json::json!({"command": ["bash", "-lc", format!("echo hi; apply_patch <<'EOF'\n{PATCH}EOF")]})),
        function("shell", serde_json::json!({"command": ["cat", PATCH]})),
        function("read_file", serde_json::json!({"path": "/w/src/a.rs"})),
        r#"{"timestamp":"t","type":"response_item","payload":{"type":"function_call_output","call_id":"call_1","output":"*** Begin Patch\n*** Add File: x.rs\n*** End Patch"}}"#.to_string(),
        r#"{"timestamp":"t","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"*** Begin Patch\n*** Add File: y.rs\n+1\n*** End Patch"}]}}"#.to_string(),
        r#"{"timestamp":"t","type":"event_msg","payload":{"type":"agent_message","message":"*** Begin Patch"}}"#.to_string(),
        custom("call_9", "not a patch"),
        r#"{"type":"response_item","payload":{"type":"custom_tool_call","name":"apply_patch","input":"*** Begin Patch"#.to_string(),
        "not json at all *** Begin Patch".to_string(),
        String::new(),
    ];
    for l in &lines {
        assert!(
            named(&mut c, file, std::slice::from_ref(l)).is_empty(),
            "{l}"
        );
    }
}

#[test]
fn sessions_of_other_projects_and_relative_paths_without_a_folder_are_dropped() {
    let mut c = codex();
    let elsewhere = META.replace("\"cwd\":\"/w\"", "\"cwd\":\"/other\"");
    let file = "/h/.codex/sessions/2026/08/20/rollout-d.jsonl";
    assert!(named(&mut c, file, &[elsewhere, custom("c", PATCH)]).is_empty());
    // A rollout read from its end, its header never seen: absolute paths still count.
    let abs = PATCH.replace("src/a.rs", "/w/abs.rs");
    let got = named(
        &mut c,
        "/h/.codex/sessions/2026/08/20/rollout-e.jsonl",
        &[custom("c", &abs)],
    );
    assert_eq!(got, [PathBuf::from("/w/abs.rs")]);
    // ...and a header read apart gives the folder back.
    let file = Path::new("/h/.codex/sessions/2026/08/20/rollout-f.jsonl");
    c.head(file, META);
    assert_eq!(
        named(
            &mut c,
            "/h/.codex/sessions/2026/08/20/rollout-f.jsonl",
            &[custom("c", PATCH)]
        )
        .len(),
        2
    );
}

#[test]
fn rollouts_live_in_day_folders_under_sessions() {
    let c = codex();
    let day = Path::new("/h/.codex/sessions/2026/08/20");
    assert!(c.owns(&day.join("rollout-x.jsonl")));
    assert!(c.follows(day) && c.follows(Path::new("/h/.codex/sessions/2027")));
    assert!(!c.follows(&day.join("deeper")));
    assert_eq!(
        c.reading(&day.join("rollout-2026-08-20T10-00-00-x.jsonl")),
        Some(Reading::Appended)
    );
    assert_eq!(c.reading(&day.join("notes.jsonl")), None);
    assert!(!c.owns(Path::new("/h/.codex/archived_sessions/rollout-x.jsonl")));
}

#[test]
fn the_newest_day_folders_are_watched_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    for d in ["2025/12/30", "2025/12/31", "2026/01/01", "2026/01/02"] {
        std::fs::create_dir_all(sessions.join(d)).unwrap();
    }
    let mut c = Codex::new(dir.path(), &Roots::new(Path::new("/w"), Path::new("/w")));
    let got = c.folders();
    assert!(got.contains(&sessions) && got.contains(&sessions.join("2026")));
    assert!(got.contains(&sessions.join("2026/01")));
    for d in ["2025/12/30", "2025/12/31", "2026/01/01", "2026/01/02"] {
        assert!(got.contains(&sessions.join(d)), "{d}");
    }
    assert!(
        Codex::new(&dir.path().join("none"), &c.roots)
            .folders()
            .is_empty()
    );
}
