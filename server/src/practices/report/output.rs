//! The report of a period as the person gets it, for `mindgap report` and the editor's
//! `mindgap.report` command alike: parses the period (`8w`, `30d`), reads the store and the
//! learning log for it, builds the report and renders it as text, JSON or HTML; and writes files
//! only their owner can read. The one part of `practices::report` that touches disk (reading the
//! store through `store::Db`); the CLI and the server only choose where the result goes.

use std::path::Path;

use chrono::{Duration, Local, Offset};

use super::{Input, build, html, json, text};
use crate::config::Config;
use crate::practices::learning;
use crate::practices::timeline::{DAY_MS, monday};
use crate::store::Db;

/// A period: `8w` (this week and the seven before), `30d` (today and the 29 days before).
pub fn period(spec: &str) -> Result<(i64, char), String> {
    let bad =
        || format!("--since takes a number of weeks or days, like `8w` or `30d`, not {spec:?}.");
    let spec = spec.trim();
    let unit = spec.chars().last().ok_or_else(bad)?;
    let n: i64 = spec[..spec.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| bad())?;
    if !(1..=5200).contains(&n) || !matches!(unit, 'w' | 'd') {
        return Err(bad());
    }
    Ok((n, unit))
}

/// The first local midnight of the period ending today.
pub fn since_ms(spec: &str, now: chrono::DateTime<Local>) -> Result<i64, String> {
    let (n, unit) = period(spec)?;
    let today = now.date_naive();
    let first = match unit {
        'w' => monday(today) - Duration::weeks(n - 1),
        _ => today - Duration::days(n - 1),
    };
    Ok(first
        .and_hms_opt(0, 0, 0)
        .and_then(|d| d.and_local_timezone(Local).earliest())
        .map_or(now.timestamp_millis() - n * DAY_MS, |d| {
            d.timestamp_millis()
        }))
}

/// The learning log's entries, or a sentence saying it cannot be read.
pub fn learning_log(home: &Path) -> Result<Vec<learning::Entry>, String> {
    learning::read(home).map_err(|e| {
        format!(
            "cannot read the learning log at {} ({e}).",
            learning::path(home).display()
        )
    })
}

/// The report of the period `since` (`8w`, `30d`) in `format` (`text`, `json`, `html`), as of
/// now. Shared by `mindgap report` and the editor's `mindgap.report` command.
pub fn render(home: &Path, since: &str, format: &str, config: &Config) -> Result<String, String> {
    if !matches!(format, "text" | "json" | "html") {
        return Err(format!(
            "--format takes text, json or html, not {format:?}."
        ));
    }
    let now = Local::now();
    let since = since_ms(since, now)?;
    let now_ms = now.timestamp_millis();
    let entries = learning_log(home)?;
    let mut input = Input {
        now_ms,
        since_ms: since,
        offset: Some(now.offset().fix()),
        target_early_share: config.target_early_share,
        learning: entries.iter().map(|e| e.date).collect(),
        ..Input::default()
    };
    if let Some(db) = Db::open_history(home)? {
        // The signals look back eight weeks, whatever the period shown.
        let from = since.min(now_ms - 56 * DAY_MS);
        input.store = true;
        input.tasks = db.task_history(from, &config.outside_help, config.chars_per_line)?;
        input.files = db.file_days(from, &config.outside_help)?;
        input.self_checks = db.self_checks(since)?;
        input.audits = db.audits(since)?;
    }
    let r = build(&input);
    Ok(match format {
        "json" => {
            let mut s = serde_json::to_string_pretty(&json::render(&r))
                .map_err(|e| format!("cannot write the report ({e})."))?;
            s.push('\n');
            s
        }
        "html" => html::render(&r),
        _ => text::render(&r),
    })
}

/// Writes `text` to `path` as a file only its owner can read (0600; its folder must exist).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    crate::home::write_private(path, text.as_bytes())
}

/// Writes `text` to `path` as a file only its owner can read (creating its folder, 0700).
pub fn write_private_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        crate::home::private_dir(dir)
            .map_err(|e| format!("cannot create {} ({e}).", dir.display()))?;
    }
    write_private(path, text).map_err(|e| format!("cannot write {} ({e}).", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(period("8w"), Ok((8, 'w')));
        assert_eq!(period("30d"), Ok((30, 'd')));
        for bad in ["", "w", "8", "0w", "-1d", "3m", "eightw"] {
            assert!(period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn eight_weeks_start_on_a_monday_seven_weeks_back() {
        use chrono::{Datelike, TimeZone};
        let now = Local.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
        let since = since_ms("8w", now).unwrap();
        let d = chrono::DateTime::from_timestamp_millis(since)
            .unwrap()
            .with_timezone(&Local);
        assert_eq!(d.weekday(), chrono::Weekday::Mon);
        assert_eq!(d.date_naive().to_string(), "2026-10-05");
        let since = since_ms("1d", now).unwrap();
        let d = chrono::DateTime::from_timestamp_millis(since)
            .unwrap()
            .with_timezone(&Local);
        assert_eq!(d.date_naive().to_string(), "2026-11-25");
    }
}
