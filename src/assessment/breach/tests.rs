//! Every rule of DOMAIN.md part 1 C and every outcome code.

use super::*;
use chrono::DateTime;

fn dt(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// The contract's example answers: an own post in error, simple data, public.
fn base() -> Answers {
    Answers {
        account: "nykoping-fb".into(),
        what: What::OwnPostError,
        from_us: false,
        categories: vec![Category::Simple],
        subjects: 1,
        vulnerable: false,
        identifiability: Identifiability::Maximum,
        exposure: Exposure::Public,
        integrity: Integrity::None,
        availability: Availability::None,
        malicious: false,
        unintelligible: false,
        published_at: Some(dt("2026-11-20T08:00:00+01:00")),
        aware_at: dt("2026-11-20T09:30:00+01:00"),
        removed_at: Some(dt("2026-11-20T09:45:00+01:00")),
        removed_by: None,
        archived_before_removal: Some(true),
        key_safe: None,
        assessed_at: dt("2026-11-20T10:00:00+01:00"),
    }
}

fn codes(e: &Evaluation) -> Vec<&str> {
    e.outcomes.iter().map(String::as_str).collect()
}

fn finding<'a>(e: &'a Evaluation, code: &str) -> &'a Finding {
    e.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", e.outcomes))
}

// --- Is it a breach? ---

#[test]
fn security_failures_are_breaches() {
    for w in [
        What::OwnPostError,
        What::DirectMessage,
        What::AccountTakeover,
        What::ToolIncident,
        What::ContentLost,
    ] {
        let mut a = base();
        a.what = w;
        let e = evaluate(&a);
        assert_eq!(e.breach, Breach::Yes, "{w:?}");
        assert!(e.severity.is_some());
        assert!(!e.dpo_decision_required);
        assert!(e.reason.sources.contains(&"GDPR art. 4(12)".to_string()));
    }
}

#[test]
fn deliberate_post_is_unsettled_and_severity_still_computed() {
    let mut a = base();
    a.what = What::OwnPostDeliberate;
    a.categories = vec![Category::Sensitive];
    let e = evaluate(&a);
    assert_eq!(e.breach, Breach::Unsettled);
    assert!(e.dpo_decision_required);
    let f = finding(&e, "DPO-DECISION-UNSETTLED");
    assert!(f.unsettled);
    assert_eq!(f.because, vec!["what"]);
    assert_eq!(e.severity.as_ref().unwrap().score, 4.5);
    // Notification as if it were a breach.
    assert_eq!(
        codes(&e),
        vec!["DPO-DECISION-UNSETTLED", "BREACH-NOTIFY-IMY-AND-SUBJECTS"]
    );
    assert!(e.notify_imy && e.notify_subjects);
}

#[test]
fn third_party_comment_is_no_breach_and_a_moderation_incident() {
    let mut a = base();
    a.what = What::ThirdPartyComment;
    let e = evaluate(&a);
    assert_eq!(e.breach, Breach::No);
    assert_eq!(codes(&e), vec!["NO-BREACH-DOCUMENT"]);
    assert!(e.severity.is_none());
    assert!(e.severity_if_breach.is_some());
    assert!(!e.notify_imy && !e.notify_subjects);
    assert_eq!(e.imy_deadline, None);
    assert!(!e.dpo_decision_required);
    let f = finding(&e, "NO-BREACH-DOCUMENT");
    assert!(f.sources.iter().any(|s| s == "1998:112 4 §"));
    assert!(f.sources.iter().any(|s| s == "TF 2 kap."));
    assert_eq!(f.because, vec!["what", "from_us"]);
}

#[test]
fn third_party_comment_with_escalating_data_needs_the_dpo() {
    for c in [
        Category::Sensitive,
        Category::Criminal,
        Category::Confidential,
        Category::ProtectedIdentity,
    ] {
        let mut a = base();
        a.what = What::ThirdPartyComment;
        a.categories = vec![Category::Simple, c];
        let e = evaluate(&a);
        assert_eq!(e.breach, Breach::No, "{c:?}");
        assert_eq!(
            codes(&e),
            vec!["NO-BREACH-DOCUMENT", "DPO-DECISION-UNSETTLED"]
        );
        assert!(e.dpo_decision_required);
        let f = finding(&e, "DPO-DECISION-UNSETTLED");
        assert!(f.unsettled);
        assert!(f.sources.contains(&"CJEU C-492/23".to_string()));
        assert!(f.because.contains(&"categories".to_string()));
    }
    for c in [
        Category::Simple,
        Category::Behavioural,
        Category::IdentityNumber,
        Category::Financial,
    ] {
        let mut a = base();
        a.what = What::ThirdPartyComment;
        a.categories = vec![c];
        assert!(!evaluate(&a).dpo_decision_required, "{c:?}");
    }
    let mut a = base();
    a.what = What::ThirdPartyComment;
    a.vulnerable = true;
    let e = evaluate(&a);
    assert!(e.dpo_decision_required);
    assert!(finding(&e, "DPO-DECISION-UNSETTLED")
        .because
        .contains(&"vulnerable".to_string()));
}

#[test]
fn comment_from_us_is_a_breach() {
    let mut a = base();
    a.what = What::ThirdPartyComment;
    a.from_us = true;
    a.categories = vec![Category::IdentityNumber];
    let e = evaluate(&a);
    assert_eq!(e.breach, Breach::Yes);
    assert_eq!(e.reason.because, vec!["what", "from_us"]);
    assert_eq!(codes(&e), vec!["BREACH-NOTIFY-IMY"]);
}

#[test]
fn from_us_only_matters_for_comments() {
    let mut a = base();
    a.from_us = true;
    assert_eq!(evaluate(&a).breach, Breach::Yes);
}

// --- Severity ---

#[test]
fn dpc_base_per_category() {
    let want = [
        (Category::Simple, 1),
        (Category::Behavioural, 2),
        (Category::IdentityNumber, 2),
        (Category::Financial, 3),
        (Category::Confidential, 3),
        (Category::Sensitive, 4),
        (Category::Criminal, 4),
        (Category::ProtectedIdentity, 4),
    ];
    for (c, base_level) in want {
        let mut a = base();
        a.categories = vec![c];
        let s = severity(&a);
        assert_eq!(s.dpc, base_level, "{c:?}");
        assert_eq!(s.components.dpc_base, base_level);
        assert_eq!(s.components.dpc_category, c);
        assert_eq!(s.components.vulnerable_adjustment, 0);
        // EI maximum, public: SE = DPC + 0.5
        assert_eq!(s.score, f64::from(base_level) + 0.5);
    }
}

#[test]
fn dpc_is_the_highest_category() {
    let mut a = base();
    a.categories = vec![Category::Simple, Category::Financial, Category::Behavioural];
    let s = severity(&a);
    assert_eq!((s.dpc, s.components.dpc_category), (3, Category::Financial));
}

#[test]
fn vulnerable_adds_one_capped_at_four() {
    let cases = [
        (Category::Simple, 2, 1),
        (Category::Behavioural, 3, 1),
        (Category::IdentityNumber, 3, 1),
        (Category::Financial, 4, 1),
        (Category::Confidential, 4, 1),
        (Category::Sensitive, 4, 0),
        (Category::Criminal, 4, 0),
        (Category::ProtectedIdentity, 4, 0),
    ];
    for (c, dpc, adj) in cases {
        let mut a = base();
        a.categories = vec![c];
        a.vulnerable = true;
        let s = severity(&a);
        assert_eq!(s.dpc, dpc, "{c:?}");
        assert_eq!(s.components.vulnerable_adjustment, adj, "{c:?}");
    }
}

#[test]
fn ei_values() {
    for (i, ei) in [
        (Identifiability::Negligible, 0.25),
        (Identifiability::Limited, 0.5),
        (Identifiability::Significant, 0.75),
        (Identifiability::Maximum, 1.0),
    ] {
        let mut a = base();
        a.categories = vec![Category::Sensitive];
        a.exposure = Exposure::None;
        a.identifiability = i;
        let s = severity(&a);
        assert_eq!(s.ei, ei);
        assert_eq!(s.score, 4.0 * ei);
    }
}

#[test]
fn cb_components() {
    let mut a = base();
    for (x, cb) in [
        (Exposure::Public, 0.5),
        (Exposure::RestrictedGroup, 0.25),
        (Exposure::KnownRecipients, 0.25),
        (Exposure::None, 0.0),
    ] {
        a.exposure = x;
        let s = severity(&a);
        assert_eq!((s.components.confidentiality, s.cb), (cb, cb), "{x:?}");
    }
    a.exposure = Exposure::None;
    for (x, cb) in [
        (Integrity::None, 0.0),
        (Integrity::Recoverable, 0.25),
        (Integrity::Unrecoverable, 0.5),
    ] {
        a.integrity = x;
        let s = severity(&a);
        assert_eq!((s.components.integrity, s.cb), (cb, cb), "{x:?}");
    }
    a.integrity = Integrity::None;
    for (x, cb) in [
        (Availability::None, 0.0),
        (Availability::Temporary, 0.25),
        (Availability::Permanent, 0.5),
    ] {
        a.availability = x;
        let s = severity(&a);
        assert_eq!((s.components.availability, s.cb), (cb, cb), "{x:?}");
    }
    a.availability = Availability::None;
    a.malicious = true;
    let s = severity(&a);
    assert_eq!((s.components.malicious, s.cb), (0.5, 0.5));
    // All together: 0.5 + 0.5 + 0.5 + 0.5.
    a.exposure = Exposure::Public;
    a.integrity = Integrity::Unrecoverable;
    a.availability = Availability::Permanent;
    let s = severity(&a);
    assert_eq!(s.cb, 2.0);
    assert_eq!(s.score, 3.0);
}

#[test]
fn level_bands() {
    assert_eq!(Level::of(0.25), Level::Low);
    assert_eq!(Level::of(1.75), Level::Low);
    assert_eq!(Level::of(2.0), Level::Medium);
    assert_eq!(Level::of(2.75), Level::Medium);
    assert_eq!(Level::of(3.0), Level::High);
    assert_eq!(Level::of(3.75), Level::High);
    assert_eq!(Level::of(4.0), Level::VeryHigh);
    assert_eq!(Level::of(6.0), Level::VeryHigh);
}

#[test]
fn domain_worked_examples() {
    // Child with protected identity, face plus preschool: 4 × 1 + 0.5 = 4.5 very high.
    let mut a = base();
    a.categories = vec![Category::Simple, Category::ProtectedIdentity];
    a.vulnerable = true;
    let s = severity(&a);
    assert_eq!((s.dpc, s.ei, s.cb, s.score), (4, 1.0, 0.5, 4.5));
    assert_eq!(s.level, Level::VeryHigh);
    // Adult visitor, identifiable, nothing sensitive: 1 × 0.75..1 + 0.5 → low.
    let mut a = base();
    a.identifiability = Identifiability::Significant;
    assert_eq!(severity(&a).score, 1.25);
    assert_eq!(severity(&a).level, Level::Low);
}

// --- Notification ---

#[test]
fn low_is_document_only() {
    let e = evaluate(&base());
    assert_eq!(codes(&e), vec!["BREACH-DOCUMENT-ONLY"]);
    assert!(!e.notify_imy && !e.notify_subjects);
    assert_eq!(e.imy_deadline, None);
    assert_eq!(e.hours_left, None);
    let f = finding(&e, "BREACH-DOCUMENT-ONLY");
    assert!(f.sources.contains(&"GDPR art. 33(5)".to_string()));
}

#[test]
fn medium_notifies_imy() {
    let mut a = base();
    a.categories = vec![Category::IdentityNumber];
    let e = evaluate(&a);
    assert_eq!(e.severity.as_ref().unwrap().level, Level::Medium);
    assert_eq!(codes(&e), vec!["BREACH-NOTIFY-IMY"]);
    assert!(e.notify_imy && !e.notify_subjects);
    assert_eq!(e.imy_deadline.as_deref(), Some("2026-11-23T09:30:00+01:00"));
    assert_eq!(e.hours_left, Some(71));
    assert!(finding(&e, "BREACH-NOTIFY-IMY")
        .sources
        .contains(&"GDPR art. 33(1)".to_string()));
}

#[test]
fn high_and_very_high_notify_imy_and_subjects() {
    let mut a = base();
    a.categories = vec![Category::Financial];
    let e = evaluate(&a);
    assert_eq!(e.severity.as_ref().unwrap().level, Level::High);
    assert_eq!(codes(&e), vec!["BREACH-NOTIFY-IMY-AND-SUBJECTS"]);
    assert!(e.notify_imy && e.notify_subjects);
    a.categories = vec![Category::Sensitive];
    let e = evaluate(&a);
    assert_eq!(e.severity.as_ref().unwrap().level, Level::VeryHigh);
    assert_eq!(codes(&e), vec!["BREACH-NOTIFY-IMY-AND-SUBJECTS"]);
}

#[test]
fn unintelligible_data_is_the_34_3_a_exception() {
    let mut a = base();
    a.categories = vec![Category::Sensitive];
    a.unintelligible = true;
    let e = evaluate(&a);
    assert!(e.notify_imy);
    assert!(!e.notify_subjects);
    assert_eq!(
        codes(&e),
        vec!["BREACH-NOTIFY-IMY", "BREACH-34(3)-EXCEPTION"]
    );
    let f = finding(&e, "BREACH-34(3)-EXCEPTION");
    assert!(f.sources.contains(&"GDPR art. 34(3)(a)".to_string()));
    assert!(f.because.contains(&"unintelligible".to_string()));
    // Below high, unintelligible changes nothing.
    let mut a = base();
    a.unintelligible = true;
    assert_eq!(codes(&evaluate(&a)), vec!["BREACH-DOCUMENT-ONLY"]);
}

// --- Deadlines ---

#[test]
fn deadline_is_72_hours_in_winter_time() {
    let d = imy_deadline(dt("2026-11-20T09:30:00+01:00"));
    assert_eq!(rfc3339(d), "2026-11-23T09:30:00+01:00");
    // Given in another offset, shown in Stockholm time.
    let d = imy_deadline(dt("2026-11-20T08:30:00Z"));
    assert_eq!(rfc3339(d), "2026-11-23T09:30:00+01:00");
}

#[test]
fn deadline_across_the_end_of_summer_time() {
    // Summer time ends Sunday 25 October 2026 at 03:00 CEST → 02:00 CET.
    let aware = dt("2026-10-23T10:00:00+02:00");
    let d = imy_deadline(aware);
    assert_eq!(rfc3339(d), "2026-10-26T09:00:00+01:00");
    assert_eq!((d - aware).num_hours(), 72);
}

#[test]
fn deadline_across_the_start_of_summer_time() {
    // Summer time starts Sunday 29 March 2026 at 02:00 CET → 03:00 CEST.
    let aware = dt("2026-03-27T10:00:00+01:00");
    let d = imy_deadline(aware);
    assert_eq!(rfc3339(d), "2026-03-30T11:00:00+02:00");
    assert_eq!((d - aware).num_hours(), 72);
    // Start of summer time 2027: Sunday 28 March.
    let d = imy_deadline(dt("2027-03-26T23:30:00+01:00"));
    assert_eq!(rfc3339(d), "2027-03-30T00:30:00+02:00");
}

#[test]
fn deadline_within_summer_time() {
    let d = imy_deadline(dt("2026-07-01T12:00:00+02:00"));
    assert_eq!(rfc3339(d), "2026-07-04T12:00:00+02:00");
}

#[test]
fn late_notification_needs_reasons() {
    let mut a = base();
    a.categories = vec![Category::IdentityNumber];
    a.assessed_at = dt("2026-11-23T09:30:00+01:00");
    let e = evaluate(&a);
    assert!(!e.late, "exactly at the deadline is not late");
    assert_eq!(e.hours_left, Some(0));
    a.assessed_at = dt("2026-11-23T09:31:00+01:00");
    let e = evaluate(&a);
    assert!(e.late);
    assert_eq!(
        codes(&e),
        vec!["BREACH-NOTIFY-IMY", "LATE-NOTIFICATION-REASONS-REQUIRED"]
    );
    assert_eq!(e.hours_left, Some(-1));
    let f = finding(&e, "LATE-NOTIFICATION-REASONS-REQUIRED");
    assert_eq!(f.sources[0], "GDPR art. 33(1)");
    assert_eq!(f.because, vec!["aware_at", "assessed_at"]);
}

#[test]
fn late_assessment_without_notification_due_is_not_late() {
    let mut a = base();
    a.assessed_at = dt("2026-12-01T09:30:00+01:00");
    let e = evaluate(&a);
    assert!(!e.late);
    assert_eq!(codes(&e), vec!["BREACH-DOCUMENT-ONLY"]);
    let mut a = base();
    a.what = What::ThirdPartyComment;
    a.categories = vec![Category::Sensitive];
    a.assessed_at = dt("2026-12-01T09:30:00+01:00");
    assert!(!evaluate(&a).late);
}

// --- Archive before delete ---

#[test]
fn archive_before_delete_missing() {
    for w in [
        What::OwnPostError,
        What::OwnPostDeliberate,
        What::ThirdPartyComment,
    ] {
        let mut a = base();
        a.what = w;
        a.archived_before_removal = Some(false);
        let e = evaluate(&a);
        let f = finding(&e, "ARCHIVE-BEFORE-DELETE-MISSING");
        assert!(f.sources.contains(&"TF 2 kap.".to_string()));
        assert_eq!(f.because, vec!["archived_before_removal", "removed_at"]);
        assert_eq!(e.outcomes.last().unwrap(), "ARCHIVE-BEFORE-DELETE-MISSING");
    }
    let mut a = base();
    a.what = What::AccountTakeover;
    a.archived_before_removal = None;
    assert!(!codes(&evaluate(&a)).contains(&"ARCHIVE-BEFORE-DELETE-MISSING"));
}

// --- Every finding is complete ---

#[test]
fn every_finding_has_text_sources_and_because() {
    let mut variants = Vec::new();
    for w in [
        What::OwnPostError,
        What::OwnPostDeliberate,
        What::ThirdPartyComment,
        What::DirectMessage,
        What::AccountTakeover,
        What::ToolIncident,
        What::ContentLost,
    ] {
        for c in Category::ALL {
            for (unintelligible, vulnerable) in [(false, false), (true, true), (false, true)] {
                let mut a = base();
                a.what = w;
                a.categories = vec![c];
                a.vulnerable = vulnerable;
                a.unintelligible = unintelligible;
                a.archived_before_removal = Some(false);
                a.assessed_at = dt("2026-11-30T10:00:00+01:00");
                variants.push(evaluate(&a));
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for e in &variants {
        for f in &e.findings {
            assert!(!f.text.is_empty() && !f.sources.is_empty() && !f.because.is_empty());
            seen.insert(f.code.clone());
        }
    }
    let all = [
        "NO-BREACH-DOCUMENT",
        "BREACH-DOCUMENT-ONLY",
        "BREACH-NOTIFY-IMY",
        "BREACH-NOTIFY-IMY-AND-SUBJECTS",
        "BREACH-34(3)-EXCEPTION",
        "LATE-NOTIFICATION-REASONS-REQUIRED",
        "DPO-DECISION-UNSETTLED",
        "ARCHIVE-BEFORE-DELETE-MISSING",
    ];
    for c in all {
        assert!(seen.contains(c), "{c} never produced");
    }
}

#[test]
fn json_has_the_contract_shape() {
    let mut a = base();
    a.categories = vec![Category::Sensitive];
    let v = serde_json::to_value(evaluate(&a)).unwrap();
    assert_eq!(v["kind"], "breach_evaluation");
    assert_eq!(v["breach"], "yes");
    assert_eq!(v["severity"]["dpc"], 4);
    assert_eq!(v["severity"]["ei"], 1.0);
    assert_eq!(v["severity"]["cb"], 0.5);
    assert_eq!(v["severity"]["score"], 4.5);
    assert_eq!(v["severity"]["level"], "very_high");
    assert_eq!(v["notify_imy"], true);
    assert_eq!(v["notify_subjects"], true);
    assert_eq!(v["imy_deadline"], "2026-11-23T09:30:00+01:00");
    assert_eq!(v["dpo_decision_required"], false);
    assert_eq!(v["outcomes"][0], "BREACH-NOTIFY-IMY-AND-SUBJECTS");
    let f = &v["findings"][0];
    for k in ["code", "text", "sources", "unsettled", "because"] {
        assert!(f.get(k).is_some(), "{k}");
    }
    let mut a = base();
    a.what = What::ThirdPartyComment;
    let v = serde_json::to_value(evaluate(&a)).unwrap();
    assert!(v["severity"].is_null());
    assert!(v["imy_deadline"].is_null());
}

// --- Checks ---

fn now() -> DateTime<FixedOffset> {
    dt("2026-11-21T12:00:00+01:00")
}

#[test]
fn c1_instants_in_order_and_not_in_the_future() {
    let mut a = base();
    a.assessed_at = dt("2026-11-20T09:00:00+01:00");
    let e = a.check(now()).unwrap_err();
    assert_eq!(e.field, "assessed_at");
    assert!(
        e.message.contains("aware_at"),
        "both keys named: {}",
        e.message
    );
    let mut a = base();
    a.removed_at = Some(dt("2026-11-20T07:00:00+01:00"));
    let e = a.check(now()).unwrap_err();
    assert!(e.message.contains("removed_at") && e.message.contains("published_at"));
    let mut a = base();
    a.assessed_at = dt("2026-11-22T10:00:00+01:00");
    assert_eq!(a.check(now()).unwrap_err().field, "assessed_at");
    assert!(base().check(now()).is_ok());
}

#[test]
fn c2_awareness_at_removal_by_own_staff() {
    let mut a = base();
    a.removed_at = Some(dt("2026-11-19T10:00:00+01:00"));
    a.published_at = Some(dt("2026-11-19T08:00:00+01:00"));
    a.categories = vec![Category::Financial];
    let e = evaluate(&a);
    assert!(codes(&e).contains(&"AWARENESS-AT-REMOVAL"));
    assert_eq!(e.deadline_72h, "2026-11-22T10:00:00+01:00");
    assert!(finding(&e, "AWARENESS-AT-REMOVAL")
        .sources
        .contains(&"EDPB 9/2022".to_string()));
    // Removed by the platform: awareness stays.
    a.removed_by = Some(RemovedBy::Platform);
    let e = evaluate(&a);
    assert!(!codes(&e).contains(&"AWARENESS-AT-REMOVAL"));
    assert_eq!(e.deadline_72h, "2026-11-23T09:30:00+01:00");
}

#[test]
fn c3_volume_or_malice_beyond_a_low_score() {
    let mut a = base();
    a.subjects = 150;
    let e = evaluate(&a);
    assert_eq!(e.severity.as_ref().unwrap().level, Level::Low);
    let f = finding(&e, "VOLUME-OR-MALICE-REVIEW");
    assert!(f.unsettled && e.dpo_decision_required);
    assert!(f.because.contains(&"subjects".to_string()));
    assert_eq!(
        e.severity.as_ref().unwrap().level,
        Level::Low,
        "the level is not changed"
    );
    let mut a = base();
    a.malicious = true;
    a.exposure = Exposure::RestrictedGroup;
    a.identifiability = Identifiability::Negligible;
    let e = evaluate(&a);
    assert!(codes(&e).contains(&"VOLUME-OR-MALICE-REVIEW"));
    assert!(!codes(&evaluate(&base())).contains(&"VOLUME-OR-MALICE-REVIEW"));
}

#[test]
fn c4_a_compromised_key_voids_the_34_3_a_exception() {
    let mut a = base();
    a.categories = vec![Category::Sensitive];
    a.unintelligible = true;
    a.key_safe = Some(true);
    assert!(codes(&evaluate(&a)).contains(&"BREACH-34(3)-EXCEPTION"));
    a.key_safe = Some(false);
    let e = evaluate(&a);
    assert!(!codes(&e).contains(&"BREACH-34(3)-EXCEPTION"));
    assert!(e.notify_subjects);
}

#[test]
fn c5_content_still_online() {
    let mut a = base();
    a.removed_at = None;
    let e = evaluate(&a);
    assert!(codes(&e).contains(&"CONTENT-STILL-ONLINE"));
    assert!(e
        .actions
        .iter()
        .any(|x| x.code == "CONTENT-STILL-ONLINE" && x.level == crate::finding::Level::Must));
    assert!(!codes(&evaluate(&base())).contains(&"CONTENT-STILL-ONLINE"));
}

#[test]
fn c6_the_controller_decides_the_dpo_advises() {
    crate::i18n::set(crate::i18n::Lang::Sv);
    let mut a = base();
    a.what = What::OwnPostDeliberate;
    let e = evaluate(&a);
    let all: String = e
        .findings
        .iter()
        .map(|f| f.text.clone())
        .chain(e.actions.iter().map(|x| x.text.clone()))
        .collect();
    assert!(
        !all.contains("Dataskyddsombudet fattar") && !all.contains("dataskyddsombudet besluta")
    );
    assert!(all.contains("personuppgiftsansvarige"));
    assert!(codes(&e).contains(&"DPO-DECISION-UNSETTLED"));
}

#[test]
fn times_out_of_order_name_the_field() {
    let mut a = base();
    a.aware_at = dt("2026-11-20T07:59:00+01:00");
    assert_eq!(a.check(now()).unwrap_err().field, "aware_at");
    let mut a = base();
    a.removed_at = Some(dt("2026-11-20T07:00:00+01:00"));
    assert_eq!(a.check(now()).unwrap_err().field, "removed_at");
    // Offsets are compared as instants: 08:30+02:00 is 07:30+01:00, before publication.
    let mut a = base();
    a.aware_at = dt("2026-11-20T08:30:00+02:00");
    assert!(a.check(now()).is_err());
    assert!(base().check(now()).is_ok());
}

#[test]
fn from_json_defaults_assessed_at_to_now() {
    let v = serde_json::json!({
        "account": "x", "what": "own_post_error", "categories": ["simple"], "subjects": 2,
        "vulnerable": false, "identifiability": "maximum", "exposure": "public",
        "integrity": "none", "availability": "none", "malicious": false, "unintelligible": false,
        "published_at": "2026-11-20T08:00:00+01:00", "aware_at": "2026-11-20T09:30:00+01:00",
        "removed_at": "2026-11-20T09:45:00+01:00", "archived_before_removal": true
    });
    let now = dt("2026-11-21T12:00:00+01:00");
    let a = Answers::from_json(&v, now).unwrap();
    assert_eq!(a.assessed_at, now);
}

#[test]
fn time_left_texts() {
    crate::i18n::set(crate::i18n::Lang::Sv);
    let d = dt("2026-11-23T09:30:00+01:00");
    assert_eq!(
        time_left_text(d, dt("2026-11-20T20:30:00+01:00")),
        "61 timmar kvar"
    );
    assert_eq!(
        time_left_text(d, dt("2026-11-23T09:00:00+01:00")),
        "30 minuter kvar"
    );
    assert_eq!(
        time_left_text(d, dt("2026-11-23T14:10:00+01:00")),
        "försenad med 5 timmar"
    );
    let s = deadline_status(
        dt("2026-11-20T09:30:00+01:00"),
        dt("2026-11-20T20:30:00+01:00"),
    );
    assert!(s.contains("23 november 2026 kl. 09.30"), "{s}");
    assert!(s.contains("61 timmar kvar"), "{s}");
}
