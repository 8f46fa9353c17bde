//! The account's life through the real binary: application, decision, statuses and their
//! history, actions, the due list and its calendar file, closing and the annual report.

use crate::records::check_record;
use crate::test::*;

pub const APPLICATION: &str = include_str!("fixtures/application.toml");
pub const CLOSING: &str = include_str!("fixtures/closing.toml");
/// Assessment answers for the school account (instagram, comments without a routine).
const ASSESS: &str = include_str!("../questionnaires/demo/sollentuna-skola-ig.toml");

fn assess_answers() -> String {
    ASSESS
        .lines()
        .map(|l| {
            if l.starts_with("platform = ") {
                "platform = \"instagram\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Sollentuna workspace (two signatures on a decision) with the principal's and the
/// education office's keys.
fn school() -> Workspace {
    let ws = Workspace::with_preset("sollentuna");
    ws.run(&["keys", "new", "--name", "Eva Lind", "--role", "Rektor"])
        .ok();
    ws.run(&[
        "keys",
        "new",
        "--name",
        "Omar Haddad",
        "--role",
        "Utbildningskontoret",
    ])
    .ok();
    ws
}

fn apply(ws: &Workspace, id: &str, text: &str) -> Output {
    ws.write(&format!("{id}.toml"), text);
    ws.run(&[
        "account",
        "apply",
        id,
        "--answers",
        &format!("{id}.toml"),
        "--json",
    ])
}

fn approve(ws: &Workspace, id: &str) -> Output {
    ws.run(&[
        "account",
        "decide",
        id,
        "--approve",
        "--reason",
        "Uppfyller policyn",
        "--signer",
        "Eva Lind",
        "--signer",
        "Omar Haddad",
        "--json",
    ])
}

fn registers(ws: &Workspace) -> Vec<Vec<u8>> {
    [
        "accounts.csv",
        "account_history.csv",
        "actions.csv",
        "assessments.csv",
    ]
    .iter()
    .map(|f| std::fs::read(ws.file(f)).unwrap_or_default())
    .collect()
}

fn pdfsig(path: &str) -> String {
    String::from_utf8_lossy(&tool("pdfsig", &[path]).stdout).into_owned()
}

#[test]
fn apply_writes_a_signed_application_and_adds_the_account_as_applied() {
    let ws = school();
    let out = apply(&ws, "runbacka-ig", APPLICATION).ok().json();
    assert_eq!(out["kind"], "account_application");
    assert_eq!(out["status"], "applied");
    assert_eq!(
        out["goals"][0]["indicator"],
        "Andel vårdnadshavare som följer kontot"
    );
    assert_eq!(out["admins"].as_array().unwrap().len(), 2);
    assert!(out["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "PUPILS-IN-CONTENT"));
    let record = out["record"].as_str().unwrap();
    check_record(std::path::Path::new(record));
    let text = String::from_utf8_lossy(&tool("pdftotext", &[record, "-"]).stdout).into_owned();
    assert!(
        text.contains("Mätbara mål") && text.contains("Omar Haddad"),
        "{text}"
    );
    let show = ws
        .run(&["account", "show", "runbacka-ig", "--json"])
        .ok()
        .json();
    assert_eq!(show["status"], "applied");
    assert_eq!(show["owner"], "Barn- och utbildningsnämnden");
    assert_eq!(show["admins"], 2);
    assert_eq!(show["history"][0]["status"], "applied");
    assert_eq!(show["history"][0]["record"], record);
    // The answers are kept for the record.
    assert!(ws
        .read("answers/apply/runbacka-ig.toml")
        .contains("[[goals]]"));
    // The same id again is refused, nothing written.
    let before = registers(&ws);
    apply(&ws, "runbacka-ig", APPLICATION)
        .code(2)
        .stderr_has("finns redan");
    assert_eq!(registers(&ws), before);
}

#[test]
fn one_administrator_is_a_warning_naming_the_risk() {
    let ws = school();
    let one = APPLICATION.replacen(
        "[[admins]]\nname = \"Omar Haddad\"\nrole = \"Kommunikatör\"\n",
        "",
        1,
    );
    assert_ne!(one, APPLICATION);
    let out = apply(&ws, "ensam-fb", &one)
        .ok()
        .stderr_has("Varning")
        .stderr_has("föräldralöst");
    assert!(out.json()["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "ADMINS-TOO-FEW"));
    ws.cmd(&[
        "--lang",
        "en",
        "account",
        "apply",
        "ensam-2",
        "--answers",
        "ensam-fb.toml",
    ])
    .run()
    .ok()
    .stderr_has("orphaned");
}

#[test]
fn bad_applications_exit_2_naming_file_line_and_field_and_change_nothing() {
    let ws = school();
    let before = registers(&ws);
    // An empty indicator: the goal is not measurable.
    let bad = APPLICATION.replace(
        "indicator = \"Andel vårdnadshavare som följer kontot\"",
        "indicator = \"\"",
    );
    apply(&ws, "a-1", &bad)
        .code(2)
        .stderr_has("a-1.toml")
        .stderr_has("rad 12")
        .stderr_has("goals[0].indicator");
    // No administrator at all.
    let none = APPLICATION.split("[[admins]]").next().unwrap().to_string()
        + &APPLICATION[APPLICATION.find("[monitoring]").unwrap()..];
    apply(&ws, "a-2", &none).code(2).stderr_has("'admins'");
    // An unknown value, an unknown key, a committee the organisation does not have.
    apply(
        &ws,
        "a-3",
        &APPLICATION.replace("frequency = \"daily\"", "frequency = \"hourly\""),
    )
    .code(2)
    .stderr_has("monitoring.frequency")
    .stderr_has("several_daily");
    apply(&ws, "a-4", &format!("{APPLICATION}\n[extra]\nfoo = 1\n"))
        .code(2)
        .stderr_has("extra");
    apply(
        &ws,
        "a-5",
        &APPLICATION.replace("Barn- och utbildningsnämnden", "Skolnämnden"),
    )
    .code(2)
    .stderr_has("rad 4")
    .stderr_has("account.owner_unit");
    ws.run(&["account", "apply", "Inte_ett_id", "--answers", "a-1.toml"])
        .code(2)
        .stderr_has("Inte_ett_id");
    assert_eq!(
        registers(&ws),
        before,
        "a refused application wrote something"
    );
    assert!(std::fs::read_dir(ws.file("output"))
        .unwrap()
        .next()
        .is_none());
}

#[test]
fn decision_needs_the_organisations_two_signatures_and_both_validate() {
    let ws = school();
    apply(&ws, "runbacka-ig", APPLICATION).ok();
    let before = registers(&ws);
    ws.run(&[
        "account",
        "decide",
        "runbacka-ig",
        "--approve",
        "--reason",
        "OK",
        "--signer",
        "Eva Lind",
    ])
    .code(2)
    .stderr_has("decision_signatures = 2")
    .stderr_has("--signer");
    ws.run(&[
        "account",
        "decide",
        "runbacka-ig",
        "--approve",
        "--reason",
        "OK",
        "--signer",
        "Eva Lind",
        "--signer",
        "Okänd Person",
    ])
    .code(2)
    .stderr_has("Okänd Person")
    .stderr_has("keys new");
    ws.run(&[
        "account",
        "decide",
        "runbacka-ig",
        "--approve",
        "--reason",
        " ",
        "--signer",
        "Eva Lind",
        "--signer",
        "Omar Haddad",
    ])
    .code(2)
    .stderr_has("--reason");
    ws.run(&[
        "account",
        "decide",
        "finns-inte",
        "--approve",
        "--reason",
        "x",
    ])
    .code(2)
    .stderr_has("finns-inte");
    assert_eq!(registers(&ws), before);

    let out = approve(&ws, "runbacka-ig").ok().json();
    assert_eq!(out["kind"], "account_decision");
    assert_eq!(out["status"], "approved");
    assert_eq!(out["signatures_required"], 2);
    assert_eq!(out["decided_by"][0]["name"], "Eva Lind");
    assert_eq!(out["decided_by"][1]["role"], "Utbildningskontoret");
    let record = out["record"].as_str().unwrap().to_string();
    let sig = pdfsig(&record);
    assert_eq!(sig.matches("Signature is Valid.").count(), 2, "{sig}");
    assert!(
        sig.contains("Common Name: Eva Lind") && sig.contains("Common Name: Omar Haddad"),
        "{sig}"
    );
    assert!(sig.contains("Total document signed"), "{sig}");
    ws.run(&["verify", &record]).ok();
    // The goals and administrators are the account's register data now.
    let show = ws
        .run(&["account", "show", "runbacka-ig", "--json"])
        .ok()
        .json();
    assert_eq!(show["status"], "approved");
    assert_eq!(show["admins_named"][1]["name"], "Omar Haddad");
    assert_eq!(show["goals"][0]["target"], "60 % till juni 2027");
    assert_eq!(show["history"][1]["by"], "Eva Lind; Omar Haddad");
    assert_eq!(show["history"][1]["reason"], "Uppfyller policyn");
    let text = ws.run(&["account", "show", "runbacka-ig"]).ok();
    assert!(
        text.stdout.contains("historik") && text.stdout.contains("beviljat"),
        "{}",
        text.stdout
    );
    // A decided application is not decided again.
    approve(&ws, "runbacka-ig").code(2).stderr_has("beviljat");
}

#[test]
fn rejection_with_one_signature_where_the_rule_is_one() {
    let ws = Workspace::new();
    let out = apply(
        &ws,
        "fotoklubb-tt",
        &APPLICATION
            .replace("Barn- och utbildningsnämnden", "Kommunstyrelsen")
            .replace("\"instagram\"", "\"tiktok\""),
    )
    .ok()
    .json();
    assert_eq!(out["platform"], "tiktok");
    let out = ws
        .run(&[
            "account",
            "decide",
            "fotoklubb-tt",
            "--reject",
            "--reason",
            "Målgruppen nås redan via skolans konto",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(out["status"], "rejected");
    assert_eq!(out["outcomes"][0], "ACCOUNT-REJECTED");
    check_record(std::path::Path::new(out["record"].as_str().unwrap()));
    let list = ws.run(&["account", "list", "--json"]).ok().json();
    assert_eq!(list["accounts"][0]["status"], "rejected");
    assert_eq!(list["accounts"][0]["overdue"], false);
    ws.run(&["account", "due", "--within", "400d", "--json"])
        .ok()
        .json()["reviews"]
        .as_array()
        .unwrap()
        .is_empty()
        .then_some(())
        .expect("a rejected account is not followed up");
    ws.run(&["account", "close", "fotoklubb-tt", "--answers", "x.toml"])
        .code(2)
        .stderr_has("avslaget");
}

#[test]
fn the_history_is_a_verified_chain() {
    let ws = school();
    apply(&ws, "runbacka-ig", APPLICATION).ok();
    approve(&ws, "runbacka-ig").ok();
    let text = ws.read("account_history.csv");
    assert!(
        text.starts_with("at,account,status,by,reason,record,goals,admins,prev_hash,hash\n"),
        "{text}"
    );
    // The same verifier as every other register checks the history and the actions.
    let v = ws.run(&["verify-registers"]).ok();
    assert!(
        v.stdout.contains("account_history.csv") && v.stdout.contains("actions.csv"),
        "{}",
        v.stdout
    );
    let tampered = text.replacen("Uppfyller policyn", "Uppfyller inte", 1);
    std::fs::write(ws.file("account_history.csv"), tampered).unwrap();
    ws.run(&["account", "show", "runbacka-ig"])
        .code(1)
        .stderr_has("account_history.csv")
        .stderr_has("3");
    ws.run(&["account", "due"]).code(1);
    let v = ws.run(&["verify-registers"]).code(1);
    assert!(
        v.stdout
            .lines()
            .any(|l| l.starts_with("account_history.csv") && l.contains('3')),
        "{}",
        v.stdout
    );
}

#[test]
fn assessments_open_actions_and_a_reassessment_resolves_them_and_says_so() {
    let ws = school();
    apply(&ws, "runbacka-ig", APPLICATION).ok();
    ws.write("as.toml", &assess_answers());
    // Not decided yet: the assessment warns (and is still made, as a dry run here).
    ws.run(&["assess", "runbacka-ig", "--answers", "as.toml", "--dry-run"])
        .ok()
        .stderr_has("inte beslutat");
    approve(&ws, "runbacka-ig").ok();
    let out = ws
        .run(&["assess", "runbacka-ig", "--answers", "as.toml", "--json"])
        .ok()
        .json();
    let opened = out["actions_opened"].as_array().unwrap().clone();
    assert_eq!(opened.len(), out["actions"].as_array().unwrap().len());
    let show = ws
        .run(&["account", "show", "runbacka-ig", "--json"])
        .ok()
        .json();
    assert_eq!(show["status"], "active");
    assert_eq!(show["review_on"], "2027-11-20");
    let list = ws.run(&["action", "list", "--open", "--json"]).ok().json();
    let actions = list["actions"].as_array().unwrap();
    let must = actions
        .iter()
        .find(|a| a["code"] == "BBS-MODERATION-GAP")
        .unwrap();
    assert_eq!(must["owner"], "Eva Lind");
    assert_eq!(must["due"], "2026-12-20");
    let should = actions.iter().find(|a| a["level"] == "should").unwrap();
    assert_eq!(should["due"], "2027-02-18");
    // The moderation routine is now in place: re-assessed, the action is resolved.
    ws.write(
        "as.toml",
        &assess_answers().replace("moderation_routine = false", "moderation_routine = true"),
    );
    let out = ws
        .cmd(&["assess", "runbacka-ig", "--answers", "as.toml"])
        .env("DATASKYDD_NOW", "2026-12-01T10:00:00+01:00")
        .run()
        .ok()
        .stdout_has("är löst");
    assert!(
        out.stdout.contains(must["id"].as_str().unwrap()),
        "{}",
        out.stdout
    );
    let all = ws
        .run(&["action", "list", "--account", "runbacka-ig", "--json"])
        .ok()
        .json();
    let gone = all["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == must["id"])
        .unwrap();
    assert_eq!(gone["status"], "resolved");
    // No second action for a finding that still fires.
    assert_eq!(all["actions"].as_array().unwrap().len(), actions.len());
}

/// One `assess` reads its account's actions through `actions.csv.index`, not the whole
/// register: ids still continue across accounts, rows appended by other commands are
/// seen, a deleted index is rebuilt, and a changed row is refused, never hidden.
#[test]
fn the_action_index_keeps_ids_in_order_and_is_rebuilt_and_never_hides_tampering() {
    let ws = school();
    ws.write("as.toml", &assess_answers());
    let assess = |id: &str| {
        ws.run(&["assess", id, "--answers", "as.toml", "--json"])
            .ok()
            .json()
    };
    let ids = |v: &serde_json::Value| -> Vec<u64> {
        v["actions_opened"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap()[2..].parse().unwrap())
            .collect()
    };
    for id in ["runbacka-ig", "edsberg-ig"] {
        apply(&ws, id, APPLICATION).ok();
        approve(&ws, id).ok();
    }
    let first = ids(&assess("runbacka-ig"));
    assert!(!first.is_empty());
    // The first assessment made the register; the second builds its index.
    let second = ids(&assess("edsberg-ig"));
    assert!(ws.file("actions.csv.index").exists());
    assert_eq!(
        second[0],
        first.iter().max().unwrap() + 1,
        "{first:?} {second:?}"
    );
    // Another command appends (the action is done): the next assessment reads that row
    // after the index, and the finding that still fires becomes a new action, numbered on.
    let done = format!("a-{:04}", first[0]);
    ws.run(&["action", "done", &done, "--note", "Rutin på plats"])
        .ok();
    let third = ids(&assess("runbacka-ig"));
    assert_eq!(third, vec![second.iter().max().unwrap() + 1]);
    // Deleted: rebuilt; nothing new opens for findings with open actions.
    std::fs::remove_file(ws.file("actions.csv.index")).unwrap();
    assert!(ids(&assess("edsberg-ig")).is_empty());
    assert!(ws.file("actions.csv.index").exists());
    // One of edsberg's rows changed (same length, so the indexed offsets still hold), with
    // its own hash recomputed: refused by the index's check of the row, naming it.
    let s = ws.read("actions.csv");
    let (n, row) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("edsberg-ig"))
        .unwrap();
    let cut = row.rfind(',').unwrap();
    let body = row[..cut].replace("Eva Lind", "Eva Lund");
    let edited = s.replacen(
        row,
        &format!("{body},{}", dataskydd::ledger::sha256_hex(body.as_bytes())),
        1,
    );
    ws.write("actions.csv", &edited);
    ws.run(&["assess", "edsberg-ig", "--answers", "as.toml"])
        .code(1)
        .stderr_has(&format!("rad {}", n + 1));
    ws.run(&["action", "list"])
        .code(1)
        .stderr_has("actions.csv");
}

#[test]
fn actions_done_assign_and_filters() {
    let ws = school();
    apply(&ws, "runbacka-ig", APPLICATION).ok();
    approve(&ws, "runbacka-ig").ok();
    ws.write("as.toml", &assess_answers());
    ws.run(&["assess", "runbacka-ig", "--answers", "as.toml"])
        .ok();
    let list = ws.run(&["action", "list", "--json"]).ok().json();
    let ids: Vec<String> = list["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 2, "{list}");
    ws.run(&["action", "assign", &ids[0], "--to", "Anna Berg"])
        .ok();
    ws.run(&[
        "action",
        "done",
        &ids[1],
        "--note",
        "Rutin beslutad, dnr BUN 2026/77",
    ])
    .ok();
    let by_owner = ws
        .run(&["action", "list", "--owner", "anna berg", "--json"])
        .ok()
        .json();
    assert_eq!(by_owner["actions"].as_array().unwrap().len(), 1);
    assert_eq!(by_owner["actions"][0]["id"], ids[0]);
    let open = ws.run(&["action", "list", "--open", "--json"]).ok().json();
    assert!(open["actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["id"] != ids[1]));
    let csv = ws.run(&["action", "list", "--csv"]).ok().stdout;
    assert!(
        csv.starts_with("id,account,code,level,status,owner,due,overdue,text,note\n"),
        "{csv}"
    );
    assert!(csv.contains("Rutin beslutad"), "{csv}");
    // Bad input: nothing written.
    let before = registers(&ws);
    ws.run(&["action", "done", &ids[1], "--note", "igen"])
        .code(2)
        .stderr_has("klar");
    ws.run(&["action", "done", "a-9999", "--note", "x"])
        .code(2)
        .stderr_has("a-9999");
    ws.run(&["action", "done", &ids[0], "--note", " "])
        .code(2)
        .stderr_has("--note");
    ws.run(&["action", "assign", &ids[0], "--to", "rad\nbrytning"])
        .code(2)
        .stderr_has("--to");
    ws.run(&["action", "list", "--account", "Fel Id"])
        .code(2)
        .stderr_has("Fel Id");
    assert_eq!(registers(&ws), before);
    // The action register is a chain too.
    let text = ws.read("actions.csv").replacen("Anna Berg", "Anna Borg", 1);
    std::fs::write(ws.file("actions.csv"), text).unwrap();
    ws.run(&["action", "list"])
        .code(1)
        .stderr_has("actions.csv");
}

fn parse_ics(path: &std::path::Path) -> Vec<(String, String, String)> {
    let script = "import sys, icalendar\n\
        c = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
        for e in c.walk('VEVENT'):\n    print(str(e['UID']) + '|' + e['DTSTART'].dt.isoformat() + '|' + str(e['SUMMARY']))\n";
    let out = tool("python3", &["-c", script, path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "Python icalendar could not parse the file (pip install icalendar): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let p: Vec<&str> = l.splitn(3, '|').collect();
            (p[0].to_string(), p[1].to_string(), p[2].to_string())
        })
        .collect()
}

#[test]
fn due_list_and_calendar_file_with_stable_uids() {
    let ws = school();
    for id in ["runbacka-ig", "tegelhagen-fb"] {
        apply(&ws, id, APPLICATION).ok();
        approve(&ws, id).ok();
    }
    ws.write("as.toml", &assess_answers());
    ws.run(&["assess", "runbacka-ig", "--answers", "as.toml"])
        .ok();
    // Today: tegelhagen-fb was never assessed (due since its approval); runbacka-ig in a year.
    let out = ws.run(&["account", "due", "--json"]).ok().json();
    let reviews = out["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1, "{out}");
    assert_eq!(reviews[0]["account"], "tegelhagen-fb");
    assert_eq!(reviews[0]["responsible"], "Eva Lind");
    let out = ws
        .run(&[
            "account",
            "due",
            "--within",
            "366d",
            "--ics",
            "uppfoljning.ics",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(out["reviews"].as_array().unwrap().len(), 2);
    let first = parse_ics(&ws.file("uppfoljning.ics"));
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(
        first
            .iter()
            .any(|(_, d, s)| d == "2027-11-20" && s.contains("runbacka-ig")),
        "{first:?}"
    );
    let raw = ws.read("uppfoljning.ics");
    assert!(raw.contains("\r\nEND:VCALENDAR\r\n") && !raw.replace("\r\n", "").contains('\n'));
    // Later, after a new assessment, the re-export keeps each account's UID (the calendar
    // updates the event) and moves the date.
    ws.cmd(&["assess", "runbacka-ig", "--answers", "as.toml"])
        .env("DATASKYDD_NOW", "2027-01-15T10:00:00+01:00")
        .run()
        .ok();
    ws.cmd(&[
        "account",
        "due",
        "--within",
        "400d",
        "--ics",
        "uppfoljning.ics",
    ])
    .env("DATASKYDD_NOW", "2027-01-15T10:00:00+01:00")
    .run()
    .ok();
    let second = parse_ics(&ws.file("uppfoljning.ics"));
    let uid_of = |v: &[(String, String, String)], id: &str| {
        v.iter()
            .find(|e| e.2.contains(id))
            .map(|e| e.0.clone())
            .unwrap()
    };
    for id in ["runbacka-ig", "tegelhagen-fb"] {
        assert_eq!(uid_of(&first, id), uid_of(&second, id), "{id}");
    }
    assert!(
        second
            .iter()
            .any(|(_, d, s)| d == "2028-01-15" && s.contains("runbacka-ig")),
        "{second:?}"
    );
    // Overdue must-actions show in the due list.
    let late = ws
        .cmd(&["account", "due", "--json"])
        .env("DATASKYDD_NOW", "2027-03-01T10:00:00+01:00")
        .run()
        .ok()
        .json();
    assert!(late["overdue_actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["level"] == "must"));
    assert!(
        !late["overdue_actions"].as_array().unwrap().is_empty(),
        "{late}"
    );
    // Bad input.
    ws.run(&["account", "due", "--within", "en månad"])
        .code(2)
        .stderr_has("--within");
    ws.write("inte-kalender.ics", "anteckningar");
    ws.run(&["account", "due", "--ics", "inte-kalender.ics"])
        .code(2)
        .stderr_has("--force");
    assert_eq!(ws.read("inte-kalender.ics"), "anteckningar");
    ws.run(&["account", "due", "--ics", "accounts.csv", "--force"])
        .code(2);
    assert!(ws.read("accounts.csv").starts_with("id,platform"));
}

#[test]
fn closing_follows_the_checklist_and_the_account_leaves_follow_up() {
    let ws = school();
    apply(&ws, "runbacka-ig", APPLICATION).ok();
    approve(&ws, "runbacka-ig").ok();
    ws.write("as.toml", &assess_answers());
    ws.run(&["assess", "runbacka-ig", "--answers", "as.toml"])
        .ok();
    crate::test::Workspace::write(&ws, "answers/assess/runbacka-ig.toml", &assess_answers());
    let before = registers(&ws);
    let undone = CLOSING.replace("archived = true", "archived = false");
    ws.write("c.toml", &undone);
    ws.run(&["account", "close", "runbacka-ig", "--answers", "c.toml"])
        .code(2)
        .stderr_has("c.toml")
        .stderr_has("rad 3")
        .stderr_has("content.archived")
        .stderr_has("diarie");
    ws.write(
        "c.toml",
        &CLOSING.replace("outcome = \"deleted\"", "outcome = \"sold\""),
    );
    ws.run(&["account", "close", "runbacka-ig", "--answers", "c.toml"])
        .code(2)
        .stderr_has("platform.outcome");
    assert_eq!(registers(&ws), before);

    ws.write("c.toml", CLOSING);
    let out = ws
        .run(&[
            "account",
            "close",
            "runbacka-ig",
            "--answers",
            "c.toml",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(out["kind"], "account_closing");
    assert_eq!(out["status"], "closed");
    assert!(!out["closed_actions"].as_array().unwrap().is_empty());
    check_record(std::path::Path::new(out["record"].as_str().unwrap()));
    let show = ws
        .run(&["account", "show", "runbacka-ig", "--json"])
        .ok()
        .json();
    assert_eq!(show["status"], "closed");
    let statuses: Vec<&str> = show["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["applied", "approved", "active", "closed"]);
    assert!(show["actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["status"] == "closed"));
    // Left out of the due list and of assess --all.
    let due = ws
        .run(&["account", "due", "--within", "999d", "--json"])
        .ok()
        .json();
    assert!(due["reviews"].as_array().unwrap().is_empty(), "{due}");
    let all = ws
        .run(&["assess", "--all", "--json", "--dry-run"])
        .ok()
        .json();
    assert_eq!(all["assessed"], 0, "{all}");
    // Closed stays closed.
    ws.run(&["account", "close", "runbacka-ig", "--answers", "c.toml"])
        .code(2)
        .stderr_has("avvecklat");
}

/// Rows of a register (header left out) as field lists, read with the csv crate.
fn rows(ws: &Workspace, file: &str) -> Vec<Vec<String>> {
    let text = ws.read(file);
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn annual_report_figures_match_the_registers() {
    let ws = school();
    const BUN: &str = "Barn- och utbildningsnämnden";
    // BUN: an approved, assessed account with a breach, a consent given and withdrawn; a
    // closed account. KS: an existing account from the inventory and a rejected application.
    apply(&ws, "runbacka-ig", APPLICATION).ok();
    approve(&ws, "runbacka-ig").ok();
    ws.write("as.toml", &assess_answers());
    ws.run(&["assess", "runbacka-ig", "--answers", "as.toml"])
        .ok();
    apply(&ws, "gamla-ig", APPLICATION).ok();
    approve(&ws, "gamla-ig").ok();
    ws.write("c.toml", CLOSING);
    ws.run(&["account", "close", "gamla-ig", "--answers", "c.toml"])
        .ok();
    ws.run(&[
        "account",
        "add",
        "ks-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "Kommunstyrelsen",
    ])
    .ok();
    apply(&ws, "ks-tt", &APPLICATION.replace(BUN, "Kommunstyrelsen")).ok();
    ws.run(&[
        "account",
        "decide",
        "ks-tt",
        "--reject",
        "--reason",
        "Nej",
        "--signer",
        "Eva Lind",
        "--signer",
        "Omar Haddad",
    ])
    .ok();
    ws.write(
        "b.toml",
        &include_str!("../questionnaires/demo/breach-sollentuna-skola-ig-protected.toml")
            .replace("sollentuna-skola-ig", "runbacka-ig"),
    );
    ws.run(&["breach", "--answers", "b.toml"]).ok();
    let c = ws
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
            "Vårdnadshavare 1",
            "--purpose",
            "inform_activity",
            "--channel",
            "runbacka-ig",
            "--media",
            "photo",
            "--valid-from",
            "2026-08-17",
            "--valid-until",
            "2027-06-15",
            "--evidence",
            "Dnr BUN 2026/118",
            "--json",
        ])
        .ok()
        .json();
    ws.run(&["consent", "withdraw", c["consent_id"].as_str().unwrap()])
        .ok();
    let open_actions = ws.run(&["action", "list", "--open", "--json"]).ok().json()["actions"]
        .as_array()
        .unwrap()
        .len();

    let out = ws.run(&["report", "--year", "2026", "--json"]).ok().json();
    let reports = out["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 3, "organisation + two committees: {out}");
    for r in reports {
        let p = r.as_str().unwrap();
        check_record(std::path::Path::new(p));
        let text = String::from_utf8_lossy(&tool("pdftotext", &[p, "-"]).stdout).into_owned();
        assert!(
            text.contains("Exponering") && text.contains("Åtgärder"),
            "{text}"
        );
    }
    let org = &out["figures"][0];
    assert!(org["committee"].is_null());
    // Against the registers, read independently of the tool.
    assert_eq!(org["accounts"], rows(&ws, "accounts.csv").len());
    assert_eq!(
        org["assessments_done"],
        rows(&ws, "assessments.csv")
            .iter()
            .filter(|r| r[0].starts_with("2026"))
            .count()
    );
    let consents = rows(&ws, "consents.csv");
    assert_eq!(
        org["consents_registered"],
        consents.iter().filter(|r| r[1] == "given").count()
    );
    assert_eq!(
        org["consents_withdrawn"],
        consents.iter().filter(|r| r[1] == "withdrawn").count()
    );
    assert_eq!(
        org["breaches_evaluated"],
        rows(&ws, "breaches.csv")
            .iter()
            .filter(|r| r[1] == "evaluation")
            .count()
    );
    assert_eq!(org["actions_open"], open_actions);
    let history = rows(&ws, "account_history.csv");
    assert_eq!(
        org["applications"],
        history.iter().filter(|r| r[2] == "applied").count()
    );
    let last_status = |id: &str| {
        history
            .iter()
            .rev()
            .find(|r| r[1] == id)
            .map(|r| r[2].clone())
    };
    assert_eq!(last_status("runbacka-ig").as_deref(), Some("active"));
    assert_eq!(
        org["active"], 2,
        "runbacka-ig and ks-fb (no application: active)"
    );
    assert_eq!(org["closed"], 1);
    assert_eq!(org["rejected"], 1);
    assert_eq!(org["exposure_medium"], 1);
    assert_eq!(org["exposure_unassessed"], 1, "ks-fb");
    assert_eq!(org["assessments_overdue"], 1, "ks-fb was never assessed");
    assert_eq!(
        org["imy_deadlines_missed"], 1,
        "the breach evaluated after 72 hours"
    );
    // Per committee, the parts add up to the whole.
    let parts: Vec<&serde_json::Value> = out["figures"].as_array().unwrap()[1..].iter().collect();
    for key in [
        "accounts",
        "active",
        "closed",
        "rejected",
        "assessments_done",
        "actions_open",
        "breaches_evaluated",
        "consents_registered",
    ] {
        let sum: u64 = parts.iter().map(|f| f[key].as_u64().unwrap()).sum();
        assert_eq!(org[key].as_u64().unwrap(), sum, "{key}");
    }
    let bun = parts.iter().find(|f| f["committee"] == BUN).unwrap();
    assert_eq!(bun["accounts"], 2);
    assert_eq!(bun["breaches_yes"], 1);
    // The same figures as CSV for Excel: BOM, semicolons, one row per scope and figure.
    let csv = std::fs::read(ws.path().join(out["csv"].as_str().unwrap())).unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(csv.starts_with("år;nämnd;nyckel;mått;värde\r\n"), "{csv}");
    let line = format!(
        "2026;Hela organisationen;accounts;Konton;{}\r\n",
        org["accounts"]
    );
    assert!(csv.contains(&line), "{csv}");
    assert_eq!(
        csv.lines().count(),
        1 + 3 * org.as_object().unwrap().len().saturating_sub(2)
    );
    // One committee only; bad input.
    let one = ws
        .run(&["report", "--year", "2026", "--committee", BUN, "--json"])
        .ok()
        .json();
    assert_eq!(one["reports"].as_array().unwrap().len(), 1);
    ws.run(&["report", "--year", "2031"])
        .code(2)
        .stderr_has("--year");
    ws.run(&["report", "--year", "2026", "--committee", "Okänd nämnd"])
        .code(2)
        .stderr_has("--committee");
}

#[test]
fn application_and_closing_records_rerun_unchanged() {
    let ws = school();
    let out = apply(&ws, "runbacka-ig", APPLICATION).ok().json();
    let rerun = ws
        .run(&["rerun", out["record"].as_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(rerun["kind"], "account_application", "{rerun}");
    assert_eq!(rerun["unchanged"], true, "{rerun}");
    approve(&ws, "runbacka-ig").ok();
    ws.write("c.toml", CLOSING);
    let out = ws
        .run(&[
            "account",
            "close",
            "runbacka-ig",
            "--answers",
            "c.toml",
            "--json",
        ])
        .ok()
        .json();
    let rerun = ws
        .run(&["rerun", out["record"].as_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(rerun["unchanged"], true, "{rerun}");
}

#[test]
fn parallel_decisions_on_one_application_record_one() {
    let ws = Workspace::new();
    apply(
        &ws,
        "ks-ig",
        &APPLICATION.replace("Barn- och utbildningsnämnden", "Kommunstyrelsen"),
    )
    .ok();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let dir = ws.path().to_path_buf();
            std::thread::spawn(move || {
                std::process::Command::new(BIN)
                    .args([
                        "account",
                        "decide",
                        "ks-ig",
                        "--reason",
                        &format!("beslut {i}"),
                    ])
                    .arg(if i % 2 == 0 { "--approve" } else { "--reject" })
                    .current_dir(dir)
                    .env("DATASKYDD_NOW", NOW)
                    .output()
                    .unwrap()
                    .status
                    .code()
            })
        })
        .collect();
    let codes: Vec<Option<i32>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == Some(0)).count(),
        1,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == Some(2)).count(),
        7,
        "{codes:?}"
    );
    let decided = rows(&ws, "account_history.csv")
        .iter()
        .filter(|r| r[2] == "approved" || r[2] == "rejected")
        .count();
    assert_eq!(decided, 1);
}

#[test]
fn records_in_english_with_lang_en() {
    let ws = Workspace::new();
    let text = APPLICATION.replace("Barn- och utbildningsnämnden", "Kommunstyrelsen");
    ws.write("a.toml", &text);
    let pdf_text =
        |p: &str| String::from_utf8_lossy(&tool("pdftotext", &[p, "-"]).stdout).into_owned();
    let out = ws
        .run(&[
            "--lang",
            "en",
            "account",
            "apply",
            "ks-ig",
            "--answers",
            "a.toml",
            "--json",
        ])
        .ok()
        .json();
    let t = pdf_text(out["record"].as_str().unwrap());
    assert!(
        t.contains("Application for a new social media account") && t.contains("Measurable goals"),
        "{t}"
    );
    let out = ws
        .run(&[
            "--lang",
            "en",
            "account",
            "decide",
            "ks-ig",
            "--approve",
            "--reason",
            "Fine",
            "--json",
        ])
        .ok()
        .json();
    let t = pdf_text(out["record"].as_str().unwrap());
    assert!(
        t.contains("Decision on a social media account") && t.contains("register data"),
        "{t}"
    );
    ws.write("c.toml", CLOSING);
    let out = ws
        .run(&[
            "--lang",
            "en",
            "account",
            "close",
            "ks-ig",
            "--answers",
            "c.toml",
            "--json",
        ])
        .ok()
        .json();
    let t = pdf_text(out["record"].as_str().unwrap());
    assert!(
        t.contains("Closing a social media account") && t.contains("Checklist"),
        "{t}"
    );
    let out = ws
        .run(&["--lang", "en", "report", "--year", "2026", "--json"])
        .ok()
        .json();
    let t = pdf_text(out["reports"][0].as_str().unwrap());
    assert!(
        t.contains("Annual report 2026") && t.contains("Exposure"),
        "{t}"
    );
    let csv = std::fs::read(ws.path().join(out["csv"].as_str().unwrap())).unwrap();
    assert!(String::from_utf8_lossy(&csv[3..]).starts_with("year;committee;figure;label;value\r\n"));
}
