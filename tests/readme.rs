//! Issue 10 item 13: the README's walk-throughs run verbatim. Every ` ```sh ` block under a
//! `## Walk-through` heading runs, in order, in one fresh temp folder with the built binary
//! on PATH and the clock fixed; a block that exits non-zero fails the test, naming its line.
//! Lines that cannot run here (terminal questions, ids of one's own run) are ` ```text `
//! blocks in the README, said so in its text; the install step is its own section.

use crate::test::BIN;

/// The clock of the walk-throughs (the README says so): 25 November 2026, 09.30.
const README_NOW: &str = "2026-11-25T09:30:00+01:00";

/// `(line, script)` of each ```sh block under a walk-through heading.
fn walkthrough_blocks(readme: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut in_walkthrough = false;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if let Some(h) = l.strip_prefix("## ") {
            in_walkthrough = h.starts_with("Walk-through");
        }
        if in_walkthrough && l.trim() == "```sh" {
            let start = i + 1;
            let mut j = start;
            while j < lines.len() && lines[j].trim() != "```" {
                j += 1;
            }
            assert!(j < lines.len(), "README line {start}: unclosed ```sh block");
            out.push((start + 1, lines[start..j].join("\n")));
            i = j;
        }
        i += 1;
    }
    out
}

#[test]
fn readme_walkthroughs_run_verbatim() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks = walkthrough_blocks(&readme);
    assert!(
        blocks.len() >= 8,
        "walk-through blocks found: {}",
        blocks.len()
    );
    // Every walk-through has at least one block that runs.
    for h in readme.lines().filter(|l| l.starts_with("## Walk-through")) {
        let at = readme.find(h).unwrap();
        let rest = &readme[at + h.len()..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        assert!(rest[..end].contains("```sh"), "{h}: no block runs");
    }
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (line, script) in &blocks {
        let out = std::process::Command::new("bash")
            .args(["-e", "-o", "pipefail", "-c", script])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("DATASKYDD_NOW", README_NOW)
            .env_remove("DATASKYDD_WORKSPACE")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README line {line}: the block exited {:?}\n{script}\n--- stdout\n{}\n--- stderr\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // What the walk-throughs leave behind is what they say.
    let ws = dir.path();
    assert!(ws.join("answers/assess/nykoping-fb.toml").exists());
    assert!(ws.join("uppfoljning.ics").exists());
    let consents = std::fs::read_to_string(ws.join("consents.csv")).unwrap();
    assert!(consents.contains("elev-0043") && consents.contains("Vårdnadshavare 3"));
    assert!(std::fs::read_dir(ws.join("output")).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("avveckling-runbacka-ig")));
}
