//! What the reader meets (issue 10 items 6, 7, 9, 10, 11): every kind of record the demo and
//! the consent commands write, read back with `pdftotext -layout` as a person would read the
//! pages.

use std::path::{Path, PathBuf};

use crate::test::*;

/// The page texts of a PDF, in reading layout (poppler's `pdftotext -layout`).
fn pages(pdf: &Path) -> Vec<String> {
    let out = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The headings the templates write (`## …`, static text only).
fn template_headings() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for l in text.lines() {
            if let Some(h) = l.strip_prefix("## ") {
                if !h.contains("{{") {
                    out.push(h.trim().to_string());
                }
            }
        }
    }
    out.push("Signatur".into());
    out.push("Signature".into());
    out
}

/// An outcome code: `CTRL-SINGLE`, `BREACH-34(3)-EXCEPTION`.
fn is_code(w: &str) -> bool {
    w.contains('-')
        && w.len() > 4
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-()".contains(c))
}

/// A finding heading line: its title with the code at the end of the line.
fn ends_with_code(line: &str) -> bool {
    line.split_whitespace().last().is_some_and(is_code) && line.split_whitespace().count() > 1
}

fn body_lines(page: &str) -> Vec<&str> {
    let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
    // The last line is the footer ("… Sida N av M").
    let n = lines.len().saturating_sub(1);
    lines[..n].to_vec()
}

fn check(pdf: &Path, box_words: &[&str]) {
    let pages = pages(pdf);
    let name = pdf.file_name().unwrap().to_string_lossy().to_string();
    let headings = template_headings();
    // Page 1 opens with the decision box: right under the title.
    let first = body_lines(&pages[0]);
    let opening = first.iter().take(4).copied().collect::<Vec<_>>().join(" ");
    assert!(
        box_words.iter().any(|w| opening.contains(w)),
        "{name}: page 1 does not open with the decision box:\n{opening}"
    );
    let all = pages.join("\n");
    for (i, page) in pages.iter().enumerate() {
        let body = body_lines(page);
        let last = body.last().map(|l| l.trim()).unwrap_or_default();
        assert!(
            !headings.iter().any(|h| h == last) && !ends_with_code(last),
            "{name}: page {} ends with a heading: {last:?}",
            i + 1
        );
        if i > 0 {
            assert!(
                body.len() > 2,
                "{name}: page {} carries only {:?}",
                i + 1,
                body
            );
        }
        // No code stands alone as a heading.
        for l in &body {
            let t = l.trim();
            assert!(
                !is_code(t),
                "{name}: a code as a heading on page {}: {t}",
                i + 1
            );
        }
    }
    // No answer keys, no commands in texts meant for people, no English codes in Swedish.
    for key in [
        "account.owner_unit",
        "features.insights",
        "tools.dpa",
        "account.platform",
        "people.ref",
        "pdfsig",
        "CJEU",
        "(facebook_page)",
    ] {
        assert!(!all.contains(key), "{name} shows {key:?}");
    }
}

fn records(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_kind_of_record_opens_with_its_decision_and_keeps_headings_with_their_text() {
    let ws = Workspace::empty();
    let demo = ws.file("demo");
    ws.run(&["--workspace", demo.to_str().unwrap(), "demo"])
        .ok();
    let out = demo.join("output");
    let all = records(&out);
    let kinds = |prefix: &str| {
        all.iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            .count()
    };
    assert!(
        kinds("bedomning-") >= 3 && kinds("photo-") >= 3 && kinds("b-") >= 2,
        "{all:?}"
    );
    for pdf in &all {
        let n = pdf.file_name().unwrap().to_string_lossy().to_string();
        if n.starts_with("bedomning-") {
            check(pdf, &["Slutsats:"]);
        } else if n.starts_with("photo-") {
            check(pdf, &["Ja –", "Ja, på villkor", "Nej –"]);
        } else if n.starts_with("b-") {
            check(pdf, &["Personuppgiftsincident:"]);
        }
    }
    // What is copied into IMY's e-service names no commands.
    for pdf in all
        .iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("b-"))
    {
        let text = pages(pdf).join("\n");
        let imy = text
            .split("Underlag för anmälan till IMY")
            .nth(1)
            .expect("the breach record has the e-service section");
        let imy = imy.split("\nSignatur").next().unwrap();
        assert!(!imy.contains("dataskydd ") && !imy.contains("`"), "{imy}");
    }
    // A photo decision that says no names the one thing to do and sets no take-down
    // conditions.
    let no = all
        .iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("photo-")
        })
        .map(|p| pages(p).join("\n"))
        .find(|t| t.contains("Nej –"))
        .expect("the demo has a picture that may not be published");
    assert!(no.contains("Att göra:"), "{no}");
    assert!(!no.contains("Ta ner bilden"), "{no}");

    // The consent receipt and the Art. 15 extract, of a person with a published picture and
    // one that was refused.
    let w = |args: &[&str]| {
        let mut v = vec!["--workspace", demo.to_str().unwrap()];
        v.extend_from_slice(args);
        ws.run(&v).ok()
    };
    let before = records(&out);
    w(&[
        "consent",
        "add",
        "--subject",
        "elev-9001",
        "--role",
        "pupil",
        "--birth-year",
        "2014",
        "--given-by",
        "guardian",
        "--giver",
        "Vårdnadshavare 1",
        "--purpose",
        "event",
        "--channel",
        "nykoping-fb",
        "--media",
        "photo",
        "--valid-from",
        "2026-08-17",
        "--valid-until",
        "2027-06-15",
        "--evidence",
        "Dnr 2026/1",
    ]);
    let receipt = records(&out)
        .into_iter()
        .find(|p| !before.contains(p))
        .expect("a receipt");
    check(&receipt, &["Samtycket är registrerat"]);
    let receipt_text = pages(&receipt).join("\n");
    assert!(!receipt_text.contains("dataskydd "), "{receipt_text}");

    let before = records(&out);
    w(&["consent", "extract", "--subject", "deltagare-31"]);
    let extract = records(&out)
        .into_iter()
        .find(|p| !before.contains(p))
        .expect("an extract");
    check(&extract, &["Registerutdrag för"]);
    let text = pages(&extract).join("\n");
    for needed in [
        "Mottagare och överföring till tredjeland",
        "Facebook (Meta",
        "USA",
        "Hur länge uppgifterna sparas",
        "Dina rättigheter",
        "Integritetsskyddsmyndigheten (IMY), Box 8114",
        "Beslut att inte publicera",
    ] {
        assert!(
            text.contains(needed),
            "the extract lacks {needed:?}:\n{text}"
        );
    }
}
