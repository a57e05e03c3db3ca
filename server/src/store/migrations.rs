//! Schema migrations, versioned by SQLite's `user_version` from the first release on.
//!
//! Each entry upgrades the schema from version `i` to `i + 1`. Entries are never edited once
//! released: a change to the schema is a new entry at the end.

use rusqlite::{Connection, TransactionBehavior};

pub const MIGRATIONS: &[&str] = &[
    // 1: sessions, documents and edit events (counts and hashes, never text).
    r#"
    CREATE TABLE sessions (
        id              INTEGER PRIMARY KEY,
        started_ms      INTEGER NOT NULL,   -- unix ms
        kind            TEXT NOT NULL,      -- 'lsp' or 'replay'
        pid             INTEGER NOT NULL,
        client_name     TEXT,
        client_version  TEXT,
        root            TEXT,
        encoding        TEXT NOT NULL
    );
    CREATE TABLE documents (
        id      INTEGER PRIMARY KEY,
        subject TEXT NOT NULL UNIQUE        -- a URI, or a workspace-relative path for disk changes
    );
    CREATE TABLE edits (
        id           INTEGER PRIMARY KEY,
        session_id   INTEGER NOT NULL REFERENCES sessions(id),
        seq          INTEGER NOT NULL,      -- the event's number within its session
        document_id  INTEGER NOT NULL REFERENCES documents(id),
        t_ms         INTEGER NOT NULL,      -- unix ms
        source       TEXT NOT NULL,         -- 'change', 'reopen' or 'disk'
        version      INTEGER NOT NULL,
        change_index INTEGER NOT NULL,
        line         INTEGER NOT NULL,      -- what the change replaced: start line and column,
        col          INTEGER NOT NULL,      -- end line and column; columns in Unicode scalars
        end_line     INTEGER NOT NULL,
        end_col      INTEGER NOT NULL,
        inserted     INTEGER NOT NULL,
        deleted      INTEGER NOT NULL,
        text_hash    INTEGER NOT NULL,      -- xxh3 of the inserted text, as a signed 64-bit value
        class        TEXT NOT NULL,
        confidence   REAL NOT NULL,
        evidence     TEXT NOT NULL,         -- the classifier's reason, in words (never code)
        counted      INTEGER NOT NULL
    );
    CREATE INDEX edits_by_seq ON edits(session_id, seq);
    CREATE INDEX edits_by_document ON edits(document_id, t_ms);
    CREATE INDEX edits_by_time ON edits(t_ms);
    "#,
    // 2: provenance per file, as hashes and ranges (see `provenance::Saved`).
    r#"
    CREATE TABLE provenance (
        subject   TEXT PRIMARY KEY,
        saved_ms  INTEGER NOT NULL,
        data      BLOB NOT NULL
    );
    "#,
    // 3: tasks, and the task each edit belongs to.
    r#"
    CREATE TABLE tasks (
        id             INTEGER PRIMARY KEY,
        root           TEXT NOT NULL,
        name           TEXT NOT NULL,
        implied        TEXT,                -- NULL when started explicitly; 'branch' or 'daily'
        manual         INTEGER NOT NULL DEFAULT 0,
        estimate_lines INTEGER,
        state          TEXT NOT NULL,       -- 'active', 'paused' or 'finished'
        started_ms     INTEGER NOT NULL,
        finished_ms    INTEGER
    );
    CREATE INDEX tasks_by_root ON tasks(root, state);
    ALTER TABLE edits ADD COLUMN task_id INTEGER REFERENCES tasks(id);
    CREATE INDEX edits_by_task ON edits(task_id, t_ms);
    "#,
    // 4: stashed blocks, the one place code text is kept: what the person set aside to rewrite
    // by hand, until they restore it.
    r#"
    CREATE TABLE stash (
        id          INTEGER PRIMARY KEY,
        subject     TEXT NOT NULL,
        created_ms  INTEGER NOT NULL,
        class       TEXT NOT NULL,
        text        TEXT NOT NULL
    );
    "#,
    // 5: struggle windows: a stretch of time to try things yourself before asking for help.
    r#"
    CREATE TABLE struggles (
        id          INTEGER PRIMARY KEY,
        root        TEXT NOT NULL,
        started_ms  INTEGER NOT NULL,
        ends_ms     INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX struggles_by_root ON struggles(root, ends_ms);
    "#,
    // 6: the practices beyond the ratio. Self-check ratings (numbers only) and monthly audits
    // (dates, the skill named, the manual task that tested it); what the person writes about an
    // audit goes to their own Markdown file, `<home>/audit-log.md`, not here.
    r#"
    CREATE TABLE self_checks (
        id       INTEGER PRIMARY KEY,
        t_ms     INTEGER NOT NULL,
        q1       INTEGER NOT NULL,      -- each 1 (very uncomfortable) .. 5 (comfortable)
        q2       INTEGER NOT NULL,
        q3       INTEGER NOT NULL,
        q4       INTEGER NOT NULL,
        q5       INTEGER NOT NULL
    );
    CREATE INDEX self_checks_by_time ON self_checks(t_ms);
    CREATE TABLE audits (
        id           INTEGER PRIMARY KEY,
        root         TEXT NOT NULL,
        skill        TEXT NOT NULL,
        task_id      INTEGER REFERENCES tasks(id),
        started_ms   INTEGER NOT NULL,
        finished_ms  INTEGER,            -- NULL while the audit's manual task runs
        gaps         INTEGER             -- how many things the person could not do
    );
    CREATE INDEX audits_by_time ON audits(started_ms);
    "#,
    // 7: insertions an undo took back (a redo brings them back): they count as work, or outside
    // help, only while in effect.
    r#"
    ALTER TABLE edits ADD COLUMN undone INTEGER NOT NULL DEFAULT 0;
    "#,
    // 8: the store grows with the work. Evidence as a code and its number (the words are
    // `Evidence`'s to say); typed characters in runs, a few bytes each (`runs.rs`); each task's
    // work summed in segments, so the status line never sums a task's rows (`segments.rs`).
    // `migrate8.rs` converts what an earlier schema wrote.
    r#"
    ALTER TABLE edits ADD COLUMN evidence_code INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE edits ADD COLUMN evidence_n INTEGER NOT NULL DEFAULT 0;
    DROP INDEX edits_by_document;
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions(id),
        seq_first   INTEGER NOT NULL,
        seq_last    INTEGER NOT NULL,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        task_id     INTEGER REFERENCES tasks(id),
        t_first_ms  INTEGER NOT NULL,
        t_last_ms   INTEGER NOT NULL,
        events      INTEGER NOT NULL,
        inserted    INTEGER NOT NULL,
        deleted     INTEGER NOT NULL,
        detail      BLOB NOT NULL       -- per event: flags, what differs from the usual, time
    );
    CREATE INDEX runs_by_seq ON runs(session_id, seq_last);
    CREATE INDEX runs_by_task ON runs(task_id, t_last_ms);
    CREATE INDEX runs_by_time ON runs(t_last_ms);
    CREATE TABLE task_work (
        task_id  INTEGER NOT NULL,
        seg_ms   INTEGER NOT NULL,      -- the segment holds events from here to the next one
        class    TEXT NOT NULL,
        chars    INTEGER NOT NULL,      -- counted insertions in effect
        PRIMARY KEY (task_id, seg_ms, class)
    ) WITHOUT ROWID;
    "#,
];

#[derive(Debug)]
pub enum MigrateError {
    Sql(rusqlite::Error),
    /// The store was written by a newer mindgap; it is left untouched.
    TooNew {
        found: i64,
        known: i64,
    },
}

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrateError::Sql(e) => write!(f, "{e}"),
            MigrateError::TooNew { found, known } => write!(
                f,
                "its schema version {found} is newer than this mindgap knows ({known}); upgrade mindgap"
            ),
        }
    }
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}

/// Brings the schema up to date in one immediate transaction (so two servers starting at once
/// do not both migrate).
pub(super) fn migrate(conn: &mut Connection) -> Result<i64, MigrateError> {
    let known = MIGRATIONS.len() as i64;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(MigrateError::TooNew { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        if (i + 1) as i64 == super::migrate8::VERSION {
            super::migrate8::convert(&tx)?;
        }
    }
    tx.commit()?;
    // A store that held rows before schema 8 shrinks only once compacted.
    if found > 0 && found < super::migrate8::VERSION {
        conn.execute_batch("VACUUM")?;
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_store_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as i64);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM edits", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn refuses_a_store_from_the_future() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(MigrateError::TooNew { found: 999, .. })
        ));
    }
}
