#!/usr/bin/env python3
"""Checks the PDF/A-3b requirements (ISO 19005-3, level B) a dataskydd record must meet, one
by one, with pikepdf (qpdf underneath). No PDF/A validator (veraPDF) installs offline, so this
checks each requirement the records can break; it is not a full validator.

Usage: pdfa_check.py FILE.pdf...  → prints one line per file ("ok FILE" or "FAIL FILE: why")
and exits 1 if any file fails, 2 if pikepdf is missing.

Each check names the clause of ISO 19005-3 (which refers to 19005-2's clauses) it stands for.
"""

import re
import sys
import xml.etree.ElementTree as ET

try:
    import pikepdf
except ImportError:
    print("pikepdf is not installed: pip install pikepdf==10.17.0", file=sys.stderr)
    sys.exit(2)

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
FORBIDDEN_ANNOTS = {"/Sound", "/Movie", "/Screen", "/3D", "/RichMedia", "/TrapNet"}
FORBIDDEN_FILTERS = {"/LZWDecode", "/Crypt"}
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript",
                     "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}


def pdf_date_to_iso(d):
    m = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)'?", d)
    if not m:
        raise ValueError(f"not a full PDF date: {d}")
    y, mo, da, h, mi, s, sign, oh, om = m.groups()
    return f"{y}-{mo}-{da}T{h}:{mi}:{s}{sign}{oh}:{om}"


def text(obj):
    return str(obj) if obj is not None else None


def check(path):
    raw = open(path, "rb").read()
    errs = []

    # 6.1.2 File header: %PDF-1.n, then a comment of at least four bytes > 127.
    lines = raw.split(b"\n", 2)
    if not re.fullmatch(rb"%PDF-1\.[0-7]", lines[0]):
        errs.append("6.1.2: header is not %PDF-1.0..1.7")
    if not (lines[1].startswith(b"%") and sum(b > 127 for b in lines[1][1:5]) == 4):
        errs.append("6.1.2: no binary comment after the header")
    # 6.1.3 File trailer: %%EOF last (an EOL may follow), nothing after it.
    if not re.search(rb"%%EOF\r?\n?$", raw):
        errs.append("6.1.3: data after the last %%EOF")

    pdf = pikepdf.open(path)
    tr = pdf.trailer
    # 6.1.3: every trailer has /ID; no /Encrypt.
    if "/ID" not in tr:
        errs.append("6.1.3: trailer has no /ID")
    if "/Encrypt" in tr:
        errs.append("6.1.3: the file is encrypted")
    root = pdf.Root

    # 6.6.2.1 Metadata: the catalog has an XMP stream with pdfaid part 3, conformance B.
    if "/Metadata" not in root:
        errs.append("6.6.2.1: catalog has no /Metadata")
        return errs
    xmp_bytes = root.Metadata.read_bytes()
    head = re.match(rb"<\?xpacket ([^?]*)\?>", xmp_bytes)
    if not head or b"bytes=" in head.group(1) or b"encoding=" in head.group(1):
        errs.append("6.6.2.1: XMP packet header missing or has bytes/encoding")
    try:
        tree = ET.fromstring(xmp_bytes.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    except ET.ParseError as e:
        errs.append(f"6.6.2.1: XMP is not well-formed XML: {e}")
        return errs
    desc = tree.findall(".//rdf:Description", NS)

    def xmp_value(path_):
        for d in desc:
            el = d.find(path_, NS)
            if el is not None:
                return el.text
        return None

    part = xmp_value("pdfaid:part")
    conf = xmp_value("pdfaid:conformance")
    if part != "3" or conf != "B":
        errs.append(f"6.6.4: pdfaid part={part} conformance={conf}, not 3/B")

    # 6.6.2.3 (19005-2 6.6.2.3.1) Info entries equal their XMP equivalents.
    info = tr.get("/Info")
    if info is not None:
        pairs = {
            "/Title": "dc:title/rdf:Alt/rdf:li",
            "/Author": "dc:creator/rdf:Seq/rdf:li",
            "/Subject": "dc:description/rdf:Alt/rdf:li",
            "/Keywords": "pdf:Keywords",
            "/Creator": "xmp:CreatorTool",
            "/Producer": "pdf:Producer",
        }
        for key, xp in pairs.items():
            if key in info and text(info[key]) != xmp_value(xp):
                errs.append(f"6.6.2.3: Info {key} {text(info[key])!r} != XMP {xmp_value(xp)!r}")
        for key, xp in {"/CreationDate": "xmp:CreateDate", "/ModDate": "xmp:ModifyDate"}.items():
            if key in info:
                try:
                    if pdf_date_to_iso(text(info[key])) != xmp_value(xp):
                        errs.append(f"6.6.2.3: Info {key} != XMP {xp}")
                except ValueError as e:
                    errs.append(f"6.6.2.3: {e}")

    # 6.2.3 Output intent: a /GTS_PDFA1 intent with an RGB ICC profile (the pages paint in
    # DeviceRGB); every intent with a profile uses the same one.
    intents = root.get("/OutputIntents", [])
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if len(pdfa) != 1:
        errs.append(f"6.2.3: {len(pdfa)} /GTS_PDFA1 output intents, need exactly 1")
    else:
        prof = pdfa[0].get("/DestOutputProfile")
        if prof is None:
            errs.append("6.2.3: output intent has no /DestOutputProfile")
        else:
            icc = prof.read_bytes()
            if icc[36:40] != b"acsp" or icc[16:20] != b"RGB " or int(prof.N) != 3:
                errs.append("6.2.3: output profile is not an RGB ICC profile with /N 3")
            if icc[8] > 4:
                errs.append("6.2.3: ICC profile version above 4")
            if icc[12:16] not in (b"mntr", b"prtr"):
                errs.append("6.2.3: ICC profile class is neither mntr nor prtr")
        if len({repr(i.get("/DestOutputProfile").objgen) for i in intents if "/DestOutputProfile" in i}) > 1:
            errs.append("6.2.3: output intents with different profiles")

    # 6.1.7 / 6.1.10 Streams: no external files, no LZW, no Crypt filters.
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            if "/F" in obj.stream_dict or "/FFilter" in obj.stream_dict:
                errs.append(f"6.1.7: stream {obj.objgen} refers to an external file")
            filt = obj.stream_dict.get("/Filter")
            names = list(filt) if isinstance(filt, pikepdf.Array) else ([filt] if filt else [])
            if any(str(f) in FORBIDDEN_FILTERS for f in names):
                errs.append(f"6.1.7.2: stream {obj.objgen} uses {names}")

    # 6.2.11 Fonts: every font is embedded (a FontFile*), CIDFontType2 has /CIDToGIDMap.
    fonts_seen = 0
    for pno, page in enumerate(pdf.pages, 1):
        res = page.Resources
        for name, font in res.get("/Font", {}).items():
            fonts_seen += 1
            descendants = font.get("/DescendantFonts")
            targets = list(descendants) if descendants is not None else [font]
            for f in targets:
                fd = f.get("/FontDescriptor")
                if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    errs.append(f"6.2.11.4.1: page {pno} font {name} is not embedded")
                if f.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in f:
                    errs.append(f"6.2.11.3.2: page {pno} font {name} has no /CIDToGIDMap")
                if fd is not None and "/FontFile2" in fd and len(fd.FontFile2.read_bytes()) == 0:
                    errs.append(f"6.2.11.4.1: page {pno} font {name} has an empty font program")
            if "/ToUnicode" not in font:
                errs.append(f"6.2.11.7: page {pno} font {name} has no /ToUnicode")
        # 6.2.4 colour: no CMYK painting without a CMYK output intent.
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) in ("k", "K"):
                errs.append(f"6.2.4.3: page {pno} paints in DeviceCMYK")
                break
        # 6.2.10 graphics state: no transfer functions or halftones with transfer.
        for gs in res.get("/ExtGState", {}).values():
            if "/TR" in gs or ("/TR2" in gs and gs.TR2 != "/Default"):
                errs.append(f"6.2.5: page {pno} ExtGState has a transfer function")
        # 6.3 annotations.
        for a in page.get("/Annots", []):
            st = a.get("/Subtype")
            if st in FORBIDDEN_ANNOTS:
                errs.append(f"6.3.1: page {pno} has a {st} annotation")
            flags = int(a.get("/F", 0))
            if st != "/Popup" and (not flags & 4 or flags & (1 | 2 | 32)):
                errs.append(f"6.3.2: page {pno} annotation {st} F={flags} (print must be set, hidden/invisible/noview not)")
            rect = [float(v) for v in a.get("/Rect", [0, 0, 0, 0])]
            zero = rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0
            if st not in ("/Popup", "/Link") and not zero and "/AP" not in a:
                errs.append(f"6.3.3: page {pno} annotation {st} has no appearance")
            if "/A" in a and a.A.get("/S") in FORBIDDEN_ACTIONS:
                errs.append(f"6.5.1: page {pno} annotation action {a.A.S}")
            if "/AA" in a:
                errs.append(f"6.5.2: page {pno} annotation has /AA")
        if "/AA" in page.obj:
            errs.append(f"6.5.2: page {pno} has /AA")
    if fonts_seen == 0:
        errs.append("no fonts found at all (a record has text)")

    # 6.5 actions and 6.4 forms: no JavaScript, no /AA, no XFA, NeedAppearances not true.
    names = root.get("/Names", {})
    if "/JavaScript" in names:
        errs.append("6.5.1: document JavaScript")
    if "/AA" in root:
        errs.append("6.5.2: catalog has /AA")
    if "/OpenAction" in root and isinstance(root.OpenAction, pikepdf.Dictionary) and \
            root.OpenAction.get("/S") in FORBIDDEN_ACTIONS:
        errs.append("6.5.1: forbidden /OpenAction")
    form = root.get("/AcroForm")
    if form is not None:
        if "/XFA" in form:
            errs.append("6.4.2: XFA form")
        if bool(form.get("/NeedAppearances", False)):
            errs.append("6.4.1: NeedAppearances is true")
    if "/Perms" in root and set(root.Perms.keys()) - {"/DocMDP", "/UR3"}:
        errs.append("6.1.12: /Perms other than DocMDP/UR3")

    # 6.8 Embedded files: each is an associated file (/AF) with /AFRelationship, /F and /UF,
    # a MIME /Subtype and /Params /ModDate.
    af = {repr(x.objgen) for x in root.get("/AF", [])}
    tree_ = names.get("/EmbeddedFiles") if names else None
    specs = []
    if tree_ is not None:
        arr = tree_.get("/Names", [])
        specs = [(str(arr[i]), arr[i + 1]) for i in range(0, len(arr), 2)]
    for fname, spec in specs:
        if repr(spec.objgen) not in af:
            errs.append(f"6.8: {fname} is not in the catalog's /AF")
        if spec.get("/AFRelationship") not in ("/Source", "/Data", "/Alternative", "/Supplement", "/Unspecified"):
            errs.append(f"6.8: {fname} has no valid /AFRelationship")
        if "/F" not in spec or "/UF" not in spec:
            errs.append(f"6.8: {fname} file specification lacks /F or /UF")
        ef = spec.EF.get("/F")
        if ef is None or "/Subtype" not in ef.stream_dict:
            errs.append(f"6.8: {fname} embedded file has no MIME /Subtype")
        elif "/Params" not in ef.stream_dict or "/ModDate" not in ef.Params:
            errs.append(f"6.8: {fname} embedded file has no /Params /ModDate")
    if not specs:
        errs.append("6.8: no embedded files (a record carries its result)")
    rel = {f: str(s.get("/AFRelationship")) for f, s in specs}
    if "answers.toml" in rel and rel["answers.toml"] != "/Source":
        errs.append("answers.toml is not /AFRelationship /Source")
    if "result.json" in rel and rel["result.json"] != "/Data":
        errs.append("result.json is not /AFRelationship /Data")

    # 6.4.3 signatures (PDF/A-2/3 follow PAdES): every /Sig has a byte range that covers the
    # whole file but its /Contents, and an allowed /SubFilter.
    for field in (form.get("/Fields", []) if form is not None else []):
        if field.get("/FT") != "/Sig" or "/V" not in field:
            continue
        sig = field.V
        br = [int(v) for v in sig.ByteRange]
        if br[0] != 0 or br[2] + br[3] != len(raw):
            errs.append(f"6.4.3: {field.get('/T')} byte range {br} does not cover the file")
        elif raw[br[1]:br[1] + 1] != b"<" or raw[br[2] - 1:br[2]] != b">":
            errs.append(f"6.4.3: {field.get('/T')} byte range gap is not exactly /Contents")
        if sig.get("/SubFilter") not in ("/adbe.pkcs7.detached", "/ETSI.CAdES.detached"):
            errs.append(f"6.4.3: /SubFilter {sig.get('/SubFilter')}")
    return errs


def main():
    bad = 0
    for p in sys.argv[1:]:
        try:
            errs = check(p)
        except Exception as e:  # a file pikepdf cannot open fails, with the reason
            errs = [f"cannot be read: {e}"]
        if errs:
            bad += 1
            print(f"FAIL {p}: " + "; ".join(errs))
        else:
            print(f"ok {p}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
