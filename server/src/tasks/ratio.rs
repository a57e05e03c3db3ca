//! The first-80% / last-20% arithmetic (SPEC section 5), pure: from a task's work in time order
//! to its early, late and overall outside-help shares.
//!
//! Work is the inserted characters of typed text and of outside help. The early part is the
//! first 80% of a task's work, the late part the rest; an event straddling the boundary is split
//! in proportion. At `finish` the boundary is 80% of the work done; while the task runs it is
//! 80% of the expected size (or of the work done, once that is larger).

use serde::Serialize;

/// Where the early part ends, as a fraction of the task.
pub const EARLY: f64 = 0.8;

/// One piece of work: characters, and whether they were outside help.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Work {
    pub chars: u64,
    pub outside: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Split {
    /// All work so far.
    pub work: u64,
    pub outside: u64,
    pub early_work: f64,
    pub early_outside: f64,
    pub late_work: f64,
    pub late_outside: f64,
    /// The size the split was measured against (work at finish, else the expected size).
    pub size: f64,
}

/// Outside-help shares; `None` where there is no work to share.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Shares {
    pub early: Option<f64>,
    pub late: Option<f64>,
    pub overall: Option<f64>,
}

impl Split {
    /// Splits `work` (in time order). `expected` is the task's expected size in characters while
    /// it runs; `None` once it is finished (the split is then exact).
    pub fn of(work: impl IntoIterator<Item = Work>, expected: Option<u64>) -> Split {
        let items: Vec<Work> = work.into_iter().filter(|w| w.chars > 0).collect();
        let total: u64 = items.iter().map(|w| w.chars).sum();
        let size = match expected {
            Some(e) => (e.max(total)) as f64,
            None => total as f64,
        };
        let boundary = EARLY * size;
        let mut s = Split {
            work: total,
            size,
            ..Split::default()
        };
        // Whole items add up as integers and the one item across the boundary is added once,
        // so the split does not depend on how the work is grouped (the store sums segments).
        let (mut early, mut late, mut early_out, mut late_out) = (0u64, 0u64, 0u64, 0u64);
        let (mut cut_early, mut cut_late, mut cut_outside) = (0.0, 0.0, false);
        let mut done = 0.0;
        for w in items {
            let n = w.chars as f64;
            let e = (boundary - done).clamp(0.0, n);
            if e == n {
                early += w.chars;
                early_out += if w.outside { w.chars } else { 0 };
            } else if e == 0.0 {
                late += w.chars;
                late_out += if w.outside { w.chars } else { 0 };
            } else {
                (cut_early, cut_late, cut_outside) = (e, n - e, w.outside);
            }
            if w.outside {
                s.outside += w.chars;
            }
            done += n;
        }
        let (co_early, co_late) = if cut_outside {
            (cut_early, cut_late)
        } else {
            (0.0, 0.0)
        };
        s.early_work = early as f64 + cut_early;
        s.late_work = late as f64 + cut_late;
        s.early_outside = early_out as f64 + co_early;
        s.late_outside = late_out as f64 + co_late;
        s
    }

    pub fn shares(&self) -> Shares {
        let share = |part: f64, whole: f64| (whole > 0.0).then(|| part / whole);
        Shares {
            early: share(self.early_outside, self.early_work),
            late: share(self.late_outside, self.late_work),
            overall: share(self.outside as f64, self.work as f64),
        }
    }

    /// How far through the task the work is (0–1).
    pub fn progress(&self) -> f64 {
        if self.size > 0.0 {
            (self.work as f64 / self.size).min(1.0)
        } else {
            0.0
        }
    }

    /// "early" until the work passes 80% of the size, then "late".
    pub fn phase(&self) -> &'static str {
        if self.size > 0.0 && self.work as f64 >= EARLY * self.size {
            "late"
        } else {
            "early"
        }
    }
}

/// The expected size of a running task, in characters (SPEC section 5): its estimate in lines
/// times the workspace's characters per line, else the median work of the last ten finished
/// tasks, else 2,400.
pub fn expected_size(
    estimate_lines: Option<u64>,
    chars_per_line: f64,
    recent_finished: &[u64],
) -> u64 {
    if let Some(lines) = estimate_lines {
        return (lines as f64 * chars_per_line).round().max(1.0) as u64;
    }
    let mut last: Vec<u64> = recent_finished
        .iter()
        .copied()
        .filter(|w| *w > 0)
        .take(10)
        .collect();
    if last.is_empty() {
        return 2_400;
    }
    last.sort_unstable();
    let n = last.len();
    if n % 2 == 1 {
        last[n / 2]
    } else {
        (last[n / 2 - 1] + last[n / 2]) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(chars: u64, outside: bool) -> Work {
        Work { chars, outside }
    }

    #[test]
    fn exact_split_at_finish_with_an_event_straddling_the_boundary() {
        // 100 chars of work: 60 typed, then a 30-char paste across the 80-char boundary, then 10 typed.
        let s = Split::of([w(60, false), w(30, true), w(10, false)], None);
        assert_eq!(s.work, 100);
        assert_eq!((s.early_work, s.early_outside), (80.0, 20.0));
        assert_eq!((s.late_work, s.late_outside), (20.0, 10.0));
        let sh = s.shares();
        assert_eq!(sh.early, Some(0.25));
        assert_eq!(sh.late, Some(0.5));
        assert_eq!(sh.overall, Some(0.3));
        assert_eq!(s.phase(), "late");
        assert_eq!(s.progress(), 1.0);
    }

    #[test]
    fn the_healthy_shape() {
        let s = Split::of([w(800, false), w(150, true), w(50, false)], None);
        let sh = s.shares();
        assert_eq!(sh.early, Some(0.0));
        assert_eq!(sh.late, Some(0.75));
    }

    #[test]
    fn a_task_with_no_work_has_no_shares() {
        let s = Split::of([w(0, true)], Some(2400));
        assert_eq!(
            s.shares(),
            Shares {
                early: None,
                late: None,
                overall: None
            }
        );
        assert_eq!((s.progress(), s.phase()), (0.0, "early"));
        let s = Split::of([], None);
        assert_eq!(s.shares(), Shares::default());
    }

    #[test]
    fn live_split_uses_the_expected_size() {
        // Expected 1000: the first 800 characters are early, whatever has happened so far.
        let s = Split::of([w(500, false), w(100, true)], Some(1000));
        assert_eq!(s.shares().early, Some(100.0 / 600.0));
        assert_eq!(s.shares().late, None);
        assert_eq!((s.progress(), s.phase()), (0.6, "early"));
        let s = Split::of([w(700, false), w(200, true)], Some(1000));
        assert_eq!((s.early_work, s.early_outside), (800.0, 100.0));
        assert_eq!(s.phase(), "late");
    }

    #[test]
    fn a_task_larger_than_estimated_grows_its_size() {
        let s = Split::of([w(1500, false), w(500, true)], Some(1000));
        assert_eq!(s.size, 2000.0);
        assert_eq!((s.early_work, s.early_outside), (1600.0, 100.0));
        assert_eq!(s.shares().late, Some(1.0));
        assert_eq!(s.progress(), 1.0);
        // ...and then equals the exact split at finish.
        assert_eq!(s, Split::of([w(1500, false), w(500, true)], None));
    }

    #[test]
    fn expected_sizes() {
        assert_eq!(expected_size(Some(50), 40.0, &[100]), 2000);
        assert_eq!(expected_size(None, 40.0, &[300, 100, 200]), 200);
        assert_eq!(expected_size(None, 40.0, &[400, 100, 200, 300]), 250);
        assert_eq!(expected_size(None, 40.0, &[]), 2400);
    }
}
