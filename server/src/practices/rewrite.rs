//! "Rewrite it by hand": the comment that takes an outside-help block's place while the person
//! writes it themselves, in the file's own comment syntax, naming the stash that holds the
//! original so that it can be restored exactly.

/// Line-comment leader and closer for a file, by extension.
pub fn comment_syntax(path: &str) -> (&'static str, &'static str) {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "py" | "sh" | "bash" | "zsh" | "rb" | "pl" | "r" | "toml" | "yaml" | "yml" | "nix"
        | "jl" | "ex" | "exs" | "cmake" => ("#", ""),
        "lua" | "sql" | "hs" | "elm" | "ada" | "adb" | "ads" => ("--", ""),
        "lisp" | "el" | "clj" | "cljs" | "scm" | "rkt" => (";;", ""),
        "html" | "xml" | "md" | "markdown" | "vue" | "svelte" => ("<!--", " -->"),
        "css" | "scss" | "less" => ("/*", " */"),
        "vim" => ("\"", ""),
        "tex" | "erl" | "hrl" => ("%", ""),
        _ => ("//", ""),
    }
}

/// The marker that names a stash in the comment.
pub fn marker(stash: i64) -> String {
    format!("mindgap stash {stash}")
}

/// Finds the stash a line names, if it is one of these comments.
pub fn stash_in(line: &str) -> Option<i64> {
    let rest = &line[line.find("mindgap stash ")? + "mindgap stash ".len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The comment replacing `block` (indented like it, ending like it).
pub fn comment(path: &str, stash: i64, block: &str, class: &str) -> String {
    let (open, close) = comment_syntax(path);
    let indent: String = block
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let first = block
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let first: String = first.chars().take(60).collect();
    let lines = block.lines().count();
    let end = if block.ends_with('\n') { "\n" } else { "" };
    format!(
        "{indent}{open} {}: write this yourself ({lines} lines of {class} were here, starting `{first}`); the code action restores them{close}{end}",
        marker(stash)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_in_the_files_language_name_their_stash() {
        let c = comment(
            "src/geo.py",
            12,
            "    def area(r):\n        return 3.14 * r * r\n",
            "paste",
        );
        assert!(c.starts_with("    # mindgap stash 12: write this yourself (2 lines of paste were here, starting `def area(r):`)"));
        assert!(c.ends_with('\n'));
        assert_eq!(stash_in(&c), Some(12));
        assert_eq!(comment_syntax("a.rs"), ("//", ""));
        assert_eq!(comment_syntax("index.html"), ("<!--", " -->"));
        assert_eq!(stash_in("let x = 1;"), None);
    }
}
