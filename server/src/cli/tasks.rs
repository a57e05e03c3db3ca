//! `mindgap task …` and `mindgap status`: tasks and the status readout, from the command line.

use std::path::{Path, PathBuf};

use chrono::Local;

use crate::config::{Config, Problems};
use crate::practices::manual;
use crate::status;
use crate::store::{Db, TaskReport, Which};
use crate::tasks::{self, Implied, ImpliedKind};
use crate::workspace;

/// The workspace root for `--dir` (default: the current directory).
pub(super) fn root(dir: Option<String>) -> Result<PathBuf, String> {
    let dir = match dir {
        Some(d) if !Path::new(&d).is_dir() => {
            return Err(format!("--dir {d}: no such directory"));
        }
        Some(d) => PathBuf::from(d),
        None => std::env::current_dir()
            .map_err(|e| format!("cannot tell the current directory ({e}); pass --dir DIR."))?,
    };
    Ok(workspace::root_of(&dir))
}

fn config(root: &Path) -> Config {
    let mut problems = Problems::default();
    let config = Config::load(Some(root), &mut problems);
    for p in problems.warnings.iter().chain(&problems.errors) {
        eprintln!("mindgap: {p}");
    }
    config
}

fn implied_now(root: &Path) -> Implied {
    tasks::implied(root, Local::now().timestamp_millis())
}

pub fn start(
    home: &Path,
    dir: Option<String>,
    name: &str,
    manual: bool,
    estimate: Option<u64>,
) -> Result<i32, String> {
    let name = tasks::task_name(name)?;
    let root = root(dir)?;
    let mut db = Db::open(home)?;
    let t = db.start_task(&root.to_string_lossy(), &name, manual, estimate)?;
    let kind = if t.manual { "manual task" } else { "task" };
    println!("Started {kind} `{}` in {}.", t.name, root.display());
    Ok(0)
}

pub fn finish(home: &Path, dir: Option<String>) -> Result<i32, String> {
    let root = root(dir)?;
    let config = config(&root);
    let mut db = Db::open(home)?;
    let root_s = root.to_string_lossy().into_owned();
    let Some(t) = db.finish_task(&root_s)? else {
        return Err(format!(
            "no task is active in {}; start one with `mindgap task start NAME`.",
            root.display()
        ));
    };
    let report = db.report(&root_s, Which::Named(&t.name), &config)?;
    println!("Finished `{}`.", tasks::one_line(&t.name));
    if let Some(r) = report {
        print_report(&r);
    }
    Ok(0)
}

fn print_report(r: &TaskReport) {
    let s = r.split.shares();
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{:.1}%", v * 100.0));
    println!(
        "{} ({}{}): {} characters of work, {:.0}% through, {} phase",
        tasks::one_line(&r.task.name),
        r.task.state,
        if r.task.manual { ", manual" } else { "" },
        r.split.work,
        r.split.progress() * 100.0,
        r.split.phase()
    );
    println!(
        "  outside help: early {} · late {} · overall {}",
        pct(s.early),
        pct(s.late),
        pct(s.overall)
    );
    if r.task.manual {
        println!(
            "{}",
            crate::practices::manual::describe(&status::manual_verdict(r))
        );
    }
}

pub fn list(home: &Path, dir: Option<String>) -> Result<i32, String> {
    let root = root(dir)?;
    let outside = config(&root).outside_help;
    let Some(db) = Db::open_read_only(home) else {
        println!("No tasks yet.");
        return Ok(0);
    };
    let tasks = db.tasks(&root.to_string_lossy())?;
    if tasks.is_empty() {
        println!("No tasks yet in {}.", root.display());
    }
    for t in tasks {
        let kind = match t.implied {
            Some(ImpliedKind::Branch) => " [branch]",
            Some(ImpliedKind::Daily) => " [daily]",
            None => "",
        };
        // A manual task that took outside help says so, and how much.
        let verdict = t.manual.then(|| {
            db.task_help(&t, &outside)
                .map(|h| manual::verdict(true, h.work, h.outside))
        });
        let manual = match verdict {
            Some(Ok(v)) if v.broken => format!(
                " (manual, broken: {} outside characters, {:.1}%)",
                v.outside_chars,
                v.share.unwrap_or(0.0) * 100.0
            ),
            Some(_) => " (manual)".to_string(),
            None => String::new(),
        };
        println!("{:<9} {}{manual}{kind}", t.state, tasks::one_line(&t.name));
    }
    Ok(0)
}

pub fn show(
    home: &Path,
    dir: Option<String>,
    name: Option<String>,
    json: bool,
) -> Result<i32, String> {
    let root = root(dir)?;
    let config = config(&root);
    let db = Db::open_read_only(home)
        .ok_or("no tasks yet: start one with `mindgap task start NAME`.")?;
    let implied = implied_now(&root);
    let which = match &name {
        Some(n) => Which::Named(n),
        None => Which::Current(&implied),
    };
    let report = db.report(&root.to_string_lossy(), which, &config)?;
    let Some(r) = report else {
        return Err(match name {
            Some(n) => format!(
                "there is no task `{n}` in {}; see `mindgap task list`.",
                root.display()
            ),
            None => format!(
                "there is no task in {} yet; start one with `mindgap task start NAME`.",
                root.display()
            ),
        });
    };
    if json {
        println!("{}", status::task_json(&r));
    } else {
        print_report(&r);
    }
    Ok(0)
}

/// `mindgap status`: never fails a prompt — with no data or a broken store the plain line is
/// empty; `--json` always prints one object (SPEC section 6). Exit code 0 whatever happens.
pub fn status(home: &Path, dir: Option<String>, json: bool, format: Option<String>) -> i32 {
    // A missing directory is a mistake worth saying; one that cannot be read is still the
    // workspace the prompt asked about.
    let root = match root(dir.clone()) {
        Ok(root) => root,
        Err(e) if dir.is_some() => {
            eprintln!("mindgap: {e}");
            return 1;
        }
        Err(_) => PathBuf::from("."),
    };
    let mut problems = Problems::default();
    let mut config = Config::load(Some(&root), &mut problems);
    if format.is_some() {
        config.status_format = format;
    }
    let s = status::gather(home, &root, &config, Local::now());
    if json {
        println!("{}", s.to_json(&config));
    } else {
        println!("{}", s.text(&config));
    }
    0
}
