//! What the session knows each file holds on disk (its text when opened, saved, or seen changing
//! by the watcher), so that a later disk change is measured against it. Bounded: past
//! [`MAX_FILES`] files or [`MAX_CHARS`] characters the oldest knowledge is forgotten (a file
//! forgotten and changed again is measured whole, as if first seen).

use std::collections::VecDeque;
use std::sync::Arc;

use ropey::Rope;

/// At most this many files remembered.
pub const MAX_FILES: usize = 4_096;
/// At most this many characters remembered, over all files.
pub const MAX_CHARS: usize = 32 << 20;

#[derive(Default)]
pub struct KnownDisk {
    files: crate::mirror::ByUri<(Rope, u64)>,
    /// Insertion order, oldest first, as (file, generation); stale entries are skipped.
    order: VecDeque<(Arc<str>, u64)>,
    next: u64,
    chars: usize,
}

impl KnownDisk {
    pub fn get(&self, uri: &str) -> Option<&Rope> {
        self.files.get(uri).map(|(r, _)| r)
    }

    pub fn contains_key(&self, uri: &str) -> bool {
        self.files.contains_key(uri)
    }

    pub fn insert(&mut self, uri: Arc<str>, text: Rope) {
        self.next += 1;
        self.chars += text.len_chars();
        if let Some((old, _)) = self.files.insert(uri.clone(), (text, self.next)) {
            self.chars -= old.len_chars();
        }
        self.order.push_back((uri, self.next));
        self.trim();
    }

    pub fn remove(&mut self, uri: &str) {
        if let Some((old, _)) = self.files.remove(uri) {
            self.chars -= old.len_chars();
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn trim(&mut self) {
        while self.files.len() > MAX_FILES || self.chars > MAX_CHARS {
            let Some((uri, generation)) = self.order.pop_front() else {
                break;
            };
            if self.files.get(&uri).is_some_and(|(_, g)| *g == generation) {
                self.remove(&uri);
            }
        }
        // Stale entries (files re-inserted or removed) must not pile up.
        if self.order.len() > 2 * self.files.len() + 64 {
            let files = &self.files;
            self.order
                .retain(|(uri, g)| files.get(uri).is_some_and(|(_, cur)| cur == g));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_knowledge_goes_first_and_counts_stay_exact() {
        let mut k = KnownDisk::default();
        for i in 0..MAX_FILES + 10 {
            k.insert(Arc::from(format!("f{i}")), Rope::from_str("abc"));
        }
        assert_eq!(k.len(), MAX_FILES);
        assert!(k.get("f0").is_none() && k.get("f9").is_none());
        assert!(k.get("f10").is_some());
        // Re-inserting refreshes a file: it is no longer the oldest.
        k.insert(Arc::from("f10"), Rope::from_str("abcd"));
        k.insert(Arc::from("new"), Rope::from_str("x"));
        assert!(k.get("f10").is_some() && k.get("f11").is_none());
        assert_eq!(k.chars, (MAX_FILES - 1) * 3 + 4 + 1 - 3);
        assert!(k.order.len() <= 2 * k.len() + 64);
    }

    #[test]
    fn characters_are_bounded_too() {
        let mut k = KnownDisk::default();
        let big = Rope::from_str(&"x".repeat(MAX_CHARS / 3 + 1));
        for i in 0..4 {
            k.insert(Arc::from(format!("big{i}")), big.clone());
        }
        assert!(k.chars <= MAX_CHARS);
        assert_eq!(k.len(), 2);
        k.remove("big3");
        assert_eq!(k.chars, MAX_CHARS / 3 + 1);
    }
}
