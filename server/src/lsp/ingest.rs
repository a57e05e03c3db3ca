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

use crate::events::{Class, Emitted};
use crate::mirror::{ContentChange, Encoding, Position, Range};
use crate::pipeline::Pipeline;
use crate::provenance::Saved;
use crate::store::Store;
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
    store: &Store,
    t: f64,
    params: DidOpenTextDocumentParams,
    out: &mut Vec<Emitted>,
) {
    let doc = params.text_document;
    let uri = doc.uri.as_str();
    // Provenance from an earlier session, unless this session already holds it.
    let saved = match p.provenance(uri) {
        Some(_) => None,
        None => store.load_provenance(uri).and_then(|bytes| {
            let saved = Saved::decode(&bytes);
            if saved.is_none() {
                warn!(uri, "saved provenance is unreadable: ignored");
            }
            saved
        }),
    };
    p.did_open(t, uri, doc.version, &doc.text, saved, out);
}

pub fn did_change(
    p: &mut Pipeline,
    t: f64,
    params: DidChangeTextDocumentParams,
    full_sync: bool,
    out: &mut Vec<Emitted>,
) {
    let doc = params.text_document;
    let changes: Vec<ContentChange> = params
        .content_changes
        .into_iter()
        .map(|c| content_change(c, full_sync))
        .collect();
    p.did_change(t, doc.uri.as_str(), doc.version, changes, out);
}

pub fn did_close(p: &mut Pipeline, store: &Store, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri.as_str();
    if let Some(saved) = p.did_close(uri) {
        store.save_provenance(uri, saved.encode());
    }
}

/// Saves the provenance of every open document (at shutdown).
pub fn save_all(p: &Pipeline, store: &Store) {
    for (uri, saved) in p.save_all() {
        store.save_provenance(&uri, saved.encode());
    }
}

/// Returns true when the save followed typing (an attempt, in a struggle window).
pub fn did_save(p: &mut Pipeline, store: &Store, params: DidSaveTextDocumentParams) -> bool {
    let uri = params.text_document.uri.as_str();
    let attempt = p.did_save(uri);
    // A commit follows a save: `mindgap check` reads provenance from the store.
    if let Some(saved) = p.saved_provenance(uri) {
        store.save_provenance(uri, saved.encode());
    }
    attempt
}

/// The notification editor plugins send to say what a change was (SPEC section 2).
pub const EDIT_HINT: &str = "mindgap/editHint";

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditHintParams {
    pub text_document: ls_types::VersionedTextDocumentIdentifier,
    pub kind: String,
    #[serde(default)]
    pub source: Option<String>,
}

/// The class a hint's `kind` names.
pub fn hint_class(kind: &str) -> Option<Class> {
    match kind {
        "paste" => Some(Class::Paste),
        "completion" => Some(Class::Completion),
        "undo" | "redo" => Some(Class::Undo),
        "format" => Some(Class::Editor),
        "agent" => Some(Class::Agent),
        _ => None,
    }
}

pub fn edit_hint(p: &mut Pipeline, t: f64, params: EditHintParams, out: &mut Vec<Emitted>) {
    let doc = params.text_document;
    match hint_class(&params.kind) {
        Some(class) => {
            debug!(
                uri = doc.uri.as_str(),
                version = doc.version,
                kind = params.kind,
                source = params.source.as_deref().unwrap_or(""),
                "edit hint"
            );
            p.hint(t, doc.uri.as_str(), doc.version, class, out);
        }
        None => warn!(kind = params.kind, "edit hint of an unknown kind: ignored"),
    }
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
    store: &Store,
    t: f64,
    method: &str,
    params: &serde_json::Value,
    full_sync: bool,
    out: &mut Vec<Emitted>,
) {
    match method {
        "textDocument/didOpen" => {
            if let Some(params) = decode(method, params) {
                did_open(p, store, t, params, out);
            }
        }
        "textDocument/didChange" => {
            if let Some(params) = decode(method, params) {
                did_change(p, t, params, full_sync, out);
            }
        }
        "textDocument/didClose" => {
            if let Some(params) = decode(method, params) {
                did_close(p, store, params);
            }
        }
        "textDocument/didSave" => {
            if let Some(params) = decode(method, params) {
                did_save(p, store, params);
            }
        }
        EDIT_HINT => {
            if let Some(params) = decode(method, params) {
                edit_hint(p, t, params, out);
            }
        }
        _ => debug!(method, "not followed by the pipeline"),
    }
}
