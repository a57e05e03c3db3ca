//! How fast the status line answers with a year of history in the store.
//!
//! `cargo bench -p mindgap --bench status`
//!
//! The store holds 365 finished daily tasks of 1,500 edits each (547,500 edit rows) and an active
//! task of 3,000 edits; one iteration is what `mindgap status --json` does after start-up: open the
//! store read-only, find the task, split its work, read the learning log, format the line.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use mindgap::classify::Evidence;
use mindgap::config::Config;
use mindgap::events::{Class, EditEvent, Source, Span};
use mindgap::status;
use mindgap::store::{Db, SessionInfo, Store};

fn event(id: u64, t: f64, class: Class, inserted: u32) -> EditEvent {
    EditEvent {
        id,
        t,
        source: Source::Change,
        subject: Arc::from("file:///ws/a.rs"),
        version: id as i32,
        change: 0,
        span: Span::default(),
        inserted,
        deleted: 0,
        hash: id,
        class,
        confidence: 0.9,
        evidence: Evidence::OneChar,
        counted: true,
    }
}

fn year_of_history(home: &std::path::Path, root: &str) {
    let mut db = Db::open(home).unwrap();
    let store = Store::open(home);
    let implied_root = std::path::PathBuf::from(root);
    store.begin_session(
        SessionInfo {
            started_ms: 1_700_000_000_000,
            kind: "lsp",
            root: Some(root.to_string()),
            encoding: "utf-16",
            ..Default::default()
        },
        Some(Box::new(move |ms| {
            mindgap::tasks::implied(&implied_root, ms)
        })),
    );
    let mut id = 0;
    for day in 0..=365 {
        db.start_task(root, &format!("task-{day}"), day % 7 == 0, None)
            .unwrap();
        let n = if day == 365 { 3_000 } else { 1_500 };
        for i in 0..n {
            id += 1;
            let class = if i % 10 == 0 {
                Class::Paste
            } else {
                Class::Typed
            };
            store.record(event(
                id,
                id as f64,
                class,
                if class == Class::Paste { 40 } else { 1 },
            ));
        }
        store.flush();
        if day < 365 {
            db.finish_task(root).unwrap();
        }
    }
}

fn status_with_a_year(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let root = dir.path().join("ws");
    std::fs::create_dir_all(&root).unwrap();
    year_of_history(&home, &root.to_string_lossy());
    let config = Config::default();
    c.bench_function("status/year_of_history", |b| {
        b.iter(|| {
            let s = status::gather(&home, &root, &config, chrono::Local::now());
            black_box(s.to_json(&config).to_string())
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = status_with_a_year
}
criterion_main!(benches);
