//! `archive export` writes an FGS Paketstruktur 2.0 / E-ARK SIP 2.1 package that the E-ARK
//! validator (eark-validator, pinned in .ci/run) accepts; `archive verify` re-checks it and
//! catches a changed file, an added file and a broken signature.

use std::path::Path;

use crate::pdfa::{every_kind_of_record, pdfa_check, tools_python};
use crate::test::tool;

const VALIDATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/eark_validate.py");

fn eark_validate(dir: &Path) {
    let py = tools_python();
    let out = tool(&py, &[VALIDATE, dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "eark-validator rejects the package:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["structure"]["status"], "WellFormed", "{report}");
    assert_eq!(report["metadata"]["schema_results"]["status"], "VALID");
}

fn sha256_upper(b: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, b)
        .as_ref()
        .iter()
        .map(|x| format!("{x:02X}"))
        .collect()
}

#[test]
fn a_years_package_passes_eark_validator_and_verify_catches_tampering() {
    let (ws, demo) = every_kind_of_record();
    let d = demo.to_str().unwrap();
    let pkg = ws.file("arkiv-2026");
    let p = pkg.to_str().unwrap();
    let out = ws
        .run(&[
            "--workspace",
            d,
            "archive",
            "export",
            "--year",
            "2026",
            "--out",
            p,
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(out["year"], 2026);
    let records = std::fs::read_dir(demo.join("output")).unwrap().count();
    assert_eq!(out["records"], records as u64, "{out}");
    let regs = out["registers"].as_array().unwrap();
    let consents = regs.iter().find(|r| r["file"] == "consents.csv").unwrap();
    assert_eq!(consents["chain_head"].as_str().unwrap().len(), 64, "{out}");
    let accounts = regs.iter().find(|r| r["file"] == "accounts.csv").unwrap();
    assert!(accounts["chain_head"].is_null());
    assert_eq!(
        std::fs::read(pkg.join("representations/rep1/data/registers/consents.csv")).unwrap(),
        std::fs::read(demo.join("consents.csv")).unwrap()
    );
    for f in [
        "METS.xml",
        "representations/rep1/METS.xml",
        "metadata/preservation/premis.xml",
    ] {
        assert!(pkg.join(f).is_file(), "{f}");
    }
    let premis = std::fs::read_to_string(pkg.join("metadata/preservation/premis.xml")).unwrap();
    assert!(premis.contains(consents["chain_head"].as_str().unwrap()));

    eark_validate(&pkg);
    let recs: Vec<_> = std::fs::read_dir(pkg.join("representations/rep1/data/records"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pdfa_check(&recs);

    let v = ws.run(&["archive", "verify", p, "--json"]).ok().json();
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["package"]["signatures"], records as u64);
    assert_eq!(v["package"]["chains"], 4);
    ws.run(&["archive", "verify", p]).ok().stdout_has("håller");

    // A second export into the same folder is refused; nothing is changed.
    let mets = std::fs::read(pkg.join("METS.xml")).unwrap();
    ws.run(&[
        "--workspace",
        d,
        "archive",
        "export",
        "--year",
        "2026",
        "--out",
        p,
    ])
    .code(2)
    .stderr_has("--out");
    assert_eq!(std::fs::read(pkg.join("METS.xml")).unwrap(), mets);

    // A changed register byte: the checksum no longer matches.
    let reg = pkg.join("representations/rep1/data/registers/breaches.csv");
    let orig = std::fs::read(&reg).unwrap();
    let mut bad = orig.clone();
    let at = bad.len() - 3;
    bad[at] ^= 1;
    std::fs::write(&reg, &bad).unwrap();
    ws.run(&["archive", "verify", p])
        .code(1)
        .stderr_has("breaches.csv")
        .stderr_has("kontrollsumman");
    std::fs::write(&reg, &orig).unwrap();

    // A file no METS lists.
    std::fs::write(
        pkg.join("representations/rep1/data/records/extra.pdf"),
        b"%PDF",
    )
    .unwrap();
    ws.run(&["--lang", "en", "archive", "verify", p])
        .code(1)
        .stderr_has("extra.pdf")
        .stderr_has("not in METS");
    std::fs::remove_file(pkg.join("representations/rep1/data/records/extra.pdf")).unwrap();

    // A broken signature, with the METS checksum forged to match: only the signature
    // check can catch it.
    let rec = recs
        .iter()
        .find(|r| r.to_str().unwrap().contains("bedomning-"))
        .unwrap();
    let bytes = std::fs::read(rec).unwrap();
    let mut bad = bytes.clone();
    let at = bad.windows(6).position(|w| w == b"/Title").unwrap();
    bad[at + 8] ^= 0x20;
    std::fs::write(rec, &bad).unwrap();
    let rep = pkg.join("representations/rep1/METS.xml");
    let text = std::fs::read_to_string(&rep).unwrap();
    std::fs::write(
        &rep,
        text.replace(&sha256_upper(&bytes), &sha256_upper(&bad)),
    )
    .unwrap();
    // the representation METS changed too: forge its checksum in the root METS
    let root = std::fs::read_to_string(pkg.join("METS.xml")).unwrap();
    let forged = root.replace(
        &sha256_upper(text.as_bytes()),
        &sha256_upper(std::fs::read(&rep).unwrap().as_slice()),
    );
    std::fs::write(pkg.join("METS.xml"), forged).unwrap();
    let out = ws.run(&["archive", "verify", p]).code(1);
    let name = rec.file_name().unwrap().to_str().unwrap();
    out.stderr_has(name).stderr_has("signaturen håller inte");

    // Not a package at all.
    ws.run(&["archive", "verify", ws.file("nope").to_str().unwrap()])
        .code(2)
        .stderr_has("METS.xml");
}
