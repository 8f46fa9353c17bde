//! `assess --all`: every kept account assessment re-run through the pipeline in parallel —
//! what a city runs when a DPF ruling or a platform's terms change.
//!
//! Each account is read, assessed, signed, written and logged on its own (memory does not
//! grow with the number of accounts: a one-line summary per account is kept), so a killed
//! batch leaves whole records each with its row. The one window a kill can hit — a record
//! renamed into place, its row not yet appended — is closed on the next run: writers hold
//! `.assessments.csv.lock` shared from writing to logging, [`recover`] holds it exclusively
//! and gives every signed assessment without a row its row. Stale temp files of killed
//! writers are removed. One bad answers file is reported and does not stop the others.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde_json::{json, Value};

use super::account::AccountAssessment;
use super::{Answers, Options};
use crate::error::{Error, IoContext, Result};
use crate::finding::Level;
use crate::i18n::t;
use crate::record::{self, Record};
use crate::registers::{accounts, assessments};
use crate::workspace::Workspace;

/// What to re-run.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Only accounts last assessed before this date, or never.
    pub since: Option<chrono::NaiveDate>,
    /// Only these accounts (each must have kept answers).
    pub only: Vec<String>,
    /// The folder for the records (default: `output/`).
    pub out: Option<PathBuf>,
    /// Assess only: write nothing.
    pub dry_run: bool,
}

/// One account's line in the batch's summary.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub id: String,
    /// The controller, or the registered owner when the assessment found none.
    pub owner: String,
    pub exposure: String,
    pub must: usize,
    /// The record written, relative to the workspace (None with `dry_run`).
    pub record: Option<String>,
}

/// What a batch did.
#[derive(Debug)]
pub struct BatchReport {
    pub assessed: Vec<Assessed>,
    /// Accounts that failed, with the reason (the others were still assessed).
    pub failed: Vec<(String, Error)>,
    pub seconds: f64,
    /// The signed summary record.
    pub summary: Option<PathBuf>,
    /// Rows given to signed records that had none (a killed earlier run).
    pub recovered: usize,
    /// Stale temp files removed.
    pub cleaned: usize,
}

impl BatchReport {
    /// Accounts per exposure level, highest first.
    pub fn by_exposure(&self) -> Value {
        let mut m = IndexMap::new();
        for level in ["high", "medium", "low"] {
            m.insert(
                level,
                self.assessed.iter().filter(|d| d.exposure == level).count(),
            );
        }
        json!(m)
    }
}

/// The accounts a batch will assess (`answers/assess/*.toml`, filtered), in order.
pub struct Batch {
    pub files: Vec<(String, PathBuf)>,
    opts: BatchOptions,
}

/// Threads for a batch: a record's writer spends most of its time blocked (its PDF's and
/// folder's fsyncs, the registers' group commit), so a batch needs many more threads than
/// cores to keep them busy. On 2 cores, 1,000 accounts, three alternating runs each
/// (7 December 2026): 8 threads used 157 % of the cores, median 2.32 s, peak 43 MB; 16
/// threads 173 %, 1.75 s, 55 MB; 32 threads 179 %, 1.81 s, 78 MB. Each thread holds about
/// 1.5 MB, so the count is capped (a bound not measured on bigger machines).
fn threads() -> usize {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    (cores * 8).min(32)
}

impl Batch {
    /// Finds the kept answers to re-run; an `only` account without answers is an error.
    pub fn plan(ws: &Workspace, opts: BatchOptions) -> Result<Batch> {
        let dir = ws.answers_dir("assess");
        for id in &opts.only {
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
        if !opts.only.is_empty() {
            for id in &opts.only {
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
            files.retain(|(id, _)| opts.only.contains(id));
        }
        // A closed or rejected account is no longer followed up (its saved answers stay).
        let life = crate::lifecycle::history::Histories::read(ws)?;
        files.retain(|(id, _)| {
            !matches!(
                life.status(id),
                crate::lifecycle::Status::Closed | crate::lifecycle::Status::Rejected
            )
        });
        if let Some(since) = opts.since {
            let log = assessments::read_all(&ws.path("assessments.csv"))?;
            files.retain(|(id, _)| {
                let last = log.iter().rev().find(|e| &e.account == id);
                last.and_then(|e| chrono::DateTime::parse_from_rfc3339(&e.assessed_at).ok())
                    .is_none_or(|d| d.date_naive() < since)
            });
        }
        Ok(Batch { files, opts })
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Runs the batch; `progress` is called once per account done (from any thread).
    pub fn run(self, ws: &Workspace, progress: &(dyn Fn() + Sync)) -> Result<BatchReport> {
        let out_dir = self.opts.out.clone().unwrap_or_else(|| ws.output_dir());
        let (mut recovered, mut cleaned) = (0, 0);
        if !self.opts.dry_run {
            crate::workspace::ensure_private_dir(&out_dir)?;
            cleaned = record::clean_stale_temps(&out_dir)?;
            recovered = recover(ws, &out_dir)?;
        }
        let registered: IndexMap<String, accounts::Account> =
            accounts::read_all(&ws.accounts_csv())?
                .into_iter()
                .map(|a| (a.id.clone(), a))
                .collect();
        let opts = Options {
            dry_run: self.opts.dry_run,
            out: Some(out_dir.clone()),
            keep_answers: false,
        };
        // The account-life step reads the registers once, not once per account.
        let life = std::sync::Arc::new(std::sync::Mutex::new(
            crate::lifecycle::hooks::Memo::for_batch(),
        ));
        // … and appends their rows in groups (one lock, checkpoint and fsync per group).
        let commits = std::sync::Arc::default();
        let started = std::time::Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads())
            .build()
            .map_err(|e| Error::Usage(e.to_string()))?;
        let results: Vec<std::result::Result<Assessed, (String, Error)>> = pool.install(|| {
            self.files
                .par_iter()
                .map(|(id, path)| {
                    let r = one(ws, id, path, &registered, &opts, &life, &commits);
                    progress();
                    r.map_err(|e| (id.clone(), e))
                })
                .collect()
        });
        let seconds = started.elapsed().as_secs_f64();
        let mut report = BatchReport {
            assessed: Vec::new(),
            failed: Vec::new(),
            seconds,
            summary: None,
            recovered,
            cleaned,
        };
        for r in results {
            match r {
                Ok(d) => report.assessed.push(d),
                Err(e) => report.failed.push(e),
            }
        }
        if !self.opts.dry_run && !report.assessed.is_empty() {
            // The next single `assess` then finds the index current. A register that fails
            // its chain is not hidden by skipping this: every look-up checks it again.
            let _ =
                crate::registers::actions::refresh_index(&ws.path(crate::registers::actions::FILE));
            report.summary = Some(write_summary(ws, &report.assessed, &out_dir)?);
        }
        Ok(report)
    }
}

fn one(
    ws: &Workspace,
    id: &str,
    path: &Path,
    registered: &IndexMap<String, accounts::Account>,
    opts: &Options,
    life: &std::sync::Arc<std::sync::Mutex<crate::lifecycle::hooks::Memo>>,
    commits: &std::sync::Arc<super::account::Commits>,
) -> Result<Assessed> {
    accounts::check_id(id).map_err(|e| e.in_file(path))?;
    let reg = registered.get(id).ok_or_else(|| {
        Error::input(t(
            &format!("kontot '{id}' finns inte i accounts.csv"),
            &format!("the account '{id}' is not in accounts.csv"),
        ))
        .in_file(path)
    })?;
    // The batch read the register once: each account gets its entry (no scan per record).
    let kind = AccountAssessment {
        life: life.clone(),
        commits: commits.clone(),
        ..AccountAssessment::of(reg)
    };
    let done = super::run(ws, &kind, Answers::from_file(path)?, opts)?;
    let record = done.written.record.as_deref().map(|p| ws.relative(p));
    let r = done.outcome;
    Ok(Assessed {
        record,
        id: id.to_string(),
        owner: r.controller.clone().unwrap_or_else(|| reg.owner.clone()),
        must: r.actions.iter().filter(|a| a.level == Level::Must).count(),
        exposure: r.exposure,
    })
}

/// The lock writers of assessments hold shared from writing a record to logging it, and
/// [`recover`] exclusively.
pub fn assessments_lock(ws: &Workspace, exclusive: bool) -> Result<std::fs::File> {
    let path = crate::registers::breaches::lock_path(&ws.path("assessments.csv"));
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let f = opts.open(&path).at(&path)?;
    if exclusive {
        f.lock().at(&path)?;
    } else {
        f.lock_shared().at(&path)?;
    }
    Ok(f)
}

/// Gives every signed account assessment in `dir` that has no row in `assessments.csv` its
/// row (from the record's embedded, signature-checked result), so a batch killed between
/// writing a record and logging it loses nothing. Returns the number of rows added.
pub fn recover(ws: &Workspace, dir: &Path) -> Result<usize> {
    let _lock = assessments_lock(ws, true)?;
    let log_path = ws.path("assessments.csv");
    let logged: std::collections::HashSet<String> = assessments::read_all(&log_path)?
        .into_iter()
        .filter_map(|e| file_name(&ws.resolve(&e.record)))
        .collect();
    let mut names: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                file_name(p).is_some_and(|n| {
                    n.starts_with("bedomning-") && n.ends_with(".pdf") && !logged.contains(&n)
                })
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(dir, e)),
    };
    names.sort();
    let mut entries = Vec::new();
    for path in names {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.file_type().is_file() {
            continue;
        }
        let pdf = std::fs::read(&path).at(&path)?;
        // Only a record this tool signed and nobody changed is logged.
        let Ok(signature) = crate::signing::verify_pdf(&pdf) else {
            continue;
        };
        let Ok(files) = crate::document::attachments(&pdf) else {
            continue;
        };
        let Some(result) = files
            .iter()
            .find(|(n, _)| n == "result.json")
            .and_then(|(_, b)| serde_json::from_slice::<Value>(b).ok())
        else {
            continue;
        };
        if result["kind"] != "account_assessment" {
            continue;
        }
        entries.push(entry_of(
            &result,
            &ws.relative(&path),
            &signature.signed_at.to_rfc3339(),
        ));
    }
    if !entries.is_empty() {
        assessments::append_all(&log_path, &entries)?;
    }
    Ok(entries.len())
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name()?.to_str().map(str::to_string)
}

/// The `assessments.csv` row of an embedded result (the same fields the run logs).
fn entry_of(r: &Value, record: &str, assessed_at: &str) -> assessments::Entry {
    let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
    let level = |l: &str| {
        r["actions"]
            .as_array()
            .map(|a| a.iter().filter(|x| x["level"] == l).count())
            .unwrap_or(0)
    };
    assessments::Entry {
        assessed_at: assessed_at.to_string(),
        account: s("account"),
        controller: s("controller"),
        exposure: s("exposure"),
        must_actions: level("must"),
        should_actions: level("should"),
        outcomes: r["outcomes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        record: record.to_string(),
        rules_version: s("rules_version"),
    }
}

/// The run's summary record: accounts by exposure and open must-actions, per committee.
fn write_summary(ws: &Workspace, done: &[Assessed], out_dir: &Path) -> Result<PathBuf> {
    let data = crate::records::summary::data(ws, done);
    let result = data.clone();
    record::write_dated(
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
            file_stem: "sammanstallning".into(),
        },
        out_dir,
    )
}
