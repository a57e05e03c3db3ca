//! The document mirror: the exact text of every open document, kept in step with the client.
//!
//! Owns positions and encodings ([`encoding`]), per-document text and version order
//! ([`document`]), and a small memory of recently closed documents so that a reload that
//! arrives as close-then-open (Neovim) can be measured against the text it replaced; and, as
//! line hashes, what the workspace's files on disk hold ([`disk_lines`]).

pub mod copies;
pub mod disk_lines;
pub mod document;
pub mod encoding;
pub mod fingerprint;
pub mod measure;
#[cfg(test)]
mod proptests;

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

pub use copies::Copied;
pub use document::{Accepted, Applied, ContentChange, Document, Range, Rejected, Span};
pub use encoding::{Clamp, Encoding, Position};
pub use measure::{Measure, measure};

/// A map keyed by document URI, hashed with [`UriHasher`].
pub type ByUri<V> = HashMap<Arc<str>, V, BuildHasherDefault<UriHasher>>;
/// A set of document URIs, hashed with [`UriHasher`].
pub type UriSet = HashSet<Arc<str>, BuildHasherDefault<UriHasher>>;

/// A multiply-rotate hash over 8-byte words (as rustc's FxHash), for URIs. Every change looks
/// its document up a dozen times on the edit path, and the keys are the person's own documents,
/// so speed wins over the flooding resistance of the standard hasher.
#[derive(Default, Clone, Copy)]
pub struct UriHasher(u64);

impl UriHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for UriHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// How many closed documents are remembered for reload detection.
const CLOSED_KEPT: usize = 16;
/// Bound on the text of remembered closed documents, in chars.
const CLOSED_CHARS: usize = 8 << 20;

#[derive(Default)]
pub struct Mirror {
    open: ByUri<Document>,
    closed: VecDeque<(Arc<str>, Document)>,
    /// The lines of the workspace's files on disk (hashes), for copies from files not open.
    pub disk_lines: disk_lines::DiskLines,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    #[test]
    fn uri_hashes_tell_documents_apart() {
        let hash = |s: &str| {
            let mut h = UriHasher::default();
            s.hash(&mut h);
            h.finish()
        };
        let uris = [
            "file:///ws/a.py",
            "file:///ws/b.py",
            "file:///ws/a.pyi",
            "file:///ws/",
        ];
        let hashes: HashSet<u64> = uris.iter().map(|u| hash(u)).collect();
        assert_eq!(hashes.len(), uris.len());
        assert_eq!(hash("file:///ws/a.py"), hash("file:///ws/a.py"));
        let mut m: ByUri<u32> = ByUri::default();
        m.insert(Arc::from("file:///ws/a.py"), 1);
        assert_eq!(m.get("file:///ws/a.py"), Some(&1));
    }
}
