//! The law: pure functions from typed answers to typed results. No I/O here.

pub mod photo;
pub mod policy;
