//! The publication register (`publications.csv`): every photo decision recorded by
//! `dataskydd photo`, with the consents it relied on — so that a withdrawal can list what
//! must come down (GDPR art. 17(1)(b)).

use std::path::PathBuf;

use serde::Serialize;

use crate::error::Result;
use crate::ledger::Ledger;

pub const COLUMNS: &[&str] = &[
    "publication_id",
    "recorded_at",
    "channel",
    "published_on",
    "purpose",
    "decision",
    "preset",
    "subjects",
    "consent_ids",
    "file",
];

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Publication {
    pub publication_id: String,
    pub recorded_at: String,
    pub channel: String,
    pub published_on: String,
    pub purpose: String,
    pub decision: String,
    pub preset: String,
    pub subjects: Vec<String>,
    pub consent_ids: Vec<String>,
    pub file: String,
    #[serde(skip)]
    pub line: usize,
}

/// One entry of a take-down list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Takedown {
    pub publication_id: String,
    pub channel: String,
    pub published_on: String,
    pub file: String,
}

pub struct Register {
    pub ledger: Ledger,
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl Register {
    pub fn at(path: impl Into<PathBuf>) -> Register {
        Register {
            ledger: Ledger::new(path, COLUMNS, true).unnumbered(),
        }
    }

    pub fn append(&self, p: &Publication) -> Result<()> {
        self.ledger.append(&[vec![
            p.publication_id.clone(),
            p.recorded_at.clone(),
            p.channel.clone(),
            p.published_on.clone(),
            p.purpose.clone(),
            p.decision.clone(),
            p.preset.clone(),
            p.subjects.join(","),
            p.consent_ids.join(","),
            p.file.clone(),
        ]])?;
        Ok(())
    }

    pub fn all(&self) -> Result<Vec<Publication>> {
        let mut out = Vec::new();
        self.ledger.for_each(|r| {
            let f = &r.fields;
            out.push(Publication {
                publication_id: f[0].clone(),
                recorded_at: f[1].clone(),
                channel: f[2].clone(),
                published_on: f[3].clone(),
                purpose: f[4].clone(),
                decision: f[5].clone(),
                preset: f[6].clone(),
                subjects: split(&f[7]),
                consent_ids: split(&f[8]),
                file: f[9].clone(),
                line: r.line,
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// Every publication that relied on the consent and was allowed out (the take-down list).
    pub fn relying_on(&self, consent_id: &str) -> Result<Vec<Takedown>> {
        Ok(self
            .all()?
            .into_iter()
            .filter(|p| {
                p.decision != "not_allowed" && p.consent_ids.iter().any(|c| c == consent_id)
            })
            .map(|p| Takedown {
                publication_id: p.publication_id,
                channel: p.channel,
                published_on: p.published_on,
                file: p.file,
            })
            .collect())
    }

    /// Every publication that shows the subject (for an Art. 15 extract).
    pub fn of_subject(&self, subject: &str) -> Result<Vec<Publication>> {
        Ok(self
            .all()?
            .into_iter()
            .filter(|p| p.subjects.iter().any(|s| s == subject))
            .collect())
    }
}
