//! `dataskydd photo` through the real binary.

use crate::consent::{add, setup, CH};

fn answers(age: u32, focus: bool) -> String {
    format!("channel = \"{CH}\"\npurpose = \"inform_activity\"\npublished_on = 2026-11-23\nidentifiable = true\nin_focus = {focus}\nreveals_sensitive = false\nreveals_confidential = false\nattendees_informed = false\n\n[[people]]\nref = \"elev-0042\"\nrole = \"pupil\"\nage = {age}\nprotected_identity = false\n")
}

#[test]
fn contract_json_and_records() {
    let ws = setup("sollentuna");
    let id = add(&ws, "elev-0042", "guardian", "2016");
    ws.write("a.toml", &answers(10, true));
    let d = ws
        .run(&["photo", "--answers", "a.toml", "--json"])
        .ok()
        .json();
    assert_eq!(d["kind"], "photo_decision");
    assert_eq!(d["decision"], "not_allowed");
    assert_eq!(d["law"]["decision"], "allowed");
    assert_eq!(d["law"]["basis"], "consent");
    assert_eq!(d["policy"]["preset"], "sollentuna");
    assert_eq!(d["policy"]["decision"], "not_allowed");
    assert_eq!(d["policy"]["rules"][0], "no-identifiable-under-13");
    assert_eq!(d["people"][0]["ref"], "elev-0042");
    assert_eq!(d["people"][0]["consent"], "valid");
    assert_eq!(d["people"][0]["consent_ids"][0], id.as_str());
    assert!(d["conditions"].is_array() && d["outcomes"].is_array());
    let f = &d["findings"][0];
    for k in ["code", "text", "sources", "unsettled", "because"] {
        assert!(f.get(k).is_some(), "{k}");
    }
    let pid = d["publication_id"].as_str().unwrap();
    assert!(ws.file(&format!("answers/photo/{pid}.toml")).exists());
    assert!(ws.read("publications.csv").contains(pid));
    assert!(std::path::Path::new(d["file"].as_str().unwrap()).exists());
}

#[test]
fn dry_run_writes_nothing_and_gdpr_allows() {
    let ws = setup("gdpr");
    add(&ws, "elev-0042", "guardian", "2016");
    ws.write("a.toml", &answers(10, true));
    let pubs = ws.bytes("publications.csv");
    let d = ws
        .run(&["photo", "--answers", "a.toml", "--json", "--dry-run"])
        .ok()
        .json();
    assert_eq!(d["decision"], "allowed");
    assert_eq!(d["outcomes"][0], "BASIS-CONSENT-OK");
    assert_eq!(pubs, ws.bytes("publications.csv"));
    assert!(
        !ws.file("answers/photo").exists()
            || std::fs::read_dir(ws.file("answers/photo")).unwrap().count() == 0
    );
    // A 14-year-old with only a guardian's consent: defective, and the age question unsettled.
    ws.write("b.toml", &answers(14, true));
    let d = ws
        .run(&["photo", "--answers", "b.toml", "--json", "--dry-run"])
        .ok()
        .json();
    assert_eq!(d["decision"], "not_allowed");
    assert_eq!(d["people"][0]["consent"], "missing");
    assert!(d["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == "CHILD-AGE-POLICY-UNSETTLED"));
}

#[test]
fn unknown_key_names_file_line_key_and_allowed() {
    let ws = setup("gdpr");
    ws.write(
        "a.toml",
        &answers(10, true).replace("age = 10", "alder = 10"),
    );
    let out = ws
        .run(&["--lang", "en", "photo", "--answers", "a.toml"])
        .code(2);
    for s in ["a.toml", "line 13", "alder", "protected_identity", "role"] {
        assert!(out.stderr.contains(s), "{s}: {}", out.stderr);
    }
    ws.write(
        "b.toml",
        &answers(10, true).replace("inform_activity", "reklam"),
    );
    ws.run(&["photo", "--answers", "b.toml"])
        .code(2)
        .stderr_has("marketing");
    ws.write("c.toml", &answers(10, true).replace(CH, "okänt-konto"));
    ws.run(&["photo", "--answers", "c.toml"])
        .code(2)
        .stderr_has("channel");
}

#[test]
fn no_terminal_no_answers_is_a_clear_error() {
    let ws = setup("gdpr");
    ws.run(&["photo"]).code(2).stderr_has("--answers");
}

/// B5: a picture that reveals Art. 9 data needs a consent registered as explicit for that
/// context (`consent add --explicit-art9`); an ordinary consent is refused by name.
#[test]
fn b5_only_a_consent_registered_as_explicit_covers_a_sensitive_picture() {
    let ws = setup("gdpr");
    let ordinary = add(&ws, "elev-0042", "guardian", "2016");
    let sensitive =
        answers(10, true).replace("reveals_sensitive = false", "reveals_sensitive = true");
    ws.write("s.toml", &sensitive);
    let d = ws
        .run(&["photo", "--answers", "s.toml", "--json", "--dry-run"])
        .ok()
        .json();
    assert_eq!(d["decision"], "not_allowed");
    let codes: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"ART9-CONSENT-NOT-EXPLICIT"), "{codes:?}");
    // The guardian's explicit consent for the context.
    ws.run(&["consent", "withdraw", &ordinary]).ok();
    let mut args = crate::consent::add_args("elev-0042", "guardian", "2016");
    args.extend(["--explicit-art9", "bilder från elevhälsans hälsovecka"]);
    let id = ws.run(&args).ok().json()["consent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let d = ws
        .run(&["photo", "--answers", "s.toml", "--json"])
        .ok()
        .json();
    assert_eq!(d["law"]["basis"], "explicit_consent", "{d}");
    assert_eq!(d["decision"], "allowed", "{d}");
    assert_eq!(d["people"][0]["consent_ids"][0], id.as_str());
    // The receipt names the context.
    let receipt = ws.file(&format!("output/consent-{id}.pdf"));
    let text = crate::test::tool("pdftotext", &[receipt.to_str().unwrap(), "-"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("hälsovecka"), "{text}");
}

/// Issue 10 items 6 and 10: a local rule is named by its words, not its id, and no finding
/// text tells the principal to run a command.
#[test]
fn finding_texts_carry_no_rule_ids_and_no_commands() {
    let ws = setup("sollentuna");
    add(&ws, "elev-0042", "guardian", "2016");
    ws.write("a.toml", &answers(10, true));
    let d = ws
        .run(&["photo", "--answers", "a.toml", "--json", "--dry-run"])
        .ok()
        .json();
    assert_eq!(d["policy"]["rules"][0], "no-identifiable-under-13");
    for f in d["findings"].as_array().unwrap() {
        let text = f["text"].as_str().unwrap();
        assert!(!text.contains("no-identifiable"), "{text}");
        assert!(!text.contains("dataskydd "), "{text}");
    }
    ws.write("b.toml", &answers(16, false));
    let d = ws
        .run(&["photo", "--answers", "b.toml", "--json", "--dry-run"])
        .ok()
        .json();
    for c in d["conditions"].as_array().unwrap() {
        assert!(!c.to_string().contains("dataskydd "), "{c}");
    }
}
