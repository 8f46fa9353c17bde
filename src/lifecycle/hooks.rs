//! What an assessment changes in the account's life: its must/should become actions (and
//! actions it no longer finds are resolved), and an approved account becomes active. The
//! pipeline's account assessment runs this in its register step ([`crate::pipeline::account`]),
//! so every face — `assess`, `assess --all`, the demo, the web — gets it the same way.

use crate::error::Result;
use crate::finding::Action;
use crate::lifecycle::actions::{self, Sync};
use crate::lifecycle::history::Histories;
use crate::lifecycle::Status;
use crate::registers::account_history::{self, Change};
use crate::registers::accounts;
use crate::workspace::Workspace;

/// Opens and resolves the actions of the assessment of `account` written to `record`
/// (relative to the workspace) and activates the account if it is approved, under the
/// history register's lock. Returns the actions opened and resolved.
pub fn after_assessment(
    ws: &Workspace,
    account: &str,
    found: &[Action],
    record: &str,
) -> Result<Sync> {
    let _lock = account_history::lock(&ws.root)?;
    let now = crate::clock::now();
    let at = now.to_rfc3339();
    let settings = &ws.config.account_life;
    let rows = crate::registers::actions::read_all(&ws.path(crate::registers::actions::FILE))?;
    let states = actions::fold(&rows, crate::clock::today());
    let owner = accounts::read_all(&ws.accounts_csv())?
        .iter()
        .find(|a| a.id == account)
        .map(|a| {
            if a.responsible.trim().is_empty() {
                a.owner.clone()
            } else {
                a.responsible.clone()
            }
        })
        .unwrap_or_default();
    let sync = actions::plan_sync(
        &states,
        account,
        found,
        &owner,
        &at,
        now.date_naive(),
        record,
        settings,
    );
    crate::registers::actions::append(&ws.path(crate::registers::actions::FILE), &sync.rows())?;
    if Histories::read(ws)?.status(account) == Status::Approved {
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
        account_history::append(&ws.path(account_history::FILE), &change)?;
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
