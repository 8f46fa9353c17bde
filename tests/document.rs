//! The sample record (tests/fixtures) checked with the external PDF tools a reader or an
//! archive would use: poppler's pdftotext, pdffonts, pdfinfo, pdfdetach, and qpdf.

use std::path::Path;
use std::process::{Command, Output};

use dataskydd::document::{render_pdf, render_template, Attachment, Meta, Relationship};

const TEMPLATE: &str = include_str!("fixtures/sample_record.hbs");
const DATA: &str = include_str!("fixtures/sample_record.json");
const ANSWERS: &str = include_str!("fixtures/sample_answers.toml");

fn sample() -> (Vec<u8>, Vec<Attachment>) {
    let data: serde_json::Value = serde_json::from_str(DATA).unwrap();
    let markup = render_template(TEMPLATE, &data).unwrap();
    let meta = Meta {
        title: "Dataskyddsbedömning av Sollentuna kommun – Kultur & fritid".into(),
        subject: "Bedömning av dataskyddet för ett konto i sociala medier".into(),
        author: "Åsa Öberg, dataskyddsombud".into(),
        keywords: vec!["dataskydd".into(), "sociala medier".into()],
        lang: "sv".into(),
        creator: "dataskydd".into(),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:30:00+01:00").unwrap(),
    };
    let attachments = vec![
        Attachment {
            name: "answers.toml".into(),
            mime: "application/toml".into(),
            description: "Svaren som bedömningen bygger på".into(),
            bytes: ANSWERS.as_bytes().to_vec(),
            relationship: Relationship::Source,
        },
        Attachment {
            name: "result.json".into(),
            mime: "application/json".into(),
            description: "Bedömningens resultat".into(),
            bytes: DATA.as_bytes().to_vec(),
            relationship: Relationship::Data,
        },
    ];
    let pdf = render_pdf(&markup, &meta, &attachments).unwrap();
    (pdf, attachments)
}

/// Runs an external tool; a missing tool fails the test with how to install it.
fn run(tool: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{tool}` is not installed; these tests need it: apt-get install poppler-utils qpdf"
        ),
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

fn stdout_ok(tool: &str, args: &[&str]) -> String {
    let out = run(tool, args);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.trim().is_empty(),
        "{tool} {args:?} complained: {stderr}"
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

fn write_sample(dir: &Path) -> (String, Vec<u8>, Vec<Attachment>) {
    let (pdf, attachments) = sample();
    let path = dir.join("bedömning.pdf");
    std::fs::write(&path, &pdf).unwrap();
    (path.to_str().unwrap().to_string(), pdf, attachments)
}

#[test]
fn sample_record_passes_the_pdf_tools() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pdf, attachments) = write_sample(dir.path());
    let path = path.as_str();

    // Size.
    assert!(pdf.len() <= 100 * 1024, "{} bytes", pdf.len());

    // Structure.
    let check = run("qpdf", &["--check", path]);
    let report = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "qpdf --check: {report}");
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{report}"
    );
    assert!(!report.to_lowercase().contains("warning"), "{report}");

    let info = stdout_ok("pdfinfo", &[path]);
    assert!(info.contains("Pages:           3"), "{info}");
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );
    assert!(
        info.contains("Author:          Åsa Öberg, dataskyddsombud"),
        "{info}"
    );

    // Fonts: embedded, subset (tag prefix), with a ToUnicode map.
    let fonts = stdout_ok("pdffonts", &[path]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name, type (2 words), encoding, emb, sub, uni, object, gen
        assert_eq!(&cols[4..7], ["yes", "yes", "yes"], "{fonts}");
        let (tag, name) = cols[0].split_once('+').expect("subset tag");
        assert!(tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()));
        assert!(name.starts_with("LiberationSans"));
    }

    // Text: Swedish exactly, whole words, reading order.
    let text = stdout_ok("pdftotext", &[path, "-"]);
    // Phrases may wrap: compare with line breaks as spaces.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Dataskyddsbedömning av Sollentuna kommun",
        "personuppgiftsansvarig",
        "Dataskyddsförordningen art. 26",
        "5 § lagen (1998:112)",
        "skäligen kan begäras – i praktiken",
        "”Insights”",
        "Åsa Öberg, dataskyddsombud",
        "KS 2026/0412 §",
        "Rättsläget är oklart.",
        "EU–US Data Privacy Framework",
        "Kommunikationsenheten",
        "Sida 1 av 3",
        "Sida 3 av 3",
    ] {
        assert!(text.contains(want), "pdftotext lacks {want:?}:\n{text}");
    }
    for mojibake in ["Ã", "Â", "\u{FFFD}"] {
        assert!(!text.contains(mojibake), "mojibake {mojibake:?}");
    }
    let order = [
        "Organisation",
        "Sammanfattning.",
        "1. Personuppgiftsansvar",
        "2. Överföring till tredjeland",
        "3. Åtgärder",
        "Publicera en integritetspolicy",
        "Ny bedömning efter större",
        "Rättskällor",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|s| text.find(s).unwrap_or_else(|| panic!("{s} missing")))
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "reading order {order:?}: {at:?}"
    );

    // The table spans pages 2 and 3 and repeats its header.
    for page in ["2", "3"] {
        let t = stdout_ok("pdftotext", &["-f", page, "-l", page, path, "-"]);
        assert!(
            t.contains("Rättslig grund"),
            "page {page}: header not repeated"
        );
    }

    // Embedded files: listed, and saved back byte for byte.
    let list = stdout_ok("pdfdetach", &["-list", path]);
    assert!(list.contains("2 embedded files"), "{list}");
    for a in &attachments {
        assert!(list.contains(&a.name), "{list}");
    }
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    stdout_ok(
        "pdfdetach",
        &["-saveall", "-o", out.to_str().unwrap(), path],
    );
    for a in &attachments {
        assert_eq!(
            std::fs::read(out.join(&a.name)).unwrap(),
            a.bytes,
            "{}",
            a.name
        );
    }
}

#[test]
fn sample_record_renders_to_images() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = write_sample(dir.path());
    let prefix = dir.path().join("p");
    stdout_ok(
        "pdftoppm",
        &["-png", "-r", "30", &path, prefix.to_str().unwrap()],
    );
    for n in 1..=3 {
        let png = dir.path().join(format!("p-{n}.png"));
        assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    }
}

#[test]
fn awkward_input_stays_valid() {
    let title = "En mycket lång titel om dataskyddet för ett kommunalt konto på en plattform i sociala medier – med “citat”, § och åäö ÅÄÖ, som aldrig tar slut";
    let mut m = format!("# {title}\n!kv En ovanligt lång etikett som måste radbrytas | värde 🌟 och https://example.org/en/mycket/lång/adress/utan/mellanslag/alls\n\n");
    m.push_str("## Bred tabell\n| A | B | C | D | E | F | G | H |\n");
    for i in 0..3 {
        m.push_str(&format!(
            "| {i} | personuppgiftsansvarig | Dataskyddsförordningen | x | y | z | längre text | sista |\n"
        ));
    }
    m.push_str(&format!(
        "\n## Hög rad\n| Nr | Text |\n| 1 | {} |\n| 2 | kort |\n\n",
        "Ett långt stycke text som upprepas. ".repeat(300)
    ));
    m.push_str(&format!("> {}\n\n", "En lång varning. ".repeat(400)));
    m.push_str(&"- punkt\n".repeat(40));
    let meta = Meta {
        title: title.into(),
        subject: "x".repeat(300),
        author: "Åsa".into(),
        keywords: vec!["ä".repeat(200)],
        lang: "en".into(),
        creator: "test".into(),
        created: chrono::DateTime::parse_from_rfc3339("2026-03-29T01:59:59-00:30").unwrap(),
    };
    let files = vec![Attachment {
        name: "svar för bedömning.toml".into(),
        mime: "application/toml".into(),
        description: "Svar".into(),
        bytes: b"a = 1\n".to_vec(),
        relationship: Relationship::Source,
    }];
    let pdf = render_pdf(&m, &meta, &files).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("awkward.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let path = path.to_str().unwrap();

    let check = run("qpdf", &["--check", path]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let info = stdout_ok("pdfinfo", &[path]);
    assert!(
        info.contains(&format!("Title:           {title}")),
        "{info}"
    );
    stdout_ok("pdffonts", &[path]);
    let text = stdout_ok("pdftotext", &[path, "-"]);
    assert!(text.contains("Page 1 of"), "{text}");
    assert!(
        text.contains("värde ? och"),
        "a glyph the font lacks becomes '?'"
    );
    let list = stdout_ok("pdfdetach", &["-list", path]);
    assert!(list.contains("svar för bedömning.toml"), "{list}");
}
