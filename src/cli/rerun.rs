//! `dataskydd rerun FILE.pdf`: re-evaluate a signed record's embedded answers with today's
//! rules and say which conclusions changed — what a DPO needs when the law moves (a DPF
//! judgment, a new EDPB guideline, a platform's new terms).

use std::path::PathBuf;

use serde_json::{json, Value};

use super::{print_json, Ctx};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd rerun output/bedomning-nykoping-fb-20261120.pdf\n  \
                        dataskydd rerun output/bedomning-nykoping-fb-20261120.pdf --json\n\n\
                        Slutstatus / exit status: 0 (whether or not anything changed), 1 the \
                        signature is not valid, 2 not a record of this tool."
)]
pub struct Args {
    /// A signed record written by dataskydd
    #[arg(value_name = "FILE.pdf")]
    pub file: PathBuf,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let pdf = std::fs::read(&a.file).at(&a.file)?;
    let signature = crate::signing::verify_pdf(&pdf);
    let signature_valid = signature.is_ok();
    // The answers as the first signer signed them: a later incremental update can carry
    // other attachments, never read from there.
    let first = crate::signing::first_signed_revision(&pdf).unwrap_or(&pdf);
    let files = crate::document::attachments(first).map_err(|e| {
        Error::input(t(
            &format!("PDF-filen går inte att läsa: {e}"),
            &format!("the PDF cannot be read: {e}"),
        ))
        .in_file(&a.file)
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
        .in_file(&a.file)
    };
    let answers =
        String::from_utf8(get("answers.toml").ok_or_else(not_ours)?).map_err(|_| not_ours())?;
    let old: Value = serde_json::from_slice(&get("result.json").ok_or_else(not_ours)?)
        .map_err(|_| not_ours())?;
    let kind = old["kind"].as_str().unwrap_or_default().to_string();
    let ws = ctx.workspace().ok();
    let new = reevaluate(&kind, &answers, &old, ws.as_ref()).map_err(|e| e.in_file(&a.file))?;
    let diff = compare(&old, &new);
    let unchanged = diff.added.is_empty()
        && diff.removed.is_empty()
        && diff.changed.is_empty()
        && diff.fields.is_empty();
    if a.json {
        print_json(&json!({
            "file": a.file.display().to_string(),
            "kind": kind,
            "signature_valid": signature_valid,
            "signature_error": signature.as_ref().err().map(|e| e.message().to_string()),
            "rules_version_then": old["rules_version"],
            "rules_version_now": crate::assessment::RULES_VERSION,
            "unchanged": unchanged,
            "added": diff.added,
            "removed": diff.removed,
            "changed": diff.changed,
            "fields": diff.fields,
            "outcomes_then": old["outcomes"],
            "outcomes_now": new["outcomes"],
        }));
    } else {
        match &signature {
            Ok(v) => {
                let at = v
                    .signed_at
                    .with_timezone(&chrono_tz::Europe::Stockholm)
                    .format("%Y-%m-%d %H:%M");
                println!(
                    "{}",
                    t(
                        &format!("Signaturen är giltig ({}, {at}).", v.signer),
                        &format!("The signature is valid ({}, {at}).", v.signer)
                    )
                )
            }
            Err(e) => println!(
                "{}",
                t(
                    &format!("SIGNATUREN ÄR INTE GILTIG: {}", e.message()),
                    &format!("THE SIGNATURE IS NOT VALID: {}", e.message())
                )
            ),
        }
        println!(
            "{}",
            t(
                &format!(
                    "Regler då: {}, nu: {}.",
                    old["rules_version"].as_str().unwrap_or("?"),
                    crate::assessment::RULES_VERSION
                ),
                &format!(
                    "Rules then: {}, now: {}.",
                    old["rules_version"].as_str().unwrap_or("?"),
                    crate::assessment::RULES_VERSION
                ),
            )
        );
        if unchanged {
            println!(
                "{}",
                t(
                    "Slutsatserna står sig: inget har ändrats.",
                    "The conclusions still hold: nothing changed."
                )
            );
        }
        for (k, then, now) in &diff.fields {
            println!("  {k}: {then} → {now}");
        }
        for c in &diff.added {
            println!("  + {c}  {}", t("(ny slutsats)", "(new finding)"));
        }
        for c in &diff.removed {
            println!(
                "  - {c}  {}",
                t("(gäller inte längre)", "(no longer applies)")
            );
        }
        for c in &diff.changed {
            println!(
                "  ~ {c}  {}",
                t(
                    "(ändrad text, källor eller rättsläge)",
                    "(changed text, sources or settledness)"
                )
            );
        }
    }
    Ok(if signature_valid { 0 } else { 1 })
}

/// Runs today's rules on the embedded answers.
fn reevaluate(
    kind: &str,
    answers: &str,
    old: &Value,
    ws: Option<&crate::workspace::Workspace>,
) -> Result<Value> {
    let path = std::path::Path::new("answers.toml");
    match kind {
        "account_assessment" => {
            let q = crate::questionnaire::Questionnaire::load("account")?;
            let v = q.validate(answers, path)?;
            let typed: crate::assessment::account::Answers =
                serde_json::from_value(v).map_err(|e| Error::input(e.to_string()))?;
            let id = old["account"].as_str().unwrap_or_default();
            Ok(
                serde_json::to_value(crate::assessment::account::assess(id, &typed))
                    .expect("serialises"),
            )
        }
        other => super::rerun_more::reevaluate(other, answers, old, ws),
    }
}

#[derive(Default)]
struct Diff {
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<String>,
    fields: Vec<(String, Value, Value)>,
}

/// Findings compared by code; top-level conclusions compared by value.
fn compare(old: &Value, new: &Value) -> Diff {
    let mut d = Diff::default();
    let list = |v: &Value| -> Vec<Value> { v["findings"].as_array().cloned().unwrap_or_default() };
    let (of, nf) = (list(old), list(new));
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
