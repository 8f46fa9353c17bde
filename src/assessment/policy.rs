//! Local policies: an organisation's own, stricter rules on publishing pictures, loaded as
//! data from `questionnaires/policies.toml`. The code knows kinds of rule, never a
//! municipality; a policy can only make a decision stricter than the law.

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::questionnaire::Text;

const PRESETS: &str = include_str!("../../questionnaires/policies.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub title: Text,
    pub source: String,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// No identifiable person under `age`, whatever the consent.
    NoIdentifiableChildUnder,
    /// Everyone matching needs a valid consent (of the kind the rule names).
    ConsentRequired,
    /// The local rules read differently for people of `min_age`–`max_age` (and `roles`):
    /// flagged as unsettled, the decision is not changed (B7).
    AmbiguousAges,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    #[serde(default)]
    pub age: Option<u32>,
    /// Roles the rule covers (empty: everyone).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Only people up to this age.
    #[serde(default)]
    pub max_age: Option<u32>,
    /// `ambiguous_ages`: from this age.
    #[serde(default)]
    pub min_age: Option<u32>,
    /// Purposes for which the rule does not apply (B7: Sollentuna 1.6.1, wider interest).
    #[serde(default)]
    pub except_purposes: Vec<String>,
    /// With `except_purposes`: the roles excepted (empty: everyone the rule covers).
    #[serde(default)]
    pub except_roles: Vec<String>,
    /// Only people in focus (crowd pictures may rely on the public interest).
    #[serde(default)]
    pub in_focus_only: bool,
    /// `guardian`: a guardian's consent is needed; absent: the givers of the law.
    #[serde(default)]
    pub giver: Option<String>,
    /// Collection methods accepted (empty: any).
    #[serde(default)]
    pub methods: Vec<String>,
    /// The consent must carry evidence (a registration number).
    #[serde(default)]
    pub registered: bool,
    pub text: Text,
}

/// The policy a decision applies: a preset plus the profile's settings.
#[derive(Debug, Clone)]
pub struct Policy {
    pub preset: String,
    pub title: String,
    pub source: String,
    pub rules: Vec<Rule>,
    /// Age from which a pupil's own consent suffices (None: pupil and guardian 13–17).
    pub child_consents_alone_from: Option<u32>,
}

pub fn presets() -> Result<IndexMap<String, Preset>> {
    toml::from_str(PRESETS).map_err(|e| {
        crate::workspace::toml_error(
            std::path::Path::new("questionnaires/policies.toml"),
            PRESETS,
            &e,
        )
    })
}

impl Policy {
    pub fn load(preset: &str, child_consents_alone_from: Option<u32>) -> Result<Policy> {
        let all = presets()?;
        let Some(p) = all.get(preset) else {
            return Err(Error::input(format!(
                "unknown preset '{preset}' (allowed: {})",
                all.keys().cloned().collect::<Vec<_>>().join(" | ")
            ))
            .field("policy.preset"));
        };
        Ok(Policy {
            preset: preset.to_string(),
            title: p.title.get().to_string(),
            source: p.source.clone(),
            rules: p.rules.clone(),
            child_consents_alone_from,
        })
    }

    /// The policy of a workspace's profile.
    pub fn of(ws: &crate::workspace::Workspace) -> Result<Policy> {
        Policy::load(
            &ws.config.policy.preset,
            ws.config.policy.child_consents_alone_from,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workspace_preset_is_defined() {
        let all = presets().unwrap();
        for p in crate::workspace::PRESETS {
            assert!(all.contains_key(*p), "{p}");
        }
        assert!(all["gdpr"].rules.is_empty());
        assert!(all["sollentuna"]
            .rules
            .iter()
            .any(|r| r.id == "no-identifiable-under-13" && r.age == Some(13)));
    }
}
