//! Explanations: `<workspace>/.mindgap/explanations/*.md`, one per explained block, with a small
//! front matter naming the file, the block and its content hash, and a template that asks *why*,
//! not *what*. An explanation counts once its own typed words reach `explain_min_words`: words
//! that are mostly pasted or generated (outside-help ranges of the explanation itself) do not.

use std::path::{Path, PathBuf};

pub const DIR: &str = ".mindgap/explanations";

/// The id a block's tags carry for its explanation, from the file name (never 0).
pub fn id_of(file_name: &str) -> u32 {
    (xxhash_rust::xxh3::xxh3_64(file_name.as_bytes()) as u32).max(1)
}

/// Writes a new explanation for lines `first..=last` (1-based) of `rel_file`, whose text is
/// `block`. Returns its path and id.
pub fn create(
    root: &Path,
    rel_file: &str,
    first: u32,
    last: u32,
    block: &str,
) -> std::io::Result<(PathBuf, u32)> {
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir)?;
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(block.as_bytes()));
    let stem: String = rel_file
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = format!("{stem}-L{first}-{}.md", &hash[..8]);
    let path = dir.join(&name);
    if !path.exists() {
        let text = format!(
            "---\nfile: {rel_file}\nblock: {first}-{last}\nhash: {hash}\n---\n\n# Why {rel_file}:{first}-{last}\n\n\
             <!-- In your own words: why is this code here, why does it work, and what would break\n\
             without it? Not what it does line by line. It counts once you have typed enough of it. -->\n\n"
        );
        std::fs::write(&path, text)?;
    }
    Ok((path, id_of(&name)))
}

/// The explanation with this id in `root`, if its file is still there.
pub fn find(root: &Path, id: u32) -> Option<PathBuf> {
    std::fs::read_dir(root.join(DIR))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| id_of(n) == id)
        })
}

/// An explanation's text and its outside-help char ranges, by URI and text on disk.
pub type TextAndHelp = Option<(String, Vec<(usize, usize)>)>;

/// Whether explanation `id` in `root` counts: its file exists and holds at least `min_words`
/// typed words. `provenance_of(uri, text)` gives the explanation's own outside-help ranges
/// (from the editor when it is open there, else from the store).
pub fn counts(
    root: &Path,
    id: u32,
    min_words: usize,
    provenance_of: impl Fn(&str, &ropey::Rope) -> TextAndHelp,
) -> bool {
    let Some(path) = find(root, id) else {
        return false;
    };
    let uri = crate::uri::from_path(&path.to_string_lossy());
    let on_disk = || std::fs::read_to_string(&path).ok();
    let (text, outside) = match on_disk().map(|t| (ropey::Rope::from_str(&t), t)) {
        Some((rope, text)) => provenance_of(&uri, &rope).unwrap_or((text, Vec::new())),
        None => return false,
    };
    typed_words(&text, &outside) >= min_words
}

/// Words the person typed in an explanation: outside the front matter, the template's heading
/// and comments, and not mostly inside `outside` (char ranges of outside help).
pub fn typed_words(text: &str, outside: &[(usize, usize)]) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut skip = vec![false; chars.len()];
    let mark = |skip: &mut Vec<bool>, a: usize, b: usize| {
        skip[a.min(chars.len())..b.min(chars.len())]
            .iter_mut()
            .for_each(|s| *s = true)
    };
    for &(a, b) in outside {
        mark(&mut skip, a, b);
    }
    // Front matter: from a first line of `---` to the next such line.
    let s: String = chars.iter().collect();
    if s.starts_with("---\n")
        && let Some(end) = s[4..].find("\n---")
    {
        mark(&mut skip, 0, s[..4 + end + 4].chars().count());
    }
    // Comments and the heading the template wrote.
    let mut from = 0;
    while let Some(open) = s[from..].find("<!--") {
        let a = from + open;
        let b = s[a..].find("-->").map_or(s.len(), |e| a + e + 3);
        mark(&mut skip, s[..a].chars().count(), s[..b].chars().count());
        from = b;
    }
    if let Some(h) = s.find("\n# Why ") {
        let a = h + 1;
        let b = s[a..].find('\n').map_or(s.len(), |e| a + e);
        mark(&mut skip, s[..a].chars().count(), s[..b].chars().count());
    }
    let mut words = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let typed = (start..i).filter(|&k| !skip[k]).count();
        let has_letters = chars[start..i].iter().any(|c| c.is_alphanumeric());
        if has_letters && typed * 2 > i - start {
            words += 1;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_template_that_counts_nothing_yet() {
        let dir = tempfile::tempdir().unwrap();
        let (path, id) =
            create(dir.path(), "src/units.py", 17, 24, "def f():\n    pass\n").unwrap();
        assert!(path.starts_with(dir.path().join(DIR)));
        assert_eq!(find(dir.path(), id), Some(path.clone()));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("---\nfile: src/units.py\nblock: 17-24\nhash: "));
        assert_eq!(typed_words(&text, &[]), 0);
        // Creating it again keeps what the person wrote.
        std::fs::write(&path, format!("{text}mine\n")).unwrap();
        create(dir.path(), "src/units.py", 17, 24, "def f():\n    pass\n").unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().ends_with("mine\n"));
    }

    #[test]
    fn only_typed_words_count() {
        let text = "---\nfile: a\n---\n# Why a:1-9\n<!-- template words here -->\nThe cache avoids a second query because rows never change.\n";
        assert_eq!(typed_words(text, &[]), 10);
        let pasted_from = text.find("because").unwrap();
        let outside = [(text[..pasted_from].chars().count(), text.chars().count())];
        assert_eq!(typed_words(text, &outside), 6);
    }
}
