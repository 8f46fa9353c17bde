//! Breach-log benchmark: a 100,000-row `breaches.csv` (default; or N), then `breach list`.
//!
//! Run: `cargo build --release && cargo run --release --example breach_bench -- [N]`
//!
//! Generates the log through the same hash-chained ledger the CLI uses (90 % evaluations,
//! 10 % follow-ups), then times the release binary: `breach list` (table), `--open --json`,
//! `--csv`, one `breach --answers` evaluation appended to the big log, and a chain check.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use dataskydd::registers::breaches::{BreachLog, Entry, EVALUATION, FOLLOW_UP};

const ANSWERS: &str = r#"account = "bench-fb"
what = "own_post_error"
categories = ["simple", "identity_number"]
subjects = 1
vulnerable = false
identifiability = "maximum"
exposure = "public"
integrity = "none"
availability = "none"
malicious = false
unintelligible = false
published_at = 2026-11-20T08:00:00+01:00
aware_at = 2026-11-20T09:30:00+01:00
removed_at = 2026-11-20T09:45:00+01:00
archived_before_removal = true
"#;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/dataskydd");
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    run(&bin, ws, &["init", "--org", "Benchmark stad"], true);

    let started = Instant::now();
    let levels = ["low", "medium", "high", "very_high"];
    let mut rows = Vec::with_capacity(n);
    let evaluations = n - n / 10;
    for i in 0..evaluations {
        let level = levels[i % 4];
        let notify = level != "low";
        rows.push(Entry {
            id: format!("b-2026-{:06}", i + 1),
            entry: EVALUATION.into(),
            recorded_at: "2026-11-20T10:00:00+01:00".into(),
            account: format!("konto-{:04}", i % 800),
            what: "own_post_error".into(),
            breach: "yes".into(),
            level: level.into(),
            score: "2.5".into(),
            subjects: "1".into(),
            categories: "simple;identity_number".into(),
            notify_imy: notify.to_string(),
            notify_subjects: (i % 4 >= 2).to_string(),
            aware_at: "2026-11-20T09:30:00+01:00".into(),
            imy_deadline: if notify {
                "2026-11-23T09:30:00+01:00".into()
            } else {
                String::new()
            },
            assessed_at: "2026-11-20T10:00:00+01:00".into(),
            dpo_decision_required: "false".into(),
            outcomes: "BREACH-NOTIFY-IMY".into(),
            record: format!("output/b-2026-{:06}.pdf", i + 1),
            ..Entry::default()
        });
    }
    for i in 0..(n - evaluations) {
        rows.push(Entry {
            id: format!("b-2026-{:06}", i * 9 + 2),
            entry: FOLLOW_UP.into(),
            recorded_at: "2026-11-21T10:00:00+01:00".into(),
            account: format!("konto-{:04}", (i * 9 + 1) % 800),
            notified_imy_at: "2026-11-21T10:00:00+01:00".into(),
            ..Entry::default()
        });
    }
    let log = BreachLog::at(&dataskydd::workspace::Workspace::open(ws).unwrap());
    log.append(&rows).unwrap();
    let size = std::fs::metadata(&log.ledger.path).unwrap().len();
    println!(
        "generated {n} rows ({:.1} MB) in {:.2} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let entries = log.entries().unwrap();
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T12:00:00+01:00").unwrap();
    let summaries = dataskydd::registers::breaches::summarise(&entries, now);
    println!(
        "in-process: read {} rows {read:.3} s, summarise {} {:.3} s",
        entries.len(),
        summaries.len(),
        t.elapsed().as_secs_f64()
    );

    for args in [
        vec!["breach", "list"],
        vec!["breach", "list", "--open", "--json"],
        vec!["breach", "list", "--csv"],
    ] {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            run(&bin, ws, &args, false);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{:<32} best of 3: {:.3} s", args.join(" "), best);
    }
    std::fs::write(ws.join("incident.toml"), ANSWERS).unwrap();
    let t = Instant::now();
    run(&bin, ws, &["breach", "--answers", "incident.toml"], false);
    println!(
        "{:<32} {:.3} s (id allocation and append on the {n}-row log)",
        "breach --answers",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let bytes = std::fs::read(&log.ledger.path).unwrap();
    let report = dataskydd::ledger::verify_chain(&bytes, &log.ledger.path).unwrap();
    println!(
        "{:<32} {:.3} s ({} rows)",
        "chain verification",
        t.elapsed().as_secs_f64(),
        report.rows
    );
}

fn run(bin: &Path, ws: &Path, args: &[&str], show: bool) {
    let out = Command::new(bin)
        .args(args)
        .current_dir(ws)
        .env("DATASKYDD_NOW", "2026-11-21T12:00:00+01:00")
        .env_remove("DATASKYDD_WORKSPACE")
        .stdout(if show {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped())
        .output()
        .expect("run dataskydd");
    assert!(
        out.status.success(),
        "dataskydd {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
