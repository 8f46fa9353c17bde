//! `init` and the account register, through the real binary.

use crate::test::*;

#[test]
fn init_creates_a_workspace_and_refuses_to_overwrite() {
    let ws = Workspace::new();
    for f in ["dataskydd.toml", "accounts.csv", "keys", "output"] {
        assert!(ws.file(f).exists(), "{f}");
    }
    let before = ws.bytes("dataskydd.toml");
    ws.run(&["init", "--org", "Annan"])
        .code(2)
        .stderr_has("finns redan");
    assert_eq!(ws.bytes("dataskydd.toml"), before);
}

#[cfg(unix)]
#[test]
fn registers_are_owner_readable_only() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    for f in ["dataskydd.toml", "accounts.csv"] {
        let mode = std::fs::metadata(ws.file(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{f} is readable by others: {mode:o}");
    }
}

#[test]
fn outside_a_workspace_says_how_to_create_one() {
    let ws = Workspace::empty();
    ws.run(&["account", "list"])
        .code(2)
        .stderr_has("dataskydd init");
    ws.run(&["--lang", "en", "account", "list"])
        .code(2)
        .stderr_has("create one with");
}

#[test]
fn add_list_show() {
    let ws = Workspace::new();
    ws.run(&[
        "account",
        "add",
        "nykoping-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "Kommunstyrelsen",
        "--admins",
        "3",
    ])
    .ok();
    let out = ws.run(&["account", "list", "--json"]).ok().json();
    assert_eq!(out["accounts"][0]["id"], "nykoping-fb");
    assert_eq!(out["accounts"][0]["overdue"], true);
    let out = ws
        .run(&["account", "show", "nykoping-fb", "--json"])
        .ok()
        .json();
    assert_eq!(out["owner"], "Kommunstyrelsen");
    assert_eq!(out["admins"], 3);
    ws.run(&["account", "list", "--csv"])
        .ok()
        .stdout_has("nykoping-fb,facebook_page,Kommunstyrelsen");
    ws.run(&["account", "list", "--overdue"])
        .ok()
        .stdout_has("nykoping-fb");
}

#[test]
fn bad_account_input_is_refused_and_nothing_written() {
    let ws = Workspace::new();
    ws.run(&["account", "add", "ok-1", "--platform", "x", "--owner", "KS"])
        .ok();
    let before = ws.bytes("accounts.csv");
    ws.run(&[
        "account",
        "add",
        "Bad Id",
        "--platform",
        "x",
        "--owner",
        "KS",
    ])
    .code(2)
    .stderr_has("'id'");
    ws.run(&[
        "account",
        "add",
        "ok-2",
        "--platform",
        "myspace",
        "--owner",
        "KS",
    ])
    .code(2)
    .stderr_has("'platform'")
    .stderr_has("facebook_page");
    ws.run(&["account", "add", "ok-1", "--platform", "x", "--owner", "KS"])
        .code(2)
        .stderr_has("finns redan");
    ws.run(&["account", "show", "nope"])
        .code(2)
        .stderr_has("nope");
    assert_eq!(ws.bytes("accounts.csv"), before);
}

#[test]
fn import_is_all_or_nothing_and_reports_every_bad_row() {
    let ws = Workspace::new();
    ws.run(&[
        "account",
        "add",
        "taken",
        "--platform",
        "x",
        "--owner",
        "KS",
    ])
    .ok();
    let before = ws.bytes("accounts.csv");
    ws.write(
        "in.csv",
        "id,platform,owner,admins\ngood-1,instagram,Utbildningsnämnden,2\nBAD,instagram,KS,2\ngood-2,friendster,KS,2\ntaken,x,KS,1\ngood-1,x,KS,1\ngood-3,x,KS,two\n",
    );
    let out = ws.run(&["account", "import", "in.csv"]).code(2);
    for line in ["rad 3", "rad 4", "rad 5", "rad 6", "rad 7"] {
        assert!(
            out.stderr.contains(line),
            "{line} not reported:\n{}",
            out.stderr
        );
    }
    assert!(!out.stderr.contains("rad 2"), "{}", out.stderr);
    assert_eq!(ws.bytes("accounts.csv"), before);

    ws.write("ok.csv", "\u{feff}id,platform,owner,name\r\ngood-1,instagram,Utbildningsnämnden,\"Skola, Sollentuna\"\r\ngood-2,x,KS,\r\n");
    ws.run(&["account", "import", "ok.csv", "--json"]).ok();
    let out = ws.run(&["account", "show", "good-1", "--json"]).ok().json();
    assert_eq!(out["name"], "Skola, Sollentuna");
}

#[test]
fn import_without_required_columns_names_them() {
    let ws = Workspace::new();
    ws.write("in.csv", "id,owner\na,KS\n");
    ws.run(&["account", "import", "in.csv"])
        .code(2)
        .stderr_has("platform")
        .stderr_has("rad 1");
    ws.run(&["account", "import", "missing.csv"])
        .code(2)
        .stderr_has("missing.csv");
}

#[test]
fn a_corrupted_register_row_is_named() {
    let ws = Workspace::new();
    ws.run(&["account", "add", "a-1", "--platform", "x", "--owner", "KS"])
        .ok();
    let mut text = ws.read("accounts.csv");
    text.push_str("a-2,x\n");
    ws.write("accounts.csv", &text);
    // A row without its chain hashes breaks the chain: a check that says no (exit 1).
    ws.run(&["account", "list"])
        .code(1)
        .stderr_has("accounts.csv")
        .stderr_has("rad 3");
}

/// CONTRACT: `account import` takes "the same columns as accounts.csv", so another
/// workspace's register (with `added_at`) imports as it is and keeps its dates.
#[test]
fn import_takes_a_copy_of_accounts_csv() {
    let from = Workspace::new();
    from.cmd(&[
        "account",
        "add",
        "ks-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "KS",
    ])
    .env("DATASKYDD_NOW", "2025-03-01T09:00:00+01:00")
    .run()
    .ok();
    let to = Workspace::new();
    to.write("konton.csv", &from.read("accounts.csv"));
    to.run(&["account", "import", "konton.csv", "--json"]).ok();
    let a = to.run(&["account", "show", "ks-fb", "--json"]).ok().json();
    assert_eq!(a["added_at"], "2025-03-01T09:00:00+01:00");
    // A bad date is named by file, line and field; nothing is imported.
    to.write(
        "bad.csv",
        "id,platform,owner,added_at\nny-1,x,KS,2025-03-01\n",
    );
    to.run(&["account", "import", "bad.csv"])
        .code(2)
        .stderr_has("bad.csv, rad 2, fält 'added_at'");
    to.run(&["account", "show", "ny-1"]).code(2);
}
