//! `mindgap report --repo`: a team's view, opt-in — the notes present in the repository (only
//! what people chose to push), read per author and per week: the share of committed lines that
//! came from outside help, and how many outside-help blocks had explanations. Commits that no
//! branch, tag or HEAD reaches (a note left on a commit an amend replaced) are not counted.

mod render;

use std::collections::{BTreeMap, HashMap};

use chrono::{Local, TimeZone};
use serde::Serialize;
use serde_json::Value;

use super::git_ai::Author;
use super::origin::Origin;
use super::record::{self, Record};
use crate::git::{Repo, notes};
use crate::practices::timeline::monday;
pub use render::{html, json, text};

/// What one author committed in one week (or the whole period).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Tally {
    pub commits: u32,
    /// Committed lines described by notes, per origin.
    pub lines: BTreeMap<&'static str, u64>,
    /// Outside-help blocks, and those with an explanation that counts.
    pub blocks: u32,
    pub explained: u32,
    /// Blocks long enough to need one, and those of them that have one.
    pub needing: u32,
    pub needing_explained: u32,
}

impl Tally {
    /// Lines of outside help (a mixed line holds some, so it counts).
    pub fn outside(&self) -> u64 {
        Origin::ALL
            .iter()
            .filter(|o| o.is_outside())
            .map(|o| self.lines.get(o.as_str()).copied().unwrap_or(0))
            .sum()
    }

    /// Lines whose origin is known.
    pub fn known(&self) -> u64 {
        self.outside() + self.lines.get("own").copied().unwrap_or(0)
    }

    /// Outside help ÷ lines of known origin; `None` with none known.
    pub fn share(&self) -> Option<f64> {
        let known = self.known();
        (known > 0).then(|| self.outside() as f64 / known as f64)
    }

    fn add(&mut self, other: &Tally) {
        self.commits += other.commits;
        for (k, v) in &other.lines {
            *self.lines.entry(k).or_default() += v;
        }
        self.blocks += other.blocks;
        self.explained += other.explained;
        self.needing += other.needing;
        self.needing_explained += other.needing_explained;
    }
}

/// The team's view of a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Team {
    pub repo: String,
    pub since: String,
    pub from: String,
    /// Commits in the period, and those of them with a mindgap note.
    pub commits: u32,
    pub noted: u32,
    /// Commits with no mindgap note but git-ai's (its attested lines are counted).
    pub noted_by_git_ai: u32,
    /// Week (its Monday) → author → tally, newest week first when rendered.
    pub weeks: BTreeMap<String, BTreeMap<String, Tally>>,
    pub authors: BTreeMap<String, Tally>,
    /// Notes that could not be read.
    pub skipped: Vec<String>,
}

/// Reads the period `since` (`8w`, `30d`) of the repository's notes.
pub fn gather(repo: &Repo, since: &str) -> Result<Team, String> {
    let from_ms = crate::practices::report::output::since_ms(since, Local::now())?;
    let after = format!("--since={}", from_ms / 1000);
    let log = repo.run(&[
        "log",
        "--branches",
        "--tags",
        "--remotes",
        "HEAD",
        "--no-merges",
        &after,
        "--format=%H%x00%an <%ae>%x00%ct",
    ]);
    // A repository with no commit yet has nothing to show.
    let log = String::from_utf8_lossy(&log.unwrap_or_default()).into_owned();
    // Only the period's notes are read.
    let shas: Vec<&str> = log.lines().filter_map(|l| l.split('\0').next()).collect();
    let noted = notes::read(repo, notes::MINDGAP, &shas);
    let by_git_ai = notes::read(repo, notes::GIT_AI, &shas);
    let from = Local
        .timestamp_millis_opt(from_ms)
        .single()
        .map_or(String::new(), |d| d.date_naive().to_string());
    let mut team = Team {
        repo: repo.root.display().to_string(),
        since: since.to_string(),
        from,
        ..Team::default()
    };
    for line in log.lines() {
        let mut parts = line.split('\0');
        let (Some(sha), Some(author), Some(time)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        team.commits += 1;
        let Some(tally) = commit_tally(sha, &noted, &by_git_ai, &mut team) else {
            continue;
        };
        let week = Local
            .timestamp_opt(time.parse().unwrap_or(0), 0)
            .single()
            .map_or(String::new(), |d| monday(d.date_naive()).to_string());
        let by_author = team.weeks.entry(week).or_default();
        by_author.entry(author.to_string()).or_default().add(&tally);
        team.authors
            .entry(author.to_string())
            .or_default()
            .add(&tally);
    }
    Ok(team)
}

/// What the notes of commit `sha` say: mindgap's, else git-ai's (`None` with neither, or
/// none readable).
fn commit_tally(
    sha: &str,
    noted: &HashMap<String, String>,
    by_git_ai: &HashMap<String, String>,
    team: &mut Team,
) -> Option<Tally> {
    let short = super::note::short(sha);
    match noted.get(sha).map(|n| record::parse_note(n)) {
        Some(Ok(records)) => {
            team.noted += 1;
            return Some(tally(&records[0]));
        }
        Some(Err(why)) => team
            .skipped
            .push(format!("the mindgap note of {short} was skipped: {why}")),
        None => {}
    }
    let attested = match super::git_ai::parse(by_git_ai.get(sha)?) {
        Ok(a) => a,
        Err(why) => {
            let said = format!("git-ai's note of {short} was skipped: {why}");
            team.skipped.push(said);
            return None;
        }
    };
    team.noted_by_git_ai += 1;
    let mut t = Tally {
        commits: 1,
        ..Tally::default()
    };
    for author in attested.values().flat_map(|lines| lines.values()) {
        let origin = match author {
            Author::Ai => Origin::Agent,
            Author::Human => Origin::Own,
        };
        *t.lines.entry(origin.as_str()).or_default() += 1;
    }
    Some(t)
}

/// One commit's tally, from its record: lines per origin from the ranges (so another tool's
/// record counts too), blocks from mindgap's metadata.
fn tally(r: &Record) -> Tally {
    let mut t = Tally {
        commits: 1,
        ..Tally::default()
    };
    for file in &r.files {
        for conv in &file.conversations {
            for range in &conv.ranges {
                let d = record::describe(conv, range);
                let n = u64::from(range.end_line.saturating_sub(range.start_line)) + 1;
                *t.lines.entry(d.origin.as_str()).or_default() += n;
            }
        }
    }
    let blocks = r
        .metadata
        .get(record::METADATA_KEY)
        .and_then(|m| m.get("blocks"))
        .and_then(Value::as_array);
    for b in blocks.into_iter().flatten() {
        let flag = |k: &str| b.get(k).and_then(Value::as_bool).unwrap_or(false);
        t.blocks += 1;
        t.explained += u32::from(flag("explained"));
        if flag("needs_explanation") {
            t.needing += 1;
            t.needing_explained += u32::from(flag("explained"));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_lines_and_blocks_are_counted() {
        let note = r#"{"version":"0.1.0","id":"x","timestamp":"t","files":[{"path":"a","conversations":[{"contributor":{"type":"human"},"ranges":[{"start_line":1,"end_line":10}]},{"contributor":{"type":"ai"},"ranges":[{"start_line":11,"end_line":14}],"metadata":{"dev.mindgap":{"class":"paste"}}},{"contributor":{"type":"mixed"},"ranges":[{"start_line":15,"end_line":15}]},{"contributor":{"type":"unknown"},"ranges":[{"start_line":16,"end_line":20}]}]}],"metadata":{"dev.mindgap":{"blocks":[{"needs_explanation":true,"explained":true},{"needs_explanation":false,"explained":false},{"needs_explanation":true,"explained":false}]}}}"#;
        let t = tally(&record::parse_note(note).unwrap()[0]);
        assert_eq!(t.lines["own"], 10);
        assert_eq!(t.lines["paste"], 4);
        assert_eq!(t.lines["mixed"], 1);
        assert_eq!(t.lines["unknown"], 5);
        assert_eq!(t.outside(), 5);
        assert_eq!(t.share(), Some(5.0 / 15.0), "unknown lines are left out");
        assert_eq!(
            (t.blocks, t.explained, t.needing, t.needing_explained),
            (3, 1, 2, 1)
        );
        let mut sum = t.clone();
        sum.add(&t);
        assert_eq!((sum.commits, sum.lines["paste"]), (2, 8));
        assert_eq!(Tally::default().share(), None);
    }
}
