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
