//! Opening the store file without trusting it. A file is checked before anything writes to it,
//! through a connection that cannot change a byte of it (the database, its `-wal` or its
//! `-shm`): its files must be writable, its schema no newer than this mindgap's, and
//! `PRAGMA quick_check` must pass (within a time budget: a very large store is checked as far
//! as the budget goes). Only then is it opened for writing, with a short lock wait, and a write
//! probe (a transaction that is rolled back) must succeed before the schema is migrated.
//!
//! A file that fails is *not ours to write*: the caller records in memory and leaves it alone.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use tracing::info;

use super::migrations::{self, MIGRATIONS, MigrateError};

/// How long opening waits for another program's lock (a second mindgap writing a batch holds it
/// for milliseconds; anything longer is a lock that will not go away soon).
pub(super) const LOCK_WAIT: Duration = Duration::from_millis(300);
/// How long a batch write waits for another writer (a second editor) before retrying later.
const WRITE_BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// Why a store file is not used: what is wrong and what the person can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub what: String,
    pub advice: &'static str,
}

const MOVE_ASIDE: &str = "Move it aside (with its -wal and -shm files, if any) and restart the editor: mindgap starts a new one.";

impl Refusal {
    fn new(what: impl Into<String>, advice: &'static str) -> Refusal {
        Refusal {
            what: what.into(),
            advice,
        }
    }

    /// A SQLite error while checking or probing, in words.
    pub(super) fn of(e: &rusqlite::Error) -> Refusal {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Refusal::new(
                "it is locked by another program",
                "Close the program that holds it (another mindgap, or a database tool) and restart the editor.",
            ),
            Some(ErrorCode::ReadOnly) => Refusal::new(
                "it is read-only",
                "Make the file and its folder writable again and restart the editor.",
            ),
            Some(ErrorCode::NotADatabase) => {
                Refusal::new("it is not a SQLite database", MOVE_ASIDE)
            }
            Some(ErrorCode::DatabaseCorrupt) => {
                Refusal::new(format!("it is damaged ({e})"), MOVE_ASIDE)
            }
            Some(ErrorCode::DiskFull) => Refusal::new(
                "the disk is full",
                "Free some space and restart the editor.",
            ),
            _ => Refusal::new(format!("it cannot be used ({e})"), MOVE_ASIDE),
        }
    }
}

/// The `-wal` and `-shm` files beside `path`.
pub(super) fn companions(path: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut s = path.as_os_str().to_os_string();
        s.push(suffix);
        PathBuf::from(s)
    };
    [with("-wal"), with("-shm")]
}

/// A connection to `path` that reads it without changing a byte of it or adding a file beside
/// it. With a `-wal` and `-shm` beside it (a session is open, or one ended without closing) the
/// shared memory is only read (`readonly_shm`); without them the file is the whole database and
/// is read as immutable (no locks, no journal). A plain read-only connection would rebuild the
/// `-shm`, or create the `-wal` and `-shm` and leave them behind.
pub(super) fn untouched(path: &Path) -> rusqlite::Result<Connection> {
    let [wal, shm] = companions(path);
    let param = if wal.exists() && shm.exists() {
        "mode=ro&readonly_shm=1"
    } else {
        "immutable=1"
    };
    let uri = format!("file:{}?{param}", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(uri, flags)
}

/// `path` for a `file:` URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Opens the store at `path` in `home` for writing, creating the folder (0700) and the file
/// (0600) as needed, after checking (for at most `check_within`) that it is ours to write.
pub(super) fn open_file(
    home: &Path,
    path: &Path,
    check_within: Duration,
) -> Result<Connection, Refusal> {
    crate::home::private_dir(home).map_err(|e| {
        Refusal::new(
            format!("cannot create the folder ({e})"),
            "Check that the folder can be created and is writable, or pass --home DIR.",
        )
    })?;
    let mut create = fs::OpenOptions::new();
    create.write(true).create_new(true);
    match crate::home::open_private(path, &mut create) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => check(path, check_within)?,
        Err(e) => {
            return Err(Refusal::new(
                format!("cannot create the file ({e})"),
                "Check that the folder is writable, or pass --home DIR.",
            ));
        }
    }
    let conn = open_checked(path)?;
    // Ours to write now: private, even if an earlier mindgap or another tool made it otherwise
    // (SQLite gives the -wal and -shm the database's mode).
    let [wal, shm] = companions(path);
    for file in [path, &wal, &shm] {
        if file.exists() {
            let _ = fs::set_permissions(file, fs::Permissions::from_mode(0o600));
        }
    }
    Ok(conn)
}

/// The checks that change nothing: writable files, a known schema, a sound file.
fn check(path: &Path, within: Duration) -> Result<(), Refusal> {
    let [wal, shm] = companions(path);
    for file in [path, &wal, &shm] {
        if let Err(e) = fs::OpenOptions::new().write(true).open(file)
            && e.kind() != io::ErrorKind::NotFound
        {
            let what = match e.kind() {
                io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                    format!("{} is read-only", file.display())
                }
                _ => format!("{} cannot be written ({e})", file.display()),
            };
            return Err(Refusal::new(
                what,
                "Make the store's files writable again (chmod u+w) and restart the editor.",
            ));
        }
    }
    let conn = untouched(path).map_err(|e| Refusal::of(&e))?;
    conn.busy_timeout(LOCK_WAIT).map_err(|e| Refusal::of(&e))?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| Refusal::of(&e))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(Refusal::new(
            MigrateError::TooNew { found, known }.to_string(),
            "Upgrade mindgap (the file is kept for it).",
        ));
    }
    quick_check(&conn, within)
}

/// `PRAGMA quick_check`, interrupted after `within` (a store that large counts as sound).
fn quick_check(conn: &Connection, within: Duration) -> Result<(), Refusal> {
    let interrupt = conn.get_interrupt_handle();
    let (done, wait) = mpsc::channel::<()>();
    let timer = std::thread::spawn(move || {
        if wait.recv_timeout(within) == Err(mpsc::RecvTimeoutError::Timeout) {
            interrupt.interrupt();
        }
    });
    let started = std::time::Instant::now();
    let result: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA quick_check(5)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    drop(done);
    let _ = timer.join();
    match result {
        Ok(lines) if lines == ["ok"] => Ok(()),
        Ok(lines) => {
            // The first problem named, not the section headings (`*** in database main ***`).
            let first = lines
                .iter()
                .flat_map(|l| l.lines())
                .find(|l| !l.starts_with("***"));
            Err(Refusal::new(
                format!("it is damaged ({})", first.unwrap_or("quick_check failed")),
                MOVE_ASIDE,
            ))
        }
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) => {
            info!(
                ms = started.elapsed().as_millis() as u64,
                "store: too large to check fully at open; checked what the time allowed"
            );
            Ok(())
        }
        Err(e) => Err(Refusal::of(&e)),
    }
}

/// Opens a checked file for writing: a short lock wait, a write probe rolled back, the schema
/// migrated, WAL. Until all of that succeeded, closing the connection checkpoints nothing.
fn open_checked(path: &Path) -> Result<Connection, Refusal> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let of = |e: rusqlite::Error| Refusal::of(&e);
    let mut conn = Connection::open_with_flags(path, flags).map_err(of)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
        .map_err(of)?;
    conn.busy_timeout(LOCK_WAIT).map_err(of)?;
    conn.execute_batch("BEGIN IMMEDIATE; CREATE TABLE mindgap_write_probe (x); ROLLBACK;")
        .map_err(of)?;
    // Migrate before switching to WAL: a file that is not a store, or is one from a newer
    // mindgap, must be left exactly as it is (switching to WAL rewrites its header).
    migrations::migrate(&mut conn).map_err(|e| match e {
        MigrateError::Sql(e) => of(e),
        too_new => Refusal::new(
            too_new.to_string(),
            "Upgrade mindgap (the file is kept for it).",
        ),
    })?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(of)?;
    if mode != "wal" {
        tracing::warn!(mode, "the store could not switch to WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(of)?;
    conn.busy_timeout(WRITE_BUSY_TIMEOUT).map_err(of)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
        .map_err(of)?;
    Ok(conn)
}

/// A new, empty in-memory database with the schema.
pub(super) fn memory_connection() -> Connection {
    let mut conn = Connection::open_in_memory().expect("SQLite can always open a memory database");
    migrations::migrate(&mut conn).expect("an empty memory database migrates");
    conn
}

/// Stops `conn` from checkpointing its file when it closes: the file is no longer ours to write.
pub(super) fn disown(conn: &Connection) {
    let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
}
