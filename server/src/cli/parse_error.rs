//! Turns a clap parse error into mindgap's one plain sentence that says what to do (SPEC
//! section 1): which command was being read comes from `argv` itself, what went wrong from the
//! error's kind and context. clap's own multi-line message is never shown.

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};

const TASK: &str =
    "`mindgap task` takes start NAME, finish, list or show [NAME]; see `mindgap --help`.";
const TASK_START: &str = "`mindgap task start` takes one NAME, e.g. `mindgap task start parser`.";
const HOOK: &str = "`mindgap hook` takes `install`; see `mindgap --help`.";

/// The sentence for `err`, raised while `cmd` read `args` (without the program name). No
/// `mindgap: ` prefix, no line break.
pub fn sentence(err: &clap::Error, cmd: &mut Command, args: &[String]) -> String {
    cmd.build();
    let path = command_path(cmd, args);
    let name = std::iter::once("mindgap")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let arg = context(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(err, ContextKind::InvalidValue).unwrap_or_default();
    // "--dir <DIR>" names the option --dir.
    let flag = arg.split([' ', '=']).next().unwrap_or_default();
    let text = if let Some(s) = group_sentence(&path, err.kind(), &arg) {
        s.to_string()
    } else {
        match err.kind() {
            ErrorKind::InvalidSubcommand => {
                let sub = match path.first().map(String::as_str) {
                    Some("help") => help_topic(args),
                    _ => context(err, ContextKind::InvalidSubcommand).unwrap_or_default(),
                };
                format!("there is no command `{sub}`; see `mindgap --help`.")
            }
            ErrorKind::UnknownArgument if is_option(&arg) => {
                format!("`{name}` has no option {arg}; see `mindgap --help`.")
            }
            ErrorKind::UnknownArgument => {
                format!("`{name}` takes no argument {arg:?}; see `mindgap --help`.")
            }
            ErrorKind::InvalidValue if value.is_empty() && is_option(flag) => {
                let flag = as_typed(cmd, &path, flag, args);
                format!("`{name}` needs a value after {flag}.")
            }
            ErrorKind::InvalidValue => {
                let valid = match err.get(ContextKind::ValidValue) {
                    Some(ContextValue::Strings(v)) => one_of(v),
                    _ => "another value".to_string(),
                };
                let subject = match is_option(flag) {
                    true => flag.to_string(),
                    false => format!("`{name}`"),
                };
                format!("{subject} takes {valid}, not {value:?}.")
            }
            ErrorKind::ValueValidation => match std::error::Error::source(err) {
                Some(source) => source.to_string(),
                None => format!("{flag} cannot take {value:?}; see `{name} --help`."),
            },
            ErrorKind::TooManyValues => {
                format!("`{name}` has no option {flag}={value}; see `mindgap --help`.")
            }
            ErrorKind::MissingRequiredArgument => {
                format!("`{name}` needs {arg}; see `{name} --help`.")
            }
            kind => format!("`{name}` cannot read its arguments ({kind}); see `{name} --help`."),
        }
    };
    text.replace(['\n', '\r'], " ")
}

/// The command the error belongs to has its own sentence for a missing or unexpected word.
fn group_sentence(path: &[String], kind: ErrorKind, arg: &str) -> Option<&'static str> {
    let positional = match kind {
        ErrorKind::InvalidSubcommand
        | ErrorKind::MissingSubcommand
        | ErrorKind::MissingRequiredArgument => true,
        ErrorKind::UnknownArgument => !is_option(arg),
        _ => false,
    };
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    match path.as_slice() {
        _ if !positional => None,
        ["task", "start"] => Some(TASK_START),
        ["task", ..] => Some(TASK),
        ["hook", ..] => Some(HOOK),
        _ => None,
    }
}

/// The subcommands `args` names, outermost first (`["task", "start"]`), as far as they go:
/// options are stepped over with their values, the first other word that is not a subcommand
/// ends the path.
fn command_path(cmd: &Command, args: &[String]) -> Vec<String> {
    let mut path = Vec::new();
    let mut cmd = cmd;
    let mut args = args.iter();
    while let Some(a) = args.next() {
        let takes_value = if a == "--" {
            break;
        } else if let Some(long) = a.strip_prefix("--") {
            cmd.get_arguments()
                .any(|x| x.get_long() == Some(long) && x.get_action().takes_values())
        } else if let Some(short) = a.strip_prefix('-') {
            let mut chars = short.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => cmd
                    .get_arguments()
                    .any(|x| x.get_short() == Some(c) && x.get_action().takes_values()),
                _ => false,
            }
        } else if let Some(sub) = cmd.find_subcommand(a) {
            path.push(sub.get_name().to_string());
            cmd = sub;
            continue;
        } else {
            break;
        };
        if takes_value {
            args.next();
        }
    }
    path
}

/// What `mindgap help …` asked about: its words after `help`.
fn help_topic(args: &[String]) -> String {
    args.iter()
        .skip_while(|a| *a != "help")
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `flag` as the person wrote it: `-o` when they used the short form of `--output`.
fn as_typed(cmd: &Command, path: &[String], flag: &str, args: &[String]) -> String {
    let leaf = path
        .iter()
        .fold(cmd, |c, p| c.find_subcommand(p).unwrap_or(c));
    let short = flag
        .strip_prefix("--")
        .and_then(|long| leaf.get_arguments().find(|a| a.get_long() == Some(long)))
        .and_then(|a| a.get_short());
    match short {
        Some(s) if args.iter().any(|a| *a == format!("-{s}")) => format!("-{s}"),
        _ => flag.to_string(),
    }
}

fn is_option(arg: &str) -> bool {
    arg.starts_with('-') && arg.len() > 1
}

/// "bash, zsh or fish".
fn one_of(values: &[String]) -> String {
    match values {
        [] => "another value".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(" ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::command::parse;
    use std::ffi::OsString;

    fn error(args: &[&str]) -> String {
        let argv = std::iter::once("mindgap").chain(args.iter().copied());
        match parse(argv.map(OsString::from).collect()) {
            Err(sentence) => sentence,
            Ok(parsed) => panic!("{args:?} parsed: {parsed:?}"),
        }
    }

    #[test]
    fn each_usage_error_is_one_sentence() {
        for (args, want) in [
            (
                &["foo"][..],
                "there is no command `foo`; see `mindgap --help`.",
            ),
            (
                &["replay", "--bogus"],
                "`mindgap replay` has no option --bogus; see `mindgap --help`.",
            ),
            (
                &["status", "--dir"],
                "`mindgap status` needs a value after --dir.",
            ),
            (
                &["status", "--dir", "--json"],
                "`mindgap status` needs a value after --dir.",
            ),
            (
                &["report", "-o"],
                "`mindgap report` needs a value after -o.",
            ),
            (
                &["demo", "x"],
                "`mindgap demo` takes no argument \"x\"; see `mindgap --help`.",
            ),
            (
                &["task", "start", "p", "--estimate", "abc"],
                "--estimate takes a number of lines, not \"abc\".",
            ),
            (
                &["task", "start"],
                "`mindgap task start` takes one NAME, e.g. `mindgap task start parser`.",
            ),
            (
                &["task", "--dir", "d", "start", "a", "b"],
                "`mindgap task start` takes one NAME, e.g. `mindgap task start parser`.",
            ),
            (
                &["task", "bogus"],
                "`mindgap task` takes start NAME, finish, list or show [NAME]; see `mindgap --help`.",
            ),
            (
                &["task"],
                "`mindgap task` takes start NAME, finish, list or show [NAME]; see `mindgap --help`.",
            ),
            (
                &["task", "show", "a", "b"],
                "`mindgap task` takes start NAME, finish, list or show [NAME]; see `mindgap --help`.",
            ),
            (
                &["hook"],
                "`mindgap hook` takes `install`; see `mindgap --help`.",
            ),
            (
                &["hook", "remove"],
                "`mindgap hook` takes `install`; see `mindgap --help`.",
            ),
            (
                &["completions", "tcsh"],
                "`mindgap completions` takes bash, zsh or fish, not \"tcsh\".",
            ),
            (
                &["status", "--json=yes"],
                "`mindgap status` has no option --json=yes; see `mindgap --help`.",
            ),
            (
                &["help", "nope"],
                "there is no command `nope`; see `mindgap --help`.",
            ),
            (&["--home"], "`mindgap` needs a value after --home."),
        ] {
            assert_eq!(error(args), want, "{args:?}");
        }
    }

    #[test]
    fn the_command_path_skips_options_and_their_values() {
        let mut cmd = super::super::command::command();
        cmd.build();
        let path = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            super::command_path(&cmd, &args)
        };
        assert_eq!(
            path(&["--home", "task", "task", "--dir", "start", "show"]),
            ["task", "show"]
        );
        assert_eq!(path(&["--home=x", "report", "-o", "status"]), ["report"]);
        assert_eq!(path(&["learn", "task"]), ["learn"]);
        assert!(path(&["--", "status"]).is_empty());
    }
}
