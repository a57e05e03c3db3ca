//! The vocabulary of the classifier's answers: the nine edit classes (SPEC section 2) and
//! which of them count as outside help.

/// The class of an edit (SPEC section 2). Exactly one per event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Typed,
    Paste,
    Completion,
    Agent,
    Move,
    Editor,
    Undo,
    Vcs,
    Delete,
}

impl Class {
    /// Every class, in the SPEC's order.
    pub const ALL: [Class; 9] = [
        Class::Typed,
        Class::Paste,
        Class::Completion,
        Class::Agent,
        Class::Move,
        Class::Editor,
        Class::Undo,
        Class::Vcs,
        Class::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Typed => "typed",
            Class::Paste => "paste",
            Class::Completion => "completion",
            Class::Agent => "agent",
            Class::Move => "move",
            Class::Editor => "editor",
            Class::Undo => "undo",
            Class::Vcs => "vcs",
            Class::Delete => "delete",
        }
    }

    pub fn parse(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Outside help is what the ratios count: paste, completion and agent.
    pub fn is_outside_help(self) -> bool {
        matches!(self, Class::Paste | Class::Completion | Class::Agent)
    }
}
