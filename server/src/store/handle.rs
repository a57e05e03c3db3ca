//! The store as the live server and replay use it: a handle whose writer thread (`writer.rs`)
//! takes sessions, events and saved provenance off a queue, in order. The edit path only pushes
//! onto the queue — an uncontended lock, no system call — and wakes the writer once per batch.
//! Jobs that need an answer (task commands, the stash) run on the writer's connection after
//! what is queued, and wait a bounded time for it.

use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tracing::{info, warn};

use super::queue::{Control, Msg, Queue};
use super::{DB_FILE, migrations, open_file, query_provenance, tasks};
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
        if let Some(reader) = &self.reader {
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
