//! `breach`, `breach list` and `breach update` through the real binary.

use crate::test::*;

/// The contract's example, with a child with protected identity (very high).
pub const CHILD: &str = r#"account = "sollentuna-skola-ig"
what = "own_post_error"
categories = ["simple", "protected_identity"]
subjects = 1
vulnerable = true
identifiability = "maximum"
exposure = "public"
integrity = "none"
availability = "none"
malicious = false
unintelligible = false
published_at = 2026-11-20T08:00:00+01:00
aware_at = 2026-11-20T09:30:00+01:00
removed_at = 2026-11-20T09:45:00+01:00
archived_before_removal = true
"#;

/// A visitor's comment naming someone's illness.
pub const COMMENT: &str = r#"account = "nykoping-fb"
what = "third_party_comment"
from_us = false
categories = ["sensitive"]
subjects = 1
vulnerable = false
identifiability = "maximum"
exposure = "public"
integrity = "none"
availability = "none"
malicious = false
unintelligible = false
published_at = 2026-11-19T20:00:00+01:00
aware_at = 2026-11-20T08:00:00+01:00
removed_at = 2026-11-20T08:10:00+01:00
archived_before_removal = false
"#;

fn ws() -> Workspace {
    let ws = Workspace::new();
    for (id, platform) in [
        ("sollentuna-skola-ig", "instagram"),
        ("nykoping-fb", "facebook_page"),
    ] {
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
    }
    ws
}

fn chain_ok(ws: &Workspace) -> usize {
    let bytes = ws.bytes("breaches.csv");
    dataskydd::ledger::verify_chain(&bytes, &ws.file("breaches.csv"))
        .unwrap()
        .rows
}

#[test]
fn answers_json_gives_the_contract_shape_a_record_and_a_log_row() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let out = ws
        .run(&["breach", "--answers", "incident.toml", "--json"])
        .ok();
    let v = out.json();
    assert_eq!(v["kind"], "breach_evaluation");
    assert_eq!(v["breach"], "yes");
    assert_eq!(v["severity"]["dpc"], 4);
    assert_eq!(v["severity"]["ei"], 1.0);
    assert_eq!(v["severity"]["cb"], 0.5);
    assert_eq!(v["severity"]["score"], 4.5);
    assert_eq!(v["severity"]["level"], "very_high");
    assert_eq!(v["notify_imy"], true);
    assert_eq!(v["notify_subjects"], true);
    assert_eq!(v["imy_deadline"], "2026-11-23T09:30:00+01:00");
    assert_eq!(v["dpo_decision_required"], false);
    assert_eq!(
        v["outcomes"],
        serde_json::json!(["BREACH-NOTIFY-IMY-AND-SUBJECTS"])
    );
    assert_eq!(v["findings"][0]["code"], "BREACH-NOTIFY-IMY-AND-SUBJECTS");
    assert_eq!(v["id"], "b-2026-0001");
    assert_eq!(v["assessed_at"], NOW);
    let record = v["record"].as_str().unwrap();
    assert!(record.ends_with("output/b-2026-0001.pdf"), "{record}");
    assert!(std::path::Path::new(record).exists());
    // The answers are saved with the defaulted assessed_at fixed.
    let saved = ws.read("answers/breach/b-2026-0001.toml");
    assert!(saved.starts_with(CHILD));
    assert!(saved.contains(&format!("assessed_at = {NOW}")));
    // One log row, chained.
    assert_eq!(chain_ok(&ws), 1);
    let log = ws.read("breaches.csv");
    assert!(log
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("b-2026-0001,evaluation,"));
    // The next evaluation gets the next id.
    let v = ws
        .run(&["breach", "--answers", "incident.toml", "--json"])
        .ok()
        .json();
    assert_eq!(v["id"], "b-2026-0002");
    assert_eq!(chain_ok(&ws), 2);
}

#[test]
fn saved_answers_rerun_to_the_same_result() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let first = ws
        .run(&[
            "breach",
            "--answers",
            "incident.toml",
            "--json",
            "--dry-run",
        ])
        .ok()
        .json();
    ws.run(&["breach", "--answers", "incident.toml"]).ok();
    let again = ws
        .cmd(&[
            "breach",
            "--answers",
            "answers/breach/b-2026-0001.toml",
            "--json",
            "--dry-run",
        ])
        .env("DATASKYDD_NOW", "2027-01-01T00:00:00+01:00")
        .run()
        .ok()
        .json();
    assert_eq!(first["findings"], again["findings"]);
    assert_eq!(first["imy_deadline"], again["imy_deadline"]);
}

#[test]
fn the_record_holds_what_imy_asks_for() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let out = ws.run(&["breach", "--answers", "incident.toml"]).ok();
    let path = out.stdout.lines().last().unwrap().trim().to_string();
    let text = pdf_text(&path);
    for s in [
        "Bedömning av personuppgiftsincident",
        "BREACH-NOTIFY-IMY-AND-SUBJECTS",
        "23 november 2026 kl. 09.30",
        "beslutsstöd, inte ett rättsligt test",
        "Incidentens art",
        "Dataskyddsombud",
        "Sannolika följder",
        "Vidtagna eller föreslagna åtgärder",
        "DPC",
        "GDPR art. 34(1)",
    ] {
        assert!(text.contains(s), "record lacks {s:?}");
    }
    let out = ws
        .run(&["--lang", "en", "breach", "--answers", "incident.toml"])
        .ok();
    let path = out.stdout.lines().last().unwrap().trim().to_string();
    let text = pdf_text(&path);
    assert!(text.contains("Personal data breach evaluation"));
    assert!(text.contains("decision support, not a legal test"));
}

/// The record's text: pdftotext on a real PDF, the bytes while the PDF is provisional.
fn pdf_text(path: &str) -> String {
    let bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(b"%PDF") {
        let out = tool("pdftotext", &[path, "-"]);
        String::from_utf8_lossy(&out.stdout).replace('\n', " ")
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[test]
fn dry_run_writes_nothing() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let before = ws.bytes("breaches.csv");
    let v = ws
        .run(&[
            "breach",
            "--answers",
            "incident.toml",
            "--dry-run",
            "--json",
        ])
        .ok()
        .json();
    assert!(v["record"].is_null());
    assert_eq!(ws.bytes("breaches.csv"), before);
    assert!(!ws.file("answers/breach/b-2026-0001.toml").exists());
    assert!(!ws.file("output/b-2026-0001.pdf").exists());
}

#[test]
fn out_dir_is_honoured() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let v = ws
        .run(&[
            "breach",
            "--answers",
            "incident.toml",
            "--out",
            "elsewhere",
            "--json",
        ])
        .ok()
        .json();
    assert!(v["record"].as_str().unwrap().contains("elsewhere"));
    assert!(ws.file("elsewhere/b-2026-0001.pdf").exists());
}

#[test]
fn third_party_comment_is_logged_as_no_breach_with_the_dpo_flag() {
    let ws = ws();
    ws.write("comment.toml", COMMENT);
    let v = ws
        .run(&["breach", "--answers", "comment.toml", "--json"])
        .ok()
        .json();
    assert_eq!(v["breach"], "no");
    assert!(v["severity"].is_null());
    assert_eq!(v["notify_imy"], false);
    assert!(v["imy_deadline"].is_null());
    assert_eq!(v["dpo_decision_required"], true);
    assert_eq!(
        v["outcomes"],
        serde_json::json!([
            "NO-BREACH-DOCUMENT",
            "DPO-DECISION-UNSETTLED",
            "ARCHIVE-BEFORE-DELETE-MISSING"
        ])
    );
    assert_eq!(chain_ok(&ws), 1);
}

#[test]
fn deadlines_across_summer_time_changes() {
    let ws = ws();
    let autumn = CHILD
        .replace(
            "aware_at = 2026-11-20T09:30:00+01:00",
            "aware_at = 2026-10-23T10:00:00+02:00",
        )
        .replace(
            "published_at = 2026-11-20T08:00:00+01:00",
            "published_at = 2026-10-23T08:00:00+02:00",
        )
        .replace(
            "removed_at = 2026-11-20T09:45:00+01:00",
            "removed_at = 2026-10-23T10:15:00+02:00",
        );
    ws.write("autumn.toml", &autumn);
    let v = ws
        .cmd(&["breach", "--answers", "autumn.toml", "--json", "--dry-run"])
        .env("DATASKYDD_NOW", "2026-10-23T11:00:00+02:00")
        .run()
        .ok()
        .json();
    assert_eq!(v["imy_deadline"], "2026-10-26T09:00:00+01:00");
    let spring = autumn
        .replace("2026-10-23T10:00:00+02:00", "2026-03-27T10:00:00+01:00")
        .replace("2026-10-23T08:00:00+02:00", "2026-03-27T08:00:00+01:00")
        .replace("2026-10-23T10:15:00+02:00", "2026-03-27T10:15:00+01:00");
    ws.write("spring.toml", &spring);
    let v = ws
        .cmd(&["breach", "--answers", "spring.toml", "--json", "--dry-run"])
        .env("DATASKYDD_NOW", "2026-03-27T11:00:00+01:00")
        .run()
        .ok()
        .json();
    assert_eq!(v["imy_deadline"], "2026-03-30T11:00:00+02:00");
}

#[test]
fn late_evaluation_requires_reasons() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let v = ws
        .cmd(&["breach", "--answers", "incident.toml", "--json"])
        .env("DATASKYDD_NOW", "2026-11-24T10:00:00+01:00")
        .run()
        .ok()
        .json();
    assert!(v["outcomes"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("LATE-NOTIFICATION-REASONS-REQUIRED")));
    assert_eq!(v["late"], true);
    assert_eq!(v["hours_left"], -25);
}

#[test]
fn no_terminal_and_no_answers_is_a_clear_usage_error() {
    let ws = ws();
    let before = ws.bytes("breaches.csv");
    ws.cmd(&["breach"])
        .stdin("")
        .run()
        .code(2)
        .stderr_has("--answers");
    assert_eq!(ws.bytes("breaches.csv"), before);
}

/// Bad input: exit 2, the message names the file, line and field; the log is unchanged.
fn refused(ws: &Workspace, text: &str, want: &[&str]) {
    ws.write("bad.toml", text);
    let before = ws.bytes("breaches.csv");
    let mut out = ws.run(&["breach", "--answers", "bad.toml"]).code(2);
    out = out.stderr_has("bad.toml");
    for w in want {
        out = out.stderr_has(w);
    }
    assert_eq!(ws.bytes("breaches.csv"), before, "breaches.csv changed");
    assert!(!ws.file("output/b-2026-0001.pdf").exists());
}

#[test]
fn unknown_category_names_the_field_and_the_allowed_values() {
    let ws = ws();
    refused(
        &ws,
        &CHILD.replace("\"protected_identity\"]", "\"health\"]"),
        &["rad 3", "'categories'", "health", "protected_identity"],
    );
}

#[test]
fn aware_before_published_names_aware_at() {
    let ws = ws();
    refused(
        &ws,
        &CHILD.replace(
            "aware_at = 2026-11-20T09:30:00+01:00",
            "aware_at = 2026-11-20T07:30:00+01:00",
        ),
        &["rad 13", "'aware_at'"],
    );
}

#[test]
fn removed_before_published_names_removed_at() {
    let ws = ws();
    refused(
        &ws,
        &CHILD.replace(
            "removed_at = 2026-11-20T09:45:00+01:00",
            "removed_at = 2026-11-19T09:45:00+01:00",
        ),
        &["rad 14", "'removed_at'"],
    );
}

#[test]
fn datetime_without_offset_names_the_field() {
    let ws = ws();
    refused(
        &ws,
        &CHILD.replace(
            "aware_at = 2026-11-20T09:30:00+01:00",
            "aware_at = \"2026-11-20 kl 9\"",
        ),
        &["rad 13", "'aware_at'", "tidszon"],
    );
}

#[test]
fn unknown_key_and_personal_data_in_the_account_are_refused() {
    let ws = ws();
    refused(&ws, &format!("{CHILD}severity = 3\n"), &["'severity'"]);
    refused(
        &ws,
        &CHILD.replace("\"sollentuna-skola-ig\"", "\"Anna Svensson\""),
        &["rad 1", "'account'"],
    );
}

#[test]
fn english_messages_with_lang_en() {
    let ws = ws();
    ws.write(
        "bad.toml",
        &CHILD.replace(
            "aware_at = 2026-11-20T09:30:00+01:00",
            "aware_at = 2026-11-20T07:30:00+01:00",
        ),
    );
    ws.run(&["--lang", "en", "breach", "--answers", "bad.toml"])
        .code(2)
        .stderr_has("line 13")
        .stderr_has("aware_at")
        .stderr_has("published_at");
}

#[test]
fn list_shows_what_is_due_and_the_time_left() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    ws.write("comment.toml", COMMENT);
    ws.run(&["breach", "--answers", "incident.toml"]).ok();
    ws.run(&["breach", "--answers", "comment.toml"]).ok();
    let out = ws
        .cmd(&["breach", "list"])
        .env("DATASKYDD_NOW", "2026-11-20T20:30:00+01:00")
        .run()
        .ok();
    assert!(out.stdout.contains("b-2026-0001"));
    assert!(out.stdout.contains("61 timmar kvar"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("beslut väntar (den personuppgiftsansvarige)"),
        "{}",
        out.stdout
    );
    let v = ws.run(&["breach", "list", "--json"]).ok().json();
    let rows = v["breaches"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["open"], true);
    assert_eq!(rows[0]["hours_left"], 71);
    // C6: the comment's decision is the controller's and stays open until recorded.
    assert_eq!(rows[1]["open"], true);
    assert_eq!(rows[1]["decision_pending"], true);
    let v = ws.run(&["breach", "list", "--open", "--json"]).ok().json();
    assert_eq!(v["breaches"].as_array().unwrap().len(), 2);
    let out = ws.run(&["breach", "list", "--csv"]).ok();
    assert!(out.stdout.starts_with("id,account,breach,level,"));
    assert_eq!(out.stdout.lines().count(), 3);
    let v = ws
        .cmd(&["breach", "list", "--open", "--json"])
        .env("DATASKYDD_NOW", "2026-11-24T09:30:00+01:00")
        .run()
        .ok()
        .json();
    assert_eq!(v["breaches"][0]["overdue"], true);
    assert_eq!(v["breaches"][0]["hours_left"], -24);
    let out = ws
        .cmd(&["breach", "list"])
        .env("DATASKYDD_NOW", "2026-11-24T09:30:00+01:00")
        .run()
        .ok();
    assert!(
        out.stdout.contains("försenad med 24 timmar"),
        "{}",
        out.stdout
    );
}

#[test]
fn update_appends_a_follow_up_and_closes_the_case() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    ws.run(&["breach", "--answers", "incident.toml"]).ok();
    let before = ws.read("breaches.csv");
    let v = ws
        .run(&[
            "breach",
            "update",
            "b-2026-0001",
            "--notified-imy-at",
            "2026-11-21T14:00:00+01:00",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(v["notified_late"], false);
    assert_eq!(v["open"], true, "the people concerned are still to be told");
    let after = ws.read("breaches.csv");
    assert!(after.starts_with(&before), "rows were edited");
    assert_eq!(chain_ok(&ws), 2);
    ws.run(&[
        "breach",
        "update",
        "b-2026-0001",
        "--subjects-informed-at",
        "2026-11-21T16:00:00+01:00",
    ])
    .ok();
    let v = ws.run(&["breach", "list", "--open", "--json"]).ok().json();
    assert_eq!(v["breaches"].as_array().unwrap().len(), 0);
    let v = ws.run(&["breach", "list", "--json"]).ok().json();
    assert_eq!(
        v["breaches"][0]["notified_imy_at"],
        "2026-11-21T14:00:00+01:00"
    );
    assert_eq!(
        v["breaches"][0]["subjects_informed_at"],
        "2026-11-21T16:00:00+01:00"
    );
    assert_eq!(chain_ok(&ws), 3);
}

#[test]
fn late_update_is_flagged() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    ws.run(&["breach", "--answers", "incident.toml"]).ok();
    ws.run(&[
        "breach",
        "update",
        "b-2026-0001",
        "--notified-imy-at",
        "2026-11-24T14:00:00+01:00",
    ])
    .ok()
    .stdout_has("skälen till förseningen");
}

#[test]
fn bad_updates_are_refused_and_change_nothing() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    ws.run(&["breach", "--answers", "incident.toml"]).ok();
    let before = ws.bytes("breaches.csv");
    ws.run(&[
        "breach",
        "update",
        "b-2026-0009",
        "--notified-imy-at",
        "2026-11-21T14:00:00+01:00",
    ])
    .code(2)
    .stderr_has("b-2026-0009");
    ws.run(&[
        "breach",
        "update",
        "b-2026-0001",
        "--notified-imy-at",
        // An hour that occurs twice (the autumn DST change) without an offset: refused.
        // (Local time without an offset is accepted, CONTRACT rules 2026.12: see below.)
        "2026-10-25 02:30",
    ])
    .code(2)
    .stderr_has("--notified-imy-at");
    ws.run(&[
        "breach",
        "update",
        "b-2026-0001",
        "--notified-imy-at",
        "2026-11-19T14:00:00+01:00",
    ])
    .code(2)
    .stderr_has("--notified-imy-at");
    ws.run(&["breach", "update", "b-2026-0001"]).code(2);
    assert_eq!(ws.bytes("breaches.csv"), before);
    // Swedish local time, as the README writes it.
    ws.run(&[
        "breach",
        "update",
        "b-2026-0001",
        "--notified-imy-at",
        "2026-11-21 14:00",
    ])
    .ok()
    .stdout_has("21 november 2026 kl. 14.00");
}

#[test]
fn concurrent_processes_keep_the_chain_and_get_distinct_ids() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let dir = ws.path().to_path_buf();
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(BIN)
                .args(["breach", "--answers", "incident.toml", "--json"])
                .current_dir(&dir)
                .env("DATASKYDD_NOW", NOW)
                .env_remove("DATASKYDD_WORKSPACE")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ids = Vec::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6);
    assert_eq!(chain_ok(&ws), 6);
    for id in ids {
        assert!(ws.file(&format!("output/{id}.pdf")).exists());
    }
}

#[test]
fn every_command_has_help_with_an_example() {
    let ws = ws();
    for args in [
        vec!["breach", "--help"],
        vec!["breach", "list", "--help"],
        vec!["breach", "update", "--help"],
    ] {
        ws.run(&args).ok().stdout_has("dataskydd breach");
    }
}

#[test]
fn asks_on_a_terminal_with_the_running_deadline() {
    let ws = ws();
    let term = Terminal::start(&ws, "2026-11-20T20:30:00+01:00", "breach");
    let (mut typed_account, mut typed_subjects, mut picked) = (false, false, false);
    let screens = term.run(|t, screen| {
        if !typed_account && screen.contains("Vilket konto gäller det?") {
            t.text("nykoping-fb");
            typed_account = true;
        } else if !picked && screen.contains("Vilka slags personuppgifter") {
            t.keys(&["Down", "Down", "Down", "Down", "Down", "Space"]);
            picked = true;
        } else if screen.contains("? Sparades och registrerades") {
            t.text("y");
        } else if !typed_subjects && screen.contains("Hur många personer") {
            t.text("2");
            typed_subjects = true;
        }
        t.keys(&["Enter"]);
    });
    let screen = screens.last().unwrap().clone();
    let seen_deadline = screens.iter().any(|s| {
        s.contains("IMY ska underrättas senast 23 november 2026 kl. 20.30 — 72 timmar kvar")
    });
    assert!(screen.contains("EXIT=0"), "screen:\n{screen}");
    assert!(seen_deadline, "the running deadline was not shown");
    let saved = ws.read("answers/breach/b-2026-0001.toml");
    assert!(saved.contains("account = \"nykoping-fb\""), "{saved}");
    assert!(saved.contains("categories = [\"sensitive\"]"), "{saved}");
    assert!(!ws.file("answers/breach/in-progress.toml").exists());
    assert_eq!(chain_ok(&ws), 1);
}

#[test]
fn rerun_of_a_breach_record_reports_no_change() {
    let ws = ws();
    ws.write("incident.toml", CHILD);
    let v = ws
        .run(&["breach", "--answers", "incident.toml", "--json"])
        .ok()
        .json();
    let record = v["record"].as_str().unwrap().to_string();
    ws.cmd(&["rerun", &record])
        .env("DATASKYDD_NOW", "2027-02-01T10:00:00+01:00")
        .run()
        .ok()
        .stdout_has("inget har ändrats");
}
