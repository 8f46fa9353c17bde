//! The consent register at city scale: generates a 1,000,000-row import file, imports it,
//! then times `consent check` against `sha256sum` on the same file, one `consent add`
//! (with fsync and its receipt) and `consent verify`.
//!
//! cargo build --release && cargo run --release --example consent_bench [-- ROWS]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    dir.join("dataskydd")
}

fn run(ws: &Path, args: &[&str]) -> (Duration, std::process::Output) {
    let t = Instant::now();
    let out = Command::new(bin())
        .args(args)
        .current_dir(ws)
        .output()
        .unwrap();
    (t.elapsed(), out)
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    assert!(run(ws, &["init", "--org", "Benchkommun"])
        .1
        .status
        .success());
    assert!(run(
        ws,
        &[
            "account",
            "add",
            "skola-ig",
            "--platform",
            "instagram",
            "--owner",
            "BUN"
        ]
    )
    .1
    .status
    .success());
    let file = ws.join("import.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        writeln!(f, "subject,role,birth_year,given_by,giver,purpose,channel,media,valid_from,valid_until,evidence").unwrap();
        for i in 0..rows {
            writeln!(f, "elev-{i:07},pupil,{},guardian,Vårdnadshavare {i},\"inform_activity,event\",skola-ig,\"photo,video\",2026-08-01,2027-06-30,Dnr BUN 2026/{i}", 2010 + i % 10).unwrap();
        }
    }
    let (t_import, out) = run(ws, &["consent", "import", "import.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = std::fs::metadata(ws.join("consents.csv")).unwrap().len();
    // Warm the page cache once, then measure both on the same file.
    let _ = Command::new("sha256sum")
        .arg(ws.join("consents.csv"))
        .output();
    let t = Instant::now();
    let sha = Command::new("sha256sum")
        .arg(ws.join("consents.csv"))
        .output()
        .unwrap();
    let t_sha = t.elapsed();
    assert!(sha.status.success());
    let probe = format!("elev-{:07}", rows / 2);
    let (t_check, out) = run(
        ws,
        &[
            "consent",
            "check",
            "--subject",
            &probe,
            "--purpose",
            "inform_activity",
            "--channel",
            "skola-ig",
            "--on",
            "2026-11-20",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut adds = Vec::new();
    for i in 0..5 {
        let s = format!("ny-{i}");
        let (t, out) = run(
            ws,
            &[
                "consent",
                "add",
                "--subject",
                &s,
                "--role",
                "pupil",
                "--birth-year",
                "2015",
                "--given-by",
                "guardian",
                "--giver",
                "VH",
                "--purpose",
                "event",
                "--channel",
                "skola-ig",
                "--valid-from",
                "2026-08-01",
                "--valid-until",
                "2027-06-30",
                "--evidence",
                "Dnr 1",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        adds.push(t);
    }
    adds.sort();
    let (t_verify, out) = run(ws, &["consent", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("rows: {rows}, consents.csv: {:.1} MB", size as f64 / 1e6);
    println!(
        "import:          {:>8.2} s   (bar: 60 s)",
        t_import.as_secs_f64()
    );
    println!("sha256sum:       {:>8.3} s", t_sha.as_secs_f64());
    println!(
        "consent check:   {:>8.3} s   ({:.2}× sha256sum; bar: 4×)",
        t_check.as_secs_f64(),
        t_check.as_secs_f64() / t_sha.as_secs_f64()
    );
    println!(
        "consent add:     {:>8.1} ms  (median of 5, fsync and receipt; bar: 20 ms)",
        adds[2].as_secs_f64() * 1e3
    );
    println!("consent verify:  {:>8.3} s", t_verify.as_secs_f64());
}
