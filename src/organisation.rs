//! The organisation's committees (nämnder) and companies in `dataskydd.toml` (DOMAIN A6):
//! the names an account's `owner_unit` must be one of. Edited in place with `toml_edit`, so
//! the user's comments and order stay; written atomically.

use std::path::Path;

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::workspace::{Workspace, CONFIG_FILE};

/// Which list a name goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Committees,
    Companies,
}

impl List {
    pub fn key(self) -> &'static str {
        match self {
            List::Committees => "committees",
            List::Companies => "companies",
        }
    }
}

/// Adds `name` to the list in the workspace's `dataskydd.toml`. Refuses an empty name and a
/// name already in either list (exit 2); returns the list as it now stands.
pub fn add(ws: &Workspace, list: List, name: &str) -> Result<Vec<String>> {
    let name = name.trim();
    let path = ws.root.join(CONFIG_FILE);
    if name.is_empty() {
        return Err(Error::input(t("namnet är tomt", "the name is empty")).field("NAME"));
    }
    let org = &ws.config.organisation;
    if org
        .committees
        .iter()
        .chain(&org.companies)
        .any(|n| n.trim() == name)
    {
        return Err(Error::input(t(
            &format!("'{name}' finns redan i organisationens listor"),
            &format!("'{name}' is already in the organisation's lists"),
        ))
        .in_file(&path)
        .field(&format!("organisation.{}", list.key())));
    }
    let text = std::fs::read_to_string(&path).at(&path)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Error::input(e.to_string()).in_file(&path))?;
    let org_table = doc["organisation"]
        .or_insert(toml_edit::table())
        .as_table_mut()
        .ok_or_else(|| Error::input("[organisation] is not a table").in_file(&path))?;
    let arr = org_table
        .entry(list.key())
        .or_insert(toml_edit::value(toml_edit::Array::new()))
        .as_array_mut()
        .ok_or_else(|| {
            Error::input(format!("organisation.{} is not a list", list.key())).in_file(&path)
        })?;
    arr.push(name);
    let out: Vec<String> = arr
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    write(&path, &doc.to_string())?;
    Ok(out)
}

fn write(path: &Path, text: &str) -> Result<()> {
    // The result must still be a valid config before it replaces the old one.
    toml::from_str::<crate::workspace::Config>(text)
        .map_err(|e| Error::input(e.to_string()).in_file(path))?;
    crate::workspace::write_atomic(path, text.as_bytes())
}
