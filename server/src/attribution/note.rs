//! A commit's note: the Agent Trace record of the lines it added or changed, each line's origin
//! from the session's provenance re-anchored onto the committed text (the machinery `check
//! --staged` uses), else from a note the commit already carries (copied by an amend or rebase),
//! else from git-ai's note; written under `refs/notes/mindgap`. Also the record of the work
//! tree's uncommitted lines, for `export`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::Context;
use super::git_ai::{self, Attested, Author};
use super::origin::{LineOrigin, Origin};
use super::record::{self, Described, FileEntry, Record, Source};
use crate::classify::Class;
use crate::git::{Repo, diff, notes};

/// Files larger than this are described as unknown rather than read.
const MAX_TEXT: usize = 4 << 20;

/// A file as a record describes it: its path, the lines added or changed (1-based, inclusive)
/// and its text at the revision (`None` when it is not text).
struct Touched {
    path: String,
    lines: Vec<(u32, u32)>,
    text: Option<String>,
}

/// What a record says besides its files: lines per origin, and the outside-help blocks with
/// whether each has an explanation that counts.
#[derive(Default)]
struct Summary {
    lines: BTreeMap<&'static str, u32>,
    blocks: Vec<Value>,
}

/// Writes (or rewrites) the note of commit `rev`; returns the record written and the warnings
/// met on the way (a note that could not be read, say).
pub fn write_note(ctx: &Context, repo: &Repo, rev: &str) -> Result<(Record, Vec<String>), String> {
    let (record, warnings) = commit_record(ctx, repo, rev)?;
    let text = serde_json::to_string(&record).map_err(|e| e.to_string())?;
    notes::write(repo, &record_revision(&record), &text)?;
    Ok((record, warnings))
}

fn record_revision(r: &Record) -> String {
    r.vcs
        .as_ref()
        .map(|v| v.revision.clone())
        .unwrap_or_default()
}

/// The record of commit `rev`, as `mindgap note` would write it.
pub fn commit_record(
    ctx: &Context,
    repo: &Repo,
    rev: &str,
) -> Result<(Record, Vec<String>), String> {
    let sha = repo.commit(rev)?;
    let changed = diff::commit_changes(repo, &sha)?;
    let mut warnings = Vec::new();
    let carried = own_notes(repo, &sha, &mut warnings);
    let attested = git_ai_note(repo, &sha, &mut warnings);
    let names: Vec<String> = changed
        .iter()
        .map(|f| format!("{sha}:{}", f.path))
        .collect();
    let texts = repo.objects(&names)?;
    let files: Vec<Touched> = changed
        .into_iter()
        .zip(texts)
        .map(|(f, t)| Touched {
            path: f.path,
            lines: f.lines,
            text: t.and_then(text_of),
        })
        .collect();
    let record = build(ctx, &sha, &files, &carried, &attested, Map::new());
    Ok((record, warnings))
}

/// The record of the work tree's lines that differ from `HEAD` (untracked files whole).
pub fn worktree_record(ctx: &Context, repo: &Repo) -> Result<Record, String> {
    let head = repo.commit("HEAD").unwrap_or_default();
    let mut changed = if head.is_empty() {
        Vec::new()
    } else {
        diff::worktree_changes(repo)?
    };
    let untracked = repo.run(&["ls-files", "-z", "--others", "--exclude-standard"])?;
    for rel in untracked.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        changed.push(diff::ChangedFile {
            path: String::from_utf8_lossy(rel).into_owned(),
            lines: vec![(1, u32::MAX)],
        });
    }
    let files: Vec<Touched> = changed
        .into_iter()
        .map(|f| {
            let text = std::fs::read(repo.root.join(&f.path))
                .ok()
                .and_then(text_of);
            let count = text.as_deref().map_or(0, |t| t.lines().count() as u32);
            let lines: Vec<(u32, u32)> = f
                .lines
                .into_iter()
                .map(|(a, b)| (a, b.min(count)))
                .filter(|(a, b)| a <= b)
                .collect();
            Touched {
                path: f.path,
                lines,
                text,
            }
        })
        .collect();
    let mut extra = Map::new();
    extra.insert("uncommitted".into(), json!(true));
    Ok(build(ctx, &head, &files, &[], &HashMap::new(), extra))
}

fn text_of(bytes: Vec<u8>) -> Option<String> {
    (bytes.len() <= MAX_TEXT && !bytes.contains(&0))
        .then(|| String::from_utf8(bytes).ok())
        .flatten()
}

/// The records of the note `sha` already has, if any (a rewrite may have copied one there).
fn own_notes(repo: &Repo, sha: &str, warnings: &mut Vec<String>) -> Vec<Record> {
    let Some(text) = notes::read(repo, notes::MINDGAP, &[sha]).remove(sha) else {
        return Vec::new();
    };
    record::parse_note(&text).unwrap_or_else(|why| {
        warnings.push(format!(
            "the mindgap note of {} was skipped: {why}",
            short(sha)
        ));
        Vec::new()
    })
}

/// What git-ai's note of `sha` attests, if it has one.
pub fn git_ai_note(repo: &Repo, sha: &str, warnings: &mut Vec<String>) -> Attested {
    let Some(text) = notes::read(repo, notes::GIT_AI, &[sha]).remove(sha) else {
        return Attested::new();
    };
    git_ai::parse(&text).unwrap_or_else(|why| {
        warnings.push(format!(
            "git-ai's note of {} was skipped: {why}",
            short(sha)
        ));
        Attested::new()
    })
}

pub fn short(sha: &str) -> &str {
    &sha[..sha.len().min(8)]
}

/// A record for `files` (path, changed lines, text at the revision).
fn build(
    ctx: &Context,
    revision: &str,
    files: &[Touched],
    carried: &[Record],
    attested: &Attested,
    mut ours: Map<String, Value>,
) -> Record {
    let mut summary = Summary::default();
    let entries: Vec<FileEntry> = files
        .iter()
        .filter(|f| !f.lines.is_empty())
        .map(|f| {
            let text = f.text.as_deref().unwrap_or("");
            describe_file(
                ctx,
                &f.path,
                &f.lines,
                text,
                carried,
                attested,
                &mut summary,
            )
        })
        .collect();
    ours.insert("lines".into(), json!(summary.lines));
    ours.insert("blocks".into(), Value::Array(summary.blocks));
    ours.insert(
        "explain_min_lines".into(),
        json!(ctx.config.explain_min_lines),
    );
    let mut metadata = Map::new();
    metadata.insert(record::METADATA_KEY.into(), Value::Object(ours));
    Record {
        version: record::VERSION.into(),
        id: uuid_v4(),
        timestamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        vcs: (!revision.is_empty()).then(|| record::Vcs {
            kind: "git".into(),
            revision: revision.to_string(),
        }),
        tool: Some(record::Tool {
            name: "mindgap".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }),
        files: entries,
        metadata,
    }
}

/// One file's entry: each changed line's origin from the session (lines it knew), else from
/// the note carried over, else from git-ai; and its outside-help blocks.
fn describe_file(
    ctx: &Context,
    path: &str,
    changed: &[(u32, u32)],
    text: &str,
    carried: &[Record],
    attested: &Attested,
    summary: &mut Summary,
) -> FileEntry {
    let hashes = record::line_hashes(text);
    let session = ctx.origins(path, text);
    let fresh: Vec<LineOrigin> = session
        .as_ref()
        .map(|(_, _, o)| o.clone())
        .unwrap_or_default();
    let old = record::described_lines(carried, path, &hashes);
    let git_ai = attested.get(path);
    let origins: Vec<(LineOrigin, Source)> = (1..=hashes.len() as u32)
        .map(|line| {
            let own = fresh.get(line as usize - 1).copied();
            pick(own, old.get(&line), git_ai.and_then(|a| a.get(&line)))
        })
        .collect();
    for &(a, b) in changed {
        for o in origins.get(a as usize - 1..b as usize).unwrap_or(&[]) {
            *summary.lines.entry(o.0.origin.as_str()).or_default() += 1;
        }
    }
    if let Some((rope, prov, _)) = &session {
        summary
            .blocks
            .extend(blocks(ctx, path, changed, rope, prov));
    }
    record::file_entry(path, changed, &origins, &hashes)
}

/// A line's origin: the session's when it knew the line, else the carried note's, else git-ai's.
fn pick(
    own: Option<LineOrigin>,
    carried: Option<&Described>,
    git_ai: Option<&Author>,
) -> (LineOrigin, Source) {
    if let Some(o) = own.filter(|o| o.origin != Origin::Unknown) {
        return (o, Source::Mindgap);
    }
    if let Some(d) = carried.filter(|d| d.origin != Origin::Unknown) {
        let o = LineOrigin {
            origin: d.origin,
            help: d.help,
        };
        return (o, d.source);
    }
    let o = match git_ai {
        Some(Author::Ai) => LineOrigin {
            origin: Origin::Agent,
            help: Some(Class::Agent),
        },
        Some(Author::Human) => LineOrigin {
            origin: Origin::Own,
            help: None,
        },
        None => return (LineOrigin::UNKNOWN, Source::Mindgap),
    };
    (o, Source::GitAi)
}

/// The outside-help blocks of a file that touch its changed lines, with whether each has an
/// explanation that counts.
fn blocks(
    ctx: &Context,
    path: &str,
    changed: &[(u32, u32)],
    rope: &ropey::Rope,
    prov: &crate::provenance::Provenance,
) -> Vec<Value> {
    crate::nudges::blocks(rope, prov)
        .into_iter()
        .filter(|b| b.class.is_outside_help())
        .filter_map(|b| {
            let first = rope.char_to_line(b.start) as u32 + 1;
            let last = rope.char_to_line(b.end.saturating_sub(1).max(b.start)) as u32 + 1;
            changed
                .iter()
                .any(|&(a, z)| first <= z && a <= last)
                .then(|| {
                    json!({
                        "path": path,
                        "start_line": first,
                        "end_line": last,
                        "class": b.class.as_str(),
                        "needs_explanation": b.lines >= ctx.config.explain_min_lines,
                        "explained": ctx.explained(b.tags.explanation),
                    })
                })
        })
        .collect()
}

/// A random (version 4) UUID, from the system's random source; from the clock and process
/// when there is none.
fn uuid_v4() -> String {
    use std::io::Read;
    let mut b = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b));
    if read.is_err() {
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        b = xxhash_rust::xxh3::xxh3_128(seed.as_bytes()).to_le_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
