//! A small command-line reader: flags, options with values (`--home DIR` or `--home=DIR`),
//! positionals, and one plain sentence when something does not fit.

use std::ffi::OsString;

pub struct Args {
    command: String,
    rest: Vec<String>,
}

impl Args {
    pub fn new(command: &str, rest: Vec<OsString>) -> Result<Args, String> {
        let rest = rest
            .into_iter()
            .map(|a| {
                a.into_string().map_err(|a| {
                    format!(
                        "The argument {a:?} is not valid UTF-8; rename it or pass it another way."
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Args {
            command: command.to_string(),
            rest,
        })
    }

    /// Takes `--name` if present.
    pub fn flag(&mut self, name: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| a != name);
        self.rest.len() != before
    }

    /// Takes `--name VALUE` or `--name=VALUE` if present.
    pub fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let prefix = format!("{name}=");
        let Some(i) = self
            .rest
            .iter()
            .position(|a| a == name || a.starts_with(&prefix))
        else {
            return Ok(None);
        };
        let arg = self.rest.remove(i);
        if let Some(v) = arg.strip_prefix(&prefix) {
            return Ok(Some(v.to_string()));
        }
        if i < self.rest.len() && !self.rest[i].starts_with("--") {
            return Ok(Some(self.rest.remove(i)));
        }
        Err(format!(
            "`mindgap {}` needs a value after {name}.",
            self.command
        ))
    }

    /// What is left, which must all be positionals.
    pub fn positionals(self) -> Result<Vec<String>, String> {
        if let Some(bad) = self.rest.iter().find(|a| a.starts_with('-') && a.len() > 1) {
            return Err(format!(
                "`mindgap {}` has no option {bad}; see `mindgap --help`.",
                self.command
            ));
        }
        Ok(self.rest)
    }

    /// Nothing may be left.
    pub fn finish(self) -> Result<(), String> {
        let command = self.command.clone();
        match self.positionals()?.first() {
            Some(extra) => Err(format!(
                "`mindgap {command}` takes no argument {extra:?}; see `mindgap --help`."
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Args {
        Args::new("replay", v.iter().map(OsString::from).collect()).unwrap()
    }

    #[test]
    fn reads_flags_values_and_positionals() {
        let mut a = args(&["a.jsonl", "--json", "--home=/h", "b.jsonl"]);
        assert!(a.flag("--json"));
        assert_eq!(a.value("--home").unwrap().as_deref(), Some("/h"));
        assert_eq!(a.positionals().unwrap(), vec!["a.jsonl", "b.jsonl"]);
        let mut a = args(&["--home", "/x"]);
        assert_eq!(a.value("--home").unwrap().as_deref(), Some("/x"));
        assert!(args(&["--home"]).value("--home").is_err());
        assert!(
            args(&["--bogus"])
                .positionals()
                .unwrap_err()
                .contains("no option --bogus")
        );
        assert!(args(&["x"]).finish().is_err());
    }
}
