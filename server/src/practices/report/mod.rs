//! `mindgap report`: the weeks of a period at a glance — outside-help shares of the early and late
//! parts of tasks, the tasks themselves, manual features, the learning log, audits, self-checks
//! and the signals of a gap opening. Pure: the store gathers ([`Input`]), [`build`] computes the
//! [`Report`], and `text`, `json` and `html` render it. "Now" is always a parameter.
//!
//! This file owns the model (what a report holds) and the number formats the renderers share;
//! `compute` builds it, counting work in the terms of `practices::timeline` (pieces, local
//! weeks), which the signals share without importing anything from here. `output` is the one
//! part that touches disk: it reads the store and the learning log for a period, renders, and
//! writes private files, for the CLI and the editor's command alike.

mod compute;
pub mod html;
pub mod json;
pub mod output;
pub mod text;

use chrono::{Datelike, FixedOffset, NaiveDate};

use crate::practices::signals::Signal;
use crate::practices::timeline::local;
use crate::store::history::{Audit, FileDay, SelfCheck, TaskHistory};
use crate::tasks::ratio::Shares;

pub use compute::build;

/// What the store and the learning log hold, as the report needs it.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub now_ms: i64,
    /// The start of the period the report shows.
    pub since_ms: i64,
    /// The person's UTC offset: weeks start on Monday at local midnight.
    pub offset: Option<FixedOffset>,
    pub target_early_share: f64,
    /// `false` when there is no store yet.
    pub store: bool,
    /// Tasks that ran since `since_ms` or in the eight weeks before now (for the signals).
    pub tasks: Vec<TaskHistory>,
    /// Work per file and day, since at least eight weeks before now.
    pub files: Vec<FileDay>,
    pub self_checks: Vec<SelfCheck>,
    pub audits: Vec<Audit>,
    /// The dates of the learning log's entries.
    pub learning: Vec<NaiveDate>,
}

/// One ISO week (Monday to Sunday, local time).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Week {
    pub start: NaiveDate,
    pub early_work: f64,
    pub early_outside: f64,
    pub late_work: f64,
    pub late_outside: f64,
    pub manual_finished: u32,
    /// Manual tasks finished this week with notable outside help.
    pub manual_broken: u32,
    pub learning_entries: u32,
    pub self_checks: u32,
    /// The week's self-checks: the average of all answers, and per question.
    pub self_check_average: Option<f64>,
    pub self_check_q: [Option<f64>; 5],
    pub audits_finished: u32,
}

impl Week {
    /// `2026-W48`.
    pub fn label(&self) -> String {
        let w = self.start.iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    }

    pub fn work(&self) -> f64 {
        self.early_work + self.late_work
    }

    pub fn shares(&self) -> Shares {
        let share = |part: f64, whole: f64| (whole > 0.0).then(|| part / whole);
        Shares {
            early: share(self.early_outside, self.early_work),
            late: share(self.late_outside, self.late_work),
            overall: share(self.early_outside + self.late_outside, self.work()),
        }
    }
}

/// A task of the period with its shares.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRow {
    pub name: String,
    pub root: String,
    pub manual: bool,
    pub state: crate::tasks::TaskState,
    pub started_ms: i64,
    pub finished_ms: Option<i64>,
    pub work: u64,
    pub shares: Shares,
    /// A manual task with notable outside help.
    pub broken: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Learning {
    /// Entries dated within the period.
    pub entries: usize,
    pub last_entry: Option<NaiveDate>,
    pub days_silent: Option<i64>,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub now_ms: i64,
    pub since_ms: i64,
    pub offset: Option<FixedOffset>,
    pub target_early_share: f64,
    pub store: bool,
    pub weeks: Vec<Week>,
    pub tasks: Vec<TaskRow>,
    pub learning: Learning,
    pub self_checks: Vec<SelfCheck>,
    pub audits: Vec<Audit>,
    pub signals: Vec<Signal>,
}

impl Report {
    /// Nothing recorded in the period: no work, no practice.
    pub fn is_empty(&self) -> bool {
        self.tasks.iter().all(|t| t.work == 0)
            && self.weeks.iter().all(|w| w.work() == 0.0)
            && self.self_checks.is_empty()
            && self.audits.is_empty()
            && self.learning.entries == 0
    }

    /// The whole period's shares.
    pub fn shares(&self) -> Shares {
        let mut all = Week::default();
        for w in &self.weeks {
            all.early_work += w.early_work;
            all.early_outside += w.early_outside;
            all.late_work += w.late_work;
            all.late_outside += w.late_outside;
        }
        all.shares()
    }

    pub fn date(&self, ms: i64) -> NaiveDate {
        local(ms, self.offset).date_naive()
    }
}

/// `0.2` → `20%`; `–` for no value.
pub fn pct(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v > 0.0 && v < 0.005 => "<1%".into(),
        Some(v) => format!("{:.0}%", v * 100.0),
    }
}

/// `12345` → `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
