//! The report's model on small records: weeks in local time, early and late parts, the period's
//! tasks, manual features, the learning log, self-checks; and the fixtures the renderers' tests
//! share (`NOW`, `task`).

use chrono::{Datelike, Duration, FixedOffset, NaiveDate};

use super::{Input, Week, build, pct, thousands};
use crate::practices::timeline::{DAY_MS, local, week_of};
use crate::store::history::{SelfCheck, TaskHistory, TimedWork};
use crate::tasks::ratio::Shares;
use crate::tasks::{Task, TaskState};

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
                TaskState::Finished
            } else {
                TaskState::Active
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
    old.task.state = TaskState::Paused;
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
