//! Nudges in the editor: diagnostics over outside-help blocks (republished when provenance
//! changes), the code actions on them, and the commands those run. Everything here reads the
//! open documents through their views — never the session lock — and changes the session only
//! through short ordered steps (a tag, an expected edit, a block made the person's own).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;
use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;
use tracing::info;

use super::state::Shared;
use crate::classify::Class;
use crate::config::Severity;
use crate::mirror::{Encoding, encoding};
use crate::nudges;
use crate::pipeline::views::DocView;
use crate::practices::explanations;
use crate::provenance::{Provenance, Saved};
use crate::uri;

/// Diagnostics sent per document at most. Past this the largest blocks are shown: a file full of
/// small accepted completions gets a list a person can read, and the client is not sent a
/// megabyte every half second (which every answer after it would wait behind).
const MAX_DIAGNOSTICS: usize = 200;

pub const EXPLAIN: &str = "mindgap.explain";
pub const OWN: &str = "mindgap.own";
pub const REWRITE: &str = "mindgap.rewrite";
pub const RESTORE: &str = "mindgap.restore";

fn severity(s: Severity) -> Option<DiagnosticSeverity> {
    match s {
        Severity::Off => None,
        Severity::Hint => Some(DiagnosticSeverity::HINT),
        Severity::Information => Some(DiagnosticSeverity::INFORMATION),
        Severity::Warning => Some(DiagnosticSeverity::WARNING),
        Severity::Error => Some(DiagnosticSeverity::ERROR),
    }
}

fn lsp_range(rope: &Rope, start: usize, end: usize, enc: Encoding) -> Range {
    let p = |i: usize| {
        let pos = encoding::from_char_index(rope, i, enc);
        Position::new(pos.line, pos.character)
    };
    Range::new(p(start), p(end))
}

/// Whether explanation `id` in `root` counts, reading it from the editor when it is open there.
pub fn explained(shared: &Shared, root: &Path, id: u32, min_words: usize) -> bool {
    explanations::counts(root, id, min_words, |uri, rope| {
        if let Some(open) = shared.views().get(uri) {
            return Some((
                open.rope.to_string(),
                open.provenance.ranges().map(|r| (r.start, r.end)).collect(),
            ));
        }
        let saved = shared
            .store
            .load_provenance(uri)
            .and_then(|b| Saved::decode(&b))?;
        let prov = Provenance::restore(&saved, rope);
        Some((
            rope.to_string(),
            prov.ranges().map(|r| (r.start, r.end)).collect(),
        ))
    })
}

/// The diagnostics of one document now.
fn diagnostics(shared: &Shared, root: Option<&Path>, doc: &str) -> Option<Vec<Diagnostic>> {
    let DocView {
        rope,
        provenance: prov,
        encoding: enc,
        ..
    } = shared.views().get(doc)?;
    let config = shared.config();
    let mut found = nudges::nudges(&rope, &prov, &config, |id| {
        root.is_some_and(|r| explained(shared, r, id, config.explain_min_words))
    });
    if found.len() > MAX_DIAGNOSTICS {
        // The largest blocks, in document order.
        found.sort_by_key(|n| std::cmp::Reverse(n.end - n.start));
        found.truncate(MAX_DIAGNOSTICS);
        found.sort_by_key(|n| n.start);
    }
    Some(
        found
            .into_iter()
            .filter_map(|n| {
                Some(Diagnostic {
                    range: lsp_range(&rope, n.start, n.end, enc),
                    severity: Some(severity(n.severity)?),
                    code: Some(NumberOrString::String(n.rule.code().into())),
                    source: Some("mindgap".into()),
                    message: n.message,
                    data: Some(json!({"block": n.block})),
                    ..Default::default()
                })
            })
            .collect(),
    )
}

/// Documents whose nudges may have changed: those whose provenance did, and every tracked one
/// when an explanation changed (it may explain a block anywhere).
fn dirty(shared: &Shared) -> Vec<Arc<str>> {
    let views = shared.views();
    let mut dirty = views.take_dirty();
    if dirty.iter().any(|u| u.contains(explanations::DIR)) {
        for u in views.tracked() {
            if !dirty.contains(&u) {
                dirty.push(u);
            }
        }
    }
    dirty
}

/// What was last published for each open document, so that an unchanged list is not sent again.
pub type Published = HashMap<Arc<str>, Vec<Diagnostic>>;

/// Republishes the diagnostics of every document whose provenance changed, when they changed.
pub async fn publish_dirty(
    client: &Client,
    shared: &Arc<Shared>,
    root: Option<PathBuf>,
    published: &mut Published,
) {
    let dirty = dirty(shared);
    for doc in dirty {
        let (s, r, d) = (shared.clone(), root.clone(), doc.clone());
        let Ok(diags) =
            tokio::task::spawn_blocking(move || diagnostics(&s, r.as_deref(), &d)).await
        else {
            continue;
        };
        let Some(diags) = diags else {
            published.remove(&doc); // closed meanwhile
            continue;
        };
        if published.get(&doc) == Some(&diags) {
            continue;
        }
        let Ok(uri) = doc.parse::<Uri>() else {
            continue;
        };
        published.insert(doc, diags.clone());
        client.publish_diagnostics(uri, diags, None).await;
    }
}

/// Code actions for the outside-help blocks under `range`.
pub fn code_actions(shared: &Shared, doc: &str, range: Range) -> Vec<CodeActionOrCommand> {
    let Some(DocView {
        rope,
        provenance: prov,
        encoding: enc,
        ..
    }) = shared.views().get(doc)
    else {
        return Vec::new();
    };
    let at = |p: Position| {
        encoding::to_char_index(
            &rope,
            crate::mirror::Position::new(p.line, p.character),
            enc,
        )
        .0
    };
    let (a, b) = (at(range.start), at(range.end));
    let mut out = Vec::new();
    for block in nudges::blocks(&rope, &prov) {
        if block.end < a || block.start > b {
            continue;
        }
        let args = vec![Value::from(doc), Value::from(block.id)];
        let lines = block.lines;
        let mut action = |title: String, command: &str, kind: CodeActionKind| {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(kind),
                command: Some(Command {
                    title,
                    command: command.into(),
                    arguments: Some(args.clone()),
                }),
                ..Default::default()
            }));
        };
        action(
            format!(
                "Explain this block ({lines} lines of {})",
                block.class.as_str()
            ),
            EXPLAIN,
            CodeActionKind::QUICKFIX,
        );
        action(
            "Rewrite it by hand (mindgap)".into(),
            REWRITE,
            CodeActionKind::REFACTOR_REWRITE,
        );
        action(
            "It's my own code (mindgap)".into(),
            OWN,
            CodeActionKind::QUICKFIX,
        );
    }
    // "Restore stashed version" on the comments that took a block's place.
    let last = rope.len_lines().saturating_sub(1);
    for line in (range.start.line as usize).min(last)..=(range.end.line as usize).min(last) {
        if let Some(stash) = crate::practices::rewrite::stash_in(&rope.line(line).to_string()) {
            let title = "Restore stashed version (mindgap)".to_string();
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                command: Some(Command {
                    title,
                    command: RESTORE.into(),
                    arguments: Some(vec![Value::from(doc), Value::from(stash)]),
                }),
                ..Default::default()
            }));
        }
    }
    out
}

/// A nudge command's subject: the client, the shared state, the document and the block (or,
/// for `mindgap.restore`, the stash).
struct Cmd<'a> {
    client: &'a Client,
    shared: &'a Arc<Shared>,
    doc: String,
    block: u64,
}

/// Runs `mindgap.explain`, `mindgap.own`, `mindgap.rewrite` or `mindgap.restore` (arguments:
/// the document's URI, the block's id — or the stash's — and for `own` an optional reason).
/// Returns what the command answers.
pub async fn execute(
    client: &Client,
    shared: &Arc<Shared>,
    root: Option<PathBuf>,
    command: &str,
    args: &[Value],
) -> Result<Value, String> {
    let doc = args
        .first()
        .and_then(Value::as_str)
        .ok_or("the first argument must be the document's URI")?
        .to_string();
    let block = args
        .get(1)
        .and_then(Value::as_u64)
        .ok_or("the second argument must be the block's id")?;
    let cmd = Cmd {
        client,
        shared,
        doc,
        block,
    };
    match command {
        EXPLAIN => explain(cmd, root.ok_or("explanations need a workspace folder")?).await,
        OWN => own(cmd, args.get(2).and_then(Value::as_str).unwrap_or("")),
        REWRITE => rewrite(cmd).await,
        RESTORE => restore(cmd).await,
        other => Err(format!("unknown command {other}")),
    }
}

/// Writes an explanation template for the block, opens it, and tags the block with it.
async fn explain(c: Cmd<'_>, root: PathBuf) -> Result<Value, String> {
    let (doc, block) = (c.doc, c.block);
    let b = (c.shared.views().get(&doc))
        .and_then(|v| block_text(&v, block))
        .ok_or("that block is not outside help any more")?;
    let path = uri::file_path(&doc).ok_or("only files can be explained")?;
    let rel = uri::relative_to(&root.to_string_lossy(), &doc).unwrap_or(path);
    let (file, id) = tokio::task::spawn_blocking(move || {
        explanations::create(&root, &rel, b.first_line, b.last_line, &b.text)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("cannot write the explanation ({e})"))?;
    c.shared
        .ordered(|p, _, _| p.tag_explanation(&doc, block, id));
    let file_uri = uri::from_path(&file.to_string_lossy());
    info!(explanation = %file.display(), "explanation created");
    super::show_file(c.client, &file, false).await;
    Ok(json!({"explanation": file_uri}))
}

/// The person says the block is their own code: it stops counting as outside help.
fn own(c: Cmd<'_>, reason: &str) -> Result<Value, String> {
    let (doc, block) = (c.doc.as_str(), c.block);
    let done = (c.shared)
        .ordered(|p, _, out| p.own_block(doc, block, out))
        .unwrap_or(false);
    if !done {
        return Err("that block is not outside help any more".into());
    }
    info!(doc, block, reason, "block marked as the person's own code");
    Ok(json!({"reclassified": "move"}))
}

/// Stashes the block and asks the client to put a comment in its place, to rewrite by hand.
async fn rewrite(c: Cmd<'_>) -> Result<Value, String> {
    let view = c
        .shared
        .views()
        .get(&c.doc)
        .ok_or("the document is not open")?;
    let b = nudges::blocks(&view.rope, &view.provenance)
        .into_iter()
        .find(|b| b.id == c.block)
        .ok_or("that block is not outside help any more")?;
    let end = b.end.min(view.rope.len_chars());
    let text = view.rope.slice(b.start..end).to_string();
    let s = c.shared.clone();
    let (d, t, class) = (c.doc.clone(), text.clone(), b.class);
    let stash = tokio::task::spawn_blocking(move || s.store.stash(&d, class, &t))
        .await
        .map_err(|e| e.to_string())??;
    let comment = crate::practices::rewrite::comment(&c.doc, stash, &text, b.class.as_str());
    let edit = Replacement {
        range: (b.start, end),
        text: &comment,
        class: Class::Editor,
    };
    replace(&c, &view, edit).await?;
    Ok(json!({"stash": stash}))
}

/// Asks the client to put a stashed block back in place of the comment that replaced it.
async fn restore(c: Cmd<'_>) -> Result<Value, String> {
    let stash = c.block as i64;
    let s = c.shared.clone();
    let crate::store::Stashed { text, class } =
        tokio::task::spawn_blocking(move || s.store.stashed(stash))
            .await
            .map_err(|e| e.to_string())?
            .ok_or("that stash is gone")?;
    let view = c
        .shared
        .views()
        .get(&c.doc)
        .ok_or("the document is not open")?;
    let comment = crate::practices::rewrite::comment(&c.doc, stash, &text, class.as_str());
    let whole = view.rope.to_string();
    let at = whole
        .find(&comment)
        .ok_or("the comment that replaced the block was changed; restore by hand from the stash")?;
    let start = whole[..at].chars().count();
    let edit = Replacement {
        range: (start, start + comment.chars().count()),
        text: &text,
        class,
    };
    replace(&c, &view, edit).await?;
    Ok(json!({"restored": stash}))
}

/// The 1-based first and last lines and the text of block `id` of a document.
struct BlockText {
    first_line: u32,
    last_line: u32,
    text: String,
}

fn block_text(view: &DocView, id: u64) -> Option<BlockText> {
    let rope = &view.rope;
    let b = nudges::blocks(rope, &view.provenance)
        .into_iter()
        .find(|b| b.id == id)?;
    let end = b.end.min(rope.len_chars());
    let first = rope.char_to_line(b.start) as u32 + 1;
    Some(BlockText {
        first_line: first,
        last_line: first + b.lines as u32 - 1,
        text: rope.slice(b.start..end).to_string(),
    })
}

/// An edit this server asks the client to apply: chars `range` replaced by `text`, coming back
/// classed `class`.
struct Replacement<'a> {
    range: (usize, usize),
    text: &'a str,
    class: Class,
}

/// Asks the client to apply `edit` to the document of `c` (as `view` holds it), and tells the
/// pipeline which state that will leave, so the change comes back with the edit's class.
async fn replace(c: &Cmd<'_>, view: &DocView, edit: Replacement<'_>) -> Result<(), String> {
    let (rope, (start, end)) = (&view.rope, edit.range);
    let mut after = rope.clone();
    after.remove(start..end);
    after.insert(start, edit.text);
    let state = crate::pipeline::state_of(&after.to_string());
    let t = c.shared.now();
    (c.shared).ordered(|p, _, _| p.expect_state(t, &c.doc, state, edit.class));
    let uri: Uri = c.doc.parse().map_err(|_| "not a valid URI".to_string())?;
    let text_edit = TextEdit {
        range: lsp_range(rope, start, end, view.encoding),
        new_text: edit.text.to_string(),
    };
    let changes = std::collections::HashMap::from([(uri, vec![text_edit])]);
    let res = c
        .client
        .apply_edit(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
        .await
        .map_err(|e| format!("the editor did not apply the edit ({e})"))?;
    if !res.applied {
        return Err(res
            .failure_reason
            .unwrap_or_else(|| "the editor did not apply the edit".into()));
    }
    Ok(())
}
