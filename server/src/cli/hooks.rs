//! `mindgap hook install`: git's hooks that run `mindgap check --staged` before a commit (the
//! explanation requirement, SPEC section 8), `mindgap note` after it and `mindgap note
//! --rewritten` after an amend or rebase (SPEC section 10), and the repository's
//! `notes.rewriteRef`, so notes follow rewritten commits even where the hooks do not run. A
//! hook that was there is kept and still runs.

use std::path::Path;

use crate::workspace;

/// One hook: its name, the mindgap command it runs, and why.
struct Hook {
    name: &'static str,
    args: &'static str,
    why: &'static str,
    /// Its failure stops what git was doing (only pre-commit's does).
    gate: bool,
    /// git passes it lines on stdin, which every hook in the chain must see.
    stdin: bool,
}

const HOOKS: [Hook; 3] = [
    Hook {
        name: "pre-commit",
        args: "check --staged",
        why: "outside-help blocks need an explanation before commit",
        gate: true,
        stdin: false,
    },
    Hook {
        name: "post-commit",
        args: "note --quiet",
        why: "each commit gets its attribution note under refs/notes/mindgap",
        gate: false,
        stdin: false,
    },
    Hook {
        name: "post-rewrite",
        args: "note --quiet --rewritten",
        why: "amended and rebased commits keep their attribution notes",
        gate: false,
        stdin: true,
    },
];

pub fn install(dir: Option<String>) -> Result<i32, String> {
    let root = super::tasks::root(dir)?;
    let git_dir = workspace::git_dir(&root).ok_or_else(|| {
        format!(
            "{} is not in a git repository; run this inside one.",
            root.display()
        )
    })?;
    // Where git looks for hooks: `core.hooksPath` when set, else the git directory's.
    let hooks = super::check::git(&root, &["rev-parse", "--git-path", "hooks"])
        .ok()
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .filter(|p| !p.is_empty())
        .map(|p| root.join(p))
        .unwrap_or_else(|| git_dir.join("hooks"));
    std::fs::create_dir_all(&hooks)
        .map_err(|e| format!("cannot create {} ({e}).", hooks.display()))?;
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.to_string_lossy().into_owned());
    for hook in &HOOKS {
        let said = install_one(&hooks, hook, exe.as_deref())?;
        println!("mindgap: {said}");
    }
    rewrite_ref(&root)?;
    Ok(0)
}

/// Installs one hook, keeping the one that was there; says what it did.
fn install_one(hooks: &Path, hook: &Hook, exe: Option<&str>) -> Result<String, String> {
    let path = hooks.join(hook.name);
    let mark = format!("mindgap {}", hook.args);
    let existing = std::fs::read_to_string(&path).ok();
    if existing.as_deref().is_some_and(|h| h.contains(&mark)) {
        return Ok(format!("the {} hook already runs `{mark}`.", hook.name));
    }
    let run = match exe {
        Some(p) if !p.contains('\'') => {
            format!(
                "if [ -x '{p}' ]; then '{p}' {args}; else {mark}; fi",
                args = hook.args
            )
        }
        _ => mark.clone(),
    };
    let run = if hook.gate {
        run
    } else {
        format!("{run} || true")
    };
    let mut script = format!(
        "#!/bin/sh\n# Added by `mindgap hook install`: {}.\n",
        hook.why
    );
    let kept_name = format!("{}.before-mindgap", hook.name);
    if existing.is_some() {
        let kept = hooks.join(&kept_name);
        if kept.exists() {
            return Err(format!(
                "{} exists already; merge it into {} by hand.",
                kept.display(),
                path.display()
            ));
        }
        std::fs::rename(&path, &kept)
            .map_err(|e| format!("cannot keep the existing {} hook ({e}).", hook.name))?;
    }
    if hook.stdin {
        script.push_str("input=$(cat)\n");
    }
    let feed = if hook.stdin {
        "printf '%s\\n' \"$input\" | "
    } else {
        ""
    };
    if existing.is_some() {
        // The hook that was there runs first; a gate's failure still stops the commit.
        let status = if hook.gate { " || exit $?" } else { "" };
        script.push_str(&format!(
            "{feed}\"$(dirname \"$0\")/{kept_name}\" \"$@\"{status}\n"
        ));
    }
    script.push_str(&format!("{feed}{run}\n"));
    std::fs::write(&path, script).map_err(|e| format!("cannot write {} ({e}).", path.display()))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())?;
    let kept = if existing.is_some() {
        " (your existing hook still runs first)"
    } else {
        ""
    };
    Ok(format!("the {} hook now runs `{mark}`{kept}.", hook.name))
}

/// Adds `refs/notes/mindgap` to the repository's `notes.rewriteRef` (once).
fn rewrite_ref(root: &Path) -> Result<(), String> {
    let root_s = root.to_string_lossy();
    let current = super::check::git(root, &["config", "--get-all", "notes.rewriteRef"])
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if current
        .lines()
        .any(|l| l.trim() == crate::git::notes::MINDGAP)
    {
        return Ok(());
    }
    super::check::git(
        root,
        &[
            "config",
            "--add",
            "notes.rewriteRef",
            crate::git::notes::MINDGAP,
        ],
    )?;
    println!(
        "mindgap: notes under {} now follow amended and rebased commits in {root_s} (git config notes.rewriteRef).",
        crate::git::notes::MINDGAP
    );
    Ok(())
}
