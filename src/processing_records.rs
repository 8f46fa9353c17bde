//! `account export --processing-records FILE.csv` (DOMAIN A9): one row per account for the
//! controlling committee's record of processing activities (Art. 30(1)(a)–(g)), from each
//! account's saved assessment answers, in the Swedish Excel dialect of `consent export --excel`
//! (semicolon-separated, UTF-8 with BOM, CRLF, no cell read as a formula).

use std::path::Path;

use crate::assessment::account::{self, Answers, Context};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::registers::accounts;
use crate::workspace::Workspace;

pub fn header() -> Vec<String> {
    [
        ("konto", "account"),
        ("personuppgiftsansvarig", "controller"),
        ("dataskyddsombud", "dpo"),
        ("ändamål", "purposes"),
        ("kategorier av registrerade", "data_subjects"),
        ("kategorier av personuppgifter", "data_categories"),
        ("mottagare", "recipients"),
        ("överföringar till tredjeland", "transfers"),
        ("gallring", "retention"),
        ("säkerhetsåtgärder", "security"),
        ("regelversion", "rules_version"),
    ]
    .iter()
    .map(|(sv, en)| t(sv, en))
    .collect()
}

/// The rows: one per registered account (an account never assessed says so).
pub fn rows(ws: &Workspace) -> Result<Vec<Vec<String>>> {
    let q = Questionnaire::load("account")?;
    let mut out = Vec::new();
    for reg in accounts::read_all(&ws.accounts_csv())? {
        let path = ws.answers_dir("assess").join(format!("{}.toml", reg.id));
        let Ok(text) = std::fs::read_to_string(&path) else {
            let mut row = vec![reg.id.clone(), reg.owner.clone()];
            row.push(t("ingen sparad bedömning", "no saved assessment"));
            row.resize(header().len(), String::new());
            out.push(row);
            continue;
        };
        let v = q.validate(&text, &path)?;
        let a: Answers =
            serde_json::from_value(v).map_err(|e| Error::input(e.to_string()).in_file(&path))?;
        let cx = Context::of(ws, a.account.platform, Some(&reg));
        let r = account::assess_in(&reg.id, &a, &cx);
        let p = &r.processing_record;
        let list = |v: &[String]| v.join(", ");
        out.push(vec![
            reg.id.clone(),
            p.controller.clone(),
            p.dpo.clone(),
            list(&p.purposes),
            list(&p.data_subjects),
            list(&p.data_categories),
            list(&p.recipients),
            p.transfers
                .iter()
                .map(|x| format!("{}: {} ({})", x.recipient, x.country, x.mechanism))
                .collect::<Vec<_>>()
                .join(", "),
            p.retention
                .clone()
                .unwrap_or_else(|| t("inte angiven", "not stated")),
            list(&p.security),
            r.rules_version.to_string(),
        ]);
    }
    Ok(out)
}

/// Keeps Excel from reading a cell as a formula.
fn excel_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Writes the export atomically; returns the number of accounts.
pub fn export(ws: &Workspace, file: &Path) -> Result<usize> {
    let rows = rows(ws)?;
    let mut buf: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        let io = |e: csv::Error| Error::input(e.to_string()).in_file(file);
        w.write_record(header()).map_err(io)?;
        for r in &rows {
            w.write_record(r.iter().map(|s| excel_cell(s)))
                .map_err(io)?;
        }
        w.flush().map_err(|e| Error::io(file, e))?;
    }
    crate::workspace::write_atomic(file, &buf)?;
    Ok(rows.len())
}
