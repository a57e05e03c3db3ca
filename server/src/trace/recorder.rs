//! `mindgap lsp --record PATH`: writes a trace of the live session, off the server's path.
//!
//! The transport hands every whole message, in each direction, to a recorder thread, which
//! writes one JSON line each. The header waits for `initialize`, which names the
//! client. Each line is flushed as it is written, so a crash loses at most the line in flight.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::mpsc;
use std::time::Instant;

use serde_json::{Value, json};
use tracing::warn;

use super::FORMAT_VERSION;

#[derive(Clone, Copy, Debug)]
pub enum Direction {
    FromClient,
    FromServer,
}

enum Msg {
    Bytes(Direction, f64, Vec<u8>),
    /// A line other than a message (`fs`, `agent`): its key and value.
    Line(f64, &'static str, Value),
    /// Everything sent before this is written; acknowledge and stop.
    Finish(mpsc::Sender<()>),
}

/// A handle the transport tasks use to pass bytes to the recorder thread.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::Sender<Msg>,
    start: Instant,
}

impl Recorder {
    /// Starts the recorder thread, writing to `file` (the caller creates it private: a trace
    /// holds the person's text).
    pub fn start(file: File) -> std::io::Result<Recorder> {
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        let epoch_ms = chrono::Utc::now();
        std::thread::Builder::new()
            .name("mindgap-record".into())
            .spawn(move || run(BufWriter::new(file), rx, epoch_ms))?;
        Ok(Recorder { tx, start })
    }

    /// Waits (a bounded time) until everything passed so far is in the file, and stops the thread.
    pub fn finish(&self) {
        let (ack_tx, ack_rx) = mpsc::channel();
        if self.tx.send(Msg::Finish(ack_tx)).is_ok() {
            let _ = ack_rx.recv_timeout(std::time::Duration::from_secs(5));
        }
    }

    /// Records one message body.
    pub fn message(&self, dir: Direction, bytes: &[u8]) {
        let _ = self.tx.send(Msg::Bytes(dir, self.now(), bytes.to_vec()));
    }

    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    /// Records a disk change the watcher delivered (SPEC section 3 `fs`), with whether git
    /// already held the new text when that is known.
    pub fn disk(&self, path: &str, text: Option<&str>, before: Option<&str>, in_git: Option<bool>) {
        let mut fs = match text {
            Some(text) => json!({"op": "write", "path": path, "text": text}),
            // `.git` marks carry no text: they changed, which is all that matters.
            None if path.starts_with(".git/") => json!({"op": "write", "path": path, "text": ""}),
            None => json!({"op": "remove", "path": path}),
        };
        if let Some(before) = before {
            fs["before"] = Value::from(before);
        }
        if let (Some(in_git), Some(_)) = (in_git, text) {
            fs["in_git"] = Value::from(in_git);
        }
        let _ = self.tx.send(Msg::Line(self.now(), "fs", fs));
    }

    /// Records a file the watcher's walk found on disk (SPEC section 3 `fs` `exists`).
    pub fn exists(&self, path: &str, text: &str) {
        let fs = json!({"op": "exists", "path": path, "text": text});
        let _ = self.tx.send(Msg::Line(self.now(), "fs", fs));
    }

    /// Records an agent's log naming a file it wrote.
    pub fn agent(&self, name: &str, path: &str) {
        let line = json!({"name": name, "path": path});
        let _ = self.tx.send(Msg::Line(self.now(), "agent", line));
    }
}

fn run(mut file: BufWriter<File>, rx: mpsc::Receiver<Msg>, started: chrono::DateTime<chrono::Utc>) {
    let mut header_written = false;
    let mut held: Vec<String> = Vec::new();
    for msg in rx {
        let (t, key, value) = match msg {
            Msg::Bytes(dir, t, body) => {
                let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                    warn!(
                        bytes = body.len(),
                        "record: a message that is not JSON is not recorded"
                    );
                    continue;
                };
                if !header_written && matches!(dir, Direction::FromClient) {
                    held.insert(0, header(&value, started).to_string());
                    header_written = true;
                }
                let key = match dir {
                    Direction::FromClient => "msg",
                    Direction::FromServer => "out",
                };
                (t, key, value)
            }
            Msg::Line(t, key, value) => (t, key, value),
            Msg::Finish(ack) => {
                let _ = file.flush();
                let _ = ack.send(());
                return;
            }
        };
        let t = (t * 1000.0).round() / 1000.0;
        held.push(json!({ "t": t, key: value }).to_string());
        if header_written {
            for line in held.drain(..) {
                let _ = writeln!(file, "{line}");
            }
            if let Err(e) = file.flush() {
                warn!("record: cannot write the trace: {e}");
            }
        }
    }
    if !header_written && !held.is_empty() {
        warn!("record: the client never spoke; trace has no header and is left empty");
    }
    let _ = file.flush();
}

/// The trace's first line, from the client's first message (`initialize`).
fn header(first: &Value, started: chrono::DateTime<chrono::Utc>) -> Value {
    let info = first
        .pointer("/params/clientInfo")
        .cloned()
        .unwrap_or(Value::Null);
    json!({
        "mindgap_trace": FORMAT_VERSION,
        "client": {
            "name": info.get("name").cloned().unwrap_or(Value::Null),
            "version": info.get("version").cloned().unwrap_or(Value::Null),
        },
        "recorded": started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "t0_epoch_ms": started.timestamp_millis(),
        "recorder": format!("mindgap {}", env!("CARGO_PKG_VERSION")),
    })
}
