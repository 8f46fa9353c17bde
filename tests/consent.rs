//! The consent register through the real binary.

use crate::test::Workspace;

pub const CH: &str = "sollentuna-skola-ig";

pub fn setup(preset: &str) -> Workspace {
    let ws = Workspace::with_preset(preset);
    ws.run(&[
        "account",
        "add",
        CH,
        "--platform",
        "instagram",
        "--owner",
        "Barn- och utbildningsnämnden",
    ])
    .ok();
    ws
}

pub fn add_args<'a>(subject: &'a str, by: &'a str, year: &'a str) -> Vec<&'a str> {
    vec![
        "consent",
        "add",
        "--subject",
        subject,
        "--role",
        "pupil",
        "--birth-year",
        year,
        "--given-by",
        by,
        "--giver",
        "Vårdnadshavare",
        "--purpose",
        "inform_activity,event",
        "--channel",
        CH,
        "--media",
        "photo",
        "--valid-from",
        "2026-08-01",
        "--valid-until",
        "2027-06-30",
        "--evidence",
        "Dnr 1",
        "--json",
    ]
}

pub fn add(ws: &Workspace, subject: &str, by: &str, year: &str) -> String {
    let out = ws.run(&add_args(subject, by, year)).ok();
    out.json()["consent_id"].as_str().unwrap().to_string()
}

fn check(ws: &Workspace, subject: &str, on: &str) -> (i32, serde_json::Value) {
    let out = ws.run(&[
        "consent",
        "check",
        "--subject",
        subject,
        "--purpose",
        "inform_activity",
        "--channel",
        CH,
        "--on",
        on,
        "--json",
    ]);
    let j = out.json();
    (out.code, j)
}

#[test]
fn add_check_list_every_status() {
    let ws = setup("gdpr");
    let id = add(&ws, "elev-1", "guardian", "2016");
    assert!(id.starts_with("c-"));
    assert!(ws.file(&format!("output/consent-{id}.pdf")).exists());
    let (code, j) = check(&ws, "elev-1", "2026-11-20");
    assert_eq!((code, j["status"].as_str().unwrap()), (0, "valid"));
    assert_eq!(j["consent_ids"][0], id.as_str());
    assert_eq!(check(&ws, "elev-1", "2027-07-01").1["status"], "expired");
    assert_eq!(
        check(&ws, "elev-1", "2026-07-01").1["status"],
        "not_yet_valid"
    );
    let (code, j) = check(&ws, "elev-2", "2026-11-20");
    assert_eq!((code, j["status"].as_str().unwrap()), (1, "missing"));
    let out = ws.run(&[
        "consent",
        "check",
        "--subject",
        "elev-1",
        "--purpose",
        "marketing",
        "--channel",
        CH,
        "--json",
    ]);
    assert_eq!(
        (out.code, out.json()["status"].as_str().unwrap()),
        (1, "out_of_scope")
    );
    ws.run(&[
        "consent",
        "withdraw",
        &id,
        "--at",
        "2026-11-10T08:00:00+01:00",
        "--via",
        "e-post",
    ])
    .ok();
    assert_eq!(check(&ws, "elev-1", "2026-11-20").1["status"], "withdrawn");
    assert_eq!(check(&ws, "elev-1", "2026-11-09").1["status"], "valid");
    let l = ws
        .run(&["consent", "list", "--status", "withdrawn", "--json"])
        .ok()
        .json();
    assert_eq!(l["consents"].as_array().unwrap().len(), 1);
    let csv = ws.run(&["consent", "list", "--csv"]).ok();
    assert!(csv.stdout.starts_with("consent_id,state,"));
    ws.run(&["consent", "verify"]).ok();
}

#[test]
fn withdrawal_lists_the_takedown() {
    let ws = setup("gdpr");
    let id = add(&ws, "elev-9", "guardian", "2016");
    ws.write(
        "bild.toml",
        "channel = \"sollentuna-skola-ig\"\npurpose = \"inform_activity\"\npublished_on = 2026-11-23\nidentifiable = true\nin_focus = true\n[[people]]\nref = \"elev-9\"\nrole = \"pupil\"\nage = 9\n",
    );
    let d = ws
        .run(&["photo", "--answers", "bild.toml", "--json"])
        .ok()
        .json();
    assert_eq!(d["decision"], "allowed");
    let pid = d["publication_id"].as_str().unwrap().to_string();
    let w = ws
        .run(&["consent", "withdraw", &id, "--via", "telefon", "--json"])
        .ok()
        .json();
    assert_eq!(w["consent_id"], id.as_str());
    assert_eq!(w["takedown"][0]["publication_id"], pid.as_str());
    assert_eq!(w["takedown"][0]["channel"], CH);
    assert_eq!(w["takedown"][0]["published_on"], "2026-11-23");
    assert!(w["takedown"][0]["file"].as_str().unwrap().ends_with(".pdf"));
    // Withdrawing twice, or an unknown id: exit 2, register unchanged.
    let before = ws.bytes("consents.csv");
    ws.run(&["consent", "withdraw", &id])
        .code(2)
        .stderr_has(&id);
    ws.run(&["consent", "withdraw", "c-0000000000000000"])
        .code(2)
        .stderr_has("CONSENT_ID");
    assert_eq!(before, ws.bytes("consents.csv"));
    // The extract holds the consent, its withdrawal and the publication.
    let x = ws
        .run(&["consent", "extract", "--subject", "elev-9", "--json"])
        .ok()
        .json();
    assert_eq!(x["consents"][0]["withdrawal"]["withdrawn_via"], "telefon");
    assert_eq!(x["publications"][0]["publication_id"], pid.as_str());
    assert!(std::path::Path::new(x["file"].as_str().unwrap()).exists());
    ws.run(&["consent", "extract", "--subject", "elev-9"])
        .ok()
        .stdout_has(&pid);
}

#[test]
fn bad_input_exits_2_naming_the_field_register_unchanged() {
    let ws = setup("gdpr");
    add(&ws, "elev-1", "guardian", "2016");
    let before = ws.bytes("consents.csv");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("--channel", "okänd-kanal")], "--channel"),
        (vec![("--birth-year", "2031")], "--birth-year"),
        (vec![("--valid-until", "2026-01-01")], "--valid-until"),
        (vec![("--role", "rektor")], "--role"),
        (vec![("--purpose", "reklam")], "--purpose"),
        (vec![("--media", "lukt")], "--media"),
        (vec![("--valid-from", "1 aug")], "--valid-from"),
    ];
    for (changes, field) in cases {
        let mut args = add_args("elev-1", "guardian", "2016");
        for (opt, v) in &changes {
            let i = args.iter().position(|a| a == opt).unwrap();
            args[i + 1] = v;
        }
        ws.run(&args).code(2).stderr_has(field);
        assert_eq!(before, ws.bytes("consents.csv"), "{field}");
    }
}

#[test]
fn tamper_is_found_at_its_line() {
    let ws = setup("gdpr");
    for i in 0..4 {
        add(&ws, &format!("elev-{i}"), "guardian", "2016");
    }
    ws.run(&["consent", "verify"]).ok();
    let s = ws.read("consents.csv");
    ws.write("consents.csv", &s.replacen("elev-2", "elev-7", 1));
    ws.run(&["consent", "verify"]).code(1).stderr_has("4");
    ws.run(&["--lang", "en", "consent", "verify"])
        .code(1)
        .stderr_has("line 4");
}

#[test]
fn torn_last_line_is_repaired_nothing_lost() {
    let ws = setup("gdpr");
    add(&ws, "elev-1", "guardian", "2016");
    let good = ws.bytes("consents.csv");
    let mut torn = good.clone();
    torn.extend_from_slice(b"c-deadbeef,given,2026-11-20T10:00:00+01:00,elev-");
    std::fs::write(ws.file("consents.csv"), &torn).unwrap();
    ws.run(&["consent", "verify"]).ok();
    assert_eq!(
        ws.run(&["consent", "list", "--json"]).ok().json()["consents"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let out = ws
        .cmd(
            &add_args("elev-2", "guardian", "2016")
                [..add_args("elev-2", "guardian", "2016").len() - 1],
        )
        .run()
        .ok();
    assert!(out.stderr.contains("consents.csv.torn"), "{}", out.stderr);
    let after = ws.bytes("consents.csv");
    assert!(after.starts_with(&good));
    assert!(ws.read("consents.csv.torn").contains("c-deadbeef"));
    ws.run(&["consent", "verify"]).ok().stdout_has("2");
}

#[test]
fn concurrent_writers_lose_nothing() {
    let ws = setup("gdpr");
    let bin = crate::test::BIN;
    let dir = ws.path().to_path_buf();
    let handles: Vec<_> = (0..8)
        .map(|w| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let subject = format!("w{w}-{i}");
                    let args = add_args(&subject, "guardian", "2016");
                    let st = std::process::Command::new(bin)
                        .args(&args)
                        .current_dir(&dir)
                        .env("DATASKYDD_NOW", crate::test::NOW)
                        .output()
                        .unwrap();
                    assert!(
                        st.status.success(),
                        "{}",
                        String::from_utf8_lossy(&st.stderr)
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let v = ws.run(&["consent", "verify", "--json"]).ok().json();
    assert_eq!(v["rows"], 400);
    let l = ws.run(&["consent", "list", "--json"]).ok().json();
    let mut ids: Vec<String> = l["consents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["consent_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 400);
}

#[test]
fn import_all_or_nothing_and_excel_export() {
    let ws = setup("gdpr");
    let header = "subject,role,birth_year,given_by,giver,purpose,channel,media,valid_from,valid_until,evidence\n";
    ws.write(
        "bad.csv",
        &format!("{header}elev-1,pupil,2016,guardian,VH,\"inform_activity,event\",{CH},photo,2026-08-01,2027-06-30,Dnr 1\nelev-2,pupil,2040,guardian,VH,inform_activity,{CH},photo,2026-08-01,2027-06-30,Dnr 2\nelev-3,pupil,2016,guardian,VH,inform_activity,nope,photo,2026-08-01,2025-06-30,Dnr 3\n"),
    );
    let before = ws.bytes("consents.csv");
    let out = ws.run(&["consent", "import", "bad.csv"]).code(2);
    for s in ["line 3", "birth_year", "line 4", "channel", "valid_until"] {
        let s = s.replace("line", "rad");
        assert!(out.stderr.contains(&s), "{s}: {}", out.stderr);
    }
    assert_eq!(before, ws.bytes("consents.csv"));
    ws.write(
        "good.csv",
        &format!("{header}elev-1,pupil,2016,guardian,Åsa Öberg,\"inform_activity,event\",{CH},\"photo,video\",2026-08-01,2027-06-30,=Dnr 1\nelev-2,pupil,2012,subject,Elev 2,inform_activity,{CH},photo,2026-08-01,2027-06-30,Dnr 2\n"),
    );
    let j = ws
        .run(&["consent", "import", "good.csv", "--json"])
        .ok()
        .json();
    assert_eq!(j["imported"], 2);
    ws.run(&["consent", "verify"]).ok();
    ws.run(&["consent", "export", "--excel", "ut.csv"]).ok();
    let bytes = ws.bytes("ut.csv");
    // Issue 10 item 12: the export's header is Swedish (tests/excel.rs checks it whole).
    assert!(bytes.starts_with("\u{feff}samtyckes-id;status;".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\r\n") && text.contains("Åsa Öberg") && text.contains("'=Dnr 1"));
}

/// CONTRACT: `--json` prints exactly one JSON object, also when the check says no (exit 1).
#[test]
fn broken_chain_with_json_is_one_object_naming_the_line() {
    let ws = setup("gdpr");
    for i in 0..3 {
        add(&ws, &format!("elev-{i}"), "guardian", "2016");
    }
    let s = ws.read("consents.csv");
    ws.write("consents.csv", &s.replacen("elev-1", "elev-9", 1));
    for lang in ["sv", "en"] {
        let v = ws
            .run(&["--lang", lang, "consent", "verify", "--json"])
            .code(1)
            .json();
        assert_eq!(v["valid"], false);
        assert_eq!(v["line"], 3);
        assert!(v["error"].as_str().unwrap().contains("consents.csv"));
    }
}
