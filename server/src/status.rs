//! The status readout (SPEC section 6) and the task view (SPEC section 5): what `mindgap
//! status`, `mindgap task show` and the editor's `mindgap/status` notification say. Pure: the
//! store gathers, this formats.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::config::Config;
use crate::ratio::Shares;
use crate::store::TaskReport;

/// What the learning log says (SPEC section 7).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Learning {
    pub last_entry: Option<NaiveDate>,
    pub days_silent: Option<i64>,
}

/// Reads the dates of `<home>/learning-log.md` (`## YYYY-MM-DD` headings).
pub fn learning(home: &Path, today: NaiveDate) -> Learning {
    let Ok(text) = std::fs::read_to_string(home.join("learning-log.md")) else {
        return Learning::default();
    };
    let last = text
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|d| {
            NaiveDate::parse_from_str(d.trim().get(..10).unwrap_or(""), "%Y-%m-%d").ok()
        })
        .max();
    Learning {
        last_entry: last,
        days_silent: last.map(|d| (today - d).num_days().max(0)),
    }
}

fn time(ms: Option<i64>) -> Value {
    ms.and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or(Value::Null, |d| {
            Value::from(d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        })
}

fn shares_json(s: Shares) -> Value {
    json!({"early": s.early, "late": s.late, "overall": s.overall})
}

/// `task show --json` (SPEC section 5).
pub fn task_json(r: &TaskReport) -> Value {
    json!({
        "name": r.task.name,
        "manual": r.task.manual,
        "state": r.task.state,
        "started": time(Some(r.task.started_ms)),
        "finished": time(r.task.finished_ms),
        "work": r.split.work,
        "progress": r.split.progress(),
        "phase": r.split.phase(),
        "share": shares_json(r.split.shares()),
    })
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// Gathers the status of the workspace `root` from the store in `home` (read-only; `None` when
/// there is no store or it cannot be read).
pub fn gather(
    home: &Path,
    root: &Path,
    config: &Config,
    now: chrono::DateTime<chrono::Local>,
) -> Option<Status> {
    use chrono::Datelike;
    let db = crate::store::Db::open_read_only(home)?;
    let implied = crate::workspace::implied_task(root, &now.format("%Y-%m-%d").to_string()).0;
    let root_s = root.to_string_lossy();
    let report = db
        .report(
            &root_s,
            crate::store::Which::Current { implied: &implied },
            config,
        )
        .ok()?;
    let monday =
        now.date_naive() - chrono::Duration::days(i64::from(now.weekday().num_days_from_monday()));
    let week_start = monday
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(chrono::Local)
        .earliest()?
        .timestamp_millis();
    let now_ms = now.timestamp_millis();
    let struggle = db
        .struggle(&root_s, now_ms)
        .map(|s| (s, ((s.ends_ms - now_ms) as f64 / 60_000.0).ceil() as i64));
    Some(Status {
        workspace: root_s.into_owned(),
        struggle,
        report,
        learning: learning(home, now.date_naive()),
        manual_tasks_finished_this_week: db.manual_finished_since(week_start),
    })
}

pub struct Status {
    pub workspace: String,
    /// The struggle window running now, if any, and how many minutes are left of it.
    pub struggle: Option<(crate::store::tasks::Struggle, i64)>,
    pub report: Option<TaskReport>,
    pub learning: Learning,
    pub manual_tasks_finished_this_week: u64,
}

impl Status {
    /// The line: the task, how far it is, and the outside-help shares of its early and late
    /// parts, with ⚠ when the early share is over the target. Empty with no task.
    pub fn text(&self, config: &Config) -> String {
        if let Some(fmt) = &config.status_format {
            return self.format(fmt);
        }
        let struggle = self.struggle.map_or_else(String::new, |(s, left)| {
            let plural = if s.attempts == 1 { "" } else { "s" };
            format!(" · ⏳ {left}m left, {} attempt{plural}", s.attempts)
        });
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
        let done = if r.task.state == "finished" {
            " done"
        } else {
            ""
        };
        format!(
            "{}{manual} {:.0}%{done} · AI {} early / {} late{warn}{struggle}",
            r.task.name,
            r.split.progress() * 100.0,
            pct(s.early),
            pct(s.late)
        )
    }

    /// Fills a `--format` template: `{task} {phase} {early} {late} {overall} {progress} {silent}`.
    pub fn format(&self, template: &str) -> String {
        let (task, phase, shares, progress) = match &self.report {
            Some(r) => (
                r.task.name.as_str(),
                r.split.phase(),
                r.split.shares(),
                Some(r.split.progress()),
            ),
            None => ("", "", Shares::default(), None),
        };
        template
            .replace("{task}", task)
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

    /// `status --json` (SPEC section 6).
    pub fn to_json(&self, config: &Config) -> Value {
        let task = self.report.as_ref().map(|r| {
            json!({
                "name": r.task.name,
                "manual": r.task.manual,
                "state": r.task.state,
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
            "struggle": self.struggle.map(|(s, left)| json!({
                "ends": time(Some(s.ends_ms)),
                "minutes_left": left,
                "attempts": s.attempts,
            })),
            "text": self.text(config),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratio::{Split, Work};
    use crate::store::tasks::Task;

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
                state: state.into(),
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
            struggle: None,
            report: Some(report(&[(300, false), (100, true)], "active")),
            learning: Learning::default(),
            manual_tasks_finished_this_week: 0,
        };
        assert_eq!(s.text(&config), "parser 40% · AI 25% early / – late ⚠");
        s.report = Some(report(&[(790, false), (10, true), (200, true)], "finished"));
        assert_eq!(
            s.text(&config),
            "parser 100% done · AI 1% early / 100% late"
        );
        assert_eq!(
            s.format("{task}|{phase}|{early}|{late}|{overall}|{progress}|{silent}"),
            "parser|late|1%|100%|21%|100%|–"
        );
        let j = s.to_json(&config);
        assert_eq!(j["task"]["phase"], "late");
        assert_eq!(j["share"]["late"], 1.0);
        s.report = None;
        assert_eq!(s.text(&config), "");
        assert_eq!(s.to_json(&config)["task"], Value::Null);
        assert_eq!(s.to_json(&config)["share"]["early"], Value::Null);
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
