//! One decision in a process of its own (`assess ID`, `photo`, `breach add`) pays once for
//! what a batch pays once for all its records: parsing the law's country lists, compiling
//! the record's Handlebars template, loading the fonts' tables and the signing key. Done one after the other
//! they were 2.7 %, 13.3 % and 7.3 % of a 34 ms `assess`'s CPU (perf, 3 December 2026,
//! 300-account workspace); on a second thread they
//! overlap with reading the answers and deciding, which need none of it but the country
//! lists.
//!
//! Each piece is a per-process cache behind its own lock (a `OnceLock`, the template
//! registry's lock): whichever thread comes first prepares it, the other waits for it, so
//! nothing is done twice and nothing here changes what is decided or written.

use std::sync::OnceLock;

/// Starts preparing, on another thread, what a decision with a record of `template`
/// needs. Once per process (a batch meets its other templates as it goes).
pub fn start(ws: &crate::workspace::Workspace, template: &'static str) {
    static STARTED: OnceLock<()> = OnceLock::new();
    if STARTED.set(()).is_err() {
        return;
    }
    // The language is the caller's (it may be scoped to this thread).
    let lang = crate::i18n::current().code();
    let ws = ws.clone();
    let _ = std::thread::Builder::new()
        .name("prewarm".into())
        .spawn(move || {
            crate::assessment::adequacy::prepare();
            crate::record::prepare_template(template, lang);
            crate::document::prepare_fonts();
            crate::signing::keystore::prepare(&ws);
        });
}
