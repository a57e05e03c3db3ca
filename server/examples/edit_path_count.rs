//! Counts the work of the edit path, for comparing builds under `valgrind --tool=callgrind`
//! (instruction counts are repeatable on a shared machine, times are not): opens a 10,000-line
//! document, then sends N single-character `didChange`s through the pipeline (typing at a
//! cursor that moves to a new line every 40 characters, plus a 20-line paste every 500 changes).
//! Run it with N and with 0: the difference over N is the cost of one change.
//!
//! `cargo build --release --example edit_path_count && valgrind --tool=callgrind
//! --callgrind-out-file=/dev/null target/release/examples/edit_path_count 2000`

use mindgap::mirror::{ContentChange, Encoding, Position, Range};
use mindgap::pipeline::Pipeline;

const URI: &str = "file:///ws/big.rs";

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000);
    let doc: String = (0..10_000)
        .map(|i| format!("    let value_{i} = compute(\"é😀\", {i}) + other; // note\n"))
        .collect();
    let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
    let mut out = Vec::new();
    p.did_open(0.0, URI, 0, &doc, &mut out);
    let paste: String = (0..20)
        .map(|i| format!("let pasted_{i} = {i};\n"))
        .collect();
    let (mut line, mut col) = (100u32, 4u32);
    for v in 1..=n {
        let at = Position::new(line, col);
        let text = if v % 500 == 0 {
            paste.clone()
        } else {
            "x".to_string()
        };
        let change = ContentChange {
            range: Some(Range { start: at, end: at }),
            text,
        };
        p.did_change(f64::from(v) * 150.0, URI, v as i32, vec![change], &mut out);
        out.clear();
        col += 1;
        if col > 44 {
            (line, col) = ((line + 97) % 9_000, 4);
        }
    }
    std::hint::black_box(&p);
}
