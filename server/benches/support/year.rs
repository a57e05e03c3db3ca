//! A store of heavy use built through the real writer, for `examples/year_store.rs` and
//! `benches/status.rs`.
//!
//! Each day is a finished task of `CHARS_PER_DAY` characters typed at a human pace (one every
//! 120-300 ms, a line break and indentation every 40, a pause of a few seconds every 200) with a
//! 40-character paste every 400 typed and, now and then, an amendment of a recent typed
//! character; then an active task of `ACTIVE` edits. The store is closed cleanly (checkpointed)
//! before its size is read.

use std::sync::Arc;

use mindgap::classify::{Amendment, Decision, Evidence, Undone};
use mindgap::events::{Class, EditEvent, Emitted, Source, Span};
use mindgap::store::{Db, SessionInfo, Store};

pub struct Gen {
    id: u64,
    t: f64,
    rng: u64,
}

impl Gen {
    pub fn new() -> Gen {
        Gen {
            id: 0,
            t: 0.0,
            rng: 0x9e37_79b9_7f4a_7c15,
        }
    }

    fn next(&mut self) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }

    fn event(
        &mut self,
        doc: &Arc<str>,
        class: Class,
        inserted: u32,
        evidence: Evidence,
    ) -> EditEvent {
        self.id += 1;
        self.t += 120.0 + (self.next() % 180) as f64;
        if self.id.is_multiple_of(200) {
            self.t += 3_000.0 + (self.next() % 5_000) as f64;
        }
        EditEvent {
            id: self.id,
            t: self.t,
            source: Source::Change,
            subject: doc.clone(),
            version: self.id as i32,
            change: 0,
            span: Span {
                start_line: (self.id / 40) as u32,
                start_col: (self.id % 40) as u32,
                end_line: (self.id / 40) as u32,
                end_col: (self.id % 40) as u32,
            },
            inserted,
            deleted: 0,
            hash: if class == Class::Typed {
                0
            } else {
                self.next()
            },
            class,
            confidence: 0.95,
            evidence,
            counted: true,
        }
    }

    /// One day's work (or the active task's): `chars` typed characters and what goes with them.
    pub fn work(&mut self, store: &Store, chars: u64) -> u64 {
        let docs: Vec<Arc<str>> = (0..5)
            .map(|i| Arc::from(format!("file:///ws/src/m{i}.rs")))
            .collect();
        let mut typed = 0;
        while typed < chars {
            let doc = &docs[((typed / 2_000) % 5) as usize];
            let e = if typed % 40 == 39 {
                self.event(doc, Class::Typed, 5, Evidence::Indent)
            } else {
                self.event(doc, Class::Typed, 1, Evidence::OneChar)
            };
            typed += u64::from(e.inserted);
            store.record(e);
            if typed.is_multiple_of(400) {
                store.record(self.event(doc, Class::Paste, 40, Evidence::Bulk));
            }
            if typed.is_multiple_of(997) {
                let d = Decision::new(Class::Completion, 0.8, Evidence::CompletionItem);
                store.record(Emitted::Amend(Amendment {
                    id: self.id - 1,
                    decision: d,
                }));
            }
            if typed.is_multiple_of(1_499) {
                store.record(Emitted::Undone(Undone {
                    id: self.id - 2,
                    undone: true,
                }));
            }
        }
        typed
    }
}

/// Builds the store in `home` for workspace `root`: `days` finished tasks of `per_day` typed
/// characters, then an active task of `active`; returns (typed characters, events).
pub fn build(
    home: &std::path::Path,
    root: &str,
    days: u64,
    per_day: u64,
    active: u64,
) -> (u64, u64) {
    let root = root.to_string();
    std::fs::create_dir_all(&root).unwrap();
    let mut db = Db::open(home).unwrap();
    let mut store = Store::open(home);
    let implied_root = std::path::PathBuf::from(&root);
    store.begin_session(
        SessionInfo {
            started_ms: 1_700_000_000_000,
            kind: "lsp",
            root: Some(root.clone()),
            encoding: "utf-16",
            ..Default::default()
        },
        Some(Box::new(move |ms| {
            mindgap::tasks::implied(&implied_root, ms)
        })),
    );
    let mut g = Gen::new();
    let mut typed = 0;
    for day in 0..=days {
        db.start_task(&root, &format!("task-{day}"), false, None)
            .unwrap();
        typed += g.work(&store, if day == days { active } else { per_day });
        store.flush();
        if day < days {
            db.finish_task(&root).unwrap();
        }
    }
    drop(db);
    store.close();
    (typed, g.id)
}
