//! The learning log (SPEC section 7): `<home>/learning-log.md`, Markdown the person owns, one
//! `## YYYY-MM-DD` heading per entry and the entry's text below it.
//!
//! People edit the file by hand, so reading is forgiving: text before the first dated heading
//! is a preamble, a heading may carry more text after its date (`## 2026-11-20 — lifetimes`),
//! blank lines and CRLF line ends are fine, and a `##` heading without a date belongs to the
//! entry above it. Appending never rewrites what is there: it adds to the end.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub const FILE: &str = "learning-log.md";

/// After this many days without an entry the log counts as silent.
pub const SILENT_AFTER_DAYS: i64 = 14;

const HEADER: &str = "# Learning log\n\n\
One entry per `## YYYY-MM-DD` heading, in your own words: what you learned, what clicked,\n\
what you want to look at again. `mindgap learn TEXT` adds one; edit freely.\n";

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub date: NaiveDate,
    /// What the heading says after its date (`lifetimes` in `## 2026-11-20 — lifetimes`).
    pub title: String,
    /// The text below the heading, without leading or trailing blank lines.
    pub text: String,
}

/// What the learning log says (SPEC section 6 `learning`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Learning {
    pub last_entry: Option<NaiveDate>,
    pub days_silent: Option<i64>,
}

pub fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

/// The date of a `## YYYY-MM-DD …` heading line and what follows the date.
fn heading(line: &str) -> Option<(NaiveDate, String)> {
    let rest = line.strip_prefix("##")?;
    if rest.starts_with('#') {
        return None; // a deeper heading is text
    }
    let rest = rest.trim_start();
    let date = NaiveDate::parse_from_str(rest.get(..10)?, "%Y-%m-%d").ok()?;
    let title = rest[10..]
        .trim()
        .trim_start_matches(['—', '–', '-', ':', '·', '|'])
        .trim();
    Some((date, title.to_string()))
}

/// The entries of a log's text, in file order.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let close = |entries: &mut Vec<Entry>, body: &mut Vec<&str>| {
        if let Some(e) = entries.last_mut() {
            let start = body.iter().position(|l| !l.trim().is_empty());
            let end = body.iter().rposition(|l| !l.trim().is_empty());
            e.text = match (start, end) {
                (Some(s), Some(t)) => body[s..=t].join("\n"),
                _ => String::new(),
            };
        }
        body.clear();
    };
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match heading(line) {
            Some((date, title)) => {
                close(&mut entries, &mut body);
                entries.push(Entry {
                    date,
                    title,
                    text: String::new(),
                });
            }
            None if !entries.is_empty() => body.push(line.trim_end()),
            None => {} // the preamble
        }
    }
    close(&mut entries, &mut body);
    entries
}

/// The entries of the log in `home` (none when there is no log), oldest first; entries of one
/// day keep their order in the file.
pub fn read(home: &Path) -> std::io::Result<Vec<Entry>> {
    match std::fs::read_to_string(path(home)) {
        Ok(text) => {
            let mut entries = parse(&text);
            entries.sort_by_key(|e| e.date);
            Ok(entries)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// When the log was last written to, and how many days ago that is.
pub fn learning(home: &Path, today: NaiveDate) -> Learning {
    let last = read(home).unwrap_or_default().iter().map(|e| e.date).max();
    Learning {
        last_entry: last,
        days_silent: last.map(|d| (today - d).num_days().max(0)),
    }
}

/// Creates `home` (0700) and the log with its short header if they are missing; the log's path.
pub fn ensure(home: &Path) -> std::io::Result<PathBuf> {
    ensure_home(home)?;
    let p = path(home);
    match crate::home::open_private(&p, std::fs::OpenOptions::new().write(true).create_new(true)) {
        Ok(mut f) => f.write_all(HEADER.as_bytes())?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    Ok(p)
}

/// Creates `home` with mode 0700 if it does not exist.
pub fn ensure_home(home: &Path) -> std::io::Result<()> {
    crate::home::private_dir(home)
}

/// The Markdown of a new entry, to go at the end of a file whose text is `existing`.
pub fn entry_markdown(existing: &str, heading: &str, text: &str) -> String {
    let mut out = String::new();
    if !existing.is_empty() && !existing.ends_with('\n') {
        out.push('\n');
    }
    if !existing.is_empty() && !existing.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str("## ");
    out.push_str(heading);
    out.push('\n');
    for line in text.trim().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Appends an entry dated `date` with `text` (creating the log if needed); the entry written.
pub fn append(home: &Path, date: NaiveDate, text: &str) -> std::io::Result<Entry> {
    append_markdown(&ensure(home)?, &date.format("%Y-%m-%d").to_string(), text)?;
    Ok(Entry {
        date,
        title: String::new(),
        text: text.trim().to_string(),
    })
}

/// Appends `## heading` and `text` to the Markdown file at `file`, which must exist.
pub fn append_markdown(file: &Path, heading: &str, text: &str) -> std::io::Result<()> {
    let existing = std::fs::read_to_string(file)?;
    let mut f = crate::home::open_private(file, std::fs::OpenOptions::new().append(true))?;
    f.write_all(entry_markdown(&existing, heading, text).as_bytes())
}

/// The entries for `learn --list`: the date (and heading text), then the text indented.
pub fn list_text(entries: &[Entry]) -> String {
    let mut out = String::new();
    for e in entries {
        out.push_str(&e.date.format("%Y-%m-%d").to_string());
        if !e.title.is_empty() {
            out.push_str(" — ");
            out.push_str(&e.title);
        }
        out.push('\n');
        for line in e.text.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The note for the status line and the editor when the log has been silent too long.
pub fn silent_note(learning: &Learning) -> Option<String> {
    let days = learning.days_silent?;
    (days > SILENT_AFTER_DAYS).then(|| format!("learning log silent {days} days"))
}

/// The once-a-day editor message for a silent log.
pub fn silent_message(learning: &Learning) -> Option<String> {
    let days = learning.days_silent?;
    (days > SILENT_AFTER_DAYS).then(|| {
        format!(
            "mindgap: nothing in your learning log for {days} days. What did you learn lately? \
             Two sentences in your own words are enough: `mindgap learn TEXT` or the mindgap.learn command."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn reads_hand_edited_logs() {
        let text = "# My log\r\nsome preamble\r\n\r\n## 2026-11-20 — lifetimes\r\n\r\n\r\nBorrowed data must outlive\r\nthe borrow.\r\n\r\n\r\n##2026-11-02\r\nfirst\r\n### a sub heading\r\n## nonsense\r\nmore\r\n## 2026-11-21: traits\r\n";
        let e = parse(text);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].date, d("2026-11-20"));
        assert_eq!(e[0].title, "lifetimes");
        assert_eq!(e[0].text, "Borrowed data must outlive\nthe borrow.");
        assert_eq!(e[1].date, d("2026-11-02"));
        assert_eq!(e[1].text, "first\n### a sub heading\n## nonsense\nmore");
        assert_eq!(e[2].title, "traits");
        assert_eq!(e[2].text, "");
        assert!(parse("no headings at all\n").is_empty());
    }

    #[test]
    fn appends_entries_and_reads_them_back_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        assert!(read(&home).unwrap().is_empty());
        assert_eq!(learning(&home, d("2026-11-25")), Learning::default());
        append(&home, d("2026-11-25"), "  one\n").unwrap();
        append(&home, d("2026-11-25"), "two\nlines").unwrap();
        // A hand edit without a final newline, dated earlier.
        let p = path(&home);
        let mut text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("# Learning log"));
        text.push_str("\n## 2026-11-01\nolder");
        std::fs::write(&p, &text).unwrap();
        append(&home, d("2026-11-26"), "three").unwrap();
        let e = read(&home).unwrap();
        let texts: Vec<&str> = e.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["older", "one", "two\nlines", "three"]);
        assert!(
            std::fs::read_to_string(&p)
                .unwrap()
                .contains("older\n\n## 2026-11-26\nthree\n")
        );
        let l = learning(&home, d("2026-12-20"));
        assert_eq!(l.last_entry, Some(d("2026-11-26")));
        assert_eq!(l.days_silent, Some(24));
        assert_eq!(list_text(&e[2..3]), "2026-11-25\n    two\n    lines\n");
    }

    #[test]
    fn silent_after_two_weeks() {
        let l = |days| Learning {
            last_entry: None,
            days_silent: Some(days),
        };
        assert_eq!(silent_note(&l(14)), None);
        assert_eq!(
            silent_note(&l(15)).as_deref(),
            Some("learning log silent 15 days")
        );
        assert!(silent_message(&l(30)).unwrap().contains("30 days"));
        assert_eq!(silent_note(&Learning::default()), None);
    }
}
