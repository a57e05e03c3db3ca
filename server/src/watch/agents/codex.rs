//! Codex CLI's session rollouts: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`
//! (`CODEX_HOME` defaults to `~/.codex`), JSON lines appended to, each `{"timestamp", "type",
//! "payload"}`. Not keyed to a project by folder: the first line (`session_meta`) and every
//! `turn_context` carry the working folder `cwd`, and a session is ours when that folder is in
//! the workspace or holds it. Files are written by `apply_patch`, recorded as a `response_item`:
//! a `custom_tool_call` whose `input` is the patch, a `function_call` named `apply_patch` whose
//! `arguments` (a JSON string) hold it under `input`, or a shell call (`function_call` named
//! `shell`, `container.exec`, `shell_command` or `exec_command`, or a `local_shell_call`) whose
//! command runs `apply_patch` / `applypatch` with the patch as its argument or heredoc,
//! optionally after `cd DIR &&`. The patch's paths are relative to the call's `workdir`, else
//! the session's folder.
//!
//! Only the newest day folders are watched at start (a resumed session of an older day, which
//! Codex appends to in its old folder, is not followed); new day folders are.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{AgentLogs, Named, Reading, Roots, patch, resolve};
use crate::classify::Agent;

/// Day folders watched at start, newest first.
const DAYS: usize = 7;

/// Codex CLI's rollouts, as far as this workspace goes.
pub(super) struct Codex {
    sessions: PathBuf,
    roots: Roots,
    /// Each rollout's working folder, once known.
    cwds: HashMap<PathBuf, PathBuf>,
}

impl Codex {
    pub fn new(home: &Path, roots: &Roots) -> Codex {
        Codex {
            sessions: home.join("sessions"),
            roots: roots.clone(),
            cwds: HashMap::new(),
        }
    }

    /// The newest `n` folders directly in `dir`, by name (years, months and days sort so).
    fn newest(dir: &Path, n: usize) -> Vec<PathBuf> {
        let mut dirs = super::subfolders(dir);
        dirs.sort();
        dirs.into_iter().rev().take(n).collect()
    }
}

impl AgentLogs for Codex {
    fn agent(&self) -> Agent {
        Agent::Codex
    }

    fn owns(&self, path: &Path) -> bool {
        path.starts_with(&self.sessions)
    }

    fn folders(&mut self) -> Vec<PathBuf> {
        if !self.sessions.is_dir() {
            return Vec::new();
        }
        let mut out = vec![self.sessions.clone()];
        let years = Self::newest(&self.sessions, 2);
        let months: Vec<PathBuf> = years.iter().flat_map(|y| Self::newest(y, 2)).collect();
        let mut days: Vec<PathBuf> = months.iter().flat_map(|m| Self::newest(m, DAYS)).collect();
        days.sort();
        days.reverse();
        days.truncate(DAYS);
        // Years and months are watched for the day folders still to come.
        out.extend(years.into_iter().take(1));
        out.extend(months.into_iter().take(1));
        out.extend(days);
        out
    }

    fn follows(&self, dir: &Path) -> bool {
        dir.strip_prefix(&self.sessions)
            .is_ok_and(|rest| (1..=3).contains(&rest.components().count()))
    }

    fn reading(&self, file: &Path) -> Option<Reading> {
        let name = super::name(file);
        (file.starts_with(&self.sessions)
            && name.starts_with("rollout-")
            && name.ends_with(".jsonl"))
        .then_some(Reading::Appended)
    }

    fn parse(&mut self, file: &Path, line: &str, out: &mut Vec<Named>) {
        match codex_line(line) {
            CodexLine::Cwd(cwd) => {
                self.cwds.insert(file.to_path_buf(), cwd);
            }
            CodexLine::Patch {
                call,
                workdir,
                text,
            } => {
                let cwd = self.cwds.get(file);
                if cwd.is_some_and(|c| !self.roots.near(c)) {
                    return; // another project's session
                }
                let base = match (cwd, workdir) {
                    (c, Some(w)) => resolve(c.map(PathBuf::as_path), &w),
                    (c, None) => c.cloned(),
                };
                for p in patch::files(&text) {
                    if let Some(path) = resolve(base.as_deref(), &p) {
                        out.push(Named::by(&call, path));
                    }
                }
            }
            CodexLine::Nothing => {}
        }
    }

    fn needs_head(&self) -> bool {
        true
    }

    fn head(&mut self, file: &Path, line: &str) {
        if let CodexLine::Cwd(cwd) = codex_line(line) {
            self.cwds.insert(file.to_path_buf(), cwd);
        }
    }
}

/// What one rollout line says, for our purpose.
#[derive(Debug, PartialEq, Eq)]
pub enum CodexLine {
    /// The session's (or the turn's) working folder.
    Cwd(PathBuf),
    /// A call that applies a patch: its id, the folder it named (if any), and the patch text
    /// (dropped as soon as its file names are read).
    Patch {
        call: String,
        workdir: Option<String>,
        text: String,
    },
    Nothing,
}

/// Reads one line of a Codex rollout.
pub fn codex_line(line: &str) -> CodexLine {
    // Cheap tests first: most lines are messages, reasoning and command output.
    let meta = line.contains("\"session_meta\"") || line.contains("\"turn_context\"");
    if !meta && !line.contains("Begin Patch") {
        return CodexLine::Nothing;
    }
    let Ok(v) = serde_json::from_str::<Value>(line) else {
        return CodexLine::Nothing;
    };
    let payload = v.get("payload").unwrap_or(&Value::Null);
    match v.get("type").and_then(Value::as_str) {
        Some("session_meta" | "turn_context") => payload
            .get("cwd")
            .and_then(Value::as_str)
            .filter(|c| Path::new(c).is_absolute())
            .map_or(CodexLine::Nothing, |c| CodexLine::Cwd(PathBuf::from(c))),
        Some("response_item") => patch_call(payload).unwrap_or(CodexLine::Nothing),
        _ => CodexLine::Nothing,
    }
}

/// A `response_item` that applies a patch.
fn patch_call(item: &Value) -> Option<CodexLine> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let call = s(item, "call_id")
        .or_else(|| s(item, "id"))
        .unwrap_or_default();
    let name = s(item, "name").unwrap_or_default();
    let (workdir, (cd, text)) = match item.get("type").and_then(Value::as_str)? {
        "custom_tool_call" if name == "apply_patch" => (None, (None, s(item, "input")?)),
        "function_call" => {
            let args: Value = serde_json::from_str(&s(item, "arguments")?).ok()?;
            let workdir = s(&args, "workdir");
            let patch = match name.as_str() {
                "apply_patch" => (None, s(&args, "input")?),
                "shell" | "container.exec" => argv(args.get("command")?)?,
                "shell_command" => script(&s(&args, "command")?)?,
                "exec_command" => script(&s(&args, "cmd")?)?,
                _ => return None,
            };
            (workdir, patch)
        }
        "local_shell_call" => {
            let action = item.get("action")?;
            (
                s(action, "working_directory"),
                argv(action.get("command")?)?,
            )
        }
        _ => return None,
    };
    // A script's `cd DIR &&` moves the patch's base past the call's own folder.
    let workdir = match (workdir, cd) {
        (Some(w), Some(cd)) => Some(format!("{w}/{cd}")),
        (w, cd) => cd.or(w),
    };
    Some(CodexLine::Patch {
        call,
        workdir,
        text,
    })
}

/// A patch and the folder a script `cd`s to before applying it.
type Applied = (Option<String>, String);

/// The patch an argv applies: `apply_patch PATCH`, or a shell's `-c`/`-lc` script that does.
fn argv(command: &Value) -> Option<Applied> {
    let args: Vec<&str> = command
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match args.as_slice() {
        [cmd, patch] if is_apply(cmd) => Some((None, (*patch).to_owned())),
        [shell, flag, body] if is_shell(shell) && matches!(*flag, "-c" | "-lc") => script(body),
        _ => None,
    }
}

/// The patch a shell script applies: `[cd DIR && ]apply_patch <<'EOF' … EOF`.
fn script(body: &str) -> Option<Applied> {
    let body = body.trim_start();
    let (cd, rest) = match body.strip_prefix("cd ") {
        Some(rest) => {
            let (dir, rest) = rest.split_once("&&")?;
            let dir = dir.trim().trim_matches(|c| c == '\'' || c == '"');
            (
                Some(dir.to_owned()).filter(|d| !d.is_empty()),
                rest.trim_start(),
            )
        }
        None => (None, body),
    };
    let word = rest.split_whitespace().next()?;
    if !is_apply(word) || !rest[word.len()..].trim_start().starts_with("<<") {
        return None;
    }
    Some((cd, rest.to_owned()))
}

fn is_apply(cmd: &str) -> bool {
    matches!(cmd, "apply_patch" | "applypatch")
}

fn is_shell(cmd: &str) -> bool {
    matches!(super::name(Path::new(cmd)), "bash" | "zsh" | "sh")
}

#[cfg(test)]
mod tests;
