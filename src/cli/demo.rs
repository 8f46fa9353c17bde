//! `dataskydd demo` (being built).

use super::Ctx;
use crate::error::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_ctx: &Ctx, _args: Args) -> Result<i32> {
    Err(Error::Usage("not built yet".into()))
}
