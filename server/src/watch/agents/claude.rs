//! Claude Code's session logs: JSON lines under `~/.claude/projects/<the project's path, with
//! every character but letters and digits turned into '-'>/` (or under
//! `$CLAUDE_CONFIG_DIR/projects/`), sub-agents' in folders below, appended to; one `tool_use`
//! block per file edit, with the file's absolute path.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{AgentLogs, Named, Reading, Roots};
use crate::classify::Agent;

/// Claude Code's tools that write files.
const CLAUDE_WRITE_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit"];

/// Where Claude Code keeps the session logs of the project at `root`, given its configuration
/// folder (`$CLAUDE_CONFIG_DIR`, else `~/.claude`).
pub fn claude_project_dir(config_dir: &Path, root: &Path) -> PathBuf {
    let slug: String = root
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    config_dir.join("projects").join(slug)
}

/// The files one line of a Claude Code session log says were written (absolute paths, as the
/// log has them). Anything that is not a file-writing tool call yields nothing.
pub fn claude_writes(line: &str) -> Vec<PathBuf> {
    // Cheap test first: most lines are prose or reads.
    if !line.contains("\"tool_use\"") {
        return Vec::new();
    }
    let Ok(v) = serde_json::from_str::<Value>(line) else {
        return Vec::new();
    };
    if v.get("type").and_then(Value::as_str) != Some("assistant") {
        return Vec::new();
    }
    let Some(content) = v.pointer("/message/content").and_then(Value::as_array) else {
        return Vec::new();
    };
    content
        .iter()
        .filter(|block| block.get("type").and_then(Value::as_str) == Some("tool_use"))
        .filter(|block| {
            block
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| CLAUDE_WRITE_TOOLS.contains(&n))
        })
        .filter_map(|block| {
            let input = block.get("input")?;
            input
                .get("file_path")
                .or_else(|| input.get("notebook_path"))
                .and_then(Value::as_str)
                .map(PathBuf::from)
        })
        .collect()
}

/// Claude Code's logs for one workspace.
pub(super) struct Claude {
    projects: PathBuf,
    dirs: Vec<PathBuf>,
}

impl Claude {
    /// The logs under Claude Code's configuration folder `config` for the workspace, named
    /// either way (canonical, or as the client named it).
    pub fn new(config: &Path, roots: &Roots) -> Claude {
        let mut dirs: Vec<PathBuf> = roots
            .both()
            .iter()
            .map(|r| claude_project_dir(config, r))
            .collect();
        dirs.dedup();
        Claude {
            projects: config.join("projects"),
            dirs,
        }
    }

    /// How deep `dir` is below a project folder (0: the folder itself).
    fn depth(&self, dir: &Path) -> Option<usize> {
        self.dirs
            .iter()
            .find_map(|d| dir.strip_prefix(d).ok())
            .map(|rest| rest.components().count())
    }
}

impl AgentLogs for Claude {
    fn agent(&self) -> Agent {
        Agent::ClaudeCode
    }

    fn owns(&self, path: &Path) -> bool {
        path.starts_with(&self.projects)
    }

    fn folders(&mut self) -> Vec<PathBuf> {
        if !self.projects.is_dir() {
            return Vec::new();
        }
        let mut out = vec![self.projects.clone()];
        // Each project folder, and its sessions' sub-agent folders (two levels down).
        let mut queue: Vec<PathBuf> = self.dirs.iter().filter(|d| d.is_dir()).cloned().collect();
        while let Some(dir) = queue.pop() {
            if self.depth(&dir).is_some_and(|d| d < 2) {
                queue.extend(super::subfolders(&dir));
            }
            out.push(dir);
        }
        out
    }

    fn follows(&self, dir: &Path) -> bool {
        self.depth(dir).is_some_and(|d| d <= 2)
    }

    fn reading(&self, file: &Path) -> Option<Reading> {
        let ours = file.parent().and_then(|p| self.depth(p)).is_some();
        (ours && file.extension().is_some_and(|e| e == "jsonl")).then_some(Reading::Appended)
    }

    fn parse(&mut self, _file: &Path, line: &str, out: &mut Vec<Named>) {
        out.extend(claude_writes(line).into_iter().map(Named::once));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_folders_are_named_like_claude_code_names_them() {
        assert_eq!(
            claude_project_dir(Path::new("/h/.claude"), Path::new("/home/ann/my.proj_2")),
            Path::new("/h/.claude/projects/-home-ann-my-proj-2")
        );
    }

    #[test]
    fn file_writing_tool_calls_name_their_files() {
        let edit = r#"{"type":"assistant","timestamp":"2026-11-25T10:00:00Z","message":{"role":"assistant","content":[{"type":"text","text":"I'll fix it"},{"type":"tool_use","id":"t1","name":"Edit","input":{"file_path":"/w/src/a.rs","old_string":"x","new_string":"y"}},{"type":"tool_use","id":"t2","name":"Write","input":{"file_path":"/w/b.py","content":"secret"}}]}}"#;
        assert_eq!(
            claude_writes(edit),
            vec![PathBuf::from("/w/src/a.rs"), PathBuf::from("/w/b.py")]
        );
        let notebook = r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"NotebookEdit","input":{"notebook_path":"/w/n.ipynb","new_source":"1"}}]}}"#;
        assert_eq!(claude_writes(notebook), vec![PathBuf::from("/w/n.ipynb")]);
    }

    #[test]
    fn reads_results_prose_and_garbage_name_nothing() {
        for line in [
            r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Read","input":{"file_path":"/w/a.rs"}}]}}"#,
            r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","input":{"command":"echo > /w/a.rs"}}]}}"#,
            r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"\"tool_use\""}]}}"#,
            r#"{"type":"assistant","message":{"content":"plain text with \"tool_use\" in it"}}"#,
            r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Edit","input":{}}]}}"#,
            "not json \"tool_use\"",
            "",
        ] {
            assert!(claude_writes(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn the_project_folder_and_two_levels_below_are_its_logs() {
        let roots = Roots::new(Path::new("/home/ann/p"), Path::new("/home/ann/p"));
        let c = Claude::new(Path::new("/h/.claude"), &roots);
        let project = Path::new("/h/.claude/projects/-home-ann-p");
        assert!(c.owns(&project.join("s.jsonl")));
        assert!(c.follows(project) && c.follows(&project.join("s1/subagents")));
        assert!(!c.follows(&project.join("a/b/c")));
        assert!(!c.follows(Path::new("/h/.claude/projects/-home-bob-q")));
        assert_eq!(c.reading(&project.join("s.jsonl")), Some(Reading::Appended));
        assert_eq!(c.reading(&project.join("notes.txt")), None);
        assert_eq!(
            c.reading(Path::new("/h/.claude/projects/-home-bob-q/s.jsonl")),
            None,
            "another project's logs"
        );
    }
}
