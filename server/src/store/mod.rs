//! The store: one SQLite file at `<home>/mindgap.db` — the only room that speaks SQL.
//!
//! Two ways in: [`Store`] (`handle.rs`), for the live server and replay, hands events over a queue
//! to a writer thread (`writer.rs`) that batches them into one transaction at most every
//! [`FLUSH_EVERY`], so the edit path never waits and a crash loses less than a second, and that
//! checkpoints the write-ahead log as it closes, so the database file alone holds everything;
//! [`Db`] (`db.rs`), for the command line and the readouts, is a direct connection for one short
//! job. A store that cannot be opened (read-only home, corrupt or locked file, schema from a
//! newer mindgap) degrades to an in-memory database with one warning; editing never breaks.
//!
//! Nothing outside this room sees a SQL type: errors leave it as sentences, rows as the rooms'
//! own types. The store keeps counts, hashes and metadata — never code text, except the blocks the
//! person asks to stash (`mindgap.rewrite`), which is what the stash is for.

mod db;
mod handle;
pub mod history;
mod migrations;
pub mod practices;
mod queue;
pub mod tasks;
mod writer;

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tracing::warn;

pub use db::{Db, TaskReport, Which};
pub use handle::{Stashed, Store};
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

/// Tells the writer which task the session's workspace implies at a time (Unix ms): its git
/// branch, else the day. Given by the session ([`crate::tasks::implied`]): reading git is not the
/// store's business.
pub type ImpliedTask = Box<dyn Fn(i64) -> crate::tasks::Implied + Send>;

/// Where the store's data goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// Degraded: kept in memory for this process only.
    Memory,
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
mod tests;
