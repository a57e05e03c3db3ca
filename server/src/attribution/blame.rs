//! `mindgap blame`: each line of a work-tree file with its origin and commit — git's own blame
//! says which commit last changed the line and where it was then; that commit's mindgap note
//! (else git-ai's) says where it came from; lines not committed yet are the session's (`live`).

use std::collections::HashMap;

use serde::Serialize;

use super::git_ai::{self, Attested, Author};
use super::note::short;
use super::origin::{LineOrigin, Origin};
use super::record::{self, Described, Source};
use crate::git::{Repo, blame as git_blame, notes};

/// One line of `mindgap blame --json` (SPEC section 10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlameLine {
    pub line: u32,
    pub origin: &'static str,
    pub commit: Option<String>,
    pub source: Option<&'static str>,
}

/// What the notes of one commit say, per path in that commit.
enum Notes {
    Mindgap(Vec<record::Record>),
    GitAi(Attested),
}

/// Blames `rel` (relative to the top of the work tree) whose text is `text` (as the editor
/// holds it, or on disk). `live` gives each line's origin as the session knows it, for lines
/// not committed yet. The warnings say which notes were skipped.
pub fn blame(
    repo: &Repo,
    rel: &str,
    text: &str,
    live: Option<&[LineOrigin]>,
) -> (Vec<BlameLine>, Vec<String>) {
    let count = text.lines().count() as u32;
    // A file git does not track (or no repository): every line is uncommitted.
    let blamed = repo
        .run_with_input(
            &["blame", "--line-porcelain", "--contents", "-", "--", rel],
            text.as_bytes(),
        )
        .map(|out| git_blame::parse(&out))
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let commits: Vec<&str> = {
        let mut c: Vec<&str> = blamed.iter().filter_map(|b| b.commit.as_deref()).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let notes = commit_notes(repo, &commits, &mut warnings);
    let described = described(repo, &blamed, &notes);
    let by_line: HashMap<u32, &git_blame::Blamed> = blamed.iter().map(|b| (b.line, b)).collect();
    let lines = (1..=count)
        .map(|line| {
            let Some(b) = by_line.get(&line).filter(|b| b.commit.is_some()) else {
                return uncommitted(line, live);
            };
            let sha = b.commit.clone().unwrap_or_default();
            let (origin, source) = match described.get(&(sha.clone(), b.path.clone())) {
                Some(lines) => lines
                    .get(&b.orig_line)
                    .map_or((Origin::Unknown, None), |d| (d.origin, Some(d.source))),
                None => (Origin::Unknown, None),
            };
            BlameLine {
                line,
                origin: origin.as_str(),
                commit: Some(sha),
                source: source
                    .filter(|_| origin != Origin::Unknown)
                    .map(source_name),
            }
        })
        .collect();
    (lines, warnings)
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Mindgap => "mindgap",
        Source::GitAi => "git-ai",
    }
}

fn uncommitted(line: u32, live: Option<&[LineOrigin]>) -> BlameLine {
    let origin = live
        .and_then(|l| l.get(line as usize - 1))
        .map_or(Origin::Unknown, |o| o.origin);
    BlameLine {
        line,
        origin: origin.as_str(),
        commit: None,
        source: (origin != Origin::Unknown).then_some("live"),
    }
}

/// Each commit's notes: mindgap's, else git-ai's (each ref read in one batch).
fn commit_notes(
    repo: &Repo,
    commits: &[&str],
    warnings: &mut Vec<String>,
) -> HashMap<String, Notes> {
    let ours = notes::read(repo, notes::MINDGAP, commits);
    let mut out: HashMap<String, Notes> = HashMap::new();
    for (sha, text) in ours {
        match record::parse_note(&text) {
            Ok(records) => {
                out.insert(sha, Notes::Mindgap(records));
            }
            Err(why) => {
                warnings.push(format!(
                    "the mindgap note of {} was skipped: {why}",
                    short(&sha)
                ));
            }
        }
    }
    let rest: Vec<&str> = commits
        .iter()
        .copied()
        .filter(|c| !out.contains_key(*c))
        .collect();
    for (sha, text) in notes::read(repo, notes::GIT_AI, &rest) {
        match git_ai::parse(&text) {
            Ok(attested) => {
                out.insert(sha, Notes::GitAi(attested));
            }
            Err(why) => {
                warnings.push(format!(
                    "git-ai's note of {} was skipped: {why}",
                    short(&sha)
                ));
            }
        }
    }
    out
}

/// For each (commit, path) the blame met: what its note says of each line there.
fn described(
    repo: &Repo,
    blamed: &[git_blame::Blamed],
    notes: &HashMap<String, Notes>,
) -> HashMap<(String, String), HashMap<u32, Described>> {
    let mut pairs: Vec<(String, String)> = blamed
        .iter()
        .filter_map(|b| Some((b.commit.clone()?, b.path.clone())))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    // The file's text at each commit, for the ranges' hashes (only where mindgap has a note).
    let wanted: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(c, _)| matches!(notes.get(c), Some(Notes::Mindgap(_))))
        .collect();
    let names: Vec<String> = wanted.iter().map(|(c, p)| format!("{c}:{p}")).collect();
    let texts = repo.objects(&names).unwrap_or_default();
    let mut hashes: HashMap<&(String, String), Vec<u64>> = HashMap::new();
    for (pair, text) in wanted.iter().zip(texts) {
        let text = text.map(|t| String::from_utf8_lossy(&t).into_owned());
        hashes.insert(*pair, record::line_hashes(text.as_deref().unwrap_or("")));
    }
    let mut out = HashMap::new();
    for pair in &pairs {
        let lines = match notes.get(&pair.0) {
            Some(Notes::Mindgap(records)) => {
                let h = hashes.get(pair).map_or(&[][..], Vec::as_slice);
                record::described_lines(records, &pair.1, h)
            }
            Some(Notes::GitAi(attested)) => from_git_ai(attested, &pair.1),
            _ => continue,
        };
        out.insert(pair.clone(), lines);
    }
    out
}

fn from_git_ai(attested: &Attested, path: &str) -> HashMap<u32, Described> {
    attested
        .get(path)
        .map(|lines| {
            lines
                .iter()
                .map(|(&line, author)| {
                    let origin = match author {
                        Author::Ai => Origin::Agent,
                        Author::Human => Origin::Own,
                    };
                    let d = Described {
                        origin,
                        help: origin.help(),
                        source: Source::GitAi,
                    };
                    (line, d)
                })
                .collect()
        })
        .unwrap_or_default()
}
