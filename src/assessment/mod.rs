//! The law as the product applies it (DOMAIN.md part 1): one pure function per decision,
//! from typed answers to a typed result with reasons, sources and the rule trace.

pub mod account;
pub mod adequacy;
pub mod breach;
pub mod closest;
pub mod photo;
pub mod platforms;
pub mod policy;

/// The version of the rules; printed in records and compared by `rerun`.
pub const RULES_VERSION: &str = "2026.12";

/// EEA states (EU 27 plus Iceland, Liechtenstein, Norway): no transfer rules apply.
pub const EEA: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

pub fn in_eea(country: &str) -> bool {
    EEA.contains(&country.trim().to_ascii_uppercase().as_str())
}
