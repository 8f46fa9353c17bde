//! Integration tests: each runs the real `dataskydd` binary in a temporary workspace
//! (one module per area; `test` is the builder they share).

mod account;
mod archive;
mod assess;
mod breach;
mod consent;
mod contract;
mod document;
mod excel;
mod fuzz_regressions;
mod interactive;
mod law;
mod life;
mod pades;
mod pdfa;
mod photo;
mod pipeline;
mod reading;
mod readme;
mod records;
mod registers;
mod robustness;
mod signing;
mod test;
mod web;
mod words;
