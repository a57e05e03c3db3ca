//! The scanner on each way a client can break framing, fed whole and a byte at a time, with a
//! stand-in reader that rejects bodies that are not JSON (as the transport does).

use super::*;

const VALID: &[u8] = br#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Everything the scanner finds in `chunks`, then at the end of input; bodies that are not JSON
/// are rejected as they come.
fn scan_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<Frame> {
    let mut s = FrameScanner::default();
    let mut got = Vec::new();
    let mut drain = |s: &mut FrameScanner| {
        while let Some(f) = s.next_frame() {
            if let Frame::Body(b) = &f
                && serde_json::from_slice::<serde_json::Value>(b).is_err()
            {
                s.reject();
            }
            got.push(f);
        }
    };
    for chunk in chunks {
        s.push(chunk);
        drain(&mut s);
    }
    s.end();
    drain(&mut s);
    got
}

/// The frames of `bytes` fed whole; checked to be the same fed a byte at a time.
fn scan(bytes: &[u8]) -> Vec<Frame> {
    let whole = scan_chunks([bytes]);
    let bytewise = scan_chunks(bytes.chunks(1));
    assert_eq!(whole, bytewise, "fed a byte at a time");
    whole
}

fn body(b: &[u8]) -> Frame {
    Frame::Body(b.to_vec())
}

/// `bad` then a valid message: one skip (checked with `why`), then the message.
fn skipped_then_valid(bad: &[u8]) -> Skip {
    let mut bytes = bad.to_vec();
    bytes.extend_from_slice(&framed(VALID));
    let mut got = scan(&bytes);
    assert_eq!(got.pop(), Some(body(VALID)), "{got:?}");
    assert_eq!(got.len(), 1, "{got:?}");
    match got.pop() {
        Some(Frame::Skipped(skip)) => skip,
        other => panic!("{other:?}"),
    }
}

#[test]
fn frames_split_across_chunks() {
    let msg = b"Content-Length: 5\r\nContent-Type: x\r\n\r\nhelloContent-Length: 2\r\n\r\nhi";
    for size in 1..msg.len() {
        let mut s = FrameScanner::default();
        let mut got = Vec::new();
        for chunk in msg.chunks(size) {
            s.push(chunk);
            while let Some(f) = s.next_frame() {
                got.push(f);
            }
        }
        assert_eq!(got, vec![body(b"hello"), body(b"hi")], "chunks of {size}");
    }
}

#[test]
fn a_negative_length_is_skipped_up_to_the_next_header() {
    let skip = skipped_then_valid(b"Content-Length: -5\r\n\r\n{}");
    assert_eq!(skip.why, Why::BadLength("-5".into()));
    assert_eq!(skip.bytes, 24);
    assert_eq!(skip.head, b"Content-Length: -5\r\n\r\n{}");
}

#[test]
fn a_length_that_is_not_a_number_is_skipped() {
    let skip = skipped_then_valid(b"Content-Length: abc\r\n\r\n{}");
    assert_eq!(skip.why, Why::BadLength("abc".into()));
    let skip = skipped_then_valid(b"Content-Length: \r\n\r\n{}");
    assert_eq!(skip.why, Why::BadLength("".into()));
    let skip = skipped_then_valid(b"Content-Length: 1 2\r\n\r\n{}");
    assert_eq!(skip.why, Why::BadLength("1 2".into()));
}

#[test]
fn an_overflowing_or_absurd_length_is_skipped_and_never_allocated() {
    let skip = skipped_then_valid(b"Content-Length: 99999999999999999999999\r\n\r\n{}");
    assert!(matches!(skip.why, Why::TooLarge(_)), "{skip:?}");
    let over = format!("Content-Length: {}\r\n\r\n{{}}", MAX_BODY + 1);
    let skip = skipped_then_valid(over.as_bytes());
    assert_eq!(skip.why, Why::TooLarge((MAX_BODY + 1).to_string()));
    // The limit itself is a length: the scanner waits for it, without reserving it.
    let mut s = FrameScanner::default();
    s.push(format!("Content-Length: {MAX_BODY}\r\n\r\n0123456789").as_bytes());
    assert_eq!(s.next_frame(), None);
    assert!(s.buf.capacity() < 1 << 10, "{}", s.buf.capacity());
}

#[test]
fn a_header_without_a_length_is_skipped() {
    let skip = skipped_then_valid(b"Content-Type: application/json\r\n\r\n{}");
    assert_eq!(skip.why, Why::NoLength);
    let skip = skipped_then_valid(b"\r\n\r\n{}");
    assert_eq!(skip.why, Why::NotAHeader);
    let skip = skipped_then_valid(b"Content-Lenth: 5\r\n\r\n");
    assert_eq!(skip.why, Why::NoLength);
}

#[test]
fn a_length_a_few_bytes_short_costs_that_message_only() {
    let short = &VALID[..VALID.len() - 3];
    let mut bytes = format!("Content-Length: {}\r\n\r\n", short.len()).into_bytes();
    bytes.extend_from_slice(VALID);
    bytes.extend_from_slice(&framed(VALID));
    let got = scan(&bytes);
    let found = VALID.len();
    let declared = found - 3;
    let skip = Why::WrongLength {
        declared,
        found,
        ended: false,
    };
    assert!(
        matches!(&got[..], [Frame::Body(b), Frame::Skipped(s), last] if b == short && s.why == skip && *last == body(VALID)),
        "{got:?}"
    );
}

#[test]
fn a_length_a_few_bytes_long_costs_that_message_only() {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", VALID.len() + 3).into_bytes();
    bytes.extend_from_slice(VALID);
    bytes.extend_from_slice(&framed(VALID));
    let got = scan(&bytes);
    let skip = Why::WrongLength {
        declared: VALID.len() + 3,
        found: VALID.len(),
        ended: false,
    };
    assert!(
        matches!(&got[..], [Frame::Body(b), Frame::Skipped(s), last] if b.ends_with(b"}Con") && s.why == skip && *last == body(VALID)),
        "{got:?}"
    );
}

#[test]
fn a_bad_body_with_the_right_length_is_not_reported_twice() {
    let mut bytes = framed(b"{not json");
    bytes.extend_from_slice(&framed(VALID));
    assert_eq!(scan(&bytes), vec![body(b"{not json"), body(VALID)]);
    let mut bytes = framed(b"");
    bytes.extend_from_slice(&framed(VALID));
    assert_eq!(scan(&bytes), vec![body(b""), body(VALID)]);
}

#[test]
fn lf_only_headers_are_accepted() {
    assert_eq!(scan(b"Content-Length: 2\n\n{}"), vec![body(b"{}")]);
    assert_eq!(
        scan(b"Content-Type: x\nContent-Length: 2\r\n\n{}"),
        vec![body(b"{}")]
    );
}

#[test]
fn garbage_before_a_header_is_skipped_even_mid_line() {
    let skip = skipped_then_valid(b"xyz");
    assert_eq!((skip.why, skip.bytes), (Why::NotAHeader, 3));
    let skip = skipped_then_valid(b"\xff\xfe\x80junk\r\n");
    assert_eq!((skip.why, skip.bytes), (Why::NotAHeader, 9));
    let skip = skipped_then_valid(b"{\"half\": \"a message\"}\n\n");
    assert_eq!(skip.why, Why::NotAHeader);
    let skip = skipped_then_valid(b"Content-Length: 12");
    assert_eq!(skip.why, Why::BadLength("12Content-Length: 44".into()));
}

#[test]
fn one_run_of_garbage_is_one_report() {
    let bad = b"Content-Length: -1\r\n\r\n".repeat(100);
    let skip = skipped_then_valid(&bad);
    assert_eq!((skip.bytes, skip.more), (bad.len(), 99));
    assert_eq!(skip.head.len(), bad.len().min(HEAD));
}

#[test]
fn a_header_written_inside_a_json_string_is_not_taken_for_one() {
    let bad = br#"Content-Length: x

{"jsonrpc":"2.0","method":"didChange","params":{"text":"Content-Length: 5\r\n\r\nhello"}}"#;
    let skip = skipped_then_valid(bad);
    assert_eq!((skip.bytes, skip.more), (bad.len(), 1));
}

#[test]
fn what_the_input_ends_inside_is_reported_and_whole_messages_in_it_kept() {
    let got = scan(b"Content-Len");
    assert!(
        matches!(
            &got[..],
            [Frame::Skipped(Skip {
                why: Why::Truncated {
                    declared: None,
                    got: 11
                },
                ..
            })]
        ),
        "{got:?}"
    );
    // A header that promised more than ever came: the messages it swallowed still count.
    let mut bytes = b"Content-Length: 500\r\n\r\n".to_vec();
    bytes.extend_from_slice(&framed(VALID));
    let got = scan(&bytes);
    let got_bytes = framed(VALID).len();
    let truncated = Why::Truncated {
        declared: Some(500),
        got: got_bytes,
    };
    assert!(
        matches!(&got[..], [Frame::Skipped(s), last] if s.why == truncated && *last == body(VALID)),
        "{got:?}"
    );
    // A rejected body at the very end with its right length is not reported.
    assert_eq!(scan(&framed(b"{")), vec![body(b"{")]);
}

#[test]
fn a_header_block_without_an_end_is_bounded() {
    let skip = skipped_then_valid(&b"X-Long: ".repeat(MAX_HEADER));
    assert_eq!(skip.why, Why::HeaderTooLong);
}

#[test]
fn memory_stays_bounded_while_garbage_streams() {
    let mut s = FrameScanner::default();
    let chunk = vec![b'x'; 64 << 10];
    for _ in 0..128 {
        s.push(&chunk);
        assert_eq!(s.next_frame(), None);
        assert!(
            s.buffered() <= chunk.len() + NEEDLE.len(),
            "{}",
            s.buffered()
        );
    }
    s.push(&framed(VALID));
    match s.next_frame() {
        Some(Frame::Skipped(skip)) => {
            assert_eq!((skip.bytes, skip.head.len()), (128 << 16, HEAD));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.next_frame(), Some(body(VALID)));
}

#[test]
fn a_skip_reads_as_one_line() {
    let skip = skipped_then_valid(b"Content-Length: -5\r\n\r\n{}");
    assert_eq!(
        skip.to_string(),
        r#"Content-Length "-5" is not a number of bytes; skipped 24 bytes, starting "Content-Length: -5\r\n\r\n{}""#
    );
}
