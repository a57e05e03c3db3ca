//! How the watcher copes with a large workspace: builds a tree of N source files (default
//! 100,000, each of 40 distinct lines) plus dependency and build folders it must skip, starts
//! watching it, and reports the start-up time, the folders watched, the memory it took, the
//! index of the workspace's lines (files read, lines held, its memory, whether its bound was
//! reached) and how soon a write is seen.
//!
//! `cargo run --release -p mindgap --example watch_scale [FILES] [MAX_FOLDERS]`

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mindgap::mirror::disk_lines::{Added, DiskLines, MAX_LINES};
use mindgap::watch::{self, News, Options};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A source file of 40 lines no other file holds.
fn source(d: usize, f: usize) -> String {
    (0..40)
        .map(|i| format!("    let value_{d}_{f}_{i} = compute({i}, \"{d}/{f}\");\n"))
        .collect()
}

/// `files` files, 20 to a folder, two folder levels deep.
fn build(root: &Path, files: usize) -> usize {
    let mut folders = 0;
    let per_dir = 20;
    let dirs = files.div_ceil(per_dir);
    for d in 0..dirs {
        let dir = root.join(format!("src/m{:03}/p{:04}", d % 250, d));
        std::fs::create_dir_all(&dir).unwrap();
        folders += 1;
        for f in 0..per_dir.min(files - d * per_dir) {
            std::fs::write(dir.join(format!("f{f}.rs")), source(d, f)).unwrap();
        }
    }
    folders
}

fn main() {
    let mut args = std::env::args().skip(1);
    let files: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let max_folders = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| Options::from_env().max_folders);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let t = Instant::now();
    let source_folders = build(&root, files);
    // What a real project also holds, and must not cost watches: dependencies and build output.
    build(&root.join("node_modules"), files / 4);
    build(&root.join("target"), files / 4);
    std::fs::write(root.join(".gitignore"), "/generated/\n").unwrap();
    build(&root.join("generated"), files / 10);
    println!(
        "tree: {files} source files in {source_folders} folders, plus {} skipped files (built in {:.1} s)",
        files / 4 * 2 + files / 10,
        t.elapsed().as_secs_f64()
    );

    let before = rss_kib();
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    let options = Options {
        max_folders,
        agents: watch::Homes::default(),
        keep_texts: false,
    };
    let _w = watch::watch(&root, options, move |n| {
        let _ = tx.send(n);
    })
    .unwrap();
    let ready = loop {
        match rx.recv_timeout(Duration::from_secs(120)).unwrap() {
            News::Ready(r) => break r,
            News::Warning(w) => println!("warning: {w}"),
            _ => {}
        }
    };
    let startup = started.elapsed();
    let after = rss_kib();
    println!(
        "start-up: {:.0} ms to watch {} folders (complete: {}), memory +{} KiB",
        startup.as_secs_f64() * 1000.0,
        ready.folders,
        ready.complete,
        after.saturating_sub(before)
    );
    // The index, as the session builds it from the walk's batches.
    let before_index = rss_kib();
    let mut index = DiskLines::default();
    let (mut files_read, mut left_out) = (0, 0);
    let indexing = Instant::now();
    while let Ok(news) = rx.recv_timeout(Duration::from_secs(5)) {
        if let News::Exists(batch) = news {
            for f in batch {
                files_read += 1;
                if index.add(&f.keys) == Added::Full {
                    left_out += 1;
                }
            }
        }
    }
    println!(
        "index: {files_read} files read in {:.1} s; {} files' lines held ({} distinct lines, \
         bound {MAX_LINES}, full: {}, {} KiB), {left_out} files left out; memory +{} KiB",
        indexing.elapsed().as_secs_f64() - 5.0,
        index.files(),
        index.len(),
        index.is_full(),
        index.heap_bytes() >> 10,
        rss_kib().saturating_sub(before_index)
    );
    let target = root.join("src/m001/p0001/f3.rs");
    let wrote = Instant::now();
    std::fs::write(&target, "fn f() { changed() }\n").unwrap();
    loop {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(News::Changes(c)) if c.iter().any(|c| c.rel_path.ends_with("f3.rs")) => break,
            Ok(_) => {}
            Err(_) => {
                println!("write: not seen (outside the watched folders)");
                return;
            }
        }
    }
    println!(
        "write: seen after {:.0} ms (150 ms of it is the settle time that batches bursts)",
        wrote.elapsed().as_secs_f64() * 1000.0
    );
}
