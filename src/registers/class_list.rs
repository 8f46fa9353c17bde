//! The school's class list (`class-list.csv`: which pupil is in which class), uploaded by a
//! principal in the web's class overview and read there to show a class's consents.
//!
//! It is not a register with a chain: it is the school's own list, replaced whole by each
//! upload. It is read the way every import is (`crate::excel`): what Swedish Excel saves
//! (semicolons, Windows-1252 or UTF-8, with or without BOM) and the Swedish column names a
//! school's list has (elev, klass) beside the contract's (subject, class).

use std::path::Path;

use crate::excel;
use crate::i18n::t;

/// The file in the workspace.
pub const FILE: &str = "class-list.csv";

/// The columns and the other names a school's list gives them.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "subject",
        &["elev", "person", "registrerad", "subject id", "elev id"],
    ),
    ("class", &["klass", "grupp", "avdelning"]),
];

/// Every (subject, class) pair of the stored list; an absent or unreadable list is empty
/// (the overview then says no class list is uploaded).
pub fn read(path: &Path) -> Vec<(String, String)> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    parse(&bytes).map(|(pairs, _)| pairs).unwrap_or_default()
}

/// Checks an uploaded class list and gives its pairs and the text to store (the
/// contract's header, commas, UTF-8). Every problem names its line as Excel counts it
/// (the header is line 1).
pub fn parse(bytes: &[u8]) -> Result<(Vec<(String, String)>, String), String> {
    let text = excel::decode_all(bytes);
    let delimiter = excel::sniff_delimiter(text.as_bytes());
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let line_1 = |sv: &str, en: &str| format!("{} 1: {}", t("rad", "line"), t(sv, en));
    let headers = rdr
        .headers()
        .map_err(|e| format!("{} 1: {e}", t("rad", "line")))?
        .clone();
    let cols: Vec<Option<&str>> = headers.iter().map(|h| excel::column(h, COLUMNS)).collect();
    let at = |c: &str| cols.iter().position(|x| *x == Some(c));
    let (Some(si), Some(ci)) = (at("subject"), at("class")) else {
        return Err(line_1(
            "rubrikraden ska ha kolumnerna subject (eller elev) och class (eller klass)",
            "the header must have the columns subject (or elev) and class (or klass)",
        ));
    };
    let mut pairs = Vec::new();
    let mut out = String::from("subject,class\n");
    for (i, r) in rdr.records().enumerate() {
        let line = i + 2;
        let r = r.map_err(|e| format!("{} {line}: {e}", t("rad", "line")))?;
        if r.iter().all(|f| f.trim().is_empty()) {
            continue; // Excel saves empty rows below a list as ";;"
        }
        let s = excel::unguard(r.get(si).unwrap_or("").trim());
        let c = excel::unguard(r.get(ci).unwrap_or("").trim());
        if s.is_empty() || c.is_empty() {
            return Err(t(
                &format!("rad {line}: både elev (subject) och klass (class) behövs"),
                &format!("line {line}: both the subject and the class are needed"),
            ));
        }
        for v in [s, c] {
            crate::ledger::check_field(v)
                .map_err(|e| format!("{} {line}: {e}", t("rad", "line")))?;
        }
        out.push_str(&String::from_utf8_lossy(&crate::ledger::encode_row(&[
            s, c,
        ])));
        pairs.push((s.to_string(), c.to_string()));
    }
    Ok((pairs, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contracts_list_and_swedish_excels_are_read_alike() {
        let ours = parse(b"subject,class\nelev-0101,7B\n").unwrap();
        // Excel with Swedish settings: semicolons, Windows-1252 (0xE5 = å), Swedish names.
        let excel = parse(b"Elev;Klass\r\nelev-0101;7B\r\n;\r\n").unwrap();
        assert_eq!(ours, excel);
        let bom = parse("\u{feff}elev;klass\nÅsa-01;7B\n".as_bytes()).unwrap();
        assert_eq!(bom.0, vec![("Åsa-01".to_string(), "7B".to_string())]);
        let cp1252 = parse(b"elev;klass\n\xc5sa-01;7B\n").unwrap();
        assert_eq!(cp1252.0, bom.0);
    }

    #[test]
    fn problems_name_the_line_excel_shows() {
        let e = parse(b"namn;klass\nx;7B\n").unwrap_err();
        assert!(e.starts_with("rad 1:") || e.starts_with("line 1:"), "{e}");
        let e = parse(b"elev;klass\nelev-1;7B\nelev-2;\n").unwrap_err();
        assert!(e.starts_with("rad 3:") || e.starts_with("line 3:"), "{e}");
    }
}
