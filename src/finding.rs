//! What every assessment returns: findings with their reasons and sources, and actions.
//!
//! A finding is the unit of a conclusion. It carries the outcome code (DOMAIN.md), a text
//! in the user's language, the legal sources it rests on, whether the law is unsettled,
//! and `because`: the answer keys that led to it (the rule trace).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub text: String,
    pub sources: Vec<String>,
    pub unsettled: bool,
    pub because: Vec<String>,
}

impl Finding {
    pub fn new(code: &str, text: impl Into<String>) -> Self {
        Finding {
            code: code.to_string(),
            text: text.into(),
            sources: Vec::new(),
            unsettled: false,
            because: Vec::new(),
        }
    }

    pub fn sources(mut self, sources: &[&str]) -> Self {
        self.sources.extend(sources.iter().map(|s| s.to_string()));
        self
    }

    pub fn because(mut self, keys: &[&str]) -> Self {
        self.because.extend(keys.iter().map(|s| s.to_string()));
        self
    }

    pub fn unsettled(mut self) -> Self {
        self.unsettled = true;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Must,
    Should,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub code: String,
    pub level: Level,
    pub text: String,
}

impl Action {
    pub fn must(code: &str, text: impl Into<String>) -> Self {
        Action {
            code: code.to_string(),
            level: Level::Must,
            text: text.into(),
        }
    }
    pub fn should(code: &str, text: impl Into<String>) -> Self {
        Action {
            code: code.to_string(),
            level: Level::Should,
            text: text.into(),
        }
    }
}

/// The outcome codes of a list of findings, in order, without repeats.
pub fn outcomes(findings: &[Finding]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in findings {
        if !out.contains(&f.code) {
            out.push(f.code.clone());
        }
    }
    out
}
