//! The command line itself (SPEC section 1), against the real binary: help for every command and
//! subcommand, the version, shell completions, `--home` on either side of the command, and the
//! one-sentence usage errors with exit code 1.

use mindgap_e2e::{Output, run, run_with_env};

/// Every command and subcommand, with words its help must mention (its options).
const COMMANDS: &[(&[&str], &[&str])] = &[
    (&["lsp"], &["--record", "--home"]),
    (&["replay"], &["--json", "--explain", "TRACE"]),
    (&["demo"], &["--home"]),
    (&["status"], &["--json", "--format", "--dir"]),
    (&["task"], &["start", "finish", "list", "show", "--dir"]),
    (
        &["task", "start"],
        &["NAME", "--manual", "--estimate", "--dir"],
    ),
    (&["task", "finish"], &["--dir"]),
    (&["task", "list"], &["--dir"]),
    (&["task", "show"], &["NAME", "--json", "--dir"]),
    (&["learn"], &["TEXT", "--list"]),
    (&["self-check"], &["--ratings"]),
    (&["audit"], &["--dir", "--status"]),
    (&["report"], &["--since", "--format", "-o, --output"]),
    (&["export"], &["--format", "-o, --output"]),
    (&["check"], &["--staged", "--dir"]),
    (&["hook"], &["install", "--dir"]),
    (&["hook", "install"], &["--dir"]),
    (&["helix-config"], &["LANGUAGE"]),
    (&["completions"], &["SHELL", "bash", "zsh", "fish"]),
    (&["version"], &["--help"]),
];

fn succeeds(out: &Output, what: &str) -> String {
    assert_eq!(out.status.code(), Some(0), "{what}: {}", out.stderr);
    assert!(out.stderr.is_empty(), "{what}: {}", out.stderr);
    let text = out.stdout_str().to_string();
    assert!(!text.trim().is_empty(), "{what}: empty stdout");
    text
}

/// The one line on stderr, exit 1, nothing on stdout.
fn fails_with(args: &[&str], want: &str) {
    let out = run(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout_str());
    assert_eq!(out.stderr, format!("mindgap: {want}\n"), "{args:?}");
}

#[test]
fn every_command_has_help_both_ways() {
    for (command, mentions) in COMMANDS {
        let name = format!("mindgap {}", command.join(" "));
        let via_help = [&["help"][..], command].concat();
        let via_flag = [*command, &["--help"]].concat();
        let a = succeeds(&run(&via_help), &format!("{via_help:?}"));
        let b = succeeds(&run(&via_flag), &format!("{via_flag:?}"));
        assert_eq!(a, b, "{name}: `help CMD` and `CMD --help` differ");
        assert!(a.contains(&format!("Usage: {name}")), "{name}:\n{a}");
        // A one-line description before the usage.
        let about = a.lines().next().unwrap();
        assert!(
            !about.is_empty() && !about.starts_with("Usage"),
            "{name}:\n{a}"
        );
        for word in *mentions {
            assert!(
                a.contains(word),
                "{name} --help does not mention {word}:\n{a}"
            );
        }
        let short = succeeds(&run([*command, &["-h"]].concat()), &name);
        assert!(
            short.contains(&format!("Usage: {name}")),
            "{name} -h:\n{short}"
        );
    }
}

#[test]
fn the_overview_lists_every_command() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let text = succeeds(&run(args), &format!("{args:?}"));
        for (command, _) in COMMANDS.iter().filter(|(c, _)| c.len() == 1) {
            assert!(
                text.contains(&format!("  {} ", command[0])),
                "{args:?}:\n{text}"
            );
        }
        assert!(text.contains("--home"), "{text}");
    }
}

#[test]
fn no_arguments_prints_the_usage_on_stderr_and_fails() {
    let out = run(Vec::<&str>::new());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("Usage: mindgap"), "{}", out.stderr);
    assert!(out.stderr.contains("completions"), "{}", out.stderr);
}

#[test]
fn version_three_ways() {
    for args in ["--version", "-V", "version"] {
        let out = run([args]);
        assert_eq!(out.status.code(), Some(0), "{args}: {}", out.stderr);
        assert_eq!(
            out.stdout_str(),
            format!("mindgap {}\n", env!("CARGO_PKG_VERSION")),
            "{args}"
        );
    }
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let script = succeeds(&run(["completions", shell]), shell);
        assert!(script.contains("mindgap"), "{shell}");
        assert!(
            script.contains("self-check"),
            "{shell}: commands are completed"
        );
    }
    let bash = run(["completions", "bash"]);
    assert!(
        bash.stdout_str().contains("complete -F _mindgap"),
        "bash script registers itself"
    );
    fails_with(
        &["completions", "tcsh"],
        "`mindgap completions` takes bash, zsh or fish, not \"tcsh\".",
    );
}

#[test]
fn usage_errors_are_one_sentence_and_exit_1() {
    let task =
        "`mindgap task` takes start NAME, finish, list or show [NAME]; see `mindgap --help`.";
    let start = "`mindgap task start` takes one NAME, e.g. `mindgap task start parser`.";
    let hook = "`mindgap hook` takes `install`; see `mindgap --help`.";
    let cases: &[(&[&str], &str)] = &[
        (&["foo"], "there is no command `foo`; see `mindgap --help`."),
        (
            &["help", "foo"],
            "there is no command `foo`; see `mindgap --help`.",
        ),
        (
            &["replay", "--bogus"],
            "`mindgap replay` has no option --bogus; see `mindgap --help`.",
        ),
        (
            &["status", "--bogus=1"],
            "`mindgap status` has no option --bogus; see `mindgap --help`.",
        ),
        (
            &["status", "--dir"],
            "`mindgap status` needs a value after --dir.",
        ),
        (
            &["report", "-o"],
            "`mindgap report` needs a value after -o.",
        ),
        (&["--home"], "`mindgap` needs a value after --home."),
        (
            &["demo", "x"],
            "`mindgap demo` takes no argument \"x\"; see `mindgap --help`.",
        ),
        (
            &["task", "start", "p", "--estimate", "abc"],
            "--estimate takes a number of lines, not \"abc\".",
        ),
        (
            &["task", "start", "p", "--estimate=-3"],
            "--estimate takes a number of lines, not \"-3\".",
        ),
        (&["task", "start"], start),
        (&["task", "start", "a", "b"], start),
        (&["task"], task),
        (&["task", "bogus"], task),
        (&["task", "finish", "now"], task),
        (&["task", "show", "a", "b"], task),
        (&["hook"], hook),
        (&["hook", "remove"], hook),
        (&["hook", "install", "now"], hook),
    ];
    for (args, want) in cases {
        fails_with(args, want);
    }
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_named_in_one_sentence() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let out = run([
        OsString::from("replay"),
        OsString::from_vec(b"trace-\xff.jsonl".to_vec()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stderr,
        "mindgap: The argument \"trace-\\xFF.jsonl\" is not valid UTF-8; rename it or pass it another way.\n"
    );
}

#[test]
fn home_may_come_before_or_after_the_command() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, root, elsewhere) = (
        tmp.path().join("home"),
        tmp.path().join("work"),
        tmp.path().join("elsewhere"),
    );
    std::fs::create_dir_all(&root).unwrap();
    let (home, root) = (home.to_str().unwrap(), root.to_str().unwrap());
    // $MINDGAP_HOME points elsewhere: only --home can make these agree.
    let env = [("MINDGAP_HOME", elsewhere.to_str().unwrap())];
    let out = run_with_env(
        ["--home", home, "task", "start", "early", "--dir", root],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let out = run_with_env(
        ["task", "--home", home, "show", "--json", "--dir", root],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.json_lines()[0]["name"], "early");
    let out = run_with_env(
        [
            "--home=".to_string() + home,
            "status".into(),
            "--json".into(),
            "--dir".into(),
            root.into(),
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.json_lines()[0]["task"]["name"], "early");
    assert!(!elsewhere.exists(), "$MINDGAP_HOME was not used");
}

#[test]
fn ignored_options_stay_accepted() {
    // Clients start the server as `mindgap lsp --stdio`; it ends with its input.
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let out = run(["lsp", "--stdio", "--home", home.to_str().unwrap()]);
    assert!(
        !out.stderr.contains("mindgap: `mindgap lsp`"),
        "{}",
        out.stderr
    );
    let out = run(["helix-config", "rust", "--home", "/nonexistent"]);
    succeeds(&out, "helix-config --home");
    let out = run(["--home", "/nonexistent", "helix-config", "rust"]);
    succeeds(&out, "--home helix-config");
    // The demo runs in a throw-away home, whatever --home says.
    let out = run(["--home", "/nonexistent", "demo"]);
    succeeds(&out, "--home demo");
    assert!(!std::path::Path::new("/nonexistent").exists());
}

#[test]
fn blank_task_names_and_missing_dirs_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, root) = (tmp.path().join("home"), tmp.path().join("work"));
    std::fs::create_dir_all(&root).unwrap();
    let (home, root) = (home.to_str().unwrap(), root.to_str().unwrap());
    for blank in ["", "   ", "\t\n", "\u{1b}"] {
        let out = run(["task", "start", blank, "--home", home, "--dir", root]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{blank:?}: {}",
            out.stdout_str()
        );
        assert_eq!(
            out.stderr,
            "mindgap: a task needs a name: say what you are working on\n"
        );
    }
    let long = "x".repeat(201);
    let out = run([
        "task",
        "start",
        long.as_str(),
        "--home",
        home,
        "--dir",
        root,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let missing = tmp.path().join("nowhere");
    let missing = missing.to_str().unwrap();
    let said = format!("--dir {missing}: no such directory");
    for args in [
        vec!["check", "--dir", missing],
        vec!["status", "--dir", missing],
        vec!["task", "list", "--dir", missing],
        vec!["task", "start", "t", "--dir", missing],
        vec!["hook", "install", "--dir", missing],
    ] {
        let mut args = args.clone();
        args.extend(["--home", home]);
        fails_with(&args, &said);
    }
}

#[test]
fn a_status_line_never_carries_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, root) = (tmp.path().join("home"), tmp.path().join("work"));
    std::fs::create_dir_all(&root).unwrap();
    let (home, root) = (home.to_str().unwrap(), root.to_str().unwrap());
    let name = format!("evil\u{1b}[31mred\nline\u{7}{}", "z".repeat(150));
    let out = run([
        "task",
        "start",
        name.as_str(),
        "--home",
        home,
        "--dir",
        root,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    for args in [
        vec!["status", "--home", home, "--dir", root],
        vec![
            "status", "--format", "[{task}]", "--home", home, "--dir", root,
        ],
        vec!["task", "list", "--home", home, "--dir", root],
    ] {
        let out = run(&args);
        let text = out.stdout_str();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", out.stderr);
        assert!(text.contains("evil [31mred line"), "{text}");
        let body = text.strip_suffix('\n').unwrap_or(text);
        assert!(!body.chars().any(char::is_control), "{args:?}: {body:?}");
        if args[0] == "status" {
            assert!(body.chars().count() < 120, "a long name is cut: {body}");
        }
    }
}
