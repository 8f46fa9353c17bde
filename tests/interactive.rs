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
