//! The classifier: from what a change did, and what came before it, to a class with a confidence
//! and the evidence for it (SPEC section 2).
//!
//! Pure: no I/O, no LSP types, no clock. The pipeline measures each change (counts, the trimmed
//! texts, the document's state hash, whether the text already exists in the workspace) and hands
//! the changes of one notification over together, because several client behaviours only show
//! at that level (Neovim's batches, multi-cursor events, completion menus rewriting a word).
//! Decisions can be amended afterwards — a hint that follows its change, or a run of characters
//! that turns out to be a paste — and the amendments name the events they change.

pub mod agent;
mod batch;
pub mod class;
pub mod disk;
pub mod evidence;
pub mod evidence_code;
mod follow;
pub mod history;
pub mod shape;
mod single;

use std::sync::Arc;

pub use agent::Agent;
pub use batch::MACHINE_BATCH;
pub use class::Class;
pub use evidence::{Decision, Evidence};
use history::{Cuts, DocHistory, Recent};

use crate::mirror::Applied;
pub use crate::mirror::Copied;
pub use crate::mirror::copies::Around;

/// Histories kept for documents (open or recently closed).
const DOCS: usize = 1024;

/// One measured content change.
pub struct Input<'a> {
    pub applied: &'a Applied,
    pub copied: Copied,
    /// For a replacement spanning lines: the rest of its first line before it and of its last
    /// line after it, so that whole lines can be compared.
    pub around: Option<Around>,
}

/// A decision taken earlier, changed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amendment {
    pub id: u64,
    pub decision: Decision,
}

/// An undo took an earlier insertion back (`undone`), or a redo brought it back (`!undone`):
/// what it inserted counts as work, or outside help, only while it is in effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Undone {
    pub id: u64,
    pub undone: bool,
}

/// An edit this server applied: the document state it leaves, and the class the change that
/// brings it there gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    pub state: u64,
    pub class: Class,
}

/// What the classifier is told about a notification besides its changes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    pub t: f64,
    pub version: i32,
    /// The id the first change's event gets; the others follow in order.
    pub first_id: u64,
    /// A hint that named this notification before it arrived.
    pub hint: Option<Class>,
    /// A document state an edit this server applied will produce.
    pub expected: Option<Expected>,
    /// Whether the notification's characters, if it is a burst of single characters in a row,
    /// wrote whole lines the workspace already holds.
    pub burst_copied: Copied,
}

#[derive(Default)]
pub struct Classifier {
    docs: crate::mirror::ByUri<DocHistory>,
    cuts: Cuts,
    notifications: u64,
    /// What the undos and redos of the last notification took back or brought back.
    undone: Vec<Undone>,
}

fn decide(class: Class, confidence: f32, evidence: Evidence) -> Decision {
    Decision::new(class, confidence, evidence)
}

/// The class a hint gives a change that inserted `inserted` and deleted `deleted` characters:
/// removals stay removals under an outside-help hint.
pub fn hinted(class: Class, inserted: usize, deleted: usize) -> Decision {
    let class = if inserted == 0 && deleted > 0 && class.is_outside_help() {
        Class::Delete
    } else {
        class
    };
    decide(class, 0.99, Evidence::Hint(class))
}

/// The decision a hint that follows its change gives that change, if any: a `paste` hint says
/// only that the clipboard brought it, so a change already known for the person's own code (a
/// `move`) stays as it is.
pub fn hinted_after(class: Class, r: &Recent) -> Option<Decision> {
    if class == Class::Paste && r.class == Class::Move {
        return None;
    }
    Some(hinted(class, r.inserted as usize, r.deleted as usize))
}

/// The person says a block is their own code: it stops counting as outside help.
pub fn own_code() -> Decision {
    decide(Class::Move, 0.99, Evidence::OwnCode)
}

impl Classifier {
    pub fn new() -> Classifier {
        Classifier::default()
    }

    fn doc(&mut self, key: &Arc<str>) -> &mut DocHistory {
        if self.docs.len() >= DOCS && !self.docs.contains_key(key) {
            // Forget an arbitrary other document; histories are small and only matter briefly.
            if let Some(k) = self.docs.keys().find(|k| *k != key).cloned() {
                self.docs.remove(&k);
            }
        }
        self.docs.entry(key.clone()).or_default()
    }

    /// The client spoke about the document at `t` (opened it), without a change.
    pub fn seen(&mut self, key: &Arc<str>, t: f64) {
        self.doc(key).last_notification_t = Some(t);
    }

    /// The document was opened (or saved) with this state: a state to recognise later.
    pub fn anchor(&mut self, key: &Arc<str>, state: u64) {
        let h = self.doc(key);
        h.anchor(state);
        h.push_state(state);
    }

    /// A reload (the editor took new text from disk) that left the document in `state`.
    /// `write` is `Some(vcs)` when the text is an outside write already reported as a disk
    /// change (`vcs` when it was version control's).
    pub fn reload(&mut self, key: &Arc<str>, state: u64, write: Option<bool>) -> Decision {
        let h = self.doc(key);
        let reloaded = match write {
            Some(vcs) => disk::Reloaded::CountedWrite { vcs },
            None => disk::Reloaded::Unseen {
                known_state: h.is_known(state),
            },
        };
        // The text came from disk: typing after it that happens to rebuild a text from before
        // (retyping what a checkout threw away) is not an undo.
        h.forget_states();
        h.anchor(state);
        h.push_state(state);
        disk::reload(reloaded)
    }

    /// Recent decisions for `version` of a document (for a hint that follows its change).
    pub fn recent_of_version(&self, key: &Arc<str>, version: i32) -> Vec<Recent> {
        self.docs.get(key).map_or_else(Vec::new, |h| {
            h.recent
                .iter()
                .filter(|r| r.version == version)
                .copied()
                .collect()
        })
    }

    /// The remembered change with this event id.
    pub fn recent(&self, key: &Arc<str>, id: u64) -> Option<Recent> {
        self.docs
            .get(key)?
            .recent
            .iter()
            .find(|r| r.id == id)
            .copied()
    }

    /// Records an amendment in the history, so later decisions see the corrected class.
    pub fn amend(&mut self, key: &Arc<str>, id: u64, class: Class) {
        if let Some(h) = self.docs.get_mut(key)
            && let Some(r) = h.recent.iter_mut().find(|r| r.id == id)
        {
            r.class = class;
        }
    }

    /// What the undos and redos of the notifications classified since the last call took back
    /// or brought back, in order.
    pub fn take_undone(&mut self) -> Vec<Undone> {
        std::mem::take(&mut self.undone)
    }

    /// Classifies the changes of one notification. `out` receives one decision per input, in
    /// order; `amends` any earlier decisions this batch shows to be wrong.
    pub fn batch(
        &mut self,
        key: &Arc<str>,
        ctx: Context,
        inputs: &[Input<'_>],
        out: &mut Vec<Decision>,
        amends: &mut Vec<Amendment>,
    ) {
        self.notifications += 1;
        let notification = self.notifications;
        let first = out.len();
        let first_amend = amends.len();
        let mut cuts = std::mem::take(&mut self.cuts);
        let mut undone = std::mem::take(&mut self.undone);
        let h = self.doc(key);
        let gap = h.last_notification_t.map(|p| ctx.t - p);
        h.last_notification_t = Some(ctx.t);

        for (i, input) in inputs.iter().enumerate() {
            let a = input.applied;
            let d = if let Some(class) = ctx.hint {
                // A paste hint says the clipboard brought it, not whose it is: the person's
                // own code pasted is still a move.
                (class == Class::Paste)
                    .then(|| single::own_code_pasted(&cuts, input))
                    .flatten()
                    .unwrap_or_else(|| hinted(class, a.inserted, a.deleted))
            } else if let Some(e) = ctx.expected.filter(|e| e.state == a.state) {
                decide(e.class, 0.99, Evidence::ExpectedEdit)
            } else {
                let s = single::Single {
                    cuts: &cuts,
                    t: ctx.t,
                    batch_len: inputs.len(),
                    gap,
                };
                single::decide_one(h, &s, input, amends)
            };
            if let Some(text) = &a.del_text {
                cuts.remember(text);
            }
            let id = ctx.first_id + i as u64;
            track_effect(h, d.class, a, id, &mut undone);
            remember(h, &ctx, notification, id, a, &d);
            out.push(d);
        }
        if ctx.hint.is_none() && ctx.expected.is_none() {
            let b = batch::Batch {
                inputs,
                notification,
                t: ctx.t,
                gap,
                burst_copied: ctx.burst_copied,
            };
            batch::revise(h, &b, &mut out[first..], amends);
        }
        sync_classes(h, &out[first..], &amends[first_amend..]);
        self.cuts = cuts;
        self.undone = undone;
    }
}

/// Remembers change `id` (decided `d`) in the document's history: the state it leaves, and
/// what later rules read of it.
fn remember(
    h: &mut DocHistory,
    ctx: &Context,
    notification: u64,
    id: u64,
    a: &Applied,
    d: &Decision,
) {
    let returned = a.inserted + a.deleted > 0 && h.state_back(a.state, 1).is_some();
    let typed = (d.class == Class::Typed && a.deleted == 0)
        .then_some(a.ins_char)
        .flatten();
    let continues = h.last().is_some_and(|p| p.end_after == a.start);
    h.follow_typing(typed, continues);
    h.push_state(a.state);
    h.push_recent(Recent {
        id,
        t: ctx.t,
        version: ctx.version,
        start: a.start,
        end_after: a.start + a.inserted,
        inserted: a.inserted as u32,
        deleted: a.deleted as u32,
        class: d.class,
        notification,
        returned,
        code_before: a.code_before,
        word_item: d.evidence == Evidence::CompletionItem,
        opened_line: d.class == Class::Typed
            && (d.evidence == Evidence::Indent || a.ins_char == Some('\n')),
        del_char: a.del_char,
        removed_word: a.del_text.as_deref().is_some_and(shape::is_identifier),
    });
    h.last_insert = match &a.ins_text {
        Some(text) if !matches!(d.class, Class::Typed | Class::Undo) => Some(history::LastInsert {
            id,
            t: ctx.t,
            text: text.clone(),
        }),
        _ => None,
    };
}

/// Keeps the history's classes in step with the notification's own decisions (`out`, after the
/// batch-level corrections) and with the earlier decisions it changed (`amends`).
fn sync_classes(h: &mut DocHistory, out: &[Decision], amends: &[Amendment]) {
    let len = h.recent.len();
    for (r, d) in (h.recent.iter_mut())
        .skip(len.saturating_sub(out.len()))
        .zip(out)
    {
        r.class = d.class;
    }
    for amend in amends {
        if let Some(r) = h.recent.iter_mut().find(|r| r.id == amend.id) {
            r.class = amend.decision.class;
        }
    }
}

/// Keeps the insertions in effect in step with change `id`: an undo or redo goes back to what
/// was in effect in the state it returns to (and says what that took back or brought back);
/// any other insertion adds itself.
fn track_effect(h: &mut DocHistory, class: Class, a: &Applied, id: u64, out: &mut Vec<Undone>) {
    if class == Class::Undo {
        if let Some(then) = h.in_effect_at(a.state).cloned() {
            let (undone, redone) = h.now_in_effect.going_to(&then);
            out.extend(undone.into_iter().map(|id| Undone { id, undone: true }));
            out.extend(redone.into_iter().map(|id| Undone { id, undone: false }));
            h.now_in_effect = then;
        }
    } else if a.inserted > 0 {
        h.now_in_effect = h.now_in_effect.with(id);
    }
}

#[cfg(test)]
mod tests;
