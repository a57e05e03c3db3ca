//! From LSP notifications to pipeline calls: the one place that turns LSP types into the
//! mirror's. The live server calls these with the params tower-lsp-server decoded; replay
//! decodes a trace's JSON into the same types and calls the same functions.

use ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, InitializeParams, TextDocumentContentChangeEvent,
};
use serde::de::DeserializeOwned;
use tower_lsp_server::ls_types;
use tracing::{debug, warn};

use crate::events::EditEvent;
use crate::mirror::{ContentChange, Encoding, Position, Range};
use crate::pipeline::Pipeline;
use crate::uri;

/// What `initialize` settles for a session.
#[derive(Clone, Debug)]
pub struct Session {
    pub encoding: Encoding,
    /// Workspace root as a filesystem path.
    pub root: Option<String>,
    pub client_name: Option<String>,
    pub client_version: Option<String>,
}

impl Session {
    pub fn from_initialize(params: &InitializeParams) -> Session {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .map(|v| v.iter().map(|k| k.as_str().to_string()).collect::<Vec<_>>())
            .unwrap_or_default();
        let encoding = Encoding::negotiate(offered.iter().map(String::as_str));
        #[allow(deprecated)] // rootUri and rootPath are what many clients still send
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| uri::file_path(f.uri.as_str()))
            .or_else(|| {
                params
                    .root_uri
                    .as_ref()
                    .and_then(|u| uri::file_path(u.as_str()))
            })
            .or_else(|| params.root_path.clone());
        Session {
            encoding,
            root,
            client_name: params.client_info.as_ref().map(|c| c.name.clone()),
            client_version: params.client_info.as_ref().and_then(|c| c.version.clone()),
        }
    }
}

fn position(p: ls_types::Position) -> Position {
    Position::new(p.line, p.character)
}

fn content_change(c: TextDocumentContentChangeEvent, full_sync: bool) -> ContentChange {
    let range = c.range.filter(|_| !full_sync).map(|r| Range {
        start: position(r.start),
        end: position(r.end),
    });
    ContentChange {
        range,
        text: c.text,
    }
}

pub fn did_open(
    p: &mut Pipeline,
    t: f64,
    params: DidOpenTextDocumentParams,
    out: &mut Vec<EditEvent>,
) {
    let doc = params.text_document;
    p.did_open(t, doc.uri.as_str(), doc.version, &doc.text, out);
}

pub fn did_change(
    p: &mut Pipeline,
    t: f64,
    params: DidChangeTextDocumentParams,
    full_sync: bool,
    out: &mut Vec<EditEvent>,
) {
    let doc = params.text_document;
    let changes: Vec<ContentChange> = params
        .content_changes
        .into_iter()
        .map(|c| content_change(c, full_sync))
        .collect();
    p.did_change(t, doc.uri.as_str(), doc.version, changes, out);
}

pub fn did_close(p: &mut Pipeline, params: DidCloseTextDocumentParams) {
    p.did_close(params.text_document.uri.as_str());
}

pub fn did_save(p: &mut Pipeline, params: DidSaveTextDocumentParams) {
    p.did_save(params.text_document.uri.as_str());
}

fn decode<P: DeserializeOwned>(method: &str, params: &serde_json::Value) -> Option<P> {
    match P::deserialize(params) {
        Ok(p) => Some(p),
        Err(e) => {
            warn!(method, "invalid params, message skipped: {e}");
            None
        }
    }
}

/// Feeds one client notification, given as JSON, to the pipeline. Methods the pipeline does not
/// follow are skipped.
pub fn notification(
    p: &mut Pipeline,
    t: f64,
    method: &str,
    params: &serde_json::Value,
    full_sync: bool,
    out: &mut Vec<EditEvent>,
) {
    match method {
        "textDocument/didOpen" => {
            if let Some(params) = decode(method, params) {
                did_open(p, t, params, out);
            }
        }
        "textDocument/didChange" => {
            if let Some(params) = decode(method, params) {
                did_change(p, t, params, full_sync, out);
            }
        }
        "textDocument/didClose" => {
            if let Some(params) = decode(method, params) {
                did_close(p, params);
            }
        }
        "textDocument/didSave" => {
            if let Some(params) = decode(method, params) {
                did_save(p, params);
            }
        }
        _ => debug!(method, "not followed by the pipeline"),
    }
}
