//! The writer's runs and segments against the plain reading of every event: a session of typed
//! runs, pastes, amendments (inside the open run, inside written runs, of single rows) and undos
//! gives the same events, the same totals and the same split, whatever the expected size.

use std::sync::Arc;

use super::*;
use crate::classify::{Amendment, Decision, Evidence, Undone};
use crate::events::{Class, EditEvent, Emitted, Source};
use crate::tasks::ratio::Split;

fn event(id: u64, t: f64, doc: u64, class: Class, inserted: u32) -> EditEvent {
    EditEvent {
        id,
        t,
        source: Source::Change,
        subject: Arc::from(format!("file:///ws/{doc}.rs")),
        version: id as i32,
        change: 0,
        span: Default::default(),
        inserted,
        deleted: 0,
        hash: id,
        class,
        confidence: 0.95,
        evidence: if class == Class::Typed {
            Evidence::OneChar
        } else {
            Evidence::Bulk
        },
        counted: true,
    }
}

/// A session of 12,000 events with amendments and undos, some reaching into written runs.
fn record_session(store: &Store) {
    let mut rng = 11u64;
    let mut t = 0.0;
    for id in 1..=12_000u64 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        t += (rng % 300) as f64;
        let doc = (id / 700) % 3;
        let e = match rng % 60 {
            0 => event(id, t, doc, Class::Paste, 30 + (rng % 50) as u32),
            1 => event(id, t, doc, Class::Editor, 4),
            _ => event(id, t, doc, Class::Typed, 1),
        };
        store.record(e);
        let back = rng % 3_000;
        if rng.is_multiple_of(37) && back < id {
            let d = Decision::new(Class::Completion, 0.7, Evidence::CompletionItem);
            store.record(Emitted::Amend(Amendment {
                id: id - back,
                decision: d,
            }));
        }
        if rng.is_multiple_of(53) && back < id {
            store.record(Emitted::Undone(Undone {
                id: id - back / 2,
                undone: rng.is_multiple_of(2),
            }));
        }
        if id.is_multiple_of(2_500) {
            store.flush();
        }
    }
}

#[test]
fn segments_give_the_split_of_every_event_through_amendments_and_undos() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let root = dir.path().join("ws");
    std::fs::create_dir_all(&root).unwrap();
    let mut store = Store::open(&home);
    let r = root.clone();
    store.begin_session(
        SessionInfo {
            kind: "lsp",
            encoding: "utf-8",
            root: Some(root.to_string_lossy().into()),
            ..Default::default()
        },
        Some(Box::new(move |ms| crate::tasks::implied(&r, ms))),
    );
    record_session(&store);
    store.close();
    let db = Db::open(&home).unwrap();
    let outside = [Class::Paste, Class::Completion];
    let task: i64 = db
        .conn
        .query_row("SELECT max(id) FROM tasks", [], |r| r.get(0))
        .unwrap();
    let rows = events::of_task(&db.conn, task, None).unwrap();
    assert_eq!(rows.len(), 12_000);
    let work = split::work_of(&rows, &outside);
    let total: u64 = work.iter().map(|w| w.chars).sum();
    assert_eq!(split::total(&db.conn, task, &outside).unwrap().0, total);
    for expected in [
        None,
        Some(100),
        Some(total / 2),
        Some(total + 7),
        Some(total * 3),
    ] {
        assert_eq!(
            split::split(&db.conn, task, &outside, expected).unwrap(),
            Split::of(work.iter().copied(), expected),
            "{expected:?}"
        );
    }
    let segs: i64 = db
        .conn
        .query_row("SELECT count(DISTINCT seg_ms) FROM task_work", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(segs > 3, "{segs}");
    // Rebuilt from the events (the migration's way), the split is the same.
    segments::rebuild(&db.conn).unwrap();
    assert_eq!(
        split::split(&db.conn, task, &outside, None).unwrap(),
        Split::of(work.iter().copied(), None)
    );
}
