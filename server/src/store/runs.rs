//! Typed runs: consecutive typed characters of one document, one task and one session, kept as
//! one row of `runs` with a compact per-event encoding (`detail`) instead of one `edits` row
//! each — the store grows by a few bytes per typed character, not a hundred and fifty.
//!
//! Each event of a run is a flag byte, then only what differs from the usual typed character
//! (seq +1, one character in, none out, version +1, same line, first change of its
//! notification, "one character" at 0.95), then the time since the previous event: most typed
//! characters take two or three bytes. No hash of what was typed is kept: the hash of one
//! character would give the character back.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::classify::{Class, Evidence};
use crate::events::{EditEvent, Source};

/// The most events one run holds, so rewriting its blob at each flush stays cheap.
pub(super) const MAX_EVENTS: usize = 1024;
/// The decision most typed characters get.
const USUAL: ((u8, u32), f32) = ((14, 0), 0.95);

const SEQ: u8 = 1;
const INSERTED: u8 = 2;
const DELETED: u8 = 4;
const VERSION: u8 = 8;
const LINE: u8 = 16;
const CHANGE: u8 = 32;
const DECISION: u8 = 64;

/// One typed event of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct RunEvent {
    pub seq: i64,
    pub t_ms: i64,
    pub version: i64,
    pub change: u32,
    pub line: u32,
    pub inserted: u32,
    pub deleted: u32,
    pub evidence: (u8, u32),
    pub confidence: f32,
}

impl RunEvent {
    /// The event as a run keeps it, if it belongs in one: typed by hand in the editor, counted.
    pub(super) fn of(e: &EditEvent, t_ms: i64) -> Option<RunEvent> {
        (e.class == Class::Typed && e.source == Source::Change && e.counted).then(|| RunEvent {
            seq: e.id as i64,
            t_ms,
            version: i64::from(e.version),
            change: e.change,
            line: e.span.start_line,
            inserted: e.inserted,
            deleted: e.deleted,
            evidence: e.evidence.code(),
            confidence: e.confidence,
        })
    }

    pub(super) fn evidence(&self) -> Option<Evidence> {
        Evidence::from_code(self.evidence.0, self.evidence.1)
    }
}

/// A run: where its row is (once written) and its events in order.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Run {
    pub rowid: Option<i64>,
    pub session_id: i64,
    pub document_id: i64,
    pub task_id: Option<i64>,
    pub events: Vec<RunEvent>,
    /// Events added since the row was last written.
    pub dirty: bool,
}

impl Run {
    pub(super) fn new(session_id: i64, document_id: i64, task_id: Option<i64>) -> Run {
        Run {
            rowid: None,
            session_id,
            document_id,
            task_id,
            events: Vec::new(),
            dirty: false,
        }
    }

    /// Whether `e` of that document, session and task continues this run.
    pub(super) fn continues(
        &self,
        session: i64,
        doc: i64,
        task: Option<i64>,
        e: &RunEvent,
    ) -> bool {
        self.session_id == session
            && self.document_id == doc
            && self.task_id == task
            && self.events.len() < MAX_EVENTS
            && self.events.last().is_some_and(|l| l.seq + 1 == e.seq)
    }

    pub(super) fn contains(&self, session: i64, seq: i64) -> bool {
        self.session_id == session
            && self.events.first().is_some_and(|f| f.seq <= seq)
            && self.events.last().is_some_and(|l| l.seq >= seq)
    }

    /// Writes the run: its row the first time, the same row after.
    pub(super) fn write(&mut self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        let (Some(first), Some(last)) = (self.events.first(), self.events.last()) else {
            if let Some(id) = self.rowid.take() {
                tx.prepare_cached("DELETE FROM runs WHERE id = ?1")?
                    .execute([id])?;
            }
            return Ok(());
        };
        let inserted: i64 = self.events.iter().map(|e| i64::from(e.inserted)).sum();
        let deleted: i64 = self.events.iter().map(|e| i64::from(e.deleted)).sum();
        let detail = encode(&self.events);
        let values = params![
            self.session_id,
            first.seq,
            last.seq,
            self.document_id,
            self.task_id,
            first.t_ms,
            last.t_ms,
            self.events.len() as i64,
            inserted,
            deleted,
            detail
        ];
        match self.rowid {
            Some(id) => {
                tx.prepare_cached(
                    "UPDATE runs SET session_id = ?1, seq_first = ?2, seq_last = ?3, document_id = ?4,
                     task_id = ?5, t_first_ms = ?6, t_last_ms = ?7, events = ?8, inserted = ?9,
                     deleted = ?10, detail = ?11 WHERE id = ?12",
                )?
                .execute(rusqlite::params_from_iter(
                    values.iter().copied().chain([&id as &dyn rusqlite::ToSql]),
                ))?;
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO runs (session_id, seq_first, seq_last, document_id, task_id,
                       t_first_ms, t_last_ms, events, inserted, deleted, detail)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(values)?;
                self.rowid = Some(tx.last_insert_rowid());
            }
        }
        self.dirty = false;
        Ok(())
    }

    /// The written run of session `session` that holds event `seq`, if any.
    pub(super) fn find(
        tx: &Transaction<'_>,
        session: i64,
        seq: i64,
    ) -> rusqlite::Result<Option<Run>> {
        let row = tx
            .prepare_cached(
                "SELECT id, document_id, task_id, seq_first, t_first_ms, detail FROM runs
                 WHERE session_id = ?1 AND seq_last >= ?2 ORDER BY seq_last LIMIT 1",
            )?
            .query_row(params![session, seq], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                ))
            })
            .optional()?;
        Ok(row.and_then(|(id, doc, task, seq_first, t_first, detail)| {
            let run = Run {
                rowid: Some(id),
                session_id: session,
                document_id: doc,
                task_id: task,
                events: decode(seq_first, t_first, &detail),
                dirty: false,
            };
            run.events.iter().any(|e| e.seq == seq).then_some(run)
        }))
    }

    /// Takes event `seq` out of the run: the run keeps what came before it (same row), what
    /// came after becomes a run of its own (a new row). Both are written.
    pub(super) fn split_out(
        &mut self,
        tx: &Transaction<'_>,
        seq: i64,
    ) -> rusqlite::Result<RunEvent> {
        let i = self
            .events
            .iter()
            .position(|e| e.seq == seq)
            .expect("the run holds the event");
        let mut after = Run::new(self.session_id, self.document_id, self.task_id);
        after.events = self.events.split_off(i + 1);
        let event = self.events.pop().expect("the event is there");
        self.write(tx)?;
        after.write(tx)?;
        Ok(event)
    }
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zig(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzig(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// The detail of a run's events (the first relative to the run's `seq_first - 1`, `t_first_ms`).
pub(super) fn encode(events: &[RunEvent]) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.len() * 3);
    let Some(first) = events.first() else {
        return out;
    };
    let (mut seq, mut t, mut version, mut line) = (first.seq - 1, first.t_ms, 0i64, 0u32);
    for e in events {
        let flag_at = out.len();
        let mut flags = 0u8;
        out.push(0);
        if e.seq != seq + 1 {
            flags |= SEQ;
            put(&mut out, zig(e.seq - seq));
        }
        if e.inserted != 1 {
            flags |= INSERTED;
            put(&mut out, u64::from(e.inserted));
        }
        if e.deleted != 0 {
            flags |= DELETED;
            put(&mut out, u64::from(e.deleted));
        }
        if e.version != version + 1 {
            flags |= VERSION;
            put(&mut out, zig(e.version - version));
        }
        if e.line != line {
            flags |= LINE;
            put(&mut out, zig(i64::from(e.line) - i64::from(line)));
        }
        if e.change != 0 {
            flags |= CHANGE;
            put(&mut out, u64::from(e.change));
        }
        if (e.evidence, e.confidence) != USUAL {
            flags |= DECISION;
            out.push(e.evidence.0);
            put(&mut out, u64::from(e.evidence.1));
            out.extend_from_slice(&e.confidence.to_le_bytes());
        }
        put(&mut out, zig(e.t_ms - t));
        out[flag_at] = flags;
        (seq, t, version, line) = (e.seq, e.t_ms, e.version, e.line);
    }
    out
}

/// Reads what [`encode`] wrote; a damaged blob gives the events read before the damage.
pub(super) fn decode(seq_first: i64, t_first: i64, detail: &[u8]) -> Vec<RunEvent> {
    let mut out = Vec::new();
    let mut r = Reader { b: detail, i: 0 };
    let (mut seq, mut t, mut version, mut line) = (seq_first - 1, t_first, 0i64, 0u32);
    while r.i < detail.len() {
        let Some(e) = r.event(seq, t, version, line) else {
            break;
        };
        (seq, t, version, line) = (e.seq, e.t_ms, e.version, e.line);
        out.push(e);
    }
    out
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.i)?;
        self.i += 1;
        Some(v)
    }

    fn var(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn event(&mut self, seq: i64, t: i64, version: i64, line: u32) -> Option<RunEvent> {
        let flags = self.byte()?;
        let has = |f: u8| flags & f != 0;
        let seq = if has(SEQ) {
            seq + unzig(self.var()?)
        } else {
            seq + 1
        };
        let inserted = if has(INSERTED) { self.var()? as u32 } else { 1 };
        let deleted = if has(DELETED) { self.var()? as u32 } else { 0 };
        let version = version + if has(VERSION) { unzig(self.var()?) } else { 1 };
        let line = if has(LINE) {
            (i64::from(line) + unzig(self.var()?)) as u32
        } else {
            line
        };
        let change = if has(CHANGE) { self.var()? as u32 } else { 0 };
        let (evidence, confidence) = if has(DECISION) {
            let code = self.byte()?;
            let n = self.var()? as u32;
            let c = self.b.get(self.i..self.i + 4)?;
            self.i += 4;
            ((code, n), f32::from_le_bytes(c.try_into().ok()?))
        } else {
            USUAL
        };
        let t_ms = t + unzig(self.var()?);
        Some(RunEvent {
            seq,
            t_ms,
            version,
            change,
            line,
            inserted,
            deleted,
            evidence,
            confidence,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: i64, t_ms: i64) -> RunEvent {
        RunEvent {
            seq,
            t_ms,
            version: seq + 1,
            change: 0,
            line: 3,
            inserted: 1,
            deleted: 0,
            evidence: USUAL.0,
            confidence: USUAL.1,
        }
    }

    #[test]
    fn typed_characters_take_a_few_bytes_and_everything_round_trips() {
        let mut events: Vec<RunEvent> = (10..1010).map(|s| ev(s, 1_000 + s * 120)).collect();
        let per = encode(&events).len() as f64 / events.len() as f64;
        assert!(per <= 3.1, "{per} bytes per typed character");
        events[5].seq += 3;
        events[6].seq += 3;
        events[7].inserted = 0;
        events[7].deleted = 4;
        events[8].line = 0;
        events[9].version = 2;
        events[10].change = 7;
        events[11].evidence = (0, 0);
        events[11].confidence = 0.99;
        events[12].t_ms -= 500; // times may step back
        let blob = encode(&events);
        assert_eq!(decode(events[0].seq, events[0].t_ms, &blob), events);
        assert!(encode(&[]).is_empty());
        // A damaged blob gives what could be read.
        assert_eq!(decode(10, 2_200, &blob[..5]).len(), 1);
    }
}
