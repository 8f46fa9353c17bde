//! A consent's journey: its signed receipt first (under a temporary name), then its row in
//! the consent register, then the receipt's own name — so a failure never leaves a row
//! without its receipt, and a receipt left pending by a kill is finished or removed on the
//! next run. The command line and the web face both call [`register`].

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::json;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::record::{self, Record};
use crate::registers::consents::{self, Consent, Register};
use crate::workspace::Workspace;

/// Registers a validated consent: the signed receipt (under a temporary name), the row,
/// then the receipt's name. The command line and the web face both call this.
pub fn register(
    ws: &Workspace,
    reg: &Register,
    valid: &consents::Valid,
    out: &std::path::Path,
) -> Result<(String, PathBuf, crate::ledger::AppendReport)> {
    let given_at = crate::clock::now().to_rfc3339();
    let ids = consents::new_ids(std::slice::from_ref(valid));
    let id = ids[0].clone();
    let consent = valid.to_consent(&id, &given_at);
    // The receipt first (signed, fsync'd, under a temporary name), then the row, then the
    // receipt's name: a refused key or an unwritable folder changes nothing; a crash
    // between the row and the rename leaves a receipt that the next `consent add` puts in
    // place (see `recover_receipts`).
    recover_receipts(reg, &ws.output_dir());
    let pending = write_receipt_pending(ws, &consent, out)?;
    let report = match reg.add_with_ids(std::slice::from_ref(valid), &ids, &given_at) {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&pending.tmp);
            return Err(e);
        }
    };
    let receipt = pending.finish().map_err(|e| {
        Error::Usage(t(
            &format!(
                "samtycket {id} ÄR registrerat i {}, men kvittot kunde inte få sitt namn ({e}); det ligger kvar som {} och flyttas på plats vid nästa `consent add`",
                reg.path().display(),
                pending.tmp.display()
            ),
            &format!(
                "consent {id} IS registered in {}, but the receipt could not be given its name ({e}); it is kept as {} and put in place by the next `consent add`",
                reg.path().display(),
                pending.tmp.display()
            ),
        ))
    })?;
    Ok((id, receipt, report))
}

/// A signed receipt written under a temporary name, waiting for its register row.
struct PendingReceipt {
    tmp: PathBuf,
    path: PathBuf,
}

impl PendingReceipt {
    fn finish(&self) -> std::io::Result<PathBuf> {
        // A hard link never replaces an existing receipt; then the temp name goes.
        match std::fs::hard_link(&self.tmp, &self.path) {
            Ok(()) => {}
            // Put in place already (by a recovery that saw it): the same bytes are fine.
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    && std::fs::read(&self.tmp).ok() == std::fs::read(&self.path).ok() => {}
            Err(e) => return Err(e),
        }
        std::fs::remove_file(&self.tmp)?;
        let _ = crate::ledger::files::sync_dir(&crate::ledger::files::parent(&self.path));
        Ok(self.path.clone())
    }
}

const PENDING_PREFIX: &str = ".pending-";

/// Receipts signed for a consent whose row was written, but whose name was not given
/// (a crash in between): put in place. Receipts of consents never registered go.
fn recover_receipts(reg: &Register, dir: &std::path::Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let pending: Vec<(PathBuf, String)> = rd
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(PENDING_PREFIX)?;
            let stem = rest.split(".pdf").next()?.to_string();
            Some((e.path(), stem))
        })
        .collect();
    if pending.is_empty() {
        return;
    }
    for (tmp, stem) in pending {
        let Some(id) = stem.strip_prefix("consent-") else {
            continue;
        };
        let age = std::fs::metadata(&tmp)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.elapsed().ok())
            .map(|d| d.as_secs())
            .unwrap_or(0);
        // Only receipts older than a minute: a concurrent `consent add` may be between
        // its receipt and its row, or its row and the receipt's name, right now.
        if age <= 60 {
            continue;
        }
        match reg.find(id) {
            Ok(Some(_)) => {
                let p = PendingReceipt {
                    tmp: tmp.clone(),
                    path: dir.join(format!("{stem}.pdf")),
                };
                if p.finish().is_ok() {
                    eprintln!(
                        "{}",
                        t(
                            &format!("Obs: kvittot för samtycke {id} (ett avbrott efter registreringen) lades på plats: {}", p.path.display()),
                            &format!("Note: the receipt for consent {id} (interrupted after registration) was put in place: {}", p.path.display()),
                        )
                    );
                }
            }
            Ok(None) => {
                let _ = std::fs::remove_file(&tmp);
            }
            _ => {}
        }
    }
}

pub fn repaired(bytes: usize, reg: &Register) {
    if bytes > 0 {
        eprintln!(
            "{}",
            t(
                &format!(
                    "Obs: en ofullständig sista rad ({bytes} byte, ett avbrott mitt i en skrivning) flyttades till {} innan raden skrevs; inga tidigare rader ändrades.",
                    crate::ledger::torn_path(reg.path()).display()
                ),
                &format!(
                    "Note: an incomplete last line ({bytes} bytes, a crash mid-write) was moved to {} before writing; no earlier row was changed.",
                    crate::ledger::torn_path(reg.path()).display()
                ),
            )
        );
    }
}

pub fn consent_json(c: &Consent, today: NaiveDate) -> serde_json::Value {
    let mut v = serde_json::to_value(c).expect("serialisable");
    v["state"] = json!(c.state(today));
    v
}

fn write_receipt_pending(
    ws: &Workspace,
    c: &Consent,
    out: &std::path::Path,
) -> Result<PendingReceipt> {
    let data = json!({
        "organisation": ws.config.organisation.name,
        "consent": c,
        "purposes": c.purposes.join(", "),
        "channels": c.channels.join(", "),
        "media": c.media.join(", "),
        "labels": crate::records::labels::labels(),
    });
    let stem = format!("consent-{}", c.consent_id);
    let bytes = record::render(
        ws,
        &Record {
            template: "consent_receipt",
            data,
            answers_toml: None,
            result: serde_json::to_value(c).expect("serialisable"),
            title: t("Kvitto på samtycke", "Consent receipt"),
            reason: t("Kvitto på lämnat samtycke", "Receipt for a consent given"),
            file_stem: stem.clone(),
        },
    )?;
    crate::workspace::ensure_private_dir(out)?;
    let path = out.join(format!("{stem}.pdf"));
    if path.exists() || crate::ledger::files::is_symlink(&path) {
        return Err(Error::Usage(t(
            &format!("{} finns redan; inget ändrades", path.display()),
            &format!("{} already exists; nothing was changed", path.display()),
        )));
    }
    let tmp = out.join(format!(
        "{PENDING_PREFIX}{stem}.pdf.{}",
        crate::ledger::files::random_hex(8)
    ));
    crate::workspace::write_private_new(&tmp, &bytes)?;
    Ok(PendingReceipt { tmp, path })
}
