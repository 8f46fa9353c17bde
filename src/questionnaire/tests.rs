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

/// A complete set of account answers with one tool, as a saved answers file gives them.
fn with_one_tool() -> serde_json::Value {
    json!({
        "account": {"platform": "facebook_page", "owner_unit": "KS", "shared": false, "operated_by": "own_staff"},
        "features": {"comments": false, "direct_messages": false, "insights": false, "paid_targeting": false, "audience_children": false},
        "data": {"sensitive_expected": false, "confidential_expected": false},
        "tools": [{"name": "Hootsuite", "purpose": "scheduling", "on_our_instructions": true, "dpa": true, "country": "US", "transfer_mechanism": "dpf", "stores_messages": false}],
        "provider": {"parent_country": ""}
    })
}

#[test]
fn review_of_a_list_keeps_its_entries_and_edits_them_one_by_one() {
    let q = q();
    let start = with_one_tool();
    // The review lists the answers; find the tools line's option number from a first run.
    let mut probe = Scripted::new(&["0"]);
    ask(&q, &mut probe, &start, None, &mut no_save).unwrap();
    let listing: Vec<&String> = probe.said.iter().filter(|s| s.starts_with("  ")).collect();
    let tools_line = listing
        .iter()
        .position(|l| l.contains("Hootsuite"))
        .expect("the review shows the tool by name")
        + 1;
    // Change the tools: entry 1 → change → rename, keep every other answer (defaults are the
    // current values); then add a second tool; then done; accept the review.
    let mut p = Scripted::new(&[
        tools_line.to_string().as_str(),
        "0", // entry 1
        "0", // Ändra
        "Hootsuite Pro",
        "",
        "",
        "",
        "",
        "",
        "",  // purpose, instructions, dpa, country, mechanism, stores: unchanged
        "1", // + Lägg till en ny (after the one entry)
        "Canva",
        "other",
        "y",
        "y",
        "AU",
        "scc",
        "y",
        "n",
        "3", // ✓ Klar (two entries, then "+ Lägg till", then this)
        "0",
    ]);
    let mut saved = Vec::new();
    let mut save = |v: &serde_json::Value| {
        saved.push(v.clone());
        Ok(())
    };
    let answers = ask(&q, &mut p, &start, None, &mut save);
    let answers = answers.unwrap_or_else(|e| panic!("{e}: asked {:#?}", p.asked));
    assert!(p.answers.is_empty(), "left: {:?}", p.answers);
    let tools = answers["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 2, "{tools:?}");
    assert_eq!(tools[0]["name"], "Hootsuite Pro");
    assert_eq!(tools[0]["purpose"], "scheduling");
    assert_eq!(tools[0]["transfer_mechanism"], "dpf");
    assert_eq!(tools[1]["name"], "Canva");
    assert_eq!(tools[1]["tia"], true);
    assert!(saved
        .iter()
        .all(|v| !v["tools"].as_array().unwrap().is_empty()));

    // Remove: entry 2 → Ta bort; done; accept. Only that one goes.
    let mut p = Scripted::new(&[tools_line.to_string().as_str(), "1", "1", "2", "0"]);
    let after = ask(&q, &mut p, &answers, None, &mut no_save).unwrap();
    let tools = after["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 1);
    assert_eq!(tools[0]["name"], "Hootsuite Pro");
}

struct Lists;

impl ChoiceSource for Lists {
    fn choices(&self, source: &str) -> Option<Vec<Choice>> {
        (source == "units").then(|| {
            vec![
                Choice {
                    value: "Kommunstyrelsen".into(),
                    label: String::new(),
                },
                Choice {
                    value: "Kultur- och fritidsnämnden".into(),
                    label: String::new(),
                },
            ]
        })
    }
}

#[test]
fn dynamic_choices_become_a_pick_list_and_refuse_an_empty_list() {
    let def = r#"
id = "t"
version = "1"
title = { sv = "T", en = "T" }
[[questions]]
key = "unit"
kind = "text"
choices_from = "units"
prompt = { sv = "Nämnd?", en = "Unit?" }
[[questions]]
key = "other"
kind = "text"
choices_from = "none_known"
prompt = { sv = "Annat?", en = "Other?" }
"#;
    let q = Questionnaire::parse(def, "t.toml").unwrap();
    let mut p = Scripted::new(&["Kultur- och fritidsnämnden", "fritt", "0"]);
    let a = ask_with(&q, &mut p, &json!({}), None, &mut no_save, &Lists).unwrap();
    assert_eq!(a["unit"], "Kultur- och fritidsnämnden");
    // A list the caller does not have: asked as text.
    assert_eq!(a["other"], "fritt");
    // A value outside a closed list cannot be chosen.
    let mut p = Scripted::new(&["Socialnämnden"]);
    assert!(ask_with(&q, &mut p, &json!({}), None, &mut no_save, &Lists).is_err());

    struct Empty;
    impl ChoiceSource for Empty {
        fn choices(&self, _: &str) -> Option<Vec<Choice>> {
            Some(Vec::new())
        }
        fn empty(&self, _: &str) -> String {
            "lägg till en först".into()
        }
    }
    let mut p = Scripted::new(&["x"]);
    let e = ask_with(&q, &mut p, &json!({}), None, &mut no_save, &Empty)
        .unwrap_err()
        .to_string();
    assert!(e.contains("lägg till en först"), "{e}");
}

#[test]
fn a_multi_choice_that_needs_an_answer_refuses_an_empty_one() {
    let def = r#"
id = "t"
version = "1"
title = { sv = "T", en = "T" }
[[questions]]
key = "m"
kind = "multi"
choices = ["a", "b"]
prompt = { sv = "Vilka?", en = "Which?" }
"#;
    let q = Questionnaire::parse(def, "t.toml").unwrap();
    let mut p = Scripted::new(&[""]);
    assert!(ask(&q, &mut p, &json!({}), None, &mut no_save).is_err());
    let mut p = Scripted::new(&["b", "0"]);
    let a = ask(&q, &mut p, &json!({}), None, &mut no_save).unwrap();
    assert_eq!(a["m"], json!(["b"]));
}
