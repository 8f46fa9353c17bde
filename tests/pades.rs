//! PAdES levels, several signers, signing services, PKCS#11 tokens and the difference
//! analysis of `verify`, through the real binary, checked by pdfsig and pyHanko.
//!
//! The TSA is `tests/fixtures/tsa.py` (openssl ts -reply behind a tiny HTTP handler on
//! 127.0.0.1); the PKCS#11 token is a SoftHSM2 token the test sets up in a temp folder.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::test::*;

/// A running test TSA; killed when dropped.
struct TestTsa {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl TestTsa {
    fn start() -> TestTsa {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tsa.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 must be installed (.ci/run installs it) for the test TSA");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("test TSA did not start: {line:?}"))
            .parse()
            .unwrap();
        TestTsa { child, port, dir }
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
    fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }
    fn queries(&self) -> Vec<usize> {
        std::fs::read_to_string(self.dir.path().join("queries.log"))
            .unwrap_or_default()
            .lines()
            .map(|l| l.split(' ').next().unwrap().parse().unwrap())
            .collect()
    }
}

impl Drop for TestTsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn set_signing(ws: &Workspace, extra: &str) {
    let cfg = ws.read("dataskydd.toml");
    let cfg = if cfg.contains("[signing]") {
        cfg.replace("[signing]", &format!("[signing]\n{extra}"))
    } else {
        format!("{cfg}\n[signing]\n{extra}\n")
    };
    ws.write("dataskydd.toml", &cfg);
}

/// A signed account assessment; returns its path.
fn record(ws: &Workspace) -> PathBuf {
    if !ws.file("accounts.csv").exists() || !ws.read("accounts.csv").contains("nykoping-fb") {
        ws.run(&[
            "account",
            "add",
            "nykoping-fb",
            "--platform",
            "facebook_page",
            "--owner",
            "Kommunstyrelsen",
        ])
        .ok();
    }
    ws.write("a.toml", crate::assess::NYKOPING);
    let out = ws
        .run(&["assess", "nykoping-fb", "--answers", "a.toml", "--json"])
        .ok()
        .json();
    let p = PathBuf::from(out["record"].as_str().unwrap());
    if p.is_absolute() {
        p
    } else {
        ws.file(p.to_str().unwrap())
    }
}

fn verify_json(ws: &Workspace, pdf: &Path) -> (i32, serde_json::Value) {
    let out = ws.run(&["verify", pdf.to_str().unwrap(), "--json"]);
    (out.code, out.json())
}

fn pdfsig(pdf: &Path) -> String {
    let out = tool("pdfsig", &[pdf.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// pyHanko's verdict lines (one per signature), with the given trust roots.
fn pyhanko(pdf: &Path, trust: &[&Path]) -> String {
    let mut args = vec![
        "sign".to_string(),
        "validate".into(),
        "--no-revocation-check".into(),
    ];
    for t in trust {
        args.push("--trust".into());
        args.push(t.display().to_string());
    }
    args.push("--trust-replace".into());
    args.push(pdf.display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tool("pyhanko", &refs);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `keys new` for a person; returns (key, cert) paths relative to the workspace (key files
/// are not named after people).
fn new_key(ws: &Workspace, name: &str, role: &str) -> (String, String) {
    let v = ws
        .run(&["keys", "new", "--name", name, "--role", role, "--json"])
        .ok()
        .json();
    (
        v["key"].as_str().unwrap().to_string(),
        v["cert"].as_str().unwrap().to_string(),
    )
}

fn ws_cert(ws: &Workspace) -> PathBuf {
    ws.file("keys/signer.crt")
}

#[test]
fn without_a_tsa_the_record_is_b_b_on_the_signers_own_clock() {
    let ws = Workspace::new();
    let pdf = record(&ws);
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signatures"].as_array().unwrap().len(), 1);
    assert_eq!(v["signatures"][0]["level"], "B-B");
    assert_eq!(v["signatures"][0]["time_source"], "signer_clock");
    assert!(v["signatures"][0]["timestamp"].is_null());
    ws.run(&["verify", pdf.to_str().unwrap()])
        .ok()
        .stdout_has("undertecknarens egen klocka")
        .stdout_has("PAdES-nivå:      B-B");
}

#[test]
fn with_a_tsa_every_signature_gets_a_timestamp_b_t() {
    let tsa = TestTsa::start();
    let ws = Workspace::new();
    set_signing(&ws, &format!("tsa_url = \"{}\"", tsa.url()));
    let pdf = record(&ws);
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    let s = &v["signatures"][0];
    assert_eq!(s["level"], "B-T", "{v}");
    assert_eq!(s["time_source"], "tsa");
    assert_eq!(s["timestamp"]["tsa"], "Test-TSA");
    // Only a hash was sent: an RFC 3161 query of a SHA-256 is under 100 bytes.
    let q = tsa.queries();
    assert_eq!(q.len(), 1, "{q:?}");
    assert!(q[0] < 100, "query of {} bytes", q[0]);
    let sig = pdfsig(&pdf);
    assert!(sig.contains("Signature is Valid."), "{sig}");
    let ph = pyhanko(&pdf, &[&ws_cert(&ws), &tsa.ca()]);
    assert!(
        ph.contains("INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,UNTOUCHED"),
        "{ph}"
    );
    ws.run(&["verify", pdf.to_str().unwrap()])
        .ok()
        .stdout_has("Tidsstämpel:")
        .stdout_has("Test-TSA");
}

#[test]
fn a_tsa_that_is_down_gives_a_clear_error_and_writes_nothing() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ws = Workspace::new();
    set_signing(
        &ws,
        &format!("tsa_url = \"http://127.0.0.1:{port}/\"\ntsa_timeout = 5"),
    );
    ws.run(&[
        "account",
        "add",
        "nykoping-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    ws.write("a.toml", crate::assess::NYKOPING);
    let before = ws.read("assessments.csv");
    ws.run(&["assess", "nykoping-fb", "--answers", "a.toml"])
        .code(2)
        .stderr_has("tidsstämpeltjänsten")
        .stderr_has("ingenting har skrivits");
    let pdfs: Vec<_> = std::fs::read_dir(ws.file("output"))
        .map(|d| d.filter_map(|e| e.ok()).collect())
        .unwrap_or_default();
    assert!(pdfs.is_empty(), "{pdfs:?}");
    assert_eq!(ws.read("assessments.csv"), before);
}

#[test]
fn the_decision_maker_adds_a_second_signature_and_both_validate() {
    let ws = Workspace::new();
    let (_, karin_cert) = new_key(&ws, "Karin Lund", "Rektor");
    let pdf = record(&ws);
    let first_len = std::fs::metadata(&pdf).unwrap().len();
    let original = std::fs::read(&pdf).unwrap();
    ws.run(&["sign", pdf.to_str().unwrap(), "--as", "Karin Lund"])
        .ok()
        .stdout_has("Karin Lund (Rektor)")
        .stdout_has("2 signaturer");
    let now = std::fs::read(&pdf).unwrap();
    assert!(now.starts_with(&original), "the signed bytes stay a prefix");
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    let sigs = v["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    assert_eq!(sigs[1]["signer"], "Karin Lund");
    assert_eq!(sigs[1]["role"], "Rektor");
    assert_eq!(sigs[1]["reason"], "Beslut");
    assert_eq!(sigs[1]["whole_file"], true);
    assert_eq!(sigs[0]["whole_file"], false);
    assert_eq!(sigs[0]["covers_bytes"], first_len);
    assert_eq!(sigs[0]["only_allowed_changes_after"], true);
    assert_eq!(
        sigs[0]["changes_after"][0]["change"],
        "en signatur lades till"
    );
    let sig = pdfsig(&pdf);
    assert_eq!(sig.matches("Signature is Valid.").count(), 2, "{sig}");
    assert!(sig.contains("Karin Lund"), "{sig}");
    let karin = ws.file(&karin_cert);
    let ph = pyhanko(&pdf, &[&ws_cert(&ws), &karin]);
    assert_eq!(ph.matches("INTACT:TRUSTED").count(), 2, "{ph}");
    assert!(!ph.contains("ILLEGAL"), "{ph}");
    // An unknown signer is named with the keys there are.
    ws.run(&["sign", pdf.to_str().unwrap(), "--as", "Nobody"])
        .code(2)
        .stderr_has("ingen nyckel för Nobody")
        .stderr_has("Karin Lund");
    // --signer chooses who signs a new record.
    let out = ws
        .run(&[
            "--signer",
            "Karin Lund",
            "assess",
            "nykoping-fb",
            "--answers",
            "a.toml",
            "--json",
        ])
        .ok()
        .json();
    let p2 = ws.file(out["record"].as_str().unwrap());
    let (_, v2) = verify_json(&ws, &p2);
    assert_eq!(v2["signer"], "Karin Lund", "{v2}");
}

/// An incremental update that replaces the embedded `answers.toml`, then a second signature
/// by another key carrying the first signer's name: what issue 16 item 10 reproduced.
#[test]
fn a_forged_update_re_signed_with_a_copied_name_is_refused_and_rerun_reads_the_original() {
    let ws = Workspace::new();
    let pdf = record(&ws);
    let original = std::fs::read(&pdf).unwrap();
    let doc = lopdf::Document::load_mem(&original).unwrap();
    let (id, _) = doc
        .objects
        .iter()
        .find(|(_, o)| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"EmbeddedFile")
                    && s.decompressed_content()
                        .unwrap_or_else(|_| s.content.clone())
                        .windows(9)
                        .any(|w| w == b"[account]")
            })
        })
        .expect("answers.toml is embedded");
    let forged_answers = b"[account]\nplatform = \"x\"\nowner_unit = \"\"\n";
    let mut out = original.clone();
    let off = out.len();
    out.extend_from_slice(
        format!(
            "{} {} obj\n<</Type /EmbeddedFile /Subtype /application#2Ftoml /Length {}>>\nstream\n",
            id.0,
            id.1,
            forged_answers.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(forged_answers);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = out.len();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let size = doc.trailer.get(b"Size").unwrap().as_i64().unwrap();
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{off:010} {:05} n\r\ntrailer\n<</Size {size} /Root {} {} R /Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
            id.0, id.1, root.0, root.1, doc.xref_start
        )
        .as_bytes(),
    );
    // Another key with the first signer's name (from another workspace).
    let other = Workspace::new();
    let first = verify_json(&ws, &pdf).1;
    let name = first["signer"].as_str().unwrap().to_string();
    other
        .run(&[
            "keys",
            "new",
            "--name",
            &name,
            "--role",
            "Dataskyddsombud",
            "--default",
        ])
        .ok();
    let signer = dataskydd::signing::Signer::load(
        &other.file("keys/signer.key"),
        &other.file("keys/signer.crt"),
    )
    .unwrap();
    let info = dataskydd::signing::SignInfo {
        reason: "Dataskyddsbedömning".into(),
        location: String::new(),
        time: chrono::DateTime::parse_from_rfc3339(NOW).unwrap(),
    };
    let forged = dataskydd::signing::sign_pdf(&out, &signer, &info).unwrap();
    std::fs::write(&pdf, &forged).unwrap();

    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["valid"], false);
    assert_eq!(v["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["signatures"][0]["only_allowed_changes_after"], false,
        "{v}"
    );
    let err = v["error"].as_str().unwrap();
    assert!(
        err.contains("inbäddad fil") && err.contains("har ändrats"),
        "{err}"
    );
    ws.run(&["verify", pdf.to_str().unwrap()])
        .code(1)
        .stderr_has("inbäddad fil")
        .stdout_has("INTE TILLÅTET");
    // pyHanko agrees.
    let ph = pyhanko(&pdf, &[&ws_cert(&ws), &other.file("keys/signer.crt")]);
    assert!(
        ph.contains("ILLEGAL_MODIFICATIONS") || ph.contains("illegal"),
        "{ph}"
    );
    // rerun reads the answers the first signer signed, not the forged ones.
    let r = ws.run(&["rerun", pdf.to_str().unwrap(), "--json"]).json();
    assert_eq!(r["signature_valid"], false, "{r}");
    // The forged answers (platform x, no owner) would change the outcomes; the signed ones
    // give the same outcomes as when signed.
    assert_eq!(r["outcomes_then"], r["outcomes_now"], "{r}");
    assert!(
        r["outcomes_now"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("CTRL-SINGLE")),
        "{r}"
    );
}

#[test]
fn a_signed_pdf_cut_by_one_byte_is_changed_not_unsigned() {
    let ws = Workspace::new();
    let pdf = record(&ws);
    let bytes = std::fs::read(&pdf).unwrap();
    for cut in [1usize, 10, 300] {
        let p = ws.file("cut.pdf");
        std::fs::write(&p, &bytes[..bytes.len() - cut]).unwrap();
        let out = ws.run(&["verify", "cut.pdf"]);
        assert_eq!(out.code, 1, "cut {cut}: {}", out.stderr);
    }
}

#[test]
fn a_signing_service_signs_the_prepared_digest_openssl_as_the_service() {
    let ws = Workspace::new();
    let (karin_key, karin_cert) = new_key(&ws, "Karin Lund", "Förvaltningschef");
    let pdf = record(&ws);
    let original = std::fs::read(&pdf).unwrap();
    let f = pdf.to_str().unwrap();
    let req = ws
        .run(&["sign", f, "--prepare", "--cert", &karin_cert, "--json"])
        .ok()
        .json();
    assert_eq!(req["hash_algorithm"], "SHA-256");
    assert_eq!(req["signer"], "Karin Lund");
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        original,
        "prepare leaves the record alone"
    );
    let digest = PathBuf::from(req["digest_to_sign_file"].as_str().unwrap());
    assert_eq!(std::fs::metadata(&digest).unwrap().len(), 32);

    // A service with the wrong key: refused, nothing written.
    let (wrong_key, _) = new_key(&ws, "Fel Person", "X");
    let run_openssl = |key: &str, out: &str| {
        let o = Command::new("openssl")
            .args(["pkeyutl", "-sign", "-inkey", key, "-in"])
            .arg(&digest)
            .args(["-out", out])
            .current_dir(ws.path())
            .output()
            .expect("openssl must be installed (.ci/run installs it)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run_openssl(&wrong_key, "wrong.der");
    ws.run(&["sign", f, "--complete", "wrong.der"])
        .code(2)
        .stderr_has("ingenting har skrivits");
    assert_eq!(std::fs::read(&pdf).unwrap(), original);

    run_openssl(&karin_key, "sig.der");
    ws.run(&["sign", f, "--complete", "sig.der"])
        .ok()
        .stdout_has("Karin Lund");
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signatures"][1]["signer"], "Karin Lund");
    assert!(!Path::new(req["prepared_pdf"].as_str().unwrap()).exists());
    let sig = pdfsig(&pdf);
    assert_eq!(sig.matches("Signature is Valid.").count(), 2, "{sig}");
    let ph = pyhanko(&pdf, &[&ws_cert(&ws), &ws.file(&karin_cert)]);
    assert_eq!(ph.matches("INTACT:TRUSTED").count(), 2, "{ph}");

    // A service that returns a whole CMS signature over the byte range.
    let req = ws.run(&["sign", f, "--prepare", "--json"]).ok().json();
    let prepared = std::fs::read(req["prepared_pdf"].as_str().unwrap()).unwrap();
    let br: Vec<usize> = req["byte_range"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap() as usize)
        .collect();
    let mut content = prepared[..br[1]].to_vec();
    content.extend_from_slice(&prepared[br[2]..br[2] + br[3]]);
    std::fs::write(ws.file("content.bin"), &content).unwrap();
    let o = Command::new("openssl")
        .args([
            "cms",
            "-sign",
            "-binary",
            "-in",
            "content.bin",
            "-signer",
            "keys/signer.crt",
            "-inkey",
            "keys/signer.key",
            "-md",
            "sha256",
            "-outform",
            "DER",
            "-out",
            "cms.der",
        ])
        .current_dir(ws.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ws.run(&["sign", f, "--complete", "cms.der"]).ok();
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signatures"].as_array().unwrap().len(), 3);
}

#[test]
fn a_key_on_a_pkcs11_token_softhsm2() {
    let module = [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .expect("SoftHSM2 must be installed (.ci/run installs softhsm2)");
    let hsm = tempfile::tempdir().unwrap();
    let tokens = hsm.path().join("tokens");
    std::fs::create_dir(&tokens).unwrap();
    let conf = hsm.path().join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\n",
            tokens.display()
        ),
    )
    .unwrap();
    let sh = |prog: &str, args: &[&str]| {
        let o = Command::new(prog)
            .args(args)
            .current_dir(hsm.path())
            .env("SOFTHSM2_CONF", &conf)
            .output()
            .unwrap_or_else(|e| panic!("{prog}: {e}"));
        assert!(
            o.status.success(),
            "{prog} {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    sh(
        "softhsm2-util",
        &[
            "--init-token",
            "--free",
            "--label",
            "dataskydd",
            "--pin",
            "1234",
            "--so-pin",
            "5678",
        ],
    );
    // The key and certificate come from `keys new` (so the certificate's validity suits the
    // test clock); the key goes onto the token and is then deleted from the disk.
    let ws = Workspace::new();
    let (key_rel, cert_rel) = new_key(&ws, "Karin Lund", "Rektor");
    let key_file = ws.file(&key_rel);
    sh(
        "softhsm2-util",
        &[
            "--import",
            key_file.to_str().unwrap(),
            "--token",
            "dataskydd",
            "--label",
            "rektor",
            "--id",
            "01",
            "--pin",
            "1234",
        ],
    );
    std::fs::remove_file(&key_file).unwrap();
    let cert = ws.file(&cert_rel);
    let use_args = [
        "keys",
        "use-pkcs11",
        "--module",
        module,
        "--token",
        "dataskydd",
        "--key",
        "rektor",
        "--cert",
        cert.to_str().unwrap(),
    ];
    let conf_s = conf.to_str().unwrap();
    ws.cmd(&use_args)
        .env("SOFTHSM2_CONF", conf_s)
        .env("DATASKYDD_PIN", "0000")
        .run()
        .code(2)
        .stderr_has("PIN");
    ws.cmd(&use_args)
        .env("SOFTHSM2_CONF", conf_s)
        .env("DATASKYDD_PIN", "1234")
        .run()
        .ok()
        .stdout_has("Karin Lund")
        .stdout_has("PIN-koden sparas aldrig");
    let cfg = ws.read("dataskydd.toml");
    assert!(
        cfg.contains("[signing.pkcs11]") && !cfg.contains("1234"),
        "{cfg}"
    );
    // Without a PIN and no terminal: a clear message.
    ws.run(&[
        "account",
        "add",
        "nykoping-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    ws.write("a.toml", crate::assess::NYKOPING);
    ws.cmd(&["assess", "nykoping-fb", "--answers", "a.toml"])
        .env("SOFTHSM2_CONF", conf_s)
        .run()
        .code(2)
        .stderr_has("DATASKYDD_PIN");
    let out = ws
        .cmd(&["assess", "nykoping-fb", "--answers", "a.toml", "--json"])
        .env("SOFTHSM2_CONF", conf_s)
        .env("DATASKYDD_PIN", "1234")
        .run()
        .ok()
        .json();
    let pdf = ws.file(out["record"].as_str().unwrap());
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signer"], "Karin Lund");
    assert_eq!(v["role"], "Rektor");
    let sig = pdfsig(&pdf);
    assert!(sig.contains("Signature is Valid."), "{sig}");
    let ph = pyhanko(&pdf, &[&cert]);
    assert!(ph.contains("INTACT:TRUSTED,UNTOUCHED"), "{ph}");
}

#[test]
fn document_timestamps_make_b_lta_and_can_be_renewed() {
    let tsa = TestTsa::start();
    let ws = Workspace::new();
    set_signing(&ws, &format!("tsa_url = \"{}\"", tsa.url()));
    let pdf = record(&ws);
    let f = pdf.to_str().unwrap();
    ws.run(&["timestamp", f]).ok().stdout_has("Test-TSA");
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    let sigs = v["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2, "{v}");
    assert_eq!(sigs[1]["kind"], "document_timestamp");
    assert_eq!(sigs[1]["timestamp"]["tsa"], "Test-TSA");
    assert_eq!(sigs[0]["level"], "B-LTA", "{v}");
    assert!(
        v["validation_data"]["certificates"].as_u64().unwrap() >= 2,
        "{v}"
    );
    // Renewed: a second document timestamp over the first.
    ws.run(&["timestamp", f]).ok();
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signatures"].as_array().unwrap().len(), 3);
    let ph = pyhanko(&pdf, &[&ws_cert(&ws), &tsa.ca()]);
    assert!(!ph.contains("ILLEGAL"), "{ph}");
    assert!(ph.contains("INTACT:TRUSTED"), "{ph}");
    // Without a TSA the command says how to configure one.
    let plain = Workspace::new();
    let p2 = record(&plain);
    plain
        .run(&["timestamp", p2.to_str().unwrap()])
        .code(2)
        .stderr_has("tsa_url");
}

/// A running test PKI (`tests/fixtures/pki.py`): root and issuing CA, a delegated OCSP
/// responder, CRLs and a TSA on 127.0.0.1; killed when dropped (or by [`TestPki::stop`]).
struct TestPki {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl TestPki {
    /// Signers as `NAME=ROLE`.
    fn start(signers: &[&str]) -> TestPki {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pki.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(dir.path())
            .args(signers)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 and openssl must be installed (.ci/run installs them)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("test PKI did not start: {line:?}"))
            .parse()
            .unwrap();
        TestPki {
            child: Some(child),
            port,
            dir,
        }
    }
    fn tsa_url(&self) -> String {
        format!("http://127.0.0.1:{}/tsa", self.port)
    }
    fn ocsp_url(&self) -> String {
        format!("http://127.0.0.1:{}/ocsp", self.port)
    }
    fn root(&self) -> PathBuf {
        self.dir.path().join("root.crt")
    }
    fn key(&self, n: usize) -> PathBuf {
        self.dir.path().join(format!("signer{n}.key"))
    }
    fn chain(&self, n: usize) -> PathBuf {
        self.dir.path().join(format!("signer{n}-chain.pem"))
    }
    fn requests(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("requests.log")).unwrap_or_default()
    }
    fn revoke(&self, n: usize) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pki.py");
        let out = Command::new("python3")
            .arg(&script)
            .arg(self.dir.path())
            .arg("revoke")
            .arg(n.to_string())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    /// Stops the servers (OCSP, CRLs, TSA): from now on only what the file embeds counts.
    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for TestPki {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A workspace that signs with the test PKI's signer `n` (`keys import`).
fn pki_workspace(pki: &TestPki, n: usize) -> Workspace {
    let ws = Workspace::new();
    ws.run(&[
        "keys",
        "import",
        "--key",
        pki.key(n).to_str().unwrap(),
        "--cert",
        pki.chain(n).to_str().unwrap(),
    ])
    .ok();
    ws
}

/// pyHanko's AdES validation (ETSI EN 319 102-1, LTA), which requires revocation data for
/// every certificate (REQUIRE_REVINFO).
fn pyhanko_ades(pdf: &Path, root: &Path) -> (bool, String) {
    let out = tool(
        "pyhanko",
        &[
            "sign",
            "adesverify",
            "--trust",
            root.to_str().unwrap(),
            "--trust-replace",
            pdf.to_str().unwrap(),
        ],
    );
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_test_pki_record_embeds_ocsp_and_crls_and_validates_offline() {
    let mut pki = TestPki::start(&["Åsa Öberg=Dataskyddsombud"]);
    let ws = pki_workspace(&pki, 1);
    set_signing(&ws, &format!("tsa_url = \"{}\"", pki.tsa_url()));
    let pdf = record(&ws);
    let f = pdf.to_str().unwrap();
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signatures"][0]["level"], "B-T", "{v}");
    assert_eq!(v["signatures"][0]["signer"], "Åsa Öberg");
    let bt = ws.file("b-t.pdf");
    std::fs::copy(&pdf, &bt).unwrap();
    ws.run(&["timestamp", f])
        .ok()
        .stdout_has("Testkommunens TSA");
    // Asked: OCSP for the signer and the TSA certificate, the CRLs of both CAs.
    let log = pki.requests();
    assert!(log.matches("POST /ocsp").count() >= 2, "{log}");
    assert!(
        log.contains("GET /issuing.crl") && log.contains("GET /root.crl"),
        "{log}"
    );
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    let sig = &v["signatures"][0];
    assert_eq!(sig["level"], "B-LTA", "{v}");
    assert_eq!(sig["revocation"][0]["certificate"], "Åsa Öberg", "{v}");
    assert_eq!(sig["revocation"][0]["status"], "good", "{v}");
    assert!(
        sig["revocation"][0]["source"]
            .as_str()
            .unwrap()
            .contains("OCSP (Testkommunens OCSP-tjänst)"),
        "{v}"
    );
    let dss = &v["validation_data"];
    assert_eq!(dss["ocsp_responses"], 2, "{v}");
    assert_eq!(dss["crls"], 2, "{v}");
    // signer, issuing CA, root, TSA, OCSP responder
    assert_eq!(dss["certificates"], 5, "{v}");
    ws.run(&["verify", f])
        .ok()
        .stdout_has("inte spärrat enligt OCSP")
        .stdout_has("2 OCSP-svar, 2 spärrlistor");
    ws.run(&["verify", f, "--trust", pki.root().to_str().unwrap()])
        .ok();

    // From here on the PKI is gone: only the embedded data can answer.
    pki.stop();
    // pyHanko's long-term (AdES, LTA) validation, revocation data required, no network:
    // the record passes on what it embeds …
    let (ok, ades) = pyhanko_ades(&pdf, &pki.root());
    assert!(ok, "{ades}");
    assert!(
        ades.contains("INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>"),
        "{ades}"
    );
    assert!(ades.contains("EXTENDED_WITH_LTA_UPDATES"), "{ades}");
    assert!(!ades.contains("ILLEGAL"), "{ades}");
    // … and the same record before `timestamp` (B-T, nothing embedded) does not.
    let (ok, ades) = pyhanko_ades(&bt, &pki.root());
    assert!(!ok, "{ades}");
    assert!(ades.contains("revocation"), "{ades}");
    let sig = pdfsig(&pdf);
    assert!(sig.contains("Signature is Valid"), "{sig}");
}

#[test]
fn a_revoked_signer_certificate_is_reported_not_silently_b_lt() {
    let pki = TestPki::start(&["Åsa Öberg=Dataskyddsombud", "Per Ek=Kommunjurist"]);
    // Revoked after signing: the record is timestamped (the signature timestamp proves it
    // was made before), and verify shows the revocation from the embedded OCSP response.
    let ws = pki_workspace(&pki, 1);
    set_signing(&ws, &format!("tsa_url = \"{}\"", pki.tsa_url()));
    let pdf = record(&ws);
    let f = pdf.to_str().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    pki.revoke(1);
    ws.run(&["timestamp", f])
        .ok()
        .stderr_has("spärrat sedan")
        .stderr_has(&pki.ocsp_url());
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    let r = &v["signatures"][0]["revocation"][0];
    assert_eq!(r["status"], "revoked", "{v}");
    assert_eq!(r["reason"], "KeyCompromise", "{v}");
    let at = chrono::DateTime::parse_from_rfc3339(r["revoked_at"].as_str().unwrap()).unwrap();
    let ts = chrono::DateTime::parse_from_rfc3339(
        v["signatures"][0]["timestamp"]["time"].as_str().unwrap(),
    )
    .unwrap();
    assert!(at > ts, "{v}");
    ws.run(&["verify", f]).ok().stdout_has("SPÄRRAT");

    // Revoked before signing: timestamp refuses, names the revocation, writes nothing.
    pki.revoke(2);
    let ws2 = pki_workspace(&pki, 2);
    set_signing(&ws2, &format!("tsa_url = \"{}\"", pki.tsa_url()));
    let pdf2 = record(&ws2);
    let before = std::fs::read(&pdf2).unwrap();
    ws2.run(&["timestamp", pdf2.to_str().unwrap()])
        .code(1)
        .stderr_has("Per Ek")
        .stderr_has("spärrades")
        .stderr_has("ingenting har skrivits");
    assert_eq!(std::fs::read(&pdf2).unwrap(), before);
}

#[test]
fn an_ocsp_responder_that_is_down_gives_a_clear_error_and_writes_nothing() {
    let tsa = TestTsa::start();
    let mut pki = TestPki::start(&[]);
    let ws = pki_workspace(&pki, 1);
    set_signing(&ws, &format!("tsa_url = \"{}\"", tsa.url()));
    let pdf = record(&ws);
    let before = std::fs::read(&pdf).unwrap();
    pki.stop();
    ws.run(&["timestamp", pdf.to_str().unwrap()])
        .code(2)
        .stderr_has(&pki.ocsp_url())
        .stderr_has("kunde inte hämtas")
        .stderr_has("ingenting har skrivits");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    let (code, v) = verify_json(&ws, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signatures"][0]["level"], "B-T", "{v}");
}

fn pdfs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            pdfs_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "pdf") {
            out.push(p);
        }
    }
}

#[test]
fn the_demo_signs_with_a_configured_test_pki_chain_and_tsa() {
    let pki = TestPki::start(&[
        "Åsa Öberg=Dataskyddsombud",
        "Eva Lind (fiktiv)=Rektor",
        "Omar Haddad (fiktiv)=Utbildningskontoret",
    ]);
    let ws = Workspace::empty();
    let demo = ws.file("demo");
    std::fs::create_dir_all(demo.join("keys")).unwrap();
    for (n, stem) in [(1, "dso"), (2, "eva"), (3, "omar")] {
        let key = demo.join(format!("keys/{stem}.key"));
        std::fs::copy(pki.key(n), &key).unwrap();
        std::fs::copy(pki.chain(n), demo.join(format!("keys/{stem}.crt"))).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::write(
        demo.join("dataskydd.toml"),
        format!(
            "[signing]\nkey = \"keys/dso.key\"\ncert = \"keys/dso.crt\"\ntsa_url = \"{}\"\n",
            pki.tsa_url()
        ),
    )
    .unwrap();
    ws.run(&["--workspace", demo.to_str().unwrap(), "demo"])
        .ok();
    let cfg = std::fs::read_to_string(demo.join("dataskydd.toml")).unwrap();
    assert!(
        cfg.contains(&pki.tsa_url()) && cfg.contains("[organisation]"),
        "{cfg}"
    );
    let mut pdfs = Vec::new();
    pdfs_under(&demo, &mut pdfs);
    assert!(pdfs.len() >= 10, "{pdfs:?}");
    let mut signers = std::collections::BTreeSet::new();
    for p in &pdfs {
        let (code, v) = verify_json(&ws, p);
        assert_eq!(code, 0, "{}: {v}", p.display());
        for s in v["signatures"].as_array().unwrap() {
            assert_eq!(s["level"], "B-T", "{}: {v}", p.display());
            assert_eq!(s["timestamp"]["tsa"], "Testkommunens TSA", "{v}");
            signers.insert(s["signer"].as_str().unwrap().to_string());
        }
        // pyHanko, online against the running PKI (revocation checked, hard-fail), trusting
        // only the test root.
        let out = tool(
            "pyhanko",
            &[
                "sign",
                "validate",
                "--trust",
                pki.root().to_str().unwrap(),
                "--trust-replace",
                p.to_str().unwrap(),
            ],
        );
        let ph = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{}: {ph}{}",
            p.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            ph.lines().count(),
            ph.matches("INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>")
                .count(),
            "{}: {ph}",
            p.display()
        );
    }
    let want: std::collections::BTreeSet<String> =
        ["Åsa Öberg", "Eva Lind (fiktiv)", "Omar Haddad (fiktiv)"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    assert_eq!(signers, want);
}
