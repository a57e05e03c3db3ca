//! What the classifier remembers: per document, its recent changes and recent states (each with
//! the insertions in effect in it, so that an undo knows what it took back and a redo what it
//! brought back); across the workspace, recent cuts. Every collection is bounded.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::classify::Class;

/// Recent changes remembered per document.
const RECENT: usize = 64;
/// Recent document states remembered per document (one per change).
const STATES: usize = 256;
/// Anchored states per document (opened, saved).
const ANCHORS: usize = 8;
/// Recent cuts remembered across the workspace.
const CUTS: usize = 32;
/// Runs of typing remembered per document, and the longest run kept (bytes).
const TYPED_RUNS: usize = 8;
const TYPED_RUN_BYTES: usize = 256;

/// One change the classifier decided.
#[derive(Clone, Copy, Debug)]
pub struct Recent {
    pub id: u64,
    pub t: f64,
    pub version: i32,
    /// Char index where it started and where the cursor stood after it.
    pub start: usize,
    pub end_after: usize,
    pub inserted: u32,
    pub deleted: u32,
    pub class: Class,
    /// Which notification it came in (changes of one `didChange` share it).
    pub notification: u64,
    /// It left the document in a state it had a little earlier.
    pub returned: bool,
    /// The line held code before where it started.
    pub code_before: bool,
    /// It was taken for a completion menu's item finishing the word (one identifier).
    pub word_item: bool,
    /// It opened a line: a line break and the indentation after it.
    pub opened_line: bool,
    /// The char it removed, when it removed one.
    pub del_char: Option<char>,
    /// What it removed was one word (an identifier).
    pub removed_word: bool,
}

/// The last bulk insertion into a document, with its text (for a removal that may complete a
/// rewrite of it).
pub struct LastInsert {
    pub id: u64,
    pub t: f64,
    pub text: Box<str>,
}

/// How many of the latest insertions in effect a state remembers: an undo further back than
/// this still is an undo, but what it took back is no longer known.
const IN_EFFECT: usize = 128;

/// The insertions in effect in a document state, newest first: a persistent list, shared
/// between the states that have it in common (one node per insertion).
#[derive(Clone, Default)]
pub struct InEffect(Option<Arc<Node>>);

struct Node {
    id: u64,
    len: usize,
    next: Option<Arc<Node>>,
}

impl InEffect {
    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |n| n.len)
    }

    fn ids(&self) -> impl Iterator<Item = u64> + '_ {
        let mut at = self.0.as_deref();
        std::iter::from_fn(move || {
            let n = at?;
            at = n.next.as_deref();
            Some(n.id)
        })
        .take(IN_EFFECT)
    }

    /// This list with insertion `id` in effect too. A list grown to twice the bound is copied
    /// down to the bound, so the nodes no state needs can go.
    pub fn with(&self, id: u64) -> InEffect {
        let base = if self.len() >= 2 * IN_EFFECT {
            let ids: Vec<u64> = self.ids().collect();
            ids.iter()
                .rev()
                .fold(InEffect::default(), |l, &i| l.push(i))
        } else {
            self.clone()
        };
        base.push(id)
    }

    fn push(&self, id: u64) -> InEffect {
        InEffect(Some(Arc::new(Node {
            id,
            len: self.len() + 1,
            next: self.0.clone(),
        })))
    }

    /// Going from `self` to `to`: the insertions that stop being in effect (undone) and those
    /// that are in effect again (redone).
    pub fn going_to(&self, to: &InEffect) -> (Vec<u64>, Vec<u64>) {
        let from: Vec<u64> = self.ids().collect();
        let dest: Vec<u64> = to.ids().collect();
        let undone = from.iter().filter(|i| !dest.contains(i)).copied().collect();
        let redone = dest.iter().filter(|i| !from.contains(i)).copied().collect();
        (undone, redone)
    }
}

#[derive(Default)]
pub struct DocHistory {
    pub recent: VecDeque<Recent>,
    states: VecDeque<u64>,
    /// The insertions in effect in each of `states`.
    in_effect: VecDeque<InEffect>,
    /// ...and in the document now.
    pub now_in_effect: InEffect,
    /// The last change, when it inserted bulk text.
    pub last_insert: Option<LastInsert>,
    /// The run of typed characters going on (one after the other), and hashes of the last runs
    /// that ended: a repeat of them (Neovim's `.`) is typing again, however fast it arrives.
    typing: String,
    typed_runs: VecDeque<u64>,
    anchors: VecDeque<u64>,
    /// Consecutive one-character insertions, each in its own notification, arriving faster
    /// than typing; and when the last notification came.
    pub fast_run: u32,
    pub last_notification_t: Option<f64>,
}

impl DocHistory {
    pub fn push_recent(&mut self, r: Recent) {
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(r);
    }

    pub fn last(&self) -> Option<&Recent> {
        self.recent.back()
    }

    /// The document is now in `state`, with [`DocHistory::now_in_effect`] in effect.
    pub fn push_state(&mut self, state: u64) {
        if self.states.len() == STATES {
            self.states.pop_front();
            self.in_effect.pop_front();
        }
        self.states.push_back(state);
        self.in_effect.push_back(self.now_in_effect.clone());
    }

    /// Follows runs of typing: `typed` is the char a change typed right after the previous one
    /// (`None` for any other change, which ends the run).
    pub fn follow_typing(&mut self, typed: Option<char>, continues: bool) {
        match typed {
            Some(c) if continues && self.typing.len() < TYPED_RUN_BYTES => self.typing.push(c),
            _ => {
                if self.typing.chars().count() >= 3 {
                    if self.typed_runs.len() == TYPED_RUNS {
                        self.typed_runs.pop_front();
                    }
                    self.typed_runs
                        .push_back(xxhash_rust::xxh3::xxh3_64(self.typing.as_bytes()));
                }
                self.typing.clear();
                if let Some(c) = typed {
                    self.typing.push(c);
                }
            }
        }
    }

    /// Whether `text` is what one of the last runs of typing typed.
    pub fn repeats_typing(&self, text: &str) -> bool {
        let h = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        self.typed_runs.contains(&h)
    }

    /// Forgets the recent states (not the anchors): the document's text was replaced from
    /// outside, and the states before are another line of history.
    pub fn forget_states(&mut self) {
        self.states.clear();
        self.in_effect.clear();
    }

    /// The insertions in effect the last time (before the current state) the document had
    /// `state`.
    pub fn in_effect_at(&self, state: u64) -> Option<&InEffect> {
        let n = self.states.len();
        let i = (self.states.iter().rev().skip(1))
            .position(|&s| s == state)
            .map(|back| n - 2 - back)?;
        self.in_effect.get(i)
    }

    /// A state to recognise for as long as the document is known (opened, saved).
    pub fn anchor(&mut self, state: u64) {
        if self.anchors.contains(&state) {
            return;
        }
        if self.anchors.len() == ANCHORS {
            self.anchors.pop_front();
        }
        self.anchors.push_back(state);
    }

    /// How many changes back the document had `state`, skipping the `skip` most recent states
    /// (the one just before the change being classified is not a return).
    pub fn state_back(&self, state: u64, skip: usize) -> Option<u32> {
        self.states
            .iter()
            .rev()
            .skip(skip)
            .position(|&s| s == state)
            .map(|i| (i + skip) as u32)
    }

    pub fn is_known(&self, state: u64) -> bool {
        self.anchors.contains(&state) || self.states.contains(&state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undo_knows_what_it_took_back_and_a_redo_what_it_brought_back() {
        let mut h = DocHistory::default();
        h.push_state(10);
        h.now_in_effect = h.now_in_effect.with(1); // typed
        h.push_state(11);
        h.now_in_effect = h.now_in_effect.with(2); // pasted
        h.push_state(12);
        // Undo: back to 11.
        let back = h.in_effect_at(11).unwrap().clone();
        assert_eq!(h.now_in_effect.going_to(&back), (vec![2], vec![]));
        h.now_in_effect = back;
        h.push_state(11);
        // Redo: forward to 12 again.
        let fwd = h.in_effect_at(12).unwrap().clone();
        assert_eq!(h.now_in_effect.going_to(&fwd), (vec![], vec![2]));
    }

    #[test]
    fn long_histories_stay_bounded() {
        let mut l = InEffect::default();
        for id in 0..10_000 {
            l = l.with(id);
        }
        assert!(l.len() <= 2 * IN_EFFECT, "{}", l.len());
        assert_eq!(l.ids().next(), Some(9_999));
        assert_eq!(l.ids().count(), IN_EFFECT);
    }
}

/// Recent deletions across the workspace, by the hash of their trimmed text.
#[derive(Default)]
pub struct Cuts {
    hashes: VecDeque<u64>,
}

pub fn normalized_hash(text: &str) -> Option<u64> {
    let t = text.trim();
    (t.chars().count() >= 2).then(|| xxhash_rust::xxh3::xxh3_64(t.as_bytes()))
}

impl Cuts {
    pub fn remember(&mut self, text: &str) {
        if let Some(h) = normalized_hash(text) {
            if self.hashes.len() == CUTS {
                self.hashes.pop_front();
            }
            self.hashes.push_back(h);
        }
    }

    pub fn contains(&self, text: &str) -> bool {
        normalized_hash(text).is_some_and(|h| self.hashes.contains(&h))
    }
}
