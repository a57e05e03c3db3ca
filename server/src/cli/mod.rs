//! The `mindgap` command line: reads arguments (declared in `command`, with clap), runs a
//! subcommand, and turns failures into one plain sentence on stderr with exit code 1 (SPEC
//! section 1; usage errors are worded in `parse_error`).

mod attribution;
mod check;
mod command;
mod helix;
mod hooks;
mod parse_error;
mod practices;
mod replay;
pub(crate) mod report;
mod tasks;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use command::{Cmd, HookCmd, Parsed, TaskCmd};

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
    match command::parse(argv)? {
        Parsed::Run { home, command } => dispatch(home, command),
        Parsed::Help(text) => {
            print!("{text}");
            Ok(0)
        }
        Parsed::Version => version(),
        Parsed::Usage(text) => {
            eprint!("{text}");
            Ok(1)
        }
    }
}

/// Runs one command; `home` is `--home` as given (resolved here for the commands that use it).
fn dispatch(home: Option<PathBuf>, command: Cmd) -> Result<i32, String> {
    let resolve = || crate::home::resolve(home.clone());
    match command {
        Cmd::Version => version(),
        Cmd::Completions { shell } => completions(&shell),
        // Many clients add --stdio; stdio is the only transport there is.
        Cmd::Lsp { record, stdio: _ } => lsp(resolve()?, record),
        Cmd::Replay {
            json,
            explain,
            traces,
        } => {
            init_logging("warn");
            replay::replay(home, json, explain, &traces)
        }
        // The demo always runs in a throw-away home.
        Cmd::Demo => {
            init_logging("warn");
            replay::demo()
        }
        Cmd::Status { json, format, dir } => {
            let home = resolve()?;
            init_logging("error");
            Ok(tasks::status(&home, dir, json, format))
        }
        Cmd::Check { staged, dir } => {
            let home = resolve()?;
            init_logging("warn");
            check::check(&home, dir, staged)
        }
        Cmd::Hook {
            dir,
            command: HookCmd::Install,
        } => hooks::install(dir),
        Cmd::HelixConfig { languages } => {
            print!("{}", helix::config(&languages)?);
            Ok(0)
        }
        Cmd::Task { dir, command } => {
            let home = resolve()?;
            init_logging("warn");
            task(&home, dir, command)
        }
        other => practices_and_reports(&resolve()?, other),
    }
}

/// The commands about practices and reports, which all use the home.
fn practices_and_reports(home: &Path, command: Cmd) -> Result<i32, String> {
    init_logging("warn");
    match command {
        Cmd::Learn { list, words } => practices::learn(home, &words, list),
        Cmd::SelfCheck { ratings } => practices::self_check(home, ratings),
        Cmd::Audit { dir, status } => practices::audit(home, dir, status),
        Cmd::Report {
            since,
            format,
            output,
            repo: true,
            dir,
        } => attribution::team_report(dir, since, format, output),
        Cmd::Report {
            since,
            format,
            output,
            ..
        } => report::report(home, since, format, output),
        Cmd::Export {
            format,
            output,
            dir,
        } if format.as_deref() == Some("agent-trace") => attribution::export(home, output, dir),
        Cmd::Export {
            format,
            output,
            dir,
        } => report::export(home, format, output, dir),
        Cmd::Note {
            commit,
            rewritten,
            print,
            quiet,
            dir,
        } => attribution::note(home, dir, commit, rewritten, print, quiet),
        Cmd::Blame { file, json } => attribution::blame(home, &file, json),
        other => unreachable!("dispatch runs {other:?} itself"),
    }
}

fn task(home: &Path, dir: Option<String>, command: TaskCmd) -> Result<i32, String> {
    match command {
        TaskCmd::Start {
            name,
            manual,
            estimate,
        } => tasks::start(home, dir, &name, manual, estimate),
        TaskCmd::Finish => tasks::finish(home, dir),
        TaskCmd::List => tasks::list(home, dir),
        TaskCmd::Show { name, json } => tasks::show(home, dir, name, json),
    }
}

fn lsp(home: PathBuf, record: Option<PathBuf>) -> Result<i32, String> {
    init_logging("info");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}."))?;
    let code = runtime.block_on(crate::lsp::serve(crate::lsp::ServeOptions { home, record }));
    // Do not wait for the stdin reader: a client may keep the pipe open after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(code)
}

fn version() -> Result<i32, String> {
    println!("mindgap {}", env!("CARGO_PKG_VERSION"));
    Ok(0)
}

/// A completion script for `shell` on stdout.
fn completions(shell: &str) -> Result<i32, String> {
    use clap_complete::Shell;
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        other => {
            return Err(format!(
                "`mindgap completions` takes bash, zsh or fish, not {other:?}."
            ));
        }
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command::command(), "mindgap", &mut script);
    std::io::stdout()
        .write_all(&script)
        .map_err(|e| format!("cannot write the completion script ({e})."))?;
    Ok(0)
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
