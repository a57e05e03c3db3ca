//! The status readout (SPEC section 6) and the task view (SPEC section 5): what `mindgap
//! status`, `mindgap task show` and the editor's `mindgap/status` notification say. Pure: the
//! store gathers, this formats.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::config::Config;
use crate::store::TaskReport;
use crate::tasks::TaskState;
use crate::tasks::ratio::Shares;

/// What the learning log says (SPEC section 7); the log itself is `practices::learning`.
pub use crate::practices::learning::{Learning, learning};

fn time(ms: Option<i64>) -> Value {
    ms.and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or(Value::Null, |d| {
            Value::from(d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        })
}

/// How many characters of a task's name a status line shows.
const STATUS_NAME_CHARS: usize = 48;

/// A task's name as a status line shows it: one line, no control characters (status lines land
/// in prompts, tmux and terminal titles), at most [`STATUS_NAME_CHARS`] characters.
fn shown_name(name: &str) -> String {
    let name = crate::tasks::one_line(name);
    if name.chars().count() <= STATUS_NAME_CHARS {
        return name;
    }
    let mut short: String = name.chars().take(STATUS_NAME_CHARS - 1).collect();
    short.push('…');
    short
}

fn shares_json(s: Shares) -> Value {
    json!({"early": s.early, "late": s.late, "overall": s.overall})
}

/// `task show --json` (SPEC section 5).
pub fn task_json(r: &TaskReport) -> Value {
    let verdict = manual_verdict(r);
    json!({
        "name": r.task.name,
        "manual": r.task.manual,
        "state": r.task.state.as_str(),
        "started": time(Some(r.task.started_ms)),
        "finished": time(r.task.finished_ms),
        "work": r.split.work,
        "progress": r.split.progress(),
        "phase": r.split.phase(),
        "share": shares_json(r.split.shares()),
        "broken": verdict.broken,
        "outside_chars": verdict.outside_chars,
    })
}

/// How much outside help a task received; a manual task with more than a trace of it is broken
/// (see `practices::manual`).
pub fn manual_verdict(r: &TaskReport) -> crate::practices::manual::Verdict {
    crate::practices::manual::verdict(r.task.manual, r.split.work, r.split.outside)
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// Gathers the status of the workspace `root` from the store in `home` (read-only) and the
/// learning log. Without a store (none yet, or unreadable) the task part is empty, the rest is
/// still said: a prompt always gets an answer.
pub fn gather(
    home: &Path,
    root: &Path,
    config: &Config,
    now: chrono::DateTime<chrono::Local>,
) -> Status {
    gather_from(
        crate::store::Db::open_read_only(home).as_ref(),
        home,
        root,
        config,
        now,
    )
}

/// [`gather`] from the store `db` (none: there is none, or it cannot be read), which may be the
/// file or the session's memory (when the store had to degrade).
pub fn gather_from(
    db: Option<&crate::store::Db>,
    home: &Path,
    root: &Path,
    config: &Config,
    now: chrono::DateTime<chrono::Local>,
) -> Status {
    let root_s = root.to_string_lossy().into_owned();
    let mut status = Status {
        workspace: root_s.clone(),
        store: false,
        struggle: None,
        report: None,
        learning: learning(home, now.date_naive()),
        manual_tasks_finished_this_week: 0,
        audit: Audit::default(),
    };
    let Some(db) = db else {
        return status;
    };
    status.store = true;
    let implied = crate::tasks::implied(root, now.timestamp_millis());
    status.report = db
        .report(&root_s, crate::store::Which::Current(&implied), config)
        .ok()
        .flatten();
    let now_ms = now.timestamp_millis();
    status.struggle = db.struggle(&root_s, now_ms).map(|s| Struggling {
        minutes_left: ((s.ends_ms - now_ms) as f64 / 60_000.0).ceil() as i64,
        window: s,
    });
    let week_start = crate::practices::manual::week_start(now.date_naive())
        .and_hms_opt(0, 0, 0)
        .and_then(|d| d.and_local_timezone(chrono::Local).earliest())
        .map_or(now_ms, |d| d.timestamp_millis());
    status.manual_tasks_finished_this_week = db
        .manual_finished_since(week_start, &config.outside_help)
        .iter()
        .filter(|h| crate::practices::manual::verdict(true, h.work, h.outside).counts)
        .count() as u64;
    status.audit = Audit::of(db.audit_state(), now.date_naive());
    status
}

/// A struggle window running now, and how many minutes are left of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Struggling {
    pub window: crate::store::tasks::Struggle,
    pub minutes_left: i64,
}

/// Where the monthly audit stands.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Audit {
    /// The local day the last audit was finished.
    pub last: Option<NaiveDate>,
    pub running: bool,
    /// An audit is due (see `practices::audit::due`).
    pub due: bool,
}

impl Audit {
    pub fn of(s: crate::store::practices::AuditState, today: NaiveDate) -> Audit {
        let day = |ms: Option<i64>| {
            ms.and_then(DateTime::<Utc>::from_timestamp_millis)
                .map(|d| d.with_timezone(&chrono::Local).date_naive())
        };
        let last = day(s.last_finished_ms);
        Audit {
            last,
            running: s.running,
            due: crate::practices::audit::due(last, day(s.history_since_ms), s.running, today),
        }
    }
}

#[derive(Default)]
pub struct Status {
    pub workspace: String,
    /// The store could be read (there is one, and it is sound).
    pub store: bool,
    /// The struggle window running now, if any.
    pub struggle: Option<Struggling>,
    pub report: Option<TaskReport>,
    pub learning: Learning,
    /// Manual tasks finished this week with (almost) no outside help.
    pub manual_tasks_finished_this_week: u64,
    pub audit: Audit,
}

impl Status {
    /// The line: the task, how far it is, and the outside-help shares of its early and late
    /// parts, with ⚠ when the early share is over the target. Empty with no task.
    pub fn text(&self, config: &Config) -> String {
        if let Some(fmt) = &config.status_format {
            // No store, no data: a template has nothing to fill in (SPEC section 1).
            return if self.store {
                self.format(fmt)
            } else {
                String::new()
            };
        }
        let struggle = self.struggle.map_or_else(String::new, |s| {
            let attempts = s.window.attempts;
            let plural = if attempts == 1 { "" } else { "s" };
            format!(" · ⏳ {}m left, {attempts} attempt{plural}", s.minutes_left)
        });
        let line = self.task_line(config, &struggle);
        // The practices: this week's feature without AI (beside a task), and reminders.
        let mut parts: Vec<String> = Vec::new();
        if !line.is_empty() {
            parts.push(line);
            parts.push(
                crate::practices::manual::week_note(self.manual_tasks_finished_this_week).into(),
            );
        }
        parts.extend(crate::practices::learning::silent_note(&self.learning));
        if self.audit.due {
            parts.push(crate::practices::audit::due_note(self.audit.last));
        }
        parts.join(" · ")
    }

    /// The task part of the line (with the struggle window); empty with neither.
    fn task_line(&self, config: &Config, struggle: &str) -> String {
        let Some(r) = &self.report else {
            return struggle.trim_start_matches(" · ").to_string();
        };
        let s = r.split.shares();
        let warn = if s.early.is_some_and(|e| e > config.target_early_share) {
            " ⚠"
        } else {
            ""
        };
        let manual = if r.task.manual { " (manual)" } else { "" };
        let done = if r.task.is_finished() { " done" } else { "" };
        format!(
            "{}{manual} {:.0}%{done} · AI {} early / {} late{warn}{struggle}",
            shown_name(&r.task.name),
            r.split.progress() * 100.0,
            pct(s.early),
            pct(s.late)
        )
    }

    /// Fills a `--format` template: `{task} {phase} {early} {late} {overall} {progress} {silent}`.
    pub fn format(&self, template: &str) -> String {
        let (task, phase, shares, progress) = match &self.report {
            Some(r) => (
                shown_name(&r.task.name),
                r.split.phase(),
                r.split.shares(),
                Some(r.split.progress()),
            ),
            None => (String::new(), "", Shares::default(), None),
        };
        template
            .replace("{task}", &task)
            .replace("{phase}", phase)
            .replace("{early}", &pct(shares.early))
            .replace("{late}", &pct(shares.late))
            .replace("{overall}", &pct(shares.overall))
            .replace("{progress}", &pct(progress))
            .replace(
                "{silent}",
                &self
                    .learning
                    .days_silent
                    .map_or_else(|| "–".into(), |d| d.to_string()),
            )
    }

    /// What is true of the current task for outside help arriving now (the tags the provenance
    /// book gives it): its phase, whether it is a manual task at work, whether a struggle window
    /// runs.
    pub fn task_context(&self) -> crate::pipeline::book::TaskContext {
        let task = self.report.as_ref();
        crate::pipeline::book::TaskContext {
            early: task.is_none_or(|r| r.split.phase() == "early"),
            manual: task.is_some_and(|r| r.task.manual && r.task.state == TaskState::Active),
            struggle: self.struggle.is_some(),
        }
    }

    /// `status --json` (SPEC section 6).
    pub fn to_json(&self, config: &Config) -> Value {
        let task = self.report.as_ref().map(|r| {
            json!({
                "name": r.task.name,
                "manual": r.task.manual,
                "state": r.task.state.as_str(),
                "work": r.split.work,
                "progress": r.split.progress(),
                "phase": r.split.phase(),
            })
        });
        let shares = self
            .report
            .as_ref()
            .map(|r| r.split.shares())
            .unwrap_or_default();
        json!({
            "workspace": self.workspace,
            "task": task,
            "share": shares_json(shares),
            "learning": {
                "last_entry": self.learning.last_entry.map(|d| d.format("%Y-%m-%d").to_string()),
                "days_silent": self.learning.days_silent,
            },
            "week": {"manual_tasks_finished": self.manual_tasks_finished_this_week},
            "audit": {
                "last": self.audit.last.map(|d| d.format("%Y-%m-%d").to_string()),
                "running": self.audit.running,
                "due": self.audit.due,
            },
            "struggle": self.struggle.map(|s| json!({
                "ends": time(Some(s.window.ends_ms)),
                "minutes_left": s.minutes_left,
                "attempts": s.window.attempts,
            })),
            "text": self.text(config),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::Task;
    use crate::tasks::ratio::{Split, Work};

    fn report(work: &[(u64, bool)], state: &str) -> TaskReport {
        let w = work.iter().map(|&(chars, outside)| Work { chars, outside });
        TaskReport {
            task: Task {
                id: 1,
                root: "/ws".into(),
                name: "parser".into(),
                implied: None,
                manual: false,
                estimate_lines: None,
                state: TaskState::parse(state).unwrap(),
                started_ms: 0,
                finished_ms: None,
            },
            split: Split::of(
                w,
                if state == "finished" {
                    None
                } else {
                    Some(1000)
                },
            ),
        }
    }

    #[test]
    fn the_line_warns_when_the_early_share_is_over_target() {
        let config = Config::default();
        let mut s = Status {
            workspace: "/ws".into(),
            store: true,
            struggle: None,
            report: Some(report(&[(300, false), (100, true)], "active")),
            learning: Learning::default(),
            manual_tasks_finished_this_week: 0,
            audit: Audit::default(),
        };
        assert_eq!(
            s.text(&config),
            "parser 40% · AI 25% early / – late ⚠ · no manual task this week"
        );
        s.report = Some(report(&[(790, false), (10, true), (200, true)], "finished"));
        s.manual_tasks_finished_this_week = 1;
        assert_eq!(
            s.text(&config),
            "parser 100% done · AI 1% early / 100% late · manual this week ✓"
        );
        assert_eq!(
            s.format("{task}|{phase}|{early}|{late}|{overall}|{progress}|{silent}"),
            "parser|late|1%|100%|21%|100%|–"
        );
        let j = s.to_json(&config);
        assert_eq!(j["task"]["phase"], "late");
        assert_eq!(j["share"]["late"], 1.0);
        assert_eq!(
            j["task"].get("broken"),
            None,
            "status keeps its task fields"
        );
        s.report = None;
        assert_eq!(s.text(&config), "");
        assert_eq!(s.to_json(&config)["task"], Value::Null);
        assert_eq!(s.to_json(&config)["share"]["early"], Value::Null);
    }

    #[test]
    fn reminders_show_without_a_task() {
        let config = Config::default();
        let mut s = Status {
            workspace: "/ws".into(),
            store: true,
            struggle: None,
            report: None,
            learning: Learning {
                last_entry: NaiveDate::from_ymd_opt(2026, 11, 1),
                days_silent: Some(24),
            },
            manual_tasks_finished_this_week: 0,
            audit: Audit::default(),
        };
        assert_eq!(s.text(&config), "learning log silent 24 days");
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 10, d);
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let ms = |d: NaiveDate| {
            d.and_hms_opt(12, 0, 0)
                .unwrap()
                .and_local_timezone(chrono::Local)
                .unwrap()
                .timestamp_millis()
        };
        s.audit = Audit::of(
            crate::store::practices::AuditState {
                last_finished_ms: Some(ms(day(1).unwrap())),
                running: false,
                history_since_ms: None,
            },
            today,
        );
        assert_eq!(
            s.text(&config),
            "learning log silent 24 days · audit due (last 2026-10-01)"
        );
        assert_eq!(s.to_json(&config)["audit"]["due"], true);
        s.learning.days_silent = Some(14);
        s.audit = Audit::of(
            crate::store::practices::AuditState {
                last_finished_ms: Some(ms(day(30).unwrap())),
                running: false,
                history_since_ms: None,
            },
            today,
        );
        assert_eq!(s.text(&config), "");
    }

    #[test]
    fn task_json_says_whether_a_manual_task_was_broken() {
        let mut r = report(&[(100, false), (50, true)], "finished");
        assert_eq!(task_json(&r)["broken"], false);
        assert_eq!(task_json(&r)["outside_chars"], 50);
        r.task.manual = true;
        assert_eq!(task_json(&r)["broken"], true);
    }

    #[test]
    fn learning_log_dates() {
        let dir = tempfile::tempdir().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(learning(dir.path(), today), Learning::default());
        std::fs::write(
            dir.path().join("learning-log.md"),
            "# Log\n## 2026-11-20\nlifetimes\n## 2026-11-02\n## nonsense\n",
        )
        .unwrap();
        let l = learning(dir.path(), today);
        assert_eq!(l.last_entry, NaiveDate::from_ymd_opt(2026, 11, 20));
        assert_eq!(l.days_silent, Some(5));
    }
}
