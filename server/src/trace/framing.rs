//! The LSP base protocol's framing (`Content-Length` headers), read from a byte stream that
//! arrives in arbitrary chunks. Used by the recorder to see whole messages while passing the
//! bytes through untouched.

/// Splits a byte stream into message bodies.
#[derive(Default)]
pub struct FrameScanner {
    buf: Vec<u8>,
}

/// What the scanner found in the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length`; skipped.
    BadHeader(String),
}

impl FrameScanner {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete frame, if the buffer holds one.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let end = find(&self.buf, b"\r\n\r\n")?;
        let header = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        let length = header.split("\r\n").find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        });
        let Some(length) = length else {
            self.buf.drain(..end + 4);
            return Some(Frame::BadHeader(header));
        };
        let start = end + 4;
        if self.buf.len() < start + length {
            return None;
        }
        let body = self.buf[start..start + length].to_vec();
        self.buf.drain(..start + length);
        Some(Frame::Body(body))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_across_chunks() {
        let msg = b"Content-Length: 5\r\nContent-Type: x\r\n\r\nhelloContent-Length: 2\r\n\r\nhi";
        let mut s = FrameScanner::default();
        let mut got = Vec::new();
        for chunk in msg.chunks(3) {
            s.push(chunk);
            while let Some(f) = s.next_frame() {
                got.push(f);
            }
        }
        assert_eq!(
            got,
            vec![Frame::Body(b"hello".to_vec()), Frame::Body(b"hi".to_vec())]
        );
    }

    #[test]
    fn bad_headers_are_skipped() {
        let mut s = FrameScanner::default();
        s.push(b"Content-Lenth: 5\r\n\r\ncontent-length: 1\r\n\r\nx");
        assert!(matches!(s.next_frame(), Some(Frame::BadHeader(_))));
        assert_eq!(s.next_frame(), Some(Frame::Body(b"x".to_vec())));
        assert_eq!(s.next_frame(), None);
    }
}
