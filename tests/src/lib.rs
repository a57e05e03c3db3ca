//! Support crate for the end-to-end tests in `tests/tests/`: a small synchronous LSP client that
//! speaks JSON-RPC over stdio to the real `mindgap` binary.
//!
//! Everything here has a timeout: a test may fail, it may never hang.
//!
//! - [`mindgap_bin`] finds the binary (`$MINDGAP_BIN`, else a fresh `cargo build`, once per
//!   test process).
//! - [`Server`] spawns `mindgap lsp --home <temp>/home`, frames what the server writes on stdout
//!   (strictly: anything on stdout that is not a well-formed LSP frame is recorded as a
//!   violation), captures stderr, and offers request/notify helpers.
//! - [`run`] runs any other subcommand (`replay`, `--version`) with a timeout.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a request waits for its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server gets to exit after `exit` (or end of input).
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long [`run`] lets a subcommand take.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// The binary

/// The `mindgap` binary under test: `$MINDGAP_BIN` if set, else built once per test process with
/// `cargo build -p mindgap --bin mindgap`, so `cargo test --workspace` always tests a fresh one.
pub fn mindgap_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("MINDGAP_BIN") {
        Some(bin) if !bin.is_empty() => {
            let mut bin = PathBuf::from(bin);
            if bin.is_relative() && !bin.is_file() {
                // Tests run in tests/; a path given from the workspace root still works.
                bin = workspace_root().join(bin);
            }
            assert!(bin.is_file(), "MINDGAP_BIN={} is not a file", bin.display());
            bin
        }
        _ => build_mindgap(),
    })
}

/// The workspace root (the folder above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn build_mindgap() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let root = workspace_root();
    let output = Command::new(&cargo)
        .args([
            "build",
            "-p",
            "mindgap",
            "--bin",
            "mindgap",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(&root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cargo:?} build: {e}"));
    assert!(
        output.status.success(),
        "`cargo build -p mindgap --bin mindgap` failed ({})",
        output.status
    );
    // Cargo names the executable it built; that survives any target-dir configuration.
    let reported = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "mindgap")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from));
    let bin = reported.unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(|t| root.join(t))
            .unwrap_or_else(|| root.join("target"));
        target.join("debug").join("mindgap")
    });
    assert!(
        bin.is_file(),
        "built mindgap but found no binary at {}",
        bin.display()
    );
    bin
}

/// What a finished subcommand gave.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Output {
    pub fn stdout_str(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("stdout is UTF-8")
    }

    /// stdout as JSON lines (panics on a line that is not JSON).
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout_str()
            .lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"))
            })
            .collect()
    }
}

/// Runs `mindgap ARGS…` to completion (killed after [`RUN_TIMEOUT`]), with no stdin.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run_with_env(args, &[])
}

/// [`run`] with extra environment variables.
pub fn run_with_env<I, S>(args: I, env: &[(&str, &str)]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(mindgap_bin());
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn mindgap");
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = match wait_timeout(&mut child, RUN_TIMEOUT) {
        Some(s) => s,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("mindgap did not finish within {RUN_TIMEOUT:?}");
        }
    };
    Output {
        status,
        stdout: out_t.join().expect("stdout reader"),
        stderr: String::from_utf8_lossy(&err_t.join().expect("stderr reader")).into_owned(),
    }
}

/// Waits for `child` to exit, up to `timeout`.
pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => return None,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("cannot wait for mindgap: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Framing

/// Parses LSP frames strictly from a byte buffer: header lines `Name: value` in ASCII, a
/// `Content-Length`, a blank line, then exactly that many bytes of JSON.
#[derive(Default)]
pub struct FrameParser {
    buf: Vec<u8>,
}

/// One thing found on the server's stdout.
#[derive(Debug)]
pub enum Frame {
    Message(Value),
    /// Bytes that are not a well-formed frame (with the reason).
    Violation(String),
}

impl FrameParser {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held that do not yet form a whole frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    pub fn next_frame(&mut self) -> Option<Frame> {
        let Some(end) = find(&self.buf, b"\r\n\r\n") else {
            // A header block is short; a long run without one is already wrong.
            if self.buf.len() > 4096 {
                let junk = String::from_utf8_lossy(&self.buf[..200]).into_owned();
                self.buf.clear();
                return Some(Frame::Violation(format!(
                    "more than 4096 bytes without a header end: {junk:?}…"
                )));
            }
            return None;
        };
        let header = &self.buf[..end];
        let mut length = None;
        let mut problem = None;
        match std::str::from_utf8(header) {
            Err(_) => problem = Some("header is not UTF-8".to_string()),
            Ok(text) => {
                for line in text.split("\r\n") {
                    match line.split_once(": ") {
                        Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                            match value.trim().parse::<usize>() {
                                Ok(n) => length = Some(n),
                                Err(_) => problem = Some(format!("bad Content-Length {value:?}")),
                            }
                        }
                        Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
                        _ => problem = Some(format!("unexpected header line {line:?}")),
                    }
                }
            }
        }
        let Some(length) = length.filter(|_| problem.is_none()) else {
            let junk = String::from_utf8_lossy(&self.buf[..end]).into_owned();
            self.buf.drain(..end + 4);
            return Some(Frame::Violation(format!(
                "{}: {junk:?}",
                problem.unwrap_or_else(|| "no Content-Length".into())
            )));
        };
        let start = end + 4;
        if self.buf.len() < start + length {
            return None;
        }
        let body: Vec<u8> = self.buf[start..start + length].to_vec();
        self.buf.drain(..start + length);
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) if v.get("jsonrpc") == Some(&json!("2.0")) => Some(Frame::Message(v)),
            Ok(v) => Some(Frame::Violation(format!("a body without jsonrpc 2.0: {v}"))),
            Err(e) => Some(Frame::Violation(format!(
                "a body that is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&body)
            ))),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Frames `body` as an LSP message.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

// ---------------------------------------------------------------------------------------------
// The server

/// An error answer to a request.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

/// How to start a server.
#[derive(Default)]
pub struct Options {
    /// `--home`; default: a fresh folder `<temp>/home` the server must create itself.
    pub home: Option<PathBuf>,
    /// Arguments after `lsp --home DIR`.
    pub args: Vec<OsString>,
    pub env: Vec<(String, String)>,
    /// `RUST_LOG` for the server (default `info`, to keep stderr useful).
    pub rust_log: Option<String>,
}

/// A running `mindgap lsp` with pipes on all three streams.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Messages received but not yet consumed by a wait.
    backlog: VecDeque<Value>,
    /// Every message the server sent, in order.
    log: Vec<Value>,
    stderr: Arc<Mutex<Vec<u8>>>,
    violations: Arc<Mutex<Vec<String>>>,
    stdout_thread: Option<JoinHandle<()>>,
    stderr_thread: Option<JoinHandle<()>>,
    next_id: i64,
    home: PathBuf,
    exited: Option<ExitStatus>,
    /// The server closed its stdout (it exited or is about to).
    stdout_closed: bool,
    _tmp: tempfile::TempDir,
}

impl Server {
    /// `mindgap lsp --home <temp>/home`.
    pub fn start() -> Server {
        Server::start_with(Options::default())
    }

    /// `mindgap lsp --home <temp>/home ARGS…`.
    pub fn start_args<I, S>(args: I) -> Server
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Server::start_with(Options {
            args: args.into_iter().map(Into::into).collect(),
            ..Options::default()
        })
    }

    pub fn start_with(opts: Options) -> Server {
        let tmp = tempfile::Builder::new()
            .prefix("mindgap-e2e-")
            .tempdir()
            .expect("temp dir");
        let home = opts.home.unwrap_or_else(|| tmp.path().join("home"));
        let mut cmd = Command::new(mindgap_bin());
        cmd.arg("lsp")
            .arg("--home")
            .arg(&home)
            .args(&opts.args)
            .env("RUST_LOG", opts.rust_log.as_deref().unwrap_or("info"))
            .env_remove("MINDGAP_HOME")
            .current_dir(tmp.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn mindgap lsp");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");

        let (tx, rx) = mpsc::channel();
        let violations = Arc::new(Mutex::new(Vec::new()));
        let stdout_thread = {
            let violations = violations.clone();
            std::thread::spawn(move || {
                let mut parser = FrameParser::default();
                let mut buf = vec![0u8; 1 << 16];
                loop {
                    let n = match stdout.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    parser.push(&buf[..n]);
                    while let Some(frame) = parser.next_frame() {
                        match frame {
                            Frame::Message(v) => {
                                let _ = tx.send(v);
                            }
                            Frame::Violation(why) => violations.lock().unwrap().push(why),
                        }
                    }
                }
                if parser.pending() > 0 {
                    violations.lock().unwrap().push(format!(
                        "stdout ended inside a frame ({} bytes left over)",
                        parser.pending()
                    ));
                }
            })
        };
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_thread = {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 1 << 14];
                loop {
                    match stderr_pipe.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => stderr.lock().unwrap().extend_from_slice(&buf[..n]),
                    }
                }
            })
        };
        Server {
            child,
            stdin,
            rx,
            backlog: VecDeque::new(),
            log: Vec::new(),
            stderr,
            violations,
            stdout_thread: Some(stdout_thread),
            stderr_thread: Some(stderr_thread),
            next_id: 1,
            home,
            exited: None,
            stdout_closed: false,
            _tmp: tmp,
        }
    }

    /// The `--home` folder.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// `<home>/mindgap.db`.
    pub fn db_path(&self) -> PathBuf {
        self.home.join("mindgap.db")
    }

    /// A scratch folder that lives as long as the server (the server's working directory).
    pub fn scratch(&self) -> &Path {
        self._tmp.path()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Everything on stdout that was not a well-formed LSP frame, so far.
    pub fn stdout_violations(&self) -> Vec<String> {
        self.violations.lock().unwrap().clone()
    }

    /// Every message the server sent so far (consumed or not).
    pub fn received(&self) -> &[Value] {
        &self.log
    }

    fn context(&self) -> String {
        let err = self.stderr();
        let tail: String = {
            let start = err.len().saturating_sub(3000);
            let start = (start..=err.len())
                .find(|i| err.is_char_boundary(*i))
                .unwrap_or(err.len());
            err[start..].to_string()
        };
        format!("\n--- server stderr (tail) ---\n{tail}\n---")
    }

    // --- writing ---

    /// Writes raw bytes to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let res = match self.stdin.as_mut() {
            Some(stdin) => stdin.write_all(bytes).and_then(|_| stdin.flush()),
            None => panic!("stdin was closed"),
        };
        if let Err(e) = res {
            let ctx = self.context();
            panic!("cannot write to the server (did it exit?): {e}{ctx}");
        }
    }

    /// Sends one framed JSON-RPC message.
    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_vec(msg).expect("serialize");
        self.send_raw(&frame(&body));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits (up to [`REQUEST_TIMEOUT`]) for its answer.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, RpcError> {
        self.request_timeout(method, params, REQUEST_TIMEOUT)
    }

    pub fn request_timeout(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, RpcError> {
        let id = self.send_request(method, params);
        match self.response(id, timeout) {
            Some(answer) => answer,
            None if self.stdout_closed => {
                std::thread::sleep(Duration::from_millis(50));
                let status = self.try_status();
                let ctx = self.context();
                panic!(
                    "the server closed its stdout before answering {method} (id {id}); \
                     exit status {status:?}{ctx}"
                )
            }
            None => {
                let ctx = self.context();
                panic!("no answer to {method} (id {id}) within {timeout:?}{ctx}")
            }
        }
    }

    /// True once the server has closed its stdout (seen while waiting for a message).
    pub fn stdout_closed(&self) -> bool {
        self.stdout_closed
    }

    /// Waits for the answer to request `id`; `None` on timeout.
    pub fn response(&mut self, id: i64, timeout: Duration) -> Option<Result<Value, RpcError>> {
        let msg = self.recv_where(timeout, |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })?;
        Some(to_result(&msg))
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    // --- reading ---

    /// The next message matching `pred` (from the backlog first), waiting up to `timeout`.
    /// Messages that do not match stay in the backlog.
    pub fn recv_where(
        &mut self,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.backlog.iter().position(&mut pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = match self.rx.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    self.stdout_closed = true;
                    return None;
                }
            };
            self.log.push(msg.clone());
            self.answer_server_request(&msg);
            if pred(&msg) {
                return Some(msg);
            }
            self.backlog.push_back(msg);
        }
    }

    /// The params of the next notification `method`, waiting up to `timeout`.
    pub fn recv_notification(&mut self, method: &str, timeout: Duration) -> Option<Value> {
        self.recv_where(timeout, |m| {
            m.get("method").and_then(Value::as_str) == Some(method) && m.get("id").is_none()
        })
        .map(|m| m.get("params").cloned().unwrap_or(Value::Null))
    }

    /// Reads whatever arrives within `for_`, keeping it in the backlog; returns how many arrived.
    pub fn drain(&mut self, for_: Duration) -> usize {
        let before = self.log.len();
        let _ = self.recv_where(for_, |_| false);
        self.log.len() - before
    }

    /// Messages received but not consumed by a wait.
    pub fn backlog(&self) -> impl Iterator<Item = &Value> {
        self.backlog.iter()
    }

    /// Requests from the server get a plain answer, so the server never waits on the tests.
    fn answer_server_request(&mut self, msg: &Value) {
        let (Some(id), Some(method)) = (msg.get("id"), msg.get("method").and_then(Value::as_str))
        else {
            return;
        };
        let result = match method {
            "workspace/configuration" => {
                let n = msg
                    .pointer("/params/items")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                Value::Array(vec![Value::Null; n])
            }
            // Like an editor: the edit is applied (the test sends the didChange itself).
            "workspace/applyEdit" => json!({"applied": true}),
            _ => Value::Null,
        };
        if self.stdin.is_some() && self.exited.is_none() {
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
            let body = serde_json::to_vec(&reply).expect("serialize");
            if let Some(stdin) = self.stdin.as_mut() {
                let _ = stdin.write_all(&frame(&body)).and_then(|_| stdin.flush());
            }
        }
    }

    // --- lifecycle ---

    /// `initialize` with these client capabilities (and clientInfo `mindgap-e2e`), then
    /// `initialized`. Returns the result; panics on an error answer.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        self.initialize_with(json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "mindgap-e2e", "version": env!("CARGO_PKG_VERSION")},
            "rootUri": null,
            "capabilities": capabilities,
        }))
    }

    /// `mindgap lsp --home HOME`, initialized with `root` as its workspace folder, these client
    /// capabilities and `initializationOptions` (null for none).
    pub fn start_in(home: &Path, root: &Path, capabilities: Value, options: Value) -> Server {
        let mut s = Server::start_with(Options {
            home: Some(home.to_path_buf()),
            ..Options::default()
        });
        s.initialize_with(json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "mindgap-e2e"},
            "rootUri": format!("file://{}", root.display()),
            "initializationOptions": options,
            "capabilities": capabilities,
        }));
        s
    }

    /// `initialize` with these params, then `initialized`.
    pub fn initialize_with(&mut self, params: Value) -> Value {
        let result = match self.request("initialize", params) {
            Ok(r) => r,
            Err(e) => {
                let ctx = self.context();
                panic!("initialize failed: {e:?}{ctx}")
            }
        };
        self.notify("initialized", json!({}));
        result
    }

    /// `shutdown` (must succeed), then `exit`; waits for the process and returns its status.
    /// Also checks that stdout carried nothing but LSP frames.
    pub fn shutdown_and_exit(&mut self) -> ExitStatus {
        if let Err(e) = self.request("shutdown", Value::Null) {
            let ctx = self.context();
            panic!("shutdown failed: {e:?}{ctx}");
        }
        self.exit()
    }

    /// `exit`, then waits for the process (killing it on a hang, which panics).
    pub fn exit(&mut self) -> ExitStatus {
        self.notify("exit", Value::Null);
        let status = self.wait(EXIT_TIMEOUT);
        self.assert_clean_stdout();
        status
    }

    /// Waits for the process to end, up to `timeout`; kills it and panics on a hang.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(s) = self.exited {
            return s;
        }
        match wait_timeout(&mut self.child, timeout) {
            Some(s) => {
                self.exited = Some(s);
                self.join_readers();
                s
            }
            None => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let ctx = self.context();
                panic!("mindgap did not exit within {timeout:?}; killed{ctx}");
            }
        }
    }

    /// Kills the process (SIGKILL: no chance to flush anything) and waits for it.
    pub fn kill(&mut self) -> ExitStatus {
        let _ = self.child.kill();
        self.wait(EXIT_TIMEOUT)
    }

    /// The exit status if the process has ended by now.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().ok().flatten();
        }
        self.exited
    }

    fn join_readers(&mut self) {
        // The pipes close when the process (and anything holding them) ends. A reader that
        // does not finish soon is left behind rather than waited on forever.
        for handle in [self.stdout_thread.take(), self.stderr_thread.take()]
            .into_iter()
            .flatten()
        {
            let deadline = Instant::now() + Duration::from_secs(2);
            while !handle.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
        // Pull in what the stdout reader passed on before it ended.
        while let Ok(msg) = self.rx.try_recv() {
            self.log.push(msg.clone());
            self.backlog.push_back(msg);
        }
    }

    /// Panics if anything on stdout so far was not a well-formed LSP frame.
    pub fn assert_clean_stdout(&self) {
        let v = self.stdout_violations();
        assert!(
            v.is_empty(),
            "stdout carried something that is not an LSP frame: {v:#?}{}",
            self.context()
        );
    }

    // --- documents ---

    pub fn open(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": version, "text": text}}),
        );
    }

    /// `didChange` with these content changes (see [`range_change`], [`full_change`]).
    pub fn change(&mut self, uri: &str, version: i32, changes: Vec<Value>) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// Inserts `text` at (line, character).
    pub fn insert(&mut self, uri: &str, version: i32, line: u32, character: u32, text: &str) {
        self.change(
            uri,
            version,
            vec![range_change((line, character), (line, character), text)],
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    pub fn save(&mut self, uri: &str) {
        self.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri}}),
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.try_status().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A content change replacing the range `start..end` ((line, character) pairs) by `text`.
pub fn range_change(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({
        "range": {
            "start": {"line": start.0, "character": start.1},
            "end": {"line": end.0, "character": end.1},
        },
        "text": text,
    })
}

/// A content change replacing the whole document.
pub fn full_change(text: &str) -> Value {
    json!({ "text": text })
}

/// A workspace folder (real and canonical, so paths compare equal) and a home beside it.
pub struct Workspace {
    pub root: PathBuf,
    pub home: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp
            .path()
            .canonicalize()
            .expect("canonical temp dir")
            .join("ws");
        std::fs::create_dir_all(&root).expect("workspace folder");
        let home = tmp.path().join("home");
        Workspace {
            root,
            home,
            _tmp: tmp,
        }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs git in `dir` (with a throw-away identity, for commits); panics with git's message on
/// failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=mindgap-e2e",
            "-c",
            "user.email=e2e@example.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `file:///tmp/mindgap-e2e/NAME` (the file need not exist).
pub fn uri(name: &str) -> String {
    format!("file:///tmp/mindgap-e2e/{name}")
}

/// Client capabilities offering these position encodings (none: the key is left out).
pub fn caps_with_encodings(encodings: &[&str]) -> Value {
    if encodings.is_empty() {
        json!({})
    } else {
        json!({"general": {"positionEncodings": encodings}})
    }
}

fn to_result(msg: &Value) -> Result<Value, RpcError> {
    match msg.get("error") {
        Some(err) => Err(RpcError {
            code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
            message: err
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            data: err.get("data").cloned(),
        }),
        None => Ok(msg.get("result").cloned().unwrap_or(Value::Null)),
    }
}

/// Unicode scalar values inserted and deleted by replacing `old` with `new`, after trimming
/// their common prefix and suffix (SPEC section 4), computed independently of the server.
pub fn trimmed_counts(old: &str, new: &str) -> (usize, usize) {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    (b.len() - prefix - suffix, a.len() - prefix - suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_violations() {
        let mut p = FrameParser::default();
        let body = br#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        let mut bytes = frame(body);
        bytes.extend_from_slice(b"hello log line\r\n\r\n");
        bytes.extend_from_slice(&frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"}"));
        for chunk in bytes.chunks(7) {
            p.push(chunk);
        }
        assert!(matches!(p.next_frame(), Some(Frame::Message(v)) if v["id"] == 1));
        assert!(matches!(p.next_frame(), Some(Frame::Violation(_))));
        assert!(matches!(p.next_frame(), Some(Frame::Message(v)) if v["method"] == "x"));
        assert!(p.next_frame().is_none());
        assert_eq!(p.pending(), 0);
    }

    #[test]
    fn trimmed_counts_are_scalar_values() {
        assert_eq!(trimmed_counts("", "abc"), (3, 0));
        assert_eq!(trimmed_counts("foo", "fox"), (1, 1));
        assert_eq!(trimmed_counts("a😀b", "a😀😀b"), (1, 0));
        assert_eq!(trimmed_counts("aaa", "aa"), (0, 1));
        assert_eq!(trimmed_counts("xyz", ""), (0, 3));
    }
}
