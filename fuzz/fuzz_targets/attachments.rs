//! Any bytes as a PDF handed to `dataskydd rerun`: its embedded files or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dataskydd::document::attachments(data);
});
