//! Watching the workspace on disk: files written by other programs (coding agents) and by
//! version control reach the pipeline as disk changes (SPEC section 3's `fs` lines are the same
//! thing, recorded). Honours `.gitignore`, skips `.git` internals (but for HEAD, the index and
//! refs, which mark version control at work), build output and dependency folders, and batches
//! bursts. A watcher that cannot start degrades to none, with one warning.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use tracing::{debug, warn};

/// Quiet time that ends a burst of changes.
const SETTLE: Duration = Duration::from_millis(150);
/// Files larger than this are not read (their change is not measured).
const MAX_BYTES: u64 = 2 << 20;
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

/// One change on disk: the workspace-relative path and the new text (`None`: removed, or not
/// text). `.git` entries carry no text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskChange {
    pub rel_path: String,
    pub text: Option<String>,
}

/// Whether `rel` (relative to the root, `/`-separated) is worth reporting.
pub fn wanted(rel: &str, ignore: &Gitignore, is_dir: bool) -> bool {
    if let Some(git) = rel.strip_prefix(".git/") {
        return crate::workspace::is_vcs_mark(git);
    }
    if rel == ".git" || rel.split('/').any(|part| SKIP_DIRS.contains(&part)) {
        return false;
    }
    !ignore.matched_path_or_any_parents(rel, is_dir).is_ignore()
}

fn gitignore(root: &Path) -> Gitignore {
    let mut b = GitignoreBuilder::new(root);
    let _ = b.add(root.join(".gitignore"));
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

fn read(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// Watches `root` until the returned handle is dropped, calling `deliver` with each settled
/// burst of changes, in the order they happened. `Err` says why watching is not possible.
pub fn watch(
    root: &Path,
    deliver: impl Fn(Vec<DiskChange>) + Send + 'static,
) -> Result<notify::RecommendedWatcher, String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot watch {} ({e})", root.display()))?;
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| format!("cannot start watching files ({e})"))?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|e| {
            format!(
                "cannot watch {} ({e}); outside writes are seen only when the editor reloads them",
                root.display()
            )
        })?;
    let thread_root = root.clone();
    std::thread::Builder::new()
        .name("mindgap-watch".into())
        .spawn(move || settle(thread_root, rx, deliver))
        .map_err(|e| format!("cannot start the watcher thread ({e})"))?;
    Ok(watcher)
}

fn settle(
    root: PathBuf,
    rx: mpsc::Receiver<notify::Result<Event>>,
    deliver: impl Fn(Vec<DiskChange>),
) {
    let mut ignore = gitignore(&root);
    let mut pending: Vec<PathBuf> = Vec::new();
    let mut warned = false;
    let mut since: Option<Instant> = None;
    loop {
        // Deliver after a quiet spell, or a second into a burst that does not stop.
        let msg = match since {
            None => rx.recv().map_err(|_| ()),
            Some(first) => {
                let left = Duration::from_secs(1).saturating_sub(first.elapsed());
                rx.recv_timeout(SETTLE.min(left)).map_err(|_| ())
            }
        };
        match msg {
            Ok(Ok(event)) => {
                if matches!(event.kind, EventKind::Access(_)) {
                    continue;
                }
                for p in event.paths {
                    if !pending.contains(&p) {
                        pending.push(p);
                    }
                }
                since.get_or_insert_with(Instant::now);
                if since.is_some_and(|f| f.elapsed() < Duration::from_secs(1)) {
                    continue;
                }
                flush(&root, &mut ignore, &mut pending, &deliver);
                since = None;
            }
            Ok(Err(e)) => {
                if !warned {
                    warn!("file watching: {e}; some outside writes may be missed");
                    warned = true;
                }
            }
            Err(()) if pending.is_empty() => return, // the watcher is gone
            Err(()) => {
                flush(&root, &mut ignore, &mut pending, &deliver);
                since = None;
            }
        }
    }
}

/// Reads and delivers the changes of `pending` worth reporting.
fn flush(
    root: &Path,
    ignore: &mut Gitignore,
    pending: &mut Vec<PathBuf>,
    deliver: &impl Fn(Vec<DiskChange>),
) {
    let changes: Vec<DiskChange> = pending
        .drain(..)
        .filter_map(|path| {
            let rel = path
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if rel == ".gitignore" {
                *ignore = gitignore(root);
            }
            let is_dir = path.is_dir();
            if is_dir || !wanted(&rel, ignore, is_dir) {
                return None;
            }
            if rel.starts_with(".git/") {
                return Some(DiskChange {
                    rel_path: rel,
                    text: None,
                });
            }
            match read(&path) {
                Some(text) => Some(DiskChange {
                    rel_path: rel,
                    text: Some(text),
                }),
                None if path.exists() => None, // binary or too large: not measured
                None => Some(DiskChange {
                    rel_path: rel,
                    text: None,
                }),
            }
        })
        .collect();
    if !changes.is_empty() {
        debug!(changes = changes.len(), "disk changes");
        deliver(changes);
    }
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
    }

    #[test]
    fn writes_arrive_settled_with_their_text() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let (tx, rx) = mpsc::channel();
        let _w = watch(&root, move |c| {
            let _ = tx.send(c);
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        std::fs::write(root.join("a.py"), "x = 1\n").unwrap();
        std::fs::create_dir_all(root.join("target")).unwrap();
        std::fs::write(root.join("target/junk"), "y").unwrap();
        let got = rx.recv_timeout(Duration::from_secs(5)).expect("a burst");
        assert_eq!(
            got,
            vec![DiskChange {
                rel_path: "a.py".into(),
                text: Some("x = 1\n".into())
            }]
        );
    }
}
