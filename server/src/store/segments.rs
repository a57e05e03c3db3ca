//! A task's work in segments (`task_work`), kept by the writer in the same transaction as the
//! events, so the status line never sums a task's rows.
//!
//! A task's counted insertions still in effect (every class: which classes are outside help is
//! the configuration's call) are cut by time into segments of about [`SEGMENT`] characters: a
//! segment starting at `seg_ms` holds the events from `seg_ms` to the next segment's start (the
//! first one also what came before it). Totals and the expected size come from the sums; the
//! 80/20 split needs the events of one segment only, the one the boundary falls in
//! (`split.rs`).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::classify::Class;

/// About how many characters a segment holds before the next one starts.
pub(super) const SEGMENT: i64 = 2_000;

/// The last segment of a task as this batch knows it.
#[derive(Clone, Copy, Debug)]
struct Last {
    start: i64,
    chars: i64,
    /// The latest event time in it (or later): a new segment starts after it.
    t_max: i64,
}

/// The changes a batch makes to `task_work`, written with it ([`Segments::write`]).
#[derive(Default)]
pub(super) struct Segments {
    deltas: HashMap<(i64, i64, Class), i64>,
    last: HashMap<i64, Option<Last>>,
    /// Segments this batch started, per task, in order.
    started: HashMap<i64, Vec<i64>>,
}

impl Segments {
    /// A new event: `chars` of `class` at `t_ms` in `task` (in time order within the batch).
    pub(super) fn add(
        &mut self,
        c: &Connection,
        task: i64,
        t_ms: i64,
        class: Class,
        chars: i64,
    ) -> rusqlite::Result<()> {
        if chars <= 0 {
            return Ok(());
        }
        let last = match self.last.get(&task) {
            Some(l) => *l,
            None => {
                let l = load_last(c, task)?;
                self.last.insert(task, l);
                l
            }
        };
        let seg = match last {
            Some(l) if t_ms < l.start => self.find(c, task, t_ms)?,
            Some(l) if l.chars < SEGMENT || t_ms <= l.t_max => {
                self.last.insert(
                    task,
                    Some(Last {
                        chars: l.chars + chars,
                        t_max: l.t_max.max(t_ms),
                        ..l
                    }),
                );
                l.start
            }
            _ => {
                self.last.insert(
                    task,
                    Some(Last {
                        start: t_ms,
                        chars,
                        t_max: t_ms,
                    }),
                );
                self.started.entry(task).or_default().push(t_ms);
                t_ms
            }
        };
        *self.deltas.entry((task, seg, class)).or_default() += chars;
        Ok(())
    }

    /// A changed decision about an event already counted: `chars` (negative to take them
    /// away) of `class` in the segment its time `t_ms` falls in.
    pub(super) fn revise(
        &mut self,
        c: &Connection,
        task: i64,
        t_ms: i64,
        class: Class,
        chars: i64,
    ) -> rusqlite::Result<()> {
        if chars == 0 {
            return Ok(());
        }
        let seg = self.find(c, task, t_ms)?;
        *self.deltas.entry((task, seg, class)).or_default() += chars;
        Ok(())
    }

    /// The start of the segment `t_ms` falls in (the first one for a time before them all; a
    /// new one at `t_ms` when the task has none).
    fn find(&mut self, c: &Connection, task: i64, t_ms: i64) -> rusqlite::Result<i64> {
        if let Some(s) = self
            .started
            .get(&task)
            .and_then(|v| v.iter().rev().find(|s| **s <= t_ms))
        {
            return Ok(*s);
        }
        let found: Option<i64> = c
            .prepare_cached(
                "SELECT coalesce((SELECT max(seg_ms) FROM task_work WHERE task_id = ?1 AND seg_ms <= ?2),
                                 (SELECT min(seg_ms) FROM task_work WHERE task_id = ?1))",
            )?
            .query_row(params![task, t_ms], |r| r.get(0))?;
        let first_new = self.started.get(&task).and_then(|v| v.first().copied());
        Ok(match (found, first_new) {
            (Some(s), _) => s,
            (None, Some(s)) => s,
            (None, None) => {
                self.last.insert(
                    task,
                    Some(Last {
                        start: t_ms,
                        chars: 0,
                        t_max: t_ms,
                    }),
                );
                self.started.entry(task).or_default().push(t_ms);
                t_ms
            }
        })
    }

    /// Writes the batch's changes and forgets them (and what it knew of the last segments:
    /// another process may write the same task between batches).
    pub(super) fn write(&mut self, c: &Connection) -> rusqlite::Result<()> {
        let mut put = c.prepare_cached(
            "INSERT INTO task_work (task_id, seg_ms, class, chars) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(task_id, seg_ms, class) DO UPDATE SET chars = chars + excluded.chars",
        )?;
        for ((task, seg, class), n) in self.deltas.drain() {
            if n != 0 {
                put.execute(params![task, seg, class.as_str(), n])?;
            }
        }
        self.last.clear();
        self.started.clear();
        Ok(())
    }

    pub(super) fn clear(&mut self) {
        self.deltas.clear();
        self.last.clear();
        self.started.clear();
    }
}

/// The task's last segment: its start, its characters, and the latest event time in it.
fn load_last(c: &Connection, task: i64) -> rusqlite::Result<Option<Last>> {
    let seg: Option<(i64, i64)> = c
        .prepare_cached(
            "SELECT seg_ms, sum(chars) FROM task_work WHERE task_id = ?1
             AND seg_ms = (SELECT max(seg_ms) FROM task_work WHERE task_id = ?1)",
        )?
        .query_row([task], |r| {
            Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?))
        })
        .optional()?
        .and_then(|(s, n)| Some((s?, n.unwrap_or(0))));
    let Some((start, chars)) = seg else {
        return Ok(None);
    };
    let t_max: Option<i64> = c
        .prepare_cached(
            "SELECT max(coalesce((SELECT max(t_ms) FROM edits WHERE task_id = ?1),  ?2),
                        coalesce((SELECT max(t_last_ms) FROM runs WHERE task_id = ?1), ?2))",
        )?
        .query_row(params![task, start], |r| r.get(0))?;
    Ok(Some(Last {
        start,
        chars,
        t_max: t_max.unwrap_or(start),
    }))
}

/// Rebuilds `task_work` from the events (the migration, and stores seeded by hand in tests).
pub(super) fn rebuild(c: &Connection) -> rusqlite::Result<()> {
    c.execute("DELETE FROM task_work", [])?;
    let tasks: Vec<i64> = c
        .prepare("SELECT id FROM tasks ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for task in tasks {
        let mut segs = Segments::default();
        for e in super::events::of_task(c, task, None)? {
            if let (true, Some(class)) = (e.counted && !e.undone, e.class) {
                segs.add(c, task, e.t_ms, class, i64::from(e.inserted))?;
            }
        }
        segs.write(c)?;
    }
    Ok(())
}
