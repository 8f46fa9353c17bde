//! The import/append path on any register state: arbitrary bytes as the register file (and,
//! when the input says so, as a journal left by a killed write), then an append of a batch
//! of rows through `Ledger::write` — torn lines of any length, journals, long rows and bad
//! chains give errors or a repaired register, never panics; after a successful append the
//! register ends in a complete line and no journal is left.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("dataskydd-fuzz-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("r.csv");
    let (journal, register) = match data.split_first() {
        Some((flag, rest)) if flag & 1 == 1 && rest.len() >= 8 => {
            let start = u64::from_le_bytes(rest[..8].try_into().unwrap()) % (rest.len() as u64 + 2);
            (Some(start), &rest[8..])
        }
        Some((_, rest)) => (None, rest),
        None => (None, data),
    };
    std::fs::write(&path, register).unwrap();
    if let Some(start) = journal {
        std::fs::write(
            dir.join("r.csv.journal"),
            format!("dataskydd-journal-v1 {start} 0\n"),
        )
        .unwrap();
    }
    let ledger = dataskydd::ledger::Ledger::new(&path, &["id", "text"], true);
    let text = String::from_utf8_lossy(register).replace(['\n', '\r'], " ");
    let text: String = text.chars().take(200).collect();
    let rows = vec![vec!["1".to_string(), text.clone()], vec!["2".to_string(), text]];
    if ledger.append(&rows).is_ok() {
        // What was appended ends the file with a newline: no torn line is left behind.
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.ends_with(b"\n"));
        assert!(!dir.join("r.csv.journal").exists());
    }
    let _ = ledger.verify();
    let _ = ledger.read();
});
