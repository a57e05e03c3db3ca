//! Configuration: one typed set of settings, read from `mindgap.toml` (the workspace's, then the
//! user's config folder) and from the editor (`initializationOptions`,
//! `workspace/didChangeConfiguration`). Unknown keys are warned about; a bad value is rejected
//! with a message naming its key, and the rest of the file still applies.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::classify::Class;

/// How clients without `experimental.mindgapStatus` get the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusVia {
    Progress,
    Message,
    Off,
}

/// How loud a nudge is (an LSP diagnostic severity), or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Off,
    Hint,
    Information,
    Warning,
    Error,
}

impl Severity {
    fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "off" => Severity::Off,
            "hint" => Severity::Hint,
            "information" => Severity::Information,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Early outside-help share above which the status line warns.
    pub target_early_share: f64,
    /// Classes counted as outside help (a subset of paste, completion, agent).
    pub outside_help: Vec<Class>,
    /// Template for the status line; `None` for the default line.
    pub status_format: Option<String>,
    pub status_via: StatusVia,
    /// Characters per line, for `--estimate LINES`.
    pub chars_per_line: f64,
    /// Outside-help blocks at least this long need an explanation (SPEC section 8).
    pub explain_min_lines: usize,
    /// An explanation counts once it has this many typed words.
    pub explain_min_words: usize,
    pub nudge_early: Severity,
    pub nudge_explain: Severity,
    pub nudge_manual: Severity,
    pub nudge_struggle: Severity,
    /// How long a struggle window lasts, in minutes.
    pub struggle_minutes: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            target_early_share: 0.2,
            outside_help: vec![Class::Paste, Class::Completion, Class::Agent],
            status_format: None,
            status_via: StatusVia::Progress,
            chars_per_line: 40.0,
            explain_min_lines: 8,
            explain_min_words: 40,
            nudge_early: Severity::Hint,
            nudge_explain: Severity::Information,
            nudge_manual: Severity::Information,
            nudge_struggle: Severity::Information,
            struggle_minutes: 20,
        }
    }
}

/// What applying settings found wrong: each message names the key.
#[derive(Debug, Default, PartialEq)]
pub struct Problems {
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

/// The outside-help classes a setting lists, when it is a list of them.
fn outside_classes(value: &Value) -> Option<Vec<Class>> {
    value.as_array().and_then(|a| {
        a.iter()
            .map(|v| {
                v.as_str()
                    .and_then(Class::parse)
                    .filter(|c| c.is_outside_help())
            })
            .collect()
    })
}

impl Config {
    /// Applies settings given as a JSON object (TOML files are read into the same shape).
    pub fn apply(&mut self, settings: &Map<String, Value>, origin: &str, problems: &mut Problems) {
        for (key, value) in settings {
            match self.set(key, value) {
                Ok(()) => {}
                Err(None) => problems
                    .warnings
                    .push(format!("{origin}: unknown key `{key}` ignored")),
                Err(Some(what)) => problems.errors.push(format!(
                    "{origin}: `{key}` {what}; keeping the previous value"
                )),
            }
        }
    }

    /// Sets `key` to `value`; what the value must be when it is not that (`None`: no such key).
    fn set(&mut self, key: &str, value: &Value) -> Result<(), Option<&'static str>> {
        let bad = |what| Err(Some(what));
        match key {
            "target_early_share" => match value.as_f64() {
                Some(v) if (0.0..=1.0).contains(&v) => self.target_early_share = v,
                _ => return bad("must be a number from 0 to 1"),
            },
            "outside_help" => match outside_classes(value) {
                Some(c) => self.outside_help = c,
                None => return bad("must be a list of \"paste\", \"completion\", \"agent\""),
            },
            "status_format" => match value {
                Value::String(s) if !s.trim().is_empty() => self.status_format = Some(s.clone()),
                Value::String(_) | Value::Null => self.status_format = None,
                _ => return bad("must be a string"),
            },
            "status_via" => match value.as_str() {
                Some("progress") => self.status_via = StatusVia::Progress,
                Some("message") => self.status_via = StatusVia::Message,
                Some("off") => self.status_via = StatusVia::Off,
                _ => return bad("must be \"progress\", \"message\" or \"off\""),
            },
            "chars_per_line" => match value.as_f64() {
                Some(v) if (1.0..=1000.0).contains(&v) => self.chars_per_line = v,
                _ => return bad("must be a number from 1 to 1000"),
            },
            "struggle_minutes" => match value.as_u64() {
                Some(v) if (1..=600).contains(&v) => self.struggle_minutes = v as u32,
                _ => return bad("must be a whole number of minutes from 1 to 600"),
            },
            "explain_min_lines" | "explain_min_words" => {
                let Some(v) = value.as_u64().filter(|v| (1..=10_000).contains(v)) else {
                    return bad("must be a whole number from 1 to 10000");
                };
                if key == "explain_min_lines" {
                    self.explain_min_lines = v as usize;
                } else {
                    self.explain_min_words = v as usize;
                }
            }
            "nudge_early" | "nudge_explain" | "nudge_manual" | "nudge_struggle" => {
                let Some(s) = value.as_str().and_then(Severity::parse) else {
                    return bad(
                        "must be \"off\", \"hint\", \"information\", \"warning\" or \"error\"",
                    );
                };
                match key {
                    "nudge_early" => self.nudge_early = s,
                    "nudge_explain" => self.nudge_explain = s,
                    "nudge_manual" => self.nudge_manual = s,
                    _ => self.nudge_struggle = s,
                }
            }
            _ => return Err(None),
        }
        Ok(())
    }

    /// The configuration for a workspace: defaults, then the user's `mindgap.toml`, then the
    /// workspace's.
    pub fn load(workspace: Option<&Path>, problems: &mut Problems) -> Config {
        let mut config = Config::default();
        for path in [user_file(), workspace.map(|w| w.join("mindgap.toml"))]
            .into_iter()
            .flatten()
        {
            config.apply_file(&path, problems);
        }
        config
    }

    fn apply_file(&mut self, path: &Path, problems: &mut Problems) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let origin = path.display().to_string();
        match basic_toml::from_str::<Map<String, Value>>(&text) {
            Ok(settings) => self.apply(&settings, &origin, problems),
            Err(e) => problems
                .errors
                .push(format!("{origin}: not valid TOML ({e}); file ignored")),
        }
    }

    pub fn is_outside(&self, class: Class) -> bool {
        self.outside_help.contains(&class)
    }
}

fn user_file() -> Option<PathBuf> {
    let var = |n: &str| {
        std::env::var_os(n)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("XDG_CONFIG_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("mindgap/mindgap.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_apply_warn_and_reject_by_key() {
        let mut c = Config::default();
        let mut p = Problems::default();
        let settings = serde_json::json!({
            "target_early_share": 0.1,
            "outside_help": ["completion", "agent"],
            "status_via": "message",
            "colour": "blue",
            "chars_per_line": -3,
        });
        c.apply(settings.as_object().unwrap(), "test", &mut p);
        assert_eq!(c.target_early_share, 0.1);
        assert!(!c.is_outside(Class::Paste));
        assert_eq!(c.status_via, StatusVia::Message);
        assert_eq!(c.chars_per_line, 40.0);
        assert_eq!(p.warnings, vec!["test: unknown key `colour` ignored"]);
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].contains("`chars_per_line`"));
        let bad = serde_json::json!({"outside_help": ["typed"]});
        c.apply(bad.as_object().unwrap(), "test", &mut p);
        assert!(p.errors[1].contains("`outside_help`"));
        assert!(c.is_outside(Class::Completion));
    }

    #[test]
    fn workspace_file_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mindgap.toml"),
            "target_early_share = 0.05\nstatus_format = \"{task} {early}\"\n",
        )
        .unwrap();
        let mut p = Problems::default();
        let c = Config::load(Some(dir.path()), &mut p);
        assert_eq!(c.target_early_share, 0.05);
        assert_eq!(c.status_format.as_deref(), Some("{task} {early}"));
        std::fs::write(dir.path().join("mindgap.toml"), "target_early_share = [").unwrap();
        let mut p = Problems::default();
        Config::load(Some(dir.path()), &mut p);
        assert!(p.errors[0].contains("not valid TOML"));
    }
}
