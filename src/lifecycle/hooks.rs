//! What an assessment changes in the account's life: its must/should become actions (and
//! actions it no longer finds are resolved), and an approved account becomes active.
//! `assess` and `assess --all` call this after they have logged their assessments.

use crate::error::Result;
use crate::finding::Action;
use crate::lifecycle::actions::{self, Sync};
use crate::lifecycle::follow_up::Snapshot;
use crate::lifecycle::Status;
use crate::registers::account_history::{self, Change};
use crate::workspace::Workspace;

/// One logged assessment.
pub struct Assessed<'a> {
    pub account: &'a str,
    pub actions: &'a [Action],
    pub record: &'a str,
}

/// Opens and resolves actions and activates approved accounts, in one append per register.
/// Returns what changed per account, in the order given.
pub fn after_assessments(ws: &Workspace, done: &[Assessed]) -> Result<Vec<(String, Sync)>> {
    if done.is_empty() {
        return Ok(Vec::new());
    }
    let _lock = crate::registers::account_history::lock(&ws.root)?;
    let s = Snapshot::without_assessments(ws)?;
    let now = crate::clock::now();
    let at = now.to_rfc3339();
    let mut states = s.actions.clone();
    let mut all_rows = Vec::new();
    let mut out = Vec::new();
    let mut activations = Vec::new();
    for d in done {
        let owner = s
            .accounts
            .iter()
            .find(|a| a.id == d.account)
            .map(|a| s.responsible(a))
            .unwrap_or_default();
        let sync = actions::plan_sync(
            &states,
            d.account,
            d.actions,
            &owner,
            &at,
            now.date_naive(),
            d.record,
            &s.settings,
        );
        // Later accounts of a batch number their actions after these.
        states.extend(actions::fold(&sync.opened, s.today));
        all_rows.extend(sync.rows());
        if s.status(d.account) == Status::Approved
            && !activations.iter().any(|c: &Change| c.account == d.account)
        {
            activations.push(Change {
                line: 0,
                at: at.clone(),
                account: d.account.to_string(),
                status: Status::Active,
                by: crate::signing::keystore::cached_signer(ws)
                    .map(|x| x.name().to_string())
                    .unwrap_or_default(),
                reason: crate::i18n::t(
                    "första bedömningen är gjord; kontot är i bruk",
                    "the first assessment is done; the account is in use",
                ),
                record: d.record.to_string(),
                goals: Vec::new(),
                admins: Vec::new(),
            });
        }
        out.push((d.account.to_string(), sync));
    }
    crate::registers::actions::append(&ws.path(crate::registers::actions::FILE), &all_rows)?;
    let path = ws.path(account_history::FILE);
    for c in &activations {
        account_history::append(&path, c)?;
    }
    Ok(out)
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
