//! `assess` from answers files, through the real binary.

use crate::test::*;

pub const NYKOPING: &str = r#"
[account]
platform = "facebook_page"
owner_unit = "Kommunstyrelsen"

[data]
confidential_expected = true

[[tools]]
name = "Hootsuite"
purpose = "scheduling"
on_our_instructions = true
dpa = true
country = "US"
transfer_mechanism = "dpf"
stores_messages = false
"#;

pub fn with_account(id: &str, platform: &str) -> Workspace {
    let ws = Workspace::new();
    ws.run(&[
        "account",
        "add",
        id,
        "--platform",
        platform,
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    ws
}

#[test]
fn answers_file_gives_the_contract_fields() {
    let ws = with_account("nykoping-fb", "facebook_page");
    ws.write("a.toml", NYKOPING);
    let out = ws
        .run(&["assess", "nykoping-fb", "--answers", "a.toml", "--json"])
        .ok()
        .json();
    assert_eq!(out["kind"], "account_assessment");
    assert_eq!(out["account"], "nykoping-fb");
    assert_eq!(out["controller"], "Kommunstyrelsen");
    assert_eq!(out["joint_with_platform"], true);
    assert_eq!(out["third_party_content"], "full");
    assert!(out["contractor_role"].is_null());
    assert_eq!(out["tools"][0]["name"], "Hootsuite");
    assert_eq!(out["tools"][0]["role"], "processor");
    assert_eq!(out["tools"][0]["dpa_required"], true);
    assert_eq!(
        out["tools"][0]["outcomes"],
        serde_json::json!(["DPA-OK", "TRANSFER-DPF"])
    );
    assert_eq!(out["exposure"], "high");
    let outcomes: Vec<&str> = out["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(outcomes[0], "CTRL-SINGLE");
    for code in [
        "JOINT-PLATFORM-ARRANGEMENT",
        "COMMENTS-RESPONSIBLE",
        "OSL-ROJANDE-RISK",
        "DM-CHANNEL-RISK",
    ] {
        assert!(outcomes.contains(&code), "{code}");
    }
    for f in out["findings"].as_array().unwrap() {
        for k in ["code", "text", "sources", "unsettled", "because"] {
            assert!(f.get(k).is_some(), "finding lacks {k}");
        }
        assert!(!f["sources"].as_array().unwrap().is_empty());
    }
    let a = out["actions"].as_array().unwrap();
    assert!(a
        .iter()
        .any(|x| x["level"] == "must" && x["code"] == "OSL-ROJANDE-RISK"));
    // Saved answers, a record and a log row.
    assert_eq!(ws.read("answers/assess/nykoping-fb.toml"), NYKOPING);
    let record = out["record"].as_str().unwrap();
    assert!(std::path::Path::new(record).exists());
    ws.run(&["account", "show", "nykoping-fb", "--json"])
        .ok()
        .stdout_has("\"exposure\": \"high\"");
}

#[test]
fn dry_run_writes_nothing() {
    let ws = with_account("nykoping-fb", "facebook_page");
    ws.write("a.toml", NYKOPING);
    ws.run(&[
        "assess",
        "nykoping-fb",
        "--answers",
        "a.toml",
        "--json",
        "--dry-run",
    ])
    .ok();
    assert!(!ws.file("answers/assess/nykoping-fb.toml").exists());
    assert_eq!(std::fs::read_dir(ws.file("output")).unwrap().count(), 0);
}

#[test]
fn same_answers_same_conclusions() {
    let ws = with_account("nykoping-fb", "facebook_page");
    ws.write("a.toml", NYKOPING);
    let mut a = ws
        .run(&[
            "assess",
            "nykoping-fb",
            "--answers",
            "a.toml",
            "--json",
            "--dry-run",
        ])
        .ok()
        .json();
    let mut b = ws
        .run(&[
            "assess",
            "nykoping-fb",
            "--answers",
            "a.toml",
            "--json",
            "--dry-run",
        ])
        .ok()
        .json();
    a.as_object_mut().unwrap().remove("record");
    b.as_object_mut().unwrap().remove("record");
    assert_eq!(a, b);
}

#[test]
fn unknown_key_names_file_line_and_allowed_keys() {
    let ws = with_account("a-1", "x");
    ws.write(
        "a.toml",
        "[account]\nplatform = \"x\"\nowner_unit = \"KS\"\n\n[features]\ncomment = true\n",
    );
    ws.run(&["assess", "a-1", "--answers", "a.toml"])
        .code(2)
        .stderr_has("a.toml")
        .stderr_has("rad 6")
        .stderr_has("features.comment")
        .stderr_has("can_remove_comments");
}

#[test]
fn unknown_value_names_the_allowed_values() {
    let ws = with_account("a-1", "x");
    ws.write("a.toml", "[account]\nplatform = \"myspace\"\n");
    ws.cmd(&["--lang", "en", "assess", "a-1", "--answers", "a.toml"])
        .run()
        .code(2)
        .stderr_has("line 2")
        .stderr_has("account.platform")
        .stderr_has("facebook_page | instagram");
}

#[test]
fn wrong_type_and_missing_answers_are_named() {
    let ws = with_account("a-1", "x");
    ws.write("a.toml", "[account]\nplatform = \"x\"\nshared = \"yes\"\n");
    ws.run(&["assess", "a-1", "--answers", "a.toml"])
        .code(2)
        .stderr_has("account.shared")
        .stderr_has("true eller false");
    ws.write(
        "b.toml",
        "[account]\nplatform = \"x\"\noperated_by = \"contractor\"\n",
    );
    ws.run(&["assess", "a-1", "--answers", "b.toml"])
        .code(2)
        .stderr_has("contractor.name");
    ws.write("c.toml", "[account\nplatform = \"x\"\n");
    ws.run(&["assess", "a-1", "--answers", "c.toml"])
        .code(2)
        .stderr_has("c.toml")
        .stderr_has("rad 1");
}

#[test]
fn unknown_account_and_missing_file() {
    let ws = with_account("a-1", "x");
    ws.write("a.toml", NYKOPING);
    ws.run(&["assess", "nope", "--answers", "a.toml"])
        .code(2)
        .stderr_has("nope");
    ws.run(&["assess", "a-1", "--answers", "missing.toml"])
        .code(2)
        .stderr_has("missing.toml");
}

#[test]
fn no_terminal_and_no_answers_is_a_clear_error_not_a_hang() {
    let ws = with_account("a-1", "x");
    ws.run(&["assess", "a-1"]).code(2).stderr_has("--answers");
}

#[test]
fn english_json_keeps_the_codes() {
    let ws = with_account("a-1", "x");
    ws.write("a.toml", "[account]\nplatform = \"x\"\nowner_unit = \"\"\n");
    let out = ws
        .run(&[
            "--lang",
            "en",
            "assess",
            "a-1",
            "--answers",
            "a.toml",
            "--json",
            "--dry-run",
        ])
        .ok()
        .json();
    assert!(out["controller"].is_null());
    assert_eq!(out["outcomes"][0], "CTRL-UNCLEAR");
    assert_eq!(out["third_party_content"], "limited");
    assert!(out["findings"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("No committee"));
}

/// Assessing again from the kept answers leaves that file alone (same inode, not rewritten
/// through a temp file); other answers replace it.
#[test]
fn the_kept_answers_are_rewritten_only_when_they_change() {
    use std::os::unix::fs::MetadataExt;
    let ws = with_account("nykoping-fb", "facebook_page");
    ws.write("a.toml", NYKOPING);
    ws.run(&["assess", "nykoping-fb", "--answers", "a.toml"])
        .ok();
    let kept = "answers/assess/nykoping-fb.toml";
    let inode = std::fs::metadata(ws.file(kept)).unwrap().ino();
    ws.run(&["assess", "nykoping-fb", "--answers", kept]).ok();
    assert_eq!(std::fs::metadata(ws.file(kept)).unwrap().ino(), inode);
    assert_eq!(ws.read(kept), NYKOPING);
    let changed = NYKOPING.replace(
        "confidential_expected = true",
        "confidential_expected = false",
    );
    ws.write("b.toml", &changed);
    ws.run(&["assess", "nykoping-fb", "--answers", "b.toml"])
        .ok();
    assert_eq!(ws.read(kept), changed);
    assert_ne!(std::fs::metadata(ws.file(kept)).unwrap().ino(), inode);
}
