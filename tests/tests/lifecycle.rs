//! The server's life: initialize and what it settles, shutdown and exit codes, stdout hygiene.

use std::time::{Duration, Instant};

use mindgap_e2e::{Options, Server, caps_with_encodings, run, uri};
use serde_json::{Value, json};

fn negotiated(offered: &[&str]) -> Value {
    let mut s = Server::start();
    let result = s.initialize(caps_with_encodings(offered));
    assert_eq!(s.shutdown_and_exit(), Some(0));
    result["capabilities"]["positionEncoding"].clone()
}

#[test]
fn utf8_is_chosen_when_offered() {
    assert_eq!(negotiated(&["utf-16", "utf-8"]), json!("utf-8"));
}

#[test]
fn utf16_is_the_default_when_nothing_is_offered() {
    assert_eq!(negotiated(&[]), json!("utf-16"));
}

#[test]
fn utf32_when_it_is_all_the_client_offers() {
    assert_eq!(negotiated(&["utf-32"]), json!("utf-32"));
}

#[test]
fn initialize_announces_incremental_sync_and_names_the_server() {
    let mut s = Server::start();
    let result = s.initialize(caps_with_encodings(&["utf-16"]));
    let sync = &result["capabilities"]["textDocumentSync"];
    assert_eq!(sync["openClose"], json!(true), "{result}");
    assert_eq!(sync["change"], json!(2), "{result}");
    assert_eq!(result["serverInfo"]["name"], json!("mindgap"), "{result}");
    assert_eq!(
        result["serverInfo"]["version"],
        json!(env!("CARGO_PKG_VERSION")),
        "{result}"
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn shutdown_then_exit_exits_with_0() {
    let mut s = Server::start();
    s.initialize(json!({}));
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    let code = s.exit();
    assert_eq!(code, Some(0), "{}", s.stderr());
}

#[test]
fn exit_without_shutdown_exits_with_1() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let code = s.exit();
    assert_eq!(code, Some(1), "{}", s.stderr());
}

#[test]
fn closing_stdin_without_exit_ends_the_process() {
    let mut s = Server::start();
    s.initialize(json!({}));
    s.open(&uri("a.txt"), 1, "x");
    let start = Instant::now();
    s.close_stdin();
    let code = s.wait(Duration::from_secs(4));
    assert_eq!(code, Some(1), "{}", s.stderr());
    assert!(start.elapsed() < Duration::from_secs(4));
    s.assert_clean_stdout();
}

#[test]
fn a_request_before_initialize_is_refused_and_initialize_still_works() {
    let mut s = Server::start();
    let err = s
        .request("shutdown", Value::Null)
        .expect_err("shutdown before initialize must fail");
    assert_eq!(err.code, -32002, "{err:?}"); // ServerNotInitialized
    s.initialize(json!({}));
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn a_second_initialize_is_an_error() {
    let mut s = Server::start();
    s.initialize(json!({}));
    let err = s
        .request("initialize", json!({"capabilities": {}}))
        .expect_err("initialize twice");
    assert_eq!(err.code, -32600, "{err:?}"); // InvalidRequest
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

#[test]
fn version_flag_prints_name_and_version() {
    let out = run(["--version"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout_str(),
        format!("mindgap {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn stdout_carries_only_frames_even_with_trace_logging() {
    let mut s = Server::start_with(Options {
        rust_log: Some("trace".into()),
        ..Options::default()
    });
    s.initialize(caps_with_encodings(&["utf-8"]));
    let u = uri("trace.txt");
    s.open(&u, 1, "hello\n");
    for (i, c) in "world".chars().enumerate() {
        s.insert(&u, 2 + i as i32, 1, i as u32, &c.to_string());
    }
    let err = s.request("mindgap/noSuchMethod", json!({})).unwrap_err();
    assert_eq!(err.code, -32601);
    s.save(&u);
    s.close(&u);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    // shutdown_and_exit checked the frames; the logs went to stderr, at trace level.
    let stderr = s.stderr();
    assert!(stderr.contains("initialize"), "{stderr}");
    assert!(
        stderr.lines().any(|l| l.contains(" TRACE ")),
        "no trace-level lines on stderr:\n{stderr}"
    );
    assert!(
        s.received().len() >= 3,
        "expected initialize, error and shutdown answers: {:?}",
        s.received()
    );
}

/// `serve_io` returns with the store closed — every event written and the store's files shut —
/// even though the session's background tasks (the status line's publisher) would run forever:
/// a command run right after the server ends must never find the store half closed.
#[test]
fn the_server_returns_with_its_store_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let w = mindgap_e2e::Workspace::new();
    let root_uri = format!("file://{}", w.root.display());
    let doc = format!("{root_uri}/a.py");
    let messages = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": root_uri, "capabilities": {"experimental": {"mindgapStatus": true}}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": doc, "languageId": "python", "version": 1, "text": "x = 1\n"}}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let home = w.home.clone();
    runtime.block_on(async move {
        let (mut client_in, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, mut client_out) = tokio::io::duplex(1 << 16);
        let drain = tokio::spawn(async move {
            let mut sink = Vec::new();
            let _ = client_out.read_to_end(&mut sink).await;
        });
        let opts = mindgap::lsp::ServeOptions {
            home: home.clone(),
            record: None,
        };
        let server = tokio::spawn(mindgap::lsp::serve_io(server_in, server_out, opts));
        for m in &messages {
            client_in
                .write_all(&mindgap_e2e::frame(m.to_string().as_bytes()))
                .await
                .unwrap();
            // Let the status publisher start before the session ends.
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        assert_eq!(server.await.unwrap(), 0);
        // Still inside the runtime, so nothing was dropped by its shutdown: no connection of
        // the server's is left, so this one gets the whole file to itself at once.
        let db = rusqlite::Connection::open(home.join("mindgap.db")).unwrap();
        db.busy_timeout(Duration::ZERO).unwrap();
        let mode: String = db
            .query_row("PRAGMA locking_mode = EXCLUSIVE", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "exclusive");
        let alone = db.execute_batch("BEGIN EXCLUSIVE; COMMIT;");
        assert!(alone.is_ok(), "the store is still open: {alone:?}");
        drop(db);
        drop(client_in);
        let _ = drain.await;
    });
}
