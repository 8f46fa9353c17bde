//! The questionnaire on a real terminal (tmux), as a DPO would use it.

use std::process::Command;
use std::time::Duration;

use crate::test::*;

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("tmux is needed for this test ({e}): apt-get install -y tmux"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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
    let session = format!("dataskydd-test-{}", std::process::id());
    let script = format!(
        "cd '{}' && DATASKYDD_NOW={NOW} '{BIN}' assess ks-x; echo EXIT=$?; sleep 60",
        ws.path().display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "160",
        "-y",
        "50",
        &script,
    ]);
    let mut screen = String::new();
    let mut seen_help = false;
    for _ in 0..60 {
        std::thread::sleep(Duration::from_millis(250));
        screen = tmux(&["capture-pane", "-p", "-t", &session]);
        seen_help |= screen.contains("[1998:112 4 §]") || screen.contains("GDPR art.");
        if screen.contains("EXIT=") {
            break;
        }
        // Every question has a default: accept each one, then accept the review.
        tmux(&["send-keys", "-t", &session, "Enter"]);
    }
    tmux(&["kill-session", "-t", &session]);
    assert!(screen.contains("EXIT=0"), "screen:\n{screen}");
    assert!(seen_help, "no help line with its source was shown");
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

/// Runs `dataskydd ARGS` in tmux, types `inputs` (each followed by Enter) as the prompts
/// come, then accepts defaults until it exits; returns the last screen.
fn drive(ws: &Workspace, args: &str, inputs: &[&str]) -> String {
    let session = format!("dataskydd-drive-{}-{}", std::process::id(), inputs.len());
    let script = format!(
        "cd '{}' && DATASKYDD_NOW={NOW} '{BIN}' {args}; echo EXIT=$?; sleep 60",
        ws.path().display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "160",
        "-y",
        "50",
        &script,
    ]);
    let mut screen = String::new();
    for input in inputs {
        std::thread::sleep(Duration::from_millis(400));
        if !input.is_empty() {
            tmux(&["send-keys", "-t", &session, "-l", input]);
        }
        tmux(&["send-keys", "-t", &session, "Enter"]);
    }
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(300));
        screen = tmux(&["capture-pane", "-p", "-t", &session]);
        if screen.contains("EXIT=") {
            break;
        }
        tmux(&["send-keys", "-t", &session, "Enter"]);
    }
    tmux(&["kill-session", "-t", &session]);
    screen
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
    // description, channel, purpose, date, identifiable, in focus, sensitive, confidential,
    // add a person?, ref, role, age, protected identity, another person?, review.
    let screen = drive(
        &ws,
        "photo",
        &[
            "Klassen i slöjden",
            "skola-ig",
            "",
            "",
            "y",
            "",
            "",
            "",
            "y",
            "elev-7",
            "",
            "10",
            "",
            "n",
            "",
        ],
    );
    assert!(screen.contains("EXIT=0"), "screen:\n{screen}");
    let pubs = ws.read("publications.csv");
    assert!(
        pubs.contains("skola-ig") && pubs.contains("not_allowed"),
        "{pubs}"
    );
    let saved = std::fs::read_dir(ws.file("answers/photo")).unwrap().count();
    assert_eq!(saved, 1);
}
