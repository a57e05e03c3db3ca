//! Store helpers shared by the test files: read `<home>/mindgap.db` with rusqlite.
#![allow(dead_code)] // each test file uses a different part

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

/// One row of `edits`, with its document's subject.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub id: i64,
    pub session_id: i64,
    pub subject: String,
    pub t_ms: i64,
    pub source: String,
    pub version: i64,
    pub change_index: i64,
    pub line: i64,
    pub inserted: i64,
    pub deleted: i64,
    pub text_hash: i64,
    pub class: String,
    pub counted: bool,
}

/// One row of `sessions`.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: i64,
    pub started_ms: i64,
    pub kind: String,
    pub pid: i64,
    pub client_name: Option<String>,
    pub client_version: Option<String>,
    pub encoding: String,
}

/// Opens the store read-only (it must exist).
pub fn open_store(db: &Path) -> Connection {
    assert!(db.is_file(), "no store at {}", db.display());
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", db.display()))
}

/// Every edit, in the order it was written.
pub fn edits(db: &Path) -> Vec<Edit> {
    let conn = open_store(db);
    let mut stmt = conn
        .prepare(
            "SELECT e.id, e.session_id, d.subject, e.t_ms, e.source, e.version, e.change_index,
                    e.line, e.inserted, e.deleted, e.text_hash, e.class, e.counted
             FROM edits e JOIN documents d ON d.id = e.document_id
             ORDER BY e.id",
        )
        .expect("edits query");
    stmt.query_map([], |r| {
        Ok(Edit {
            id: r.get(0)?,
            session_id: r.get(1)?,
            subject: r.get(2)?,
            t_ms: r.get(3)?,
            source: r.get(4)?,
            version: r.get(5)?,
            change_index: r.get(6)?,
            line: r.get(7)?,
            inserted: r.get(8)?,
            deleted: r.get(9)?,
            text_hash: r.get(10)?,
            class: r.get(11)?,
            counted: r.get(12)?,
        })
    })
    .expect("edits rows")
    .collect::<Result<_, _>>()
    .expect("edits read")
}

/// Every edit of document `subject`, in order.
pub fn edits_of(db: &Path, subject: &str) -> Vec<Edit> {
    edits(db)
        .into_iter()
        .filter(|e| e.subject == subject)
        .collect()
}

pub fn sessions(db: &Path) -> Vec<Session> {
    let conn = open_store(db);
    let mut stmt = conn
        .prepare(
            "SELECT id, started_ms, kind, pid, client_name, client_version, encoding
             FROM sessions ORDER BY id",
        )
        .expect("sessions query");
    stmt.query_map([], |r| {
        Ok(Session {
            id: r.get(0)?,
            started_ms: r.get(1)?,
            kind: r.get(2)?,
            pid: r.get(3)?,
            client_name: r.get(4)?,
            client_version: r.get(5)?,
            encoding: r.get(6)?,
        })
    })
    .expect("sessions rows")
    .collect::<Result<_, _>>()
    .expect("sessions read")
}

/// (class, inserted, deleted) of each edit, the shape most assertions compare.
pub fn shape(edits: &[Edit]) -> Vec<(&str, i64, i64)> {
    edits
        .iter()
        .map(|e| (e.class.as_str(), e.inserted, e.deleted))
        .collect()
}
