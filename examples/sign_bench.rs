//! Times signing and verifying a ~60 KB PDF record.
//!
//! cargo run --release --example sign_bench [-- OUT.pdf [SIZE_KB]]
//!
//! Writes the unsigned and signed PDFs (OUT.unsigned.pdf and OUT.pdf, default
//! `output/bench-signed.pdf`) so `pdfsig` and `hyperfine 'dataskydd verify OUT.pdf'` can be run
//! on them.

use std::time::Instant;

use dataskydd::signing::{self, sample::sample_pdf, SignInfo, Signer};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .unwrap_or_else(|| "output/bench-signed.pdf".to_string());
    let kb: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);

    let dir = std::env::temp_dir().join(format!("dataskydd-bench-{}", std::process::id()));
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+01:00").unwrap();
    let (key, cert) = signing::new_key(
        &dir,
        "Åsa Öberg",
        "Dataskyddsombud",
        "Nyköpings kommun",
        now,
    )
    .expect("key");
    let signer = Signer::load(&key, &cert).expect("signer");
    let pdf = sample_pdf(2, kb * 1024, false);
    let info = SignInfo {
        reason: "Dataskyddsbedömning".into(),
        location: "Nyköping".into(),
        time: now,
    };

    let n = 200;
    let mut signed = Vec::new();
    let t = Instant::now();
    for _ in 0..n {
        signed = signing::sign_pdf(&pdf, &signer, &info).expect("sign");
    }
    let sign_ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;

    let t = Instant::now();
    for _ in 0..n {
        signing::verify_pdf(&signed).expect("verify");
    }
    let verify_ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;

    let t = Instant::now();
    let _ = Signer::load(&key, &cert).expect("signer");
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;

    if let Some(parent) = std::path::Path::new(&out).parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let unsigned = out.trim_end_matches(".pdf").to_string() + ".unsigned.pdf";
    std::fs::write(&unsigned, &pdf).expect("write");
    std::fs::write(&out, &signed).expect("write");
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "PDF: {} bytes unsigned, {} bytes signed",
        pdf.len(),
        signed.len()
    );
    println!("load signer (key + cert):   {load_ms:.3} ms");
    println!("sign_pdf   (mean of {n}):  {sign_ms:.3} ms");
    println!("verify_pdf (mean of {n}):  {verify_ms:.3} ms");
    println!("wrote {unsigned} and {out}");
    println!("process timing: hyperfine -N --warmup 5 'target/release/dataskydd verify {out}'");
}
