//! `dataskydd verify` and `dataskydd rerun` (being built).

use super::Ctx;
use crate::error::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {}

#[derive(clap::Args, Debug)]
pub struct RerunArgs {}

pub fn run_verify(_ctx: &Ctx, _a: VerifyArgs) -> Result<i32> {
    Err(Error::Usage("not built yet".into()))
}

pub fn run_rerun(_ctx: &Ctx, _a: RerunArgs) -> Result<i32> {
    Err(Error::Usage("not built yet".into()))
}
