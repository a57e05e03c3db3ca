//! Text shapes that typing produces on its own: indentation after Enter, auto-closed pairs,
//! comment leaders; and the "skeleton" of a text, to see that a replacement kept its shape.

/// White space only, at most two line breaks and short: Enter with auto-indent, or indent.
pub fn is_indent(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
        && s.matches('\n').count() + s.matches('\r').count() <= 2
        && s.chars().count() <= 40
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

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// One identifier (letters, digits, `_`), as a completion item fills in.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(is_ident_char)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_shapes() {
        assert!(is_indent("\n    "));
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
    fn shapes_of_replacements() {
        assert!(same_shape(
            "side):\n    return side * side",
            "length):\n    return length * length"
        ));
        assert!(same_shape("a=b+c", "a = b + c"));
        assert!(!same_shape("foo", "bar"));
        assert!(!same_shape("x = 1", "def f(x):\n    return x"));
    }
}
