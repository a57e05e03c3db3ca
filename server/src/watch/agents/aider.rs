//! Aider's chat history: `.aider.chat.history.md` in the repository's root (Aider's default,
//! `--chat-history-file`), inside the workspace, appended to as Markdown. Aider's own output is
//! written as block quotes ending in two blanks, and after it applies an edit it writes
//! `> Applied edit to PATH` (PATH relative to that root); `> Did not apply edit to PATH
//! (--dry-run)` wrote nothing. The user's lines (`#### …`) and the model's replies are dropped.

use std::path::{Path, PathBuf};

use super::{AgentLogs, Named, Reading, Roots, resolve};
use crate::classify::Agent;

/// Aider's default chat history file, in the root it works in.
pub const HISTORY: &str = ".aider.chat.history.md";

/// Aider's chat history in this workspace.
pub(super) struct Aider {
    roots: Roots,
    files: Vec<PathBuf>,
}

impl Aider {
    pub fn new(roots: &Roots) -> Aider {
        Aider {
            roots: roots.clone(),
            files: roots.both().iter().map(|r| r.join(HISTORY)).collect(),
        }
    }
}

impl AgentLogs for Aider {
    fn agent(&self) -> Agent {
        Agent::Aider
    }

    fn owns(&self, path: &Path) -> bool {
        self.files.iter().any(|f| f == path)
    }

    fn folders(&mut self) -> Vec<PathBuf> {
        Vec::new() // the workspace's root is watched already
    }

    fn files(&self) -> Vec<PathBuf> {
        self.files.clone()
    }

    fn follows(&self, _dir: &Path) -> bool {
        false
    }

    fn reading(&self, file: &Path) -> Option<Reading> {
        self.owns(file).then_some(Reading::Appended)
    }

    fn parse(&mut self, _file: &Path, line: &str, out: &mut Vec<Named>) {
        if let Some(path) = aider_write(line).and_then(|p| resolve(Some(&self.roots.root), p)) {
            out.push(Named::once(path));
        }
    }
}

/// The path one history line says Aider applied an edit to, as written.
pub fn aider_write(line: &str) -> Option<&str> {
    let path = line.strip_prefix("> Applied edit to ")?.trim_end();
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applied_edits_name_their_files() {
        let mut a = Aider::new(&Roots::new(Path::new("/w"), Path::new("/w")));
        let history = "\n# aider chat started at 2026-08-20 10:00:00\n\n\
                       > /usr/bin/aider --model sonnet  \n\
                       > Aider v0.86.1  \n\
                       > Added src/app.py to the chat.  \n\n\
                       #### add a name param to the greeting  \n\n\
                       src/app.py\n```python\n<<<<<<< SEARCH\ndef greet():\n=======\ndef greet(name):\n>>>>>>> REPLACE\n```\n\n\
                       > Applied edit to src/app.py  \n\
                       > Applied edit to docs/notes with spaces.md  \n\
                       > Commit 1a2b3c4 feat: Add name parameter  \n";
        let mut out = Vec::new();
        for line in history.lines() {
            a.parse(Path::new("/w/.aider.chat.history.md"), line, &mut out);
        }
        let got: Vec<PathBuf> = out.into_iter().map(|n| n.path).collect();
        assert_eq!(
            got,
            [
                PathBuf::from("/w/src/app.py"),
                PathBuf::from("/w/docs/notes with spaces.md")
            ]
        );
    }

    #[test]
    fn reads_dry_runs_prose_and_garbage_name_nothing() {
        for line in [
            "> Did not apply edit to src/app.py (--dry-run)  ",
            "#### > Applied edit to src/app.py",
            "Applied edit to src/app.py",
            "> Applied edit to   ",
            "> Added src/app.py to the chat.  ",
            "",
        ] {
            assert_eq!(aider_write(line), None, "{line:?}");
        }
    }

    #[test]
    fn the_history_in_the_workspace_root_is_its_log() {
        let a = Aider::new(&Roots::new(Path::new("/w"), Path::new("/link")));
        assert!(a.owns(Path::new("/w/.aider.chat.history.md")));
        assert!(a.owns(Path::new("/link/.aider.chat.history.md")));
        assert!(!a.owns(Path::new("/w/sub/.aider.chat.history.md")));
        assert_eq!(a.reading(Path::new("/w/.aider.input.history")), None);
        assert_eq!(a.files().len(), 2);
    }
}
