//! `dataskydd`: assess, record and prove the data protection of a Swedish municipality's
//! social media accounts.
//!
//! Data flows one way: answers → assessment → document → signature → disk.
//! - [`questionnaire`] asks and validates answers; it knows nothing of GDPR.
//! - [`assessment`] holds the law: pure functions from typed answers to typed results.
//! - [`document`] turns templates into PDF; it knows nothing of law.
//! - [`signing`] signs and verifies PDFs; it knows nothing of assessments.
//! - [`ledger`] and [`registers`] own the files on disk.

pub mod archive;
pub mod assessment;
pub mod cli;
pub mod clock;
pub mod document;
pub mod error;
pub mod finding;
pub mod i18n;
pub mod ledger;
pub mod lifecycle;
pub mod notice;
pub mod organisation;
pub mod questionnaire;
pub mod record;
pub mod registers;
pub mod signing;
pub mod workspace;
