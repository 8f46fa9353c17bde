//! A minimal DER walker: finds the exact bytes of parts of a structure (the signed
//! attributes as they were signed), and the length of a DER value followed by padding.

/// One TLV: its tag byte, the whole encoding and the content.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub whole: &'a [u8],
    pub content: &'a [u8],
}

/// Reads one TLV at the start of `data` (single-byte tags, definite lengths only).
pub fn read(data: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let tag = *data.first()?;
    if tag & 0x1f == 0x1f {
        return None; // multi-byte tags do not occur where we look
    }
    let first = *data.get(1)?;
    let (len, hdr) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None; // indefinite or absurd
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *data.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    if end > data.len() {
        return None;
    }
    Some((
        Tlv {
            tag,
            whole: &data[..end],
            content: &data[hdr..end],
        },
        &data[end..],
    ))
}

/// The children of a constructed value.
pub fn children(content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (t, r) = read(rest)?;
        out.push(t);
        rest = r;
    }
    Some(out)
}

/// The raw signed attributes (`[0] IMPLICIT SET OF Attribute`) of the first SignerInfo of a
/// CMS ContentInfo, with the tag turned into SET (0x31): the bytes the signature covers.
pub fn signed_attrs_of_first_signer(content_info: &[u8]) -> Option<Vec<u8>> {
    let (ci, _) = read(content_info)?;
    if ci.tag != 0x30 {
        return None;
    }
    let ci_parts = children(ci.content)?;
    let explicit = ci_parts.get(1).filter(|t| t.tag == 0xA0)?;
    let (sd, _) = read(explicit.content)?;
    if sd.tag != 0x30 {
        return None;
    }
    let sd_parts = children(sd.content)?;
    let signer_infos = sd_parts.last().filter(|t| t.tag == 0x31)?;
    let (si, _) = read(signer_infos.content)?;
    let si_parts = children(si.content)?;
    // version, sid, digestAlgorithm, [0] signedAttrs
    let attrs = si_parts.get(3).filter(|t| t.tag == 0xA0)?;
    let mut out = attrs.whole.to_vec();
    out[0] = 0x31;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let (t, rest) = read(&[0x04, 0x02, 1, 2, 9]).unwrap();
        assert_eq!(t.content, &[1, 2]);
        assert_eq!(rest, &[9]);
        let mut long = vec![0x04, 0x81, 200];
        long.extend(std::iter::repeat_n(7, 200));
        let (t, _) = read(&long).unwrap();
        assert_eq!(t.content.len(), 200);
        assert!(read(&[0x30, 0x80, 0, 0]).is_none());
        assert!(read(&[0x30, 0x05, 1]).is_none());
        assert!(read(&[]).is_none());
        assert!(read(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_none());
    }
}
