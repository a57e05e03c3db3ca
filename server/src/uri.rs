//! `file://` URIs and workspace paths, without a URL library: percent-decoding of the path part,
//! and joining a workspace root with a relative path.

/// The filesystem path of a `file://` URI, percent-decoded; `None` for other schemes.
pub fn file_path(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("file://")?;
    // Skip an authority (usually empty, sometimes `localhost`).
    let path = &rest[rest.find('/')?..];
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The `file://` URI of an absolute path, percent-encoding what URIs do not allow.
pub fn from_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 7);
    out.push_str("file://");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of `uri` relative to the workspace `root` (a path), if it lies inside it.
pub fn relative_to(root: &str, uri: &str) -> Option<String> {
    let path = file_path(uri)?;
    let root = root.trim_end_matches('/');
    let rel = path.strip_prefix(root)?.strip_prefix('/')?;
    Some(rel.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_paths_with_spaces_and_unicode() {
        let p = "/tmp/my project/ünï.py";
        let uri = from_path(p);
        assert_eq!(uri, "file:///tmp/my%20project/%C3%BCn%C3%AF.py");
        assert_eq!(file_path(&uri).as_deref(), Some(p));
        assert_eq!(
            file_path("file://localhost/etc/x").as_deref(),
            Some("/etc/x")
        );
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(
            file_path("file:///bad%zzpath").as_deref(),
            Some("/bad%zzpath")
        );
        assert_eq!(
            file_path("file:///trailing%2").as_deref(),
            Some("/trailing%2")
        );
        assert_eq!(file_path("file:///x%éy").as_deref(), Some("/x%éy"));
    }

    #[test]
    fn relative_paths_inside_the_root_only() {
        assert_eq!(
            relative_to("/ws", "file:///ws/a/b.py").as_deref(),
            Some("a/b.py")
        );
        assert_eq!(
            relative_to("/ws/", "file:///ws/a.py").as_deref(),
            Some("a.py")
        );
        assert_eq!(relative_to("/ws", "file:///wsx/a.py"), None);
    }
}
