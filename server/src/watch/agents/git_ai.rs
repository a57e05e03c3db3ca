//! git-ai's checkpoints: `.git/ai/working_logs/<base commit>/checkpoints.jsonl` in the
//! repository (git-ai's `RepoStorage`; `old-<sha>` folders are archived logs), one JSON object
//! per line, the whole file written anew at each checkpoint (older lines may lose detail, so
//! they are known again by their timestamp, agent and file rather than their bytes). A
//! checkpoint of `"kind": "ai_agent"` says an AI agent wrote the `entries[].file` it lists
//! (relative to the repository's root); human, known-human and tab-completion checkpoints name
//! nothing. The diff, attributions and prompts' ids are dropped.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{AgentLogs, Named, Reading, Roots, resolve};
use crate::classify::Agent;

/// git-ai's checkpoints in this workspace's repository.
pub(super) struct GitAi {
    roots: Roots,
    /// `.git/ai` under each form of the root.
    dirs: Vec<PathBuf>,
}

impl GitAi {
    pub fn new(roots: &Roots) -> GitAi {
        GitAi {
            roots: roots.clone(),
            dirs: roots.both().iter().map(|r| r.join(".git/ai")).collect(),
        }
    }

    /// Where `path` is below `.git/ai`, as names.
    fn below<'a>(&self, path: &'a Path) -> Option<Vec<&'a str>> {
        let rest = self.dirs.iter().find_map(|d| path.strip_prefix(d).ok())?;
        Some(rest.iter().filter_map(|c| c.to_str()).collect())
    }
}

impl AgentLogs for GitAi {
    fn agent(&self) -> Agent {
        Agent::GitAi
    }

    fn owns(&self, path: &Path) -> bool {
        self.dirs.iter().any(|d| path.starts_with(d))
    }

    fn folders(&mut self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for ai in self.dirs.iter().filter(|d| d.is_dir()) {
            out.push(ai.clone());
            let logs = ai.join("working_logs");
            if logs.is_dir() {
                out.extend(
                    super::subfolders(&logs)
                        .into_iter()
                        .filter(|d| self.follows(d)),
                );
                out.push(logs);
            }
        }
        out
    }

    fn follows(&self, dir: &Path) -> bool {
        match self.below(dir).as_deref() {
            Some([] | ["working_logs"]) => true,
            Some(["working_logs", base]) => !base.starts_with("old-"),
            _ => false,
        }
    }

    fn reading(&self, file: &Path) -> Option<Reading> {
        match self.below(file).as_deref() {
            Some(["working_logs", base, "checkpoints.jsonl"]) if !base.starts_with("old-") => {
                Some(Reading::Rewritten)
            }
            _ => None,
        }
    }

    fn parse(&mut self, _file: &Path, text: &str, out: &mut Vec<Named>) {
        for line in text.lines() {
            for (key, file) in git_ai_writes(line) {
                if let Some(path) = resolve(Some(&self.roots.root), &file) {
                    out.push(Named::by(&key, path));
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct Checkpoint {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    timestamp: u64,
    #[serde(default)]
    entries: Vec<Entry>,
    #[serde(default)]
    agent_id: Option<AgentId>,
}

#[derive(Deserialize)]
struct Entry {
    file: String,
}

#[derive(Deserialize)]
struct AgentId {
    #[serde(default)]
    tool: String,
    #[serde(default)]
    id: String,
}

/// The files one checkpoint line says an AI agent wrote, each with the checkpoint's key
/// (timestamp, agent and session: what a rewrite of the file leaves as it was).
pub fn git_ai_writes(line: &str) -> Vec<(String, String)> {
    // Cheap test first: human checkpoints are as common as the agents'.
    if !line.contains("\"ai_agent\"") {
        return Vec::new();
    }
    let Ok(c) = serde_json::from_str::<Checkpoint>(line) else {
        return Vec::new();
    };
    if c.kind != "ai_agent" {
        return Vec::new();
    }
    let (tool, id) = c.agent_id.map(|a| (a.tool, a.id)).unwrap_or_default();
    let key = format!("{}/{tool}/{id}", c.timestamp);
    c.entries
        .into_iter()
        .filter(|e| !e.file.is_empty())
        .map(|e| (key.clone(), e.file))
        .collect()
}

#[cfg(test)]
mod tests;
