//! The shape of the `mindgap` command line, declared with clap's derive: every command, option
//! and help text, and [`parse`], which reads `argv` into a [`Cli`] or says what to print instead
//! (help, the version, the usage, or one sentence for a usage error, see `parse_error`).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

const AFTER_HELP: &str = "\
Every command takes --home DIR, before or after the command (else $MINDGAP_HOME, else
$XDG_DATA_HOME/mindgap, else ~/.local/share/mindgap). Logs go to stderr; filter them with
RUST_LOG (e.g. RUST_LOG=mindgap=debug). `mindgap help COMMAND` explains one command.";

/// mindgap — an honest, local record of how you lean on outside help while you code
#[derive(Debug, Parser)]
#[command(
    name = "mindgap",
    version,
    after_help = AFTER_HELP,
    args_override_self = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The folder mindgap keeps its data in (default: see `mindgap --help`)
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// The language server over stdio
    Lsp {
        /// Also write the live session as a trace (JSON Lines), including the text you type
        #[arg(long, value_name = "PATH")]
        record: Option<PathBuf>,
        /// Accepted and ignored: stdio is the only transport there is
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Replay recorded sessions, one line per classified change, then a summary
    ///
    /// Runs in a throw-away home unless --home is given.
    Replay {
        /// One JSON object per line (SPEC section 4)
        #[arg(long)]
        json: bool,
        /// Add each decision's confidence (0–1) and evidence
        #[arg(long)]
        explain: bool,
        /// Trace files (JSON Lines) to replay, in order
        #[arg(value_name = "TRACE")]
        traces: Vec<String>,
    },
    /// Replay a bundled real Neovim session and show what an editor would have shown
    ///
    /// Always runs in a throw-away home, whatever --home says.
    Demo,
    /// The status line for the workspace holding DIR
    Status {
        /// Print the whole status as one JSON object
        #[arg(long)]
        json: bool,
        /// A template with {task} {phase} {early} {late} {overall} {progress} {silent}
        #[arg(long, value_name = "FMT")]
        format: Option<String>,
        /// A folder in the workspace (default: here)
        #[arg(long, value_name = "DIR")]
        dir: Option<String>,
    },
    /// Tasks and their first-80% / last-20% outside-help shares
    #[command(arg_required_else_help = false)]
    Task {
        /// A folder in the task's workspace (default: here)
        #[arg(long, global = true, value_name = "DIR")]
        dir: Option<String>,
        #[command(subcommand)]
        command: TaskCmd,
    },
    /// Add a dated entry to your learning log, open it in $EDITOR, or list its entries
    Learn {
        /// Print the entries, oldest first
        #[arg(long)]
        list: bool,
        /// The entry's text (without it, the log opens in $EDITOR, else $VISUAL, else vi)
        #[arg(value_name = "TEXT")]
        words: Vec<String>,
    },
    /// Five questions on what you can still do on your own, each rated 1 to 5
    SelfCheck {
        /// The five ratings at once instead of asking, e.g. 4,2,3,5,1
        #[arg(long, value_name = "RATINGS")]
        ratings: Option<String>,
    },
    /// The monthly audit: redo a skill without help, then write down what you could not do
    ///
    /// The first run starts it, the second finishes it.
    Audit {
        /// A folder in the workspace (default: here)
        #[arg(long, value_name = "DIR")]
        dir: Option<String>,
        /// Say when the last audit was and whether one is due
        #[arg(long)]
        status: bool,
    },
    /// Weekly outside-help shares, tasks, practices and signals of a gap opening
    Report {
        /// How far back: weeks or days, e.g. 8w (default) or 30d
        #[arg(long, value_name = "DUR")]
        since: Option<String>,
        /// text (default), json or html
        #[arg(long, value_name = "FMT")]
        format: Option<String>,
        /// Write to PATH instead of stdout
        #[arg(short = 'o', long = "output", value_name = "PATH")]
        output: Option<String>,
        /// The team's view instead: per author and week, from the notes in the repository
        #[arg(long)]
        repo: bool,
        /// With --repo: a folder in the repository (default: here)
        #[arg(long, value_name = "DIR", requires = "repo")]
        dir: Option<String>,
    },
    /// All your data as one JSON object, one CSV file per table, or Agent Trace records
    ///
    /// --format agent-trace writes the repository's attribution as Agent Trace records (JSON
    /// Lines): one per commit with a mindgap note, and one for the uncommitted work.
    Export {
        /// json (default), csv (needs -o DIR) or agent-trace
        #[arg(long, value_name = "FMT")]
        format: Option<String>,
        /// Write to PATH (a folder for csv) instead of stdout
        #[arg(short = 'o', long = "output", value_name = "PATH")]
        output: Option<String>,
        /// For agent-trace: a folder in the repository (default: here)
        #[arg(long, value_name = "DIR")]
        dir: Option<String>,
    },
    /// Write a commit's attribution as an Agent Trace note under refs/notes/mindgap
    ///
    /// git's post-commit hook runs it (`mindgap hook install`); run it by hand for a commit made
    /// without hooks. Share the notes with `git push origin refs/notes/mindgap`.
    Note {
        /// The commit (default: HEAD)
        #[arg(value_name = "COMMIT")]
        commit: Option<String>,
        /// Note the commits git rewrote: "OLD NEW" lines on stdin, as git's post-rewrite hook
        /// gives them
        #[arg(long, conflicts_with = "commit")]
        rewritten: bool,
        /// Print the record written
        #[arg(long)]
        print: bool,
        /// Say nothing unless something went wrong (for hooks)
        #[arg(long, short = 'q')]
        quiet: bool,
        /// A folder in the repository (default: here)
        #[arg(long, value_name = "DIR")]
        dir: Option<String>,
    },
    /// Each line of FILE with where it came from (own, paste, completion, agent, mixed,
    /// unknown) and its commit
    Blame {
        /// The file (in a git work tree, or not)
        #[arg(value_name = "FILE")]
        file: String,
        /// One JSON object per line
        #[arg(long)]
        json: bool,
    },
    /// Outside-help blocks that still need an explanation (exit 1 if any)
    Check {
        /// Check the text in git's index instead of the working tree
        #[arg(long)]
        staged: bool,
        /// A folder in the repository (default: here)
        #[arg(long, value_name = "DIR")]
        dir: Option<String>,
    },
    /// Wire `mindgap check --staged` and `mindgap note` into git
    #[command(arg_required_else_help = false)]
    Hook {
        /// A folder in the repository (default: here)
        #[arg(long, global = true, value_name = "DIR")]
        dir: Option<String>,
        #[command(subcommand)]
        command: HookCmd,
    },
    /// Print a Helix languages.toml adding mindgap to each language
    HelixConfig {
        /// Only these languages (default: every language mindgap has an entry for)
        #[arg(value_name = "LANGUAGE")]
        languages: Vec<String>,
    },
    /// Print a shell completion script for bash, zsh or fish
    ///
    /// bash: mindgap completions bash > ~/.local/share/bash-completion/completions/mindgap
    /// zsh:  mindgap completions zsh > ~/.zfunc/_mindgap (with fpath+=~/.zfunc before compinit)
    /// fish: mindgap completions fish > ~/.config/fish/completions/mindgap.fish
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell to complete in
        #[arg(value_name = "SHELL", value_parser = ["bash", "zsh", "fish"])]
        shell: String,
    },
    /// Print mindgap's version
    Version,
}

#[derive(Debug, Subcommand)]
pub enum TaskCmd {
    /// Start (or resume) a task in the workspace
    Start {
        /// The task's name
        name: String,
        /// A task meant to be done without outside help
        #[arg(long)]
        manual: bool,
        /// The expected size in lines, for the early/late split while it runs
        #[arg(long, value_name = "LINES", value_parser = estimate_lines, allow_negative_numbers = true)]
        estimate: Option<u64>,
    },
    /// Finish the active task and print its exact shares
    Finish,
    /// List the workspace's tasks
    List,
    /// Show one task: the named one, else the active one, else the one finished last
    Show {
        /// The task's name
        name: Option<String>,
        /// Print it as one JSON object
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HookCmd {
    /// Run `mindgap check --staged` before each commit and `mindgap note` after it (existing
    /// hooks are kept)
    Install,
}

fn estimate_lines(v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("--estimate takes a number of lines, not {v:?}."))
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Parsed {
    /// Run `command`, with `--home` as given.
    Run { home: Option<PathBuf>, command: Cmd },
    /// Print this help text on stdout; exit 0.
    Help(String),
    /// Print `mindgap VERSION` on stdout; exit 0.
    Version,
    /// Print this usage on stderr; exit 1 (no command was given).
    Usage(String),
}

/// The full command, as clap sees it (also the source of the completion scripts).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Reads `argv` (program name first). A usage error is one sentence, without the `mindgap: `.
pub fn parse(argv: Vec<OsString>) -> Result<Parsed, String> {
    let args = argv
        .into_iter()
        .skip(1)
        .map(|a| {
            a.into_string().map_err(|a| {
                format!("The argument {a:?} is not valid UTF-8; rename it or pass it another way.")
            })
        })
        .collect::<Result<Vec<String>, String>>()?;
    let mut cmd = command();
    let matches =
        cmd.try_get_matches_from_mut(std::iter::once("mindgap".to_string()).chain(args.clone()));
    match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(Cli {
            home,
            command: Some(command),
        }) => Ok(Parsed::Run { home, command }),
        Ok(Cli { command: None, .. }) => Ok(Parsed::Usage(text(cmd.render_help()))),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp => Ok(Parsed::Help(text(e.render()))),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Ok(Parsed::Usage(text(e.render())))
            }
            ErrorKind::DisplayVersion => Ok(Parsed::Version),
            _ => Err(super::parse_error::sentence(&e, &mut cmd, &args)),
        },
    }
}

/// Help text that ends its last line.
fn text(help: clap::builder::StyledStr) -> String {
    let mut text = help.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (Option<PathBuf>, Cmd) {
        let argv = std::iter::once("mindgap").chain(args.iter().copied());
        match parse(argv.map(OsString::from).collect()) {
            Ok(Parsed::Run { home, command }) => (home, command),
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn the_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn home_goes_before_or_after_the_command() {
        for args in [
            &["--home", "/h", "status"][..],
            &["status", "--home", "/h"],
            &["status", "--home=/h"],
            &["--home=/h", "task", "list"],
            &["task", "--home", "/h", "list"],
            &["task", "list", "--home", "/h"],
        ] {
            assert_eq!(run(args).0, Some(PathBuf::from("/h")), "{args:?}");
        }
        assert_eq!(run(&["status"]).0, None);
    }

    #[test]
    fn options_take_their_value_either_way() {
        let (_, cmd) = run(&[
            "task",
            "--dir=/d",
            "start",
            "p",
            "--estimate=12",
            "--manual",
        ]);
        let Cmd::Task {
            dir,
            command:
                TaskCmd::Start {
                    name,
                    manual,
                    estimate,
                },
        } = cmd
        else {
            panic!("{cmd:?}")
        };
        assert_eq!((dir.as_deref(), name.as_str()), (Some("/d"), "p"));
        assert_eq!((manual, estimate), (true, Some(12)));
        let (_, cmd) = run(&["report", "-o", "r.html", "--since", "4w"]);
        assert!(
            matches!(cmd, Cmd::Report { output: Some(o), since: Some(s), .. } if o == "r.html" && s == "4w")
        );
        let (_, cmd) = run(&["export", "--output=x.json"]);
        assert!(matches!(cmd, Cmd::Export { output: Some(o), .. } if o == "x.json"));
        let (_, cmd) = run(&["note", "HEAD~2", "--print"]);
        assert!(matches!(cmd, Cmd::Note { commit: Some(c), print: true, .. } if c == "HEAD~2"));
        let (_, cmd) = run(&["blame", "src/a.rs", "--json"]);
        assert!(matches!(cmd, Cmd::Blame { file, json: true } if file == "src/a.rs"));
        // Given twice, the last one counts.
        let (_, cmd) = run(&["status", "--dir", "a", "--dir", "b", "--json", "--json"]);
        assert!(matches!(cmd, Cmd::Status { dir: Some(d), json: true, .. } if d == "b"));
    }

    #[test]
    fn lsp_takes_stdio_and_demo_takes_home() {
        assert!(matches!(
            run(&["lsp", "--stdio"]).1,
            Cmd::Lsp { stdio: true, .. }
        ));
        assert!(matches!(
            run(&["demo", "--home", "/x"]),
            (Some(_), Cmd::Demo)
        ));
        let (_, cmd) = run(&["hook", "install", "--home", "/x", "--dir", "/r"]);
        assert!(matches!(cmd, Cmd::Hook { dir: Some(d), .. } if d == "/r"));
    }

    #[test]
    fn help_version_and_usage() {
        let parsed = |args: &[&str]| {
            let argv = std::iter::once("mindgap").chain(args.iter().copied());
            parse(argv.map(OsString::from).collect())
        };
        for args in [&["--help"][..], &["-h"], &["help"]] {
            let Ok(Parsed::Help(text)) = parsed(args) else {
                panic!("{args:?}")
            };
            assert!(
                text.contains("completions") && text.ends_with('\n'),
                "{text}"
            );
        }
        let Ok(Parsed::Help(text)) = parsed(&["help", "task", "start"]) else {
            panic!()
        };
        assert!(text.contains("--estimate"), "{text}");
        assert!(matches!(parsed(&["--version"]), Ok(Parsed::Version)));
        assert!(matches!(parsed(&["-V"]), Ok(Parsed::Version)));
        assert!(matches!(parsed(&[]), Ok(Parsed::Usage(_))));
        let bad = vec![
            OsString::from("mindgap"),
            OsString::from("replay"),
            std::os::unix::ffi::OsStringExt::from_vec(vec![0xff]),
        ];
        assert!(parse(bad).unwrap_err().contains("is not valid UTF-8"));
    }
}
