//! [`Server`]: a synchronous LSP client for one mindgap server, on either backend — the real
//! binary over stdio ([`Server::start_in`], [`Server::start_with`]) or the same server stack
//! in-process over in-memory pipes ([`Server::in_process`], [`Server::in_process_with`]). The
//! API is the same on both, so a test picks its backend by its start call only; what only a
//! process has ([`Server::stderr`], [`Server::pid`], [`Server::kill`]) panics in-process.
//!
//! Everything waits with a timeout: a test may fail, it may never hang.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::framing::{Deframer, frame};
use crate::inproc::InProcess;
use crate::messages::{RpcError, range_change, to_result};
use crate::process::{Options, Process};
use crate::{EXIT_TIMEOUT, REQUEST_TIMEOUT};

enum Backend {
    Process(Process),
    InProcess(InProcess),
}

/// A running mindgap server and the client's view of it.
pub struct Server {
    backend: Backend,
    /// The server's input (stdin, or the in-process pipe); `None` once closed.
    input: Option<Box<dyn Write + Send>>,
    rx: Receiver<Value>,
    /// Messages received but not yet consumed by a wait.
    backlog: VecDeque<Value>,
    /// Every message the server sent, in order.
    log: Vec<Value>,
    violations: Arc<Mutex<Vec<String>>>,
    next_id: i64,
    home: PathBuf,
    /// The exit code once the server has ended (`Some(None)`: killed by a signal).
    exited: Option<Option<i32>>,
    /// The server closed its output (it exited or is about to).
    stdout_closed: bool,
    tmp: tempfile::TempDir,
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

    /// The real binary, started as `opts` says, not yet initialized.
    pub fn start_with(opts: Options) -> Server {
        Server::launch(opts.home.clone(), |home, cwd, output| {
            let (process, input) = Process::spawn(&opts, home, cwd, output);
            (Backend::Process(process), input)
        })
    }

    /// `mindgap lsp --home <temp>/home`, initialized with these client capabilities.
    pub fn start_initialized(capabilities: Value) -> Server {
        let mut s = Server::start();
        s.initialize(capabilities);
        s
    }

    /// `mindgap lsp --home HOME`, initialized with `root` as its workspace folder, these client
    /// capabilities and `initializationOptions` (null for none).
    pub fn start_in(home: &Path, root: &Path, capabilities: Value, options: Value) -> Server {
        let mut s = Server::start_with(Options {
            home: Some(home.to_path_buf()),
            ..Options::default()
        });
        s.initialize_in(root, capabilities, options);
        s
    }

    /// The server in-process, with `opts.home`, not yet initialized. `args`, `env` and
    /// `rust_log` belong to a process: asking for them here is a mistake in the test.
    pub fn in_process_with(opts: Options) -> Server {
        assert!(
            opts.args.is_empty() && opts.env.is_empty() && opts.rust_log.is_none(),
            "arguments, environment and RUST_LOG need the real binary: use Server::start_with"
        );
        Server::launch(opts.home, |home, _, output| {
            let (server, input) = InProcess::start(home.to_path_buf(), output);
            (Backend::InProcess(server), input)
        })
    }

    /// [`Server::start_in`], in-process: the same server stack, no process.
    pub fn in_process(home: &Path, root: &Path, capabilities: Value, options: Value) -> Server {
        let mut s = Server::in_process_with(Options {
            home: Some(home.to_path_buf()),
            ..Options::default()
        });
        s.initialize_in(root, capabilities, options);
        s
    }

    /// A temp folder, the home (`<temp>/home` unless given), and a backend started by `start`
    /// (given the home, the temp folder and where its output goes).
    fn launch(
        home: Option<PathBuf>,
        start: impl FnOnce(&Path, &Path, Deframer) -> (Backend, Box<dyn Write + Send>),
    ) -> Server {
        let tmp = tempfile::Builder::new()
            .prefix("mindgap-e2e-")
            .tempdir()
            .expect("temp dir");
        let home = home.unwrap_or_else(|| tmp.path().join("home"));
        let (tx, rx) = mpsc::channel();
        let violations = Arc::new(Mutex::new(Vec::new()));
        let (backend, input) = start(&home, tmp.path(), Deframer::new(tx, violations.clone()));
        Server {
            backend,
            input: Some(input),
            rx,
            backlog: VecDeque::new(),
            log: Vec::new(),
            violations,
            next_id: 1,
            home,
            exited: None,
            stdout_closed: false,
            tmp,
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

    /// A scratch folder that lives as long as the server (the binary's working directory).
    pub fn scratch(&self) -> &Path {
        self.tmp.path()
    }

    /// True when the server runs in this process.
    pub fn is_in_process(&self) -> bool {
        matches!(self.backend, Backend::InProcess(_))
    }

    /// The process id (real binary only).
    pub fn pid(&self) -> u32 {
        self.process("pid").pid()
    }

    /// What the server wrote on stderr so far (real binary only).
    pub fn stderr(&self) -> String {
        self.process("stderr").stderr()
    }

    fn process(&self, what: &str) -> &Process {
        match &self.backend {
            Backend::Process(p) => p,
            Backend::InProcess(_) => {
                panic!("{what}: an in-process server has none; start the real binary instead")
            }
        }
    }

    /// Everything on stdout that was not a well-formed LSP frame, so far.
    pub fn stdout_violations(&self) -> Vec<String> {
        self.violations.lock().unwrap().clone()
    }

    /// Every message the server sent so far (consumed or not).
    pub fn received(&self) -> &[Value] {
        &self.log
    }

    /// What to add to a failure message: the tail of stderr, when there is one.
    fn context(&self) -> String {
        let err = match &self.backend {
            Backend::Process(p) => p.stderr(),
            Backend::InProcess(_) => return "\n(in-process server: no stderr)".into(),
        };
        let start = err.len().saturating_sub(3000);
        let start = (start..=err.len())
            .find(|i| err.is_char_boundary(*i))
            .unwrap_or(err.len());
        format!("\n--- server stderr (tail) ---\n{}\n---", &err[start..])
    }

    // --- writing ---

    /// Writes raw bytes to the server's input.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let res = match self.input.as_mut() {
            Some(input) => input.write_all(bytes).and_then(|_| input.flush()),
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
                     exit code {status:?}{ctx}"
                )
            }
            None => {
                let ctx = self.context();
                panic!("no answer to {method} (id {id}) within {timeout:?}{ctx}")
            }
        }
    }

    /// True once the server has closed its output (seen while waiting for a message).
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

    /// Closes the server's input (end of input, as closing stdin).
    pub fn close_stdin(&mut self) {
        self.input = None;
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
        if self.exited.is_none()
            && let Some(input) = self.input.as_mut()
        {
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
            let body = serde_json::to_vec(&reply).expect("serialize");
            let _ = input.write_all(&frame(&body)).and_then(|_| input.flush());
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

    /// `initialize` with `root` as the workspace folder, then `initialized`.
    fn initialize_in(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        self.initialize_with(json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "mindgap-e2e"},
            "rootUri": format!("file://{}", root.display()),
            "initializationOptions": options,
            "capabilities": capabilities,
        }))
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

    /// `shutdown` (must succeed), then `exit`; waits for the server and returns its exit code.
    /// Also checks that stdout carried nothing but LSP frames.
    pub fn shutdown_and_exit(&mut self) -> Option<i32> {
        if let Err(e) = self.request("shutdown", Value::Null) {
            let ctx = self.context();
            panic!("shutdown failed: {e:?}{ctx}");
        }
        self.exit()
    }

    /// `exit`, then waits for the server (a hung process is killed, and that panics).
    pub fn exit(&mut self) -> Option<i32> {
        self.notify("exit", Value::Null);
        let code = self.wait(EXIT_TIMEOUT);
        self.assert_clean_stdout();
        code
    }

    /// Waits for the server to end, up to `timeout`, and returns its exit code (`None`: ended by
    /// a signal). A process that hangs is killed; either way a hang panics.
    pub fn wait(&mut self, timeout: Duration) -> Option<i32> {
        if let Some(code) = self.exited {
            return code;
        }
        let ended = match &mut self.backend {
            Backend::Process(p) => p.wait(timeout),
            Backend::InProcess(s) => s.wait(timeout),
        };
        match ended {
            Ok(code) => {
                self.exited = Some(code);
                self.pull_in();
                code
            }
            Err(why) => {
                let ctx = self.context();
                panic!("mindgap did not exit within {timeout:?}; {why}{ctx}");
            }
        }
    }

    /// Kills the process (SIGKILL: no chance to flush anything) and waits for it (real binary
    /// only).
    pub fn kill(&mut self) -> Option<i32> {
        match &mut self.backend {
            Backend::Process(p) => p.kill(),
            Backend::InProcess(_) => {
                panic!("kill: an in-process server cannot be killed; start the real binary instead")
            }
        }
        self.wait(EXIT_TIMEOUT)
    }

    /// The exit code if the server has ended by now (`Some(None)`: ended by a signal).
    pub fn try_status(&mut self) -> Option<Option<i32>> {
        if self.exited.is_none() {
            self.exited = match &mut self.backend {
                Backend::Process(p) => p.try_wait(),
                Backend::InProcess(s) => s.try_wait(),
            };
        }
        self.exited
    }

    /// Pulls in what the output reader passed on before it ended.
    fn pull_in(&mut self) {
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

    /// `didChange` with these content changes (see [`range_change`],
    /// [`full_change`](crate::full_change)).
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

    /// The code actions offered on `line` of `uri` (their titles), asked until some come or
    /// `wait` is up: after a restart the saved provenance is restored in the background.
    pub fn code_action_titles(&mut self, uri: &str, line: u32, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        loop {
            let range = json!({"start": {"line": line, "character": 0},
                "end": {"line": line, "character": 3}});
            let params = json!({"textDocument": {"uri": uri}, "range": range,
                "context": {"diagnostics": []}});
            let actions = self.request("textDocument/codeAction", params).unwrap();
            let titles: Vec<String> = (actions.as_array().into_iter().flatten())
                .filter_map(|a| a["title"].as_str().map(String::from))
                .collect();
            if !titles.is_empty() || Instant::now() >= deadline {
                return titles;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
