//! `mindgap report` and `mindgap export`: read the store and the learning log, hand them to
//! `practices::report` / `practices::export`, write the result to stdout or a file.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use chrono::{Duration, Local, Offset};

use crate::config::{Config, Problems};
use crate::practices::{export, learning, report};
use crate::store::Db;
use crate::store::history::Table;

use crate::practices::timeline::{DAY_MS, monday};

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
fn since_ms(spec: &str, now: chrono::DateTime<Local>) -> Result<i64, String> {
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

fn config() -> Config {
    let mut problems = Problems::default();
    let root = std::env::current_dir()
        .ok()
        .map(|d| crate::workspace::root_of(&d));
    let config = Config::load(root.as_deref(), &mut problems);
    for p in problems.warnings.iter().chain(&problems.errors) {
        eprintln!("mindgap: {p}");
    }
    config
}

fn learning_log(home: &Path) -> Result<Vec<learning::Entry>, String> {
    learning::read(home).map_err(|e| {
        format!(
            "cannot read the learning log at {} ({e}).",
            learning::path(home).display()
        )
    })
}

/// Writes `text` to `out` (a private file), else to stdout.
fn emit(text: &str, out: Option<&str>, what: &str) -> Result<(), String> {
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                // `mindgap export | head` is a reader that had enough, not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| format!("cannot write the {what} ({e}).")),
            }
        }
        Some(path) => {
            write_private(Path::new(path), text)
                .map_err(|e| format!("cannot write the {what} to {path} ({e})."))?;
            eprintln!("mindgap: wrote the {what} to {path}");
            Ok(())
        }
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

pub fn report(
    home: &Path,
    since: Option<String>,
    format: Option<String>,
    out: Option<String>,
) -> Result<i32, String> {
    let format = format.unwrap_or_else(|| "text".into());
    let text = render(home, since.as_deref().unwrap_or("8w"), &format, &config())?;
    emit(&text, out.as_deref(), "report")?;
    Ok(0)
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
    let mut input = report::Input {
        now_ms,
        since_ms: since,
        offset: Some(now.offset().fix()),
        target_early_share: config.target_early_share,
        learning: entries.iter().map(|e| e.date).collect(),
        ..report::Input::default()
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
    let r = report::build(&input);
    Ok(match format {
        "json" => {
            let mut s = serde_json::to_string_pretty(&report::json::render(&r))
                .map_err(|e| format!("cannot write the report ({e})."))?;
            s.push('\n');
            s
        }
        "html" => report::html::render(&r),
        _ => report::text::render(&r),
    })
}

/// Writes `text` to `path` as a file only its owner can read (creating its folder, 0700).
pub fn write_private_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {} ({e}).", dir.display()))?;
    }
    write_private(path, text).map_err(|e| format!("cannot write {} ({e}).", path.display()))
}

pub fn export(home: &Path, format: Option<String>, out: Option<String>) -> Result<i32, String> {
    let format = format.unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv") {
        return Err(format!("--format takes json or csv, not {format:?}."));
    }
    if format == "csv" && out.is_none() {
        return Err(
            "a CSV export is one file per table; pass -o DIR, e.g. `mindgap export --format csv -o mindgap-export`."
                .into(),
        );
    }
    let entries = learning_log(home)?;
    let tables: Vec<Table> = match Db::open_history(home)? {
        Some(db) => db.tables()?,
        None => crate::store::history::TABLES
            .iter()
            .map(|&name| Table {
                name,
                columns: Vec::new(),
                rows: Vec::new(),
            })
            .collect(),
    };
    if format == "json" {
        let exported = Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let mut s = serde_json::to_string_pretty(&export::json(&tables, &entries, &exported))
            .map_err(|e| format!("cannot write the export ({e})."))?;
        s.push('\n');
        emit(&s, out.as_deref(), "export")?;
        return Ok(0);
    }
    let dir = Path::new(out.as_deref().unwrap_or("."));
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "{} is a file; a CSV export needs a folder for its files (pass -o DIR).",
            dir.display()
        ));
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create the folder {} ({e}).", dir.display()))?;
    let files = export::csv(&tables, &entries);
    for (name, text) in &files {
        let path = dir.join(name);
        write_private(&path, text)
            .map_err(|e| format!("cannot write {} ({e}).", path.display()))?;
    }
    eprintln!(
        "mindgap: wrote {} CSV files to {}",
        files.len(),
        dir.display()
    );
    Ok(0)
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
