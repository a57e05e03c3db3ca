//! `mindgap note`, `mindgap blame` and `mindgap export --format agent-trace`: attribution that
//! travels with the code (SPEC section 10), turned into notes, aligned text and JSON Lines. The
//! records themselves are `attribution/`'s.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::attribution::blame::{BlameLine, blame as blame_lines, locate, row};
use crate::attribution::note::{short, worktree_record, write_note};
use crate::attribution::record::{self, Record};
use crate::attribution::{Context, origin::Origin};
use crate::config::{Config, Problems};
use crate::git::{Repo, notes};
use crate::store::Db;

fn context(home: &Path, root: &Path) -> Context {
    let mut problems = Problems::default();
    let config = Config::load(Some(root), &mut problems);
    for p in problems.warnings.iter().chain(&problems.errors) {
        eprintln!("mindgap: {p}");
    }
    Context {
        root: root.to_path_buf(),
        config,
        db: Db::open_read_only(home),
    }
}

fn here(dir: Option<String>) -> Result<PathBuf, String> {
    match dir {
        Some(d) if !Path::new(&d).is_dir() => Err(format!("--dir {d}: no such directory")),
        Some(d) => Ok(PathBuf::from(d)),
        None => std::env::current_dir()
            .map_err(|e| format!("cannot tell the current directory ({e}); pass --dir DIR.")),
    }
}

fn warn_all(warnings: &[String]) {
    for w in warnings {
        eprintln!("mindgap: {w}");
    }
}

/// `mindgap note [COMMIT] [--rewritten]`.
pub fn note(
    home: &Path,
    dir: Option<String>,
    commit: Option<String>,
    rewritten: bool,
    print: bool,
    quiet: bool,
) -> Result<i32, String> {
    let repo = Repo::discover(&here(dir)?)?;
    let ctx = context(home, &repo.root);
    let revs: Vec<String> = if rewritten {
        // "OLD NEW [EXTRA]" per line; the new commits are the ones to note.
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
            .collect()
    } else {
        vec![commit.unwrap_or_else(|| "HEAD".into())]
    };
    for rev in &revs {
        let (record, warnings) = write_note(&ctx, &repo, rev)?;
        warn_all(&warnings);
        if print {
            let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
            println!("{text}");
        } else if !quiet {
            println!("mindgap: {}", summary(&record));
        }
    }
    Ok(0)
}

/// "noted a1b2c3d4 under refs/notes/mindgap: 12 lines (10 own, 2 paste)".
fn summary(r: &Record) -> String {
    let sha = r.vcs.as_ref().map_or("", |v| v.revision.as_str());
    let lines = r
        .metadata
        .get(record::METADATA_KEY)
        .and_then(|m| m.get("lines"))
        .and_then(|l| l.as_object());
    let total: u64 = lines
        .map(|l| l.values().filter_map(|v| v.as_u64()).sum())
        .unwrap_or(0);
    let parts: Vec<String> = Origin::ALL
        .iter()
        .filter_map(|o| {
            let n = lines?.get(o.as_str())?.as_u64()?;
            (n > 0).then(|| format!("{n} {}", o.as_str()))
        })
        .collect();
    let detail = if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    };
    format!(
        "noted {} under {}: {total} line(s) added or changed{detail}.",
        short(sha),
        notes::MINDGAP
    )
}

/// `mindgap blame FILE [--json]`.
pub fn blame(home: &Path, file: &str, json: bool) -> Result<i32, String> {
    let path = Path::new(file);
    let text = std::fs::read(path).map_err(|e| format!("cannot read {file} ({e})."))?;
    let text = String::from_utf8(text)
        .map_err(|_| format!("{file} is not UTF-8 text; mindgap blames text files."))?;
    let (repo, rel) = locate(path).ok_or_else(|| format!("cannot find {file}."))?;
    let root = repo.root.clone();
    let ctx = context(home, &root);
    let live = ctx.origins(&rel, &text).map(|(_, _, o)| o);
    let (lines, warnings) = blame_lines(&repo, &rel, &text, live.as_deref());
    warn_all(&warnings);
    let out = if json {
        lines
            .iter()
            .map(|l| serde_json::to_string(l).map(|s| s + "\n"))
            .collect::<Result<String, _>>()
            .map_err(|e| e.to_string())?
    } else {
        aligned(&lines, &text, colour())
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        r => r
            .map(|_| 0)
            .map_err(|e| format!("cannot write the blame ({e}).")),
    }
}

fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Aligned like `git blame`: short commit, origin, where it is known from, line number, text.
pub fn aligned(lines: &[BlameLine], text: &str, colour: bool) -> String {
    let width = lines.len().max(1).to_string().len();
    lines
        .iter()
        .zip(text.lines())
        .map(|(l, code)| format!("{} {code}\n", row(l, width, colour)))
        .collect()
}

/// `mindgap export --format agent-trace [-o PATH]`.
pub fn export(home: &Path, out: Option<String>, dir: Option<String>) -> Result<i32, String> {
    let text = agent_trace(home, dir)?;
    super::report::emit(&text, out.as_deref(), "Agent Trace records")?;
    Ok(0)
}

/// Every commit's mindgap note (oldest first), then the record of the uncommitted work, one
/// JSON object per line.
fn agent_trace(home: &Path, dir: Option<String>) -> Result<String, String> {
    let repo = Repo::discover(&here(dir)?)?;
    let ctx = context(home, &repo.root);
    let listed = notes::list(&repo, notes::MINDGAP);
    // Oldest first, and only commits something still reaches (not one an amend replaced).
    let log = if listed.is_empty() {
        Vec::new()
    } else {
        repo.run(&[
            "log",
            "--reverse",
            "--branches",
            "--tags",
            "--remotes",
            "HEAD",
            "--format=%H",
        ])?
    };
    let log = String::from_utf8_lossy(&log);
    let commits: Vec<&str> = log
        .lines()
        .filter(|sha| listed.contains_key(*sha))
        .collect();
    let noted = notes::read(&repo, notes::MINDGAP, &commits);
    let mut out = String::new();
    for sha in commits {
        let Some(note) = noted.get(sha) else { continue };
        match record::parse_note(note) {
            Ok(records) => {
                out.push_str(&serde_json::to_string(&records[0]).map_err(|e| e.to_string())?);
                out.push('\n');
            }
            Err(why) => eprintln!(
                "mindgap: the mindgap note of {} was skipped: {why}",
                short(sha)
            ),
        }
    }
    let worktree = worktree_record(&ctx, &repo)?;
    out.push_str(&serde_json::to_string(&worktree).map_err(|e| e.to_string())?);
    out.push('\n');
    Ok(out)
}

/// `mindgap report --repo`: the team's view, from the notes in the repository.
pub fn team_report(
    dir: Option<String>,
    since: Option<String>,
    format: Option<String>,
    out: Option<String>,
) -> Result<i32, String> {
    let repo = Repo::discover(&here(dir)?)?;
    let team = crate::attribution::team::gather(&repo, since.as_deref().unwrap_or("8w"))?;
    let text = match format.as_deref().unwrap_or("text") {
        "text" => crate::attribution::team::text(&team),
        "json" => {
            let mut s = serde_json::to_string_pretty(&crate::attribution::team::json(&team))
                .map_err(|e| e.to_string())?;
            s.push('\n');
            s
        }
        "html" => crate::attribution::team::html(&team),
        other => return Err(format!("--format takes text, json or html, not {other:?}.")),
    };
    super::report::emit(&text, out.as_deref(), "team report")?;
    Ok(0)
}
