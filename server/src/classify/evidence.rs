//! Why the classifier decided what it did: a small, allocation-free record that prints as one
//! line for `replay --explain` and trace logs.

use std::fmt;

use crate::classify::{Agent, Class};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Evidence {
    /// An editor plugin said what the change was (`mindgap/editHint`).
    Hint(Class),
    /// The change brought the document to the text of an edit this server asked for.
    ExpectedEdit,
    /// The editor reloaded the document with new text from disk.
    Reload,
    /// The reload brought back a text the document had before (a checkout, stash or reset).
    ReloadToKnownState,
    /// A file changed on disk, not by the editor's save.
    OutsideWrite,
    /// The buffer's bulk change was the editor reloading an outside write that the watcher
    /// delivered just after.
    ReloadBeforeWatcher,
    /// A file the session never saw changed to exactly what git's index holds.
    MatchesGitIndex,
    /// A coding agent's own log says it wrote the file.
    AgentLog(Agent),
    /// Version control changed it: `.git` (HEAD, index, refs) changed at the same time.
    VcsOperation,
    /// The reload delivered an outside disk write already counted.
    ReloadOfCountedWrite,
    /// The reload delivered a write version control made.
    ReloadOfVcsWrite,
    /// The change altered nothing.
    NoChange {
        inherited: bool,
    },
    /// The document returned to the text it had `back` changes ago.
    ReturnsToState {
        back: u32,
    },
    Removal,
    OneChar,
    /// Single characters arriving faster than anyone types.
    MachineBurst {
        chars: u32,
    },
    /// One notification carrying more single-character changes than fit a typing interval.
    MachineBatch {
        changes: u32,
    },
    /// What the person typed a little earlier, inserted again at once (a repeat command).
    RepeatsTyping,
    /// Many single-character changes rewriting one word (a completion menu).
    WordRewrite {
        changes: u32,
    },
    /// The same text typed at several cursors.
    MultiCursor {
        cursors: u32,
    },
    /// Many scattered changes in one notification (rename, format).
    ScatteredEdits {
        changes: u32,
    },
    /// Enter and the indentation that follows it, or white space alone.
    Indent,
    /// An opening character with its auto-inserted closer.
    AutoPair,
    /// A new line continuing a comment leader.
    CommentLeader,
    /// A comment leader put in front of a line's code at once (toggle comment).
    CommentToggled,
    /// The space an AI plugin puts in and takes out right after its accept (supermaven-nvim).
    AcceptNudge,
    /// A replacement with the same shape as what it replaced (rename, substitute, reformat).
    SameShape,
    /// A large block of white space.
    WhitespaceBlock,
    /// The same typed text replicated down a column (a visual-block insert).
    BlockInsert,
    /// Text deleted a little earlier comes back (cut and paste).
    RecentCut,
    /// The inserted lines already exist in the workspace (copy and paste).
    CopiedLines {
        lines: u32,
    },
    /// The inserted text already exists close by (copy and paste).
    CopiedNearby,
    /// The inserted lines exist in the workspace's files on disk (a copy from a file not open).
    CopiedFromDisk {
        lines: u32,
    },
    /// The text keeps the tokens of what it replaced, in another layout or order (a formatter,
    /// re-indentation, sorted lines, a filter).
    ContentKept,
    /// An item of a completion menu with the shape of a snippet or keyword at the word typed.
    SnippetItem,
    /// The next piece (word, line) of a suggestion whose first piece was just accepted here.
    NextPiece,
    /// An insertion at the indentation of a line opened moments before (an accepted
    /// suggestion).
    AcceptOnFreshLine,
    /// Git already holds the text written to disk (a checkout, merge, stash, reset or pull).
    GitHoldsText,
    /// The text written holds git's conflict markers (a merge that stopped on a conflict).
    GitConflict,
    /// Continues a bulk insertion that just ended here (a chunked paste or accept).
    ContinuesChunk,
    /// A single identifier completing the word at the cursor (a completion item).
    CompletionItem,
    /// A multi-token insertion at the cursor right after typing there (an accepted suggestion).
    AcceptAtCursor,
    /// A bulk insertion with nothing else to explain it.
    Bulk,
    /// The person said the block is their own code.
    OwnCode,
}

impl Evidence {
    /// The sentence of a variant that carries nothing, `None` for the others.
    fn fixed_text(&self) -> Option<&'static str> {
        Some(match self {
            Evidence::ExpectedEdit => "matches an edit mindgap applied",
            Evidence::Reload => "reload with new text from disk",
            Evidence::ReloadToKnownState => "reload back to an earlier state of the document",
            Evidence::ReloadOfCountedWrite => "reload of an outside write already counted",
            Evidence::ReloadOfVcsWrite => "reload of a write version control made",
            Evidence::OutsideWrite => "written to disk outside the editor",
            Evidence::ReloadBeforeWatcher => {
                "reload of an outside write, ahead of the file watcher"
            }
            Evidence::MatchesGitIndex => "now holds what git's index holds",
            Evidence::VcsOperation => "a version-control operation (.git changed with it)",
            Evidence::NoChange { inherited: true } => "no-op, part of the change before it",
            Evidence::NoChange { inherited: false } => "no-op (typed over an auto-inserted closer)",
            Evidence::ReturnsToState { back: 0 | 1 } => {
                "document returns to its state before the last change"
            }
            Evidence::Removal => "removal only",
            Evidence::OneChar => "one character",
            Evidence::RepeatsTyping => "repeats what was typed a little earlier",
            Evidence::Indent => "line break and indentation",
            Evidence::AutoPair => "auto-closed pair",
            Evidence::CommentLeader => "line break continuing a comment",
            Evidence::CommentToggled => "comment leader put before a line (toggle)",
            Evidence::AcceptNudge => "an AI plugin's space in and out after its accept",
            Evidence::SameShape => "replacement with the same shape",
            Evidence::WhitespaceBlock => "block of white space",
            Evidence::BlockInsert => "typed text replicated down a column",
            Evidence::RecentCut => "text cut a little earlier",
            Evidence::CopiedNearby => "text already close by",
            Evidence::ContentKept => "same tokens as the text it replaced (format, sort, indent)",
            Evidence::SnippetItem => "a completion menu's snippet at the word typed",
            Evidence::NextPiece => "next piece of a suggestion accepted just before",
            Evidence::AcceptOnFreshLine => {
                "insertion on the line just opened, right after opening it"
            }
            Evidence::GitHoldsText => "git already holds this text",
            Evidence::GitConflict => "git's conflict markers",
            Evidence::ContinuesChunk => "continues the insertion before it",
            Evidence::CompletionItem => "one identifier completing the word",
            Evidence::AcceptAtCursor => "insertion at the cursor right after typing there",
            Evidence::Bulk => "bulk insertion",
            Evidence::OwnCode => "the person says it is their own code",
            _ => return None,
        })
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = self.fixed_text() {
            return f.write_str(text);
        }
        match self {
            Evidence::Hint(c) => write!(f, "editor hint: {}", c.as_str()),
            Evidence::AgentLog(Agent::GitAi) => {
                f.write_str("git-ai's checkpoint says an AI agent wrote this file")
            }
            Evidence::AgentLog(agent) => {
                write!(f, "{}'s log says it wrote this file", agent.display())
            }
            Evidence::ReturnsToState { back } => {
                write!(f, "document returns to its state {back} changes ago")
            }
            Evidence::MachineBurst { chars } => write!(f, "{chars} characters faster than typing"),
            Evidence::MachineBatch { changes } => {
                write!(f, "{changes} single-character changes in one batch")
            }
            Evidence::WordRewrite { changes } => write!(f, "{changes} changes rewriting one word"),
            Evidence::MultiCursor { cursors } => write!(f, "same text at {cursors} cursors"),
            Evidence::ScatteredEdits { changes } => {
                write!(f, "{changes} scattered changes in one notification")
            }
            Evidence::CopiedLines { lines } => write!(f, "{lines} lines already in the workspace"),
            Evidence::CopiedFromDisk { lines } => {
                write!(f, "{lines} lines already in the workspace's files")
            }
            _ => Ok(()),
        }
    }
}

/// A class, how sure the classifier is of it (0–1), and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    pub class: Class,
    pub confidence: f32,
    pub evidence: Evidence,
}

impl Decision {
    pub const fn new(class: Class, confidence: f32, evidence: Evidence) -> Decision {
        Decision {
            class,
            confidence,
            evidence,
        }
    }
}
