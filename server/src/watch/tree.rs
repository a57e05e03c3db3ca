//! The tree walk within the budget: one non-recursive watch per folder worth watching (Linux),
//! shallowest first, at most `max_folders` of them, listing the files it passes; reaching the budget or the system's limit is
//! one warning, and the rest of the tree is left unwatched instead of failing.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use notify::{RecursiveMode, Watcher};
use tracing::debug;

use super::filter::wanted_dir;
use super::{News, Walker, lock};

impl<D: Fn(News)> Walker<D> {
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

    pub(super) fn limit_reached(&mut self, message: String) {
        if !self.limited {
            self.limited = true;
            self.warn_once("limit", message);
        }
    }

    /// Watches `top` and the folders under it worth watching, shallowest first; with `files`,
    /// collects the files found (a folder that appears may already hold some).
    pub(super) fn add_tree(&mut self, top: &Path, mut files: Option<&mut Vec<PathBuf>>) {
        let mut queue = VecDeque::from([top.to_path_buf()]);
        while let Some(dir) = queue.pop_front() {
            // Where the platform watches the whole tree at once, the walk only lists files.
            if self.per_folder && !self.add_watch(&dir) {
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
}
