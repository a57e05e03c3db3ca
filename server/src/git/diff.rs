//! Which lines a commit added or changed: `git diff -U0` between it and its first parent,
//! parsed into each file's new-side line ranges. Renames count as the file's new path; a file
//! only deleted from, or only renamed, adds nothing.

use super::Repo;

/// A file a commit touched, by its path in the commit, with the 1-based inclusive line ranges
/// it added or changed there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedFile {
    pub path: String,
    pub lines: Vec<(u32, u32)>,
}

/// The git arguments that diff `from` (a commit or tree) against `to` with no context, in a
/// form [`parse`] reads whatever the person's configuration says.
fn args<'a>(from: &'a str, to: Option<&'a str>) -> Vec<&'a str> {
    let mut a = vec![
        "-c",
        "core.quotePath=false",
        "diff",
        "-U0",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        from,
    ];
    a.extend(to);
    a.push("--");
    a
}

/// The lines commit `sha` added or changed, against its first parent (against nothing for a
/// root commit).
pub fn commit_changes(repo: &Repo, sha: &str) -> Result<Vec<ChangedFile>, String> {
    let parent = repo.commit(&format!("{sha}^")).ok();
    let empty;
    let from = match &parent {
        Some(p) => p.as_str(),
        None => {
            empty = empty_tree(repo)?;
            empty.as_str()
        }
    };
    Ok(parse(&repo.run(&args(from, Some(sha)))?))
}

/// The lines of the work tree that differ from `HEAD` (tracked files only).
pub fn worktree_changes(repo: &Repo) -> Result<Vec<ChangedFile>, String> {
    Ok(parse(&repo.run(&args("HEAD", None))?))
}

/// The empty tree's name in this repository's hash.
fn empty_tree(repo: &Repo) -> Result<String, String> {
    let out = repo.run_with_input(&["hash-object", "-t", "tree", "--stdin"], b"")?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// Parses a unified diff with no context.
pub fn parse(diff: &[u8]) -> Vec<ChangedFile> {
    let text = String::from_utf8_lossy(diff);
    let mut files: Vec<ChangedFile> = Vec::new();
    let mut current: Option<usize> = None;
    for line in text.lines() {
        if line.starts_with("diff --git ") {
            current = None;
        } else if let Some(name) = line.strip_prefix("+++ ") {
            current = new_path(name).map(|path| {
                files.push(ChangedFile {
                    path,
                    lines: Vec::new(),
                });
                files.len() - 1
            });
        } else if let (Some(i), Some(rest)) = (current, line.strip_prefix("@@ "))
            && let Some((start, count)) = new_side(rest)
            && count > 0
        {
            files[i].lines.push((start, start + count - 1));
        }
    }
    files
}

/// The path on a `+++` line (`b/PATH`, perhaps C-quoted), or `None` for `/dev/null`.
fn new_path(name: &str) -> Option<String> {
    let name = name.trim_end_matches('\t');
    let name = if name.starts_with('"') {
        unquote(name)?
    } else {
        name.to_string()
    };
    name.strip_prefix("b/").map(str::to_string)
}

/// The new side of a hunk header's `-a,b +c,d @@`: its first line and how many lines.
fn new_side(rest: &str) -> Option<(u32, u32)> {
    let plus = rest.split(' ').find(|p| p.starts_with('+'))?;
    let mut parts = plus[1..].splitn(2, ',');
    let start = parts.next()?.parse().ok()?;
    let count = match parts.next() {
        Some(c) => c.parse().ok()?,
        None => 1,
    };
    Some((start, count))
}

/// Undoes git's C-style quoting of a path (`"a\tb\\c\303\251"`).
pub fn unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next()? {
            b'n' => bytes.push(b'\n'),
            b't' => bytes.push(b'\t'),
            b'r' => bytes.push(b'\r'),
            b'a' => bytes.push(7),
            b'b' => bytes.push(8),
            b'f' => bytes.push(12),
            b'v' => bytes.push(11),
            d @ b'0'..=b'7' => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    let next = chars.next_if(|c| (b'0'..=b'7').contains(c))?;
                    v = v * 8 + u32::from(next - b'0');
                }
                bytes.push(u8::try_from(v).ok()?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_each_files_new_lines() {
        let diff = "\
diff --git a/a.py b/a.py
index 1..2 100644
--- a/a.py
+++ b/a.py
@@ -1,0 +2,3 @@ def f():
+x
+y
+z
@@ -10 +12 @@
-old
+new
@@ -20,2 +23,0 @@
-gone
-gone
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/img.png b/img.png
Binary files a/img.png and b/img.png differ
diff --git a/old name.rs b/\"new\\tname.rs\"
similarity index 90%
rename from old name.rs
rename to \"new\\tname.rs\"
--- a/old name.rs
+++ \"b/new\\tname\\303\\251.rs\"
@@ -5 +5 @@
-a
+b
";
        assert_eq!(
            parse(diff.as_bytes()),
            vec![
                ChangedFile {
                    path: "a.py".into(),
                    lines: vec![(2, 4), (12, 12)]
                },
                ChangedFile {
                    path: "new\tnameé.rs".into(),
                    lines: vec![(5, 5)]
                },
            ]
        );
    }

    #[test]
    fn garbage_gives_nothing_and_never_panics() {
        assert!(parse(b"").is_empty());
        assert!(
            parse(b"+++ b/x\n@@ nonsense @@\n@@ -1 +q,2 @@\n")
                .iter()
                .all(|f| f.lines.is_empty())
        );
        assert_eq!(unquote("\"\\"), None);
        assert_eq!(unquote("\"a\\400\""), None);
    }
}
