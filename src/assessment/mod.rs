//! The law as the product applies it (DOMAIN.md part 1): one pure function per decision,
//! from typed answers to a typed result with reasons, sources and the rule trace.

pub mod breach;
