//! What a change carries: the new text of a file that changed (text files up to a size only);
//! the first time a file is reported, what git's index holds for it (read in one
//! `git cat-file --batch`), so a file the server never saw is measured against its last
//! committed or staged content rather than counted whole; and whether git's object store
//! already holds the new text (one `git hash-object --stdin-paths` and one
//! `git cat-file --batch-check` per burst): version control writes only what git has.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use super::{DiskChange, News, Walker};
use crate::mirror::disk_lines::{is_text, line_keys};

/// Files larger than this are not read (their change is not measured).
const MAX_BYTES: u64 = 2 << 20;

pub(super) fn read(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// The change a wanted file at `path` (`rel` from the root) reports, if any: `.git` entries
/// carry no text, a removed file `None` as its text; a file there but binary or too large is
/// not measured (no change).
pub(super) fn change_at(path: &Path, rel: String) -> Option<DiskChange> {
    if rel.starts_with(".git/") {
        return Some(DiskChange {
            rel_path: rel,
            text: None,
            before: None,
            in_git: None,
            keys: Vec::new(),
        });
    }
    match read(path) {
        Some(text) => Some(DiskChange {
            rel_path: rel,
            keys: if is_text(&text) {
                line_keys(&text)
            } else {
                Vec::new()
            },
            text: Some(text),
            before: None,
            in_git: None,
        }),
        None if path.exists() => None, // binary or too large: not measured
        None => Some(DiskChange {
            rel_path: rel,
            text: None,
            before: None,
            in_git: None,
            keys: Vec::new(),
        }),
    }
}

impl<D: Fn(News)> Walker<D> {
    /// Gives files reported for the first time what git's index holds for them.
    pub(super) fn add_baselines(&mut self, changes: &mut [DiskChange]) {
        let first: Vec<String> = changes
            .iter()
            .filter(|c| c.text.is_some() && !self.reported.contains(&c.rel_path))
            .map(|c| c.rel_path.clone())
            .collect();
        for c in changes.iter() {
            if c.text.is_some() {
                self.reported.insert(c.rel_path.clone());
            }
        }
        if first.is_empty() || crate::workspace::git_dir(&self.root).is_none() {
            return;
        }
        // `known` holds only files reported for the first time.
        let mut known = index_texts(&self.root, &first);
        for c in changes.iter_mut() {
            c.before = known.remove(&c.rel_path);
        }
    }
}

impl<D: Fn(News)> Walker<D> {
    /// Says for each written file whether git's object store already holds its text.
    pub(super) fn add_in_git(&mut self, changes: &mut [DiskChange]) {
        let written: Vec<&str> = (changes.iter())
            .filter(|c| c.text.is_some() && !c.rel_path.starts_with(".git/"))
            .map(|c| c.rel_path.as_str())
            .collect();
        if written.is_empty() || crate::workspace::git_dir(&self.root).is_none() {
            return;
        }
        let held = held_by_git(&self.root, &written);
        for c in changes.iter_mut() {
            c.in_git = held.get(&c.rel_path).copied();
        }
    }
}

/// Runs `git -C root ARGS`, writes `input` to it and returns what it printed (`None` if git
/// cannot run or fails).
fn git_filter(root: &Path, args: &[&str], input: String) -> Option<Vec<u8>> {
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    child.stdout.take()?.read_to_end(&mut out).ok()?;
    let _ = writer.join();
    child.wait().ok()?.success().then_some(out)
}

/// For each of `rels`: whether git's object store holds the file's current content as a blob
/// (hashed as git would store it, filters included; never written). Files git cannot hash are
/// left out (unknown).
fn held_by_git(root: &Path, rels: &[&str]) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    let paths: String = rels.iter().map(|r| format!("{r}\n")).collect();
    let Some(ids) = git_filter(root, &["hash-object", "--stdin-paths"], paths) else {
        return out;
    };
    let ids: Vec<String> = String::from_utf8_lossy(&ids)
        .lines()
        .map(str::to_owned)
        .collect();
    if ids.len() != rels.len() {
        return out;
    }
    let asked: String = ids.iter().map(|id| format!("{id}\n")).collect();
    let Some(answers) = git_filter(root, &["cat-file", "--batch-check"], asked) else {
        return out;
    };
    // Each answer: "<oid> blob <size>", or "<oid> missing".
    for (rel, answer) in rels.iter().zip(String::from_utf8_lossy(&answers).lines()) {
        out.insert((*rel).to_owned(), !answer.ends_with(" missing"));
    }
    out
}

/// What git's index holds for each of `rels` (text files only), read in one `git cat-file`.
fn index_texts(root: &Path, rels: &[String]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let child = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return out;
    };
    let mut stdin = child.stdin.take().expect("piped");
    let names: Vec<String> = rels.iter().map(|r| format!(":{r}\n")).collect();
    let writer = std::thread::spawn(move || {
        for n in names {
            if stdin.write_all(n.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut stdout = Vec::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_end(&mut stdout);
    }
    let _ = writer.join();
    let _ = child.wait();
    // Each answer: "<oid> blob <size>\n<content>\n", or "<name> missing\n".
    let mut at = 0;
    for rel in rels {
        let Some(nl) = stdout[at..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let header = String::from_utf8_lossy(&stdout[at..at + nl]).into_owned();
        at += nl + 1;
        let mut parts = header.split(' ');
        let (Some(_), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
            continue; // "missing": not in the index
        };
        let Ok(size) = size.parse::<usize>() else {
            break;
        };
        if at + size > stdout.len() {
            break;
        }
        if kind == "blob"
            && size as u64 <= MAX_BYTES
            && let Ok(text) = std::str::from_utf8(&stdout[at..at + size])
        {
            out.insert(rel.clone(), text.to_owned());
        }
        at += size + 1;
    }
    out
}
