//! `mindgap blame`: each line of a work-tree file with its origin and commit — git's own blame
//! says which commit last changed the line and where it was then; that commit's mindgap note
//! (else git-ai's) says where it came from; lines not committed yet are the session's (`live`).

use std::collections::HashMap;
use std::path::Path;

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

/// The repository holding the file at `path` and the file's path from the top of its work tree
/// (`/`-separated, as git names it; symbolic links in its folders resolved, as git resolves its
/// top). Outside any repository: the workspace folder holding it, where git finds nothing and
/// every line is uncommitted.
pub fn locate(path: &Path) -> Option<(Repo, String)> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = parent.unwrap_or(Path::new(".")).canonicalize().ok()?;
    let repo = Repo::discover(&dir).unwrap_or_else(|_| Repo {
        root: crate::workspace::root_of(&dir),
    });
    let top = repo
        .root
        .canonicalize()
        .unwrap_or_else(|_| repo.root.clone());
    let rel = dir.join(path.file_name()?);
    let rel: Vec<String> = rel
        .strip_prefix(&top)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some((repo, rel.join("/")))
}

/// A blamed line's row as `mindgap blame` and the editors show it, before the code: the short
/// commit (`00000000` when not committed), the origin (coloured when `colour`), where it is
/// known from, and the line number right-aligned to `width`.
pub fn row(l: &BlameLine, width: usize, colour: bool) -> String {
    let commit = l.commit.as_deref().map_or("00000000", short);
    let origin = format!("{:<10}", l.origin);
    let origin = match (colour, ansi(l.origin)) {
        (true, Some(c)) => format!("\x1b[{c}m{origin}\x1b[0m"),
        _ => origin,
    };
    let source = l.source.unwrap_or("");
    format!("{commit} ({origin} {source:<7} {:>width$})", l.line)
}

fn ansi(origin: &str) -> Option<&'static str> {
    match origin {
        "paste" => Some("33"),
        "completion" => Some("35"),
        "agent" => Some("31"),
        "mixed" => Some("36"),
        "unknown" => Some("2"),
        _ => None,
    }
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
    // A file git does not track, no repository, or no file at all (`rel` empty): every line
    // is uncommitted.
    let blamed = (!rel.is_empty())
        .then(|| {
            repo.run_with_input(
                &["blame", "--line-porcelain", "--contents", "-", "--", rel],
                text.as_bytes(),
            )
            .ok()
        })
        .flatten()
        .map(|out| git_blame::parse(&out))
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let commits: Vec<&str> = {
        let mut c: Vec<&str> = blamed.iter().filter_map(|b| b.commit.as_deref()).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let notes = if commits.is_empty() {
        HashMap::new()
    } else {
        commit_notes(repo, &commits, &mut warnings)
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_a_symbolic_link_is_named_from_the_top_of_its_work_tree() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir_all(real.join("src")).unwrap();
        let ok = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(&real)
            .status()
            .unwrap();
        assert!(ok.success());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        // Not on disk yet (a new, unsaved file): its folder is enough.
        let file = link.join("src").join("new file.py");
        let (repo, rel) = locate(&file).expect("in the repository");
        assert_eq!(rel, "src/new file.py");
        assert_eq!(repo.root, real.canonicalize().unwrap());
        // Outside any repository: the folder holding it, where every line is uncommitted.
        let (repo, rel) = locate(&dir.path().join("elsewhere.py")).unwrap();
        assert_eq!(rel, "elsewhere.py");
        assert_eq!(repo.root, dir.path().canonicalize().unwrap());
        let (lines, warnings) = blame(&repo, &rel, "a\nb\n", None);
        assert!(warnings.is_empty());
        assert!(
            lines
                .iter()
                .all(|l| l.commit.is_none() && l.origin == "unknown")
        );
    }
}
