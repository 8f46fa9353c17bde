//! `dataskydd breach decide ID --breach yes|no [--notify …] --reason TEXT [--by NAME]`.

use serde_json::json;

use super::{print_json, Ctx};
use crate::breach_decision::{self, Notify};
use crate::error::Result;
use crate::i18n::t;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The evaluation's id in the breach log (b-YYYY-NNNN)
    pub id: String,
    /// Is it a personal data breach? yes | no
    #[arg(long, value_parser = ["yes", "no"])]
    pub breach: String,
    /// Whom to notify: imy | imy_and_subjects | none (default none)
    #[arg(long, default_value = "none", value_parser = ["imy", "imy_and_subjects", "none"])]
    pub notify: String,
    /// Why (recorded in the decision note)
    #[arg(long)]
    pub reason: String,
    /// Who decided (the committee's delegate)
    #[arg(long, default_value = "")]
    pub by: String,
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let notify = Notify::parse(&a.notify).unwrap_or(Notify::None);
    let s = breach_decision::decide(
        &ws,
        &a.id,
        a.breach == "yes",
        notify,
        &a.reason,
        &a.by,
        crate::clock::now(),
    )?;
    if a.json {
        print_json(&json!({
            "id": s.id, "breach": s.breach, "notify_imy": s.notify_imy,
            "notify_subjects": s.notify_subjects, "imy_deadline": s.imy_deadline,
            "decision_pending": s.decision_pending, "open": s.open,
        }));
    } else {
        println!(
            "{}",
            t(
                &format!("{}: beslutet är registrerat i incidentloggen.", s.id),
                &format!("{}: the decision is recorded in the breach log.", s.id),
            )
        );
    }
    Ok(0)
}
