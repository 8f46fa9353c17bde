//! The engine, exercised with scripted answers: order, conditions, defaults, groups,
//! review and change, and that an interactive run equals the same answers from a file.

use serde_json::json;

use super::*;

fn q() -> Questionnaire {
    Questionnaire::load("account").unwrap()
}

fn no_save(_: &serde_json::Value) -> Result<()> {
    Ok(())
}

#[test]
fn built_in_questionnaires_parse() {
    for (id, _) in BUILT_IN {
        Questionnaire::load(id).unwrap_or_else(|e| panic!("{id}: {e}"));
    }
}

#[test]
fn interactive_run_asks_only_what_applies_and_equals_the_file() {
    let q = q();
    // platform, owner, shared, operated_by, comments, can_remove (default from platform),
    // direct_messages, insights, paid_targeting, audience_children, sensitive, confidential,
    // moderation_routine, add a tool? (y) name, purpose, instructions, dpa, country,
    // mechanism, stores_messages, add another? (n), provider country (empty), review: accept.
    let mut p = Scripted::new(&[
        "x",
        "Kommunstyrelsen",
        "",
        "n",
        "own_staff",
        "y",
        "",
        "n",
        "y",
        "n",
        "n",
        "n",
        "n",
        "y",
        "y",
        "Hootsuite",
        "scheduling",
        "y",
        "y",
        "US",
        "dpf",
        "n",
        "n",
        "",
        "0",
    ]);
    let answers = ask(&q, &mut p, &json!({}), None, &mut no_save).unwrap();
    assert!(p.answers.is_empty(), "left: {:?}", p.answers);
    // Contractor questions were not asked; can_remove_comments defaulted to false for x.
    assert!(!p.asked.iter().any(|a| a.contains("ntreprenörens namn")));
    assert_eq!(answers["features"]["can_remove_comments"], false);
    assert_eq!(answers["tools"][0]["name"], "Hootsuite");
    let text = q.to_toml(&answers);
    let from_file = q
        .validate(&text, std::path::Path::new("saved.toml"))
        .unwrap();
    assert_eq!(from_file["features"], answers["features"]);
    assert_eq!(from_file["tools"], answers["tools"]);
    assert_eq!(from_file["account"]["platform"], "x");
}

#[test]
fn review_can_change_an_answer_and_asks_what_the_change_opens() {
    let q = q();
    let start = json!({
        "account": {"platform": "facebook_page", "owner_unit": "KS", "task_basis": "", "shared": false, "operated_by": "own_staff"},
        "features": {"comments": false, "direct_messages": false, "insights": false, "paid_targeting": false, "audience_children": false},
        "data": {"sensitive_expected": false, "confidential_expected": false},
        "tools": [],
        "provider": {"parent_country": ""}
    });
    // Review: pick "Change: operated_by" (the 5th listed answer → option 5), choose contractor,
    // then the contractor's name, decides, agreement are asked; then accept.
    let mut p = Scripted::new(&["5", "contractor", "Fryshuset", "both", "none", "0"]);
    let answers = ask(&q, &mut p, &start, None, &mut no_save).unwrap();
    assert_eq!(answers["account"]["operated_by"], "contractor");
    assert_eq!(answers["contractor"]["name"], "Fryshuset");
    assert_eq!(answers["contractor"]["decides"], "both");
}

#[test]
fn resume_skips_what_is_answered_and_saves_after_each_answer() {
    let q = q();
    let start = json!({"account": {"platform": "x", "owner_unit": "KS", "task_basis": "", "shared": false, "operated_by": "own_staff"}});
    let mut saves = 0;
    let mut save = |_: &serde_json::Value| {
        saves += 1;
        Ok(())
    };
    let mut p = Scripted::new(&["n", "n", "n", "n", "n", "n", "n", "", "", "0"]);
    let answers = ask(&q, &mut p, &start, None, &mut save).unwrap();
    assert!(
        !p.asked.iter().any(|a| a.contains("Vilken plattform")),
        "{:?}",
        p.asked
    );
    assert_eq!(answers["features"]["comments"], false);
    assert!(saves >= 8);
}

#[test]
fn status_line_is_shown_after_answers() {
    let q = q();
    let start = json!({"account": {"platform": "x", "owner_unit": "KS", "task_basis": "", "shared": false, "operated_by": "own_staff"}});
    let mut p = Scripted::new(&["n", "n", "n", "n", "n", "n", "n", "", "", "0"]);
    let status = |_: &serde_json::Value| Some("61 timmar kvar".to_string());
    ask(&q, &mut p, &start, Some(&status), &mut no_save).unwrap();
    assert!(p.said.iter().any(|s| s == "61 timmar kvar"));
}

#[test]
fn questionnaire_definition_errors_are_caught() {
    let bad = r#"
id = "t"
version = "1"
title = { sv = "T", en = "T" }
[[questions]]
key = "a"
kind = "choice"
prompt = { sv = "A", en = "A" }
"#;
    let e = Questionnaire::parse(bad, "t.toml").unwrap_err().to_string();
    assert!(e.contains("choices"), "{e}");
}

#[test]
fn datetime_needs_an_offset_and_dates_their_form() {
    let def = r#"
id = "t"
version = "1"
title = { sv = "T", en = "T" }
[[questions]]
key = "at"
kind = "datetime"
prompt = { sv = "A", en = "A" }
[[questions]]
key = "on"
kind = "date"
prompt = { sv = "B", en = "B" }
"#;
    let q = Questionnaire::parse(def, "t.toml").unwrap();
    let p = std::path::Path::new("a.toml");
    let ok = q
        .validate("at = 2026-11-20T09:30:00+01:00\non = 2026-11-23\n", p)
        .unwrap();
    assert_eq!(ok["at"], "2026-11-20T09:30:00+01:00");
    assert_eq!(ok["on"], "2026-11-23");
    // Local Swedish time is read in Europe/Stockholm (C1); a DST-ambiguous hour is refused.
    let ok = q
        .validate("at = 2026-11-20T09:30:00\non = 2026-11-23\n", p)
        .unwrap();
    assert_eq!(ok["at"], "2026-11-20T09:30:00+01:00");
    let ok = q
        .validate("at = \"2026-07-01 09:30\"\non = 2026-11-23\n", p)
        .unwrap();
    assert_eq!(ok["at"], "2026-07-01T09:30:00+02:00");
    let e = q
        .validate("at = \"2026-10-25 02:30\"\non = 2026-11-23\n", p)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("rad 1") && e.contains("'at'") && e.contains("+02:00") && e.contains("+01:00"),
        "{e}"
    );
    let e = q
        .validate("at = 2026-11-20T09:30:00Z\non = \"23/11/2026\"\n", p)
        .unwrap_err()
        .to_string();
    assert!(e.contains("rad 2") && e.contains("'on'"), "{e}");
}
