//! The writer thread: takes sessions, events and saved provenance off the queue and writes them
//! in batches, each batch filed under the workspace's current task as of its first event.
//!
//! A write that fails because another program holds the lock is retried (quietly: one log line
//! when it starts, one when it ends) for up to [`GIVE_UP_LOCKED_AFTER`]; any other failure (the
//! disk is full, the file was made read-only, a write found it damaged), or a lock held longer,
//! switches the session to memory with one warning, keeping what was waiting to be written.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, params};
use tracing::{debug, error, info, warn};

use super::health::Health;
use super::queue::{Control, Msg, Queue};
use super::runs::{Run, RunEvent};
use super::segments::Segments;
use super::{FLUSH_EVERY, ImpliedTask, Location, SessionInfo, open};
use crate::events::Emitted;

/// How long writes may keep failing on another program's lock before the session goes on in
/// memory.
const GIVE_UP_LOCKED_AFTER: Duration = Duration::from_secs(60);

/// Events kept in memory while the file cannot be written; past this the oldest are dropped.
const MAX_PENDING: usize = 200_000;
/// A batch this large is written at once, without waiting for the interval.
const BATCH: usize = 4096;

/// The session whose events are being written.
#[derive(Clone, Copy)]
struct Recording {
    /// Its row in `sessions`.
    id: i64,
    /// When it began (Unix ms); event times are offsets from it.
    started_ms: i64,
}

/// The session's workspace: each batch is filed under its current task.
struct Workspace {
    root: String,
    /// Which task it implies at a time.
    implied: ImpliedTask,
}

/// A document's provenance waiting to be saved.
struct SavedProvenance {
    subject: String,
    data: Vec<u8>,
}

struct Writer<'h> {
    conn: Connection,
    health: &'h Health,
    /// The session being recorded, to record again in memory if the file fails.
    info: Option<SessionInfo>,
    /// Since when writes have failed on another program's lock.
    locked_since: Option<Instant>,
    session: Option<Recording>,
    workspace: Option<Workspace>,
    documents: HashMap<std::sync::Arc<str>, i64>,
    pending: VecDeque<Emitted>,
    pending_provenance: Vec<SavedProvenance>,
    dropped: u64,
    /// The typed run still growing; written at every flush.
    run: Option<Run>,
    /// What the batch being written changes in the tasks' segments.
    segs: Segments,
}

pub(super) fn run(conn: Connection, rx: Receiver<Control>, queue: &Queue, health: &Health) {
    let mut w = Writer {
        conn,
        health,
        info: None,
        locked_since: None,
        session: None,
        workspace: None,
        documents: HashMap::new(),
        pending: VecDeque::new(),
        pending_provenance: Vec::new(),
        dropped: 0,
        run: None,
        segs: Segments::default(),
    };
    let mut deadline: Option<Instant> = None;
    loop {
        let msg = match deadline {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
        };
        match msg {
            Ok(Control::Wake) => {
                deadline.get_or_insert_with(|| Instant::now() + FLUSH_EVERY);
            }
            Ok(Control::Flush(ack)) => {
                w.take(queue);
                w.flush();
                let _ = ack.send(());
            }
            Ok(Control::Run(job)) => {
                w.take(queue);
                w.flush();
                job(&mut w.conn);
            }
            Ok(Control::LoadProvenance(subject, reply)) => {
                w.take(queue);
                let pending = w
                    .pending_provenance
                    .iter()
                    .find(|p| p.subject == subject)
                    .map(|p| p.data.clone());
                let _ = reply.send(pending.or_else(|| w.load_provenance(&subject)));
            }
            Err(RecvTimeoutError::Timeout) => {
                // Disarm first: whatever is queued after this point wakes the writer again.
                queue.armed.store(false, Ordering::Release);
                w.take(queue);
                w.flush();
                deadline = None;
            }
            Err(RecvTimeoutError::Disconnected) => {
                w.take(queue);
                w.flush();
                checkpoint(&w.conn);
                if !w.pending.is_empty() {
                    error!(
                        events = w.pending.len(),
                        "store closed with events it could not write"
                    );
                }
                return;
            }
        }
        // Events that could not be written yet are retried on the next tick.
        if deadline.is_none() && !(w.pending.is_empty() && w.pending_provenance.is_empty()) {
            deadline = Some(Instant::now() + FLUSH_EVERY);
        }
    }
}

impl Writer<'_> {
    /// Takes everything queued, in order.
    fn take(&mut self, queue: &Queue) {
        for msg in queue.take() {
            match msg {
                Msg::Session(info, implied) => self.begin_session(info, implied),
                Msg::Emitted(e) => {
                    self.push(e);
                    if self.pending.len() >= BATCH {
                        self.flush();
                    }
                }
                Msg::SaveProvenance(subject, data) => {
                    self.pending_provenance.retain(|p| p.subject != subject);
                    self.pending_provenance
                        .push(SavedProvenance { subject, data });
                }
            }
        }
    }

    fn begin_session(&mut self, info: SessionInfo, implied: Option<ImpliedTask>) {
        // Events queued for an earlier session belong to it.
        self.flush();
        self.session = None;
        self.run = None;
        self.workspace =
            (info.root.clone().zip(implied)).map(|(root, implied)| Workspace { root, implied });
        self.info = Some(info);
        self.record_session();
    }

    /// Records the session's row (again, in memory, after the file failed).
    fn record_session(&mut self) {
        let Some(info) = self.info.clone() else {
            return;
        };
        let res = self.conn.execute(
            "INSERT INTO sessions (started_ms, kind, pid, client_name, client_version, root, encoding)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                info.started_ms,
                info.kind,
                std::process::id(),
                info.client_name,
                info.client_version,
                info.root,
                info.encoding
            ],
        );
        match res {
            Ok(_) => {
                self.wrote();
                self.session = Some(Recording {
                    id: self.conn.last_insert_rowid(),
                    started_ms: info.started_ms,
                });
            }
            Err(e) => {
                if self.failed("the session was not recorded", &e) {
                    self.record_session();
                }
            }
        }
    }

    /// A write succeeded: a lock that held writes back is gone.
    fn wrote(&mut self) {
        if self.locked_since.take().is_some() {
            info!("store: the lock is gone; writing again");
        }
    }

    /// A write failed with `e`; whether the session moved to memory (then the caller writes
    /// again, there). Another program's lock is waited out (it is retried on the next tick) for
    /// up to [`GIVE_UP_LOCKED_AFTER`].
    fn failed(&mut self, what: &str, e: &rusqlite::Error) -> bool {
        let locked = matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        );
        if locked {
            let since = *self.locked_since.get_or_insert_with(|| {
                warn!("store: {what}: the file is locked by another program; retrying");
                Instant::now()
            });
            if since.elapsed() < GIVE_UP_LOCKED_AFTER {
                return false;
            }
        }
        if self.health.in_memory() {
            // Nothing better to go to: drop what cannot be written rather than retry forever.
            error!(
                events = self.pending.len(),
                "store: {what} in memory ({e}); dropped"
            );
            self.pending.clear();
            self.pending_provenance.clear();
            return false;
        }
        let path = match self.health.location() {
            Location::File(path) => path,
            Location::Memory => Default::default(),
        };
        let refusal = open::Refusal::of(e);
        self.health.warn(format!(
            "mindgap stopped writing to its store at {} ({what}: {}). The rest of this session is recorded in memory only and is lost when the editor closes; what is already in the file stays there. {}",
            path.display(),
            refusal.what,
            refusal.advice
        ));
        open::disown(&self.conn);
        self.conn = open::memory_connection();
        self.health.settle(Location::Memory);
        self.documents.clear();
        self.run = None;
        self.locked_since = None;
        self.session = None;
        self.record_session();
        true
    }

    fn push(&mut self, event: Emitted) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
            self.dropped += 1;
            if self.dropped.is_power_of_two() {
                error!(
                    dropped = self.dropped,
                    "store: cannot write, oldest events dropped"
                );
            }
        }
        self.pending.push_back(event);
    }

    fn load_provenance(&self, subject: &str) -> Option<Vec<u8>> {
        super::query_provenance(&self.conn, subject)
    }

    fn flush_provenance(&mut self) {
        if self.pending_provenance.is_empty() {
            return;
        }
        let now = chrono::Utc::now().timestamp_millis();
        let res = (|| -> rusqlite::Result<()> {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT INTO provenance (subject, saved_ms, data) VALUES (?1, ?2, ?3)
                     ON CONFLICT(subject) DO UPDATE SET saved_ms = excluded.saved_ms, data = excluded.data",
                )?;
                for p in &self.pending_provenance {
                    put.execute(params![p.subject, now, p.data])?;
                }
            }
            tx.commit()
        })();
        match res {
            Ok(()) => {
                self.wrote();
                self.pending_provenance.clear();
            }
            Err(e) => {
                if self.failed("provenance was not saved", &e) {
                    self.flush_provenance();
                }
            }
        }
    }

    fn flush(&mut self) {
        self.flush_provenance();
        if self.pending.is_empty() {
            return;
        }
        if self.session.is_none() {
            self.record_session();
        }
        let Some(session) = self.session else {
            if self.info.is_none() {
                warn!(
                    events = self.pending.len(),
                    "store: events before any session; kept until one begins"
                );
            }
            return;
        };
        let run = self.run.clone();
        match self.write_batch(session) {
            Ok(()) => {
                self.wrote();
                debug!(events = self.pending.len(), "store: batch written");
                self.pending.clear();
            }
            Err(e) => {
                self.documents.clear(); // ids from a rolled-back transaction are not real
                self.run = run; // nor what the batch added to the open run
                self.segs.clear();
                if self.failed("a batch of edits was not written", &e) {
                    self.flush();
                }
            }
        }
    }

    fn write_batch(&mut self, session: Recording) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let task_id = match &self.workspace {
            Some(w) => Some(task_for_batch(
                &tx,
                &w.root,
                &w.implied,
                session,
                &self.pending,
            )?),
            None => None,
        };
        {
            let mut find_doc = tx.prepare_cached("SELECT id FROM documents WHERE subject = ?1")?;
            let mut add_doc = tx.prepare_cached("INSERT INTO documents (subject) VALUES (?1)")?;
            let mut add_edit = tx.prepare_cached(
                "INSERT INTO edits (session_id, seq, document_id, t_ms, source, version, change_index,
                                    line, col, end_line, end_col, inserted, deleted, text_hash, class,
                                    confidence, evidence_code, evidence_n, counted, task_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )?;
            for emitted in &self.pending {
                let e = match emitted {
                    Emitted::Event(e) => e,
                    Emitted::Amend(_) | Emitted::Undone(_) => {
                        super::revise::revise(
                            &tx,
                            session.id,
                            emitted,
                            &mut self.run,
                            &mut self.segs,
                        )?;
                        continue;
                    }
                };
                let doc_id = match self.documents.get(&e.subject) {
                    Some(id) => *id,
                    None => {
                        let id = document_id(&tx, &mut find_doc, &mut add_doc, &e.subject)?;
                        self.documents.insert(e.subject.clone(), id);
                        id
                    }
                };
                let t_ms = session.started_ms + e.t.round() as i64;
                if let (Some(task), true) = (task_id, e.counted) {
                    self.segs
                        .add(&tx, task, t_ms, e.class, i64::from(e.inserted))?;
                }
                if let Some(ev) = RunEvent::of(e, t_ms) {
                    push_typed(&tx, &mut self.run, session.id, doc_id, task_id, ev)?;
                    continue;
                }
                insert_edit(&mut add_edit, session.id, e, doc_id, t_ms, task_id)?;
            }
        }
        // The open run is written at every flush, so a crash loses no more than the interval.
        if let Some(run) = self.run.as_mut().filter(|r| r.dirty) {
            run.write(&tx)?;
        }
        self.segs.write(&tx)?;
        tx.commit()
    }
}

/// Copies the write-ahead log into the database file and empties it, so that `mindgap.db` alone
/// holds everything written (a backup of that one file is whole). Another process reading or
/// writing the store at that moment can leave part of the log for later: logged, not an error.
pub(super) fn checkpoint(conn: &Connection) {
    let res = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    });
    match res {
        Ok((0, _, _)) => debug!("store: checkpointed, the database file holds everything"),
        Ok((_, log, done)) => warn!(
            log,
            done,
            "store: checkpoint incomplete (another connection is busy); the rest stays in the -wal file"
        ),
        Err(e) => warn!("store: cannot checkpoint: {e}"),
    }
}

/// Writes `e` as a row of `edits`.
fn insert_edit(
    add: &mut rusqlite::CachedStatement<'_>,
    session: i64,
    e: &crate::events::EditEvent,
    doc_id: i64,
    t_ms: i64,
    task_id: Option<i64>,
) -> rusqlite::Result<()> {
    let (code, n) = e.evidence.code();
    add.execute(params![
        session,
        e.id as i64,
        doc_id,
        t_ms,
        e.source.as_str(),
        e.version,
        e.change,
        e.span.start_line,
        e.span.start_col,
        e.span.end_line,
        e.span.end_col,
        e.inserted,
        e.deleted,
        e.hash as i64,
        e.class.as_str(),
        e.confidence,
        code,
        n,
        e.counted,
        task_id
    ])?;
    Ok(())
}

/// Adds a typed event to the open run, or closes that run (written) and starts another.
fn push_typed(
    tx: &rusqlite::Transaction<'_>,
    open: &mut Option<Run>,
    session: i64,
    doc: i64,
    task: Option<i64>,
    ev: RunEvent,
) -> rusqlite::Result<()> {
    if !open
        .as_ref()
        .is_some_and(|r| r.continues(session, doc, task, &ev))
    {
        if let Some(mut done) = open.take().filter(|r| r.dirty) {
            done.write(tx)?;
        }
        *open = Some(Run::new(session, doc, task));
    }
    let run = open.as_mut().expect("just set");
    run.events.push(ev);
    run.dirty = true;
    Ok(())
}

/// The id of document `subject`'s row, added if it has none yet.
fn document_id(
    tx: &rusqlite::Transaction<'_>,
    find: &mut rusqlite::CachedStatement<'_>,
    add: &mut rusqlite::CachedStatement<'_>,
    subject: &str,
) -> rusqlite::Result<i64> {
    match find.query_row([subject], |r| r.get(0)) {
        Ok(id) => Ok(id),
        Err(rusqlite::Error::QueryReturnedNoRows) => {
            add.execute([subject])?;
            Ok(tx.last_insert_rowid())
        }
        Err(err) => Err(err),
    }
}

/// The task a batch belongs to: the workspace's current task as of the batch's first event
/// ([`crate::tasks::current`]: the store decides, so every editor and the CLI agree).
fn task_for_batch(
    conn: &Connection,
    root: &str,
    implied: &ImpliedTask,
    session: Recording,
    pending: &VecDeque<Emitted>,
) -> rusqlite::Result<i64> {
    let first_ms = pending.iter().find_map(|e| match e {
        Emitted::Event(e) => Some(session.started_ms + e.t.round() as i64),
        Emitted::Amend(_) | Emitted::Undone(_) => None,
    });
    let now = first_ms.unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
    super::tasks::current_for_edits(conn, root, &implied(now), now)
}
