//! Gemini CLI's chat recordings: `~/.gemini/tmp/<project>/chats/` (`$GEMINI_CLI_HOME` stands in
//! for the home folder), sub-agents' in a folder below. `<project>` is the short name
//! `~/.gemini/projects.json` maps the project's path to (`{"projects": {PATH: NAME}}`, each such
//! folder holding the path in `.project_root`), or, for versions before February 2026, the hex
//! SHA-256 of the path. Since April 2026 a session is `session-<time>-<id>.jsonl`, JSON lines
//! appended to, a message written again whole each time it grows; before, `session-….json` (a
//! sub-agent's `<id>.json`), one JSON object (`{"sessionId", "projectHash", "messages": [...]}`) rewritten whole. Either way a
//! message of `"type": "gemini"` lists its `toolCalls`, each `{"id", "name", "args", "status"}`;
//! `write_file` and `replace` with `"status": "success"` wrote `args.file_path` (absolute, or
//! relative to the project). A call is known again by its id; prompts, replies, thoughts,
//! results and the file contents in `args` are dropped.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{AgentLogs, Named, Reading, Roots, resolve, sha256};
use crate::classify::Agent;

/// Gemini CLI's tools that write files.
const WRITE_TOOLS: &[&str] = &["write_file", "replace"];

/// Project folders found by their `.project_root` markers, at most (when the registry has none).
const MARKERS: usize = 256;

/// Gemini CLI's chats for this workspace.
pub(super) struct Gemini {
    home: PathBuf,
    roots: Roots,
    /// This workspace's folders under `tmp/`.
    dirs: Vec<PathBuf>,
}

impl Gemini {
    pub fn new(home: &Path, roots: &Roots) -> Gemini {
        let tmp = home.join("tmp");
        Gemini {
            home: home.to_path_buf(),
            roots: roots.clone(),
            dirs: roots
                .both()
                .iter()
                .map(|r| tmp.join(sha256::hex(r.to_string_lossy().as_bytes())))
                .collect(),
        }
    }

    /// This workspace's short names in Gemini CLI's project registry, else in its folders'
    /// markers.
    fn short_names(&self) -> Vec<String> {
        let registry = std::fs::read(self.home.join("projects.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
        let mut names: Vec<String> = registry
            .as_ref()
            .and_then(|r| r.get("projects"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(path, _)| self.roots.is(Path::new(path.as_str())))
            .filter_map(|(_, name)| name.as_str().map(str::to_owned))
            .collect();
        if names.is_empty() {
            for dir in super::subfolders(&self.home.join("tmp"))
                .iter()
                .take(MARKERS)
            {
                let marker = std::fs::read_to_string(dir.join(".project_root")).unwrap_or_default();
                if self.roots.is(Path::new(marker.trim())) {
                    names.push(super::name(dir).to_owned());
                }
            }
        }
        names.retain(|n| !n.is_empty() && !n.contains(['/', '\\']) && n != ".." && n != ".");
        names
    }

    /// How deep `path` is below one of this workspace's folders.
    fn depth(&self, path: &Path) -> Option<usize> {
        self.dirs
            .iter()
            .find_map(|d| path.strip_prefix(d).ok())
            .map(|rest| rest.components().count())
    }
}

impl AgentLogs for Gemini {
    fn agent(&self) -> Agent {
        Agent::GeminiCli
    }

    fn owns(&self, path: &Path) -> bool {
        self.depth(path).is_some()
    }

    fn folders(&mut self) -> Vec<PathBuf> {
        let tmp = self.home.join("tmp");
        let names = self.short_names();
        self.dirs.extend(names.iter().map(|n| tmp.join(n)));
        let mut out = Vec::new();
        for dir in self.dirs.iter().filter(|d| d.is_dir()) {
            out.push(dir.clone());
            let chats = dir.join("chats");
            if chats.is_dir() {
                out.extend(super::subfolders(&chats));
                out.push(chats);
            }
        }
        out
    }

    fn follows(&self, dir: &Path) -> bool {
        // `chats`, and a session's sub-agents' folder in it (their logs are in these).
        let under_chats = |d: &Path| d.file_name().is_some_and(|n| n == "chats");
        match self.depth(dir) {
            Some(1) => under_chats(dir),
            Some(2) => dir.parent().is_some_and(under_chats),
            _ => false,
        }
    }

    fn reading(&self, file: &Path) -> Option<Reading> {
        if !self.follows(file.parent()?) {
            return None;
        }
        // A session is `session-….json[l]`, a sub-agent's `<id>.json[l]` in its folder.
        let name = super::name(file);
        if name.ends_with(".jsonl") {
            Some(Reading::Appended)
        } else if name.ends_with(".json") {
            Some(Reading::Rewritten)
        } else {
            None
        }
    }

    fn parse(&mut self, _file: &Path, text: &str, out: &mut Vec<Named>) {
        for (call, path) in gemini_writes(text) {
            if let Some(path) = resolve(Some(&self.roots.root), &path) {
                out.push(Named::by(&call, path));
            }
        }
    }
}

/// The files one record (a line of a `.jsonl` session, or a whole `.json` one) says Gemini CLI
/// wrote, each with its tool call's id.
pub fn gemini_writes(text: &str) -> Vec<(String, String)> {
    // Cheap test first: most records are prompts, replies and reads.
    if !WRITE_TOOLS.iter().any(|t| text.contains(t)) {
        return Vec::new();
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // A message, a whole (older) session or its first line, or a `$set` that rewrites the list.
    let lists = [
        v.get("messages"),
        v.get("$set").and_then(|s| s.get("messages")),
    ];
    let messages = lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .chain(std::iter::once(&v));
    for m in messages.filter(|m| m.get("type").and_then(Value::as_str) == Some("gemini")) {
        for call in m
            .get("toolCalls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(written(call));
        }
    }
    out
}

/// The file one successful tool call wrote, with the call's id.
fn written(call: &Value) -> Option<(String, String)> {
    fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
        v.get(k).and_then(Value::as_str)
    }
    if !WRITE_TOOLS.contains(&s(call, "name")?) || s(call, "status")? != "success" {
        return None;
    }
    let path = s(call.get("args")?, "file_path")?;
    Some((
        s(call, "id").unwrap_or_default().to_owned(),
        path.to_owned(),
    ))
}

#[cfg(test)]
mod tests;
