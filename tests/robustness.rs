//! Files users hand the tool will be malformed; the tool must say so and lose nothing.

use crate::test::*;

fn with_two_accounts() -> Workspace {
    let ws = Workspace::new();
    ws.run(&["account", "add", "a-1", "--platform", "x", "--owner", "KS"])
        .ok();
    ws.run(&[
        "account",
        "add",
        "a-2",
        "--platform",
        "instagram",
        "--owner",
        "UN",
    ])
    .ok();
    ws
}

#[test]
fn hand_edited_row_with_an_extra_column_is_named() {
    let ws = with_two_accounts();
    let text = ws
        .read("accounts.csv")
        .replacen("a-2,instagram,UN", "a-2,instagram,UN,extra", 1);
    ws.write("accounts.csv", &text);
    // The register is chained: an edited row breaks its hash (a check that says no).
    ws.run(&["account", "list"])
        .code(1)
        .stderr_has("accounts.csv")
        .stderr_has("rad 3");
    assert_eq!(ws.read("accounts.csv"), text, "the register was rewritten");
}

#[test]
fn missing_header_is_named() {
    let ws = with_two_accounts();
    let text = ws.read("accounts.csv");
    let body: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    ws.write("accounts.csv", &body);
    ws.run(&["account", "list"])
        .code(2)
        .stderr_has("rad 1")
        .stderr_has("rubrikraden");
}

#[test]
fn bom_and_crlf_from_excel_are_read() {
    // An old (unchained) accounts.csv saved by Excel: BOM and CRLF. (A chained register
    // re-saved by Excel has changed bytes, and its chain says so.)
    let ws = Workspace::new();
    let text = "\u{feff}id,platform,owner,name,url,responsible,admins,purpose,added_at\r\na-1,x,KS,,,,,,\r\na-2,instagram,UN,,,,,,\r\n";
    ws.write("accounts.csv", text);
    let out = ws.run(&["account", "list", "--json"]).ok().json();
    assert_eq!(out["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(out["accounts"][1]["owner"], "UN");
}

#[test]
fn truncated_file_keeps_every_complete_row_and_says_so() {
    let ws = with_two_accounts();
    let mut text = ws.read("accounts.csv");
    text.push_str("a-3,face");
    ws.write("accounts.csv", &text);
    let out = ws
        .run(&["account", "list", "--json"])
        .ok()
        .stderr_has("rad 4");
    assert_eq!(out.json()["accounts"].as_array().unwrap().len(), 2);
    // The next write moves the torn bytes aside and appends after the last complete row.
    ws.run(&["account", "add", "a-3", "--platform", "x", "--owner", "KS"])
        .ok();
    assert_eq!(ws.read("accounts.csv.torn"), "a-3,face\n");
    assert_eq!(
        ws.run(&["account", "list", "--json"]).ok().json()["accounts"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn an_answers_file_that_is_binary_or_empty_is_refused() {
    let ws = with_two_accounts();
    std::fs::write(ws.file("bin.toml"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    ws.run(&["assess", "a-1", "--answers", "bin.toml"])
        .code(2)
        .stderr_has("bin.toml");
    ws.write("empty.toml", "");
    ws.run(&["assess", "a-1", "--answers", "empty.toml"])
        .code(2)
        .stderr_has("account.platform");
}

#[test]
fn a_broken_workspace_config_is_named() {
    let ws = Workspace::new();
    let text = ws
        .read("dataskydd.toml")
        .replace("preset = \"gdpr\"", "preset = \"malmo\"");
    ws.write("dataskydd.toml", &text);
    ws.run(&["account", "list"])
        .code(2)
        .stderr_has("dataskydd.toml")
        .stderr_has("malmo");
}

/// Mounting needs root (CI runs as root); elsewhere this says why it did not run.
fn mount_tmpfs(dir: &std::path::Path, opts: &str) -> bool {
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
        .arg(dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("NOTE: could not mount a tmpfs (needs root): {opts} test not run");
    }
    ok
}

fn umount(dir: &std::path::Path) {
    let _ = std::process::Command::new("umount").arg(dir).status();
}

#[test]
fn a_full_disk_is_a_clear_message_and_the_register_is_unchanged() {
    let outer = Workspace::empty();
    let dir = outer.file("small");
    std::fs::create_dir_all(&dir).unwrap();
    if !mount_tmpfs(&dir, "size=200k") {
        return;
    }
    let run = |args: &[&str]| {
        let mut full = vec!["--workspace", dir.to_str().unwrap()];
        full.extend_from_slice(args);
        outer.run(&full)
    };
    run(&["init", "--org", "Liten"]).ok();
    run(&["account", "add", "a-1", "--platform", "x", "--owner", "KS"]).ok();
    let before = std::fs::read(dir.join("accounts.csv")).unwrap();
    // Fill the disk, leaving too little room for a large import.
    let filler = vec![b'x'; 1024];
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    while std::io::Write::write_all(&mut f, &filler).is_ok() {}
    drop(f);
    let mut csv = String::from("id,platform,owner,purpose\n");
    for i in 0..400 {
        csv.push_str(&format!("b-{i},x,KS,{}\n", "p".repeat(100)));
    }
    outer.write("big.csv", &csv);
    let out = run(&["account", "import", outer.file("big.csv").to_str().unwrap()]);
    let after = std::fs::read(dir.join("accounts.csv")).unwrap();
    umount(&dir);
    let out = out.code(2);
    assert!(
        out.stderr.contains("full") || out.stderr.contains("No space"),
        "{}",
        out.stderr
    );
    assert_eq!(after, before, "the register changed on a full disk");
}

#[test]
fn a_read_only_workspace_is_a_clear_message() {
    let outer = Workspace::empty();
    let dir = outer.file("ro");
    std::fs::create_dir_all(&dir).unwrap();
    if !mount_tmpfs(&dir, "size=2m") {
        return;
    }
    let ws_arg = dir.to_str().unwrap().to_string();
    outer
        .run(&["--workspace", &ws_arg, "init", "--org", "RO"])
        .ok();
    outer
        .run(&[
            "--workspace",
            &ws_arg,
            "account",
            "add",
            "a-1",
            "--platform",
            "x",
            "--owner",
            "KS",
        ])
        .ok();
    let before = std::fs::read(dir.join("accounts.csv")).unwrap();
    let remounted = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let out = outer.run(&[
        "--workspace",
        &ws_arg,
        "account",
        "add",
        "a-2",
        "--platform",
        "x",
        "--owner",
        "KS",
    ]);
    let listed = outer.run(&["--workspace", &ws_arg, "account", "list", "--json"]);
    let after = std::fs::read(dir.join("accounts.csv")).unwrap();
    umount(&dir);
    assert!(remounted, "could not remount read-only");
    out.code(2).stderr_has("accounts.csv");
    assert_eq!(
        listed.ok().json()["accounts"].as_array().unwrap().len(),
        1,
        "reading a read-only workspace works"
    );
    assert_eq!(after, before);
}

/// Messages are Swedish by default, also the command line's own usage errors (exit 2),
/// and English with `--lang en`.
#[test]
fn usage_errors_are_swedish_by_default() {
    let ws = Workspace::new();
    ws.run(&["assess"])
        .code(2)
        .stderr_has("obligatoriska argument saknas: <ACCOUNT>")
        .stderr_has("Användning: dataskydd assess");
    ws.run(&["account", "list", "--json", "--csv"])
        .code(2)
        .stderr_has("'--json' kan inte användas tillsammans med '--csv'");
    ws.run(&["consent", "verify", "--jsn"])
        .code(2)
        .stderr_has("okänt argument '--jsn' (menade du '--json'?)");
    ws.run(&["--lang", "de", "account", "list"])
        .code(2)
        .stderr_has("okänt språk 'de'");
    ws.run(&["--lang", "en", "assess"])
        .code(2)
        .stderr_has("the following required arguments were not provided");
    ws.run(&["--lang=en", "bogus"])
        .code(2)
        .stderr_has("unrecognized subcommand 'bogus'");
}

/// A script that stops reading (`| head -1`) does not make `--json` panic.
#[cfg(unix)]
#[test]
fn closed_stdout_with_json_is_quiet() {
    let ws = Workspace::new();
    ws.run(&["account", "add", "x-1", "--platform", "x", "--owner", "KS"])
        .ok();
    let mut child = std::process::Command::new(BIN)
        .args(["account", "list", "--json"])
        .current_dir(ws.path())
        .env_remove("DATASKYDD_WORKSPACE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Like other Unix tools: done (0), or ended quietly by SIGPIPE.
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.code() == Some(0) || out.status.signal() == Some(13),
        "{:?}: {stderr}",
        out.status
    );
}

/// `--answers /dev/zero` (or a pipe, or a folder) is refused at once, naming the file, and
/// an answers file larger than any real one stops at the limit: nothing is read for ever.
#[test]
fn a_device_a_folder_or_a_huge_answers_file_is_refused_quickly() {
    let ws = with_two_accounts();
    let accounts = ws.bytes("accounts.csv");
    for args in [
        vec!["assess", "a-1", "--answers", "/dev/zero"],
        vec!["photo", "--answers", "/dev/zero"],
        vec!["breach", "--answers", "/dev/zero"],
        vec!["rerun", "/dev/zero"],
        vec!["verify", "/dev/zero"],
        vec!["sign", "/dev/zero"],
    ] {
        ws.run(&args)
            .code(2)
            .stderr_has("/dev/zero")
            .stderr_has("ingen vanlig fil");
    }
    ws.run(&["assess", "a-1", "--answers", "output"])
        .code(2)
        .stderr_has("mapp");
    let big = ws.file("stor.toml");
    std::fs::write(&big, vec![b'#'; 2 << 20]).unwrap();
    ws.run(&["assess", "a-1", "--answers", "stor.toml"])
        .code(2)
        .stderr_has("stor.toml")
        .stderr_has("1 MiB");
    ws.cmd(&["--lang", "en", "photo", "--answers", "/dev/zero"])
        .run()
        .code(2)
        .stderr_has("not an ordinary file");
    assert_eq!(ws.bytes("accounts.csv"), accounts);
}
