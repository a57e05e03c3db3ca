//! `mindgap report` and `mindgap export`: the person's choices (period, format, file) in, the
//! result out to stdout or a private file. The report itself — reading the store and the
//! learning log, building, rendering — is `practices::report::output`'s, shared with the editor's
//! `mindgap.report` command; the export's shape is `practices::export`'s.

use std::io::Write;
use std::path::Path;

use chrono::Local;

use crate::config::{Config, Problems};
use crate::practices::export;
use crate::practices::report::output::{learning_log, render, write_private};
use crate::store::Db;
use crate::store::history::Table;

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

/// Writes `text` to `out` (a private file), else to stdout.
pub(super) fn emit(text: &str, out: Option<&str>, what: &str) -> Result<(), String> {
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

pub fn export(
    home: &Path,
    format: Option<String>,
    out: Option<String>,
    dir: Option<String>,
) -> Result<i32, String> {
    let format = format.unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv") {
        return Err(format!(
            "--format takes json, csv or agent-trace, not {format:?}."
        ));
    }
    if dir.is_some() {
        return Err("--dir goes with --format agent-trace only.".into());
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
    crate::home::private_dir(dir)
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
