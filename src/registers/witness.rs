//! Signed records as witnesses of the registers. Every record names the state of each
//! register when it was made: the last signed checkpoint's byte count and chain head
//! (`result.json` → `registers`, and a line above the signature). The checkpoints alone
//! cannot show that an older copy of a register was put back together with its older
//! checkpoint file; the records made since can: each names a checkpoint the put-back file
//! does not have. `verify-registers` makes that check.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::error::Result;
use crate::i18n::t;
use crate::ledger::anchor;
use crate::workspace::Workspace;

/// The state of every chained register that has a signed checkpoint, in the order of
/// [`super::all_ledgers`]: `{register, bytes, head, checkpoint_at}`.
pub fn states(ws: &Workspace) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for ledger in super::all_ledgers(ws)? {
        if !ledger.chained {
            continue;
        }
        let Ok(tail) = anchor::read_tail(&ledger.path) else {
            continue;
        };
        if let Some(cp) = tail.last {
            out.push(json!({
                "register": file_name(&ledger.path),
                "bytes": cp.bytes,
                "head": cp.head,
                "checkpoint_at": cp.signed_at,
            }));
        }
    }
    Ok(out)
}

/// One record that names a state its register's checkpoints do not contain.
#[derive(Debug, Clone)]
pub struct Missing {
    pub register: String,
    pub record: PathBuf,
    pub bytes: u64,
    pub head: String,
    pub checkpoint_at: String,
}

impl Missing {
    pub fn message(&self) -> String {
        t(
            &format!(
                "den signerade handlingen {} visar registrets läge {} ({} byte, kedjesumma {}), men registrets kontrollpunkter saknar det: en äldre kopia av registret har lagts tillbaka, eller kontrollpunkterna har kortats",
                self.record.display(),
                self.checkpoint_at,
                self.bytes,
                short(&self.head)
            ),
            &format!(
                "the signed record {} shows the register's state of {} ({} bytes, chain head {}), which the register's checkpoints lack: an older copy of the register was put back, or its checkpoints were cut",
                self.record.display(),
                self.checkpoint_at,
                self.bytes,
                short(&self.head)
            ),
        )
    }
}

/// What the records in `output/` say about the registers.
#[derive(Debug, Default)]
pub struct Witnessed {
    /// Signed records read (unsigned or altered files are not witnesses).
    pub records: usize,
    pub missing: Vec<Missing>,
}

/// Checks every signed record under `output/` against the registers' checkpoints.
pub fn check(ws: &Workspace) -> Result<Witnessed> {
    let mut known: HashMap<String, HashSet<(u64, String)>> = HashMap::new();
    for ledger in super::all_ledgers(ws)? {
        let mut set = HashSet::new();
        anchor::each(&ledger.path, |_, c| {
            set.insert((c.bytes, c.head));
            Ok(())
        })?;
        known.insert(file_name(&ledger.path), set);
    }
    let mut w = Witnessed::default();
    let mut pdfs = Vec::new();
    collect_pdfs(&ws.output_dir(), &mut pdfs);
    pdfs.sort();
    for path in pdfs {
        let Ok(bytes) = crate::input::read(&path, crate::input::RECORD_LIMIT) else {
            continue;
        };
        if crate::signing::verify_pdf(&bytes).is_err() {
            continue;
        }
        let Ok(files) = crate::document::attachments(&bytes) else {
            continue;
        };
        let Some(result) = files
            .iter()
            .find(|(n, _)| n == "result.json")
            .and_then(|(_, b)| serde_json::from_slice::<Value>(b).ok())
        else {
            continue;
        };
        w.records += 1;
        for s in result["registers"].as_array().into_iter().flatten() {
            let register = s["register"].as_str().unwrap_or_default().to_string();
            let bytes = s["bytes"].as_u64().unwrap_or(0);
            let head = s["head"].as_str().unwrap_or_default().to_string();
            let Some(set) = known.get(&register) else {
                continue;
            };
            if !set.contains(&(bytes, head.clone())) {
                w.missing.push(Missing {
                    register,
                    record: ws.relative(&path).into(),
                    bytes,
                    head,
                    checkpoint_at: s["checkpoint_at"].as_str().unwrap_or_default().into(),
                });
            }
        }
    }
    Ok(w)
}

/// The line a record shows above its signature: each register and the start of its head.
pub fn summary(states: &[Value]) -> String {
    states
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["register"].as_str().unwrap_or_default(),
                short(s["head"].as_str().unwrap_or_default())
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn short(head: &str) -> &str {
    &head[..head.len().min(16)]
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn collect_pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() {
            collect_pdfs(&p, out);
        } else if ft.is_file() && p.extension().is_some_and(|x| x == "pdf") {
            out.push(p);
        }
    }
}
