//! Account assessment (DOMAIN.md part 1 A): who is controller, joint controllership with
//! the platform, responsibility for visitors' content, the contractor's and each tool's
//! role, transfers, and the CLOUD Act / third-country exposure.
//!
//! `assess` is a pure function: the same answers always give the same result.

use serde::{Deserialize, Serialize};

use super::{in_eea, platforms};
use crate::finding::{outcomes, Action, Finding};
use crate::i18n::t;

// ---------------------------------------------------------------- answers

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
    pub platform: String,
    #[serde(default)]
    pub owner_unit: String,
    pub shared: bool,
    #[serde(default)]
    pub shared_governance: Option<String>,
    pub operated_by: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Contractor {
    pub name: String,
    pub decides: String,
    pub agreement: String,
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
    pub purpose: String,
    pub on_our_instructions: bool,
    pub dpa: bool,
    pub country: String,
    pub transfer_mechanism: String,
    #[serde(default)]
    pub tia: Option<bool>,
    pub stores_messages: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Provider {
    #[serde(default)]
    pub parent_country: Option<String>,
    #[serde(default)]
    pub dpf: Option<String>,
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
    pub parent_country: String,
    pub dpf: String,
    pub addendum: Option<String>,
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
}

/// Collects findings and actions as the rules fire.
#[derive(Default)]
struct Out {
    findings: Vec<Finding>,
    actions: Vec<Action>,
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

pub fn assess(account_id: &str, a: &Answers) -> Assessment {
    let mut out = Out::default();
    let controller = controller(a, &mut out);
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
    Assessment {
        kind: "account_assessment",
        account: account_id.to_string(),
        controller,
        joint_with_platform: joint,
        third_party_content,
        contractor_role,
        tools,
        exposure,
        actions: out.actions,
        outcomes: outcomes(&out.findings),
        findings: out.findings,
        platform,
        rules_version: super::RULES_VERSION,
    }
}

fn controller(a: &Answers, out: &mut Out) -> Option<String> {
    let owner = a.account.owner_unit.trim();
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
        out.find(
            Finding::new(
                "CTRL-SINGLE",
                t(
                    &format!("{owner} är personuppgiftsansvarig för kontot. I en kommun är varje nämnd en egen myndighet och egen personuppgiftsansvarig, inte kommunen som helhet."),
                    &format!("{owner} is controller for the account. In a Swedish municipality each committee is its own authority and its own controller, not the municipality as a whole."),
                ),
            )
            .sources(&["GDPR art. 4(7)", "GDPR art. 24", "CJEU C-638/23"])
            .because(&["account.owner_unit"]),
        );
        Some(owner.to_string())
    };
    if a.account.shared {
        match a.account.shared_governance.as_deref().unwrap_or("none") {
            "designated_one" => out.find(
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
            "joint_arrangement" => {
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
            _ => {
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
    controller
}

fn platform_info(a: &Answers) -> PlatformInfo {
    let p = platforms::get(&a.account.platform);
    let mut info = PlatformInfo {
        id: a.account.platform.clone(),
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
        if let Some(d) = &pr.dpf {
            info.dpf = d.clone();
        }
    }
    info
}

fn joint_with_platform(a: &Answers, info: &PlatformInfo, out: &mut Out) -> bool {
    let p = platforms::get(&a.account.platform);
    let mut joint = false;
    if a.features.insights {
        joint = true;
        if p.insights_arrangement {
            let addendum = p.addendum.clone().unwrap_or_default();
            let mut f = Finding::new(
                "JOINT-PLATFORM-ARRANGEMENT",
                t(
                    &format!("Kontoinnehavaren är gemensamt personuppgiftsansvarig med {} för besöksstatistiken. Plattformen erbjuder ett arrangemang: {addendum}.", info.name),
                    &format!("The account holder is joint controller with {} for the visitor statistics. The platform offers an arrangement: {addendum}.", info.name),
                ),
            )
            .sources(&["CJEU C-210/16", "GDPR art. 26"])
            .because(&["account.platform", "features.insights"]);
            if !p.addendum_verified {
                f = f.unsettled();
                f.text.push_str(&t(
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
        } else {
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
        .unwrap_or(a.account.platform != "x");
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
    if a.account.operated_by != "contractor" {
        return None;
    }
    let c = a.contractor.as_ref()?;
    let name = &c.name;
    Some(match c.decides.as_str() {
        "municipality" => {
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
            if c.agreement != "dpa" {
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
        "contractor" => {
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
        _ => {
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
            if c.agreement != "joint_arrangement" {
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

/// Purposes for which a tool is expected to act on instructions (a processor).
const PROCESSOR_PURPOSES: &[&str] = &[
    "scheduling",
    "archiving",
    "inbox",
    "analytics",
    "agency",
    "storage",
];

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
        let expected_processor = PROCESSOR_PURPOSES.contains(&tool.purpose.as_str());
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
    if !in_eea(&tool.country) {
        let country = tool.country.trim().to_ascii_uppercase();
        match tool.transfer_mechanism.as_str() {
            "dpf" => {
                push(
                    out,
                    Finding::new(
                        "TRANSFER-DPF",
                        t(
                            &format!("{name} överför till {country} med stöd av EU–US Data Privacy Framework. Ramverkets giltighet prövas i mål C-703/25 P."),
                            &format!("{name} transfers to {country} under the EU–US Data Privacy Framework. Its validity is under appeal in case C-703/25 P."),
                        ),
                    )
                    .sources(&["GDPR art. 45", "(EU) 2023/1795", "T-553/23", "C-703/25 P"])
                    .because(&["tools.country", "tools.transfer_mechanism"]),
                );
                out.should(
                    "TRANSFER-DPF",
                    t(
                        &format!("Bevaka utgången i mål C-703/25 P och kontrollera att {name} är aktivt certifierad."),
                        &format!("Monitor the outcome of case C-703/25 P and check that {name} is actively certified."),
                    ),
                );
            }
            "scc" if tool.tia == Some(true) => push(
                out,
                Finding::new(
                    "TRANSFER-SCC-TIA-OK",
                    t(
                        &format!("{name} överför till {country} med standardavtalsklausuler och en dokumenterad konsekvensbedömning av överföringen."),
                        &format!("{name} transfers to {country} under standard contractual clauses with a documented transfer impact assessment."),
                    ),
                )
                .sources(&["GDPR art. 46(2)(c)", "CJEU C-311/18", "EDPB 01/2020"])
                .because(&["tools.country", "tools.transfer_mechanism", "tools.tia"]),
            ),
            "scc" => {
                push(
                    out,
                    Finding::new(
                        "TRANSFER-CHECK-REQUIRED",
                        t(
                            &format!("{name} överför till {country} med standardavtalsklausuler, men ingen konsekvensbedömning av överföringen är dokumenterad."),
                            &format!("{name} transfers to {country} under standard contractual clauses, but no transfer impact assessment is documented."),
                        ),
                    )
                    .sources(&["GDPR art. 46(2)(c)", "CJEU C-311/18", "EDPB 01/2020"])
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
            _ => {
                push(
                    out,
                    Finding::new(
                        "TRANSFER-NO-MECHANISM",
                        t(
                            &format!("{name} har moderbolag i {country}, utanför EES, och ingen överföringsmekanism är angiven."),
                            &format!("{name} has its parent in {country}, outside the EEA, and no transfer mechanism is given."),
                        ),
                    )
                    .sources(&["GDPR art. 44", "GDPR art. 46", "CJEU C-311/18"])
                    .because(&["tools.country", "tools.transfer_mechanism"]),
                );
                out.must(
                    "TRANSFER-NO-MECHANISM",
                    t(
                        &format!("Säkerställ en giltig överföringsmekanism för {name} (DPF-certifiering eller standardavtalsklausuler med TIA) eller byt leverantör."),
                        &format!("Ensure a valid transfer mechanism for {name} (DPF certification or SCCs with a TIA) or change vendor."),
                    ),
                );
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

fn exposure(a: &Answers, info: &PlatformInfo, out: &mut Out) -> String {
    let country = info.parent_country.as_str();
    let foreign_law_parent = country == "US" || country == "CN";
    let msg_tool_abroad = a
        .tools
        .iter()
        .any(|t| t.stores_messages && !in_eea(&t.country));
    let msg_tool = a.tools.iter().any(|t| t.stores_messages);
    let secret = a.data.confidential_expected || a.data.sensitive_expected;
    let dms = a.features.direct_messages;

    if country == "CN" {
        out.find(
            Finding::new(
                "TRANSFER-CHINA-SCC",
                t(
                    &format!("{}s moderbolag finns i Kina; EU–US Data Privacy Framework gäller inte och överföringar vilar på standardavtalsklausuler.", info.name),
                    &format!("{}'s parent is in China; the EU–US Data Privacy Framework does not apply and transfers rely on standard contractual clauses.", info.name),
                ),
            )
            .sources(&["GDPR art. 46(2)(c)", "CJEU C-311/18"])
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

    let level = if (foreign_law_parent || msg_tool_abroad) && secret && (dms || msg_tool) {
        "high"
    } else if foreign_law_parent && (dms || a.features.audience_children || secret) {
        "medium"
    } else {
        "low"
    };

    let mut because = vec!["account.platform"];
    if a.provider.is_some() {
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
            "Hög exponering: moderbolaget eller ett verktyg som lagrar meddelanden lyder under utländsk lag som kan tvinga fram utlämnande oavsett var uppgifterna lagras, och känsliga eller sekretessbelagda uppgifter väntas komma in via meddelanden.",
            "High exposure: the parent or a message-storing tool is subject to foreign law that can compel disclosure wherever the data are stored, and sensitive or confidential information is expected to arrive through messages.",
        ),
        "medium" => (
            "Medelhög exponering: moderbolaget lyder under utländsk lag (för USA: CLOUD Act) som kan tvinga fram utlämnande oavsett var uppgifterna lagras, och kontot tar emot meddelanden, vänder sig till barn eller väntas få känsliga uppgifter.",
            "Medium exposure: the parent is subject to foreign law (for the US: the CLOUD Act) that can compel disclosure wherever the data are stored, and the account receives messages, addresses children or expects sensitive data.",
        ),
        _ => (
            "Låg exponering: endast publika inlägg och kommentarer, eller en leverantör inom EES.",
            "Low exposure: public posts and comments only, or a provider within the EEA.",
        ),
    };
    let mut f = Finding::new(
        "EXPOSURE",
        format!(
            "{} {}",
            t(sv, en),
            t(
                &format!(
                    "Plattform: {} ({}, {}).",
                    info.name,
                    if info.parent.is_empty() {
                        "-"
                    } else {
                        &info.parent
                    },
                    info.parent_country
                ),
                &format!(
                    "Platform: {} ({}, {}).",
                    info.name,
                    if info.parent.is_empty() {
                        "-"
                    } else {
                        &info.parent
                    },
                    info.parent_country
                ),
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
        f = f.unsettled();
        f.text.push_str(&t(
            " Moderbolagets DPF-certifiering är inte bekräftad: kontrollera listan på dataprivacyframework.gov.",
            " The parent's DPF certification is not confirmed: check the list at dataprivacyframework.gov.",
        ));
    }
    out.find(f);

    if level == "high" {
        out.find(
            Finding::new(
                "OSL-ROJANDE-RISK",
                t(
                    "Sekretessbelagda uppgifter som görs tekniskt tillgängliga för en leverantör som lyder under utländsk lag kan enligt eSam anses röjda. Bedömningen är omstridd och inte prövad i domstol: nämnden behöver göra och dokumentera en egen bedömning enligt OSL.",
                    "Confidential information made technically available to a provider subject to foreign law may, according to eSam, be regarded as disclosed. The view is contested and untested in court: the committee needs to make and document its own assessment under OSL.",
                ),
            )
            .sources(&["eSam 2018", "2009:400 (OSL) 8 kap. 3 §", "18 U.S.C. § 2713"])
            .because(&["data.confidential_expected", "data.sensitive_expected", "features.direct_messages", "tools.stores_messages"])
            .unsettled(),
        );
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
    level.into()
}

#[cfg(test)]
mod tests;
