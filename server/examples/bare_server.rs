//! The floor mindgap's keystroke path is measured against (`floor_bench`): a tower-lsp-server
//! that only keeps each open document as a ropey rope and applies every `didChange` to it, in
//! UTF-16 positions, with nothing else — no classification, no store, no transport of its own.
//!
//! `cargo build --release --example bare_server` (the benchmark builds it itself).

use std::collections::HashMap;
use std::sync::Mutex;

use ropey::Rope;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    InitializeParams, InitializeResult, Position, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

struct Bare {
    docs: Mutex<HashMap<String, Rope>>,
}

/// The char index of a UTF-16 position in `rope`, clamped to the document.
fn char_index(rope: &Rope, p: Position) -> usize {
    let line = (p.line as usize).min(rope.len_lines().saturating_sub(1));
    let start = rope.line_to_char(line);
    let cu = rope.char_to_utf16_cu(start) + p.character as usize;
    rope.utf16_cu_to_char(cu.min(rope.len_utf16_cu()))
}

impl LanguageServer for Bare {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let mut docs = self.docs.lock().unwrap();
        docs.insert(doc.uri.as_str().to_string(), Rope::from_str(&doc.text));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let mut docs = self.docs.lock().unwrap();
        let Some(rope) = docs.get_mut(params.text_document.uri.as_str()) else {
            return;
        };
        for c in params.content_changes {
            match c.range {
                Some(r) => {
                    let (a, b) = (char_index(rope, r.start), char_index(rope, r.end));
                    rope.remove(a.min(b)..a.max(b));
                    rope.insert(a.min(b), &c.text);
                }
                None => *rope = Rope::from_str(&c.text),
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let mut docs = self.docs.lock().unwrap();
        docs.remove(params.text_document.uri.as_str());
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (service, socket) = LspService::new(|_: Client| Bare {
        docs: Mutex::new(HashMap::new()),
    });
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}
