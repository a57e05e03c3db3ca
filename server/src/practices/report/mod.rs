//! `mindgap report`: the weeks of a period at a glance — outside-help shares of the early and late
//! parts of tasks, the tasks themselves, manual features, the learning log, audits, self-checks
//! and the signals of a gap opening. Pure: the store gathers ([`Input`]), [`build`] computes the
//! [`Report`], and `text`, `json` and `html` render it. "Now" is always a parameter.

pub mod html;
pub mod json;
pub mod text;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};

use crate::practices::signals::{self, Signal};
use crate::ratio::{EARLY, Shares};
use crate::store::history::{Audit, FileDay, SelfCheck, TaskHistory};

pub const DAY_MS: i64 = 86_400_000;

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

/// A share of one piece of work that fell in a task's early or late part, when it happened.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Piece {
    pub t_ms: i64,
    pub early_work: f64,
    pub early_outside: f64,
    pub late_work: f64,
    pub late_outside: f64,
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
    pub state: String,
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

pub fn local(ms: i64, offset: Option<FixedOffset>) -> DateTime<FixedOffset> {
    let offset = offset.unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset)
}

/// The Monday of the week holding `date`.
pub fn monday(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The Monday (local time) of the week holding `ms`.
pub fn week_of(ms: i64, offset: Option<FixedOffset>) -> NaiveDate {
    monday(local(ms, offset).date_naive())
}

/// Splits each task's work into its early and late parts (SPEC section 5: exact once finished,
/// against the expected size while it runs) and keeps when each part happened.
pub fn pieces(task: &TaskHistory) -> Vec<Piece> {
    let total: u64 = task.work.iter().map(|w| w.chars).sum();
    let size = match task.expected {
        Some(e) => e.max(total) as f64,
        None => total as f64,
    };
    let boundary = EARLY * size;
    let mut done = 0.0;
    let mut out = Vec::with_capacity(task.work.len());
    for w in task.work.iter().filter(|w| w.chars > 0) {
        let n = w.chars as f64;
        let early = (boundary - done).clamp(0.0, n);
        let late = n - early;
        let o = if w.outside { 1.0 } else { 0.0 };
        out.push(Piece {
            t_ms: w.t_ms,
            early_work: early,
            early_outside: early * o,
            late_work: late,
            late_outside: late * o,
        });
        done += n;
    }
    out
}

fn task_row(t: &TaskHistory) -> TaskRow {
    let split = crate::ratio::Split::of(
        t.work.iter().map(|w| crate::ratio::Work {
            chars: w.chars,
            outside: w.outside,
        }),
        t.expected,
    );
    let shares = split.shares();
    TaskRow {
        name: t.task.name.clone(),
        root: t.task.root.clone(),
        manual: t.task.manual,
        state: t.task.state.as_str().to_string(),
        started_ms: t.task.started_ms,
        finished_ms: t.task.finished_ms,
        work: split.work,
        broken: crate::practices::manual::verdict(t.task.manual, split.work, split.outside).broken,
        shares,
    }
}

/// Manual tasks finished since `since_ms` that count as a feature without AI (kept, and with
/// enough work: `practices::manual`).
fn manual_features_since(tasks: &[TaskHistory], since_ms: i64) -> u64 {
    tasks
        .iter()
        .filter(|t| t.task.is_finished() && t.task.finished_ms.is_some_and(|f| f >= since_ms))
        .filter(|t| {
            let work: u64 = t.work.iter().map(|w| w.chars).sum();
            let outside: u64 = t.work.iter().filter(|w| w.outside).map(|w| w.chars).sum();
            crate::practices::manual::verdict(t.task.manual, work, outside).counts
        })
        .count() as u64
}

/// Computes the report.
pub fn build(input: &Input) -> Report {
    let offset = input.offset;
    let now = input.now_ms;
    let since = input.since_ms.min(now);
    let first = week_of(since, offset);
    let last = week_of(now, offset);
    let mut weeks = Vec::new();
    let mut d = first;
    while d <= last {
        weeks.push(Week {
            start: d,
            ..Week::default()
        });
        d += Duration::days(7);
    }
    let index = |ms: i64| -> Option<usize> {
        if ms < since || ms > now {
            return None;
        }
        let w = week_of(ms, offset);
        usize::try_from((w - first).num_days() / 7).ok()
    };

    let mut all_pieces = Vec::new();
    let mut tasks = Vec::new();
    for t in &input.tasks {
        let ps = pieces(t);
        for p in &ps {
            if let Some(w) = index(p.t_ms).and_then(|i| weeks.get_mut(i)) {
                w.early_work += p.early_work;
                w.early_outside += p.early_outside;
                w.late_work += p.late_work;
                w.late_outside += p.late_outside;
            }
        }
        all_pieces.extend(ps);
        let in_period = t.task.started_ms <= now
            && (t.task.started_ms >= since
                || t.task.finished_ms.is_some_and(|f| f >= since)
                || t.work.iter().any(|w| w.t_ms >= since));
        if in_period {
            let row = task_row(t);
            if t.task.is_finished()
                && row.manual
                && let Some(w) = t
                    .task
                    .finished_ms
                    .and_then(index)
                    .and_then(|i| weeks.get_mut(i))
            {
                w.manual_finished += 1;
                w.manual_broken += u32::from(row.broken);
            }
            tasks.push(row);
        }
    }
    all_pieces.sort_by_key(|p| p.t_ms);

    let today = local(now, offset).date_naive();
    let mut learning = Learning {
        last_entry: input.learning.iter().copied().filter(|d| *d <= today).max(),
        ..Learning::default()
    };
    learning.days_silent = learning.last_entry.map(|d| (today - d).num_days().max(0));
    let since_date = local(since, offset).date_naive();
    for d in &input.learning {
        if *d >= since_date && *d <= today {
            learning.entries += 1;
            let i = ((monday(*d) - first).num_days() / 7) as usize;
            if let Some(w) = weeks.get_mut(i) {
                w.learning_entries += 1;
            }
        }
    }

    let self_checks: Vec<SelfCheck> = input
        .self_checks
        .iter()
        .filter(|c| c.t_ms >= since && c.t_ms <= now)
        .copied()
        .collect();
    let mut sums = vec![[0u32; 5]; weeks.len()];
    for c in &self_checks {
        if let Some(i) = index(c.t_ms) {
            weeks[i].self_checks += 1;
            for (s, q) in sums[i].iter_mut().zip(c.q) {
                *s += u32::from(q);
            }
        }
    }
    for (w, s) in weeks.iter_mut().zip(&sums) {
        if w.self_checks > 0 {
            let n = f64::from(w.self_checks);
            for (q, s) in w.self_check_q.iter_mut().zip(s) {
                *q = Some(f64::from(*s) / n);
            }
            w.self_check_average = Some(f64::from(s.iter().sum::<u32>()) / (5.0 * n));
        }
    }
    let audits: Vec<Audit> = input
        .audits
        .iter()
        .filter(|a| a.started_ms <= now && a.finished_ms.is_none_or(|f| f >= since))
        .cloned()
        .collect();
    for a in &audits {
        if let Some(w) = a.finished_ms.and_then(index).and_then(|i| weeks.get_mut(i)) {
            w.audits_finished += 1;
        }
    }

    let signals = signals::all(&signals::Inputs {
        now_ms: now,
        pieces: &all_pieces,
        files: &input.files,
        today,
        learning_last: learning.last_entry,
        manual_finished_14d: manual_features_since(&input.tasks, now - 14 * DAY_MS),
    });

    Report {
        now_ms: now,
        since_ms: since,
        offset,
        target_early_share: input.target_early_share,
        store: input.store,
        weeks,
        tasks,
        learning,
        self_checks,
        audits,
        signals,
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
pub(crate) mod tests {
    use super::*;
    use crate::store::history::TimedWork;
    use crate::tasks::Task;

    /// 2026-11-25 12:00 UTC, a Wednesday.
    pub const NOW: i64 = 1_795_608_000_000;

    pub fn task(
        id: i64,
        name: &str,
        manual: bool,
        finished: Option<i64>,
        work: &[(i64, u64, bool)],
    ) -> TaskHistory {
        TaskHistory {
            task: Task {
                id,
                root: "/ws".into(),
                name: name.into(),
                implied: None,
                manual,
                estimate_lines: None,
                state: if finished.is_some() {
                    crate::tasks::TaskState::Finished
                } else {
                    crate::tasks::TaskState::Active
                },
                started_ms: work.first().map_or(NOW, |w| w.0),
                finished_ms: finished,
            },
            work: work
                .iter()
                .map(|&(t_ms, chars, outside)| TimedWork {
                    t_ms,
                    chars,
                    outside,
                })
                .collect(),
            expected: if finished.is_some() { None } else { Some(2400) },
        }
    }

    #[test]
    fn now_is_a_wednesday_in_week_48() {
        let d = local(NOW, None).date_naive();
        assert_eq!(d, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert_eq!(d.weekday(), chrono::Weekday::Wed);
    }

    #[test]
    fn weeks_start_on_monday_in_local_time() {
        let mon = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(week_of(NOW, None), mon);
        // Sunday 23:30 UTC is already Monday in UTC+1.
        let sunday_late = NOW - 2 * DAY_MS - 12 * 3_600_000 - 1_800_000;
        assert_eq!(week_of(sunday_late, None), mon - Duration::days(7));
        assert_eq!(week_of(sunday_late, FixedOffset::east_opt(3600)), mon);
        let w = Week {
            start: mon,
            ..Week::default()
        };
        assert_eq!(w.label(), "2026-W48");
    }

    #[test]
    fn work_goes_to_the_week_it_happened_in_its_early_or_late_part() {
        // 1000 chars: 700 typed two weeks ago, then 300 pasted this week across the boundary.
        let t = task(
            1,
            "parser",
            false,
            Some(NOW - 1000),
            &[(NOW - 14 * DAY_MS, 700, false), (NOW - DAY_MS, 300, true)],
        );
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 28 * DAY_MS,
            tasks: vec![t],
            target_early_share: 0.2,
            store: true,
            ..Input::default()
        });
        assert_eq!(r.weeks.len(), 5);
        let this = r.weeks.last().unwrap();
        assert_eq!((this.early_work, this.early_outside), (100.0, 100.0));
        assert_eq!((this.late_work, this.late_outside), (200.0, 200.0));
        let two_ago = &r.weeks[2];
        assert_eq!((two_ago.early_work, two_ago.early_outside), (700.0, 0.0));
        assert_eq!(two_ago.shares().late, None);
        assert_eq!(r.shares().early, Some(0.125));
        assert_eq!(r.tasks.len(), 1);
        assert_eq!(r.tasks[0].shares.overall, Some(0.3));
        assert!(!r.is_empty());
    }

    #[test]
    fn tasks_idle_in_the_period_are_left_out_but_count_for_nothing() {
        let mut old = task(
            1,
            "2026-09-01",
            false,
            None,
            &[(NOW - 80 * DAY_MS, 500, true)],
        );
        old.task.state = crate::tasks::TaskState::Paused;
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 14 * DAY_MS,
            tasks: vec![old],
            store: true,
            ..Input::default()
        });
        assert!(r.tasks.is_empty());
        assert!(r.weeks.iter().all(|w| w.work() == 0.0));
        assert!(r.is_empty());
    }

    #[test]
    fn manual_features_per_week_and_broken_ones() {
        let clean = task(
            1,
            "a",
            true,
            Some(NOW - 8 * DAY_MS),
            &[(NOW - 9 * DAY_MS, 500, false)],
        );
        let broken = task(
            2,
            "b",
            true,
            Some(NOW - DAY_MS),
            &[(NOW - 2 * DAY_MS, 500, false), (NOW - DAY_MS - 5, 50, true)],
        );
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 14 * DAY_MS,
            tasks: vec![clean, broken],
            store: true,
            ..Input::default()
        });
        let n = r.weeks.len();
        assert_eq!(
            (r.weeks[n - 2].manual_finished, r.weeks[n - 2].manual_broken),
            (1, 0)
        );
        assert_eq!(
            (r.weeks[n - 1].manual_finished, r.weeks[n - 1].manual_broken),
            (1, 1)
        );
        assert!(r.tasks[1].broken && !r.tasks[0].broken);
    }

    #[test]
    fn only_a_kept_manual_task_with_real_work_silences_the_manual_signal() {
        let fires = |tasks: Vec<TaskHistory>| {
            let mut tasks = tasks;
            // Enough recent work for the signal to look at all.
            tasks.push(task(
                9,
                "daily",
                false,
                None,
                &[(NOW - DAY_MS, 1000, false)],
            ));
            build(&Input {
                now_ms: NOW,
                since_ms: NOW - 14 * DAY_MS,
                tasks,
                store: true,
                ..Input::default()
            })
            .signals
            .iter()
            .any(|s| s.id == "no-manual-feature")
        };
        let at = Some(NOW - 3 * DAY_MS);
        assert!(fires(vec![]));
        assert!(fires(vec![task(
            1,
            "tiny",
            true,
            at,
            &[(NOW - 4 * DAY_MS, 50, false)]
        )]));
        let helped = [
            (NOW - 4 * DAY_MS, 500, false),
            (NOW - 4 * DAY_MS + 9, 300, true),
        ];
        assert!(fires(vec![task(2, "helped", true, at, &helped)]));
        assert!(!fires(vec![task(
            3,
            "real",
            true,
            at,
            &[(NOW - 4 * DAY_MS, 900, false)]
        )]));
    }

    #[test]
    fn learning_entries_and_self_checks_per_week() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 15 * DAY_MS,
            learning: crate::practices::learning::parse(
                "# log\n## 2026-11-24\nlearnt\n## 2026-11-10 retro\nx\n## 2025-01-01\n## bogus\n",
            )
            .iter()
            .map(|e| e.date)
            .collect(),
            self_checks: vec![
                SelfCheck {
                    t_ms: NOW - DAY_MS,
                    q: [1, 2, 3, 4, 5],
                },
                SelfCheck {
                    t_ms: NOW - 2 * DAY_MS,
                    q: [3, 3, 3, 3, 3],
                },
            ],
            store: true,
            ..Input::default()
        });
        assert_eq!(r.learning.entries, 2);
        assert_eq!(r.learning.last_entry, Some(today - Duration::days(1)));
        assert_eq!(r.learning.days_silent, Some(1));
        let w = r.weeks.last().unwrap();
        assert_eq!(w.learning_entries, 1);
        assert_eq!(w.self_checks, 2);
        assert_eq!(w.self_check_average, Some(3.0));
        assert_eq!(w.self_check_q[0], Some(2.0));
    }

    #[test]
    fn an_empty_store_is_an_empty_report() {
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 56 * DAY_MS,
            ..Input::default()
        });
        assert!(r.is_empty());
        assert_eq!(r.weeks.len(), 9);
        assert_eq!(r.shares(), Shares::default());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(pct(None), "–");
        assert_eq!(pct(Some(0.001)), "<1%");
        assert_eq!(pct(Some(0.256)), "26%");
    }
}
