//! Computing the [`Report`] from its [`Input`]: the weeks of the period with each piece of work,
//! manual feature, learning-log entry, self-check and audit counted in the week (local time) it
//! happened; the tasks that ran in the period with their shares; and the signals of the gap.
//! Pure; "now" is `Input::now_ms`.

use chrono::{Duration, FixedOffset, NaiveDate};

use super::{Input, Learning, Report, TaskRow, Week};
use crate::practices::signals;
use crate::practices::timeline::{DAY_MS, Piece, local, monday, pieces, week_of};
use crate::store::history::{Audit, SelfCheck, TaskHistory};

fn task_row(t: &TaskHistory) -> TaskRow {
    let split = crate::tasks::ratio::Split::of(
        t.work.iter().map(|w| crate::tasks::ratio::Work {
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
        state: t.task.state,
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

/// The period a report shows, and the week within it a time falls in.
struct Period {
    since: i64,
    now: i64,
    offset: Option<FixedOffset>,
    /// The Monday of the period's first week.
    first: NaiveDate,
}

impl Period {
    /// The period's weeks, with nothing counted yet.
    fn weeks(&self) -> Vec<Week> {
        let last = week_of(self.now, self.offset);
        let mut weeks = Vec::new();
        let mut d = self.first;
        while d <= last {
            weeks.push(Week {
                start: d,
                ..Week::default()
            });
            d += Duration::days(7);
        }
        weeks
    }

    /// The index of the week holding `ms`; `None` outside the period.
    fn index(&self, ms: i64) -> Option<usize> {
        if ms < self.since || ms > self.now {
            return None;
        }
        let w = week_of(ms, self.offset);
        usize::try_from((w - self.first).num_days() / 7).ok()
    }
}

/// Counts each task's pieces of work, and each finished manual task, in their weeks. Returns
/// every piece in time order (for the signals) and the rows of the tasks that ran in the period.
fn count_tasks(input: &Input, period: &Period, weeks: &mut [Week]) -> (Vec<Piece>, Vec<TaskRow>) {
    let (since, now) = (period.since, period.now);
    let mut all_pieces = Vec::new();
    let mut tasks = Vec::new();
    for t in &input.tasks {
        let ps = pieces(t);
        for p in &ps {
            if let Some(w) = period.index(p.t_ms).and_then(|i| weeks.get_mut(i)) {
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
                    .and_then(|ms| period.index(ms))
                    .and_then(|i| weeks.get_mut(i))
            {
                w.manual_finished += 1;
                w.manual_broken += u32::from(row.broken);
            }
            tasks.push(row);
        }
    }
    all_pieces.sort_by_key(|p| p.t_ms);
    (all_pieces, tasks)
}

/// The learning log as of `today`: entries dated within the period (each counted in its week),
/// the last entry, and the days since.
fn count_learning(
    input: &Input,
    period: &Period,
    today: NaiveDate,
    weeks: &mut [Week],
) -> Learning {
    let mut learning = Learning {
        last_entry: input.learning.iter().copied().filter(|d| *d <= today).max(),
        ..Learning::default()
    };
    learning.days_silent = learning.last_entry.map(|d| (today - d).num_days().max(0));
    let since_date = local(period.since, period.offset).date_naive();
    for d in &input.learning {
        if *d >= since_date && *d <= today {
            learning.entries += 1;
            let i = ((monday(*d) - period.first).num_days() / 7) as usize;
            if let Some(w) = weeks.get_mut(i) {
                w.learning_entries += 1;
            }
        }
    }
    learning
}

/// The self-checks of the period, with each week's count and average ratings.
fn count_self_checks(input: &Input, period: &Period, weeks: &mut [Week]) -> Vec<SelfCheck> {
    let self_checks: Vec<SelfCheck> = input
        .self_checks
        .iter()
        .filter(|c| c.t_ms >= period.since && c.t_ms <= period.now)
        .copied()
        .collect();
    let mut sums = vec![[0u32; 5]; weeks.len()];
    for c in &self_checks {
        if let Some(i) = period.index(c.t_ms) {
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
    self_checks
}

/// The audits that ran in the period, each finished one counted in its week.
fn count_audits(input: &Input, period: &Period, weeks: &mut [Week]) -> Vec<Audit> {
    let audits: Vec<Audit> = input
        .audits
        .iter()
        .filter(|a| a.started_ms <= period.now && a.finished_ms.is_none_or(|f| f >= period.since))
        .cloned()
        .collect();
    for a in &audits {
        if let Some(w) = a
            .finished_ms
            .and_then(|ms| period.index(ms))
            .and_then(|i| weeks.get_mut(i))
        {
            w.audits_finished += 1;
        }
    }
    audits
}

/// Computes the report.
pub fn build(input: &Input) -> Report {
    let offset = input.offset;
    let now = input.now_ms;
    let since = input.since_ms.min(now);
    let period = Period {
        since,
        now,
        offset,
        first: week_of(since, offset),
    };
    let mut weeks = period.weeks();
    let (all_pieces, tasks) = count_tasks(input, &period, &mut weeks);
    let today = local(now, offset).date_naive();
    let learning = count_learning(input, &period, today, &mut weeks);
    let self_checks = count_self_checks(input, &period, &mut weeks);
    let audits = count_audits(input, &period, &mut weeks);

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
