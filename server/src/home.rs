//! Where mindgap keeps its files: `--home DIR`, else `$MINDGAP_HOME`, else
//! `$XDG_DATA_HOME/mindgap`, else `~/.local/share/mindgap` (SPEC section 1); and how every
//! file holding the person's words is made private (0600 in a 0700 folder, whatever the umask).

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

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

/// The folder `dir`, created (with its parents) as 0700 if missing. `mode` is filtered by the
/// umask, so the folder it creates is set to 0700 explicitly; a folder that already exists is
/// left as it is (it may be one the person chose and shares).
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

/// Opens `path` as `options` say, as a file only its owner can read and write: created 0600,
/// and set to 0600 whatever the umask made of it, or an earlier version left (a file someone
/// else owns keeps its mode: only its owner may change it). Every file that holds the person's
/// words is opened here: the store, the learning and audit logs, reports, exports, traces.
pub fn open_private(path: &Path, options: &mut fs::OpenOptions) -> io::Result<fs::File> {
    let file = options.mode(0o600).open(path)?;
    let _ = file.set_permissions(fs::Permissions::from_mode(0o600));
    Ok(file)
}

/// Writes `bytes` to `path` (created or truncated) as a private file (see [`open_private`]).
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    open_private(path, &mut options)?.write_all(bytes)
}
