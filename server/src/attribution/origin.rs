//! Each line's origin (SPEC section 10): the person's own, one kind of outside help, both on one
//! line, or unknown — from a document's provenance and which of its lines the session knew.
//! Pure.

use ropey::Rope;

use crate::classify::Class;
use crate::provenance::Provenance;

/// Where a line came from, as `mindgap blame` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    Own,
    Paste,
    Completion,
    Agent,
    Mixed,
    Unknown,
}

impl Origin {
    pub const ALL: [Origin; 6] = [
        Origin::Own,
        Origin::Paste,
        Origin::Completion,
        Origin::Agent,
        Origin::Mixed,
        Origin::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Own => "own",
            Origin::Paste => "paste",
            Origin::Completion => "completion",
            Origin::Agent => "agent",
            Origin::Mixed => "mixed",
            Origin::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The origin of a line wholly of outside-help class `class`.
    pub fn of_help(class: Class) -> Origin {
        match class {
            Class::Paste => Origin::Paste,
            Class::Completion => Origin::Completion,
            _ => Origin::Agent,
        }
    }

    /// The class of help a whole line of this origin came from.
    pub fn help(self) -> Option<Class> {
        match self {
            Origin::Paste => Some(Class::Paste),
            Origin::Completion => Some(Class::Completion),
            Origin::Agent => Some(Class::Agent),
            _ => None,
        }
    }

    /// Outside help, wholly or in part.
    pub fn is_outside(self) -> bool {
        matches!(
            self,
            Origin::Paste | Origin::Completion | Origin::Agent | Origin::Mixed
        )
    }
}

/// A line's origin, and for a mixed line the kind of help that is in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineOrigin {
    pub origin: Origin,
    pub help: Option<Class>,
}

impl LineOrigin {
    pub const UNKNOWN: LineOrigin = LineOrigin {
        origin: Origin::Unknown,
        help: None,
    };
}

/// Outside-help characters on one line, per class: all of them, and those not whitespace.
#[derive(Clone, Copy, Default)]
struct Tally {
    all: [u32; 3],
    visible: [u32; 3],
}

const HELP: [Class; 3] = [Class::Paste, Class::Completion, Class::Agent];

/// The origin of every line of `rope` (0-based), given its provenance and whether the session
/// knew each line (`known`, from `Saved::known_lines`; a line it did not know is `unknown`).
/// A line is of a kind of help when every visible character on it is; a blank line, when help
/// covers it; mixed when only some of it is.
pub fn line_origins(rope: &Rope, prov: &Provenance, known: &[bool]) -> Vec<LineOrigin> {
    let lines = rope.len_lines();
    let mut tally = vec![Tally::default(); lines];
    for r in prov.ranges() {
        let Some(k) = HELP.iter().position(|c| *c == r.class) else {
            continue;
        };
        let end = r.end.min(rope.len_chars());
        if r.start >= end {
            continue;
        }
        let mut line = rope.char_to_line(r.start);
        for ch in rope.chars_at(r.start).take(end - r.start) {
            let t = &mut tally[line.min(lines - 1)];
            t.all[k] += 1;
            if !ch.is_whitespace() {
                t.visible[k] += 1;
            }
            if ch == '\n' {
                line += 1;
            }
        }
    }
    (0..lines)
        .map(|i| {
            if !known.get(i).copied().unwrap_or(false) {
                return LineOrigin::UNKNOWN;
            }
            let visible = rope.line(i).chars().filter(|c| !c.is_whitespace()).count() as u32;
            decide(&tally[i], visible)
        })
        .collect()
}

fn decide(t: &Tally, visible: u32) -> LineOrigin {
    let (counts, total) = if visible == 0 {
        (&t.all, 0)
    } else {
        (&t.visible, visible)
    };
    let helped: u32 = counts.iter().sum();
    if helped == 0 {
        return LineOrigin {
            origin: Origin::Own,
            help: None,
        };
    }
    let most = (0..3).max_by_key(|&k| (counts[k], 3 - k)).unwrap_or(0);
    let help = Some(HELP[most]);
    let whole = total == 0 || helped >= total;
    let single = counts.iter().filter(|&&c| c > 0).count() == 1;
    let origin = match (whole, single) {
        (true, true) => Origin::of_help(HELP[most]),
        _ => Origin::Mixed,
    };
    LineOrigin { origin, help }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::Tags;

    fn origins(text: &str, ranges: &[(usize, usize, Class)]) -> Vec<Origin> {
        let rope = Rope::from_str(text);
        let mut p = Provenance::default();
        for (i, (start, end, class)) in ranges.iter().enumerate() {
            p.edit(
                *start,
                0,
                end - start,
                *class,
                i as u64 + 1,
                Tags::default(),
            );
        }
        let known = vec![true; rope.len_lines()];
        line_origins(&rope, &p, &known)
            .into_iter()
            .map(|l| l.origin)
            .collect()
    }

    #[test]
    fn whole_lines_part_lines_blank_lines_and_indentation() {
        //          0         1          2           3
        let text = "own line\n    pasted\n\nhalf help\n";
        let o = origins(text, &[(9, 20, Class::Paste), (21, 26, Class::Completion)]);
        // "    pasted\n" is paste (its indentation too); the blank line after it is covered by
        // nothing, so it is the person's; "half help": only "half " came from a completion.
        assert_eq!(
            o,
            vec![
                Origin::Own,
                Origin::Paste,
                Origin::Own,
                Origin::Mixed,
                Origin::Own
            ]
        );
        // Indentation typed before a paste does not make the line mixed.
        let o = origins("    x = 1\n", &[(4, 10, Class::Agent)]);
        assert_eq!(o[0], Origin::Agent);
        // Two kinds of help on one line, nothing typed: mixed.
        let o = origins("ab\n", &[(0, 1, Class::Paste), (1, 3, Class::Completion)]);
        assert_eq!(o[0], Origin::Mixed);
        // A blank line inside a pasted block is the paste's.
        let o = origins("a\n\nb\n", &[(0, 5, Class::Paste)]);
        assert_eq!(&o[..3], &[Origin::Paste; 3]);
    }

    #[test]
    fn lines_the_session_did_not_know_are_unknown() {
        let rope = Rope::from_str("a\nb\n");
        let known = [true, false];
        let o = line_origins(&rope, &Provenance::default(), &known);
        assert_eq!(o[0].origin, Origin::Own);
        assert_eq!(o[1].origin, Origin::Unknown);
        assert_eq!(o[2].origin, Origin::Unknown, "past what is known");
        for origin in Origin::ALL {
            assert_eq!(Origin::parse(origin.as_str()), Some(origin));
        }
    }
}
