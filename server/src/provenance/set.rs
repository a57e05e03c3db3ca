//! The interval structure behind a document's provenance: sorted, non-overlapping char ranges
//! kept in leaves of at most [`LEAF`] ranges, each leaf shared between clones (`Arc`) and
//! positioned by a lazy offset, so an edit costs the same whatever the number of ranges.
//!
//! A range's position is its stored position plus its leaf's offset. Offsets live in a Fenwick
//! tree of differences: shifting every leaf after an edit is one update (`O(log leaves)`), and
//! reading a leaf's offset one prefix sum. An edit finds its leaf by binary search over the
//! leaves (`O(log² leaves)`), copies that one leaf if a reader shares it, and changes only the
//! ranges it touches plus the later ranges of that leaf (at most [`LEAF`] × 2). Structural changes
//! (a leaf splitting or emptying, an edit across leaves, the cap) rebuild the offsets in
//! `O(leaves)`, once per [`LEAF`] added ranges at most.
//!
//! Stored positions may be "negative" (a range put into a leaf whose offset exceeds its
//! position): they are kept as two's-complement `usize` and only ever combined with wrapping
//! arithmetic, never compared.

use std::sync::Arc;

use super::Range;

/// Ranges per leaf after a split; a leaf splits once it holds twice as many. Tests use tiny
/// leaves, so that every edit of their short documents crosses leaves, splits and empties them.
const LEAF: usize = if cfg!(test) { 2 } else { 64 };

#[derive(Clone, Debug, Default)]
pub struct RangeSet {
    leaves: Vec<Arc<Vec<Range>>>,
    /// Fenwick tree (1-based) over the differences between consecutive leaves' offsets.
    offsets: Vec<isize>,
    len: usize,
}

impl PartialEq for RangeSet {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for RangeSet {}

/// `r` moved by `by` (wrapping: see the module's comment).
fn moved(r: Range, by: isize) -> Range {
    Range {
        start: r.start.wrapping_add_signed(by),
        end: r.end.wrapping_add_signed(by),
        ..r
    }
}

impl RangeSet {
    pub const fn new() -> RangeSet {
        RangeSet {
            leaves: Vec::new(),
            offsets: Vec::new(),
            len: 0,
        }
    }

    /// A set of `ranges`, sorted and non-overlapping.
    pub fn from_sorted(ranges: Vec<Range>) -> RangeSet {
        let mut set = RangeSet {
            len: ranges.len(),
            ..RangeSet::default()
        };
        set.leaves = ranges.chunks(LEAF).map(|c| Arc::new(c.to_vec())).collect();
        set.rebuild(vec![0; set.leaves.len()]);
        set
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every range in order, at its real position.
    pub fn iter(&self) -> impl Iterator<Item = Range> + '_ {
        (self.leaves.iter().enumerate()).flat_map(move |(k, leaf)| {
            let by = self.offset(k);
            leaf.iter().map(move |&r| moved(r, by))
        })
    }

    /// All ranges, at their real positions.
    pub fn to_vec(&self) -> Vec<Range> {
        self.iter().collect()
    }

    /// Replaces every range (a rare, whole-set change: amendments, merges, the cap).
    pub fn replace(&mut self, ranges: Vec<Range>) {
        *self = RangeSet::from_sorted(ranges);
    }

    /// Changes ranges in place through `f` (which must not move them).
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut Range)) {
        for leaf in &mut self.leaves {
            if leaf.iter().any(|r| {
                let mut probe = *r;
                f(&mut probe);
                probe != *r
            }) {
                Arc::make_mut(leaf).iter_mut().for_each(&mut f);
            }
        }
    }

    /// Applies an edit at `start` (`deleted` chars removed, `inserted` put in): ranges it
    /// touches go through `split` (which pushes what is left of each, at real positions, and
    /// may add `new`), later ones shift.
    pub fn edit(
        &mut self,
        start: usize,
        deleted: usize,
        inserted: usize,
        new: Option<Range>,
        split: impl Fn(Range, &mut Vec<Range>),
    ) {
        let del_end = start + deleted;
        let delta = inserted as isize - deleted as isize;
        // The first leaf holding a range that ends after `start`.
        let k = self.partition_leaves(|last| last.end <= start);
        if k == self.leaves.len() {
            if let Some(n) = new {
                self.push(n);
            }
            return;
        }
        let by = self.offset(k);
        let leaf = &self.leaves[k];
        let lo = leaf.partition_point(|r| moved(*r, by).end <= start);
        let hi = lo + leaf[lo..].partition_point(|r| moved(*r, by).start < del_end);
        let spills = hi == leaf.len()
            && self
                .leaves
                .get(k + 1)
                .is_some_and(|next| moved(next[0], self.offset(k + 1)).start < del_end);
        if spills {
            return self.edit_across(k, start, del_end, delta, new, split);
        }
        let mut mid: Vec<Range> = Vec::with_capacity(hi - lo + 2);
        for &r in &leaf[lo..hi] {
            split(moved(r, by), &mut mid);
        }
        if let Some(n) = new {
            let at = mid.partition_point(|r| r.start < start);
            mid.insert(at, n);
        }
        mid.retain(|r| r.end > r.start);
        let leaf = Arc::make_mut(&mut self.leaves[k]);
        for r in &mut leaf[hi..] {
            *r = moved(*r, delta);
        }
        let added = mid.len() as isize - (hi - lo) as isize;
        leaf.splice(lo..hi, mid.into_iter().map(|r| moved(r, -by)));
        let reshape = leaf.len() > 2 * LEAF || leaf.is_empty();
        self.len = self.len.wrapping_add_signed(added);
        self.shift_after(k, delta);
        if reshape {
            self.reshape();
        }
    }

    /// The ranges overlapping `start..end`, in order.
    pub fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = Range> + '_ {
        let k = self.partition_leaves(|last| last.end <= start);
        (self.leaves.iter().enumerate().skip(k))
            .flat_map(move |(k, leaf)| {
                let by = self.offset(k);
                leaf.iter().map(move |&r| moved(r, by))
            })
            .skip_while(move |r| r.end <= start)
            .take_while(move |r| r.start < end)
    }

    /// Changes, through `f` (which must not move them), the ranges overlapping `start..end`.
    pub fn update_overlapping(&mut self, start: usize, end: usize, mut f: impl FnMut(&mut Range)) {
        let first = self.partition_leaves(|last| last.end <= start);
        for k in first..self.leaves.len() {
            let by = self.offset(k);
            if moved(self.leaves[k][0], by).start >= end {
                break;
            }
            for r in Arc::make_mut(&mut self.leaves[k]) {
                let real = moved(*r, by);
                if real.end > start && real.start < end {
                    let mut changed = real;
                    f(&mut changed);
                    *r = moved(changed, -by);
                }
            }
        }
    }

    /// Adds `r` where no range lies.
    pub fn insert(&mut self, r: Range) {
        debug_assert!(self.overlapping(r.start, r.end).next().is_none());
        self.edit(r.start, 0, 0, Some(r), |kept, out| out.push(kept));
    }

    /// Drops the first ranges until `keep` are left.
    pub fn keep_last(&mut self, keep: usize) {
        if self.len > keep {
            let all = self.to_vec();
            self.replace(all[all.len() - keep..].to_vec());
        }
    }

    /// An edit whose deletion runs across leaves (rare): done on the real ranges of the leaves
    /// it touches, which are then cut into leaves again.
    fn edit_across(
        &mut self,
        k: usize,
        start: usize,
        del_end: usize,
        delta: isize,
        new: Option<Range>,
        split: impl Fn(Range, &mut Vec<Range>),
    ) {
        let mut all = self.to_vec();
        let lo = all.partition_point(|r| r.end <= start);
        let hi = lo + all[lo..].partition_point(|r| r.start < del_end);
        debug_assert!(lo >= self.leaves[..k].iter().map(|l| l.len()).sum::<usize>());
        let mut mid = Vec::with_capacity(hi - lo + 2);
        for &r in &all[lo..hi] {
            split(r, &mut mid);
        }
        if let Some(n) = new {
            let at = mid.partition_point(|r| r.start < start);
            mid.insert(at, n);
        }
        mid.retain(|r| r.end > r.start);
        for r in &mut all[hi..] {
            *r = moved(*r, delta);
        }
        all.splice(lo..hi, mid);
        self.replace(all);
    }

    /// Appends `r`, which lies after every range.
    fn push(&mut self, r: Range) {
        match self.leaves.len() {
            0 => *self = RangeSet::from_sorted(vec![r]),
            n => {
                let by = self.offset(n - 1);
                let leaf = Arc::make_mut(&mut self.leaves[n - 1]);
                leaf.push(moved(r, -by));
                self.len += 1;
                if leaf.len() > 2 * LEAF {
                    self.reshape();
                }
            }
        }
    }

    /// The first leaf whose last range (at its real position) fails `before`.
    fn partition_leaves(&self, before: impl Fn(Range) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.leaves.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let last = *self.leaves[mid].last().expect("leaves are never empty");
            if before(moved(last, self.offset(mid))) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Leaf `k`'s offset: a prefix sum of the Fenwick tree.
    fn offset(&self, k: usize) -> isize {
        let mut i = k + 1;
        let mut sum = 0;
        while i > 0 {
            sum += self.offsets[i - 1];
            i &= i - 1;
        }
        sum
    }

    /// Moves every leaf after `k` by `delta`.
    fn shift_after(&mut self, k: usize, delta: isize) {
        if delta == 0 {
            return;
        }
        let mut i = k + 2;
        while i <= self.offsets.len() {
            self.offsets[i - 1] += delta;
            i += i & i.wrapping_neg();
        }
    }

    /// Splits leaves grown past twice [`LEAF`], drops empty ones, and rebuilds the offsets.
    fn reshape(&mut self) {
        let offsets: Vec<isize> = (0..self.leaves.len()).map(|k| self.offset(k)).collect();
        let mut leaves = Vec::with_capacity(self.leaves.len() + 1);
        let mut kept = Vec::with_capacity(offsets.len() + 1);
        for (leaf, by) in std::mem::take(&mut self.leaves).into_iter().zip(offsets) {
            if leaf.len() > 2 * LEAF {
                for part in leaf.chunks(LEAF) {
                    leaves.push(Arc::new(part.to_vec()));
                    kept.push(by);
                }
            } else if !leaf.is_empty() {
                leaves.push(leaf);
                kept.push(by);
            }
        }
        self.leaves = leaves;
        self.rebuild(kept);
    }

    /// Builds the Fenwick tree from each leaf's offset.
    fn rebuild(&mut self, offsets: Vec<isize>) {
        let mut tree: Vec<isize> = offsets
            .iter()
            .enumerate()
            .map(|(k, &o)| o - if k == 0 { 0 } else { offsets[k - 1] })
            .collect();
        for i in 1..=tree.len() {
            let parent = i + (i & i.wrapping_neg());
            if parent <= tree.len() {
                tree[parent - 1] += tree[i - 1];
            }
        }
        self.offsets = tree;
    }
}
