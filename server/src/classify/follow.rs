//! Rules that read a change together with the one just before it in the document: the next
//! piece of a suggestion accepted piece by piece, a suggestion accepted on the line the person
//! just opened, a completion menu's snippet replacing the word the menu had put in, and a
//! rewrite whose output and input arrive in separate notifications (a filter).

use super::history::{DocHistory, Recent};
use super::{Amendment, Class, Decision, Evidence, decide, shape};
use crate::mirror::Applied;

/// How long after one piece of a suggestion the next piece accepted at the cursor continues it.
const NEXT_PIECE_MS: f64 = 5_000.0;
/// How long after opening a line (Enter and its indentation) an insertion at its indentation is
/// taken for a suggestion accepted there.
const FRESH_LINE_MS: f64 = 3_000.0;
/// How soon after the menu's word is taken away the snippet that replaces it arrives.
const EXPANSION_MS: f64 = 500.0;
/// How soon after a menu's change the import its item adds arrives.
const IMPORT_MS: f64 = 1_000.0;
/// How soon after a rewrite's output arrives its input is deleted.
const REWRITE_MS: f64 = 1_000.0;

/// The next piece (a word, a line) of an inline suggestion accepted piece by piece: a bulk
/// insertion where the last accepted piece left the cursor, moments later. A first piece that
/// finished the word typed was taken for a menu item: it was the suggestion's first piece.
pub fn next_piece(
    h: &DocHistory,
    at_cursor: Option<Recent>,
    t: f64,
    text: &str,
    amends: &mut Vec<Amendment>,
) -> Option<Decision> {
    let p = at_cursor?;
    // (A piece sent a character at a time ends with a one-character change of its own class.)
    let piece_before = p.inserted >= 2 || p.class == Class::Completion;
    if shape::is_whitespace(text) || !piece_before || t - p.t > NEXT_PIECE_MS {
        return None;
    }
    let d = decide(Class::Completion, 0.7, Evidence::NextPiece);
    match p.class {
        Class::Completion => Some(d),
        Class::Editor if h.last().is_some_and(|l| l.id == p.id && l.word_item) => {
            amends.push(Amendment {
                id: p.id,
                decision: d,
            });
            Some(d)
        }
        _ => None,
    }
}

/// A suggestion accepted on a line the person just opened: one line inserted right at the
/// indentation that Enter left, moments after it.
pub fn fresh_line_accept(
    at_cursor: Option<Recent>,
    a: &Applied,
    t: f64,
    text: &str,
) -> Option<Decision> {
    let p = at_cursor?;
    let opened_line = p.class == Class::Typed && p.opened_line && p.deleted == 0;
    let on_indent = !a.code_before && a.prev_char.is_none_or(char::is_whitespace);
    let starts_line = text.starts_with(['\n', '\r']);
    // One line: a block of several is as likely pasted there (people paste on fresh lines).
    let one_line = shape::is_one_line(text);
    (opened_line && on_indent && one_line && !starts_line && t - p.t <= FRESH_LINE_MS)
        .then(|| decide(Class::Completion, 0.6, Evidence::AcceptOnFreshLine))
}

/// A completion menu's snippet: the menu first puts the item's word in, and on accepting takes
/// it away and inserts the expanded snippet in its place (Neovim's `vim.snippet`), moments later
/// — in the same notification or the next. The word's removal is part of it. Nobody removes a
/// word and pastes in its place within half a second: a paste over a word is one change.
pub fn snippet_expansion(
    prev: Option<Recent>,
    a: &Applied,
    t: f64,
    amends: &mut Vec<Amendment>,
) -> Option<Decision> {
    let p = prev?;
    let removed_word = p.inserted == 0
        && p.deleted >= 2
        && p.removed_word
        && p.start == a.start
        && t - p.t <= EXPANSION_MS;
    if !removed_word || a.ins_text.is_none() {
        return None;
    }
    let d = decide(Class::Editor, 0.6, Evidence::SnippetItem);
    amends.push(Amendment {
        id: p.id,
        decision: d,
    });
    Some(d)
}

/// An import a completion menu's item adds with it (an auto-import): one whole line starting
/// like an import, moments after a menu's change.
pub fn menu_import(h: &DocHistory, a: &Applied, t: f64) -> Option<Decision> {
    let text = a.ins_text.as_deref()?;
    let p = h.last()?;
    let after_menu = p.class == Class::Editor && t - p.t <= IMPORT_MS;
    (after_menu && shape::is_import_line(text))
        .then(|| decide(Class::Editor, 0.6, Evidence::SnippetItem))
}

/// A removal that completes a rewrite: the notification just before inserted text that keeps
/// the content this removal takes away (a filter's output goes in, then its input comes out).
/// Both are the rewrite (`editor`); the insertion is amended. Taking away the very text just
/// inserted is not a rewrite (an undo, or a change of mind).
pub fn rewrite_completed(
    h: &DocHistory,
    a: &Applied,
    t: f64,
    amends: &mut Vec<Amendment>,
) -> Option<Decision> {
    let del = a.del_text.as_deref()?;
    let last = h.last_insert.as_ref()?;
    let took_it_back = h
        .last()
        .is_some_and(|p| p.id == last.id && a.start < p.end_after && p.start < a.start + a.deleted);
    if t - last.t > REWRITE_MS || took_it_back || !shape::keeps_content(&[del], &[&last.text], 0) {
        return None;
    }
    let d = decide(Class::Editor, 0.75, Evidence::ContentKept);
    amends.push(Amendment {
        id: last.id,
        decision: d,
    });
    Some(d)
}
