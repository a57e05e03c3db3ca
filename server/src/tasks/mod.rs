//! Tasks (SPEC section 5): what a task is, which task a workspace implies (its git branch, else
//! the day), and the one rule for which task is current — for the edits the store files, for
//! the status line, for the editor's commands and for the command line alike. The store keeps
//! tasks in SQL and asks [`current`] which one is current; reading git happens here, never in
//! the store.

pub mod ratio;

use std::path::Path;

use chrono::{DateTime, Local};

use crate::workspace::{self, Checkout};

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskState {
    Active,
    Paused,
    Finished,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Active => "active",
            TaskState::Paused => "paused",
            TaskState::Finished => "finished",
        }
    }

    pub fn parse(s: &str) -> Option<TaskState> {
        [TaskState::Active, TaskState::Paused, TaskState::Finished]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for TaskState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What implies a task that nobody started by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImpliedKind {
    /// A non-default git branch: the branch is the task.
    Branch,
    /// Otherwise the day is.
    Daily,
}

impl ImpliedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImpliedKind::Branch => "branch",
            ImpliedKind::Daily => "daily",
        }
    }

    pub fn parse(s: &str) -> Option<ImpliedKind> {
        [ImpliedKind::Branch, ImpliedKind::Daily]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The longest task name mindgap keeps, in characters.
pub const NAME_MAX_CHARS: usize = 200;

/// A task name as a person gave it, made fit to keep: control characters (a line break, an
/// escape sequence) become spaces, runs of white space one space, and the ends are trimmed.
/// Refused when nothing is left or when it is longer than [`NAME_MAX_CHARS`].
pub fn task_name(raw: &str) -> Result<String, String> {
    let name = one_line(raw);
    if name.is_empty() {
        return Err("a task needs a name: say what you are working on".to_string());
    }
    let chars = name.chars().count();
    if chars > NAME_MAX_CHARS {
        return Err(format!(
            "a task name is at most {NAME_MAX_CHARS} characters (this one has {chars})"
        ));
    }
    Ok(name)
}

/// `text` on one line with no control characters: each run of them and of white space is one
/// space, and the ends are trimmed. What a status line, a prompt or a terminal title may show.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() || is_format_override(c) {
            gap = !out.is_empty();
        } else {
            if gap {
                out.push(' ');
                gap = false;
            }
            out.push(c);
        }
    }
    out
}

/// Characters that reorder or hide what follows them on a terminal (bidirectional overrides and
/// isolates).
fn is_format_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A task as the store keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub id: i64,
    pub root: String,
    pub name: String,
    /// `None` for a task started by name; what implied it otherwise.
    pub implied: Option<ImpliedKind>,
    pub manual: bool,
    pub estimate_lines: Option<u64>,
    pub state: TaskState,
    pub started_ms: i64,
    pub finished_ms: Option<i64>,
}

impl Task {
    pub fn is_finished(&self) -> bool {
        self.state == TaskState::Finished
    }
}

/// The task a workspace implies now: its name and what implies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Implied {
    pub name: String,
    pub kind: ImpliedKind,
}

/// The task the workspace at `root` implies at `at_ms` (Unix ms): on a non-default branch the
/// branch, otherwise the local day (`YYYY-MM-DD`). Reads `.git/HEAD`, never runs git.
pub fn implied(root: &Path, at_ms: i64) -> Implied {
    match workspace::checkout(root) {
        Checkout::Branch {
            name,
            default: false,
        } => Implied {
            name,
            kind: ImpliedKind::Branch,
        },
        _ => Implied {
            name: local_day(at_ms),
            kind: ImpliedKind::Daily,
        },
    }
}

/// The local day of `at_ms`, as a daily task's name.
pub fn local_day(at_ms: i64) -> String {
    DateTime::from_timestamp_millis(at_ms)
        .map(|d| d.with_timezone(&Local).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Which task is current in a workspace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Current<'a> {
    /// A task started by name is active: everything goes to it until it is finished.
    Explicit(&'a Task),
    /// The implied task exists, unfinished (paused, if the branch or day moved away and came
    /// back: new edits resume it).
    Implied(&'a Task),
    /// The implied task does not exist yet: new edits create it.
    NotYet,
}

/// The one rule for which task is current, given the workspace's unfinished tasks (`open`) and
/// the task it implies now: the active task started by name, else the implied task. The store's
/// writer files each batch of edits under it (creating or resuming the implied task, pausing the
/// rest); the status line, `task show`, the editor's commands read it with [`shown`].
pub fn current<'a>(open: &'a [Task], implied: &Implied) -> Current<'a> {
    let newest = |f: &dyn Fn(&Task) -> bool| open.iter().filter(|t| f(t)).max_by_key(|t| t.id);
    if let Some(t) = newest(&|t| t.state == TaskState::Active && t.implied.is_none()) {
        return Current::Explicit(t);
    }
    match newest(&|t| !t.is_finished() && t.name == implied.name && t.implied == Some(implied.kind))
    {
        Some(t) => Current::Implied(t),
        None => Current::NotYet,
    }
}

/// The task a readout describes: the current one; while the implied task does not exist yet
/// (no edit since the branch or the day changed), the task edits went to last (the active one),
/// else the one finished last (SPEC section 5: "the active task, else the one finished last").
pub fn shown<'a>(
    open: &'a [Task],
    implied: &Implied,
    last_finished: Option<&'a Task>,
) -> Option<&'a Task> {
    match current(open, implied) {
        Current::Explicit(t) | Current::Implied(t) => Some(t),
        Current::NotYet => open
            .iter()
            .filter(|t| t.state == TaskState::Active)
            .max_by_key(|t| t.id)
            .or(last_finished),
    }
}

#[cfg(test)]
mod tests;
