//! Re-evaluation of the photo and breach records (wired when those land).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::i18n::t;

pub fn reevaluate(
    kind: &str,
    _answers: &str,
    _old: &Value,
    _ws: Option<&crate::workspace::Workspace>,
) -> Result<Value> {
    Err(Error::input(t(
        &format!("handlingar av slaget '{kind}' kan inte köras om"),
        &format!("records of the kind '{kind}' cannot be re-run"),
    )))
}
