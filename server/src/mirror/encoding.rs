//! Position encodings: how a (line, character) pair names a place in a document.
//!
//! LSP counts `character` in UTF-8 bytes, UTF-16 code units or Unicode scalar values, as
//! negotiated at `initialize`. Lines end at `\n`, `\r\n` or a lone `\r`. This module turns such a
//! position into a char index of the mirror's rope, clamping what lies past a line's end or the
//! document's end instead of failing.

use ropey::Rope;

/// The unit `character` is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The name LSP uses for this encoding (`PositionEncodingKind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Utf32 => "utf-32",
        }
    }

    pub fn parse(name: &str) -> Option<Encoding> {
        match name {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16" => Some(Encoding::Utf16),
            "utf-32" => Some(Encoding::Utf32),
            _ => None,
        }
    }

    /// Picks the encoding the server uses from what a client offers: utf-8 when offered, else
    /// utf-16 when offered or when the client says nothing (LSP's mandatory default), else utf-32.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Encoding {
        let offered: Vec<Encoding> = offered.into_iter().filter_map(Encoding::parse).collect();
        if offered.contains(&Encoding::Utf8) {
            Encoding::Utf8
        } else if offered.is_empty() || offered.contains(&Encoding::Utf16) {
            Encoding::Utf16
        } else {
            Encoding::Utf32
        }
    }
}

/// A position as a client sends it, in the negotiated encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Position { line, character }
    }
}

/// Why a position had to be moved to fit the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clamp {
    /// The line lies past the last line: the position became the end of the document.
    PastEnd,
    /// The character lies past the end of its line: it became the line's end.
    PastLineEnd,
}

/// Resolves `pos` to a char index in `rope`. A character inside a multi-unit char (the middle
/// of a surrogate pair or a UTF-8 sequence) resolves to the start of that char.
pub fn to_char_index(rope: &Rope, pos: Position, enc: Encoding) -> (usize, Option<Clamp>) {
    let line_idx = pos.line as usize;
    if line_idx >= rope.len_lines() {
        return (rope.len_chars(), Some(Clamp::PastEnd));
    }
    // Whole-rope look-ups only (each O(log n)): a slice of a long line is costly to measure.
    let start = rope.line_to_char(line_idx);
    let next = if line_idx + 1 < rope.len_lines() {
        rope.line_to_char(line_idx + 1)
    } else {
        rope.len_chars()
    };
    let end = next - break_len_before(rope, start, next);
    let want = pos.character as usize;
    // A text with no char outside the BMP counts UTF-16 units as chars, an ASCII one UTF-8 bytes
    // too: then no offset needs converting (the rope knows both totals at once).
    let enc = match enc {
        Encoding::Utf16 if rope.len_utf16_cu() == rope.len_chars() => Encoding::Utf32,
        Encoding::Utf8 if rope.len_bytes() == rope.len_chars() => Encoding::Utf32,
        enc => enc,
    };
    match enc {
        Encoding::Utf32 => match start + want {
            at if at > end => (end, Some(Clamp::PastLineEnd)),
            at => (at, None),
        },
        Encoding::Utf16 => {
            let (from, to) = (rope.char_to_utf16_cu(start), rope.char_to_utf16_cu(end));
            match from + want {
                cu if cu > to => (end, Some(Clamp::PastLineEnd)),
                cu => (rope.utf16_cu_to_char(cu), None),
            }
        }
        Encoding::Utf8 => {
            let (from, to) = (rope.char_to_byte(start), rope.char_to_byte(end));
            match from + want {
                b if b > to => (end, Some(Clamp::PastLineEnd)),
                b => (rope.byte_to_char(b), None),
            }
        }
    }
}

/// Number of chars that end the line `start..next` of `rope` (0; 1 for `\n` or `\r`; 2 for
/// `\r\n`).
fn break_len_before(rope: &Rope, start: usize, next: usize) -> usize {
    if next == start {
        return 0;
    }
    match rope.char(next - 1) {
        '\n' if next - start >= 2 && rope.char(next - 2) == '\r' => 2,
        '\n' | '\r' => 1,
        _ => 0,
    }
}

/// The position of char index `idx` in `rope`, in encoding `enc` (the inverse of
/// [`to_char_index`] for positions that need no clamping).
pub fn from_char_index(rope: &Rope, idx: usize, enc: Encoding) -> Position {
    let idx = idx.min(rope.len_chars());
    let line_idx = rope.char_to_line(idx);
    let line_start = rope.line_to_char(line_idx);
    let col_chars = idx - line_start;
    let line = rope.line(line_idx);
    let character = match enc {
        Encoding::Utf32 => col_chars,
        Encoding::Utf16 => line.char_to_utf16_cu(col_chars),
        Encoding::Utf8 => line.char_to_byte(col_chars),
    };
    Position::new(line_idx as u32, character as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_utf8_then_utf16() {
        assert_eq!(Encoding::negotiate(["utf-16", "utf-8"]), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(["utf-32", "utf-16"]), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(["utf-32"]), Encoding::Utf32);
        assert_eq!(Encoding::negotiate([]), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(["latin-1"]), Encoding::Utf16);
    }

    #[test]
    fn astral_chars_take_two_utf16_units_and_four_bytes() {
        let rope = Rope::from_str("a😀b\n");
        assert_eq!(
            to_char_index(&rope, Position::new(0, 3), Encoding::Utf16),
            (2, None)
        );
        assert_eq!(
            to_char_index(&rope, Position::new(0, 5), Encoding::Utf8),
            (2, None)
        );
        assert_eq!(
            to_char_index(&rope, Position::new(0, 2), Encoding::Utf32),
            (2, None)
        );
        // The middle of the surrogate pair resolves to the emoji's start.
        assert_eq!(
            to_char_index(&rope, Position::new(0, 2), Encoding::Utf16),
            (1, None)
        );
        assert_eq!(
            from_char_index(&rope, 2, Encoding::Utf16),
            Position::new(0, 3)
        );
        assert_eq!(
            from_char_index(&rope, 2, Encoding::Utf8),
            Position::new(0, 5)
        );
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let rope = Rope::from_str("ab\r\ncd\ref\n");
        assert_eq!(rope.len_lines(), 4);
        assert_eq!(
            to_char_index(&rope, Position::new(1, 0), Encoding::Utf16),
            (4, None)
        );
        assert_eq!(
            to_char_index(&rope, Position::new(2, 1), Encoding::Utf16),
            (8, None)
        );
        // Past the line's end stops before its line break, never inside `\r\n`.
        assert_eq!(
            to_char_index(&rope, Position::new(0, 9), Encoding::Utf16),
            (2, Some(Clamp::PastLineEnd))
        );
    }

    #[test]
    fn past_the_end_clamps_to_document_end() {
        let rope = Rope::from_str("x\n");
        assert_eq!(
            to_char_index(&rope, Position::new(7, 0), Encoding::Utf8),
            (2, Some(Clamp::PastEnd))
        );
        // The empty last line exists: (1, 0) is the end, no clamp needed.
        assert_eq!(
            to_char_index(&rope, Position::new(1, 0), Encoding::Utf8),
            (2, None)
        );
    }
}
