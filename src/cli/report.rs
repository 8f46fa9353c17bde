//! `dataskydd report --year 2026 [--committee NAME]`: the annual report, one signed PDF per
//! committee and one for the whole organisation, and the same figures as CSV for Excel.

use std::path::PathBuf;

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::lifecycle::follow_up::Snapshot;
use crate::lifecycle::report::{self, Figures, Inputs};
use crate::record::{self, Record};

#[derive(clap::Args, Debug)]
#[command(after_help = "Exempel / examples:\n  dataskydd report --year 2026\n  \
    dataskydd report --year 2026 --committee \"Barn- och utbildningsnämnden\" --json")]
pub struct Args {
    /// The calendar year reported on
    #[arg(long)]
    pub year: i32,
    /// Only this committee's report (default: one per committee and one for the organisation)
    #[arg(long, value_name = "NAME")]
    pub committee: Option<String>,
    /// Where to write the PDFs and the CSV (default: the workspace's output/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let this_year = crate::clock::today()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026);
    if !(2000..=this_year).contains(&a.year) {
        return Err(Error::input(t(
            &format!("{} är inget år att rapportera (2000–{this_year})", a.year),
            &format!("{} is not a year to report on (2000–{this_year})", a.year),
        ))
        .field("--year"));
    }
    let s = Snapshot::read(&ws)?;
    let breaches = crate::registers::breaches::BreachLog::at(&ws).entries()?;
    let breaches = crate::registers::breaches::summarise(&breaches, crate::clock::now());
    let consents = crate::registers::consents::Register::at(ws.consents_csv()).all()?;
    let publications = crate::registers::publications::Register::at(ws.publications_csv()).all()?;
    let inputs = Inputs {
        snapshot: &s,
        breaches: &breaches,
        consents: &consents,
        publications: &publications,
    };
    let all = report::committees(&s);
    let scopes: Vec<Option<String>> = match &a.committee {
        Some(c) => {
            if !all.contains(c) {
                return Err(Error::input(t(
                    &format!(
                        "ingen av kontona tillhör '{c}' (nämnder i registret: {})",
                        all.join(", ")
                    ),
                    &format!(
                        "no account belongs to '{c}' (committees in the register: {})",
                        all.join(", ")
                    ),
                ))
                .in_file(&ws.accounts_csv())
                .field("--committee"));
            }
            vec![Some(c.clone())]
        }
        None => std::iter::once(None)
            .chain(all.iter().cloned().map(Some))
            .collect(),
    };
    let figures: Vec<Figures> = scopes
        .iter()
        .map(|c| report::figures(&inputs, a.year, c.as_deref()))
        .collect();
    let per_committee: Vec<Figures> = if a.committee.is_none() {
        all.iter()
            .map(|c| report::figures(&inputs, a.year, Some(c)))
            .collect()
    } else {
        Vec::new()
    };
    let out_dir = a.out.clone().unwrap_or_else(|| ws.output_dir());
    crate::workspace::ensure_private_dir(&out_dir)?;
    let now = crate::clock::now();
    let en = crate::i18n::current() == crate::i18n::Lang::En;
    let mut pdfs = Vec::new();
    for f in &figures {
        let scope = f
            .committee
            .clone()
            .unwrap_or_else(|| t("Hela organisationen", "Whole organisation"));
        let data = json!({
            "org": ws.config.organisation.name,
            "year": a.year,
            "scope": scope,
            "date": now.format("%Y-%m-%d").to_string(),
            "signer": super::keys::signer_summary(&ws),
            "f": f,
            "rows": f.rows().into_iter().map(|(_, sv, enl, v)| json!({"label": if en { enl } else { sv }, "value": v})).collect::<Vec<_>>(),
            "committees": if f.committee.is_none() { per_committee.clone() } else { Vec::new() },
        });
        let slug = f
            .committee
            .as_deref()
            .map(crate::lifecycle::slug)
            .unwrap_or_else(|| "organisation".into());
        let rec = Record {
            template: "annual_report",
            data,
            answers_toml: None,
            result: json!({"kind": "annual_report", "year": a.year, "figures": f}),
            title: format!("{} {} – {scope}", t("Årsrapport", "Annual report"), a.year),
            reason: t(
                "Årsrapport: konton i sociala medier",
                "Annual report: social media accounts",
            ),
            file_stem: format!("arsrapport-{}-{slug}", a.year),
        };
        pdfs.push(record::write(&ws, &rec, &out_dir)?);
    }
    let csv_name = match &a.committee {
        Some(c) => format!("arsrapport-{}-{}.csv", a.year, crate::lifecycle::slug(c)),
        None => format!("arsrapport-{}.csv", a.year),
    };
    let csv_path = out_dir.join(csv_name);
    crate::workspace::write_atomic(&csv_path, &report::csv(&figures))?;
    if a.json {
        print_json(&json!({
            "year": a.year,
            "reports": pdfs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "csv": csv_path.display().to_string(),
            "figures": figures,
        }));
    } else {
        for p in &pdfs {
            println!("{}", p.display());
        }
        println!("{}", csv_path.display());
    }
    Ok(0)
}
