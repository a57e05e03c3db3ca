//! The coding agents mindgap can name, as the evidence of a decision names them (their logs are
//! read by the watcher, `watch/agents.rs`).

/// An agent whose logs mindgap can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Agent {
    ClaudeCode,
}

impl Agent {
    /// The agent's name in traces and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
        }
    }

    pub fn parse(s: &str) -> Option<Agent> {
        match s {
            "claude-code" => Some(Agent::ClaudeCode),
            _ => None,
        }
    }

    /// How people call it.
    pub fn display(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "Claude Code",
        }
    }
}
