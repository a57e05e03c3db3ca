//! Agent Trace records (version 0.1.0, <https://agent-trace.dev>), as mindgap writes them in its
//! notes and exports them: built from each changed line's origin, and read back — mindgap's own
//! and other tools' — into each described line's origin. A range carries a hash of its lines,
//! so a note copied onto a rewritten commit (amend, rebase) still finds lines that moved.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::origin::{LineOrigin, Origin};
use crate::classify::Class;

/// The Agent Trace version mindgap writes.
pub const VERSION: &str = "0.1.0";
/// The key of mindgap's own metadata, on a record and on a conversation.
pub const METADATA_KEY: &str = "dev.mindgap";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub version: String,
    pub id: String,
    pub timestamp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcs: Option<Vcs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<Tool>,
    pub files: Vec<FileEntry>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vcs {
    #[serde(rename = "type")]
    pub kind: String,
    pub revision: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub conversations: Vec<Conversation>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contributor: Option<Contributor>,
    pub ranges: Vec<LineRange>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contributor {
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineRange {
    pub start_line: u32,
    pub end_line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contributor: Option<Contributor>,
}

/// Where a described line's origin came from: mindgap's own record, or git-ai's note (read
/// by mindgap and written into its record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    Mindgap,
    GitAi,
}

/// A line as a record describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Described {
    pub origin: Origin,
    pub help: Option<Class>,
    pub source: Source,
}

/// The Agent Trace contributor type of an origin.
fn contributor_type(origin: Origin) -> &'static str {
    match origin {
        Origin::Own => "human",
        Origin::Paste | Origin::Completion | Origin::Agent => "ai",
        Origin::Mixed => "mixed",
        Origin::Unknown => "unknown",
    }
}

/// Each line's hash, for [`content_hash`]: the lines of `text` as git counts them, each
/// without its line break.
pub fn line_hashes(text: &str) -> Vec<u64> {
    text.lines()
        .map(|l| xxhash_rust::xxh3::xxh3_64(l.as_bytes()))
        .collect()
}

/// `xxh3:` and a hash of lines `first..=last` (1-based), from their [`line_hashes`].
pub fn content_hash(hashes: &[u64], first: u32, last: u32) -> Option<String> {
    let slice = hashes.get((first as usize).checked_sub(1)?..last as usize)?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for line in slice {
        h.update(&line.to_le_bytes());
    }
    Some(format!("xxh3:{:016x}", h.digest()))
}

/// One file of a record: its `changed` lines (1-based inclusive ranges) grouped into a
/// conversation per kind of origin, runs of lines of one kind as one range. `origins` holds
/// every line of the file (0-based); `hashes` its [`line_hashes`].
pub fn file_entry(
    path: &str,
    changed: &[(u32, u32)],
    origins: &[(LineOrigin, Source)],
    hashes: &[u64],
) -> FileEntry {
    type Key = (Origin, Option<Class>, Source);
    let mut groups: Vec<(Key, Vec<LineRange>)> = Vec::new();
    let key_of = |line: u32| -> Key {
        let (o, s) = origins
            .get(line as usize - 1)
            .copied()
            .unwrap_or((LineOrigin::UNKNOWN, Source::Mindgap));
        (o.origin, o.help, s)
    };
    for &(first, last) in changed {
        let mut start = first;
        for line in first..=last {
            let next = line + 1;
            if next <= last && key_of(next) == key_of(start) {
                continue;
            }
            let key = key_of(start);
            let range = LineRange {
                start_line: start,
                end_line: line,
                content_hash: content_hash(hashes, start, line),
                contributor: None,
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ranges)) => ranges.push(range),
                None => groups.push((key, vec![range])),
            }
            start = next;
        }
    }
    groups.sort_by_key(|((o, h, s), _)| (*o, *h, *s == Source::GitAi));
    FileEntry {
        path: path.to_string(),
        conversations: groups
            .into_iter()
            .map(|((origin, help, source), ranges)| conversation(origin, help, source, ranges))
            .collect(),
    }
}

fn conversation(
    origin: Origin,
    help: Option<Class>,
    source: Source,
    ranges: Vec<LineRange>,
) -> Conversation {
    let mut metadata = Map::new();
    if let Some(class) = help.filter(|_| origin.is_outside()) {
        let mut ours = json!({ "class": class.as_str() });
        if source == Source::GitAi {
            ours["source"] = json!("git-ai");
        }
        metadata.insert(METADATA_KEY.into(), ours);
    }
    Conversation {
        contributor: Some(Contributor {
            kind: contributor_type(origin).into(),
        }),
        ranges,
        metadata,
    }
}

/// The records in a note: one, or several when git concatenated notes (a rewrite copied one
/// onto a commit that had its own). `Err` says why nothing in it could be read.
pub fn parse_note(text: &str) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    let mut why = None;
    for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                why.get_or_insert_with(|| format!("not JSON ({e})"));
                break;
            }
        };
        match serde_json::from_value::<Record>(value) {
            Ok(r) if is_version(&r.version) => records.push(r),
            Ok(r) => {
                why.get_or_insert_with(|| format!("an unknown version {:?}", r.version));
            }
            Err(e) => {
                why.get_or_insert_with(|| format!("not an Agent Trace record ({e})"));
            }
        }
    }
    match (records.is_empty(), why) {
        (true, Some(why)) => Err(why),
        (true, None) => Err("empty".into()),
        _ => Ok(records),
    }
}

fn is_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// What `records` say of the lines of file `path`, whose lines in the commit have `hashes`: line
/// (1-based) → its description. The first record that describes a line with a known origin
/// wins. A range whose hash no longer matches its place is looked for nearby; not found, it
/// says nothing.
pub fn described_lines(records: &[Record], path: &str, hashes: &[u64]) -> HashMap<u32, Described> {
    let mut out: HashMap<u32, Described> = HashMap::new();
    for record in records {
        for conv in record
            .files
            .iter()
            .filter(|f| f.path == path)
            .flat_map(|f| &f.conversations)
        {
            for range in &conv.ranges {
                let d = describe(conv, range);
                let Some((first, last)) = locate(range, hashes) else {
                    continue;
                };
                for line in first..=last {
                    let keep = out
                        .get(&line)
                        .is_some_and(|had| had.origin != Origin::Unknown);
                    if !keep {
                        out.insert(line, d);
                    }
                }
            }
        }
    }
    out
}

/// The origin a range of a conversation states.
pub fn describe(conv: &Conversation, range: &LineRange) -> Described {
    let kind = range
        .contributor
        .as_ref()
        .or(conv.contributor.as_ref())
        .map_or("unknown", |c| c.kind.as_str());
    let ours = conv.metadata.get(METADATA_KEY);
    let help = ours
        .and_then(|m| m.get("class"))
        .and_then(Value::as_str)
        .and_then(Class::parse)
        .filter(|c| c.is_outside_help());
    let source = match ours.and_then(|m| m.get("source")).and_then(Value::as_str) {
        Some("git-ai") => Source::GitAi,
        _ => Source::Mindgap,
    };
    let origin = match kind {
        "human" => Origin::Own,
        "ai" => Origin::of_help(help.unwrap_or(Class::Agent)),
        "mixed" => Origin::Mixed,
        _ => Origin::Unknown,
    };
    Described {
        origin,
        help: help.or(origin.help()),
        source,
    }
}

/// Where `range` lies in the file whose lines have `hashes`: in its place when its hash
/// matches there (or it has none), else at the nearest place that matches.
fn locate(range: &LineRange, hashes: &[u64]) -> Option<(u32, u32)> {
    let (first, last) = (range.start_line, range.end_line);
    if first == 0 || last < first {
        return None;
    }
    let Some(hash) = &range.content_hash else {
        return (last as usize <= hashes.len()).then_some((first, last));
    };
    let matches = |s: u32| content_hash(hashes, s, s + (last - first)).as_ref() == Some(hash);
    if matches(first) {
        return Some((first, last));
    }
    let mut starts: Vec<u32> = (1..=(hashes.len() as u32).saturating_sub(last - first)).collect();
    starts.sort_by_key(|s| s.abs_diff(first));
    starts
        .into_iter()
        .find(|&s| matches(s))
        .map(|s| (s, s + (last - first)))
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
