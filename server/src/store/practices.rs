//! The practices in SQL: self-check ratings, monthly audits, and how much outside help a manual
//! task received. The CLI uses these through [`Db`]; the server's commands through [`Store`]
//! (on the writer's connection).

use rusqlite::{Connection, OptionalExtension, params};

use super::{Db, Store, tasks};
use crate::classify::Class;
use crate::tasks::Task;

/// One recorded self-check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelfCheck {
    pub t_ms: i64,
    pub ratings: [u8; 5],
}

/// One audit: a skill redone without help as a manual task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audit {
    pub id: i64,
    pub root: String,
    pub skill: String,
    pub task_id: Option<i64>,
    pub started_ms: i64,
    pub finished_ms: Option<i64>,
    pub gaps: Option<u32>,
}

/// The work and outside help of a task, and its verdict as a manual task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Help {
    /// The task's work (typed and outside-help characters).
    pub work: u64,
    /// Of which came from outside help.
    pub outside: u64,
}

fn insert_self_check(conn: &Connection, t_ms: i64, r: [u8; 5]) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO self_checks (t_ms, q1, q2, q3, q4, q5) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![t_ms, r[0], r[1], r[2], r[3], r[4]],
    )?;
    Ok(())
}

fn last_self_check(conn: &Connection) -> rusqlite::Result<Option<SelfCheck>> {
    conn.query_row(
        "SELECT t_ms, q1, q2, q3, q4, q5 FROM self_checks ORDER BY t_ms DESC, id DESC LIMIT 1",
        [],
        |r| {
            Ok(SelfCheck {
                t_ms: r.get(0)?,
                ratings: [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
            })
        },
    )
    .optional()
}

/// How much outside help task `id` received, judged as a manual task if it is one.
fn help(conn: &Connection, id: i64, outside: &[Class]) -> rusqlite::Result<Help> {
    let (work, outside) = super::split::total(conn, id, outside)?;
    Ok(Help { work, outside })
}

const AUDIT_COLUMNS: &str = "id, root, skill, task_id, started_ms, finished_ms, gaps";

fn audit(r: &rusqlite::Row<'_>) -> rusqlite::Result<Audit> {
    Ok(Audit {
        id: r.get(0)?,
        root: r.get(1)?,
        skill: r.get(2)?,
        task_id: r.get(3)?,
        started_ms: r.get(4)?,
        finished_ms: r.get(5)?,
        gaps: r.get::<_, Option<i64>>(6)?.map(|n| n.max(0) as u32),
    })
}

fn running_audit(conn: &Connection) -> rusqlite::Result<Option<Audit>> {
    conn.query_row(
        &format!(
            "SELECT {AUDIT_COLUMNS} FROM audits WHERE finished_ms IS NULL ORDER BY started_ms DESC, id DESC LIMIT 1"
        ),
        [],
        audit,
    )
    .optional()
}

fn last_finished_audit(conn: &Connection) -> rusqlite::Result<Option<Audit>> {
    conn.query_row(
        &format!(
            "SELECT {AUDIT_COLUMNS} FROM audits WHERE finished_ms IS NOT NULL ORDER BY finished_ms DESC, id DESC LIMIT 1"
        ),
        [],
        audit,
    )
    .optional()
}

/// When the store's history begins: its first session or task, in unix ms.
fn history_since(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT min(t) FROM (SELECT min(started_ms) AS t FROM sessions UNION ALL SELECT min(started_ms) FROM tasks)",
        [],
        |r| r.get(0),
    )
}

/// How much outside help each manual task finished since `since_ms` (any workspace) received.
fn manual_finished_since(
    conn: &Connection,
    since_ms: i64,
    outside: &[Class],
) -> rusqlite::Result<Vec<Help>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM tasks WHERE manual AND state = 'finished' AND finished_ms >= ?1",
    )?;
    let ids: Vec<i64> = stmt
        .query_map([since_ms], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.into_iter().map(|id| help(conn, id, outside)).collect()
}

/// What the status readout needs to know about audits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuditState {
    pub last_finished_ms: Option<i64>,
    pub running: bool,
    pub history_since_ms: Option<i64>,
}

fn audit_state(conn: &Connection) -> rusqlite::Result<AuditState> {
    Ok(AuditState {
        last_finished_ms: last_finished_audit(conn)?.and_then(|a| a.finished_ms),
        running: running_audit(conn)?.is_some(),
        history_since_ms: history_since(conn)?,
    })
}

fn sql_err(e: rusqlite::Error) -> String {
    format!("cannot use the store ({e})")
}

impl Db {
    /// Records a self-check at `t_ms`; returns the one before it, if any.
    pub fn record_self_check(
        &self,
        t_ms: i64,
        ratings: [u8; 5],
    ) -> Result<Option<SelfCheck>, String> {
        let previous = last_self_check(&self.conn).map_err(sql_err)?;
        insert_self_check(&self.conn, t_ms, ratings).map_err(sql_err)?;
        Ok(previous)
    }

    pub fn last_self_check(&self) -> Option<SelfCheck> {
        last_self_check(&self.conn).ok().flatten()
    }

    /// How much outside help the task received.
    pub fn task_help(&self, task: &Task, outside: &[Class]) -> Result<Help, String> {
        help(&self.conn, task.id, outside).map_err(sql_err)
    }

    /// How much outside help each manual task finished since `since_ms` received (none when the
    /// store cannot say).
    pub fn manual_finished_since(&self, since_ms: i64, outside: &[Class]) -> Vec<Help> {
        manual_finished_since(&self.conn, since_ms, outside).unwrap_or_default()
    }

    /// The task with this id, if any.
    pub fn task(&self, id: i64) -> Result<Option<Task>, String> {
        let root: Option<String> = self
            .conn
            .query_row("SELECT root FROM tasks WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(sql_err)?;
        let Some(root) = root else { return Ok(None) };
        tasks::list(&self.conn, &root)
            .map(|ts| ts.into_iter().find(|t| t.id == id))
            .map_err(sql_err)
    }

    pub fn running_audit(&self) -> Result<Option<Audit>, String> {
        running_audit(&self.conn).map_err(sql_err)
    }

    pub fn last_finished_audit(&self) -> Result<Option<Audit>, String> {
        last_finished_audit(&self.conn).map_err(sql_err)
    }

    pub fn audit_state(&self) -> AuditState {
        audit_state(&self.conn).unwrap_or_default()
    }

    /// Starts an audit of `skill` in `root`: its manual task (named `task_name`) and its row.
    pub fn start_audit(
        &mut self,
        root: &str,
        skill: &str,
        task_name: &str,
        now_ms: i64,
    ) -> Result<(Audit, Task), String> {
        let task =
            tasks::start(&mut self.conn, root, task_name, true, None, now_ms).map_err(sql_err)?;
        self.conn
            .execute(
                "INSERT INTO audits (root, skill, task_id, started_ms) VALUES (?1, ?2, ?3, ?4)",
                params![root, skill.trim(), task.id, now_ms],
            )
            .map_err(sql_err)?;
        let id = self.conn.last_insert_rowid();
        let a = self
            .conn
            .query_row(
                &format!("SELECT {AUDIT_COLUMNS} FROM audits WHERE id = ?1"),
                [id],
                audit,
            )
            .map_err(sql_err)?;
        Ok((a, task))
    }

    /// Finishes audit `a`: its manual task (wherever it is, active or paused) and the row, with
    /// the number of gaps. Returns the task as finished.
    pub fn finish_audit(
        &mut self,
        a: &Audit,
        gaps: u32,
        now_ms: i64,
    ) -> Result<Option<Task>, String> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql_err)?;
        if let Some(id) = a.task_id {
            tx.execute(
                "UPDATE tasks SET state = 'finished', finished_ms = ?2 WHERE id = ?1 AND state <> 'finished'",
                params![id, now_ms],
            )
            .map_err(sql_err)?;
        }
        tx.execute(
            "UPDATE audits SET finished_ms = ?2, gaps = ?3 WHERE id = ?1",
            params![a.id, now_ms, gaps],
        )
        .map_err(sql_err)?;
        tx.commit().map_err(sql_err)?;
        match a.task_id {
            Some(id) => self.task(id),
            None => Ok(None),
        }
    }
}

impl Store {
    /// Records a self-check (the LSP command); returns the one before it, if any.
    pub fn record_self_check(&self, ratings: [u8; 5]) -> Result<Option<SelfCheck>, String> {
        let now = chrono::Utc::now().timestamp_millis();
        self.run(move |c| {
            let previous = last_self_check(c).map_err(sql_err)?;
            insert_self_check(c, now, ratings).map_err(sql_err)?;
            Ok(previous)
        })
        .unwrap_or_else(|| Err(super::handle::no_answer()))
    }

    /// The last self-check, if any.
    pub fn last_self_check(&self) -> Option<SelfCheck> {
        self.run(|c| last_self_check(c).ok().flatten()).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Db {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn).unwrap();
        Db { conn }
    }

    fn edit(db: &Db, task: i64, t: i64, class: &str, n: i64) {
        db.conn
            .execute_batch(
                "INSERT OR IGNORE INTO sessions (id, started_ms, kind, pid, encoding) VALUES (1, 0, 'lsp', 1, 'utf-8');
                 INSERT OR IGNORE INTO documents (id, subject) VALUES (1, 'file:///ws/a');",
            )
            .unwrap();
        db.conn
            .execute(
                "INSERT INTO edits (session_id, seq, document_id, t_ms, source, version, change_index, line, col, end_line, end_col, inserted, deleted, text_hash, class, confidence, evidence_code, counted, task_id)
                 VALUES (1, ?1, 1, ?1, 'change', 1, 0, 0, 0, 0, 0, ?2, 0, 0, ?3, 1.0, 255, 1, ?4)",
                params![t, n, class, task],
            )
            .unwrap();
        crate::store::segments::rebuild(&db.conn).unwrap();
    }

    const OUTSIDE: [Class; 3] = [Class::Paste, Class::Completion, Class::Agent];

    #[test]
    fn self_checks_keep_the_previous_one() {
        let db = db();
        assert_eq!(db.record_self_check(1, [1, 2, 3, 4, 5]).unwrap(), None);
        let prev = db.record_self_check(2, [5, 5, 5, 5, 5]).unwrap().unwrap();
        assert_eq!(prev.ratings, [1, 2, 3, 4, 5]);
        assert_eq!(db.last_self_check().unwrap().t_ms, 2);
    }

    #[test]
    fn how_much_help_manual_tasks_received() {
        let mut db = db();
        let kept = db.start_task("/ws", "kept", true, None).unwrap();
        edit(&db, kept.id, 1, "typed", 1000);
        edit(&db, kept.id, 2, "paste", 10);
        db.finish_task("/ws").unwrap();
        let broken = db.start_task("/ws", "broken", true, None).unwrap();
        edit(&db, broken.id, 3, "typed", 100);
        edit(&db, broken.id, 4, "completion", 50);
        db.finish_task("/ws").unwrap();
        let h = db.task_help(&broken, &OUTSIDE).unwrap();
        assert_eq!((h.work, h.outside), (150, 50));
        let h = db.task_help(&kept, &OUTSIDE).unwrap();
        assert_eq!((h.work, h.outside), (1010, 10));
        assert_eq!(db.manual_finished_since(0, &OUTSIDE).len(), 2);
        assert!(db.manual_finished_since(i64::MAX, &OUTSIDE).is_empty());
    }

    #[test]
    fn audits_run_as_manual_tasks() {
        let mut db = db();
        assert_eq!(db.audit_state(), AuditState::default());
        let (a, t) = db
            .start_audit("/ws", "a parser", "audit: a parser", 1_000)
            .unwrap();
        assert_eq!((t.name.as_str(), t.manual), ("audit: a parser", true));
        assert_eq!(db.running_audit().unwrap().unwrap().id, a.id);
        // Another task pauses the audit's; finishing the audit still finishes its task.
        db.start_task("/ws", "other", false, None).unwrap();
        let done = db.finish_audit(&a, 3, 2_000).unwrap().unwrap();
        assert_eq!(
            (done.state, done.finished_ms),
            (crate::tasks::TaskState::Finished, Some(2_000))
        );
        assert_eq!(db.running_audit().unwrap(), None);
        let last = db.last_finished_audit().unwrap().unwrap();
        assert_eq!((last.gaps, last.finished_ms), (Some(3), Some(2_000)));
        let s = db.audit_state();
        assert_eq!(
            (s.last_finished_ms, s.running, s.history_since_ms),
            (Some(2_000), false, Some(1_000))
        );
    }
}
