//! The store: one SQLite file at `<home>/mindgap.db`, written by a dedicated thread.
//!
//! The only module that speaks SQL. The edit path hands events over a channel and never waits;
//! the writer thread batches them into one transaction at most every [`FLUSH_EVERY`], so a crash
//! loses less than a second of events and a clean shutdown none. A store that cannot be opened
//! (read-only home, corrupt or locked file, schema from a newer mindgap) degrades to an in-memory
//! database with one warning; editing never breaks.

pub mod history;
mod migrations;
pub mod practices;
pub mod tasks;
mod writer;

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tracing::{info, warn};

use crate::events::{Class, Emitted};

pub use migrations::MIGRATIONS;

/// The longest an event waits in memory before it is written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(500);
/// How long opening waits for another process's lock before giving up on the file.
const OPEN_BUSY_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a batch write waits for another writer (a second editor) before retrying later.
const WRITE_BUSY_TIMEOUT: Duration = Duration::from_secs(2);

pub const DB_FILE: &str = "mindgap.db";

/// What one session of the server or of a replay is.
#[derive(Clone, Debug, Default)]
pub struct SessionInfo {
    /// Unix ms when the session began; event times are offsets from it.
    pub started_ms: i64,
    pub kind: &'static str,
    pub client_name: Option<String>,
    pub client_version: Option<String>,
    pub root: Option<String>,
    pub encoding: &'static str,
}

/// What the writer is asked to do, in order, through the [`Queue`].
enum Msg {
    Session(SessionInfo),
    Emitted(Emitted),
    SaveProvenance(String, Vec<u8>),
}

/// What needs the writer now, through the channel.
enum Control {
    /// The queue has work: write it within [`FLUSH_EVERY`].
    Wake,
    /// Write everything queued, then acknowledge.
    Flush(mpsc::Sender<()>),
    LoadProvenance(String, mpsc::Sender<Option<Vec<u8>>>),
    /// Run a job on the writer's connection (task commands), after writing what is queued.
    Run(Box<dyn FnOnce(&mut Connection) + Send>),
}

/// Messages for the writer, in order. The edit path only pushes here — an uncontended lock, no
/// system call — and wakes the writer once per batch, not once per event.
#[derive(Default)]
struct Queue {
    items: std::sync::Mutex<Vec<Msg>>,
    /// Set while the writer has been woken for what is queued.
    armed: std::sync::atomic::AtomicBool,
}

impl Queue {
    fn take(&self) -> Vec<Msg> {
        std::mem::take(&mut *self.items.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Where the store's data goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// Degraded: kept in memory for this process only.
    Memory,
}

pub struct Store {
    tx: Option<mpsc::Sender<Control>>,
    queue: std::sync::Arc<Queue>,
    /// A read-only connection for look-ups that must not wait behind the writer (file stores).
    reader: Option<std::sync::Mutex<Connection>>,
    thread: Option<JoinHandle<()>>,
    location: Location,
    warning: Option<String>,
}

impl Store {
    /// Opens (creating if needed) the store in `home`; on failure, an in-memory store and a
    /// warning that says what happened and what to do.
    pub fn open(home: &Path) -> Store {
        let path = home.join(DB_FILE);
        match open_file(home, &path) {
            Ok(conn) => {
                info!(path = %path.display(), "store opened");
                let reader = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| {
                    warn!("store: no reader connection ({e}); look-ups go through the writer")
                })
                .ok();
                let mut store = Store::start(conn, Location::File(path), None);
                store.reader = reader.map(std::sync::Mutex::new);
                store
            }
            Err(err) => {
                let warning = format!(
                    "mindgap could not open its store at {} ({err}); this session's record is kept in memory and will be lost when the editor closes. Check that the folder is writable and not in use, or move the file aside.",
                    path.display()
                );
                warn!("{warning}");
                Store::memory(Some(warning))
            }
        }
    }

    /// An in-memory store (a degraded one carries the warning that explains why).
    pub fn memory(warning: Option<String>) -> Store {
        let mut conn =
            Connection::open_in_memory().expect("SQLite can always open a memory database");
        migrations::migrate(&mut conn).expect("an empty memory database migrates");
        Store::start(conn, Location::Memory, warning)
    }

    fn start(conn: Connection, location: Location, warning: Option<String>) -> Store {
        let (tx, rx) = mpsc::channel();
        let queue = std::sync::Arc::new(Queue::default());
        let thread = std::thread::Builder::new()
            .name("mindgap-store".into())
            .spawn({
                let queue = queue.clone();
                move || writer::run(conn, rx, &queue)
            })
            .expect("spawn the store thread");
        Store {
            tx: Some(tx),
            queue,
            reader: None,
            thread: Some(thread),
            location,
            warning,
        }
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The warning to show the person once, when the store had to degrade.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    pub fn begin_session(&self, info: SessionInfo) {
        self.send(Msg::Session(info));
    }

    /// Queues an event (or an amendment of one) for the next batch. Never blocks.
    pub fn record(&self, emitted: impl Into<Emitted>) {
        self.send(Msg::Emitted(emitted.into()));
    }

    /// Queues a file's provenance (see `provenance::Saved::encode`) to be saved.
    pub fn save_provenance(&self, subject: &str, data: Vec<u8>) {
        self.send(Msg::SaveProvenance(subject.to_string(), data));
    }

    /// A file's saved provenance, if any. Reads through its own connection when it can, so it
    /// never waits behind a batch being written.
    pub fn load_provenance(&self, subject: &str) -> Option<Vec<u8>> {
        if let Some(reader) = &self.reader {
            let conn = reader.lock().unwrap_or_else(|p| p.into_inner());
            return query_provenance(&conn, subject);
        }
        let (tx, rx) = mpsc::channel();
        self.control(Control::LoadProvenance(subject.to_string(), tx));
        rx.recv_timeout(Duration::from_secs(2)).ok().flatten()
    }

    /// Runs `job` on the writer's connection and waits for its answer.
    fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = mpsc::channel();
        self.control(Control::Run(Box::new(move |conn| {
            let _ = tx.send(job(conn));
        })));
        rx.recv_timeout(Duration::from_secs(10)).ok()
    }

    /// Starts (or resumes) the explicit task `name` in `root` (the LSP command).
    pub fn start_task(
        &self,
        root: &str,
        name: &str,
        manual: bool,
        estimate: Option<u64>,
    ) -> Result<tasks::Task, String> {
        let (root, name) = (root.to_string(), name.to_string());
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            tasks::start(c, &root, &name, manual, estimate, now)
                .map_err(|e| format!("cannot start the task ({e})"))
        })
        .unwrap_or_else(|| Err("the store did not answer".into()))
    }

    /// Finishes the active task of `root` (the LSP command).
    pub fn finish_task(&self, root: &str) -> Result<Option<tasks::Task>, String> {
        let root = root.to_string();
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            tasks::finish(c, &root, now).map_err(|e| format!("cannot finish the task ({e})"))
        })
        .unwrap_or_else(|| Err("the store did not answer".into()))
    }

    /// Starts a struggle window of `minutes` in `root`.
    pub fn start_struggle(&self, root: &str, minutes: u32) -> Result<tasks::Struggle, String> {
        let root = root.to_string();
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            tasks::start_struggle(c, &root, minutes, now)
                .map_err(|e| format!("cannot start the struggle window ({e})"))
        })
        .unwrap_or_else(|| Err("the store did not answer".into()))
    }

    /// Counts an attempt in `root`'s struggle window, if one is running. Does not wait.
    pub fn struggle_attempt(&self, root: &str) {
        let root = root.to_string();
        let now = chrono::Utc::now().timestamp_millis();
        self.control(Control::Run(Box::new(move |c| {
            if let Err(e) = tasks::struggle_attempt(c, &root, now) {
                warn!("store: cannot count the attempt ({e})");
            }
        })));
    }

    /// Keeps `text` (a block the person will rewrite by hand) and returns its stash id.
    pub fn stash(&self, subject: &str, class: Class, text: &str) -> Result<i64, String> {
        let (subject, text) = (subject.to_string(), text.to_string());
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            c.execute(
                "INSERT INTO stash (subject, created_ms, class, text) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![subject, now, class.as_str(), text],
            )
            .map(|_| c.last_insert_rowid())
            .map_err(|e| format!("cannot stash the block ({e})"))
        })
        .unwrap_or_else(|| Err("the store did not answer".into()))
    }

    /// A stashed block: its text and class.
    pub fn stashed(&self, id: i64) -> Option<(String, Class)> {
        self.run(move |c| {
            c.query_row("SELECT text, class FROM stash WHERE id = ?1", [id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .ok()
        })
        .flatten()
        .map(|(t, c)| (t, Class::parse(&c).unwrap_or(Class::Paste)))
    }

    /// Writes everything queued so far and waits until it is written (or failed).
    pub fn flush(&self) {
        let (ack_tx, ack_rx) = mpsc::channel();
        self.control(Control::Flush(ack_tx));
        let _ = ack_rx.recv();
    }

    /// Writes everything queued and stops the writer thread.
    pub fn close(&mut self) {
        drop(self.tx.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            warn!("the store thread panicked while closing");
        }
    }

    fn send(&self, msg: Msg) {
        self.queue
            .items
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(msg);
        if !self
            .queue
            .armed
            .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            self.control(Control::Wake);
        }
    }

    fn control(&self, c: Control) {
        if let Some(tx) = &self.tx
            && tx.send(c).is_err()
        {
            warn!("the store thread has stopped: nothing more is recorded");
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.close();
    }
}

/// A direct connection for the command line: one process, one short job, no writer thread.
pub struct Db {
    conn: Connection,
}

/// A task with its work split into early and late parts.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskReport {
    pub task: tasks::Task,
    pub split: crate::ratio::Split,
}

/// Which task a report is about.
pub enum Which<'a> {
    /// The named one.
    Named(&'a str),
    /// The active one; else the workspace's implied task (`name`); else the one finished last.
    Current { implied: &'a str },
}

impl Db {
    /// Opens (creating if needed) the store in `home`.
    pub fn open(home: &Path) -> Result<Db, String> {
        let path = home.join(DB_FILE);
        open_file(home, &path).map(|conn| Db { conn }).map_err(|e| {
            format!(
                "cannot open the store at {} ({e}); check that the folder is writable",
                path.display()
            )
        })
    }

    /// Opens an existing store read-only, creating nothing (for status lines); `None` when there
    /// is none or it cannot be read.
    pub fn open_read_only(home: &Path) -> Option<Db> {
        let path = home.join(DB_FILE);
        if !path.is_file() {
            return None;
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
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
    ) -> Result<tasks::Task, String> {
        let now = chrono::Utc::now().timestamp_millis();
        tasks::start(&mut self.conn, root, name, manual, estimate, now)
            .map_err(|e| format!("cannot start the task ({e})"))
    }

    pub fn finish_task(&mut self, root: &str) -> Result<Option<tasks::Task>, String> {
        let now = chrono::Utc::now().timestamp_millis();
        tasks::finish(&mut self.conn, root, now)
            .map_err(|e| format!("cannot finish the task ({e})"))
    }

    pub fn tasks(&self, root: &str) -> Result<Vec<tasks::Task>, String> {
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
            Which::Current { implied } => match tasks::active(&self.conn, root).map_err(err)? {
                Some(t) => Some(t),
                None => match tasks::by_name(&self.conn, root, implied)
                    .map_err(err)?
                    .filter(|t| t.state != "finished")
                {
                    Some(t) => Some(t),
                    None => tasks::last_finished(&self.conn, root).map_err(err)?,
                },
            },
        };
        let Some(task) = task else { return Ok(None) };
        let work = tasks::work(&self.conn, task.id, &config.outside_help).map_err(err)?;
        let expected = if task.state == "finished" {
            None
        } else {
            let recent =
                tasks::recent_finished_work(&self.conn, root, &config.outside_help).map_err(err)?;
            Some(crate::ratio::expected_size(
                task.estimate_lines,
                config.chars_per_line,
                &recent,
            ))
        };
        let split = crate::ratio::Split::of(work, expected);
        Ok(Some(TaskReport { task, split }))
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

/// A file's saved provenance, read through `conn`.
fn query_provenance(conn: &Connection, subject: &str) -> Option<Vec<u8>> {
    match conn.query_row(
        "SELECT data FROM provenance WHERE subject = ?1",
        [subject],
        |r| r.get(0),
    ) {
        Ok(data) => Some(data),
        Err(rusqlite::Error::QueryReturnedNoRows) => None,
        Err(e) => {
            warn!("store: cannot read provenance for {subject}: {e}");
            None
        }
    }
}

/// Creates `home` (0700) and the database file (0600) as needed, and opens it in WAL mode with
/// the schema up to date.
fn open_file(home: &Path, path: &Path) -> Result<Connection, String> {
    if !home.is_dir() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(home)
            .map_err(|e| format!("cannot create the folder: {e}"))?;
        // `mode` is filtered by the umask; make sure of 0700 for the folder we created.
        let _ = fs::set_permissions(home, fs::Permissions::from_mode(0o700));
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("cannot create the file: {e}")),
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| e.to_string())?;
    conn.busy_timeout(OPEN_BUSY_TIMEOUT)
        .map_err(|e| e.to_string())?;
    // Migrate first: a file that is not a store, or is one from a newer mindgap, must be left
    // exactly as it is (switching it to WAL would already rewrite its header).
    migrations::migrate(&mut conn).map_err(|e| e.to_string())?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if mode != "wal" {
        warn!(mode, "the store could not switch to WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| e.to_string())?;
    conn.busy_timeout(WRITE_BUSY_TIMEOUT)
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Evidence;
    use crate::events::{Class, EditEvent, Source};
    use std::sync::Arc;

    fn event(i: u32) -> EditEvent {
        EditEvent {
            id: u64::from(i) + 1,
            t: i as f64,
            source: Source::Change,
            subject: Arc::from("file:///ws/a.py"),
            version: i as i32,
            change: 0,
            span: Default::default(),
            inserted: 1,
            deleted: 0,
            hash: u64::MAX - i as u64,
            class: Class::Typed,
            confidence: 0.95,
            evidence: Evidence::OneChar,
            counted: true,
        }
    }

    fn count(path: &Path) -> i64 {
        let conn = Connection::open(path).unwrap();
        conn.query_row("SELECT count(*) FROM edits", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn creates_private_files_and_keeps_every_event_on_close() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let mut store = Store::open(&home);
        assert_eq!(store.location(), &Location::File(home.join(DB_FILE)));
        assert!(store.warning().is_none());
        store.begin_session(SessionInfo {
            kind: "lsp",
            encoding: "utf-8",
            ..Default::default()
        });
        for i in 0..2500 {
            store.record(event(i));
        }
        store.close();
        assert_eq!(count(&home.join(DB_FILE)), 2500);
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&home), 0o700);
        assert_eq!(mode(&home.join(DB_FILE)), 0o600);
    }

    #[test]
    fn writes_within_the_flush_interval_without_being_asked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path());
        store.begin_session(SessionInfo {
            kind: "lsp",
            encoding: "utf-8",
            ..Default::default()
        });
        store.record(event(1));
        std::thread::sleep(FLUSH_EVERY * 3);
        assert_eq!(count(&dir.path().join(DB_FILE)), 1);
    }

    #[test]
    fn two_stores_on_one_file_both_write() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(dir.path());
        let b = Store::open(dir.path());
        for s in [&a, &b] {
            s.begin_session(SessionInfo {
                kind: "lsp",
                encoding: "utf-16",
                ..Default::default()
            });
        }
        for i in 0..300 {
            a.record(event(i));
            b.record(event(i));
        }
        drop(a);
        drop(b);
        assert_eq!(count(&dir.path().join(DB_FILE)), 600);
    }

    #[test]
    fn a_corrupt_file_degrades_to_memory_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let junk = b"this is not a database, but someone's data all the same".repeat(100);
        fs::write(&path, &junk).unwrap();
        let store = Store::open(dir.path());
        assert_eq!(store.location(), &Location::Memory);
        assert!(
            store
                .warning()
                .unwrap()
                .contains("could not open its store")
        );
        store.record(event(1));
        store.flush();
        drop(store);
        assert_eq!(fs::read(&path).unwrap(), junk);
    }

    #[test]
    fn a_home_that_cannot_be_created_degrades_to_memory() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        fs::write(&file, "x").unwrap();
        let store = Store::open(&file.join("home"));
        assert_eq!(store.location(), &Location::Memory);
        assert!(
            store
                .warning()
                .unwrap()
                .contains("cannot create the folder")
        );
    }

    #[test]
    fn a_locked_file_degrades_to_memory() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()));
        let holder = Connection::open(dir.path().join(DB_FILE)).unwrap();
        holder
            .execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;")
            .unwrap();
        let store = Store::open(dir.path());
        assert_eq!(store.location(), &Location::Memory);
        assert!(
            store.warning().unwrap().contains("locked"),
            "{:?}",
            store.warning()
        );
    }

    #[test]
    fn a_store_from_a_newer_mindgap_degrades_to_memory() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()));
        Connection::open(dir.path().join(DB_FILE))
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let store = Store::open(dir.path());
        assert_eq!(store.location(), &Location::Memory);
        assert!(store.warning().unwrap().contains("upgrade mindgap"));
    }
}
