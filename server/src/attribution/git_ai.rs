//! git-ai's authorship notes (`refs/notes/ai`, schema `authorship/3.0.0`, see git-ai's
//! `specs/git_ai_standard_v3.0.0.md`): an attestation section naming, per file, the lines each
//! AI session (`s_…::t_…`, or a legacy bare hex key) or known human (`h_…`) wrote, a `---`
//! line, and JSON metadata. Read only — mindgap never writes git-ai's ref. Pure.

use std::collections::HashMap;

use serde_json::Value;

/// Who git-ai says wrote a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Author {
    Ai,
    Human,
}

/// What one git-ai note says: per file path, each attested line (1-based) and who wrote it.
pub type Attested = HashMap<String, HashMap<u32, Author>>;

/// Reads a git-ai note; `Err` says why it is not one (a foreign or corrupt note).
pub fn parse(note: &str) -> Result<Attested, String> {
    let (attestations, metadata) = split(note).ok_or("it has no `---` line")?;
    let meta: Value =
        serde_json::from_str(metadata).map_err(|e| format!("its metadata is not JSON ({e})"))?;
    let schema = meta
        .get("schema_version")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !schema.starts_with("authorship/3.") {
        return Err(format!("its schema is {schema:?}, not authorship/3.0.0"));
    }
    let mut out: Attested = HashMap::new();
    let mut file: Option<String> = None;
    for line in attestations.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(entry) = line.strip_prefix("  ") {
            let (Some(path), Some((key, ranges))) = (&file, entry.trim().split_once(' ')) else {
                return Err("an attestation comes before any file".into());
            };
            let author = author(key).ok_or_else(|| format!("unknown key {key:?}"))?;
            let lines = out.entry(path.clone()).or_default();
            for line in parse_ranges(ranges)? {
                lines.insert(line, author);
            }
        } else {
            file = Some(unquote(line.trim_end()));
        }
    }
    Ok(out)
}

/// The attestation section and the metadata, split at the first line that is exactly `---`.
fn split(note: &str) -> Option<(&str, &str)> {
    let mut at = 0;
    for line in note.split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == "---" {
            return Some((&note[..at], &note[at + line.len()..]));
        }
        at += line.len();
    }
    None
}

fn author(key: &str) -> Option<Author> {
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(h) = key.strip_prefix("h_") {
        return hex(h).then_some(Author::Human);
    }
    if let Some(session) = key.strip_prefix("s_") {
        let (s, t) = session.split_once("::")?;
        return (hex(s) && t.strip_prefix("t_").is_some_and(hex)).then_some(Author::Ai);
    }
    (hex(key) && matches!(key.len(), 7 | 16)).then_some(Author::Ai)
}

/// `1-4,9,12-14` → every line named; a cap keeps a hostile note from filling memory.
fn parse_ranges(spec: &str) -> Result<Vec<u32>, String> {
    const MAX_LINES: usize = 1 << 20;
    let mut lines = Vec::new();
    for part in spec.split(',') {
        let bad = || format!("bad line range {part:?}");
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<u32>(), b.parse::<u32>()),
            None => (part.parse::<u32>(), part.parse::<u32>()),
        };
        let (a, b) = (a.map_err(|_| bad())?, b.map_err(|_| bad())?);
        if a == 0 || b < a || lines.len() + (b - a) as usize >= MAX_LINES {
            return Err(bad());
        }
        lines.extend(a..=b);
    }
    Ok(lines)
}

/// A path line: as is, or inside double quotes when it holds spaces.
fn unquote(path: &str) -> String {
    path.strip_prefix('"')
        .and_then(|p| p.strip_suffix('"'))
        .unwrap_or(path)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str = r#"src/main.rs
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-3,15
  h_31dce776f88375 4-5
"src/my file.rs"
  abcd1234abcd1234 2
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.5",
  "base_commit_sha": "7734793b756b3921c88db5375a8c156e9532447b",
  "prompts": {},
  "humans": {"h_31dce776f88375": {"author": "Developer <dev@example.com>"}},
  "sessions": {"s_c9883b05a2487d": {"agent_id": {"tool": "cursor", "id": "6ef2", "model": "m"}}}
}
"#;

    #[test]
    fn sessions_legacy_keys_and_known_humans() {
        let a = parse(NOTE).unwrap();
        let main = &a["src/main.rs"];
        for l in [1, 2, 3, 15] {
            assert_eq!(main[&l], Author::Ai);
        }
        assert_eq!(main[&4], Author::Human);
        assert_eq!(main.get(&6), None, "untracked lines are not attested");
        assert_eq!(a["src/my file.rs"][&2], Author::Ai);
    }

    #[test]
    fn foreign_and_corrupt_notes_say_why() {
        for bad in [
            "",
            "just a note",
            "a.rs\n  s_1::t_2 1\n---\nnot json",
            "a.rs\n  s_1::t_2 1\n---\n{\"schema_version\": \"authorship/2.0.0\"}",
            "  s_1::t_2 1\n---\n{\"schema_version\": \"authorship/3.0.0\"}",
            "a.rs\n  s_1::t_2 5-2\n---\n{\"schema_version\": \"authorship/3.0.0\"}",
            "a.rs\n  s_1::t_2 1-4294967295\n---\n{\"schema_version\": \"authorship/3.0.0\"}",
            "a.rs\n  zz 1\n---\n{\"schema_version\": \"authorship/3.0.0\"}",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
