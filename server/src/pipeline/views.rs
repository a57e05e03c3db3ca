//! What other tasks may read of the open documents without waiting for the edit path: each open
//! document's text and provenance as of its last change, and whether its nudges may have changed
//! since they were last computed.
//!
//! The views live in a concurrent map (`dashmap`, sharded locks). The edit path owns the
//! pipeline and updates a document's view after every notification that touched it: a clone of
//! the rope and of the provenance, both shared structures, so an update costs reference counts,
//! not a copy. While it applies a `didChange` it holds the document's entry ([`Views::lease`]),
//! with the view's rope and provenance handed back: the rope and provenance it edits are then its
//! own, so the edit needs no copy-on-write, and no reader can see the view half-updated. Readers — the status and
//! diagnostics publisher, the code actions, the commands — hold an entry only to clone a view
//! (nanoseconds), never across an `.await`, so they never stop the edit path and the edit path
//! stops a reader of that one document for at most one change.

use std::hash::BuildHasherDefault;
use std::sync::Arc;

use dashmap::DashMap;
use dashmap::mapref::one::RefMut;
use ropey::Rope;

use crate::mirror::{Encoding, UriHasher};
use crate::provenance::Provenance;

/// One open document as of its last change.
#[derive(Clone, Debug)]
pub struct DocView {
    pub rope: Rope,
    pub provenance: Provenance,
    /// The session's position encoding.
    pub encoding: Encoding,
    /// The pipeline keeps provenance for the document (it had outside help at some point).
    pub tracked: bool,
}

/// A view as the map keeps it.
#[derive(Default)]
pub struct Slot {
    /// `None` only while the edit path holds the entry.
    rope: Option<Rope>,
    provenance: Provenance,
    tracked: bool,
    /// The provenance changed since the nudges were last computed.
    dirty: bool,
    /// Tracked, and changed since the provenance was last saved ([`Views::take_unsaved`]).
    unsaved: bool,
}

impl Slot {
    /// Fills the slot with a document's state after a change.
    pub(super) fn set(&mut self, rope: &Rope, provenance: Option<&Provenance>, dirty: bool) {
        self.rope = Some(rope.clone());
        self.provenance = provenance.cloned().unwrap_or_default();
        self.tracked = provenance.is_some();
        self.dirty |= dirty;
        self.unsaved |= self.tracked;
    }
}

/// The edit path's hold on one document's view while it changes the document.
pub type Lease<'a> = RefMut<'a, Arc<str>, Slot>;

/// The views of the open documents, shared between the pipeline and its readers.
#[derive(Clone)]
pub struct Views {
    /// Keyed by URI, hashed as the pipeline's own maps ([`UriHasher`]).
    docs: Arc<DashMap<Arc<str>, Slot, BuildHasherDefault<UriHasher>>>,
    encoding: Encoding,
}

impl Views {
    pub fn new(encoding: Encoding) -> Views {
        Views {
            docs: Arc::new(DashMap::with_hasher(BuildHasherDefault::default())),
            encoding,
        }
    }

    /// The view of `uri`, if it is open.
    pub fn get(&self, uri: &str) -> Option<DocView> {
        let slot = self.docs.get(uri)?;
        Some(DocView {
            rope: slot.rope.clone()?,
            provenance: slot.provenance.clone(),
            encoding: self.encoding,
            tracked: slot.tracked,
        })
    }

    /// The open documents the pipeline keeps provenance for.
    pub fn tracked(&self) -> Vec<Arc<str>> {
        self.docs
            .iter()
            .filter(|v| v.value().tracked)
            .map(|v| v.key().clone())
            .collect()
    }

    /// Open documents whose nudges may have changed since the last call.
    pub fn take_dirty(&self) -> Vec<Arc<str>> {
        self.docs
            .iter_mut()
            .filter_map(|mut v| std::mem::take(&mut v.value_mut().dirty).then(|| v.key().clone()))
            .collect()
    }

    /// The tracked documents changed since the last call, with their text and provenance as of
    /// their last change: what to save now and then, off the edit path (the caller hashes them).
    pub fn take_unsaved(&self) -> Vec<(Arc<str>, Rope, Provenance)> {
        self.docs
            .iter_mut()
            .filter_map(|mut v| {
                let key = v.key().clone();
                let slot = v.value_mut();
                let rope = slot.rope.clone()?;
                std::mem::take(&mut slot.unsaved).then(|| (key, rope, slot.provenance.clone()))
            })
            .collect()
    }

    /// Runs `f` if `uri` is still open, holding its entry meanwhile: a close, which removes the
    /// entry before it saves the document's provenance itself, cannot slip in between, so what
    /// `f` queues for the store comes before what the close queues. `f` must be short (a push).
    pub fn while_open<T>(&self, uri: &str, f: impl FnOnce() -> T) -> Option<T> {
        let _entry = self.docs.get(uri)?;
        Some(f())
    }

    /// Holds `uri`'s entry while the edit path changes the document, with the view's rope and
    /// provenance handed back (see the module's comment). Nothing else may touch the views until the lease
    /// is dropped.
    pub(super) fn lease(&self, uri: &str) -> Option<Lease<'_>> {
        let mut slot = self.docs.get_mut(uri)?;
        slot.rope = None;
        slot.provenance = Provenance::default();
        Some(slot)
    }

    /// Sets the view of `key` (opening it if need be).
    pub(super) fn put(
        &self,
        key: &Arc<str>,
        rope: &Rope,
        provenance: Option<&Provenance>,
        dirty: bool,
    ) {
        match self.docs.get_mut(key) {
            Some(mut slot) => slot.set(rope, provenance, dirty),
            None => {
                let mut slot = Slot::default();
                slot.set(rope, provenance, dirty);
                self.docs.insert(key.clone(), slot);
            }
        }
    }

    pub(super) fn remove(&self, uri: &str) {
        self.docs.remove(uri);
    }
}
