//! The classifier: from what a change did, and what came before it, to a class with a confidence
//! and the evidence for it (SPEC section 2).
//!
//! Pure: no I/O, no LSP types, no clock. The pipeline measures each change (counts, the trimmed
//! texts, the document's state hash, whether the text already exists in the workspace) and hands
//! the changes of one notification over together, because several client behaviours only show
//! at that level (Neovim's batches, multi-cursor events, completion menus rewriting a word).
//! Decisions can be amended afterwards — a hint that follows its change, or a run of characters
//! that turns out to be a paste — and the amendments name the events they change.

pub mod class;
pub mod disk;
pub mod evidence;
pub mod history;
pub mod shape;

use std::collections::HashMap;
use std::sync::Arc;

pub use class::Class;
pub use evidence::{Decision, Evidence};
use history::{Cuts, DocHistory, Recent};

use crate::mirror::Applied;
pub use crate::mirror::Copied;

/// More single-character changes than this in one notification cannot be typing: a typist
/// sprinting at 20 characters a second, or autorepeat at 35 Hz, fits about six into Neovim's
/// 150 ms batch.
const MACHINE_BATCH: usize = 8;
/// A batch of single characters faster than this per character, over the time since the
/// notification before it, is not typing (autorepeat runs at 28 ms or more).
const MACHINE_MS_PER_CHAR: f64 = 20.0;
/// Single characters in separate notifications closer than this are not keystrokes (key
/// rollover gives single gaps under 30 ms, not runs of them).
const MACHINE_GAP_MS: f64 = 12.0;
/// How many such gaps in a row make a machine burst.
const MACHINE_RUN: u32 = 3;
/// How long after typing at a spot an insertion there still counts as accepted at the cursor.
const ACCEPT_WINDOW_MS: f64 = 10_000.0;
/// How long after a bulk insertion a contiguous one continues it.
const CHUNK_WINDOW_MS: f64 = 1_000.0;
/// How close a one-character change must be to an undo to be part of it.
const UNDO_COMPANION_MS: f64 = 300.0;
/// Histories kept for documents (open or recently closed).
const DOCS: usize = 1024;

/// One measured content change.
pub struct Input<'a> {
    pub applied: &'a Applied,
    pub copied: Copied,
    /// For a replacement spanning lines: the rest of its first line before it and of its last
    /// line after it, so that whole lines can be compared.
    pub around: Option<(String, String)>,
}

/// A decision taken earlier, changed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amendment {
    pub id: u64,
    pub decision: Decision,
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
    pub expected_state: Option<(u64, Class)>,
}

#[derive(Default)]
pub struct Classifier {
    docs: HashMap<Arc<str>, DocHistory>,
    cuts: Cuts,
    notifications: u64,
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
        let mut cuts = std::mem::take(&mut self.cuts);
        let h = self.doc(key);
        let gap = h.last_notification_t.map(|p| ctx.t - p);
        h.last_notification_t = Some(ctx.t);

        for (i, input) in inputs.iter().enumerate() {
            let a = input.applied;
            let d = if let Some(class) = ctx.hint {
                hinted(class, a.inserted, a.deleted)
            } else if let Some((_, class)) =
                ctx.expected_state.filter(|(state, _)| *state == a.state)
            {
                decide(class, 0.99, Evidence::ExpectedEdit)
            } else {
                single(h, &cuts, input, ctx.t, inputs.len(), gap, amends)
            };
            if let Some(text) = &a.del_text {
                cuts.remember(text);
            }
            let returned = a.inserted + a.deleted > 0 && h.state_back(a.state, 1).is_some();
            h.push_state(a.state);
            h.push_recent(Recent {
                id: ctx.first_id + i as u64,
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
            });
            out.push(d);
        }
        if ctx.hint.is_none() && ctx.expected_state.is_none() {
            batch_rules(
                h,
                inputs,
                &mut out[first..],
                notification,
                ctx.t,
                gap,
                amends,
            );
        }
        // Keep the history's classes in step with the batch-level corrections.
        let n = inputs.len();
        let len = h.recent.len();
        for (r, d) in h
            .recent
            .iter_mut()
            .skip(len.saturating_sub(n))
            .zip(&out[first..])
        {
            r.class = d.class;
        }
        self.cuts = cuts;
    }
}

/// The decision for one change on its own.
fn single(
    h: &mut DocHistory,
    cuts: &Cuts,
    input: &Input<'_>,
    t: f64,
    batch_len: usize,
    gap: Option<f64>,
    amends: &mut Vec<Amendment>,
) -> Decision {
    let a = input.applied;
    let prev = h.last().copied();
    if a.inserted == 0 && a.deleted == 0 {
        return match prev {
            Some(p) if t - p.t <= 300.0 && !matches!(p.class, Class::Typed | Class::Delete) => {
                decide(p.class, 0.6, Evidence::NoChange { inherited: true })
            }
            _ => decide(Class::Typed, 0.6, Evidence::NoChange { inherited: false }),
        };
    }
    // Removing white space (an auto-indent, say) can return to an earlier state too: that is
    // not an undo worth the name.
    let whitespace_removal =
        a.inserted == 0 && a.del_text.as_deref().is_some_and(shape::is_whitespace);
    let after_undo = prev.is_some_and(|p| p.class == Class::Undo && t - p.t <= UNDO_COMPANION_MS);
    if a.inserted + a.deleted >= 2
        && (!whitespace_removal || after_undo)
        && let Some(back) = h.state_back(a.state, 1)
    {
        let d = decide(Class::Undo, 0.85, Evidence::ReturnsToState { back });
        // ...and the one-character step sent just before it.
        if let Some(p) = prev
            && p.returned
            && p.inserted + p.deleted == 1
            && p.class != Class::Undo
            && t - p.t <= UNDO_COMPANION_MS
        {
            amends.push(Amendment {
                id: p.id,
                decision: decide(Class::Undo, 0.7, Evidence::ReturnsToState { back: 1 }),
            });
        }
        return d;
    }
    // A one-character step of an undo: Neovim sends the line break an undo takes away (or a
    // redo brings back) as a change of its own, just before or after the rest.
    if a.inserted + a.deleted == 1
        && let Some(p) = prev
        && p.class == Class::Undo
        && t - p.t <= UNDO_COMPANION_MS
        && let Some(back) = h.state_back(a.state, 1)
    {
        return decide(Class::Undo, 0.7, Evidence::ReturnsToState { back });
    }
    if a.inserted == 0 {
        h.fast_run = 0;
        return decide(Class::Delete, 0.99, Evidence::Removal);
    }
    if a.inserted == 1 && a.ins_text.is_none() {
        let contiguous =
            prev.is_some_and(|p| p.end_after == a.start && p.inserted == 1 && p.deleted == 0);
        let fast = batch_len == 1 && gap.is_some_and(|g| g < MACHINE_GAP_MS) && contiguous;
        h.fast_run = if fast { h.fast_run + 1 } else { 0 };
        if h.fast_run >= MACHINE_RUN {
            let d = decide(
                Class::Paste,
                0.8,
                Evidence::MachineBurst {
                    chars: h.fast_run + 1,
                },
            );
            // The first characters of the run were taken for typing: they were not.
            let run = h.fast_run as usize;
            for r in h.recent.iter().rev().take(run) {
                if r.class == Class::Typed {
                    amends.push(Amendment {
                        id: r.id,
                        decision: d,
                    });
                }
            }
            return d;
        }
        return decide(Class::Typed, 0.95, Evidence::OneChar);
    }
    h.fast_run = 0;
    let text: &str = a.ins_text.as_deref().unwrap_or("");
    if shape::is_whitespace(text) {
        return if shape::is_indent(text) {
            decide(Class::Typed, 0.9, Evidence::Indent)
        } else {
            decide(Class::Editor, 0.7, Evidence::WhitespaceBlock)
        };
    }
    if a.deleted == 0 && shape::is_auto_pair(text) {
        return decide(Class::Typed, 0.9, Evidence::AutoPair);
    }
    if shape::is_comment_continuation(text) {
        return decide(Class::Typed, 0.85, Evidence::CommentLeader);
    }
    if let (Some(del), Some((before, after))) = (&a.del_text, &input.around)
        && shape::is_block_insert(
            &format!("{before}{del}{after}"),
            &format!("{before}{text}{after}"),
        )
    {
        return decide(Class::Typed, 0.75, Evidence::BlockInsert);
    }
    if let Some(del) = &a.del_text
        && shape::same_shape(del, text)
    {
        return decide(Class::Editor, 0.75, Evidence::SameShape);
    }
    let at_cursor = prev.filter(|p| p.end_after == a.start);
    // One identifier finishing the word being typed: a completion item. Checked before copies,
    // because such items come from words close by.
    if let Some(p) = at_cursor
        && a.code_before
        && t - p.t <= ACCEPT_WINDOW_MS
        && shape::is_identifier(text)
        && shape::continues_word(a.prev_char)
        && text.chars().count() <= 40
    {
        return if p.class == Class::Completion {
            decide(Class::Completion, 0.6, Evidence::ContinuesChunk)
        } else {
            decide(Class::Editor, 0.6, Evidence::CompletionItem)
        };
    }
    if let Some(p) = at_cursor
        && matches!(p.class, Class::Paste | Class::Completion)
        && p.inserted >= 2
        && t - p.t <= CHUNK_WINDOW_MS
    {
        return decide(p.class, 0.7, Evidence::ContinuesChunk);
    }
    if cuts.contains(text) {
        return decide(Class::Move, 0.8, Evidence::RecentCut);
    }
    match input.copied {
        Copied::Lines(lines) => return decide(Class::Move, 0.75, Evidence::CopiedLines { lines }),
        Copied::Nearby => return decide(Class::Move, 0.6, Evidence::CopiedNearby),
        Copied::No => {}
    }
    if let Some(p) = at_cursor {
        let since = t - p.t;
        let starts_line = text.starts_with(['\n', '\r']);
        if a.code_before && !starts_line && since <= ACCEPT_WINDOW_MS {
            return decide(Class::Completion, 0.7, Evidence::AcceptAtCursor);
        }
    }
    decide(Class::Paste, 0.8, Evidence::Bulk)
}

/// Decisions that only the whole notification shows.
fn batch_rules(
    h: &DocHistory,
    inputs: &[Input<'_>],
    out: &mut [Decision],
    notification: u64,
    t: f64,
    gap: Option<f64>,
    amends: &mut Vec<Amendment>,
) {
    let n = inputs.len();
    if n < 2 {
        return;
    }
    let singles = inputs
        .iter()
        .filter(|i| i.applied.inserted + i.applied.deleted == 1)
        .count();
    // Each change starts where the one before it left the cursor (or just before, for a
    // backspace): one stream of characters.
    let contiguous = inputs.windows(2).all(|w| {
        let end = w[0].applied.start + w[0].applied.inserted;
        let s = w[1].applied.start;
        s == end || s + 1 == end || (w[1].applied.inserted == 0 && s + w[1].applied.deleted == end)
    });
    // Faster than anyone types, over the time since the notification before: Neovim sends a
    // buffer's first burst of typing, however long, as one batch, so the count alone says
    // nothing.
    let too_fast = gap.is_none_or(|g| g / (singles.max(1) as f64) < MACHINE_MS_PER_CHAR);
    if n >= MACHINE_BATCH && singles * 4 >= n * 3 && contiguous && too_fast {
        let rewrites = inputs.iter().any(|i| i.applied.inserted == 0);
        let single_line = inputs
            .iter()
            .all(|i| i.applied.span.start_line == inputs[0].applied.span.start_line);
        let typed_word: String = inputs.iter().filter_map(|i| i.applied.ins_char).collect();
        // Where the burst began: the lone change sent ahead of the batch, if it inserted.
        let lone = h
            .recent
            .iter()
            .rev()
            .find(|r| r.notification != notification)
            .copied();
        let origin_code = match lone {
            Some(r) if r.inserted == 1 && t - r.t <= 300.0 => r.code_before,
            _ => inputs
                .iter()
                .find(|i| i.applied.inserted > 0)
                .is_some_and(|i| i.applied.code_before),
        };
        let (class, evidence) = if rewrites && single_line && shape::is_identifier(&typed_word) {
            (Class::Editor, Evidence::WordRewrite { changes: n as u32 })
        } else if origin_code {
            (
                Class::Completion,
                Evidence::MachineBatch { changes: n as u32 },
            )
        } else {
            (Class::Paste, Evidence::MachineBatch { changes: n as u32 })
        };
        for (d, i) in out.iter_mut().zip(inputs) {
            let removal = i.applied.inserted == 0 && i.applied.deleted > 0;
            *d = if removal && class.is_outside_help() {
                decide(Class::Delete, 0.9, Evidence::Removal)
            } else {
                decide(class, 0.85, evidence)
            };
        }
        // The client sends the first change of a burst alone; it belongs to the burst.
        let first = inputs[0].applied;
        if let Some(r) = lone
            && r.inserted + r.deleted == 1
            && t - r.t <= 300.0
            && (r.end_after == first.start
                || r.end_after == first.start + 1
                || r.start == first.start + first.deleted)
            && matches!(r.class, Class::Typed | Class::Delete)
        {
            let class = if r.inserted == 0 && class.is_outside_help() {
                Class::Delete
            } else {
                class
            };
            amends.push(Amendment {
                id: r.id,
                decision: decide(class, 0.7, evidence),
            });
        }
        return;
    }
    let first_text = inputs[0]
        .applied
        .ins_text
        .as_deref()
        .map(str::to_owned)
        .or(inputs[0].applied.ins_char.map(String::from));
    let same_text = inputs.iter().all(|i| {
        i.applied.deleted == 0
            && i.applied
                .ins_text
                .as_deref()
                .map(str::to_owned)
                .or(i.applied.ins_char.map(String::from))
                == first_text
    });
    let distinct_lines = inputs
        .windows(2)
        .all(|w| w[0].applied.span.start_line != w[1].applied.span.start_line);
    if same_text && distinct_lines && first_text.as_ref().is_some_and(|t| t.chars().count() <= 2) {
        for d in out.iter_mut() {
            *d = decide(
                Class::Typed,
                0.85,
                Evidence::MultiCursor { cursors: n as u32 },
            );
        }
        return;
    }
    let bottom_up = inputs
        .windows(2)
        .all(|w| w[1].applied.start < w[0].applied.start);
    if n >= 3 && bottom_up && !same_text && !contiguous {
        for d in out.iter_mut() {
            *d = decide(
                Class::Editor,
                0.75,
                Evidence::ScatteredEdits { changes: n as u32 },
            );
        }
    }
}
#[cfg(test)]
mod tests;
