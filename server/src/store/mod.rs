//! The store: one SQLite file at `<home>/mindgap.db` — the only room that speaks SQL.
//!
//! Two ways in: [`Store`] (`handle.rs`), for the live server and replay, hands events over a queue
//! to a writer thread (`writer.rs`) that batches them into one transaction at most every
//! [`FLUSH_EVERY`], so the edit path never waits and a crash loses less than a second, and that
//! checkpoints the write-ahead log as it closes, so the database file alone holds everything;
//! [`Db`] (`db.rs`), for the command line and the readouts, is a direct connection for one short
//! job. The file is checked before it is written (`open.rs`): a store that cannot be used
//! (read-only files or home, a damaged or locked file, a schema from a newer mindgap) is left byte
//! for byte as it is and the session degrades to an in-memory database with one warning; so does
//! a store that fails while the session writes to it (disk full, made read-only, damage found by
//! a write). Editing never breaks.
//!
//! Other tools' databases are read here too, read only and without a byte changed
//! (`foreign/`: OpenCode's `opencode.db`, asked by the watcher).
//!
//! Nothing outside this room sees a SQL type: errors leave it as sentences, rows as the rooms'
//! own types. The store keeps counts, hashes and metadata — never code text, except the blocks the
//! person asks to stash (`mindgap.rewrite`), which is what the stash is for.

mod db;
mod events;
pub mod foreign;
mod handle;
mod health;
pub mod history;
mod migrate8;
mod migrations;
mod open;
pub mod practices;
mod queue;
mod revise;
mod runs;
mod segments;
mod split;
pub mod tasks;
mod writer;

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::Connection;
use tracing::warn;

pub use db::{Db, TaskReport, Which};
pub use events::EventRow;
pub use handle::{Stashed, Store};
pub use migrations::MIGRATIONS;

/// The longest an event waits in memory before it is written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(500);
/// How long the server's writer may spend checking the store when it opens it (off the
/// editor's path: `initialize` never waits for it).
const CHECK_WITHIN: Duration = Duration::from_secs(5);
/// How long the command line may spend checking the store before one short job.
const CHECK_WITHIN_CLI: Duration = Duration::from_secs(1);

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

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_segments;
