//! The stable numbering of [`Evidence`] for the store: a variant code and the one number it
//! carries. Codes are part of the store's format: never renumber one once released, only add.

use super::{Agent, Class, Evidence};

/// The code the store keeps for a reason it could not read back (a sentence from an older
/// mindgap that no variant prints any more).
pub const UNKNOWN: u8 = 255;

impl Evidence {
    /// The variant's code and its number (0 when it carries none).
    pub fn code(&self) -> (u8, u32) {
        use Evidence as E;
        match *self {
            E::Hint(c) => (
                0,
                Class::ALL.iter().position(|k| *k == c).unwrap_or(0) as u32,
            ),
            E::ExpectedEdit => (1, 0),
            E::Reload => (2, 0),
            E::ReloadToKnownState => (3, 0),
            E::OutsideWrite => (4, 0),
            E::ReloadBeforeWatcher => (5, 0),
            E::MatchesGitIndex => (6, 0),
            E::AgentLog(a) => (7, AGENTS.iter().position(|k| *k == a).unwrap_or(0) as u32),
            E::VcsOperation => (8, 0),
            E::ReloadOfCountedWrite => (9, 0),
            E::ReloadOfVcsWrite => (10, 0),
            E::NoChange { inherited } => (11, u32::from(inherited)),
            E::ReturnsToState { back } => (12, back),
            E::Removal => (13, 0),
            E::OneChar => (14, 0),
            E::MachineBurst { chars } => (15, chars),
            E::MachineBatch { changes } => (16, changes),
            E::RepeatsTyping => (17, 0),
            E::WordRewrite { changes } => (18, changes),
            E::MultiCursor { cursors } => (19, cursors),
            E::ScatteredEdits { changes } => (20, changes),
            E::Indent => (21, 0),
            E::AutoPair => (22, 0),
            E::CommentLeader => (23, 0),
            E::CommentToggled => (24, 0),
            E::AcceptNudge => (25, 0),
            E::SameShape => (26, 0),
            E::WhitespaceBlock => (27, 0),
            E::BlockInsert => (28, 0),
            E::RecentCut => (29, 0),
            E::CopiedLines { lines } => (30, lines),
            E::CopiedNearby => (31, 0),
            E::CopiedFromDisk { lines } => (32, lines),
            E::ContentKept => (33, 0),
            E::SnippetItem => (34, 0),
            E::NextPiece => (35, 0),
            E::AcceptOnFreshLine => (36, 0),
            E::GitHoldsText => (37, 0),
            E::GitConflict => (38, 0),
            E::ContinuesChunk => (39, 0),
            E::CompletionItem => (40, 0),
            E::AcceptAtCursor => (41, 0),
            E::Bulk => (42, 0),
            E::OwnCode => (43, 0),
        }
    }

    /// The evidence a [`code`](Evidence::code) stands for; `None` for a code or number no
    /// variant has (and for [`UNKNOWN`]).
    pub fn from_code(code: u8, n: u32) -> Option<Evidence> {
        use Evidence as E;
        let none = |e: Evidence| (n == 0).then_some(e);
        match code {
            0 => Class::ALL.get(n as usize).map(|c| E::Hint(*c)),
            1 => none(E::ExpectedEdit),
            2 => none(E::Reload),
            3 => none(E::ReloadToKnownState),
            4 => none(E::OutsideWrite),
            5 => none(E::ReloadBeforeWatcher),
            6 => none(E::MatchesGitIndex),
            7 => AGENTS.get(n as usize).map(|a| E::AgentLog(*a)),
            8 => none(E::VcsOperation),
            9 => none(E::ReloadOfCountedWrite),
            10 => none(E::ReloadOfVcsWrite),
            11 => (n <= 1).then_some(E::NoChange { inherited: n == 1 }),
            12 => Some(E::ReturnsToState { back: n }),
            13 => none(E::Removal),
            14 => none(E::OneChar),
            15 => Some(E::MachineBurst { chars: n }),
            16 => Some(E::MachineBatch { changes: n }),
            17 => none(E::RepeatsTyping),
            18 => Some(E::WordRewrite { changes: n }),
            19 => Some(E::MultiCursor { cursors: n }),
            20 => Some(E::ScatteredEdits { changes: n }),
            21 => none(E::Indent),
            22 => none(E::AutoPair),
            23 => none(E::CommentLeader),
            24 => none(E::CommentToggled),
            25 => none(E::AcceptNudge),
            26 => none(E::SameShape),
            27 => none(E::WhitespaceBlock),
            28 => none(E::BlockInsert),
            29 => none(E::RecentCut),
            30 => Some(E::CopiedLines { lines: n }),
            31 => none(E::CopiedNearby),
            32 => Some(E::CopiedFromDisk { lines: n }),
            33 => none(E::ContentKept),
            34 => none(E::SnippetItem),
            35 => none(E::NextPiece),
            36 => none(E::AcceptOnFreshLine),
            37 => none(E::GitHoldsText),
            38 => none(E::GitConflict),
            39 => none(E::ContinuesChunk),
            40 => none(E::CompletionItem),
            41 => none(E::AcceptAtCursor),
            42 => none(E::Bulk),
            43 => none(E::OwnCode),
            _ => None,
        }
    }
}

/// The agents in code order: a store keeps an agent's position in [`Agent::ALL`], which is
/// append only.
const AGENTS: [Agent; 6] = Agent::ALL;

/// The highest code a variant has.
pub const LAST: u8 = 43;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_codes_are_distinct() {
        for code in 0..=LAST {
            let mut found = false;
            for n in 0..12 {
                if let Some(e) = Evidence::from_code(code, n) {
                    assert_eq!(e.code(), (code, n), "{e:?}");
                    found = true;
                }
            }
            assert!(found, "code {code} has no variant");
        }
        assert_eq!(Evidence::from_code(LAST + 1, 0), None);
        assert_eq!(Evidence::from_code(UNKNOWN, 0), None);
        // The codes of released stores (never renumbered).
        assert_eq!(Evidence::OneChar.code(), (14, 0));
        assert_eq!(Evidence::Hint(Class::Paste).code(), (0, 1));
        assert_eq!(Evidence::AgentLog(Agent::ClaudeCode).code(), (7, 0));
        assert_eq!(Evidence::AgentLog(Agent::GitAi).code(), (7, 5));
        // Every agent has its own number, and reads back.
        for a in Agent::ALL {
            let (code, n) = Evidence::AgentLog(a).code();
            assert_eq!(
                Evidence::from_code(code, n),
                Some(Evidence::AgentLog(a)),
                "{a:?}"
            );
        }
        assert_eq!(Evidence::from_code(7, AGENTS.len() as u32), None);
        assert_eq!(Evidence::CopiedLines { lines: 7 }.code(), (30, 7));
    }
}
