//! A document's fingerprint, kept up to date edit by edit in time proportional to the lines an
//! edit touches, not to the document:
//!
//! - `state`: a hash of the whole text (the wrapping sum of a hash per pair of adjacent lines,
//!   mixed with the length), so "the document is back to a state it had" (undo, redo, a checkout)
//!   is one integer comparison;
//! - `lines`: how many times each line occurs, by a hash of its trimmed content, so "these
//!   inserted lines already exist here" (a copy within the workspace) is a few map look-ups.
//!
//! Hashes only: no text is kept.

use std::collections::HashMap;

use ropey::Rope;

const SENTINEL: u64 = 0x243F_6A88_85A3_08D3;

#[derive(Clone, Debug, Default)]
pub struct Fingerprint {
    pairs: u64,
    lines: HashedMap<u32>,
}

/// Hash of a line exactly as it is, line break included; and the hash of its trimmed content.
/// One-shot hashing when the line lies in one chunk (nearly always), streaming otherwise: both
/// give the same value for the same bytes.
fn hashes(line: ropey::RopeSlice<'_>, with_content: bool) -> (u64, Option<u64>) {
    match line.as_str() {
        Some(s) => (
            xxhash_rust::xxh3::xxh3_64(s.as_bytes()),
            if with_content { content_hash(s) } else { None },
        ),
        None => {
            let s = line.to_string();
            (
                xxhash_rust::xxh3::xxh3_64(s.as_bytes()),
                if with_content { content_hash(&s) } else { None },
            )
        }
    }
}

/// Hash of a line's content without surrounding white space (what a copy keeps when it is
/// re-indented); `None` for lines too short to say anything.
pub fn content_hash(text: &str) -> Option<u64> {
    let t = text.trim();
    (t.len() >= 3 && t.chars().nth(2).is_some()).then(|| xxhash_rust::xxh3::xxh3_64(t.as_bytes()))
}

/// A hasher for keys that are hashes already.
#[derive(Default, Clone, Copy)]
pub struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type HashedMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<PassThrough>>;

fn mix(prev: u64, cur: u64) -> u64 {
    // splitmix64 finaliser over an asymmetric combination, so (a, b) and (b, a) differ.
    let mut z = prev.rotate_left(17).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ cur;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Fingerprint {
    pub fn of(rope: &Rope) -> Fingerprint {
        let mut fp = Fingerprint::default();
        fp.add(rope, 0, rope.len_lines() - 1);
        fp
    }

    /// The state hash of the text this fingerprint describes.
    pub fn state(&self, rope: &Rope) -> u64 {
        mix(self.pairs, rope.len_chars() as u64)
    }

    /// True when both describe the same text (used to check incremental updates).
    pub fn same_as(&self, other: &Fingerprint) -> bool {
        self.pairs == other.pairs && self.lines == other.lines
    }

    /// How many lines with this content hash the document holds.
    pub fn line_count(&self, content: u64) -> u32 {
        self.lines.get(&content).copied().unwrap_or(0)
    }

    /// The lines an edit of chars `start..end` may change, widened by one on each side so that
    /// line breaks joining or splitting at the edges (`\r` + `\n`) stay inside.
    pub fn affected(rope: &Rope, start: usize, end: usize) -> (usize, usize) {
        let last = rope.len_lines() - 1;
        let a = rope.char_to_line(start).saturating_sub(1);
        let b = (rope.char_to_line(end) + 1).min(last);
        (a, b)
    }

    /// Takes lines `a..=b` (and the pairs they are part of) out of the fingerprint.
    pub fn remove(&mut self, rope: &Rope, a: usize, b: usize) {
        self.walk(rope, a, b, false);
    }

    /// Puts lines `a..=b` (and the pairs they are part of) into the fingerprint.
    pub fn add(&mut self, rope: &Rope, a: usize, b: usize) {
        self.walk(rope, a, b, true);
    }

    fn walk(&mut self, rope: &Rope, a: usize, b: usize, add: bool) {
        let last = rope.len_lines() - 1;
        let end = (b + 1).min(last);
        let mut lines = rope.lines_at(a.saturating_sub(1));
        let mut prev = if a == 0 {
            SENTINEL
        } else {
            hashes(lines.next().expect("line a-1 exists"), false).0
        };
        for i in a..=end {
            let (cur, content) = hashes(lines.next().expect("line exists"), i <= b);
            let pair = mix(prev, cur);
            self.pairs = if add {
                self.pairs.wrapping_add(pair)
            } else {
                self.pairs.wrapping_sub(pair)
            };
            prev = cur;
            if let Some(h) = content {
                if add {
                    *self.lines.entry(h).or_default() += 1;
                } else if let Some(n) = self.lines.get_mut(&h) {
                    *n -= 1;
                    if *n == 0 {
                        self.lines.remove(&h);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_state_and_order_matters() {
        let a = Rope::from_str("one\ntwo\nthree\n");
        let b = Rope::from_str("two\none\nthree\n");
        assert_eq!(
            Fingerprint::of(&a).state(&a),
            Fingerprint::of(&a.clone()).state(&a)
        );
        assert_ne!(Fingerprint::of(&a).state(&a), Fingerprint::of(&b).state(&b));
        let fp = Fingerprint::of(&a);
        assert_eq!(fp.line_count(content_hash("  two ").unwrap()), 1);
        assert_eq!(fp.line_count(content_hash("four").unwrap()), 0);
    }
}
