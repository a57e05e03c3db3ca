//! The team's view as text (aligned tables), JSON (one object) and HTML (a page like the
//! personal report's).

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Tally, Team};
use crate::practices::report::html::{CSS, esc};
use crate::practices::report::pct;

const NOTHING: &str = "No commit in this period has a mindgap note here. Notes come from `mindgap hook install` (or `mindgap note`), and reach a clone with `git fetch origin refs/notes/mindgap:refs/notes/mindgap`.";

fn explained(t: &Tally) -> String {
    format!("{}/{}", t.needing_explained, t.needing)
}

fn row(week: &str, author: &str, t: &Tally) -> String {
    format!(
        "{week:<10}  {author:<32}  {:>7}  {:>6}  {:>7}  {:>6}  {:>7}  {:>9}\n",
        t.commits,
        t.known() + t.lines.get("unknown").copied().unwrap_or(0),
        t.outside(),
        pct(t.share()),
        t.lines.get("unknown").copied().unwrap_or(0),
        explained(t),
    )
}

fn header(first: &str) -> String {
    format!(
        "{first:<10}  {:<32}  {:>7}  {:>6}  {:>7}  {:>6}  {:>7}  {:>9}\n",
        "author", "commits", "lines", "outside", "share", "unknown", "explained"
    )
}

pub fn text(t: &Team) -> String {
    let mut o = format!(
        "mindgap team report for {} — since {} ({}), from the notes in refs/notes/mindgap\n\
         {} of {} commits in the period carry a note{}: only what people chose to push is here.\n",
        t.repo,
        t.from,
        t.since,
        t.noted + t.noted_by_git_ai,
        t.commits,
        git_ai(t),
    );
    for s in &t.skipped {
        let _ = writeln!(o, "(skipped: {s})");
    }
    if t.authors.is_empty() {
        let _ = writeln!(o, "\n{NOTHING}");
        return o;
    }
    o.push('\n');
    o.push_str(&header("week of"));
    for (week, authors) in t.weeks.iter().rev() {
        for (author, tally) in authors {
            o.push_str(&row(week, author, tally));
        }
    }
    o.push('\n');
    o.push_str(&header("period"));
    for (author, tally) in &t.authors {
        o.push_str(&row("", author, tally));
    }
    o.push_str(
        "\nlines: committed lines the notes describe; outside: pasted, completed or written by an\n\
         agent (a mixed line counts); share: outside ÷ lines of known origin; explained:\n\
         blocks long enough to need an explanation that have one.\n",
    );
    o
}

/// " (3 of them git-ai's only)", when some are.
fn git_ai(t: &Team) -> String {
    match t.noted_by_git_ai {
        0 => String::new(),
        n => format!(" ({n} of them git-ai's only)"),
    }
}

fn tally_json(t: &Tally) -> Value {
    json!({
        "commits": t.commits,
        "lines": t.lines,
        "outside": t.outside(),
        "share": t.share(),
        "blocks": t.blocks,
        "blocks_explained": t.explained,
        "blocks_needing_explanation": t.needing,
        "blocks_needing_explanation_explained": t.needing_explained,
    })
}

pub fn json(t: &Team) -> Value {
    let weeks: Vec<Value> = t
        .weeks
        .iter()
        .map(|(week, authors)| {
            let authors: Vec<Value> = authors
                .iter()
                .map(|(a, tally)| {
                    let mut v = tally_json(tally);
                    v["author"] = json!(a);
                    v
                })
                .collect();
            json!({"week": week, "authors": authors})
        })
        .collect();
    let authors: Vec<Value> = t
        .authors
        .iter()
        .map(|(a, tally)| {
            let mut v = tally_json(tally);
            v["author"] = json!(a);
            v
        })
        .collect();
    json!({
        "repo": t.repo,
        "since": t.since,
        "from": t.from,
        "notes_ref": "refs/notes/mindgap",
        "commits": t.commits,
        "commits_with_notes": t.noted,
        "commits_with_git_ai_notes": t.noted_by_git_ai,
        "weeks": weeks,
        "authors": authors,
        "skipped": t.skipped,
    })
}

fn html_row(o: &mut String, first: &str, author: &str, t: &Tally) {
    let share = t.share().unwrap_or(0.0);
    let _ = write!(
        o,
        r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}<span class="bar" style="display:inline-block;margin-left:.4em;height:.6em;width:{:.0}px;background:currentColor;opacity:.5"></span></td><td class="num">{}</td><td class="num">{}</td></tr>"#,
        esc(first),
        esc(author),
        t.commits,
        t.known() + t.lines.get("unknown").copied().unwrap_or(0),
        t.outside(),
        pct(t.share()),
        share * 60.0,
        t.lines.get("unknown").copied().unwrap_or(0),
        explained(t),
    );
}

pub fn html(t: &Team) -> String {
    let mut o = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><title>mindgap team report · since {from}</title><style>{CSS}</style></head><body><main><h1>mindgap team report</h1><p class="sub">{repo} · since {from} · {noted} of {commits} commits carry a note{git_ai} — only what people chose to push</p>"#,
        from = esc(&t.from),
        repo = esc(&t.repo),
        noted = t.noted + t.noted_by_git_ai,
        git_ai = esc(&git_ai(t)),
        commits = t.commits,
    );
    if t.authors.is_empty() {
        let _ = write!(o, r#"<div class="callout ok">{}</div>"#, esc(NOTHING));
    } else {
        let head = "<tr><th>{first}</th><th>author</th><th>commits</th><th>lines</th><th>outside</th><th>share</th><th>unknown</th><th>explained</th></tr>";
        let _ = write!(
            o,
            "<h2>By week</h2><table>{}",
            head.replace("{first}", "week of")
        );
        for (week, authors) in t.weeks.iter().rev() {
            for (author, tally) in authors {
                html_row(&mut o, week, author, tally);
            }
        }
        let _ = write!(
            o,
            "</table><h2>The period</h2><table>{}",
            head.replace("{first}", "")
        );
        for (author, tally) in &t.authors {
            html_row(&mut o, "", author, tally);
        }
        o.push_str("</table><p class=\"sub\">A mixed line counts as outside help; share is outside ÷ lines of known origin; explained counts blocks long enough to need an explanation.</p>");
    }
    for s in &t.skipped {
        let _ = write!(o, r#"<p class="sub">skipped: {}</p>"#, esc(s));
    }
    o.push_str("<footer>Made by <code>mindgap report --repo</code> from the notes in this repository.</footer></main></body></html>\n");
    o
}
