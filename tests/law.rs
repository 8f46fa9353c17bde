//! Rules 2026.12 through the real binary: every new refusal (exit 2, file, line and key named,
//! registers byte-for-byte unchanged), `org`, `notice`, local Swedish time.

use crate::test::*;

/// Every register and the config, as bytes.
fn snapshot(ws: &Workspace) -> Vec<(String, Vec<u8>)> {
    [
        "dataskydd.toml",
        "accounts.csv",
        "consents.csv",
        "publications.csv",
        "breaches.csv",
    ]
    .iter()
    .map(|f| (f.to_string(), std::fs::read(ws.file(f)).unwrap_or_default()))
    .collect()
}

fn output_is_empty(ws: &Workspace) -> bool {
    std::fs::read_dir(ws.file("output"))
        .map(|d| d.count() == 0)
        .unwrap_or(true)
}

fn with_account(ws: &Workspace) {
    ws.run(&[
        "account",
        "add",
        "ks-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "Kommunstyrelsen",
        "--admins",
        "1",
    ])
    .ok();
}

#[test]
fn a6_unlisted_owner_is_refused_with_menade_du() {
    let ws = Workspace::new();
    with_account(&ws);
    ws.write(
        "svar.toml",
        "[account]\nplatform = \"facebook_page\"\nowner_unit = \"Kommunstyrelse\"\n",
    );
    let before = snapshot(&ws);
    ws.run(&["assess", "ks-fb", "--answers", "svar.toml"])
        .code(2)
        .stderr_has("svar.toml")
        .stderr_has("rad 3")
        .stderr_has("account.owner_unit")
        .stderr_has("Menade du Kommunstyrelsen?");
    assert_eq!(snapshot(&ws), before);
    assert!(output_is_empty(&ws));
    assert!(!ws.file("answers/assess/ks-fb.toml").exists());
    // --allow-unknown-owner accepts it; the company list makes it known.
    ws.run(&[
        "assess",
        "ks-fb",
        "--answers",
        "svar.toml",
        "--dry-run",
        "--allow-unknown-owner",
    ])
    .ok();
    ws.run(&["org", "add-company", "Kommunstyrelse"]).ok();
    let j = ws
        .run(&[
            "assess",
            "ks-fb",
            "--answers",
            "svar.toml",
            "--dry-run",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(j["owner_kind"], "company");
}

#[test]
fn a3_country_name_is_refused_with_the_iso_code() {
    let ws = Workspace::new();
    with_account(&ws);
    ws.write(
        "svar.toml",
        "[account]\nplatform = \"blog\"\nowner_unit = \"Kommunstyrelsen\"\n\n[provider]\nparent_country = \"Kanada\"\n",
    );
    let before = snapshot(&ws);
    ws.run(&["assess", "ks-fb", "--answers", "svar.toml"])
        .code(2)
        .stderr_has("svar.toml")
        .stderr_has("rad 6")
        .stderr_has("provider.parent_country")
        .stderr_has("CA");
    assert_eq!(snapshot(&ws), before);
    assert!(output_is_empty(&ws));
}

#[test]
fn assess_json_carries_the_2026_12_determinations() {
    let ws = Workspace::new();
    with_account(&ws);
    ws.write(
        "svar.toml",
        "[account]\nplatform = \"facebook_page\"\nowner_unit = \"Kommunstyrelsen\"\n\n[features]\ninsights = false\naudience_children = true\n\n[data]\nsensitive_expected = true\n\n[[tools]]\nname = \"Arkiv\"\npurpose = \"archiving\"\ndpa = true\ncountry = \"CH\"\n",
    );
    let j = ws
        .run(&[
            "assess",
            "ks-fb",
            "--answers",
            "svar.toml",
            "--dry-run",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(j["rules_version"], "2026.12");
    assert_eq!(j["dpia"], "required");
    assert!(j["dpia_criteria"].as_array().unwrap().len() >= 2);
    assert_eq!(j["joint_with_platform"], true, "A4");
    let outcomes: Vec<&str> = j["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for c in [
        "TRANSFER-ADEQUACY",
        "ADMINS-TOO-FEW",
        "PUBLIC-TASK-UNSTATED",
        "RETENTION-UNSTATED",
        "DPIA-REQUIRED",
    ] {
        assert!(outcomes.contains(&c), "{c} in {outcomes:?}");
    }
    assert_eq!(j["adequacy"]["decisions"][0]["decision"], "2000/518/EC");
    assert!(j["processing_record"]["controller"]
        .as_str()
        .unwrap()
        .contains("Kommunstyrelsen"));
    assert!(j["notice"]["en"].as_str().unwrap().contains("IMY"));
    assert!(j["findings"][0]["title"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
}

#[test]
fn org_show_and_add() {
    let ws = Workspace::new();
    let j = ws.run(&["org", "show", "--json"]).ok().json();
    assert_eq!(j["committees"][0], "Kommunstyrelsen");
    ws.run(&["org", "add-committee", "Kultur- och fritidsnämnden"])
        .ok();
    ws.run(&["org", "add-company", "Testkommuns Bostäder AB"])
        .ok();
    let j = ws.run(&["org", "show", "--json"]).ok().json();
    assert_eq!(j["committees"][1], "Kultur- och fritidsnämnden");
    assert_eq!(j["companies"][0], "Testkommuns Bostäder AB");
    // The comments of dataskydd.toml stay.
    assert!(ws
        .read("dataskydd.toml")
        .starts_with("# dataskydd workspace"));
    let before = snapshot(&ws);
    ws.run(&["org", "add-committee", "Kommunstyrelsen"])
        .code(2)
        .stderr_has("Kommunstyrelsen");
    assert_eq!(snapshot(&ws), before);
    // init takes the lists too.
    let w2 = Workspace::empty();
    w2.run(&[
        "init",
        "--org",
        "K",
        "--committee",
        "Socialnämnden",
        "--company",
        "K Hamn AB",
    ])
    .ok();
    let j = w2.run(&["org", "show", "--json"]).ok().json();
    assert_eq!(j["committees"], serde_json::json!(["Socialnämnden"]));
    assert_eq!(j["companies"], serde_json::json!(["K Hamn AB"]));
}

#[test]
fn notice_prints_the_about_page_text() {
    let ws = Workspace::new();
    with_account(&ws);
    ws.write(
        "svar.toml",
        "[account]\nplatform = \"facebook_page\"\nowner_unit = \"Kommunstyrelsen\"\ntask_basis = \"Kommunstyrelsens reglemente\"\n",
    );
    ws.run(&["assess", "ks-fb", "--answers", "svar.toml"]).ok();
    ws.run(&["notice", "ks-fb"])
        .ok()
        .stdout_has("# Så behandlar vi dina personuppgifter")
        .stdout_has("Kommunstyrelsen")
        .stdout_has("Kommunstyrelsens reglemente")
        .stdout_has("allmän handling")
        .stdout_has("Meta Page Insights Controller Addendum");
    let en = ws
        .run(&["notice", "ks-fb", "--format", "txt", "--lang", "en"])
        .ok()
        .stdout_has("How we process your personal data")
        .stdout_has("complain to the Swedish Authority for Privacy Protection");
    assert!(!en.stdout.contains("## "));
    ws.run(&["notice", "nope"]).code(2).stderr_has("nope");
}

const PHOTO_NOBODY: &str = "channel = \"ks-fb\"\npurpose = \"inform_activity\"\npublished_on = 2026-11-19\nidentifiable = true\nin_focus = true\n";

#[test]
fn b3_identifiable_picture_without_people_is_refused() {
    let ws = Workspace::new();
    with_account(&ws);
    ws.write("bild.toml", PHOTO_NOBODY);
    let before = snapshot(&ws);
    ws.run(&["photo", "--answers", "bild.toml"])
        .code(2)
        .stderr_has("bild.toml")
        .stderr_has("rad 4")
        .stderr_has("people");
    assert_eq!(snapshot(&ws), before);
    assert!(output_is_empty(&ws));
}

const BREACH: &str = "account = \"ks-fb\"\nwhat = \"own_post_error\"\ncategories = [\"simple\"]\nsubjects = 1\nvulnerable = false\nidentifiability = \"maximum\"\nexposure = \"public\"\nintegrity = \"none\"\navailability = \"none\"\nmalicious = false\nunintelligible = false\npublished_at = \"2026-11-20 08:00\"\naware_at = \"2026-11-20 09:30\"\nremoved_at = \"2026-11-20 09:45\"\narchived_before_removal = true\n";

#[test]
fn c1_instants_out_of_order_or_in_the_future_are_refused() {
    let ws = Workspace::new();
    with_account(&ws);
    let before = snapshot(&ws);
    ws.write(
        "i.toml",
        &format!("{BREACH}assessed_at = \"2026-11-20 09:00\"\n"),
    );
    ws.run(&["breach", "--answers", "i.toml"])
        .code(2)
        .stderr_has("i.toml")
        .stderr_has("rad 16")
        .stderr_has("assessed_at")
        .stderr_has("aware_at");
    ws.write(
        "i.toml",
        &format!("{BREACH}assessed_at = \"2026-11-21 09:00\"\n"),
    );
    ws.run(&["breach", "--answers", "i.toml"])
        .code(2)
        .stderr_has("rad 16")
        .stderr_has("assessed_at")
        .stderr_has("framtiden");
    // A DST-ambiguous local hour: refused with both readings.
    ws.write(
        "i.toml",
        &BREACH.replace("2026-11-20 08:00", "2026-10-25 02:30"),
    );
    ws.run(&["breach", "--answers", "i.toml"])
        .code(2)
        .stderr_has("published_at")
        .stderr_has("2026-10-25T02:30:00+02:00")
        .stderr_has("2026-10-25T02:30:00+01:00");
    assert_eq!(snapshot(&ws), before);
    assert!(output_is_empty(&ws));
    // Local Swedish time accepted, output RFC 3339 with offset.
    ws.write("i.toml", BREACH);
    let j = ws
        .run(&["breach", "--answers", "i.toml", "--dry-run", "--json"])
        .ok()
        .json();
    assert_eq!(j["aware_at"], "2026-11-20T09:30:00+01:00");
    assert_eq!(j["rules_version"], "2026.12");
}

/// A visitor's comment with sensitive data: the controller must decide (C6).
const COMMENT: &str = "account = \"ks-fb\"\nwhat = \"third_party_comment\"\nfrom_us = false\ncategories = [\"sensitive\"]\nsubjects = 1\nvulnerable = false\nidentifiability = \"maximum\"\nexposure = \"public\"\nintegrity = \"none\"\navailability = \"none\"\nmalicious = false\nunintelligible = false\npublished_at = \"2026-11-19 20:00\"\naware_at = \"2026-11-20 08:00\"\nremoved_at = \"2026-11-20 08:10\"\narchived_before_removal = true\n";

#[test]
fn c6_breach_decide_keeps_the_decision_open_until_recorded() {
    let ws = Workspace::new();
    with_account(&ws);
    ws.write("c.toml", COMMENT);
    let j = ws
        .run(&["breach", "--answers", "c.toml", "--json"])
        .ok()
        .json();
    assert_eq!(j["dpo_decision_required"], true);
    let open = ws.run(&["breach", "list", "--open", "--json"]).ok().json();
    assert!(open.to_string().contains("b-2026-0001"), "{open}");
    let before = snapshot(&ws);
    // A refusal changes nothing.
    ws.run(&[
        "breach",
        "decide",
        "b-2026-0001",
        "--breach",
        "no",
        "--notify",
        "imy",
        "--reason",
        "x",
    ])
    .code(2)
    .stderr_has("--notify");
    ws.run(&[
        "breach",
        "decide",
        "b-2026-0099",
        "--breach",
        "yes",
        "--reason",
        "x",
    ])
    .code(2)
    .stderr_has("b-2026-0099");
    assert_eq!(snapshot(&ws), before);
    let d = ws
        .run(&[
            "breach",
            "decide",
            "b-2026-0001",
            "--breach",
            "yes",
            "--notify",
            "imy",
            "--reason",
            "Känsliga uppgifter låg ute i tolv timmar",
            "--by",
            "Förvaltningschefen",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(d["decision_pending"], false);
    assert_eq!(d["notify_imy"], true);
    assert_eq!(d["imy_deadline"], "2026-11-23T08:00:00+01:00");
    // Now open because IMY is still to be notified; the log holds the decision row.
    let log = ws.read("breaches.csv");
    assert!(log.contains(",decision,"), "{log}");
    ws.run(&[
        "breach",
        "update",
        "b-2026-0001",
        "--notified-imy-at",
        "2026-11-20T09:30:00+01:00",
    ])
    .ok();
    let open = ws.run(&["breach", "list", "--open", "--json"]).ok().json();
    assert!(!open.to_string().contains("b-2026-0001"), "{open}");
    ws.run(&["consent", "verify"]).ok();
    let note = std::fs::read_dir(ws.file("output"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("beslut-b-2026-0001"))
        .expect("decision note");
    let text = std::fs::read_to_string(note).unwrap();
    assert!(text.contains("Förvaltningschefen") && text.contains("tolv timmar"));
}

#[test]
fn a9_account_export_processing_records_in_the_excel_dialect() {
    let ws = Workspace::new();
    with_account(&ws);
    ws.run(&[
        "account",
        "add",
        "ks-x",
        "--platform",
        "x",
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    ws.write(
        "svar.toml",
        "[account]\nplatform = \"facebook_page\"\nowner_unit = \"Kommunstyrelsen\"\n\n[[tools]]\nname = \"Hootsuite\"\npurpose = \"scheduling\"\ndpa = true\ncountry = \"US\"\ntransfer_mechanism = \"dpf\"\n",
    );
    ws.run(&["assess", "ks-fb", "--answers", "svar.toml"]).ok();
    ws.run(&["account", "export", "--processing-records", "register.csv"])
        .ok()
        .stdout_has("2");
    let bytes = ws.bytes("register.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("konto;personuppgiftsansvarig;dataskyddsombud;"));
    assert!(lines[1].starts_with("ks-fb;Kommunstyrelsen, Testkommun;"));
    assert!(lines[1].contains("Hootsuite: US (EU–US Data Privacy Framework"));
    assert!(lines[2].contains("ingen sparad bedömning"));
}

/// Item 9: `rerun` of real 2026.11 records — made by the 2026.11 version of this tool (the
/// demo of commit d7d7a60, kept in tests/fixtures/records-2026.11/) — names, finding by
/// finding, what rules 2026.12 change. Their signer's key is not this workspace's: the
/// signature still verifies as a signature.
#[test]
fn rerun_of_real_2026_11_records_shows_what_2026_12_changes() {
    let ws = crate::test::Workspace::new();
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records-2026.11");
    let a = fixtures.join("bedomning-nykoping-fb-20261125.pdf");
    let j = ws
        .run(&["rerun", a.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(j["kind"], "account_assessment");
    assert_eq!(j["signature_valid"], true);
    assert_eq!(j["rules_version_then"], "2026.11.1");
    assert_eq!(j["rules_version_now"], "2026.12");
    assert_eq!(j["unchanged"], false);
    let list = |k: &str| -> Vec<String> {
        j[k].as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    // A5 (administrators), A7 (the task), A8 (DPIA screening), A9 (retention) are new.
    for code in [
        "ADMINS-UNKNOWN",
        "PUBLIC-TASK-UNSTATED",
        "DPIA-CONSIDER",
        "RETENTION-UNSTATED",
    ] {
        assert!(list("added").iter().any(|c| c == code), "{code}: {j}");
    }
    // A4 (joint controllership from running the page) and A3 (exposure) changed text.
    for code in ["JOINT-PLATFORM-ARRANGEMENT", "EXPOSURE"] {
        assert!(list("changed").iter().any(|c| c == code), "{code}: {j}");
    }
    assert!(list("removed").is_empty());
    let out = ws.run(&["rerun", a.to_str().unwrap()]).ok();
    assert!(out.stdout.contains("2026.11.1") && out.stdout.contains("2026.12"));
    // A breach evaluation: C6 (the controller decides, the DPO advises) changed its text.
    let b = fixtures.join("b-2026-0001.pdf");
    let j = ws
        .run(&["rerun", b.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(j["kind"], "breach_evaluation");
    assert!(
        j["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "DPO-DECISION-UNSETTLED"),
        "{j}"
    );
}
