//! Running git for the commands that read and write attribution (notes, blame, diffs): one
//! place that spawns `git`, feeds it input and reads objects in one batch, and the parsers of
//! what git prints. Parsers are pure and tested on git's own output formats; nothing here knows
//! what a note means (that is `attribution/`'s job).

pub mod blame;
pub mod diff;
pub mod notes;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A work tree git can be run in.
#[derive(Clone, Debug)]
pub struct Repo {
    /// The top of the work tree.
    pub root: PathBuf,
}

impl Repo {
    /// The repository holding `dir`, if git knows one.
    pub fn discover(dir: &Path) -> Result<Repo, String> {
        let out = run_in(dir, &["rev-parse", "--show-toplevel"], None)?;
        let top = String::from_utf8_lossy(&out).trim().to_string();
        if top.is_empty() {
            return Err(format!("{} is not in a git work tree.", dir.display()));
        }
        Ok(Repo {
            root: PathBuf::from(top),
        })
    }

    /// Runs `git ARGS` at the top of the work tree; what it printed, or one sentence saying
    /// what failed.
    pub fn run(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        run_in(&self.root, args, None)
    }

    /// Runs `git ARGS` with `input` on its standard input.
    pub fn run_with_input(&self, args: &[&str], input: &[u8]) -> Result<Vec<u8>, String> {
        run_in(&self.root, args, Some(input))
    }

    /// The full name of the commit `rev` names.
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        let spec = format!("{rev}^{{commit}}");
        let out = self
            .run(&["rev-parse", "--verify", "--quiet", &spec])
            .map_err(|_| format!("`{rev}` names no commit here."))?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// The objects named by `names` (anything `git cat-file` takes: `SHA`, `REV:PATH`), read in
    /// one `git cat-file --batch`; `None` for each one git does not have.
    pub fn objects(&self, names: &[String]) -> Result<Vec<Option<Vec<u8>>>, String> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let input: String = names.iter().map(|n| format!("{n}\n")).collect();
        let out = self.run_with_input(&["cat-file", "--batch"], input.as_bytes())?;
        Ok(parse_batch(&out, names.len()))
    }
}

/// Runs git in `dir`: its standard output, or one sentence saying what failed.
fn run_in(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git ({e}); is it installed?"))?;
    // Writing and reading at once: a large input would otherwise fill both pipes and stall.
    let writer = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => {
            let bytes = bytes.to_vec();
            Some(std::thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            }))
        }
        _ => None,
    };
    let mut stderr = child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_end(&mut s);
        }
        s
    });
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    let errors = errors.join().unwrap_or_default();
    let status = child
        .wait()
        .map_err(|e| format!("git did not finish ({e})."))?;
    if !status.success() {
        let said = String::from_utf8_lossy(&errors);
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            said.lines().next().unwrap_or("").trim()
        ));
    }
    Ok(out)
}

/// Parses `git cat-file --batch` output for `count` names: each answer is `<oid> <type>
/// <size>\n<content>\n`, or `<name> missing\n` (or `ambiguous`).
pub fn parse_batch(out: &[u8], count: usize) -> Vec<Option<Vec<u8>>> {
    let mut found = Vec::with_capacity(count);
    let mut at = 0;
    while found.len() < count {
        let Some(nl) = out[at.min(out.len())..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let header = String::from_utf8_lossy(&out[at..at + nl]).into_owned();
        at += nl + 1;
        let parts: Vec<&str> = header.split(' ').collect();
        let size = match parts.as_slice() {
            [_, _kind, size] => size.parse::<usize>().ok(),
            _ => None,
        };
        match size {
            Some(size) if at + size <= out.len() => {
                found.push(Some(out[at..at + size].to_vec()));
                at += size + 1;
            }
            Some(_) => break,
            None => found.push(None),
        }
    }
    found.resize(count, None);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_answers_are_split_by_their_sizes() {
        let out = b"aaa blob 5\nhello\nnope missing\nbbb blob 3\na\nb\n";
        assert_eq!(
            parse_batch(out, 3),
            vec![Some(b"hello".to_vec()), None, Some(b"a\nb".to_vec())]
        );
        // Cut short: what could not be read is missing, never a panic.
        assert_eq!(parse_batch(b"aaa blob 50\nhel", 2), vec![None, None]);
        assert_eq!(parse_batch(b"", 1), vec![None]);
    }
}
