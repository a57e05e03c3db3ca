//! The framing fuzz test: valid messages interleaved with garbage — random bytes, bad and cut-off
//! headers, lengths a few bytes off, headers spelled inside JSON strings — fed in random chunks
//! through the reader the server uses. It never panics, every valid message comes out intact and
//! in order, each run of garbage is reported once, and the bytes held stay bounded.
//!
//! The honest limit: a header in the garbage that is well-formed claims the bytes after it. The
//! garbage here holds such headers only in front of a body a few bytes off its length (a broken
//! client's message, method `junk`): the scanner gives those bytes back when the body does not
//! parse. A junk body that happens to parse (its length ran into whitespace) goes on, which is
//! allowed; a valid message swallowed by one is not.

use proptest::prelude::*;
use serde_json::Value;

use super::{Inbound, Step};
use crate::trace::framing::MAX_HEADER;

#[derive(Clone, Debug)]
enum Segment {
    Valid {
        n: usize,
        text: String,
        lf_only: bool,
    },
    Random(Vec<u8>),
    BadHeader {
        value: &'static str,
        id: u8,
    },
    NoLength,
    WrongLength {
        delta: i8,
        id: u8,
    },
    CutHeader(&'static str),
}

const BAD_VALUES: &[&str] = &[
    "-5",
    "abc",
    "",
    "1 2",
    "99999999999999999999999",
    "67108865",
];

fn segment() -> impl Strategy<Value = Segment> {
    let text = prop::collection::vec(
        prop::sample::select(vec![
            "a",
            "é",
            "\r\n",
            "Content-Length: 5\r\n\r\n",
            "{}",
            "\"",
        ]),
        0..6,
    )
    .prop_map(|pieces| pieces.concat());
    prop_oneof![
        3 => (text, any::<bool>()).prop_map(|(text, lf_only)| Segment::Valid { n: 0, text, lf_only }),
        1 => prop::collection::vec(any::<u8>(), 0..48).prop_map(Segment::Random),
        1 => (prop::sample::select(BAD_VALUES), any::<u8>()).prop_map(|(value, id)| Segment::BadHeader { value, id }),
        1 => Just(Segment::NoLength),
        1 => ((-8i8..=8).prop_filter("off", |d| *d != 0), any::<u8>()).prop_map(|(delta, id)| Segment::WrongLength { delta, id }),
        1 => prop::sample::select(vec!["Content-Length: 1", "Content-Le", "Content-Length: 3\r\n"]).prop_map(Segment::CutHeader),
    ]
}

fn junk(id: u8) -> Vec<u8> {
    format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"junk"}}"#).into_bytes()
}

/// The bytes of the stream, and the valid messages in it, in order.
fn stream(segments: &mut [Segment]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let (mut bytes, mut valid) = (Vec::new(), Vec::new());
    for (i, s) in segments.iter_mut().enumerate() {
        match s {
            Segment::Valid { n, text, lf_only } => {
                *n = i;
                let body = serde_json::to_vec(&serde_json::json!({
                    "jsonrpc": "2.0", "method": "valid", "params": {"n": i, "text": text}
                }))
                .unwrap();
                let end = if *lf_only { "\n" } else { "\r\n" };
                bytes.extend(format!("Content-Length: {}{end}{end}", body.len()).bytes());
                bytes.extend(&body);
                valid.push(body);
            }
            Segment::Random(r) => bytes.extend(r.iter()),
            Segment::BadHeader { value, id } => {
                bytes.extend(format!("Content-Length: {value}\r\n\r\n").bytes());
                bytes.extend(junk(*id));
            }
            Segment::NoLength => bytes.extend(b"Content-Type: x\r\n\r\n{}"),
            Segment::WrongLength { delta, id } => {
                let body = junk(*id);
                let declared = body.len() as i64 + i64::from(*delta);
                bytes.extend(format!("Content-Length: {declared}\r\n\r\n").bytes());
                bytes.extend(body);
            }
            Segment::CutHeader(h) => bytes.extend(h.bytes()),
        }
    }
    (bytes, valid)
}

/// What the reader made of `bytes` cut at `cuts`: the bodies it forwarded, how many runs of
/// garbage it reported and how many bodies it answered, and the most bytes it held.
fn read(bytes: &[u8], cuts: &[usize]) -> (Vec<Vec<u8>>, usize, usize, usize) {
    let mut inbound = Inbound::default();
    let (mut forwarded, mut skips, mut answered, mut held) = (Vec::new(), 0, 0, 0);
    let mut take = |inbound: &mut Inbound| {
        // A bound instead of a hang, should the reader ever loop.
        for _ in 0..=bytes.len() + 2 {
            let Some(step) = inbound.next() else { return };
            match step {
                Step::Forward(body) => forwarded.push(body),
                Step::Answer { log, .. } | Step::Log(log) if log.starts_with("framing error") => {
                    skips += 1
                }
                Step::Answer { .. } | Step::Log(_) => answered += 1,
            }
        }
        panic!("the reader does not stop");
    };
    let mut from = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        let cut = cut.clamp(from, bytes.len());
        inbound.push(&bytes[from..cut]);
        held = held.max(inbound.buffered());
        take(&mut inbound);
        from = cut;
    }
    inbound.end();
    take(&mut inbound);
    (forwarded, skips, answered, held)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_messages_survive_garbage_in_any_chunking(
        mut segments in prop::collection::vec(segment(), 0..12),
        mut cuts in prop::collection::vec(0usize..2048, 0..16),
    ) {
        let (bytes, valid) = stream(&mut segments);
        cuts.sort_unstable();
        let (forwarded, skips, _answered, held) = read(&bytes, &cuts);
        let method = |b: &[u8]| serde_json::from_slice::<Value>(b).ok().and_then(|v| v["method"].as_str().map(String::from));
        for body in &forwarded {
            let m = method(body);
            prop_assert!(matches!(m.as_deref(), Some("valid" | "junk")), "forwarded {:?}", String::from_utf8_lossy(body));
        }
        let got: Vec<&Vec<u8>> = forwarded.iter().filter(|b| method(b).as_deref() == Some("valid")).collect();
        prop_assert_eq!(got, valid.iter().collect::<Vec<_>>());
        // One report per run, not per bad byte: a run ends at a header (a frame, a header cut
        // short by the next one, or a body the input ended inside) or at the end of input, so
        // there are at most as many as headers, plus one.
        let headers = bytes.to_ascii_lowercase().windows(15).filter(|w| w == b"content-length:").count();
        prop_assert!(skips <= headers + 1, "{} skips for {} headers", skips, headers);
        let largest = bytes.len().min(MAX_HEADER + 256);
        let chunk = cuts.windows(2).map(|w| w[1] - w[0]).chain([cuts.first().copied().unwrap_or(0), bytes.len() - cuts.last().copied().unwrap_or(0).min(bytes.len())]).max().unwrap_or(0);
        prop_assert!(held <= largest + chunk, "held {} bytes", held);
    }

    #[test]
    fn header_shaped_noise_never_panics_and_is_read_to_the_end(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "Content-Length:", "content-length: ", "Content-Type: x", " ", "0", "1", "9", "-",
            "\r", "\n", "\r\n", "\r\n\r\n", "{", "}", "\"id\":", "x", ":", "\u{ff}",
        ]), 0..64),
        cuts in prop::collection::vec(0usize..512, 0..8),
    ) {
        let bytes = pieces.concat().into_bytes();
        let mut cuts = cuts;
        cuts.sort_unstable();
        let (forwarded, skips, answered, held) = read(&bytes, &cuts);
        prop_assert!(held <= bytes.len());
        // Noise made of headers can hold several framing errors of its own (a bad value, then a
        // body the input ends inside, then a header found inside that): one report each, at most
        // one per header in it, never one per byte.
        let lower = String::from_utf8_lossy(&bytes).to_lowercase();
        let headers = lower.matches("content-length").count();
        prop_assert!(skips <= forwarded.len() + answered + headers + 2, "{} skips", skips);
    }
}
