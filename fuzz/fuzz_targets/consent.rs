//! Any CSV row as an imported consent (`consent import` hands each row's cells to
//! `consents::validate`): a consent or a list of problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let channels: std::collections::HashSet<String> = ["x-1".to_string(), "fb-1".to_string()]
        .into_iter()
        .collect();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    for rec in rdr.records().take(8) {
        let Ok(rec) = rec else { return };
        let get = |i: usize| rec.get(i).unwrap_or_default().to_string();
        let input = dataskydd::registers::consents::Input {
            subject: get(0),
            role: get(1),
            birth_year: get(2),
            given_by: get(3),
            giver: get(4),
            purpose: get(5),
            channel: get(6),
            media: get(7),
            valid_from: get(8),
            valid_until: get(9),
            evidence: get(10),
            notice_version: get(11),
            language: get(12),
            collection_method: get(13),
            withdrawal_method: get(14),
            explicit_art9: get(15),
        };
        if let Ok(v) = dataskydd::registers::consents::validate(&input, &channels, today) {
            // What validates is what the register stores: every field passes its check.
            for f in [
                &v.subject,
                &v.giver,
                &v.evidence,
                &v.notice_version,
                &v.withdrawal_method,
            ] {
                dataskydd::ledger::check_field(f).expect("a valid consent's fields are storable");
            }
        }
    }
});
