//! One test per rule of DOMAIN.md part 1 A, through the real questionnaire (so defaults
//! and conditions are exercised too).

use super::*;
use crate::questionnaire::Questionnaire;

fn run(extra: &str) -> Assessment {
    let q = Questionnaire::load("account").unwrap();
    let v = q
        .validate(extra, std::path::Path::new("t.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let a: Answers = serde_json::from_value(v).unwrap();
    assess("acc", &a)
}

fn base(platform: &str) -> String {
    format!("[account]\nplatform = \"{platform}\"\nowner_unit = \"Kommunstyrelsen\"\n")
}

fn has(a: &Assessment, code: &str) -> bool {
    a.outcomes.iter().any(|c| c == code)
}

fn finding<'a>(a: &'a Assessment, code: &str) -> &'a Finding {
    a.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", a.outcomes))
}

fn must(a: &Assessment, code: &str) -> bool {
    a.actions
        .iter()
        .any(|x| x.code == code && x.level == crate::finding::Level::Must)
}

fn should(a: &Assessment, code: &str) -> bool {
    a.actions
        .iter()
        .any(|x| x.code == code && x.level == crate::finding::Level::Should)
}

#[test]
fn owner_set_is_single_controller() {
    let a = run(&base("facebook_page"));
    assert_eq!(a.controller.as_deref(), Some("Kommunstyrelsen"));
    assert!(has(&a, "CTRL-SINGLE"));
    assert_eq!(
        finding(&a, "CTRL-SINGLE").because,
        vec!["account.owner_unit"]
    );
}

#[test]
fn empty_owner_is_unclear_with_must() {
    let a = run("[account]\nplatform = \"x\"\nowner_unit = \"\"\n");
    assert_eq!(a.controller, None);
    assert!(has(&a, "CTRL-UNCLEAR"));
    assert!(must(&a, "CTRL-UNCLEAR"));
}

#[test]
fn shared_designated_one_is_fine() {
    let a = run(&(base("x") + "shared = true\nshared_governance = \"designated_one\"\n"));
    assert!(!has(&a, "JOINT-INTERNAL"));
    assert!(a.actions.iter().all(|x| x.code != "JOINT-INTERNAL"));
}

#[test]
fn shared_joint_arrangement_should_publish_essence() {
    let a = run(&(base("x") + "shared = true\nshared_governance = \"joint_arrangement\"\n"));
    assert!(has(&a, "JOINT-INTERNAL"));
    assert!(should(&a, "JOINT-INTERNAL"));
    assert!(!must(&a, "JOINT-INTERNAL"));
}

#[test]
fn shared_without_governance_is_must() {
    let a = run(&(base("x") + "shared = true\n"));
    assert!(has(&a, "JOINT-INTERNAL"));
    assert!(must(&a, "JOINT-INTERNAL"));
}

#[test]
fn insights_on_platforms_with_arrangement() {
    for (p, unsettled) in [
        ("facebook_page", false),
        ("instagram", true),
        ("linkedin_page", false),
        ("tiktok", true),
    ] {
        let a = run(&(base(p) + "[features]\ninsights = true\n"));
        assert!(a.joint_with_platform, "{p}");
        let f = finding(&a, "JOINT-PLATFORM-ARRANGEMENT");
        assert_eq!(f.unsettled, unsettled, "{p}");
        assert!(f.sources.contains(&"CJEU C-210/16".to_string()));
    }
}

#[test]
fn insights_on_platforms_without_arrangement() {
    for p in ["x", "youtube", "snapchat", "blog", "other"] {
        let a = run(&(base(p) + "[features]\ninsights = true\n"));
        assert!(a.joint_with_platform, "{p}");
        assert!(
            finding(&a, "JOINT-PLATFORM-NO-ARRANGEMENT").unsettled,
            "{p}"
        );
    }
}

#[test]
fn paid_targeting_is_joint_on_any_platform() {
    let a = run(&(base("blog") + "[features]\ninsights = false\npaid_targeting = true\n"));
    assert!(a.joint_with_platform);
    assert!(finding(&a, "JOINT-PLATFORM-TARGETING")
        .sources
        .contains(&"EDPB 8/2020".to_string()));
}

#[test]
fn neither_insights_nor_targeting_is_not_joint() {
    let a = run(&(base("facebook_page") + "[features]\ninsights = false\n"));
    assert!(!a.joint_with_platform);
}

#[test]
fn no_comments_no_third_party_content() {
    let a = run(&(base("facebook_page") + "[features]\ncomments = false\n"));
    assert_eq!(a.third_party_content, "none");
    assert!(!has(&a, "COMMENTS-RESPONSIBLE") && !has(&a, "COMMENTS-LIMITED"));
}

#[test]
fn removable_comments_are_full_responsibility() {
    let a = run(&base("facebook_page"));
    assert_eq!(a.third_party_content, "full");
    assert!(has(&a, "COMMENTS-RESPONSIBLE"));
    assert!(!has(&a, "BBS-MODERATION-GAP"));
}

#[test]
fn no_moderation_routine_is_a_must_gap() {
    let a = run(&(base("facebook_page") + "[data]\nmoderation_routine = false\n"));
    assert!(has(&a, "BBS-MODERATION-GAP"));
    assert!(must(&a, "BBS-MODERATION-GAP"));
    assert!(finding(&a, "BBS-MODERATION-GAP")
        .sources
        .contains(&"1998:112 4 §".to_string()));
}

#[test]
fn x_replies_default_to_limited_and_unsettled() {
    let a = run(&base("x"));
    assert_eq!(a.third_party_content, "limited");
    let f = finding(&a, "COMMENTS-LIMITED");
    assert!(f.unsettled);
    assert!(f.sources.contains(&"CJEU C-492/23".to_string()));
}

#[test]
fn contractor_roles() {
    let c = |decides: &str, agreement: &str| {
        run(&format!(
            "{}operated_by = \"contractor\"\n[contractor]\nname = \"Fryshuset\"\ndecides = \"{decides}\"\nagreement = \"{agreement}\"\n",
            base("instagram")
        ))
    };
    let a = c("municipality", "none");
    assert_eq!(a.contractor_role.as_deref(), Some("processor"));
    assert!(has(&a, "CONTRACTOR-PROCESSOR") && has(&a, "DPA-MISSING") && must(&a, "DPA-MISSING"));
    let a = c("municipality", "dpa");
    assert!(!has(&a, "DPA-MISSING"));
    let a = c("contractor", "service_contract");
    assert_eq!(a.contractor_role.as_deref(), Some("independent_controller"));
    assert!(has(&a, "CONTRACTOR-INDEPENDENT") && should(&a, "CONTRACTOR-INDEPENDENT"));
    let a = c("both", "none");
    assert_eq!(a.contractor_role.as_deref(), Some("joint_controller"));
    assert!(has(&a, "CONTRACTOR-JOINT") && must(&a, "CONTRACTOR-JOINT"));
    let a = c("both", "joint_arrangement");
    assert!(!must(&a, "CONTRACTOR-JOINT"));
}

#[test]
fn own_staff_has_no_contractor_role() {
    assert_eq!(run(&base("x")).contractor_role, None);
}

fn tool(fields: &str) -> String {
    format!("\n[[tools]]\nname = \"T\"\npurpose = \"scheduling\"\n{fields}")
}

#[test]
fn tool_processor_with_and_without_dpa() {
    let a = run(&(base("x") + &tool("dpa = true\ncountry = \"SE\"\n")));
    assert_eq!(a.tools[0].role, "processor");
    assert!(a.tools[0].dpa_required);
    assert_eq!(a.tools[0].outcomes, vec!["DPA-OK"]);
    let a = run(&(base("x") + &tool("dpa = false\ncountry = \"SE\"\n")));
    assert_eq!(a.tools[0].outcomes, vec!["DPA-MISSING"]);
    assert!(must(&a, "DPA-MISSING"));
}

#[test]
fn tool_on_own_purposes_is_misclassified_controller() {
    let a = run(&(base("x") + &tool("on_our_instructions = false\ncountry = \"SE\"\n")));
    assert_eq!(a.tools[0].role, "independent_controller");
    assert!(!a.tools[0].dpa_required);
    assert_eq!(a.tools[0].outcomes, vec!["ROLE-MISCLASSIFIED"]);
    assert!(should(&a, "ROLE-MISCLASSIFIED"));
    let a = run(&(base("x") + "\n[[tools]]\nname = \"M\"\npurpose = \"monitoring\"\non_our_instructions = false\ncountry = \"SE\"\n"));
    assert_eq!(a.tools[0].outcomes, vec!["TOOL-INDEPENDENT"]);
}

#[test]
fn tool_transfers() {
    let t = |m: &str, extra: &str| {
        run(&(base("x")
            + &tool(&format!(
                "dpa = true\ncountry = \"US\"\ntransfer_mechanism = \"{m}\"\n{extra}"
            ))))
    };
    assert_eq!(
        t("dpf", "").tools[0].outcomes,
        vec!["DPA-OK", "TRANSFER-DPF"]
    );
    assert!(should(&t("dpf", ""), "TRANSFER-DPF"));
    assert_eq!(
        t("scc", "tia = true\n").tools[0].outcomes,
        vec!["DPA-OK", "TRANSFER-SCC-TIA-OK"]
    );
    let a = t("scc", "");
    assert_eq!(
        a.tools[0].outcomes,
        vec!["DPA-OK", "TRANSFER-CHECK-REQUIRED"]
    );
    assert!(should(&a, "TRANSFER-CHECK-REQUIRED"));
    for m in ["none", "none_needed"] {
        let a = t(m, "");
        assert_eq!(a.tools[0].outcomes, vec!["DPA-OK", "TRANSFER-NO-MECHANISM"]);
        assert!(must(&a, "TRANSFER-NO-MECHANISM"));
    }
    // Within the EEA: nothing about transfers.
    let a =
        run(&(base("x") + &tool("dpa = true\ncountry = \"de\"\ntransfer_mechanism = \"none\"\n")));
    assert_eq!(a.tools[0].outcomes, vec!["DPA-OK"]);
}

#[test]
fn tiktok_is_china_scc() {
    let a = run(&(base("tiktok") + "[features]\ndirect_messages = false\n"));
    assert!(has(&a, "TRANSFER-CHINA-SCC"));
    assert!(should(&a, "TRANSFER-CHINA-SCC"));
}

#[test]
fn exposure_high_with_confidential_data_and_dms() {
    let a = run(&(base("facebook_page") + "[data]\nconfidential_expected = true\n"));
    assert_eq!(a.exposure, "high");
    assert!(finding(&a, "OSL-ROJANDE-RISK").unsettled);
    assert!(has(&a, "DM-CHANNEL-RISK"));
    assert!(must(&a, "OSL-ROJANDE-RISK"));
}

#[test]
fn exposure_high_through_a_message_storing_tool_abroad() {
    let a = run(&(base("blog")
        + "[features]\ndirect_messages = false\n[data]\nsensitive_expected = true\n"
        + &tool(
            "dpa = true\ncountry = \"US\"\ntransfer_mechanism = \"dpf\"\nstores_messages = true\n",
        )));
    assert_eq!(a.exposure, "high");
}

#[test]
fn exposure_medium_with_dms_only() {
    let a = run(&base("facebook_page"));
    assert_eq!(a.exposure, "medium");
    assert!(has(&a, "DM-CHANNEL-RISK"));
    assert!(!has(&a, "OSL-ROJANDE-RISK"));
}

#[test]
fn exposure_medium_for_children_without_dms() {
    let a =
        run(&(base("instagram")
            + "[features]\ndirect_messages = false\naudience_children = true\n"));
    assert_eq!(a.exposure, "medium");
    assert!(!has(&a, "DM-CHANNEL-RISK"));
}

#[test]
fn exposure_low_for_public_posts_only() {
    let a = run(&(base("facebook_page") + "[features]\ndirect_messages = false\n"));
    assert_eq!(a.exposure, "low");
}

#[test]
fn exposure_low_for_an_eea_provider_override() {
    let a = run(&(base("facebook_page")
        + "[data]\nconfidential_expected = true\n[provider]\nparent_country = \"SE\"\n"));
    assert_eq!(a.exposure, "low");
    assert_eq!(a.platform.parent_country, "SE");
}

#[test]
fn dpf_unknown_platform_is_unsettled_exposure() {
    let a = run(&base("youtube"));
    assert!(finding(&a, "EXPOSURE").unsettled);
    assert!(finding(&a, "EXPOSURE")
        .sources
        .contains(&"18 U.S.C. § 2713".to_string()));
}

#[test]
fn every_finding_cites_a_source_and_a_reason() {
    let a = run(
        &(base("facebook_page")
            + "shared = true\noperated_by = \"contractor\"\n[contractor]\nname = \"C\"\ndecides = \"both\"\nagreement = \"none\"\n[features]\npaid_targeting = true\n[data]\nconfidential_expected = true\nmoderation_routine = false\n"
            + &tool("dpa = false\ncountry = \"US\"\ntransfer_mechanism = \"none\"\nstores_messages = true\n")),
    );
    for f in &a.findings {
        assert!(!f.sources.is_empty(), "{} has no source", f.code);
        assert!(!f.because.is_empty(), "{} has no because", f.code);
    }
}

#[test]
fn same_answers_same_result() {
    let t = base("linkedin_page") + "[data]\nsensitive_expected = true\n";
    assert_eq!(run(&t), run(&t));
}
