//! How questions reach a person: a real terminal (inquire), or a script in tests.

use std::collections::VecDeque;

use crate::error::{Error, Result};
use crate::i18n::t;

/// One prompt per kind of question. Implementations return `Ok(None)` for "go back /
/// cancelled" only where noted; a terminal interrupt is an error so nothing half-done is
/// taken for an answer.
pub trait Prompter {
    fn select(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
        help: Option<&str>,
    ) -> Result<usize>;
    fn multi(
        &mut self,
        prompt: &str,
        options: &[String],
        defaults: &[usize],
        help: Option<&str>,
    ) -> Result<Vec<usize>>;
    fn confirm(&mut self, prompt: &str, default: Option<bool>, help: Option<&str>) -> Result<bool>;
    /// Free text; `validate` returns an error message for a value it refuses.
    fn text(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        help: Option<&str>,
        validate: &dyn Fn(&str) -> std::result::Result<(), String>,
    ) -> Result<String>;
    /// A line of information (a running deadline, a summary).
    fn say(&mut self, line: &str);
}

/// The real terminal, through `inquire`.
pub struct Terminal;

fn interrupted(e: inquire::InquireError) -> Error {
    match e {
        inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted => {
            Error::Usage(t(
                "avbrutet; svaren hittills är sparade och frågorna fortsätter där du slutade nästa gång",
                "cancelled; the answers so far are saved and the questions resume where you left off",
            ))
        }
        inquire::InquireError::NotTTY => no_terminal(),
        other => Error::Usage(other.to_string()),
    }
}

pub fn no_terminal() -> Error {
    Error::Usage(t(
        "ingen terminal att ställa frågorna på: ange svaren med --answers FIL (TOML)",
        "no terminal to ask the questions on: give the answers with --answers FILE (TOML)",
    ))
}

impl Prompter for Terminal {
    fn select(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
        help: Option<&str>,
    ) -> Result<usize> {
        let mut p = inquire::Select::new(prompt, options.to_vec()).with_starting_cursor(default);
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        let chosen = p.raw_prompt().map_err(interrupted)?;
        Ok(chosen.index)
    }

    fn multi(
        &mut self,
        prompt: &str,
        options: &[String],
        defaults: &[usize],
        help: Option<&str>,
    ) -> Result<Vec<usize>> {
        let mut p = inquire::MultiSelect::new(prompt, options.to_vec()).with_default(defaults);
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        let chosen = p.raw_prompt().map_err(interrupted)?;
        Ok(chosen.into_iter().map(|o| o.index).collect())
    }

    fn confirm(&mut self, prompt: &str, default: Option<bool>, help: Option<&str>) -> Result<bool> {
        let mut p = inquire::Confirm::new(prompt);
        if let Some(d) = default {
            p = p.with_default(d);
        }
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        p.prompt().map_err(interrupted)
    }

    fn text(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        help: Option<&str>,
        validate: &dyn Fn(&str) -> std::result::Result<(), String>,
    ) -> Result<String> {
        loop {
            let mut p = inquire::Text::new(prompt);
            if let Some(d) = default {
                p = p.with_initial_value(d);
            }
            if let Some(h) = help {
                p = p.with_help_message(h);
            }
            let s = p.prompt().map_err(interrupted)?;
            match validate(s.trim()) {
                Ok(()) => return Ok(s.trim().to_string()),
                Err(m) => eprintln!("  ✗ {m}"),
            }
        }
    }

    fn say(&mut self, line: &str) {
        eprintln!("{line}");
    }
}

/// Scripted answers for tests: each call takes the next string.
///
/// select: the option's text or its number (0-based); multi: comma-separated option
/// texts (or empty); confirm: `y`/`n`/`` (default); text: the text (`` = default).
pub struct Scripted {
    pub answers: VecDeque<String>,
    pub said: Vec<String>,
    pub asked: Vec<String>,
}

impl Scripted {
    pub fn new<S: AsRef<str>>(answers: &[S]) -> Scripted {
        Scripted {
            answers: answers.iter().map(|s| s.as_ref().to_string()).collect(),
            said: Vec::new(),
            asked: Vec::new(),
        }
    }

    fn next(&mut self, prompt: &str) -> Result<String> {
        self.asked.push(prompt.to_string());
        self.answers
            .pop_front()
            .ok_or_else(|| Error::Usage(format!("script ran out of answers at: {prompt}")))
    }
}

impl Prompter for Scripted {
    fn select(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
        _help: Option<&str>,
    ) -> Result<usize> {
        let a = self.next(prompt)?;
        if a.is_empty() {
            return Ok(default);
        }
        if let Some(i) = options.iter().position(|o| {
            o == &a || o.starts_with(&format!("{a} ")) || o.contains(&format!("({a})"))
        }) {
            return Ok(i);
        }
        a.parse::<usize>()
            .ok()
            .filter(|i| *i < options.len())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "script: '{a}' is not an option of {prompt}: {options:?}"
                ))
            })
    }

    fn multi(
        &mut self,
        prompt: &str,
        options: &[String],
        defaults: &[usize],
        _help: Option<&str>,
    ) -> Result<Vec<usize>> {
        let a = self.next(prompt)?;
        if a == "-" {
            return Ok(defaults.to_vec());
        }
        a.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                options
                    .iter()
                    .position(|o| o == s || o.contains(&format!("({s})")))
                    .ok_or_else(|| {
                        Error::Usage(format!("script: '{s}' is not an option of {prompt}"))
                    })
            })
            .collect()
    }

    fn confirm(
        &mut self,
        prompt: &str,
        default: Option<bool>,
        _help: Option<&str>,
    ) -> Result<bool> {
        let a = self.next(prompt)?;
        match a.as_str() {
            "y" | "j" | "yes" | "ja" | "true" => Ok(true),
            "n" | "no" | "nej" | "false" => Ok(false),
            "" => default.ok_or_else(|| Error::Usage(format!("script: no default for {prompt}"))),
            other => Err(Error::Usage(format!(
                "script: '{other}' is not y/n at {prompt}"
            ))),
        }
    }

    fn text(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        _help: Option<&str>,
        validate: &dyn Fn(&str) -> std::result::Result<(), String>,
    ) -> Result<String> {
        let a = self.next(prompt)?;
        let v = if a.is_empty() {
            default.unwrap_or("").to_string()
        } else {
            a
        };
        validate(&v).map_err(|m| Error::Usage(format!("script: {prompt}: {m}")))?;
        Ok(v)
    }

    fn say(&mut self, line: &str) {
        self.said.push(line.to_string());
    }
}
