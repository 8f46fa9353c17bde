//! The import files a person hands the tool, as arbitrary bytes: `consent import`'s reader
//! (`registers::consent_import::each_import_row`: Excel dialects, BOM, Windows-1252, Swedish
//! column names, CRLF), `account import` (`registers::accounts::import`, all-or-nothing into
//! a fresh register) and the web's class list (`registers::class_list::parse`). Each gives
//! rows or a message naming a line, never a panic; an account import that fails leaves the
//! register as it was, one that succeeds leaves a register whose chain verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!(
        "dataskydd-fuzz-import-file-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("import.csv");
    std::fs::write(&file, data).unwrap();

    let mut rows = 0usize;
    let _ = dataskydd::registers::consent_import::each_import_row(&file, |row| {
        if let dataskydd::registers::consent_import::ImportRow::Bad(line, msg) = &row {
            assert!(*line >= 2, "a bad data row is line 2 or later");
            assert!(!msg.is_empty());
        }
        rows += 1;
        Ok(())
    });

    let register = dir.join("accounts.csv");
    let ledger = dataskydd::registers::accounts::ledger(&register);
    ledger.create().unwrap();
    let before = std::fs::read(&register).unwrap();
    match dataskydd::registers::accounts::import(&register, &file, "2026-11-20T10:00:00+01:00") {
        Ok(_) => {
            ledger.verify().expect("an import leaves a valid chain");
        }
        Err(_) => assert_eq!(std::fs::read(&register).unwrap(), before, "a refused import wrote"),
    }

    if let Ok((pairs, text)) = dataskydd::registers::class_list::parse(data) {
        // What is stored reads back as the same pairs.
        let again = dataskydd::registers::class_list::parse(text.as_bytes()).unwrap();
        assert_eq!(again.0, pairs);
    }
});
