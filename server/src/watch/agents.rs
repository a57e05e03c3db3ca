//! Coding agents' own logs, read for metadata only: which file an agent says it wrote, and
//! nothing else. Pure: the watcher reads the bytes, this finds the file names in them.
//!
//! Known today: Claude Code, whose session logs are JSON lines under
//! `~/.claude/projects/<the project's path, with every character but letters and digits turned
//! into '-'>/` (or under `$CLAUDE_CONFIG_DIR/projects/`), one `tool_use` block per file edit. A
//! line's prompts, replies and code are never kept: they are parsed and dropped on the spot.

use std::path::{Path, PathBuf};

use serde_json::Value;

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

/// Claude Code's configuration folder, when the environment names one.
pub fn claude_config_dir() -> Option<PathBuf> {
    match std::env::var_os("CLAUDE_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".claude")),
    }
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

/// The workspace-relative, `/`-separated form of an agent's `path` under `root`, if it is there.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    (!rel.is_empty()).then_some(rel)
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
    fn only_files_inside_the_workspace_are_its_own() {
        let root = Path::new("/w");
        assert_eq!(
            relative(root, Path::new("/w/src/a.rs")).as_deref(),
            Some("src/a.rs")
        );
        assert_eq!(relative(root, Path::new("/elsewhere/a.rs")), None);
        assert_eq!(relative(root, Path::new("/w")), None);
    }
}
