//! Nudges in the editor: diagnostics over outside-help blocks (republished when provenance
//! changes), the code actions on them, and the commands those run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;
use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;
use tracing::{info, warn};

use super::server::Shared;
use crate::config::Severity;
use crate::mirror::{Encoding, encoding};
use crate::nudges;
use crate::practices::explanations;
use crate::provenance::{Provenance, Saved};
use crate::uri;

pub const EXPLAIN: &str = "mindgap.explain";
pub const OWN: &str = "mindgap.own";

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
        if let Some((open, prov, _)) = shared.pipeline_read(|p| p.nudge_input(uri)).flatten() {
            return Some((
                open.to_string(),
                prov.ranges().iter().map(|r| (r.start, r.end)).collect(),
            ));
        }
        let saved = shared
            .store
            .load_provenance(uri)
            .and_then(|b| Saved::decode(&b))?;
        let prov = Provenance::restore(&saved, rope);
        Some((
            rope.to_string(),
            prov.ranges().iter().map(|r| (r.start, r.end)).collect(),
        ))
    })
}

/// The diagnostics of one document now.
fn diagnostics(shared: &Shared, root: Option<&Path>, doc: &str) -> Option<Vec<Diagnostic>> {
    let (rope, prov, enc) = shared.pipeline_read(|p| p.nudge_input(doc)).flatten()?;
    let config = shared.config();
    let found = nudges::nudges(&rope, &prov, &config, |id| {
        root.is_some_and(|r| explained(shared, r, id, config.explain_min_words))
    });
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

/// Republishes the diagnostics of every document whose provenance changed.
pub async fn publish_dirty(client: &Client, shared: &Arc<Shared>, root: Option<PathBuf>) {
    let dirty = shared
        .pipeline_write(|p| p.take_nudge_dirty())
        .unwrap_or_default();
    for doc in dirty {
        let (s, r, d) = (shared.clone(), root.clone(), doc.clone());
        let Ok(Some(diags)) =
            tokio::task::spawn_blocking(move || diagnostics(&s, r.as_deref(), &d)).await
        else {
            continue;
        };
        let Ok(uri) = doc.parse::<Uri>() else {
            continue;
        };
        client.publish_diagnostics(uri, diags, None).await;
    }
}

/// Code actions for the outside-help blocks under `range`.
pub fn code_actions(shared: &Shared, doc: &str, range: Range) -> Vec<CodeActionOrCommand> {
    let Some((rope, prov, enc)) = shared.pipeline_read(|p| p.nudge_input(doc)).flatten() else {
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
            "It's my own code (mindgap)".into(),
            OWN,
            CodeActionKind::QUICKFIX,
        );
    }
    out
}

/// Runs `mindgap.explain` / `mindgap.own`. Returns what the command answers.
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
    match command {
        EXPLAIN => {
            let root = root.ok_or("explanations need a workspace folder")?;
            let (first, last, text) = shared
                .pipeline_read(|p| p.block_text(&doc, block))
                .flatten()
                .ok_or("that block is not outside help any more")?;
            let path = uri::file_path(&doc).ok_or("only files can be explained")?;
            let rel = uri::relative_to(&root.to_string_lossy(), &doc).unwrap_or(path);
            let (file, id) = {
                let root = root.clone();
                tokio::task::spawn_blocking(move || {
                    explanations::create(&root, &rel, first, last, &text)
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| format!("cannot write the explanation ({e})"))?
            };
            shared.pipeline_write(|p| p.tag_explanation(&doc, block, id));
            let file_uri = uri::from_path(&file.to_string_lossy());
            info!(explanation = %file.display(), "explanation created");
            if let Ok(u) = file_uri.parse::<Uri>()
                && let Err(e) = client
                    .show_document(ShowDocumentParams {
                        uri: u,
                        external: None,
                        take_focus: Some(true),
                        selection: None,
                    })
                    .await
            {
                warn!("cannot show the explanation: {e}");
            }
            Ok(json!({"explanation": file_uri}))
        }
        OWN => {
            let reason = args.get(2).and_then(Value::as_str).unwrap_or("");
            let mut out = Vec::new();
            let done = shared
                .pipeline_write(|p| p.own_block(&doc, block, &mut out))
                .unwrap_or(false);
            if !done {
                return Err("that block is not outside help any more".into());
            }
            info!(doc, block, reason, "block marked as the person's own code");
            for e in out {
                shared.store.record(e);
            }
            Ok(json!({"reclassified": "move"}))
        }
        other => Err(format!("unknown command {other}")),
    }
}
