//! `mindgap learn`, `mindgap self-check` and `mindgap audit`: the practices from the command
//! line. Questions are asked on stdout and answered on stdin; when stdin ends before an answer
//! the command says so and exits 1, it never waits or guesses.

use std::io::{BufRead, Write};
use std::path::Path;

use chrono::{DateTime, Local, NaiveDate};

use crate::config::{Config, Problems};
use crate::practices::{audit, learning, manual, self_check};
use crate::store::Db;

fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn local_day(ms: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(ms).map(|d| d.with_timezone(&Local).date_naive())
}

/// Questions on `out`, answers from `input`.
struct Prompter<R, W> {
    input: R,
    out: W,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    /// Prints `prompt` and reads one line (without its line end); `None` at end of input.
    fn ask(&mut self, prompt: &str) -> Result<Option<String>, String> {
        let _ = write!(self.out, "{prompt}");
        let _ = self.out.flush();
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) => {
                let _ = writeln!(self.out);
                Ok(None)
            }
            Ok(_) => Ok(Some(line.trim_end_matches(['\n', '\r']).to_string())),
            Err(e) => Err(format!("cannot read the answer from stdin ({e}).")),
        }
    }

    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// learn

pub fn learn(home: &Path, words: &[String], list: bool) -> Result<i32, String> {
    let text = words.join(" ");
    if list {
        if !text.trim().is_empty() {
            return Err("`mindgap learn --list` takes no text; see `mindgap --help`.".into());
        }
        let entries = learning::read(home)
            .map_err(|e| format!("cannot read {} ({e}).", learning::path(home).display()))?;
        if entries.is_empty() {
            println!("The learning log is empty: add an entry with `mindgap learn TEXT`.");
        } else {
            print!("{}", learning::list_text(&entries));
        }
        return Ok(0);
    }
    if text.trim().is_empty() {
        return edit_log(home);
    }
    let e = learning::append(home, today(), &text).map_err(|e| {
        format!(
            "cannot write to {} ({e}); check that the folder is writable.",
            learning::path(home).display()
        )
    })?;
    println!(
        "Noted in {} under {}.",
        learning::path(home).display(),
        e.date.format("%Y-%m-%d")
    );
    Ok(0)
}

/// Opens the log in `$EDITOR` (else `$VISUAL`, else `vi`), creating it if needed.
fn edit_log(home: &Path) -> Result<i32, String> {
    let path = learning::ensure(home).map_err(|e| {
        format!(
            "cannot create {} ({e}); check that the folder is writable.",
            learning::path(home).display()
        )
    })?;
    let editor = ["EDITOR", "VISUAL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "vi".into());
    // Through the shell, so EDITOR="code --wait" works as it does for git.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status()
        .map_err(|e| format!("cannot start the editor `{editor}` ({e}); set EDITOR."))?;
    if !status.success() {
        return Err(format!(
            "the editor `{editor}` ended with {status}; the log is at {}.",
            path.display()
        ));
    }
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// self-check

pub fn self_check(home: &Path, ratings: Option<String>) -> Result<i32, String> {
    let stdin = std::io::stdin();
    let mut p = Prompter {
        input: stdin.lock(),
        out: std::io::stdout(),
    };
    let ratings = match ratings {
        Some(r) => self_check::parse_ratings(&r)?,
        None => ask_ratings(&mut p)?,
    };
    let db = Db::open(home)?;
    let now = chrono::Utc::now().timestamp_millis();
    let previous = db.record_self_check(now, ratings)?;
    let previous = previous.and_then(|c| Some((local_day(c.t_ms)?, c.ratings)));
    p.say("");
    p.say(&self_check::compare(&ratings, previous));
    p.say(&self_check::interpret(&ratings));
    Ok(0)
}

fn ask_ratings<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
) -> Result<self_check::Ratings, String> {
    p.say("The self-check: five questions about what you can still do on your own.");
    p.say(&format!("Rate each {}.", self_check::SCALE));
    let mut out = [0; 5];
    for (i, q) in self_check::QUESTIONS.iter().enumerate() {
        p.say("");
        p.say(&format!("{}/5. {q}", i + 1));
        loop {
            let Some(answer) = p.ask("   1-5: ")? else {
                return Err("no answer on stdin, so nothing was recorded; run `mindgap self-check` in a terminal, or pass the answers as --ratings 4,2,3,5,1.".into());
            };
            match self_check::parse_rating(&answer) {
                Ok(n) => {
                    out[i] = n;
                    break;
                }
                Err(e) => p.say(&format!("   {e}")),
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// audit

fn config(root: &Path) -> Config {
    Config::load(Some(root), &mut Problems::default())
}

pub fn audit(home: &Path, dir: Option<String>, status: bool) -> Result<i32, String> {
    if status {
        return audit_status(home);
    }
    let stdin = std::io::stdin();
    let mut p = Prompter {
        input: stdin.lock(),
        out: std::io::stdout(),
    };
    let mut db = Db::open(home)?;
    match db.running_audit()? {
        Some(a) => finish_audit(home, &mut db, &a, &mut p),
        None => start_audit(&mut db, dir, &mut p),
    }
}

fn start_audit<R: BufRead, W: Write>(
    db: &mut Db,
    dir: Option<String>,
    p: &mut Prompter<R, W>,
) -> Result<i32, String> {
    let root = super::tasks::root(dir)?;
    p.say(audit::INTRO);
    let Some(skill) = p.ask("Which task did you use to do confidently? ")? else {
        return Err(
            "no answer on stdin, so no audit was started; run `mindgap audit` in a terminal."
                .into(),
        );
    };
    if skill.trim().is_empty() {
        return Err(
            "no skill named, so no audit was started; run `mindgap audit` again and name one."
                .into(),
        );
    }
    let now = chrono::Utc::now().timestamp_millis();
    let name = crate::practices::audit::task_name(&skill);
    let (_, task) = db.start_audit(&root.to_string_lossy(), &skill, &name, now)?;
    p.say("");
    p.say(&format!(
        "Started the manual task `{}` in {}.",
        task.name,
        root.display()
    ));
    p.say("Do it now, without any help: no AI, no pasting, no looking up the answer. Getting stuck is the point — note where.");
    p.say("When you are done, run `mindgap audit` again to write down what you could not do.");
    Ok(0)
}

fn finish_audit<R: BufRead, W: Write>(
    home: &Path,
    db: &mut Db,
    a: &crate::store::practices::Audit,
    p: &mut Prompter<R, W>,
) -> Result<i32, String> {
    let started = local_day(a.started_ms).map_or_else(String::new, |d| {
        format!(" (started {})", d.format("%Y-%m-%d"))
    });
    p.say(&format!("The audit of `{}`{started}.", a.skill));
    let task = match a.task_id {
        Some(id) => db.task(id)?,
        None => None,
    };
    if let Some(t) = &task {
        let help = db.task_help(t, &config(Path::new(&a.root)).outside_help)?;
        p.say(&format!("{} characters of work.", help.work));
        let verdict = manual::verdict(t.manual, help.work, help.outside);
        p.say(manual::describe(&verdict).trim_start());
    }
    p.say("");
    p.say("What could you not do without help? One thing per line; an empty line ends.");
    let mut notes: Vec<String> = Vec::new();
    loop {
        match p.ask("> ")? {
            None if notes.is_empty() => {
                return Err("no answer on stdin, so the audit is still running; run `mindgap audit` in a terminal to finish it.".into());
            }
            None => break,
            Some(l) if l.trim().is_empty() => break,
            Some(l) => notes.push(l),
        }
    }
    let text = notes.join("\n");
    let gaps = audit::count_gaps(&text);
    let file = audit::write_notes(home, today(), &a.skill, &text).map_err(|e| {
        format!(
            "cannot write {} ({e}); the audit is still running.",
            audit::path(home).display()
        )
    })?;
    let now = chrono::Utc::now().timestamp_millis();
    db.finish_audit(a, gaps, now)?;
    let plural = if gaps == 1 { "" } else { "s" };
    p.say("");
    p.say(&format!(
        "Saved to {}: {gaps} gap{plural}. That list is next month's practice; the next audit is due in {} days.",
        file.display(),
        audit::DUE_AFTER_DAYS
    ));
    Ok(0)
}

fn audit_status(home: &Path) -> Result<i32, String> {
    let Some(db) = Db::open_read_only(home) else {
        println!("No audit yet. Run `mindgap audit` to start one.");
        return Ok(0);
    };
    let today = today();
    if let Some(a) = db.running_audit()? {
        let since = local_day(a.started_ms)
            .map_or_else(String::new, |d| format!(" since {}", d.format("%Y-%m-%d")));
        println!(
            "The audit of `{}` is running{since}; run `mindgap audit` when you are done.",
            a.skill
        );
    }
    let state = db.audit_state();
    let status = crate::status::Audit::of(state, today);
    match (db.last_finished_audit()?, status.last) {
        (Some(a), Some(day)) => {
            let gaps = a.gaps.unwrap_or(0);
            println!(
                "Last audit: {} (`{}`, {gaps} gap{}), {} days ago.",
                day.format("%Y-%m-%d"),
                a.skill,
                if gaps == 1 { "" } else { "s" },
                (today - day).num_days()
            );
        }
        _ => println!("No audit finished yet."),
    }
    if status.due {
        println!("An audit is due: run `mindgap audit`.");
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompter(input: &str) -> Prompter<&[u8], Vec<u8>> {
        Prompter {
            input: input.as_bytes(),
            out: Vec::new(),
        }
    }

    #[test]
    fn ratings_are_asked_again_until_valid_and_eof_is_an_error() {
        let mut p = prompter("4\nsix\n2\r\n3\n5\n1\n");
        assert_eq!(ask_ratings(&mut p).unwrap(), [4, 2, 3, 5, 1]);
        let out = String::from_utf8(p.out).unwrap();
        assert!(out.contains("\"six\" is not a rating"), "{out}");
        let mut p = prompter("4\n2\n");
        assert!(
            ask_ratings(&mut p)
                .unwrap_err()
                .contains("no answer on stdin")
        );
    }
}
