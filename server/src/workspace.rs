//! Workspaces: the root a directory belongs to (the nearest folder holding `.git`, else the
//! directory itself) and the git branch checked out there, read from `.git/HEAD` without
//! running git (status lines call this constantly).

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root holding `dir`.
pub fn root_of(dir: &Path) -> PathBuf {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map_or(dir.clone(), Path::to_path_buf)
}

/// The git directory of a work tree (`.git`, or where a `.git` file points, for worktrees).
pub fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot = root.join(".git");
    if dot.is_dir() {
        return Some(dot);
    }
    let text = fs::read_to_string(&dot).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    let path = Path::new(target);
    Some(if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    })
}

/// What is checked out at `root`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checkout {
    /// Not a git work tree (or unreadable).
    None,
    /// A branch, and whether it is the repository's default one.
    Branch { name: String, default: bool },
    /// A detached HEAD.
    Detached,
}

pub fn checkout(root: &Path) -> Checkout {
    let Some(git) = git_dir(root) else {
        return Checkout::None;
    };
    let Ok(head) = fs::read_to_string(git.join("HEAD")) else {
        return Checkout::None;
    };
    let Some(name) = head.trim().strip_prefix("ref: refs/heads/") else {
        return Checkout::Detached;
    };
    // The default branch: what origin/HEAD points to, else main or master.
    let common = fs::read_to_string(git.join("commondir"))
        .ok()
        .map(|c| git.join(c.trim()))
        .unwrap_or_else(|| git.clone());
    let origin_default = fs::read_to_string(common.join("refs/remotes/origin/HEAD"))
        .ok()
        .and_then(|s| {
            s.trim()
                .strip_prefix("ref: refs/remotes/origin/")
                .map(str::to_string)
        });
    let default = match origin_default {
        Some(d) => d == name,
        None => matches!(name, "main" | "master"),
    };
    Checkout::Branch {
        name: name.to_string(),
        default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_checkouts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let sub = root.join("src/deep");
        fs::create_dir_all(&sub).unwrap();
        assert_eq!(root_of(&sub), sub);
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        assert_eq!(root_of(&sub), root);
        assert_eq!(
            checkout(&root),
            Checkout::Branch {
                name: "main".into(),
                default: true
            }
        );
        fs::write(root.join(".git/HEAD"), "ref: refs/heads/feature/parser\n").unwrap();
        fs::create_dir_all(root.join(".git/refs/remotes/origin")).unwrap();
        fs::write(
            root.join(".git/refs/remotes/origin/HEAD"),
            "ref: refs/remotes/origin/feature/parser\n",
        )
        .unwrap();
        assert_eq!(
            checkout(&root),
            Checkout::Branch {
                name: "feature/parser".into(),
                default: true
            }
        );
        fs::write(root.join(".git/HEAD"), "0123456789abcdef\n").unwrap();
        assert_eq!(checkout(&root), Checkout::Detached);
    }
}
