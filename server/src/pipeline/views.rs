//! What other tasks may read of the open documents without waiting for the edit path: each open
//! document's text and provenance as of its last change, and which documents' nudges may have
//! changed since they were last computed.
//!
//! The edit path owns the pipeline and updates a document's view after every notification that
//! touched it: a clone of the rope and of the provenance, both shared structures, so the update
//! costs a reference count, not a copy. The status and diagnostics publisher, the code actions
//! and the commands read views from a concurrent map (sharded locks held for a look-up, never
//! across an `.await`), so they never stop the edit path and the edit path never stops them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use dashmap::DashMap;
use ropey::Rope;

use crate::mirror::Encoding;
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

/// The views of the open documents, shared between the pipeline and its readers.
#[derive(Clone, Default)]
pub struct Views {
    docs: Arc<DashMap<Arc<str>, DocView>>,
    dirty: Arc<Mutex<HashSet<Arc<str>>>>,
}

impl Views {
    /// The view of `uri`, if it is open.
    pub fn get(&self, uri: &str) -> Option<DocView> {
        self.docs.get(uri).map(|v| v.value().clone())
    }

    /// The open documents the pipeline keeps provenance for.
    pub fn tracked(&self) -> Vec<Arc<str>> {
        self.docs
            .iter()
            .filter(|v| v.value().tracked)
            .map(|v| v.key().clone())
            .collect()
    }

    /// Documents whose nudges may have changed since the last call (open ones only).
    pub fn take_dirty(&self) -> Vec<Arc<str>> {
        let dirty: Vec<Arc<str>> = self
            .dirty
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .collect();
        dirty
            .into_iter()
            .filter(|u| self.docs.contains_key(u))
            .collect()
    }

    pub(super) fn put(&self, key: Arc<str>, view: DocView) {
        self.docs.insert(key, view);
    }

    pub(super) fn remove(&self, uri: &str) {
        self.docs.remove(uri);
    }

    pub(super) fn mark_dirty(&self, keys: impl IntoIterator<Item = Arc<str>>) {
        let mut dirty = self.dirty.lock().unwrap_or_else(|p| p.into_inner());
        dirty.extend(keys);
    }
}
