//! Tailing coding agents' logs: Claude Code's session logs for this workspace (outside it, in the
//! agent's configuration folder) are watched without counting toward the folder budget, read
//! from where they were left, and the files they say were written become [`AgentWrite`]s. What
//! the logs held before this session is not news. The parse itself is [`crate::agents`]'.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use notify::{RecursiveMode, Watcher};
use tracing::debug;

use super::agents;
use super::{AgentWrite, News, Walker, lock};
use crate::classify::Agent;

/// Where Claude Code's logs for this workspace are, and how far each has been read.
pub(super) struct ClaudeLogs {
    pub(super) projects: PathBuf,
    dirs: Vec<PathBuf>,
    offsets: HashMap<PathBuf, u64>,
}

impl ClaudeLogs {
    /// The logs under Claude Code's configuration folder `config` for the workspace at `root`,
    /// named either way (canonical, or as the client named it).
    pub(super) fn new(config: &Path, root: &Path, named_root: &Path) -> ClaudeLogs {
        ClaudeLogs {
            projects: config.join("projects"),
            dirs: [root, named_root]
                .iter()
                .map(|r| agents::claude_project_dir(config, r))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect(),
            offsets: HashMap::new(),
        }
    }
}

impl<D: Fn(News)> Walker<D> {
    pub(super) fn start_agent_logs(&mut self) {
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

    /// New lines in agents' logs: the files they say they wrote.
    pub(super) fn read_logs(&mut self, paths: Vec<PathBuf>) {
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
