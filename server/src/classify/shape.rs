//! Text shapes that typing produces on its own: indentation after Enter, auto-closed pairs,
//! comment leaders; the "skeleton" of a text, to see that a replacement kept its shape; the
//! words and marks of texts, to see that a rewrite kept their content; and the shape of a
//! completion menu's snippet.

use std::collections::HashMap;

/// White space only, at most two line breaks and short: Enter with auto-indent (which can line
/// up under an open bracket far to the right), or indent.
pub fn is_indent(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
        && s.matches('\n').count() + s.matches('\r').count() <= 2
        && s.chars().count() <= 120
}

pub fn is_whitespace(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// An opening character and its closer, as editors auto-insert them.
pub fn is_auto_pair(s: &str) -> bool {
    matches!(
        s,
        "()" | "[]" | "{}" | "\"\"" | "''" | "``" | "<>" | "\"\"\"\"\"\""
    )
}

/// A line break, indentation and a comment leader (`# `, `// `, `-- `, `* `, `; `).
pub fn is_comment_continuation(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("\r\n").or_else(|| s.strip_prefix('\n')) else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    matches!(
        rest.trim_end(),
        "#" | "//" | "///" | "//!" | "--" | "*" | ";" | ";;"
    )
}

/// A comment leader alone (`// `, `# `, `-- `, `; `, `/* `), as Toggle Line Comment puts it in
/// front of a line's code.
pub fn is_comment_leader(s: &str) -> bool {
    matches!(
        s.trim_end_matches(' '),
        "#" | "//" | "--" | ";" | ";;" | "/*" | "%" | "<!--"
    ) && s.len() > 1
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// One identifier (letters, digits, `_`), as a completion item fills in.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(is_ident_char)
}

/// What a completion menu writes in as it shows an item: one word without spaces, starting like
/// an identifier, perhaps with brackets or a dot (`close_all()`, `self.count`, `Vec<T>`).
pub fn is_item_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && s.chars().count() <= 80
        && s.chars().all(|c| !c.is_whitespace())
}

/// True when `new` is `old` with letters in another case (`gUiw`, `~`, "Transform to Upper
/// Case").
pub fn case_changed(old: &str, new: &str) -> bool {
    old != new
        && old.chars().count() == new.chars().count()
        && old.to_lowercase() == new.to_lowercase()
}

/// Text with exactly one line that holds anything but white space.
pub fn is_one_line(s: &str) -> bool {
    s.lines().filter(|l| !l.trim().is_empty()).count() == 1
}

/// One whole line that imports something (`import x`, `from x import y`, `use x;`,
/// `#include`, `using x;`, `const x = require(…)`), as a menu's auto-import adds.
pub fn is_import_line(s: &str) -> bool {
    let line = s.trim_end_matches(['\n', '\r']);
    if line.contains('\n') || !s.ends_with('\n') {
        return false;
    }
    let t = line.trim_start();
    [
        "import ", "from ", "use ", "#include", "using ", "require ", "@import",
    ]
    .iter()
    .any(|k| t.starts_with(k))
        || t.contains("= require(")
}

/// The word characters `text` ends with (where a trimmed change may have cut a word).
pub fn word_tail(text: &str) -> &str {
    let start = (text.char_indices().rev())
        .take_while(|(_, c)| is_ident_char(*c))
        .last()
        .map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// The word characters `text` begins with.
pub fn word_head(text: &str) -> &str {
    let end = (text.char_indices())
        .find(|(_, c)| !is_ident_char(*c))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

pub fn continues_word(prev: Option<char>) -> bool {
    prev.is_some_and(is_ident_char)
}

/// True when `inserted` is `deleted` with one short string typed at the same column of each of
/// several lines (a visual-block insert replicating what the person typed; lines too short for
/// the column may stay as they were).
pub fn is_block_insert(deleted: &str, inserted: &str) -> bool {
    let old: Vec<&str> = deleted.split('\n').collect();
    let new: Vec<&str> = inserted.split('\n').collect();
    if old.len() != new.len() || old.len() < 2 {
        return false;
    }
    let mut typed: Option<(usize, &str)> = None; // (column in bytes of the old line, text)
    let mut changed = 0;
    for (o, n) in old.iter().zip(&new) {
        if o == n {
            continue;
        }
        let Some(extra) = n.len().checked_sub(o.len()).filter(|&e| e > 0 && e <= 40) else {
            return false;
        };
        let col = o.bytes().zip(n.bytes()).take_while(|(a, b)| a == b).count();
        // The inserted piece may start inside a run of equal characters: slide it left.
        let Some(piece) = n.get(col..col + extra) else {
            return false;
        };
        if n.get(..col) != o.get(..col) || n.get(col + extra..) != o.get(col..) {
            return false;
        }
        match typed {
            None => typed = Some((col, piece)),
            Some((c, p)) if c == col && p == piece => {}
            Some(_) => return false,
        }
        changed += 1;
    }
    changed >= 2
}

/// True when `a` and `b` hold the same characters but for white space: re-indented or
/// re-wrapped.
pub fn same_but_white_space(a: &str, b: &str) -> bool {
    let visible = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<Vec<_>>();
    visible(a) == visible(b)
}

/// True when `a` and `b` differ only in identifiers and white space: the same code renamed,
/// substituted or reformatted.
pub fn same_shape(a: &str, b: &str) -> bool {
    let skeleton = |s: &str| {
        let mut out = String::with_capacity(s.len());
        let mut in_ident = false;
        for c in s.chars() {
            if is_ident_char(c) {
                if !in_ident {
                    out.push('\u{1}');
                }
                in_ident = true;
            } else {
                in_ident = false;
                if !c.is_whitespace() {
                    out.push(c);
                }
            }
        }
        out
    };
    let (sa, sb) = (skeleton(a), skeleton(b));
    // A skeleton of identifiers alone says nothing (a word replaced by another word).
    sa == sb && sa.chars().any(|c| c != '\u{1}')
}

/// The words (runs of letters, digits and `_`) and the other visible characters of `s`, for
/// comparing what two texts say regardless of layout.
fn tally<'a>(
    s: &'a str,
    sign: i32,
    words: &mut HashMap<&'a str, i32>,
    marks: &mut HashMap<char, i32>,
) {
    let mut start = None;
    for (i, c) in s.char_indices() {
        if is_ident_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(b) = start.take() {
            *words.entry(&s[b..i]).or_default() += sign;
        }
        if !c.is_whitespace() {
            // Formatters swap quote styles.
            let c = if c == '\'' { '"' } else { c };
            *marks.entry(c).or_default() += sign;
        }
    }
    if let Some(b) = start {
        *words.entry(&s[b..]).or_default() += sign;
    }
}

/// Punctuation formatters add or take away (trailing commas, semicolons, brackets, quotes).
const LAYOUT_MARKS: &[char] = &[',', ';', '(', ')', '[', ']', '{', '}', '"', '`'];

/// True when `new` keeps the content of `old` and brings none of its own — every word of `new`
/// is a word of `old` (as many times or fewer) and its punctuation is `old`'s but for a little
/// that formatters add (commas, semicolons, brackets, quotes: at most 2 plus a tenth of the
/// marks) — in any layout or order: a formatter, re-indentation, sorted lines, a filter whose
/// output keeps the document's tokens (`sort -u`, `grep`, `jq .field` drop some and add none).
/// When no word is dropped, the marks must match as closely both ways. `unknown` single
/// characters were removed without their text being known (they may be such marks). Texts
/// with fewer than three words (on either side) say too little.
pub fn keeps_content(old: &[&str], new: &[&str], unknown: usize) -> bool {
    let (mut old_tally, mut new_tally) = (Tally::default(), Tally::default());
    for s in old {
        old_tally.add(s);
    }
    for s in new {
        new_tally.add(s);
    }
    let (old_words, new_words) = (old_tally.words(), new_tally.words());
    if old_words < 3 || new_words < 3 {
        return false;
    }
    // No word of its own.
    if (new_tally.word_counts.iter())
        .any(|(w, n)| old_tally.word_counts.get(w).is_none_or(|o| o < n))
    {
        return false;
    }
    let total: i32 = old_tally.marks() + new_tally.marks();
    let mut added = 0;
    let mut removed = 0;
    let mut foreign = false;
    let chars: std::collections::HashSet<char> = (old_tally.mark_counts.keys())
        .chain(new_tally.mark_counts.keys())
        .copied()
        .collect();
    for c in chars {
        let (o, n) = (
            old_tally.mark_counts.get(&c).copied().unwrap_or(0),
            new_tally.mark_counts.get(&c).copied().unwrap_or(0),
        );
        if n > o {
            added += n - o;
            foreign |= !LAYOUT_MARKS.contains(&c);
        } else if o > n {
            removed += o - n;
            // Marks go with dropped words; with every word kept, only layout marks may go.
            foreign |= new_words == old_words && !LAYOUT_MARKS.contains(&c);
        }
    }
    let differ = if new_words == old_words {
        added + removed
    } else {
        added
    };
    !foreign && (differ - unknown as i32).max(0) <= 2 + total / 20
}

/// The words (runs of letters, digits and `_`) and the other visible characters of a text.
#[derive(Default)]
struct Tally<'a> {
    word_counts: HashMap<&'a str, i32>,
    mark_counts: HashMap<char, i32>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, s: &'a str) {
        tally(s, 1, &mut self.word_counts, &mut self.mark_counts);
    }
    fn words(&self) -> i32 {
        self.word_counts.values().sum()
    }
    fn marks(&self) -> i32 {
        self.mark_counts.values().sum()
    }
}

/// An item of a completion menu with the shape of a snippet, as it lands after the word typed:
/// a short block whose first line opens a body (`:`, `{`, `then`, `do`) and whose other lines
/// are empty, closers, or a single placeholder word — no statements (an AI suggestion brings
/// real code). Also a function item with empty parentheses (`len()`).
pub fn is_snippet_item(s: &str) -> bool {
    let lines: Vec<&str> = s.lines().collect();
    if s.chars().count() > 200 || lines.len() > 8 || s.trim().is_empty() {
        return false;
    }
    if lines.len() == 1 {
        let t = s.trim_end_matches(';');
        return t
            .strip_suffix("()")
            .is_some_and(|name| !name.is_empty() && name.chars().all(is_ident_char));
    }
    let head = lines[0].trim_end();
    let opens = head.ends_with([':', '{', '('])
        || head.ends_with(" then")
        || head.ends_with(" do")
        || head.ends_with("=>");
    let placeholder = |l: &str| {
        let t = l.trim();
        t.is_empty()
            || t.chars().all(|c| matches!(c, '}' | ')' | ']' | ';' | ','))
            || matches!(
                t,
                "end" | "fi" | "done" | "esac" | "..." | "pass" | "else:" | "} else {"
            )
            || (t.chars().all(is_ident_char) && t.chars().count() <= 12)
            || t.starts_with("//") && t.len() <= 12
            || t.starts_with('#') && t.len() <= 12
    };
    opens && lines[1..].iter().all(|l| placeholder(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_shapes() {
        assert!(is_indent("\n    "));
        assert!(is_comment_leader("// ") && is_comment_leader("# ") && is_comment_leader("--"));
        assert!(!is_comment_leader("#") && !is_comment_leader("x ") && !is_comment_leader("/// "));
        assert!(is_indent("    \n"));
        assert!(!is_indent("\n\n\n\n"));
        assert!(is_auto_pair("()"));
        assert!(!is_auto_pair("(x"));
        assert!(is_comment_continuation("\n    # "));
        assert!(is_comment_continuation("\n// "));
        assert!(!is_comment_continuation("\nx = 1"));
        assert!(is_identifier("perimeter_circle"));
        assert!(!is_identifier("kmh)"));
        assert!(!is_identifier("2x"));
        assert!(is_item_word("close_all_valves()") && is_item_word("self.count"));
        assert!(!is_item_word("a = b") && !is_item_word("(x)"));
        assert!(
            is_import_line("from math import ceil\n")
                && is_import_line("use serde::Deserialize;\n")
        );
        assert!(!is_import_line("import os\nimport sys\n") && !is_import_line("x = 1\n"));
    }

    #[test]
    fn block_inserts_replicate_one_typed_string() {
        assert!(is_block_insert(
            "x = 1\ny = 2\nz = 3",
            "# x = 1\n# y = 2\n# z = 3"
        ));
        assert!(is_block_insert("    a\n\n    b", "    - a\n\n    - b"));
        assert!(!is_block_insert("x = 1\ny = 2", "# x = 1\n// y = 2"));
        assert!(!is_block_insert("x = 1", "# x = 1"));
        assert!(!is_block_insert("a\nb", "def f():\n    return 1"));
    }

    #[test]
    fn rewrites_that_keep_the_content() {
        let json = r#"{"name": "widget", "tags": ["a", "b"], "price": 3}"#;
        let pretty = "{\n    \"name\": \"widget\",\n    \"tags\": [\n        \"a\",\n        \"b\"\n    ],\n    \"price\": 3\n}\n";
        assert!(keeps_content(&[json], &[pretty], 0));
        // Sorted lines, re-indented lines.
        assert!(keeps_content(
            &["pear 3\napple 1\nfig 2\n"],
            &["apple 1\nfig 2\npear 3\n"],
            0
        ));
        assert!(keeps_content(
            &["if x:\nreturn y\n"],
            &["if x:\n    return y\n"],
            0
        ));
        // Black: quotes and a trailing comma.
        assert!(keeps_content(
            &["f('a', 'b')"],
            &["f(\n    \"a\",\n    \"b\",\n)"],
            0
        ));
        // As a delete and an insert of one notification.
        assert!(keeps_content(
            &["b = 2\n", "a = 1\n"],
            &["a = 1\nb = 2\n"],
            0
        ));
        // New words, or operators, are new content.
        assert!(!keeps_content(&["x = a + b"], &["x = a + b + c"], 0));
        assert!(!keeps_content(&["x = a + b"], &["x = a - b"], 0));
        assert!(!keeps_content(&["a b"], &["b a"], 0), "too little to say");
        // A trimmed change cut inside a word: whole again, the words match.
        let old = "strings\"\n\t\"net/http\"\n\t\"fmt\"\n\t\"error";
        let new = "errors\"\n\t\"fmt\"\n\t\"net/http\"\n\t\"string";
        assert!(!keeps_content(&[old], &[new], 0));
        let (head, tail) = (word_tail("\t\""), word_head("s\""));
        assert_eq!((head, tail), ("", "s"));
        assert!(keeps_content(
            &[&format!("{old}{tail}")],
            &[&format!("{new}{tail}")],
            0
        ));
        // A filter that drops some of the content and adds none (`sort -u`, `grep`).
        let dup = "pear = 3\napple = 1\npear = 3\nfig = 2\n";
        assert!(keeps_content(
            &[dup],
            &["apple = 1\nfig = 2\npear = 3\n"],
            0
        ));
        assert!(!keeps_content(
            &[dup],
            &["apple = 1\nkiwi = 2\npear = 3\n"],
            0
        ));
    }

    #[test]
    fn snippet_items_and_ai_suggestions() {
        assert!(is_snippet_item("r i in range(n):\n    pass"));
        assert!(is_snippet_item(" (let i = 0; i < length; i++) {\n\t\n}"));
        assert!(is_snippet_item("n () {\n    body\n}"));
        assert!(is_snippet_item("len()"));
        assert!(!is_snippet_item("_ms(kmh):\n    return kmh / 3.6"));
        assert!(!is_snippet_item("m(items)"));
        assert!(!is_snippet_item("def f(x):\n    y = x * 2\n    return y"));
        assert!(!is_snippet_item("perimeter"));
    }

    #[test]
    fn shapes_of_replacements() {
        assert!(same_shape(
            "side):\n    return side * side",
            "length):\n    return length * length"
        ));
        assert!(same_shape("a=b+c", "a = b + c"));
        assert!(!same_shape("foo", "bar"));
        assert!(case_changed("sizes", "SIZES") && !case_changed("sizes", "sizes"));
        assert!(!case_changed("sizes", "sites"));
        assert!(!same_shape("x = 1", "def f(x):\n    return x"));
    }
}
