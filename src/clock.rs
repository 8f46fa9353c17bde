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
