//! Any bytes as an answers file, for every questionnaire: an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for id in dataskydd::questionnaire::ids() {
        let q = dataskydd::questionnaire::Questionnaire::load(id).unwrap();
        if let Ok(v) = q.validate(text, std::path::Path::new("fuzz.toml")) {
            // Whatever validates must also write back and validate again.
            let again = q.to_toml(&v);
            q.validate(&again, std::path::Path::new("again.toml"))
                .expect("written answers validate");
        }
    }
});
