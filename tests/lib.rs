//! Integration tests: each runs the real `dataskydd` binary in a temporary workspace.

mod account;
mod assess;
mod consent;
mod interactive;
mod photo;
mod robustness;
mod signing;
mod test;
