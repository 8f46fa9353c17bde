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
    actions: Option<(u64, actions::Board)>,
    owners: Option<(u64, HashMap<String, String>)>,
    statuses: Option<(u64, Histories)>,
    /// Kept for the accounts of a batch: the whole action register is read once and kept
    /// up to date. Otherwise (one assessment) only its account's actions are read, through
    /// the register's index: a whole read of a 300-account city's 703 KB `actions.csv` was
    /// a fifth of one `assess`'s CPU (perf, 3 December 2026).
    batch: bool,
}

impl Memo {
    /// The memo of a batch (see the field `batch`).
    pub fn for_batch() -> Memo {
        Memo {
            batch: true,
            ..Memo::default()
        }
    }
}

fn len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// One assessment's part in the account's life: what [`after_assessments`] takes.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub account: String,
    pub found: Vec<Action>,
    /// The record, relative to the workspace.
    pub record: String,
    /// Who owns the actions: the account's responsible (else its owner) as registered,
    /// when the caller has read the account already; else looked up here.
    pub owner: Option<String>,
}

/// Who owns an account's actions: its responsible, else its owner.
pub fn action_owner(a: &accounts::Account) -> String {
    if a.responsible.trim().is_empty() {
        a.owner.clone()
    } else {
        a.responsible.clone()
    }
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
    let one = Assessed {
        account: account.to_string(),
        found: found.to_vec(),
        record: record.to_string(),
        owner: None,
    };
    Ok(after_assessments(ws, memo, &[one])?.remove(0))
}

/// [`after_assessment`] for several assessments at once (a batch's group commit): one
/// lock, one append of all their action rows, in order, each planned on the actions as
/// the ones before it left them.
pub fn after_assessments(
    ws: &Workspace,
    memo: &Mutex<Memo>,
    items: &[Assessed],
) -> Result<Vec<Sync>> {
    // The file lock first, then the memo: threads of a batch queue on the lock.
    let _lock = account_history::lock(&ws.root)?;
    let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
    let now = crate::clock::now();
    let at = now.to_rfc3339();
    let actions_path = ws.path(crate::registers::actions::FILE);
    let n = len(&actions_path);
    let one = match items {
        [one] if !memo.batch && memo.actions.is_none() => Some(one),
        _ => None,
    };
    let mut board = match one {
        Some(item) => {
            let (rows, max) = crate::registers::actions::of_account(&actions_path, &item.account)?;
            actions::Board::of_account(&rows, max)
        }
        None => {
            if memo.actions.as_ref().map(|m| m.0) != Some(n) {
                memo.actions = Some((
                    n,
                    actions::Board::of(&crate::registers::actions::read_all(&actions_path)?),
                ));
            }
            // Planned on the memo's board; if the append fails the memo is dropped, to be
            // read again from the register.
            memo.actions.take().expect("read above").1
        }
    };
    if items.iter().any(|i| i.owner.is_none()) {
        let accounts_path = ws.accounts_csv();
        let n = len(&accounts_path);
        if memo.owners.as_ref().map(|m| m.0) != Some(n) {
            let owners = accounts::read_all(&accounts_path)?
                .into_iter()
                .map(|a| (a.id.clone(), action_owner(&a)))
                .collect();
            memo.owners = Some((n, owners));
        }
    }
    let history_path = ws.path(account_history::FILE);
    let n = len(&history_path);
    if memo.statuses.as_ref().map(|m| m.0) != Some(n) {
        memo.statuses = Some((n, Histories::read(ws)?));
    }
    let mut syncs = Vec::with_capacity(items.len());
    let mut new = Vec::new();
    let mut activate = Vec::new();
    for item in items {
        let owner = item.owner.clone().or_else(|| {
            memo.owners
                .as_ref()
                .and_then(|m| m.1.get(&item.account).cloned())
        });
        let sync = board.plan_sync(
            &item.account,
            &item.found,
            &owner.unwrap_or_default(),
            &at,
            now.date_naive(),
            &item.record,
            &ws.config.account_life,
        );
        for r in sync.rows() {
            board.apply(&r);
            new.push(r);
        }
        let status = memo.statuses.as_ref().map(|m| m.1.status(&item.account));
        if status == Some(Status::Approved) && !activate.iter().any(|(a, _)| a == &item.account) {
            activate.push((item.account.clone(), item.record.clone()));
        }
        syncs.push(sync);
    }
    crate::registers::actions::append(&actions_path, &new)?;
    if one.is_none() {
        memo.actions = Some((len(&actions_path), board));
    }
    for (account, record) in activate {
        let change = Change {
            line: 0,
            at: at.clone(),
            account,
            status: Status::Active,
            by: crate::signing::keystore::cached_signer(ws)
                .map(|x| x.name().to_string())
                .unwrap_or_default(),
            reason: crate::i18n::t(
                "första bedömningen är gjord; kontot är i bruk",
                "the first assessment is done; the account is in use",
            ),
            record,
            goals: Vec::new(),
            admins: Vec::new(),
        };
        account_history::append(&history_path, &change)?;
        memo.statuses = None;
    }
    Ok(syncs)
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
