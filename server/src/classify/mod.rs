//! The classifier: from what a change did (and, later, the document's history) to a class.
//!
//! Pure: no I/O, no LSP types. For now it decides only the trivial cases — removals are
//! `delete`, one-character insertions are `typed` — and calls every other insertion `paste`;
//! the full classifier replaces this without changing its callers.

use crate::events::Class;

/// What the classifier looks at for one content change.
#[derive(Clone, Copy, Debug)]
pub struct ChangeFacts {
    pub inserted: u32,
    pub deleted: u32,
}

pub fn classify(facts: ChangeFacts) -> Class {
    match (facts.inserted, facts.deleted) {
        (0, 0) => Class::Typed, // a change that alters nothing: typing over an auto-inserted closer
        (0, _) => Class::Delete,
        (1, _) => Class::Typed,
        _ => Class::Paste,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(inserted: u32, deleted: u32) -> Class {
        classify(ChangeFacts { inserted, deleted })
    }

    #[test]
    fn trivial_cases() {
        assert_eq!(class(0, 3), Class::Delete);
        assert_eq!(class(1, 0), Class::Typed);
        assert_eq!(class(1, 1), Class::Typed);
        assert_eq!(class(0, 0), Class::Typed);
        assert_eq!(class(40, 0), Class::Paste);
    }
}
