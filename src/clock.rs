//! The current time, injectable for reproducible records and tests.
//!
//! Without it, now is Swedish time (Europe/Stockholm) in whole seconds.
//! `DATASKYDD_NOW` (RFC 3339, e.g. `2026-11-20T10:00:00+01:00`) fixes "now", so the same
//! answers give byte-comparable registers and documents in tests and demos.

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};

pub const ENV: &str = "DATASKYDD_NOW";

pub fn now() -> DateTime<FixedOffset> {
    if let Ok(s) = std::env::var(ENV) {
        if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
            return t;
        }
    }
    // Swedish time whatever the machine's TZ (servers often run in UTC): records and
    // registers are read by Swedish officials. Whole seconds: nothing finer is evidence.
    Utc::now()
        .trunc_subsecs(0)
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .fixed_offset()
}

pub fn now_utc() -> DateTime<Utc> {
    now().with_timezone(&Utc)
}

pub fn today() -> chrono::NaiveDate {
    now().date_naive()
}

/// Why a written instant could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstantError {
    /// Neither RFC 3339 nor local `YYYY-MM-DD HH:MM`.
    Format,
    /// A local time that occurs twice (the autumn DST change): both readings, RFC 3339.
    Ambiguous(String, String),
    /// A local time that does not exist (the spring DST change).
    Missing,
}

/// Reads an instant as RFC 3339 (with offset) or as local Swedish time `YYYY-MM-DD HH:MM`
/// (also with `T` and seconds), read in Europe/Stockholm. An hour that occurs twice or not at
/// all at a DST change is refused: the evidence must not depend on a guess (DOMAIN C1).
pub fn parse_instant(s: &str) -> Result<DateTime<FixedOffset>, InstantError> {
    use chrono::offset::LocalResult;
    use chrono::TimeZone;
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let local = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or(InstantError::Format)?;
    match chrono_tz::Europe::Stockholm.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.fixed_offset()),
        LocalResult::Ambiguous(a, b) => Err(InstantError::Ambiguous(
            a.fixed_offset().to_rfc3339(),
            b.fixed_offset().to_rfc3339(),
        )),
        LocalResult::None => Err(InstantError::Missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_local_swedish_time_is_read_in_stockholm() {
        assert_eq!(
            parse_instant("2026-12-01 08:00").unwrap().to_rfc3339(),
            "2026-12-01T08:00:00+01:00"
        );
        assert_eq!(
            parse_instant("2026-07-01T08:00").unwrap().to_rfc3339(),
            "2026-07-01T08:00:00+02:00"
        );
        assert_eq!(
            parse_instant("2026-11-20T09:30:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2026-11-20T09:30:00+01:00"
        );
        // 25 October 2026 02:30 occurs twice; 29 March 2026 02:30 not at all.
        assert_eq!(
            parse_instant("2026-10-25 02:30"),
            Err(InstantError::Ambiguous(
                "2026-10-25T02:30:00+02:00".into(),
                "2026-10-25T02:30:00+01:00".into()
            ))
        );
        assert_eq!(
            parse_instant("2026-03-29 02:30"),
            Err(InstantError::Missing)
        );
        assert_eq!(parse_instant("igår"), Err(InstantError::Format));
    }
}
