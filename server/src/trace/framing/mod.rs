//! The LSP base protocol's framing (`Content-Length` headers), read from a byte stream that
//! arrives in arbitrary chunks: the transport frames the client's input and the server's output
//! with it, and shows the recorder whole messages.
//!
//! Input is not trusted. A header block ([`header`]) may end its lines with CRLF or a bare LF; it
//! needs one `Content-Length` of at most [`MAX_BODY`] bytes. Anything else starts a **run of
//! garbage**: the scanner skips forward to the next `Content-Length:` that begins a usable header
//! block, wherever it starts (mid-line too), and reports the run once, as one [`Skip`], when it
//! ends. A body the reader cannot parse (its length may have been off) is handed back with
//! [`FrameScanner::reject`]: the scanner goes back to where that body began and looks for the
//! next header from there, so a length a few bytes too long or too short costs that message
//! only. JSON cannot hold a real line break inside a string, so a message's body never holds a
//! usable header: the search cannot stop inside a well-formed message.
//!
//! Memory is bounded: the buffer holds at most one header block, one body of at most
//! [`MAX_BODY`] (grown as it arrives, never reserved from the header) and one read; skipped bytes
//! are dropped as they are scanned, but for the first [`HEAD`] of a run.

mod header;
#[cfg(test)]
mod tests;

use std::fmt;

use header::Header;
pub use header::{MAX_BODY, MAX_HEADER};

/// How much of a run of garbage is kept (for the reader to look for a request's id in).
pub const HEAD: usize = 4 << 10;

/// Where a header may start again after garbage.
const NEEDLE: &[u8] = b"content-length:";

/// A buffer's capacity above which it is given back once the big message in it is gone.
const SHRINK_ABOVE: usize = 1 << 20;

/// Splits a byte stream into message bodies.
#[derive(Default)]
pub struct FrameScanner {
    buf: Vec<u8>,
    /// Where the bytes not yet read begin.
    pos: usize,
    /// The frame handed out last, as where its header, body and end are in `buf`, until the
    /// next call: [`Self::reject`] goes back to it.
    last: Option<(usize, usize, usize)>,
    /// The run of garbage being skipped.
    run: Option<Run>,
    /// The input has ended: what waits for more bytes is garbage now.
    ended: bool,
}

/// What the scanner found in the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Body(Vec<u8>),
    /// A run of garbage, skipped up to the next usable header or the end of input.
    Skipped(Skip),
}

/// One run of garbage, reported once.
#[derive(Debug, PartialEq, Eq)]
pub struct Skip {
    /// What began the run.
    pub why: Why,
    /// How many bytes were skipped.
    pub bytes: usize,
    /// How many more unusable headers the run held (reported with it, not each on its own).
    pub more: usize,
    /// The run's first bytes (at most [`HEAD`]): where a request's id may be found.
    pub head: Vec<u8>,
}

/// Why bytes could not be framed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// Bytes that do not begin a header block.
    NotAHeader,
    /// A header block without `Content-Length`.
    NoLength,
    /// A `Content-Length` that is not a decimal number (negative, empty, words).
    BadLength(String),
    /// A `Content-Length` over [`MAX_BODY`].
    TooLarge(String),
    /// Two `Content-Length`s that differ.
    Conflicting,
    /// No header block end within [`MAX_HEADER`] bytes.
    HeaderTooLong,
    /// A rejected body of `declared` bytes: the next header began `found` bytes after the body's
    /// start (or the input `ended` that far in). Not reported when `found == declared`: then the
    /// length was right and only the body was bad, which its reader answered.
    WrongLength {
        declared: usize,
        found: usize,
        ended: bool,
    },
    /// The input ended inside a message: its header, or `got` of a body of `declared` bytes.
    Truncated { declared: Option<usize>, got: usize },
}

struct Run {
    why: Why,
    skipped: usize,
    /// Bytes of a rejected frame's header among those skipped (not counted as its body's).
    header: usize,
    more: usize,
    head: Vec<u8>,
}

impl FrameScanner {
    pub fn push(&mut self, bytes: &[u8]) {
        let keep = self
            .last
            .map_or(self.pos, |(header, ..)| header.min(self.pos));
        if keep > 0 {
            self.buf.drain(..keep);
            self.pos -= keep;
            self.last = self.last.map(|(h, b, e)| (h - keep, b - keep, e - keep));
        }
        if self.buf.capacity() > SHRINK_ABOVE && self.buf.len() < SHRINK_ABOVE / 4 {
            self.buf.shrink_to(SHRINK_ABOVE / 4);
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The input has ended: the next calls return what is left, garbage included.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// Bytes held (for the bound on memory).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The body just handed out could not be read: look for the next header again, from just
    /// after the start of its own (which may have swallowed a header glued to it).
    pub fn reject(&mut self) {
        if let Some((header, body, end)) = self.last.take() {
            let why = Why::WrongLength {
                declared: end - body,
                found: 0,
                ended: false,
            };
            self.rewind(why, header, body);
        }
    }

    /// Starts a run at the byte after `header`, the header of a frame whose body begins at `body`.
    fn rewind(&mut self, why: Why, header: usize, body: usize) {
        self.pos = header + 1;
        let mut run = Run::new(why);
        run.header = body - header - 1;
        self.run = Some(run);
    }

    /// The next complete frame, or run of garbage, if the buffer holds one.
    pub fn next_frame(&mut self) -> Option<Frame> {
        self.last = None;
        loop {
            if self.run.is_some() {
                if !self.resync() {
                    return None;
                }
                if let Some(skip) = self.end_run() {
                    return Some(Frame::Skipped(skip));
                }
            }
            if self.pos == self.buf.len() {
                return None;
            }
            match header::parse(&self.buf[self.pos..]) {
                Header::Partial if !self.ended => return None,
                Header::Partial => self.garbage(Why::Truncated {
                    declared: None,
                    got: self.buf.len() - self.pos,
                }),
                Header::Bad(why) => {
                    let why = match why {
                        // `xyzContent-Length: 5`: garbage glued to the front of a header.
                        Why::NoLength if self.needle_in_first_line() => Why::NotAHeader,
                        why => why,
                    };
                    self.garbage(why);
                }
                Header::Ok { len, body } => {
                    let start = self.pos + len;
                    let got = self.buf.len() - start;
                    if got < body {
                        if !self.ended {
                            return None;
                        }
                        // What came of a body that never completed may hold whole messages.
                        let truncated = Why::Truncated {
                            declared: Some(body),
                            got,
                        };
                        self.rewind(truncated, self.pos, start);
                        continue;
                    }
                    self.last = Some((self.pos, start, start + body));
                    self.pos = start + body;
                    return Some(Frame::Body(self.buf[start..self.pos].to_vec()));
                }
            }
        }
    }

    /// Whether the line at `pos` holds `content-length:` after its first byte.
    fn needle_in_first_line(&self) -> bool {
        let rest = &self.buf[self.pos..self.buf.len().min(self.pos + MAX_HEADER)];
        let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
        line.len() > 1 && find_needle(&line[1..]).is_some()
    }

    /// Starts a run of garbage at `pos`, past its first byte (a header may begin after it).
    fn garbage(&mut self, why: Why) {
        self.run = Some(Run::new(why));
        self.skip(1);
    }

    /// Skips to the next usable header; whether one is there (or the input ended, and the run
    /// with it).
    fn resync(&mut self) -> bool {
        loop {
            let rest = &self.buf[self.pos..];
            let Some(at) = find_needle(rest) else {
                let keep = if self.ended { 0 } else { NEEDLE.len() - 1 };
                self.skip(rest.len().saturating_sub(keep));
                return self.ended;
            };
            self.skip(at);
            match header::parse(&self.buf[self.pos..]) {
                Header::Ok { .. } => return true,
                Header::Partial if !self.ended => return false,
                Header::Partial | Header::Bad(_) => {
                    if let Some(run) = &mut self.run {
                        run.more += 1;
                    }
                    self.skip(1);
                }
            }
        }
    }

    fn skip(&mut self, n: usize) {
        let Some(run) = &mut self.run else { return };
        let room = HEAD - run.head.len();
        run.head
            .extend_from_slice(&self.buf[self.pos..self.pos + n.min(room)]);
        run.skipped += n;
        self.pos += n;
    }

    /// Ends the run: what to report of it.
    fn end_run(&mut self) -> Option<Skip> {
        let run = self.run.take()?;
        let found = run.skipped.saturating_sub(run.header);
        let why = match run.why {
            Why::WrongLength { declared, .. } if run.skipped == run.header + declared => {
                return None;
            }
            Why::WrongLength { declared, .. } => Why::WrongLength {
                declared,
                found,
                ended: self.ended && self.pos == self.buf.len(),
            },
            why => why,
        };
        Some(Skip {
            why,
            bytes: run.skipped,
            more: run.more,
            head: run.head,
        })
    }
}

impl Run {
    fn new(why: Why) -> Run {
        Run {
            why,
            skipped: 0,
            header: 0,
            more: 0,
            head: Vec::new(),
        }
    }
}

/// Where `content-length:` (in any case) first occurs.
fn find_needle(hay: &[u8]) -> Option<usize> {
    hay.windows(NEEDLE.len())
        .position(|w| w.eq_ignore_ascii_case(NEEDLE))
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::NotAHeader => write!(f, "bytes that are not a message header"),
            Why::NoLength => write!(f, "a message header without Content-Length"),
            Why::BadLength(v) => write!(f, "Content-Length {v:?} is not a number of bytes"),
            Why::TooLarge(v) => write!(f, "Content-Length {v} is over the 64 MiB limit"),
            Why::Conflicting => write!(f, "two different Content-Lengths in one header"),
            Why::HeaderTooLong => write!(f, "a message header over {MAX_HEADER} bytes"),
            Why::WrongLength {
                declared,
                found,
                ended: false,
            } => write!(
                f,
                "Content-Length {declared} was wrong: the next header began {found} bytes after the body's start"
            ),
            Why::WrongLength {
                declared, found, ..
            } => write!(
                f,
                "Content-Length {declared} was wrong: {found} bytes came before the input ended"
            ),
            Why::Truncated {
                declared: Some(n),
                got,
            } => write!(f, "the input ended {got} bytes into a body of {n}"),
            Why::Truncated { declared: None, .. } => {
                write!(f, "the input ended inside a message header")
            }
        }
    }
}

/// One log line: why, how much was skipped, and how the skipped bytes began.
impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = String::from_utf8_lossy(&self.head[..self.head.len().min(48)])
            .escape_debug()
            .collect();
        write!(f, "{}; skipped {} bytes", self.why, self.bytes)?;
        if self.more > 0 {
            write!(f, " holding {} more unusable headers", self.more)?;
        }
        write!(f, ", starting \"{shown}\"")
    }
}
