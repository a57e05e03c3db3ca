//! Watching the workspace with a real watcher: an outside write is an agent's, a `git checkout`
//! is version control's, and the editor's own save is nothing.

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::edits;
use mindgap_e2e::{Server, Workspace};
use serde_json::json;

#[test]
fn outside_writes_checkouts_and_saves_each_attributed() {
    let w = Workspace::new();
    let git = |args: &[&str]| mindgap_e2e::git(&w.root, args);
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(w.root.join("c.py"), "version = 1\n").unwrap();
    git(&["add", "c.py"]);
    git(&["commit", "-qm", "one"]);
    git(&["checkout", "-qb", "feature"]);
    std::fs::write(w.root.join("c.py"), "version = 2\nextra = True\n").unwrap();
    git(&["commit", "-qam", "two"]);
    git(&["checkout", "-q", "main"]);

    let mut s = Server::start_with(mindgap_e2e::Options {
        home: Some(w.home.clone()),
        // No agent logs here: this test is about what the watcher alone can tell.
        env: vec![(
            "CLAUDE_CONFIG_DIR".into(),
            w.root
                .parent()
                .unwrap()
                .join("no-claude")
                .display()
                .to_string(),
        )],
        ..Default::default()
    });
    s.initialize_with(json!({
        "processId": std::process::id(),
        "rootUri": format!("file://{}", w.root.display()),
        "capabilities": {},
    }));
    sleep(Duration::from_millis(500)); // the watcher starts after `initialized`
    let a = w.root.join("a.py");
    std::fs::write(&a, "x = 1\n").unwrap();
    let a_uri = format!("file://{}", a.display());
    s.open(&a_uri, 1, "x = 1\n");
    sleep(Duration::from_millis(600));

    // An agent writes a new file.
    std::fs::write(w.root.join("b.py"), "def helper():\n    return 42\n").unwrap();
    // (Disk changes of the 2 s before a checkout count as the checkout's.)
    sleep(Duration::from_millis(2500));
    // Version control changes one.
    git(&["checkout", "-q", "feature"]);
    sleep(Duration::from_millis(3200));
    // The editor saves what the person typed.
    s.insert(&a_uri, 2, 1, 0, "y");
    std::fs::write(&a, "x = 1\ny").unwrap();
    s.save(&a_uri);
    sleep(Duration::from_millis(800));
    assert_eq!(s.shutdown_and_exit(), Some(0));

    let disk: Vec<(String, String)> = edits(&s.db_path())
        .into_iter()
        .filter(|e| e.source == "disk")
        .map(|e| (e.subject, e.class))
        .collect();
    assert!(disk.contains(&("b.py".into(), "agent".into())), "{disk:?}");
    assert!(disk.contains(&("c.py".into(), "vcs".into())), "{disk:?}");
    assert!(
        !disk.iter().any(|(p, c)| p == "c.py" && c == "agent"),
        "{disk:?}"
    );
    assert!(
        !disk.iter().any(|(p, _)| p == "a.py"),
        "the editor's save is not a disk change: {disk:?}"
    );
}

/// A coding agent's own log names what it wrote; a file the session never saw is measured
/// against what git held, not counted whole; and the recorded trace, replayed, says the same.
/// A server watching `w`, recording its session to `trace`, with Claude Code's configuration
/// folder at `claude`, initialized.
fn recording_server(w: &Workspace, trace: &std::path::Path, claude: &std::path::Path) -> Server {
    let mut s = Server::start_with(mindgap_e2e::Options {
        home: Some(w.home.clone()),
        args: vec!["--record".into(), trace.into()],
        env: vec![("CLAUDE_CONFIG_DIR".into(), claude.display().to_string())],
        ..Default::default()
    });
    s.initialize_with(json!({
        "processId": std::process::id(),
        "clientInfo": {"name": "mindgap-e2e"},
        "rootUri": format!("file://{}", w.root.display()),
        "capabilities": {},
    }));
    s
}

#[test]
fn agent_logs_and_git_baselines_live_and_replayed() {
    let w = Workspace::new();
    let git = |args: &[&str]| mindgap_e2e::git(&w.root, args);
    git(&["init", "-q", "-b", "main"]);
    let lib: String = (1..=40).map(|i| format!("value_{i} = {i}\n")).collect();
    std::fs::write(w.root.join("lib.py"), &lib).unwrap();
    git(&["add", "lib.py"]);
    git(&["commit", "-qm", "one"]);
    let claude = w.root.parent().unwrap().join("claude");
    let project = claude.join("projects").join(
        w.root
            .to_string_lossy()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>(),
    );
    std::fs::create_dir_all(&project).unwrap();
    let trace = w.root.parent().unwrap().join("session.jsonl");

    let mut s = recording_server(&w, &trace, &claude);
    sleep(Duration::from_millis(500));
    // Something edits a committed file the editor never opened: two lines more.
    std::fs::write(
        w.root.join("lib.py"),
        format!("{lib}extra_1 = 1\nextra_2 = 2\n"),
    )
    .unwrap();
    sleep(Duration::from_millis(600));
    // Claude Code logs a Write, then the file appears.
    let new = w.root.join("new.py");
    let line = json!({"type": "assistant", "message": {"content": [
        {"type": "tool_use", "name": "Write", "input": {"file_path": new, "content": "…"}}
    ]}});
    std::fs::write(project.join("session-1.jsonl"), format!("{line}\n")).unwrap();
    std::fs::write(&new, "def made():\n    return 'by an agent'\n").unwrap();
    sleep(Duration::from_millis(800));
    assert_eq!(s.shutdown_and_exit(), Some(0));

    let db = s.db_path();
    let conn = common::open_store(&db);
    let row = |subject: &str| -> (String, i64, String) {
        conn.query_row(
            "SELECT e.class, e.inserted, e.evidence_code, e.evidence_n FROM edits e JOIN documents d ON d.id = e.document_id
             WHERE d.subject = ?1 AND e.source = 'disk'",
            [subject],
            |r| {
                let evidence = mindgap::classify::Evidence::from_code(r.get(2)?, r.get(3)?);
                Ok((r.get(0)?, r.get(1)?, evidence.map(|e| e.to_string()).unwrap_or_default()))
            },
        )
        .unwrap_or_else(|e| panic!("no disk edit of {subject}: {e}"))
    };
    let (class, inserted, _) = row("lib.py");
    assert_eq!(class, "agent");
    assert_eq!(inserted, 24, "two new lines, not the whole file");
    let (class, _, evidence) = row("new.py");
    assert_eq!(class, "agent");
    assert!(evidence.contains("Claude Code"), "{evidence}");

    // The trace holds the disk changes and the agent's log line; replayed, they say the same.
    let recorded = std::fs::read_to_string(&trace).unwrap();
    assert!(
        recorded.contains("\"fs\":{") && recorded.contains("\"before\":"),
        "{recorded}"
    );
    assert!(recorded.contains("\"agent\":{\"name\":\"claude-code\",\"path\":\"new.py\"}"));
    let out = mindgap_e2e::run(["replay", "--json", "--explain", trace.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    let lines = out.json_lines();
    let of = |subject: &str| {
        lines
            .iter()
            .find(|l| l["path"] == subject)
            .unwrap_or_else(|| panic!("no {subject} in {lines:?}"))
            .clone()
    };
    assert_eq!(of("lib.py")["class"], "agent");
    assert_eq!(of("lib.py")["inserted"], 24);
    assert_eq!(of("new.py")["class"], "agent");
    assert!(
        of("new.py").to_string().contains("Claude Code"),
        "{:?}",
        of("new.py")
    );
}

/// Version control is judged by what git holds, not by the clock, and the person's own code on
/// disk is known for a copy — live, and the same when the recording is replayed (the trace
/// carries the walk's `exists` lines and `in_git` on writes).
#[test]
fn version_control_by_content_and_copies_of_files_never_opened_live_and_replayed() {
    let w = Workspace::new();
    let git = |args: &[&str]| mindgap_e2e::git(&w.root, args);
    git(&["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(w.root.join("lib")).unwrap();
    let helpers = "def clamp(value, lo, hi):\n    return max(lo, min(value, hi))\n";
    std::fs::write(w.root.join("lib/helpers.py"), helpers).unwrap();
    std::fs::write(w.root.join("c.py"), "version = 1\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-qm", "one"]);
    git(&["checkout", "-qb", "feature"]);
    std::fs::write(w.root.join("c.py"), "version = 2\nextra = True\n").unwrap();
    git(&["commit", "-qam", "two"]);
    git(&["checkout", "-q", "main"]);
    let trace = w.root.parent().unwrap().join("session.jsonl");
    let no_claude = w.root.parent().unwrap().join("no-claude");

    let mut s = recording_server(&w, &trace, &no_claude);
    sleep(Duration::from_millis(600)); // the walk reads lib/helpers.py
    let a = w.root.join("a.py");
    std::fs::write(&a, "x = 1\n").unwrap();
    let a_uri = format!("file://{}", a.display());
    s.open(&a_uri, 1, "x = 1\n");
    // The person pastes their own function from a file that is not open.
    s.insert(&a_uri, 2, 1, 0, helpers);
    sleep(Duration::from_millis(400));
    // A merge brings c.py; 2.5 s later an agent writes a file git never held.
    git(&["merge", "-q", "feature"]);
    sleep(Duration::from_millis(2500));
    std::fs::write(w.root.join("z.py"), "def zed():\n    return 26\n").unwrap();
    sleep(Duration::from_millis(600));
    // An agent edits c.py; `git checkout -- c.py` puts back what git holds (no HEAD change).
    std::fs::write(w.root.join("c.py"), "version = 3\n").unwrap();
    sleep(Duration::from_millis(600));
    git(&["checkout", "--", "c.py"]);
    sleep(Duration::from_millis(800));
    assert_eq!(s.shutdown_and_exit(), Some(0));

    let live: Vec<(String, String)> = edits(&s.db_path())
        .into_iter()
        .map(|e| (e.subject, e.class))
        .collect();
    let expected: Vec<(String, String)> = [
        ("a.py", "move"),
        ("c.py", "vcs"),
        ("z.py", "agent"),
        ("c.py", "agent"),
        ("c.py", "vcs"),
    ]
    .iter()
    .map(|(p, c)| {
        let subject = if *p == "a.py" {
            a_uri.clone()
        } else {
            (*p).to_string()
        };
        (subject, (*c).to_string())
    })
    .collect();
    assert_eq!(live, expected);

    let recorded = std::fs::read_to_string(&trace).unwrap();
    assert!(
        recorded.contains(r#""op":"exists","path":"lib/helpers.py""#),
        "{recorded}"
    );
    assert!(recorded.contains(r#""in_git":true"#), "{recorded}");
    assert!(recorded.contains(r#""in_git":false"#), "{recorded}");
    let out = mindgap_e2e::run(["replay", "--json", trace.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    let replayed: Vec<(String, String)> = (out.json_lines().iter())
        .filter(|l| l.get("summary").is_none())
        .map(|l| {
            let subject = l.get("path").or(l.get("uri")).unwrap();
            (
                subject.as_str().unwrap().to_string(),
                l["class"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(replayed, expected);
}
