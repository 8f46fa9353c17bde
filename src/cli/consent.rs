//! `dataskydd consent` (being built).

use super::Ctx;
use crate::error::{Error, Result};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Placeholder
    List,
}

pub fn run(_ctx: &Ctx, _c: Command) -> Result<i32> {
    Err(Error::Usage("not built yet".into()))
}
