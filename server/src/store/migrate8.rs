//! Schema 8's conversion of an existing store: evidence from words to codes, typed characters
//! from one `edits` row each into runs, and each task's work summed into segments. The file is
//! compacted afterwards (`VACUUM`, in `migrations::migrate`) so the size really drops.

use rusqlite::{Transaction, params};

use super::runs::{Run, RunEvent};
use crate::classify::Evidence;
use crate::classify::evidence_code::{LAST, UNKNOWN};

/// The schema step that needs this conversion.
pub(super) const VERSION: i64 = 8;

pub(super) fn convert(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    evidence_to_codes(tx)?;
    tx.execute_batch("ALTER TABLE edits DROP COLUMN evidence;")?;
    typed_into_runs(tx)?;
    super::segments::rebuild(tx)
}

/// The code of a reason written in words by an earlier mindgap (its `Display`); one no
/// variant prints any more is [`UNKNOWN`].
pub(super) fn parse(sentence: &str) -> (u8, u32) {
    let digits: String = sentence
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    let first: Option<u32> = digits.parse().ok();
    for code in 0..=LAST {
        for n in first.into_iter().chain(0..=16) {
            if Evidence::from_code(code, n).is_some_and(|e| e.to_string() == sentence) {
                return (code, n);
            }
        }
    }
    (UNKNOWN, 0)
}

fn evidence_to_codes(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let sentences: Vec<String> = tx
        .prepare("SELECT DISTINCT evidence FROM edits")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut set =
        tx.prepare("UPDATE edits SET evidence_code = ?2, evidence_n = ?3 WHERE evidence = ?1")?;
    for s in sentences {
        let (code, n) = parse(&s);
        set.execute(params![s, code, n])?;
    }
    Ok(())
}

/// Moves every typed character (typed by hand, counted, in effect) into runs, as the writer
/// would have written them.
fn typed_into_runs(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    const TYPED: &str = "class = 'typed' AND source = 'change' AND counted AND NOT undone";
    let mut stmt = tx.prepare(&format!(
        "SELECT session_id, seq, document_id, task_id, t_ms, version, change_index, line,
                inserted, deleted, evidence_code, evidence_n, confidence
         FROM edits WHERE {TYPED} ORDER BY session_id, seq, id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut run: Option<Run> = None;
    while let Some(r) = rows.next()? {
        let (session, doc, task): (i64, i64, Option<i64>) = (r.get(0)?, r.get(2)?, r.get(3)?);
        let e = RunEvent {
            seq: r.get(1)?,
            t_ms: r.get(4)?,
            version: r.get(5)?,
            change: r.get::<_, i64>(6)?.max(0) as u32,
            line: r.get::<_, i64>(7)?.max(0) as u32,
            inserted: r.get::<_, i64>(8)?.max(0) as u32,
            deleted: r.get::<_, i64>(9)?.max(0) as u32,
            evidence: (r.get::<_, i64>(10)? as u8, r.get::<_, i64>(11)? as u32),
            confidence: r.get::<_, f64>(12)? as f32,
        };
        if !run
            .as_ref()
            .is_some_and(|x| x.continues(session, doc, task, &e))
        {
            if let Some(mut done) = run.take() {
                done.write(tx)?;
            }
            run = Some(Run::new(session, doc, task));
        }
        run.as_mut().expect("just set").events.push(e);
    }
    if let Some(mut done) = run {
        done.write(tx)?;
    }
    drop(rows);
    tx.execute_batch(&format!("DELETE FROM edits WHERE {TYPED};"))
}

#[cfg(test)]
pub(super) fn typed_rows(c: &rusqlite::Connection) -> i64 {
    c.query_row(
        "SELECT count(*) FROM edits WHERE class = 'typed' AND counted AND NOT undone",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_parses_back_and_an_unknown_one_is_unknown() {
        for code in 0..=LAST {
            for n in 0..40 {
                if let Some(e) = Evidence::from_code(code, n) {
                    let (c, m) = parse(&e.to_string());
                    assert_eq!(
                        Evidence::from_code(c, m).map(|e| e.to_string()),
                        Some(e.to_string())
                    );
                }
            }
        }
        assert_eq!(parse("seeded"), (UNKNOWN, 0));
        assert_eq!(parse(""), (UNKNOWN, 0));
        assert_eq!(parse("1234 characters faster than typing"), (15, 1234));
    }

    /// A schema-7 store written by SQL, as mindgap 7 wrote them: typed characters of two
    /// documents in two sessions, pastes, an undone paste, an uncounted reload, an amended
    /// character, evidence in words (one unknown).
    fn schema_7() -> rusqlite::Connection {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        let tx = c.transaction().unwrap();
        for sql in &super::super::MIGRATIONS[..7] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 7).unwrap();
        tx.execute_batch(
            "INSERT INTO sessions VALUES (1, 0, 'lsp', 1, NULL, NULL, '/ws', 'utf-16'),
                                         (2, 0, 'lsp', 1, NULL, NULL, '/ws', 'utf-16');
             INSERT INTO documents VALUES (1, 'file:///ws/a.rs'), (2, 'file:///ws/b.rs');
             INSERT INTO tasks (id, root, name, manual, state, started_ms, finished_ms)
                 VALUES (1, '/ws', 'one', 0, 'finished', 0, 10), (2, '/ws', 'two', 0, 'active', 0, NULL);",
        )
        .unwrap();
        let mut rng = 7u64;
        for i in 0..9_000i64 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let (session, task) = if i < 5_000 { (1, 1) } else { (2, 2) };
            let doc = 1 + (i / 300) % 2;
            let (class, n, evidence) = match rng % 50 {
                0 => ("paste", 40, "bulk insertion"),
                1 => ("completion", 12, "one identifier completing the word"),
                2 => ("editor", 3, "seeded"),
                3 => ("typed", 1, "editor hint: typed"),
                _ => ("typed", 1, "one character"),
            };
            let undone = rng.is_multiple_of(97);
            let counted = !rng.is_multiple_of(89);
            tx.execute(
                "INSERT INTO edits (session_id, seq, document_id, t_ms, source, version, change_index,
                   line, col, end_line, end_col, inserted, deleted, text_hash, class, confidence,
                   evidence, counted, task_id, undone)
                 VALUES (?1, ?2, ?3, ?4, 'change', ?2, 0, ?5, 3, ?5, 3, ?6, 0, ?7, ?8, 0.95, ?9, ?10, ?11, ?12)",
                params![session, i, doc, i * 150 + (i % 7) * 20, i / 40, n, i, class, evidence, counted, task, undone],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        c
    }

    #[test]
    fn a_schema_7_store_converts_and_keeps_every_split_and_event() {
        use crate::store::{events, split};
        let mut c = schema_7();
        let outside = [
            crate::classify::Class::Paste,
            crate::classify::Class::Completion,
        ];
        let cases = [
            (1, None),
            (1, Some(20_000)),
            (2, None),
            (2, Some(3_000)),
            (2, Some(9_999)),
        ];
        let before: Vec<_> = cases
            .iter()
            .map(|&(t, e)| split::split(&c, t, &outside, e).unwrap())
            .collect();
        let totals: Vec<_> = [1, 2]
            .iter()
            .map(|&t| split::total(&c, t, &outside).unwrap())
            .collect();
        let rows_before = events::all(&c).unwrap();
        super::super::migrations::migrate(&mut c).unwrap();
        assert_eq!(
            typed_rows(&c),
            0,
            "every typed character in effect is in a run now"
        );
        let runs: i64 = c
            .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
            .unwrap();
        assert!(runs > 10, "{runs}");
        let after: Vec<_> = cases
            .iter()
            .map(|&(t, e)| split::split(&c, t, &outside, e).unwrap())
            .collect();
        assert_eq!(after, before);
        let totals_after: Vec<_> = [1, 2]
            .iter()
            .map(|&t| split::total(&c, t, &outside).unwrap())
            .collect();
        assert_eq!(totals_after, totals);
        let rows_after = events::all(&c).unwrap();
        assert_eq!(rows_after.len(), rows_before.len());
        for (a, b) in rows_after.iter().zip(&rows_before) {
            assert_eq!(
                (
                    a.seq,
                    a.session_id,
                    a.t_ms,
                    a.inserted,
                    a.class,
                    a.counted,
                    a.undone
                ),
                (
                    b.seq,
                    b.session_id,
                    b.t_ms,
                    b.inserted,
                    b.class,
                    b.counted,
                    b.undone
                )
            );
            assert_eq!(
                (a.version, a.line, a.task_id, a.document_id),
                (b.version, b.line, b.task_id, b.document_id)
            );
            assert!(
                a.evidence.is_some() || a.class == Some(crate::classify::Class::Editor),
                "{a:?}"
            );
        }
    }
}
