//! What the workspace holds on disk, as line hashes: every substantial line of the files the
//! watcher walked at start or met later (tracked by git or not), so that a paste of the person's
//! own code from a file that is not open is known for the copy it is. Hashes only, never text.
//!
//! Bounded: at most [`MAX_LINES`] distinct lines, 32-bit hashes in an open-addressed set
//! (about 10 MB when full). Past the bound the index stops growing — lines already in it stay,
//! new files' lines are not added — and pastes from the files left out are judged as if the
//! index did not exist. The hashes are computed off the edit path (the watcher's thread, or
//! replay); adding them is one set insertion per line.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use super::fingerprint::content_hash;

/// Distinct lines the index holds at most. With hashbrown's 7/8 load factor 1.8 M entries fit
/// 2^21 buckets of 5 bytes: about 10.5 MB.
pub const MAX_LINES: usize = 1_800_000;

/// A hasher for keys that are hashes already (32-bit).
#[derive(Default, Clone, Copy)]
pub struct Pass32(u64);

impl Hasher for Pass32 {
    fn finish(&self) -> u64 {
        // Spread the 32 bits over the word: hashbrown takes its control byte from the top.
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n);
    }
}

/// The hash a line gets in the index: the low half of its content hash (the trimmed line; lines
/// shorter than three characters have none).
pub fn line_key(line: &str) -> Option<u32> {
    content_hash(line).map(|h| h as u32)
}

/// The index keys of every substantial line of `text`, and of the expression each line
/// assigns or returns (what people copy out of a line: the right-hand side of `x = …`, what
/// follows `return`), so that a piece of a line pasted is found too.
pub fn line_keys(text: &str) -> Vec<u32> {
    let mut keys = Vec::new();
    for line in text.lines() {
        keys.extend(line_key(line));
        if let Some(piece) = expression_of(line) {
            keys.extend(line_key(piece));
        }
    }
    keys
}

/// The expression a line assigns (after the first ` = `) or returns (after `return `), without
/// a closing `;` or `,`, when it is long enough to be worth finding (8 characters or more).
fn expression_of(line: &str) -> Option<&str> {
    let t = line.trim();
    let rest = match t.strip_prefix("return ") {
        Some(rest) => rest,
        None => t.split_once(" = ")?.1,
    };
    let rest = rest.trim().trim_end_matches([';', ',']).trim_end();
    (rest.chars().count() >= MIN_PIECE_CHARS).then_some(rest)
}

/// A piece of a line shorter than this is not indexed on its own (short pieces are everywhere).
const MIN_PIECE_CHARS: usize = 8;

/// Whether a file holds text worth indexing: not binary (no NUL in its first 8 KiB).
pub fn is_text(text: &str) -> bool {
    !text.as_bytes().iter().take(8 << 10).any(|&b| b == 0)
}

#[derive(Default)]
pub struct DiskLines {
    set: HashSet<u32, BuildHasherDefault<Pass32>>,
    files: usize,
    full: bool,
}

/// What adding a file did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Indexed,
    /// The index is full: this file's new lines were left out.
    Full,
}

impl DiskLines {
    /// Adds one file's line keys; once the bound is reached nothing new is added.
    pub fn add(&mut self, keys: &[u32]) -> Added {
        if self.full {
            return Added::Full;
        }
        for &k in keys {
            if self.set.len() >= MAX_LINES {
                self.full = true;
                return Added::Full;
            }
            self.set.insert(k);
        }
        self.files += 1;
        Added::Indexed
    }

    /// Whether some file on disk holds a line with this content hash.
    pub fn contains(&self, content_hash: u64) -> bool {
        self.set.contains(&(content_hash as u32))
    }

    /// Distinct lines held.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Files whose lines were all added.
    pub fn files(&self) -> usize {
        self.files
    }

    pub fn is_full(&self) -> bool {
        self.full
    }

    /// The set's heap, in bytes: a power-of-two number of buckets, each a 4-byte key and a
    /// control byte.
    pub fn heap_bytes(&self) -> usize {
        let cap = self.set.capacity();
        if cap == 0 {
            return 0;
        }
        let buckets = (cap * 8 / 7).next_power_of_two();
        buckets * 5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_files_are_found_by_content_not_indentation() {
        let mut idx = DiskLines::default();
        assert_eq!(
            idx.add(&line_keys("def f(x):\n    return x * 2\n}\n")),
            Added::Indexed
        );
        let h = |s: &str| content_hash(s).unwrap();
        assert!(idx.contains(h("return x * 2")));
        assert!(idx.contains(h("        return x * 2\n")));
        assert!(!idx.contains(h("return x * 3")));
        assert_eq!(
            idx.len(),
            2,
            "a closing brace is too short to be worth a line"
        );
        assert_eq!(idx.files(), 1);
    }

    #[test]
    fn the_bound_stops_growth_and_keeps_what_is_in() {
        let mut idx = DiskLines::default();
        let keys: Vec<u32> = (0..MAX_LINES as u32).collect();
        assert_eq!(idx.add(&keys), Added::Indexed);
        assert_eq!(idx.add(&[MAX_LINES as u32 + 7]), Added::Full);
        assert!(idx.is_full());
        assert_eq!(idx.len(), MAX_LINES);
        assert!(idx.set.contains(&5));
        assert!(!idx.set.contains(&(MAX_LINES as u32 + 7)));
        // Once full, every later file is left out, even with lines already known.
        assert_eq!(idx.add(&[5]), Added::Full);
        assert!(idx.heap_bytes() <= 11 << 20, "{}", idx.heap_bytes());
    }

    #[test]
    fn what_a_line_assigns_or_returns_is_found_on_its_own() {
        let mut idx = DiskLines::default();
        idx.add(&line_keys(
            "    total = round(price * (1 - rate), 2);\n    return [x for x in items if x]\n    n = 1\n",
        ));
        let h = |s: &str| content_hash(s).unwrap();
        assert!(idx.contains(h("round(price * (1 - rate), 2)")));
        assert!(idx.contains(h("[x for x in items if x]")));
        assert_eq!(
            line_keys("    n = 1\n").len(),
            1,
            "too short to index alone"
        );
    }

    #[test]
    fn binary_text_is_not_indexed() {
        assert!(is_text("fn main() {}\n"));
        assert!(!is_text("PK\u{0}\u{3}"));
    }
}
