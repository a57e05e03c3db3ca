//! What the classifier remembers: per document, its recent changes and recent states; across
//! the workspace, recent cuts. Every collection is a bounded ring.

use std::collections::VecDeque;

use crate::classify::Class;

/// Recent changes remembered per document.
const RECENT: usize = 64;
/// Recent document states remembered per document (one per change).
const STATES: usize = 256;
/// Anchored states per document (opened, saved).
const ANCHORS: usize = 8;
/// Recent cuts remembered across the workspace.
const CUTS: usize = 32;

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
}

#[derive(Default)]
pub struct DocHistory {
    pub recent: VecDeque<Recent>,
    states: VecDeque<u64>,
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

    pub fn push_state(&mut self, state: u64) {
        if self.states.len() == STATES {
            self.states.pop_front();
        }
        self.states.push_back(state);
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
