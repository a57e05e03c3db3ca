//! Git's own blame of a work-tree file: for each line, the commit that last changed it and the
//! line's number and path in that commit (`git blame --line-porcelain`). The lines' text is
//! read past and dropped.

use super::Repo;

/// One line of the work-tree file, as git blames it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blamed {
    /// 1-based line in the work-tree file.
    pub line: u32,
    /// The commit that last changed it; `None` when the change is not committed yet.
    pub commit: Option<String>,
    /// 1-based line in that commit's version of the file.
    pub orig_line: u32,
    /// The file's path in that commit (it may have been renamed since).
    pub path: String,
}

/// Blames the work-tree file `rel` (relative to the top of the work tree).
pub fn blame(repo: &Repo, rel: &str) -> Result<Vec<Blamed>, String> {
    let out = repo.run(&["blame", "--line-porcelain", "--", rel])?;
    Ok(parse(&out))
}

/// Parses `git blame --line-porcelain`.
pub fn parse(out: &[u8]) -> Vec<Blamed> {
    let mut lines = Vec::new();
    let mut current: Option<Blamed> = None;
    for raw in out.split(|&b| b == b'\n') {
        if raw.first() == Some(&b'\t') {
            // The line's own text ends its entry.
            lines.extend(current.take());
            continue;
        }
        let line = String::from_utf8_lossy(raw);
        if let Some(path) = line.strip_prefix("filename ") {
            if let Some(c) = current.as_mut() {
                c.path = super::diff::unquote(path).unwrap_or_else(|| path.to_string());
            }
            continue;
        }
        let mut parts = line.split(' ');
        let (Some(sha), Some(orig), Some(fin)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let is_sha = sha.len() >= 40 && sha.bytes().all(|b| b.is_ascii_hexdigit());
        let (Ok(orig_line), Ok(line)) = (orig.parse(), fin.parse()) else {
            continue;
        };
        if is_sha {
            current = Some(Blamed {
                line,
                commit: (!sha.bytes().all(|b| b == b'0')).then(|| sha.to_string()),
                orig_line,
                path: String::new(),
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_gets_its_commit_and_its_line_there() {
        let sha = "a".repeat(40);
        let zero = "0".repeat(40);
        let out = format!(
            "{sha} 3 1 2\nauthor Ann\nauthor-mail <ann@x>\nsummary s\nfilename old.py\n\tx = 1\n\
             {sha} 4 2\nauthor Ann\nfilename old.py\n\ty = 2\n\
             {zero} 3 3 1\nauthor Not Committed Yet\nfilename new.py\n\tz = 3\n"
        );
        assert_eq!(
            parse(out.as_bytes()),
            vec![
                Blamed {
                    line: 1,
                    commit: Some(sha.clone()),
                    orig_line: 3,
                    path: "old.py".into()
                },
                Blamed {
                    line: 2,
                    commit: Some(sha),
                    orig_line: 4,
                    path: "old.py".into()
                },
                Blamed {
                    line: 3,
                    commit: None,
                    orig_line: 3,
                    path: "new.py".into()
                },
            ]
        );
        assert!(parse(b"garbage\n\tline\n").is_empty());
    }
}
