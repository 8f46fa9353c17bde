//! `rerun`: today's rules on a signed record's embedded answers, and what changed — what a
//! DPO needs when the law moves (a DPF judgment, a new EDPB guideline, a platform's terms).

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::signing::{Verification, VerifyError};
use crate::workspace::Workspace;

/// A record re-evaluated.
pub struct Rerun {
    /// The record's kind (`account_assessment`, …).
    pub kind: String,
    /// The record's signature, checked.
    pub signature: std::result::Result<Verification, VerifyError>,
    /// The result embedded when the record was signed.
    pub then: Value,
    /// The result under today's rules.
    pub now: Value,
    pub diff: Diff,
}

impl Rerun {
    pub fn unchanged(&self) -> bool {
        self.diff.added.is_empty()
            && self.diff.removed.is_empty()
            && self.diff.changed.is_empty()
            && self.diff.fields.is_empty()
    }
}

/// Re-evaluates the record `pdf` (read from `file`, which errors name); `ws` is the
/// workspace the command runs in, if any (a photo decision needs its consent register).
pub fn rerun(pdf: &[u8], file: &Path, ws: Option<&Workspace>) -> Result<Rerun> {
    let signature = crate::signing::verify_pdf(pdf);
    // The answers as the first signer signed them: a later incremental update can carry
    // other attachments, never read from there.
    let first = crate::signing::first_signed_revision(pdf).unwrap_or(pdf);
    let files = crate::document::attachments(first).map_err(|e| {
        Error::input(t(
            &format!("PDF-filen går inte att läsa: {e}"),
            &format!("the PDF cannot be read: {e}"),
        ))
        .in_file(file)
    })?;
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
    };
    let not_ours = || {
        Error::input(t(
            "filen bär inga inbäddade svar (answers.toml och result.json): den är inte en handling från dataskydd",
            "the file carries no embedded answers (answers.toml and result.json): it is not a dataskydd record",
        ))
        .in_file(file)
    };
    let answers =
        String::from_utf8(get("answers.toml").ok_or_else(not_ours)?).map_err(|_| not_ours())?;
    let then: Value = serde_json::from_slice(&get("result.json").ok_or_else(not_ours)?)
        .map_err(|_| not_ours())?;
    let kind = then["kind"].as_str().unwrap_or_default().to_string();
    let now = (|| {
        let k = super::kind_of_record(&then, ws)?.ok_or_else(|| {
            Error::input(t(
                &format!("handlingar av slaget '{kind}' kan inte köras om"),
                &format!("records of the kind '{kind}' cannot be re-run"),
            ))
        })?;
        k.reevaluate(ws, &answers)
    })()
    .map_err(|e| e.in_file(file))?;
    let diff = compare(&then, &now);
    Ok(Rerun {
        kind,
        signature,
        then,
        now,
        diff,
    })
}

/// What changed between two results.
#[derive(Debug, Default)]
pub struct Diff {
    /// Finding codes that are new.
    pub added: Vec<String>,
    /// Finding codes that no longer apply.
    pub removed: Vec<String>,
    /// Finding codes whose text, sources or settledness changed.
    pub changed: Vec<String>,
    /// Top-level conclusions that changed: (key, then, now).
    pub fields: Vec<(String, Value, Value)>,
}

/// Findings compared by code; top-level conclusions compared by value.
pub fn compare(old: &Value, new: &Value) -> Diff {
    let mut d = Diff::default();
    let list = |v: &Value| -> Vec<Value> { v["findings"].as_array().cloned().unwrap_or_default() };
    // The catalogue's `title` (rules 2026.12) is a heading, not a conclusion: not compared.
    let strip = |v: Vec<Value>| -> Vec<Value> {
        v.into_iter()
            .map(|mut f| {
                if let Some(o) = f.as_object_mut() {
                    o.remove("title");
                }
                f
            })
            .collect()
    };
    let (of, nf) = (strip(list(old)), strip(list(new)));
    let key = |f: &Value| f["code"].as_str().unwrap_or_default().to_string();
    for f in &nf {
        if of.iter().any(|o| o == f) {
            continue;
        }
        if of.iter().any(|o| key(o) == key(f)) {
            if !d.changed.contains(&key(f)) {
                d.changed.push(key(f));
            }
        } else if !d.added.contains(&key(f)) {
            d.added.push(key(f));
        }
    }
    for o in &of {
        if !nf.iter().any(|f| key(f) == key(o)) && !d.removed.contains(&key(o)) {
            d.removed.push(key(o));
        }
    }
    let skip = [
        "findings",
        "outcomes",
        "actions",
        "record",
        "rules_version",
        "questionnaire",
        "questionnaire_version",
        "template",
        "tool_version",
        "platform",
    ];
    if let Some(obj) = new.as_object() {
        for (k, v) in obj {
            if skip.contains(&k.as_str()) {
                continue;
            }
            if old.get(k).is_some_and(|o| o != v) {
                d.fields.push((k.clone(), old[k].clone(), v.clone()));
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(code: &str, text: &str, unsettled: bool) -> Value {
        json!({"code": code, "text": text, "sources": ["GDPR art. 26"], "unsettled": unsettled, "because": ["k"]})
    }

    #[test]
    fn compare_finds_added_removed_changed_and_fields() {
        let old = json!({"exposure": "medium", "findings": [f("A", "a", false), f("B", "b", false), f("D", "d1", false), f("D", "d2", false)]});
        let new = json!({"exposure": "high", "findings": [f("A", "a", true), f("C", "c", false), f("D", "d1", false), f("D", "d2", false)]});
        let d = compare(&old, &new);
        assert_eq!(d.added, vec!["C"]);
        assert_eq!(d.removed, vec!["B"]);
        assert_eq!(d.changed, vec!["A"]);
        assert_eq!(
            d.fields,
            vec![("exposure".to_string(), json!("medium"), json!("high"))]
        );
    }

    #[test]
    fn identical_results_are_unchanged() {
        let r = json!({"exposure": "low", "findings": [f("A", "a", false), f("A", "b", false)]});
        let d = compare(&r, &r);
        assert!(
            d.added.is_empty()
                && d.removed.is_empty()
                && d.changed.is_empty()
                && d.fields.is_empty()
        );
    }
}
