//! The e-archive package: a year's signed records and the registers, as an FGS
//! Paketstruktur 2.0 submission information package (= E-ARK CSIP 2.1 + SIP 2.1), and the
//! check of such a package years later.
//!
//! Layout (the CSIP folder structure):
//!
//! ```text
//! DIR/METS.xml                               package METS: agents, PREMIS ref, file groups, struct map
//! DIR/metadata/preservation/premis.xml       PREMIS 3: each file's fixity, each signature's and chain's check
//! DIR/documentation/register-heads.json      each register's rows and verified chain head
//! DIR/documentation/README.txt               what the package holds (Swedish and English)
//! DIR/schemas/mets.xsd, xlink.xsd
//! DIR/representations/rep1/METS.xml          the representation's files with SHA-256 and size
//! DIR/representations/rep1/data/records/*.pdf      signed PDF/A-3b records
//! DIR/representations/rep1/data/registers/*.csv    the registers, byte for byte
//! ```
//!
//! Export refuses a record whose signature does not hold and a register whose chain is
//! broken (an archive must not take in a damaged original unnoticed), writes into a hidden
//! sibling folder and renames it into place, so a failed export leaves nothing half-done.
//! [`verify`] re-reads every METS, re-hashes every file, finds files added or missing, and
//! re-checks every record's signature and every register's chain against the recorded head.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Serialize;

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::ledger;
use crate::signing;
use crate::workspace::Workspace;

/// The registers a workspace keeps, in the order they are packed.
const REGISTERS: &[&str] = &[
    "accounts.csv",
    "assessments.csv",
    "consents.csv",
    "publications.csv",
    "breaches.csv",
];

static METS_XSD: &[u8] = include_bytes!("schemas/mets.xsd");
static XLINK_XSD: &[u8] = include_bytes!("schemas/xlink.xsd");

/// One register as packed: its rows and, when it is hash-chained, the verified head.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct RegisterHead {
    pub file: String,
    pub rows: usize,
    /// SHA-256 of the last row (hex); `None` for a register without a chain (accounts).
    pub chain_head: Option<String>,
    pub sha256: String,
}

/// What [`export`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub dir: PathBuf,
    pub objid: String,
    pub year: i32,
    pub records: usize,
    pub registers: Vec<RegisterHead>,
    pub files: usize,
}

/// What [`verify`] found; `problems` empty means the package holds.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub objid: String,
    pub files: usize,
    pub signatures: usize,
    pub chains: usize,
    pub problems: Vec<String>,
}

/// A file in the package: where it is, its bytes' digest and size, and its METS entry.
struct Entry {
    /// Path relative to the METS file that lists it.
    href: String,
    mime: &'static str,
    size: usize,
    sha256: String,
    created: String,
    format: Format,
}

/// PRONOM identification of a file's format (`sip:FILEFORMAT*`).
#[derive(Clone, Copy)]
enum Format {
    PdfA3b,
    Csv,
    Xml,
    Json,
    Text,
}

impl Format {
    fn of(name: &str) -> Format {
        match name.rsplit('.').next() {
            Some("pdf") => Format::PdfA3b,
            Some("csv") => Format::Csv,
            Some("xml") | Some("xsd") => Format::Xml,
            Some("json") => Format::Json,
            _ => Format::Text,
        }
    }
    fn mime(self) -> &'static str {
        match self {
            Format::PdfA3b => "application/pdf",
            Format::Csv => "text/csv",
            Format::Xml => "application/xml",
            Format::Json => "application/json",
            Format::Text => "text/plain",
        }
    }
    /// (name, version, PRONOM key)
    fn pronom(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Format::PdfA3b => ("PDF/A-3b", "3b", "fmt/480"),
            Format::Csv => ("Comma Separated Values", "RFC 4180", "x-fmt/18"),
            Format::Xml => ("Extensible Markup Language", "1.0", "fmt/101"),
            Format::Json => ("JSON Data Interchange Format", "RFC 8259", "fmt/817"),
            Format::Text => ("Plain Text File", "UTF-8", "x-fmt/111"),
        }
    }
}

fn export_error(msg_sv: String, msg_en: String) -> Error {
    Error::CheckFailed(t(&msg_sv, &msg_en))
}

/// Writes the package of `year` (the records signed that year, Swedish time, and the
/// registers) into `out`, which must not exist or be an empty folder.
pub fn export(
    ws: &Workspace,
    year: i32,
    out: &Path,
    now: DateTime<FixedOffset>,
) -> Result<Exported> {
    if out.exists() {
        let empty = std::fs::read_dir(out).at(out)?.next().is_none();
        if !empty {
            return Err(Error::input(t(
                &format!(
                    "{} finns redan och är inte tom; ange en ny mapp med --out",
                    out.display()
                ),
                &format!(
                    "{} already exists and is not empty; give a new folder with --out",
                    out.display()
                ),
            ))
            .field("--out"));
        }
    }

    // 1. The year's records, each with a signature that holds.
    let mut records: Vec<(String, Vec<u8>, signing::Verification)> = Vec::new();
    let outdir = ws.output_dir();
    let mut names: Vec<PathBuf> = match std::fs::read_dir(&outdir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io(&outdir, e)),
    };
    names.sort();
    for p in names {
        let bytes = std::fs::read(&p).at(&p)?;
        let v = signing::verify_pdf(&bytes).map_err(|e| {
            export_error(
                format!(
                    "{}: signaturen håller inte ({e}); arkivpaketet skrivs inte",
                    p.display()
                ),
                format!(
                    "{}: the signature does not hold ({e}); no package written",
                    p.display()
                ),
            )
        })?;
        let local = v.signed_at.with_timezone(&chrono_tz::Europe::Stockholm);
        if local.year() != year {
            continue;
        }
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("record.pdf")
            .to_string();
        records.push((name, bytes, v));
    }

    // 2. The registers, byte for byte, chains verified on the very bytes packed.
    let mut registers: Vec<(RegisterHead, Vec<u8>)> = Vec::new();
    for name in REGISTERS {
        let path = ws.path(name);
        let bytes = match read_locked(&path)? {
            Some(b) => b,
            None => continue,
        };
        registers.push((register_head(name, &path, &bytes)?, bytes));
    }

    // 3. Write into a hidden sibling, then rename into place.
    let objid = format!(
        "dataskydd-{}-{year}-{}",
        slug(&ws.config.organisation.name),
        &ledger::sha256_hex(
            format!(
                "{}|{year}|{}",
                ws.config.organisation.name,
                now.to_rfc3339()
            )
            .as_bytes()
        )[..12]
    );
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::workspace::ensure_private_dir(parent)?;
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        out.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("archive"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    let created = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let result = write_package(&tmp, ws, &objid, year, &created, &records, &registers);
    let files = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if out.exists() {
        std::fs::remove_dir(out).at(out)?;
    }
    std::fs::rename(&tmp, out).at(out)?;
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(Exported {
        dir: out.to_path_buf(),
        objid,
        year,
        records: records.len(),
        registers: registers.into_iter().map(|(h, _)| h).collect(),
        files,
    })
}

fn read_locked(path: &Path) -> Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    f.lock_shared().at(path)?;
    let mut b = Vec::new();
    f.read_to_end(&mut b).at(path)?;
    Ok(Some(b))
}

/// A register's rows and chain head, the chain verified (`CheckFailed` names the line).
fn register_head(name: &str, path: &Path, bytes: &[u8]) -> Result<RegisterHead> {
    let header = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let header = ledger::strip_bom(header);
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    let chained = header.ends_with(b"prev_hash,hash");
    let (rows, chain_head) = if chained {
        let r = ledger::verify_chain(bytes, path)?;
        (r.rows, Some(r.last_hash))
    } else {
        let lines = bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count();
        (lines.saturating_sub(1), None)
    };
    Ok(RegisterHead {
        file: name.to_string(),
        rows,
        chain_head,
        sha256: ledger::sha256_hex(bytes),
    })
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "org".into()
    } else {
        out
    }
}

fn put(root: &Path, rel: &str, bytes: &[u8], created: &str) -> Result<Entry> {
    let path = root.join(rel);
    if let Some(d) = path.parent() {
        crate::workspace::ensure_private_dir(d)?;
    }
    crate::workspace::write_private_new(&path, bytes)?;
    let format = Format::of(rel);
    Ok(Entry {
        href: rel.to_string(),
        mime: format.mime(),
        size: bytes.len(),
        sha256: ledger::sha256_hex(bytes).to_uppercase(),
        created: created.to_string(),
        format,
    })
}

fn write_package(
    root: &Path,
    ws: &Workspace,
    objid: &str,
    year: i32,
    created: &str,
    records: &[(String, Vec<u8>, signing::Verification)],
    registers: &[(RegisterHead, Vec<u8>)],
) -> Result<usize> {
    crate::workspace::ensure_private_dir(root)?;
    let org = &ws.config.organisation.name;

    // The representation: data files and its own METS.
    let rep = "representations/rep1";
    let mut data = Vec::new();
    for (name, bytes, _) in records {
        let mut e = put(root, &format!("{rep}/data/records/{name}"), bytes, created)?;
        e.href = format!("data/records/{name}");
        data.push(e);
    }
    for (head, bytes) in registers {
        let mut e = put(
            root,
            &format!("{rep}/data/registers/{}", head.file),
            bytes,
            created,
        )?;
        e.href = format!("data/registers/{}", head.file);
        data.push(e);
    }
    let rep_mets = rep_mets(objid, org, created, &data);
    let rep_mets_entry = put(
        root,
        &format!("{rep}/METS.xml"),
        rep_mets.as_bytes(),
        created,
    )?;

    // Documentation and schemas.
    let heads: Vec<&RegisterHead> = registers.iter().map(|(h, _)| h).collect();
    let heads_json = serde_json::to_vec_pretty(&serde_json::json!({
        "objid": objid, "year": year, "organisation": org, "created": created,
        "registers": heads,
    }))
    .expect("JSON values serialise");
    let docs = vec![
        put(
            root,
            "documentation/register-heads.json",
            &heads_json,
            created,
        )?,
        put(
            root,
            "documentation/README.txt",
            readme(objid, org, year, records.len(), &heads).as_bytes(),
            created,
        )?,
    ];
    let schemas = vec![
        put(root, "schemas/mets.xsd", METS_XSD, created)?,
        put(root, "schemas/xlink.xsd", XLINK_XSD, created)?,
    ];

    // PREMIS: every data file's fixity, each signature's and chain's check as an event.
    let premis = premis(objid, org, created, &data, records, registers);
    let premis_entry = put(
        root,
        "metadata/preservation/premis.xml",
        premis.as_bytes(),
        created,
    )?;

    let mets = root_mets(
        objid,
        org,
        year,
        created,
        &premis_entry,
        &docs,
        &schemas,
        &rep_mets_entry,
    );
    put(root, "METS.xml", mets.as_bytes(), created)?;
    Ok(data.len() + docs.len() + schemas.len() + 3)
}

fn x(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
}

const METS_NS: &str = r#"xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:csip="https://DILCIS.eu/XML/METS/CSIPExtensionMETS" xmlns:sip="https://DILCIS.eu/XML/METS/SIPExtensionMETS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

fn mets_hdr(out: &mut String, org: &str, created: &str) {
    let _ = write!(
        out,
        r#" <mets:metsHdr CREATEDATE="{created}" LASTMODDATE="{created}" RECORDSTATUS="NEW" csip:OAISPACKAGETYPE="SIP">
  <mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">
   <mets:name>dataskydd</mets:name>
   <mets:note csip:NOTETYPE="SOFTWARE VERSION">{v}</mets:note>
  </mets:agent>
  <mets:agent ROLE="ARCHIVIST" TYPE="ORGANIZATION">
   <mets:name>{org}</mets:name>
  </mets:agent>
 </mets:metsHdr>
"#,
        v = env!("CARGO_PKG_VERSION"),
        org = x(org),
    );
}

fn file_el(out: &mut String, id: &str, e: &Entry, admid: &str) {
    let (name, version, key) = e.format.pronom();
    let _ = write!(
        out,
        r#"   <mets:file ID="{id}" MIMETYPE="{mime}" SIZE="{size}" CREATED="{created}" CHECKSUM="{sum}" CHECKSUMTYPE="SHA-256" ADMID="{admid}" sip:FILEFORMATNAME="{name}" sip:FILEFORMATVERSION="{version}" sip:FILEFORMATREGISTRY="PRONOM" sip:FILEFORMATKEY="{key}">
    <mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="{href}"/>
   </mets:file>
"#,
        mime = e.mime,
        size = e.size,
        created = e.created,
        sum = e.sha256,
        href = x(&e.href),
    );
}

#[allow(clippy::too_many_arguments)]
fn root_mets(
    objid: &str,
    org: &str,
    year: i32,
    created: &str,
    premis: &Entry,
    docs: &[Entry],
    schemas: &[Entry],
    rep: &Entry,
) -> String {
    let mut s = String::with_capacity(8192);
    let label = format!("Dataskyddsdokumentation {year}, {org}");
    let _ = write!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mets:mets {METS_NS} OBJID="{objid}" LABEL="{label}" TYPE="Other" csip:OTHERTYPE="Dataskyddsdokumentation" csip:CONTENTINFORMATIONTYPE="MIXED" PROFILE="https://earksip.dilcis.eu/profile/E-ARK-SIP.xml" xsi:schemaLocation="http://www.loc.gov/METS/ schemas/mets.xsd http://www.w3.org/1999/xlink schemas/xlink.xsd">
"#,
        label = x(&label),
    );
    mets_hdr(&mut s, org, created);
    let _ = write!(
        s,
        r#" <mets:amdSec>
  <mets:digiprovMD ID="digiprov-premis" STATUS="CURRENT">
   <mets:mdRef LOCTYPE="URL" xlink:type="simple" xlink:href="{href}" MDTYPE="PREMIS" MIMETYPE="text/xml" SIZE="{size}" CREATED="{created}" CHECKSUM="{sum}" CHECKSUMTYPE="SHA-256"/>
  </mets:digiprovMD>
 </mets:amdSec>
 <mets:fileSec ID="filesec">
  <mets:fileGrp ID="grp-documentation" USE="Documentation" csip:CONTENTINFORMATIONTYPE="OTHER" csip:OTHERCONTENTINFORMATIONTYPE="dataskydd" ADMID="digiprov-premis">
"#,
        href = premis.href,
        size = premis.size,
        sum = premis.sha256,
    );
    for (i, e) in docs.iter().enumerate() {
        file_el(&mut s, &format!("doc-{i}"), e, "digiprov-premis");
    }
    s.push_str("  </mets:fileGrp>\n  <mets:fileGrp ID=\"grp-schemas\" USE=\"Schemas\" csip:CONTENTINFORMATIONTYPE=\"OTHER\" csip:OTHERCONTENTINFORMATIONTYPE=\"dataskydd\" ADMID=\"digiprov-premis\">\n");
    for (i, e) in schemas.iter().enumerate() {
        file_el(&mut s, &format!("schema-{i}"), e, "digiprov-premis");
    }
    s.push_str("  </mets:fileGrp>\n  <mets:fileGrp ID=\"grp-rep1\" USE=\"Representations/rep1\" csip:CONTENTINFORMATIONTYPE=\"OTHER\" csip:OTHERCONTENTINFORMATIONTYPE=\"dataskydd\" ADMID=\"digiprov-premis\">\n");
    file_el(&mut s, "rep1-mets", rep, "digiprov-premis");
    let _ = write!(
        s,
        r#"  </mets:fileGrp>
 </mets:fileSec>
 <mets:structMap ID="structmap" TYPE="PHYSICAL" LABEL="CSIP">
  <mets:div ID="pkg" LABEL="{objid}">
   <mets:div ID="pkg-metadata" LABEL="Metadata" ADMID="digiprov-premis"/>
   <mets:div ID="pkg-documentation" LABEL="Documentation">
"#
    );
    for i in 0..docs.len() {
        let _ = writeln!(s, "    <mets:fptr FILEID=\"doc-{i}\"/>");
    }
    s.push_str("   </mets:div>\n   <mets:div ID=\"pkg-schemas\" LABEL=\"Schemas\">\n");
    for i in 0..schemas.len() {
        let _ = writeln!(s, "    <mets:fptr FILEID=\"schema-{i}\"/>");
    }
    let _ = write!(
        s,
        r#"   </mets:div>
   <mets:div ID="pkg-representations" LABEL="Representations">
    <mets:fptr FILEID="rep1-mets"/>
    <mets:div ID="pkg-rep1" LABEL="Representations/rep1">
     <mets:mptr LOCTYPE="URL" xlink:type="simple" xlink:title="rep1-mets" xlink:href="{href}"/>
    </mets:div>
   </mets:div>
  </mets:div>
 </mets:structMap>
</mets:mets>
"#,
        href = rep.href,
    );
    s
}

fn rep_mets(objid: &str, org: &str, created: &str, data: &[Entry]) -> String {
    let mut s = String::with_capacity(4096 + data.len() * 600);
    let _ = write!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mets:mets {METS_NS} OBJID="{objid}-rep1" LABEL="rep1" TYPE="Other" csip:OTHERTYPE="Dataskyddsdokumentation" csip:CONTENTINFORMATIONTYPE="MIXED" PROFILE="https://earksip.dilcis.eu/profile/E-ARK-SIP.xml" xsi:schemaLocation="http://www.loc.gov/METS/ ../../schemas/mets.xsd http://www.w3.org/1999/xlink ../../schemas/xlink.xsd">
"#
    );
    mets_hdr(&mut s, org, created);
    s.push_str(
        " <mets:fileSec ID=\"rep1-filesec\">\n  <mets:fileGrp ID=\"rep1-data\" USE=\"Data\">\n",
    );
    for (i, e) in data.iter().enumerate() {
        // Representation files carry no ADMID here: their PREMIS objects are in the
        // package's preservation metadata.
        let mut f = String::new();
        file_el(&mut f, &format!("data-{i}"), e, "");
        s.push_str(&f.replace(" ADMID=\"\"", ""));
    }
    s.push_str(
        "  </mets:fileGrp>\n </mets:fileSec>\n <mets:structMap ID=\"rep1-structmap\" TYPE=\"PHYSICAL\" LABEL=\"CSIP\">\n  <mets:div ID=\"rep1-div\" LABEL=\"rep1\">\n   <mets:div ID=\"rep1-data-div\" LABEL=\"Data\">\n",
    );
    for i in 0..data.len() {
        let _ = writeln!(s, "    <mets:fptr FILEID=\"data-{i}\"/>");
    }
    s.push_str("   </mets:div>\n  </mets:div>\n </mets:structMap>\n</mets:mets>\n");
    s
}

fn premis(
    objid: &str,
    org: &str,
    created: &str,
    data: &[Entry],
    records: &[(String, Vec<u8>, signing::Verification)],
    registers: &[(RegisterHead, Vec<u8>)],
) -> String {
    let mut s = String::with_capacity(4096 + data.len() * 900);
    let _ = write!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<premis:premis xmlns:premis="http://www.loc.gov/premis/v3" version="3.0">
"#
    );
    for e in data {
        let (name, version, key) = e.format.pronom();
        let _ = write!(
            s,
            r#" <premis:object xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="premis:file">
  <premis:objectIdentifier><premis:objectIdentifierType>local</premis:objectIdentifierType><premis:objectIdentifierValue>{objid}/representations/rep1/{href}</premis:objectIdentifierValue></premis:objectIdentifier>
  <premis:objectCharacteristics>
   <premis:fixity><premis:messageDigestAlgorithm>SHA-256</premis:messageDigestAlgorithm><premis:messageDigest>{sum}</premis:messageDigest></premis:fixity>
   <premis:size>{size}</premis:size>
   <premis:format><premis:formatDesignation><premis:formatName>{name}</premis:formatName><premis:formatVersion>{version}</premis:formatVersion></premis:formatDesignation><premis:formatRegistry><premis:formatRegistryName>PRONOM</premis:formatRegistryName><premis:formatRegistryKey>{key}</premis:formatRegistryKey></premis:formatRegistry></premis:format>
  </premis:objectCharacteristics>
 </premis:object>
"#,
            href = x(&e.href),
            sum = e.sha256,
            size = e.size,
        );
    }
    let mut n = 0;
    let mut event = |s: &mut String, kind: &str, when: &str, detail: &str, object: &str| {
        n += 1;
        let _ = write!(
            s,
            r#" <premis:event>
  <premis:eventIdentifier><premis:eventIdentifierType>local</premis:eventIdentifierType><premis:eventIdentifierValue>event-{n}</premis:eventIdentifierValue></premis:eventIdentifier>
  <premis:eventType>{kind}</premis:eventType>
  <premis:eventDateTime>{when}</premis:eventDateTime>
  <premis:eventOutcomeInformation><premis:eventOutcome>success</premis:eventOutcome><premis:eventOutcomeDetail><premis:eventOutcomeDetailNote>{detail}</premis:eventOutcomeDetailNote></premis:eventOutcomeDetail></premis:eventOutcomeInformation>
  <premis:linkingAgentIdentifier><premis:linkingAgentIdentifierType>local</premis:linkingAgentIdentifierType><premis:linkingAgentIdentifierValue>dataskydd</premis:linkingAgentIdentifierValue></premis:linkingAgentIdentifier>
  <premis:linkingObjectIdentifier><premis:linkingObjectIdentifierType>local</premis:linkingObjectIdentifierType><premis:linkingObjectIdentifierValue>{object}</premis:linkingObjectIdentifierValue></premis:linkingObjectIdentifier>
 </premis:event>
"#,
            detail = x(detail),
            object = x(object),
        );
    };
    for (name, _, v) in records {
        let detail = format!(
            "signature valid ({}), signed by {} ({}), {}, certificate SHA-256 {}",
            v.subfilter,
            v.signer,
            v.organisation,
            v.signed_at.to_rfc3339(),
            v.fingerprint
        );
        let obj = format!("{objid}/representations/rep1/data/records/{name}");
        event(&mut s, "validation", created, &detail, &obj);
    }
    for (h, _) in registers {
        let detail = match &h.chain_head {
            Some(head) => format!("hash chain verified: {} rows, head {head}", h.rows),
            None => format!("{} rows; no hash chain (register without chain)", h.rows),
        };
        let obj = format!("{objid}/representations/rep1/data/registers/{}", h.file);
        event(&mut s, "fixity check", created, &detail, &obj);
    }
    let _ = write!(
        s,
        r#" <premis:agent>
  <premis:agentIdentifier><premis:agentIdentifierType>local</premis:agentIdentifierType><premis:agentIdentifierValue>dataskydd</premis:agentIdentifierValue></premis:agentIdentifier>
  <premis:agentName>dataskydd {v} ({org})</premis:agentName>
  <premis:agentType>software</premis:agentType>
 </premis:agent>
</premis:premis>
"#,
        v = env!("CARGO_PKG_VERSION"),
        org = x(org),
    );
    s
}

fn readme(objid: &str, org: &str, year: i32, records: usize, heads: &[&RegisterHead]) -> String {
    let mut s = format!(
        "Arkivpaket {objid}\n\
         {org}: dataskyddsdokumentation för {year} (FGS Paketstruktur 2.0 / E-ARK SIP 2.1).\n\n\
         representations/rep1/data/records/   {records} signerade PDF/A-3b-handlingar; varje \
         handling bär sina svar (answers.toml) och sitt resultat (result.json) som bifogade filer.\n\
         representations/rep1/data/registers/ registren byte för byte; en kedjad rad bär \
         SHA-256 av föregående rad och sin egen.\n\
         metadata/preservation/premis.xml     kontrollsummor och kontrollerade signaturer och kedjor.\n\
         documentation/register-heads.json    varje registers rader och kedjans sista hash.\n\n\
         Kontrollera paketet: dataskydd archive verify KATALOG\n\n\
         Archive package {objid}\n{org}: data protection records of {year}.\n\
         Check it with: dataskydd archive verify DIR\n\nRegisters / register:\n"
    );
    for h in heads {
        let _ = writeln!(
            s,
            "  {}: {} rows, chain head {}",
            h.file,
            h.rows,
            h.chain_head.as_deref().unwrap_or("-")
        );
    }
    s
}

// ---------------------------------------------------------------------------------------
// Verifying a package

/// Re-checks a package: every METS file entry's size and SHA-256, no file on disk that no
/// METS lists, every record's signature, every register's chain against the recorded head.
pub fn verify(dir: &Path) -> Result<Checked> {
    let root_mets = dir.join("METS.xml");
    let text = std::fs::read_to_string(&root_mets).at(&root_mets)?;
    let doc = roxmltree::Document::parse(&text).map_err(|e| {
        Error::input(t(
            &format!("METS.xml kan inte läsas: {e}"),
            &format!("METS.xml cannot be read: {e}"),
        ))
        .in_file(&root_mets)
    })?;
    let objid = doc
        .root_element()
        .attribute("OBJID")
        .unwrap_or("")
        .to_string();
    let mut problems = Vec::new();
    let mut listed: BTreeSet<PathBuf> = BTreeSet::new();
    listed.insert(PathBuf::from("METS.xml"));
    let mut files = 0;
    let mut mets_files = vec![(PathBuf::new(), doc_entries(&doc))];
    // representation METS files the root points at
    for n in doc.descendants().filter(|n| n.has_tag_name("mptr")) {
        if let Some(href) = n.attribute((XLINK, "href")) {
            let rel = PathBuf::from(href);
            let p = dir.join(&rel);
            match std::fs::read_to_string(&p) {
                Ok(t2) => match roxmltree::Document::parse(&t2) {
                    Ok(d2) => {
                        let base = rel.parent().map(Path::to_path_buf).unwrap_or_default();
                        mets_files.push((base, doc_entries(&d2)));
                    }
                    Err(e) => problems.push(format!("{href}: {e}")),
                },
                Err(e) => problems.push(format!("{href}: {e}")),
            }
        }
    }
    // the PREMIS file the amdSec refers to
    for n in doc.descendants().filter(|n| n.has_tag_name("mdRef")) {
        if let Some(href) = n.attribute((XLINK, "href")) {
            mets_files[0].1.push(MetsEntry {
                href: href.to_string(),
                size: n.attribute("SIZE").and_then(|s| s.parse().ok()),
                sha256: n.attribute("CHECKSUM").unwrap_or("").to_string(),
            });
        }
    }
    let mut pdfs = Vec::new();
    let mut csvs = Vec::new();
    for (base, entries) in &mets_files {
        for e in entries {
            let rel = base.join(&e.href);
            if rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                problems.push(t(
                    &format!("{}: sökvägen lämnar paketet", e.href),
                    &format!("{}: the path leaves the package", e.href),
                ));
                continue;
            }
            listed.insert(rel.clone());
            let p = dir.join(&rel);
            files += 1;
            let bytes = match std::fs::read(&p) {
                Ok(b) => b,
                Err(_) => {
                    problems.push(t(
                        &format!("{}: filen saknas", rel.display()),
                        &format!("{}: the file is missing", rel.display()),
                    ));
                    continue;
                }
            };
            let sum = ledger::sha256_hex(&bytes);
            if !sum.eq_ignore_ascii_case(&e.sha256) || e.size.is_some_and(|s| s != bytes.len()) {
                problems.push(t(
                    &format!(
                        "{}: kontrollsumman stämmer inte (METS {}, filen {})",
                        rel.display(),
                        e.sha256,
                        sum.to_uppercase()
                    ),
                    &format!(
                        "{}: the checksum does not match (METS {}, file {})",
                        rel.display(),
                        e.sha256,
                        sum.to_uppercase()
                    ),
                ));
                continue;
            }
            match rel.extension().and_then(|x| x.to_str()) {
                Some("pdf") => pdfs.push((rel, bytes)),
                Some("csv") => csvs.push((rel, bytes)),
                _ => {}
            }
        }
    }
    // files nobody listed
    for f in walk(dir)? {
        let rel = f.strip_prefix(dir).unwrap_or(&f).to_path_buf();
        if !listed.contains(&rel) {
            problems.push(t(
                &format!("{}: filen finns i paketet men inte i METS", rel.display()),
                &format!(
                    "{}: the file is in the package but not in METS",
                    rel.display()
                ),
            ));
        }
    }
    let mut signatures = 0;
    for (rel, bytes) in &pdfs {
        signatures += 1;
        if let Err(e) = signing::verify_pdf(bytes) {
            problems.push(t(
                &format!("{}: signaturen håller inte: {e}", rel.display()),
                &format!("{}: the signature does not hold: {e}", rel.display()),
            ));
        }
    }
    // chains against the recorded heads
    let heads: Vec<RegisterHead> = std::fs::read(dir.join("documentation/register-heads.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| serde_json::from_value(v["registers"].clone()).ok())
        .unwrap_or_default();
    let mut chains = 0;
    for (rel, bytes) in &csvs {
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(want) = heads.iter().find(|h| h.file == name) else {
            problems.push(format!("{}: not in register-heads.json", rel.display()));
            continue;
        };
        match register_head(name, rel, bytes) {
            Ok(got) => {
                chains += usize::from(got.chain_head.is_some());
                if got.chain_head != want.chain_head || got.rows != want.rows {
                    problems.push(t(
                        &format!(
                            "{}: kedjans sista hash {:?} ({} rader) är inte den registrerade {:?} ({} rader)",
                            rel.display(), got.chain_head, got.rows, want.chain_head, want.rows
                        ),
                        &format!(
                            "{}: the chain head {:?} ({} rows) is not the recorded {:?} ({} rows)",
                            rel.display(), got.chain_head, got.rows, want.chain_head, want.rows
                        ),
                    ));
                }
            }
            Err(e) => problems.push(format!("{}: {e}", rel.display())),
        }
    }
    Ok(Checked {
        objid,
        files,
        signatures,
        chains,
        problems,
    })
}

const XLINK: &str = "http://www.w3.org/1999/xlink";

struct MetsEntry {
    href: String,
    size: Option<usize>,
    sha256: String,
}

fn doc_entries(doc: &roxmltree::Document) -> Vec<MetsEntry> {
    doc.descendants()
        .filter(|n| n.has_tag_name("file"))
        .filter_map(|f| {
            let loc = f.children().find(|c| c.has_tag_name("FLocat"))?;
            Some(MetsEntry {
                href: loc.attribute((XLINK, "href"))?.to_string(),
                size: f.attribute("SIZE").and_then(|s| s.parse().ok()),
                sha256: f.attribute("CHECKSUM").unwrap_or("").to_string(),
            })
        })
        .collect()
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).at(&d)? {
            let p = e.at(&d)?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    Ok(out)
}
