//! The cost of one typed character against the number of outside-help ranges in the document.
//!
//! `cargo bench -p mindgap --bench ranges`
//!
//! `typed_char_by_ranges/N`: a 5,000-line ASCII document holding N pasted blocks (each its own
//! range, on lines after the cursor), and one keystroke through the pipeline at the top of the
//! file — a character typed, then taken back, in turn — with the view update other tasks read.
//! Every range lies after the edit, so every one of them moves: the case a rebuilt list pays
//! most for. The three numbers should match within 20% (issue 15).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mindgap::mirror::{ContentChange, Encoding, Position, Range};
use mindgap::pipeline::Pipeline;

const URI: &str = "file:///ws/ranges.rs";

fn insert(line: u32, col: u32, text: &str) -> Vec<ContentChange> {
    let at = Position::new(line, col);
    vec![ContentChange {
        range: Some(Range { start: at, end: at }),
        text: text.to_string(),
    }]
}

/// A pipeline with `ranges` pasted blocks in its one open document.
fn with_ranges(ranges: u32) -> (Pipeline, i32) {
    let doc: String = (0..5_000)
        .map(|i| format!("    let value_{i} = compute({i}) + other; // note\n"))
        .collect();
    let mut pipeline = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    pipeline.did_open(0.0, URI, 0, &doc, &mut out);
    let mut version = 0;
    for i in 0..ranges {
        version += 1;
        // Every other line from line 2 on, so no two blocks touch.
        let block = format!("let pasted_{i} = from_outside({i});\n");
        let t = 1_000.0 + 2_000.0 * f64::from(i);
        pipeline.did_change(t, URI, version, insert(2 + 2 * i, 0, &block), &mut out);
        out.clear();
    }
    let have = pipeline.provenance(URI).map_or(0, |p| p.len());
    assert_eq!(have, ranges as usize, "each paste is its own range");
    (pipeline, version)
}

fn typed_char_by_ranges(c: &mut Criterion) {
    let mut group = c.benchmark_group("typed_char_by_ranges");
    group.throughput(Throughput::Elements(1));
    for ranges in [10u32, 1_000, 4_096] {
        let (mut pipeline, mut version) = with_ranges(ranges);
        let mut out = Vec::new();
        let mut t = 1.0e7;
        group.bench_function(ranges.to_string(), |b| {
            b.iter_batched(
                || {
                    version += 1;
                    t += 150.0;
                    let change = if version % 2 == 0 {
                        insert(0, 4, "x")
                    } else {
                        let (start, end) = (Position::new(0, 4), Position::new(0, 5));
                        vec![ContentChange {
                            range: Some(Range { start, end }),
                            text: String::new(),
                        }]
                    };
                    (version, t, change)
                },
                |(version, t, change)| {
                    pipeline.did_change(t, URI, version, change, &mut out);
                    black_box(out.drain(..).count());
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, typed_char_by_ranges);
criterion_main!(benches);
