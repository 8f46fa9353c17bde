//! Any bytes as a signed PDF: the verifier says unreadable, unsigned or invalid; never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dataskydd::signing::verify_pdf(data);
});
