//! How fast the status line answers with a year of heavy history in the store.
//!
//! `cargo bench -p mindgap --bench status`
//!
//! The store holds a year of heavy use built through the real writer (`support/year.rs`): 250
//! finished daily tasks of 50,000 typed characters each (with pastes, amendments and undos) and
//! an active task of 340,000 typed characters (over 300,000 edits). Building it takes a minute
//! or two. One iteration is what `mindgap status --json` does after start-up: open the store
//! read-only, find the task, split its work, read the learning log, format the line.

#[path = "support/year.rs"]
#[allow(dead_code)]
mod year;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mindgap::config::Config;
use mindgap::status;

fn status_with_a_year(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let root = dir.path().join("ws");
    std::fs::create_dir_all(&root).unwrap();
    year::build(&home, &root.to_string_lossy(), 250, 50_000, 340_000);
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
