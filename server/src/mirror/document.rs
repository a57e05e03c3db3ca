//! One open document: its exact text, its version, and a short journal of recent changes.
//!
//! Changes are applied in version order. A change that arrives late (its version is older than
//! the newest applied one but newer than the one before it) is slotted into place by rolling the
//! journal back, applying it, and re-applying what came after. A version at or below one already
//! applied is a client going backwards: it is logged and ignored.

use std::collections::VecDeque;

use ropey::Rope;

use super::encoding::{self, Clamp, Encoding, Position};
use super::fingerprint::Fingerprint;
use super::measure::measure;

/// A range as a client sends it, in the negotiated encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// One content change of a `didChange`: replace `range` (the whole document when `None`) by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentChange {
    pub range: Option<Range>,
    pub text: String,
}

/// Where a (trimmed) change sits: from start to end in the text before the change, lines
/// 0-based, columns in Unicode scalar values (independent of the client's encoding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// The span of chars `start..end` of `rope`.
    pub fn of(rope: &Rope, start: usize, end: usize) -> Span {
        let at = |i: usize| {
            let i = i.min(rope.len_chars());
            let line = rope.char_to_line(i);
            (line as u32, (i - rope.line_to_char(line)) as u32)
        };
        let (start_line, start_col) = at(start);
        let (end_line, end_col) = at(end);
        Span {
            start_line,
            start_col,
            end_line,
            end_col,
        }
    }
}

/// What applying one content change did, measured after trimming the common prefix and suffix
/// of the replaced and the inserted text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Char index where the trimmed change starts, in the text before the change.
    pub start: usize,
    /// What the trimmed change replaced, in the text before it.
    pub span: Span,
    /// Unicode scalar values inserted, after trimming.
    pub inserted: usize,
    /// Unicode scalar values deleted, after trimming.
    pub deleted: usize,
    /// xxh3 hash of the trimmed inserted text (0 when nothing was inserted).
    pub hash: u64,
    /// Set when the client's range lay outside the document and was clamped.
    pub clamped: Option<Clamp>,
    /// The document's length in chars after the change.
    pub doc_chars: usize,
    /// The document's state hash after the change (see [`Fingerprint`]).
    pub state: u64,
    /// The inserted char, for a one-char insertion (no allocation on the typing path).
    pub ins_char: Option<char>,
    /// The trimmed inserted text, for insertions of two chars or more.
    pub ins_text: Option<Box<str>>,
    /// The trimmed deleted text, for deletions of two chars or more.
    pub del_text: Option<Box<str>>,
    /// The deleted char, for a one-char deletion.
    pub del_char: Option<char>,
    /// The char just before the change, and whether the line holds anything but white space
    /// before it (the cursor follows code the person wrote).
    pub prev_char: Option<char>,
    pub code_before: bool,
    /// The char just after the inserted text (what the change was put in front of).
    pub next_char: Option<char>,
}

/// How a versioned batch of changes was taken in.
#[derive(Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Applied on top of the newest version.
    InOrder,
    /// Older than the newest applied version: slotted into place (its outcomes describe it
    /// against the text it was meant for).
    Late { newest: i32 },
}

/// Why a versioned batch was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    /// The version is not newer than one already applied, and no gap in the journal fits it.
    Backwards { version: i32, current: i32 },
}

/// How many recent versions the journal keeps for reordering late changes.
const JOURNAL_ENTRIES: usize = 32;
/// Bound on the text the journal holds (inserted plus removed), in bytes.
const JOURNAL_BYTES: usize = 1 << 20;

struct JournalEntry {
    version: i32,
    changes: Vec<ContentChange>,
    /// How to take each applied change back, in order.
    inverse: Vec<Inverse>,
    bytes: usize,
}

/// What takes one applied change back: remove what it inserted, put back what it removed.
struct Inverse {
    /// Char index where it applied.
    start: usize,
    /// Chars it inserted.
    inserted: usize,
    /// The text it removed.
    removed: String,
}

pub struct Document {
    rope: Rope,
    version: i32,
    journal: VecDeque<JournalEntry>,
    journal_bytes: usize,
    /// The version of the text before the journal's first entry.
    base_version: i32,
    fingerprint: Fingerprint,
}

/// From this many changes in one notification on, the fingerprint is not kept in step change by
/// change (each step rehashes the lines it touches, and a long line makes that the cost of the
/// whole notification times its changes) but taken afresh once after the last one. The changes
/// before the last then carry a state of their own that no text has (they cannot match an
/// earlier state: an undo is recognised by where a notification ends).
pub const DEFER_FINGERPRINT_AT: usize = 64;

impl Document {
    pub fn new(text: &str, version: i32) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            journal: VecDeque::new(),
            journal_bytes: 0,
            base_version: version,
            fingerprint: Fingerprint::default(),
        }
        .with_fingerprint()
    }

    fn with_fingerprint(mut self) -> Self {
        self.fingerprint = Fingerprint::of(&self.rope);
        self
    }

    /// The state hash of the current text: equal texts, equal states.
    pub fn state(&self) -> u64 {
        self.fingerprint.state(&self.rope)
    }

    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len_chars(&self) -> usize {
        self.rope.len_chars()
    }

    /// Applies a `didChange` batch with its version. `out` receives one [`Applied`] per change.
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<ContentChange>,
        enc: Encoding,
        out: &mut Vec<Applied>,
    ) -> Result<Accepted, Rejected> {
        if version > self.version {
            self.apply_in_order(version, changes, enc, out);
            return Ok(Accepted::InOrder);
        }
        // Older than the newest: it fits only in a gap between two journal entries (or between
        // the version before the journal and its first entry).
        let newest = self.version;
        let Some(slot) = self.gap_for(version) else {
            return Err(Rejected::Backwards {
                version,
                current: newest,
            });
        };
        let later: Vec<JournalEntry> = self.journal.drain(slot..).collect();
        for entry in later.iter().rev() {
            self.journal_bytes -= entry.bytes;
            for inv in entry.inverse.iter().rev() {
                self.rope.remove(inv.start..inv.start + inv.inserted);
                self.rope.insert(inv.start, &inv.removed);
            }
        }
        self.version = self.journal.back().map_or(self.base_version, |e| e.version);
        self.apply_in_order(version, changes, enc, out);
        let mut scratch = Vec::new();
        for entry in later {
            self.apply_in_order(entry.version, entry.changes, enc, &mut scratch);
        }
        // The rollback edited the rope directly: take the fingerprint afresh.
        self.fingerprint = Fingerprint::of(&self.rope);
        Ok(Accepted::Late { newest })
    }

    /// Index in the journal before which a late `version` belongs, if there is a gap for it:
    /// strictly between the versions on either side, the first of which may be the version the
    /// journal starts from.
    fn gap_for(&self, version: i32) -> Option<usize> {
        let i = self.journal.iter().position(|e| e.version >= version)?;
        if self.journal[i].version == version {
            return None;
        }
        let before = if i == 0 {
            self.base_version
        } else {
            self.journal[i - 1].version
        };
        (before < version).then_some(i)
    }

    fn apply_in_order(
        &mut self,
        version: i32,
        changes: Vec<ContentChange>,
        enc: Encoding,
        out: &mut Vec<Applied>,
    ) {
        let mut inverse = Vec::with_capacity(changes.len());
        let mut bytes = 0;
        let deferred = changes.len() >= DEFER_FINGERPRINT_AT;
        for (i, change) in changes.iter().enumerate() {
            let passing = deferred.then(|| passing_state(version, i));
            let (applied, removed) = self.apply_one(change, enc, passing);
            bytes += change.text.len() + removed.len();
            inverse.push(Inverse {
                start: applied.start_raw,
                inserted: applied.inserted_raw,
                removed,
            });
            out.push(applied.applied);
        }
        if deferred {
            self.fingerprint = Fingerprint::of(&self.rope);
            if let Some(last) = out.last_mut() {
                last.state = self.fingerprint.state(&self.rope);
            }
        }
        self.version = version;
        self.journal_bytes += bytes;
        self.journal.push_back(JournalEntry {
            version,
            changes,
            inverse,
            bytes,
        });
        while self.journal.len() > JOURNAL_ENTRIES
            || (self.journal_bytes > JOURNAL_BYTES && self.journal.len() > 1)
        {
            if let Some(old) = self.journal.pop_front() {
                self.journal_bytes -= old.bytes;
                self.base_version = old.version;
            }
        }
    }

    /// The char range a change replaces (ordered; clamped into the document, and how).
    fn char_range(&self, change: &ContentChange, enc: Encoding) -> (usize, usize, Option<Clamp>) {
        let Some(range) = change.range else {
            return (0, self.rope.len_chars(), None);
        };
        let (a, ca) = encoding::to_char_index(&self.rope, range.start, enc);
        let (b, cb) = encoding::to_char_index(&self.rope, range.end, enc);
        (a.min(b), a.max(b), ca.or(cb))
    }

    /// Applies one change. With `passing`, the fingerprint is left behind (the notification
    /// takes it afresh after its last change) and the change carries that state instead.
    fn apply_one(
        &mut self,
        change: &ContentChange,
        enc: Encoding,
        passing: Option<u64>,
    ) -> (RawApplied, String) {
        let (start, end, clamped) = self.char_range(change, enc);
        let text = change.text.as_str();
        let removed_slice = self.rope.slice(start..end);
        let m = measure(removed_slice, text);
        let start_trimmed = start + m.prefix;
        let span = Span::of(&self.rope, start_trimmed, start_trimmed + m.deleted);
        let removed = if end == start {
            String::new()
        } else {
            removed_slice.to_string()
        };
        let del_text = (m.deleted >= 2).then(|| piece(&removed, m.prefix, m.deleted));
        let del_char = if m.deleted == 1 {
            removed.chars().nth(m.prefix)
        } else {
            None
        };
        let (ins_char, ins_text) = match m.inserted {
            0 => (None, None),
            1 => (text.chars().nth(m.prefix), None),
            _ => (None, Some(piece(text, m.prefix, m.inserted))),
        };
        self.replace(start, end, text, passing.is_none());
        let prev_char = (start_trimmed > 0).then(|| self.rope.char(start_trimmed - 1));
        // Back from the change to the first visible character or the line's start: one step
        // after code, as many as the indentation after it — never the whole line (a line can be
        // 100,000 characters long).
        let code_before = (self.rope.chars_at(start_trimmed).reversed())
            .take_while(|&c| c != '\n' && c != '\r')
            .any(|c| !c.is_whitespace());
        let next_char = self.rope.get_char(start_trimmed + m.inserted);
        let applied = Applied {
            start: start_trimmed,
            span,
            inserted: m.inserted,
            deleted: m.deleted,
            hash: m.hash,
            clamped,
            doc_chars: self.rope.len_chars(),
            state: passing.unwrap_or_else(|| self.fingerprint.state(&self.rope)),
            ins_char,
            ins_text,
            del_text,
            del_char,
            prev_char,
            code_before,
            next_char,
        };
        let raw = RawApplied {
            applied,
            start_raw: start,
            inserted_raw: m.text_chars,
        };
        (raw, removed)
    }

    /// Replaces chars `start..end` by `text`, keeping the fingerprint in step when `in_step`
    /// (in time proportional to the lines touched).
    fn replace(&mut self, start: usize, end: usize, text: &str, in_step: bool) {
        let touched = in_step.then(|| Fingerprint::affected(&self.rope, start, end));
        let lines_before = self.rope.len_lines();
        if let Some((a, b)) = touched {
            self.fingerprint.remove(&self.rope, a, b);
        }
        if end > start {
            self.rope.remove(start..end);
        }
        if !text.is_empty() {
            self.rope.insert(start, text);
        }
        let Some((a, b)) = touched else {
            return;
        };
        let b_after = (b + self.rope.len_lines()).saturating_sub(lines_before);
        self.fingerprint
            .add(&self.rope, a, b_after.min(self.rope.len_lines() - 1));
    }
}

/// The state a change in the middle of a deferred notification carries: one no text has, and
/// no other change either.
fn passing_state(version: i32, index: usize) -> u64 {
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&version.to_le_bytes());
    bytes[4..12].copy_from_slice(&(index as u64).to_le_bytes());
    bytes[12..].copy_from_slice(b"pass");
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// `len` chars of `text` from char `skip`.
fn piece(text: &str, skip: usize, len: usize) -> Box<str> {
    text.chars()
        .skip(skip)
        .take(len)
        .collect::<String>()
        .into_boxed_str()
}

struct RawApplied {
    applied: Applied,
    start_raw: usize,
    inserted_raw: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> ContentChange {
        ContentChange {
            range: Some(Range {
                start: Position::new(sl, sc),
                end: Position::new(el, ec),
            }),
            text: text.to_string(),
        }
    }

    fn apply(doc: &mut Document, version: i32, changes: &[ContentChange]) -> Vec<Applied> {
        let mut out = Vec::new();
        doc.apply(version, changes.to_vec(), Encoding::Utf16, &mut out)
            .unwrap();
        out
    }

    #[test]
    fn trims_common_prefix_and_suffix() {
        let mut doc = Document::new("let x = 1;\n", 1);
        // A completion provider re-sends the whole line with one word added.
        let out = apply(&mut doc, 2, &[change(0, 0, 0, 10, "let x = 12;")]);
        assert_eq!(doc.text(), "let x = 12;\n");
        assert_eq!((out[0].inserted, out[0].deleted, out[0].start), (1, 0, 9));
        assert_eq!(out[0].hash, xxhash_rust::xxh3::xxh3_64(b"2"));
    }

    #[test]
    fn spans_name_what_the_trimmed_change_replaced() {
        let mut doc = Document::new("ab😀\ncd\nef\n", 1);
        // Replace "😀\ncd\ne" by "X" (the client sends more, the trim narrows it).
        let out = apply(&mut doc, 2, &[change(0, 1, 2, 1, "bX")]);
        assert_eq!(doc.text(), "abXf\n");
        let want = Span {
            start_line: 0,
            start_col: 2,
            end_line: 2,
            end_col: 1,
        };
        assert_eq!(out[0].span, want);
        assert_eq!((out[0].inserted, out[0].deleted), (1, 6));
    }

    #[test]
    fn repeated_chars_do_not_over_trim() {
        let mut doc = Document::new("aa", 1);
        let out = apply(&mut doc, 2, &[change(0, 0, 0, 2, "aaaa")]);
        assert_eq!((out[0].inserted, out[0].deleted), (2, 0));
        let out = apply(&mut doc, 3, &[change(0, 1, 0, 3, "")]);
        assert_eq!((out[0].inserted, out[0].deleted), (0, 2));
        assert_eq!(doc.text(), "aa");
    }

    #[test]
    fn full_replace_is_measured_by_its_diff() {
        let mut doc = Document::new("one\ntwo\n", 1);
        let out = apply(
            &mut doc,
            2,
            &[ContentChange {
                range: None,
                text: "one\n2\ntwo\n".into(),
            }],
        );
        assert_eq!(
            (out[0].inserted, out[0].deleted, out[0].span.start_line),
            (2, 0, 1)
        );
    }

    #[test]
    fn backwards_versions_are_rejected() {
        let mut doc = Document::new("", 5);
        apply(&mut doc, 6, &[change(0, 0, 0, 0, "a")]);
        let mut out = Vec::new();
        let res = doc.apply(6, vec![change(0, 0, 0, 0, "b")], Encoding::Utf16, &mut out);
        assert_eq!(
            res,
            Err(Rejected::Backwards {
                version: 6,
                current: 6
            })
        );
        let res = doc.apply(3, vec![change(0, 0, 0, 0, "b")], Encoding::Utf16, &mut out);
        assert!(res.is_err());
        assert_eq!(doc.text(), "a");
    }

    #[test]
    fn late_changes_are_slotted_into_version_order() {
        let mut doc = Document::new("", 1);
        apply(&mut doc, 2, &[change(0, 0, 0, 0, "a")]);
        // v4 was computed by the client after v3 ("b") was applied; v3 arrives after v4.
        apply(&mut doc, 4, &[change(0, 2, 0, 2, "c")]);
        let mut out = Vec::new();
        let res = doc.apply(3, vec![change(0, 1, 0, 1, "b")], Encoding::Utf16, &mut out);
        assert_eq!(res, Ok(Accepted::Late { newest: 4 }));
        assert_eq!(doc.text(), "abc");
        assert_eq!(doc.version(), 4);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].start, 1);
    }

    #[test]
    fn clamps_ranges_past_the_end() {
        let mut doc = Document::new("abc", 1);
        let out = apply(&mut doc, 2, &[change(0, 1, 9, 9, "X")]);
        assert_eq!(doc.text(), "aX");
        assert_eq!(out[0].clamped, Some(Clamp::PastEnd));
        let out = apply(&mut doc, 3, &[change(0, 5, 0, 1, "Y")]);
        assert_eq!(
            doc.text(),
            "aY",
            "a reversed range is swapped, its start clamped"
        );
        assert!(out[0].clamped.is_some());
    }
}
