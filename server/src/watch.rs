//! Watching the workspace on disk: files written by other programs (coding agents) and by
//! version control reach the pipeline as disk changes (SPEC section 3's `fs` lines are the same
//! thing, recorded), and coding agents' own logs say which agent wrote what ([`crate::agents`]).
//!
//! Honours `.gitignore`, skips `.git` internals (but for HEAD and its kin, which mark version
//! control at work), build output and dependency folders, and batches bursts. On Linux each
//! folder worth watching gets its own inotify watch, up to a budget (half the system's
//! `max_user_watches`, or `MINDGAP_MAX_WATCHES`), shallowest folders first, so a huge tree or a
//! full watch table degrades to a partial watch with one warning instead of failing. Elsewhere
//! the platform watches the tree recursively with one handle.
//!
//! Everything here runs on the watcher's own thread, never on the edit path.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tracing::{debug, info, warn};

use crate::agents::{self, Agent};

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
/// text). `.git` entries carry no text. `before` is what git's index holds for the file, given
/// the first time this watcher reports it, so a file the server never saw is measured against
/// its last committed or staged content rather than counted whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskChange {
    pub rel_path: String,
    pub text: Option<String>,
    pub before: Option<String>,
}

/// An agent's log says it wrote this workspace file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentWrite {
    pub agent: Agent,
    pub rel_path: String,
}

/// The first walk of the tree is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ready {
    /// Folders with a watch of their own (0 where the platform watches recursively).
    pub folders: usize,
    pub elapsed: Duration,
    /// Every folder worth watching is watched.
    pub complete: bool,
}

/// What the watcher has to say.
#[derive(Clone, Debug, PartialEq)]
pub enum News {
    /// A settled burst of changes, in the order they happened.
    Changes(Vec<DiskChange>),
    /// Agents' logs named files they wrote.
    AgentWrites(Vec<AgentWrite>),
    /// Watching is degraded or stopped: one sentence for the person, once per cause.
    Warning(String),
    Ready(Ready),
}

/// How to watch.
#[derive(Clone, Debug)]
pub struct Options {
    /// At most this many folder watches (Linux).
    pub max_folders: usize,
    /// Claude Code's configuration folder, whose session logs name the files it wrote.
    pub claude_dir: Option<PathBuf>,
}

impl Options {
    /// The defaults for this machine: half the inotify watch limit (another program, often the
    /// editor itself, needs the rest), unless `MINDGAP_MAX_WATCHES` says otherwise.
    pub fn from_env() -> Options {
        let max_folders = std::env::var("MINDGAP_MAX_WATCHES")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| {
                std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
                    .ok()
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .map_or(65_536, |limit| limit / 2)
            });
        Options {
            max_folders,
            claude_dir: agents::claude_config_dir(),
        }
    }
}

/// Watching goes on while this lives.
pub struct Watching {
    _watcher: Arc<Mutex<RecommendedWatcher>>,
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

/// Whether the folder `rel` needs a watch: `.git` and `.git/refs` (for HEAD and the stash),
/// and folders whose files are worth reporting.
fn wanted_dir(rel: &str, ignore: &Gitignore) -> bool {
    match rel {
        ".git" | ".git/refs" => true,
        _ if rel.starts_with(".git/") => false,
        _ => wanted(rel, ignore, true),
    }
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

/// Watches `root` until the returned handle is dropped, telling `deliver` what happens.
/// `Err` says why watching is not possible at all.
pub fn watch(
    root: &Path,
    options: Options,
    deliver: impl Fn(News) + Send + 'static,
) -> Result<Watching, String> {
    let named_root = root.to_path_buf();
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot watch {} ({e})", root.display()))?;
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let watcher = notify::recommended_watcher(tx)
        .map_err(|e| format!("cannot start watching files ({e})"))?;
    let watcher = Arc::new(Mutex::new(watcher));
    let per_folder = cfg!(target_os = "linux");
    if !per_folder {
        lock(&watcher)
            .watch(&root, RecursiveMode::Recursive)
            .map_err(|e| {
                format!(
                    "cannot watch {} ({e}); outside writes are seen only when the editor reloads them",
                    root.display()
                )
            })?;
    }
    let weak = Arc::downgrade(&watcher);
    std::thread::Builder::new()
        .name("mindgap-watch".into())
        .spawn(move || {
            let mut w = Walker::new(root, named_root, options, weak, per_folder, deliver);
            w.start();
            w.run(rx);
        })
        .map_err(|e| format!("cannot start the watcher thread ({e})"))?;
    Ok(Watching { _watcher: watcher })
}

fn lock(w: &Mutex<RecommendedWatcher>) -> std::sync::MutexGuard<'_, RecommendedWatcher> {
    w.lock().unwrap_or_else(|p| p.into_inner())
}

/// The watcher thread's state.
struct Walker<D> {
    root: PathBuf,
    /// The root as the client named it (agents' logs may use this form).
    named_root: PathBuf,
    ignore: Gitignore,
    watcher: Weak<Mutex<RecommendedWatcher>>,
    per_folder: bool,
    max_folders: usize,
    folders: HashSet<PathBuf>,
    /// A warning about folders left unwatched has been given.
    limited: bool,
    warned: HashSet<&'static str>,
    /// Files reported before (the first report of a file carries git's content as `before`).
    reported: HashSet<String>,
    claude: Option<ClaudeLogs>,
    deliver: D,
}

impl<D: Fn(News)> Walker<D> {
    fn new(
        root: PathBuf,
        named_root: PathBuf,
        options: Options,
        watcher: Weak<Mutex<RecommendedWatcher>>,
        per_folder: bool,
        deliver: D,
    ) -> Self {
        let claude = options.claude_dir.map(|config| ClaudeLogs {
            projects: config.join("projects"),
            dirs: [&root, &named_root]
                .iter()
                .map(|r| agents::claude_project_dir(&config, r))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect(),
            offsets: HashMap::new(),
        });
        Walker {
            ignore: gitignore(&root),
            root,
            named_root,
            watcher,
            per_folder,
            max_folders: options.max_folders,
            folders: HashSet::new(),
            limited: false,
            warned: HashSet::new(),
            reported: HashSet::new(),
            claude,
            deliver,
        }
    }

    fn warn_once(&mut self, cause: &'static str, message: String) {
        if self.warned.insert(cause) {
            warn!("{message}");
            (self.deliver)(News::Warning(message));
        }
    }

    /// Adds a watch on one folder; `false` when the budget or the system says no more.
    fn add_watch(&mut self, dir: &Path) -> bool {
        if self.folders.contains(dir) {
            return true;
        }
        if self.folders.len() >= self.max_folders {
            self.limit_reached(format!(
                "mindgap watches at most {} folders here (MINDGAP_MAX_WATCHES, or half of \
                 fs.inotify.max_user_watches) and this workspace has more; outside writes in the \
                 rest are seen only when the editor reloads them",
                self.max_folders
            ));
            return false;
        }
        let Some(watcher) = self.watcher.upgrade() else {
            return false;
        };
        let result = lock(&watcher).watch(dir, RecursiveMode::NonRecursive);
        match result {
            Ok(()) => {
                self.folders.insert(dir.to_path_buf());
                true
            }
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                self.limit_reached(format!(
                    "the system's limit on file watches is reached after {} folders; outside \
                     writes in the rest are seen only when the editor reloads them (raise \
                     fs.inotify.max_user_watches to watch them all)",
                    self.folders.len()
                ));
                false
            }
            Err(e) => {
                debug!(dir = %dir.display(), "cannot watch ({e})");
                true
            }
        }
    }

    fn limit_reached(&mut self, message: String) {
        if !self.limited {
            self.limited = true;
            self.warn_once("limit", message);
        }
    }

    /// Watches `top` and the folders under it worth watching, shallowest first; with `files`,
    /// collects the files found (a folder that appears may already hold some).
    fn add_tree(&mut self, top: &Path, mut files: Option<&mut Vec<PathBuf>>) {
        let mut queue = VecDeque::from([top.to_path_buf()]);
        while let Some(dir) = queue.pop_front() {
            if !self.add_watch(&dir) {
                return;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let path = entry.path();
                if kind.is_dir() {
                    if let Some(rel) = self.rel(&path)
                        && wanted_dir(&rel, &self.ignore)
                    {
                        queue.push_back(path);
                    }
                } else if kind.is_file()
                    && let Some(files) = files.as_deref_mut()
                {
                    files.push(path);
                }
            }
        }
    }

    fn rel(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    /// The first walk: folder watches, and agents' logs.
    fn start(&mut self) {
        let began = Instant::now();
        if self.per_folder {
            let root = self.root.clone();
            self.add_tree(&root, None);
        }
        self.start_agent_logs();
        let ready = Ready {
            folders: self.folders.len(),
            elapsed: began.elapsed(),
            complete: !self.limited,
        };
        info!(
            folders = ready.folders,
            ms = ready.elapsed.as_millis() as u64,
            complete = ready.complete,
            "watching {}",
            self.root.display()
        );
        (self.deliver)(News::Ready(ready));
    }

    fn start_agent_logs(&mut self) {
        let Some(claude) = self.claude.take() else {
            return;
        };
        let mut claude = claude;
        if claude.projects.is_dir() {
            self.add_log_watch(&claude.projects.clone());
            for dir in claude.dirs.clone() {
                if dir.is_dir() {
                    self.add_log_folder(&mut claude, &dir, true);
                }
            }
        }
        self.claude = Some(claude);
    }

    /// Agents' logs live outside the workspace and do not count toward the budget.
    fn add_log_watch(&mut self, dir: &Path) {
        if let Some(w) = self.watcher.upgrade()
            && let Err(e) = lock(&w).watch(dir, RecursiveMode::NonRecursive)
        {
            debug!(dir = %dir.display(), "cannot watch an agent's logs ({e})");
        }
    }

    /// Watches a project's log folder (and its sessions' sub-agent folders). With `skip_old`,
    /// logs already there are read from their end: what they said before this session is not
    /// this session's news.
    fn add_log_folder(&mut self, claude: &mut ClaudeLogs, dir: &Path, skip_old: bool) {
        let mut queue = VecDeque::from([(dir.to_path_buf(), 0)]);
        while let Some((dir, depth)) = queue.pop_front() {
            self.add_log_watch(&dir);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                match entry.file_type() {
                    Ok(k) if k.is_dir() && depth < 2 => queue.push_back((path, depth + 1)),
                    Ok(k) if k.is_file() && is_log(&path) => {
                        let len = if skip_old {
                            entry.metadata().map_or(0, |m| m.len())
                        } else {
                            0
                        };
                        claude.offsets.insert(path, len);
                    }
                    _ => {}
                }
            }
        }
    }

    fn run(&mut self, rx: mpsc::Receiver<notify::Result<Event>>) {
        let mut pending: Vec<PathBuf> = Vec::new();
        // The paths in `pending`, so a burst touching a path many times lists it once.
        let mut queued: HashSet<PathBuf> = HashSet::new();
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
                        if queued.insert(p.clone()) {
                            pending.push(p);
                        }
                    }
                    since.get_or_insert_with(Instant::now);
                    if since.is_some_and(|f| f.elapsed() < Duration::from_secs(1)) {
                        continue;
                    }
                }
                Ok(Err(e)) => {
                    if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                        self.limit_reached(
                            "the system's limit on file watches is reached; some outside writes \
                             are seen only when the editor reloads them"
                                .into(),
                        );
                    } else {
                        self.warn_once(
                            "error",
                            format!("file watching: {e}; some outside writes may be missed"),
                        );
                    }
                    continue;
                }
                Err(()) if pending.is_empty() && since.is_none() => return, // the watcher is gone
                Err(()) => {}
            }
            since = None;
            queued.clear();
            if !self.flush(&mut pending) {
                return;
            }
        }
    }

    /// Reads and delivers what `pending` holds. `false`: watching is over (the root is gone).
    fn flush(&mut self, pending: &mut Vec<PathBuf>) -> bool {
        if !self.root.is_dir() {
            self.warn_once(
                "root",
                format!(
                    "the workspace folder {} was removed; mindgap stopped watching it",
                    self.named_root.display()
                ),
            );
            return false;
        }
        let mut logs = Vec::new();
        let mut paths = Vec::new();
        for path in pending.drain(..) {
            if self
                .claude
                .as_ref()
                .is_some_and(|c| path.starts_with(&c.projects))
            {
                logs.push(path);
            } else {
                paths.push(path);
            }
        }
        self.read_logs(logs);
        let mut changes: Vec<DiskChange> = Vec::new();
        let mut listed: HashSet<PathBuf> = paths.iter().cloned().collect();
        let mut reported: HashSet<String> = HashSet::new();
        let mut i = 0;
        while i < paths.len() {
            let path = paths[i].clone();
            i += 1;
            let Some(rel) = self.rel(&path) else { continue };
            if rel.is_empty() {
                continue;
            }
            if rel == ".gitignore" {
                self.ignore = gitignore(&self.root);
            }
            if path.is_dir() {
                if self.per_folder && wanted_dir(&rel, &self.ignore) {
                    // A new folder: watch it, and report what it already holds.
                    let mut found = Vec::new();
                    self.add_tree(&path, Some(&mut found));
                    found.retain(|f| listed.insert(f.clone()));
                    paths.extend(found);
                }
                continue;
            }
            if self.folders.remove(&path) {
                continue; // a watched folder went away
            }
            if !wanted(&rel, &self.ignore, false) || !reported.insert(rel.clone()) {
                continue;
            }
            if rel.starts_with(".git/") {
                changes.push(DiskChange {
                    rel_path: rel,
                    text: None,
                    before: None,
                });
                continue;
            }
            match read(&path) {
                Some(text) => changes.push(DiskChange {
                    rel_path: rel,
                    text: Some(text),
                    before: None,
                }),
                None if path.exists() => {} // binary or too large: not measured
                None => changes.push(DiskChange {
                    rel_path: rel,
                    text: None,
                    before: None,
                }),
            }
        }
        self.add_baselines(&mut changes);
        if !changes.is_empty() {
            debug!(changes = changes.len(), "disk changes");
            (self.deliver)(News::Changes(changes));
        }
        true
    }

    /// Gives files reported for the first time what git's index holds for them.
    fn add_baselines(&mut self, changes: &mut [DiskChange]) {
        let first: Vec<String> = changes
            .iter()
            .filter(|c| c.text.is_some() && !self.reported.contains(&c.rel_path))
            .map(|c| c.rel_path.clone())
            .collect();
        for c in changes.iter() {
            if c.text.is_some() {
                self.reported.insert(c.rel_path.clone());
            }
        }
        if first.is_empty() || crate::workspace::git_dir(&self.root).is_none() {
            return;
        }
        // `known` holds only files reported for the first time.
        let mut known = index_texts(&self.root, &first);
        for c in changes.iter_mut() {
            c.before = known.remove(&c.rel_path);
        }
    }

    /// New lines in agents' logs: the files they say they wrote.
    fn read_logs(&mut self, paths: Vec<PathBuf>) {
        let Some(mut claude) = self.claude.take() else {
            return;
        };
        let mut writes = Vec::new();
        for path in paths {
            if claude.dirs.contains(&path) && path.is_dir() {
                self.add_log_folder(&mut claude, &path, false);
                continue;
            }
            if !claude.dirs.iter().any(|d| path.starts_with(d)) {
                continue;
            }
            if path.is_dir() {
                self.add_log_folder(&mut claude, &path, false);
                continue;
            }
            if !is_log(&path) {
                continue;
            }
            let offset = claude.offsets.entry(path.clone()).or_insert(0);
            for written in read_new_lines(&path, offset)
                .iter()
                .flat_map(|line| agents::claude_writes(line))
            {
                let rel = agents::relative(&self.root, &written)
                    .or_else(|| agents::relative(&self.named_root, &written));
                if let Some(rel_path) = rel {
                    writes.push(AgentWrite {
                        agent: Agent::ClaudeCode,
                        rel_path,
                    });
                }
            }
        }
        self.claude = Some(claude);
        if !writes.is_empty() {
            debug!(writes = writes.len(), "agent log names written files");
            (self.deliver)(News::AgentWrites(writes));
        }
    }
}

/// Where Claude Code's logs for this workspace are, and how far each has been read.
struct ClaudeLogs {
    projects: PathBuf,
    dirs: Vec<PathBuf>,
    offsets: HashMap<PathBuf, u64>,
}

fn is_log(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// The whole lines appended to `path` since `offset`, which moves past them (a line still being
/// written is left for next time). A file that shrank is read again from its start.
fn read_new_lines(path: &Path, offset: &mut u64) -> Vec<String> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = file.metadata().map_or(0, |m| m.len());
    if len < *offset {
        *offset = 0;
    }
    // Bounded: a log that grew enormously since is read in steps.
    let take = (len - *offset).min(16 << 20);
    let mut bytes = Vec::with_capacity(take as usize);
    if file.seek(SeekFrom::Start(*offset)).is_err()
        || file.take(take).read_to_end(&mut bytes).is_err()
    {
        return Vec::new();
    }
    let Some(end) = bytes.iter().rposition(|&b| b == b'\n') else {
        return Vec::new();
    };
    *offset += end as u64 + 1;
    String::from_utf8_lossy(&bytes[..end])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// What git's index holds for each of `rels` (text files only), read in one `git cat-file`.
fn index_texts(root: &Path, rels: &[String]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let child = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return out;
    };
    let mut stdin = child.stdin.take().expect("piped");
    let names: Vec<String> = rels.iter().map(|r| format!(":{r}\n")).collect();
    let writer = std::thread::spawn(move || {
        for n in names {
            if stdin.write_all(n.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut stdout = Vec::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_end(&mut stdout);
    }
    let _ = writer.join();
    let _ = child.wait();
    // Each answer: "<oid> blob <size>\n<content>\n", or "<name> missing\n".
    let mut at = 0;
    for rel in rels {
        let Some(nl) = stdout[at..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let header = String::from_utf8_lossy(&stdout[at..at + nl]).into_owned();
        at += nl + 1;
        let mut parts = header.split(' ');
        let (Some(_), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
            continue; // "missing": not in the index
        };
        let Ok(size) = size.parse::<usize>() else {
            break;
        };
        if at + size > stdout.len() {
            break;
        }
        if kind == "blob"
            && size as u64 <= MAX_BYTES
            && let Ok(text) = std::str::from_utf8(&stdout[at..at + size])
        {
            out.insert(rel.clone(), text.to_owned());
        }
        at += size + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(max_folders: usize) -> Options {
        Options {
            max_folders,
            claude_dir: None,
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
                News::Ready(_) => {}
                other => panic!("{other:?}"),
            }
        }
    }

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
                News::Changes(_) => {}
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
                News::Changes(_) => {}
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
                claude_dir: Some(config),
            },
        );
        // A new session log, written in two steps (the second line arrives half, then whole).
        let session = project.join("s1.jsonl");
        std::fs::write(&session, line(&root.join("src/a.py"))).unwrap();
        let writes = loop {
            match rx.recv_timeout(Duration::from_secs(5)).expect("news") {
                News::AgentWrites(w) => break w,
                News::Changes(_) => {}
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
                News::Changes(_) => {}
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
}
