//! Attribution that travels with the code (SPEC section 10): what each committed line's origin
//! is, written as an Agent Trace record in a git note per commit (`note`), read back per line of
//! a work-tree file together with git's blame (`blame`), with git-ai's notes where mindgap has
//! none (`git_ai`). The store gives the session's provenance; git gives everything else.

pub mod blame;
pub mod git_ai;
pub mod note;
pub mod origin;
pub mod record;
pub mod team;

use std::path::PathBuf;

use ropey::Rope;

use crate::config::Config;
use crate::provenance::{Provenance, Saved};
use crate::store::Db;
use origin::{LineOrigin, line_origins};

/// What attribution reads besides git: the workspace, its configuration and the store (absent
/// in a clone on a machine with an empty home).
pub struct Context {
    pub root: PathBuf,
    pub config: Config,
    pub db: Option<Db>,
}

impl Context {
    /// The saved provenance of the workspace file `rel`, if the store has it.
    pub fn saved(&self, rel: &str) -> Option<Saved> {
        let db = self.db.as_ref()?;
        let subject = crate::uri::from_path(&self.root.join(rel).to_string_lossy());
        Saved::decode(&db.load_provenance(&subject)?)
    }

    /// Each line's origin in `text`, a version of `rel`, from what the store saved of it:
    /// lines the session did not see are unknown. `None` when the store knows nothing of it.
    pub fn origins(&self, rel: &str, text: &str) -> Option<(Rope, Provenance, Vec<LineOrigin>)> {
        let saved = self.saved(rel)?;
        let rope = Rope::from_str(text);
        let prov = Provenance::restore(&saved, &rope);
        let known = saved.known_lines(&rope);
        let origins = line_origins(&rope, &prov, &known);
        Some((rope, prov, origins))
    }

    /// An explanation's text and outside-help ranges, for whether it counts.
    pub fn explanation_help(
        &self,
        uri: &str,
        rope: &Rope,
    ) -> crate::practices::explanations::TextAndHelp {
        let db = self.db.as_ref()?;
        let saved = Saved::decode(&db.load_provenance(uri)?)?;
        let prov = Provenance::restore(&saved, rope);
        Some((
            rope.to_string(),
            prov.ranges().map(|r| (r.start, r.end)).collect(),
        ))
    }

    /// Whether explanation `id` counts (SPEC section 8).
    pub fn explained(&self, id: u32) -> bool {
        id != 0
            && crate::practices::explanations::counts(
                &self.root,
                id,
                self.config.explain_min_words,
                |uri, rope| self.explanation_help(uri, rope),
            )
    }
}
