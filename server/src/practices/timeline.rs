//! Work on the calendar: each task's work split into its early and late pieces with when they
//! happened, and the local days and ISO weeks they are counted in. The report
//! (`practices::report`) and the signals (`practices::signals`) both count in these terms; it
//! lives here, below both, so neither has to import the other's helpers (the report uses the
//! signals, the signals use only this). Pure; "now" is always a parameter.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};

use crate::store::history::TaskHistory;
use crate::tasks::ratio::EARLY;

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// A share of one piece of work that fell in a task's early or late part, when it happened.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Piece {
    pub t_ms: i64,
    pub early_work: f64,
    pub early_outside: f64,
    pub late_work: f64,
    pub late_outside: f64,
}

/// The time `ms` at the person's UTC offset (UTC when unknown).
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
