//! The files the first walk found, read once off the edit path for the index of the workspace's
//! lines ([`crate::mirror::disk_lines`]): each wanted text file becomes its line keys (and, when
//! the session is being recorded, its text, for the trace's `exists` lines), delivered in
//! batches. Reading stops once it has sent several times what the index can hold.

use std::path::PathBuf;

use tracing::info;

use super::filter::wanted;
use super::read::read;
use super::{Existing, News, Walker};
use crate::mirror::disk_lines::{MAX_LINES, is_text, line_keys};

/// Files per delivery: small enough that the session takes each batch in a moment.
const BATCH: usize = 128;
/// Line keys sent at most (the index keeps the distinct ones, up to its own bound).
const MAX_SENT: usize = 4 * MAX_LINES;

impl<D: Fn(News)> Walker<D> {
    /// Reads `files` (absolute paths from the walk) and delivers their line keys.
    pub(super) fn index_files(&mut self, files: Vec<PathBuf>) {
        let mut batch = Vec::new();
        let mut sent = 0usize;
        let total = files.len();
        for (i, path) in files.into_iter().enumerate() {
            let Some(rel) = self.rel(&path) else { continue };
            // An agent's log in the workspace (Aider's history) is not the person's code.
            if !wanted(&rel, &self.ignore, false)
                || rel.starts_with(".git/")
                || self.logs.owns(&path)
            {
                continue;
            }
            let Some(text) = read(&path).filter(|t| is_text(t)) else {
                continue;
            };
            let keys = line_keys(&text);
            sent += keys.len();
            batch.push(Existing {
                rel_path: rel,
                keys,
                text: self.keep_texts.then_some(text),
            });
            if batch.len() == BATCH {
                (self.deliver)(News::Exists(std::mem::take(&mut batch)));
            }
            if sent >= MAX_SENT {
                info!(
                    read = i + 1,
                    total, "stopped reading the workspace's files: the index of lines is full"
                );
                break;
            }
        }
        if !batch.is_empty() {
            (self.deliver)(News::Exists(batch));
        }
    }
}
