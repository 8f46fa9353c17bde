//! PDF/A-3b: every kind of record meets each requirement `tests/tools/pdfa_check.py` checks
//! with pikepdf (XMP `pdfaid`, sRGB output intent, embedded fonts, associated files with
//! `/AFRelationship`, no forbidden features, signatures over the whole file) — before
//! signing and after — and qpdf finds no damage. No PDF/A validator installs offline
//! (veraPDF), so the requirements are checked one by one.

use std::path::{Path, PathBuf};

use crate::test::{tool, Workspace};

const CHECKER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/pdfa_check.py");

/// The Python with pikepdf and eark-validator: `TOOLS_PYTHON`, else the venv `.ci/run`
/// makes. Missing, the test fails with how to install it.
pub fn tools_python() -> String {
    let py =
        std::env::var("TOOLS_PYTHON").unwrap_or_else(|_| "/opt/dataskydd-tools/bin/python".into());
    assert!(
        Path::new(&py).exists(),
        "{py} is missing: python3 -m venv /opt/dataskydd-tools && /opt/dataskydd-tools/bin/pip \
         install pikepdf==10.17.0 eark-validator==1.1.3 (or set TOOLS_PYTHON)"
    );
    py
}

/// Runs the PDF/A checker on `files`; a missing pikepdf fails the test with how to install.
pub fn pdfa_check(files: &[PathBuf]) {
    assert!(!files.is_empty(), "no PDFs to check");
    let mut args = vec![CHECKER.to_string()];
    args.extend(files.iter().map(|p| p.to_str().unwrap().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tool(&tools_python(), &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(2),
        "pikepdf is needed: pip install pikepdf==10.17.0 ({stderr})"
    );
    assert!(
        out.status.success(),
        "PDF/A-3b check failed:\n{stdout}{stderr}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        files.len(),
        "{stdout}"
    );
    for f in files {
        let q = tool("qpdf", &["--check", f.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&q.stdout);
        assert!(
            q.status.success() && text.contains("No syntax or stream encoding errors"),
            "qpdf --check {}: {text}{}",
            f.display(),
            String::from_utf8_lossy(&q.stderr)
        );
    }
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    v.sort();
    v
}

/// A demo workspace plus a consent receipt, a register extract and a batch summary: every
/// template the tool signs.
pub fn every_kind_of_record() -> (Workspace, PathBuf) {
    let ws = Workspace::empty();
    let demo = ws.file("demo");
    let d = demo.to_str().unwrap();
    ws.run(&["--workspace", d, "demo"]).ok();
    ws.run(&[
        "--workspace",
        d,
        "consent",
        "add",
        "--subject",
        "elev-0999",
        "--role",
        "pupil",
        "--birth-year",
        "2015",
        "--given-by",
        "guardian",
        "--giver",
        "Vårdnadshavare Ö",
        "--purpose",
        "inform_activity",
        "--channel",
        "sollentuna-skola-ig",
        "--media",
        "photo",
        "--valid-from",
        "2026-08-17",
        "--valid-until",
        "2027-06-15",
        "--evidence",
        "BUN 2026/999",
    ])
    .ok();
    ws.run(&[
        "--workspace",
        d,
        "consent",
        "extract",
        "--subject",
        "elev-0999",
    ])
    .ok();
    ws.run(&["--workspace", d, "assess", "--all"]).ok();
    (ws, demo)
}

#[test]
fn every_kind_of_signed_record_meets_pdfa_3b() {
    let (_ws, demo) = every_kind_of_record();
    let files = pdfs(&demo.join("output"));
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for prefix in [
        "bedomning-",
        "photo-",
        "b-",
        "consent-",
        "extract-",
        "sammanstallning-",
    ] {
        assert!(
            names.iter().any(|n| n.starts_with(prefix)),
            "no {prefix}* record among {names:?}"
        );
    }
    assert!(files.len() >= 15, "{names:?}");
    pdfa_check(&files);
    for f in &files {
        let out = tool("pdfsig", &[f.to_str().unwrap()]);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Signature is Valid."),
            "{}",
            f.display()
        );
    }
}

#[test]
fn an_unsigned_rendering_meets_pdfa_3b_too() {
    // --dry-run writes nothing, so render through the library: the same writer.
    use dataskydd::document::{render_pdf, Attachment, Meta, Relationship};
    let meta = Meta {
        title: "Prov – “åäö”".into(),
        subject: "PDF/A".into(),
        author: "Åsa Öberg".into(),
        keywords: vec!["dataskydd".into()],
        lang: "sv".into(),
        creator: "dataskydd test".into(),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:30:00+01:00").unwrap(),
    };
    let files = vec![
        Attachment {
            name: "answers.toml".into(),
            mime: "application/toml".into(),
            description: "Svaren".into(),
            bytes: b"a = 1\n".to_vec(),
            relationship: Relationship::Source,
        },
        Attachment {
            name: "result.json".into(),
            mime: "application/json".into(),
            description: "Resultatet".into(),
            bytes: b"{}".to_vec(),
            relationship: Relationship::Data,
        },
    ];
    let pdf = render_pdf("# Titel\n## Rubrik\nText **fet** §.\n", &meta, &files).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("osignerad.pdf");
    std::fs::write(&path, pdf).unwrap();
    pdfa_check(&[path]);
}

#[test]
fn the_checker_catches_what_breaks_pdfa() {
    // The checker must fail a record without pdfaid or with a wrong relationship: otherwise
    // the tests above prove nothing.
    let ws = Workspace::new();
    ws.run(&[
        "account",
        "add",
        "x-1",
        "--platform",
        "x",
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    ws.write(
        "a.toml",
        "[account]\nplatform = \"x\"\nowner_unit = \"Kommunstyrelsen\"\n",
    );
    ws.run(&["assess", "x-1", "--answers", "a.toml"]).ok();
    let good = pdfs(&ws.file("output"));
    let bytes = std::fs::read(&good[0]).unwrap();
    let checks = [
        (
            &b"<pdfaid:part>3</pdfaid:part>"[..],
            &b"<pdfaid:part>1</pdfaid:part>"[..],
            "6.6.4",
        ),
        (
            b"/AFRelationship/Source",
            b"/AFRelationship/Sourcx",
            "AFRelationship",
        ),
        (b"GTS_PDFA1", b"GTS_PDFX1", "6.2.3"),
    ];
    for (from, to, why) in checks {
        let at = memrfind(&bytes, from)
            .unwrap_or_else(|| panic!("{} not in the record", String::from_utf8_lossy(from)));
        let mut bad = bytes.clone();
        bad[at..at + from.len()].copy_from_slice(to);
        let p = ws.file("broken.pdf");
        std::fs::write(&p, &bad).unwrap();
        let out = tool(&tools_python(), &[CHECKER, p.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{why}: {text}");
        assert!(text.contains(why), "{why}: {text}");
    }
}

/// The last occurrence: the signature's update rewrites the catalog, and a reader takes
/// the newest version of an object.
fn memrfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
