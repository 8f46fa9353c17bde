//! One pipeline for every decision: answers → decision → record data → PDF → signature →
//! disk → register.
//!
//! A decision kind ([`account::AccountAssessment`], [`photo::PhotoDecision`],
//! [`breach::BreachEvaluation`], the account's life: [`application::AccountApplication`],
//! [`decision::AccountDecision`], [`closing::AccountClosing`]) is a value implementing [`Kind`]:
//! it names its questionnaire, types the answers, calls its pure rule function, says what its
//! record shows and what it appends to which register. [`run`] is the one journey every face
//! takes — the terminal (`assess`, `photo`, `breach`, `account apply | decide | close`), the
//! batch (`assess --all`), `rerun`, `demo` and the web server:
//!
//! 1. validate the answers against the questionnaire (errors name file, line, key);
//! 2. type them and decide ([`Kind::typed`], [`Kind::decide`]);
//! 3. with `dry_run`, stop here: nothing is written;
//! 4. under the kind's lock ([`Kind::lock`]): choose the id, build the record's data,
//!    render, sign (by [`Kind::signers`], in turn) and write the PDF (never over an existing
//!    file), keep the answers, append the register rows ([`Kind::append`]: the record's row,
//!    and what the decision changes beyond it, e.g. an assessment's actions).
//!
//! Nothing here prints: notes for the user come back in [`Done::notes`], errors as values.
//! Nothing else in the crate writes a decision record.

pub mod account;
pub mod application;
pub mod batch;
pub mod breach;
pub mod closing;
pub mod consent;
pub mod decision;
pub mod photo;
pub mod prewarm;
pub mod rerun;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::questionnaire::Questionnaire;
use crate::record::{self, Record};
use crate::workspace::{line_of, Workspace};

/// Where a decision's answers come from.
#[derive(Debug, Clone)]
pub enum Answers {
    /// An answers file's text (TOML) and the name errors cite (a path, or e.g. `answers`
    /// for a text posted from a web form).
    Toml { text: String, file: PathBuf },
    /// Answers collected by a prompt or a form, in the questionnaire's JSON shape. They are
    /// written as TOML and validated like a file, so no face can skip a check. For a kind
    /// without a questionnaire (an account decision), the command's options: its
    /// [`Kind::typed`] is the only check.
    Value(Value),
}

impl Answers {
    /// The answers in a file (read now; a missing file is an error naming it).
    pub fn from_file(path: &Path) -> Result<Answers> {
        let text = crate::input::read_text(path, crate::input::ANSWERS_LIMIT)?;
        Ok(Answers::Toml {
            text,
            file: path.to_path_buf(),
        })
    }

    /// An answers text with the name its errors cite.
    pub fn toml(text: impl Into<String>, file: impl Into<PathBuf>) -> Answers {
        Answers::Toml {
            text: text.into(),
            file: file.into(),
        }
    }
}

/// What a run may write.
#[derive(Debug, Clone)]
pub struct Options {
    /// Decide only: no record, no register row, no answers file.
    pub dry_run: bool,
    /// The folder for the record (default: the workspace's `output/`).
    pub out: Option<PathBuf>,
    /// Keep the answers in `answers/<kind>/` (off for a batch re-running the kept ones).
    pub keep_answers: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dry_run: false,
            out: None,
            keep_answers: true,
        }
    }
}

impl Options {
    pub fn dry_run(dry_run: bool) -> Options {
        Options {
            dry_run,
            ..Options::default()
        }
    }

    /// The folder the record goes to.
    pub fn out_dir(&self, ws: &Workspace) -> PathBuf {
        self.out.clone().unwrap_or_else(|| ws.output_dir())
    }
}

/// The answers' text and file, for errors that name a line.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub text: &'a str,
    /// None: the answers came from a prompt or a form, not a file.
    pub file: Option<&'a Path>,
}

impl Source<'_> {
    /// Attaches the file and the line of a top-level `key` to an input error.
    pub fn locate(&self, err: Error, key: &str) -> Error {
        let Some(f) = self.file else {
            return err;
        };
        let err = err.in_file(f);
        match key_line(self.text, key) {
            Some(line) => err.at_line(line),
            None => err,
        }
    }

    /// Attaches the file (if any) to an error.
    pub fn in_file(&self, err: Error) -> Error {
        match self.file {
            Some(f) => err.in_file(f),
            None => err,
        }
    }
}

/// The line of a top-level key in an answers file.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let span = doc.as_table().key(key)?.span()?;
    Some(line_of(text, span.start))
}

/// What a record is: its template, data and name; built by [`Kind::record`].
pub struct RecordSpec {
    /// Template name in `templates/` without language and extension.
    pub template: &'static str,
    /// The data the template renders (see `crate::records`).
    pub data: Value,
    /// Document title (PDF metadata) and the signature's `/Reason`.
    pub title: String,
    pub reason: String,
    /// The file name without extension; never personal data.
    pub stem: String,
    /// True: the name gets the date, time and a sequence number (`STEM-YYYYMMDD-HHMMSS-NN`),
    /// the first that is free. False: the stem is already unique (an id given out under a
    /// lock). Either way an existing file is never replaced.
    pub dated: bool,
}

/// A decision kind: what the pipeline needs to know to run it.
pub trait Kind {
    /// The answers as the rules read them.
    type Answers;
    /// The rules' typed result (serialises to the contract's JSON).
    type Outcome: Serialize;

    /// The questionnaire in `questionnaires/` (`account`, `photo`, `breach`); None for a
    /// kind whose answers are a command's options (the account decision: verdict and
    /// reasons), given as [`Answers::Value`], neither kept nor embedded in the record.
    fn questionnaire(&self) -> Option<&'static str>;

    /// The template of the record this kind writes, when it is known before the decision:
    /// [`run`] prepares it on another thread meanwhile ([`prewarm`]).
    fn template(&self) -> Option<&'static str> {
        None
    }

    /// Validated answers → typed answers, with the workspace's checks (an unknown channel).
    /// Errors name the file, line and key through `source`; `notes` collects what the user
    /// should know but does not stop the run.
    fn typed(
        &self,
        ws: Option<&Workspace>,
        answers: &Value,
        source: Source,
        notes: &mut Vec<String>,
    ) -> Result<Self::Answers>;

    /// The decision: reads what it needs from the registers, then calls the kind's pure
    /// rule function.
    fn decide(&self, ws: Option<&Workspace>, answers: &Self::Answers) -> Result<Self::Outcome>;

    /// A lock held from the decision's look-ups to appending the register row (none by
    /// default; not taken with `dry_run`).
    fn lock(&self, _ws: &Workspace) -> Result<Option<std::fs::File>> {
        Ok(None)
    }

    /// The record's id, if the kind gives out ids (a breach id, a publication id). Called
    /// under [`Kind::lock`]; with `dry_run`, without it (the id a real run would get).
    fn id(
        &self,
        _ws: &Workspace,
        _answers: &Value,
        _typed: &Self::Answers,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    /// The answers text as kept and embedded (default: as given).
    fn kept_answers(
        &self,
        _q: &Questionnaire,
        text: &str,
        _answers: &Value,
        _typed: &Self::Answers,
    ) -> String {
        text.to_string()
    }

    /// Where the answers are kept (None: not kept).
    fn answers_path(&self, ws: &Workspace, id: Option<&str>) -> Option<PathBuf>;

    /// Who signs the record, in turn (default: the workspace's signer for this run, see
    /// `signing::keystore`). A decision two people take carries both signatures.
    fn signers(&self, ws: &Workspace) -> Result<Vec<Arc<dyn crate::signing::DigestSigner>>> {
        Ok(vec![crate::signing::keystore::cached_signer(ws)?])
    }

    /// The result embedded in the record as `result.json`.
    fn result(&self, outcome: &Self::Outcome, _id: Option<&str>) -> Value {
        serde_json::to_value(outcome).expect("results serialise")
    }

    /// The record: template, data, title and name.
    fn record(
        &self,
        ws: &Workspace,
        q: &Questionnaire,
        case: &Case<Self::Answers, Self::Outcome>,
    ) -> Result<RecordSpec>;

    /// Appends the register rows for the record written at `record` (registers keep it
    /// relative to the workspace, see [`Workspace::relative`]), still under [`Kind::lock`],
    /// and whatever else the decision changes in the registers (an assessment's actions,
    /// an account's status).
    fn append(
        &self,
        ws: &Workspace,
        case: &Case<Self::Answers, Self::Outcome>,
        record: &Path,
    ) -> Result<Appended>;

    /// The `--json` object (the contract's shape) once the run is done.
    fn json(&self, outcome: &Self::Outcome, id: Option<&str>, written: &Written) -> Value;
}

/// One decided case, as the record and the register row see it.
pub struct Case<'a, A, O> {
    /// The validated answers (the questionnaire's JSON shape, defaults filled in).
    pub answers: &'a Value,
    /// The answers text as kept and embedded in the record.
    pub text: &'a str,
    pub typed: &'a A,
    pub outcome: &'a O,
    /// The id the kind gave out, if any.
    pub id: Option<&'a str>,
}

/// What the register step changed beyond its row, for the faces.
#[derive(Debug, Clone, Default)]
pub struct Appended {
    /// Fields added to the `--json` object (e.g. `actions_opened`).
    pub json: serde_json::Map<String, Value>,
    /// Lines for the user about the changes (printed after the summary).
    pub changes: Vec<String>,
}

/// What a run wrote (all None with `dry_run`).
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The signed record.
    pub record: Option<PathBuf>,
    /// The kept answers file.
    pub answers: Option<PathBuf>,
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct Done<O> {
    /// The id the kind gave out (breach id, publication id), if any.
    pub id: Option<String>,
    /// The typed result.
    pub outcome: O,
    /// The contract's `--json` object, with the paths written.
    pub json: Value,
    pub written: Written,
    /// What the user should know (printed on stderr by the command line).
    pub notes: Vec<String>,
    /// What the run changed in the registers beyond its row ([`Appended::changes`]).
    pub changes: Vec<String>,
}

impl<O> Done<O> {
    pub fn record(&self) -> Option<&Path> {
        self.written.record.as_deref()
    }
}

/// Whether `path` is a regular file (not a link) holding exactly `bytes`.
fn same_regular_file(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.file_type().is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    let Ok(mut f) = crate::ledger::files::open_read(path) else {
        return false;
    };
    let mut have = Vec::with_capacity(bytes.len());
    f.read_to_end(&mut have).is_ok() && have == bytes
}

/// Runs a decision of `kind` on `answers`: validate → decide → (unless `dry_run`) build the
/// record, render, sign, write, keep the answers, append.
pub fn run<K: Kind>(
    ws: &Workspace,
    kind: &K,
    answers: Answers,
    opts: &Options,
) -> Result<Done<K::Outcome>> {
    if !opts.dry_run {
        if let Some(t) = kind.template() {
            prewarm::start(ws, t);
        }
    }
    let q = match kind.questionnaire() {
        Some(name) => Some(Questionnaire::shared(name)?),
        None => None,
    };
    let (text, file, value) = match (&q, answers) {
        (Some(q), Answers::Toml { text, file }) => {
            let value = q.validate(&text, &file)?;
            (text, Some(file), value)
        }
        (Some(q), Answers::Value(v)) => {
            let text = q.to_toml(&v);
            let value = q.validate(&text, Path::new("answers"))?;
            (text, None, value)
        }
        (None, Answers::Value(v)) => (String::new(), None, v),
        (None, Answers::Toml { file, .. }) => {
            return Err(Error::Usage(format!(
                "internal: this kind of decision takes no answers file ({})",
                file.display()
            )))
        }
    };
    let source = Source {
        text: &text,
        file: file.as_deref(),
    };
    // The kind's lock, from the look-up the decision makes to the register row.
    let _lock = if opts.dry_run { None } else { kind.lock(ws)? };
    let mut notes = Vec::new();
    let typed = kind.typed(Some(ws), &value, source, &mut notes)?;
    let outcome = kind.decide(Some(ws), &typed)?;
    let id = kind.id(ws, &value, &typed)?;
    if opts.dry_run {
        let written = Written::default();
        let json = kind.json(&outcome, id.as_deref(), &written);
        return Ok(Done {
            id,
            outcome,
            json,
            written,
            notes,
            changes: Vec::new(),
        });
    }
    let none = Questionnaire::none();
    let qref: &Questionnaire = q.unwrap_or(&none);
    let kept = kind.kept_answers(qref, &text, &value, &typed);
    let mut written = Written::default();
    let case = Case {
        answers: &value,
        text: &kept,
        typed: &typed,
        outcome: &outcome,
        id: id.as_deref(),
    };
    let spec = kind.record(ws, qref, &case)?;
    let rec = Record {
        template: spec.template,
        data: spec.data,
        answers_toml: q.is_some().then(|| kept.clone()),
        result: kind.result(&outcome, id.as_deref()),
        title: spec.title,
        reason: spec.reason,
        file_stem: spec.stem,
    };
    let out_dir = opts.out_dir(ws);
    let signers = kind.signers(ws)?;
    let path = if spec.dated {
        record::write_dated_signed(ws, &rec, &out_dir, &signers)?
    } else {
        record::write_signed(ws, &rec, &out_dir, &signers)?
    };
    if opts.keep_answers && q.is_some() {
        if let Some(path) = kind.answers_path(ws, id.as_deref()) {
            if let Some(dir) = path.parent() {
                crate::workspace::ensure_private_dir(dir)?;
            }
            // `assess ID --answers answers/assess/ID.toml` (as the demo and a rerun do)
            // keeps the file it read: writing the same bytes again was a temp file, two
            // fsyncs and a rename, ≈1 ms of one `assess` (strace -T, 7 December 2026).
            if !same_regular_file(&path, kept.as_bytes()) {
                crate::workspace::write_atomic(&path, kept.as_bytes())?;
            }
            written.answers = Some(path);
        }
    }
    let appended = kind.append(ws, &case, &path)?;
    written.record = Some(path);
    let mut json = kind.json(&outcome, id.as_deref(), &written);
    if let Some(obj) = json.as_object_mut() {
        obj.extend(appended.json);
    }
    Ok(Done {
        id,
        outcome,
        json,
        written,
        notes,
        changes: appended.changes,
    })
}

/// Today's rules on a record's embedded answers (what `rerun` does): validate, type and
/// decide, nothing written. `ws` is the workspace the command runs in, if any (a photo
/// decision needs its consent register).
pub fn reevaluate<K: Kind>(ws: Option<&Workspace>, kind: &K, answers_toml: &str) -> Result<Value> {
    let name = kind.questionnaire().ok_or_else(|| {
        Error::Usage("internal: a kind without a questionnaire has no answers to re-run".into())
    })?;
    let q = Questionnaire::shared(name)?;
    let file = Path::new("answers.toml");
    let value = q.validate(answers_toml, file)?;
    let source = Source {
        text: answers_toml,
        file: Some(file),
    };
    let typed = kind.typed(ws, &value, source, &mut Vec::new())?;
    let outcome = kind.decide(ws, &typed)?;
    Ok(serde_json::to_value(outcome).expect("results serialise"))
}

/// A kind whose answers and result are plain JSON: what `rerun` and a web handler use when
/// the kind is known only at run time.
pub trait AnyKind {
    /// Runs the kind (see [`run`]); the outcome as JSON.
    fn run_json(&self, ws: &Workspace, answers: Answers, opts: &Options) -> Result<Done<Value>>;
    /// Re-evaluates embedded answers (see [`reevaluate`]).
    fn reevaluate(&self, ws: Option<&Workspace>, answers_toml: &str) -> Result<Value>;
}

impl<K: Kind> AnyKind for K {
    fn run_json(&self, ws: &Workspace, answers: Answers, opts: &Options) -> Result<Done<Value>> {
        let d = run(ws, self, answers, opts)?;
        Ok(Done {
            id: d.id,
            outcome: serde_json::to_value(&d.outcome).expect("results serialise"),
            json: d.json,
            written: d.written,
            notes: d.notes,
            changes: d.changes,
        })
    }

    fn reevaluate(&self, ws: Option<&Workspace>, answers_toml: &str) -> Result<Value> {
        reevaluate(ws, self, answers_toml)
    }
}

/// The kind that made a record, from its embedded `result.json` (for `rerun`); None when
/// records of that kind are not decisions the pipeline re-runs.
pub fn kind_of_record(result: &Value, ws: Option<&Workspace>) -> Result<Option<Box<dyn AnyKind>>> {
    Ok(match result["kind"].as_str().unwrap_or_default() {
        "account_assessment" => Some(Box::new(account::AccountAssessment::new(
            result["account"].as_str().unwrap_or_default(),
        ))),
        "photo_decision" => {
            let ws = ws.ok_or_else(photo::needs_workspace)?;
            let preset = result["policy"]["preset"]
                .as_str()
                .unwrap_or(&ws.config.policy.preset)
                .to_string();
            Some(Box::new(photo::PhotoDecision::with_preset(ws, &preset)?))
        }
        "breach_evaluation" => Some(Box::new(breach::BreachEvaluation::default())),
        "account_application" => Some(Box::new(application::AccountApplication::rerun(
            result["account"].as_str().unwrap_or_default(),
        ))),
        "account_closing" => Some(Box::new(closing::AccountClosing::rerun(
            result["account"].as_str().unwrap_or_default(),
        ))),
        _ => None,
    })
}
