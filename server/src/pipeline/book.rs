//! The provenance book: per document, which characters came from outside help (see
//! [`crate::provenance`]), tagged with what was true of the task when they arrived, and which
//! documents' nudges may have changed since they were last computed.

use std::sync::Arc;

use crate::classify::{Amendment, Class, Decision};
use crate::mirror::{Applied, ByUri, Mirror};
use crate::provenance::{Provenance, Saved, Tags};

/// Documents whose provenance is kept in memory (open ones, and the most recently closed).
const PROVENANCE_DOCS: usize = 256;

/// What is known of the current task when outside help arrives: new ranges are tagged with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskContext {
    /// The task is in its early part (the first 80% of its expected work).
    pub early: bool,
    /// The task is a manual one, active.
    pub manual: bool,
    /// A struggle window runs.
    pub struggle: bool,
}

impl Default for TaskContext {
    /// Before the store has said anything, help counts as early: the safe side for nudges.
    fn default() -> Self {
        TaskContext {
            early: true,
            manual: false,
            struggle: false,
        }
    }
}

impl TaskContext {
    fn tags(self) -> Tags {
        Tags {
            early: self.early,
            manual: self.manual,
            struggle: self.struggle,
            explanation: 0,
        }
    }
}

/// One document's provenance in the book.
#[derive(Default)]
pub struct Tracked {
    pub provenance: Provenance,
    /// It was restored from the store: an emptied record is saved too, to clear the old one.
    pub restored: bool,
}

#[derive(Default)]
pub struct Book {
    docs: ByUri<Tracked>,
    task: TaskContext,
    /// Documents whose provenance changed since the nudges were last computed.
    dirty: Vec<Arc<str>>,
}

impl Book {
    pub fn set_task(&mut self, task: TaskContext) {
        self.task = task;
    }

    pub fn get(&self, uri: &str) -> Option<&Tracked> {
        self.docs.get(uri)
    }

    pub fn contains(&self, uri: &str) -> bool {
        self.docs.contains_key(uri)
    }

    fn touch(&mut self, key: &Arc<str>) {
        if !self.dirty.contains(key) {
            self.dirty.push(key.clone());
        }
    }

    /// Moves the documents whose provenance changed since the last call into `into` (which is
    /// cleared first; its allocation is reused on every keystroke).
    pub fn take_dirty(&mut self, into: &mut Vec<Arc<str>>) {
        into.clear();
        std::mem::swap(&mut self.dirty, into);
    }

    /// Restores what an earlier session saved for `key`, re-anchored onto `rope`, beside whatever
    /// this session recorded meanwhile (its own ranges win).
    pub fn restore(&mut self, key: &Arc<str>, saved: &Saved, rope: &ropey::Rope) {
        let restored = Provenance::restore(saved, rope);
        let t = self.docs.entry(key.clone()).or_default();
        t.provenance.merge_restored(restored);
        t.restored = true;
        self.touch(key);
    }

    /// Applies one edit at `start` (of the text before it) to the document's provenance.
    pub fn edit(&mut self, key: &Arc<str>, edit: Edit) {
        self.touch(key);
        if !self.docs.contains_key(key) && !edit.class.is_outside_help() {
            return; // nothing from outside help here, before or now
        }
        let tags = self.task.tags();
        let t = self.docs.entry(key.clone()).or_default();
        let Edit {
            start,
            deleted,
            inserted,
            class,
            id,
        } = edit;
        t.provenance.edit(start, deleted, inserted, class, id, tags);
    }

    /// Applies the changes of one notification, just classified, in order.
    pub fn track(
        &mut self,
        key: &Arc<str>,
        applied: &[Applied],
        decisions: &[Decision],
        first: u64,
    ) {
        let outside = decisions.iter().any(|d| d.class.is_outside_help());
        if !outside && !self.docs.contains_key(key) {
            return; // nothing from outside help here, before or now
        }
        let tags = self.task.tags();
        self.touch(key);
        let t = self.docs.entry(key.clone()).or_default();
        for (i, (a, d)) in applied.iter().zip(decisions).enumerate() {
            t.provenance.edit(
                a.start,
                a.deleted,
                a.inserted,
                d.class,
                first + i as u64,
                tags,
            );
        }
    }

    /// A decision about event `amend.id` changed; `range` is where its text lies now, when the
    /// classifier still remembers the change.
    pub fn amend(&mut self, key: &Arc<str>, amend: &Amendment, range: Option<(usize, usize)>) {
        let tags = self.task.tags();
        self.touch(key);
        let t = self.docs.entry(key.clone()).or_default();
        t.provenance
            .amend(amend.id, amend.decision.class, range, tags);
    }

    /// Records that block `id` of `uri` has the explanation `explanation`.
    pub fn tag_explanation(&mut self, uri: &str, id: u64, explanation: u32) {
        let Some(key) = self.docs.get_key_value(uri).map(|(k, _)| k.clone()) else {
            return;
        };
        if let Some(t) = self.docs.get_mut(&key) {
            t.provenance.tag(id, |tags| tags.explanation = explanation);
        }
        self.touch(&key);
    }

    /// Forgets block `id` of `key` (the person says it is their own code).
    pub fn forget(&mut self, key: &Arc<str>, id: u64) -> bool {
        let forgotten = self
            .docs
            .get_mut(key)
            .is_some_and(|t| t.provenance.forget(id));
        if forgotten {
            self.touch(key);
        }
        forgotten
    }

    /// What to save of `uri`'s provenance now (when it has any, or had some saved).
    pub fn saved(&self, mirror: &Mirror, uri: &str) -> Option<Saved> {
        let t = self.docs.get(uri)?;
        let doc = mirror.get(uri)?;
        (t.restored || !t.provenance.is_empty()).then(|| t.provenance.save(doc.rope()))
    }

    /// Keeps the provenance of open documents and of at most [`PROVENANCE_DOCS`] in all.
    pub fn forget_closed(&mut self, mirror: &Mirror) {
        if self.docs.len() <= PROVENANCE_DOCS {
            return;
        }
        let closed: Vec<Arc<str>> = self
            .docs
            .keys()
            .filter(|k| mirror.get(k).is_none())
            .cloned()
            .collect();
        let excess = self.docs.len() - PROVENANCE_DOCS;
        for k in closed.into_iter().take(excess) {
            self.docs.remove(&k);
        }
    }
}

/// One edit as the book applies it.
#[derive(Clone, Copy, Debug)]
pub struct Edit {
    pub start: usize,
    pub deleted: usize,
    pub inserted: usize,
    pub class: Class,
    pub id: u64,
}
