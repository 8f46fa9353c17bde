//! The registers a workspace keeps on disk, each an append-only [`crate::ledger::Ledger`].

pub mod consents;
pub mod publications;
