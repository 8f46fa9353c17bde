//! Issue 10 items 6 and 8 on the terminal: the summaries of `assess`, `photo`, `breach`,
//! `account show|list`, `consent list`, `action list` and the demo speak the records'
//! words (Swedish by default, English with `--lang en`): no enum slugs, no `true`/`false`,
//! no `Allowed (Consent)`, codes only beside a title; "USA", "EU-domstolen", decimal comma,
//! plural forms. `--json` keeps the codes (tests/contract.rs).

use crate::test::Workspace;

/// What must never be the words of a Swedish summary.
const NOT_SWEDISH: &[&str] = &[
    "true",
    "false",
    " medium",
    " high\n",
    " low\n",
    "facebook_page",
    "processor",
    "Allowed",
    "NotAllowed",
    "Consent)",
    "PublicTask",
    "(guardian)",
    "(subject)",
    "inform_activity",
    "photo,video",
    " active ",
    " withdrawn ",
    " expired ",
    " should ",
    " must ",
    "CJEU",
    ", US)",
    "1 publiceringar",
    "not_needed",
    "  pupil  ",
    "admins:",
    "responsible:",
];

fn demo() -> (Workspace, String) {
    let ws = Workspace::empty();
    let d = ws.file("demo");
    let out = ws.run(&["--workspace", d.to_str().unwrap(), "demo"]).ok();
    (ws, out.stdout)
}

fn run(ws: &Workspace, lang: &str, args: &[&str]) -> String {
    let d = ws.file("demo");
    let mut all = vec!["--workspace", d.to_str().unwrap(), "--lang", lang];
    all.extend_from_slice(args);
    ws.run(&all).ok().stdout
}

fn answers(ws: &Workspace, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(ws.file(&format!("demo/answers/{kind}")))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    v.sort();
    v
}

fn no_slugs(what: &str, text: &str) {
    for s in NOT_SWEDISH {
        assert!(!text.contains(s), "{what} shows {s:?}:\n{text}");
    }
}

#[test]
fn summaries_speak_the_records_words() {
    let (ws, demo_out) = demo();
    no_slugs("demo", &demo_out);
    assert!(demo_out.contains("1 publicering ska tas ned"), "{demo_out}");
    assert!(demo_out.contains(" medel "), "{demo_out}");

    let mut all = String::new();
    for args in [
        vec!["account", "list"],
        vec!["account", "show", "nykoping-fb"],
        vec!["consent", "list"],
        vec!["action", "list"],
    ] {
        let out = run(&ws, "sv", &args);
        no_slugs(&args.join(" "), &out);
        all.push_str(&out);
    }
    for w in [
        "Facebook-sida",
        "medel",
        "administratörer: 2",
        "vårdnadshavare",
        "information om verksamheten, evenemang",
        "bild, film",
        "gäller",
        "återkallat",
        "bör",
        "20 november 2026 kl. 10.00",
    ] {
        assert!(all.contains(w), "{w} missing:\n{all}");
    }

    let mut assess = String::new();
    for f in answers(&ws, "assess") {
        let id = std::path::Path::new(&f)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let out = run(
            &ws,
            "sv",
            &[
                "assess",
                &id,
                "--answers",
                &f,
                "--dry-run",
                "--allow-unknown-owner",
            ],
        );
        no_slugs(&f, &out);
        assess.push_str(&out);
    }
    for w in [
        "Gemensamt ansvar med plattformen: ja",
        "Ansvar för besökarnas innehåll: fullt",
        "personuppgiftsbiträde: Biträdesavtal finns",
        "Nämnden är ensam personuppgiftsansvarig   [CTRL-SINGLE]",
        "EU-domstolen C-",
        "(Meta Platforms, Inc., USA)",
    ] {
        assert!(assess.contains(w), "{w} missing:\n{assess}");
    }
    // A code is never the first word of a line.
    for l in assess.lines() {
        let first = l.split_whitespace().next().unwrap_or("");
        assert!(
            !(first.len() > 3
                && first
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '-' || c == ':')),
            "a code as the main text: {l}"
        );
    }

    let mut photo = String::new();
    for f in answers(&ws, "photo") {
        let out = run(&ws, "sv", &["photo", "--answers", &f, "--dry-run"]);
        no_slugs(&f, &out);
        photo.push_str(&out);
    }
    for w in [
        "Lagen: får publiceras (grund: samtycke (art. 6.1 a))",
        "Lokal policy (Sollentuna): får inte publiceras",
        "samtycke: giltigt",
        "samtycke: behövs inte",
        "  elev-0042  elev  ",
    ] {
        assert!(photo.contains(w), "{w} missing:\n{photo}");
    }

    let mut breach = String::new();
    for f in answers(&ws, "breach") {
        let out = run(&ws, "sv", &["breach", "--answers", &f, "--dry-run"]);
        no_slugs(&f, &out);
        breach.push_str(&out);
    }
    for w in [
        "4,5",
        "De registrerade underrättas: ja",
        "EU-domstolen C-492/23",
    ] {
        assert!(breach.contains(w), "{w} missing:\n{breach}");
    }
}

#[test]
fn summaries_in_english_with_lang_en() {
    let (ws, _) = demo();
    let f = answers(&ws, "assess")
        .into_iter()
        .find(|f| f.ends_with("nykoping-fb.toml"))
        .unwrap();
    let out = run(
        &ws,
        "en",
        &["assess", "nykoping-fb", "--answers", &f, "--dry-run"],
    );
    for w in [
        "Joint controllership with the platform: yes",
        "processor: Data processing agreement in place",
        "The committee is sole controller   [CTRL-SINGLE]",
        "Sources: ",
    ] {
        assert!(out.contains(w), "{w} missing:\n{out}");
    }
    assert!(
        !out.contains("true") && !out.contains("Slutsatser"),
        "{out}"
    );
    let out = run(&ws, "en", &["account", "show", "nykoping-fb"]);
    assert!(
        out.contains("(Facebook page)") && out.contains("administrators: 2"),
        "{out}"
    );
    let out = run(&ws, "en", &["consent", "list"]);
    assert!(
        out.contains("(guardian)") && out.contains("photo, video"),
        "{out}"
    );
    let mut photo = String::new();
    for f in answers(&ws, "photo") {
        photo.push_str(&run(&ws, "en", &["photo", "--answers", &f, "--dry-run"]));
    }
    assert!(
        photo.contains("The law: may be published (basis: consent (Art. 6(1)(a)))"),
        "{photo}"
    );
    assert!(!photo.contains("Allowed ("), "{photo}");
}
