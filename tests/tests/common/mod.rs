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

/// Every edit, in the order it was written (from `edits` rows and typed runs alike).
pub fn edits(db: &Path) -> Vec<Edit> {
    assert!(db.is_file(), "no store at {}", db.display());
    let store = mindgap::store::Db::open_history(db.parent().unwrap())
        .expect("store readable")
        .expect("store present");
    let subjects: std::collections::HashMap<i64, String> = {
        let conn = open_store(db);
        let mut stmt = conn.prepare("SELECT id, subject FROM documents").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    store
        .events()
        .expect("edits read")
        .into_iter()
        .map(|e| Edit {
            id: e.seq,
            session_id: e.session_id,
            subject: subjects[&e.document_id].clone(),
            t_ms: e.t_ms,
            source: e.source,
            version: e.version,
            change_index: e.change_index,
            line: e.line,
            inserted: i64::from(e.inserted),
            deleted: i64::from(e.deleted),
            text_hash: e.text_hash,
            class: e.class.map_or("?", |c| c.as_str()).to_string(),
            counted: e.counted,
        })
        .collect()
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
