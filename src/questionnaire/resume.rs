//! Asking on the terminal so that an interrupted session resumes: the answers so far are kept
//! after every question in `DIR/ID.partial.json`, and the finished answers in `DIR/ID.toml`
//! (what `assess` and `account apply | close` ask; the folder is private to the user).

use std::path::Path;

use serde_json::{json, Value};

use super::{ask_with, prompt, ChoiceSource, Questionnaire, Terminal};
use crate::error::Result;
use crate::i18n::t;

/// Where the questions start when there is no interrupted session.
pub enum Start {
    /// From these answers (`{}`: from the beginning).
    Fresh(Value),
    /// From the answers kept in `DIR/ID.toml` by an earlier run, if there are any, else fresh.
    Kept(Value),
}

/// Asks `q` on the terminal (an error without one), resuming an interrupted session; keeps
/// the answers in `dir/ID.toml` and returns their text.
pub fn ask_kept(
    q: &Questionnaire,
    dir: &Path,
    id: &str,
    start: Start,
    choices: &dyn ChoiceSource,
) -> Result<String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(prompt::no_terminal());
    }
    crate::workspace::create_private_dir(dir)?;
    let partial = dir.join(format!("{id}.partial.json"));
    let saved = dir.join(format!("{id}.toml"));
    let start: Value = if let Ok(s) = std::fs::read_to_string(&partial) {
        eprintln!(
            "{}",
            t("Fortsätter där du slutade.", "Resuming where you left off.")
        );
        serde_json::from_str(&s).unwrap_or(json!({}))
    } else {
        match start {
            Start::Kept(fresh) => match std::fs::read_to_string(&saved) {
                Ok(s) => {
                    eprintln!(
                        "{}",
                        t(
                            "Utgår från de sparade svaren; ändra det som inte längre stämmer.",
                            "Starting from the saved answers; change what no longer holds."
                        )
                    );
                    q.validate(&s, &saved).unwrap_or(json!({}))
                }
                Err(_) => fresh,
            },
            Start::Fresh(v) => v,
        }
    };
    let mut save = |v: &Value| crate::workspace::write_atomic(&partial, v.to_string().as_bytes());
    let answers = ask_with(q, &mut Terminal, &start, None, &mut save, choices)?;
    let text = q.to_toml(&answers);
    crate::workspace::write_atomic(&saved, text.as_bytes())?;
    let _ = std::fs::remove_file(&partial);
    Ok(text)
}
