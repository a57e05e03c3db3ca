//! Edit events: what the pipeline hands on for every content change, reload and disk change.
//!
//! Events carry counts, positions and hashes — never the text itself (the store keeps no code).

use std::sync::Arc;

pub use crate::classify::{Amendment, Class, Decision, Evidence, Undone};
pub use crate::mirror::Span;

/// Where an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// One content change of a `didChange`.
    Change,
    /// A `didOpen` that replaced the text of a document closed earlier (a reload).
    Reopen,
    /// A file in the workspace changed on disk; `subject` is its workspace-relative path.
    Disk,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Change => "change",
            Source::Reopen => "reopen",
            Source::Disk => "disk",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EditEvent {
    /// Numbers the events of one session in order; amendments name events by it.
    pub id: u64,
    /// Milliseconds since the session began.
    pub t: f64,
    pub source: Source,
    /// The document's URI, or the workspace-relative path for a disk change.
    pub subject: Arc<str>,
    pub version: i32,
    /// Index within the notification's `contentChanges`.
    pub change: u32,
    /// What the (trimmed) change replaced, in the text before it.
    pub span: Span,
    /// Unicode scalar values inserted, after trimming the common prefix and suffix.
    pub inserted: u32,
    /// Unicode scalar values deleted, after trimming.
    pub deleted: u32,
    /// xxh3 of the trimmed inserted text; 0 when nothing was inserted.
    pub hash: u64,
    pub class: Class,
    pub confidence: f32,
    pub evidence: Evidence,
    /// False when this event repeats an outside change already counted (a disk write that
    /// then reached the buffer by reload): summaries and ratios skip it.
    pub counted: bool,
}

impl EditEvent {
    pub fn decision(&self) -> Decision {
        Decision::new(self.class, self.confidence, self.evidence)
    }

    pub fn set_decision(&mut self, d: Decision) {
        self.class = d.class;
        self.confidence = d.confidence;
        self.evidence = d.evidence;
    }
}

impl From<EditEvent> for Emitted {
    fn from(e: EditEvent) -> Self {
        Emitted::Event(e)
    }
}

/// What the pipeline hands on: a new event, a changed decision about an earlier one, or an
/// earlier insertion taken back by an undo (or brought back by a redo).
#[derive(Clone, Debug, PartialEq)]
pub enum Emitted {
    Event(EditEvent),
    Amend(Amendment),
    Undone(Undone),
}
