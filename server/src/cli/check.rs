//! `mindgap check [--staged]` and `mindgap hook install`: the explanation requirement at commit
//! time (SPEC section 8).

use std::path::Path;
use std::process::Command;

use ropey::Rope;

use crate::attribution::Context;
use crate::config::{Config, Problems};
use crate::practices::check::{Unexplained, check_file};
use crate::store::Db;
use crate::uri;

pub(super) fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git ({e}); is it installed?"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

pub fn check(home: &Path, dir: Option<String>, staged: bool) -> Result<i32, String> {
    let root = super::tasks::root(dir)?;
    let mut problems = Problems::default();
    let config = Config::load(Some(&root), &mut problems);
    for p in problems.warnings.iter().chain(&problems.errors) {
        eprintln!("mindgap: {p}");
    }
    let Some(db) = Db::open_read_only(home) else {
        println!("mindgap: no record of outside help yet; nothing to explain.");
        return Ok(0);
    };
    let files = if staged {
        staged_files(&root)?
    } else {
        recorded_files(&db, &root)
    };
    let ctx = Context {
        root: root.clone(),
        config,
        db: Some(db),
    };
    let provenance_of = |uri: &str, rope: &Rope| ctx.explanation_help(uri, rope);
    let mut missing: Vec<Unexplained> = Vec::new();
    for Candidate { rel, text } in &files {
        let Some(text) = text else { continue }; // binary or deleted
        let saved = ctx.saved(rel);
        missing.extend(check_file(
            &root,
            rel,
            text,
            saved.as_ref(),
            &ctx.config,
            &provenance_of,
        ));
    }
    if missing.is_empty() {
        let what = if staged { "staged files" } else { "files" };
        println!(
            "mindgap: every outside-help block of {} lines or more in the {what} is explained.",
            ctx.config.explain_min_lines
        );
        return Ok(0);
    }
    for m in &missing {
        println!(
            "{}:{}: {} lines of {} without an explanation",
            m.path, m.line, m.lines, m.class
        );
    }
    eprintln!(
        "mindgap: {} block(s) need an explanation before committing: use the editor's \"Explain this block\" action, write why in your own words, and commit again.",
        missing.len()
    );
    Ok(1)
}

/// A file to check: its workspace-relative path and the text to check (`None` when it is not
/// text, or cannot be read).
struct Candidate {
    rel: String,
    text: Option<String>,
}

/// The files git's index holds changes of, with their text as it will be committed.
fn staged_files(root: &Path) -> Result<Vec<Candidate>, String> {
    let args = [
        "diff",
        "--cached",
        "--name-only",
        "--diff-filter=ACMR",
        "-z",
    ];
    let names = git(root, &args)?;
    Ok(names
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| {
            let rel = String::from_utf8_lossy(n).into_owned();
            let text = git(root, &["show", &format!(":{rel}")])
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            Candidate { rel, text }
        })
        .collect())
}

/// The files of the workspace the store holds provenance for, with their text on disk.
fn recorded_files(db: &Db, root: &Path) -> Vec<Candidate> {
    let root_s = root.to_string_lossy().into_owned();
    db.provenance_subjects(&uri::from_path(&root_s))
        .into_iter()
        .filter_map(|subject| uri::relative_to(&root_s, &subject))
        .map(|rel| {
            let text = std::fs::read_to_string(root.join(&rel)).ok();
            Candidate { rel, text }
        })
        .collect()
}
