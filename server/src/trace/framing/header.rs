//! One header block of the LSP base protocol: `Name: value` lines, each ended by CRLF or a bare
//! LF, up to an empty line, with exactly one usable `Content-Length` (a decimal number of bytes,
//! at most [`MAX_BODY`]). A line whose name cannot be a header name is garbage at once; a value
//! is judged when its line ends, so the verdict does not depend on how the bytes were split.
//! Never looks past [`MAX_HEADER`] bytes.

use super::Why;

/// The longest header block read (real ones are under 100 bytes).
pub const MAX_HEADER: usize = 8 << 10;
/// The largest body a `Content-Length` may announce: 64 MiB. A larger one is a framing error;
/// nothing is allocated for it.
pub const MAX_BODY: usize = 64 << 20;

/// What the bytes at the start of a slice are.
#[derive(Debug, PartialEq, Eq)]
pub enum Header {
    /// A usable header block of `len` bytes announcing a body of `body` bytes.
    Ok { len: usize, body: usize },
    /// The start of what may still become a header block.
    Partial,
    /// Not a usable header block.
    Bad(Why),
}

/// Reads the header block `bytes` start with.
pub fn parse(bytes: &[u8]) -> Header {
    let mut at = 0;
    let mut length: Option<usize> = None;
    loop {
        let rest = &bytes[at..bytes.len().min(MAX_HEADER)];
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            if bytes.len() >= MAX_HEADER {
                return Header::Bad(Why::HeaderTooLong);
            }
            return match line(rest, false) {
                Err(why) => Header::Bad(why),
                Ok(_) => Header::Partial,
            };
        };
        let text = rest[..nl].strip_suffix(b"\r").unwrap_or(&rest[..nl]);
        if text.is_empty() {
            return match length {
                Some(body) => Header::Ok {
                    len: at + nl + 1,
                    body,
                },
                None if at == 0 => Header::Bad(Why::NotAHeader),
                None => Header::Bad(Why::NoLength),
            };
        }
        match line(text, true) {
            Err(why) => return Header::Bad(why),
            Ok(Some(n)) if length.is_some_and(|l| l != n) => {
                return Header::Bad(Why::Conflicting);
            }
            Ok(Some(n)) => length = Some(n),
            Ok(None) => {}
        }
        at += nl + 1;
    }
}

/// One header line without its line end (`complete`), or the start of one: the length it
/// announces if it is a `Content-Length` line.
fn line(text: &[u8], complete: bool) -> Result<Option<usize>, Why> {
    // A bare CR may only be the last byte of a line still arriving (the CR of its CRLF).
    let inner = if complete {
        text
    } else {
        text.strip_suffix(b"\r").unwrap_or(text)
    };
    if inner.contains(&b'\r') {
        return Err(Why::NotAHeader);
    }
    let colon = inner.iter().position(|&b| b == b':');
    let name = &inner[..colon.unwrap_or(inner.len())];
    if !name.iter().all(|&b| is_token(b)) || (name.is_empty() && (complete || colon.is_some())) {
        return Err(Why::NotAHeader);
    }
    let Some(colon) = colon else {
        return if complete {
            Err(Why::NotAHeader)
        } else {
            Ok(None)
        };
    };
    if !name.eq_ignore_ascii_case(b"content-length") {
        return Ok(None);
    }
    // A value still arriving is judged whole, once its line ends (or the block is too long).
    match complete {
        true => length(&inner[colon + 1..]).map(Some),
        false => Ok(None),
    }
}

/// A `Content-Length` value: blanks, at most 20 decimal digits, blanks; at most [`MAX_BODY`].
fn length(value: &[u8]) -> Result<usize, Why> {
    let digits = value.trim_ascii();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Why::BadLength(preview(value)));
    }
    let mut n: usize = 0;
    for &d in digits {
        n = n * 10 + usize::from(d - b'0');
        if n > MAX_BODY {
            return Err(Why::TooLarge(preview(value)));
        }
    }
    Ok(n)
}

/// An RFC 9110 token character (what a header name is made of).
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A value as it may be logged: trimmed, lossy UTF-8, at most 32 characters.
fn preview(value: &[u8]) -> String {
    String::from_utf8_lossy(value.trim_ascii())
        .chars()
        .take(32)
        .collect()
}
