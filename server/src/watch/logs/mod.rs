//! Tailing coding agents' logs: each agent's logs for this workspace (mostly outside it, in the
//! agent's own folders) are watched without counting toward the folder budget, and the files
//! they say were written become [`AgentWrite`]s. What the logs held before this session is not
//! news. Each agent says how its logs are read ([`Reading`]): lines appended are read once, from
//! where the last read stopped; a file rewritten whole is read whole, and a write it names
//! that was already reported (or was there at start) is known by its id; a database (OpenCode's)
//! that changed is asked what is new, at most every [`QUERY_EVERY`] (the watcher's loop wakes
//! for it), and what it names is known by id too. Where the logs are and what their records
//! name is [`super::agents`]'; `read` does the careful reading.

mod read;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use notify::{RecursiveMode, Watcher};
use tracing::{debug, warn};

use super::agents::{self, AgentLogs, Named, Reading};
use super::{AgentWrite, News, Walker, lock};
use read::Tail;

/// Folders one agent's logs may add watches for after start, at most (OpenCode adds one per
/// message).
const MAX_FOLLOWED: usize = 4096;
/// An agent's database is asked at most this often (OpenCode writes its database many times a
/// second while it streams a reply).
pub(super) const QUERY_EVERY: Duration = Duration::from_millis(250);
/// After a query failed (a lock, tables not the ones read, a damaged file) the database is
/// asked again at its next change, and not before this.
const QUERY_RETRY: Duration = Duration::from_secs(2);

/// Every agent's logs, and how far each has been read.
pub(super) struct Logs {
    sources: Vec<Source>,
    /// Folders watched for agents' logs.
    watched: HashSet<PathBuf>,
    /// Files that failed to read, told once each.
    told: HashSet<PathBuf>,
    /// Why a database could not be read, told once each.
    told_query: HashSet<String>,
    /// When watching began: a log last written before is old news.
    started: SystemTime,
}

struct Source {
    logs: Box<dyn AgentLogs>,
    tails: HashMap<PathBuf, Tail>,
    /// Ids of writes reported, or there at start.
    seen: HashSet<u64>,
    followed: usize,
    /// Its database changed since it was last asked (or has more to read).
    due: bool,
    /// When its database may be asked next (`None`: never asked yet).
    next_query: Option<Instant>,
}

impl Logs {
    pub(super) fn new(logs: Vec<Box<dyn AgentLogs>>) -> Logs {
        Logs {
            sources: logs
                .into_iter()
                .map(|logs| Source {
                    logs,
                    tails: HashMap::new(),
                    seen: HashSet::new(),
                    followed: 0,
                    due: false,
                    next_query: None,
                })
                .collect(),
            watched: HashSet::new(),
            told: HashSet::new(),
            told_query: HashSet::new(),
            started: SystemTime::now(),
        }
    }

    /// Whether a change at `path` is an agent's log's business (not a workspace change).
    pub(super) fn owns(&self, path: &Path) -> bool {
        self.sources.iter().any(|s| s.logs.owns(path))
    }

    /// When a database that changed may be asked what is new (`None`: none changed).
    pub(super) fn query_at(&self) -> Option<Instant> {
        self.sources
            .iter()
            .filter(|s| s.due)
            .map(|s| s.next_query.unwrap_or_else(Instant::now))
            .min()
    }
}

impl<D: Fn(News)> Walker<D> {
    /// Watches every agent's log folders; what their logs hold now is not news.
    pub(super) fn start_agent_logs(&mut self) {
        let mut logs = std::mem::replace(&mut self.logs, Logs::new(Vec::new()));
        for i in 0..logs.sources.len() {
            let folders = logs.sources[i].logs.folders();
            let mut files = logs.sources[i].logs.files();
            for dir in &folders {
                self.add_log_watch(&mut logs, dir);
                files.extend(agents::files_in(dir));
            }
            for file in files {
                logs.take_old(i, &file);
            }
        }
        self.logs = logs;
    }

    /// Agents' logs live outside the workspace (or deep in `.git`) and do not count toward
    /// the budget.
    fn add_log_watch(&mut self, logs: &mut Logs, dir: &Path) {
        let first = logs.watched.insert(dir.to_path_buf());
        if let Some(w) = self.watcher.upgrade()
            && let Err(e) = lock(&w).watch(dir, RecursiveMode::NonRecursive)
            && first
        {
            debug!(dir = %dir.display(), "cannot watch an agent's logs ({e})");
        }
    }

    /// Changes in agents' logs: the files they say they wrote.
    pub(super) fn read_logs(&mut self, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return;
        }
        let mut logs = std::mem::replace(&mut self.logs, Logs::new(Vec::new()));
        let mut found: Vec<(usize, Named)> = Vec::new();
        for path in paths {
            let Some(i) = logs.sources.iter().position(|s| s.logs.owns(&path)) else {
                continue;
            };
            if !path.exists() {
                // Gone: a folder that comes back is watched anew.
                logs.watched.remove(&path);
                logs.sources[i].tails.remove(&path);
            } else if path.is_dir() {
                self.follow(&mut logs, i, &path, &mut found);
            } else {
                logs.read(i, &path, &mut found);
            }
        }
        self.logs = logs;
        self.deliver_writes(found);
    }

    /// Asks the databases that changed, and whose time has come, what is new.
    pub(super) fn query_logs(&mut self) {
        let now = Instant::now();
        let mut found: Vec<(usize, Named)> = Vec::new();
        for i in 0..self.logs.sources.len() {
            let s = &self.logs.sources[i];
            if !s.due || s.next_query.is_some_and(|at| at > now) {
                continue;
            }
            let named = self.logs.query(i);
            let seen = &mut self.logs.sources[i].seen;
            found.extend(
                named
                    .into_iter()
                    .filter(|n| n.id.is_none_or(|id| seen.insert(id)))
                    .map(|n| (i, n)),
            );
        }
        self.deliver_writes(found);
    }

    /// The workspace's files among those `found`, told as agents' writes.
    fn deliver_writes(&mut self, found: Vec<(usize, Named)>) {
        let writes: Vec<AgentWrite> = found
            .into_iter()
            .filter_map(|(i, named)| {
                let rel = agents::relative(&self.root, &named.path)
                    .or_else(|| agents::relative(&self.named_root, &named.path))?;
                Some(AgentWrite {
                    agent: self.logs.sources[i].logs.agent(),
                    rel_path: rel,
                })
            })
            .collect();
        if !writes.is_empty() {
            debug!(writes = writes.len(), "agent logs name written files");
            (self.deliver)(News::AgentWrites(writes));
        }
    }

    /// A folder appeared where an agent keeps logs: when the agent says so, it is watched and
    /// the logs in it (and in the folders it holds) read — from their start, but for those last
    /// written before the watcher started, which are old news. A folder watched already (made
    /// again under the same name, say) is watched anew and its logs read on.
    fn follow(&mut self, logs: &mut Logs, i: usize, dir: &Path, found: &mut Vec<(usize, Named)>) {
        let mut queue = vec![dir.to_path_buf()];
        while let Some(dir) = queue.pop() {
            if !logs.sources[i].logs.follows(&dir) {
                continue;
            }
            let again = logs.watched.contains(&dir);
            let source = &mut logs.sources[i];
            if !again && source.followed >= MAX_FOLLOWED {
                if source.followed == MAX_FOLLOWED {
                    debug!(
                        agent = source.logs.agent().as_str(),
                        "no more log folders followed"
                    );
                    source.followed += 1;
                }
                return;
            }
            source.followed += usize::from(!again);
            self.add_log_watch(logs, &dir);
            for file in agents::files_in(&dir) {
                if !again && logs.older_than_start(&file) {
                    logs.take_old(i, &file);
                } else {
                    logs.read(i, &file, found);
                }
            }
            if !again {
                queue.extend(agents::subfolders(&dir));
            }
        }
    }
}

impl Logs {
    /// Whether `file` was last written before watching began.
    fn older_than_start(&self, file: &Path) -> bool {
        std::fs::metadata(file)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < self.started)
    }

    /// A log there at start: read from its end (appended), or its writes known already
    /// (rewritten).
    fn take_old(&mut self, i: usize, file: &Path) {
        let source = &mut self.sources[i];
        match source.logs.reading(file) {
            // The first query finds where the database ends (its -wal is the same database).
            Some(Reading::Database) if source.next_query.is_none() => {
                let named = self.query(i);
                self.sources[i]
                    .seen
                    .extend(named.into_iter().filter_map(|n| n.id));
            }
            Some(Reading::Appended) => {
                if source.logs.needs_head()
                    && let Some(line) = read::head(file)
                {
                    source.logs.head(file, &line);
                }
                source.tails.insert(file.to_path_buf(), Tail::at_end(file));
            }
            Some(Reading::Rewritten) => {
                let mut named = Vec::new();
                if let Ok(text) = read::whole(file) {
                    source.logs.parse(file, &text, &mut named);
                }
                source.seen.extend(named.into_iter().filter_map(|n| n.id));
            }
            Some(Reading::Database) | None => {}
        }
    }

    /// What changed in `file`: the writes it names that are news.
    fn read(&mut self, i: usize, file: &Path, found: &mut Vec<(usize, Named)>) {
        let source = &mut self.sources[i];
        let Some(reading) = source.logs.reading(file) else {
            return;
        };
        if reading == Reading::Database {
            source.due = true; // asked by `query_logs`, at most every QUERY_EVERY
            return;
        }
        let mut named = Vec::new();
        let result = match reading {
            Reading::Appended => {
                let tail = source.tails.entry(file.to_path_buf()).or_default();
                read::new_lines(file, tail).map(|lines| {
                    for line in &lines {
                        source.logs.parse(file, line, &mut named);
                    }
                })
            }
            Reading::Rewritten => {
                read::whole(file).map(|text| source.logs.parse(file, &text, &mut named))
            }
            Reading::Database => Ok(()),
        };
        if let Err(why) = result
            && self.told.insert(file.to_path_buf())
        {
            debug!(file = %file.display(), "an agent's log: {why}");
        }
        let seen = &mut self.sources[i].seen;
        found.extend(
            named
                .into_iter()
                .filter(|n| n.id.is_none_or(|id| seen.insert(id)))
                .map(|n| (i, n)),
        );
    }
}

impl Logs {
    /// Asks source `i`'s database what is new; a failure is told once per cause.
    fn query(&mut self, i: usize) -> Vec<Named> {
        let source = &mut self.sources[i];
        let mut named = Vec::new();
        let result = source.logs.query(&mut named);
        let now = Instant::now();
        match result {
            Ok(more) => {
                source.due = more;
                source.next_query = Some(now + QUERY_EVERY);
            }
            Err(why) => {
                source.due = false;
                source.next_query = Some(now + QUERY_RETRY);
                if self.told_query.insert(why.clone()) {
                    warn!(agent = source.logs.agent().as_str(), "{why}");
                }
            }
        }
        named
    }
}
