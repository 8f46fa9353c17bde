//! The data the batch summary's template (`templates/summary.*.hbs`) renders: accounts by
//! exposure and open must-actions, per committee.

use indexmap::IndexMap;
use serde_json::{json, Value};

use crate::pipeline::batch::Assessed;
use crate::workspace::Workspace;

pub fn data(ws: &Workspace, done: &[Assessed]) -> Value {
    let mut per: IndexMap<String, (usize, usize, usize, usize, usize)> = IndexMap::new();
    for d in done {
        let e = per.entry(d.owner.clone()).or_default();
        e.0 += 1;
        match d.exposure.as_str() {
            "high" => e.1 += 1,
            "medium" => e.2 += 1,
            _ => e.3 += 1,
        }
        e.4 += d.must;
    }
    per.sort_keys();
    let mut worst: Vec<&Assessed> = done.iter().filter(|d| d.must > 0).collect();
    worst.sort_by(|a, b| b.must.cmp(&a.must).then(a.id.cmp(&b.id)));
    let now = crate::clock::now();
    let labels = super::labels::labels();
    json!({
        "org": ws.config.organisation.name,
        "date": now.format("%Y-%m-%d %H:%M").to_string(),
        "total": done.len(),
        "high": done.iter().filter(|d| d.exposure == "high").count(),
        "medium": done.iter().filter(|d| d.exposure == "medium").count(),
        "low": done.iter().filter(|d| d.exposure == "low").count(),
        "must": done.iter().map(|d| d.must).sum::<usize>(),
        "committees": per.iter().map(|(k, v)| json!({"name": k, "accounts": v.0, "high": v.1, "medium": v.2, "low": v.3, "must": v.4})).collect::<Vec<_>>(),
        "open": worst.iter().take(50).map(|d| json!({"id": d.id, "owner": d.owner, "exposure": labels.get(&d.exposure).cloned().unwrap_or(json!(d.exposure)), "must": d.must})).collect::<Vec<_>>(),
        "signer": crate::signing::keystore::signer_summary(ws),
    })
}
