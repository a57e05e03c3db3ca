//! Which paths the watcher reports and which folders it watches: `.gitignore`, `.git` internals
//! but for the files version control operations write, build output and dependency folders.
//! Pure (but for reading `.gitignore`).

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Folders never worth watching.
const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    "dist",
    "build",
    ".mypy_cache",
    ".pytest_cache",
    ".tox",
    ".mindgap",
];

/// Whether `rel` (relative to the root, `/`-separated) is worth reporting.
pub fn wanted(rel: &str, ignore: &Gitignore, is_dir: bool) -> bool {
    if let Some(git) = rel.strip_prefix(".git/") {
        return crate::classify::disk::is_vcs_mark(git);
    }
    if rel == ".git" || rel.split('/').any(|part| SKIP_DIRS.contains(&part)) {
        return false;
    }
    !ignore.matched_path_or_any_parents(rel, is_dir).is_ignore()
}

/// Whether the folder `rel` needs a watch: `.git` and `.git/refs` (for HEAD and the stash),
/// and folders whose files are worth reporting.
pub(super) fn wanted_dir(rel: &str, ignore: &Gitignore) -> bool {
    match rel {
        ".git" | ".git/refs" => true,
        _ if rel.starts_with(".git/") => false,
        _ => wanted(rel, ignore, true),
    }
}

pub(super) fn gitignore(root: &Path) -> Gitignore {
    let mut b = GitignoreBuilder::new(root);
    let _ = b.add(root.join(".gitignore"));
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_worth_reporting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "*.log\nsecret/\n").unwrap();
        let ig = gitignore(dir.path());
        assert!(wanted("src/main.rs", &ig, false));
        assert!(wanted(".git/HEAD", &ig, false));
        assert!(wanted(".git/refs/stash", &ig, false));
        assert!(
            !wanted(".git/index", &ig, false),
            "git add and commit write it: not version control at work"
        );
        assert!(!wanted(".git/objects/ab/cd", &ig, false));
        assert!(!wanted("target/debug/x", &ig, false));
        assert!(!wanted("web/node_modules/a.js", &ig, false));
        assert!(!wanted("run.log", &ig, false));
        assert!(!wanted("secret/key.txt", &ig, false));
        assert!(!wanted(".mindgap/explanations/a.md", &ig, false));
        assert!(wanted_dir(".git", &ig) && wanted_dir(".git/refs", &ig));
        assert!(!wanted_dir(".git/objects", &ig) && !wanted_dir(".git/refs/heads", &ig));
        assert!(!wanted_dir("secret", &ig) && !wanted_dir("node_modules", &ig));
    }
}
