//! Provenance: which characters of each document came from outside help, kept true as later
//! edits shift, split or overwrite them, and carried across closing, reopening and restarts.
//!
//! A document's provenance is a sorted list of non-overlapping char ranges, each with the class
//! and the event that inserted it. Typing inside a block splits it — those characters are the
//! person's; deleting over it removes what was deleted. To outlive the session it is saved as
//! hashes only: the text's hash, each line's hash and length, and the ranges. When the file
//! changed meanwhile, the ranges are re-anchored by a diff of line hashes; ranges on lines that
//! changed are dropped, since someone rewrote them.

mod saved;
mod set;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use ropey::Rope;

use crate::classify::Class;
pub use saved::{Saved, SavedRange};
use saved::{line_hashes, reanchor, restored_ids, text_hash};
use set::RangeSet;

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

/// Cloning is cheap (the ranges' leaves are shared until one side changes them), so readers on
/// other tasks can hold a document's provenance as of its last change.
///
/// The set itself is shared too: a clone is one reference count, and the edit path, which holds
/// the only other reference while it edits (the view's is taken back, see
/// `pipeline::views`), changes it in place.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// `None` when empty.
    set: Option<Arc<RangeSet>>,
}

impl PartialEq for Provenance {
    fn eq(&self, other: &Self) -> bool {
        self.set() == other.set()
    }
}

impl Eq for Provenance {}

/// The ranges of a document with none.
static EMPTY: RangeSet = RangeSet::new();

impl Provenance {
    fn set(&self) -> &RangeSet {
        self.set.as_deref().unwrap_or(&EMPTY)
    }

    fn set_mut(&mut self) -> &mut RangeSet {
        Arc::make_mut(self.set.get_or_insert_with(Default::default))
    }

    /// The ranges in order.
    pub fn ranges(&self) -> impl Iterator<Item = Range> + '_ {
        self.set().iter()
    }

    pub fn len(&self) -> usize {
        self.set().len()
    }

    pub fn is_empty(&self) -> bool {
        self.set().is_empty()
    }

    /// Characters currently from outside help.
    pub fn outside_chars(&self) -> usize {
        self.ranges().map(|r| r.end - r.start).sum()
    }

    /// Tags every range of event `id`'s block containing `at` (all pieces of a split block).
    pub fn tag(&mut self, id: u64, f: impl Fn(&mut Tags)) {
        self.set_mut().for_each_mut(|r| {
            if r.id == id {
                f(&mut r.tags);
            }
        });
    }

    /// Forgets the ranges of event `id` (the person says the block is their own).
    pub fn forget(&mut self, id: u64) -> bool {
        if !self.ranges().any(|r| r.id == id) {
            return false;
        }
        let kept = self.ranges().filter(|r| r.id != id).collect();
        self.set_mut().replace(kept);
        true
    }

    /// Adds ranges restored from an earlier session where no range of this session claims
    /// their characters (a restore that arrives after the first edits of the document).
    pub fn merge_restored(&mut self, restored: Provenance) {
        if self.set().is_empty() {
            *self = restored;
            return;
        }
        let mut mine = self.set().to_vec();
        let kept: Vec<Range> = restored
            .ranges()
            .filter(|n| !mine.iter().any(|r| r.start < n.end && n.start < r.end))
            .collect();
        mine.extend(kept);
        mine.sort_by_key(|r| r.start);
        self.set_mut().replace(mine);
    }

    /// Applies an edit at char `start` of the text before it: `deleted` chars removed, then
    /// `inserted` chars put there, of class `class` (recorded when it is outside help).
    ///
    /// In time logarithmic in the ranges, plus the ranges the edit touches ([`RangeSet`]): a
    /// notification of many changes costs what its changes cost, not its changes times the
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
        if self.set().is_empty() && !adds {
            return;
        }
        let new = adds.then_some(Range {
            start,
            end: start + inserted,
            class,
            id,
            tags,
        });
        self.set_mut()
            .edit(start, deleted, inserted, new, |r, out| {
                split_around(r, start, deleted, inserted, out)
            });
        // Past the cap, the first ones go; a little slack makes that rare rather than constant.
        if self.set().len() > MAX_RANGES + RANGES_SLACK {
            self.set_mut().keep_last(MAX_RANGES);
        }
    }

    /// A decision about event `id` changed: its range stops or starts counting. `range` is
    /// where its text lies now, when known: the range is then found, or put, by position.
    pub fn amend(&mut self, id: u64, class: Class, range: Option<(usize, usize)>, tags: Tags) {
        if !class.is_outside_help() {
            self.forget(id);
            return;
        }
        let Some((start, end)) = range.filter(|(s, e)| e > s) else {
            // Only the first piece changes class, as it always has: the block's identity.
            let mut first = true;
            self.set_mut().for_each_mut(|r| {
                if r.id == id && std::mem::take(&mut first) {
                    r.class = class;
                }
            });
            return;
        };
        let (mut mine, mut others) = (false, false);
        for r in self.set().overlapping(start, end) {
            if r.id == id {
                mine = true;
            } else {
                others = true;
            }
        }
        if mine {
            let mut first = true;
            self.set_mut().update_overlapping(start, end, |r| {
                if r.id == id && std::mem::take(&mut first) {
                    r.class = class;
                }
            });
        } else if !others {
            // Only where nothing else claims those characters.
            self.set_mut().insert(Range {
                start,
                end,
                class,
                id,
                tags,
            });
        }
    }

    /// What is saved when the document closes (hashes only).
    pub fn save(&self, rope: &Rope) -> Saved {
        Saved {
            text_hash: text_hash(rope),
            lines: line_hashes(rope),
            ranges: self
                .ranges()
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
            set: Some(Arc::new(RangeSet::from_sorted(ranges))),
        }
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
