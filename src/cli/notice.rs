//! `dataskydd notice ACCOUNT [--format md|txt]`: the account's "about" page text.

use super::Ctx;
use crate::assessment::account::NoticeFormat;
use crate::error::Result;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / examples:\n  dataskydd notice nykoping-fb\n  dataskydd notice nykoping-fb --format txt --lang en"
)]
pub struct Args {
    /// The account id (as in accounts.csv), with a saved assessment
    pub account: String,
    /// md (Markdown) or txt (plain text)
    #[arg(long, default_value = "md", value_parser = ["md", "txt"])]
    pub format: String,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let format = if a.format == "txt" {
        NoticeFormat::Text
    } else {
        NoticeFormat::Markdown
    };
    print!(
        "{}",
        crate::notice::for_account(&ws, &a.account, ctx.lang, format)?
    );
    Ok(0)
}
