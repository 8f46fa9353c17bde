//! `dataskydd keys` (being built on the signing branch).

use super::Ctx;
use crate::error::{Error, Result};
use crate::workspace::Workspace;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Placeholder
    List,
}

pub fn run(_ctx: &Ctx, _c: Command) -> Result<i32> {
    Err(Error::Usage("not built yet".into()))
}

/// Creates the workspace's default signing key if it has none (replaced on merge).
pub fn ensure_default_signer(_ws: &Workspace, _name: &str, _role: &str) -> Result<()> {
    Ok(())
}

/// Who signs this workspace's records, for the document's signature block.
pub fn signer_summary(_ws: &Workspace) -> serde_json::Value {
    serde_json::json!({ "name": "", "role": "", "fingerprint": "" })
}
