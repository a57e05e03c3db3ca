//! What the workspace already holds, as the classifier needs to know it: whether an insertion
//! brings text that exists elsewhere in the workspace — in an open document, or in a file on disk
//! ([`super::disk_lines`]) — a copy of the person's own code, not outside help; and the
//! unchanged rest of the lines around a replacement that spans lines (so whole lines can be
//! compared). Facts about documents, not decisions.

use std::collections::HashMap;
use std::sync::Arc;

use super::fingerprint::content_hash;
use super::{Applied, Document, Mirror};

/// How far around an insertion to look for the same text (a copy close by), in chars.
const NEARBY_CHARS: usize = 2_000;
/// A piece of a line found as a whole line of a file on disk must be at least this long
/// (trimmed): short lines (`return x`) are everywhere.
const DISK_LINE_CHARS: usize = 8;

/// Whether an insertion brings text the workspace already holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Copied {
    #[default]
    No,
    /// Every substantial inserted line already exists in the open documents.
    Lines(u32),
    /// Every substantial inserted line exists in the workspace, some only in files on disk.
    DiskLines(u32),
    /// The inserted text already exists close by in the document.
    Nearby,
}

/// The unchanged rest of the first line before a replacement and of its last line after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Around {
    pub before: String,
    pub after: String,
}

/// For a replacement whose old or new text spans lines: the rest of the first line before it
/// and of the last line after it (unchanged by the edit, so read from the text after it).
pub fn around(doc: &Document, a: &Applied) -> Option<Around> {
    let (del, ins) = (a.del_text.as_deref()?, a.ins_text.as_deref()?);
    if !del.contains('\n') && !ins.contains('\n') {
        return None;
    }
    let rope = doc.rope();
    let line_start = rope.line_to_char(rope.char_to_line(a.start));
    let end = a.start + a.inserted;
    let last = rope.char_to_line(end);
    let line_end = rope.line_to_char(last) + rope.line(last).len_chars();
    let after: String = rope
        .slice(end..line_end)
        .chars()
        .take_while(|c| *c != '\n' && *c != '\r')
        .collect();
    Some(Around {
        before: rope.slice(line_start..a.start).to_string(),
        after,
    })
}

/// Whether insertion `a` into the document `key` (already applied) brings text the open
/// documents already hold.
pub fn copied(mirror: &Mirror, doc: &Document, key: &Arc<str>, a: &Applied) -> Copied {
    let Some(text) = a.ins_text.as_deref() else {
        return Copied::No;
    };
    if text.trim().chars().count() < 3 {
        return Copied::No;
    }
    if text.contains('\n') {
        return copied_lines(mirror, doc, key, text);
    }
    // A piece of a line: look for it around the insertion, not counting the insertion itself,
    // and as a whole line of a file on disk.
    let rope = doc.rope();
    let needle = text.trim();
    if needle.chars().count() >= DISK_LINE_CHARS
        && content_hash(needle).is_some_and(|h| mirror.disk_lines.contains(h))
    {
        return Copied::DiskLines(1);
    }
    let end = (a.start + a.inserted).min(rope.len_chars());
    let before = rope.slice(a.start.saturating_sub(NEARBY_CHARS)..a.start.min(rope.len_chars()));
    let after = rope.slice(end..(end + NEARBY_CHARS).min(rope.len_chars()));
    if before.to_string().contains(needle) || after.to_string().contains(needle) {
        Copied::Nearby
    } else {
        Copied::No
    }
}

/// Whether a burst of single characters inserted one after the other in one notification (a
/// register put in Insert mode, `<C-r>"`, arrives so) brings whole lines the workspace already
/// holds: the lines the burst wrote, as they stand now (with what the line held before it).
/// Only for bursts of at least `min` characters.
pub fn burst_copied(
    mirror: &Mirror,
    doc: &Document,
    key: &Arc<str>,
    applied: &[Applied],
    min: usize,
) -> Copied {
    let in_a_row = applied.len() >= min
        && applied.windows(2).all(|w| w[1].start == w[0].start + 1)
        && applied
            .iter()
            .all(|a| a.ins_char.is_some() && a.deleted == 0);
    let (Some(first), Some(last), true) = (applied.first(), applied.last(), in_a_row) else {
        return Copied::No;
    };
    let rope = doc.rope();
    let end = (last.start + 1).min(rope.len_chars());
    let (l0, l1) = (
        rope.char_to_line(first.start),
        rope.char_to_line(end.saturating_sub(1)),
    );
    let text = rope
        .slice(rope.line_to_char(l0)..rope.line_to_char((l1 + 1).min(rope.len_lines())))
        .to_string();
    if text.trim().chars().count() < 3 {
        return Copied::No;
    }
    let text = if text.ends_with('\n') {
        text
    } else {
        format!("{text}\n")
    };
    copied_lines(mirror, doc, key, &text)
}

/// Each substantial inserted line must occur more often in the open documents than in the
/// insertion, or in a file on disk.
fn copied_lines(mirror: &Mirror, doc: &Document, key: &Arc<str>, text: &str) -> Copied {
    let mut inserted: HashMap<u64, u32> = HashMap::new();
    for h in text.split_inclusive('\n').filter_map(content_hash) {
        *inserted.entry(h).or_default() += 1;
    }
    let mut on_disk_only = false;
    let all_found = !inserted.is_empty()
        && inserted.iter().all(|(h, n)| {
            let open = doc.fingerprint().line_count(*h) > *n
                || mirror
                    .iter()
                    .any(|(k, d)| k != key && d.fingerprint().line_count(*h) > 0);
            if !open && mirror.disk_lines.contains(*h) {
                on_disk_only = true;
                return true;
            }
            open
        });
    let lines = inserted.values().sum();
    match (all_found, on_disk_only) {
        (false, _) => Copied::No,
        (true, false) => Copied::Lines(lines),
        (true, true) => Copied::DiskLines(lines),
    }
}
