//! What could stall the server or `replay` on one large input: a notification of many changes on
//! one line is applied in time linear in its changes (it was quadratic: each change rehashed the
//! whole line and rebuilt the provenance list), and `replay` reads its input line by line with a
//! bound, so an endless file is refused at once. These run the real binary, a debug build in CI:
//! the timing test compares two sizes in the same run rather than trusting an absolute time.

mod common;

use std::time::{Duration, Instant};

use common::edits_of;
use mindgap_e2e::{Server, caps_with_encodings, range_change, uri};

/// How long a notification of `n` one-character changes, each after the one before it on line
/// 0, keeps the server from answering the next request.
fn one_line_burst(n: u32) -> Duration {
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("one_line.txt");
    s.open(&u, 1, "x\n");
    let changes: Vec<_> = (0..n).map(|i| range_change((0, i), (0, i), "a")).collect();
    let started = Instant::now();
    s.change(&u, 2, changes);
    // The answer to the next request waits for the whole notification to be applied.
    let answer = s.request_timeout(
        "mindgap/stillThere",
        serde_json::json!({}),
        Duration::from_secs(120),
    );
    let took = started.elapsed();
    assert_eq!(answer.expect_err("an unknown method").code, -32601);
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
    assert_eq!(edits_of(&s.db_path(), &u).len(), n as usize);
    took
}

#[test]
fn many_changes_on_one_line_cost_what_their_number_says() {
    let small = one_line_burst(2_000);
    let large = one_line_burst(20_000);
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    eprintln!("one line: 2,000 changes {small:?}, 20,000 changes {large:?} (x{ratio:.1})");
    // Ten times the changes: about ten times the time; quadratic work would be a hundred times.
    assert!(
        ratio < 20.0,
        "2,000 changes took {small:?}, 20,000 took {large:?}"
    );
}

#[test]
fn replay_refuses_an_endless_file_at_once() {
    let started = Instant::now();
    let out = mindgap_e2e::run(["replay", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "mindgap: /dev/zero: line 1: longer than 64 MiB\n"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn large_and_small_notifications_keep_their_order() {
    // Large ones are decoded by the transport, small ones by the framework: one stream still.
    let mut s = Server::start_initialized(caps_with_encodings(&["utf-16"]));
    let u = uri("order.txt");
    s.open(&u, 1, "x\n");
    let burst = |from: u32, n: u32| -> Vec<serde_json::Value> {
        (from..from + n)
            .map(|i| range_change((0, i), (0, i), "a"))
            .collect()
    };
    s.change(&u, 2, burst(0, 3_000));
    s.change(&u, 3, vec![range_change((0, 3_000), (0, 3_000), "b")]);
    s.change(&u, 4, burst(3_001, 3_000));
    s.change(&u, 5, vec![range_change((1, 0), (1, 0), "c")]);
    assert_eq!(s.shutdown_and_exit(), Some(0), "{}", s.stderr());
    let e = edits_of(&s.db_path(), &u);
    let versions: Vec<i64> = e.iter().map(|e| e.version).collect();
    let mut want = vec![2; 3_000];
    want.push(3);
    want.extend([4; 3_000]);
    want.push(5);
    assert_eq!(versions, want);
    assert!(!s.stderr().contains("missing"), "{}", s.stderr());
}
