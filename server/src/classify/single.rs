//! The rules for one change on its own, in order: a no-op inherits its neighbour's class; a
//! return to a recent document state is `undo`; removals are `delete`; one character is `typed`
//! unless it belongs to a run arriving faster than typing; longer insertions are checked for
//! typing shapes (indentation, auto-pairs, comment leaders, block inserts), same-shape
//! replacements, and then for what brought them: a completion item, the continuation of a bulk
//! insertion, a recent cut or a copy (`move`), an acceptance at the cursor (`completion`), else
//! `paste`.

use super::history::{Cuts, DocHistory, Recent};
use super::{Amendment, Around, Class, Copied, Decision, Evidence, Input, decide, follow, shape};
use crate::mirror::Applied;

/// Single characters in separate notifications closer than this are not keystrokes (key
/// rollover gives single gaps under 30 ms, not runs of them).
const MACHINE_GAP_MS: f64 = 12.0;
/// How many such gaps in a row make a machine burst.
const MACHINE_RUN: u32 = 3;
/// How long after typing at a spot an insertion there still counts as accepted at the cursor.
const ACCEPT_WINDOW_MS: f64 = 10_000.0;
/// How long after typing at a spot one line starting on a new line there still counts as
/// accepted at the cursor (a suggestion's next line).
const NEW_LINE_ACCEPT_MS: f64 = 3_000.0;
/// How soon after typing at the cursor an insertion there is taken for an accepted suggestion
/// even when its text is found close by.
const PIECE_OVER_NEARBY_MS: f64 = 2_000.0;
/// How long after a bulk insertion a contiguous one continues it.
const CHUNK_WINDOW_MS: f64 = 1_000.0;
/// How close a one-character change must be to an undo to be part of it.
const UNDO_COMPANION_MS: f64 = 300.0;

/// What the rules for one change are given besides the change and the history.
pub struct Single<'a> {
    pub cuts: &'a Cuts,
    pub t: f64,
    /// How many changes the notification holds.
    pub batch_len: usize,
    /// The time since the notification before it, if any.
    pub gap: Option<f64>,
}

/// The decision for one change on its own; `amends` receives earlier decisions it shows wrong.
pub fn decide_one(
    h: &mut DocHistory,
    s: &Single<'_>,
    input: &Input<'_>,
    amends: &mut Vec<Amendment>,
) -> Decision {
    let a = input.applied;
    let prev = h.last().copied();
    if a.inserted == 0 && a.deleted == 0 {
        return no_op(prev, s.t);
    }
    // A filter's input deleted after its output went in: a rewrite, even when it brings the
    // document back to an earlier state (JSON pretty-printed, then compacted again).
    if a.inserted == 0
        && let Some(d) = follow::rewrite_completed(h, a, s.t, amends)
    {
        h.fast_run = 0;
        return d;
    }
    if let Some(d) = undo(h, a, prev, s.t, amends) {
        return d;
    }
    if a.inserted == 0 {
        h.fast_run = 0;
        return decide(Class::Delete, 0.99, Evidence::Removal);
    }
    if a.inserted == 1 && a.ins_text.is_none() {
        return one_char(h, a, prev, s, amends);
    }
    h.fast_run = 0;
    if let Some(d) = typing_shape(input) {
        return d;
    }
    brought(h, s, input, prev, amends)
}

/// A change that altered nothing (typed over an auto-inserted closer, or part of the change
/// before it).
fn no_op(prev: Option<Recent>, t: f64) -> Decision {
    match prev {
        Some(p) if t - p.t <= 300.0 && !matches!(p.class, Class::Typed | Class::Delete) => {
            decide(p.class, 0.6, Evidence::NoChange { inherited: true })
        }
        _ => decide(Class::Typed, 0.6, Evidence::NoChange { inherited: false }),
    }
}

/// A return to a recent state of the document: undo or redo, whatever shape the client gives
/// it (with the one-character step Neovim sends beside it).
fn undo(
    h: &DocHistory,
    a: &Applied,
    prev: Option<Recent>,
    t: f64,
    amends: &mut Vec<Amendment>,
) -> Option<Decision> {
    // Removing white space (an auto-indent, say) can return to an earlier state too: that is
    // not an undo worth the name.
    let whitespace_removal =
        a.inserted == 0 && a.del_text.as_deref().is_some_and(shape::is_whitespace);
    let near_undo = |p: &Recent| p.class == Class::Undo && t - p.t <= UNDO_COMPANION_MS;
    let after_undo = prev.is_some_and(|p| near_undo(&p));
    if a.inserted + a.deleted >= 2 && (!whitespace_removal || after_undo) {
        let back = h.state_back(a.state, 1)?;
        // ...and the one-character step (or the no-op: a redo's first step) sent just before.
        if let Some(p) = prev
            && ((p.returned && p.inserted + p.deleted == 1) || p.inserted + p.deleted == 0)
            && p.class != Class::Undo
            && t - p.t <= UNDO_COMPANION_MS
        {
            amends.push(Amendment {
                id: p.id,
                decision: decide(Class::Undo, 0.7, Evidence::ReturnsToState { back: 1 }),
            });
        }
        return Some(decide(Class::Undo, 0.85, Evidence::ReturnsToState { back }));
    }
    // A one-character step of an undo: Neovim sends the line break an undo takes away (or a
    // redo brings back) as a change of its own, just before or after the rest.
    if a.inserted + a.deleted == 1 && after_undo {
        let back = h.state_back(a.state, 1)?;
        return Some(decide(Class::Undo, 0.7, Evidence::ReturnsToState { back }));
    }
    None
}

/// One inserted character: typed, unless it belongs to a run of single characters arriving
/// faster than anyone types (then the run is a paste, from its first character).
fn one_char(
    h: &mut DocHistory,
    a: &Applied,
    prev: Option<Recent>,
    s: &Single<'_>,
    amends: &mut Vec<Amendment>,
) -> Decision {
    let contiguous =
        prev.is_some_and(|p| p.end_after == a.start && p.inserted == 1 && p.deleted == 0);
    let fast = s.batch_len == 1 && s.gap.is_some_and(|g| g < MACHINE_GAP_MS) && contiguous;
    h.fast_run = if fast { h.fast_run + 1 } else { 0 };
    if h.fast_run < MACHINE_RUN {
        return decide(Class::Typed, 0.95, Evidence::OneChar);
    }
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
    d
}

/// Insertions with the shape of typing or of a mechanical edit: indentation, white space,
/// auto-closed pairs, comment leaders, typed text replicated down a column, replacements with
/// the shape of what they replaced.
fn typing_shape(input: &Input<'_>) -> Option<Decision> {
    let a = input.applied;
    let text: &str = a.ins_text.as_deref().unwrap_or("");
    if shape::is_whitespace(text) {
        return Some(if shape::is_indent(text) {
            decide(Class::Typed, 0.9, Evidence::Indent)
        } else {
            decide(Class::Editor, 0.7, Evidence::WhitespaceBlock)
        });
    }
    if a.deleted == 0 && shape::is_auto_pair(text) {
        return Some(decide(Class::Typed, 0.9, Evidence::AutoPair));
    }
    if shape::is_comment_continuation(text) {
        return Some(decide(Class::Typed, 0.85, Evidence::CommentLeader));
    }
    // A comment leader arriving whole at a line's indentation: typing sends it a key at a time.
    if a.deleted == 0
        && !a.code_before
        && shape::is_comment_leader(text)
        && a.next_char.is_some_and(|c| !c.is_whitespace())
    {
        return Some(decide(Class::Editor, 0.7, Evidence::CommentToggled));
    }
    // Lines indented or dedented (`>ip`) are the editor's, though spaces go in down a column.
    if let (Some(del), Some(Around { before, after })) = (&a.del_text, &input.around)
        && !shape::same_but_white_space(del, text)
        && shape::is_block_insert(
            &format!("{before}{del}{after}"),
            &format!("{before}{text}{after}"),
        )
    {
        return Some(decide(Class::Typed, 0.75, Evidence::BlockInsert));
    }
    if let Some(del) = &a.del_text
        && (shape::same_shape(del, text) || shape::case_changed(del, text))
    {
        return Some(decide(Class::Editor, 0.75, Evidence::SameShape));
    }
    None
}

/// What brought a longer insertion: a completion item finishing the word, the continuation of
/// a bulk insertion or of a suggestion accepted piece by piece, a recent cut or a copy of the
/// person's own code, a rewrite that keeps the content it replaced, a menu's snippet at the
/// word typed, an accepted suggestion at the cursor; else a paste.
fn brought(
    h: &DocHistory,
    s: &Single<'_>,
    input: &Input<'_>,
    prev: Option<Recent>,
    amends: &mut Vec<Amendment>,
) -> Decision {
    let a = input.applied;
    let text: &str = a.ins_text.as_deref().unwrap_or("");
    let t = s.t;
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
    if let Some(d) = follow::next_piece(h, at_cursor, t, text, amends) {
        return d;
    }
    if let Some(d) = follow::snippet_expansion(prev, a, t, amends) {
        return d;
    }
    if let Some(d) = follow::menu_import(h, a, t) {
        return d;
    }
    // A rewrite of what it replaced (sorted lines, say) is not a copy, though the workspace
    // holds its lines.
    if let Some(del) = a.del_text.as_deref()
        && keeps_whole_words(input, del, text)
    {
        return decide(Class::Editor, 0.8, Evidence::ContentKept);
    }
    if let Some(d) = own_code_pasted(s.cuts, input) {
        return d;
    }
    // A suggestion accepted on the line the person just opened, before a piece of text found
    // close by (a weak sign of a copy: suggestions repeat what is near).
    if let Some(d) = follow::fresh_line_accept(at_cursor, a, t, text) {
        return d;
    }
    if input.copied == Copied::Nearby {
        // ...and moments after typing at the cursor, a suggestion's piece that repeats a word
        // close by is still the suggestion's.
        if let Some(p) = at_cursor
            && a.code_before
            && t - p.t <= PIECE_OVER_NEARBY_MS
            && !text.starts_with(['\n', '\r'])
        {
            return decide(Class::Completion, 0.6, Evidence::AcceptAtCursor);
        }
        return decide(Class::Move, 0.6, Evidence::CopiedNearby);
    }
    let at_word = shape::continues_word(a.prev_char)
        || (a.del_text.as_deref()).is_some_and(shape::is_identifier);
    if at_word && a.code_before && shape::is_snippet_item(text) {
        // Decided from the change alone (no plugin said which menu it came from): less sure.
        return decide(Class::Editor, 0.55, Evidence::SnippetItem);
    }
    if let Some(d) = accepted_at_cursor(at_cursor, a, t, text) {
        return d;
    }
    decide(Class::Paste, 0.8, Evidence::Bulk)
}

/// Whether a replacement keeps the content it replaced, word for word: the client's change (and
/// the mirror's trimming) can begin or end inside a word, so the pieces of the words it cut are
/// put back on both sides first.
fn keeps_whole_words(input: &Input<'_>, del: &str, text: &str) -> bool {
    match &input.around {
        Some(Around { before, after }) => {
            let (head, tail) = (shape::word_tail(before), shape::word_head(after));
            let old = format!("{head}{del}{tail}");
            let new = format!("{head}{text}{tail}");
            shape::keeps_content(&[&old], &[&new], 0)
        }
        None => shape::keeps_content(&[del], &[text], 0),
    }
}

/// Text the workspace already holds, or the person cut moments ago, pasted: a move, whatever
/// brought it (a plugin's `paste` hint says only that the clipboard did).
pub fn own_code_pasted(cuts: &Cuts, input: &Input<'_>) -> Option<Decision> {
    let text = input.applied.ins_text.as_deref()?;
    if cuts.contains(text) {
        return Some(decide(Class::Move, 0.8, Evidence::RecentCut));
    }
    match input.copied {
        Copied::Lines(lines) => Some(decide(Class::Move, 0.75, Evidence::CopiedLines { lines })),
        Copied::DiskLines(lines) => {
            Some(decide(Class::Move, 0.7, Evidence::CopiedFromDisk { lines }))
        }
        Copied::Nearby | Copied::No => None,
    }
}

/// A suggestion accepted where the person was just typing, after code on the line: any text
/// within [`ACCEPT_WINDOW_MS`], or one line starting on a new line (its next line) within
/// [`NEW_LINE_ACCEPT_MS`] of a keystroke.
fn accepted_at_cursor(
    at_cursor: Option<Recent>,
    a: &Applied,
    t: f64,
    text: &str,
) -> Option<Decision> {
    let p = at_cursor?;
    // One line starting on a new line is accepted at the cursor only moments after typing
    // there (a suggestion's next line); several lines, or later, are a paste of lines.
    let starts_line = text.starts_with(['\n', '\r']);
    let accepted = if starts_line {
        p.class == Class::Typed && shape::is_one_line(text) && t - p.t <= NEW_LINE_ACCEPT_MS
    } else {
        t - p.t <= ACCEPT_WINDOW_MS
    };
    (a.code_before && accepted).then(|| decide(Class::Completion, 0.7, Evidence::AcceptAtCursor))
}
