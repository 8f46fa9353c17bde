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

/// Whether the question being asked now (inquire marks it `? `) contains `text`.
fn asking(screen: &str, text: &str) -> bool {
    screen
        .lines()
        .any(|l| l.starts_with("? ") && l.contains(text))
}

const ONE_TOOL: &str = r#"
[account]
platform = "facebook_page"
owner_unit = "Kommunstyrelsen"

[[tools]]
name = "Hootsuite"
purpose = "scheduling"
dpa = true
country = "US"
transfer_mechanism = "dpf"
"#;

/// Issue 10 item 2: changing the tools in the review shows the entries, keeps them, and
/// lets one be added (the old behaviour emptied the list and skipped re-asking it).
#[test]
fn review_of_the_tools_list_keeps_the_entries_and_adds_one() {
    let ws = Workspace::new();
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
    ws.write("svar.toml", ONE_TOOL);
    ws.run(&["assess", "ks-fb", "--answers", "svar.toml"]).ok();
    let term = Terminal::start(&ws, NOW, "assess ks-fb");
    let (mut to_tools, mut added, mut named, mut closed, mut accepted) =
        (false, false, false, false, false);
    let screens = term.run(|t, s| {
        if !to_tools && asking(s, "Granska svaren") {
            // Filter the review to the tools line and choose it.
            t.text("verktyg");
            to_tools = true;
        } else if to_tools && !added && asking(s, "välj en post att ändra") {
            assert!(s.contains("1. Hootsuite"), "the entry is shown:\n{s}");
            t.text("Lägg till");
            added = true;
        } else if added && !named && asking(s, "Verktygets namn") {
            t.text("Canva");
            named = true;
        } else if named && !closed && asking(s, "välj en post att ändra") {
            assert!(s.contains("1. Hootsuite") && s.contains("2. Canva"), "{s}");
            t.text("Klar");
            closed = true;
        } else if asking(s, "Leverantörens moderbolags land") {
            t.text("AU");
        } else if closed && !accepted && asking(s, "Granska svaren") {
            accepted = true;
        }
        t.keys(&["Enter"]);
    });
    let last = screens.last().unwrap();
    assert!(last.contains("EXIT=0"), "screen:\n{last}");
    assert!(closed, "the list editor was not reached");
    let saved = ws.read("answers/assess/ks-fb.toml");
    assert!(saved.contains("name = \"Hootsuite\""), "{saved}");
    assert!(saved.contains("name = \"Canva\""), "{saved}");
    assert!(saved.contains("transfer_mechanism = \"dpf\""), "{saved}");
}

/// Issue 10 item 3: the channel is a pick list of the workspace's accounts; with none the
/// run stops at that question, keeps what was answered and says how to go on, and the next
/// run resumes.
#[test]
fn photo_channel_is_a_pick_list_and_a_failure_keeps_the_answers() {
    let ws = Workspace::with_preset("sollentuna");
    let term = Terminal::start(&ws, NOW, "photo");
    let mut described = false;
    let screens = term.run(|t, s| {
        if !described && s.contains("Beskriv bilden") {
            t.text("Skolavslutning i aulan");
            described = true;
        }
        t.keys(&["Enter"]);
    });
    let last = screens.last().unwrap();
    assert!(last.contains("EXIT=2"), "screen:\n{last}");
    assert!(
        last.contains("dataskydd account add"),
        "says how to go on:\n{last}"
    );
    assert!(last.contains("sparade"), "{last}");
    let kept = ws.read("answers/photo/.in-progress.toml");
    assert!(kept.contains("Skolavslutning i aulan"), "{kept}");

    ws.run(&[
        "account",
        "add",
        "skola-ig",
        "--platform",
        "instagram",
        "--owner",
        "Barn- och utbildningsnämnden",
        "--name",
        "Skolans Instagram",
    ])
    .ok();
    let term = Terminal::start(&ws, NOW, "photo");
    let mut saw_list = false;
    let screens = term.run(|t, s| {
        if s.contains("Beskriv bilden") && !s.contains("Skolavslutning") {
            panic!("the description was asked again:\n{s}");
        }
        if s.contains("På vilket konto") && s.contains("skola-ig – Skolans Instagram") {
            saw_list = true;
        }
        if asking(s, "Går någon på bilden att identifiera") {
            t.text("n");
        }
        t.keys(&["Enter"]);
    });
    let last = screens.last().unwrap();
    assert!(last.contains("EXIT=0"), "screen:\n{last}");
    assert!(saw_list, "the accounts were not offered as a list");
    assert!(ws.read("publications.csv").contains("skola-ig"));
    assert!(!ws.file("answers/photo/.in-progress.toml").exists());
}

/// Issue 10 item 8: the prompts' own words are Swedish (j/n, the list keys), j is taken for
/// ja, and a multi-choice that needs an answer refuses an empty one.
#[test]
fn prompts_speak_swedish_and_a_required_multi_choice_refuses_nothing() {
    let ws = Workspace::new();
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
    let term = Terminal::start(&ws, NOW, "breach --dry-run");
    let (mut refused, mut chose, mut said_j) = (false, false, false);
    let mut saw_keys = false;
    let screens = term.run(|t, s| {
        if s.contains("Mellanslag väljer") {
            saw_keys = true;
        }
        if asking(s, "Vilka slags personuppgifter") {
            if !refused {
                // Enter with nothing chosen.
                t.keys(&["Enter"]);
                refused = true;
                return;
            }
            if s.contains("välj minst ett") && !chose {
                t.keys(&["Space"]);
                chose = true;
            }
        }
        if asking(s, "Hur många personer") {
            t.text("1");
        }
        // Yes/no questions: the placeholder "j/n" (no default) or "(j/N)"/"(J/n)"; answer "j".
        if s.lines().any(|l| {
            l.starts_with("? ")
                && (l.ends_with("j/n") || (!said_j && (l.contains("(j/N)") || l.contains("(J/n)"))))
        }) {
            t.text("j");
            said_j = true;
        }
        t.keys(&["Enter"]);
    });
    let all = screens.join("\n");
    assert!(
        saw_keys,
        "no Swedish list keys shown:\n{}",
        screens.last().unwrap()
    );
    assert!(
        all.contains("välj minst ett alternativ"),
        "the empty choice was not refused"
    );
    assert!(said_j, "no j/n prompt was shown");
    assert!(
        all.contains("? ja") || all.contains(" ja\n") || all.contains(" ja"),
        "j was not read as ja"
    );
    let last = screens.last().unwrap();
    assert!(last.contains("EXIT=0"), "screen:\n{last}");
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
