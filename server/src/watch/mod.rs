//! Watching the workspace on disk: files written by other programs (coding agents) and by
//! version control reach the pipeline as disk changes (SPEC section 3's `fs` lines are the same
//! thing, recorded), and coding agents' own logs say which agent wrote what ([`agents`]).
//!
//! Honours `.gitignore`, skips `.git` internals (but for HEAD and its kin, which mark version
//! control at work), build output and dependency folders, and batches bursts. On Linux each
//! folder worth watching gets its own inotify watch, up to a budget (half the system's
//! `max_user_watches`, or `MINDGAP_MAX_WATCHES`), shallowest folders first, so a huge tree or a
//! full watch table degrades to a partial watch with one warning instead of failing. Elsewhere
//! the platform watches the tree recursively with one handle.
//!
//! Everything here runs on the watcher's own thread, never on the edit path.
//!
//! This file owns the public face ([`watch`], [`Options`], [`News`] and what it carries) and the
//! watcher thread's state, [`Walker`], whose work is split by job among the children: `filter`
//! (which paths are worth reporting), `tree` (folder watches within the budget), `settle`
//! (batching notify's events into bursts), `read` (a changed file's new text, git's index text
//! for it and whether git holds the new text), `index` (the walked files' lines, for the index
//! of the person's own code on disk), `agents` (where each coding agent keeps its logs and what
//! they say) and `logs` (tailing them). Children reach the state through `super::`; siblings
//! import only `filter`, `read` and `agents`, never each other in a circle.

pub mod agents;
mod filter;
mod index;
mod logs;
mod read;
mod settle;
mod tree;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use ignore::gitignore::Gitignore;
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};
use tracing::{info, warn};

use crate::classify::Agent;

pub use agents::Homes;
pub use filter::wanted;
use logs::Logs;

/// One change on disk: the workspace-relative path and the new text (`None`: removed, or not
/// text). `.git` entries carry no text. `before` is what git's index holds for the file, given
/// the first time this watcher reports it, so a file the server never saw is measured against
/// its last committed or staged content rather than counted whole. `in_git` says whether git
/// already held the new text (version control writes only what git has).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskChange {
    pub rel_path: String,
    pub text: Option<String>,
    pub before: Option<String>,
    /// Whether git's object store already held the new text (`None`: unknown, or no git).
    pub in_git: Option<bool>,
    /// The keys of the new text's lines for the index of the workspace's lines
    /// ([`crate::mirror::disk_lines::line_keys`]), computed here, off the edit path.
    pub keys: Vec<u32>,
}

/// A file the first walk found on disk (not a change): the keys of its lines, and its text when
/// asked for ([`Options::keep_texts`], to record it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    pub rel_path: String,
    pub keys: Vec<u32>,
    pub text: Option<String>,
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
    /// Files the first walk found, after [`News::Ready`], in batches.
    Exists(Vec<Existing>),
}

/// How to watch.
#[derive(Clone, Debug)]
pub struct Options {
    /// At most this many folder watches (Linux).
    pub max_folders: usize,
    /// Where coding agents keep the logs that name the files they wrote.
    pub agents: Homes,
    /// Deliver the text of the files the first walk finds (the session is being recorded).
    pub keep_texts: bool,
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
            agents: Homes::from_env(),
            keep_texts: false,
        }
    }
}

/// Watching goes on while this lives.
pub struct Watching {
    _watcher: Arc<Mutex<RecommendedWatcher>>,
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
    logs: Logs,
    keep_texts: bool,
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
        let logs = Logs::new(options.agents.logs(&root, &named_root));
        Walker {
            ignore: filter::gitignore(&root),
            root,
            named_root,
            watcher,
            per_folder,
            max_folders: options.max_folders,
            folders: HashSet::new(),
            limited: false,
            warned: HashSet::new(),
            reported: HashSet::new(),
            logs,
            keep_texts: options.keep_texts,
            deliver,
        }
    }

    fn warn_once(&mut self, cause: &'static str, message: String) {
        if self.warned.insert(cause) {
            warn!("{message}");
            (self.deliver)(News::Warning(message));
        }
    }

    fn rel(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    /// The first walk: folder watches, agents' logs, then the files found, for the index.
    fn start(&mut self) {
        let began = Instant::now();
        let root = self.root.clone();
        let mut files = Vec::new();
        self.add_tree(&root, Some(&mut files));
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
        self.index_files(files);
    }
}

#[cfg(test)]
mod tests;
