//! The store's history for reports and exports (`mindgap report`, `mindgap export`): tasks with
//! their work in time order, outside help per file and day, self-checks, audits, and every table
//! as it is. Read-only; the arithmetic lives in `practices::report` and `practices::signals`.
//! The `Db` methods are the public face and fail with a sentence that says what to do; the SQL
//! below them speaks rusqlite, which stays in `store/`.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
#[cfg(test)]
use rusqlite::params;
use rusqlite::types::ValueRef;

use super::{DB_FILE, Db, tasks};
use crate::events::Class;

/// Every table of the store, in the order an export lists them.
pub const TABLES: &[&str] = &[
    "sessions",
    "documents",
    "edits",
    "runs",
    "task_work",
    "tasks",
    "struggles",
    "provenance",
    "stash",
    "self_checks",
    "audits",
];

/// One piece of a task's work, with when it happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimedWork {
    pub t_ms: i64,
    pub chars: u64,
    pub outside: bool,
}

/// A task with its work in time order and, while it runs, its expected size.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskHistory {
    pub task: crate::tasks::Task,
    pub work: Vec<TimedWork>,
    /// `None` once finished (the split is exact), else the expected size in characters.
    pub expected: Option<u64>,
}

/// Typed and outside-help characters of one file on one day (UTC day number).
#[derive(Clone, Debug, PartialEq)]
pub struct FileDay {
    pub subject: String,
    /// A time within the day (its first edit), unix ms.
    pub t_ms: i64,
    pub work: u64,
    pub outside: u64,
}

/// One self-check: five ratings, 1 (very uncomfortable) to 5 (comfortable).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SelfCheck {
    pub t_ms: i64,
    pub q: [u8; 5],
}

#[derive(Clone, Debug, PartialEq)]
pub struct Audit {
    pub root: String,
    pub skill: String,
    pub started_ms: i64,
    pub finished_ms: Option<i64>,
    pub gaps: Option<i64>,
}

/// One table, as it is: column names and rows of plain values.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A value of a table cell. Blobs are kept as bytes; writers encode them (hex).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Db {
    /// Opens the store in `home` read-only for a report or an export: `Ok(None)` when there is
    /// none yet, an error sentence when the file is there but cannot be read as a store.
    pub fn open_history(home: &Path) -> Result<Option<Db>, String> {
        let path = home.join(DB_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let unreadable = |e: &dyn std::fmt::Display| {
            format!(
                "cannot read the store at {} ({e}); move the file aside if it is damaged",
                path.display()
            )
        };
        let conn = super::open::untouched(&path).map_err(|e| unreadable(&e))?;
        conn.busy_timeout(Duration::from_secs(2))
            .map_err(|e| unreadable(&e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| unreadable(&e))?;
        let known = super::MIGRATIONS.len() as i64;
        if version > known {
            return Err(format!(
                "the store at {} was written by a newer mindgap (schema {version}, this one knows {known}); upgrade mindgap",
                path.display()
            ));
        }
        // Reading one row of the schema catches a file that is not a database at all.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| unreadable(&e))?;
        Ok(Some(Db { conn }))
    }

    /// Tasks that ran at some point since `since_ms` (started, finished or worked on since then;
    /// a paused daily task from long ago is not), with all their work in time order.
    pub fn task_history(
        &self,
        since_ms: i64,
        outside: &[Class],
        chars_per_line: f64,
    ) -> Result<Vec<TaskHistory>, String> {
        task_history(&self.conn, since_ms, outside, chars_per_line).map_err(read_err)
    }

    /// Typed and outside-help characters per file and UTC day since `since_ms`.
    pub fn file_days(&self, since_ms: i64, outside: &[Class]) -> Result<Vec<FileDay>, String> {
        file_days(&self.conn, since_ms, outside).map_err(read_err)
    }

    /// Self-checks since `since_ms`, oldest first.
    pub fn self_checks(&self, since_ms: i64) -> Result<Vec<SelfCheck>, String> {
        self_checks(&self.conn, since_ms).map_err(read_err)
    }

    /// Audits started or finished since `since_ms`, oldest first.
    pub fn audits(&self, since_ms: i64) -> Result<Vec<Audit>, String> {
        audits(&self.conn, since_ms).map_err(read_err)
    }

    /// Every table of the store as it is (tables an older schema lacks come back empty).
    pub fn tables(&self) -> Result<Vec<Table>, String> {
        tables(&self.conn).map_err(read_err)
    }
}

/// A failed read as a sentence that says what to do.
fn read_err(e: rusqlite::Error) -> String {
    format!("cannot read the store ({e}); move the file aside if it is damaged.")
}

/// Whether the store has the table `name` (an older schema may lack it).
fn has_table(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )
}

/// The SQL of [`Db::task_history`].
fn task_history(
    conn: &Connection,
    since_ms: i64,
    outside: &[Class],
    chars_per_line: f64,
) -> rusqlite::Result<Vec<TaskHistory>> {
    if !has_table(conn, "tasks")? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM tasks WHERE started_ms >= ?1 OR finished_ms >= ?1
            OR EXISTS (SELECT 1 FROM edits WHERE task_id = tasks.id AND t_ms >= ?1) {}
         ORDER BY started_ms, id",
        tasks::COLUMNS,
        if super::events::has_runs(conn)? {
            "OR EXISTS (SELECT 1 FROM runs WHERE task_id = tasks.id AND t_last_ms >= ?1)"
        } else {
            ""
        }
    ))?;
    let found: Vec<crate::tasks::Task> = stmt
        .query_map([since_ms], tasks::task)?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(found.len());
    for task in found {
        let work = timed_work(conn, task.id, outside)?;
        let expected = if task.is_finished() {
            None
        } else {
            let recent = tasks::recent_finished_work(conn, &task.root, outside)?;
            Some(crate::tasks::ratio::expected_size(
                task.estimate_lines,
                chars_per_line,
                &recent,
            ))
        };
        out.push(TaskHistory {
            task,
            work,
            expected,
        });
    }
    Ok(out)
}

/// The SQL of [`Db::file_days`].
fn file_days(
    conn: &Connection,
    since_ms: i64,
    outside: &[Class],
) -> rusqlite::Result<Vec<FileDay>> {
    if !has_table(conn, "edits")? {
        return Ok(Vec::new());
    }
    let mut out: Vec<FileDay> = Vec::new();
    let mut at = std::collections::HashMap::new();
    let rows = super::events::since(conn, since_ms)?;
    for e in rows
        .iter()
        .filter(|e| e.counted && !e.undone && e.inserted > 0)
    {
        let Some(class) = e.class else { continue };
        let is_outside = outside.contains(&class);
        if !is_outside && class != Class::Typed {
            continue;
        }
        let key = (e.document_id, e.t_ms.div_euclid(86_400_000), class);
        let n = u64::from(e.inserted);
        let i = *at.entry(key).or_insert_with(|| {
            out.push(FileDay {
                subject: String::new(),
                t_ms: e.t_ms,
                work: 0,
                outside: 0,
            });
            out.len() - 1
        });
        out[i].work += n;
        out[i].outside += if is_outside { n } else { 0 };
    }
    let mut stmt = conn.prepare_cached("SELECT subject FROM documents WHERE id = ?1")?;
    let mut names = std::collections::HashMap::new();
    for (&(doc, _, _), &i) in &at {
        if let std::collections::hash_map::Entry::Vacant(v) = names.entry(doc) {
            v.insert(stmt.query_row([doc], |r| r.get::<_, String>(0))?);
        }
        out[i].subject = names[&doc].clone();
    }
    Ok(out)
}

/// The SQL of [`Db::self_checks`].
fn self_checks(conn: &Connection, since_ms: i64) -> rusqlite::Result<Vec<SelfCheck>> {
    if !has_table(conn, "self_checks")? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT t_ms, q1, q2, q3, q4, q5 FROM self_checks WHERE t_ms >= ?1 ORDER BY t_ms, id",
    )?;
    stmt.query_map([since_ms], |r| {
        let mut q = [0u8; 5];
        for (i, v) in q.iter_mut().enumerate() {
            *v = r.get::<_, i64>(i + 1)?.clamp(0, 5) as u8;
        }
        Ok(SelfCheck { t_ms: r.get(0)?, q })
    })?
    .collect()
}

/// The SQL of [`Db::audits`].
fn audits(conn: &Connection, since_ms: i64) -> rusqlite::Result<Vec<Audit>> {
    if !has_table(conn, "audits")? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT root, skill, started_ms, finished_ms, gaps FROM audits
         WHERE started_ms >= ?1 OR finished_ms >= ?1 OR finished_ms IS NULL
         ORDER BY started_ms, id",
    )?;
    stmt.query_map([since_ms], |r| {
        Ok(Audit {
            root: r.get(0)?,
            skill: r.get(1)?,
            started_ms: r.get(2)?,
            finished_ms: r.get(3)?,
            gaps: r.get(4)?,
        })
    })?
    .collect()
}

/// The SQL of [`Db::tables`].
fn tables(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut out = Vec::with_capacity(TABLES.len());
    for &name in TABLES {
        if !has_table(conn, name)? {
            out.push(Table {
                name,
                columns: Vec::new(),
                rows: Vec::new(),
            });
            continue;
        }
        // `name` comes from the fixed list above, never from input.
        let order = if name == "task_work" {
            "task_id, seg_ms, class"
        } else {
            "rowid"
        };
        let mut stmt = conn.prepare(&format!("SELECT * FROM {name} ORDER BY {order}"))?;
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let n = columns.len();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Null => Cell::Null,
                            ValueRef::Integer(v) => Cell::Int(v),
                            ValueRef::Real(v) => Cell::Real(v),
                            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into()),
                            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<Cell>>>()
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.push(Table {
            name,
            columns,
            rows,
        });
    }
    Ok(out)
}
/// A task's work in time order, with times: typed and outside-help insertions, counted once.
fn timed_work(
    conn: &Connection,
    task_id: i64,
    outside: &[Class],
) -> rusqlite::Result<Vec<TimedWork>> {
    let rows = super::events::of_task(conn, task_id, None)?;
    Ok(rows
        .iter()
        .filter(|e| e.counted && !e.undone && e.inserted > 0)
        .filter_map(|e| {
            let class = e.class?;
            let is_outside = outside.contains(&class);
            (is_outside || class == Class::Typed).then_some(TimedWork {
                t_ms: e.t_ms,
                chars: u64::from(e.inserted),
                outside: is_outside,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Db {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO sessions VALUES (1, 0, 'lsp', 1, 'nvim', '0.11', '/ws', 'utf-8');
             INSERT INTO documents VALUES (1, 'file:///ws/a.rs');
             INSERT INTO tasks (id, root, name, manual, state, started_ms, finished_ms)
                 VALUES (1, '/ws', 'parser', 1, 'finished', 0, 5000),
                        (2, '/ws', 'old', 0, 'finished', 0, 10),
                        (3, '/ws', '2026-01-01', 0, 'paused', 0, NULL);",
        )
        .unwrap();
        for (i, (t, n, class)) in [(100, 80, "typed"), (200, 20, "paste"), (300, 5, "editor")]
            .into_iter()
            .enumerate()
        {
            conn.execute(
                "INSERT INTO edits (session_id, seq, document_id, t_ms, source, version, change_index,
                   line, col, end_line, end_col, inserted, deleted, text_hash, class, confidence,
                   evidence_code, counted, task_id)
                 VALUES (1, ?1, 1, ?2, 'change', 1, 0, 0, 0, 0, 0, ?3, 0, 0, ?4, 1.0, 255, 1, 1)",
                params![i as i64, t, n, class],
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO self_checks (t_ms, q1, q2, q3, q4, q5) VALUES (50, 1, 2, 3, 4, 5);
             INSERT INTO audits (root, skill, started_ms, finished_ms, gaps) VALUES ('/ws', 'sql', 60, 70, 2);
             INSERT INTO provenance VALUES ('file:///ws/a.rs', 1, x'00ff');",
        )
        .unwrap();
        Db { conn }
    }

    #[test]
    fn reads_tasks_with_timed_work_files_and_practices() {
        let db = db();
        let outside = [Class::Paste, Class::Completion, Class::Agent];
        let h = db.task_history(1000, &outside, 40.0).unwrap();
        assert_eq!(
            h.len(),
            1,
            "tasks finished or idle before `since` are left out"
        );
        assert_eq!(h[0].task.name, "parser");
        assert_eq!(h[0].expected, None);
        assert_eq!(
            h[0].work,
            vec![
                TimedWork {
                    t_ms: 100,
                    chars: 80,
                    outside: false
                },
                TimedWork {
                    t_ms: 200,
                    chars: 20,
                    outside: true
                },
            ]
        );
        let days = db.file_days(0, &outside).unwrap();
        assert_eq!(days.iter().map(|d| d.work).sum::<u64>(), 100);
        assert_eq!(days.iter().map(|d| d.outside).sum::<u64>(), 20);
        assert_eq!(db.self_checks(0).unwrap()[0].q, [1, 2, 3, 4, 5]);
        assert_eq!(db.audits(0).unwrap()[0].gaps, Some(2));
    }

    #[test]
    fn dumps_every_table_with_blobs_as_bytes() {
        let tables = db().tables().unwrap();
        assert_eq!(
            tables.iter().map(|t| t.name).collect::<Vec<_>>(),
            TABLES.to_vec()
        );
        let prov = tables.iter().find(|t| t.name == "provenance").unwrap();
        assert_eq!(prov.columns, ["subject", "saved_ms", "data"]);
        assert_eq!(prov.rows[0][2], Cell::Blob(vec![0, 255]));
        let edits = tables.iter().find(|t| t.name == "edits").unwrap();
        assert_eq!(edits.rows.len(), 3);
    }

    #[test]
    fn an_empty_file_is_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DB_FILE), b"").unwrap();
        let db = Db::open_history(dir.path()).unwrap().unwrap();
        assert!(db.task_history(0, &[], 40.0).unwrap().is_empty());
        assert!(db.file_days(0, &[]).unwrap().is_empty());
        assert!(db.self_checks(0).unwrap().is_empty());
        assert!(db.audits(0).unwrap().is_empty());
        assert!(db.tables().unwrap().iter().all(|t| t.rows.is_empty()));
    }

    #[test]
    fn a_missing_store_is_none_and_a_junk_file_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Db::open_history(dir.path()).unwrap().is_none());
        std::fs::write(
            dir.path().join(DB_FILE),
            b"not a database at all".repeat(50),
        )
        .unwrap();
        let err = Db::open_history(dir.path()).err().unwrap();
        assert!(err.contains("cannot read the store"), "{err}");
    }
}
