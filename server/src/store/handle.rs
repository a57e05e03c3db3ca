//! The store as the live server and replay use it: a handle whose writer thread (`writer.rs`)
//! takes sessions, events and saved provenance off a queue, in order. The edit path only pushes
//! onto the queue — an uncontended lock, no system call — and wakes the writer once per batch.
//! Jobs that need an answer (task commands, the stash) run on the writer's connection after
//! what is queued, and wait a bounded time for it.
//!
//! The writer opens and checks the file itself (`open.rs`), so opening returns at once: what is
//! recorded meanwhile waits in the queue, and [`Store::warning`] and [`Store::location`] wait
//! for the outcome.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tracing::{info, warn};

use super::health::Health;
use super::queue::{Control, Msg, Queue};
use super::{CHECK_WITHIN, DB_FILE, Db, open, query_provenance, tasks};
use super::{ImpliedTask, Location, SessionInfo, writer};
use crate::classify::Class;
use crate::events::Emitted;

/// How long a job on the writer's connection may take before its caller gives up.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// What a caller is told when the writer does not answer in time.
pub(super) fn no_answer() -> String {
    format!(
        "the store did not answer within {} seconds: its writer is busy or stuck, most likely because another mindgap (an editor or the command line) holds the database locked; try again in a moment, and restart the editor if it keeps happening",
        ANSWER_WITHIN.as_secs()
    )
}

/// A block the person stashed to rewrite by hand: its text and the class it had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stashed {
    pub text: String,
    pub class: Class,
}

pub struct Store {
    tx: Option<mpsc::Sender<Control>>,
    queue: Arc<Queue>,
    health: Arc<Health>,
    /// Where the store's file is (none for a store that is memory from the start).
    home: Option<PathBuf>,
    thread: Option<JoinHandle<()>>,
}

/// The one warning a store that cannot be used gives: which file, what is wrong, what to do.
pub(super) fn refused(path: &Path, refusal: &open::Refusal) -> String {
    format!(
        "mindgap cannot use its store at {}: {}. This session is recorded in memory only and is lost when the editor closes; the file is left as it is. {}",
        path.display(),
        refusal.what,
        refusal.advice
    )
}

impl Store {
    /// Opens (creating if needed) the store in `home`, on the writer's thread: returns at once.
    /// A store that is not ours to write (see `open.rs`) is left as it is: the session is kept
    /// in memory, with one warning that says what happened and what to do.
    pub fn open(home: &Path) -> Store {
        let path = home.join(DB_FILE);
        let dir = home.to_path_buf();
        Store::start(
            Some(home.to_path_buf()),
            move |health| match open::open_file(&dir, &path, CHECK_WITHIN) {
                Ok(conn) => {
                    info!(path = %path.display(), "store opened");
                    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    match Connection::open_with_flags(&path, flags) {
                        Ok(reader) => drop(health.reader.set(std::sync::Mutex::new(reader))),
                        Err(e) => warn!(
                            "store: no reader connection ({e}); look-ups go through the writer"
                        ),
                    }
                    health.settle(Location::File(path));
                    conn
                }
                Err(refusal) => {
                    health.warn(refused(&path, &refusal));
                    health.settle(Location::Memory);
                    open::memory_connection()
                }
            },
        )
    }

    /// An in-memory store.
    pub fn memory() -> Store {
        Store::start(None, |health| {
            health.settle(Location::Memory);
            open::memory_connection()
        })
    }

    fn start(
        home: Option<PathBuf>,
        open: impl FnOnce(&Health) -> Connection + Send + 'static,
    ) -> Store {
        let (tx, rx) = mpsc::channel();
        let queue = Arc::new(Queue::default());
        let health = Arc::new(Health::default());
        let thread = std::thread::Builder::new()
            .name("mindgap-store".into())
            .spawn({
                let (queue, health) = (queue.clone(), health.clone());
                move || {
                    let conn = open(&health);
                    writer::run(conn, rx, &queue, &health)
                }
            })
            .expect("spawn the store thread");
        Store {
            tx: Some(tx),
            queue,
            health,
            home,
            thread: Some(thread),
        }
    }

    /// Where the data goes (waits until the writer has opened the store).
    pub fn location(&self) -> Location {
        self.health.location()
    }

    /// The warning given when the store was opened, if it had to degrade (waits until the
    /// writer has opened it).
    pub fn warning(&self) -> Option<String> {
        self.health.first_warning()
    }

    /// The warnings given since the last call (when the store was opened, or when it failed
    /// later and the session went on in memory), each to be shown once. Does not wait.
    pub fn take_warnings(&self) -> Vec<String> {
        self.health.take_new()
    }

    /// Runs `f` on the store as it is now, read-only: the file through a connection of its own,
    /// or the memory database on the writer's connection. `None` when the writer did not answer.
    pub fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(Option<&Db>) -> T + Send + 'static,
    ) -> Option<T> {
        if !self.health.in_memory()
            && let Some(home) = &self.home
            && self.location() != Location::Memory
        {
            return Some(f(Db::open_read_only(home).as_ref()));
        }
        self.run(move |conn| {
            let placeholder = Connection::open_in_memory().expect("SQLite opens a memory database");
            let db = Db {
                conn: std::mem::replace(conn, placeholder),
            };
            let t = f(Some(&db));
            *conn = db.conn;
            t
        })
    }

    /// Begins a session: the events recorded from now on are its own. With a workspace root and
    /// `implied` (which task the workspace implies at a time), each batch of edits is filed
    /// under the workspace's current task; without either, under none.
    pub fn begin_session(&self, info: SessionInfo, implied: Option<ImpliedTask>) {
        self.send(Msg::Session(info, implied));
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
        if let Some(reader) = self.health.reader.get()
            && !self.health.in_memory()
        {
            let conn = reader.lock().unwrap_or_else(|p| p.into_inner());
            return query_provenance(&conn, subject);
        }
        let (tx, rx) = mpsc::channel();
        self.control(Control::LoadProvenance(subject.to_string(), tx));
        rx.recv_timeout(Duration::from_secs(2)).ok().flatten()
    }

    /// Runs `job` on the writer's connection and waits for its answer.
    pub(super) fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = mpsc::channel();
        self.control(Control::Run(Box::new(move |conn| {
            let _ = tx.send(job(conn));
        })));
        rx.recv_timeout(ANSWER_WITHIN).ok()
    }

    /// Starts (or resumes) the explicit task `name` in `root` (the LSP command).
    pub fn start_task(
        &self,
        root: &str,
        name: &str,
        manual: bool,
        estimate: Option<u64>,
    ) -> Result<crate::tasks::Task, String> {
        let (root, name) = (root.to_string(), name.to_string());
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            tasks::start(c, &root, &name, manual, estimate, now)
                .map_err(|e| format!("cannot start the task ({e})"))
        })
        .unwrap_or_else(|| Err(no_answer()))
    }

    /// Finishes the active task of `root` (the LSP command).
    pub fn finish_task(&self, root: &str) -> Result<Option<crate::tasks::Task>, String> {
        let root = root.to_string();
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            tasks::finish(c, &root, now).map_err(|e| format!("cannot finish the task ({e})"))
        })
        .unwrap_or_else(|| Err(no_answer()))
    }

    /// Starts a struggle window of `minutes` in `root`.
    pub fn start_struggle(&self, root: &str, minutes: u32) -> Result<tasks::Struggle, String> {
        let root = root.to_string();
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            tasks::start_struggle(c, &root, minutes, now)
                .map_err(|e| format!("cannot start the struggle window ({e})"))
        })
        .unwrap_or_else(|| Err(no_answer()))
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
        .unwrap_or_else(|| Err(no_answer()))
    }

    /// A stashed block: its text and class.
    pub fn stashed(&self, id: i64) -> Option<Stashed> {
        self.run(move |c| {
            c.query_row("SELECT text, class FROM stash WHERE id = ?1", [id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .ok()
        })
        .flatten()
        .map(|(text, c)| Stashed {
            text,
            class: Class::parse(&c).unwrap_or(Class::Paste),
        })
    }

    /// Writes everything queued so far and waits until it is written (or failed).
    pub fn flush(&self) {
        let (ack_tx, ack_rx) = mpsc::channel();
        self.control(Control::Flush(ack_tx));
        let _ = ack_rx.recv();
    }

    /// Writes everything queued, then checkpoints: the database file alone holds everything,
    /// with nothing left in `-wal` (at shutdown). Waits a bounded time.
    pub fn checkpoint(&self) {
        if self.run(|c| writer::checkpoint(c)).is_none() {
            warn!("store: {}", no_answer());
        }
    }

    /// Writes everything queued, checkpoints (as [`Store::checkpoint`]) and stops the writer
    /// thread.
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
