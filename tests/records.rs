//! Every record the tool writes, checked with tools nobody here wrote: pdfsig, pdftotext,
//! pdffonts, pdfdetach and qpdf.

use std::path::{Path, PathBuf};

use crate::assess::{with_account, NYKOPING};
use crate::test::*;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Asserts what an archive expects of a signed record.
pub fn check_record(pdf: &Path) {
    let p = pdf.to_str().unwrap();
    let sig = stdout(&tool("pdfsig", &[p]));
    assert!(sig.contains("Signature is Valid."), "pdfsig on {p}:\n{sig}");
    assert!(
        sig.contains("Total document signed"),
        "pdfsig on {p}:\n{sig}"
    );
    let fonts = stdout(&tool("pdffonts", &[p]));
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert!(
            n >= 5 && cols[n - 5] == "yes" && cols[n - 4] == "yes",
            "font not embedded as a subset: {line}"
        );
    }
    let check = tool("qpdf", &["--check", p]);
    assert!(
        check.status.success() || check.status.code() == Some(3),
        "qpdf --check: {}",
        stdout(&check)
    );
    assert!(
        !stdout(&check).contains("ERROR"),
        "qpdf --check: {}",
        stdout(&check)
    );
    let size = std::fs::metadata(pdf).unwrap().len();
    assert!(size <= 100_000, "{p} is {size} bytes");
}

pub fn text_of(pdf: &Path) -> String {
    stdout(&tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]))
}

fn assessed() -> (Workspace, PathBuf) {
    let ws = with_account("nykoping-fb", "facebook_page");
    ws.write("a.toml", NYKOPING);
    let out = ws
        .run(&["assess", "nykoping-fb", "--answers", "a.toml", "--json"])
        .ok()
        .json();
    let pdf = PathBuf::from(out["record"].as_str().unwrap());
    (ws, pdf)
}

#[test]
fn the_assessment_record_is_signed_swedish_and_cites_its_sources() {
    let (_ws, pdf) = assessed();
    check_record(&pdf);
    let text = text_of(&pdf);
    for s in [
        "Dataskyddsbedömning av konto i sociala medier",
        "Kommunstyrelsen är personuppgiftsansvarig",
        "EU-domstolen C-210/16",
        "18 U.S.C. § 2713",
        "1998:112 4 §",
        "OSL-ROJANDE-RISK",
        "Åtgärder",
        "Sida 1 av",
    ] {
        assert!(text.contains(s), "the PDF lacks {s:?}:\n{text}");
    }
    let files = stdout(&tool("pdfdetach", &["-list", pdf.to_str().unwrap()]));
    assert!(
        files.contains("answers.toml") && files.contains("result.json"),
        "{files}"
    );
}

#[test]
fn english_record() {
    let ws = with_account("nykoping-fb", "facebook_page");
    ws.write("a.toml", NYKOPING);
    let out = ws
        .run(&[
            "--lang",
            "en",
            "assess",
            "nykoping-fb",
            "--answers",
            "a.toml",
            "--json",
        ])
        .ok()
        .json();
    let pdf = PathBuf::from(out["record"].as_str().unwrap());
    check_record(&pdf);
    let text = text_of(&pdf);
    assert!(
        text.contains("Data protection assessment") && text.contains("Page 1 of"),
        "{text}"
    );
}

#[test]
fn the_embedded_answers_are_the_answers_file() {
    let (ws, pdf) = assessed();
    let dir = ws.file("detached");
    std::fs::create_dir_all(&dir).unwrap();
    tool(
        "pdfdetach",
        &[
            "-saveall",
            "-o",
            dir.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("answers.toml")).unwrap(),
        NYKOPING
    );
    let result: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("result.json")).unwrap()).unwrap();
    assert_eq!(result["kind"], "account_assessment");
    assert!(result["rules_version"].is_string());
}

#[test]
fn verify_and_rerun_a_fresh_record() {
    let (ws, pdf) = assessed();
    let p = pdf.to_str().unwrap();
    let v = ws.run(&["verify", p, "--json"]).ok().json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["whole_file"], true);
    assert_eq!(v["signer"], "Dataskyddsombudet");
    let r = ws.run(&["rerun", p, "--json"]).ok().json();
    assert_eq!(r["unchanged"], true);
    assert_eq!(r["signature_valid"], true);
    ws.run(&["rerun", p]).ok().stdout_has("står sig");
}

#[test]
fn a_changed_byte_is_caught_by_verify_and_by_pdfsig() {
    let (ws, pdf) = assessed();
    let mut bytes = std::fs::read(&pdf).unwrap();
    // A byte inside the first signed range (the page content), not the signature itself.
    let at = bytes
        .windows(4)
        .position(|w| w == b"/Lan")
        .expect("metadata")
        + 2;
    bytes[at] ^= 0x01;
    let bad = ws.file("changed.pdf");
    std::fs::write(&bad, &bytes).unwrap();
    ws.run(&["verify", bad.to_str().unwrap()])
        .code(1)
        .stderr_has("INTE giltig");
    let sig = stdout(&tool("pdfsig", &[bad.to_str().unwrap()]));
    assert!(
        !sig.contains("Signature is Valid."),
        "pdfsig accepted a changed file:\n{sig}"
    );
    ws.run(&["rerun", bad.to_str().unwrap()]).code(1);
}

#[test]
fn appended_bytes_are_caught_by_verify_and_by_pdfsig() {
    let (ws, pdf) = assessed();
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes.extend_from_slice(b"\n% appended after signing\n");
    let bad = ws.file("appended.pdf");
    std::fs::write(&bad, &bytes).unwrap();
    ws.run(&["verify", bad.to_str().unwrap()])
        .code(1)
        .stderr_has("lagts till");
    let sig = stdout(&tool("pdfsig", &[bad.to_str().unwrap()]));
    assert!(
        !sig.contains("Total document signed"),
        "pdfsig did not notice:\n{sig}"
    );
}

#[test]
fn a_file_that_is_not_a_pdf_is_refused() {
    let ws = Workspace::new();
    ws.write("not.pdf", "just text\n");
    ws.run(&["verify", "not.pdf"]).code(2).stderr_has("not.pdf");
    ws.run(&["rerun", "not.pdf"]).code(2).stderr_has("not.pdf");
    ws.run(&["verify", "missing.pdf"])
        .code(2)
        .stderr_has("missing.pdf");
}

#[test]
fn demo_records_all_validate() {
    let ws = Workspace::empty();
    ws.run(&["--workspace", ws.file("demo").to_str().unwrap(), "demo"])
        .ok();
    let out = ws.file("demo/output");
    let mut n = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "pdf") {
            check_record(&p);
            // No [signing] configured: the signer's own clock, no TSA (B-B).
            let v = ws
                .run(&["verify", p.to_str().unwrap(), "--json"])
                .ok()
                .json();
            assert_eq!(v["signatures"][0]["level"], "B-B", "{v}");
            n += 1;
        }
    }
    assert!(n >= 5, "the demo wrote {n} records");
    // The answers the demo keeps assess again as they are, in the demo's own workspace
    // (every owning committee is in its dataskydd.toml).
    let d = ws.file("demo");
    let mut kept = 0;
    for e in std::fs::read_dir(d.join("answers/assess")).unwrap() {
        let p = e.unwrap().path();
        let id = p.file_stem().unwrap().to_str().unwrap().to_string();
        ws.run(&[
            "--workspace",
            d.to_str().unwrap(),
            "assess",
            &id,
            "--answers",
            p.to_str().unwrap(),
            "--dry-run",
        ])
        .ok();
        kept += 1;
    }
    assert!(kept >= 6, "the demo kept {kept} answers files");
}

#[test]
fn assess_all_writes_a_valid_record_per_account_and_reports_a_bad_file() {
    let ws = with_account("nykoping-fb", "facebook_page");
    ws.run(&[
        "account",
        "add",
        "ks-x",
        "--platform",
        "x",
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    ws.write("answers/assess/nykoping-fb.toml", NYKOPING);
    ws.write(
        "answers/assess/ks-x.toml",
        "[account]\nplatform = \"x\"\nowner_unit = \"KS\"\n[features]\ncoments = true\n",
    );
    let out = ws.run(&["assess", "--all", "--json"]).code(2);
    let j = out.json();
    assert_eq!(j["assessed"], 1);
    assert_eq!(j["failed"][0]["account"], "ks-x");
    assert!(
        out.stderr.contains("ks-x.toml") && out.stderr.contains("rad 5"),
        "{}",
        out.stderr
    );
    let summary = PathBuf::from(j["summary"].as_str().unwrap());
    check_record(&summary);
    assert!(text_of(&summary).contains("Per nämnd och bolag"));
    for e in std::fs::read_dir(ws.file("output")).unwrap() {
        check_record(&e.unwrap().path());
    }
    // Limiting to one account.
    ws.write(
        "answers/assess/ks-x.toml",
        "[account]\nplatform = \"x\"\nowner_unit = \"KS\"\n",
    );
    let j = ws
        .run(&["assess", "--all", "--account", "ks-x", "--json"])
        .ok()
        .json();
    assert_eq!(j["assessed"], 1);
}
