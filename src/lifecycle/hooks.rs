//! What an assessment changes in the account's life: its must/should become actions (and
//! actions it no longer finds are resolved), and an approved account becomes active. The
//! pipeline's account assessment runs this in its register step ([`crate::pipeline::account`]),
//! so every face — `assess`, `assess --all`, the demo, the web — gets it the same way.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use crate::error::Result;
use crate::finding::Action;
use crate::lifecycle::actions::{self, Sync};
use crate::lifecycle::history::Histories;
use crate::lifecycle::Status;
use crate::registers::account_history::{self, Change};
use crate::registers::accounts;
use crate::workspace::Workspace;

/// What [`after_assessment`] reads, kept between the accounts of one batch so a batch of N
/// accounts does not read the registers N times. A register is read again whenever its
/// length is not the one it had when it was read or last written here: registers only grow,
/// and every writer of actions and statuses holds the history lock, as this does.
#[derive(Debug, Default)]
pub struct Memo {
    actions: Option<(u64, Vec<crate::registers::actions::Row>)>,
    owners: Option<(u64, HashMap<String, String>)>,
    statuses: Option<(u64, Histories)>,
}

fn len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Opens and resolves the actions of the assessment of `account` written to `record`
/// (relative to the workspace) and activates the account if it is approved, under the
/// history register's lock. Returns the actions opened and resolved.
pub fn after_assessment(
    ws: &Workspace,
    memo: &Mutex<Memo>,
    account: &str,
    found: &[Action],
    record: &str,
) -> Result<Sync> {
    // The file lock first, then the memo: threads of a batch queue on the lock.
    let _lock = account_history::lock(&ws.root)?;
    let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
    let now = crate::clock::now();
    let at = now.to_rfc3339();
    let actions_path = ws.path(crate::registers::actions::FILE);
    let n = len(&actions_path);
    if memo.actions.as_ref().map(|m| m.0) != Some(n) {
        memo.actions = Some((n, crate::registers::actions::read_all(&actions_path)?));
    }
    let accounts_path = ws.accounts_csv();
    let n = len(&accounts_path);
    if memo.owners.as_ref().map(|m| m.0) != Some(n) {
        let owners = accounts::read_all(&accounts_path)?
            .into_iter()
            .map(|a| {
                let who = if a.responsible.trim().is_empty() {
                    a.owner
                } else {
                    a.responsible
                };
                (a.id, who)
            })
            .collect();
        memo.owners = Some((n, owners));
    }
    let history_path = ws.path(account_history::FILE);
    let n = len(&history_path);
    if memo.statuses.as_ref().map(|m| m.0) != Some(n) {
        memo.statuses = Some((n, Histories::read(ws)?));
    }
    let owner = memo.owners.as_ref().and_then(|m| m.1.get(account).cloned());
    let status = memo.statuses.as_ref().map(|m| m.1.status(account));
    let rows = &memo.actions.as_ref().expect("read above").1;
    let sync = actions::plan_sync(
        &actions::fold(rows, crate::clock::today()),
        account,
        found,
        &owner.unwrap_or_default(),
        &at,
        now.date_naive(),
        record,
        &ws.config.account_life,
    );
    let new = sync.rows();
    crate::registers::actions::append(&actions_path, &new)?;
    if let Some((n, rows)) = memo.actions.as_mut() {
        rows.extend(new);
        *n = len(&actions_path);
    }
    if status == Some(Status::Approved) {
        let change = Change {
            line: 0,
            at: at.clone(),
            account: account.to_string(),
            status: Status::Active,
            by: crate::signing::keystore::cached_signer(ws)
                .map(|x| x.name().to_string())
                .unwrap_or_default(),
            reason: crate::i18n::t(
                "första bedömningen är gjord; kontot är i bruk",
                "the first assessment is done; the account is in use",
            ),
            record: record.to_string(),
            goals: Vec::new(),
            admins: Vec::new(),
        };
        account_history::append(&history_path, &change)?;
        memo.statuses = None;
    }
    Ok(sync)
}

/// The note printed after an assessment: actions opened and resolved.
pub fn describe(sync: &Sync) -> Vec<String> {
    let mut lines = Vec::new();
    for r in &sync.opened {
        lines.push(crate::i18n::t(
            &format!(
                "Ny åtgärd {} ({}, {}, senast {}): {}",
                r.action, r.code, r.owner, r.due, r.text
            ),
            &format!(
                "New action {} ({}, {}, due {}): {}",
                r.action, r.code, r.owner, r.due, r.text
            ),
        ));
    }
    for r in &sync.resolved {
        lines.push(crate::i18n::t(
            &format!(
                "Åtgärd {} ({}) är löst: den nya bedömningen finner inte längre detta.",
                r.action, r.code
            ),
            &format!(
                "Action {} ({}) is resolved: the new assessment no longer finds it.",
                r.action, r.code
            ),
        ));
    }
    lines
}

/// `assess` on an account that is not in use says so: an application not yet decided, a
/// rejected or a closed account is assessed only with a warning (the assessment is still
/// made: a DPO may assess before the decision, and the record says what it found).
pub fn warn_before_assessing(ws: &Workspace, id: &str) -> Result<()> {
    let status = crate::lifecycle::history::Histories::read(ws)?.status(id);
    let msg = match status {
        Status::Applied => Some(crate::i18n::t(
            &format!("Varning: kontot {id} är ansökt men inte beslutat; det får inte startas innan det är beviljat (`dataskydd account decide {id}`)."),
            &format!("Warning: the account {id} is applied for but not decided; it may not be started before it is approved (`dataskydd account decide {id}`)."),
        )),
        Status::Rejected => Some(crate::i18n::t(
            &format!("Varning: ansökan om kontot {id} är avslagen; kontot får inte användas."),
            &format!("Warning: the application for {id} was rejected; the account may not be used."),
        )),
        Status::Closed => Some(crate::i18n::t(
            &format!("Varning: kontot {id} är avvecklat."),
            &format!("Warning: the account {id} is closed."),
        )),
        _ => None,
    };
    if let Some(m) = msg {
        eprintln!("{m}");
    }
    Ok(())
}
