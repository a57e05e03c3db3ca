//! Coding agents' own logs, read for metadata only: which file an agent says it wrote, and
//! nothing else. A line's or a file's prompts, replies and code are never kept: they are parsed
//! and dropped on the spot, and only file paths leave this module.
//!
//! One file per agent says where its logs live (the environment variables that move them, how
//! they are keyed to a project), which of its files are logs, how they are read ([`Reading`])
//! and what a record names ([`AgentLogs`]). Finding the folders reads a few small files (a
//! project registry, a session's first line); parsing is pure. The watcher's `logs` does the
//! tailing for all of them.

mod aider;
mod claude;
mod codex;
mod gemini;
mod git_ai;
mod opencode;
mod patch;
mod sha256;

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::classify::Agent;

pub use claude::claude_project_dir;

/// How an agent's log files are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Lines are only ever appended: each line is read once, from where the last read stopped,
    /// and handed to [`AgentLogs::parse`] alone.
    Appended,
    /// The file is rewritten whole (small JSON files, or JSON lines written anew each time): it
    /// is read whole on each change and handed to [`AgentLogs::parse`] at once; a write already
    /// reported is known again by its [`Named::id`].
    Rewritten,
    /// The file is (part of) a database the agent writes (OpenCode's): a change to it is a
    /// reason to ask [`AgentLogs::query`] what is new, at most a few times a second; a write
    /// asked again is known by its [`Named::id`].
    Database,
}

/// A file an agent's log says it wrote (absolute), and the id of the tool call that names it
/// where the same call can be read again (a rewritten file, a record written anew).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub id: Option<u64>,
    pub path: PathBuf,
}

impl Named {
    pub fn once(path: PathBuf) -> Named {
        Named { id: None, path }
    }

    /// Named by the tool call `call` (the same call naming the same file is reported once).
    pub fn by(call: &str, path: PathBuf) -> Named {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (call, &path).hash(&mut h);
        Named {
            id: Some(h.finish()),
            path,
        }
    }
}

/// One agent's logs for one workspace: where they are, and what their records name.
pub trait AgentLogs: Send {
    fn agent(&self) -> Agent;

    /// Whether a change at `path` is this agent's business (cheap: it is asked of every change).
    fn owns(&self, path: &Path) -> bool;

    /// The folders holding its logs now, to watch (once, at start). Their logs are what the
    /// agent said before this session: not news.
    fn folders(&mut self) -> Vec<PathBuf>;

    /// Log files outside those folders, in a folder the watcher watches anyway (the workspace).
    fn files(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    /// Whether a folder that appeared in a watched one is watched too (its logs are read from
    /// their start).
    fn follows(&self, dir: &Path) -> bool;

    /// How `file` is read; `None`: it is not one of this agent's logs.
    fn reading(&self, file: &Path) -> Option<Reading>;

    /// The writes one line ([`Reading::Appended`]) or a whole file ([`Reading::Rewritten`])
    /// names. Anything else in it is dropped.
    fn parse(&mut self, file: &Path, text: &str, out: &mut Vec<Named>);

    /// Whether the first line of a log that was there before this session matters (it is
    /// otherwise read from its end).
    fn needs_head(&self) -> bool {
        false
    }

    /// The first line of such a log (Codex's session header: its working folder).
    fn head(&mut self, _file: &Path, _line: &str) {}

    /// The writes the agent's database ([`Reading::Database`]) holds that are new since the
    /// last query (the first query finds where the database ends). `Ok(true)`: more is left
    /// to read; an error is a sentence, and the database is asked again at its next change.
    fn query(&mut self, _out: &mut Vec<Named>) -> Result<bool, String> {
        Ok(false)
    }
}

/// Where coding agents keep their logs outside the workspace (`None`: not read), and whether
/// the logs some keep inside it are read.
#[derive(Clone, Debug, Default)]
pub struct Homes {
    /// Claude Code's configuration folder (`$CLAUDE_CONFIG_DIR`, else `~/.claude`).
    pub claude: Option<PathBuf>,
    /// Codex CLI's home (`$CODEX_HOME`, else `~/.codex`).
    pub codex: Option<PathBuf>,
    /// Gemini CLI's folder (`$GEMINI_CLI_HOME/.gemini`, else `~/.gemini`).
    pub gemini: Option<PathBuf>,
    /// OpenCode's data folder (`$XDG_DATA_HOME/opencode`, else `~/.local/share/opencode`).
    pub opencode: Option<PathBuf>,
    /// Aider's chat history and git-ai's checkpoints, both in the workspace.
    pub in_workspace: bool,
}

impl Homes {
    /// Each agent's folder as the environment names it.
    pub fn from_env() -> Homes {
        Homes::from_vars(|k| std::env::var_os(k))
    }

    /// Each agent's folder as the variables `get` gives name it.
    fn from_vars(get: impl Fn(&str) -> Option<std::ffi::OsString>) -> Homes {
        let var = |k: &str| get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = var("HOME");
        let under_home = |p: &str| home.as_ref().map(|h| h.join(p));
        Homes {
            claude: var("CLAUDE_CONFIG_DIR").or_else(|| under_home(".claude")),
            codex: var("CODEX_HOME").or_else(|| under_home(".codex")),
            gemini: var("GEMINI_CLI_HOME")
                .map(|h| h.join(".gemini"))
                .or_else(|| under_home(".gemini")),
            opencode: var("XDG_DATA_HOME")
                .map(|d| d.join("opencode"))
                .or_else(|| under_home(".local/share/opencode")),
            in_workspace: true,
        }
    }

    /// The agents whose logs these are, for the workspace at `root` (canonical) that the client
    /// named `named_root`.
    pub fn logs(&self, root: &Path, named_root: &Path) -> Vec<Box<dyn AgentLogs>> {
        let roots = Roots::new(root, named_root);
        let mut out: Vec<Box<dyn AgentLogs>> = Vec::new();
        if let Some(dir) = &self.claude {
            out.push(Box::new(claude::Claude::new(dir, &roots)));
        }
        if let Some(dir) = &self.codex {
            out.push(Box::new(codex::Codex::new(dir, &roots)));
        }
        if let Some(dir) = &self.gemini {
            out.push(Box::new(gemini::Gemini::new(dir, &roots)));
        }
        if let Some(dir) = &self.opencode {
            out.push(Box::new(opencode::OpenCode::new(dir, &roots)));
        }
        if self.in_workspace {
            out.push(Box::new(aider::Aider::new(&roots)));
            out.push(Box::new(git_ai::GitAi::new(&roots)));
        }
        out
    }
}

/// The workspace's root, canonical and as the client named it (agents record either).
#[derive(Clone, Debug)]
pub(crate) struct Roots {
    pub root: PathBuf,
    pub named: PathBuf,
}

impl Roots {
    pub fn new(root: &Path, named: &Path) -> Roots {
        Roots {
            root: root.to_path_buf(),
            named: named.to_path_buf(),
        }
    }

    /// Both forms, once each.
    pub fn both(&self) -> Vec<&Path> {
        if self.root == self.named {
            vec![&self.root]
        } else {
            vec![&self.root, &self.named]
        }
    }

    /// Whether `dir` is either form of the root.
    pub fn is(&self, dir: &Path) -> bool {
        dir == self.root || dir == self.named
    }

    /// Whether an agent working in `dir` can write workspace files: `dir` is in the workspace,
    /// or holds it.
    pub fn near(&self, dir: &Path) -> bool {
        self.both()
            .iter()
            .any(|r| dir.starts_with(r) || r.starts_with(dir))
    }
}

/// The workspace-relative, `/`-separated form of an agent's `path` under `root`, if it is there.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    (!rel.is_empty()).then_some(rel)
}

/// `path` as an agent named it, against the folder it worked in (`None` when it is relative and
/// that folder is unknown). `.` and `..` are folded, without asking the disk.
pub(crate) fn resolve(base: Option<&Path>, path: &str) -> Option<PathBuf> {
    let path = path.strip_prefix("file://").unwrap_or(path);
    if path.is_empty() || path.contains('\0') {
        return None;
    }
    let joined = match (Path::new(path).is_absolute(), base) {
        (true, _) => PathBuf::from(path),
        (false, Some(base)) => base.join(path),
        (false, None) => return None,
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// The folders directly in `dir` (none when it cannot be read).
pub(crate) fn subfolders(dir: &Path) -> Vec<PathBuf> {
    entries(dir, true)
}

/// The files directly in `dir` (none when it cannot be read).
pub(crate) fn files_in(dir: &Path) -> Vec<PathBuf> {
    entries(dir, false)
}

fn entries(dir: &Path, dirs: bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_type()
                .is_ok_and(|k| if dirs { k.is_dir() } else { k.is_file() })
        })
        .map(|e| e.path())
        .collect()
}

/// The file's name, when it has one that is text.
pub(crate) fn name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_workspace_are_its_own() {
        let root = Path::new("/w");
        assert_eq!(
            relative(root, Path::new("/w/src/a.rs")).as_deref(),
            Some("src/a.rs")
        );
        assert_eq!(relative(root, Path::new("/elsewhere/a.rs")), None);
        assert_eq!(relative(root, Path::new("/w")), None);
        assert_eq!(relative(root, Path::new("/wx/a.rs")), None);
    }

    #[test]
    fn paths_resolve_against_the_folder_the_agent_worked_in() {
        let base = Some(Path::new("/w/sub"));
        assert_eq!(resolve(base, "a.rs"), Some(PathBuf::from("/w/sub/a.rs")));
        assert_eq!(resolve(base, "../b.rs"), Some(PathBuf::from("/w/b.rs")));
        assert_eq!(
            resolve(base, "./c/../d.rs"),
            Some(PathBuf::from("/w/sub/d.rs"))
        );
        assert_eq!(resolve(None, "/x/y.rs"), Some(PathBuf::from("/x/y.rs")));
        assert_eq!(resolve(None, "y.rs"), None, "relative to nothing known");
        assert_eq!(resolve(base, ""), None);
        assert_eq!(resolve(base, "a\0b"), None);
    }

    #[test]
    fn the_same_call_naming_the_same_file_has_one_id() {
        let a = Named::by("call_1", PathBuf::from("/w/a"));
        assert_eq!(a, Named::by("call_1", PathBuf::from("/w/a")));
        assert_ne!(a.id, Named::by("call_1", PathBuf::from("/w/b")).id);
        assert_ne!(a.id, Named::by("call_2", PathBuf::from("/w/a")).id);
        assert_eq!(Named::once(PathBuf::from("/w/a")).id, None);
    }

    #[test]
    fn homes_follow_the_environment_variables_that_move_them() {
        let vars = |set: &'static [(&'static str, &'static str)]| {
            Homes::from_vars(move |k| {
                set.iter()
                    .find(|(name, _)| *name == k)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            })
        };
        let h = vars(&[("HOME", "/home/ann")]);
        assert_eq!(h.claude, Some(PathBuf::from("/home/ann/.claude")));
        assert_eq!(h.codex, Some(PathBuf::from("/home/ann/.codex")));
        assert_eq!(h.gemini, Some(PathBuf::from("/home/ann/.gemini")));
        assert_eq!(
            h.opencode,
            Some(PathBuf::from("/home/ann/.local/share/opencode"))
        );
        assert!(h.in_workspace);
        let moved = vars(&[
            ("HOME", "/home/ann"),
            ("CLAUDE_CONFIG_DIR", "/c"),
            ("CODEX_HOME", "/x"),
            ("GEMINI_CLI_HOME", "/g"),
            ("XDG_DATA_HOME", "/d"),
        ]);
        assert_eq!(moved.claude, Some(PathBuf::from("/c")));
        assert_eq!(moved.codex, Some(PathBuf::from("/x")));
        assert_eq!(moved.gemini, Some(PathBuf::from("/g/.gemini")));
        assert_eq!(moved.opencode, Some(PathBuf::from("/d/opencode")));
        let empty = vars(&[("HOME", "/h"), ("CODEX_HOME", "")]);
        assert_eq!(
            empty.codex,
            Some(PathBuf::from("/h/.codex")),
            "an empty variable is unset"
        );
        assert!(vars(&[]).claude.is_none());
        let d = Homes::default();
        assert!(d.claude.is_none() && d.codex.is_none() && !d.in_workspace);
        let roots = Roots::new(Path::new("/w"), Path::new("/w"));
        assert_eq!(roots.both().len(), 1);
        assert!(roots.near(Path::new("/w/sub")) && roots.near(Path::new("/")));
        assert!(!roots.near(Path::new("/other")));
    }
}
