//! The monthly audit: pick something you used to do confidently, do it again without any help
//! (as a manual task), and write down what you could not do. The notes go to
//! `<home>/audit-log.md`, Markdown the person owns (`## YYYY-MM-DD — <skill>` then the text);
//! the store keeps when and how many gaps.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub const FILE: &str = "audit-log.md";

/// An audit is due this many days after the last one (or after the store's first day).
pub const DUE_AFTER_DAYS: i64 = 30;

const HEADER: &str = "# Audit log\n\n\
Once a month: something you used to do confidently, done again without any help, and what you\n\
could not do. `mindgap audit` adds an entry; edit freely.\n";

/// The task name of an audit of `skill`.
pub fn task_name(skill: &str) -> String {
    format!("audit: {}", skill.trim())
}

pub fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

/// How many gaps the notes name: the bullet lines if there are any, else the non-empty lines.
pub fn count_gaps(notes: &str) -> u32 {
    let lines: Vec<&str> = notes
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let bullet = |l: &&&str| {
        l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("+ ")
            || l.split_once(['.', ')']).is_some_and(|(n, rest)| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && rest.starts_with(' ')
            })
    };
    let bullets = lines.iter().filter(bullet).count();
    (if bullets > 0 { bullets } else { lines.len() }) as u32
}

/// Appends the notes of an audit of `skill` on `date` to `<home>/audit-log.md` (creating it).
pub fn write_notes(
    home: &Path,
    date: NaiveDate,
    skill: &str,
    notes: &str,
) -> std::io::Result<PathBuf> {
    super::learning::ensure_home(home)?;
    let p = path(home);
    if !p.exists() {
        crate::home::write_private(&p, HEADER.as_bytes())?;
    }
    let notes = if notes.trim().is_empty() {
        "Nothing: I could still do all of it without help."
    } else {
        notes
    };
    let heading = format!("{} — {}", date.format("%Y-%m-%d"), skill.trim());
    super::learning::append_markdown(&p, &heading, notes)?;
    Ok(p)
}

/// Whether an audit is due on `today`: the last one finished more than [`DUE_AFTER_DAYS`] ago,
/// or there was never one and the store's history goes back further than that. Never while an
/// audit is running.
pub fn due(
    last_finished: Option<NaiveDate>,
    history_since: Option<NaiveDate>,
    running: bool,
    today: NaiveDate,
) -> bool {
    if running {
        return false;
    }
    match (last_finished, history_since) {
        (Some(last), _) => (today - last).num_days() > DUE_AFTER_DAYS,
        (None, Some(first)) => (today - first).num_days() > DUE_AFTER_DAYS,
        (None, None) => false,
    }
}

/// The status line's note when an audit is due.
pub fn due_note(last_finished: Option<NaiveDate>) -> String {
    match last_finished {
        Some(d) => format!("audit due (last {})", d.format("%Y-%m-%d")),
        None => "audit due".to_string(),
    }
}

/// The once-a-day editor message when an audit is due.
pub fn due_message(last_finished: Option<NaiveDate>) -> String {
    let when = last_finished.map_or_else(
        || "You have not done a monthly audit yet.".to_string(),
        |d| format!("Your last monthly audit was on {}.", d.format("%Y-%m-%d")),
    );
    format!(
        "mindgap: {when} Pick something you used to do confidently and do it once more without any help: run `mindgap audit` in a terminal."
    )
}

/// What `mindgap audit` says before asking for the skill.
pub const INTRO: &str = "\
The monthly audit: pick one thing you used to do confidently — writing a parser, a SQL query
with a window function, setting up a test harness — and do it again now, without AI, without
pasting, without searching for the answer. mindgap runs it as a manual task and measures any
outside help. Afterwards you write down what you could not do; that list is your next month's
practice.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn gaps_are_bullets_else_lines() {
        assert_eq!(count_gaps(""), 0);
        assert_eq!(count_gaps("the borrow checker\n\nlifetimes\n"), 2);
        assert_eq!(
            count_gaps("- recursion\n  which I used to know\n* tail calls\n1. macros\n"),
            3
        );
    }

    #[test]
    fn due_after_thirty_days_or_thirty_days_of_history() {
        let today = d("2026-11-25");
        assert!(!due(Some(d("2026-10-26")), None, false, today)); // 30 days
        assert!(due(Some(d("2026-10-25")), None, false, today)); // 31
        assert!(!due(Some(d("2026-10-01")), None, true, today)); // one is running
        assert!(!due(None, Some(d("2026-11-01")), false, today));
        assert!(due(None, Some(d("2026-10-01")), false, today));
        assert!(!due(None, None, false, today));
        assert_eq!(
            due_note(Some(d("2026-10-01"))),
            "audit due (last 2026-10-01)"
        );
        assert!(due_message(None).contains("not done a monthly audit yet"));
    }

    #[test]
    fn notes_go_to_the_audit_log() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        write_notes(
            &home,
            d("2026-11-25"),
            "a parser",
            "- precedence climbing\n",
        )
        .unwrap();
        write_notes(&home, d("2026-12-26"), "sql", "").unwrap();
        let text = std::fs::read_to_string(path(&home)).unwrap();
        assert!(text.starts_with("# Audit log"));
        assert!(text.contains(
            "\n## 2026-11-25 — a parser\n- precedence climbing\n\n## 2026-12-26 — sql\nNothing"
        ));
        assert_eq!(task_name(" sql "), "audit: sql");
    }
}
