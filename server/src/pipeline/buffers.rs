//! The buffer path: the editor's documents as it sends them (open, change, save, close), each
//! change applied to the mirror, measured and classified with what the editor told about it —
//! hints from plugins (`mindgap/editHint`), waiting for the change they name, and edits this
//! server applied itself, waiting to come back as the state they leave.

use std::sync::Arc;

use tracing::{debug, warn};

use crate::classify::{
    Amendment, Class, Classifier, Context, Decision, Evidence, Expected, Input, MACHINE_BATCH,
};
use crate::mirror::copies::{around, burst_copied, copied};
use crate::mirror::{Accepted, Applied, ByUri, ContentChange, Encoding, Mirror, Rejected, UriSet};

/// How long a hint waits for the change it names, in ms.
const HINT_WINDOW_MS: f64 = 2_000.0;
/// How long an edit this server applied waits to come back from the client, in ms.
const EXPECT_WINDOW_MS: f64 = 5_000.0;

/// A hint that arrived before the change it names.
struct PendingHint {
    uri: Arc<str>,
    version: i32,
    class: Class,
    t: f64,
}

/// An edit this server asked the client to apply, and when.
#[derive(Clone, Copy, Debug)]
struct ExpectedEdit {
    edit: Expected,
    t: f64,
}

/// One notification's changes, applied and classified: `applied[i]` got `decisions[i]` and the
/// event id `first_id + i`.
pub struct Classified {
    pub key: Arc<str>,
    pub first_id: u64,
    /// An edit this server applied was expected for this document.
    pub expected: bool,
}

#[derive(Default)]
pub struct Buffers {
    pub mirror: Mirror,
    pub classifier: Classifier,
    hints: Vec<PendingHint>,
    expected: ByUri<ExpectedEdit>,
    /// Documents typed in since they were last saved (a save after typing is an attempt).
    typed_since_save: UriSet,
    /// The last notification's changes and their decisions (reused, to spare allocations).
    pub applied: Vec<Applied>,
    pub decisions: Vec<Decision>,
    pub amends: Vec<Amendment>,
}

impl Buffers {
    /// Applies a `didChange` to the mirror; the document's key when it was applied.
    pub fn apply(
        &mut self,
        uri: &str,
        version: i32,
        changes: Vec<ContentChange>,
        encoding: Encoding,
    ) -> Option<Arc<str>> {
        let Some(key) = self.mirror.key(uri) else {
            warn!(
                uri,
                version, "didChange for a document that is not open: ignored"
            );
            return None;
        };
        let doc = self.mirror.get_mut(uri).expect("key exists");
        self.applied.clear();
        match doc.apply(version, changes, encoding, &mut self.applied) {
            Ok(Accepted::InOrder) => {}
            Ok(Accepted::Late { newest }) => warn!(
                uri,
                version, newest, "change arrived after a newer version: applied in version order"
            ),
            Err(Rejected::Backwards { version, current }) => {
                warn!(
                    uri,
                    version, current, "version went backwards: change ignored"
                );
                return None;
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
        Some(key)
    }

    /// Classifies the changes just applied to `key` (into `decisions` and `amends`), their
    /// events numbered from `first_id`.
    pub fn classify(&mut self, key: Arc<str>, t: f64, version: i32, first_id: u64) -> Classified {
        let doc = self.mirror.get(&key).expect("just applied");
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
        let expected = self
            .expected
            .get(&key)
            .filter(|e| t - e.t <= EXPECT_WINDOW_MS)
            .map(|e| e.edit);
        self.decisions.clear();
        self.amends.clear();
        let ctx = Context {
            t,
            version,
            first_id,
            hint,
            expected,
            burst_copied: burst_copied(&self.mirror, doc, &key, &self.applied, MACHINE_BATCH),
        };
        self.classifier
            .batch(&key, ctx, &inputs, &mut self.decisions, &mut self.amends);
        Classified {
            key,
            first_id,
            expected: expected.is_some(),
        }
    }

    /// After classification: notes typing (for a struggle window's attempts) and spends an
    /// expected edit that came back.
    pub fn settle(&mut self, c: &Classified) {
        let typed = self
            .decisions
            .iter()
            .zip(&self.applied)
            .any(|(d, a)| d.class == Class::Typed && a.inserted > 0);
        if typed {
            self.typed_since_save.insert(c.key.clone());
        }
        if c.expected
            && self
                .decisions
                .iter()
                .any(|d| d.evidence == Evidence::ExpectedEdit)
        {
            self.expected.remove(&c.key);
        }
    }

    /// A save: the document's state becomes one to recognise; whether the person typed since
    /// the last save (an attempt, for a struggle window).
    pub fn saved(&mut self, key: &Arc<str>, state: u64) -> bool {
        self.classifier.anchor(key, state);
        self.typed_since_save.remove(key)
    }

    /// Keeps a hint that names no change yet; it waits [`HINT_WINDOW_MS`] for it.
    pub fn keep_hint(&mut self, t: f64, key: Arc<str>, version: i32, class: Class) {
        self.hints.retain(|h| t - h.t <= HINT_WINDOW_MS);
        self.hints.push(PendingHint {
            uri: key,
            version,
            class,
            t,
        });
    }

    /// This server is about to apply an edit leaving `key` in `state`; the change that brings
    /// it there is classed `class`.
    pub fn expect(&mut self, t: f64, key: Arc<str>, state: u64, class: Class) {
        let edit = Expected { state, class };
        self.expected.insert(key, ExpectedEdit { edit, t });
    }
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
