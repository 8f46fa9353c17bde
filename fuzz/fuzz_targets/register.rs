//! Any bytes as a register file: rows, torn lines and hash chains give errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("fuzz.csv");
    let _ = dataskydd::ledger::verify_chain(data, path);
    let _ = dataskydd::ledger::parse_rows(data, path, &["id", "text"], true);
    let _ = dataskydd::ledger::parse_rows(data, path, &["id", "platform", "owner"], false);
});
