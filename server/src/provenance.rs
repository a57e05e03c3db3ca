//! Provenance: which characters of each document came from outside help, kept true as later
//! edits shift, split or overwrite them, and carried across closing, reopening and restarts.
//!
//! A document's provenance is a sorted list of non-overlapping char ranges, each with the class
//! and the event that inserted it. Typing inside a block splits it — those characters are the
//! person's; deleting over it removes what was deleted. To outlive the session it is saved as
//! hashes only: the text's hash, each line's hash and length, and the ranges. When the file
//! changed meanwhile, the ranges are re-anchored by a diff of line hashes; ranges on lines that
//! changed are dropped, since someone rewrote them.

use std::sync::Arc;

use ropey::Rope;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::classify::Class;

/// Ids of ranges restored from an earlier session start here, far above any event id of this
/// session, so each restored block keeps an identity of its own (to explain it, or call it one's
/// own code, without touching the others). The rest of the id comes from the block's saved
/// text (its lines' hashes and where in them it lies), so a block gets the same id every time
/// it is restored, whatever moved around it.
pub const RESTORED_IDS: u64 = 1 << 63;

/// Ranges kept per document; past this the first ones are dropped (down to this many, once
/// [`RANGES_SLACK`] more have gathered).
const MAX_RANGES: usize = 4096;
/// How far past [`MAX_RANGES`] the list may grow before it is cut back.
const RANGES_SLACK: usize = MAX_RANGES / 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: usize,
    pub end: usize,
    pub class: Class,
    /// The event that inserted it ([`RESTORED_IDS`] and above when restored from an earlier
    /// session).
    pub id: u64,
    pub tags: Tags,
}

/// What was true when a range was inserted, and what has happened to it since. Splits of a
/// range keep its tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tags {
    /// Inserted in the early part of its task.
    pub early: bool,
    /// Inserted during a manual task.
    pub manual: bool,
    /// Inserted during a struggle window.
    pub struggle: bool,
    /// The explanation written for it (an id from its file name; 0 for none).
    pub explanation: u32,
}

/// Cloning is cheap (the ranges are shared until one side changes them), so readers on other
/// tasks can hold a document's provenance as of its last change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    ranges: Arc<Vec<Range>>,
}

impl Provenance {
    pub fn ranges(&self) -> &[Range] {
        &self.ranges
    }

    /// Characters currently from outside help.
    pub fn outside_chars(&self) -> usize {
        self.ranges.iter().map(|r| r.end - r.start).sum()
    }

    /// Tags every range of event `id`'s block containing `at` (all pieces of a split block).
    pub fn tag(&mut self, id: u64, f: impl Fn(&mut Tags)) {
        for r in Arc::make_mut(&mut self.ranges)
            .iter_mut()
            .filter(|r| r.id == id)
        {
            f(&mut r.tags);
        }
    }

    /// Forgets the ranges of event `id` (the person says the block is their own).
    pub fn forget(&mut self, id: u64) -> bool {
        if !self.ranges.iter().any(|r| r.id == id) {
            return false;
        }
        Arc::make_mut(&mut self.ranges).retain(|r| r.id != id);
        true
    }

    /// Adds ranges restored from an earlier session where no range of this session claims
    /// their characters (a restore that arrives after the first edits of the document).
    pub fn merge_restored(&mut self, restored: Provenance) {
        if self.ranges.is_empty() {
            *self = restored;
            return;
        }
        let mine = Arc::make_mut(&mut self.ranges);
        let kept: Vec<Range> = restored
            .ranges
            .iter()
            .filter(|n| !mine.iter().any(|r| r.start < n.end && n.start < r.end))
            .copied()
            .collect();
        mine.extend(kept);
        mine.sort_by_key(|r| r.start);
    }

    /// Applies an edit at char `start` of the text before it: `deleted` chars removed, then
    /// `inserted` chars put there, of class `class` (recorded when it is outside help).
    ///
    /// In place, in time proportional to the ranges the edit touches plus those after it (a
    /// shift each): ranges wholly before the edit are found by binary search and left alone, so
    /// a notification of many changes costs what its changes cost, not its changes times the
    /// ranges.
    pub fn edit(
        &mut self,
        start: usize,
        deleted: usize,
        inserted: usize,
        class: Class,
        id: u64,
        tags: Tags,
    ) {
        let adds = class.is_outside_help() && inserted > 0;
        if self.ranges.is_empty() && !adds {
            return;
        }
        let del_end = start + deleted;
        let ranges = Arc::make_mut(&mut self.ranges);
        // Wholly before the edit: untouched. From `hi` on: wholly after it, only shifted.
        let lo = ranges.partition_point(|r| r.end <= start);
        let hi = lo + ranges[lo..].partition_point(|r| r.start < del_end);
        let mut mid: Vec<Range> = Vec::with_capacity(hi - lo + 2);
        for &r in &ranges[lo..hi] {
            split_around(r, start, deleted, inserted, &mut mid);
        }
        if adds {
            let at = mid.partition_point(|r| r.start < start);
            mid.insert(
                at,
                Range {
                    start,
                    end: start + inserted,
                    class,
                    id,
                    tags,
                },
            );
        }
        mid.retain(|r| r.end > r.start);
        for r in &mut ranges[hi..] {
            r.start = r.start - deleted + inserted;
            r.end = r.end - deleted + inserted;
        }
        ranges.splice(lo..hi, mid);
        // Past the cap, the first ones go; a little slack makes that rare rather than constant.
        if ranges.len() > MAX_RANGES + RANGES_SLACK {
            ranges.drain(..ranges.len() - MAX_RANGES);
        }
    }

    /// A decision about event `id` changed: its range stops or starts counting.
    pub fn amend(&mut self, id: u64, class: Class, range: Option<(usize, usize)>, tags: Tags) {
        if class.is_outside_help() {
            if let Some(i) = self.ranges.iter().position(|r| r.id == id) {
                Arc::make_mut(&mut self.ranges)[i].class = class;
            } else if let Some((start, end)) = range {
                // Only where nothing else claims those characters.
                if end > start && !self.ranges.iter().any(|r| r.start < end && start < r.end) {
                    let at = self.ranges.partition_point(|r| r.start < start);
                    Arc::make_mut(&mut self.ranges).insert(
                        at,
                        Range {
                            start,
                            end,
                            class,
                            id,
                            tags,
                        },
                    );
                }
            }
        } else {
            self.forget(id);
        }
    }

    /// What is saved when the document closes (hashes only).
    pub fn save(&self, rope: &Rope) -> Saved {
        Saved {
            text_hash: text_hash(rope),
            lines: line_hashes(rope),
            ranges: self
                .ranges
                .iter()
                .map(|r| SavedRange {
                    start: r.start as u32,
                    end: r.end as u32,
                    class: r.class,
                    tags: r.tags,
                })
                .collect(),
        }
    }

    /// Restores saved provenance onto `rope`, re-anchoring it if the text changed meanwhile.
    pub fn restore(saved: &Saved, rope: &Rope) -> Provenance {
        let fits = |s: u32, e: u32| (s as usize) < (e as usize) && (e as usize) <= rope.len_chars();
        let ids = restored_ids(saved);
        let ranges = if saved.text_hash == text_hash(rope) {
            saved
                .ranges
                .iter()
                .zip(&ids)
                .filter(|(r, _)| fits(r.start, r.end))
                .map(|(r, &id)| Range {
                    start: r.start as usize,
                    end: r.end as usize,
                    class: r.class,
                    id,
                    tags: r.tags,
                })
                .collect()
        } else {
            reanchor(saved, rope, &ids)
        };
        Provenance {
            ranges: Arc::new(ranges),
        }
    }
}

/// The identity of each saved range: [`RESTORED_IDS`] plus a hash of the saved lines it covers
/// and where in them it starts and ends (two identical blocks get neighbouring ids).
fn restored_ids(saved: &Saved) -> Vec<u64> {
    let starts = line_starts(&saved.lines);
    let line_of = |pos: usize| starts.partition_point(|&s| s <= pos).saturating_sub(1);
    let mut ids: Vec<u64> = Vec::with_capacity(saved.ranges.len());
    for r in &saved.ranges {
        let (start, end) = (r.start as usize, r.end as usize);
        let (l0, l1) = (line_of(start), line_of(end.saturating_sub(1)));
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for (line, _) in saved.lines.get(l0..=l1).unwrap_or(&[]) {
            h.update(&line.to_le_bytes());
        }
        let offset = start - starts.get(l0).copied().unwrap_or(0).min(start);
        h.update(&(offset as u64).to_le_bytes());
        h.update(&(end.saturating_sub(start) as u64).to_le_bytes());
        let mut id = RESTORED_IDS | (h.digest() >> 1);
        while ids.contains(&id) {
            id = RESTORED_IDS | (id.wrapping_add(1) & !RESTORED_IDS);
        }
        ids.push(id);
    }
    ids
}

/// The saved ranges that survive on `rope`, a changed text: each must lie on lines that
/// survived unchanged, in one piece (a Myers diff of line hashes says which).
fn reanchor(saved: &Saved, rope: &Rope, ids: &[u64]) -> Vec<Range> {
    let new_lines = line_hashes(rope);
    let map = surviving_lines(saved, &new_lines);
    let (old_starts, new_starts) = (line_starts(&saved.lines), line_starts(&new_lines));
    let locate = |pos: usize| -> Option<(usize, usize)> {
        let line = old_starts.partition_point(|&s| s <= pos).checked_sub(1)?;
        Some((line, pos - old_starts[line]))
    };
    let mut ranges = Vec::new();
    for (i, r) in saved.ranges.iter().enumerate() {
        let (Some((l0, c0)), Some((l1, c1))) = (
            locate(r.start as usize),
            locate((r.end as usize).saturating_sub(1)),
        ) else {
            continue;
        };
        // Every line of the range must have survived, in one piece.
        let mapped: Option<Vec<usize>> = (l0..=l1).map(|l| map.get(l).copied().flatten()).collect();
        let Some(mapped) = mapped else { continue };
        if mapped.windows(2).any(|w| w[1] != w[0] + 1) {
            continue;
        }
        let start = new_starts[mapped[0]] + c0;
        let end = new_starts[*mapped.last().expect("l0..=l1 is not empty")] + c1 + 1;
        if end <= rope.len_chars() {
            ranges.push(Range {
                start,
                end,
                class: r.class,
                id: ids[i],
                tags: r.tags,
            });
        }
    }
    ranges
}

/// Old line → new line, for the saved lines that survived unchanged in `new_lines`.
fn surviving_lines(saved: &Saved, new_lines: &[(u64, u32)]) -> Vec<Option<usize>> {
    let old: Vec<u64> = saved.lines.iter().map(|(h, _)| *h).collect();
    let new: Vec<u64> = new_lines.iter().map(|(h, _)| *h).collect();
    let mut map: Vec<Option<usize>> = vec![None; old.len()];
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                map[old_index + k] = Some(new_index + k);
            }
        }
    }
    map
}

/// The char offset each line starts at, from the lines' lengths.
fn line_starts(lines: &[(u64, u32)]) -> Vec<usize> {
    let mut acc = 0usize;
    lines
        .iter()
        .map(|(_, len)| {
            let s = acc;
            acc += *len as usize;
            s
        })
        .collect()
}

/// Provenance as saved between sessions: hashes and ranges, never text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub text_hash: u64,
    /// Each line's hash and its length in chars (line break included).
    pub lines: Vec<(u64, u32)>,
    pub ranges: Vec<SavedRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavedRange {
    pub start: u32,
    pub end: u32,
    pub class: Class,
    pub tags: Tags,
}

fn text_hash(rope: &Rope) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for chunk in rope.chunks() {
        h.update(chunk.as_bytes());
    }
    h.digest()
}

fn line_hashes(rope: &Rope) -> Vec<(u64, u32)> {
    rope.lines()
        .map(|line| {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            for chunk in line.chunks() {
                h.update(chunk.as_bytes());
            }
            (h.digest(), line.len_chars() as u32)
        })
        .collect()
}

impl Saved {
    /// A compact binary form for the store.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.lines.len() * 12 + self.ranges.len() * 9);
        out.extend_from_slice(&self.text_hash.to_le_bytes());
        out.extend_from_slice(&(self.lines.len() as u32).to_le_bytes());
        for (h, len) in &self.lines {
            out.extend_from_slice(&h.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
        }
        out.extend_from_slice(&(self.ranges.len() as u32).to_le_bytes());
        for r in &self.ranges {
            out.extend_from_slice(&r.start.to_le_bytes());
            out.extend_from_slice(&r.end.to_le_bytes());
            let c = Class::ALL
                .iter()
                .position(|x| *x == r.class)
                .expect("every class is in ALL") as u8;
            out.push(c);
            out.push(
                u8::from(r.tags.early)
                    | u8::from(r.tags.manual) << 1
                    | u8::from(r.tags.struggle) << 2,
            );
            out.extend_from_slice(&r.tags.explanation.to_le_bytes());
        }
        out
    }

    /// The inverse of [`Saved::encode`]; `None` for bytes that are not one.
    pub fn decode(bytes: &[u8]) -> Option<Saved> {
        let mut r = Reader(bytes);
        let text_hash = r.u64()?;
        let n = r.u32()? as usize;
        let mut lines = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            lines.push((r.u64()?, r.u32()?));
        }
        let n = r.u32()? as usize;
        let mut ranges = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            let (start, end) = (r.u32()?, r.u32()?);
            let class = *Class::ALL.get(r.u8()? as usize)?;
            let flags = r.u8()?;
            let tags = Tags {
                early: flags & 1 != 0,
                manual: flags & 2 != 0,
                struggle: flags & 4 != 0,
                explanation: r.u32()?,
            };
            ranges.push(SavedRange {
                start,
                end,
                class,
                tags,
            });
        }
        r.0.is_empty().then_some(Saved {
            text_hash,
            lines,
            ranges,
        })
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take::<8>().map(u64::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }
}

/// What is left of range `r` after an edit at `start` (`deleted` chars removed, `inserted`
/// put in): the part before the edit, and the part after it shifted; a range running through
/// the edit point is split around the insertion. Pushed onto `out` in order.
fn split_around(r: Range, start: usize, deleted: usize, inserted: usize, out: &mut Vec<Range>) {
    let del_end = start + deleted;
    let mut pieces = [None, None];
    if r.start < start {
        pieces[0] = Some(Range {
            end: r.end.min(start),
            ..r
        });
    }
    if r.end > del_end {
        let s = r.start.max(del_end) - deleted;
        pieces[1] = Some(Range {
            start: s,
            end: r.end - deleted,
            ..r
        });
    }
    match pieces {
        [Some(a), Some(b)] if a.end == start && b.start == start => {
            out.push(a);
            out.push(Range {
                start: b.start + inserted,
                end: b.end + inserted,
                ..b
            });
        }
        _ => {
            for p in pieces.into_iter().flatten() {
                if p.start >= start {
                    out.push(Range {
                        start: p.start + inserted,
                        end: p.end + inserted,
                        ..p
                    });
                } else {
                    out.push(p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(p: &Provenance) -> Vec<(usize, usize)> {
        p.ranges().iter().map(|r| (r.start, r.end)).collect()
    }

    #[test]
    fn edits_shift_split_and_overwrite_ranges() {
        let mut p = Provenance::default();
        p.edit(10, 0, 20, Class::Paste, 1, Tags::default()); // an AI block at 10..30
        p.edit(0, 0, 5, Class::Typed, 2, Tags::default()); // typing before it shifts it
        assert_eq!(spans(&p), vec![(15, 35)]);
        p.edit(20, 0, 3, Class::Typed, 3, Tags::default()); // typing inside it makes those characters the person's
        assert_eq!(spans(&p), vec![(15, 20), (23, 38)]);
        assert_eq!(p.outside_chars(), 20);
        p.edit(18, 7, 0, Class::Delete, 4, Tags::default()); // deleting across the split
        assert_eq!(spans(&p), vec![(15, 18), (18, 31)]);
        p.edit(15, 16, 2, Class::Typed, 5, Tags::default()); // overwriting all of it
        assert_eq!(spans(&p), vec![]);
    }

    #[test]
    fn amendments_add_and_remove_ranges() {
        let mut p = Provenance::default();
        p.edit(0, 0, 10, Class::Paste, 1, Tags::default());
        p.amend(1, Class::Undo, None, Tags::default());
        assert!(p.ranges().is_empty());
        p.amend(2, Class::Paste, Some((3, 6)), Tags::default());
        assert_eq!(spans(&p), vec![(3, 6)]);
    }

    #[test]
    fn saved_provenance_round_trips_and_reanchors() {
        let before = Rope::from_str("fn a() {}\nlet ai = generated();\nmore_ai();\nfn b() {}\n");
        let mut p = Provenance::default();
        p.edit(10, 0, 33, Class::Completion, 1, Tags::default()); // lines 1 and 2
        let saved = p.save(&before);
        assert_eq!(Saved::decode(&saved.encode()), Some(saved.clone()));
        assert_eq!(Saved::decode(&saved.encode()[..5]), None);
        // Unchanged file: restored as it was.
        assert_eq!(spans(&Provenance::restore(&saved, &before)), vec![(10, 43)]);
        // Someone added lines above and changed the last line while the file was closed.
        let after = Rope::from_str(
            "// new header\n\nfn a() {}\nlet ai = generated();\nmore_ai();\nfn b(x) {}\n",
        );
        let restored = Provenance::restore(&saved, &after);
        assert_eq!(spans(&restored), vec![(25, 58)]);
        assert_eq!(
            after.slice(25..58).to_string(),
            "let ai = generated();\nmore_ai();\n"
        );
        // The block itself was rewritten: nothing to re-anchor.
        let rewritten = Rope::from_str("fn a() {}\nlet mine = 1;\nfn b() {}\n");
        assert!(Provenance::restore(&saved, &rewritten).ranges().is_empty());
    }

    proptest::proptest! {
        /// Against a reference that owns each character separately: after any sequence of
        /// edits, exactly the characters inserted by outside help and not since deleted are
        /// covered, each by the event that inserted it.
        #[test]
        fn ranges_follow_every_character(
            edits in proptest::collection::vec((0.0..=1.0f64, 0usize..8, 0usize..8, proptest::bool::ANY), 1..60)
        ) {
            let mut p = Provenance::default();
            let mut owner: Vec<Option<u64>> = Vec::new();
            for (i, (at, del, ins, outside)) in edits.into_iter().enumerate() {
                let id = i as u64 + 1;
                let start = ((owner.len() as f64) * at) as usize;
                let del = del.min(owner.len() - start);
                let class = if outside { Class::Paste } else { Class::Typed };
                p.edit(start, del, ins, class, id, Tags::default());
                owner.splice(start..start + del, std::iter::repeat_n(outside.then_some(id), ins));
                let mut covered: Vec<Option<u64>> = vec![None; owner.len()];
                for r in p.ranges() {
                    proptest::prop_assert!(r.start < r.end && r.end <= owner.len());
                    for c in &mut covered[r.start..r.end] {
                        proptest::prop_assert!(c.is_none(), "ranges overlap");
                        *c = Some(r.id);
                    }
                }
                proptest::prop_assert_eq!(&covered, &owner);
            }
        }
    }
}
