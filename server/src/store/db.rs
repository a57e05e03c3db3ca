//! A direct connection to the store for the command line and the readouts: one process, one
//! short job, no writer thread. Reads tasks with their work split as SPEC section 5 says.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::{CHECK_WITHIN_CLI, DB_FILE, open, query_provenance, tasks};
use crate::tasks::{Implied, Task};

/// A direct connection for the command line: one process, one short job, no writer thread.
pub struct Db {
    pub(super) conn: Connection,
}

/// A task with its work split into early and late parts.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskReport {
    pub task: Task,
    pub split: crate::tasks::ratio::Split,
}

/// Which task a report is about.
pub enum Which<'a> {
    /// The named one.
    Named(&'a str),
    /// The one a readout describes ([`crate::tasks::shown`]), given the task the workspace
    /// implies now.
    Current(&'a Implied),
}

impl Db {
    /// Opens (creating if needed) the store in `home`.
    pub fn open(home: &Path) -> Result<Db, String> {
        let path = home.join(DB_FILE);
        open::open_file(home, &path, CHECK_WITHIN_CLI)
            .map(|conn| Db { conn })
            .map_err(|r| {
                format!(
                    "cannot use the store at {}: {}. It is left as it is. {}",
                    path.display(),
                    r.what,
                    r.advice
                )
            })
    }

    /// Opens an existing store read-only, creating nothing and changing no byte of it (for status
    /// lines); `None` when there is none or it cannot be read.
    ///
    /// A server checkpointing or closing its store as this opens it can hold the file for a
    /// moment: the open is tried again, a few times, before giving up.
    pub fn open_read_only(home: &Path) -> Option<Db> {
        let path = home.join(DB_FILE);
        for attempt in 0..4 {
            if !path.is_file() {
                return None;
            }
            if let Some(db) = Db::read_only_once(&path) {
                return Some(db);
            }
            if attempt < 3 {
                std::thread::sleep(Duration::from_millis(25));
            }
        }
        None
    }

    fn read_only_once(path: &Path) -> Option<Db> {
        let conn = open::untouched(path).ok()?;
        conn.busy_timeout(Duration::from_millis(200)).ok()?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ok()?;
        (version >= 3).then_some(Db { conn })
    }

    pub fn start_task(
        &mut self,
        root: &str,
        name: &str,
        manual: bool,
        estimate: Option<u64>,
    ) -> Result<Task, String> {
        let now = chrono::Utc::now().timestamp_millis();
        tasks::start(&mut self.conn, root, name, manual, estimate, now)
            .map_err(|e| format!("cannot start the task ({e})"))
    }

    pub fn finish_task(&mut self, root: &str) -> Result<Option<Task>, String> {
        let now = chrono::Utc::now().timestamp_millis();
        tasks::finish(&mut self.conn, root, now)
            .map_err(|e| format!("cannot finish the task ({e})"))
    }

    pub fn tasks(&self, root: &str) -> Result<Vec<Task>, String> {
        tasks::list(&self.conn, root).map_err(|e| format!("cannot read the tasks ({e})"))
    }

    /// A task of `root` with its split: exact when finished, against its expected size otherwise.
    pub fn report(
        &self,
        root: &str,
        which: Which<'_>,
        config: &crate::config::Config,
    ) -> Result<Option<TaskReport>, String> {
        let err = |e: rusqlite::Error| format!("cannot read the store ({e})");
        let task = match which {
            Which::Named(name) => tasks::by_name(&self.conn, root, name).map_err(err)?,
            Which::Current(implied) => tasks::shown(&self.conn, root, implied).map_err(err)?,
        };
        let Some(task) = task else { return Ok(None) };
        let expected = if task.is_finished() {
            None
        } else {
            let recent =
                tasks::recent_finished_work(&self.conn, root, &config.outside_help).map_err(err)?;
            Some(crate::tasks::ratio::expected_size(
                task.estimate_lines,
                config.chars_per_line,
                &recent,
            ))
        };
        let split = super::split::split(&self.conn, task.id, &config.outside_help, expected)
            .map_err(err)?;
        Ok(Some(TaskReport { task, split }))
    }

    /// Every event the store holds, in session and sequence order, from `edits` rows and typed
    /// runs alike (for checks and tests).
    pub fn events(&self) -> Result<Vec<super::EventRow>, String> {
        super::events::all(&self.conn).map_err(|e| format!("cannot read the store ({e})"))
    }

    /// Rebuilds every task's segments from its events: for a store whose rows were written by
    /// hand (tests seed stores so), never needed after the writer.
    pub fn rebuild_work(&self) -> Result<(), String> {
        super::segments::rebuild(&self.conn).map_err(|e| format!("cannot write the store ({e})"))
    }

    /// A file's saved provenance, if any.
    pub fn load_provenance(&self, subject: &str) -> Option<Vec<u8>> {
        query_provenance(&self.conn, subject)
    }

    /// The documents under `prefix` (a `file://` URI of a folder) that have saved provenance.
    pub fn provenance_subjects(&self, prefix: &str) -> Vec<String> {
        let like = format!(
            "{}/%",
            prefix
                .trim_end_matches('/')
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let Ok(mut stmt) = self.conn.prepare(
            "SELECT subject FROM provenance WHERE subject LIKE ?1 ESCAPE '\\' ORDER BY subject",
        ) else {
            return Vec::new();
        };
        stmt.query_map([like], |r| r.get(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }

    /// The struggle window running in `root` now, if any.
    pub fn struggle(&self, root: &str, now_ms: i64) -> Option<tasks::Struggle> {
        tasks::struggle(&self.conn, root, now_ms).ok().flatten()
    }
}
