//! How a replacement differs from what it replaced: the common prefix and suffix trimmed, what
//! is left inserted and deleted, and a hash of the inserted text. What every change is measured
//! by, in the mirror and for disk changes.

/// The difference between a replaced text and its replacement, after trimming their common
/// prefix and suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Measure {
    /// Chars the two texts share at the start.
    pub prefix: usize,
    pub inserted: usize,
    pub deleted: usize,
    /// xxh3 of the trimmed inserted text; 0 when nothing was inserted.
    pub hash: u64,
    /// Chars in the whole replacement.
    pub text_chars: usize,
}

/// Measures replacing `old` by `new`.
pub fn measure(old: ropey::RopeSlice<'_>, new: &str) -> Measure {
    let old_len = old.len_chars();
    let text_chars = new.chars().count();
    let prefix = old
        .chars()
        .zip(new.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let max_suffix = old_len.min(text_chars) - prefix;
    let suffix = old
        .chars_at(old_len)
        .reversed()
        .zip(new.chars().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let inserted = text_chars - prefix - suffix;
    let hash = if inserted == 0 {
        0
    } else {
        let from = char_to_byte(new, prefix);
        let to = new.len() - char_to_byte_rev(new, suffix);
        xxhash_rust::xxh3::xxh3_64(&new.as_bytes()[from..to])
    };
    Measure {
        prefix,
        inserted,
        deleted: old_len - prefix - suffix,
        hash,
        text_chars,
    }
}

/// Byte offset of the `n`th char of `s`.
fn char_to_byte(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Bytes taken by the last `n` chars of `s`.
fn char_to_byte_rev(s: &str, n: usize) -> usize {
    s.chars().rev().take(n).map(char::len_utf8).sum()
}
