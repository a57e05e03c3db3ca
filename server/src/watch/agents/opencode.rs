//! OpenCode's own records, in both the forms it has kept them in.
//!
//! Since OpenCode 1.2 (February 2026): one SQLite database, `opencode.db` in OpenCode's data
//! folder (`$XDG_DATA_HOME/opencode`, else `~/.local/share/opencode`), in WAL mode. The data
//! folder is watched (not counted toward the folder budget); a change to `opencode.db` or its
//! `-wal` is a reason to ask the store's reader ([`crate::store::foreign::opencode`]) for the
//! completed calls past its cursor, at most a few times a second. The first query, at start,
//! finds where the database ends: what it held before is not news.
//!
//! Before 1.2: JSON files under `storage/`, each rewritten whole as it changes. A project is
//! `project/<id>.json` with its `worktree`; its sessions are `session/<project id>/<session
//! id>.json` with their `directory`; a message's parts are `part/<message id>/<part id>.json`.
//! Only message folders that appear while watching are followed (their parts are this
//! session's news); a session of this workspace's project gives relative paths their folder.
//!
//! Either way a tool part is `{"id", "sessionID", "messageID", "type": "tool", "callID",
//! "tool", "state": {"status", "input", …}}` (the database keeps the ids in columns): `edit`,
//! `write` and `multiedit` with `"status": "completed"` wrote `input.filePath`, `patch` and
//! `apply_patch` the files their `input.patchText` names (relative to the session's folder). A
//! part is known again by its id. Prompts, replies, tool output and file contents are dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{AgentLogs, Named, Reading, Roots, patch, resolve};
use crate::classify::Agent;
use crate::store::foreign::opencode::{Cursor, opencode_calls};

/// OpenCode's tools that write the file their `filePath` names.
const FILE_TOOLS: &[&str] = &["edit", "write", "multiedit"];
/// OpenCode's tools that apply a patch (Codex CLI's format) from `patchText`.
const PATCH_TOOLS: &[&str] = &["patch", "apply_patch"];

/// OpenCode's database (1.2 and later), in its data folder, and its write-ahead log.
const DB: &str = "opencode.db";
const DB_WAL: &str = "opencode.db-wal";

/// OpenCode's storage, as far as this workspace goes.
pub(super) struct OpenCode {
    /// The data folder, watched for the database.
    data: PathBuf,
    db: PathBuf,
    wal: PathBuf,
    /// How far the database has been read.
    cursor: Cursor,
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
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        OpenCode {
            data: data.to_path_buf(),
            db: data.join(DB),
            wal: data.join(DB_WAL),
            cursor: Cursor::new(now_ms),
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
        // No JSON storage is watched unless a project of this workspace was found there.
        path == self.db
            || path == self.wal
            || (!self.projects.is_empty()
                && (path.starts_with(&self.parts)
                    || self.projects.iter().any(|p| path.starts_with(p))))
    }

    fn folders(&mut self) -> Vec<PathBuf> {
        // The database's folder, even before OpenCode 1.2 makes the database in it.
        let mut out: Vec<PathBuf> = Some(self.data.clone())
            .filter(|d| d.is_dir())
            .into_iter()
            .collect();
        let ids = self.project_ids();
        if ids.is_empty() {
            return out; // no JSON storage of this workspace
        }
        let sessions = self.storage.join("session");
        self.projects = ids.iter().map(|id| sessions.join(id)).collect();
        out.extend(self.projects.iter().filter(|p| p.is_dir()).cloned());
        if self.parts.is_dir() {
            out.push(self.parts.clone());
        }
        out
    }

    fn follows(&self, dir: &Path) -> bool {
        dir.parent() == Some(self.parts.as_path())
    }

    fn reading(&self, file: &Path) -> Option<Reading> {
        if file == self.db || file == self.wal {
            return Some(Reading::Database);
        }
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

    fn query(&mut self, out: &mut Vec<Named>) -> Result<bool, String> {
        let tools: Vec<&str> = FILE_TOOLS.iter().chain(PATCH_TOOLS).copied().collect();
        let read = opencode_calls(&self.db, &self.roots.both(), &tools, &self.cursor)?;
        self.cursor = read.next;
        for call in read.calls {
            let paths = match call.patch_text {
                Some(text) if PATCH_TOOLS.contains(&call.tool.as_str()) => patch::files(&text),
                _ => call.file_path.into_iter().collect(),
            };
            for p in &paths {
                if let Some(path) = resolve(Some(&call.directory), p) {
                    out.push(Named::by(&call.part, path));
                }
            }
        }
        Ok(read.more)
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
