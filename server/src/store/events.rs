//! Every event as one row, whether the store keeps it in `edits` or inside a typed run: what
//! the readers that need single events (a report's timed work, the boundary segment of a
//! split, the tests) read. Stores older than schema 8 have no runs and keep evidence in words.

use rusqlite::{Connection, Row};

use super::runs;
use crate::classify::{Class, Evidence};

/// One event as the store keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub session_id: i64,
    pub seq: i64,
    pub document_id: i64,
    pub t_ms: i64,
    pub source: String,
    pub version: i64,
    pub change_index: i64,
    pub line: i64,
    pub inserted: u32,
    pub deleted: u32,
    /// 0 for typed characters kept in runs: the hash of one character gives it back.
    pub text_hash: i64,
    /// `None` for a class this mindgap does not know.
    pub class: Option<Class>,
    pub confidence: f64,
    /// `None` for a reason the store could not read back.
    pub evidence: Option<Evidence>,
    pub counted: bool,
    pub undone: bool,
    pub task_id: Option<i64>,
}

/// Whether the store has schema 8's runs (and evidence as codes).
pub(super) fn has_runs(c: &Connection) -> rusqlite::Result<bool> {
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(v >= 8)
}

fn edit_row(r: &Row<'_>, v8: bool) -> rusqlite::Result<EventRow> {
    let evidence = if v8 {
        let code: i64 = r.get(13)?;
        let n: i64 = r.get(14)?;
        Evidence::from_code(code as u8, n as u32)
    } else {
        None
    };
    Ok(EventRow {
        session_id: r.get(0)?,
        seq: r.get(1)?,
        document_id: r.get(2)?,
        t_ms: r.get(3)?,
        source: r.get(4)?,
        version: r.get(5)?,
        change_index: r.get(6)?,
        line: r.get(7)?,
        inserted: r.get::<_, i64>(8)?.max(0) as u32,
        deleted: r.get::<_, i64>(9)?.max(0) as u32,
        text_hash: r.get(10)?,
        class: Class::parse(&r.get::<_, String>(11)?),
        confidence: r.get(12)?,
        evidence,
        counted: r.get(15)?,
        undone: r.get(16)?,
        task_id: r.get(17)?,
    })
}

/// The events matching `edits_where` (on `edits`) and `runs_where` (on `runs`), with the
/// parameters `p`, each run's events kept when `keep` says so.
fn select(
    c: &Connection,
    edits_where: &str,
    runs_where: &str,
    p: &[&dyn rusqlite::ToSql],
    keep: impl Fn(&runs::RunEvent) -> bool,
) -> rusqlite::Result<Vec<EventRow>> {
    let v8 = has_runs(c)?;
    // Schema 7 recorded undos; an older store read before it is migrated has no such column.
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let undone = if version >= 7 { "undone" } else { "0" };
    let evidence = if v8 {
        "evidence_code, evidence_n"
    } else {
        "0, 0"
    };
    let sql = format!(
        "SELECT session_id, seq, document_id, t_ms, source, version, change_index, line, inserted,
                deleted, text_hash, class, confidence, {evidence}, counted, {undone}, task_id
         FROM edits WHERE {edits_where}"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let mut out: Vec<EventRow> = stmt
        .query_map(p, |r| edit_row(r, v8))?
        .collect::<Result<_, _>>()?;
    if !v8 {
        return Ok(out);
    }
    let sql = format!(
        "SELECT session_id, seq_first, document_id, task_id, t_first_ms, detail FROM runs WHERE {runs_where}"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, Vec<u8>>(5)?,
        ))
    })?;
    for row in rows {
        let (session_id, seq_first, document_id, task_id, t_first, detail) = row?;
        for e in runs::decode(seq_first, t_first, &detail) {
            if keep(&e) {
                out.push(from_run(session_id, document_id, task_id, &e));
            }
        }
    }
    Ok(out)
}

/// A run's event as a row.
pub(super) fn from_run(
    session_id: i64,
    document_id: i64,
    task_id: Option<i64>,
    e: &runs::RunEvent,
) -> EventRow {
    EventRow {
        session_id,
        seq: e.seq,
        document_id,
        t_ms: e.t_ms,
        source: "change".into(),
        version: e.version,
        change_index: i64::from(e.change),
        line: i64::from(e.line),
        inserted: e.inserted,
        deleted: e.deleted,
        text_hash: 0,
        class: Some(Class::Typed),
        confidence: f64::from(e.confidence),
        evidence: e.evidence(),
        counted: true,
        undone: false,
        task_id,
    }
}

/// The events of `task`, in time order (ties in session and sequence order); with `within`,
/// only those from its first time to before its second.
pub(super) fn of_task(
    c: &Connection,
    task: i64,
    within: Option<(i64, i64)>,
) -> rusqlite::Result<Vec<EventRow>> {
    let (from, to) = within.unwrap_or((i64::MIN, i64::MAX));
    let mut out = select(
        c,
        "task_id = ?1 AND t_ms >= ?2 AND t_ms < ?3",
        "task_id = ?1 AND t_last_ms >= ?2 AND t_first_ms < ?3",
        &[&task, &from, &to],
        |e| e.t_ms >= from && e.t_ms < to,
    )?;
    sort_by_time(&mut out);
    Ok(out)
}

/// The events since `since_ms`, in time order.
pub(super) fn since(c: &Connection, since_ms: i64) -> rusqlite::Result<Vec<EventRow>> {
    let mut out = select(c, "t_ms >= ?1", "t_last_ms >= ?1", &[&since_ms], |e| {
        e.t_ms >= since_ms
    })?;
    sort_by_time(&mut out);
    Ok(out)
}

/// Every event, in session and sequence order.
pub(super) fn all(c: &Connection) -> rusqlite::Result<Vec<EventRow>> {
    let mut out = select(c, "1", "1", &[], |_| true)?;
    out.sort_by_key(|e| (e.session_id, e.seq));
    Ok(out)
}

fn sort_by_time(rows: &mut [EventRow]) {
    rows.sort_by_key(|e| (e.t_ms, e.session_id, e.seq));
}
