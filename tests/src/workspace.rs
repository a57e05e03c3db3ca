//! Places on disk for a test: a workspace folder with a home beside it, and git run in one.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// A workspace folder (real and canonical, so paths compare equal) and a home beside it.
pub struct Workspace {
    pub root: PathBuf,
    pub home: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp
            .path()
            .canonicalize()
            .expect("canonical temp dir")
            .join("ws");
        std::fs::create_dir_all(&root).expect("workspace folder");
        let home = tmp.path().join("home");
        Workspace {
            root,
            home,
            _tmp: tmp,
        }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs git in `dir` (with a throw-away identity, for commits); panics with git's message on
/// failure.
pub fn git(dir: &Path, args: &[&str]) {
    git_with(dir, args, &[]);
}

/// [`git`] with extra environment variables (the home a hook's `mindgap` uses, say); what git
/// printed. Identity options in `args` come after the throw-away one, so they win.
pub fn git_with(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> String {
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "user.name=mindgap-e2e",
        "-c",
        "user.email=e2e@example.invalid",
    ])
    .args(args)
    .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new repository at `root` with `rel` committed as `text`, and a mindgap note (Agent Trace,
/// SPEC section 10) on that commit whose file entry has `conversations`. Returns the commit.
pub fn commit_with_note(root: &Path, rel: &str, text: &str, conversations: Value) -> String {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("folders");
    std::fs::write(&path, text).expect("the file");
    git(root, &["init", "-q"]);
    git(root, &["add", rel]);
    git(root, &["commit", "-q", "-m", "first"]);
    let sha = git_with(root, &["rev-parse", "HEAD"], &[])
        .trim()
        .to_string();
    let note = json!({
        "version": "0.1.0",
        "id": "6f1c1d2e-0000-4000-8000-000000000001",
        "timestamp": "2026-01-05T10:00:00Z",
        "vcs": {"type": "git", "revision": sha},
        "tool": {"name": "mindgap", "version": "0.1.0"},
        "files": [{"path": rel, "conversations": conversations}],
    });
    let note = note.to_string();
    git(
        root,
        &[
            "notes",
            "--ref=refs/notes/mindgap",
            "add",
            "-m",
            &note,
            "HEAD",
        ],
    );
    sha
}
