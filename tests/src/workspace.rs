//! Places on disk for a test: a workspace folder with a home beside it, and git run in one.

use std::path::{Path, PathBuf};
use std::process::Command;

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
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=mindgap-e2e",
            "-c",
            "user.email=e2e@example.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
