//! mindgap beside the floor: the same stream of edits against a bare tower-lsp-server that only
//! applies them to a ropey rope (`bare_server`) and against `mindgap lsp`, in alternating runs,
//! printing each measure for both and their ratio. On a shared machine absolute times say
//! little; the ratio, measured in the same run, says what mindgap costs.
//!
//! - blast: 10,000 `didChange`s on a 10,000-line document (typing at a moving cursor, new lines,
//!   backspaces, a 20-line paste every 500), written as fast as the pipe takes them, then a
//!   request whose answer waits for all of them: changes per second, and CPU per change;
//! - typing: 300 changes at typing pace (60 ms apart), each followed by a request: round trip
//!   p50 and p99;
//! - memory: peak RSS with 1 document, and with 50 open 2,000-line documents with 40 pasted
//!   blocks each (outside-help ranges for mindgap).
//!
//! ```sh
//! cargo build --release -p mindgap --bin mindgap --example bare_server --example floor_bench
//! target/release/examples/floor_bench [ROUNDS]
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Server {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: i64,
    _home: Option<PathBuf>,
}

impl Server {
    fn start(bin: &Path, mindgap: bool, ws: &Path) -> Server {
        let mut cmd = Command::new(bin);
        let mut home = None;
        if mindgap {
            let h = ws.join(format!("home-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&h);
            cmd.arg("lsp").env("MINDGAP_HOME", &h);
            home = Some(h);
        }
        let mut child = (cmd.stdin(Stdio::piped()).stdout(Stdio::piped()))
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        let mut s = Server {
            child,
            input,
            output,
            next_id: 1,
            _home: home,
        };
        let root = format!("file://{}", ws.display());
        let caps = json!({"general": {"positionEncodings": ["utf-16"]}});
        s.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": caps}),
        );
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, msg: &Value) {
        let body = serde_json::to_vec(msg).unwrap();
        write!(self.input, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.input.write_all(&body).unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and reads until its answer (skipping the server's notifications).
    fn request(&mut self, method: &str, params: Value) {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.input.flush().unwrap();
        loop {
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                self.output.read_line(&mut line).unwrap();
                if line == "\r\n" {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            self.output.read_exact(&mut body).unwrap();
            let msg: Value = serde_json::from_slice(&body).unwrap();
            if msg.get("id") == Some(&json!(id)) {
                return;
            }
        }
    }

    /// Waits for every notification sent so far to be applied (an answer comes after them).
    fn sync(&mut self) {
        self.request("floor/sync", json!({}));
    }

    /// CPU seconds the process has used (user + system, all threads).
    fn cpu(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = after.split(' ').collect();
        let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
        ticks / 100.0
    }

    /// Peak resident memory, in MB.
    fn peak_rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: f64 = (status.lines().find(|l| l.starts_with("VmHWM:")).unwrap())
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        kb / 1024.0
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.input.flush();
        let _ = self.child.wait();
    }
}

fn open(s: &mut Server, uri: &str, lines: usize) {
    let text: String = (0..lines)
        .map(|i| format!("    let value_{i} = compute(\"é\", {i}) + other; // note\n"))
        .collect();
    let doc = json!({"uri": uri, "languageId": "rust", "version": 0, "text": text});
    s.notify("textDocument/didOpen", json!({"textDocument": doc}));
}

/// The `v`th change of the stream: typing at a cursor that moves on every 40 characters, a
/// backspace every 13th, a 20-line paste every 500th.
fn change(v: u32, line: &mut u32, col: &mut u32) -> Value {
    let at = |l: u32, c: u32| json!({"line": l, "character": c});
    let (range, text) = if v.is_multiple_of(500) {
        let paste: String = (0..20)
            .map(|i| format!("let pasted_{v}_{i} = {i};\n"))
            .collect();
        (json!({"start": at(*line, 0), "end": at(*line, 0)}), paste)
    } else if v.is_multiple_of(13) && *col > 4 {
        *col -= 1;
        (
            json!({"start": at(*line, *col), "end": at(*line, *col + 1)}),
            String::new(),
        )
    } else {
        let r = json!({"start": at(*line, *col), "end": at(*line, *col)});
        *col += 1;
        (r, "x".to_string())
    };
    if *col >= 44 {
        (*line, *col) = (*line + 1, 4);
    }
    json!({"range": range, "text": text})
}

fn did_change(s: &mut Server, uri: &str, version: u32, c: Value) {
    let doc = json!({"uri": uri, "version": version});
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": doc, "contentChanges": [c]}),
    );
}

/// One run of every measure against `bin`.
fn run(bin: &Path, mindgap: bool, ws: &Path) -> [f64; 6] {
    let uri = format!("file://{}/big.rs", ws.display());
    let mut s = Server::start(bin, mindgap, ws);
    open(&mut s, &uri, 10_000);
    s.sync();
    let (mut line, mut col) = (100, 4);
    let (cpu0, t0) = (s.cpu(), Instant::now());
    for v in 1..=10_000 {
        let c = change(v, &mut line, &mut col);
        did_change(&mut s, &uri, v, c);
    }
    s.sync();
    let (secs, cpu) = (t0.elapsed().as_secs_f64(), s.cpu() - cpu0);
    let mut rtt = Vec::new();
    for v in 10_001..=10_300 {
        std::thread::sleep(Duration::from_millis(60));
        let c = change(v, &mut line, &mut col);
        let t = Instant::now();
        did_change(&mut s, &uri, v, c);
        s.sync();
        rtt.push(t.elapsed().as_secs_f64() * 1e6);
    }
    rtt.sort_by(f64::total_cmp);
    let one_doc = s.peak_rss_mb();
    s.stop();
    // 50 documents of 2,000 lines, 40 pastes each.
    let mut s = Server::start(bin, mindgap, ws);
    for d in 0..50 {
        let uri = format!("file://{}/doc{d}.rs", ws.display());
        open(&mut s, &uri, 2_000);
        for p in 0..40u32 {
            let at = json!({"line": p * 40, "character": 0});
            let paste: String = (0..5).map(|i| format!("let p{p}_{i} = {i};\n")).collect();
            let c = json!({"range": {"start": at, "end": at}, "text": paste});
            did_change(&mut s, &uri, p + 1, c);
        }
    }
    s.sync();
    let fifty = s.peak_rss_mb();
    s.stop();
    let pct = |q: f64| rtt[((rtt.len() - 1) as f64 * q) as usize];
    [
        10_000.0 / secs,
        cpu / 10_000.0 * 1e6,
        pct(0.5),
        pct(0.99),
        one_doc,
        fifty,
    ]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let here = std::env::current_exe().unwrap();
    let dir = here.parent().unwrap();
    let bare = dir.join("bare_server");
    let mindgap = dir.parent().unwrap().join("mindgap");
    for b in [&bare, &mindgap] {
        assert!(
            b.exists(),
            "{} is missing: build it first (see the doc comment)",
            b.display()
        );
    }
    let ws = std::env::temp_dir().join(format!("floor-bench-{}", std::process::id()));
    std::fs::create_dir_all(&ws).unwrap();
    let (mut floor, mut ours) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        // Alternating which goes first, so that neither always meets a warm or cold machine.
        if r % 2 == 0 {
            floor.push(run(&bare, false, &ws));
            ours.push(run(&mindgap, true, &ws));
        } else {
            ours.push(run(&mindgap, true, &ws));
            floor.push(run(&bare, false, &ws));
        }
        eprintln!("round {} of {rounds} done", r + 1);
    }
    let _ = std::fs::remove_dir_all(&ws);
    let names = [
        "changes/s (blast)",
        "CPU per change (µs)",
        "round trip p50 (µs)",
        "round trip p99 (µs)",
        "peak RSS, 1 document (MB)",
        "peak RSS, 50 documents (MB)",
    ];
    println!("| median of {rounds} rounds | bare server | mindgap | ratio |");
    println!("|---|---:|---:|---:|");
    for (i, name) in names.iter().enumerate() {
        let f = median(floor.iter().map(|m| m[i]).collect());
        let o = median(ours.iter().map(|m| m[i]).collect());
        let ratio = if i >= 4 {
            format!("+{:.1} MB", o - f)
        } else {
            format!("{:.2}×", o / f)
        };
        println!("| {name} | {f:.1} | {o:.1} | {ratio} |");
    }
}
