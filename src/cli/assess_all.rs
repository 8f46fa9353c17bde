//! `dataskydd assess --all`: re-assess every saved account assessment in parallel — what a
//! city runs when a DPF ruling or a platform's terms change.
//!
//! Each account is read, assessed, signed and written independently (memory does not grow
//! with the number of accounts: only a one-line summary per account is kept). One bad
//! answers file is reported and does not stop the others.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde_json::json;

use crate::error::{Error, IoContext, Result};
use crate::finding::Level;
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::record::{self, Record};
use crate::registers::{accounts, assessments};
use crate::workspace::Workspace;

struct Done {
    id: String,
    owner: String,
    exposure: String,
    must: usize,
    entry: Option<assessments::Entry>,
    actions: Vec<crate::finding::Action>,
}

/// Threads for a batch: writing a signed record waits on fsync more than it computes, so
/// more threads than cores keep the disk's group commit busy.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        * 4
}

pub fn run(
    ws: &Workspace,
    since: &Option<String>,
    only: &[String],
    out: Option<&Path>,
    json_out: bool,
    dry_run: bool,
) -> Result<i32> {
    let q = Questionnaire::load("account")?;
    let dir = ws.answers_dir("assess");
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
    for id in only {
        accounts::check_id(id).map_err(|e| e.field("--account"))?;
    }
    let mut files: Vec<(String, PathBuf)> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    files.sort();
    if !only.is_empty() {
        for id in only {
            if !files.iter().any(|(f, _)| f == id) {
                return Err(Error::input(t(
                    &format!("inga sparade svar för kontot '{id}' i {}", dir.display()),
                    &format!(
                        "no saved answers for the account '{id}' in {}",
                        dir.display()
                    ),
                ))
                .field("--account"));
            }
        }
        files.retain(|(id, _)| only.contains(id));
    }
    if let Some(since) = since {
        let log = assessments::read_all(&ws.path("assessments.csv"))?;
        files.retain(|(id, _)| {
            let last = log.iter().rev().find(|e| &e.account == id);
            last.and_then(|e| chrono::DateTime::parse_from_rfc3339(&e.assessed_at).ok())
                .is_none_or(|d| d.date_naive() < since)
        });
    }
    // A closed or rejected account is no longer followed up (its saved answers stay).
    let life = crate::lifecycle::history::Histories::read(ws)?;
    files.retain(|(id, _)| {
        !matches!(
            life.status(id),
            crate::lifecycle::Status::Closed | crate::lifecycle::Status::Rejected
        )
    });
    let registered: IndexMap<String, accounts::Account> = accounts::read_all(&ws.accounts_csv())?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let out_dir = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ws.output_dir());
    if !dry_run {
        crate::workspace::ensure_private_dir(&out_dir)?;
    }

    let total = files.len();
    let bar = if std::io::stderr().is_terminal() && !json_out {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {eta} {msg}")
                .expect("valid template"),
        );
        Some(b)
    } else {
        None
    };
    let started = std::time::Instant::now();
    let failed = AtomicUsize::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads())
        .build()
        .map_err(|e| Error::Usage(e.to_string()))?;
    let results: Vec<std::result::Result<Done, (String, String)>> = pool.install(|| {
        files
            .par_iter()
            .map(|(id, path)| {
                let r = one(ws, &q, id, path, &registered, &out_dir, dry_run);
                if let Some(b) = &bar {
                    b.inc(1);
                }
                r.map_err(|e| {
                    failed.fetch_add(1, Ordering::Relaxed);
                    (id.clone(), e.to_string())
                })
            })
            .collect()
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    let mut errors = Vec::new();
    let mut done = Vec::new();
    for r in results {
        match r {
            Ok(d) => done.push(d),
            Err(e) => errors.push(e),
        }
    }
    let entries: Vec<assessments::Entry> = done.iter_mut().filter_map(|d| d.entry.take()).collect();
    if !entries.is_empty() {
        assessments::append_all(&ws.path("assessments.csv"), &entries)?;
        let done_life: Vec<crate::lifecycle::hooks::Assessed> = done
            .iter()
            .zip(&entries)
            .map(|(d, e)| crate::lifecycle::hooks::Assessed {
                account: &d.id,
                actions: &d.actions,
                record: &e.record,
            })
            .collect();
        crate::lifecycle::hooks::after_assessments(ws, &done_life)?;
    }
    let summary = if dry_run || done.is_empty() {
        None
    } else {
        Some(write_summary(ws, &done, &out_dir)?)
    };
    for (id, e) in &errors {
        eprintln!("dataskydd: {id}: {e}");
    }
    if json_out {
        super::print_json(&json!({
            "assessed": done.len(),
            "failed": errors.iter().map(|(id, e)| json!({"account": id, "error": e})).collect::<Vec<_>>(),
            "seconds": secs,
            "summary": summary.as_ref().map(|p| p.display().to_string()),
            "by_exposure": by_exposure(&done),
        }));
    } else {
        println!(
            "{}",
            t(
                &format!(
                    "{} konton bedömda, {} misslyckades, på {:.1} s ({:.0} per sekund).{}",
                    done.len(),
                    errors.len(),
                    secs,
                    done.len() as f64 / secs.max(1e-9),
                    summary
                        .as_ref()
                        .map(|p| format!(" Sammanställning: {}", p.display()))
                        .unwrap_or_default()
                ),
                &format!(
                    "{} accounts assessed, {} failed, in {:.1} s ({:.0} per second).{}",
                    done.len(),
                    errors.len(),
                    secs,
                    done.len() as f64 / secs.max(1e-9),
                    summary
                        .map(|p| format!(" Summary: {}", p.display()))
                        .unwrap_or_default()
                ),
            )
        );
    }
    Ok(if failed.load(Ordering::Relaxed) > 0 {
        2
    } else {
        0
    })
}

fn one(
    ws: &Workspace,
    q: &Questionnaire,
    id: &str,
    path: &Path,
    registered: &IndexMap<String, accounts::Account>,
    out_dir: &Path,
    dry_run: bool,
) -> Result<Done> {
    accounts::check_id(id).map_err(|e| e.in_file(path))?;
    let reg = registered.get(id).ok_or_else(|| {
        Error::input(t(
            &format!("kontot '{id}' finns inte i accounts.csv"),
            &format!("the account '{id}' is not in accounts.csv"),
        ))
        .in_file(path)
    })?;
    let text = std::fs::read_to_string(path).at(path)?;
    let (result, record) =
        super::assess::assess_one(ws, q, id, &text, path, out_dir, dry_run, None)?;
    Ok(Done {
        id: id.to_string(),
        owner: result
            .controller
            .clone()
            .unwrap_or_else(|| reg.owner.clone()),
        exposure: result.exposure.clone(),
        must: result
            .actions
            .iter()
            .filter(|a| a.level == Level::Must)
            .count(),
        entry: record.map(|(_, e)| e),
        actions: result.actions.clone(),
    })
}

fn by_exposure(done: &[Done]) -> serde_json::Value {
    let mut m = IndexMap::new();
    for level in ["high", "medium", "low"] {
        m.insert(level, done.iter().filter(|d| d.exposure == level).count());
    }
    json!(m)
}

/// The run's summary record: accounts by exposure and open must-actions, per committee.
fn write_summary(ws: &Workspace, done: &[Done], out_dir: &Path) -> Result<PathBuf> {
    let mut per: IndexMap<String, (usize, usize, usize, usize, usize)> = IndexMap::new();
    for d in done {
        let e = per.entry(d.owner.clone()).or_default();
        e.0 += 1;
        match d.exposure.as_str() {
            "high" => e.1 += 1,
            "medium" => e.2 += 1,
            _ => e.3 += 1,
        }
        e.4 += d.must;
    }
    per.sort_keys();
    let mut worst: Vec<&Done> = done.iter().filter(|d| d.must > 0).collect();
    worst.sort_by(|a, b| b.must.cmp(&a.must).then(a.id.cmp(&b.id)));
    let now = crate::clock::now();
    let labels = super::labels::labels();
    let data = json!({
        "org": ws.config.organisation.name,
        "date": now.format("%Y-%m-%d %H:%M").to_string(),
        "total": done.len(),
        "high": done.iter().filter(|d| d.exposure == "high").count(),
        "medium": done.iter().filter(|d| d.exposure == "medium").count(),
        "low": done.iter().filter(|d| d.exposure == "low").count(),
        "must": done.iter().map(|d| d.must).sum::<usize>(),
        "committees": per.iter().map(|(k, v)| json!({"name": k, "accounts": v.0, "high": v.1, "medium": v.2, "low": v.3, "must": v.4})).collect::<Vec<_>>(),
        "open": worst.iter().take(50).map(|d| json!({"id": d.id, "owner": d.owner, "exposure": labels.get(&d.exposure).cloned().unwrap_or(json!(d.exposure)), "must": d.must})).collect::<Vec<_>>(),
        "signer": crate::cli::keys::signer_summary(ws),
    });
    let result = data.clone();
    record::write(
        ws,
        &Record {
            template: "summary",
            data,
            answers_toml: None,
            result,
            title: t(
                "Sammanställning av kontobedömningar",
                "Summary of account assessments",
            ),
            reason: t(
                "Sammanställning av dataskyddsbedömningar",
                "Summary of data protection assessments",
            ),
            file_stem: format!("sammanstallning-{}", now.format("%Y%m%d-%H%M%S")),
        },
        out_dir,
    )
}
