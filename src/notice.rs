//! `dataskydd notice ACCOUNT` (DOMAIN A9): the text for the account's "about" page, from the
//! account's saved assessment answers, the account register and the organisation's settings.

use crate::assessment::account::{self, Answers, Context, NoticeFormat};
use crate::error::{Error, IoContext, Result};
use crate::i18n::{t, Lang};
use crate::questionnaire::Questionnaire;
use crate::registers::accounts;
use crate::workspace::Workspace;

/// The notice for a registered account with saved answers (`answers/assess/ACCOUNT.toml`).
pub fn for_account(ws: &Workspace, id: &str, lang: Lang, format: NoticeFormat) -> Result<String> {
    accounts::check_id(id).map_err(|e| e.field("ACCOUNT"))?;
    let registered =
        accounts::find(&ws.accounts_csv(), id).map_err(|e| e.in_file(&ws.accounts_csv()))?;
    let path = ws.answers_dir("assess").join(format!("{id}.toml"));
    if !path.exists() {
        return Err(Error::input(t(
            &format!(
                "kontot {id} har ingen sparad bedömning ({}): kör `dataskydd assess {id}` först",
                path.display()
            ),
            &format!(
                "the account {id} has no saved assessment ({}): run `dataskydd assess {id}` first",
                path.display()
            ),
        ))
        .field("ACCOUNT"));
    }
    let text = std::fs::read_to_string(&path).at(&path)?;
    let q = Questionnaire::load("account")?;
    let v = q.validate(&text, &path)?;
    let a: Answers =
        serde_json::from_value(v).map_err(|e| Error::input(e.to_string()).in_file(&path))?;
    let cx = Context::of(ws, a.account.platform, Some(&registered));
    let result = account::assess_in(id, &a, &cx);
    Ok(account::notice_text(
        &a,
        &cx,
        result.controller.as_deref(),
        &result.platform,
        lang,
        format,
    ))
}
