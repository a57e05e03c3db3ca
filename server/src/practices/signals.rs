//! Signals of the gap: patterns in the record that suggest skill is slipping while output goes on.
//! Pure functions over what the store returns, with "now" as a parameter; each signal comes with a
//! plain sentence and the numbers behind it. They count work in the terms of
//! `practices::timeline` (pieces, days), never importing the report that shows them.
//!
//! - `early-help-rising`: the outside-help share of the early parts of tasks has risen over the
//!   last four weeks (least-squares slope of the weekly shares ≥ 3 points a week, and the last two
//!   weeks at least 5 points above the first two), with at least 400 characters of early work in
//!   three of the four weeks.
//! - `help-in-new-places`: in a language (file extension) where outside help used to be rare
//!   (under 10% of 500+ characters in the six weeks before), the last two weeks show at least 25%,
//!   at least 15 points more, over 300+ characters.
//! - `learning-log-silent`: no learning-log entry for more than 14 days (or none at all) while work
//!   goes on.
//! - `no-manual-feature`: no manual task finished in the last 14 days while work goes on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::practices::timeline::{DAY_MS, Piece};
use crate::store::history::FileDay;

#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    pub id: &'static str,
    pub text: String,
    /// The numbers behind it, by name.
    pub numbers: Map<String, Value>,
}

pub struct Inputs<'a> {
    pub now_ms: i64,
    /// Early/late pieces of every task's work, in time order.
    pub pieces: &'a [Piece],
    pub files: &'a [FileDay],
    pub today: NaiveDate,
    pub learning_last: Option<NaiveDate>,
    pub manual_finished_14d: u64,
}

/// Weekly early-share slope that counts as rising (3 percentage points a week).
const RISING_SLOPE: f64 = 0.03;
const RISING_GAP: f64 = 0.05;
const MIN_EARLY_WORK_PER_WEEK: f64 = 400.0;
const RARE: f64 = 0.10;
const NEW_PLACE_SHARE: f64 = 0.25;
const NEW_PLACE_GAP: f64 = 0.15;
const MIN_PRIOR_WORK: u64 = 500;
const MIN_RECENT_WORK: u64 = 300;
const SILENT_DAYS: i64 = 14;
/// Work in the last two weeks below which the habit signals stay quiet (nothing to nudge).
const MIN_RECENT_ACTIVITY: f64 = 200.0;

fn round(v: f64) -> Value {
    Value::from((v * 1000.0).round() / 1000.0)
}

/// Every signal that fires now.
pub fn all(i: &Inputs<'_>) -> Vec<Signal> {
    let recent: f64 = i
        .pieces
        .iter()
        .filter(|p| p.t_ms > i.now_ms - 14 * DAY_MS && p.t_ms <= i.now_ms)
        .map(|p| p.early_work + p.late_work)
        .sum();
    let working = recent >= MIN_RECENT_ACTIVITY;
    [
        early_help_rising(i.now_ms, i.pieces),
        help_in_new_places(i.now_ms, i.files),
        learning_silent(i.today, i.learning_last, working),
        no_manual_feature(i.manual_finished_14d, working),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Least-squares slope of `ys` over 0, 1, 2…; `None` with fewer than two points.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// (a) The early share over the four 7-day windows ending now, oldest first.
pub fn early_help_rising(now_ms: i64, pieces: &[Piece]) -> Option<Signal> {
    let mut work = [0.0f64; 4];
    let mut outside = [0.0f64; 4];
    for p in pieces {
        let age = now_ms - p.t_ms;
        if !(0..28 * DAY_MS).contains(&age) {
            continue;
        }
        let i = 3 - (age / (7 * DAY_MS)) as usize;
        work[i] += p.early_work;
        outside[i] += p.early_outside;
    }
    let shares: Vec<Option<f64>> = (0..4)
        .map(|i| (work[i] >= MIN_EARLY_WORK_PER_WEEK).then(|| outside[i] / work[i]))
        .collect();
    let points: Vec<(f64, f64)> = shares
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i as f64, s)))
        .collect();
    if points.len() < 3 {
        return None;
    }
    let slope = slope(&points)?;
    let part = |r: std::ops::Range<usize>| {
        let w: f64 = work[r.clone()].iter().sum();
        (w > 0.0).then(|| outside[r].iter().sum::<f64>() / w)
    };
    let (first, last) = (part(0..2)?, part(2..4)?);
    if slope < RISING_SLOPE || last - first < RISING_GAP {
        return None;
    }
    let mut numbers = Map::new();
    numbers.insert(
        "weekly_early_share".into(),
        Value::Array(
            shares
                .iter()
                .map(|s| s.map_or(Value::Null, round))
                .collect(),
        ),
    );
    numbers.insert("slope_per_week".into(), round(slope));
    numbers.insert("first_two_weeks".into(), round(first));
    numbers.insert("last_two_weeks".into(), round(last));
    Some(Signal {
        id: "early-help-rising",
        text: format!(
            "Outside help in the first 80% of tasks has been rising for four weeks ({:.0}% → {:.0}%): try a manual first attempt before asking.",
            first * 100.0,
            last * 100.0
        ),
        numbers,
    })
}

/// The language a document is in, as its extension (`rs`, `py`), else its file name.
pub fn language(subject: &str) -> String {
    let path = subject
        .split(['?', '#'])
        .next()
        .unwrap_or(subject)
        .trim_end_matches('/');
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => ext.to_ascii_lowercase(),
        _ => name.to_string(),
    }
}

/// (b) Languages where outside help was rare in the six weeks before the last two, and is not now.
pub fn help_in_new_places(now_ms: i64, files: &[FileDay]) -> Option<Signal> {
    #[derive(Default)]
    struct Tally {
        prior: (u64, u64),
        recent: (u64, u64),
    }
    let mut by: BTreeMap<String, Tally> = BTreeMap::new();
    for f in files {
        let age = now_ms - f.t_ms;
        if !(0..56 * DAY_MS).contains(&age) {
            continue;
        }
        let t = by.entry(language(&f.subject)).or_default();
        let slot = if age < 14 * DAY_MS {
            &mut t.recent
        } else {
            &mut t.prior
        };
        slot.0 += f.work;
        slot.1 += f.outside;
    }
    let mut found = Vec::new();
    let mut numbers = Map::new();
    for (lang, t) in &by {
        if t.prior.0 < MIN_PRIOR_WORK || t.recent.0 < MIN_RECENT_WORK {
            continue;
        }
        let before = t.prior.1 as f64 / t.prior.0 as f64;
        let now = t.recent.1 as f64 / t.recent.0 as f64;
        if before < RARE && now >= NEW_PLACE_SHARE && now - before >= NEW_PLACE_GAP {
            found.push(format!(
                ".{lang} ({:.0}% → {:.0}%)",
                before * 100.0,
                now * 100.0
            ));
            let mut m = Map::new();
            m.insert("share_before".into(), round(before));
            m.insert("share_last_two_weeks".into(), round(now));
            m.insert("work_before".into(), t.prior.0.into());
            m.insert("work_last_two_weeks".into(), t.recent.0.into());
            numbers.insert(lang.clone(), Value::Object(m));
        }
    }
    if found.is_empty() {
        return None;
    }
    Some(Signal {
        id: "help-in-new-places",
        text: format!(
            "You reach for outside help more often where you used to manage alone: {}. Is something there worth learning properly?",
            found.join(", ")
        ),
        numbers,
    })
}

/// (c) The learning log has been silent for more than 14 days.
pub fn learning_silent(today: NaiveDate, last: Option<NaiveDate>, working: bool) -> Option<Signal> {
    if !working {
        return None;
    }
    let mut numbers = Map::new();
    match last {
        Some(d) => {
            let days = (today - d).num_days();
            if days <= SILENT_DAYS {
                return None;
            }
            numbers.insert("days_silent".into(), days.into());
            numbers.insert("last_entry".into(), d.to_string().into());
            Some(Signal {
                id: "learning-log-silent",
                text: format!(
                    "Your learning log has been silent for {days} days: what did you learn this week? `mindgap learn` takes a sentence."
                ),
                numbers,
            })
        }
        None => {
            numbers.insert("days_silent".into(), Value::Null);
            numbers.insert("last_entry".into(), Value::Null);
            Some(Signal {
                id: "learning-log-silent",
                text: "Your learning log has no entries yet: `mindgap learn` takes a sentence about something you learnt.".into(),
                numbers,
            })
        }
    }
}

/// (d) No manual task finished in the last 14 days.
pub fn no_manual_feature(manual_finished_14d: u64, working: bool) -> Option<Signal> {
    if !working || manual_finished_14d > 0 {
        return None;
    }
    let mut numbers = Map::new();
    numbers.insert("manual_tasks_finished_14d".into(), 0.into());
    Some(Signal {
        id: "no-manual-feature",
        text: "No manual feature in two weeks: pick a small one and build it without outside help (`mindgap task start NAME --manual`).".into(),
        numbers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-25 12:00 UTC, a Wednesday (the report's tests use the same "now").
    const NOW: i64 = 1_795_608_000_000;

    fn early(days_ago: f64, work: f64, outside: f64) -> Piece {
        Piece {
            t_ms: NOW - (days_ago * DAY_MS as f64) as i64,
            early_work: work,
            early_outside: outside,
            ..Piece::default()
        }
    }

    fn file(subject: &str, days_ago: i64, work: u64, outside: u64) -> FileDay {
        FileDay {
            subject: subject.into(),
            t_ms: NOW - days_ago * DAY_MS,
            work,
            outside,
        }
    }

    #[test]
    fn slopes() {
        assert_eq!(slope(&[(0.0, 0.0), (1.0, 0.1), (2.0, 0.2)]), Some(0.1));
        assert_eq!(slope(&[(0.0, 0.3)]), None);
        assert!(slope(&[(0.0, 0.3), (1.0, 0.3), (3.0, 0.3)]).unwrap().abs() < 1e-12);
    }

    #[test]
    fn early_help_rising_fires_on_a_rising_trend_with_enough_work() {
        // Four weeks: 2%, 6%, 15%, 25% of 1,000 early characters each.
        let pieces: Vec<Piece> = [(24.0, 20.0), (17.0, 60.0), (10.0, 150.0), (3.0, 250.0)]
            .iter()
            .map(|&(d, o)| early(d, 1000.0, o))
            .collect();
        let s = early_help_rising(NOW, &pieces).expect("fires");
        assert_eq!(s.id, "early-help-rising");
        assert!(s.text.contains("4% → 20%"), "{}", s.text);
        assert_eq!(s.numbers["weekly_early_share"][3], 0.25);
        assert!(s.numbers["slope_per_week"].as_f64().unwrap() > 0.07);
    }

    #[test]
    fn early_help_rising_stays_quiet_when_flat_falling_or_too_little_work() {
        let flat: Vec<Piece> = [24.0, 17.0, 10.0, 3.0]
            .iter()
            .map(|&d| early(d, 1000.0, 100.0))
            .collect();
        assert_eq!(early_help_rising(NOW, &flat), None);
        let falling: Vec<Piece> = [(24.0, 300.0), (17.0, 200.0), (10.0, 100.0), (3.0, 0.0)]
            .iter()
            .map(|&(d, o)| early(d, 1000.0, o))
            .collect();
        assert_eq!(early_help_rising(NOW, &falling), None);
        // The same rise on 100 characters a week is noise.
        let tiny: Vec<Piece> = [(24.0, 2.0), (17.0, 6.0), (10.0, 15.0), (3.0, 25.0)]
            .iter()
            .map(|&(d, o)| early(d, 100.0, o))
            .collect();
        assert_eq!(early_help_rising(NOW, &tiny), None);
        // Work older than four weeks or in the future does not count.
        let old: Vec<Piece> = [(50.0, 0.0), (40.0, 0.0), (10.0, 150.0), (-3.0, 250.0)]
            .iter()
            .map(|&(d, o)| early(d, 1000.0, o))
            .collect();
        assert_eq!(early_help_rising(NOW, &old), None);
    }

    #[test]
    fn languages_from_uris_and_paths() {
        assert_eq!(language("file:///ws/src/main.RS"), "rs");
        assert_eq!(language("src/lib.py"), "py");
        assert_eq!(language("file:///ws/Makefile"), "Makefile");
        assert_eq!(language("file:///ws/.bashrc"), ".bashrc");
        assert_eq!(language("untitled:Untitled-1"), "untitled:Untitled-1");
    }

    #[test]
    fn help_in_new_places_fires_where_help_was_rare() {
        let files = vec![
            // Go: 2% of 2,000 before, 40% of 1,000 now.
            file("file:///ws/a.go", 30, 2000, 40),
            file("file:///ws/b.go", 3, 1000, 400),
            // Python: always helped a lot (not new).
            file("file:///ws/a.py", 30, 2000, 1000),
            file("file:///ws/a.py", 3, 1000, 600),
            // Rust: rare before, rare now.
            file("src/lib.rs", 20, 2000, 0),
            file("src/lib.rs", 2, 1000, 50),
        ];
        let s = help_in_new_places(NOW, &files).expect("fires");
        assert_eq!(s.id, "help-in-new-places");
        assert!(s.text.contains(".go (2% → 40%)"), "{}", s.text);
        assert!(!s.text.contains(".py") && !s.text.contains(".rs"));
        assert_eq!(s.numbers["go"]["work_last_two_weeks"], 1000);
    }

    #[test]
    fn help_in_new_places_needs_enough_characters_on_both_sides() {
        let few_now = vec![file("a.go", 30, 2000, 0), file("b.go", 3, 100, 100)];
        assert_eq!(help_in_new_places(NOW, &few_now), None);
        let few_before = vec![file("a.go", 30, 100, 0), file("b.go", 3, 1000, 900)];
        assert_eq!(help_in_new_places(NOW, &few_before), None);
        let too_old = vec![file("a.go", 70, 5000, 0), file("b.go", 3, 1000, 900)];
        assert_eq!(help_in_new_places(NOW, &too_old), None);
    }

    #[test]
    fn learning_silent_after_fourteen_days_of_work_without_an_entry() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let d = |n| Some(today - chrono::Duration::days(n));
        assert_eq!(learning_silent(today, d(14), true), None);
        let s = learning_silent(today, d(15), true).expect("fires");
        assert_eq!(s.numbers["days_silent"], 15);
        assert!(s.text.contains("15 days"));
        assert_eq!(
            learning_silent(today, d(40), false),
            None,
            "no work, no nudge"
        );
        assert!(learning_silent(today, None, true).is_some());
    }

    #[test]
    fn no_manual_feature_fires_only_while_working() {
        assert!(no_manual_feature(0, true).is_some());
        assert_eq!(no_manual_feature(1, true), None);
        assert_eq!(no_manual_feature(0, false), None);
    }

    #[test]
    fn all_fires_the_habit_signals_only_with_recent_work() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let quiet = Inputs {
            now_ms: NOW,
            pieces: &[],
            files: &[],
            today,
            learning_last: None,
            manual_finished_14d: 0,
        };
        assert!(all(&quiet).is_empty());
        let pieces = [early(2.0, 1000.0, 0.0)];
        let busy = Inputs {
            pieces: &pieces,
            ..quiet
        };
        let ids: Vec<&str> = all(&busy).iter().map(|s| s.id).collect();
        assert_eq!(ids, ["learning-log-silent", "no-manual-feature"]);
    }
}
