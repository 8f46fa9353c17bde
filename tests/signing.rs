//! Signatures: signed PDFs must satisfy poppler's `pdfsig`, `qpdf --check` and our own
//! verifier; changed or extended files must fail both; bad input must never panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset, Local};
use dataskydd::signing::{self, sample::sample_pdf, SignInfo, Signer, VerifyError};

const BIN: &str = env!("CARGO_BIN_EXE_dataskydd");

/// Runs an external checker; fails (never skips) when it is not installed.
fn tool(name: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        let pkg = if name == "qpdf" {
            "qpdf"
        } else {
            "poppler-utils"
        };
        panic!(
            "`{name}` is needed to check signatures ({e}): install it with \
             `apt-get install -y poppler-utils qpdf` (package {pkg})"
        )
    });
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn pdfsig(path: &Path) -> String {
    tool("pdfsig", &[path.to_str().unwrap()]).1
}

fn now() -> DateTime<FixedOffset> {
    let l = Local::now();
    l.with_timezone(l.offset())
}

struct Fixture {
    dir: tempfile::TempDir,
    signer: Signer,
    key: PathBuf,
    cert: PathBuf,
}

fn fixture(name: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = signing::new_key(
        &dir.path().join("keys"),
        name,
        "Dataskyddsombud",
        "Nyköpings kommun",
        now(),
    )
    .unwrap();
    let signer = Signer::load(&key, &cert).unwrap();
    Fixture {
        dir,
        signer,
        key,
        cert,
    }
}

fn info() -> SignInfo {
    SignInfo {
        reason: "Dataskyddsbedömning".into(),
        location: "Nyköping".into(),
        time: now(),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn assert_pdfsig_valid(path: &Path) {
    let out = pdfsig(path);
    assert!(out.contains("Signature is Valid."), "pdfsig:\n{out}");
    assert!(out.contains("Total document signed"), "pdfsig:\n{out}");
    assert!(!out.contains("Not total document signed"), "pdfsig:\n{out}");
}

fn assert_qpdf_clean(path: &Path) {
    let (code, out) = tool("qpdf", &["--check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "qpdf --check:\n{out}");
    assert!(
        out.contains("No syntax or stream encoding errors"),
        "qpdf:\n{out}"
    );
}

#[test]
fn signed_pdf_is_valid_for_pdfsig_qpdf_and_verify() {
    let f = fixture("Åsa Öberg");
    let pdf = sample_pdf(2, 60 * 1024, false);
    let signed = signing::sign_pdf(&pdf, &f.signer, &info()).unwrap();
    assert!(signed.starts_with(&pdf), "the original must stay a prefix");
    let path = write(f.dir.path(), "signed.pdf", &signed);

    let out = pdfsig(&path);
    assert_pdfsig_valid(&path);
    // Swedish names survive in the certificate and in the /Sig dictionary.
    assert!(
        out.contains("Signer Certificate Common Name: Åsa Öberg"),
        "pdfsig:\n{out}"
    );
    assert!(out.contains("O=Nyköpings kommun"), "pdfsig:\n{out}");
    assert!(out.contains("ETSI.CAdES.detached"), "pdfsig:\n{out}");
    assert_qpdf_clean(&path);

    let v = signing::verify_pdf(&signed).unwrap();
    assert_eq!(v.signer, "Åsa Öberg");
    assert_eq!(v.role, "Dataskyddsombud");
    assert_eq!(v.organisation, "Nyköpings kommun");
    assert_eq!(v.fingerprint, f.signer.fingerprint());
    assert_eq!(v.subfilter, "ETSI.CAdES.detached");
    assert!(v.whole_file);
    assert!((v.signed_at.timestamp() - now().timestamp()).abs() < 60);
    // /Name, /Reason and /Location are UTF-16BE text strings with a BOM.
    let tail = String::from_utf8_lossy(&signed[pdf.len()..]).into_owned();
    assert!(
        tail.contains("/Name <FEFF00C500730061002000D60062006500720067>"),
        "{tail}"
    );
    assert!(tail.contains("/SigFlags 3"));
    assert!(tail.contains("/Prev "));
}

#[test]
fn a_changed_byte_is_detected_by_both_verifiers() {
    let f = fixture("Åsa Öberg");
    let pdf = sample_pdf(1, 20 * 1024, false);
    let signed = signing::sign_pdf(&pdf, &f.signer, &info()).unwrap();
    // In the original content, and in the signed part of the update (the /Reason).
    let content_at = signed
        .windows(7)
        .position(|w| w == b"Rad 17:")
        .expect("sample text");
    let reason_at = signed.windows(7).rposition(|w| w == b"/Reason").unwrap() + 12;
    for at in [content_at + 5, reason_at] {
        let mut bad = signed.clone();
        bad[at] = if bad[at] == b'8' { b'9' } else { b'8' };
        match signing::verify_pdf(&bad) {
            Err(VerifyError::Invalid(m)) => assert!(m.contains("ändrats"), "{m}"),
            other => panic!("changed byte at {at} not detected: {other:?}"),
        }
        let path = write(f.dir.path(), "changed.pdf", &bad);
        let out = pdfsig(&path);
        assert!(!out.contains("Signature is Valid."), "pdfsig:\n{out}");
    }
}

#[test]
fn a_changed_signature_is_invalid() {
    let f = fixture("Per Ek");
    let signed = signing::sign_pdf(&sample_pdf(1, 5000, false), &f.signer, &info()).unwrap();
    let contents = signed
        .windows(11)
        .rposition(|w| w == b"/Contents <")
        .unwrap()
        + 11;
    let gap = signed[contents..].iter().position(|&b| b == b'>').unwrap();
    // The DER ends at the last non-zero hex digit; the ECDSA signature is its last bytes.
    let der_end = signed[contents..contents + gap]
        .iter()
        .rposition(|&b| b != b'0')
        .unwrap()
        + contents;
    let mut bad = signed.clone();
    bad[der_end - 4] = if bad[der_end - 4] == b'1' { b'2' } else { b'1' };
    match signing::verify_pdf(&bad) {
        Err(VerifyError::Invalid(m)) => assert!(m.contains("ogiltig"), "{m}"),
        other => panic!("{other:?}"),
    }
    let path = write(f.dir.path(), "badsig.pdf", &bad);
    assert!(!pdfsig(&path).contains("Signature is Valid."));
}

#[test]
fn appended_bytes_are_detected_by_both_verifiers() {
    let f = fixture("Åsa Öberg");
    let signed = signing::sign_pdf(&sample_pdf(1, 20 * 1024, false), &f.signer, &info()).unwrap();
    for extra in [&b"\n"[..], b"% note\n", b"1 0 obj\n(x)\nendobj\n%%EOF\n"] {
        let mut bad = signed.clone();
        bad.extend_from_slice(extra);
        match signing::verify_pdf(&bad) {
            Err(VerifyError::Invalid(m)) => assert!(m.contains("lagts till"), "{m}"),
            other => panic!("appended bytes not detected: {other:?}"),
        }
        let path = write(f.dir.path(), "appended.pdf", &bad);
        let out = pdfsig(&path);
        assert!(!out.contains("- Total document signed"), "pdfsig:\n{out}");
    }
}

#[test]
fn a_key_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let f = fixture("Åsa Öberg");
    assert_eq!(
        std::fs::metadata(&f.key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    for mode in [0o644, 0o640, 0o602] {
        std::fs::set_permissions(&f.key, std::fs::Permissions::from_mode(mode)).unwrap();
        let e = Signer::load(&f.key, &f.cert).unwrap_err().to_string();
        assert!(e.contains(&format!("chmod 600 {}", f.key.display())), "{e}");
    }
    std::fs::set_permissions(&f.key, std::fs::Permissions::from_mode(0o400)).unwrap();
    Signer::load(&f.key, &f.cert).unwrap();
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused() {
    let a = fixture("Åsa Öberg");
    let b = fixture("Per Ek");
    let e = Signer::load(&a.key, &b.cert).unwrap_err().to_string();
    assert!(e.contains("hör inte till certifikatet"), "{e}");
}

#[test]
fn bad_input_is_unreadable_or_not_signed_and_never_panics() {
    let f = fixture("Åsa Öberg");
    let pdf = sample_pdf(1, 8000, false);
    let signed = signing::sign_pdf(&pdf, &f.signer, &info()).unwrap();

    assert!(matches!(
        signing::verify_pdf(b""),
        Err(VerifyError::Unreadable(_))
    ));
    assert!(matches!(
        signing::verify_pdf(b"PK\x03\x04 a zip file"),
        Err(VerifyError::Unreadable(_))
    ));
    assert!(matches!(
        signing::verify_pdf(&pdf),
        Err(VerifyError::NotSigned(_))
    ));
    // Truncated anywhere: never valid, never a panic; half a file is unreadable.
    for cut in (0..signed.len()).step_by(97) {
        assert!(signing::verify_pdf(&signed[..cut]).is_err(), "cut at {cut}");
    }
    assert!(matches!(
        signing::verify_pdf(&signed[..signed.len() / 2]),
        Err(VerifyError::Unreadable(_))
    ));
    // Cut inside what the signature covers: changed after signing (exit 1), not "unreadable".
    assert!(matches!(
        signing::verify_pdf(&signed[..signed.len() - 300]),
        Err(VerifyError::Invalid(_))
    ));
    // Every single byte flipped in the update: never valid, never a panic.
    for at in pdf.len()..signed.len() {
        let mut bad = signed.clone();
        bad[at] ^= 0x55;
        assert!(signing::verify_pdf(&bad).is_err(), "flip at {at} accepted");
    }
    // Signing garbage is an error, not a panic.
    assert!(signing::sign_pdf(b"not a pdf", &f.signer, &info()).is_err());
    assert!(signing::sign_pdf(&pdf[..pdf.len() / 2], &f.signer, &info()).is_err());
}

#[test]
fn a_second_signature_and_an_xref_stream_input_work() {
    let a = fixture("Åsa Öberg");
    let b = fixture("Örjan Ågren");
    for xref_stream in [false, true] {
        let pdf = sample_pdf(2, 10 * 1024, xref_stream);
        let once = signing::sign_pdf(&pdf, &a.signer, &info()).unwrap();
        let p1 = write(a.dir.path(), "once.pdf", &once);
        assert_pdfsig_valid(&p1);
        assert_qpdf_clean(&p1);

        let twice = signing::sign_pdf(&once, &b.signer, &info()).unwrap();
        assert!(twice.starts_with(&once));
        let p2 = write(a.dir.path(), "twice.pdf", &twice);
        let out = pdfsig(&p2);
        assert_eq!(
            out.matches("Signature is Valid.").count(),
            2,
            "pdfsig:\n{out}"
        );
        assert!(
            out.contains("Signature Field Name: Signatur2"),
            "pdfsig:\n{out}"
        );
        assert!(out.contains("Common Name: Örjan Ågren"), "pdfsig:\n{out}");
        assert_qpdf_clean(&p2);
        let v = signing::verify_pdf(&twice).unwrap();
        assert_eq!(v.signer, "Örjan Ågren");
    }
}

#[test]
fn a_printpdf_document_can_be_signed() {
    use printpdf::*;
    let mut doc = PdfDocument::new("Dataskyddsbedömning");
    let ops = vec![
        Op::StartTextSection,
        Op::SetTextCursor {
            pos: Point::new(Mm(20.0), Mm(270.0)),
        },
        Op::SetFont {
            font: PdfFontHandle::Builtin(BuiltinFont::Helvetica),
            size: Pt(14.0),
        },
        Op::ShowText {
            items: vec![TextItem::Text("Dataskyddsbedomning".to_string())],
        },
        Op::EndTextSection,
    ];
    let pdf = doc
        .with_pages(vec![PdfPage::new(Mm(210.0), Mm(297.0), ops)])
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    let f = fixture("Åsa Öberg");
    let signed = signing::sign_pdf(&pdf, &f.signer, &info()).unwrap();
    let path = write(f.dir.path(), "printpdf.pdf", &signed);
    assert_pdfsig_valid(&path);
    assert_qpdf_clean(&path);
    signing::verify_pdf(&signed).unwrap();
}

/// A CA + signer chain made with rcgen, as an organisation's own PKI would give.
fn ca_chain(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = CertificateParams::default();
    ca.distinguished_name = rcgen::DistinguishedName::new();
    ca.distinguished_name
        .push(DnType::CommonName, "Nyköpings kommun CA");
    ca.distinguished_name
        .push(DnType::OrganizationName, "Nyköpings kommun");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name = rcgen::DistinguishedName::new();
    leaf.distinguished_name
        .push(DnType::CommonName, "Åsa Öberg");
    leaf.distinguished_name
        .push(DnType::CustomDnType(vec![2, 5, 4, 12]), "Dataskyddsombud");
    leaf.distinguished_name
        .push(DnType::OrganizationName, "Nyköpings kommun");
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    let leaf_cert = leaf.signed_by(&key, &issuer).unwrap();

    let key_path = write(dir, "org.key", key.serialize_pem().as_bytes());
    let chain_path = write(
        dir,
        "org-chain.pem",
        (leaf_cert.pem() + &ca_cert.pem()).as_bytes(),
    );
    let ca_path = write(dir, "org-ca.pem", ca_cert.pem().as_bytes());
    let reversed = write(
        dir,
        "reversed.pem",
        (ca_cert.pem() + &leaf_cert.pem()).as_bytes(),
    );
    let _ = reversed;
    (key_path, chain_path, ca_path)
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("DATASKYDD_WORKSPACE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dataskydd.toml"),
        "[organisation]\nname = \"Nyköpings kommun\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn cli_keys_new_show_and_verify() {
    let ws = workspace();
    let d = ws.path();
    let (code, out, err) = run(
        d,
        &[
            "keys",
            "new",
            "--name",
            "Åsa Öberg",
            "--role",
            "Dataskyddsombud",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["key"], "keys/key.key");
    assert_eq!(v["default"], true);
    assert_eq!(v["organisation"], "Nyköpings kommun");
    assert!(d.join("keys/signer.key").exists() && d.join("keys/signer.crt").exists());

    // A second key does not replace the default unless asked to.
    let (code, out, _) = run(
        d,
        &[
            "keys",
            "new",
            "--name",
            "Åsa Öberg",
            "--role",
            "Jurist",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let v2: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v2["key"], "keys/key-2.key");
    assert_eq!(v2["default"], false);

    let (code, out, err) = run(d, &["keys", "show", "--json"]);
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["fingerprint"], v["fingerprint"]);
    assert_eq!(s["role"], "Dataskyddsombud");
    assert_eq!(s["key_ok"], true);
    let (code, out, _) = run(d, &["keys", "show"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Fingeravtryck:") && out.contains("hör till certifikatet"),
        "{out}"
    );

    // Sign with the default key, as the record writers do.
    let ws_ = dataskydd::workspace::Workspace::open(d).unwrap();
    let signer = Signer::load(&ws_.signing_key(), &ws_.signing_cert()).unwrap();
    let signed = signing::sign_pdf(&sample_pdf(1, 4000, false), &signer, &info()).unwrap();
    write(d, "record.pdf", &signed);

    let (code, out, err) = run(d, &["verify", "record.pdf"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Åsa Öberg") && out.contains("Dataskyddsombud"),
        "{out}"
    );
    assert!(out.contains("Hela dokumentet är signerat"), "{out}");
    assert!(out.contains(v["fingerprint"].as_str().unwrap()), "{out}");

    let (code, out, _) = run(
        d,
        &["verify", "record.pdf", "--json", "--trust", "keys/key.crt"],
    );
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["valid"], true);
    assert_eq!(j["signer"], "Åsa Öberg");
    assert_eq!(j["whole_file"], true);
    assert_eq!(j["subfilter"], "ETSI.CAdES.detached");
    assert!(j["error"].is_null());
    for k in [
        "valid",
        "signer",
        "role",
        "organisation",
        "signed_at",
        "fingerprint",
        "subfilter",
        "whole_file",
        "error",
    ] {
        assert!(j.get(k).is_some(), "missing {k}");
    }

    // Another certificate is not trusted: exit 1.
    let (code, _, err) = run(d, &["verify", "record.pdf", "--trust", "keys/key-2.crt"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("INTE betrodd"), "{err}");

    // Changed: exit 1; appended: exit 1; not signed / not a PDF / missing: exit 2.
    let mut bad = signed.clone();
    let at = bad.windows(6).position(|w| w == b"Rad 3:").unwrap() + 4;
    bad[at] = b'4';
    write(d, "changed.pdf", &bad);
    let (code, out, _) = run(d, &["verify", "changed.pdf", "--json"]);
    assert_eq!(code, 1);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["valid"], false);
    assert!(j["error"].as_str().unwrap().contains("ändrats"));
    let mut app = signed.clone();
    app.extend_from_slice(b"%extra\n");
    write(d, "appended.pdf", &app);
    let (code, _, err) = run(d, &["verify", "appended.pdf"]);
    assert_eq!(code, 1);
    assert!(err.contains("lagts till efter signeringen"), "{err}");
    write(d, "plain.pdf", &sample_pdf(1, 1000, false));
    let (code, _, err) = run(d, &["verify", "plain.pdf"]);
    assert_eq!(code, 2);
    assert!(err.contains("ingen inbäddad signatur"), "{err}");
    write(d, "notes.txt", b"hello");
    assert_eq!(run(d, &["verify", "notes.txt"]).0, 2);
    let (code, out, _) = run(d, &["verify", "missing.pdf", "--json"]);
    assert_eq!(code, 2);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["valid"],
        false
    );
    // English on request.
    let (_, _, err) = run(d, &["--lang", "en", "verify", "appended.pdf"]);
    assert!(err.contains("appended after signing"), "{err}");
}

#[test]
fn cli_keys_import_takes_an_organisation_chain() {
    let ws = workspace();
    let d = ws.path();
    let (key, chain, ca) = ca_chain(d);
    let (code, out, err) = run(
        d,
        &[
            "keys",
            "import",
            "--key",
            key.to_str().unwrap(),
            "--cert",
            chain.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["chain_length"], 2);
    assert_eq!(v["signer"], "Åsa Öberg");

    let ws_ = dataskydd::workspace::Workspace::open(d).unwrap();
    let signer = Signer::load(&ws_.signing_key(), &ws_.signing_cert()).unwrap();
    assert_eq!(signer.chain().len(), 2);
    let signed = signing::sign_pdf(&sample_pdf(1, 4000, false), &signer, &info()).unwrap();
    let rec = write(d, "record.pdf", &signed);
    let out = pdfsig(&rec);
    assert!(out.contains("Signature is Valid."), "{out}");
    let v = signing::verify_pdf(&signed).unwrap();
    assert_eq!(v.certificates.len(), 2);
    // Trusting the CA is enough: the chain is checked.
    let (code, out, err) = run(
        d,
        &["verify", "record.pdf", "--trust", ca.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("betrodda certifikatet"), "{out}");

    // Wrong order, and a key of another certificate, are refused.
    let (code, _, err) = run(
        d,
        &[
            "keys",
            "import",
            "--key",
            key.to_str().unwrap(),
            "--cert",
            "reversed.pem",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("hör inte till") || err.contains("fel ordning"),
        "{err}"
    );
    let other = fixture("Per Ek");
    let (code, _, err) = run(
        d,
        &[
            "keys",
            "import",
            "--key",
            other.key.to_str().unwrap(),
            "--cert",
            chain.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("hör inte till certifikatet"), "{err}");
}

#[test]
fn every_command_has_help_with_an_example() {
    for args in [
        &["keys", "new", "--help"][..],
        &["keys", "show", "--help"],
        &["keys", "import", "--help"],
        &["verify", "--help"],
    ] {
        let (code, out, _) = run(Path::new("."), args);
        assert_eq!(code, 0);
        assert!(out.contains("Exempel"), "{args:?}:\n{out}");
    }
}
