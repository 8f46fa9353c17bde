//! `dataskydd archive export|verify`: the thin face of [`crate::archive`].

use std::path::PathBuf;

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::Result;
use crate::i18n::t;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Write an e-archive package (FGS Paketstruktur 2.0 / E-ARK SIP 2.1) of a year's
    /// signed records and the registers
    Export(ExportArgs),
    /// Re-check a package: checksums, files added or missing, every signature, every chain
    Verify(VerifyArgs),
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The records signed this year (Swedish time)
    #[arg(long)]
    pub year: i32,
    /// The package folder to create (must not exist, or be empty)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The package folder (the one holding METS.xml)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    match c {
        Command::Export(a) => {
            let ws = ctx.workspace()?;
            let done = crate::archive::export(&ws, a.year, &a.out, crate::clock::now())?;
            if a.json {
                print_json(&json!(done));
            } else {
                println!(
                    "{}",
                    t(
                        &format!(
                            "Arkivpaket {} skrivet i {}: {} handlingar, {} register, {} filer.",
                            done.objid,
                            done.dir.display(),
                            done.records,
                            done.registers.len(),
                            done.files
                        ),
                        &format!(
                            "Archive package {} written to {}: {} records, {} registers, {} files.",
                            done.objid,
                            done.dir.display(),
                            done.records,
                            done.registers.len(),
                            done.files
                        ),
                    )
                );
            }
            Ok(0)
        }
        Command::Verify(a) => {
            let c = crate::archive::verify(&a.dir)?;
            let ok = c.problems.is_empty();
            if a.json {
                print_json(&json!({"valid": ok, "package": c}));
            } else {
                for p in &c.problems {
                    eprintln!("dataskydd: {}: {p}", a.dir.display());
                }
                if ok {
                    println!(
                        "{}",
                        t(
                            &format!(
                                "Arkivpaketet {} håller: {} filer, {} signaturer, {} kedjor kontrollerade.",
                                c.objid, c.files, c.signatures, c.chains
                            ),
                            &format!(
                                "The archive package {} holds: {} files, {} signatures, {} chains checked.",
                                c.objid, c.files, c.signatures, c.chains
                            ),
                        )
                    );
                }
            }
            Ok(if ok { 0 } else { 1 })
        }
    }
}
