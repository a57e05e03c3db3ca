//! Where mindgap keeps its files: `--home DIR`, else `$MINDGAP_HOME`, else
//! `$XDG_DATA_HOME/mindgap`, else `~/.local/share/mindgap` (SPEC section 1).

use std::path::PathBuf;

pub fn resolve(flag: Option<PathBuf>) -> Result<PathBuf, String> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = flag.or_else(|| var("MINDGAP_HOME")) {
        return Ok(dir);
    }
    if let Some(xdg) = var("XDG_DATA_HOME") {
        return Ok(xdg.join("mindgap"));
    }
    var("HOME")
        .map(|h| h.join(".local/share/mindgap"))
        .ok_or_else(|| {
            "No home folder is known: set HOME or MINDGAP_HOME, or pass --home DIR.".to_string()
        })
}
