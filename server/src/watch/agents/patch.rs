//! The file names in an apply-patch text, the patch format Codex CLI's `apply_patch` tool takes
//! (and OpenCode's `patch`/`apply_patch` tools too): `*** Begin Patch`, then hunks headed
//! `*** Add File: P`, `*** Update File: P` (with an optional `*** Move to: Q`) or
//! `*** Delete File: P`, then `*** End Patch`. Headers may be padded with blanks; an added
//! file's lines start with `+`, an update's with ` `, `+`, `-` or `@@`, so a line of code that
//! reads like a header is not one. Only the names leave: the patch's lines are dropped.

const BEGIN: &str = "*** Begin Patch";
const END: &str = "*** End Patch";
const HEADERS: [&str; 4] = [
    "*** Add File: ",
    "*** Update File: ",
    "*** Delete File: ",
    "*** Move to: ",
];

/// The paths (as written: usually relative to the agent's working folder) a patch adds,
/// updates, moves to or deletes. A text with no `*** Begin Patch` line names nothing.
pub fn files(text: &str) -> Vec<String> {
    let mut lines = text.lines();
    if !lines.any(|l| l.trim() == BEGIN) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Inside an update hunk, a line led by a blank is context, never a (padded) header.
    let mut in_update = false;
    for line in lines {
        if line.trim() == END {
            break;
        }
        if in_update && !line.starts_with('*') {
            continue;
        }
        let trimmed = line.trim();
        let Some((i, path)) = HEADERS
            .iter()
            .enumerate()
            .find_map(|(i, h)| trimmed.strip_prefix(h).map(|p| (i, p.trim())))
        else {
            continue;
        };
        if i < 3 {
            in_update = i == 1;
        }
        if !path.is_empty() && !out.iter().any(|p| p == path) {
            out.push(path.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hunk_names_its_file() {
        let patch = "*** Begin Patch\n\
                     *** Add File: src/new.rs\n\
                     +fn made() {}\n\
                     +*** Update File: not/a/header.rs\n\
                     \x20\x20*** Delete File: gone.txt\n\
                     *** Update File: src/old.rs\n\
                     *** Move to: src/renamed.rs\n\
                     @@ fn old()\n\
                     -    1\n\
                     +    2\n\
                     \x20*** Delete File: context/line.rs\n\
                     *** Update File: src/old.rs\n\
                     @@\n\
                     -a\n\
                     +b\n\
                     *** End Patch\n\
                     *** Add File: after/the/end.rs\n";
        assert_eq!(
            files(patch),
            ["src/new.rs", "gone.txt", "src/old.rs", "src/renamed.rs"]
                .map(String::from)
                .to_vec()
        );
    }

    #[test]
    fn padded_markers_and_a_heredoc_around_still_count() {
        let patch = "<<'EOF'\n  *** Begin Patch  \n*** Delete File: a.py\n *** End Patch\nEOF\n";
        assert_eq!(files(patch), vec!["a.py".to_string()]);
    }

    #[test]
    fn text_that_is_not_a_patch_names_nothing() {
        for text in [
            "",
            "*** Add File: a.rs\n+x\n",
            "echo '*** Begin Patch'",
            "*** Begin Patch\n*** Add File: \n*** End Patch",
            "*** Begin Patch\n*** End Patch\n*** Update File: late.rs",
        ] {
            assert!(files(text).is_empty(), "{text:?}");
        }
    }
}
