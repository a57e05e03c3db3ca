//! Reading agents' log files without trusting them: appended lines from where the last read
//! stopped (a file that shrank or was replaced is read again from its start, a line too long to
//! be a record is skipped whole), a rewritten file whole up to a size, a file's first line.
//! Errors come back as a sentence for the caller to log once per file.

use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::Path;

/// At most this much of a log is read at once (a log that grew enormously is read in steps).
const STEP: u64 = 16 << 20;
/// A rewritten log or a first line over this size is not read.
pub(super) const WHOLE_MAX: u64 = 32 << 20;
const HEAD_MAX: u64 = 1 << 20;

/// Where the next read of an appended log starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Tail {
    offset: u64,
    /// The file this offset is into (unix: its inode), to notice a replaced file.
    id: u64,
    /// Inside a line too long to keep: what comes up to its end is dropped.
    skipping: bool,
}

impl Tail {
    /// The end of `path` as it is now: what it holds is not news.
    pub(super) fn at_end(path: &Path) -> Tail {
        std::fs::metadata(path).map_or(Tail::default(), |m| Tail {
            offset: m.len(),
            id: file_id(&m),
            skipping: false,
        })
    }
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn file_id(_m: &std::fs::Metadata) -> u64 {
    0
}

/// The whole lines appended to `path` since `tail`, which moves past them (a line still being
/// written is left for next time).
pub(super) fn new_lines(path: &Path, tail: &mut Tail) -> Result<Vec<String>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot open ({e})"))?;
    let meta = file.metadata().map_err(|e| format!("cannot stat ({e})"))?;
    let (len, id) = (meta.len(), file_id(&meta));
    if len < tail.offset || id != tail.id {
        *tail = Tail {
            id,
            ..Tail::default()
        };
    }
    let take = (len - tail.offset).min(STEP);
    let mut bytes = Vec::with_capacity(take as usize);
    file.seek(SeekFrom::Start(tail.offset))
        .and_then(|_| file.take(take).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read ({e})"))?;
    let mut start = 0;
    if tail.skipping {
        match bytes.iter().position(|&b| b == b'\n') {
            Some(end) => {
                tail.skipping = false;
                start = end + 1;
            }
            None => {
                tail.offset += bytes.len() as u64;
                return Ok(Vec::new());
            }
        }
    }
    let Some(end) = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .filter(|&e| e >= start)
    else {
        // No line ends here: a line still being written, or one longer than a step.
        if bytes.len() as u64 == STEP {
            tail.offset += bytes.len() as u64;
            tail.skipping = true;
            return Err(format!("a line longer than {} MiB skipped", STEP >> 20));
        }
        tail.offset += start as u64;
        return Ok(Vec::new());
    };
    tail.offset += end as u64 + 1;
    Ok(String::from_utf8_lossy(&bytes[start..end])
        .lines()
        .map(str::to_owned)
        .collect())
}

/// All of `path`, when it is not too big to be a log.
pub(super) fn whole(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot open ({e})"))?;
    let len = file.metadata().map_or(0, |m| m.len());
    if len > WHOLE_MAX {
        return Err(format!("over {} MiB, not read", WHOLE_MAX >> 20));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.by_ref()
        .take(WHOLE_MAX)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read ({e})"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The first line of `path`, when it has one of a reasonable size (read no further).
pub(super) fn head(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    std::io::BufReader::new(file.take(HEAD_MAX))
        .read_until(b'\n', &mut bytes)
        .ok()?;
    bytes.pop_if(|b| *b == b'\n')?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn appended_lines_are_read_once_and_a_half_line_waits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        std::fs::write(&path, "old\n").unwrap();
        let mut tail = Tail::at_end(&path);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"one\ntw").unwrap();
        assert_eq!(new_lines(&path, &mut tail).unwrap(), ["one"]);
        assert!(new_lines(&path, &mut tail).unwrap().is_empty());
        f.write_all(b"o\n").unwrap();
        assert_eq!(new_lines(&path, &mut tail).unwrap(), ["two"]);
    }

    #[test]
    fn a_shrunk_or_replaced_file_is_read_from_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        std::fs::write(&path, "a long first line\n").unwrap();
        let mut tail = Tail::at_end(&path);
        std::fs::write(&path, "short\n").unwrap();
        assert_eq!(new_lines(&path, &mut tail).unwrap(), ["short"]);
        // Replaced by another file at least as long: a new inode.
        let other = dir.path().join("other");
        std::fs::write(&other, "replaced one\nreplaced two\n").unwrap();
        std::fs::rename(&other, &path).unwrap();
        if cfg!(unix) {
            assert_eq!(
                new_lines(&path, &mut tail).unwrap(),
                ["replaced one", "replaced two"]
            );
        }
        assert!(new_lines(&dir.path().join("gone"), &mut tail).is_err());
    }

    #[test]
    fn a_line_longer_than_a_step_is_skipped_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let mut tail = Tail::at_end(&path);
        let mut big = vec![b'x'; STEP as usize + 10];
        big.extend_from_slice(b"\nafter\n");
        std::fs::write(&path, &big).unwrap();
        assert!(new_lines(&path, &mut tail).is_err(), "told once");
        assert_eq!(new_lines(&path, &mut tail).unwrap(), ["after"]);
        assert!(new_lines(&path, &mut tail).unwrap().is_empty());
    }

    #[test]
    fn whole_files_and_first_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "{\n  \"a\": 1\n}").unwrap();
        assert_eq!(whole(&path).unwrap(), "{\n  \"a\": 1\n}");
        assert_eq!(head(&path).as_deref(), Some("{"));
        std::fs::write(&path, "no line end").unwrap();
        assert_eq!(head(&path), None);
        assert!(whole(&dir.path().join("none")).is_err());
    }
}
