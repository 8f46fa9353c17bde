//! The questionnaires on a real terminal (tmux), as a DPO or a principal would use them.

use crate::test::*;

#[test]
fn assess_asks_on_a_terminal_saves_the_answers_and_writes_the_record() {
    let ws = Workspace::new();
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
    let term = Terminal::start(&ws, NOW, "assess ks-x");
    // Every question has a default: accept each one, then accept the review.
    let screens = term.run(|t, _| t.keys(&["Enter"]));
    let last = screens.last().unwrap();
    assert!(last.contains("EXIT=0"), "screen:\n{last}");
    assert!(
        screens
            .iter()
            .any(|s| s.contains("[1998:112 4 §]") || s.contains("GDPR art.")),
        "no help line with its source was shown"
    );
    let saved = ws.read("answers/assess/ks-x.toml");
    assert!(saved.contains("platform = \"x\""), "{saved}");
    assert!(saved.contains("can_remove_comments = false"), "{saved}");
    // The saved answers re-run non-interactively to the same conclusions.
    let out = ws
        .run(&[
            "assess",
            "ks-x",
            "--answers",
            "answers/assess/ks-x.toml",
            "--json",
            "--dry-run",
        ])
        .ok()
        .json();
    assert_eq!(out["third_party_content"], "limited");
}

#[test]
fn photo_asks_on_a_terminal_and_checks_the_register() {
    let ws = Workspace::with_preset("sollentuna");
    ws.run(&[
        "account",
        "add",
        "skola-ig",
        "--platform",
        "instagram",
        "--owner",
        "Barn- och utbildningsnämnden",
    ])
    .ok();
    let term = Terminal::start(&ws, NOW, "photo");
    let (mut channel, mut identifiable, mut person, mut reference, mut age, mut another) =
        (false, false, false, false, false, false);
    let screens = term.run(|t, s| {
        if !channel && s.contains("På vilket konto ska bilden publiceras") {
            t.text("skola-ig");
            channel = true;
        } else if !identifiable && s.contains("Går någon på bilden att identifiera") {
            t.text("y");
            identifiable = true;
        } else if !person && s.contains("Lägga till en person") {
            t.text("y");
            person = true;
        } else if !reference && s.contains("Personens referens") {
            t.text("elev-7");
            reference = true;
        } else if !age && s.contains("Ålder") {
            t.text("10");
            age = true;
        } else if person && age && !another && s.contains("Lägga till en person") {
            t.text("n");
            another = true;
        }
        t.keys(&["Enter"]);
    });
    let last = screens.last().unwrap();
    assert!(last.contains("EXIT=0"), "screen:\n{last}");
    let pubs = ws.read("publications.csv");
    assert!(
        pubs.contains("skola-ig") && pubs.contains("not_allowed"),
        "{pubs}"
    );
    assert!(pubs.contains("elev-7"), "{pubs}");
    assert_eq!(
        std::fs::read_dir(ws.file("answers/photo")).unwrap().count(),
        1
    );
}

#[test]
fn account_apply_asks_on_a_terminal_and_registers_the_application() {
    let ws = Workspace::with_preset("sollentuna");
    let term = Terminal::start(&ws, NOW, "account apply runbacka-ig");
    let (mut goals, mut admins) = (0, 0);
    let mut last = String::new();
    let screens = term.run(|t, s| {
        if s == last {
            return;
        }
        last = s.to_string();
        // The active prompt: the last line inquire marks with '?'.
        let prompt = s
            .lines()
            .rev()
            .find(|l| l.trim_start().starts_with('?'))
            .unwrap_or_default()
            .to_string();
        let answer: Option<String> = if prompt.contains("Kontots namn") {
            Some("Runbacka skola".into())
        } else if prompt.contains("Vilken nämnd") {
            Some("Barn- och utbildningsnämnden".into())
        } else if prompt.contains("Syfte") {
            Some("Informera vårdnadshavare".into())
        } else if prompt.contains("Målgrupp") {
            Some("Vårdnadshavare".into())
        } else if prompt.contains("Kontoansvarig") {
            Some("Eva Lind".into())
        } else if prompt.contains("Lägga till ett mätbart mål") {
            goals += 1;
            Some(if goals == 1 { "y" } else { "n" }.into())
        } else if prompt.contains("Målet") {
            Some("Fler läser veckobrevet".into())
        } else if prompt.contains("Indikator") {
            Some("Följare".into())
        } else if prompt.contains("Målvärde") {
            Some("300 till juni 2027".into())
        } else if prompt.contains("Lägga till en administratör") {
            admins += 1;
            Some(if admins <= 2 { "y" } else { "n" }.into())
        } else if prompt.contains("Administratörens namn") {
            Some(
                if admins == 1 {
                    "Eva Lind"
                } else {
                    "Omar Haddad"
                }
                .into(),
            )
        } else if prompt.contains("Vem bevakar") {
            Some("Omar Haddad".into())
        } else {
            None
        };
        if let Some(a) = answer {
            t.text(&a);
        }
        t.keys(&["Enter"]);
    });
    let end = screens.last().unwrap();
    assert!(end.contains("EXIT=0"), "screen:\n{end}");
    let saved = ws.read("answers/apply/runbacka-ig.toml");
    assert!(
        saved.contains("[[goals]]") && saved.contains("Omar Haddad"),
        "{saved}"
    );
    let show = ws
        .run(&["account", "show", "runbacka-ig", "--json"])
        .ok()
        .json();
    assert_eq!(show["status"], "applied");
    assert_eq!(show["admins"], 2);
    assert_eq!(show["goals"][0]["indicator"], "Följare");
}
