//! The three answers files of CONTRACT.md, verbatim, run through the real binary: every field
//! the contract names, with the values DOMAIN.md part 1 prescribes for those answers.

use serde_json::Value;

use crate::test::*;

/// CONTRACT.md, "assess — account assessment", verbatim.
pub const ASSESS: &str = r#"[account]
platform = "facebook_page"    # facebook_page | instagram | linkedin_page | x | youtube | tiktok | snapchat | blog | other
owner_unit = "Kommunstyrelsen" # committee or company board that decides about the account; "" = unknown
shared = false                 # several units post on or decide about the account
shared_governance = "none"     # designated_one | joint_arrangement | none  (only when shared)
operated_by = "own_staff"      # own_staff | contractor

[contractor]                   # only when operated_by = "contractor"
name = "Fryshuset"
decides = "municipality"       # municipality | contractor | both  (purposes, content policy, audience, retention)
agreement = "none"             # dpa | joint_arrangement | service_contract | none

[features]
comments = true
can_remove_comments = true     # default from the platform (false for x)
direct_messages = true
insights = true                # platform statistics about visitors (Page Insights and the like)
paid_targeting = false         # boosted posts or ads with audience selection
audience_children = false

[data]
sensitive_expected = false     # Art. 9 data likely to arrive (health, religion, ...)
confidential_expected = false  # OSL-protected information likely to arrive (social services, pupils' matters)
moderation_routine = true      # a documented supervision routine exists (1998:112 § 4)

[[tools]]                      # every third-party tool or service that touches the account's data
name = "Hootsuite"
purpose = "scheduling"         # scheduling | archiving | monitoring | inbox | analytics | agency | storage | other
on_our_instructions = true     # processes personal data only on our instructions
dpa = true                     # a signed Art. 28 agreement
country = "US"                 # ISO 3166 alpha-2 country of the vendor's parent
transfer_mechanism = "dpf"     # none_needed | dpf | scc | none
stores_messages = false        # stores direct messages or comments

[provider]                     # optional: overrides the built-in platform table
parent_country = "US"
dpf = "yes"                    # yes | no | unknown
"#;

/// CONTRACT.md, "photo — may this picture be published?", verbatim.
pub const PHOTO: &str = r#"channel = "sollentuna-skola-ig"  # account id in accounts.csv
purpose = "inform_activity"      # inform_activity | event | marketing | recruitment | documentation
published_on = 2026-11-23
identifiable = true              # can anyone in it be identified (face, name, voice, context)?
in_focus = true                  # are individuals the point of the picture (false: crowd, background)?
reveals_sensitive = false        # Art. 9 data can be read from the picture or its context
reveals_confidential = false     # reveals OSL-protected facts (e.g. a pupil receives special support)
attendees_informed = false       # crowd pictures: people were told about photography beforehand

[[people]]                       # everyone identifiable in the picture
ref = "elev-0042"                # subject reference in consents.csv (pseudonym or name)
role = "pupil"                   # pupil | child | staff | official | public  (official: staff or elected in their official role)
age = 10
protected_identity = false
"#;

/// CONTRACT.md, "breach — is this removed post a personal data breach?", verbatim.
pub const BREACH: &str = r#"account = "nykoping-fb"
what = "own_post_error"   # own_post_error | own_post_deliberate | third_party_comment | direct_message | account_takeover | tool_incident | content_lost
from_us = true            # for third_party_comment: the data came from our staff or systems
categories = ["simple"]   # simple | behavioural | identity_number | financial | confidential | sensitive | criminal | protected_identity
subjects = 1              # number of people concerned
vulnerable = false        # children, people with protected identity, people in care
identifiability = "maximum"  # negligible | limited | significant | maximum
exposure = "public"       # public | restricted_group | known_recipients | none
integrity = "none"        # none | recoverable | unrecoverable
availability = "none"     # none | temporary | permanent
malicious = false
unintelligible = false    # the data could not be read by others (Art. 34(3)(a))
published_at = 2026-11-20T08:00:00+01:00
aware_at = 2026-11-20T09:30:00+01:00
removed_at = 2026-11-20T09:45:00+01:00
assessed_at = 2026-11-20T10:00:00+01:00   # default: now
archived_before_removal = true
"#;

/// A workspace with the accounts the examples name and a guardian's consent for elev-0042.
fn setup(preset: &str) -> (Workspace, String) {
    let ws = Workspace::with_preset(preset);
    ws.run(&[
        "account",
        "add",
        "nykoping-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    ws.run(&[
        "account",
        "add",
        "sollentuna-skola-ig",
        "--platform",
        "instagram",
        "--owner",
        "Barn- och utbildningsnämnden",
    ])
    .ok();
    let id = ws
        .run(&[
            "consent",
            "add",
            "--subject",
            "elev-0042",
            "--role",
            "pupil",
            "--birth-year",
            "2016",
            "--given-by",
            "guardian",
            "--giver",
            "Anna Andersson",
            "--purpose",
            "inform_activity",
            "--channel",
            "sollentuna-skola-ig",
            "--media",
            "photo",
            "--valid-from",
            "2026-08-01",
            "--valid-until",
            "2027-06-30",
            "--evidence",
            "Dnr BUN 2026/118",
            "--json",
        ])
        .ok()
        .json()["consent_id"]
        .as_str()
        .unwrap()
        .to_string();
    (ws, id)
}

fn codes(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

/// Every finding has the contract's five fields, at least one source, and `outcomes` lists
/// the findings' codes in order.
fn assert_findings(d: &Value) {
    let findings = d["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["code"].is_string() && f["text"].is_string(), "{f}");
        assert!(f["unsettled"].is_boolean(), "{f}");
        assert!(f["because"].is_array(), "{f}");
        let sources = f["sources"].as_array().expect("sources");
        assert!(!sources.is_empty(), "a finding without a source: {f}");
    }
    let from_findings: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes(&d["outcomes"]), from_findings);
}

#[test]
fn assess_example() {
    let (ws, _) = setup("gdpr");
    ws.write("assess.toml", ASSESS);
    let out = ws
        .run(&[
            "assess",
            "nykoping-fb",
            "--answers",
            "assess.toml",
            "--json",
        ])
        .ok();
    let d = out.json();
    assert_eq!(d["kind"], "account_assessment");
    assert_eq!(d["account"], "nykoping-fb");
    // DOMAIN A: owner_unit set → CTRL-SINGLE; insights on a Facebook page → joint with the
    // platform under Meta's addendum; comments that can be removed → full; own staff → no
    // contractor role; a processor with a DPA in the US under the DPF; a US parent with DMs on
    // → medium exposure and DM-CHANNEL-RISK.
    assert_eq!(d["controller"], "Kommunstyrelsen");
    assert_eq!(d["joint_with_platform"], true);
    assert_eq!(d["third_party_content"], "full");
    assert_eq!(d["contractor_role"], Value::Null);
    let tool = &d["tools"][0];
    assert_eq!(tool["name"], "Hootsuite");
    assert_eq!(tool["role"], "processor");
    assert_eq!(tool["dpa_required"], true);
    assert_eq!(codes(&tool["outcomes"]), ["DPA-OK", "TRANSFER-DPF"]);
    assert_eq!(d["exposure"], "medium");
    let outcomes = codes(&d["outcomes"]);
    for c in [
        "CTRL-SINGLE",
        "JOINT-PLATFORM-ARRANGEMENT",
        "COMMENTS-RESPONSIBLE",
        "DPA-OK",
        "TRANSFER-DPF",
        "DM-CHANNEL-RISK",
    ] {
        assert!(outcomes.contains(&c), "{c} missing from {outcomes:?}");
    }
    assert_eq!(outcomes[0], "CTRL-SINGLE");
    for c in [
        "CTRL-UNCLEAR",
        "JOINT-INTERNAL",
        "BBS-MODERATION-GAP",
        "DPA-MISSING",
        "OSL-ROJANDE-RISK",
        "COMMENTS-LIMITED",
    ] {
        assert!(!outcomes.contains(&c), "{c} in {outcomes:?}");
    }
    let joint = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "JOINT-PLATFORM-ARRANGEMENT")
        .unwrap();
    assert!(codes(&joint["sources"]).contains(&"CJEU C-210/16"));
    assert_eq!(joint["unsettled"], false); // Facebook's addendum is verified
    for a in d["actions"].as_array().unwrap() {
        assert!(a["code"].is_string() && a["text"].is_string(), "{a}");
        assert!(a["level"] == "must" || a["level"] == "should", "{a}");
    }
    assert!(d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["code"] == "TRANSFER-DPF" && a["level"] == "should"));
    assert_findings(&d);
    assert_eq!(ws.read("answers/assess/nykoping-fb.toml"), ASSESS);
}

#[test]
fn photo_example() {
    // Sollentuna: the law allows (a guardian's valid consent for a 10-year-old), the local
    // policy does not (no identifiable child under 13): the stricter decides.
    let (ws, id) = setup("sollentuna");
    ws.write("photo.toml", PHOTO);
    let d = ws
        .run(&["photo", "--answers", "photo.toml", "--json"])
        .ok()
        .json();
    assert_eq!(d["kind"], "photo_decision");
    assert_eq!(d["decision"], "not_allowed");
    assert_eq!(d["law"]["decision"], "allowed");
    assert_eq!(d["law"]["basis"], "consent");
    assert_eq!(d["policy"]["preset"], "sollentuna");
    assert_eq!(d["policy"]["decision"], "not_allowed");
    assert!(codes(&d["policy"]["rules"]).contains(&"no-identifiable-under-13"));
    assert_eq!(d["people"][0]["ref"], "elev-0042");
    assert_eq!(d["people"][0]["consent"], "valid");
    assert_eq!(codes(&d["people"][0]["consent_ids"]), [id.as_str()]);
    assert!(d["conditions"].is_array());
    assert!(codes(&d["outcomes"]).contains(&"BASIS-CONSENT-OK"));
    assert_findings(&d);

    // The legal baseline alone (gdpr): allowed.
    let (ws, _) = setup("gdpr");
    ws.write("photo.toml", PHOTO);
    let d = ws
        .run(&["photo", "--answers", "photo.toml", "--json"])
        .ok()
        .json();
    assert_eq!(d["decision"], "allowed");
    assert_eq!(d["policy"]["decision"], "allowed");
    assert_eq!(codes(&d["outcomes"])[0], "BASIS-CONSENT-OK");
}

#[test]
fn breach_example() {
    let (ws, _) = setup("gdpr");
    ws.write("breach.toml", BREACH);
    let d = ws
        .run(&["breach", "--answers", "breach.toml", "--json"])
        .ok()
        .json();
    assert_eq!(d["kind"], "breach_evaluation");
    // DOMAIN C: own_post_error → yes. DPC simple 1 (not vulnerable); EI maximum 1.0;
    // CB public 0.5; SE = 1 × 1.0 + 0.5 = 1.5 → low → document only, nobody notified.
    assert_eq!(d["breach"], "yes");
    let s = &d["severity"];
    assert_eq!(s["dpc"], 1);
    assert_eq!(s["ei"], 1.0);
    assert_eq!(s["cb"], 0.5);
    assert_eq!(s["score"], 1.5);
    assert_eq!(s["level"], "low");
    assert_eq!(d["notify_imy"], false);
    assert_eq!(d["notify_subjects"], false);
    assert_eq!(d["imy_deadline"], Value::Null);
    assert_eq!(d["dpo_decision_required"], false);
    assert_eq!(codes(&d["outcomes"]), ["BREACH-DOCUMENT-ONLY"]);
    assert_findings(&d);
    assert!(ws.read("breaches.csv").contains("nykoping-fb"));

    // The same post with sensitive data about a vulnerable person: DPC 4 (max), SE 4.5,
    // very_high → IMY and the people told; the deadline is aware_at + 72 h.
    ws.write(
        "b2.toml",
        &BREACH
            .replace(r#"["simple"]"#, r#"["sensitive"]"#)
            .replace("vulnerable = false", "vulnerable = true"),
    );
    let d = ws
        .run(&["breach", "--answers", "b2.toml", "--json", "--dry-run"])
        .ok()
        .json();
    let s = &d["severity"];
    assert_eq!(
        (&s["dpc"], &s["ei"], &s["cb"], &s["score"], &s["level"]),
        (
            &Value::from(4),
            &Value::from(1.0),
            &Value::from(0.5),
            &Value::from(4.5),
            &Value::from("very_high")
        )
    );
    assert_eq!(d["notify_imy"], true);
    assert_eq!(d["notify_subjects"], true);
    assert_eq!(d["imy_deadline"], "2026-11-23T09:30:00+01:00");
    assert_eq!(codes(&d["outcomes"]), ["BREACH-NOTIFY-IMY-AND-SUBJECTS"]);

    // A stranger's comment: no breach, severity null.
    ws.write(
        "b3.toml",
        &BREACH
            .replace(
                r#"what = "own_post_error""#,
                r#"what = "third_party_comment""#,
            )
            .replace("from_us = true", "from_us = false"),
    );
    let d = ws
        .run(&["breach", "--answers", "b3.toml", "--json", "--dry-run"])
        .ok()
        .json();
    assert_eq!(d["breach"], "no");
    assert_eq!(d["severity"], Value::Null);
    assert_eq!(d["imy_deadline"], Value::Null);
    assert_eq!(codes(&d["outcomes"]), ["NO-BREACH-DOCUMENT"]);
}

#[test]
fn consent_json_shapes_and_takedown() {
    let (ws, id) = setup("gdpr");
    ws.write("photo.toml", PHOTO);
    let p = ws
        .run(&["photo", "--answers", "photo.toml", "--json"])
        .ok()
        .json();
    let check = |on: &str| {
        ws.run(&[
            "consent",
            "check",
            "--subject",
            "elev-0042",
            "--purpose",
            "inform_activity",
            "--channel",
            "sollentuna-skola-ig",
            "--on",
            on,
            "--json",
        ])
    };
    let c = check("2026-11-23").ok().json();
    assert_eq!(c["subject"], "elev-0042");
    assert_eq!(c["status"], "valid");
    assert_eq!(codes(&c["consent_ids"]), [id.as_str()]);
    let w = ws
        .run(&[
            "consent",
            "withdraw",
            &id,
            "--at",
            "2026-11-25T10:00:00+01:00",
            "--via",
            "e-post",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(w["consent_id"], id.as_str());
    assert_eq!(w["withdrawn_at"], "2026-11-25T10:00:00+01:00");
    let t = &w["takedown"][0];
    assert_eq!(t["publication_id"], p["publication_id"]);
    assert_eq!(t["channel"], "sollentuna-skola-ig");
    assert_eq!(t["published_on"], "2026-11-23");
    assert_eq!(t["file"], p["file"]);
    // No valid consent any more: exit 1, still one JSON object.
    let c = check("2026-11-26").code(1).json();
    assert_eq!(c["status"], "withdrawn");
}

/// SPEC: registers and keys readable by their owner only, no personal data in file names.
#[cfg(unix)]
#[test]
fn files_are_private_and_named_without_personal_data() {
    use std::os::unix::fs::PermissionsExt;
    let (ws, _) = setup("gdpr");
    ws.write("assess.toml", ASSESS);
    ws.write("photo.toml", &PHOTO.replace("elev-0042", "Lisa Svensson"));
    ws.write("breach.toml", BREACH);
    for args in [
        vec!["assess", "nykoping-fb", "--answers", "assess.toml"],
        vec!["photo", "--answers", "photo.toml"],
        vec!["breach", "--answers", "breach.toml"],
        vec!["consent", "extract", "--subject", "Lisa Svensson"],
    ] {
        ws.run(&args).ok();
    }
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            out.push(p.clone());
            if p.is_dir() {
                walk(&p, out);
            }
        }
    }
    let mut all = vec![];
    walk(ws.path(), &mut all);
    for p in all {
        let rel = p
            .strip_prefix(ws.path())
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert!(
            !rel.contains("Lisa") && !rel.contains("Svensson") && !rel.contains("Andersson"),
            "personal data in a file name: {rel}"
        );
        if ["assess.toml", "photo.toml", "breach.toml"].contains(&rel.as_str()) {
            continue; // the test's own files
        }
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{rel} is open to others: {mode:o}");
    }
}

/// SPEC: every command has `--help` with an example (walks every command and subcommand).
#[test]
fn every_command_has_help_with_an_example() {
    let ws = Workspace::empty();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = ws.run(&args).ok();
        if !path.is_empty() {
            assert!(
                out.stdout.contains("Exempel") && out.stdout.contains("dataskydd "),
                "`dataskydd {} --help` has no example:\n{}",
                path.join(" "),
                out.stdout
            );
        }
        seen += 1;
        let mut in_commands = false;
        for line in out.stdout.lines() {
            if line.starts_with("Commands:") {
                in_commands = true;
                continue;
            }
            if in_commands {
                if !line.starts_with("  ") {
                    in_commands = false;
                    continue;
                }
                let name = line.split_whitespace().next().unwrap_or("");
                if line.starts_with("  ") && !line.starts_with("   ") && name != "help" {
                    let mut sub = path.clone();
                    sub.push(name.to_string());
                    todo.push(sub);
                }
            }
        }
    }
    assert!(seen > 20, "only {seen} commands found");
}
