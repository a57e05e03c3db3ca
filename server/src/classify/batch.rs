//! Decisions that only the whole notification shows: changes that together keep the content
//! they replaced (a filter, a formatter, sorted lines); many single-character changes arriving
//! faster than anyone types (a paste or an accepted completion sent character by character, or
//! a completion menu rewriting a word), the same text typed at several cursors, and scattered
//! edits (a rename, a format) sent bottom-up in one notification.

use super::history::{DocHistory, Recent};
use super::{Amendment, Class, Copied, Decision, Evidence, Input, decide, shape};

/// More single-character changes than this in one notification cannot be typing: a typist
/// sprinting at 20 characters a second, or autorepeat at 35 Hz, fits about six into Neovim's
/// 150 ms batch.
pub const MACHINE_BATCH: usize = 8;
/// A batch of single characters faster than this per character, over the time since the
/// notification before it, is not typing (autorepeat runs at 28 ms or more).
const MACHINE_MS_PER_CHAR: f64 = 20.0;
/// After one character sent alone (Neovim sends the first change after a pause at once, then
/// batches what follows for 150 ms), this many more single characters in the very next
/// notification cannot be typing either: six keys within 150 ms is 40 a second.
const AFTER_LONE_KEY: usize = 6;
/// How soon after the lone character that next notification comes (Neovim's 150 ms, and a
/// little slack).
const LONE_KEY_GAP_MS: f64 = 200.0;

/// The notification as the batch rules see it.
pub struct Batch<'a> {
    pub inputs: &'a [Input<'a>],
    /// Which notification it is (its changes share it in the history).
    pub notification: u64,
    pub t: f64,
    /// The time since the notification before it, if any.
    pub gap: Option<f64>,
    /// Whether its characters, one after the other, wrote lines the workspace already holds.
    pub burst_copied: Copied,
}

/// Revises `out` (one decision per input) where the whole notification says more than each
/// change on its own; `amends` receives earlier decisions it shows wrong.
pub fn revise(h: &DocHistory, b: &Batch<'_>, out: &mut [Decision], amends: &mut Vec<Amendment>) {
    if b.inputs.len() < 2 {
        return;
    }
    if content_kept(b.inputs, out) {
        return;
    }
    if accept_nudge(h, b, out, amends) {
        return;
    }
    let contiguous = contiguous(b.inputs);
    if machine_batch(h, b, contiguous, out, amends) {
        return;
    }
    if menu_rewrite(h, b, out, amends) {
        return;
    }
    let (same, text) = same_text(b.inputs);
    if same && text.is_some_and(|t| t.chars().count() <= 2) && distinct_lines(b.inputs) {
        let cursors = b.inputs.len() as u32;
        out.fill(decide(
            Class::Typed,
            0.85,
            Evidence::MultiCursor { cursors },
        ));
        return;
    }
    let bottom_up = (b.inputs.windows(2)).all(|w| w[1].applied.start < w[0].applied.start);
    if b.inputs.len() >= 3 && bottom_up && !same && !contiguous {
        let changes = b.inputs.len() as u32;
        out.fill(decide(
            Class::Editor,
            0.75,
            Evidence::ScatteredEdits { changes },
        ));
    }
}

/// A notification whose changes together keep the content they replaced (a filter's output
/// inserted and its input deleted, a formatter's edits, lines sorted): what it inserted is not
/// outside help. Changes already called the person's own are left as they are. Returns whether
/// the rule applied.
fn content_kept(inputs: &[Input<'_>], out: &mut [Decision]) -> bool {
    if !out.iter().any(|d| d.class.is_outside_help()) {
        return false;
    }
    let mut old: Vec<&str> = Vec::new();
    let mut new: Vec<String> = Vec::new();
    let mut unknown = 0;
    for i in inputs {
        let a = i.applied;
        match (&a.del_text, a.deleted) {
            (Some(d), _) => old.push(d),
            (None, 0) => {}
            (None, n) => unknown += n,
        }
        match (&a.ins_text, a.ins_char) {
            (Some(t), _) => new.push(t.to_string()),
            (None, Some(c)) => new.push(c.to_string()),
            (None, None) => {}
        }
    }
    let new: Vec<&str> = new.iter().map(String::as_str).collect();
    if !shape::keeps_content(&old, &new, unknown) {
        return false;
    }
    for d in out.iter_mut().filter(|d| d.class.is_outside_help()) {
        *d = decide(Class::Editor, 0.8, Evidence::ContentKept);
    }
    true
}

/// How soon after an accepted suggestion its plugin's nudge follows.
const NUDGE_MS: f64 = 1_000.0;

/// supermaven-nvim's accept feeds `<Space><Left><Del>` after its edit: a space put in where the
/// accepted text ends and taken out at once, in one notification. The pair is the plugin's
/// (`editor`), and the insertion just before it, ending there, was an accepted suggestion: a
/// `paste` is amended to `completion`. Returns whether the rule applied.
fn accept_nudge(
    h: &DocHistory,
    b: &Batch<'_>,
    out: &mut [Decision],
    amends: &mut Vec<Amendment>,
) -> bool {
    let [put, took] = b.inputs else {
        return false;
    };
    let (put, took) = (put.applied, took.applied);
    let pair = put.ins_char == Some(' ')
        && put.deleted == 0
        && took.inserted == 0
        && took.del_char == Some(' ')
        && took.start == put.start;
    if !pair {
        return false;
    }
    let d = decide(Class::Editor, 0.8, Evidence::AcceptNudge);
    out.fill(d);
    if let Some(p) = (h.recent.iter().rev()).find(|r| r.notification != b.notification)
        && p.inserted >= 2
        && p.end_after == put.start
        && p.class == Class::Paste
        && b.t - p.t <= NUDGE_MS
    {
        amends.push(Amendment {
            id: p.id,
            decision: decide(Class::Completion, 0.75, Evidence::AcceptNudge),
        });
    }
    true
}

/// How soon after a removal sent alone the menu's item it made room for follows.
const MENU_STEP_MS: f64 = 400.0;

/// Fewer changes than [`MACHINE_BATCH`] at once can rewrite a word too: a completion menu
/// showing its next item takes the word back and writes the item in — removals first, in this
/// notification (beginning with what the item begins with), or one char alone in the one just
/// before (moments earlier, where the item starts, the item's first char), then at least two
/// characters, one after the other from where the removals began, making one word. Typing puts
/// removals after what it typed, and typing over a selection writes something else than it
/// took away. A removal sent alone is amended.
fn menu_rewrite(
    h: &DocHistory,
    b: &Batch<'_>,
    out: &mut [Decision],
    amends: &mut Vec<Amendment>,
) -> bool {
    let inputs = b.inputs;
    let removals = inputs
        .iter()
        .take_while(|i| i.applied.inserted == 0 && i.applied.deleted > 0)
        .count();
    let Some(first) = inputs.get(removals) else {
        return false;
    };
    let (line, start) = (first.applied.span.start_line, first.applied.start);
    // The item's characters, one after the other (a snippet may follow in the same batch).
    let run = inputs[removals..]
        .iter()
        .enumerate()
        .take_while(|(k, i)| {
            i.applied.deleted == 0
                && i.applied.ins_char.is_some()
                && i.applied.start == start + k
                && i.applied.span.start_line == line
        })
        .count();
    let word: String = (inputs[removals..removals + run].iter())
        .filter_map(|i| i.applied.ins_char)
        .collect();
    // The menu takes back the previous item (or the end of the word typed) and writes the next
    // item, which starts as the word typed did: what it removed and what it writes begin alike.
    let mut leading: Vec<&Input<'_>> = inputs[..removals].iter().collect();
    leading.sort_by_key(|i| i.applied.start);
    let removed: String = (leading.iter())
        .map(|i| {
            let a = i.applied;
            a.del_text
                .as_deref()
                .map(str::to_owned)
                .or(a.del_char.map(String::from))
        })
        .collect::<Option<String>>()
        .unwrap_or_default();
    let from_removal = leading
        .first()
        .is_some_and(|i| i.applied.start == start && i.applied.span.start_line == line)
        && removed.chars().next() == word.chars().next();
    // ...or the menu's first step: one char taken back alone, just before, where the item starts.
    let lone = (h.recent.iter().rev())
        .find(|r| r.notification != b.notification)
        .filter(|r| r.inserted == 0 && r.start == start && b.t - r.t <= MENU_STEP_MS)
        .filter(|r| r.del_char.is_some() && r.del_char == word.chars().next());
    let word_ok = shape::is_item_word(&word);
    if run < 2 || !(from_removal || lone.is_some()) || !word_ok {
        return false;
    }
    let changes = (removals + run) as u32;
    let d = decide(Class::Editor, 0.7, Evidence::WordRewrite { changes });
    out[..removals + run].fill(d);
    if let Some(r) = lone {
        amends.push(Amendment {
            id: r.id,
            decision: d,
        });
    }
    true
}

/// Each change starts where the one before it left the cursor (or just before, for a
/// backspace): one stream of characters.
fn contiguous(inputs: &[Input<'_>]) -> bool {
    inputs.windows(2).all(|w| {
        let end = w[0].applied.start + w[0].applied.inserted;
        let s = w[1].applied.start;
        s == end || s + 1 == end || (w[1].applied.inserted == 0 && s + w[1].applied.deleted == end)
    })
}

/// Whether every change inserts the same text and deletes nothing; the first change's text.
fn same_text(inputs: &[Input<'_>]) -> (bool, Option<String>) {
    let text = |i: &Input<'_>| {
        (i.applied.ins_text.as_deref().map(str::to_owned)).or(i.applied.ins_char.map(String::from))
    };
    let first = text(&inputs[0]);
    let same = (inputs.iter()).all(|i| i.applied.deleted == 0 && text(i) == first);
    (same, first)
}

fn distinct_lines(inputs: &[Input<'_>]) -> bool {
    (inputs.windows(2)).all(|w| w[0].applied.span.start_line != w[1].applied.span.start_line)
}

/// Many single characters in one notification, faster than anyone types: a menu rewriting a
/// word (`editor`), a completion accepted at code (`completion`), else a paste. Neovim sends a
/// buffer's first burst of typing, however long, as one batch, so the count alone says nothing:
/// the time since the notification before decides. Returns whether the rule applied.
fn machine_batch(
    h: &DocHistory,
    b: &Batch<'_>,
    contiguous: bool,
    out: &mut [Decision],
    amends: &mut Vec<Amendment>,
) -> bool {
    let (inputs, n) = (b.inputs, b.inputs.len());
    let singles = (inputs.iter())
        .filter(|i| i.applied.inserted + i.applied.deleted == 1)
        .count();
    let too_fast = (b.gap).is_none_or(|g| g / (singles.max(1) as f64) < MACHINE_MS_PER_CHAR);
    // Where the burst began: the lone change sent ahead of the batch, if it inserted.
    let lone = (h.recent.iter().rev())
        .find(|r| r.notification != b.notification)
        .copied();
    let after_lone_key = after_lone_key(h, b, lone, singles);
    if !after_lone_key && (n < MACHINE_BATCH || singles * 4 < n * 3 || !contiguous || !too_fast) {
        return false;
    }
    let typed_word: String = inputs.iter().filter_map(|i| i.applied.ins_char).collect();
    let inserts_only = inputs.iter().all(|i| i.applied.deleted == 0);
    let (class, evidence) = if inserts_only && h.repeats_typing(&typed_word) {
        // What the person typed a little earlier, again at once: Neovim's `.` repeat.
        (Class::Typed, Evidence::RepeatsTyping)
    } else {
        match b.burst_copied {
            // The person's own lines, put from a register one character at a time.
            Copied::Lines(lines) => (Class::Move, Evidence::CopiedLines { lines }),
            Copied::DiskLines(lines) => (Class::Move, Evidence::CopiedFromDisk { lines }),
            Copied::Nearby | Copied::No => burst_class(inputs, &typed_word, lone, b.t),
        }
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
        && b.t - r.t <= 300.0
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
    true
}

/// Whether the batch is [`AFTER_LONE_KEY`] or more single characters typed on from one sent
/// alone just before: one stream, one notification after it, not one key held down (autorepeat
/// sends the same character).
fn after_lone_key(h: &DocHistory, b: &Batch<'_>, lone: Option<Recent>, singles: usize) -> bool {
    let inputs = b.inputs;
    // The cheap tests first: most batches are two or three keys.
    let Some(r) = lone.filter(|_| inputs.len() >= AFTER_LONE_KEY && singles == inputs.len()) else {
        return false;
    };
    let first = inputs[0].applied;
    let inserts = (inputs.iter()).all(|i| i.applied.inserted == 1 && i.applied.deleted == 0);
    let stream = inputs.windows(2).all(|w| {
        let a = w[0].applied;
        w[1].applied.start == a.start + a.inserted
    });
    let one_key = (inputs.iter()).all(|i| i.applied.ins_char == first.ins_char);
    let lone_key = r.inserted == 1 && r.deleted == 0 && r.end_after == first.start;
    if !(inserts && stream && !one_key && lone_key && b.gap.is_some_and(|g| g <= LONE_KEY_GAP_MS)) {
        return false;
    }
    // The lone key was the whole notification before this one.
    (h.recent.iter().rev())
        .filter(|x| x.notification == r.notification)
        .count()
        == 1
}

/// What a machine burst is (`typed_word`: its characters in order): a word rewritten on one
/// line (a completion menu), else a completion when it began at code, else a paste.
fn burst_class(
    inputs: &[Input<'_>],
    typed_word: &str,
    lone: Option<Recent>,
    t: f64,
) -> (Class, Evidence) {
    let n = inputs.len() as u32;
    let rewrites = inputs.iter().any(|i| i.applied.inserted == 0);
    let line = inputs[0].applied.span.start_line;
    let single_line = inputs.iter().all(|i| i.applied.span.start_line == line);
    let origin_code = match lone {
        Some(r) if r.inserted == 1 && t - r.t <= 300.0 => r.code_before,
        _ => (inputs.iter())
            .find(|i| i.applied.inserted > 0)
            .is_some_and(|i| i.applied.code_before),
    };
    if rewrites && single_line && shape::is_item_word(typed_word) {
        (Class::Editor, Evidence::WordRewrite { changes: n })
    } else if origin_code {
        (Class::Completion, Evidence::MachineBatch { changes: n })
    } else {
        (Class::Paste, Evidence::MachineBatch { changes: n })
    }
}
