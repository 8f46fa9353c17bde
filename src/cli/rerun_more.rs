//! Re-evaluation of the photo and breach records (wired when those land).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::i18n::t;

pub fn reevaluate(
    kind: &str,
    answers: &str,
    _old: &Value,
    _ws: Option<&crate::workspace::Workspace>,
) -> Result<Value> {
    if kind == "breach_evaluation" {
        return super::breach::reevaluate(answers);
    }
    Err(Error::input(t(
        &format!("handlingar av slaget '{kind}' kan inte köras om"),
        &format!("records of the kind '{kind}' cannot be re-run"),
    )))
}
