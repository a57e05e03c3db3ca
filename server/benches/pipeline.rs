//! Benchmarks of the edit path and of replay throughput.
//!
//! `cargo bench -p mindgap --bench pipeline`
//!
//! - `edit_path/*`: one `didChange` through the pipeline on a 10,000-line document (mirror,
//!   measurement, classification) plus the hand-off of its event to the store thread — the
//!   work a live server does per keystroke before it returns.
//! - `replay/*`: the bundled real sessions replayed through the whole pipeline into a store on
//!   disk, flushed, in events per second.

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mindgap::mirror::{ContentChange, Encoding, Position, Range};
use mindgap::pipeline::Pipeline;
use mindgap::replay::replay_trace;
use mindgap::store::Store;

const URI: &str = "file:///ws/big.rs";

fn big_document() -> String {
    (0..10_000)
        .map(|i| format!("    let value_{i} = compute(\"é😀\", {i}) + other; // note\n"))
        .collect()
}

/// The change for step `n`: odd steps insert `text` at `line`, even steps delete it again, so
/// the document keeps its size however many iterations run.
fn step(n: i32, line: u32, text: &str) -> Vec<ContentChange> {
    let start = Position::new(line, 4);
    let (range, text) = if n % 2 == 1 {
        (Range { start, end: start }, text.to_string())
    } else {
        let lines = text.matches('\n').count() as u32;
        let last = text
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .encode_utf16()
            .count() as u32;
        let end = if lines == 0 {
            Position::new(line, 4 + last)
        } else {
            Position::new(line + lines, last)
        };
        (Range { start, end }, String::new())
    };
    vec![ContentChange {
        range: Some(range),
        text,
    }]
}

fn edit_path(c: &mut Criterion) {
    let doc = big_document();
    let home = tempfile::tempdir().unwrap();
    let store = Store::open(home.path());
    let mut group = c.benchmark_group("edit_path");
    let paste = "fn x() {}\n".repeat(40);
    for (name, text) in [
        ("type_one_char_10k_lines", "x"),
        ("paste_400_chars_10k_lines", paste.as_str()),
    ] {
        let mut pipeline = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        pipeline.did_open(0.0, URI, 0, &doc, &mut out);
        let mut version = 0;
        let mut line = 0u32;
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    version += 1;
                    if version % 2 == 1 {
                        line = (line + 7919) % 9_000; // wander over the whole document
                    }
                    (version, step(version, line, text))
                },
                |(version, changes)| {
                    pipeline.did_change(version as f64, URI, version, changes, &mut out);
                    for e in out.drain(..) {
                        store.record(black_box(e));
                    }
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn replay(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/traces");
    let traces: Vec<_> = ["nvim", "helix", "vscode"]
        .iter()
        .map(|n| mindgap::trace::read(&dir.join(format!("{n}_public_units.trace.jsonl"))).unwrap())
        .collect();
    let home = tempfile::tempdir().unwrap();
    let store = Store::open(home.path());
    let mut events = 0u64;
    for t in &traces {
        replay_trace(t, &store, &mut |_| events += 1);
    }
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(events));
    group.bench_function("three_real_sessions_into_store", |b| {
        b.iter(|| {
            for t in &traces {
                replay_trace(t, &store, &mut |e| {
                    black_box(e);
                });
            }
            store.flush();
        })
    });
    group.finish();
}

criterion_group!(benches, edit_path, replay);
criterion_main!(benches);
