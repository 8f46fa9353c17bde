//! Account assessment (DOMAIN.md part 1 A, rules 2026.12): who is controller, joint
//! controllership with the platform, responsibility for visitors' content, the contractor's and
//! each tool's role, transfers (adequacy, DPF, SCC), the CLOUD Act / third-country exposure,
//! DPIA screening, and the account's entry in the record of processing and its notice.
//!
//! [`assess_in`] is a pure function of the typed answers and the organisation's facts
//! ([`Context`]: its committees and companies, DPO, retention rule, and the account register's
//! entry): the same input always gives the same result. The words of every finding are in
//! `questionnaires/catalogue.toml`; each rule's doc comment names the DOMAIN mark it implements.

use serde::{Deserialize, Serialize};

use super::{adequacy, in_eea, platforms};
use crate::finding::{outcomes, Action, Finding};
use crate::i18n::{t, Lang};

mod record;
pub use record::{notice_text, NoticeFormat, ProcessingRecord, Transfer};

// ---------------------------------------------------------------- answers

/// The platform the account is on (`account.platform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    FacebookPage,
    Instagram,
    LinkedinPage,
    X,
    Youtube,
    Tiktok,
    Snapchat,
    Blog,
    Other,
}

impl Platform {
    pub const ALL: [Platform; 9] = [
        Platform::FacebookPage,
        Platform::Instagram,
        Platform::LinkedinPage,
        Platform::X,
        Platform::Youtube,
        Platform::Tiktok,
        Platform::Snapchat,
        Platform::Blog,
        Platform::Other,
    ];

    /// The contract's value (`facebook_page`, …).
    pub fn id(self) -> &'static str {
        match self {
            Platform::FacebookPage => "facebook_page",
            Platform::Instagram => "instagram",
            Platform::LinkedinPage => "linkedin_page",
            Platform::X => "x",
            Platform::Youtube => "youtube",
            Platform::Tiktok => "tiktok",
            Platform::Snapchat => "snapchat",
            Platform::Blog => "blog",
            Platform::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.id() == s)
    }

    /// No built-in parent: the questionnaire asks who runs it (A3).
    pub fn needs_provider(self) -> bool {
        matches!(self, Platform::Blog | Platform::Other)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Governance {
    DesignatedOne,
    JointArrangement,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatedBy {
    OwnStaff,
    Contractor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decides {
    Municipality,
    Contractor,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    Dpa,
    JointArrangement,
    ServiceContract,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolPurpose {
    Scheduling,
    Archiving,
    Monitoring,
    Inbox,
    Analytics,
    Agency,
    Storage,
    Other,
}

impl ToolPurpose {
    /// Purposes for which a tool is expected to act on instructions (a processor).
    pub fn expects_processor(self) -> bool {
        !matches!(self, ToolPurpose::Monitoring | ToolPurpose::Other)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    NoneNeeded,
    Dpf,
    Scc,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dpf {
    Yes,
    No,
    Unknown,
    NotApplicable,
}

impl Dpf {
    pub fn id(self) -> &'static str {
        match self {
            Dpf::Yes => "yes",
            Dpf::No => "no",
            Dpf::Unknown => "unknown",
            Dpf::NotApplicable => "not_applicable",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Answers {
    pub account: Account,
    #[serde(default)]
    pub contractor: Option<Contractor>,
    pub features: Features,
    pub data: Data,
    #[serde(default)]
    pub tools: Vec<Tool>,
    #[serde(default)]
    pub provider: Option<Provider>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Account {
    pub platform: Platform,
    #[serde(default)]
    pub owner_unit: String,
    pub shared: bool,
    #[serde(default)]
    pub shared_governance: Option<Governance>,
    pub operated_by: OperatedBy,
    /// The act, regulation or decision that gives the committee the task (A7).
    #[serde(default)]
    pub task_basis: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Contractor {
    pub name: String,
    pub decides: Decides,
    pub agreement: Agreement,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Features {
    pub comments: bool,
    #[serde(default)]
    pub can_remove_comments: Option<bool>,
    pub direct_messages: bool,
    pub insights: bool,
    pub paid_targeting: bool,
    pub audience_children: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Data {
    pub sensitive_expected: bool,
    pub confidential_expected: bool,
    #[serde(default)]
    pub moderation_routine: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Tool {
    pub name: String,
    pub purpose: ToolPurpose,
    pub on_our_instructions: bool,
    pub dpa: bool,
    pub country: String,
    pub transfer_mechanism: Mechanism,
    #[serde(default)]
    pub tia: Option<bool>,
    pub stores_messages: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Provider {
    #[serde(default)]
    pub parent_country: Option<String>,
    #[serde(default)]
    pub dpf: Option<Dpf>,
}

// ---------------------------------------------------------------- the organisation's facts

/// What the assessment needs to know besides the answers: the organisation's lists and
/// settings in `dataskydd.toml` and the account register's entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub organisation: String,
    /// Committees (nämnder) and the executive board: each its own controller.
    pub committees: Vec<String>,
    /// Municipal companies: separate legal persons, their own controllers.
    pub companies: Vec<String>,
    /// The DPO's contact ("name, e-mail, phone"), empty when not configured.
    pub dpo: String,
    /// The gallring rule for this account's data (`[retention]`), None when not stated.
    pub retention: Option<String>,
    /// From the account register: how many people hold the login (None: unknown).
    pub admins: Option<u32>,
    /// From the account register: the account's purpose.
    pub purpose: String,
}

/// What `owner_unit` is in the organisation's lists (A6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    Committee,
    Company,
    /// Not in the lists (accepted: the lists are empty, or `--allow-unknown-owner`).
    Unlisted,
}

impl Context {
    /// A6: the owner unit in the lists; a company when it is among `companies`.
    pub fn owner_kind(&self, owner: &str) -> OwnerKind {
        let o = owner.trim();
        let eq = |n: &String| n.trim().eq_ignore_ascii_case(o) || n.trim() == o;
        if self.companies.iter().any(eq) {
            OwnerKind::Company
        } else if self.committees.iter().any(eq) {
            OwnerKind::Committee
        } else {
            OwnerKind::Unlisted
        }
    }

    /// A6: Ok when `owner` is listed, empty, or the lists are empty; Err with the closest
    /// names ("menade du …?") otherwise.
    pub fn check_owner(&self, owner: &str) -> std::result::Result<(), Vec<String>> {
        if owner.trim().is_empty()
            || (self.committees.is_empty() && self.companies.is_empty())
            || self.owner_kind(owner) != OwnerKind::Unlisted
        {
            return Ok(());
        }
        let all: Vec<String> = self
            .committees
            .iter()
            .chain(&self.companies)
            .cloned()
            .collect();
        Err(super::closest::closest(owner, &all)
            .into_iter()
            .map(String::from)
            .collect())
    }
}

impl Context {
    /// The facts of a workspace for one account: its lists, DPO, retention rule for the
    /// platform, and the account register's entry (when the account is registered).
    pub fn of(
        ws: &crate::workspace::Workspace,
        platform: Platform,
        registered: Option<&crate::registers::accounts::Account>,
    ) -> Context {
        let c = &ws.config;
        Context {
            organisation: c.organisation.name.clone(),
            committees: c.organisation.committees.clone(),
            companies: c.organisation.companies.clone(),
            dpo: c.dpo.contact(),
            retention: c.retention.rule(platform.id()),
            admins: registered.and_then(|r| r.admins),
            purpose: registered.map(|r| r.purpose.clone()).unwrap_or_default(),
        }
    }
}

/// A country code in the answers that is not ISO 3166-1 alpha-2 (A3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCountry {
    /// The answers key (`provider.parent_country`, `tools[1].country`).
    pub key: String,
    pub value: String,
    /// The codes the value may stand for ("Kanada" → "CA").
    pub suggestions: Vec<String>,
}

impl Answers {
    /// A3: `provider.parent_country` and every `tools.country` must be ISO 3166-1 alpha-2.
    pub fn check_countries(&self) -> std::result::Result<(), BadCountry> {
        let bad = |key: String, v: &str| match adequacy::check_code(v) {
            Ok(_) => Ok(()),
            Err(suggestions) => Err(BadCountry {
                key,
                value: v.to_string(),
                suggestions,
            }),
        };
        if let Some(c) = self
            .provider
            .as_ref()
            .and_then(|p| p.parent_country.as_deref())
            .filter(|c| !c.trim().is_empty())
        {
            bad("provider.parent_country".into(), c)?;
        }
        for (i, t) in self.tools.iter().enumerate() {
            bad(format!("tools[{i}].country"), &t.country)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- result

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolResult {
    pub name: String,
    pub role: String,
    pub dpa_required: bool,
    pub outcomes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformInfo {
    pub id: String,
    pub name: String,
    pub parent: String,
    /// ISO code; empty when nobody said who runs the service (A3).
    pub parent_country: String,
    pub dpf: String,
    pub addendum: Option<String>,
}

/// A8: one DPIA criterion met, with the answer keys that meet it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DpiaCriterion {
    pub criterion: String,
    pub because: Vec<String>,
}

/// A1: the adequacy decisions the record relied on, and the list's version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdequacyUsed {
    pub list_version: String,
    pub decisions: Vec<AdequacyEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdequacyEntry {
    pub country: String,
    pub decision: String,
    pub date: String,
    pub review: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notice {
    pub sv: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub kind: &'static str,
    pub account: String,
    pub controller: Option<String>,
    pub joint_with_platform: bool,
    pub third_party_content: String,
    pub contractor_role: Option<String>,
    pub tools: Vec<ToolResult>,
    pub exposure: String,
    pub actions: Vec<Action>,
    pub outcomes: Vec<String>,
    pub findings: Vec<Finding>,
    pub platform: PlatformInfo,
    pub rules_version: &'static str,
    // Additions of rules 2026.12.
    /// A6: committee | company | unlisted; null when `owner_unit` is empty.
    pub owner_kind: Option<OwnerKind>,
    /// A8: required | consider | not_indicated.
    pub dpia: &'static str,
    pub dpia_criteria: Vec<DpiaCriterion>,
    /// A9: the entry for the controller's record of processing activities (Art. 30(1)).
    pub processing_record: ProcessingRecord,
    /// A9: the text for the account's "about" page, Markdown, in both languages.
    pub notice: Notice,
    /// A1: null when no adequacy decision was relied on.
    pub adequacy: Option<AdequacyUsed>,
}

/// Collects findings and actions as the rules fire.
#[derive(Default)]
struct Out {
    findings: Vec<Finding>,
    actions: Vec<Action>,
    adequacy: Vec<AdequacyEntry>,
}

impl Out {
    fn find(&mut self, f: Finding) {
        self.findings.push(f);
    }
    fn must(&mut self, code: &str, text: String) {
        self.actions.push(Action::must(code, text));
    }
    fn should(&mut self, code: &str, text: String) {
        self.actions.push(Action::should(code, text));
    }
}

// ---------------------------------------------------------------- rules

/// The assessment without the organisation's facts (no lists, no register entry): the
/// administrators count as unknown (A5).
pub fn assess(account_id: &str, a: &Answers) -> Assessment {
    assess_in(account_id, a, &Context::default())
}

/// DOMAIN.md part 1 A, rules 2026.12.
pub fn assess_in(account_id: &str, a: &Answers, cx: &Context) -> Assessment {
    let mut out = Out::default();
    let (controller, owner_kind) = controller(a, cx, &mut out);
    admins(cx, &mut out);
    task_basis(a, &mut out);
    let platform = platform_info(a);
    let joint = joint_with_platform(a, &platform, &mut out);
    let third_party_content = third_party_content(a, &mut out);
    let contractor_role = contractor(a, &mut out);
    let tools = a
        .tools
        .iter()
        .map(|tool| tool_result(tool, &mut out))
        .collect();
    let exposure = exposure(a, &platform, &mut out);
    let (dpia, dpia_criteria) = dpia(a, exposure, &mut out);
    let processing_record = record::processing_record(a, cx, controller.as_deref(), &platform);
    if processing_record.retention.is_none() {
        retention_unstated(&mut out);
    }
    let notice = Notice {
        sv: record::notice_text(
            a,
            cx,
            controller.as_deref(),
            &platform,
            Lang::Sv,
            NoticeFormat::Markdown,
        ),
        en: record::notice_text(
            a,
            cx,
            controller.as_deref(),
            &platform,
            Lang::En,
            NoticeFormat::Markdown,
        ),
    };
    let adequacy = (!out.adequacy.is_empty()).then(|| AdequacyUsed {
        list_version: adequacy::version().to_string(),
        decisions: out.adequacy.clone(),
    });
    Assessment {
        kind: "account_assessment",
        account: account_id.to_string(),
        controller,
        joint_with_platform: joint,
        third_party_content,
        contractor_role,
        tools,
        exposure: exposure.to_string(),
        actions: out.actions,
        outcomes: outcomes(&out.findings),
        findings: out.findings,
        platform,
        rules_version: super::RULES_VERSION,
        owner_kind,
        dpia,
        dpia_criteria,
        processing_record,
        notice,
        adequacy,
    }
}

/// A (controller) and A6: the owner unit is the controller; a company is its own legal person.
fn controller(a: &Answers, cx: &Context, out: &mut Out) -> (Option<String>, Option<OwnerKind>) {
    let owner = a.account.owner_unit.trim();
    let mut kind = None;
    let controller = if owner.is_empty() {
        out.find(
            Finding::new(
                "CTRL-UNCLEAR",
                t(
                    "Ingen nämnd eller bolagsstyrelse är angiven som beslutande för kontot: det finns ingen identifierbar personuppgiftsansvarig.",
                    "No committee or company board is named as deciding about the account: there is no identifiable controller.",
                ),
            )
            .sources(&["GDPR art. 4(7)", "GDPR art. 5(2)", "GDPR art. 24"])
            .because(&["account.owner_unit"]),
        );
        out.must(
            "CTRL-UNCLEAR",
            t(
                "Besluta vilken nämnd (eller bolagsstyrelse) som är personuppgiftsansvarig för kontot.",
                "Decide which committee (or company board) is controller for the account.",
            ),
        );
        None
    } else {
        let k = cx.owner_kind(owner);
        kind = Some(k);
        let f = match k {
            OwnerKind::Company => Finding::new(
                "CTRL-SINGLE",
                t(
                    &format!("{owner} är personuppgiftsansvarig för kontot. Ett kommunalt bolag är en egen juridisk person och därmed egen personuppgiftsansvarig, skild från kommunens nämnder; avtal mellan bolaget och en nämnd är verkliga avtal (art. 26 eller art. 28)."),
                    &format!("{owner} is controller for the account. A municipal company is its own legal person and therefore its own controller, separate from the municipality's committees; agreements between the company and a committee are real contracts (Art. 26 or Art. 28)."),
                ),
            )
            .sources(&["GDPR art. 4(7)", "GDPR art. 24", "aktiebolagslagen (2005:551)", "kommunallagen (2017:725) 10 kap."]),
            _ => Finding::new(
                "CTRL-SINGLE",
                t(
                    &format!("{owner} är personuppgiftsansvarig för kontot. I en kommun är varje nämnd en egen myndighet och egen personuppgiftsansvarig, inte kommunen som helhet."),
                    &format!("{owner} is controller for the account. In a Swedish municipality each committee is its own authority and its own controller, not the municipality as a whole."),
                ),
            )
            .sources(&["GDPR art. 4(7)", "GDPR art. 24", "CJEU C-638/23"]),
        };
        out.find(f.because(&["account.owner_unit"]));
        Some(owner.to_string())
    };
    if a.account.shared {
        match a.account.shared_governance.unwrap_or(Governance::None) {
            Governance::DesignatedOne => out.find(
                Finding::new(
                    "CTRL-SINGLE",
                    t(
                        "Kontot delas av flera nämnder, men en av dem är utsedd som personuppgiftsansvarig; de andra bidrar bara med innehåll. Ange i beslutet vem som är ansvarig.",
                        "Several committees share the account, but one is designated controller; the others only contribute content. State in the decision who is controller.",
                    ),
                )
                .sources(&["GDPR art. 4(7)", "GDPR art. 26"])
                .because(&["account.shared", "account.shared_governance"]),
            ),
            Governance::JointArrangement => {
                out.find(
                    Finding::new(
                        "JOINT-INTERNAL",
                        t(
                            "Kontot delas och ett arrangemang om gemensamt personuppgiftsansvar är beslutat. Det väsentliga innehållet i arrangemanget ska göras tillgängligt för de registrerade.",
                            "The account is shared and a joint-controller arrangement is decided. The essence of the arrangement must be made available to data subjects.",
                        ),
                    )
                    .sources(&["GDPR art. 26(1)", "GDPR art. 26(2)"])
                    .because(&["account.shared", "account.shared_governance"]),
                );
                out.should(
                    "JOINT-INTERNAL",
                    t(
                        "Publicera det väsentliga innehållet i arrangemanget om gemensamt ansvar (art. 26.2).",
                        "Publish the essence of the joint-controller arrangement (Art. 26(2)).",
                    ),
                );
            }
            Governance::None => {
                out.find(
                    Finding::new(
                        "JOINT-INTERNAL",
                        t(
                            "Flera nämnder eller bolag publicerar på eller beslutar om kontot, men varken en ansvarig eller ett arrangemang om gemensamt ansvar är beslutat.",
                            "Several committees or companies post on or decide about the account, but neither one controller nor a joint-controller arrangement is decided.",
                        ),
                    )
                    .sources(&["GDPR art. 26(1)", "GDPR art. 24"])
                    .because(&["account.shared", "account.shared_governance"]),
                );
                out.must(
                    "JOINT-INTERNAL",
                    t(
                        "Besluta antingen en personuppgiftsansvarig eller ett arrangemang enligt art. 26. Mellan nämnder i samma kommun sker det genom beslut, inte avtal (samma juridiska person).",
                        "Decide either one controller or an Art. 26 arrangement. Between committees of one municipality this is done by decision, not contract (one legal person).",
                    ),
                );
            }
        }
    }
    (controller, kind)
}

/// A5: fewer than two administrators in the account register, or none recorded.
fn admins(cx: &Context, out: &mut Out) {
    match cx.admins {
        Some(n) if n >= 2 => {}
        Some(n) => {
            out.find(
                Finding::law("ADMINS-TOO-FEW", &[("admins", n.to_string())])
                    .because(&["accounts.admins"]),
            );
            out.should(
                "ADMINS-TOO-FEW",
                t(
                    "Utse minst två namngivna administratörer och registrera dem i kontoregistret.",
                    "Appoint at least two named administrators and record them in the account register.",
                ),
            );
        }
        None => {
            out.find(Finding::law("ADMINS-UNKNOWN", &[]).because(&["accounts.admins"]));
            out.should(
                "ADMINS-UNKNOWN",
                t(
                    "Registrera hur många (minst två) som administrerar kontot.",
                    "Record how many people (at least two) administer the account.",
                ),
            );
        }
    }
}

/// A7: the task in law that Art. 6(1)(e) rests on.
fn task_basis(a: &Answers, out: &mut Out) {
    if a.account.task_basis.trim().is_empty() {
        out.find(Finding::law("PUBLIC-TASK-UNSTATED", &[]).because(&["account.task_basis"]));
        out.should(
            "PUBLIC-TASK-UNSTATED",
            t(
                "Ange den lag, förordning eller det beslut som ger nämnden uppgiften, så att den kan citeras i registret och informationstexten.",
                "State the act, regulation or decision that gives the committee the task, so that it can be quoted in the record and the notice.",
            ),
        );
    }
}

/// A9: no gallring rule in `dataskydd.toml`.
fn retention_unstated(out: &mut Out) {
    out.find(Finding::law("RETENTION-UNSTATED", &[]).because(&["retention"]));
    out.should(
        "RETENTION-UNSTATED",
        t(
            "Ange organisationens gallringsregel i dataskydd.toml (`[retention] default = \"…\"`), enligt dokumenthanteringsplanen.",
            "State the organisation's retention rule in dataskydd.toml (`[retention] default = \"…\"`), following the records management plan.",
        ),
    );
}

fn platform_info(a: &Answers) -> PlatformInfo {
    let p = platforms::get(a.account.platform.id());
    let mut info = PlatformInfo {
        id: a.account.platform.id().to_string(),
        name: p.name.clone(),
        parent: p.parent.clone(),
        parent_country: p.parent_country.clone(),
        dpf: p.dpf.clone(),
        addendum: p.addendum.clone(),
    };
    if let Some(pr) = &a.provider {
        if let Some(c) = pr
            .parent_country
            .as_deref()
            .filter(|c| !c.trim().is_empty())
        {
            info.parent_country = c.trim().to_ascii_uppercase();
        }
        if let Some(d) = pr.dpf {
            info.dpf = d.id().to_string();
        }
    }
    info
}

/// A (joint controllership) and A4: on a platform that builds page statistics for every page,
/// joint control arises from running the page, whether or not anyone looks at the statistics.
fn joint_with_platform(a: &Answers, info: &PlatformInfo, out: &mut Out) -> bool {
    let p = platforms::get(a.account.platform.id());
    let mut joint = false;
    if p.insights_arrangement {
        // A4: facebook_page, linkedin_page (and, unsettled, instagram and tiktok).
        joint = true;
        let addendum = p.addendum.clone().unwrap_or_default();
        let mut because = vec!["account.platform"];
        if !a.features.insights {
            because.push("features.insights");
        }
        let mut f = Finding::new(
            "JOINT-PLATFORM-ARRANGEMENT",
            t(
                &format!("Kontoinnehavaren är gemensamt personuppgiftsansvarig med {} för besöksstatistiken, som plattformen tar fram för varje sida och som innehavaren inte kan stänga av: ansvaret uppstår genom att sidan skapas och drivs. Plattformen erbjuder ett arrangemang: {addendum}.", info.name),
                &format!("The account holder is joint controller with {} for the visitor statistics, which the platform builds for every page and the holder cannot switch off: the responsibility arises from creating and running the page. The platform offers an arrangement: {addendum}.", info.name),
            ),
        )
        .sources(&["CJEU C-210/16", "GDPR art. 26"])
        .because(&because);
        if !a.features.insights {
            f = f.and(t(
                " Det gäller även om ni inte använder statistiken (C-210/16, p. 35–39).",
                " This holds even if you do not use the statistics (C-210/16, paras 35–39).",
            ));
        } else {
            f.because.push("features.insights".into());
        }
        if !p.addendum_verified {
            f = f.unsettled().and(t(
                " Det är inte bekräftat att tillägget omfattar denna plattform: dokumentera er bedömning.",
                " It is not confirmed that the addendum covers this platform: document your judgment.",
            ));
        }
        out.find(f);
        out.should(
            "JOINT-PLATFORM-ARRANGEMENT",
            t(
                "Hänvisa till plattformens tillägg om gemensamt ansvar och informera besökarna om behandlingen (art. 13, art. 26.2).",
                "Refer to the platform's joint-controller addendum and inform visitors about the processing (Art. 13, Art. 26(2)).",
            ),
        );
    } else if a.features.insights {
        joint = true;
        out.find(
            Finding::new(
                "JOINT-PLATFORM-NO-ARRANGEMENT",
                t(
                    &format!("Gemensamt personuppgiftsansvar med {} för statistiken är troligt, men plattformen erbjuder inget arrangemang enligt art. 26. Rättsläget är oklart.", info.name),
                    &format!("Joint controllership with {} for the statistics is likely, but the platform offers no Art. 26 arrangement. The law is unsettled.", info.name),
                ),
            )
            .sources(&["CJEU C-210/16", "GDPR art. 26", "VG Köln 13 K 1419/23"])
            .because(&["account.platform", "features.insights"])
            .unsettled(),
        );
        out.should(
            "JOINT-PLATFORM-NO-ARRANGEMENT",
            t(
                "Dokumentera risken med att inget arrangemang finns, och informera besökarna om plattformens behandling.",
                "Document the risk of having no arrangement, and inform visitors about the platform's processing.",
            ),
        );
    }
    if a.features.paid_targeting {
        joint = true;
        out.find(
            Finding::new(
                "JOINT-PLATFORM-TARGETING",
                t(
                    &format!("Riktade annonser: kommunen är gemensamt personuppgiftsansvarig med {} för riktningen. Plattformen är aldrig kommunens personuppgiftsbiträde för detta.", info.name),
                    &format!("Targeted ads: the municipality is joint controller with {} for the targeting. The platform is never the municipality's processor for it.", info.name),
                ),
            )
            .sources(&["EDPB 8/2020", "GDPR art. 26"])
            .because(&["features.paid_targeting"]),
        );
        out.should(
            "JOINT-PLATFORM-TARGETING",
            t(
                "Identifiera plattformens villkor för gemensamt ansvar vid annonsering och dokumentera rättslig grund för riktningen.",
                "Identify the platform's joint-controller terms for advertising and document the legal basis for the targeting.",
            ),
        );
    }
    joint
}

fn third_party_content(a: &Answers, out: &mut Out) -> String {
    if !a.features.comments {
        return "none".into();
    }
    let can_remove = a
        .features
        .can_remove_comments
        .unwrap_or(a.account.platform != Platform::X);
    if can_remove {
        out.find(
            Finding::new(
                "COMMENTS-RESPONSIBLE",
                t(
                    "Kontoinnehavaren kan ta bort besökarnas kommentarer och ansvarar därför för personuppgifterna i dem: regelbunden tillsyn och snabb borttagning av kränkande eller uppenbart brottsligt innehåll.",
                    "The account holder can remove visitors' comments and is therefore responsible for the personal data in them: regular supervision and prompt removal of offensive or obviously criminal content.",
                ),
            )
            .sources(&["Datainspektionen 2014", "1998:112 4 §", "1998:112 5 §"])
            .because(&["features.comments", "features.can_remove_comments"]),
        );
        if a.data.moderation_routine == Some(false) {
            out.find(
                Finding::new(
                    "BBS-MODERATION-GAP",
                    t(
                        "Det finns ingen dokumenterad rutin för tillsyn av kommentarer. Den som tillhandahåller en elektronisk anslagstavla ska utöva den tillsyn som skäligen kan krävas.",
                        "There is no documented routine for supervising comments. Whoever provides an electronic bulletin board must exercise the supervision that can reasonably be required.",
                    ),
                )
                .sources(&["1998:112 4 §", "1998:112 5 §"])
                .because(&["data.moderation_routine"]),
            );
            out.must(
                "BBS-MODERATION-GAP",
                t(
                    "Inför en dokumenterad rutin för tillsyn av kommentarer, med frekvens även helger och lov.",
                    "Introduce a documented routine for supervising comments, with a frequency that covers weekends and holidays.",
                ),
            );
        }
        "full".into()
    } else {
        out.find(
            Finding::new(
                "COMMENTS-LIMITED",
                t(
                    "Kontoinnehavaren kan inte ta bort andras svar och ansvarar som utgångspunkt bara för egna inlägg. Efter EU-domstolens dom i Russmedia är det oklart hur långt ansvaret för andras innehåll sträcker sig.",
                    "The account holder cannot remove others' replies and is as a starting point responsible only for its own posts. After the CJEU's Russmedia judgment it is unsettled how far responsibility for others' content reaches.",
                ),
            )
            .sources(&["Datainspektionen 2014", "CJEU C-492/23"])
            .because(&["features.comments", "features.can_remove_comments"])
            .unsettled(),
        );
        "limited".into()
    }
}

fn contractor(a: &Answers, out: &mut Out) -> Option<String> {
    if a.account.operated_by != OperatedBy::Contractor {
        return None;
    }
    let c = a.contractor.as_ref()?;
    let name = &c.name;
    Some(match c.decides {
        Decides::Municipality => {
            out.find(
                Finding::new(
                    "CONTRACTOR-PROCESSOR",
                    t(
                        &format!("{name} sköter kontot men kommunen bestämmer ändamål och medel: {name} är personuppgiftsbiträde och ett biträdesavtal krävs."),
                        &format!("{name} runs the account but the municipality decides purposes and means: {name} is a processor and a data processing agreement is required."),
                    ),
                )
                .sources(&["GDPR art. 28(3)", "EDPB 07/2020"])
                .because(&["account.operated_by", "contractor.decides"]),
            );
            if c.agreement != Agreement::Dpa {
                out.find(
                    Finding::new(
                        "DPA-MISSING",
                        t(
                            &format!("Det finns inget personuppgiftsbiträdesavtal med {name}."),
                            &format!("There is no data processing agreement with {name}."),
                        ),
                    )
                    .sources(&["GDPR art. 28(3)", "GDPR art. 28(9)"])
                    .because(&["contractor.agreement"]),
                );
                out.must(
                    "DPA-MISSING",
                    t(
                        &format!("Teckna ett personuppgiftsbiträdesavtal med {name} som täcker art. 28.3 a–h."),
                        &format!("Sign a data processing agreement with {name} covering Art. 28(3)(a)–(h)."),
                    ),
                );
            }
            "processor".into()
        }
        Decides::Contractor => {
            out.find(
                Finding::new(
                    "CONTRACTOR-INDEPENDENT",
                    t(
                        &format!("{name} bestämmer själv över kontot och är självständigt personuppgiftsansvarig."),
                        &format!("{name} decides about the account itself and is an independent controller."),
                    ),
                )
                .sources(&["GDPR art. 4(7)", "EDPB 07/2020"])
                .because(&["account.operated_by", "contractor.decides"]),
            );
            out.should(
                "CONTRACTOR-INDEPENDENT",
                t(
                    &format!("Se till att tjänsteavtalet med {name} reglerar bilder, samtycken, sekretess och publiceringsregler."),
                    &format!("Make sure the service contract with {name} covers photos, consent, secrecy and publication rules."),
                ),
            );
            "independent_controller".into()
        }
        Decides::Both => {
            out.find(
                Finding::new(
                    "CONTRACTOR-JOINT",
                    t(
                        &format!("Kommunen och {name} bestämmer tillsammans: gemensamt personuppgiftsansvar som kräver ett arrangemang enligt art. 26."),
                        &format!("The municipality and {name} decide together: joint controllership requiring an Art. 26 arrangement."),
                    ),
                )
                .sources(&["GDPR art. 26", "EDPB 07/2020"])
                .because(&["account.operated_by", "contractor.decides", "contractor.agreement"]),
            );
            if c.agreement != Agreement::JointArrangement {
                out.must(
                    "CONTRACTOR-JOINT",
                    t(
                        &format!("Ingå ett arrangemang om gemensamt personuppgiftsansvar (art. 26) med {name} och publicera dess väsentliga innehåll."),
                        &format!("Enter into a joint-controller arrangement (Art. 26) with {name} and publish its essence."),
                    ),
                );
            }
            "joint_controller".into()
        }
    })
}

/// A (tools), A1, A2: each tool's role and its transfer. A country with an adequacy decision
/// needs no mechanism (A1); the DPF covers only US organisations (A2).
fn tool_result(tool: &Tool, out: &mut Out) -> ToolResult {
    let name = &tool.name;
    let mut codes = Vec::new();
    let mut push = |out: &mut Out, f: Finding| {
        codes.push(f.code.clone());
        out.find(f);
    };
    let role;
    let dpa_required;
    if tool.on_our_instructions {
        role = "processor";
        dpa_required = true;
        if tool.dpa {
            push(
                out,
                Finding::new(
                    "DPA-OK",
                    t(
                        &format!("{name} är personuppgiftsbiträde och ett biträdesavtal finns."),
                        &format!(
                            "{name} is a processor and a data processing agreement is in place."
                        ),
                    ),
                )
                .sources(&["GDPR art. 28(3)"])
                .because(&["tools.on_our_instructions", "tools.dpa"]),
            );
        } else {
            push(
                out,
                Finding::new(
                    "DPA-MISSING",
                    t(
                        &format!("{name} är personuppgiftsbiträde men inget biträdesavtal finns."),
                        &format!(
                            "{name} is a processor but no data processing agreement is in place."
                        ),
                    ),
                )
                .sources(&["GDPR art. 28(3)", "GDPR art. 28(9)"])
                .because(&["tools.on_our_instructions", "tools.dpa"]),
            );
            out.must(
                "DPA-MISSING",
                t(
                    &format!("Teckna ett personuppgiftsbiträdesavtal med leverantören av {name}."),
                    &format!("Sign a data processing agreement with the vendor of {name}."),
                ),
            );
        }
    } else {
        role = "independent_controller";
        dpa_required = false;
        let expected_processor = tool.purpose.expects_processor();
        let code = if expected_processor {
            "ROLE-MISCLASSIFIED"
        } else {
            "TOOL-INDEPENDENT"
        };
        push(
            out,
            Finding::new(
                code,
                t(
                    &format!("{name} behandlar uppgifterna för egna ändamål och är självständigt personuppgiftsansvarig{}. Kommunen behöver en rättslig grund för att lämna ut uppgifter till den.", if expected_processor { ", fast ett sådant verktyg normalt är biträde" } else { "" }),
                    &format!("{name} processes the data for its own purposes and is an independent controller{}. The municipality needs a legal basis for disclosing data to it.", if expected_processor { ", although such a tool is normally a processor" } else { "" }),
                ),
            )
            .sources(&["GDPR art. 28(10)", "GDPR art. 6(1)", "EDPB 07/2020"])
            .because(&["tools.on_our_instructions", "tools.purpose"]),
        );
        out.should(
            code,
            t(
                &format!("Dokumentera rättslig grund för att lämna ut uppgifter till {name} och granska dess villkor som personuppgiftsansvarig."),
                &format!("Document the legal basis for disclosing data to {name} and review its controller terms."),
            ),
        );
    }
    let country = tool.country.trim().to_ascii_uppercase();
    if !in_eea(&country) {
        let mech = tool.transfer_mechanism;
        // A2: the DPF is a US framework.
        if mech == Mechanism::Dpf && country != "US" {
            push(
                out,
                Finding::law(
                    "TRANSFER-DPF-WRONG-COUNTRY",
                    &[
                        ("tool", name.clone()),
                        ("country", adequacy::name(&country)),
                    ],
                )
                .because(&["tools.country", "tools.transfer_mechanism"]),
            );
            out.must(
                "TRANSFER-DPF-WRONG-COUNTRY",
                t(
                    &format!("Välj rätt överföringsmekanism för {name}: DPF gäller bara amerikanska organisationer."),
                    &format!("Choose the right transfer mechanism for {name}: the DPF covers only US organisations."),
                ),
            );
        }
        if adequacy::adequate(&country) {
            // A1: an adequacy decision; no further mechanism.
            let d = adequacy::decision(&country).expect("adequate");
            out.adequacy.push(AdequacyEntry {
                country: country.clone(),
                decision: d.decision.clone(),
                date: d.date.clone(),
                review: d.review.clone(),
            });
            let decision_source = format!(
                "{} ({})",
                d.decision,
                t("adekvansbeslut", "adequacy decision")
            );
            push(
                out,
                Finding::law(
                    "TRANSFER-ADEQUACY",
                    &[
                        ("tool", name.clone()),
                        ("country", country.clone()),
                        ("country_name", adequacy::name(&country)),
                        ("decision", d.decision.clone()),
                        ("date", d.date.clone()),
                        ("review", d.review.clone()),
                        (
                            "scope",
                            d.scope
                                .as_ref()
                                .map(|s| s.get().to_string())
                                .unwrap_or_default(),
                        ),
                    ],
                )
                .sources(&[
                    decision_source.as_str(),
                    &format!(
                        "{} {}",
                        t("adekvanslistan", "adequacy list"),
                        adequacy::version()
                    ),
                ])
                .because(&["tools.country"]),
            );
        } else {
            match mech {
                Mechanism::Dpf if country == "US" => {
                    push(
                        out,
                        Finding::new(
                            "TRANSFER-DPF",
                            t(
                                &format!("{name} överför till USA med stöd av EU–US Data Privacy Framework (beslut (EU) 2023/1795), som bara gäller organisationer certifierade under det: kontrollera organisationen på DPF-listan (dataprivacyframework.gov). Ramverkets giltighet prövas i mål C-703/25 P."),
                                &format!("{name} transfers to the US under the EU–US Data Privacy Framework (Decision (EU) 2023/1795), which covers only organisations certified under it: check the organisation on the DPF list (dataprivacyframework.gov). Its validity is under appeal in case C-703/25 P."),
                            ),
                        )
                        .sources(&["GDPR art. 45(1)", "(EU) 2023/1795", "T-553/23", "C-703/25 P"])
                        .because(&["tools.country", "tools.transfer_mechanism"]),
                    );
                    out.should(
                        "TRANSFER-DPF",
                        t(
                            &format!("Kontrollera att {name} är aktivt certifierad på DPF-listan och bevaka utgången i mål C-703/25 P."),
                            &format!("Check that {name} is actively certified on the DPF list and monitor the outcome of case C-703/25 P."),
                        ),
                    );
                }
                Mechanism::Dpf => {} // A2: already refused above; no mechanism in place.
                Mechanism::Scc if tool.tia == Some(true) => push(
                    out,
                    Finding::new(
                        "TRANSFER-SCC-TIA-OK",
                        t(
                            &format!("{name} överför till {country} med standardavtalsklausuler och en dokumenterad konsekvensbedömning av överföringen."),
                            &format!("{name} transfers to {country} under standard contractual clauses with a documented transfer impact assessment."),
                        ),
                    )
                    .sources(&["GDPR art. 46(2)(c)", "(EU) 2021/914", "CJEU C-311/18", "EDPB 01/2020"])
                    .because(&["tools.country", "tools.transfer_mechanism", "tools.tia"]),
                ),
                Mechanism::Scc => {
                    push(
                        out,
                        Finding::new(
                            "TRANSFER-CHECK-REQUIRED",
                            t(
                                &format!("{name} överför till {country} med standardavtalsklausuler, men ingen konsekvensbedömning av överföringen är dokumenterad."),
                                &format!("{name} transfers to {country} under standard contractual clauses, but no transfer impact assessment is documented."),
                            ),
                        )
                        .sources(&["GDPR art. 46(2)(c)", "(EU) 2021/914", "CJEU C-311/18", "EDPB 01/2020"])
                        .because(&["tools.country", "tools.transfer_mechanism", "tools.tia"]),
                    );
                    out.should(
                        "TRANSFER-CHECK-REQUIRED",
                        t(
                            &format!("Dokumentera en konsekvensbedömning av överföringen (TIA) för {name}, med kompletterande skyddsåtgärder vid behov."),
                            &format!("Document a transfer impact assessment for {name}, with supplementary measures where needed."),
                        ),
                    );
                }
                Mechanism::None | Mechanism::NoneNeeded => {
                    push(
                        out,
                        Finding::new(
                            "TRANSFER-NO-MECHANISM",
                            t(
                                &format!("{name} har moderbolag i {country}, ett tredjeland utan beslut om adekvat skyddsnivå, och ingen överföringsmekanism är angiven."),
                                &format!("{name} has its parent in {country}, a third country without an adequacy decision, and no transfer mechanism is given."),
                            ),
                        )
                        .sources(&["GDPR art. 44", "GDPR art. 46", "CJEU C-311/18"])
                        .because(&["tools.country", "tools.transfer_mechanism"]),
                    );
                    out.must(
                        "TRANSFER-NO-MECHANISM",
                        t(
                            &format!("Säkerställ en giltig överföringsmekanism för {name} (för USA: DPF-certifiering; annars standardavtalsklausuler med TIA) eller byt leverantör."),
                            &format!("Ensure a valid transfer mechanism for {name} (for the US: DPF certification; otherwise SCCs with a TIA) or change vendor."),
                        ),
                    );
                }
            }
        }
    }
    ToolResult {
        name: name.clone(),
        role: role.into(),
        dpa_required,
        outcomes: codes,
    }
}

/// A3: a country whose law can reach the data: a third country without adequacy, the US
/// always (the CLOUD Act applies whatever the DPF says), and an unknown country.
pub fn foreign_law(country: &str) -> bool {
    let c = country.trim().to_ascii_uppercase();
    c.is_empty() || c == "US" || (!in_eea(&c) && !adequacy::adequate(&c))
}

/// A (exposure) and A3: the CLOUD Act / third-country exposure.
fn exposure(a: &Answers, info: &PlatformInfo, out: &mut Out) -> &'static str {
    let country = info.parent_country.as_str();
    let unknown = country.is_empty();
    let foreign_law_parent = foreign_law(country);
    let msg_tools_abroad: Vec<&Tool> = a
        .tools
        .iter()
        .filter(|t| t.stores_messages && !in_eea(&t.country) && foreign_law(&t.country))
        .collect();
    let msg_tool_abroad = !msg_tools_abroad.is_empty();
    let msg_tool = a.tools.iter().any(|t| t.stores_messages);
    let secret = a.data.confidential_expected || a.data.sensitive_expected;
    let dms = a.features.direct_messages;

    if unknown {
        out.find(
            Finding::law("PROVIDER-UNKNOWN", &[("platform", info.name.clone())])
                .because(&["account.platform", "provider.parent_country"]),
        );
        out.must(
            "PROVIDER-UNKNOWN",
            t(
                "Ta reda på vem som driver tjänsten och i vilket land moderbolaget finns, och ange det (provider.parent_country).",
                "Establish who runs the service and in which country its parent is, and record it (provider.parent_country).",
            ),
        );
    }
    if country == "CN" {
        out.find(
            Finding::new(
                "TRANSFER-CHINA-SCC",
                t(
                    &format!("{}s moderbolag finns i Kina; EU–US Data Privacy Framework gäller inte och överföringar vilar på standardavtalsklausuler. Irlands dataskyddsmyndighet (DPC) bötfällde TikTok 530 miljoner euro den 2 maj 2025 för överföringar till Kina (art. 46.1) och bristande information om dem (art. 13.1 f).", info.name),
                    &format!("{}'s parent is in China; the EU–US Data Privacy Framework does not apply and transfers rely on standard contractual clauses. The Irish DPC fined TikTok EUR 530 million on 2 May 2025 for transfers to China (Art. 46(1)) and missing information about them (Art. 13(1)(f)).", info.name),
                ),
            )
            .sources(&["GDPR art. 46(1)", "GDPR art. 46(2)(c)", "GDPR art. 13(1)(f)", "CJEU C-311/18", "DPC Ireland, beslut 2 maj 2025 (TikTok, 530 MEUR)"])
            .because(&["account.platform", "provider.parent_country"]),
        );
        out.should(
            "TRANSFER-CHINA-SCC",
            t(
                "Bedöm överföringarna till Kina och dokumentera bedömningen.",
                "Assess the transfers to China and document the assessment.",
            ),
        );
    }
    // A3: a non-US, non-CN third country without adequacy (the platform's parent or a tool).
    let mut third: Vec<(String, String, &str)> = Vec::new();
    if !unknown && country != "US" && country != "CN" && foreign_law_parent {
        third.push((
            info.name.clone(),
            country.to_string(),
            "provider.parent_country",
        ));
    }
    for tool in &a.tools {
        let c = tool.country.trim().to_ascii_uppercase();
        if !c.is_empty()
            && c != "US"
            && c != "CN"
            && !in_eea(&c)
            && foreign_law(&c)
            && !third.iter().any(|(_, k, _)| *k == c)
        {
            third.push((tool.name.clone(), c, "tools.country"));
        }
    }
    for (who, c, key) in &third {
        out.find(
            Finding::law(
                "THIRD-COUNTRY-LAW",
                &[
                    ("who", who.clone()),
                    ("country", format!("{} ({c})", adequacy::name(c))),
                ],
            )
            .because(&[key])
            .unsettled(),
        );
        out.should(
            "THIRD-COUNTRY-LAW",
            t(
                &format!("Bedöm lagstiftningen om myndigheters åtkomst i {} och dokumentera bedömningen.", adequacy::name(c)),
                &format!("Assess the public-authority access laws of {} and document the assessment.", adequacy::name(c)),
            ),
        );
    }

    let level = if (foreign_law_parent || msg_tool_abroad) && secret && (dms || msg_tool) {
        "high"
    } else if foreign_law_parent && (dms || a.features.audience_children || secret) {
        "medium"
    } else {
        "low"
    };

    let mut because = vec!["account.platform"];
    if a.provider.is_some() || unknown {
        because.push("provider.parent_country");
    }
    if level != "low" {
        because.extend([
            "features.direct_messages",
            "features.audience_children",
            "data.sensitive_expected",
            "data.confidential_expected",
        ]);
    }
    let (sv, en) = match level {
        "high" => (
            "Hög exponering: moderbolaget eller ett verktyg som lagrar meddelanden lyder under lag i ett land utan adekvat skyddsnivå (för USA: CLOUD Act) som kan tvinga fram utlämnande oavsett var uppgifterna lagras, och känsliga eller sekretessbelagda uppgifter väntas komma in via meddelanden.",
            "High exposure: the parent or a message-storing tool is subject to the law of a country without adequate protection (for the US: the CLOUD Act) that can compel disclosure wherever the data are stored, and sensitive or confidential information is expected to arrive through messages.",
        ),
        "medium" => (
            "Medelhög exponering: moderbolaget lyder under lag i ett land utan adekvat skyddsnivå (för USA: CLOUD Act) som kan tvinga fram utlämnande oavsett var uppgifterna lagras, och kontot tar emot meddelanden, vänder sig till barn eller väntas få känsliga uppgifter.",
            "Medium exposure: the parent is subject to the law of a country without adequate protection (for the US: the CLOUD Act) that can compel disclosure wherever the data are stored, and the account receives messages, addresses children or expects sensitive data.",
        ),
        _ if foreign_law_parent => (
            "Låg exponering: endast publika inlägg och kommentarer.",
            "Low exposure: public posts and comments only.",
        ),
        _ if in_eea(country) => (
            "Låg exponering: leverantören finns inom EES.",
            "Low exposure: the provider is within the EEA.",
        ),
        _ => (
            "Låg exponering: leverantören finns i ett land med beslut om adekvat skyddsnivå.",
            "Low exposure: the provider is in a country with an adequacy decision.",
        ),
    };
    let parent = if info.parent.is_empty() {
        "-".to_string()
    } else {
        info.parent.clone()
    };
    let place = if unknown {
        t("okänt land", "unknown country")
    } else {
        crate::i18n::country_name(country)
    };
    let mut f = Finding::new(
        "EXPOSURE",
        format!(
            "{} {}",
            t(sv, en),
            t(
                &format!("Plattform: {} ({parent}, {place}).", info.name),
                &format!("Platform: {} ({parent}, {place}).", info.name),
            )
        ),
    )
    .sources(if country == "US" {
        &["18 U.S.C. § 2713", "CJEU C-311/18"]
    } else {
        &["GDPR art. 44", "CJEU C-311/18"]
    })
    .because(&because);
    if country == "US" && info.dpf == "unknown" {
        f = f.unsettled().and(t(
            " Moderbolagets DPF-certifiering är inte bekräftad: kontrollera organisationen på DPF-listan (dataprivacyframework.gov).",
            " The parent's DPF certification is not confirmed: check the organisation on the DPF list (dataprivacyframework.gov).",
        ));
    }
    out.find(f);

    if level == "high" {
        let mut f = Finding::new(
            "OSL-ROJANDE-RISK",
            t(
                "Sekretessbelagda uppgifter som görs tekniskt tillgängliga för en leverantör som lyder under utländsk lag kan enligt eSam anses röjda. Bedömningen är omstridd och inte prövad i domstol: nämnden behöver göra och dokumentera en egen bedömning enligt OSL.",
                "Confidential information made technically available to a provider subject to foreign law may, according to eSam, be regarded as disclosed. The view is contested and untested in court: the committee needs to make and document its own assessment under OSL.",
            ),
        )
        .sources(&["eSam 2018", "2009:400 (OSL) 8 kap. 3 §", "18 U.S.C. § 2713"])
        .because(&["data.confidential_expected", "data.sensitive_expected", "features.direct_messages", "tools.stores_messages"])
        .unsettled();
        // A3: a tool that only stores or processes technically on the committee's behalf.
        let technical: Vec<&str> = msg_tools_abroad
            .iter()
            .filter(|t| t.on_our_instructions)
            .map(|t| t.name.as_str())
            .collect();
        if !technical.is_empty() {
            f = f
                .and(t(
                    &format!(" För {}, som bara lagrar eller behandlar uppgifterna tekniskt för nämndens räkning: sekretess hindrar inte att uppgifter lämnas för teknisk bearbetning eller lagring, om det inte med hänsyn till omständigheterna är olämpligt (OSL 10 kap. 2 a §, prop. 2022/23:97). Om det är lämpligt med hänsyn till utländsk åtkomst (CLOUD Act) är nämndens bedömning.", technical.join(", ")),
                    &format!(" For {}, which only stores or processes the data technically on the committee's behalf: secrecy does not prevent data being given for technical processing or storage unless that is inappropriate in the circumstances (OSL 10 kap. 2 a §, prop. 2022/23:97). Whether it is appropriate given foreign access (the CLOUD Act) is the committee's judgment.", technical.join(", ")),
                ))
                .sources(&["2009:400 (OSL) 10 kap. 2 a §", "prop. 2022/23:97"]);
        }
        out.find(f);
        out.must(
            "OSL-ROJANDE-RISK",
            t(
                "Stäng direktmeddelanden eller hänvisa dem till en säker kanal, och tala om för besökarna att inte skicka känsliga eller sekretessbelagda uppgifter.",
                "Close direct messages or redirect them to a secure channel, and tell visitors not to send sensitive or confidential information.",
            ),
        );
    }
    if level != "low" && (dms || (level == "high" && msg_tool)) {
        out.find(
            Finding::new(
                "DM-CHANNEL-RISK",
                t(
                    "Direktmeddelanden lagras hos plattformen (eller ett verktyg) och kan innehålla uppgifter som medborgare skickar, till exempel till socialtjänsten eller skolan.",
                    "Direct messages are stored by the platform (or a tool) and may hold information citizens send, for example to social services or the school.",
                ),
            )
            .sources(&["GDPR art. 32", "eSam 2018"])
            .because(&["features.direct_messages", "tools.stores_messages"]),
        );
        if level == "medium" {
            out.should(
                "DM-CHANNEL-RISK",
                t(
                    "Lägg in ett automatiskt svar som hänvisar ärenden till en säker kanal och avråder från att skicka känsliga uppgifter.",
                    "Add an auto-reply that redirects matters to a secure channel and advises against sending sensitive data.",
                ),
            );
        }
    }
    level
}

/// A8: DPIA screening on the criteria of WP248 rev.01 (endorsed by the EDPB) and IMY's list
/// under Art. 35(4). Two or more → required; one → consider; none → not indicated.
fn dpia(a: &Answers, exposure: &str, out: &mut Out) -> (&'static str, Vec<DpiaCriterion>) {
    let mut met = Vec::new();
    let c = |criterion: &str, because: Vec<String>| DpiaCriterion {
        criterion: criterion.to_string(),
        because,
    };
    if a.features.audience_children {
        met.push(c(
            "vulnerable_data_subjects",
            vec!["features.audience_children".into()],
        ));
    }
    let channel = a.features.direct_messages || a.features.comments;
    if channel && (a.data.sensitive_expected || a.data.confidential_expected) {
        let mut b = Vec::new();
        if a.data.sensitive_expected {
            b.push("data.sensitive_expected".to_string());
        }
        if a.data.confidential_expected {
            b.push("data.confidential_expected".to_string());
        }
        if a.features.direct_messages {
            b.push("features.direct_messages".to_string());
        }
        if a.features.comments {
            b.push("features.comments".to_string());
        }
        met.push(c("sensitive_data_collected", b));
    }
    let monitoring: Vec<String> = a
        .tools
        .iter()
        .enumerate()
        .filter(|(_, t)| t.purpose == ToolPurpose::Monitoring)
        .map(|(i, _)| format!("tools[{i}].purpose"))
        .collect();
    if a.features.paid_targeting || !monitoring.is_empty() {
        let mut b = Vec::new();
        if a.features.paid_targeting {
            b.push("features.paid_targeting".to_string());
        }
        b.extend(monitoring);
        met.push(c("systematic_monitoring", b));
    }
    if exposure == "high" {
        met.push(c(
            "third_country_transfer_high_exposure",
            vec![
                "account.platform".into(),
                "provider.parent_country".into(),
                "tools.country".into(),
            ],
        ));
    }
    let label = |m: &DpiaCriterion| -> String {
        let name = match m.criterion.as_str() {
            "vulnerable_data_subjects" => t(
                "sårbara registrerade (barn)",
                "vulnerable data subjects (children)",
            ),
            "sensitive_data_collected" => t(
                "känsliga eller sekretessbelagda uppgifter via en kanal som samlar in dem",
                "sensitive or confidential data through a channel that collects it",
            ),
            "systematic_monitoring" => t(
                "systematisk övervakning (riktning, bevakning)",
                "systematic monitoring (targeting, monitoring)",
            ),
            _ => t(
                "överföring till tredjeland utan adekvansbeslut med hög exponering",
                "transfer to a third country without adequacy, with high exposure",
            ),
        };
        // The answer keys stay in `because` and `dpia_criteria[].because` (JSON); the text
        // a reader meets names the criterion only (issue 10: no answer keys in front of people).
        name
    };
    let criteria = met.iter().map(label).collect::<Vec<_>>().join("; ");
    let mut because: Vec<String> = met.iter().flat_map(|m| m.because.clone()).collect();
    because.dedup();
    let level = match met.len() {
        0 => "not_indicated",
        1 => {
            let mut f = Finding::law("DPIA-CONSIDER", &[("criteria", criteria)]);
            f.because = because;
            out.find(f);
            out.should(
                "DPIA-CONSIDER",
                t(
                    "Dokumentera varför en konsekvensbedömning inte behövs, eller gör en (art. 35).",
                    "Document why no impact assessment is needed, or carry one out (Art. 35).",
                ),
            );
            "consider"
        }
        n => {
            let mut f = Finding::law(
                "DPIA-REQUIRED",
                &[("count", n.to_string()), ("criteria", criteria)],
            );
            f.because = because;
            out.find(f);
            out.must(
                "DPIA-REQUIRED",
                t(
                    "Gör en konsekvensbedömning avseende dataskydd (art. 35) – före behandlingen, eller nu för ett konto som redan används – och samråd med dataskyddsombudet (art. 35.2).",
                    "Carry out a data protection impact assessment (Art. 35) – before the processing, or now for an account already in use – and seek the DPO's advice (Art. 35(2)).",
                ),
            );
            "required"
        }
    };
    (level, met)
}

#[cfg(test)]
mod tests;
