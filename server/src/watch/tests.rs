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
