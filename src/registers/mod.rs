//! The registers on disk, each an append-only [`crate::ledger::Ledger`].

pub mod breaches;
