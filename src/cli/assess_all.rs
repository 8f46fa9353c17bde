//! `dataskydd assess --all` (being built).

use std::path::Path;

use crate::error::{Error, Result};
use crate::workspace::Workspace;

pub fn run(
    _ws: &Workspace,
    _since: &Option<String>,
    _only: &[String],
    _out: Option<&Path>,
    _json: bool,
    _dry: bool,
) -> Result<i32> {
    Err(Error::Usage("not built yet".into()))
}
