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
pub mod breach_decision;
#[doc(hidden)]
pub mod cli;
pub mod clock;
pub mod demo;
pub mod document;
pub mod error;
pub mod excel;
pub mod finding;
pub mod i18n;
pub mod input;
pub mod ledger;
pub mod lifecycle;
pub mod notice;
pub mod organisation;
pub mod pipeline;
pub mod processing_records;
pub mod questionnaire;
pub mod record;
pub mod records;
pub mod registers;
pub mod setup;
pub mod signing;
pub mod web;
pub mod workspace;
