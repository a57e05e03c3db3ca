//! Settling notify's events into bursts: events gather until a quiet spell (or a second into a
//! burst that does not stop), then each path is filtered, read and delivered once, in the order
//! the changes happened. A new folder is watched and what it already holds reported; agents'
//! logs go to `logs`; notify's errors and a removed root become one warning each.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{Event, EventKind};
use tracing::debug;

use super::filter::{gitignore, wanted, wanted_dir};
use super::read::change_at;
use super::{DiskChange, News, Walker};

/// Quiet time that ends a burst of changes.
const SETTLE: Duration = Duration::from_millis(150);

impl<D: Fn(News)> Walker<D> {
    pub(super) fn run(&mut self, rx: mpsc::Receiver<notify::Result<Event>>) {
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
