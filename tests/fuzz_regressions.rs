//! Inputs found by the `cargo fuzz` targets in `fuzz/` (crashes, and corpus inputs that
//! reached new code), kept as regression tests: each file in `tests/fuzz-cases/<target>/`
//! goes through the same library function as its fuzz target, and where a command reads
//! such a file, through the real binary too. No input may panic; a malformed one is an
//! error with a message (exit 2, or 1 for a signature that does not hold).

use std::path::{Path, PathBuf};

use crate::test::*;

fn cases(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-cases")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no cases in {}", dir.display());
    out
}

/// A run of the binary that ended in an error: exit `codes`, a message, no panic.
fn failed_cleanly(out: &Output, codes: &[i32], name: &Path) {
    assert!(
        codes.contains(&out.code) && !out.stderr.trim().is_empty(),
        "{}: dataskydd {:?} exited {} (expected one of {codes:?} with a message)\nstderr:\n{}",
        name.display(),
        out.args,
        out.code,
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn answers_cases_are_errors_or_answers() {
    let ws = crate::assess::with_account("fuzz-1", "facebook_page");
    for (path, bytes) in cases("answers") {
        let text = String::from_utf8_lossy(&bytes);
        for id in dataskydd::questionnaire::ids() {
            let q = dataskydd::questionnaire::Questionnaire::load(id).unwrap();
            if let Ok(v) = q.validate(&text, &path) {
                let again = q.to_toml(&v);
                q.validate(&again, Path::new("again.toml"))
                    .unwrap_or_else(|e| panic!("{}: written back: {e}", path.display()));
            }
        }
        let account = dataskydd::questionnaire::Questionnaire::load("account").unwrap();
        std::fs::write(ws.file("a.toml"), &bytes).unwrap();
        let out = ws.run(&["assess", "fuzz-1", "--answers", "a.toml", "--json"]);
        match account.validate(&text, &path) {
            Ok(_) if std::str::from_utf8(&bytes).is_ok() => {
                out.code(0);
            }
            _ => {
                failed_cleanly(&out, &[2], &path);
                assert!(out.stderr.contains("a.toml"), "{}", out.stderr);
            }
        }
    }
}

#[test]
fn register_cases_are_errors_or_rows() {
    let ws = Workspace::new();
    for (path, bytes) in cases("register") {
        let _ = dataskydd::ledger::verify_chain(&bytes, &path);
        let _ = dataskydd::ledger::parse_rows(&bytes, &path, &["id", "text"], true);
        let _ = dataskydd::ledger::parse_rows(&bytes, &path, &["id", "platform", "owner"], false);
        // As the consent register: `consent verify` checks the chain (0 intact, 1 broken,
        // 2 unreadable); `consent list` reads the rows.
        std::fs::write(ws.file("consents.csv"), &bytes).unwrap();
        let out = ws.run(&["consent", "verify"]);
        if out.code != 0 {
            failed_cleanly(&out, &[1, 2], &path);
        }
        let out = ws.run(&["consent", "list", "--json"]);
        if out.code != 0 {
            failed_cleanly(&out, &[2], &path);
        }
    }
}

#[test]
fn pdf_cases_are_unreadable_unsigned_or_invalid() {
    let ws = Workspace::new();
    for (path, bytes) in cases("verify_pdf") {
        assert!(
            dataskydd::signing::verify_pdf(&bytes).is_err(),
            "{}",
            path.display()
        );
        std::fs::write(ws.file("x.pdf"), &bytes).unwrap();
        let out = ws.run(&["verify", "x.pdf"]);
        failed_cleanly(&out, &[1, 2], &path);
    }
}

#[test]
fn attachment_cases_are_errors_or_files() {
    let ws = Workspace::new();
    for (path, bytes) in cases("attachments") {
        let _ = dataskydd::document::attachments(&bytes);
        std::fs::write(ws.file("x.pdf"), &bytes).unwrap();
        let out = ws.run(&["rerun", "x.pdf"]);
        failed_cleanly(&out, &[1, 2], &path);
    }
}

/// The columns of `consent import`, in the order the `consent` fuzz target fills `Input`.
const IMPORT_HEADER: &str = "subject,role,birth_year,given_by,giver,purpose,channel,media,\
valid_from,valid_until,evidence,notice_version,language,collection_method,withdrawal_method\n";

#[test]
fn consent_cases_are_consents_or_problems() {
    let channels: std::collections::HashSet<String> = ["x-1".to_string(), "fb-1".to_string()]
        .into_iter()
        .collect();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let ws = crate::assess::with_account("x-1", "x");
    ws.run(&[
        "account",
        "add",
        "fb-1",
        "--platform",
        "facebook_page",
        "--owner",
        "KS",
    ])
    .ok();
    for (path, bytes) in cases("consent") {
        // Through `consent import`, under the header of the import format: every row
        // is imported, or none and exit 2 naming the rows.
        let mut file = IMPORT_HEADER.as_bytes().to_vec();
        file.extend_from_slice(&bytes);
        std::fs::write(ws.file("import.csv"), &file).unwrap();
        let out = ws.run(&["consent", "import", "import.csv"]);
        if out.code != 0 {
            failed_cleanly(&out, &[2], &path);
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&bytes[..]);
        for rec in rdr.records() {
            let Ok(rec) = rec else { break };
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
                for f in [&v.subject, &v.giver, &v.evidence] {
                    dataskydd::ledger::check_field(f)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                }
            }
        }
    }
}
