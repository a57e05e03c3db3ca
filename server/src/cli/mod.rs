//! The `mindgap` command line: reads arguments, runs a subcommand, and turns failures into one
//! plain sentence on stderr with exit code 1 (SPEC section 1).

mod args;
mod check;
mod helix;
mod practices;
mod replay;
pub(crate) mod report;
mod tasks;

use std::ffi::OsString;
use std::path::PathBuf;

use args::Args;

const USAGE: &str = "\
mindgap — an honest, local record of how you lean on outside help while you code

usage:
  mindgap lsp [--record PATH]          the language server over stdio
  mindgap replay [--json] [--explain] TRACE…
                                       replay recorded sessions, one line per classified change
                                       (--explain adds each decision's confidence and evidence)
  mindgap demo                         replay a bundled real Neovim session and show the result
  mindgap status [--json] [--format FMT] [--dir DIR]
                                       the status line for the workspace holding DIR
  mindgap task start NAME [--manual] [--estimate LINES]
  mindgap task finish | task list | task show [NAME] [--json]
                                       tasks and their first-80% / last-20% outside-help shares
                                       (every task command takes --dir DIR; default: here)
  mindgap learn [TEXT…] | learn --list  add a dated entry to your learning log (no TEXT: open it in
                                       $EDITOR), or list its entries
  mindgap self-check [--ratings 4,2,3,5,1]
                                       five questions on what you can still do on your own, rated
                                       1 (very uncomfortable) .. 5 (comfortable)
  mindgap audit [--dir DIR] | audit --status
                                       the monthly audit: redo a skill without help, then write
                                       down what you could not do
  mindgap report [--since 8w|30d] [--format text|json|html] [-o PATH]
                                       weekly outside-help shares, tasks, practices and signals
  mindgap export [--format json|csv] [-o PATH]
                                       all your data as one JSON object, or CSV files in -o DIR
  mindgap check [--staged] [--dir DIR] outside-help blocks that still need an explanation (exit 1 if any)
  mindgap hook install [--dir DIR]     run `mindgap check --staged` from git's pre-commit hook
  mindgap helix-config [LANGUAGE…]     print a Helix languages.toml adding mindgap to each language
  mindgap --version | --help

Every command takes --home DIR (else $MINDGAP_HOME, else $XDG_DATA_HOME/mindgap, else
~/.local/share/mindgap). Logs go to stderr; filter them with RUST_LOG (e.g. RUST_LOG=mindgap=debug).
";

/// Runs the command line and returns the process exit code.
pub fn main(argv: Vec<OsString>) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("mindgap: {message}");
            1
        }
    }
}

fn run(argv: Vec<OsString>) -> Result<i32, String> {
    let mut argv = argv.into_iter().skip(1);
    let Some(command) = argv.next() else {
        eprint!("{USAGE}");
        return Ok(1);
    };
    let command = command.to_string_lossy().into_owned();
    let mut args = Args::new(&command, argv.collect())?;
    match command.as_str() {
        "--version" | "-V" | "version" => {
            args.finish()?;
            println!("mindgap {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
        "--help" | "-h" | "help" => {
            print!("{USAGE}");
            Ok(0)
        }
        "lsp" => {
            let home = home(&mut args)?;
            let record = args.value("--record")?.map(PathBuf::from);
            // Many clients add --stdio; stdio is the only transport there is.
            let _ = args.flag("--stdio");
            args.finish()?;
            init_logging("info");
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the async runtime: {e}."))?;
            let code =
                runtime.block_on(crate::lsp::serve(crate::lsp::ServeOptions { home, record }));
            // Do not wait for the stdin reader: a client may keep the pipe open after `exit`.
            runtime.shutdown_timeout(std::time::Duration::from_millis(100));
            Ok(code)
        }
        "replay" => {
            let home = args.value("--home")?.map(PathBuf::from);
            let json = args.flag("--json");
            let explain = args.flag("--explain");
            let traces = args.positionals()?;
            init_logging("warn");
            replay::replay(home, json, explain, &traces)
        }
        "demo" => {
            let _ = args.value("--home")?; // the demo always runs in a throw-away home
            args.finish()?;
            init_logging("warn");
            replay::demo()
        }
        "status" => {
            let home = home(&mut args)?;
            let dir = args.value("--dir")?;
            let json = args.flag("--json");
            let format = args.value("--format")?;
            args.finish()?;
            init_logging("error");
            Ok(tasks::status(&home, dir, json, format))
        }
        "check" => {
            let home = home(&mut args)?;
            let dir = args.value("--dir")?;
            let staged = args.flag("--staged");
            args.finish()?;
            init_logging("warn");
            check::check(&home, dir, staged)
        }
        "hook" => {
            let dir = args.value("--dir")?;
            let _ = args.value("--home")?;
            let rest = args.positionals()?;
            match rest.as_slice() {
                [sub] if sub == "install" => check::hook_install(dir),
                _ => Err("`mindgap hook` takes `install`; see `mindgap --help`.".into()),
            }
        }
        "helix-config" => {
            let _ = args.value("--home")?;
            let only = args.positionals()?;
            print!("{}", helix::config(&only)?);
            Ok(0)
        }
        "learn" => {
            let home = home(&mut args)?;
            let list = args.flag("--list");
            let words = args.positionals()?;
            init_logging("warn");
            practices::learn(&home, &words, list)
        }
        "self-check" => {
            let home = home(&mut args)?;
            let ratings = args.value("--ratings")?;
            args.finish()?;
            init_logging("warn");
            practices::self_check(&home, ratings)
        }
        "audit" => {
            let home = home(&mut args)?;
            let dir = args.value("--dir")?;
            let status = args.flag("--status");
            args.finish()?;
            init_logging("warn");
            practices::audit(&home, dir, status)
        }
        "report" => {
            let home = home(&mut args)?;
            let since = args.value("--since")?;
            let format = args.value("--format")?;
            let out = match args.value("-o")? {
                Some(o) => Some(o),
                None => args.value("--output")?,
            };
            args.finish()?;
            init_logging("warn");
            report::report(&home, since, format, out)
        }
        "export" => {
            let home = home(&mut args)?;
            let format = args.value("--format")?;
            let out = match args.value("-o")? {
                Some(o) => Some(o),
                None => args.value("--output")?,
            };
            args.finish()?;
            init_logging("warn");
            report::export(&home, format, out)
        }
        "task" => {
            let home = home(&mut args)?;
            let dir = args.value("--dir")?;
            init_logging("warn");
            let json = args.flag("--json");
            let manual = args.flag("--manual");
            let estimate = match args.value("--estimate")? {
                None => None,
                Some(v) => Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--estimate takes a number of lines, not {v:?}."))?,
                ),
            };
            let rest = args.positionals()?;
            let sub = rest.first().map(String::as_str);
            match (sub, &rest[1.min(rest.len())..]) {
                (Some("start"), [name]) => tasks::start(&home, dir, name, manual, estimate),
                (Some("start"), _) => Err("`mindgap task start` takes one NAME, e.g. `mindgap task start parser`.".into()),
                (Some("finish"), []) => tasks::finish(&home, dir),
                (Some("list"), []) => tasks::list(&home, dir),
                (Some("show"), []) => tasks::show(&home, dir, None, json),
                (Some("show"), [name]) => tasks::show(&home, dir, Some(name.clone()), json),
                _ => Err("`mindgap task` takes start NAME, finish, list or show [NAME]; see `mindgap --help`.".into()),
            }
        }
        other => Err(format!(
            "there is no command `{other}`; see `mindgap --help`."
        )),
    }
}

fn home(args: &mut Args) -> Result<PathBuf, String> {
    crate::home::resolve(args.value("--home")?.map(PathBuf::from))
}

/// Logs to stderr (never stdout: it carries the protocol), filtered by `RUST_LOG`.
fn init_logging(default: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
