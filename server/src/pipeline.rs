//! The pipeline: the one path from editor notifications (and disk changes) to classified edit
//! events. The live server and `replay` both drive it; nothing here knows LSP types or does I/O.
//!
//! Besides the mirror it keeps what the session knows of each file on disk (its text when opened
//! or saved), so that a disk change the editor's own save explains yields nothing, and an outside
//! change that reaches the buffer both as a disk change and as a reload is counted once.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use tracing::{debug, warn};

use crate::classify::{self, ChangeFacts};
use crate::events::{Class, EditEvent, Source, Span};
use crate::mirror::{
    Accepted, Applied, ContentChange, Encoding, Mirror, Opened, Rejected, measure,
};
use crate::uri;

/// How long an outside disk write waits for the editor to reload it, in ms.
const RELOAD_WINDOW_MS: f64 = 10_000.0;

pub struct Pipeline {
    encoding: Encoding,
    /// The workspace root as a filesystem path, when the client named one.
    root: Option<String>,
    mirror: Mirror,
    /// What each file holds on disk, as far as this session knows, by URI.
    disk: HashMap<Arc<str>, Rope>,
    /// Outside writes not yet seen reaching the buffer: URI → (hash of the new text, time).
    pending_outside: HashMap<Arc<str>, (u64, f64)>,
    applied: Vec<Applied>,
}

impl Pipeline {
    pub fn new(encoding: Encoding, root: Option<String>) -> Self {
        Pipeline {
            encoding,
            root,
            mirror: Mirror::new(),
            disk: HashMap::new(),
            pending_outside: HashMap::new(),
            applied: Vec::new(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn mirror(&self) -> &Mirror {
        &self.mirror
    }

    pub fn did_open(
        &mut self,
        t: f64,
        uri: &str,
        version: i32,
        text: &str,
        out: &mut Vec<EditEvent>,
    ) {
        let key: Arc<str> = self.mirror.key(uri).unwrap_or_else(|| Arc::from(uri));
        let opened = self.mirror.open(key.clone(), version, text);
        let rope = self.mirror.get(uri).expect("just opened").rope().clone();
        self.disk.insert(key.clone(), rope.clone());
        let previous = match opened {
            Opened::New => return,
            Opened::AlreadyOpen(previous) => {
                debug!(
                    uri,
                    "didOpen for a document already open: its text is replaced"
                );
                previous
            }
            Opened::Reopened(previous) => previous,
        };
        let m = measure(previous.rope().slice(..), text);
        if m.inserted == 0 && m.deleted == 0 {
            return;
        }
        // A reload: the text on disk changed while the editor held the document.
        let counted = !self.take_pending_outside(&key, &rope);
        let span = Span::of(previous.rope(), m.prefix, m.prefix + m.deleted);
        out.push(EditEvent {
            t,
            source: Source::Reopen,
            subject: key,
            version,
            change: 0,
            span,
            inserted: m.inserted as u32,
            deleted: m.deleted as u32,
            hash: m.hash,
            class: Class::Agent,
            counted,
        });
    }

    pub fn did_change(
        &mut self,
        t: f64,
        uri: &str,
        version: i32,
        changes: Vec<ContentChange>,
        out: &mut Vec<EditEvent>,
    ) {
        let Some(key) = self.mirror.key(uri) else {
            warn!(
                uri,
                version, "didChange for a document that is not open: ignored"
            );
            return;
        };
        let doc = self.mirror.get_mut(uri).expect("key exists");
        self.applied.clear();
        match doc.apply(version, changes, self.encoding, &mut self.applied) {
            Ok(Accepted::InOrder) => {}
            Ok(Accepted::Late { newest }) => {
                warn!(
                    uri,
                    version,
                    newest,
                    "change arrived after a newer version: applied in version order"
                );
            }
            Err(Rejected::Backwards { version, current }) => {
                warn!(
                    uri,
                    version, current, "version went backwards: change ignored"
                );
                return;
            }
        }
        let first = out.len();
        for (i, a) in self.applied.iter().enumerate() {
            if let Some(clamp) = a.clamped {
                warn!(
                    uri,
                    version,
                    change = i,
                    ?clamp,
                    "range outside the document: clamped"
                );
            }
            let class = classify::classify(ChangeFacts {
                inserted: a.inserted as u32,
                deleted: a.deleted as u32,
            });
            out.push(EditEvent {
                t,
                source: Source::Change,
                subject: key.clone(),
                version,
                change: i as u32,
                span: a.span,
                inserted: a.inserted as u32,
                deleted: a.deleted as u32,
                hash: a.hash,
                class,
                counted: true,
            });
        }
        if self.pending_outside.contains_key(&key)
            && out[first..].iter().any(|e| e.inserted + e.deleted > 1)
        {
            let rope = self.mirror.get(uri).expect("open").rope().clone();
            if self.take_pending_outside(&key, &rope) {
                // The editor reloaded an outside write already counted as a disk change.
                for e in &mut out[first..] {
                    e.class = if e.inserted + e.deleted == 0 {
                        e.class
                    } else {
                        Class::Agent
                    };
                    e.counted = false;
                }
            }
        }
    }

    pub fn did_close(&mut self, uri: &str) {
        if !self.mirror.close(uri) {
            warn!(uri, "didClose for a document that is not open: ignored");
        }
    }

    pub fn did_save(&mut self, uri: &str) {
        match self.mirror.get(uri) {
            Some(doc) => {
                let rope = doc.rope().clone();
                let key = self.mirror.key(uri).expect("open");
                self.disk.insert(key, rope);
            }
            None => warn!(uri, "didSave for a document that is not open: ignored"),
        }
    }

    /// A file in the workspace changed on disk: written with `text`, or removed (`None`).
    pub fn disk_change(
        &mut self,
        t: f64,
        rel_path: &str,
        text: Option<&str>,
        out: &mut Vec<EditEvent>,
    ) {
        let Some(root) = &self.root else {
            warn!(rel_path, "disk change without a workspace root: ignored");
            return;
        };
        let uri: Arc<str> = Arc::from(uri::from_path(&format!(
            "{}/{}",
            root.trim_end_matches('/'),
            rel_path
        )));
        let known = self.disk.get(&uri);
        let new_text = text.unwrap_or("");
        // The editor's own save explains it: the disk now holds what the buffer holds.
        let explained = match (text, known, self.mirror.get(&uri)) {
            (Some(text), Some(known), _) if *known == text => true,
            (Some(text), _, Some(doc)) if *doc.rope() == text => true,
            _ => false,
        };
        if explained {
            debug!(rel_path, "disk change explained by the editor's save");
        } else {
            let m = match known {
                Some(rope) => measure(rope.slice(..), new_text),
                None => measure(Rope::new().slice(..), new_text),
            };
            let class = if text.is_none() {
                Class::Delete
            } else {
                Class::Agent
            };
            let span = known.map_or_else(Span::default, |r| {
                Span::of(r, m.prefix, m.prefix + m.deleted)
            });
            out.push(EditEvent {
                t,
                source: Source::Disk,
                subject: Arc::from(rel_path),
                version: 0,
                change: 0,
                span,
                inserted: m.inserted as u32,
                deleted: m.deleted as u32,
                hash: m.hash,
                class,
                counted: true,
            });
            if text.is_some() {
                self.pending_outside
                    .insert(uri.clone(), (hash_str(new_text), t));
            }
        }
        match text {
            Some(text) => self.disk.insert(uri, Rope::from_str(text)),
            None => self.disk.remove(&uri),
        };
        self.pending_outside
            .retain(|_, (_, since)| t - *since <= RELOAD_WINDOW_MS);
    }

    /// True (and forgotten) when `rope` is exactly the text of a pending outside write.
    fn take_pending_outside(&mut self, key: &Arc<str>, rope: &Rope) -> bool {
        match self.pending_outside.get(key) {
            Some(&(hash, _)) if hash == hash_rope(rope) => {
                self.pending_outside.remove(key);
                true
            }
            _ => false,
        }
    }
}

fn hash_str(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

fn hash_rope(rope: &Rope) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for chunk in rope.chunks() {
        h.update(chunk.as_bytes());
    }
    h.digest()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mirror::{Position, Range};

    fn insert(line: u32, col: u32, text: &str) -> ContentChange {
        ContentChange {
            range: Some(Range {
                start: Position::new(line, col),
                end: Position::new(line, col),
            }),
            text: text.into(),
        }
    }

    #[test]
    fn outside_write_then_reload_is_counted_once() {
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        p.did_open(0.0, "file:///ws/a.py", 1, "x = 1\n", &mut out);
        p.did_change(1.0, "file:///ws/a.py", 2, vec![insert(1, 0, "y")], &mut out);
        p.did_save("file:///ws/a.py");
        // The editor's own save reaching disk yields nothing.
        p.disk_change(2.0, "a.py", Some("x = 1\ny"), &mut out);
        assert_eq!(out.len(), 1);
        // An agent adds an import; the editor reloads (Neovim: close, then open).
        p.disk_change(3.0, "a.py", Some("import os\nx = 1\ny"), &mut out);
        p.did_close("file:///ws/a.py");
        p.did_open(4.0, "file:///ws/a.py", 2, "import os\nx = 1\ny", &mut out);
        let tail: Vec<_> = out[1..]
            .iter()
            .map(|e| (e.source, e.class, e.inserted, e.counted))
            .collect();
        assert_eq!(
            tail,
            vec![
                (Source::Disk, Class::Agent, 10, true),
                (Source::Reopen, Class::Agent, 10, false)
            ]
        );
    }

    #[test]
    fn reload_by_did_change_matches_the_outside_write() {
        let mut p = Pipeline::new(Encoding::Utf16, Some("/ws".into()));
        let mut out = Vec::new();
        p.did_open(0.0, "file:///ws/a.py", 1, "x = 1\n", &mut out);
        p.disk_change(1.0, "a.py", Some("import os\nx = 1\n"), &mut out);
        p.did_change(
            2.0,
            "file:///ws/a.py",
            2,
            vec![insert(0, 0, "import os\n")],
            &mut out,
        );
        assert_eq!(out.len(), 2);
        assert_eq!((out[1].class, out[1].counted), (Class::Agent, false));
    }

    #[test]
    fn unknown_documents_are_ignored() {
        let mut p = Pipeline::new(Encoding::Utf8, None);
        let mut out = Vec::new();
        p.did_change(0.0, "file:///nope", 3, vec![insert(0, 0, "a")], &mut out);
        p.did_close("file:///nope");
        p.did_save("file:///nope");
        p.disk_change(0.0, "x", Some("y"), &mut out);
        assert!(out.is_empty());
    }
}
