//! Provenance between sessions: saved as hashes only (the text's hash, each line's hash and
//! length, and the ranges), restored onto the text as it is, re-anchored by a diff of line hashes
//! when it changed meanwhile.

use ropey::Rope;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::{RESTORED_IDS, Range, Tags};
use crate::classify::Class;

/// The identity of each saved range: [`RESTORED_IDS`] plus a hash of the saved lines it covers
/// and where in them it starts and ends (two identical blocks get neighbouring ids).
pub(super) fn restored_ids(saved: &Saved) -> Vec<u64> {
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
pub(super) fn reanchor(saved: &Saved, rope: &Rope, ids: &[u64]) -> Vec<Range> {
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

pub(super) fn text_hash(rope: &Rope) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for chunk in rope.chunks() {
        h.update(chunk.as_bytes());
    }
    h.digest()
}

pub(super) fn line_hashes(rope: &Rope) -> Vec<(u64, u32)> {
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
    /// For each line of `rope`: whether the session that saved this knew it, i.e. it is one of
    /// the saved lines, still in its place (the diff [`reanchor`] uses says which).
    pub fn known_lines(&self, rope: &Rope) -> Vec<bool> {
        let new_lines = line_hashes(rope);
        let mut known = vec![false; new_lines.len()];
        for new in surviving_lines(self, &new_lines).into_iter().flatten() {
            known[new] = true;
        }
        known
    }

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
