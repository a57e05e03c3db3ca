//! `mindgap report` and `mindgap export` end to end, on a home seeded with eight weeks of dated
//! work: a real session replayed through the pipeline, then tasks, edits, self-checks, audits and
//! a learning log written at dates relative to now by a small deterministic generator ([`seed`]).
//! The HTML report is checked for outside references and, when Chromium is installed, rendered
//! headless. `MINDGAP_REPORT_SCREENSHOT=PATH` also saves a screenshot of it there (that is how
//! docs/screenshots/report.png is made).

use std::path::{Path, PathBuf};
use std::process::Command;

use mindgap_e2e::{run, workspace_root};
use rusqlite::{Connection, params};
use serde_json::Value;

const DAY: i64 = 86_400_000;
const ROOT: &str = "/home/dev/src/shop";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A small deterministic generator (a linear congruential one): the same seed, the same home.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + (self.next() * (hi - lo) as f64) as u64
    }
}

/// One task of the generated history.
struct Plan {
    week: i64,
    day: f64,
    name: &'static str,
    file: &'static str,
    manual: bool,
    /// Outside-help probability per chunk in the early and late parts.
    early: f64,
    late: f64,
}

/// Seeds `home` with about eight weeks of history ending at `now`: a real Neovim session
/// replayed through the pipeline, then 22 dated tasks across Rust, Python and Go files whose
/// early outside-help share rises over the last four weeks, Go help that jumps in the last two,
/// manual tasks that stop two weeks ago (one broken by a paste), weekly self-checks, two audits
/// and a learning log that went quiet 20 days ago.
fn seed(home: &Path, now: i64) {
    let trace = workspace_root().join("tests/fixtures/traces/nvim_basic.trace.jsonl");
    let out = run([
        "replay".as_ref(),
        "--home".as_ref(),
        home.as_os_str(),
        trace.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "replay: {}", out.stderr);

    let early_by_week = [0.04, 0.03, 0.05, 0.04, 0.05, 0.12, 0.2, 0.3];
    let names = [
        ["cart-totals", "tax-rounding", "coupon-codes"],
        ["parse-config", "retry-backoff", "csv-import"],
        ["login-throttle", "search-index", "price-cache"],
        ["order-history", "email-digest", "refund-flow"],
        ["inventory-sync", "audit-trail", "rate-limits"],
        ["webhook-retries", "gift-cards", "sitemap"],
        ["grpc-gateway", "shipping-quotes", "dark-mode"],
        ["go-worker-pool", "invoice-pdf", "report-export"],
    ];
    let mut plans = Vec::new();
    for (week, row) in names.iter().enumerate() {
        let week = week as i64;
        let e = early_by_week[week as usize];
        for (i, name) in row.iter().enumerate() {
            let manual = i == 1 && week < 6;
            let (file, early) = match (week, i) {
                (1 | 3 | 5, 2) => ("src/worker/pool.go", 0.0),
                (6 | 7, 0) => ("src/worker/pool.go", 0.55),
                (_, 1) if manual => ("src/checkout.rs", 0.0),
                (_, 1 | 2) => ("scripts/report.py", e + 0.1),
                _ => ("src/cart.rs", e),
            };
            plans.push(Plan {
                week,
                day: 0.4 + 2.0 * i as f64,
                name,
                file,
                manual,
                early: if manual {
                    if week == 3 { 0.05 } else { 0.0 }
                } else {
                    early
                },
                late: if manual { 0.0 } else { 0.45 },
            });
        }
    }

    let mut c = Connection::open(home.join("mindgap.db")).unwrap();
    let tx = c.transaction().unwrap();
    let start = now - 56 * DAY;
    tx.execute(
        "INSERT INTO sessions (started_ms, kind, pid, client_name, client_version, root, encoding)
         VALUES (?1, 'lsp', 4242, 'Neovim', '0.11.4', ?2, 'utf-16')",
        params![start, ROOT],
    )
    .unwrap();
    let session = tx.last_insert_rowid();
    let mut rng = Rng(8020);
    let mut seq = 0i64;
    let count = plans.len();
    for (n, p) in plans.iter().enumerate() {
        let t0 = start + p.week * 7 * DAY + (p.day * DAY as f64) as i64 + 9 * 3_600_000;
        let last = n + 1 == count;
        let subject = format!("file://{ROOT}/{}", p.file);
        tx.execute(
            "INSERT OR IGNORE INTO documents (subject) VALUES (?1)",
            [&subject],
        )
        .unwrap();
        let doc: i64 = tx
            .query_row(
                "SELECT id FROM documents WHERE subject = ?1",
                [&subject],
                |r| r.get(0),
            )
            .unwrap();
        tx.execute(
            "INSERT INTO tasks (root, name, implied, manual, estimate_lines, state, started_ms, finished_ms)
             VALUES (?1, ?2, NULL, ?3, NULL, ?4, ?5, NULL)",
            params![ROOT, p.name, p.manual, if last { "active" } else { "finished" }, t0],
        )
        .unwrap();
        let task = tx.last_insert_rowid();
        let size = rng.range(1800, 2800);
        let (mut done, mut t) = (0u64, t0);
        // Per part (early, late): outside-help and all characters so far. A chunk of help goes
        // in while the part stays near its target share (error diffusion, with some jitter).
        let mut parts = [(0u64, 0u64); 2];
        while done < size {
            let late = done as f64 >= 0.8 * size as f64;
            let target = if late { p.late } else { p.early };
            let (o, w) = parts[usize::from(late)];
            let candidate = rng.range(25, 120);
            let jitter = rng.next() * 0.06 - 0.03;
            let outside = target > 0.0
                && ((o + candidate) as f64) / ((w + candidate) as f64) <= target + jitter;
            let (n, class) = if outside {
                let class =
                    ["completion", "completion", "paste", "agent"][rng.range(0, 4) as usize];
                (candidate, class)
            } else {
                (rng.range(20, 70), "typed")
            };
            let part = &mut parts[usize::from(late)];
            part.1 += n;
            if outside {
                part.0 += n;
            }
            t += rng.range(20_000, 120_000) as i64;
            seq += 1;
            tx.execute(
                "INSERT INTO edits (session_id, seq, document_id, t_ms, source, version, change_index,
                   line, col, end_line, end_col, inserted, deleted, text_hash, class, confidence,
                   evidence_code, counted, task_id)
                 VALUES (?1, ?2, ?3, ?4, 'change', ?2, 0, ?5, 0, ?5, 0, ?6, 0, ?7, ?8, 0.9,
                   255, 1, ?9)",
                params![session, seq, doc, t, seq % 300, n as i64, seq * 7919, class, task],
            )
            .unwrap();
            done += n;
        }
        if !last {
            tx.execute(
                "UPDATE tasks SET finished_ms = ?2 WHERE id = ?1",
                params![task, t + 600_000],
            )
            .unwrap();
        }
    }
    for week in 0..8i64 {
        let t = start + week * 7 * DAY + 4 * DAY + 17 * 3_600_000;
        let q: Vec<i64> = (0..5)
            .map(|i| (4 - week / 3 + ((week + i) % 3) - 1).clamp(1, 5))
            .collect();
        tx.execute(
            "INSERT INTO self_checks (t_ms, q1, q2, q3, q4, q5) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![t, q[0], q[1], q[2], q[3], q[4]],
        )
        .unwrap();
    }
    for (week, skill, gaps) in [(1, "SQL joins by hand", 3), (5, "async Rust, no help", 1)] {
        let t = start + week * 7 * DAY + 2 * DAY;
        tx.execute(
            "INSERT INTO audits (root, skill, task_id, started_ms, finished_ms, gaps)
             VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
            params![ROOT, skill, t, t + DAY / 3, gaps],
        )
        .unwrap();
    }
    tx.execute(
        "INSERT INTO stash (subject, created_ms, class, text) VALUES (?1, ?2, 'paste', ?3)",
        params![
            format!("file://{ROOT}/src/cart.rs"),
            now - 3 * DAY,
            "let total = items.iter().map(|i| i.price).sum::<u64>(); // \"sum\", done\n"
        ],
    )
    .unwrap();
    tx.commit().unwrap();
    // Rows written by hand: the tasks' segments (the writer keeps them) are rebuilt once.
    mindgap::store::Db::open(home)
        .unwrap()
        .rebuild_work()
        .unwrap();

    let mut log = String::from("# Learning log\n\n");
    for (days_ago, title, text) in [
        (
            50,
            "lifetimes",
            "Why the borrow checker rejects returning a reference to a local.",
        ),
        (
            41,
            "",
            "EXPLAIN QUERY PLAN shows when SQLite uses the index, and when it scans.",
        ),
        (
            33,
            "backoff",
            "Exponential backoff needs jitter, or every client retries in step.",
        ),
        (
            27,
            "",
            "Go: a nil channel blocks forever; handy to switch a select case off.",
        ),
        (
            20,
            "",
            "Property tests found the rounding bug in tax-rounding, not my examples.",
        ),
    ] {
        let date = date_of(now - days_ago * DAY);
        log.push_str(&format!("## {date} {title}\n{text}\n\n"));
    }
    std::fs::write(home.join("learning-log.md"), log).unwrap();
}

/// `YYYY-MM-DD` of a unix-ms time, in UTC (the tests run the binary with `TZ=UTC`).
fn date_of(ms: i64) -> String {
    let out = Command::new("date")
        .args(["-u", "-d", &format!("@{}", ms / 1000), "+%Y-%m-%d"])
        .output()
        .expect("date");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn mindgap(home: &Path, args: &[&str]) -> mindgap_e2e::Output {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(["--home".into(), home.display().to_string()]);
    mindgap_e2e::run_with_env(&all, &[("TZ", "UTC"), ("XDG_CONFIG_HOME", "/nonexistent")])
}

fn seeded() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    seed(&home, now_ms());
    (dir, home)
}

fn ok(out: &mindgap_e2e::Output) -> &str {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    out.stdout_str()
}

#[test]
fn a_text_report_fits_80_columns_and_names_every_signal() {
    let (_dir, home) = seeded();
    let out = mindgap(&home, &["report"]);
    let text = ok(&out);
    println!("{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    assert!(text.contains("Outside help per week"));
    assert!(text.contains("go-worker-pool"));
    for spark in ['▁', '█'] {
        assert!(text.contains(spark), "a sparkline");
    }
    assert!(text.contains("rising for four weeks"), "{text}");
    assert!(text.contains("alone: .go"), "{text}");
    assert!(text.contains("silent for 20 days"), "{text}");
    assert!(text.contains("No manual feature in two weeks"), "{text}");
}

#[test]
fn a_json_report_has_the_documented_shape() {
    let (_dir, home) = seeded();
    let out = mindgap(&home, &["report", "--format", "json", "--since", "8w"]);
    let v: Value = serde_json::from_str(ok(&out)).expect("one JSON object");
    assert_eq!(v["mindgap_report"], 1);
    let weeks = v["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 8);
    for w in weeks {
        for key in [
            "week",
            "start",
            "work",
            "share",
            "manual_finished",
            "learning_entries",
        ] {
            assert!(w.get(key).is_some(), "week without {key}: {w}");
        }
    }
    let ids: Vec<&str> = v["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "early-help-rising",
            "help-in-new-places",
            "learning-log-silent",
            "no-manual-feature"
        ]
    );
    let tasks = v["tasks"].as_array().unwrap();
    assert!(
        tasks
            .iter()
            .any(|t| t["manual"] == true && t["broken"] == true)
    );
    assert!(
        tasks
            .iter()
            .any(|t| t["name"] == "report-export" && t["state"] == "active")
    );
    assert_eq!(v["learning"]["days_silent"], 20);
    assert!(v["self_checks"].as_array().unwrap().len() >= 7);
    assert_eq!(v["audits"].as_array().unwrap().len(), 2);

    // A shorter period shows fewer weeks; the signals still look back far enough.
    let out = mindgap(&home, &["report", "--format", "json", "--since", "10d"]);
    let v: Value = serde_json::from_str(ok(&out)).unwrap();
    assert!(v["weeks"].as_array().unwrap().len() <= 3);
    assert_eq!(v["signals"].as_array().unwrap().len(), 4);
}

/// Chromium, if this machine has one.
fn chromium() -> Option<PathBuf> {
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        if let Ok(out) = Command::new("which").arg(name).output()
            && out.status.success()
        {
            let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if !p.is_empty() {
                return Some(PathBuf::from(p));
            }
        }
    }
    None
}

fn headless(chrome: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(chrome);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

#[test]
fn the_html_report_is_self_contained_and_renders_in_chromium() {
    let (dir, home) = seeded();
    let file = dir.path().join("report.html");
    let out = mindgap(
        &home,
        &["report", "--format", "html", "-o", file.to_str().unwrap()],
    );
    assert_eq!(ok(&out), "", "with -o nothing goes to stdout");
    let html = std::fs::read_to_string(&file).unwrap();
    let lower = html.to_lowercase();
    for bad in [
        "http://", "https://", "<script", " src=", "<link", "@import", "url(", "<img", "<iframe",
    ] {
        assert!(
            !lower.contains(bad),
            "the report refers to something outside: {bad}"
        );
    }
    // Only in-page references (`href="#…"`), if any.
    for (i, _) in lower.match_indices("href=") {
        assert!(lower[i..].starts_with("href=\"#"), "{}", &lower[i..i + 40]);
    }
    assert!(html.contains("<svg") && html.contains("<title id="));
    assert!(html.contains("prefers-color-scheme"));

    let Some(chrome) = chromium() else {
        // ./test.sh installs Chromium and sets this: there, a missing browser is a failure.
        assert!(
            std::env::var_os("MINDGAP_REQUIRE_CHROMIUM").is_none(),
            "MINDGAP_REQUIRE_CHROMIUM is set but no chromium was found"
        );
        println!("NOTICE: no chromium found; the HTML report was not rendered");
        return;
    };
    let profile = dir.path().join("chromium-profile");
    let dom = headless(&chrome, &profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("run chromium");
    assert!(
        dom.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("mindgap report") && dom.contains("go-worker-pool"));

    let shot = std::env::var_os("MINDGAP_REPORT_SCREENSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("report.png"));
    let dark = std::env::var_os("MINDGAP_REPORT_DARK").is_some();
    let mut cmd = headless(&chrome, &profile);
    if dark {
        cmd.arg("--force-dark-mode")
            .arg("--blink-settings=preferredColorScheme=0");
    }
    let status = cmd
        .arg(format!(
            "--window-size={}",
            std::env::var("MINDGAP_REPORT_SIZE").unwrap_or_else(|_| "1000,1900".into())
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("run chromium");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
}

#[test]
fn an_empty_or_missing_store_says_so_and_a_corrupt_one_is_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("nothing-here");
    let text = mindgap(&home, &["report"]);
    assert!(ok(&text).contains("No record yet"), "{}", text.stdout_str());
    assert!(!home.exists(), "a report creates nothing");
    let json = mindgap(&home, &["report", "--format", "json"]);
    let v: Value = serde_json::from_str(ok(&json)).unwrap();
    assert_eq!(
        (v["store"].clone(), v["empty"].clone()),
        (Value::Bool(false), Value::Bool(true))
    );
    assert!(ok(&mindgap(&home, &["report", "--format", "html"])).contains("No record yet"));

    // A store with nothing in the period.
    let home = dir.path().join("quiet");
    let ws = dir.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    for sub in ["start", "finish"] {
        let mut args = vec!["task", sub];
        if sub == "start" {
            args.push("nothing-yet");
        }
        args.extend([
            "--home",
            home.to_str().unwrap(),
            "--dir",
            ws.to_str().unwrap(),
        ]);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    }
    assert!(ok(&mindgap(&home, &["report"])).contains("Nothing recorded in this period"));

    let junk = dir.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(
        junk.join("mindgap.db"),
        b"not a database, but data all the same".repeat(100),
    )
    .unwrap();
    for args in [&["report"][..], &["export"][..]] {
        let out = mindgap(&junk, args);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(
            out.stderr.starts_with("mindgap: cannot read the store"),
            "{}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }

    let bad = mindgap(&home, &["report", "--since", "3m"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stderr.contains("--since takes"));
    let bad = mindgap(&home, &["report", "--format", "pdf"]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn export_gives_every_table_as_json_or_one_csv_per_table() {
    let (dir, home) = seeded();
    let out = mindgap(&home, &["export"]);
    let v: Value = serde_json::from_str(ok(&out)).unwrap();
    assert_eq!(v["mindgap_export"], 1);
    // Every table the store has, so a table added later cannot be left out of the export.
    let db = Connection::open(home.join("mindgap.db")).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() >= 9, "{tables:?}");
    for table in &tables {
        assert!(v["tables"][table].is_array(), "no table {table}");
    }
    assert!(v["tables"]["edits"].as_array().unwrap().len() > 500);
    assert_eq!(v["tables"]["self_checks"].as_array().unwrap().len(), 8);
    assert_eq!(v["learning_log"].as_array().unwrap().len(), 5);
    assert_eq!(v["learning_log"][0]["title"], "lifetimes");

    let missing = mindgap(&home, &["export", "--format", "csv"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(missing.stderr.contains("-o DIR"), "{}", missing.stderr);

    let out_dir = dir.path().join("csv");
    let out = mindgap(
        &home,
        &["export", "--format", "csv", "-o", out_dir.to_str().unwrap()],
    );
    ok(&out);
    let stash = std::fs::read_to_string(out_dir.join("stash.csv")).unwrap();
    assert!(stash.starts_with("id,subject,created_ms,class,text\r\n"));
    assert!(
        stash.contains(
            "\"let total = items.iter().map(|i| i.price).sum::<u64>(); // \"\"sum\"\", done\n\""
        ),
        "{stash}"
    );
    let edits = std::fs::read_to_string(out_dir.join("edits.csv")).unwrap();
    assert_eq!(
        edits.lines().count(),
        v["tables"]["edits"].as_array().unwrap().len() + 1
    );
    let log = std::fs::read_to_string(out_dir.join("learning_log.csv")).unwrap();
    assert!(log.starts_with("date,title,text\r\n"));
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 12);

    let file = dir.path().join("all.json");
    ok(&mindgap(&home, &["export", "-o", file.to_str().unwrap()]));
    let again: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(again["tables"]["tasks"], v["tables"]["tasks"]);
}
