//! Issue 10 item 12: `consent import` and `account import` read what Swedish Excel saves
//! (`;` or `,`, BOM or not, Windows-1252 or UTF-8, Swedish column names and values) and
//! the tool's own `consent export --excel` file; `export --excel` writes Swedish.

use crate::consent::{setup, CH};
use crate::test::Workspace;

/// The bytes Excel's "CSV (semikolonavgränsad)" writes on Swedish Windows: Windows-1252,
/// which for å ä ö é is Latin-1 (å = 0xE5).
fn cp1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            let n = c as u32;
            assert!(
                n <= 0xFF && !(0x80..0xA0).contains(&n),
                "{c} in a test file"
            );
            n as u8
        })
        .collect()
}

fn write_bytes(ws: &Workspace, name: &str, bytes: &[u8]) {
    std::fs::write(ws.file(name), bytes).unwrap();
}

fn consents(ws: &Workspace) -> Vec<serde_json::Value> {
    ws.run(&["consent", "list", "--json"]).ok().json()["consents"]
        .as_array()
        .unwrap()
        .clone()
}

const SV_HEADER: &str = "Elev;Roll;Födelseår;Lämnat av;Vårdnadshavare;Ändamål;Kanal;Medier;Giltigt från;Giltigt till;Underlag\r\n";

#[test]
fn windows_1252_semicolons_and_swedish_words() {
    let ws = setup("gdpr");
    let file = format!(
        "{SV_HEADER}elev-1;elev;2016;vårdnadshavare;Åsa Öberg;Information om verksamheten, evenemang;{CH};Foto, Film;2026-08-01;2027-06-30;Dnr 2026:1\r\nelev-2;Elev;2012;personen själv;Ärla Ek;evenemang;{CH};bild;2026-08-01;2027-06-30;Dnr 2026:2\r\n;;;;;;;;;;\r\n"
    );
    let bytes = cp1252(&file);
    assert!(bytes.contains(&0xE5) && std::str::from_utf8(&bytes).is_err());
    write_bytes(&ws, "klass.csv", &bytes);
    let j = ws
        .run(&["consent", "import", "klass.csv", "--json"])
        .ok()
        .json();
    assert_eq!(j["imported"], 2, "{j}");
    let all = consents(&ws);
    let first = all.iter().find(|c| c["subject"] == "elev-1").unwrap();
    assert_eq!(first["giver"], "Åsa Öberg");
    assert_eq!(first["role"], "pupil");
    assert_eq!(first["given_by"], "guardian");
    assert_eq!(
        first["purposes"],
        serde_json::json!(["inform_activity", "event"])
    );
    assert_eq!(first["media"], serde_json::json!(["photo", "video"]));
    let second = all.iter().find(|c| c["subject"] == "elev-2").unwrap();
    assert_eq!(second["given_by"], "subject");
    assert_eq!(second["giver"], "Ärla Ek");
    // The same file again: already imported (SHA-256 of its bytes), nothing written.
    let before = ws.bytes("consents.csv");
    let j = ws
        .run(&["consent", "import", "klass.csv", "--json"])
        .ok()
        .json();
    assert_eq!(j["already_imported"], true);
    assert_eq!(ws.bytes("consents.csv"), before);
    ws.run(&["consent", "verify"]).ok();
}

#[test]
fn utf8_with_bom_and_semicolons_contract_names() {
    let ws = setup("gdpr");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(format!("subject;role;birth_year;given_by;giver;purpose;channel;media;valid_from;valid_until;evidence\r\nelev-1;pupil;2016;guardian;Åsa Öberg;inform_activity,event;{CH};photo;2026-08-01;2027-06-30;Dnr 1\r\n").as_bytes());
    write_bytes(&ws, "utf8.csv", &bytes);
    ws.run(&["consent", "import", "utf8.csv"])
        .ok()
        .stdout_has("1 samtycke importerat");
    assert_eq!(consents(&ws)[0]["giver"], "Åsa Öberg");
    // UTF-8 without BOM, commas, Swedish headers.
    let ws = setup("gdpr");
    let file = format!("person,roll,födelseår,lämnat av,undertecknat av,ändamål,kanal,medier,giltigt från,giltigt till,underlag\nelev-1,barn,2020,vårdnadshavare,Örjan Å,\"marknadsföring,evenemang\",{CH},\"bild,röst\",2026-08-01,2027-06-30,Dnr 1\n");
    write_bytes(&ws, "komma.csv", file.as_bytes());
    ws.run(&["consent", "import", "komma.csv"]).ok();
    let c = &consents(&ws)[0];
    assert_eq!(c["giver"], "Örjan Å");
    assert_eq!(c["role"], "child");
    assert_eq!(c["media"], serde_json::json!(["photo", "voice"]));
}

/// A bad row is named by the file, the row as Excel numbers it (header = row 1; a quoted
/// line break does not make a new row) and the column as the file names it; nothing is
/// written.
#[test]
fn bad_row_names_excel_row_and_column() {
    let ws = setup("gdpr");
    let file = format!(
        "{SV_HEADER}elev-1;elev;2016;vårdnadshavare;\"Åsa\r\nÖberg\";evenemang;{CH};bild;2026-08-01;2027-06-30;Dnr 1\r\nelev-2;elev;20x6;vårdnadshavare;Åsa;evenemang;{CH};bild;2026-08-01;2027-06-30;Dnr 2\r\nelev-3;elev;2016;vårdnadshavare;Åsa;evenemang;{CH};målning;2026-08-01;2027-06-30;Dnr 3\r\n"
    );
    write_bytes(&ws, "fel.csv", &cp1252(&file));
    let before = ws.bytes("consents.csv");
    let out = ws.run(&["consent", "import", "fel.csv"]).code(2);
    for s in [
        "fel.csv",
        "rad 2, kolumn 'Vårdnadshavare'",
        "rad 3, kolumn 'Födelseår'",
        "20x6",
        "rad 4, kolumn 'Medier'",
        "målning",
    ] {
        assert!(out.stderr.contains(s), "{s}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("rad 1,"), "{}", out.stderr);
    assert_eq!(ws.bytes("consents.csv"), before);
    // English names the row and column too.
    let out = ws
        .run(&["--lang", "en", "consent", "import", "fel.csv"])
        .code(2);
    assert!(
        out.stderr.contains("row 3, column 'Födelseår'"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.bytes("consents.csv"), before);
}

/// `export --excel` writes Swedish headers and values and dates Excel reads as dates; the
/// export imports again (withdrawn consents are not imported: they are not in force).
#[test]
fn export_is_swedish_and_imports_again() {
    let ws = setup("gdpr");
    let file = format!(
        "{SV_HEADER}elev-1;elev;2016;vårdnadshavare;Åsa Öberg;Information om verksamheten, evenemang;{CH};Foto, Film;2026-08-01;2027-06-30;=Dnr 1\r\nelev-2;elev;2012;personen själv;Ärla Ek;evenemang;{CH};bild;2026-08-01;2027-06-30;Dnr 2\r\nelev-3;elev;2013;vårdnadshavare;Per Ek;evenemang;{CH};bild;2026-08-01;2027-06-30;Dnr 3\r\n"
    );
    write_bytes(&ws, "klass.csv", &cp1252(&file));
    ws.run(&["consent", "import", "klass.csv"]).ok();
    let id3 = consents(&ws)
        .iter()
        .find(|c| c["subject"] == "elev-3")
        .unwrap()["consent_id"]
        .as_str()
        .unwrap()
        .to_string();
    ws.run(&["consent", "withdraw", &id3]).ok();
    ws.run(&["consent", "export", "--excel", "ut.csv"]).ok();
    let bytes = ws.bytes("ut.csv");
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.starts_with("\u{feff}samtyckes-id;status;person;roll;födelseår;lämnat av;undertecknat av;ändamål;kanal;medier;giltigt från;giltigt till;underlag;"),
        "{text}"
    );
    let row = text.lines().find(|l| l.contains("elev-1;")).unwrap();
    for s in [
        ";gäller;elev-1;elev;2016;vårdnadshavare;Åsa Öberg;information om verksamheten, evenemang;",
        ";bild, film;2026-08-01;2027-06-30;'=Dnr 1;",
        ";svenska;undertecknad blankett;",
        "2026-11-20 10:00",
    ] {
        assert!(row.contains(s), "{s}: {row}");
    }
    assert!(!row.contains("pupil") && !row.contains("guardian") && !row.contains("T10:00"));
    assert!(text
        .lines()
        .any(|l| l.contains("elev-3;") && l.contains(";återkallat;")));

    let other = setup("gdpr");
    write_bytes(&other, "ut.csv", &bytes);
    let j = other
        .run(&["consent", "import", "ut.csv", "--json"])
        .ok()
        .json();
    assert_eq!(j["imported"], 2, "{j}");
    assert_eq!(j["skipped_withdrawn"], 1, "{j}");
    let all = consents(&other);
    let c = all.iter().find(|c| c["subject"] == "elev-1").unwrap();
    assert_eq!(c["evidence"], "=Dnr 1");
    assert_eq!(
        c["purposes"],
        serde_json::json!(["inform_activity", "event"])
    );
    assert_eq!(c["media"], serde_json::json!(["photo", "video"]));
    assert_eq!(c["giver"], "Åsa Öberg");
    other
        .run(&["consent", "import", "ut.csv"])
        .ok()
        .stdout_has("redan importerad");
}

#[test]
fn account_import_reads_excel() {
    let ws = Workspace::new();
    let file = "Konto;Plattform;Ägare;Namn;Administratörer\r\nskola-ig;Instagram;Barn- och utbildningsnämnden;Rösjöskolan;2\r\nks-fb;Facebook;Kommunstyrelsen;Kommunen på Facebook;3\r\n";
    write_bytes(&ws, "konton.csv", &cp1252(file));
    ws.run(&["account", "import", "konton.csv"]).ok();
    let a = ws
        .run(&["account", "show", "skola-ig", "--json"])
        .ok()
        .json();
    assert_eq!(a["platform"], "instagram");
    assert_eq!(a["owner"], "Barn- och utbildningsnämnden");
    assert_eq!(a["name"], "Rösjöskolan");
    let a = ws.run(&["account", "show", "ks-fb", "--json"]).ok().json();
    assert_eq!(a["platform"], "facebook_page");

    let before = ws.bytes("accounts.csv");
    let bad = "\u{feff}Konto;Plattform;Ägare\r\nny-ig;instagram;KS\r\nny-fs;Friendster;KS\r\n";
    write_bytes(&ws, "fel.csv", bad.as_bytes());
    let out = ws.run(&["account", "import", "fel.csv"]).code(2);
    for s in ["fel.csv", "rad 3", "'Plattform'", "Friendster"] {
        assert!(out.stderr.contains(s), "{s}: {}", out.stderr);
    }
    assert_eq!(ws.bytes("accounts.csv"), before);
}
