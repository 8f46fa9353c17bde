//! The workspace's lists for the questionnaires' pick lists (`choices_from`): accounts,
//! committees and companies, consent subjects. The questionnaire engine asks; this says
//! what the workspace knows, so a channel that is not registered cannot be entered.

use crate::i18n::t;
use crate::questionnaire::{Choice, ChoiceSource};
use crate::registers::{accounts, consents};
use crate::workspace::Workspace;

pub struct WorkspaceChoices<'a> {
    pub ws: &'a Workspace,
}

impl ChoiceSource for WorkspaceChoices<'_> {
    fn choices(&self, source: &str) -> Option<Vec<Choice>> {
        match source {
            "accounts" => Some(
                accounts::read_all(&self.ws.accounts_csv())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| Choice {
                        label: if a.name.is_empty() {
                            a.owner.clone()
                        } else {
                            format!("{} ({})", a.name, a.owner)
                        },
                        value: a.id,
                    })
                    .collect(),
            ),
            "committees" => {
                let org = &self.ws.config.organisation;
                Some(
                    org.committees
                        .iter()
                        .chain(org.companies.iter())
                        .map(|c| Choice {
                            value: c.clone(),
                            label: String::new(),
                        })
                        .collect(),
                )
            }
            "subjects" => {
                let mut subjects: Vec<String> = consents::Register::at(self.ws.consents_csv())
                    .all()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| c.subject)
                    .collect();
                subjects.sort();
                subjects.dedup();
                Some(
                    subjects
                        .into_iter()
                        .map(|s| Choice {
                            value: s,
                            label: String::new(),
                        })
                        .collect(),
                )
            }
            _ => None,
        }
    }

    fn empty(&self, source: &str) -> String {
        match source {
            "accounts" => t(
                "arbetsytan har inga konton ännu: lägg till kontot med `dataskydd account add ID --platform P --owner NÄMND` och kör kommandot igen — svaren hittills är sparade",
                "the workspace has no accounts yet: add the account with `dataskydd account add ID --platform P --owner UNIT` and run the command again — the answers so far are saved",
            ),
            other => t(
                &format!("det finns inget att välja i listan '{other}'"),
                &format!("there is nothing to choose from in the list '{other}'"),
            ),
        }
    }
}
