//! The coding agents mindgap can name, as the evidence of a decision names them (their logs are
//! read by the watcher, `watch/agents/`). Names are part of the trace and store formats: never
//! rename one, only add.

/// An agent whose logs mindgap can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Agent {
    ClaudeCode,
    Codex,
    GeminiCli,
    Aider,
    OpenCode,
    /// git-ai's checkpoints: some AI agent wrote the file (git-ai records which; mindgap does not).
    GitAi,
}

impl Agent {
    /// Every agent, in the order they were added. Append only: evidence codes in stores name an
    /// agent by its position here (`evidence_code.rs`).
    pub const ALL: [Agent; 6] = [
        Agent::ClaudeCode,
        Agent::Codex,
        Agent::GeminiCli,
        Agent::Aider,
        Agent::OpenCode,
        Agent::GitAi,
    ];

    /// The agent's name in traces and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
            Agent::Codex => "codex",
            Agent::GeminiCli => "gemini-cli",
            Agent::Aider => "aider",
            Agent::OpenCode => "opencode",
            Agent::GitAi => "git-ai",
        }
    }

    pub fn parse(s: &str) -> Option<Agent> {
        Agent::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// How people call it.
    pub fn display(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "Claude Code",
            Agent::Codex => "Codex CLI",
            Agent::GeminiCli => "Gemini CLI",
            Agent::Aider => "Aider",
            Agent::OpenCode => "OpenCode",
            Agent::GitAi => "git-ai",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_and_names_are_distinct() {
        for a in Agent::ALL {
            assert_eq!(Agent::parse(a.as_str()), Some(a));
        }
        let names: std::collections::HashSet<_> = Agent::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), Agent::ALL.len());
        // Names of released traces and stores (never renamed).
        assert_eq!(Agent::ClaudeCode.as_str(), "claude-code");
        assert_eq!(Agent::parse("cursor"), None);
    }
}
