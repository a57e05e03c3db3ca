//! The explanation requirement at commit time (SPEC section 8): which outside-help blocks in a
//! set of files are long enough to need an explanation and have none that counts.

use std::path::Path;

use ropey::Rope;

use crate::config::Config;
use crate::nudges;
use crate::practices::explanations;
use crate::provenance::{Provenance, Saved};

/// One block that still needs its explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct Unexplained {
    pub path: String,
    /// 1-based first line, and how many lines.
    pub line: usize,
    pub lines: usize,
    pub class: &'static str,
}

/// Checks one file whose text (as it will be committed) is `text`. `saved` is its provenance
/// from the store; `provenance_of` gives the provenance of an explanation file.
pub fn check_file(
    root: &Path,
    rel_path: &str,
    text: &str,
    saved: Option<&Saved>,
    config: &Config,
    provenance_of: &dyn Fn(&str, &Rope) -> explanations::TextAndHelp,
) -> Vec<Unexplained> {
    let Some(saved) = saved else {
        return Vec::new();
    };
    let rope = Rope::from_str(text);
    let prov = Provenance::restore(saved, &rope);
    nudges::blocks(&rope, &prov)
        .into_iter()
        .filter(|b| config.is_outside(b.class) && b.lines >= config.explain_min_lines)
        .filter(|b| {
            b.tags.explanation == 0
                || !explanations::counts(
                    root,
                    b.tags.explanation,
                    config.explain_min_words,
                    provenance_of,
                )
        })
        .map(|b| Unexplained {
            path: rel_path.to_string(),
            line: rope.char_to_line(b.start) + 1,
            lines: b.lines,
            class: b.class.as_str(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Class;
    use crate::provenance::Tags;

    #[test]
    fn long_blocks_need_an_explanation_that_counts() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("x = 1\n{}", "y = 2\n".repeat(9));
        let rope = Rope::from_str(&text);
        let mut p = Provenance::default();
        p.edit(0, 0, 2, Class::Paste, 2, Tags::default()); // too short to need one
        p.edit(6, 0, 54, Class::Paste, 1, Tags::default());
        let saved = p.save(&rope);
        let config = Config::default();
        let none = |_: &str, _: &Rope| None;
        let found = check_file(dir.path(), "a.py", &text, Some(&saved), &config, &none);
        assert_eq!(
            found,
            vec![Unexplained {
                path: "a.py".into(),
                line: 2,
                lines: 9,
                class: "paste"
            }]
        );
        // An explanation with enough typed words clears it.
        let (path, id) = explanations::create(dir.path(), "a.py", 2, 10, "y = 2\n").unwrap();
        let mut p2 = p.clone();
        p2.tag(1, |t| t.explanation = id);
        let saved = p2.save(&rope);
        assert_eq!(
            check_file(dir.path(), "a.py", &text, Some(&saved), &config, &none).len(),
            1,
            "the template alone does not count"
        );
        let words = "word ".repeat(40);
        std::fs::write(
            &path,
            format!("{}{words}\n", std::fs::read_to_string(&path).unwrap()),
        )
        .unwrap();
        assert!(check_file(dir.path(), "a.py", &text, Some(&saved), &config, &none).is_empty());
        // No provenance at all: nothing to check.
        assert!(check_file(dir.path(), "b.py", &text, None, &config, &none).is_empty());
    }
}
