//! From LSP notifications to pipeline calls: the one place that turns LSP types into the
//! mirror's. The live server's ordered handlers call these with the params tower-lsp-server
//! decoded; replay hands a trace's JSON to [`notification`] and [`Settled::from_json`], which
//! decode it into the same types and call the same functions — so no room but this one names an
//! LSP type.

use ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, InitializeParams, TextDocumentContentChangeEvent,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tower_lsp_server::ls_types;
use tracing::{debug, warn};

use crate::classify::Class;
use crate::events::Emitted;
use crate::mirror::{ContentChange, Encoding, Position, Range};
use crate::pipeline::{OpenOutcome, Pipeline};
use crate::session::{self, Session, Start};
use crate::store::Store;
use crate::uri;

/// What `initialize` settles for a session.
#[derive(Clone, Debug)]
pub struct Settled {
    pub encoding: Encoding,
    /// Workspace root as a filesystem path.
    pub root: Option<String>,
    pub client_name: Option<String>,
    pub client_version: Option<String>,
}

impl Settled {
    pub fn from_initialize(params: &InitializeParams) -> Settled {
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
        Settled {
            encoding,
            root,
            client_name: params.client_info.as_ref().map(|c| c.name.clone()),
            client_version: params.client_info.as_ref().and_then(|c| c.version.clone()),
        }
    }

    /// The same from `initialize` params as JSON (a trace's); unreadable params give the
    /// defaults, with a warning.
    pub fn from_json(params: &Value) -> Settled {
        let params = InitializeParams::deserialize(params).unwrap_or_else(|e| {
            warn!("initialize params unreadable ({e}); using defaults");
            InitializeParams::default()
        });
        Settled::from_initialize(&params)
    }

    /// How a session of `kind` begun at `started_ms` starts.
    pub fn start(self, kind: &'static str, started_ms: i64) -> Start {
        Start {
            kind,
            started_ms,
            encoding: self.encoding,
            root: self.root,
            client_name: self.client_name,
            client_version: self.client_version,
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

/// Opens the document; its URI when an earlier session's provenance is worth restoring.
pub fn did_open(
    p: &mut Pipeline,
    t: f64,
    params: DidOpenTextDocumentParams,
    out: &mut Vec<Emitted>,
) -> Option<String> {
    let doc = params.text_document;
    let uri = doc.uri.as_str();
    let outcome = p.did_open(t, uri, doc.version, &doc.text, out);
    (outcome == OpenOutcome::WantsSaved).then(|| uri.to_string())
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

/// Closes the document; saves its provenance.
pub fn did_close(p: &mut Pipeline, store: &Store, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri.as_str();
    if let Some(saved) = p.did_close(uri) {
        store.save_provenance(uri, saved.encode());
    }
}

/// Records the save (and saves the provenance: a commit follows a save, and `mindgap check`
/// reads provenance from the store). True when the save followed typing (an attempt, in a
/// struggle window).
pub fn did_save(p: &mut Pipeline, store: &Store, params: DidSaveTextDocumentParams) -> bool {
    let uri = params.text_document.uri.as_str();
    let attempt = p.did_save(uri);
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
        // A completion menu's item (snippet, keyword, function): mechanical, not AI.
        "format" | "item" => Some(Class::Editor),
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

fn decode<P: DeserializeOwned>(method: &str, params: &Value) -> Option<P> {
    match P::deserialize(params) {
        Ok(p) => Some(p),
        Err(e) => {
            warn!(method, "invalid params, message skipped: {e}");
            None
        }
    }
}

/// Feeds one client notification, given as JSON (a trace's), to the session; each event and
/// amendment goes to `sink` and the store. Provenance an earlier session saved is restored at
/// once (the live server does it in the background). Methods the pipeline does not follow are
/// skipped.
#[allow(clippy::too_many_arguments)]
pub fn notification(
    s: &mut Session,
    store: &Store,
    sink: &mut dyn FnMut(&Emitted),
    t: f64,
    method: &str,
    params: &Value,
    full_sync: bool,
) {
    match method {
        "textDocument/didOpen" => {
            let Some(params) = decode(method, params) else {
                return;
            };
            let (wants, _) = s.run(store, sink, |p, out| did_open(p, t, params, out));
            if let Some(uri) = wants {
                let saved = session::load_saved(store, &uri);
                s.run(store, sink, |p, _| {
                    p.restore_provenance(&uri, saved.as_ref())
                });
            }
        }
        "textDocument/didChange" => {
            if let Some(params) = decode(method, params) {
                s.run(store, sink, |p, out| {
                    did_change(p, t, params, full_sync, out)
                });
            }
        }
        "textDocument/didClose" => {
            if let Some(params) = decode(method, params) {
                s.run(store, sink, |p, _| did_close(p, store, params));
            }
        }
        "textDocument/didSave" => {
            if let Some(params) = decode(method, params) {
                s.run(store, sink, |p, _| did_save(p, store, params));
            }
        }
        EDIT_HINT => {
            if let Some(params) = decode(method, params) {
                s.run(store, sink, |p, out| edit_hint(p, t, params, out));
            }
        }
        _ => debug!(method, "not followed by the pipeline"),
    }
}

#[cfg(test)]
mod tests {
    use super::hint_class;
    use crate::classify::Class;

    #[test]
    fn hint_kinds_name_classes() {
        assert_eq!(hint_class("item"), Some(Class::Editor));
        assert_eq!(hint_class("format"), Some(Class::Editor));
        assert_eq!(hint_class("completion"), Some(Class::Completion));
        assert_eq!(hint_class("redo"), Some(Class::Undo));
        assert_eq!(hint_class("snippet"), None);
    }
}
