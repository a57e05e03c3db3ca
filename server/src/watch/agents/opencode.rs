//! OpenCode's storage before version 1.2 (February 2026): JSON files under
//! `$XDG_DATA_HOME/opencode/storage/` (else `~/.local/share/opencode/storage/`), each rewritten
//! whole as it changes. A project is `project/<id>.json` with its `worktree`; its sessions are
//! `session/<project id>/<session id>.json` with their `directory`; a message's parts are
//! `part/<message id>/<part id>.json`. A tool part is `{"id", "sessionID", "messageID",
//! "type": "tool", "callID", "tool", "state": {"status", "input", …}}`: `edit`, `write` and
//! `multiedit` with `"status": "completed"` wrote `input.filePath`, `patch` and `apply_patch` the
//! files their `input.patchText` names (relative to the session's folder). A part is known again
//! by its id. Prompts, replies, tool output and file contents are dropped.
//!
//! Only message folders that appear while watching are followed (their parts are this
//! session's news); a session of this workspace's project gives relative paths their folder.
//! OpenCode 1.2 and later keep all of this in one SQLite database (`opencode.db`), which is not
//! read here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{AgentLogs, Named, Reading, Roots, patch, resolve};
use crate::classify::Agent;

/// OpenCode's tools that write the file their `filePath` names.
const FILE_TOOLS: &[&str] = &["edit", "write", "multiedit"];
/// OpenCode's tools that apply a patch (Codex CLI's format) from `patchText`.
const PATCH_TOOLS: &[&str] = &["patch", "apply_patch"];

/// OpenCode's storage, as far as this workspace goes.
pub(super) struct OpenCode {
    storage: PathBuf,
    /// `storage/part`, where each message's parts have a folder.
    parts: PathBuf,
    roots: Roots,
    /// This workspace's project folders under `session/`.
    projects: Vec<PathBuf>,
    /// The workspace's sessions and their folders.
    sessions: HashMap<String, PathBuf>,
}

impl OpenCode {
    pub fn new(data: &Path, roots: &Roots) -> OpenCode {
        OpenCode {
            storage: data.join("storage"),
            parts: data.join("storage/part"),
            roots: roots.clone(),
            projects: Vec::new(),
            sessions: HashMap::new(),
        }
    }

    /// The ids of the projects whose work tree is this workspace.
    fn project_ids(&self) -> Vec<String> {
        super::files_in(&self.storage.join("project"))
            .into_iter()
            .filter(|f| {
                let Ok(bytes) = std::fs::read(f) else {
                    return false;
                };
                serde_json::from_slice::<Value>(&bytes)
                    .ok()
                    .and_then(|v| v.get("worktree")?.as_str().map(str::to_owned))
                    .is_some_and(|w| self.roots.is(Path::new(&w)))
            })
            .filter_map(|f| Some(f.file_stem()?.to_str()?.to_owned()))
            .collect()
    }
}

impl AgentLogs for OpenCode {
    fn agent(&self) -> Agent {
        Agent::OpenCode
    }

    fn owns(&self, path: &Path) -> bool {
        // Nothing is watched unless a project of this workspace was found.
        !self.projects.is_empty()
            && (path.starts_with(&self.parts) || self.projects.iter().any(|p| path.starts_with(p)))
    }

    fn folders(&mut self) -> Vec<PathBuf> {
        let ids = self.project_ids();
        if ids.is_empty() {
            return Vec::new(); // OpenCode never ran here (or keeps its data in SQLite)
        }
        let sessions = self.storage.join("session");
        self.projects = ids.iter().map(|id| sessions.join(id)).collect();
        let mut out: Vec<PathBuf> = self
            .projects
            .iter()
            .filter(|p| p.is_dir())
            .cloned()
            .collect();
        if self.parts.is_dir() {
            out.push(self.parts.clone());
        }
        out
    }

    fn follows(&self, dir: &Path) -> bool {
        dir.parent() == Some(self.parts.as_path())
    }

    fn reading(&self, file: &Path) -> Option<Reading> {
        let parent = file.parent()?;
        let ours = self.follows(parent) || self.projects.iter().any(|p| p == parent);
        (ours && super::name(file).ends_with(".json")).then_some(Reading::Rewritten)
    }

    fn parse(&mut self, file: &Path, text: &str, out: &mut Vec<Named>) {
        if !file.starts_with(&self.parts) {
            // A session of this workspace: its folder, for relative paths.
            if let Some((id, dir)) = opencode_session(text) {
                self.sessions.insert(id, dir);
            }
            return;
        }
        let Some(part) = opencode_part(text) else {
            return;
        };
        let base = self.sessions.get(&part.session).map(PathBuf::as_path);
        for p in &part.paths {
            if let Some(path) = resolve(base, p) {
                out.push(Named::by(&part.id, path));
            }
        }
    }
}

/// A completed tool part that wrote files.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    pub id: String,
    pub session: String,
    /// As the tool's input named them.
    pub paths: Vec<String>,
}

/// The files one part file says OpenCode wrote.
pub fn opencode_part(text: &str) -> Option<Part> {
    // Cheap test first: most parts are text and reasoning, rewritten as they stream.
    if !text.contains("\"tool\"") || !text.contains("\"completed\"") {
        return None;
    }
    let v: Value = serde_json::from_str(text).ok()?;
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if s(&v, "type")? != "tool" {
        return None;
    }
    let state = v.get("state")?;
    if s(state, "status")? != "completed" {
        return None;
    }
    let input = state.get("input")?;
    let tool = s(&v, "tool")?;
    let paths = if FILE_TOOLS.contains(&tool.as_str()) {
        vec![s(input, "filePath")?]
    } else if PATCH_TOOLS.contains(&tool.as_str()) {
        patch::files(&s(input, "patchText")?)
    } else {
        return None;
    };
    Some(Part {
        id: s(&v, "id").or_else(|| s(&v, "callID"))?,
        session: s(&v, "sessionID").unwrap_or_default(),
        paths,
    })
}

/// A session file's id and folder.
pub fn opencode_session(text: &str) -> Option<(String, PathBuf)> {
    let v: Value = serde_json::from_str(text).ok()?;
    let id = v.get("id")?.as_str()?;
    let dir = v.get("directory")?.as_str()?;
    Path::new(dir)
        .is_absolute()
        .then(|| (id.to_owned(), PathBuf::from(dir)))
}

#[cfg(test)]
mod tests;
