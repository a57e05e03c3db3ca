//! The watcher end to end on real folders: settling, new folders, the budget, a removed root,
//! git's index as the baseline, and agents' logs.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::agents;
use super::{AgentWrite, DiskChange, Homes, News, Options, Watching, watch};
use crate::classify::Agent;

fn options(max_folders: usize) -> Options {
    Options {
        max_folders,
        agents: Homes::default(),
        keep_texts: false,
    }
}

fn start(root: &Path, opts: Options) -> (Watching, mpsc::Receiver<News>) {
    let (tx, rx) = mpsc::channel();
    let w = watch(root, opts, move |n| {
        let _ = tx.send(n);
    })
    .unwrap();
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(News::Ready(_)) | Ok(News::Warning(_)) => {}
        other => panic!("expected the first walk to end, got {other:?}"),
    }
    (w, rx)
}

fn next_changes(rx: &mpsc::Receiver<News>) -> Vec<DiskChange> {
    loop {
        match rx.recv_timeout(Duration::from_secs(5)).expect("news") {
            News::Changes(c) => return c,
            News::Ready(_) | News::Exists(_) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn writes_arrive_settled_with_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let (_w, rx) = start(&root, options(1000));
    std::fs::write(root.join("a.py"), "x = 1\n").unwrap();
    std::fs::create_dir_all(root.join("target")).unwrap();
    std::fs::write(root.join("target/junk"), "y").unwrap();
    assert_eq!(
        next_changes(&rx),
        vec![DiskChange {
            rel_path: "a.py".into(),
            text: Some("x = 1\n".into()),
            before: None,
            in_git: None,
            keys: crate::mirror::disk_lines::line_keys("x = 1\n"),
        }]
    );
}

#[test]
fn files_in_a_new_folder_are_reported_even_if_written_before_its_watch() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let (_w, rx) = start(&root, options(1000));
    std::fs::create_dir_all(root.join("pkg/sub")).unwrap();
    std::fs::write(root.join("pkg/sub/m.py"), "m = 1\n").unwrap();
    std::fs::write(root.join("pkg/__init__.py"), "").unwrap();
    let mut got: Vec<String> = Vec::new();
    while got.len() < 2 {
        got.extend(next_changes(&rx).into_iter().map(|c| c.rel_path));
    }
    got.sort();
    assert_eq!(got, ["pkg/__init__.py", "pkg/sub/m.py"]);
    // ...and later writes there are seen through the new watches.
    std::fs::write(root.join("pkg/sub/m.py"), "m = 2\n").unwrap();
    assert_eq!(next_changes(&rx)[0].rel_path, "pkg/sub/m.py");
}

#[cfg(target_os = "linux")]
#[test]
fn too_many_folders_degrades_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for i in 0..6 {
        std::fs::create_dir_all(root.join(format!("d{i}/deeper"))).unwrap();
    }
    let (tx, rx) = mpsc::channel();
    let _w = watch(&root, options(4), move |n| {
        let _ = tx.send(n);
    })
    .unwrap();
    let mut warnings = Vec::new();
    let ready = loop {
        match rx.recv_timeout(Duration::from_secs(10)).unwrap() {
            News::Warning(w) => warnings.push(w),
            News::Ready(r) => break r,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("at most 4 folders"), "{warnings:?}");
    assert_eq!((ready.folders, ready.complete), (4, false));
    // The root is watched first, so writes there are still seen.
    std::fs::write(root.join("top.py"), "t = 1\n").unwrap();
    assert_eq!(next_changes(&rx)[0].rel_path, "top.py");
    // More folders appearing do not warn again.
    std::fs::create_dir_all(root.join("new")).unwrap();
    std::fs::write(root.join("top.py"), "t = 2\n").unwrap();
    loop {
        match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
            News::Changes(c) if c.iter().any(|c| c.rel_path == "top.py") => break,
            News::Changes(_) | News::Exists(_) => {}
            other => panic!("no second warning expected: {other:?}"),
        }
    }
}

#[test]
fn a_removed_root_stops_watching_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    std::fs::create_dir_all(root.join("src")).unwrap();
    let (_w, rx) = start(&root, options(1000));
    std::fs::remove_dir_all(&root).unwrap();
    let warning = loop {
        match rx.recv_timeout(Duration::from_secs(5)).expect("a warning") {
            News::Warning(w) => break w,
            News::Changes(_) | News::Exists(_) => {}
            other => panic!("{other:?}"),
        }
    };
    assert!(warning.contains("was removed"), "{warning}");
}

#[test]
fn files_first_seen_are_measured_against_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::write(root.join("kept.py"), "a = 1\n").unwrap();
    git(&["add", "kept.py"]);
    git(&["commit", "-qm", "one"]);
    let (_w, rx) = start(&root, options(1000));
    std::fs::write(root.join("kept.py"), "a = 1\nb = 2\n").unwrap();
    std::fs::write(root.join("new.py"), "n = 1\n").unwrap();
    let mut got = next_changes(&rx);
    got.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    assert_eq!(got[0].before.as_deref(), Some("a = 1\n"));
    assert_eq!(got[1].before, None, "untracked: nothing to measure against");
    // Only the first report of a file carries it: later ones follow what was reported.
    std::fs::write(root.join("kept.py"), "a = 1\nb = 3\n").unwrap();
    assert_eq!(next_changes(&rx)[0].before, None);
}

#[test]
fn claude_code_logs_name_the_files_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let config = base.join("claude");
    let project = agents::claude_project_dir(&config, &root);
    std::fs::create_dir_all(&project).unwrap();
    let old = project.join("old.jsonl");
    let line = |p: &Path| {
        format!(
            "{{\"type\":\"assistant\",\"message\":{{\"content\":[{{\"type\":\"tool_use\",\"name\":\"Write\",\"input\":{{\"file_path\":\"{}\",\"content\":\"x\"}}}}]}}}}\n",
            p.display()
        )
    };
    std::fs::write(&old, line(&root.join("before.py"))).unwrap();
    let (_w, rx) = start(
        &root,
        Options {
            max_folders: 1000,
            agents: Homes {
                claude: Some(config),
                ..Homes::default()
            },
            keep_texts: false,
        },
    );
    // A new session log, written in two steps (the second line arrives half, then whole).
    let session = project.join("s1.jsonl");
    std::fs::write(&session, line(&root.join("src/a.py"))).unwrap();
    let writes = loop {
        match rx.recv_timeout(Duration::from_secs(5)).expect("news") {
            News::AgentWrites(w) => break w,
            News::Changes(_) | News::Exists(_) => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        writes,
        vec![AgentWrite {
            agent: Agent::ClaudeCode,
            rel_path: "src/a.py".into()
        }],
        "old logs are not news; new ones are"
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&session)
        .unwrap();
    let second = line(Path::new("/elsewhere/x.py")) + &line(&root.join("b.py"));
    f.write_all(second.as_bytes()).unwrap();
    let writes = loop {
        match rx.recv_timeout(Duration::from_secs(5)).expect("news") {
            News::AgentWrites(w) => break w,
            News::Changes(_) | News::Exists(_) => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        writes.len(),
        1,
        "files outside the workspace are not its own"
    );
    assert_eq!(writes[0].rel_path, "b.py");
}

fn next_writes(rx: &mpsc::Receiver<News>) -> Vec<AgentWrite> {
    loop {
        match rx.recv_timeout(Duration::from_secs(5)).expect("news") {
            News::AgentWrites(w) => return w,
            News::Changes(_) | News::Exists(_) | News::Ready(_) => {}
            other => panic!("{other:?}"),
        }
    }
}

fn rel_paths(writes: &[AgentWrite], agent: Agent) -> Vec<&str> {
    assert!(writes.iter().all(|w| w.agent == agent), "{writes:?}");
    writes.iter().map(|w| w.rel_path.as_str()).collect()
}

fn with(agents: Homes) -> Options {
    Options {
        max_folders: 1000,
        agents,
        keep_texts: false,
    }
}

/// A line of a Codex CLI rollout: the session's header, or a freeform `apply_patch` call.
fn codex_line(cwd: Option<&Path>, patch_adds: &str) -> String {
    let v = match cwd {
        Some(cwd) => {
            serde_json::json!({"timestamp": "2026-08-20T10:00:00.000Z", "type": "session_meta",
            "payload": {"id": "0199", "timestamp": "2026-08-20T10:00:00.000Z", "cwd": cwd, "originator": "codex_cli_rs", "cli_version": "0.50.0"}})
        }
        None => {
            serde_json::json!({"timestamp": "2026-08-20T10:00:09.000Z", "type": "response_item",
            "payload": {"type": "custom_tool_call", "status": "completed", "call_id": format!("call_{patch_adds}"), "name": "apply_patch",
                "input": format!("*** Begin Patch\n*** Add File: {patch_adds}\n+x = 1\n*** End Patch\n")}})
        }
    };
    v.to_string() + "\n"
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn codex_rollouts_name_the_files_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let home = base.join("codex");
    let day = home.join("sessions/2026/08/20");
    std::fs::create_dir_all(&day).unwrap();
    // A session that began before the server: its old lines are not news, its new ones are,
    // resolved against the folder its header names.
    let old = day.join("rollout-2026-08-20T10-00-00-a.jsonl");
    std::fs::write(
        &old,
        codex_line(Some(&root), "") + &codex_line(None, "before.py"),
    )
    .unwrap();
    let other = day.join("rollout-2026-08-20T10-00-01-b.jsonl");
    std::fs::write(&other, codex_line(Some(&base.join("elsewhere")), "")).unwrap();
    let (_w, rx) = start(
        &root,
        with(Homes {
            codex: Some(home.clone()),
            ..Homes::default()
        }),
    );
    append(&other, &codex_line(None, "not_ours.py"));
    append(&old, &codex_line(None, "src/a.py"));
    assert_eq!(rel_paths(&next_writes(&rx), Agent::Codex), ["src/a.py"]);
    // A new day's folder, and a session in it.
    let next = home.join("sessions/2026/08/21");
    std::fs::create_dir_all(&next).unwrap();
    let new = next.join("rollout-2026-08-21T09-00-00-c.jsonl");
    std::fs::write(&new, codex_line(Some(&root.join("sub")), "")).unwrap();
    append(&new, &codex_line(None, "b.py"));
    assert_eq!(rel_paths(&next_writes(&rx), Agent::Codex), ["sub/b.py"]);
}

/// An older Gemini CLI's whole session file: one message with the given writes.
fn gemini_session(writes: &[(&str, &Path)]) -> String {
    let messages: Vec<serde_json::Value> = writes
        .iter()
        .map(|(id, path)| {
            serde_json::json!({"id": format!("m-{id}"), "timestamp": "t", "type": "gemini", "content": "",
                "toolCalls": [{"id": id, "name": "write_file", "args": {"file_path": path, "content": "x"},
                    "status": "success", "timestamp": "t"}]})
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({"sessionId": "s1", "projectHash": "h",
        "startTime": "t", "lastUpdated": "t", "messages": messages}))
    .unwrap()
}

#[test]
fn gemini_sessions_rewritten_whole_name_each_write_once() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let home = base.join("gemini");
    let chats = home.join("tmp/ws/chats");
    std::fs::create_dir_all(&chats).unwrap();
    let registry = serde_json::json!({"projects": {root.display().to_string(): "ws"}});
    std::fs::write(home.join("projects.json"), registry.to_string()).unwrap();
    let session = chats.join("session-2025-12-01T10-00-abcd1234.json");
    let (a, b, c) = (root.join("a.py"), root.join("b.py"), root.join("c.py"));
    std::fs::write(&session, gemini_session(&[("w1", &a)])).unwrap();
    let (_w, rx) = start(
        &root,
        with(Homes {
            gemini: Some(home.clone()),
            ..Homes::default()
        }),
    );
    // Gemini CLI writes the whole file anew, through a temporary file.
    let rewrite = |text: String| {
        let tmp = chats.join("session-2025-12-01T10-00-abcd1234.json.tmp-1");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &session).unwrap();
    };
    rewrite(gemini_session(&[("w1", &a), ("w2", &b)]));
    assert_eq!(
        rel_paths(&next_writes(&rx), Agent::GeminiCli),
        ["b.py"],
        "what the file held at start is not news"
    );
    rewrite(gemini_session(&[("w1", &a), ("w2", &b), ("w3", &c)]));
    assert_eq!(
        rel_paths(&next_writes(&rx), Agent::GeminiCli),
        ["c.py"],
        "a write already reported is not reported again"
    );
}

#[test]
fn logs_in_the_workspace_name_what_aider_and_git_ai_agents_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let history = root.join(".aider.chat.history.md");
    std::fs::write(&history, "> Applied edit to before.py  \n").unwrap();
    let (_w, rx) = start(
        &root,
        with(Homes {
            in_workspace: true,
            ..Homes::default()
        }),
    );
    append(
        &history,
        "#### make it so  \n\n> Applied edit to src/app.py  \n",
    );
    let writes = loop {
        match rx.recv_timeout(Duration::from_secs(5)).expect("news") {
            News::AgentWrites(w) => break w,
            News::Changes(c) => panic!("an agent's log is not a change of the workspace: {c:?}"),
            _ => {}
        }
    };
    assert_eq!(rel_paths(&writes, Agent::Aider), ["src/app.py"]);
    // git-ai starts keeping checkpoints in the repository: its folders appear in `.git`.
    let logs = root.join(".git/ai/working_logs/abc123");
    std::fs::create_dir_all(&logs).unwrap();
    let checkpoint = serde_json::json!({"kind": "ai_agent", "diff": "", "author": "a", "timestamp": 7,
        "entries": [{"file": "src/app.py", "blob_sha": "0", "attributions": [], "line_attributions": []}],
        "agent_id": {"tool": "claude", "id": "s", "model": "m"}, "api_version": "checkpoint/1.0.0"});
    std::fs::write(logs.join("checkpoints.jsonl"), format!("{checkpoint}\n")).unwrap();
    assert_eq!(rel_paths(&next_writes(&rx), Agent::GitAi), ["src/app.py"]);
}

#[test]
fn opencode_parts_name_the_files_it_wrote_once_completed() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let data = base.join("opencode");
    let storage = data.join("storage");
    for d in ["project", "session/4b0e", "part/msg_old"] {
        std::fs::create_dir_all(storage.join(d)).unwrap();
    }
    let project =
        serde_json::json!({"id": "4b0e", "worktree": root, "vcs": "git", "time": {"created": 1}});
    std::fs::write(storage.join("project/4b0e.json"), project.to_string()).unwrap();
    let session = serde_json::json!({"id": "ses_1", "projectID": "4b0e", "directory": root, "title": "t", "version": "1.1.40"});
    std::fs::write(storage.join("session/4b0e/ses_1.json"), session.to_string()).unwrap();
    let (_w, rx) = start(
        &root,
        with(Homes {
            opencode: Some(data.clone()),
            ..Homes::default()
        }),
    );
    // A new message's folder, its tool part written pending, then rewritten completed.
    let part = |status: &str| {
        let state = if status == "pending" {
            serde_json::json!({"status": "pending", "input": {}, "raw": ""})
        } else {
            serde_json::json!({"status": status, "input": {"patchText": "*** Begin Patch\n*** Add File: src/new.ts\n+x\n*** End Patch"},
                "output": "o", "title": "t", "metadata": {}, "time": {"start": 1, "end": 2}})
        };
        serde_json::to_string_pretty(
            &serde_json::json!({"id": "prt_1", "sessionID": "ses_1", "messageID": "msg_new",
            "type": "tool", "callID": "call_1", "tool": "apply_patch", "state": state}),
        )
        .unwrap()
    };
    let folder = storage.join("part/msg_new");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("prt_1.json"), part("pending")).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    std::fs::write(folder.join("prt_1.json"), part("completed")).unwrap();
    assert_eq!(
        rel_paths(&next_writes(&rx), Agent::OpenCode),
        ["src/new.ts"]
    );
    // Written again (compacted, say), it is not news again.
    std::fs::write(
        folder.join("prt_1.json"),
        part("completed").replace("\"o\"", "\"\""),
    )
    .unwrap();
    std::fs::write(
        folder.join("prt_2.json"),
        part("completed")
            .replace("prt_1", "prt_2")
            .replace("new.ts", "other.ts"),
    )
    .unwrap();
    assert_eq!(
        rel_paths(&next_writes(&rx), Agent::OpenCode),
        ["src/other.ts"]
    );
}

#[test]
fn garbage_truncated_and_shrunk_logs_are_read_on() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let config = base.join("claude");
    let project = agents::claude_project_dir(&config, &root);
    std::fs::create_dir_all(&project).unwrap();
    let log = project.join("s.jsonl");
    let write = |p: &str| {
        serde_json::json!({"type": "assistant", "message": {"content": [{"type": "tool_use", "name": "Write",
            "input": {"file_path": root.join(p), "content": "x"}}]}})
        .to_string()
    };
    std::fs::write(&log, write("old.py").repeat(50) + "\n").unwrap();
    let (_w, rx) = start(
        &root,
        with(Homes {
            claude: Some(config),
            ..Homes::default()
        }),
    );
    let whole = write("a.py");
    append(
        &log,
        &format!(
            "not json\n\u{0}\u{ff}\n{}\n{{\"tool_use\"\n{whole}\n",
            &whole[..whole.len() / 2]
        ),
    );
    assert_eq!(rel_paths(&next_writes(&rx), Agent::ClaudeCode), ["a.py"]);
    // The log shrinks (a new session under the same name): read from its start.
    std::fs::write(&log, write("b.py") + "\n").unwrap();
    assert_eq!(rel_paths(&next_writes(&rx), Agent::ClaudeCode), ["b.py"]);
    // Its folder goes away and comes back.
    std::fs::remove_dir_all(&project).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("t.jsonl"), write("c.py") + "\n").unwrap();
    assert_eq!(rel_paths(&next_writes(&rx), Agent::ClaudeCode), ["c.py"]);
}

#[test]
fn a_log_folder_moved_in_brings_no_old_news() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let config = base.join("claude");
    std::fs::create_dir_all(config.join("projects")).unwrap();
    let write = |p: &str| {
        serde_json::json!({"type": "assistant", "message": {"content": [{"type": "tool_use", "name": "Edit",
            "input": {"file_path": root.join(p), "old_string": "a", "new_string": "b"}}]}})
        .to_string()
            + "\n"
    };
    // A project folder kept elsewhere, its log written before the server started.
    let aside = base.join("aside");
    std::fs::create_dir_all(&aside).unwrap();
    std::fs::write(aside.join("s.jsonl"), write("old.py")).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let (_w, rx) = start(
        &root,
        with(Homes {
            claude: Some(config.clone()),
            ..Homes::default()
        }),
    );
    let project = agents::claude_project_dir(&config, &root);
    std::fs::rename(&aside, &project).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    append(&project.join("s.jsonl"), &write("new.py"));
    assert_eq!(
        rel_paths(&next_writes(&rx), Agent::ClaudeCode),
        ["new.py"],
        "what the log said before the server started is not news"
    );
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn opencode_database_rows_name_the_files_it_wrote_once() {
    use crate::store::foreign::opencode::fixture::{OpenCodeDb, text_part, tool_part};
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let data = base.join("opencode");
    std::fs::create_dir_all(&data).unwrap();
    // OpenCode 1.2+, running: its database in its data folder, a session of this workspace.
    let db = OpenCodeDb::create(&data.join("opencode.db"));
    db.project("4b0e", &root);
    db.session("ses_1", "4b0e", &root);
    db.project("9f1a", &base.join("other"));
    db.session("ses_2", "9f1a", &base.join("other"));
    let old = now_ms() - 60_000;
    let input = json!({"filePath": root.join("old.ts")});
    db.part(
        "prt_old",
        "ses_1",
        old,
        &tool_part("write", "completed", input, old),
    );
    let (_w, rx) = start(
        &root,
        with(Homes {
            opencode: Some(data.clone()),
            ..Homes::default()
        }),
    );
    // A call begins, then completes in place; a read, a text and another project's write
    // name nothing.
    let t = now_ms();
    let edit = |status: &str, at: i64| {
        let input = json!({"filePath": "src/a.ts", "oldString": "x", "newString": "y"});
        tool_part("edit", status, input, at)
    };
    db.part("prt_1", "ses_1", t, &edit("running", t));
    std::thread::sleep(Duration::from_millis(400));
    db.part("prt_1", "ses_1", t + 1, &edit("completed", t + 1));
    let read = tool_part(
        "read",
        "completed",
        json!({"filePath": root.join("r.ts")}),
        t + 1,
    );
    db.part("prt_2", "ses_1", t + 1, &read);
    db.part("prt_3", "ses_1", t + 1, &text_part("done"));
    let other = tool_part(
        "write",
        "completed",
        json!({"filePath": root.join("o.ts")}),
        t + 1,
    );
    db.part("prt_4", "ses_2", t + 1, &other);
    assert_eq!(rel_paths(&next_writes(&rx), Agent::OpenCode), ["src/a.ts"]);
    // Written again (compacted, say), it is not news again; the patch after it is.
    db.part("prt_1", "ses_1", t + 2, &edit("completed", t + 2));
    let patch =
        json!({"patchText": "*** Begin Patch\n*** Add File: src/new.ts\n+x\n*** End Patch"});
    db.part(
        "prt_5",
        "ses_1",
        t + 3,
        &tool_part("apply_patch", "completed", patch, t + 3),
    );
    assert_eq!(
        rel_paths(&next_writes(&rx), Agent::OpenCode),
        ["src/new.ts"]
    );
}

/// An agent's database that counts the queries asked of it.
struct Counted {
    db: std::path::PathBuf,
    queries: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl agents::AgentLogs for Counted {
    fn agent(&self) -> Agent {
        Agent::OpenCode
    }
    fn owns(&self, path: &Path) -> bool {
        path == self.db
    }
    fn folders(&mut self) -> Vec<std::path::PathBuf> {
        Vec::new()
    }
    fn follows(&self, _dir: &Path) -> bool {
        false
    }
    fn reading(&self, file: &Path) -> Option<agents::Reading> {
        (file == self.db).then_some(agents::Reading::Database)
    }
    fn parse(&mut self, _file: &Path, _text: &str, _out: &mut Vec<agents::Named>) {}
    fn query(&mut self, _out: &mut Vec<agents::Named>) -> Result<bool, String> {
        self.queries
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(false)
    }
}

#[test]
fn a_database_written_fifty_times_a_second_is_asked_a_few_times_and_its_last_change_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let db = root.join("agent.db");
    std::fs::write(&db, "").unwrap();
    let queries = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut w = super::Walker::new(
        root.clone(),
        root.clone(),
        options(10),
        std::sync::Weak::new(),
        true,
        |_news: News| {},
    );
    w.logs = super::Logs::new(vec![Box::new(Counted {
        db: db.clone(),
        queries: queries.clone(),
    })]);
    let count = || queries.load(std::sync::atomic::Ordering::SeqCst);
    let began = std::time::Instant::now();
    while began.elapsed() < Duration::from_secs(2) {
        w.read_logs(vec![db.clone()]);
        w.query_logs();
        std::thread::sleep(Duration::from_millis(20));
    }
    let asked = count();
    assert!(
        (4..=9).contains(&asked),
        "asked {asked} times in 2 s: at most every 250 ms"
    );
    // The last change waits for its turn, and is asked then.
    w.read_logs(vec![db.clone()]);
    w.query_logs();
    let at = w.logs.query_at().expect("due");
    std::thread::sleep(at.saturating_duration_since(std::time::Instant::now()));
    w.query_logs();
    assert_eq!(count(), asked + 1);
    assert_eq!(w.logs.query_at(), None);
}
