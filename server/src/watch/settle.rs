//! Settling notify's events into bursts: events gather until a quiet spell (or a second into a
//! burst that does not stop), then each path is filtered, read and delivered once, in the order
//! the changes happened. A new folder is watched and what it already holds reported; agents'
//! logs go to `logs`, and the loop also wakes when an agent's database that changed may be
//! asked what is new; notify's errors and a removed root become one warning each.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{Event, EventKind};
use tracing::debug;

use super::filter::{gitignore, wanted, wanted_dir};
use super::read::change_at;
use super::{DiskChange, News, Walker};

/// Quiet time that ends a burst of changes.
const SETTLE: Duration = Duration::from_millis(150);
/// A burst that does not stop is delivered this long after it began.
const BURST_MAX: Duration = Duration::from_secs(1);

impl<D: Fn(News)> Walker<D> {
    pub(super) fn run(&mut self, rx: mpsc::Receiver<notify::Result<Event>>) {
        let mut pending: Vec<PathBuf> = Vec::new();
        // The paths in `pending`, so a burst touching a path many times lists it once.
        let mut queued: HashSet<PathBuf> = HashSet::new();
        // The burst under way: when its first and its latest event came.
        let mut burst: Option<(Instant, Instant)> = None;
        loop {
            // Wait for the burst to settle, or for an agent's database to be due.
            let msg = match self.wait(burst) {
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(wait) => rx.recv_timeout(wait),
            };
            let gone = matches!(msg, Err(RecvTimeoutError::Disconnected));
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
                    let now = Instant::now();
                    let first = burst.map_or(now, |(first, _)| first);
                    burst = Some((first, now));
                    if first.elapsed() < BURST_MAX {
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
                Err(_) if gone && burst.is_none() => return, // the watcher is gone
                Err(_) => {}
            }
            // Deliver after a quiet spell, or a second into a burst that does not stop.
            if burst.is_some_and(|(first, last)| {
                gone || last.elapsed() >= SETTLE || first.elapsed() >= BURST_MAX
            }) {
                burst = None;
                queued.clear();
                if !self.flush(&mut pending) {
                    return;
                }
            }
            self.query_logs();
        }
    }

    /// How long to wait for the next event: until the burst under way settles, or an agent's
    /// database that changed may be asked (`None`: nothing to wait for but events).
    fn wait(&self, burst: Option<(Instant, Instant)>) -> Option<Duration> {
        let settle = burst.map(|(first, last)| {
            SETTLE
                .saturating_sub(last.elapsed())
                .min(BURST_MAX.saturating_sub(first.elapsed()))
        });
        let query = self
            .logs
            .query_at()
            .map(|at| at.saturating_duration_since(Instant::now()));
        match (settle, query) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
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
            if self.logs.owns(&path) {
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
            changes.extend(change_at(&path, rel));
        }
        self.add_baselines(&mut changes);
        self.add_in_git(&mut changes);
        if !changes.is_empty() {
            debug!(changes = changes.len(), "disk changes");
            (self.deliver)(News::Changes(changes));
        }
        true
    }
}
