//! Git notes: which commits have a note under a notes ref, their texts read in one batch, and
//! writing one (replacing what was there). The ref is always named in full, so the person's
//! `core.notesRef` and `refs/notes/commits` are never touched.

use std::collections::HashMap;

use super::Repo;

/// The ref mindgap's own notes live under (SPEC section 10).
pub const MINDGAP: &str = "refs/notes/mindgap";
/// git-ai's authorship notes: read, never written.
pub const GIT_AI: &str = "refs/notes/ai";

/// Every commit that has a note under `notes_ref`, with the name of its note's blob. A ref that
/// does not exist has none.
pub fn list(repo: &Repo, notes_ref: &str) -> HashMap<String, String> {
    let arg = format!("--ref={notes_ref}");
    let Ok(out) = repo.run(&["notes", &arg, "list"]) else {
        return HashMap::new();
    };
    String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| {
            let (blob, commit) = l.split_once(' ')?;
            Some((commit.trim().to_string(), blob.trim().to_string()))
        })
        .collect()
}

/// The notes of `commits` under `notes_ref` (those that have one), read in one batch.
pub fn read(repo: &Repo, notes_ref: &str, commits: &[&str]) -> HashMap<String, String> {
    let all = list(repo, notes_ref);
    let wanted: Vec<(&str, String)> = commits
        .iter()
        .filter_map(|c| all.get(*c).map(|blob| (*c, blob.clone())))
        .collect();
    let blobs: Vec<String> = wanted.iter().map(|(_, b)| b.clone()).collect();
    let Ok(texts) = repo.objects(&blobs) else {
        return HashMap::new();
    };
    wanted
        .into_iter()
        .zip(texts)
        .filter_map(|((commit, _), text)| {
            Some((commit.to_string(), String::from_utf8(text?).ok()?))
        })
        .collect()
}

/// Writes `text` as the note of `commit` under mindgap's own ref, replacing any note it had.
/// There is no way to write another ref: other tools' notes are read, never written.
pub fn write(repo: &Repo, commit: &str, text: &str) -> Result<(), String> {
    let arg = format!("--ref={MINDGAP}");
    repo.run_with_input(
        &["notes", &arg, "add", "--force", "--file=-", commit],
        text.as_bytes(),
    )
    .map(|_| ())
}
