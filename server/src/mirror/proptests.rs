//! Property tests: random edit sequences in every encoding, checked against a plain reference
//! string after every step, including positions past line and document ends and batches that
//! arrive out of version order.

use proptest::prelude::*;

use super::document::{ContentChange, Document, Range};
use super::encoding::{Encoding, Position};
use super::fingerprint::Fingerprint;

/// Pieces chosen to stress positions: 1-, 2-, 3- and 4-byte chars, surrogate pairs in UTF-16,
/// and every LSP line ending.
const PIECES: &[&str] = &[
    "a",
    "Z",
    " ",
    "é",
    "中",
    "😀",
    "\n",
    "\r\n",
    "\r",
    "x\r",
    "\u{1F468}\u{200D}\u{1F4BB}",
];

/// Line starts of `text` under LSP rules (`\n`, `\r\n`, lone `\r`), as char indices.
fn line_starts(text: &[char]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            '\r' if text.get(i + 1) == Some(&'\n') => {
                starts.push(i + 2);
                i += 2;
            }
            '\r' | '\n' => {
                starts.push(i + 1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    starts
}

fn units(c: char, enc: Encoding) -> u32 {
    match enc {
        Encoding::Utf8 => c.len_utf8() as u32,
        Encoding::Utf16 => c.len_utf16() as u32,
        Encoding::Utf32 => 1,
    }
}

/// End of line `l`'s content (before its line break).
fn content_end(text: &[char], starts: &[usize], l: usize) -> usize {
    let mut end = starts.get(l + 1).copied().unwrap_or(text.len());
    while end > starts[l] && matches!(text[end - 1], '\n' | '\r') {
        end -= 1;
    }
    end
}

/// The reference position of char index `idx` (never inside a `\r\n`).
fn position_of(text: &[char], idx: usize, enc: Encoding) -> Position {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= idx) - 1;
    let col = text[starts[line]..idx].iter().map(|&c| units(c, enc)).sum();
    Position::new(line as u32, col)
}

/// Picks a char index from a fraction, stepping off the middle of a `\r\n`.
fn index_at(text: &[char], frac: f64) -> usize {
    let i = ((text.len() as f64) * frac) as usize;
    let i = i.min(text.len());
    if i > 0 && i < text.len() && text[i - 1] == '\r' && text[i] == '\n' {
        i - 1
    } else {
        i
    }
}

#[derive(Clone, Debug)]
struct Edit {
    from: f64,
    len: f64,
    insert: Vec<usize>,
    /// 0: exact positions; 1: end character past its line's end; 2: end line past the document.
    overshoot: u8,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        0.0..=1.0f64,
        0.0..0.3f64,
        prop::collection::vec(0..PIECES.len(), 0..6),
        prop::sample::select(vec![0u8, 0, 0, 0, 1, 2]),
    )
        .prop_map(|(from, len, insert, overshoot)| Edit {
            from,
            len,
            insert,
            overshoot,
        })
}

/// Turns `e` into an LSP change against `reference`, applies it there, and returns the change.
fn make_change(reference: &mut Vec<char>, e: &Edit, enc: Encoding) -> ContentChange {
    let a = index_at(reference, e.from);
    let mut b = index_at(reference, (e.from + e.len).min(1.0)).max(a);
    let start = position_of(reference, a, enc);
    let mut end = position_of(reference, b, enc);
    let starts = line_starts(reference);
    match e.overshoot {
        1 => {
            // Past the end of the end's line: the mirror clamps to that line's content end.
            let l = end.line as usize;
            let ce = content_end(reference, &starts, l);
            if ce >= a {
                b = ce;
                end.character = position_of(reference, ce, enc).character + 7;
            }
        }
        2 => {
            b = reference.len();
            end = Position::new(starts.len() as u32 + 3, 0);
        }
        _ => {}
    }
    let text: String = e.insert.iter().map(|&i| PIECES[i]).collect();
    reference.splice(a..b, text.chars());
    ContentChange {
        range: Some(Range { start, end }),
        text,
    }
}

fn initial() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 0..40)
        .prop_map(|v| v.into_iter().map(|i| PIECES[i]).collect())
}

fn encodings() -> impl Strategy<Value = Encoding> {
    prop::sample::select(vec![Encoding::Utf8, Encoding::Utf16, Encoding::Utf32])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mirror_equals_reference_after_every_step(
        init in initial(),
        enc in encodings(),
        batches in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..30),
    ) {
        let mut reference: Vec<char> = init.chars().collect();
        let mut doc = Document::new(&init, 0);
        let mut out = Vec::new();
        for (v, batch) in batches.iter().enumerate() {
            // A batch's changes apply in sequence, each against the text the previous one left.
            let changes: Vec<ContentChange> = batch.iter().map(|e| make_change(&mut reference, e, enc)).collect();
            out.clear();
            doc.apply(v as i32 + 1, changes, enc, &mut out).unwrap();
            prop_assert_eq!(doc.text(), reference.iter().collect::<String>());
            prop_assert_eq!(out.len(), batch.len());
            // The fingerprint kept up edit by edit equals one taken afresh.
            prop_assert!(doc.fingerprint().same_as(&Fingerprint::of(doc.rope())));
        }
    }

    #[test]
    fn late_batches_land_in_version_order(
        init in initial(),
        enc in encodings(),
        edits in prop::collection::vec(edit(), 2..20),
        gaps in prop::collection::vec(1..3i32, 20),
        swaps in prop::collection::vec(any::<bool>(), 20),
    ) {
        let mut reference: Vec<char> = init.chars().collect();
        let mut sent = Vec::new();
        let mut version = 0;
        for (i, e) in edits.iter().filter(|e| e.overshoot == 0).enumerate() {
            version += gaps[i % gaps.len()];
            sent.push((version, vec![make_change(&mut reference, e, enc)]));
        }
        // Swap some neighbours: the later version arrives first.
        let mut i = 0;
        while i + 1 < sent.len() {
            if swaps[i % swaps.len()] {
                sent.swap(i, i + 1);
                i += 2;
            } else {
                i += 1;
            }
        }
        let mut doc = Document::new(&init, 0);
        let mut out = Vec::new();
        for (version, changes) in sent {
            doc.apply(version, changes, enc, &mut out).unwrap();
        }
        prop_assert_eq!(doc.text(), reference.iter().collect::<String>());
        prop_assert_eq!(doc.version(), version);
    }
}

#[test]
fn reference_positions_follow_lsp_line_rules() {
    let text: Vec<char> = "a\r\nb\rc\n😀d".chars().collect();
    assert_eq!(line_starts(&text), vec![0, 3, 5, 7]);
    assert_eq!(position_of(&text, 8, Encoding::Utf16), Position::new(3, 2));
    assert_eq!(position_of(&text, 9, Encoding::Utf16), Position::new(3, 3));
    assert_eq!(position_of(&text, 9, Encoding::Utf8), Position::new(3, 5));
}
