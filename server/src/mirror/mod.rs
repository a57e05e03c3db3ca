//! The document mirror: the exact text of every open document, kept in step with the client.
//!
//! Owns positions and encodings ([`encoding`]), per-document text and version order
//! ([`document`]), and a small memory of recently closed documents so that a reload that
//! arrives as close-then-open (Neovim) can be measured against the text it replaced.

pub mod copies;
pub mod document;
pub mod encoding;
pub mod fingerprint;
#[cfg(test)]
mod proptests;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

pub use copies::Copied;
pub use document::{
    Accepted, Applied, ContentChange, Document, Measure, Range, Rejected, Span, measure,
};
pub use encoding::{Clamp, Encoding, Position};

/// How many closed documents are remembered for reload detection.
const CLOSED_KEPT: usize = 16;
/// Bound on the text of remembered closed documents, in chars.
const CLOSED_CHARS: usize = 8 << 20;

#[derive(Default)]
pub struct Mirror {
    open: HashMap<Arc<str>, Document>,
    closed: VecDeque<(Arc<str>, Document)>,
}

/// What `didOpen` found.
pub enum Opened {
    /// A document not seen before (or forgotten).
    New,
    /// The document was open already; its text was replaced.
    AlreadyOpen(Document),
    /// The document was closed earlier in this session; this is what it held then.
    Reopened(Document),
}

impl Mirror {
    pub fn new() -> Self {
        Self::default()
    }

    /// The interned key for `uri`, shared by every event about that document.
    pub fn key(&self, uri: &str) -> Option<Arc<str>> {
        self.open.get_key_value(uri).map(|(k, _)| k.clone())
    }

    pub fn get(&self, uri: &str) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn get_mut(&mut self, uri: &str) -> Option<&mut Document> {
        self.open.get_mut(uri)
    }

    pub fn open(&mut self, uri: Arc<str>, version: i32, text: &str) -> Opened {
        let doc = Document::new(text, version);
        if let Some(previous) = self.open.insert(uri.clone(), doc) {
            return Opened::AlreadyOpen(previous);
        }
        match self.closed.iter().position(|(k, _)| *k == uri) {
            Some(i) => Opened::Reopened(self.closed.remove(i).expect("index from position").1),
            None => Opened::New,
        }
    }

    /// Closes `uri`, remembering its text for a while. Returns false for a document not open.
    pub fn close(&mut self, uri: &str) -> bool {
        let Some((key, doc)) = self.open.remove_entry(uri) else {
            return false;
        };
        self.closed.push_back((key, doc));
        let mut chars: usize = self.closed.iter().map(|(_, d)| d.len_chars()).sum();
        while self.closed.len() > CLOSED_KEPT || (chars > CLOSED_CHARS && !self.closed.is_empty()) {
            if let Some((_, d)) = self.closed.pop_front() {
                chars -= d.len_chars();
            }
        }
        true
    }

    /// The open documents.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Document)> {
        self.open.iter()
    }
}
