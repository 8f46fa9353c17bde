//! The account's life in the demo: two applications (one approved with the principal's and
//! the education office's signatures, one rejected), actions done and re-assigned, an account
//! closed, the due list with its calendar file, and the annual report. The answers are data
//! in `questionnaires/demo/life-*.toml`; this only runs the commands over them.

use super::account_life;
use super::Ctx;
use crate::error::Result;
use crate::i18n::t;
use crate::lifecycle::decision::Verdict;
use crate::workspace::Workspace;

const RUNBACKA: &str = include_str!("../../questionnaires/demo/life-application-runbacka-ig.toml");
const FOTOKLUBB: &str =
    include_str!("../../questionnaires/demo/life-application-fotoklubb-tt.toml");
const CLOSING: &str = include_str!("../../questionnaires/demo/life-closing-stockholm-x.toml");
/// The school account's assessment: the demo's school answers, on Instagram.
const SCHOOL_ASSESSMENT: &str = include_str!("../../questionnaires/demo/sollentuna-skola-ig.toml");

const PRINCIPAL: (&str, &str) = ("Eva Lind (fiktiv)", "Rektor");
const EDUCATION_OFFICE: (&str, &str) = ("Omar Haddad (fiktiv)", "Utbildningskontoret");

fn answers_file(ws: &Workspace, kind: &str, id: &str, text: &str) -> Result<std::path::PathBuf> {
    let dir = ws.answers_dir(kind);
    crate::workspace::ensure_private_dir(&dir)?;
    let p = dir.join(format!("{id}.toml"));
    crate::workspace::write_atomic(&p, text.as_bytes())?;
    Ok(p)
}

pub fn run(ctx: &Ctx, ws: &Workspace) -> Result<()> {
    for (name, role) in [PRINCIPAL, EDUCATION_OFFICE] {
        // A key of the organisation's PKI for this person (keys/, by the certificate's name)
        // is used as it is; otherwise the demo makes a self-signed one.
        if crate::signing::keystore::signer_named(ws, name).is_ok() {
            continue;
        }
        crate::signing::new_key(
            &ws.keys_dir(),
            name,
            role,
            &ws.config.organisation.name,
            crate::clock::now(),
        )?;
    }
    let signers = vec![PRINCIPAL.0.to_string(), EDUCATION_OFFICE.0.to_string()];

    // Approved by two, assessed (its must and should become actions), one action done.
    let id = "sollentuna-runbacka-ig";
    let f = answers_file(ws, "apply", id, RUNBACKA)?;
    account_life::apply(ws, id, Some(f), false, false, None)?;
    account_life::decide(
        ws,
        id,
        Verdict::Approve,
        "Kontot tjänar skolans informationsuppdrag; två administratörer och en modereringsrutin finns.",
        &signers,
        false,
        None,
    )?;
    let assess = SCHOOL_ASSESSMENT;
    let done = crate::pipeline::run(
        ws,
        &crate::pipeline::account::AccountAssessment::new(id),
        crate::pipeline::Answers::toml(assess, crate::pipeline::account::saved_path(ws, id)),
        &crate::pipeline::Options::default(),
    )?;
    if let Some(path) = done.record() {
        println!("{}", path.display());
    }
    let s = crate::lifecycle::follow_up::Snapshot::read(ws)?;
    let mine: Vec<_> = s
        .actions
        .iter()
        .filter(|a| a.account == id && a.is_open())
        .collect();
    let path = ws.path(crate::registers::actions::FILE);
    let now = crate::clock::now().to_rfc3339();
    let mut rows = Vec::new();
    if let Some(a) = mine.first() {
        rows.push(crate::lifecycle::actions::event_row(
            a,
            crate::registers::actions::Event::Done,
            &now,
            PRINCIPAL.0,
            "Rutin för tillsyn av kommentarer beslutad av rektor, dnr BUN 2026/77 (fiktivt)",
            &a.owner,
        ));
    }
    if let Some(a) = mine.get(1) {
        rows.push(crate::lifecycle::actions::event_row(
            a,
            crate::registers::actions::Event::Assigned,
            &now,
            PRINCIPAL.0,
            "",
            EDUCATION_OFFICE.0,
        ));
    }
    crate::registers::actions::append(&path, &rows)?;

    // Rejected: one administrator (a warning naming the risk), no moderation routine.
    let id = "stockholm-fotoklubb-tt";
    let f = answers_file(ws, "apply", id, FOTOKLUBB)?;
    account_life::apply(ws, id, Some(f), false, false, None)?;
    account_life::decide(
        ws,
        id,
        Verdict::Reject,
        "En administratör och ingen modereringsrutin; fotoklubbens bilder publiceras i stället på fritidsgårdens konto.",
        &signers,
        false,
        None,
    )?;

    // Closed: Nyköping's checklist, content archived and registered first.
    let f = answers_file(ws, "close", "stockholm-x", CLOSING)?;
    account_life::close(ws, "stockholm-x", Some(f), false, None)?;

    // The due list and its calendar file; the annual report.
    let ics = ws.output_dir().join("uppfoljning.ics");
    account_life::due(ws, Some("400d"), Some(ics), true, false)?;
    let year = crate::clock::today()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap_or(2026);
    super::report::run(
        ctx,
        super::report::Args {
            year,
            committee: None,
            out: None,
            json: false,
        },
    )?;
    eprintln!(
        "{}",
        t(
            "Kontots livscykel: två ansökningar (en beviljad med två underskrifter, en avslagen), åtgärder, ett avvecklat konto, uppföljningslistan, kalenderfilen och årsrapporten.",
            "The account's life: two applications (one approved with two signatures, one rejected), actions, a closed account, the due list, the calendar file and the annual report.",
        )
    );
    Ok(())
}
