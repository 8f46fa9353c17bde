//! `dataskydd serve`: the web face on this workspace (see `crate::web`).

use std::net::SocketAddr;

use super::Ctx;
use crate::error::Result;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address and port to listen on; any address but loopback needs users (`dataskydd user add`)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8450")]
    pub listen: SocketAddr,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    crate::web::serve(ctx.workspace()?, a.listen)
}
