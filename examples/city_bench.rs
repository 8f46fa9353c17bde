//! City-scale benchmark: N accounts (default 1,000) through `dataskydd assess --all`.
//!
//! Run: `cargo build --release && cargo run --release --example city_bench -- [N]`
//!
//! Generates its own workspace (varied answers: platforms, tools, contractors), runs the
//! release binary, and reports wall time, signed PDFs per second, total output size, the
//! peak resident memory of the process (VmHWM), and how many PDFs `pdfsig` validates.
//! `BENCH_PDFSIG=0` skips pdfsig, `BENCH_KEEP=1` keeps the workspace, and
//! `BENCH_PREPARE_ONLY=1` stops before the batch (to profile copies of one workspace).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PLATFORMS: &[&str] = &[
    "facebook_page",
    "instagram",
    "linkedin_page",
    "x",
    "youtube",
    "tiktok",
    "snapchat",
    "blog",
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/dataskydd");
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let dir = tempfile_dir();
    let ws = dir.as_path();
    run(
        &bin,
        ws,
        &["init", "--org", "Benchmark stad", "--preset", "stockholm"],
    );
    let mut csv = String::from("id,platform,owner,admins\n");
    std::fs::create_dir_all(ws.join("answers/assess")).unwrap();
    for i in 0..n {
        let id = format!("konto-{i:05}");
        let platform = PLATFORMS[i % PLATFORMS.len()];
        let owner = [
            "Kommunstyrelsen",
            "Utbildningsnämnden",
            "Socialnämnden",
            "Kulturnämnden",
        ][i % 4];
        csv.push_str(&format!("{id},{platform},{owner},2\n"));
        std::fs::write(
            ws.join(format!("answers/assess/{id}.toml")),
            answers(i, platform, owner),
        )
        .unwrap();
    }
    std::fs::write(ws.join("import.csv"), csv).unwrap();
    let import = ws.join("import.csv");
    run(&bin, ws, &["account", "import", import.to_str().unwrap()]);
    if std::env::var("BENCH_PREPARE_ONLY").is_ok() {
        // For profiling the first batch of a workspace again and again: copy this
        // directory, then run `assess --all` in the copy.
        println!("prepared: {}", ws.display());
        return;
    }

    let load_before = loadavg();
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .args(["--workspace", ws.to_str().unwrap(), "assess", "--all"])
        .spawn()
        .expect("run dataskydd");
    let pid = child.id();
    let mut peak_kb = 0u64;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "assess --all failed");
            break;
        }
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(l) = s.lines().find(|l| l.starts_with("VmHWM:")) {
                let kb: u64 = l
                    .split_whitespace()
                    .nth(1)
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(0);
                peak_kb = peak_kb.max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let secs = started.elapsed().as_secs_f64();
    let out = ws.join("output");
    let mut bytes = 0u64;
    let mut pdfs = Vec::new();
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        bytes += std::fs::metadata(&p).unwrap().len();
        pdfs.push(p);
    }
    let reference = fsync_writer(&pdfs, &ws.join("reference"), 8);
    println!("load average before / after: {load_before} / {}", loadavg());
    println!("accounts: {n}");
    println!(
        "assess --all: {secs:.2} s, {:.0} signed PDFs/s",
        n as f64 / secs
    );
    println!(
        "reference, a bare writer of the same {} files (create, write, fsync; 8 threads): {reference:.2} s, {:.0} files/s",
        pdfs.len(),
        pdfs.len() as f64 / reference
    );
    println!(
        "output: {} files, {:.1} MB ({:.1} KB per record)",
        pdfs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / pdfs.len() as f64
    );
    println!(
        "peak memory (VmHWM, sampled): {:.1} MB",
        peak_kb as f64 / 1024.0
    );
    let check = std::env::var("BENCH_PDFSIG")
        .map(|v| v != "0")
        .unwrap_or(true);
    if check {
        let valid = pdfs
            .iter()
            .filter(|p| {
                Command::new("pdfsig")
                    .arg(p)
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).contains("Signature is Valid."))
                    .unwrap_or(false)
            })
            .count();
        println!("pdfsig: {valid}/{} valid", pdfs.len());
    }
    if std::env::var("BENCH_KEEP").is_err() {
        let _ = std::fs::remove_dir_all(ws);
    } else {
        println!("kept: {}", ws.display());
    }
}

/// The physical floor of the batch: the same bytes written as new files with fsync, by
/// `threads` threads, no rendering or signing. Returns seconds.
fn fsync_writer(files: &[std::path::PathBuf], dir: &Path, threads: usize) -> f64 {
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    let data: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, bytes)) = data.get(i) else {
                    break;
                };
                let mut f = std::fs::File::create(dir.join(name)).unwrap();
                f.write_all(bytes).unwrap();
                f.sync_all().unwrap();
            });
        }
    });
    started.elapsed().as_secs_f64()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("dataskydd-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(bin: &Path, ws: &Path, args: &[&str]) {
    let s = Command::new(bin)
        .arg("--workspace")
        .arg(ws)
        .args(args)
        .output()
        .unwrap();
    assert!(
        s.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&s.stderr)
    );
}

fn answers(i: usize, platform: &str, owner: &str) -> String {
    let mut s = format!(
        "[account]\nplatform = \"{platform}\"\nowner_unit = \"{owner}\"\nshared = {}\n",
        i.is_multiple_of(7)
    );
    if i.is_multiple_of(5) {
        s.push_str("operated_by = \"contractor\"\n[contractor]\nname = \"Entreprenör AB\"\ndecides = \"municipality\"\nagreement = \"none\"\n");
    }
    s.push_str(&format!(
        "[features]\ndirect_messages = {}\naudience_children = {}\n[data]\nconfidential_expected = {}\n",
        i.is_multiple_of(2),
        i.is_multiple_of(3),
        i % 4 == 2
    ));
    for t in 0..(i % 3) {
        s.push_str(&format!(
            "\n[[tools]]\nname = \"Verktyg {t}\"\npurpose = \"scheduling\"\ndpa = {}\ncountry = \"{}\"\ntransfer_mechanism = \"{}\"\n",
            t == 0,
            ["US", "SE"][t % 2],
            ["dpf", "none_needed"][t % 2]
        ));
    }
    s
}
