//! `mindgap.blame` in the editor (SPEC sections 9 and 10): where each line of an open document
//! came from. It takes `[{"uri": URI}]` or `["URI"]` and answers `{"uri", "lines": [{"line",
//! "origin", "commit", "source"}…], "text", "warnings"}`: git's blame and the commits' notes for
//! committed lines, the session's provenance (`live`) for lines not committed yet — the text as
//! the editor holds it, unsaved edits included. `text` is one line per document line, aligned
//! as `mindgap blame` prints them (short commit or `00000000`, origin, source, line number) but
//! without the code, which the editor has. A document outside a git repository is uncommitted throughout.
//! Git runs on a blocking thread; the view is read without the session lock.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};
use tracing::warn;

use super::state::Shared;
use crate::attribution::blame::{BlameLine, blame, locate, row};
use crate::attribution::origin::line_origins;
use crate::git::Repo;
use crate::pipeline::views::DocView;

pub const BLAME: &str = "mindgap.blame";
pub const COMMANDS: [&str; 1] = [BLAME];

/// The document a `mindgap.blame` call names: `[{"uri": URI}]` or `["URI"]`.
fn uri_arg(args: &[Value]) -> Result<String, String> {
    let arg = args.first().unwrap_or(&Value::Null);
    arg.as_str()
        .or_else(|| arg.get("uri").and_then(Value::as_str))
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .ok_or_else(|| format!("{BLAME} takes the document's URI: [{{\"uri\": URI}}] or [\"URI\"]"))
}

/// Runs `mindgap.blame`.
pub async fn execute(shared: &Arc<Shared>, args: &[Value]) -> Result<Value, String> {
    let uri = uri_arg(args)?;
    let view = shared.views().get(&uri).ok_or_else(|| {
        format!(
            "{uri} is not open: {BLAME} blames a document the editor has open \
             (for a file on disk, run `mindgap blame FILE`)"
        )
    })?;
    let path = crate::uri::file_path(&uri);
    let (lines, warnings) = tokio::task::spawn_blocking(move || blame_view(path.as_deref(), view))
        .await
        .map_err(|e| format!("{BLAME} failed: {e}"))?;
    for w in &warnings {
        warn!(uri, "{w}");
    }
    Ok(json!({
        "uri": uri,
        "text": aligned(&lines),
        "lines": lines,
        "warnings": warnings,
    }))
}

/// Blames the open document at `path` (none for a document that is not a file) as `view`
/// holds it, with its live origins for uncommitted lines.
fn blame_view(path: Option<&str>, view: DocView) -> (Vec<BlameLine>, Vec<String>) {
    let text = view.rope.to_string();
    // The editor holds the whole document: every line of it is known to the session.
    let known = vec![true; view.rope.len_lines()];
    let live = line_origins(&view.rope, &view.provenance, &known);
    // Not a file (`untitled:`): no repository, every line uncommitted.
    let (repo, rel) = path.and_then(|p| locate(Path::new(p))).unwrap_or_else(|| {
        (
            Repo {
                root: std::env::temp_dir(),
            },
            String::new(),
        )
    });
    blame(&repo, &rel, &text, Some(&live))
}

/// One line per blamed line, as `mindgap blame` prints it but without the code (the editor puts
/// the document's own text beside it).
pub fn aligned(lines: &[BlameLine]) -> String {
    let width = lines.len().max(1).to_string().len();
    lines.iter().map(|l| row(l, width, false) + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Class;
    use crate::provenance::{Provenance, Tags};
    use ropey::Rope;

    fn line(n: u32, origin: &'static str, commit: Option<&str>) -> BlameLine {
        BlameLine {
            line: n,
            origin,
            commit: commit.map(str::to_string),
            source: None,
        }
    }

    #[test]
    fn the_text_is_aligned_like_git_blame_and_holds_no_code() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let mut lines: Vec<BlameLine> = (1..=9).map(|n| line(n, "own", None)).collect();
        lines.push(line(10, "completion", Some(sha)));
        let text = aligned(&lines);
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[0], "00000000 (own                 1)");
        assert_eq!(rows[9], "01234567 (completion         10)");
        assert!(text.ends_with('\n'));
        assert_eq!(aligned(&[]), "");
    }

    #[test]
    fn arguments_name_the_document_as_an_object_or_a_string() {
        let u = "file:///tmp/a.py";
        assert_eq!(uri_arg(&[json!({ "uri": u })]).unwrap(), u);
        assert_eq!(uri_arg(&[json!(u)]).unwrap(), u);
        for bad in [vec![], vec![json!({})], vec![json!("")], vec![json!(3)]] {
            assert!(uri_arg(&bad).unwrap_err().contains("URI"), "{bad:?}");
        }
    }

    #[test]
    fn outside_a_repository_every_line_is_live() {
        let rope = Rope::from_str("typed\npasted\n");
        let mut prov = Provenance::default();
        prov.edit(6, 0, 7, Class::Paste, 1, Tags::default());
        let view = DocView {
            rope,
            provenance: prov,
            encoding: crate::mirror::Encoding::Utf16,
            tracked: true,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        let (lines, warnings) = blame_view(path.to_str(), view.clone());
        assert!(warnings.is_empty());
        let got: Vec<_> = lines
            .iter()
            .map(|l| (l.origin, l.commit.clone(), l.source))
            .collect();
        assert_eq!(
            got,
            [("own", None, Some("live")), ("paste", None, Some("live"))]
        );
        // A document that is no file (VS Code's untitled:) is the same.
        assert_eq!(blame_view(None, view).0, lines);
    }
}
