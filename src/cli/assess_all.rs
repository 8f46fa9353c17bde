//! `dataskydd assess --all`: the options and the progress bar of
//! [`crate::pipeline::batch`], which re-runs every kept account assessment.

use std::io::IsTerminal;
use std::path::PathBuf;

use serde_json::json;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::pipeline::batch::{Batch, BatchOptions};
use crate::workspace::Workspace;

pub fn run(
    ws: &Workspace,
    since: &Option<String>,
    only: &[String],
    out: Option<PathBuf>,
    json_out: bool,
    dry_run: bool,
) -> Result<i32> {
    let since = since
        .as_deref()
        .map(|s| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                Error::input(t(
                    &format!("'{s}' är inget datum (ÅÅÅÅ-MM-DD)"),
                    &format!("'{s}' is not a date (YYYY-MM-DD)"),
                ))
                .field("--since")
            })
        })
        .transpose()?;
    let opts = BatchOptions {
        since,
        only: only.to_vec(),
        out,
        dry_run,
    };
    let batch = Batch::plan(ws, opts)?;
    let bar = if std::io::stderr().is_terminal() && !json_out {
        let b = indicatif::ProgressBar::new(batch.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {eta} {msg}")
                .expect("valid template"),
        );
        Some(b)
    } else {
        None
    };
    let report = batch.run(ws, &|| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for (id, e) in &report.failed {
        eprintln!("dataskydd: {id}: {e}");
    }
    if report.recovered > 0 {
        eprintln!(
            "{}",
            t(
                &format!("Obs: {} signerade bedömningar från en avbruten körning saknade rad i assessments.csv och har fått den.", report.recovered),
                &format!("Note: {} signed assessments from an interrupted run had no row in assessments.csv and now have one.", report.recovered),
            )
        );
    }
    let (done, secs) = (report.assessed.len(), report.seconds);
    if json_out {
        super::print_json(&json!({
            "assessed": done,
            "failed": report.failed.iter().map(|(id, e)| json!({"account": id, "error": e.to_string()})).collect::<Vec<_>>(),
            "seconds": secs,
            "summary": report.summary.as_ref().map(|p| p.display().to_string()),
            "by_exposure": report.by_exposure(),
            "recovered": report.recovered,
        }));
    } else {
        let summary = report.summary.as_ref();
        println!(
            "{}",
            t(
                &format!(
                    "{} konton bedömda, {} misslyckades, på {:.1} s ({:.0} per sekund).{}",
                    done,
                    report.failed.len(),
                    secs,
                    done as f64 / secs.max(1e-9),
                    summary
                        .map(|p| format!(" Sammanställning: {}", p.display()))
                        .unwrap_or_default()
                ),
                &format!(
                    "{} accounts assessed, {} failed, in {:.1} s ({:.0} per second).{}",
                    done,
                    report.failed.len(),
                    secs,
                    done as f64 / secs.max(1e-9),
                    summary
                        .map(|p| format!(" Summary: {}", p.display()))
                        .unwrap_or_default()
                ),
            )
        );
    }
    Ok(if report.failed.is_empty() { 0 } else { 2 })
}
