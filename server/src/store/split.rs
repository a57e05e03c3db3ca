//! A task's work from its segments (`segments.rs`): totals without reading its events, and the
//! exact 80/20 split reading only the events of the segment the boundary falls in. Stores older
//! than schema 8 (read before they are migrated) are read event by event, as before.

use rusqlite::Connection;

use super::events::{self, EventRow};
use crate::classify::Class;
use crate::tasks::ratio::{EARLY, Split, Work};

/// One segment's work: typed and outside-help characters.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Seg {
    start: i64,
    typed: u64,
    outside: u64,
}

fn is_outside(class: Class, outside: &[Class]) -> bool {
    outside.contains(&class)
}

/// The task's segments, in time order.
fn segments(c: &Connection, task: i64, outside: &[Class]) -> rusqlite::Result<Vec<Seg>> {
    let mut stmt = c.prepare_cached(
        "SELECT seg_ms, class, chars FROM task_work WHERE task_id = ?1 ORDER BY seg_ms",
    )?;
    let rows = stmt.query_map([task], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out: Vec<Seg> = Vec::new();
    for row in rows {
        let (start, class, n) = row?;
        if out.last().is_none_or(|s| s.start != start) {
            out.push(Seg {
                start,
                ..Seg::default()
            });
        }
        let seg = out.last_mut().expect("just pushed");
        let n = n.max(0) as u64;
        match Class::parse(&class) {
            Some(k) if is_outside(k, outside) => seg.outside += n,
            Some(Class::Typed) => seg.typed += n,
            _ => {}
        }
    }
    Ok(out)
}

/// The work of event rows (typed and outside help, counted, in effect), in their order.
pub(super) fn work_of(rows: &[EventRow], outside: &[Class]) -> Vec<Work> {
    rows.iter()
        .filter(|e| e.counted && !e.undone && e.inserted > 0)
        .filter_map(|e| {
            let class = e.class?;
            let o = is_outside(class, outside);
            (o || class == Class::Typed).then_some(Work {
                chars: u64::from(e.inserted),
                outside: o,
            })
        })
        .collect()
}

/// The task's total work, in characters (typed and outside help, then outside help).
pub(super) fn total(c: &Connection, task: i64, outside: &[Class]) -> rusqlite::Result<(u64, u64)> {
    if !events::has_runs(c)? {
        let w = work_of(&events::of_task(c, task, None)?, outside);
        let o = w.iter().filter(|w| w.outside).map(|w| w.chars).sum();
        return Ok((w.iter().map(|w| w.chars).sum(), o));
    }
    let segs = segments(c, task, outside)?;
    Ok((
        segs.iter().map(|s| s.typed + s.outside).sum(),
        segs.iter().map(|s| s.outside).sum(),
    ))
}

/// The task's split against `expected` (`None` once finished), exactly as [`Split::of`] over
/// all its events: order matters only in the segment where the early part ends.
pub(super) fn split(
    c: &Connection,
    task: i64,
    outside: &[Class],
    expected: Option<u64>,
) -> rusqlite::Result<Split> {
    if !events::has_runs(c)? {
        let rows = events::of_task(c, task, None)?;
        return Ok(Split::of(work_of(&rows, outside), expected));
    }
    let segs = segments(c, task, outside)?;
    let total: u64 = segs.iter().map(|s| s.typed + s.outside).sum();
    let size = expected.map_or(total, |e| e.max(total)) as f64;
    let boundary = EARLY * size;
    let mut items = Vec::with_capacity(segs.len() * 2 + 64);
    let mut done = 0u64;
    for (i, s) in segs.iter().enumerate() {
        let after = done + s.typed + s.outside;
        if (done as f64) < boundary && boundary < after as f64 {
            let from = if i == 0 { i64::MIN } else { s.start };
            let to = segs.get(i + 1).map_or(i64::MAX, |n| n.start);
            let rows = events::of_task(c, task, Some((from, to)))?;
            items.extend(work_of(&rows, outside));
        } else {
            items.push(Work {
                chars: s.typed,
                outside: false,
            });
            items.push(Work {
                chars: s.outside,
                outside: true,
            });
        }
        done = after;
    }
    Ok(Split::of(items, expected))
}
