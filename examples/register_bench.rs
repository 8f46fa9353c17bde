//! Registers at city scale (issue 13 items 1, 2, 4), each figure beside its reference
//! measured in the same run:
//! - `consent import` of N rows (default 1,000,000): wall time and peak RSS
//!   (`/usr/bin/time -v`), beside SQLite importing the same file into a table with two
//!   indexes (`sqlite3`, same `/usr/bin/time -v`);
//! - `consent verify` (every row hashed, the chain and its signed checkpoint checked):
//!   wall time and peak RSS, beside `openssl dgst -sha256` of the same file;
//! - `consent check` (one subject): wall time, beside SQLite's indexed lookup in a process;
//! - `consent add` (journal, fsync, checkpoint, signed receipt), beside a bare writer that
//!   appends one line and fsyncs (this harness, in process).
//!
//! cargo build --release --examples && target/release/examples/register_bench [ROWS]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("dataskydd")
}

/// Runs a command under `/usr/bin/time -v`: wall time and peak RSS (MB).
fn timed(ws: &Path, prog: &Path, args: &[&str]) -> (Duration, f64, std::process::Output) {
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(prog)
        .args(args)
        .current_dir(ws)
        .output()
        .unwrap();
    let wall = t.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    let rss_kb: f64 = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    (wall, rss_kb / 1024.0, out)
}

fn ok(what: &str, out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let b = bin();
    ok("init", &timed(ws, &b, &["init", "--org", "Benchkommun"]).2);
    ok(
        "account add",
        &timed(
            ws,
            &b,
            &[
                "account",
                "add",
                "skola-ig",
                "--platform",
                "instagram",
                "--owner",
                "BUN",
            ],
        )
        .2,
    );
    let file = ws.join("import.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        writeln!(f, "subject,role,birth_year,given_by,giver,purpose,channel,media,valid_from,valid_until,evidence").unwrap();
        for i in 0..rows {
            writeln!(
                f,
                "elev-{i:07},pupil,{},guardian,Vårdnadshavare till elev {i},\"inform_activity,event\",skola-ig,\"photo,video\",2026-08-17,2027-06-15,Dnr BUN 2026/{}",
                2010 + i % 10,
                i % 9000
            )
            .unwrap();
        }
    }
    let size = std::fs::metadata(&file).unwrap().len();
    println!("{rows} rows, import file {:.0} MB\n", size as f64 / 1e6);

    // Import, and SQLite's import of the same file with two indexes.
    let (t_imp, rss_imp, out) = timed(ws, &b, &["consent", "import", "import.csv"]);
    ok("consent import", &out);
    let sql = ws.join("import.sql");
    std::fs::write(
        &sql,
        ".mode csv\n.import import.csv c\nCREATE INDEX cs ON c(subject);\nCREATE INDEX cc ON c(channel);\n",
    )
    .unwrap();
    let (t_sq, rss_sq, out) = timed(ws, Path::new("sh"), &["-c", "sqlite3 ref.db < import.sql"]);
    ok("sqlite3 import", &out);
    let reg = ws.join("consents.csv");
    let reg_size = std::fs::metadata(&reg).unwrap().len();

    // Verify, and one pass of SHA-256 over the same file.
    let mut tv = Vec::new();
    let mut to = Vec::new();
    let mut rss_v = 0.0f64;
    for _ in 0..3 {
        let (t, r, out) = timed(ws, &b, &["consent", "verify"]);
        ok("consent verify", &out);
        tv.push(t);
        rss_v = rss_v.max(r);
        let (t, _, out) = timed(
            ws,
            Path::new("openssl"),
            &["dgst", "-sha256", "consents.csv"],
        );
        ok("openssl", &out);
        to.push(t);
    }
    let (tv, to) = (median(tv), median(to));

    // One lookup, and SQLite's indexed lookup (a process each).
    let subject = format!("elev-{:07}", rows / 2);
    let mut tc = Vec::new();
    let mut ts = Vec::new();
    for _ in 0..3 {
        let (t, _, out) = timed(
            ws,
            &b,
            &[
                "consent",
                "check",
                "--subject",
                &subject,
                "--purpose",
                "event",
                "--channel",
                "skola-ig",
            ],
        );
        ok("consent check", &out);
        tc.push(t);
        let q = format!("SELECT * FROM c WHERE subject = '{subject}';");
        let (t, _, out) = timed(ws, Path::new("sqlite3"), &["ref.db", &q]);
        ok("sqlite3 lookup", &out);
        ts.push(t);
    }
    let (tc, ts) = (median(tc), median(ts));

    // The other lookups: an extract for one subject (their consents, withdrawals and
    // publications, a signed PDF), a withdrawal by consent id (a new row, the take-down
    // list, a signed receipt) and `account show` (the account with its consents).
    let mut te = Vec::new();
    let mut tw = Vec::new();
    let mut tshow = Vec::new();
    for k in 0..3 {
        let subject = format!("elev-{:07}", rows / 3 + k);
        let (t, _, out) = timed(
            ws,
            &b,
            &["consent", "extract", "--subject", &subject, "--json"],
        );
        ok("consent extract", &out);
        te.push(t);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = consent_id(&json).expect("the extract names a consent id");
        let (t, _, out) = timed(ws, &b, &["consent", "withdraw", &id, "--via", "e-post"]);
        ok("consent withdraw", &out);
        tw.push(t);
        let (t, _, out) = timed(ws, &b, &["account", "show", "skola-ig"]);
        ok("account show", &out);
        tshow.push(t);
    }
    let (te, tw, tshow) = (median(te), median(tw), median(tshow));

    // One add, and a bare writer: append one line, fsync.
    let mut ta = Vec::new();
    for i in 0..5 {
        let s = format!("ny-{i}");
        let (t, _, out) = timed(
            ws,
            &b,
            &[
                "consent",
                "add",
                "--subject",
                &s,
                "--role",
                "pupil",
                "--birth-year",
                "2016",
                "--given-by",
                "guardian",
                "--giver",
                "V",
                "--purpose",
                "event",
                "--channel",
                "skola-ig",
                "--valid-from",
                "2026-08-17",
                "--valid-until",
                "2027-06-15",
                "--evidence",
                "Dnr 1",
            ],
        );
        ok("consent add", &out);
        ta.push(t);
    }
    let ta = median(ta);
    let mut tf = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(ws.join("bare.csv"))
            .unwrap();
        f.write_all(b"ny,given,2026-11-20T10:00:00+01:00,elev,pupil\n")
            .unwrap();
        f.sync_data().unwrap();
        tf.push(t.elapsed());
    }
    let tf = median(tf);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| what | figure | reference in the same run |");
    println!("|---|---|---|");
    println!(
        "| `consent import`, {rows} rows | {:.2} s, peak RSS {:.1} MB | `sqlite3` .import + 2 indexes: {:.2} s, {:.1} MB |",
        t_imp.as_secs_f64(),
        rss_imp,
        t_sq.as_secs_f64(),
        rss_sq
    );
    println!(
        "| `consent verify` ({:.0} MB register) | {:.2} s, peak RSS {:.1} MB = {:.2}× openssl's speed | `openssl dgst -sha256`: {:.2} s |",
        reg_size as f64 / 1e6,
        tv.as_secs_f64(),
        rss_v,
        to.as_secs_f64() / tv.as_secs_f64(),
        to.as_secs_f64()
    );
    println!(
        "| `consent check` (one subject) | {:.1} ms | `sqlite3` indexed lookup (process): {:.1} ms |",
        ms(tc),
        ms(ts)
    );
    println!(
        "| `consent add` (journal, fsync, signed checkpoint, signed receipt) | {:.1} ms | bare append + fsync: {:.2} ms |",
        ms(ta),
        ms(tf)
    );
    println!(
        "| `consent extract --subject` (with its signed PDF) | {:.1} ms | `sqlite3` indexed lookup (process): {:.1} ms |",
        ms(te),
        ms(ts)
    );
    println!(
        "| `consent withdraw ID` (new row, take-down list, signed receipt) | {:.1} ms | bare append + fsync: {:.2} ms |",
        ms(tw),
        ms(tf)
    );
    println!("| `account show skola-ig` | {:.1} ms | — |", ms(tshow));
}

/// The first consent id (`c-` and 16 hex digits) anywhere in a JSON value.
fn consent_id(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s)
            if s.len() == 18
                && s.starts_with("c-")
                && s[2..].bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Some(s.clone())
        }
        serde_json::Value::Array(a) => a.iter().find_map(consent_id),
        serde_json::Value::Object(o) => o.values().find_map(consent_id),
        _ => None,
    }
}
