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
    /// A choice whose options have a stored key beside the words shown; the person sees
    /// only the words. Scripts may name an option by its key.
    fn select_keyed(
        &mut self,
        prompt: &str,
        options: &[(String, String)],
        default: usize,
        help: Option<&str>,
    ) -> Result<usize> {
        let shown: Vec<String> = options.iter().map(|(_, label)| label.clone()).collect();
        self.select(prompt, &shown, default, help)
    }
    /// Several choices (key, words shown); `required`: an empty selection is refused.
    fn multi(
        &mut self,
        prompt: &str,
        options: &[(String, String)],
        defaults: &[usize],
        help: Option<&str>,
        required: bool,
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
        let keys = with_keys(
            &t(
                "↑↓ flyttar, Enter väljer, skriv för att filtrera",
                "↑↓ to move, Enter to choose, type to filter",
            ),
            help,
        );
        let p = inquire::Select::new(prompt, options.to_vec())
            .with_starting_cursor(default)
            .with_help_message(&keys);
        let chosen = p.raw_prompt().map_err(interrupted)?;
        Ok(chosen.index)
    }

    fn multi(
        &mut self,
        prompt: &str,
        options: &[(String, String)],
        defaults: &[usize],
        help: Option<&str>,
        required: bool,
    ) -> Result<Vec<usize>> {
        let keys = with_keys(
            &t(
                "↑↓ flyttar, Mellanslag väljer, → alla, ← inga, Enter bekräftar",
                "↑↓ to move, Space selects, → all, ← none, Enter confirms",
            ),
            help,
        );
        let shown: Vec<String> = options.iter().map(|(_, l)| l.clone()).collect();
        let mut p = inquire::MultiSelect::new(prompt, shown)
            .with_default(defaults)
            .with_help_message(&keys);
        if required {
            let message = t(
                "välj minst ett alternativ (Mellanslag väljer)",
                "choose at least one (Space selects)",
            );
            p = p.with_validator(
                move |chosen: &[inquire::list_option::ListOption<&String>]| {
                    Ok(if chosen.is_empty() {
                        inquire::validator::Validation::Invalid(message.clone().into())
                    } else {
                        inquire::validator::Validation::Valid
                    })
                },
            );
        }
        let chosen = p.raw_prompt().map_err(interrupted)?;
        Ok(chosen.into_iter().map(|o| o.index).collect())
    }

    fn confirm(&mut self, prompt: &str, default: Option<bool>, help: Option<&str>) -> Result<bool> {
        let sv = crate::i18n::current() == crate::i18n::Lang::Sv;
        let error = t("svara j (ja) eller n (nej)", "answer y (yes) or n (no)");
        let mut p = inquire::Confirm::new(prompt)
            .with_parser(&|s| parse_yes_no(s).ok_or(()))
            .with_formatter(&|b| if b { t("ja", "yes") } else { t("nej", "no") })
            .with_default_value_formatter(if sv {
                &|d| if d { "J/n".into() } else { "j/N".into() }
            } else {
                &|d| if d { "Y/n".into() } else { "y/N".into() }
            })
            .with_placeholder(if sv { "j/n" } else { "y/n" })
            .with_error_message(&error);
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

/// The keys a prompt takes, then the question's own help line.
fn with_keys(keys: &str, help: Option<&str>) -> String {
    match help {
        Some(h) => format!("{keys} · {h}"),
        None => keys.to_string(),
    }
}

/// Yes or no as a Swede or an English speaker types it: j/ja/y/yes, n/nej/no.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "j" | "ja" | "y" | "yes" => Some(true),
        "n" | "nej" | "no" => Some(false),
        _ => None,
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

    fn select_keyed(
        &mut self,
        prompt: &str,
        options: &[(String, String)],
        default: usize,
        help: Option<&str>,
    ) -> Result<usize> {
        let shown: Vec<String> = options.iter().map(|(k, l)| format!("{l} ({k})")).collect();
        self.select(prompt, &shown, default, help)
    }

    fn multi(
        &mut self,
        prompt: &str,
        options: &[(String, String)],
        defaults: &[usize],
        _help: Option<&str>,
        required: bool,
    ) -> Result<Vec<usize>> {
        let a = self.next(prompt)?;
        let chosen: Vec<usize> = if a == "-" {
            defaults.to_vec()
        } else {
            a.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    options
                        .iter()
                        .position(|(k, l)| k == s || l == s)
                        .ok_or_else(|| {
                            Error::Usage(format!("script: '{s}' is not an option of {prompt}"))
                        })
                })
                .collect::<Result<_>>()?
        };
        if required && chosen.is_empty() {
            return Err(Error::Usage(format!(
                "script: {prompt}: choose at least one"
            )));
        }
        Ok(chosen)
    }

    fn confirm(
        &mut self,
        prompt: &str,
        default: Option<bool>,
        _help: Option<&str>,
    ) -> Result<bool> {
        let a = self.next(prompt)?;
        if let Some(b) = parse_yes_no(&a) {
            return Ok(b);
        }
        match a.as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
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
