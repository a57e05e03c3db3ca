//! The pipeline: the one path from editor notifications (and disk changes) to classified edit
//! events. The live server and `replay` both drive it; nothing here knows LSP types or does I/O.
//!
//! Besides the mirror it keeps what the session knows of each file on disk (its text when opened
//! or saved), so that a disk change the editor's own save explains yields nothing, and an outside
//! change that reaches the buffer both as a disk change and as a reload is counted once.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use tracing::{debug, trace, warn};

use crate::agents::Agent;
use crate::classify::{self, Amendment, Classifier, Context, Copied, Decision, Input};
use crate::events::{Class, EditEvent, Emitted, Source, Span};
use crate::mirror::fingerprint::{Fingerprint, content_hash};
use crate::mirror::{
    Accepted, Applied, ContentChange, Document, Encoding, Mirror, Opened, Rejected, measure,
};
use crate::provenance::{Provenance, Saved, Tags};
use crate::uri;

/// How long an outside disk write waits for the editor to reload it, in ms.
const RELOAD_WINDOW_MS: f64 = 10_000.0;
/// How long after a `.git` change a disk change is version control's, in ms.
const VCS_WINDOW_MS: f64 = 3_000.0;
/// How long before one (git writes the work tree, then HEAD), in ms.
const VCS_BEFORE_MS: f64 = 2_000.0;
/// How soon after a bulk change of a buffer a disk change with the same text shows the change
/// was a reload that beat the watcher, in ms.
const RELOAD_BEAT_MS: f64 = 1_000.0;
/// How far apart an agent's log line and the disk change it names may be, in ms.
const AGENT_WINDOW_MS: f64 = 10_000.0;
/// How long a hint waits for the change it names, in ms.
const HINT_WINDOW_MS: f64 = 2_000.0;
/// How long an edit this server applied waits to come back from the client, in ms.
const EXPECT_WINDOW_MS: f64 = 5_000.0;
/// How far around an insertion to look for the same text (a copy close by), in chars.
const NEARBY_CHARS: usize = 2_000;
/// Documents whose provenance is kept in memory (open ones, and the most recently closed).
const PROVENANCE_DOCS: usize = 256;

struct PendingHint {
    uri: Arc<str>,
    version: i32,
    class: Class,
    t: f64,
}

/// A document's last notification, when it inserted bulk text the classifier called `paste`.
struct LastBulk {
    t: f64,
    ids: Vec<u64>,
}

/// A disk event still open to amendment.
struct RecentDisk {
    id: u64,
    t: f64,
    uri: Arc<str>,
    class: Class,
    /// An agent's log confirmed it: version control does not take it over.
    confirmed: bool,
}

pub struct Pipeline {
    encoding: Encoding,
    /// The workspace root as a filesystem path, when the client named one.
    root: Option<String>,
    mirror: Mirror,
    classifier: Classifier,
    /// What each file holds on disk, as far as this session knows, by URI.
    disk: crate::known_disk::KnownDisk,
    /// Outside writes not yet seen reaching the buffer: URI → (hash of the new text, time).
    pending_outside: HashMap<Arc<str>, (u64, f64, bool)>,
    /// When `.git` last changed (HEAD, index, refs): disk changes around then are version
    /// control's, not an agent's.
    vcs_at: Option<f64>,
    /// Recent disk events, to amend when a `.git` change shows they were version control's or
    /// an agent's log names their file.
    recent_disk: std::collections::VecDeque<RecentDisk>,
    /// Per document, its last notification when that was bulk text classed `paste` on the
    /// classifier's own judgement: a reload may yet explain it.
    last_bulk: HashMap<Arc<str>, LastBulk>,
    /// Recent agent log lines naming a file: (time, URI, agent).
    agent_notes: std::collections::VecDeque<(f64, Arc<str>, Agent)>,
    hints: Vec<PendingHint>,
    /// Edits this server applied, by URI: the state they will produce, and when.
    expected: HashMap<Arc<str>, (u64, f64, Class)>,
    /// Which characters of each document came from outside help; `true` when it was restored
    /// from the store (so an emptied record is saved, to clear the old one).
    provenance: HashMap<Arc<str>, (Provenance, bool)>,
    /// What is known of the current task: new outside-help ranges are tagged with it.
    task: Tags,
    /// Documents typed in since they were last saved (a save after typing is an attempt).
    typed_since_save: std::collections::HashSet<Arc<str>>,
    /// Documents whose provenance changed since the nudges were last computed.
    nudge_dirty: std::collections::HashSet<Arc<str>>,
    next_id: u64,
    applied: Vec<Applied>,
    decisions: Vec<Decision>,
    amends: Vec<Amendment>,
}

impl Pipeline {
    pub fn new(encoding: Encoding, root: Option<String>) -> Self {
        Pipeline {
            encoding,
            root,
            mirror: Mirror::new(),
            classifier: Classifier::new(),
            disk: crate::known_disk::KnownDisk::default(),
            pending_outside: HashMap::new(),
            vcs_at: None,
            recent_disk: std::collections::VecDeque::new(),
            agent_notes: std::collections::VecDeque::new(),
            last_bulk: HashMap::new(),
            hints: Vec::new(),
            expected: HashMap::new(),
            provenance: HashMap::new(),
            task: Tags {
                early: true,
                ..Tags::default()
            },
            typed_since_save: std::collections::HashSet::new(),
            nudge_dirty: std::collections::HashSet::new(),
            next_id: 0,
            applied: Vec::new(),
            decisions: Vec::new(),
            amends: Vec::new(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    fn take_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// What the store says of the current task (its phase, whether it is manual, whether a
    /// struggle window runs), for the tags of outside help inserted from now on.
    pub fn set_task_context(&mut self, early: bool, manual: bool, struggle: bool) {
        self.task = Tags {
            early,
            manual,
            struggle,
            explanation: 0,
        };
    }

    /// Documents whose nudges may have changed since the last call. A change to an explanation
    /// may change the nudges of every document.
    pub fn take_nudge_dirty(&mut self) -> Vec<Arc<str>> {
        if self
            .nudge_dirty
            .iter()
            .any(|u| u.contains(crate::practices::explanations::DIR))
        {
            let all: Vec<Arc<str>> = self
                .provenance
                .keys()
                .filter(|k| self.mirror.get(k).is_some())
                .cloned()
                .collect();
            self.nudge_dirty.extend(all);
        }
        let dirty: Vec<Arc<str>> = self.nudge_dirty.drain().collect();
        dirty
            .into_iter()
            .filter(|u| self.mirror.get(u).is_some())
            .collect()
    }

    /// What the nudges of `uri` are computed from: its text, its provenance, the encoding.
    pub fn nudge_input(&self, uri: &str) -> Option<(Rope, Provenance, Encoding)> {
        let doc = self.mirror.get(uri)?;
        let p = self
            .provenance
            .get(uri)
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        Some((doc.rope().clone(), p, self.encoding))
    }

    /// The text and 1-based lines of block `id` of `uri`.
    pub fn block_text(&self, uri: &str, id: u64) -> Option<(u32, u32, String)> {
        let (rope, p, _) = self.nudge_input(uri)?;
        let b = crate::nudges::blocks(&rope, &p)
            .into_iter()
            .find(|b| b.id == id)?;
        let end = b.end.min(rope.len_chars());
        let first = rope.char_to_line(b.start) as u32 + 1;
        Some((
            first,
            first + b.lines as u32 - 1,
            rope.slice(b.start..end).to_string(),
        ))
    }

    /// Records that block `id` of `uri` has the explanation `explanation`.
    pub fn tag_explanation(&mut self, uri: &str, id: u64, explanation: u32) {
        if let Some((p, _)) = self.provenance.get_mut(uri) {
            p.tag(id, |t| t.explanation = explanation);
            self.nudge_dirty.insert(Arc::from(uri));
        }
    }

    /// The person says block `id` of `uri` is their own code: it stops counting as outside help
    /// and its events are reclassified as `move`.
    pub fn own_block(&mut self, uri: &str, id: u64, out: &mut Vec<Emitted>) -> bool {
        let Some(key) = self.mirror.key(uri) else {
            return false;
        };
        let Some((p, _)) = self.provenance.get_mut(uri) else {
            return false;
        };
        if !p.forget(id) {
            return false;
        }
        let decision = Decision::new(Class::Move, 0.99, classify::Evidence::OwnCode);
        self.classifier.amend(&key, id, Class::Move);
        out.push(Emitted::Amend(Amendment { id, decision }));
        self.nudge_dirty.insert(key);
        true
    }

    /// The provenance of `uri`: which of its characters came from outside help.
    pub fn provenance(&self, uri: &str) -> Option<&Provenance> {
        self.provenance.get(uri).map(|(p, _)| p)
    }

    /// `saved` is the provenance the store kept for this document from an earlier session.
    pub fn did_open(
        &mut self,
        t: f64,
        uri: &str,
        version: i32,
        text: &str,
        saved: Option<Saved>,
        out: &mut Vec<Emitted>,
    ) {
        let key: Arc<str> = self.mirror.key(uri).unwrap_or_else(|| Arc::from(uri));
        let opened = self.mirror.open(key.clone(), version, text);
        let doc = self.mirror.get(uri).expect("just opened");
        let (rope, state) = (doc.rope().clone(), doc.state());
        self.disk.insert(key.clone(), rope.clone());
        self.classifier.seen(&key, t);
        let previous = match opened {
            Opened::Reopened(previous) => previous,
            Opened::New | Opened::AlreadyOpen(_) => {
                self.classifier.anchor(&key, state);
                if !self.provenance.contains_key(&key)
                    && let Some(saved) = saved
                {
                    self.provenance
                        .insert(key.clone(), (Provenance::restore(&saved, &rope), true));
                    self.nudge_dirty.insert(key.clone());
                }
                self.forget_closed_provenance();
                return;
            }
        };
        let m = measure(previous.rope().slice(..), text);
        if m.inserted == 0 && m.deleted == 0 {
            self.classifier.anchor(&key, state);
            return;
        }
        // A reload: the text on disk changed while the editor held the document.
        let write = self.take_pending_outside(&key, &rope);
        let decision = self
            .classifier
            .reload(&key, state, write.is_some(), write == Some(true));
        let counted_write = write.is_some();
        let span = Span::of(previous.rope(), m.prefix, m.prefix + m.deleted);
        let id = self.take_id();
        let tags = self.task;
        self.nudge_dirty.insert(key.clone());
        if let Some((p, _)) = self.provenance.get_mut(&key) {
            p.edit(m.prefix, m.deleted, m.inserted, decision.class, id, tags);
        } else if decision.class.is_outside_help() {
            let mut p = Provenance::default();
            p.edit(m.prefix, m.deleted, m.inserted, decision.class, id, tags);
            self.provenance.insert(key.clone(), (p, false));
        }
        self.emit(
            out,
            EditEvent {
                id,
                t,
                source: Source::Reopen,
                subject: key,
                version,
                change: 0,
                span,
                inserted: m.inserted as u32,
                deleted: m.deleted as u32,
                hash: m.hash,
                class: decision.class,
                confidence: decision.confidence,
                evidence: decision.evidence,
                counted: !counted_write,
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
        let Some(key) = self.mirror.key(uri) else {
            warn!(
                uri,
                version, "didChange for a document that is not open: ignored"
            );
            return;
        };
        let doc = self.mirror.get_mut(uri).expect("key exists");
        self.applied.clear();
        match doc.apply(version, changes, self.encoding, &mut self.applied) {
            Ok(Accepted::InOrder) => {}
            Ok(Accepted::Late { newest }) => {
                warn!(
                    uri,
                    version,
                    newest,
                    "change arrived after a newer version: applied in version order"
                );
            }
            Err(Rejected::Backwards { version, current }) => {
                warn!(
                    uri,
                    version, current, "version went backwards: change ignored"
                );
                return;
            }
        }
        for (i, a) in self.applied.iter().enumerate() {
            if let Some(clamp) = a.clamped {
                warn!(
                    uri,
                    version,
                    change = i,
                    ?clamp,
                    "range outside the document: clamped"
                );
            }
        }
        let doc = self.mirror.get(uri).expect("open");
        let inputs: Vec<Input<'_>> = self
            .applied
            .iter()
            .map(|a| Input {
                applied: a,
                copied: copied(&self.mirror, doc, &key, a),
                around: around(doc, a),
            })
            .collect();
        let hint = take_hint(&mut self.hints, &key, version, t);
        let expected_state = self
            .expected
            .get(&key)
            .filter(|(_, since, _)| t - since <= EXPECT_WINDOW_MS)
            .map(|(s, _, class)| (*s, *class));
        let first_id = self.next_id + 1;
        self.decisions.clear();
        self.amends.clear();
        let ctx = Context {
            t,
            version,
            first_id,
            hint,
            expected_state,
        };
        self.classifier
            .batch(&key, ctx, &inputs, &mut self.decisions, &mut self.amends);
        drop(inputs);
        self.next_id += self.applied.len() as u64;

        // An outside write already counted as a disk change, now reaching the buffer.
        let mut counted = true;
        if self.pending_outside.contains_key(&key)
            && self.applied.iter().any(|a| a.inserted + a.deleted > 1)
        {
            let rope = self.mirror.get(uri).expect("open").rope().clone();
            let state = self.mirror.get(uri).expect("open").state();
            if let Some(vcs) = self.take_pending_outside(&key, &rope) {
                let d = self.classifier.reload(&key, state, true, vcs);
                for (dec, a) in self.decisions.iter_mut().zip(&self.applied) {
                    if a.inserted + a.deleted > 0 {
                        *dec = d;
                    }
                }
                counted = false;
            }
        }
        if self
            .decisions
            .iter()
            .zip(&self.applied)
            .any(|(d, a)| d.class == Class::Typed && a.inserted > 0)
        {
            self.typed_since_save.insert(key.clone());
        }
        self.track_provenance(&key, first_id);
        if expected_state.is_some()
            && self
                .decisions
                .iter()
                .any(|d| d.evidence == classify::Evidence::ExpectedEdit)
        {
            self.expected.remove(&key);
        }
        let bulk: Vec<u64> = self
            .applied
            .iter()
            .zip(&self.decisions)
            .enumerate()
            .filter(|(_, (a, d))| {
                a.inserted > 1
                    && d.class == Class::Paste
                    && !matches!(d.evidence, classify::Evidence::Hint(_))
            })
            .map(|(i, _)| first_id + i as u64)
            .collect();
        if bulk.is_empty() || !counted {
            self.last_bulk.remove(&key);
        } else {
            self.last_bulk
                .insert(key.clone(), LastBulk { t, ids: bulk });
        }
        for (i, (a, d)) in self.applied.iter().zip(&self.decisions).enumerate() {
            trace!(uri, version, change = i, class = d.class.as_str(), confidence = d.confidence, evidence = %d.evidence, "classified");
            let event = EditEvent {
                id: first_id + i as u64,
                t,
                source: Source::Change,
                subject: key.clone(),
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
            };
            out.push(Emitted::Event(event));
        }
        let amends = std::mem::take(&mut self.amends);
        for amend in &amends {
            self.amend_provenance(&key, amend);
        }
        self.amends = amends;
        for amend in self.amends.drain(..) {
            trace!(uri, id = amend.id, class = amend.decision.class.as_str(), evidence = %amend.decision.evidence, "amended");
            out.push(Emitted::Amend(amend));
        }
    }

    /// Applies the changes just classified to the document's provenance.
    fn track_provenance(&mut self, key: &Arc<str>, first_id: u64) {
        let outside = self.decisions.iter().any(|d| d.class.is_outside_help());
        if !outside && !self.provenance.contains_key(key) {
            return; // nothing from outside help here, before or now
        }
        let tags = self.task;
        self.nudge_dirty.insert(key.clone());
        let (p, _) = self.provenance.entry(key.clone()).or_default();
        for (i, (a, d)) in self.applied.iter().zip(&self.decisions).enumerate() {
            p.edit(
                a.start,
                a.deleted,
                a.inserted,
                d.class,
                first_id + i as u64,
                tags,
            );
        }
    }

    fn amend_provenance(&mut self, key: &Arc<str>, amend: &Amendment) {
        let range = self
            .classifier
            .recent(key, amend.id)
            .map(|r| (r.start, r.end_after));
        let tags = self.task;
        self.nudge_dirty.insert(key.clone());
        let (p, _) = self.provenance.entry(key.clone()).or_default();
        p.amend(amend.id, amend.decision.class, range, tags);
    }

    /// Keeps the provenance of open documents and of at most [`PROVENANCE_DOCS`] in all.
    fn forget_closed_provenance(&mut self) {
        if self.provenance.len() <= PROVENANCE_DOCS {
            return;
        }
        let closed: Vec<Arc<str>> = self
            .provenance
            .keys()
            .filter(|k| self.mirror.get(k).is_none())
            .cloned()
            .collect();
        let excess = self.provenance.len() - PROVENANCE_DOCS;
        for k in closed.into_iter().take(excess) {
            self.provenance.remove(&k);
        }
    }

    /// What to save of a document's provenance now (when it has any, or had some saved).
    pub fn saved_provenance(&self, uri: &str) -> Option<Saved> {
        self.saved(uri)
    }

    fn saved(&self, uri: &str) -> Option<Saved> {
        let (p, restored) = self.provenance.get(uri)?;
        let doc = self.mirror.get(uri)?;
        (*restored || !p.ranges().is_empty()).then(|| p.save(doc.rope()))
    }

    /// The provenance of every open document, to save at shutdown.
    pub fn save_all(&self) -> Vec<(Arc<str>, Saved)> {
        self.mirror
            .iter()
            .filter_map(|(k, _)| Some((k.clone(), self.saved(k)?)))
            .collect()
    }

    fn emit(&mut self, out: &mut Vec<Emitted>, event: EditEvent) {
        trace!(subject = &*event.subject, class = event.class.as_str(), evidence = %event.evidence, "classified");
        out.push(Emitted::Event(event));
    }

    /// Closes `uri`; returns its provenance to save, when there is any.
    pub fn did_close(&mut self, uri: &str) -> Option<Saved> {
        let saved = self.saved(uri);
        if !self.mirror.close(uri) {
            warn!(uri, "didClose for a document that is not open: ignored");
        }
        saved
    }

    /// Records a save; returns true when the person typed in the document since its last save
    /// (an attempt, for a struggle window).
    pub fn did_save(&mut self, uri: &str) -> bool {
        match (self.mirror.key(uri), self.mirror.get(uri)) {
            (Some(key), Some(doc)) => {
                let (rope, state) = (doc.rope().clone(), doc.state());
                self.classifier.anchor(&key, state);
                let attempt = self.typed_since_save.remove(&key);
                self.disk.insert(key, rope);
                attempt
            }
            _ => {
                warn!(uri, "didSave for a document that is not open: ignored");
                false
            }
        }
    }

    /// An editor plugin says what a change was (`mindgap/editHint`). It names the change by
    /// document and version; it may come just before or just after that change.
    pub fn hint(&mut self, t: f64, uri: &str, version: i32, class: Class, out: &mut Vec<Emitted>) {
        let key: Arc<str> = self.mirror.key(uri).unwrap_or_else(|| Arc::from(uri));
        let recent = self.classifier.recent_of_version(&key, version);
        if recent.is_empty() {
            self.hints.retain(|h| t - h.t <= HINT_WINDOW_MS);
            self.hints.push(PendingHint {
                uri: key,
                version,
                class,
                t,
            });
            return;
        }
        for r in recent {
            let class = if r.inserted == 0 && r.deleted > 0 && class.is_outside_help() {
                Class::Delete
            } else {
                class
            };
            let decision = Decision::new(class, 0.99, classify::Evidence::Hint(class));
            self.classifier.amend(&key, r.id, class);
            let amend = Amendment { id: r.id, decision };
            self.amend_provenance(&key, &amend);
            out.push(Emitted::Amend(amend));
        }
    }

    /// This server is about to apply an edit to `uri` that leaves it holding `state`
    /// ([`state_of`]); the changes that bring it there are classed `editor`.
    pub fn expect_state(&mut self, t: f64, uri: &str, state: u64, class: Class) {
        let key: Arc<str> = self.mirror.key(uri).unwrap_or_else(|| Arc::from(uri));
        self.expected.insert(key, (state, t, class));
    }

    /// A file in the workspace changed on disk: written with `text`, or removed (`None`).
    fn disk_change(&mut self, t: f64, rel_path: &str, text: Option<&str>, out: &mut Vec<Emitted>) {
        if self.root.is_none() {
            warn!(rel_path, "disk change without a workspace root: ignored");
            return;
        }
        if let Some(git) = rel_path.strip_prefix(".git/") {
            let telling = crate::workspace::is_vcs_mark(git);
            if telling {
                self.vcs_changed(t, out);
            }
            return;
        }
        let Some(uri) = self.disk_uri(rel_path) else {
            return;
        };
        let new_text = text.unwrap_or("");
        // The editor's own save explains it: the disk now holds what the buffer holds.
        let (as_known, as_buffer) = match text {
            Some(text) => (
                self.disk.get(&uri).is_some_and(|k| *k == text),
                self.mirror.get(&uri).is_some_and(|d| *d.rope() == text),
            ),
            None => (false, false),
        };
        if as_buffer && !as_known {
            // ...unless the buffer got there by a bulk change just now, no save seen: the
            // editor reloaded an outside write before the watcher delivered it.
            self.reload_beat_the_watcher(t, &uri, out);
        }
        let known = self.disk.get(&uri);
        if as_known || as_buffer {
            debug!(rel_path, "disk change explained by the buffer");
        } else {
            let m = match known {
                Some(rope) => measure(rope.slice(..), new_text),
                None => measure(Rope::new().slice(..), new_text),
            };
            let vcs = self.vcs_at.is_some_and(|at| t - at <= VCS_WINDOW_MS);
            self.agent_notes
                .retain(|(at, _, _)| t - at <= AGENT_WINDOW_MS);
            let logged = self
                .agent_notes
                .iter()
                .find(|(_, u, _)| *u == uri)
                .map(|&(_, _, agent)| agent);
            let (class, confidence, evidence) = match (text, logged) {
                (None, _) => (Class::Delete, 0.8, classify::Evidence::Removal),
                (Some(_), Some(agent)) => (Class::Agent, 0.97, classify::Evidence::AgentLog(agent)),
                (Some(_), None) if vcs => (Class::Vcs, 0.8, classify::Evidence::VcsOperation),
                (Some(_), None) => (Class::Agent, 0.8, classify::Evidence::OutsideWrite),
            };
            let span = known.map_or_else(Span::default, |r| {
                Span::of(r, m.prefix, m.prefix + m.deleted)
            });
            let decision = Decision::new(class, confidence, evidence);
            let id = self.emit_disk(out, t, rel_path, span, &m, decision);
            if text.is_some() {
                self.pending_outside
                    .insert(uri.clone(), (hash_str(new_text), t, vcs));
            }
            self.recent_disk
                .retain(|r| t - r.t <= AGENT_WINDOW_MS.max(VCS_BEFORE_MS));
            self.recent_disk.push_back(RecentDisk {
                id,
                t,
                uri: uri.clone(),
                class,
                confirmed: logged.is_some(),
            });
        }
        match text {
            Some(text) => self.disk.insert(uri, Rope::from_str(text)),
            None => self.disk.remove(&uri),
        };
        self.pending_outside
            .retain(|_, (_, since, _)| t - *since <= RELOAD_WINDOW_MS);
    }

    /// The disk now holds what the buffer holds, but no save said so. When the buffer's last
    /// notification was a bulk insertion classed `paste` (no hint) moments ago, it was the editor
    /// reloading this write before the watcher's settle time delivered it (VS Code can reload
    /// within ~100 ms): it is amended to the outside write it was (`agent`, or `vcs`).
    fn reload_beat_the_watcher(&mut self, t: f64, uri: &Arc<str>, out: &mut Vec<Emitted>) {
        let Some(last) = self.last_bulk.remove(uri) else {
            return;
        };
        if t - last.t > RELOAD_BEAT_MS {
            return;
        }
        let vcs = self.vcs_at.is_some_and(|at| t - at <= VCS_WINDOW_MS);
        let decision = if vcs {
            Decision::new(Class::Vcs, 0.8, classify::Evidence::ReloadBeforeWatcher)
        } else {
            Decision::new(Class::Agent, 0.8, classify::Evidence::ReloadBeforeWatcher)
        };
        for id in last.ids {
            let amend = Amendment { id, decision };
            self.amend_provenance(uri, &amend);
            out.push(Emitted::Amend(amend));
        }
    }

    /// When `rope` is exactly the text of a pending outside write: whether that write was
    /// version control's (and the write is forgotten).
    fn take_pending_outside(&mut self, key: &Arc<str>, rope: &Rope) -> Option<bool> {
        match self.pending_outside.get(key) {
            Some(&(hash, _, vcs)) if hash == hash_rope(rope) => {
                self.pending_outside.remove(key);
                Some(vcs)
            }
            _ => None,
        }
    }

    /// `.git` changed at `t`: version control is at work. Disk changes of the 2 s before (git
    /// writes the work tree, then HEAD) are amended to `vcs`, and those of the 3 s after are
    /// classed so.
    fn vcs_changed(&mut self, t: f64, out: &mut Vec<Emitted>) {
        self.vcs_at = Some(t);
        let decision = Decision::new(Class::Vcs, 0.85, classify::Evidence::VcsOperation);
        for r in &mut self.recent_disk {
            if t - r.t <= VCS_BEFORE_MS && r.class != Class::Vcs && !r.confirmed {
                r.class = Class::Vcs;
                out.push(Emitted::Amend(Amendment { id: r.id, decision }));
                if let Some(p) = self.pending_outside.get_mut(&r.uri) {
                    p.2 = true;
                }
            }
        }
    }

    /// A disk change as the watcher reports it (and a trace's `fs` line records it): with
    /// `before`, what git's index held for a file reported for the first time.
    pub fn disk_report(
        &mut self,
        t: f64,
        rel_path: &str,
        text: Option<&str>,
        before: Option<&str>,
        out: &mut Vec<Emitted>,
    ) {
        if let (Some(before), Some(uri)) = (before, self.disk_uri(rel_path))
            && !self.disk.contains_key(&uri)
        {
            if text == Some(before) {
                // A file the session never saw now holds what git's index holds: version
                // control put it there (a checkout, restore or reset updates both at once).
                let decision = Decision::new(Class::Vcs, 0.8, classify::Evidence::MatchesGitIndex);
                let unchanged = measure(Rope::new().slice(..), "");
                self.emit_disk(out, t, rel_path, Span::default(), &unchanged, decision);
                self.disk.insert(uri, Rope::from_str(before));
                return;
            }
            self.disk.insert(uri, Rope::from_str(before));
        }
        self.disk_change(t, rel_path, text, out);
    }

    /// An agent's own log says it wrote `rel_path` just now: the disk change of that file in
    /// the window around now is that agent's, by name (amended if it came first).
    pub fn agent_write(&mut self, t: f64, agent: Agent, rel_path: &str, out: &mut Vec<Emitted>) {
        let Some(uri) = self.disk_uri(rel_path) else {
            return;
        };
        let decision = Decision::new(Class::Agent, 0.97, classify::Evidence::AgentLog(agent));
        for r in &mut self.recent_disk {
            if r.uri == uri && r.class == Class::Agent && !r.confirmed && t - r.t <= AGENT_WINDOW_MS
            {
                r.confirmed = true;
                out.push(Emitted::Amend(Amendment { id: r.id, decision }));
            }
        }
        self.agent_notes
            .retain(|(at, _, _)| t - at <= AGENT_WINDOW_MS);
        self.agent_notes.push_back((t, uri, agent));
    }

    /// Emits the event of a disk change of `rel_path`; returns its id.
    fn emit_disk(
        &mut self,
        out: &mut Vec<Emitted>,
        t: f64,
        rel_path: &str,
        span: Span,
        m: &crate::mirror::Measure,
        d: Decision,
    ) -> u64 {
        let id = self.take_id();
        self.emit(
            out,
            EditEvent {
                id,
                t,
                source: Source::Disk,
                subject: Arc::from(rel_path),
                version: 0,
                change: 0,
                span,
                inserted: m.inserted as u32,
                deleted: m.deleted as u32,
                hash: m.hash,
                class: d.class,
                confidence: d.confidence,
                evidence: d.evidence,
                counted: true,
            },
        );
        id
    }

    /// The URI of a workspace-relative path (`None` without a root).
    fn disk_uri(&self, rel_path: &str) -> Option<Arc<str>> {
        let root = self.root.as_ref()?;
        let uri = uri::from_path(&format!("{}/{}", root.trim_end_matches('/'), rel_path));
        Some(self.mirror.key(&uri).unwrap_or_else(|| Arc::from(uri)))
    }
}

/// The state hash a document holding `text` has (for [`Pipeline::expect_state`]).
pub fn state_of(text: &str) -> u64 {
    let rope = Rope::from_str(text);
    Fingerprint::of(&rope).state(&rope)
}

fn take_hint(hints: &mut Vec<PendingHint>, key: &Arc<str>, version: i32, t: f64) -> Option<Class> {
    hints.retain(|h| {
        let fresh = t - h.t <= HINT_WINDOW_MS;
        if !fresh {
            debug!(
                uri = &*h.uri,
                version = h.version,
                "a hint matched no change: ignored"
            );
        }
        fresh
    });
    let i = hints
        .iter()
        .position(|h| h.uri == *key && h.version == version)?;
    Some(hints.remove(i).class)
}

/// For a replacement whose old and new text both span lines: the rest of the first line before
/// it and of the last line after it (unchanged by the edit, so read from the text after it).
fn around(doc: &Document, a: &Applied) -> Option<(String, String)> {
    let (del, ins) = (a.del_text.as_deref()?, a.ins_text.as_deref()?);
    if !del.contains('\n') || !ins.contains('\n') {
        return None;
    }
    let rope = doc.rope();
    let line_start = rope.line_to_char(rope.char_to_line(a.start));
    let end = a.start + a.inserted;
    let last = rope.char_to_line(end);
    let line_end = rope.line_to_char(last) + rope.line(last).len_chars();
    let after: String = rope
        .slice(end..line_end)
        .chars()
        .take_while(|c| *c != '\n' && *c != '\r')
        .collect();
    Some((rope.slice(line_start..a.start).to_string(), after))
}

/// Whether an insertion brings text the workspace already holds (a copy, not outside help).
fn copied(mirror: &Mirror, doc: &Document, key: &Arc<str>, a: &Applied) -> Copied {
    let Some(text) = a.ins_text.as_deref() else {
        return Copied::No;
    };
    if text.trim().chars().count() < 3 {
        return Copied::No;
    }
    if text.contains('\n') {
        // Each substantial line must occur more often in the workspace than in the insertion.
        let mut inserted: HashMap<u64, u32> = HashMap::new();
        for h in text.split_inclusive('\n').filter_map(content_hash) {
            *inserted.entry(h).or_default() += 1;
        }
        let all_found = !inserted.is_empty()
            && inserted.iter().all(|(h, n)| {
                doc.fingerprint().line_count(*h) > *n
                    || mirror
                        .iter()
                        .any(|(k, d)| k != key && d.fingerprint().line_count(*h) > 0)
            });
        return if all_found {
            Copied::Lines(inserted.values().sum())
        } else {
            Copied::No
        };
    }
    // A piece of a line: look for it around the insertion, not counting the insertion itself.
    let rope = doc.rope();
    let needle = text.trim();
    let end = (a.start + a.inserted).min(rope.len_chars());
    let before = rope.slice(a.start.saturating_sub(NEARBY_CHARS)..a.start.min(rope.len_chars()));
    let after = rope.slice(end..(end + NEARBY_CHARS).min(rope.len_chars()));
    if before.to_string().contains(needle) || after.to_string().contains(needle) {
        Copied::Nearby
    } else {
        Copied::No
    }
}

fn hash_str(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

fn hash_rope(rope: &Rope) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for chunk in rope.chunks() {
        h.update(chunk.as_bytes());
    }
    h.digest()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mirror::{Position, Range};

    fn events(out: &[Emitted]) -> Vec<&EditEvent> {
        out.iter()
            .filter_map(|e| match e {
                Emitted::Event(e) => Some(e),
                Emitted::Amend(_) => None,
            })
            .collect()
    }

    fn insert(line: u32, col: u32, text: &str) -> ContentChange {
        ContentChange {
            range: Some(Range {
                start: Position::new(line, col),
                end: Position::new(line, col),
            }),
            text: text.into(),
        }
    }

    /// Replaces whole lines `from..to` (a VS Code reload or a line paste).
    fn replace_lines(from: u32, to: u32, text: &str) -> ContentChange {
        let at = |line| Position { line, character: 0 };
        ContentChange {
            range: Some(Range {
                start: at(from),
                end: at(to),
            }),
            text: text.into(),
        }
    }

    #[test]
    fn outside_write_then_reload_is_counted_once() {
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        p.did_open(0.0, "file:///ws/a.py", 1, "x = 1\n", None, &mut out);
        p.did_change(1.0, "file:///ws/a.py", 2, vec![insert(1, 0, "y")], &mut out);
        p.did_save("file:///ws/a.py");
        // The editor's own save reaching disk yields nothing.
        p.disk_change(2.0, "a.py", Some("x = 1\ny"), &mut out);
        assert_eq!(out.len(), 1);
        // An agent adds an import; the editor reloads (Neovim: close, then open).
        p.disk_change(3.0, "a.py", Some("import os\nx = 1\ny"), &mut out);
        p.did_close("file:///ws/a.py");
        p.did_open(
            4.0,
            "file:///ws/a.py",
            2,
            "import os\nx = 1\ny",
            None,
            &mut out,
        );
        let tail: Vec<_> = events(&out)[1..]
            .iter()
            .map(|e| (e.source, e.class, e.inserted, e.counted))
            .collect();
        assert_eq!(
            tail,
            vec![
                (Source::Disk, Class::Agent, 10, true),
                (Source::Reopen, Class::Agent, 10, false)
            ]
        );
    }

    #[test]
    fn reload_by_did_change_matches_the_outside_write() {
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        p.did_open(0.0, "file:///ws/a.py", 1, "x = 1\n", None, &mut out);
        p.disk_change(1.0, "a.py", Some("import os\nx = 1\n"), &mut out);
        p.did_change(
            2.0,
            "file:///ws/a.py",
            2,
            vec![insert(0, 0, "import os\n")],
            &mut out,
        );
        let ev = events(&out);
        assert_eq!(ev.len(), 2);
        assert_eq!((ev[1].class, ev[1].counted), (Class::Agent, false));
    }

    #[test]
    fn a_reload_that_beats_the_watcher_is_the_outside_write_counted_once() {
        // VS Code can reload within ~100 ms of an outside write, before the watcher's 150 ms
        // settle delivers it (CLIENTS.md): the reload comes first, the disk change second.
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        let uri = "file:///ws/a.py";
        let old = "def f():\n    return 1\n";
        p.did_open(0.0, uri, 1, old, None, &mut out);
        p.did_change(
            5_000.0,
            uri,
            2,
            vec![replace_lines(
                1,
                2,
                "    total = compute_total(items, tax_rate)\n    return total\n",
            )],
            &mut out,
        );
        let new = "def f():\n    total = compute_total(items, tax_rate)\n    return total\n";
        p.disk_change(5_150.0, "a.py", Some(new), &mut out);
        let ev = events(&out);
        let counted: Vec<_> = ev.iter().filter(|e| e.counted).collect();
        assert_eq!(counted.len(), 1, "{ev:?}");
        let amended = amendments(&out);
        let class = amended
            .iter()
            .find(|(id, _, _)| *id == counted[0].id)
            .map_or(counted[0].class, |a| a.1);
        assert_eq!(class, Class::Agent, "{ev:?} {amended:?}");

        // A real paste that the editor then saves stays a paste: the save (sent right after
        // the write) reaches the server before the watcher's settle time ends.
        out.clear();
        let pasted = "def f():\n    x = 2\n    return x\n";
        p.did_change(
            9_000.0,
            uri,
            3,
            vec![replace_lines(1, 3, "    x = 2\n    return x\n")],
            &mut out,
        );
        assert_eq!(events(&out)[0].class, Class::Paste);
        p.did_save(uri);
        p.disk_change(9_150.0, "a.py", Some(pasted), &mut out);
        assert!(amendments(&out).is_empty(), "{:?}", amendments(&out));
    }

    #[test]
    fn unknown_documents_are_ignored() {
        let mut p = Pipeline::new(Encoding::Utf8, None);
        let mut out = Vec::new();
        p.did_change(0.0, "file:///nope", 3, vec![insert(0, 0, "a")], &mut out);
        p.did_close("file:///nope");
        p.did_save("file:///nope");
        p.disk_change(0.0, "x", Some("y"), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn hints_win_before_or_after_their_change() {
        let mut p = Pipeline::new(Encoding::Utf16, None);
        let mut out = Vec::new();
        let uri = "file:///a.py";
        p.did_open(0.0, uri, 1, "", None, &mut out);
        // Before: the change arrives after its hint.
        p.hint(1.0, uri, 2, Class::Completion, &mut out);
        p.did_change(
            2.0,
            uri,
            2,
            vec![insert(0, 0, "x = compute(1)\n")],
            &mut out,
        );
        assert_eq!(events(&out)[0].class, Class::Completion);
        assert_eq!(
            events(&out)[0].evidence,
            crate::classify::Evidence::Hint(Class::Completion)
        );
        // After: the hint amends the event already emitted.
        p.did_change(3000.0, uri, 3, vec![insert(1, 0, "y = 2\n")], &mut out);
        let id = events(&out)[1].id;
        assert_eq!(events(&out)[1].class, Class::Paste);
        p.hint(3100.0, uri, 3, Class::Undo, &mut out);
        assert!(
            matches!(out.last(), Some(Emitted::Amend(a)) if a.id == id && a.decision.class == Class::Undo)
        );
        // A hint that names no change is forgotten.
        p.hint(3200.0, uri, 99, Class::Paste, &mut out);
        p.did_change(9000.0, uri, 4, vec![insert(2, 0, "z = 3\n")], &mut out);
        assert_eq!(events(&out)[2].class, Class::Paste);
        assert_ne!(
            events(&out)[2].evidence,
            crate::classify::Evidence::Hint(Class::Paste)
        );
    }

    #[test]
    fn edits_this_server_applies_are_editor() {
        let mut p = Pipeline::new(Encoding::Utf16, None);
        let mut out = Vec::new();
        let uri = "file:///a.py";
        p.did_open(0.0, uri, 1, "def f():\n    pass\n", None, &mut out);
        p.expect_state(
            1.0,
            uri,
            state_of("def f():\n    \"\"\"Explain f.\"\"\"\n    pass\n"),
            Class::Editor,
        );
        p.did_change(
            2.0,
            uri,
            2,
            vec![insert(1, 0, "    \"\"\"Explain f.\"\"\"\n")],
            &mut out,
        );
        assert_eq!(events(&out)[0].class, Class::Editor);
        // Once seen, the expectation is spent.
        p.did_change(
            3.0,
            uri,
            3,
            vec![insert(0, 0, "import os\nimport sys\n")],
            &mut out,
        );
        assert_eq!(events(&out)[1].class, Class::Paste);
    }

    #[test]
    fn provenance_follows_edits_and_survives_a_restart() {
        use crate::provenance::Saved;
        use crate::store::{SessionInfo, Store};
        let home = tempfile::tempdir().unwrap();
        let uri = "file:///ws/a.py";
        let mut out = Vec::new();
        let store = Store::open(home.path());
        store.begin_session(SessionInfo {
            kind: "lsp",
            encoding: "utf-16",
            ..Default::default()
        });
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        p.did_open(0.0, uri, 1, "def f():\n    pass\n", None, &mut out);
        p.did_change(
            10_000.0,
            uri,
            2,
            vec![insert(2, 0, "def g():\n    return 42\n")],
            &mut out,
        );
        let ranges = |p: &Pipeline| -> Vec<(usize, usize)> {
            p.provenance(uri).map_or_else(Vec::new, |pr| {
                pr.ranges().iter().map(|r| (r.start, r.end)).collect()
            })
        };
        assert_eq!(ranges(&p), vec![(18, 41)]);
        // Typing inside the block makes those characters the person's.
        p.did_change(20_000.0, uri, 3, vec![insert(3, 11, "0")], &mut out);
        assert_eq!(ranges(&p), vec![(18, 38), (39, 42)]);
        let saved = p.did_close(uri).expect("provenance to save");
        store.save_provenance(uri, saved.encode());
        drop(store);

        // Another session: the file gained a line at the top meanwhile.
        let store = Store::open(home.path());
        let saved = store.load_provenance(uri).and_then(|b| Saved::decode(&b));
        assert!(saved.is_some());
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        p.did_open(
            0.0,
            uri,
            1,
            "import os\ndef f():\n    pass\ndef g():\n    return 042\n",
            saved,
            &mut out,
        );
        assert_eq!(ranges(&p), vec![(28, 48), (49, 52)]);
    }

    #[test]
    fn version_control_is_not_an_agent() {
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        let uri = "file:///ws/a.py";
        p.did_open(0.0, uri, 1, "x = 1\n", None, &mut out);
        // A checkout: git writes the work tree, then moves HEAD and the index.
        p.disk_change(1_000.0, "a.py", Some("x = 2\ny = 3\n"), &mut out);
        assert_eq!(
            events(&out)[0].class,
            Class::Agent,
            "an agent's until .git says otherwise"
        );
        p.disk_change(1_200.0, ".git/index", None, &mut out);
        p.disk_change(1_250.0, ".git/HEAD", None, &mut out);
        let amended: Vec<Class> = out
            .iter()
            .filter_map(|e| match e {
                Emitted::Amend(a) => Some(a.decision.class),
                Emitted::Event(_) => None,
            })
            .collect();
        assert_eq!(amended, vec![Class::Vcs]);
        // The editor's reload of it is version control's too.
        p.did_close(uri);
        p.did_open(1_500.0, uri, 1, "x = 2\ny = 3\n", None, &mut out);
        assert_eq!(events(&out).last().unwrap().class, Class::Vcs);
        // A write right after .git changed is version control's at once...
        p.disk_change(2_000.0, "b.py", Some("b = 1\n"), &mut out);
        assert_eq!(events(&out).last().unwrap().class, Class::Vcs);
        // ...one much later is an agent's.
        p.disk_change(20_000.0, "c.py", Some("c = 1\n"), &mut out);
        assert_eq!(events(&out).last().unwrap().class, Class::Agent);
        // An agent that adds and commits its own work is still an agent.
        p.disk_change(40_000.0, "d.py", Some("d = 1\n"), &mut out);
        p.disk_change(40_100.0, ".git/index", None, &mut out);
        p.disk_change(40_150.0, ".git/refs/heads/main", None, &mut out);
        assert_eq!(events(&out).last().unwrap().class, Class::Agent);
        assert!(!matches!(out.last(), Some(Emitted::Amend(_))));
        // Objects written by git say nothing by themselves.
        let before = out.len();
        p.disk_change(60_000.0, ".git/objects/ab/cdef", None, &mut out);
        assert_eq!(out.len(), before);
    }

    fn amendments(out: &[Emitted]) -> Vec<(u64, Class, String)> {
        out.iter()
            .filter_map(|e| match e {
                Emitted::Amend(a) => {
                    Some((a.id, a.decision.class, a.decision.evidence.to_string()))
                }
                Emitted::Event(_) => None,
            })
            .collect()
    }

    #[test]
    fn an_agents_log_names_the_writer_before_or_after_the_write() {
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        // The log line first, then the write it names.
        p.agent_write(1_000.0, Agent::ClaudeCode, "a.py", &mut out);
        p.disk_change(1_400.0, "a.py", Some("a = 1\n"), &mut out);
        let e = events(&out)[0];
        assert_eq!((e.class, e.confidence), (Class::Agent, 0.97));
        assert_eq!(
            e.evidence.to_string(),
            "Claude Code's log says it wrote this file"
        );
        // The write first, then the log line: amended by name.
        p.disk_change(5_000.0, "b.py", Some("b = 1\n"), &mut out);
        let id = events(&out).last().unwrap().id;
        assert_eq!(events(&out).last().unwrap().confidence, 0.8);
        p.agent_write(5_300.0, Agent::ClaudeCode, "b.py", &mut out);
        assert_eq!(
            amendments(&out),
            vec![(
                id,
                Class::Agent,
                "Claude Code's log says it wrote this file".into()
            )]
        );
        // A log line about another file, or long after, names nothing.
        out.clear();
        p.disk_change(9_000.0, "c.py", Some("c = 1\n"), &mut out);
        p.agent_write(9_100.0, Agent::ClaudeCode, "d.py", &mut out);
        p.agent_write(30_000.0, Agent::ClaudeCode, "c.py", &mut out);
        assert!(amendments(&out).is_empty());
        // Version control does not take over what the log confirmed.
        out.clear();
        p.agent_write(40_000.0, Agent::ClaudeCode, "e.py", &mut out);
        p.disk_change(40_100.0, "e.py", Some("e = 1\n"), &mut out);
        p.disk_change(40_200.0, ".git/HEAD", None, &mut out);
        assert!(amendments(&out).is_empty(), "{:?}", amendments(&out));
    }

    #[test]
    fn a_file_never_seen_is_measured_against_what_git_held() {
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        let before = "def f():\n    return 1\n";
        let after = "def f():\n    return 1\n\ndef g():\n    return 2\n";
        p.disk_report(1_000.0, "m.py", Some(after), Some(before), &mut out);
        let e = events(&out)[0];
        assert_eq!((e.class, e.inserted, e.deleted), (Class::Agent, 23, 0));
        // Without a baseline the whole file is new to the session.
        p.disk_report(2_000.0, "n.py", Some(after), None, &mut out);
        assert_eq!(events(&out)[1].inserted, after.chars().count() as u32);
        // A baseline never overrides what the session knows.
        p.disk_report(
            3_000.0,
            "m.py",
            Some(before),
            Some("something else"),
            &mut out,
        );
        assert_eq!((events(&out)[2].inserted, events(&out)[2].deleted), (0, 23));
        // A file that now holds just what git's index holds was put there by version control.
        p.disk_report(4_000.0, "o.py", Some(before), Some(before), &mut out);
        let e = events(&out)[3];
        assert_eq!((e.class, e.inserted), (Class::Vcs, 0));
        assert_eq!(e.evidence.to_string(), "now holds what git's index holds");
    }
}
