//! Later insights about events already handed to the writer: a changed decision
//! (`Emitted::Amend`) or an undo taking an insertion back (`Emitted::Undone`). An event inside a
//! typed run first comes out of it, exactly (the run before it, the event as an `edits` row, the
//! run after it); the task's segments follow the change.

use rusqlite::{OptionalExtension, Transaction, params};

use super::runs::{Run, RunEvent};
use super::segments::Segments;
use crate::classify::Class;
use crate::events::Emitted;

/// Applies `emitted` (an amendment or an undo mark) to event `seq` of the session, wherever it
/// is: in the open run `open`, in a written run, or in `edits`.
pub(super) fn revise(
    tx: &Transaction<'_>,
    session_id: i64,
    emitted: &Emitted,
    open: &mut Option<Run>,
    segs: &mut Segments,
) -> rusqlite::Result<()> {
    let seq = match emitted {
        Emitted::Amend(a) => a.id as i64,
        Emitted::Undone(u) => u.id as i64,
        Emitted::Event(_) => return Ok(()),
    };
    let in_open = open.as_ref().is_some_and(|r| r.contains(session_id, seq));
    let mut run = if in_open {
        open.take()
    } else {
        Run::find(tx, session_id, seq)?
    };
    if let Some(r) = run.as_mut() {
        let e = r.split_out(tx, seq)?;
        insert_event(tx, r, &e)?;
    }
    let old = tx
        .prepare_cached(
            "SELECT t_ms, inserted, class, counted, undone, task_id FROM edits
             WHERE session_id = ?1 AND seq = ?2",
        )?
        .query_row(params![session_id, seq], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })
        .optional()?;
    let (new_class, new_undone) =
        match emitted {
            Emitted::Amend(a) => {
                let d = a.decision;
                let (code, n) = d.evidence.code();
                tx.prepare_cached(
                "UPDATE edits SET class = ?3, confidence = ?4, evidence_code = ?5, evidence_n = ?6
                 WHERE session_id = ?1 AND seq = ?2",
            )?
            .execute(params![session_id, seq, d.class.as_str(), d.confidence, code, n])?;
                (Some(d.class), None)
            }
            Emitted::Undone(u) => {
                tx.prepare_cached(
                    "UPDATE edits SET undone = ?3 WHERE session_id = ?1 AND seq = ?2",
                )?
                .execute(params![session_id, seq, u.undone])?;
                (None, Some(u.undone))
            }
            Emitted::Event(_) => (None, None),
        };
    let Some((t_ms, inserted, class, counted, undone, Some(task))) = old else {
        return Ok(());
    };
    let Some(class) = Class::parse(&class) else {
        return Ok(());
    };
    if !counted {
        return Ok(());
    }
    if !undone {
        segs.revise(tx, task, t_ms, class, -inserted)?;
    }
    if !new_undone.unwrap_or(undone) {
        segs.revise(tx, task, t_ms, new_class.unwrap_or(class), inserted)?;
    }
    Ok(())
}

/// Writes a run's event as an `edits` row of its own.
fn insert_event(tx: &Transaction<'_>, run: &Run, e: &RunEvent) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO edits (session_id, seq, document_id, t_ms, source, version, change_index,
                            line, col, end_line, end_col, inserted, deleted, text_hash, class,
                            confidence, evidence_code, evidence_n, counted, task_id)
         VALUES (?1, ?2, ?3, ?4, 'change', ?5, ?6, ?7, 0, ?7, 0, ?8, ?9, 0, 'typed', ?10, ?11, ?12, 1, ?13)",
    )?
    .execute(params![
        run.session_id,
        e.seq,
        run.document_id,
        e.t_ms,
        e.version,
        e.change,
        e.line,
        e.inserted,
        e.deleted,
        e.confidence,
        e.evidence.0,
        e.evidence.1,
        run.task_id
    ])?;
    Ok(())
}
