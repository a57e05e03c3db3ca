//! Tasks in SQL (SPEC section 5): started, paused, resumed and finished by the CLI, the LSP
//! commands and the writer (which files each batch of edits under the workspace's current task,
//! as [`crate::tasks::current`] says). The store is the source of truth, so every editor and the
//! CLI see the same task.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::classify::Class;
use crate::tasks::{self, Current, Implied, ImpliedKind, Task, TaskState};

/// The columns [`task`] reads, in its order.
pub(super) const COLUMNS: &str =
    "id, root, name, implied, manual, estimate_lines, state, started_ms, finished_ms";

/// A task from a row selected with [`COLUMNS`].
pub(super) fn task(r: &Row<'_>) -> rusqlite::Result<Task> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            Type::Text,
            format!("not a task {what}").into(),
        )
    };
    let state: String = r.get(6)?;
    let implied: Option<String> = r.get(3)?;
    Ok(Task {
        id: r.get(0)?,
        root: r.get(1)?,
        name: r.get(2)?,
        implied: match implied {
            None => None,
            Some(k) => Some(ImpliedKind::parse(&k).ok_or_else(|| bad(3, "kind"))?),
        },
        manual: r.get(4)?,
        estimate_lines: r.get::<_, Option<i64>>(5)?.map(|n| n.max(0) as u64),
        state: TaskState::parse(&state).ok_or_else(|| bad(6, "state"))?,
        started_ms: r.get(7)?,
        finished_ms: r.get(8)?,
    })
}

fn one(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<Option<Task>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM tasks WHERE {sql}"), p, task)
        .optional()
}

pub(super) fn active(conn: &Connection, root: &str) -> rusqlite::Result<Option<Task>> {
    one(
        conn,
        "root = ?1 AND state = 'active' ORDER BY id DESC LIMIT 1",
        [root],
    )
}

/// The unfinished task of that name, else the last finished one.
pub(super) fn by_name(conn: &Connection, root: &str, name: &str) -> rusqlite::Result<Option<Task>> {
    one(
        conn,
        "root = ?1 AND name = ?2 ORDER BY (state = 'finished'), id DESC LIMIT 1",
        [root, name],
    )
}

/// The unfinished tasks of `root` (active or paused).
pub(super) fn open(conn: &Connection, root: &str) -> rusqlite::Result<Vec<Task>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tasks WHERE root = ?1 AND state <> 'finished' ORDER BY id"
    ))?;
    stmt.query_map([root], task)?.collect()
}

/// The task a readout of `root` describes ([`tasks::shown`]).
pub(super) fn shown(
    conn: &Connection,
    root: &str,
    implied: &Implied,
) -> rusqlite::Result<Option<Task>> {
    let open = open(conn, root)?;
    let last = last_finished(conn, root)?;
    Ok(tasks::shown(&open, implied, last.as_ref()).cloned())
}

pub(super) fn last_finished(conn: &Connection, root: &str) -> rusqlite::Result<Option<Task>> {
    one(
        conn,
        "root = ?1 AND state = 'finished' ORDER BY finished_ms DESC, id DESC LIMIT 1",
        [root],
    )
}

pub(super) fn list(conn: &Connection, root: &str) -> rusqlite::Result<Vec<Task>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM tasks WHERE root = ?1 ORDER BY started_ms, id"
    ))?;
    stmt.query_map([root], task)?.collect()
}

/// Starts (or resumes) the explicit task `name`, pausing whatever else was active in `root`.
pub(super) fn start(
    conn: &mut Connection,
    root: &str,
    name: &str,
    manual: bool,
    estimate_lines: Option<u64>,
    now_ms: i64,
) -> rusqlite::Result<Task> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE tasks SET state = 'paused' WHERE root = ?1 AND state = 'active' AND name <> ?2",
        [root, name],
    )?;
    let existing = one(
        &tx,
        "root = ?1 AND name = ?2 AND state <> 'finished' ORDER BY id DESC LIMIT 1",
        [root, name],
    )?;
    let id = match existing {
        Some(t) => {
            tx.execute(
                "UPDATE tasks SET state = 'active', manual = ?2, estimate_lines = COALESCE(?3, estimate_lines) WHERE id = ?1",
                params![t.id, manual || t.manual, estimate_lines.map(|n| n as i64)],
            )?;
            t.id
        }
        None => {
            tx.execute(
                "INSERT INTO tasks (root, name, implied, manual, estimate_lines, state, started_ms)
                 VALUES (?1, ?2, NULL, ?3, ?4, 'active', ?5)",
                params![root, name, manual, estimate_lines.map(|n| n as i64), now_ms],
            )?;
            tx.last_insert_rowid()
        }
    };
    let t = one(&tx, "id = ?1", [id])?.expect("just written");
    tx.commit()?;
    Ok(t)
}

/// Finishes the active task of `root`, if there is one.
pub(super) fn finish(
    conn: &mut Connection,
    root: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<Task>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(t) = active(&tx, root)? else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE tasks SET state = 'finished', finished_ms = ?2 WHERE id = ?1",
        params![t.id, now_ms],
    )?;
    let t = one(&tx, "id = ?1", [t.id])?;
    tx.commit()?;
    Ok(t)
}

/// The task new edits in `root` belong to ([`tasks::current`]): the explicit active one, else
/// the implied task — found or created, made active, and every other active task paused (so
/// switching branches pauses one task and resumes another).
pub(super) fn current_for_edits(
    conn: &Connection,
    root: &str,
    implied: &Implied,
    now_ms: i64,
) -> rusqlite::Result<i64> {
    let open = open(conn, root)?;
    let id = match tasks::current(&open, implied) {
        Current::Explicit(t) => return Ok(t.id),
        Current::Implied(t) if t.state == TaskState::Active => return Ok(t.id),
        Current::Implied(t) => {
            conn.execute("UPDATE tasks SET state = 'active' WHERE id = ?1", [t.id])?;
            t.id
        }
        Current::NotYet => {
            conn.execute(
                "INSERT INTO tasks (root, name, implied, manual, state, started_ms) VALUES (?1, ?2, ?3, 0, 'active', ?4)",
                params![root, implied.name, implied.kind.as_str(), now_ms],
            )?;
            conn.last_insert_rowid()
        }
    };
    conn.execute(
        "UPDATE tasks SET state = 'paused' WHERE root = ?1 AND state = 'active' AND id <> ?2",
        params![root, id],
    )?;
    Ok(id)
}

/// Work of the last ten tasks finished in `root`, newest first (for expected sizes).
pub(super) fn recent_finished_work(
    conn: &Connection,
    root: &str,
    outside: &[Class],
) -> rusqlite::Result<Vec<u64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM tasks WHERE root = ?1 AND state = 'finished' ORDER BY finished_ms DESC LIMIT 10",
    )?;
    let ids: Vec<i64> = stmt
        .query_map([root], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.into_iter()
        .map(|id| Ok(super::split::total(conn, id, outside)?.0))
        .collect()
}

/// A struggle window: time to try things yourself before asking for help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Struggle {
    pub started_ms: i64,
    pub ends_ms: i64,
    pub attempts: u32,
}

/// Starts a struggle window of `minutes` in `root` (replacing one still running).
pub(super) fn start_struggle(
    conn: &Connection,
    root: &str,
    minutes: u32,
    now_ms: i64,
) -> rusqlite::Result<Struggle> {
    conn.execute(
        "UPDATE struggles SET ends_ms = ?2 WHERE root = ?1 AND ends_ms > ?2",
        params![root, now_ms],
    )?;
    let ends = now_ms + i64::from(minutes) * 60_000;
    conn.execute(
        "INSERT INTO struggles (root, started_ms, ends_ms, attempts) VALUES (?1, ?2, ?3, 0)",
        params![root, now_ms, ends],
    )?;
    Ok(Struggle {
        started_ms: now_ms,
        ends_ms: ends,
        attempts: 0,
    })
}

/// The struggle window running in `root` at `now_ms`, if any.
pub(super) fn struggle(
    conn: &Connection,
    root: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<Struggle>> {
    conn.query_row(
        "SELECT started_ms, ends_ms, attempts FROM struggles WHERE root = ?1 AND started_ms <= ?2 AND ends_ms > ?2 ORDER BY id DESC LIMIT 1",
        params![root, now_ms],
        |r| Ok(Struggle { started_ms: r.get(0)?, ends_ms: r.get(1)?, attempts: r.get::<_, i64>(2)?.max(0) as u32 }),
    )
    .optional()
}

/// Counts an attempt (a save after typed changes) in the running struggle window, if any.
pub(super) fn struggle_attempt(conn: &Connection, root: &str, now_ms: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE struggles SET attempts = attempts + 1 WHERE root = ?1 AND started_ms <= ?2 AND ends_ms > ?2",
        params![root, now_ms],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn branch(name: &str) -> Implied {
        Implied {
            name: name.into(),
            kind: ImpliedKind::Branch,
        }
    }

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn).unwrap();
        conn
    }

    #[test]
    fn explicit_tasks_win_and_branches_pause_and_resume() {
        let mut c = db();
        let a = current_for_edits(&c, "/ws", &branch("feature-a"), 1).unwrap();
        assert_eq!(
            current_for_edits(&c, "/ws", &branch("feature-a"), 2).unwrap(),
            a
        );
        // Switching branches pauses one task and resumes (or starts) another.
        let b = current_for_edits(&c, "/ws", &branch("feature-b"), 3).unwrap();
        assert_ne!(a, b);
        assert_eq!(
            by_name(&c, "/ws", "feature-a").unwrap().unwrap().state,
            TaskState::Paused
        );
        assert_eq!(
            current_for_edits(&c, "/ws", &branch("feature-a"), 4).unwrap(),
            a
        );
        assert_eq!(
            by_name(&c, "/ws", "feature-b").unwrap().unwrap().state,
            TaskState::Paused
        );
        // An explicit task takes over until finished.
        let t = start(&mut c, "/ws", "parser", true, Some(50), 5).unwrap();
        assert_eq!(
            (t.state, t.manual, t.estimate_lines),
            (TaskState::Active, true, Some(50))
        );
        assert_eq!(
            current_for_edits(&c, "/ws", &branch("feature-a"), 6).unwrap(),
            t.id
        );
        assert_eq!(active(&c, "/ws").unwrap().unwrap().id, t.id);
        let done = finish(&mut c, "/ws", 7).unwrap().unwrap();
        assert_eq!(
            (done.state, done.finished_ms),
            (TaskState::Finished, Some(7))
        );
        assert_eq!(
            current_for_edits(&c, "/ws", &branch("feature-a"), 8).unwrap(),
            a
        );
        assert_eq!(last_finished(&c, "/ws").unwrap().unwrap().id, t.id);
        // Other workspaces are other tasks.
        assert_ne!(
            current_for_edits(&c, "/other", &branch("feature-a"), 9).unwrap(),
            a
        );
        assert_eq!(list(&c, "/ws").unwrap().len(), 3);
    }

    #[test]
    fn the_readout_describes_the_task_edits_go_to() {
        let c = db();
        let a = current_for_edits(&c, "/ws", &branch("feature-a"), 1).unwrap();
        let b = current_for_edits(&c, "/ws", &branch("feature-b"), 2).unwrap();
        // Back on feature-a, before any edit: its (paused) task is the current one for both.
        let shown_a = shown(&c, "/ws", &branch("feature-a")).unwrap().unwrap();
        assert_eq!(shown_a.id, a);
        assert_eq!(
            current_for_edits(&c, "/ws", &branch("feature-a"), 3).unwrap(),
            a
        );
        // A branch without a task yet: edits will create it; until then the readout shows the
        // task edits went to last.
        let shown_c = shown(&c, "/ws", &branch("feature-c")).unwrap().unwrap();
        assert_eq!(shown_c.id, a);
        assert_ne!(b, a);
    }

    #[test]
    fn struggle_windows_count_attempts_until_they_end() {
        let c = db();
        assert_eq!(struggle(&c, "/ws", 0).unwrap(), None);
        start_struggle(&c, "/ws", 20, 1_000).unwrap();
        struggle_attempt(&c, "/ws", 2_000).unwrap();
        struggle_attempt(&c, "/ws", 3_000).unwrap();
        let s = struggle(&c, "/ws", 4_000).unwrap().unwrap();
        assert_eq!((s.ends_ms, s.attempts), (1_201_000, 2));
        assert_eq!(
            struggle(&c, "/ws", 1_201_000).unwrap(),
            None,
            "over after 20 minutes"
        );
        struggle_attempt(&c, "/ws", 1_300_000).unwrap(); // no window: nothing to count
        assert_eq!(struggle(&c, "/other", 4_000).unwrap(), None);
    }
}
