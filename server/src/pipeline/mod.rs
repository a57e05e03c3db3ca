//! The pipeline: the one path from editor notifications (and disk changes) to classified edit
//! events. The live server and `replay` both drive it; nothing here knows LSP types or does I/O.
//!
//! Its rooms, each with one job:
//! - [`buffers`]: the editor's documents — the mirror, the classifier's memory, hints waiting for
//!   their change and edits this server applied waiting to come back;
//! - [`disk`] (with [`known_disk`]): changes from outside the buffer — what is known on disk,
//!   outside writes waiting for their reload, version control and agents' evidence;
//! - [`book`]: provenance per document, tagged with the task, and which nudges may have changed;
//! - [`views`]: the open documents as other tasks may read them without waiting.
//!
//! This file wires the buffer path (open, change, save, close, hints); `outside.rs` the disk
//! path. Every class decision is [`crate::classify`]'s; the pipeline only remembers and asks.

pub mod book;
pub mod buffers;
pub mod disk;
pub mod known_disk;
mod outside;
pub mod views;

pub use outside::Reported;

use std::sync::Arc;

use ropey::Rope;
use tracing::{trace, warn};

use crate::classify::{self, Amendment, Class, Decision};
use crate::events::{EditEvent, Emitted, Source, Span};
use crate::mirror::fingerprint::Fingerprint;
use crate::mirror::{ContentChange, Encoding, Opened, measure};
use crate::provenance::{Provenance, Saved};
use book::{Book, Edit, TaskContext};
use buffers::{Buffers, Classified};
use disk::{DiskRoom, LastBulk};
use views::{Lease, Views};

/// What `did_open` found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenOutcome {
    /// A document this session holds no provenance for: what an earlier session saved of it may
    /// be restored ([`Pipeline::restore_provenance`]).
    WantsSaved,
    /// Nothing to restore (a reload, or provenance already held).
    Done,
}

pub struct Pipeline {
    encoding: Encoding,
    /// The workspace root as a filesystem path, when the client named one.
    root: Option<String>,
    buffers: Buffers,
    disk: DiskRoom,
    book: Book,
    views: Views,
    /// The documents whose provenance the last call changed (reused, to spare allocations).
    dirty: Vec<Arc<str>>,
    next_id: u64,
}

impl Pipeline {
    pub fn new(encoding: Encoding, root: Option<String>) -> Self {
        Pipeline {
            encoding,
            root,
            buffers: Buffers::default(),
            disk: DiskRoom::default(),
            book: Book::default(),
            views: Views::new(encoding),
            dirty: Vec::new(),
            next_id: 0,
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The open documents as readers on other tasks see them.
    pub fn views(&self) -> Views {
        self.views.clone()
    }

    fn take_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// What the store says of the current task, for the tags of outside help from now on.
    pub fn set_task_context(&mut self, task: TaskContext) {
        self.book.set_task(task);
    }

    /// The provenance of `uri`: which of its characters came from outside help.
    pub fn provenance(&self, uri: &str) -> Option<&Provenance> {
        self.book.get(uri).map(|t| &t.provenance)
    }

    /// Brings the views of `key` (text and provenance) and of every document whose provenance
    /// changed up to date, filling `lease` (the edit path's hold on `key`'s view) when it has
    /// one. Called at the end of every call that changed something.
    fn publish(&mut self, key: Option<&Arc<str>>, lease: Option<Lease<'_>>) {
        let mut dirty = std::mem::take(&mut self.dirty);
        self.book.take_dirty(&mut dirty);
        if let Some(k) = key {
            let changed = dirty.contains(k);
            match (lease, self.buffers.mirror.get(k)) {
                (Some(mut slot), Some(doc)) => {
                    let tracked = self.book.get(k).map(|t| &t.provenance);
                    slot.set(doc.rope(), tracked, changed);
                }
                (lease, _) => {
                    drop(lease); // before touching the map again: its shard is locked
                    self.refresh_view(k, changed);
                }
            }
        }
        for k in dirty.iter().filter(|k| Some(*k) != key) {
            self.refresh_view(k, true);
        }
        self.dirty = dirty;
    }

    fn refresh_view(&self, key: &Arc<str>, dirty: bool) {
        match self.buffers.mirror.get(key) {
            Some(doc) => {
                let tracked = self.book.get(key).map(|t| &t.provenance);
                self.views.put(key, doc.rope(), tracked, dirty);
            }
            None => self.views.remove(key),
        }
    }

    /// Opens `uri`. A reload (a document closed and opened again with other text) becomes an
    /// event.
    pub fn did_open(
        &mut self,
        t: f64,
        uri: &str,
        version: i32,
        text: &str,
        out: &mut Vec<Emitted>,
    ) -> OpenOutcome {
        let mirror = &mut self.buffers.mirror;
        let key: Arc<str> = mirror.key(uri).unwrap_or_else(|| Arc::from(uri));
        let opened = mirror.open(key.clone(), version, text);
        let doc = mirror.get(uri).expect("just opened");
        let (rope, state) = (doc.rope().clone(), doc.state());
        self.disk.known.insert(key.clone(), rope.clone());
        self.buffers.classifier.seen(&key, t);
        let outcome = match opened {
            Opened::Reopened(previous) => {
                let m = measure(previous.rope().slice(..), text);
                if m.inserted == 0 && m.deleted == 0 {
                    self.buffers.classifier.anchor(&key, state);
                } else {
                    let span = Span::of(previous.rope(), m.prefix, m.prefix + m.deleted);
                    self.reopened(t, &key, version, span, &m, out);
                }
                OpenOutcome::Done
            }
            Opened::New | Opened::AlreadyOpen(_) => {
                self.buffers.classifier.anchor(&key, state);
                let wants = !self.book.contains(&key);
                self.book.forget_closed(&self.buffers.mirror);
                if wants {
                    OpenOutcome::WantsSaved
                } else {
                    OpenOutcome::Done
                }
            }
        };
        self.publish(Some(&key), None);
        outcome
    }

    /// Restores the provenance an earlier session saved for `uri` (after [`Pipeline::did_open`]
    /// said it wants it), re-anchored onto the document as it is now. A document closed
    /// meanwhile is left alone: what its close saved stands.
    pub fn restore_provenance(&mut self, uri: &str, saved: Option<&Saved>) {
        let Some(saved) = saved else {
            return;
        };
        let Some(doc) = self.buffers.mirror.get(uri) else {
            return; // closed meanwhile
        };
        let key = self.buffers.mirror.key(uri).expect("open");
        let rope = doc.rope().clone();
        if self.book.get(uri).is_some_and(|t| t.restored) {
            return;
        }
        self.book.restore(&key, saved, &rope);
        self.book.forget_closed(&self.buffers.mirror);
        self.publish(Some(&key), None);
    }

    /// A reload: the text on disk changed while the editor held the document closed.
    fn reopened(
        &mut self,
        t: f64,
        key: &Arc<str>,
        version: i32,
        span: Span,
        m: &crate::mirror::Measure,
        out: &mut Vec<Emitted>,
    ) {
        let doc = self.buffers.mirror.get(key).expect("just opened");
        let (rope, state) = (doc.rope().clone(), doc.state());
        let write = self.disk.take_pending(key, &rope);
        let decision = self.buffers.classifier.reload(key, state, write);
        let id = self.take_id();
        self.book.edit(
            key,
            Edit {
                start: m.prefix,
                deleted: m.deleted,
                inserted: m.inserted,
                class: decision.class,
                id,
            },
        );
        emit(
            out,
            EditEvent {
                id,
                t,
                source: Source::Reopen,
                subject: key.clone(),
                version,
                change: 0,
                span,
                inserted: m.inserted as u32,
                deleted: m.deleted as u32,
                hash: m.hash,
                class: decision.class,
                confidence: decision.confidence,
                evidence: decision.evidence,
                counted: write.is_none(),
            },
        );
    }

    pub fn did_change(
        &mut self,
        t: f64,
        uri: &str,
        version: i32,
        changes: Vec<ContentChange>,
        out: &mut Vec<Emitted>,
    ) {
        // Holds the document's view while it changes (no copy-on-write of the rope, no reader
        // seeing it half-updated); `publish` fills it again.
        let views = self.views.clone();
        let lease = views.lease(uri);
        let Some(key) = self.buffers.apply(uri, version, changes, self.encoding) else {
            if let (Some(mut slot), Some(doc)) = (lease, self.buffers.mirror.get(uri)) {
                let tracked = self.book.get(uri).map(|t| &t.provenance);
                slot.set(doc.rope(), tracked, false);
            }
            return;
        };
        let first_id = self.next_id + 1;
        let c = self.buffers.classify(key, t, version, first_id);
        self.next_id += self.buffers.applied.len() as u64;
        let counted = self.reload_reaching_buffer(&c.key);
        self.buffers.settle(&c);
        self.book.track(
            &c.key,
            &self.buffers.applied,
            &self.buffers.decisions,
            first_id,
        );
        self.note_bulk(&c, t, counted);
        self.emit_changes(&c, t, version, counted, out);
        let amends = std::mem::take(&mut self.buffers.amends);
        for amend in &amends {
            self.amend_provenance(&c.key, amend);
            trace!(uri, id = amend.id, class = amend.decision.class.as_str(), evidence = %amend.decision.evidence, "amended");
            out.push(Emitted::Amend(*amend));
        }
        self.buffers.amends = amends;
        for undone in self.buffers.classifier.take_undone() {
            trace!(uri, id = undone.id, undone = undone.undone, "undo or redo");
            out.push(Emitted::Undone(undone));
        }
        self.publish(Some(&c.key), lease);
    }

    /// An outside write already counted as a disk change, now reaching the buffer by a change
    /// (VS Code's reload): its changes are that write's class, and not counted again. Returns
    /// whether the changes count.
    fn reload_reaching_buffer(&mut self, key: &Arc<str>) -> bool {
        let b = &mut self.buffers;
        if !self.disk.awaits_reload(key) || !b.applied.iter().any(|a| a.inserted + a.deleted > 1) {
            return true;
        }
        let doc = b.mirror.get(key).expect("open");
        let Some(vcs) = self.disk.take_pending(key, doc.rope()) else {
            return true;
        };
        let d = b.classifier.reload(key, doc.state(), Some(vcs));
        for (dec, a) in b.decisions.iter_mut().zip(&b.applied) {
            if a.inserted + a.deleted > 0 {
                *dec = d;
            }
        }
        false
    }

    /// Remembers bulk text the classifier called `paste` on its own judgement: a reload that
    /// beat the watcher may yet explain it.
    fn note_bulk(&mut self, c: &Classified, t: f64, counted: bool) {
        let of = |wanted: &dyn Fn(&classify::Decision) -> bool| -> Vec<u64> {
            (self.buffers.applied.iter().zip(&self.buffers.decisions))
                .enumerate()
                .filter(|(_, (a, d))| {
                    a.inserted + a.deleted > 1
                        && wanted(d)
                        && !matches!(d.evidence, classify::Evidence::Hint(_))
                })
                .map(|(i, _)| c.first_id + i as u64)
                .collect()
        };
        let ids = of(&|d| d.class == Class::Paste);
        // A reload back to an older text looks like an undo, or — when it drops what the person
        // added — like a rewrite that keeps the content.
        let undo_ids =
            of(&|d| d.class == Class::Undo || d.evidence == classify::Evidence::ContentKept);
        let any = !ids.is_empty() || !undo_ids.is_empty();
        let bulk = (any && counted).then_some(LastBulk { t, ids, undo_ids });
        self.disk.set_last_bulk(&c.key, bulk);
    }

    fn emit_changes(
        &self,
        c: &Classified,
        t: f64,
        version: i32,
        counted: bool,
        out: &mut Vec<Emitted>,
    ) {
        let b = &self.buffers;
        for (i, (a, d)) in b.applied.iter().zip(&b.decisions).enumerate() {
            trace!(uri = &*c.key, version, change = i, class = d.class.as_str(), confidence = d.confidence, evidence = %d.evidence, "classified");
            out.push(Emitted::Event(EditEvent {
                id: c.first_id + i as u64,
                t,
                source: Source::Change,
                subject: c.key.clone(),
                version,
                change: i as u32,
                span: a.span,
                inserted: a.inserted as u32,
                deleted: a.deleted as u32,
                hash: a.hash,
                class: d.class,
                confidence: d.confidence,
                evidence: d.evidence,
                counted,
            }));
        }
    }

    /// A changed decision about event `amend.id` of `key`, applied to its provenance.
    fn amend_provenance(&mut self, key: &Arc<str>, amend: &Amendment) {
        let range = self
            .buffers
            .classifier
            .recent(key, amend.id)
            .map(|r| (r.start, r.end_after));
        self.book.amend(key, amend, range);
    }

    /// What to save of `uri`'s provenance now (when it has any, or had some saved).
    pub fn saved_provenance(&self, uri: &str) -> Option<Saved> {
        self.book.saved(&self.buffers.mirror, uri)
    }

    /// The provenance of every open document, to save (at shutdown, and now and then).
    pub fn save_all(&self) -> Vec<(Arc<str>, Saved)> {
        self.buffers
            .mirror
            .iter()
            .filter_map(|(k, _)| Some((k.clone(), self.saved_provenance(k)?)))
            .collect()
    }

    /// Closes `uri`; returns its provenance to save, when there is any.
    pub fn did_close(&mut self, uri: &str) -> Option<Saved> {
        let saved = self.saved_provenance(uri);
        if !self.buffers.mirror.close(uri) {
            warn!(uri, "didClose for a document that is not open: ignored");
        }
        self.views.remove(uri);
        saved
    }

    /// Records a save; returns true when the person typed in the document since its last save
    /// (an attempt, for a struggle window).
    pub fn did_save(&mut self, uri: &str) -> bool {
        let mirror = &self.buffers.mirror;
        let (Some(key), Some(doc)) = (mirror.key(uri), mirror.get(uri)) else {
            warn!(uri, "didSave for a document that is not open: ignored");
            return false;
        };
        let (rope, state) = (doc.rope().clone(), doc.state());
        let attempt = self.buffers.saved(&key, state);
        self.disk.known.insert(key, rope);
        attempt
    }

    /// An editor plugin says what a change was (`mindgap/editHint`). It names the change by
    /// document and version; it may come just before or just after that change.
    pub fn hint(&mut self, t: f64, uri: &str, version: i32, class: Class, out: &mut Vec<Emitted>) {
        let key: Arc<str> = self
            .buffers
            .mirror
            .key(uri)
            .unwrap_or_else(|| Arc::from(uri));
        let recent = self.buffers.classifier.recent_of_version(&key, version);
        if recent.is_empty() {
            self.buffers.keep_hint(t, key, version, class);
            return;
        }
        for r in recent {
            let Some(decision) = classify::hinted_after(class, &r) else {
                continue;
            };
            self.buffers.classifier.amend(&key, r.id, decision.class);
            let amend = Amendment { id: r.id, decision };
            self.amend_provenance(&key, &amend);
            out.push(Emitted::Amend(amend));
        }
        self.publish(Some(&key), None);
    }

    /// This server is about to apply an edit to `uri` that leaves it holding `state`
    /// ([`state_of`]); the change that brings it there is classed `class`.
    pub fn expect_state(&mut self, t: f64, uri: &str, state: u64, class: Class) {
        let key: Arc<str> = self
            .buffers
            .mirror
            .key(uri)
            .unwrap_or_else(|| Arc::from(uri));
        self.buffers.expect(t, key, state, class);
    }

    /// Records that block `id` of `uri` has the explanation `explanation`.
    pub fn tag_explanation(&mut self, uri: &str, id: u64, explanation: u32) {
        self.book.tag_explanation(uri, id, explanation);
        self.publish(None, None);
    }

    /// The person says block `id` of `uri` is their own code: it stops counting as outside help
    /// and its events are reclassified as `move`.
    pub fn own_block(&mut self, uri: &str, id: u64, out: &mut Vec<Emitted>) -> bool {
        let Some(key) = self.buffers.mirror.key(uri) else {
            return false;
        };
        if !self.book.forget(&key, id) {
            return false;
        }
        let decision: Decision = classify::own_code();
        // A block restored from an earlier session has no event of this session to amend.
        if id < crate::provenance::RESTORED_IDS {
            self.buffers.classifier.amend(&key, id, decision.class);
            out.push(Emitted::Amend(Amendment { id, decision }));
        }
        self.publish(Some(&key), None);
        true
    }
}

fn emit(out: &mut Vec<Emitted>, event: EditEvent) {
    trace!(subject = &*event.subject, class = event.class.as_str(), evidence = %event.evidence, "classified");
    out.push(Emitted::Event(event));
}

/// The state hash a document holding `text` has (for [`Pipeline::expect_state`]).
pub fn state_of(text: &str) -> u64 {
    let rope = Rope::from_str(text);
    Fingerprint::of(&rope).state(&rope)
}

#[cfg(test)]
mod tests;
