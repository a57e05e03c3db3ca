//! Decisions about text that reaches a file from outside the editor's buffer: disk writes the
//! watcher reports, the editor's reloads of them, version control (judged by content: git
//! already holds the text, or wrote its conflict markers; the clock only where git cannot be
//! asked) and coding agents that name their writes in their own logs. Pure: the pipeline's disk
//! room remembers what happened (when `.git` last changed, which writes wait for a reload, which
//! agent named which file) and asks here what it means, with which confidence and evidence.

use super::Agent;
use super::{Class, Decision, Evidence};

/// How long an outside disk write waits for the editor to reload it, in ms.
pub const RELOAD_WINDOW_MS: f64 = 10_000.0;
/// How long after a `.git` change a disk change is version control's, in ms.
pub const VCS_WINDOW_MS: f64 = 3_000.0;
/// How long before one (git writes the work tree, then HEAD), in ms.
pub const VCS_BEFORE_MS: f64 = 2_000.0;
/// How soon after a bulk change of a buffer a disk change with the same text shows the change
/// was a reload that beat the watcher, in ms.
pub const RELOAD_BEAT_MS: f64 = 1_000.0;
/// How far apart an agent's log line and the disk change it names may be, in ms.
pub const AGENT_WINDOW_MS: f64 = 10_000.0;

/// Whether a file under `.git/` (given relative to it) is one that checkouts, resets, merges,
/// pulls, rebases and stashes write: version control at work. Not the index or a branch ref
/// alone: `git add` and `git commit` write those, and an agent committing its work is still an
/// agent.
pub fn is_vcs_mark(git_rel: &str) -> bool {
    matches!(
        git_rel,
        "HEAD"
            | "ORIG_HEAD"
            | "FETCH_HEAD"
            | "MERGE_HEAD"
            | "REBASE_HEAD"
            | "CHERRY_PICK_HEAD"
            | "refs/stash"
    )
}

/// Whether `text` holds git's conflict markers: a line starting `<<<<<<< `, later `=======`,
/// later one starting `>>>>>>> ` (git writes them when a merge, rebase or stash pop stops).
pub fn has_conflict_markers(text: &str) -> bool {
    let mut stage = 0;
    for line in text.lines() {
        stage = match stage {
            0 if line.starts_with("<<<<<<< ") => 1,
            1 if line == "=======" => 2,
            2 if line.starts_with(">>>>>>> ") => return true,
            s => s,
        };
    }
    false
}

/// Whether `t` falls in the window after version control was last seen at work (`vcs_at`).
pub fn in_vcs_window(vcs_at: Option<f64>, t: f64) -> bool {
    vcs_at.is_some_and(|at| t - at <= VCS_WINDOW_MS)
}

/// What is known of a disk change the editor's own save does not explain.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DiskChange {
    /// The file was removed.
    pub removed: bool,
    /// An agent's own log named this file within [`AGENT_WINDOW_MS`].
    pub logged_by: Option<Agent>,
    /// Version control was at work moments ago ([`in_vcs_window`]): evidence that adds to
    /// what the content says, never decides on its own where the content can be asked.
    pub vcs_recent: bool,
    /// Whether git's object store already held the new text; `None` when git could not be
    /// asked (no repository, or a trace recorded before `in_git`).
    pub in_git: Option<bool>,
    /// The new text holds git's conflict markers.
    pub conflict: bool,
}

/// Whether a write is version control's, by its content: git held the text, or wrote its
/// conflict markers; only where git could not be asked, the clock.
pub fn is_vcs_write(c: &DiskChange) -> bool {
    match c.in_git {
        Some(held) => held || c.conflict,
        None => c.conflict || c.vcs_recent,
    }
}

/// The class of a disk change: a removal is `delete`; a write an agent's log names is that
/// agent's; a write of text git already holds (or of its conflict markers) is version control's,
/// one of text git never held is an outside write (`agent`), however close to a git command.
/// Where git could not be asked, a write right after `.git` changed is taken for version
/// control's.
pub fn disk_change(c: &DiskChange) -> Decision {
    if c.removed {
        return Decision::new(Class::Delete, 0.8, Evidence::Removal);
    }
    if let Some(agent) = c.logged_by {
        return agent_logged(agent);
    }
    let sure = if c.vcs_recent { 0.95 } else { 0.9 };
    match c.in_git {
        Some(true) => Decision::new(Class::Vcs, sure, Evidence::GitHoldsText),
        _ if c.conflict => Decision::new(Class::Vcs, sure, Evidence::GitConflict),
        Some(false) => Decision::new(Class::Agent, 0.85, Evidence::OutsideWrite),
        None if c.vcs_recent => Decision::new(Class::Vcs, 0.7, Evidence::VcsOperation),
        None => Decision::new(Class::Agent, 0.8, Evidence::OutsideWrite),
    }
}

/// A file the session never saw now holds exactly what git's index holds: a checkout, restore
/// or reset put it there (they update both at once).
pub fn matches_git_index() -> Decision {
    Decision::new(Class::Vcs, 0.8, Evidence::MatchesGitIndex)
}

/// An agent's own log says it wrote the file.
pub fn agent_logged(agent: Agent) -> Decision {
    Decision::new(Class::Agent, 0.97, Evidence::AgentLog(agent))
}

/// A disk change that `.git` changing just after shows to be version control's.
pub fn vcs_after_all() -> Decision {
    Decision::new(Class::Vcs, 0.85, Evidence::VcsOperation)
}

/// A bulk change of the buffer that was the editor reloading an outside write before the
/// watcher delivered it.
pub fn reload_before_watcher(vcs: bool) -> Decision {
    let class = if vcs { Class::Vcs } else { Class::Agent };
    Decision::new(class, 0.8, Evidence::ReloadBeforeWatcher)
}

/// What a reload brings into the buffer, as far as the disk room knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reloaded {
    /// An outside write already counted as a disk change; `vcs` when it was version control's.
    CountedWrite { vcs: bool },
    /// No write the session saw: the text is new to it, or (`known_state`) one the document had
    /// before.
    Unseen { known_state: bool },
}

/// The class of a reload (the editor took new text from disk).
pub fn reload(r: Reloaded) -> Decision {
    match r {
        Reloaded::CountedWrite { vcs: true } => {
            Decision::new(Class::Vcs, 0.85, Evidence::ReloadOfVcsWrite)
        }
        Reloaded::CountedWrite { vcs: false } => {
            Decision::new(Class::Agent, 0.9, Evidence::ReloadOfCountedWrite)
        }
        Reloaded::Unseen { known_state: true } => {
            Decision::new(Class::Vcs, 0.8, Evidence::ReloadToKnownState)
        }
        Reloaded::Unseen { known_state: false } => {
            Decision::new(Class::Agent, 0.75, Evidence::Reload)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_changes_by_what_is_known_of_them() {
        let write = DiskChange::default();
        assert_eq!(disk_change(&write).class, Class::Agent);
        assert_eq!(disk_change(&write).evidence, Evidence::OutsideWrite);
        let removed = DiskChange {
            removed: true,
            logged_by: Some(Agent::ClaudeCode),
            ..write
        };
        assert_eq!(disk_change(&removed).class, Class::Delete);
        let vcs = DiskChange {
            vcs_recent: true,
            ..write
        };
        assert_eq!(
            disk_change(&vcs).class,
            Class::Vcs,
            "git not asked: the clock"
        );
        // Content decides, whatever the clock says.
        let new_text = DiskChange {
            in_git: Some(false),
            vcs_recent: true,
            ..write
        };
        assert_eq!(disk_change(&new_text).class, Class::Agent);
        assert!(!is_vcs_write(&new_text));
        let held = DiskChange {
            in_git: Some(true),
            ..write
        };
        assert_eq!(disk_change(&held).class, Class::Vcs);
        assert_eq!(disk_change(&held).evidence, Evidence::GitHoldsText);
        assert!(is_vcs_write(&held));
        let conflict = DiskChange {
            in_git: Some(false),
            conflict: true,
            ..write
        };
        assert_eq!(disk_change(&conflict).evidence, Evidence::GitConflict);
        // An agent's log outweighs the clock.
        let logged = DiskChange {
            logged_by: Some(Agent::ClaudeCode),
            vcs_recent: true,
            ..write
        };
        let d = disk_change(&logged);
        assert_eq!((d.class, d.confidence), (Class::Agent, 0.97));
        assert_eq!(
            d.evidence.to_string(),
            "Claude Code's log says it wrote this file"
        );
    }

    #[test]
    fn conflict_markers_are_three_lines_in_order() {
        let text = "a\n<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> feature\nb\n";
        assert!(has_conflict_markers(text));
        assert!(!has_conflict_markers("<<<<<<< HEAD\nx\n"));
        assert!(!has_conflict_markers("=======\n>>>>>>> x\n<<<<<<< y\n"));
    }

    #[test]
    fn version_control_marks_and_windows() {
        for mark in ["HEAD", "ORIG_HEAD", "MERGE_HEAD", "refs/stash"] {
            assert!(is_vcs_mark(mark), "{mark}");
        }
        for not in [
            "index",
            "refs/heads/main",
            "objects/ab/cdef",
            "COMMIT_EDITMSG",
        ] {
            assert!(!is_vcs_mark(not), "{not}");
        }
        assert!(in_vcs_window(Some(1_000.0), 4_000.0));
        assert!(!in_vcs_window(Some(1_000.0), 4_001.0));
        assert!(!in_vcs_window(None, 0.0));
    }

    #[test]
    fn reloads_by_what_they_bring() {
        let class = |r| reload(r).class;
        assert_eq!(class(Reloaded::CountedWrite { vcs: true }), Class::Vcs);
        assert_eq!(class(Reloaded::CountedWrite { vcs: false }), Class::Agent);
        assert_eq!(class(Reloaded::Unseen { known_state: true }), Class::Vcs);
        assert_eq!(class(Reloaded::Unseen { known_state: false }), Class::Agent);
        assert_eq!(reload_before_watcher(true).class, Class::Vcs);
        assert_eq!(reload_before_watcher(false).class, Class::Agent);
        assert_eq!(matches_git_index().class, Class::Vcs);
    }
}
