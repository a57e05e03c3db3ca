//! The practices in the editor: the `mindgap.learn` and `mindgap.selfCheck` commands, and the
//! once-a-day reminder when the learning log has been silent or a monthly audit is due.
//!
//! `mindgap.learn` takes `[{"text": "..."}]` (VS Code) or `["..."]` (Neovim): with text it adds
//! a dated entry and answers with a short confirmation; without it (no argument, or empty text)
//! it opens the log in the editor (`window/showDocument`). `mindgap.selfCheck` takes
//! `[{"ratings": [five numbers 1..5]}]` (or the five numbers, as one array or as the arguments)
//! and answers with the comparison and what it means; without an argument it answers with the
//! questions.

use std::path::Path;
use std::sync::Arc;

use chrono::{Local, NaiveDate};
use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;
use tracing::warn;

use super::state::Shared;
use crate::practices::{audit, learning, self_check};
use crate::status::Status;

pub const LEARN: &str = "mindgap.learn";
pub const SELF_CHECK: &str = "mindgap.selfCheck";
pub const REPORT: &str = "mindgap.report";
pub const COMMANDS: [&str; 3] = [LEARN, SELF_CHECK, REPORT];

/// The file that remembers the day the last reminder was shown, so restarts do not repeat it.
const REMINDED: &str = "reminded-on";

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(format!("the command failed: {e}")))
}

/// Runs one of [`COMMANDS`].
pub async fn execute(
    client: &Client,
    shared: &Arc<Shared>,
    command: &str,
    args: &[Value],
) -> Result<Value, String> {
    let arg = args.first().cloned().unwrap_or(Value::Null);
    match command {
        LEARN => learn(client, shared, &arg).await,
        // Five bare numbers as the arguments are the ratings too.
        SELF_CHECK if args.len() == 5 && args.iter().all(Value::is_number) => {
            self_check(shared, &Value::Array(args.to_vec())).await
        }
        SELF_CHECK => self_check(shared, &arg).await,
        REPORT => report(client, shared, &arg).await,
        other => Err(format!("unknown command {other}")),
    }
}

async fn learn(client: &Client, shared: &Arc<Shared>, arg: &Value) -> Result<Value, String> {
    let text = match arg {
        Value::String(s) => s.clone(),
        v => v
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    };
    let home = shared.home.clone();
    if !text.trim().is_empty() {
        let today = Local::now().date_naive();
        let e = blocking(move || {
            learning::append(&home, today, &text)
                .map_err(|e| format!("cannot write the learning log ({e})"))
        })
        .await?;
        shared
            .status_dirty
            .store(true, std::sync::atomic::Ordering::Release);
        return Ok(Value::String(format!(
            "Noted in your learning log under {}.",
            e.date.format("%Y-%m-%d")
        )));
    }
    let path = blocking(move || {
        let p =
            learning::ensure(&home).map_err(|e| format!("cannot create the learning log ({e})"))?;
        std::path::absolute(&p).map_err(|e| format!("cannot tell where the log is ({e})"))
    })
    .await?;
    let shown = super::show_file(client, &path, false).await;
    Ok(Value::String(if shown {
        "Opened your learning log: add a `## YYYY-MM-DD` heading and a few sentences.".into()
    } else {
        format!("Your learning log is {}.", path.display())
    }))
}

/// Writes the HTML report (of `{"since": "8w"}`, default eight weeks) to
/// `<home>/reports/report.html` and asks the client to open it in a browser.
async fn report(client: &Client, shared: &Arc<Shared>, arg: &Value) -> Result<Value, String> {
    let since = arg
        .get("since")
        .and_then(Value::as_str)
        .unwrap_or("8w")
        .to_string();
    let shared = shared.clone();
    let path = blocking(move || {
        shared.store.flush();
        let html = crate::practices::report::output::render(
            &shared.home,
            &since,
            "html",
            &shared.config(),
        )?;
        let path = std::path::absolute(shared.home.join("reports").join("report.html"))
            .map_err(|e| format!("cannot tell where to write the report ({e})"))?;
        crate::practices::report::output::write_private_file(&path, &html)?;
        Ok(path)
    })
    .await?;
    super::show_file(client, &path, true).await;
    Ok(Value::String(format!(
        "Your report is at {}.",
        path.display()
    )))
}

/// The questions, for editors that ask them themselves.
pub fn questions(previous: Option<crate::store::practices::SelfCheck>) -> Value {
    json!({
        "questions": self_check::QUESTIONS,
        "scale": {"1": "very uncomfortable", "5": "comfortable"},
        "previous": previous.map(|p| json!({
            "date": day(p.t_ms).map(|d| d.format("%Y-%m-%d").to_string()),
            "ratings": p.ratings,
        })),
    })
}

fn day(ms: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.with_timezone(&Local).date_naive())
}

async fn self_check(shared: &Arc<Shared>, arg: &Value) -> Result<Value, String> {
    let ratings = match arg {
        Value::Null => None,
        Value::Array(_) => Some(arg),
        v => v.get("ratings"),
    };
    let shared = shared.clone();
    let Some(ratings) = ratings.filter(|r| !r.is_null()) else {
        return blocking(move || Ok(questions(shared.store.last_self_check()))).await;
    };
    let ratings = self_check::ratings_from_json(ratings)?;
    blocking(move || {
        let previous = shared.store.record_self_check(ratings)?;
        let previous = previous.and_then(|p| Some((day(p.t_ms)?, p.ratings)));
        Ok(Value::String(format!(
            "{}\n{}",
            self_check::compare(&ratings, previous),
            self_check::interpret(&ratings)
        )))
    })
    .await
}

/// The reminder to show today, if one is due and none was shown today in this home: a learning
/// log silent for more than two weeks, a monthly audit due. Marks the day as reminded.
pub fn reminder_due(home: &Path, today: NaiveDate, status: &Status) -> Option<String> {
    let today_s = today.format("%Y-%m-%d").to_string();
    let file = home.join(REMINDED);
    if std::fs::read_to_string(&file).is_ok_and(|s| s.trim() == today_s) {
        return None;
    }
    let mut lines = Vec::new();
    lines.extend(learning::silent_message(&status.learning));
    if status.audit.due {
        lines.push(audit::due_message(status.audit.last));
    }
    if lines.is_empty() {
        return None;
    }
    if let Err(e) = crate::home::write_private(&file, format!("{today_s}\n").as_bytes()) {
        warn!("cannot remember the reminder in {} ({e})", file.display());
    }
    Some(lines.join("\n"))
}

/// Shows the day's reminder (see [`reminder_due`]) once; `checked` is the day this session
/// last looked, so the file is read at most once a day per session.
pub async fn remind(
    client: &Client,
    shared: &Arc<Shared>,
    status: &Status,
    checked: &mut Option<NaiveDate>,
) {
    let today = Local::now().date_naive();
    if *checked == Some(today) {
        return;
    }
    *checked = Some(today);
    let home = shared.home.clone();
    let (learning, audit) = (status.learning, status.audit);
    let Ok(Some(text)) = tokio::task::spawn_blocking(move || {
        let status = Status {
            learning,
            audit,
            ..Status::default()
        };
        reminder_due(&home, today, &status)
    })
    .await
    else {
        return;
    };
    client.show_message(MessageType::INFO, text).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminds_once_a_day_per_home() {
        let dir = tempfile::tempdir().unwrap();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut quiet = Status::default();
        quiet.learning.days_silent = Some(3);
        assert_eq!(reminder_due(dir.path(), d("2026-11-25"), &quiet), None);
        let mut silent = Status::default();
        silent.learning.days_silent = Some(20);
        silent.audit.due = true;
        silent.audit.last = Some(d("2026-10-01"));
        let text = reminder_due(dir.path(), d("2026-11-25"), &silent).unwrap();
        assert!(
            text.contains("20 days") && text.contains("2026-10-01"),
            "{text}"
        );
        assert_eq!(reminder_due(dir.path(), d("2026-11-25"), &silent), None);
        assert!(reminder_due(dir.path(), d("2026-11-26"), &silent).is_some());
    }

    #[test]
    fn questions_for_editors() {
        let q = questions(None);
        assert_eq!(q["questions"].as_array().unwrap().len(), 5);
        assert_eq!(q["previous"], Value::Null);
    }
}
