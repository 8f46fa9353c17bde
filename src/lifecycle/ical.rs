//! Calendar reminders as an iCalendar file (RFC 5545): one all-day event per due review,
//! with a stable UID per account so that importing a newer file updates the event instead
//! of adding a second one (RFC 5545 3.8.4.7; SEQUENCE 3.8.7.4 grows with each assessment).
//!
//! Written by hand rather than with the `icalendar` crate: the file needs five properties
//! and an alarm, and the rules that matter (CRLF line ends, TEXT escaping of `\ ; ,` and
//! newlines, folding at 75 octets without splitting a UTF-8 character) are below and tested;
//! the integration test parses the output with Python's `icalendar`.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// One reminder.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable across exports: the same account's review is the same event.
    pub uid: String,
    pub sequence: u32,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character.
pub fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut used = 0;
    let mut first = true;
    for c in line.chars() {
        let n = c.len_utf8();
        let limit = if first { 75 } else { 74 };
        if used + n > limit {
            out.push_str("\r\n ");
            used = 0;
            first = false;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// The calendar text.
pub fn calendar(name: &str, events: &[Event], now: DateTime<FixedOffset>) -> String {
    let stamp = now.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string();
    let mut s = String::new();
    let mut line = |l: String| s.push_str(&fold(&l));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!(
        "PRODID:-//dataskydd//dataskydd {}//SV",
        env!("CARGO_PKG_VERSION")
    ));
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("SEQUENCE:{}", e.sequence));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", e.date.format("%Y%m%d")));
        line(format!(
            "DTEND;VALUE=DATE:{}",
            (e.date + chrono::Duration::days(1)).format("%Y%m%d")
        ));
        line(format!("SUMMARY:{}", escape(&e.summary)));
        line(format!("DESCRIPTION:{}", escape(&e.description)));
        line("TRANSP:TRANSPARENT".into());
        line("BEGIN:VALARM".into());
        line("ACTION:DISPLAY".into());
        line("TRIGGER:-P7D".into());
        line(format!("DESCRIPTION:{}", escape(&e.summary)));
        line("END:VALARM".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    s
}

/// Whether a file is a calendar this tool wrote (so a re-export may replace it).
pub fn is_ours(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    head.starts_with(b"BEGIN:VCALENDAR\r\n")
        && memchr::memmem::find(head, b"PRODID:-//dataskydd//").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_folds_by_octets() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "å".repeat(60));
        let folded = fold(&long);
        for l in folded.split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), format!("{long}\r\n"));
    }

    #[test]
    fn calendar_has_crlf_and_one_event_each() {
        let now = DateTime::parse_from_rfc3339("2026-11-20T10:00:00+01:00").unwrap();
        let e = Event {
            uid: "review-k@x".into(),
            sequence: 1,
            date: NaiveDate::from_ymd_opt(2027, 11, 20).unwrap(),
            summary: "Uppföljning".into(),
            description: "x".into(),
        };
        let c = calendar("Kal", &[e.clone(), e], now);
        assert_eq!(c.matches("BEGIN:VEVENT").count(), 2);
        assert!(c.contains("DTSTAMP:20261120T090000Z\r\n"));
        assert!(!c.replace("\r\n", "").contains('\n'));
        assert!(is_ours(c.as_bytes()));
    }
}
