//! One feature a week without AI: a manual task (`task start --manual`) counts for its week when
//! it was finished with (almost) no outside help. "Almost" forgives a stray paste of a name or a
//! path: at most [`MAX_OUTSIDE_CHARS`] characters of outside help AND at most
//! [`MAX_OUTSIDE_SHARE`] of the task's work. More than that and the manual task is broken. And a
//! feature is some work: a kept manual task with less than [`MIN_FEATURE_WORK`] characters of it
//! (started and finished at once, or done in an editor mindgap does not see) does not count.

use chrono::{Datelike, NaiveDate};

/// At most this many characters of outside help keep a manual task manual…
pub const MAX_OUTSIDE_CHARS: u64 = 40;
/// …and at most this share of its work.
pub const MAX_OUTSIDE_SHARE: f64 = 0.02;

/// A manual task needs at least this much work (characters typed or helped) to count as the
/// week's feature.
pub const MIN_FEATURE_WORK: u64 = 200;

/// How a manual task went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    pub broken: bool,
    /// A manual task, kept, with enough work to be the week's feature.
    pub counts: bool,
    pub work: u64,
    pub outside_chars: u64,
    /// Outside help ÷ work; `None` without work.
    pub share: Option<f64>,
}

/// The verdict on a task with `work` characters of work, `outside` of them outside help. A task
/// that is not manual is never broken.
pub fn verdict(manual: bool, work: u64, outside: u64) -> Verdict {
    let share = (work > 0).then(|| outside as f64 / work as f64);
    let broken =
        manual && (outside > MAX_OUTSIDE_CHARS || share.is_some_and(|s| s > MAX_OUTSIDE_SHARE));
    Verdict {
        broken,
        counts: manual && !broken && work >= MIN_FEATURE_WORK,
        work,
        outside_chars: outside,
        share,
    }
}

/// The Monday that starts the week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// One line about a manual task for `task show`/`task finish`.
pub fn describe(v: &Verdict) -> String {
    let share = v
        .share
        .map_or_else(String::new, |s| format!(", {:.1}% of the work", s * 100.0));
    if v.broken {
        format!(
            "  manual: broken — {} characters of outside help{share}; it does not count as this week's feature without AI",
            v.outside_chars
        )
    } else if !v.counts {
        format!(
            "  manual: kept, but {} characters of work is too little to count as this week's feature without AI (at least {MIN_FEATURE_WORK})",
            v.work
        )
    } else if v.outside_chars == 0 {
        "  manual: kept — no outside help".to_string()
    } else {
        format!(
            "  manual: kept — {} characters of outside help{share}, within what is forgiven ({MAX_OUTSIDE_CHARS} characters and {:.0}%)",
            v.outside_chars,
            MAX_OUTSIDE_SHARE * 100.0
        )
    }
}

/// The status line's word on this week's feature without AI.
pub fn week_note(finished_this_week: u64) -> &'static str {
    if finished_this_week > 0 {
        "manual this week ✓"
    } else {
        "no manual task this week"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn almost_no_help_is_forgiven_more_is_broken() {
        assert!(!verdict(true, 1000, 0).broken);
        assert!(!verdict(true, 2000, 40).broken); // 40 chars, 2%
        assert!(verdict(true, 2000, 41).broken); // over 40 characters
        assert!(verdict(true, 100, 10).broken); // 10%
        assert!(!verdict(false, 100, 100).broken); // not manual: never broken
        assert_eq!(verdict(true, 0, 0).share, None);
        // A feature is some work.
        assert!(!verdict(true, 0, 0).counts && !verdict(true, 199, 0).counts);
        assert!(verdict(true, 200, 0).counts && !verdict(false, 5000, 0).counts);
        assert!(!verdict(true, 2000, 41).counts);
        assert!(describe(&verdict(true, 100, 10)).contains("broken — 10 characters"));
        assert!(describe(&verdict(true, 100, 0)).contains("kept"));
    }

    #[test]
    fn weeks_start_on_monday() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(week_start(d("2026-11-25")), d("2026-11-23")); // a Wednesday
        assert_eq!(week_start(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(week_start(d("2026-11-29")), d("2026-11-23")); // Sunday
    }
}
