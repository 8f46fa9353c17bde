//! The pages: routes and handlers. Each handler checks the role and the CSRF token, then does
//! its work in [`blocking`] through the library (forms, registers, the journey).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path as UrlPath, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde_json::{json, Value};

use super::auth::{self, Right};
use super::{blocking, form, journey, App, Me};
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::registers::consents::{self, Consent, Status};

type Pairs = Form<Vec<(String, String)>>;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(lang))
        .route("/assets/style.css", get(css))
        .route("/assets/clock.js", get(js))
        .route("/consents", get(consents_page).post(consent_add))
        .route(
            "/consents/{id}/withdraw",
            get(withdraw_page).post(withdraw_post),
        )
        .route("/photo", get(photo_start))
        .route("/photo/people", get(photo_people).post(photo_people_post))
        .route("/class", get(class_page).post(class_upload))
        .route("/assess", get(assess_page))
        .route("/lists", get(lists_page))
        .route("/records", get(records_page))
        .route("/records/{name}", get(record_download))
        .route("/verify", get(verify_page).post(verify_post))
        .route("/q/{flow}", get(flow_start))
        .route("/q/{flow}/s/{n}", get(section_get).post(section_post))
        .route("/q/{flow}/review", get(review_get))
        .route("/q/{flow}/confirm", post(confirm))
        .with_state(app)
}

fn csrf_ok(me: &Me, pairs: &[(String, String)]) -> bool {
    pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .is_some_and(|(_, v)| auth::same_token(v, &me.session.csrf))
}

fn get1<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

fn all_of(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("assets/style.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("assets/clock.js"),
    )
        .into_response()
}

async fn home(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        app.page(
            &me,
            StatusCode::OK,
            "home.html",
            "dataskydd",
            "/",
            json!({}),
        )
    })
    .await
}

async fn lang(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath(code): UrlPath<String>,
) -> Response {
    if let Ok(l) = code.parse() {
        app.sessions.set_lang(&me.sid, l);
    }
    Redirect::to("/").into_response()
}

async fn login_page(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        app.page(
            &me,
            StatusCode::OK,
            "login.html",
            &t("Logga in", "Sign in"),
            "",
            json!({}),
        )
    })
    .await
}

async fn login(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    Form(pairs): Pairs,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !csrf_ok(&me, &pairs) {
            return app.csrf_refused(&me);
        }
        let name = get1(&pairs, "name").trim().to_string();
        let password = get1(&pairs, "password").to_string();
        let keys = vec![format!("ip:{}", peer.ip()), format!("user:{name}")];
        if app.limiter.blocked(&keys) {
            return app.fail(
                &me,
                StatusCode::TOO_MANY_REQUESTS,
                &t(
                    &format!(
                        "För många misslyckade inloggningar. Vänta {} minuter och försök igen.",
                        auth::WINDOW.as_secs() / 60
                    ),
                    &format!(
                        "Too many failed sign-ins. Wait {} minutes and try again.",
                        auth::WINDOW.as_secs() / 60
                    ),
                ),
            );
        }
        let user = app.users.find(&name).filter(|u| {
            u.password
                .as_deref()
                .is_some_and(|h| auth::verify_password(h, &password))
        });
        match user {
            Some(u) => {
                // A new session id at sign-in (no fixation of the one the stranger had).
                app.sessions.remove(&me.sid);
                let (sid, _) = app.sessions.create(Some(u.clone()), me.session.lang);
                let mut r = Redirect::to("/").into_response();
                if let Ok(v) = header::HeaderValue::from_str(&app.session_cookie(&sid)) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                r
            }
            None => {
                app.limiter.fail(&keys);
                app.page(
                    &me,
                    StatusCode::UNAUTHORIZED,
                    "login.html",
                    &t("Logga in", "Sign in"),
                    "",
                    json!({
                        "name": name,
                        "errors": [{"id": "f-name", "message": t("Fel användarnamn eller lösenord.", "Wrong user name or password.")}],
                    }),
                )
            }
        }
    })
    .await
}

async fn logout(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    Form(pairs): Pairs,
) -> Response {
    if !csrf_ok(&me, &pairs) {
        let lang = me.session.lang;
        return blocking(lang, move || app.csrf_refused(&me)).await;
    }
    app.sessions.remove(&me.sid);
    Redirect::to("/login").into_response()
}

// ---------------------------------------------------------------- accounts the user sees

fn channels(app: &App, me: &Me) -> Vec<crate::registers::accounts::Account> {
    let all = crate::registers::accounts::read_all(&app.ws.accounts_csv()).unwrap_or_default();
    all.into_iter()
        .filter(|a| me.user().is_some_and(|u| u.sees_account(&a.id)))
        .collect()
}

fn channel_options(app: &App, me: &Me) -> Vec<Value> {
    channels(app, me)
        .iter()
        .map(|a| {
            let label = if a.name.is_empty() {
                a.id.clone()
            } else {
                format!("{} ({})", a.name, a.id)
            };
            json!({"id": a.id, "label": label})
        })
        .collect()
}

/// The words records use for a code (`pupil` → `elev`).
fn word(code: &str) -> String {
    crate::records::labels::labels()
        .get(code)
        .and_then(|v| v.as_str())
        .unwrap_or(code)
        .to_string()
}

fn status_word(s: Status) -> String {
    match s {
        Status::Valid => t("giltigt", "valid"),
        Status::Missing => t("saknas", "missing"),
        Status::Withdrawn => t("återkallat", "withdrawn"),
        Status::Expired => t("utgånget", "expired"),
        Status::NotYetValid => t("gäller inte än", "not yet valid"),
        Status::OutOfScope => t("täcker inte användningen", "does not cover the use"),
    }
}

fn tone(s: Status) -> &'static str {
    match s {
        Status::Valid => "ok",
        Status::NotYetValid | Status::OutOfScope => "warn",
        _ => "stop",
    }
}

// ---------------------------------------------------------------- consents

fn consent_fields(
    app: &App,
    me: &Me,
    p: &BTreeMap<String, String>,
    multi: &BTreeMap<String, Vec<String>>,
    errors: &BTreeMap<String, String>,
) -> Vec<form::Field> {
    let choice = |v: &str, label: String, on: bool| form::Choice {
        value: v.into(),
        label,
        checked: on,
    };
    let mk = |name: &str,
              kind: &'static str,
              prompt: String,
              help: Option<String>,
              choices: Vec<form::Choice>| form::Field {
        name: name.into(),
        id: form::field_id(name),
        kind,
        prompt,
        help,
        sources: Vec::new(),
        required: true,
        value: p.get(name).cloned().unwrap_or_default(),
        choices,
        error: errors.get(name).cloned(),
        min: None,
        max: None,
    };
    let picked = |name: &str, v: &str| multi.get(name).is_some_and(|l| l.iter().any(|x| x == v));
    let one = |name: &str, v: &str| p.get(name).is_some_and(|x| x == v);
    vec![
        mk(
            "subject",
            "text",
            t("Personens referens", "The person's reference"),
            Some(t(
                "En pseudonym räcker, t.ex. elev-0042.",
                "A pseudonym is enough, e.g. pupil-0042.",
            )),
            Vec::new(),
        ),
        mk(
            "role",
            "choice",
            t("Roll", "Role"),
            None,
            consents::ROLES
                .iter()
                .map(|r| choice(r, word(r), one("role", r)))
                .collect(),
        ),
        mk(
            "birth_year",
            "text",
            t("Födelseår (ÅÅÅÅ)", "Year of birth (YYYY)"),
            None,
            Vec::new(),
        ),
        mk(
            "given_by",
            "choice",
            t("Lämnat av", "Given by"),
            None,
            consents::GIVEN_BY
                .iter()
                .map(|r| {
                    choice(
                        r,
                        if *r == "guardian" {
                            t("vårdnadshavare", "guardian")
                        } else {
                            t("personen själv", "the person")
                        },
                        one("given_by", r),
                    )
                })
                .collect(),
        ),
        mk(
            "giver",
            "text",
            t(
                "Namn på den som lämnade samtycket",
                "Name of who gave the consent",
            ),
            None,
            Vec::new(),
        ),
        mk(
            "purpose",
            "multi",
            t("Ändamål", "Purposes"),
            None,
            consents::PURPOSES
                .iter()
                .map(|r| choice(r, word(r), picked("purpose", r)))
                .collect(),
        ),
        mk(
            "channel",
            "multi",
            t("Kanaler", "Channels"),
            None,
            channels(app, me)
                .iter()
                .map(|a| choice(&a.id, a.id.clone(), picked("channel", &a.id)))
                .collect(),
        ),
        mk(
            "media",
            "multi",
            t("Medier", "Media"),
            None,
            consents::MEDIA
                .iter()
                .map(|r| {
                    choice(
                        r,
                        r.to_string(),
                        picked("media", r) || (multi.get("media").is_none() && *r == "photo"),
                    )
                })
                .collect(),
        ),
        mk(
            "valid_from",
            "date",
            t("Gäller från", "Valid from"),
            None,
            Vec::new(),
        ),
        mk(
            "valid_until",
            "date",
            t("Gäller till och med", "Valid until"),
            None,
            Vec::new(),
        ),
        mk(
            "evidence",
            "text",
            t(
                "Underlag (t.ex. diarienummer för den undertecknade blanketten)",
                "Evidence (e.g. the registration number of the signed form)",
            ),
            Some(t(
                "Art. 7.1 GDPR: organisationen ska kunna visa att samtycke lämnats.",
                "GDPR Art. 7(1): the organisation must be able to show that consent was given.",
            )),
            Vec::new(),
        ),
        form::Field {
            required: false,
            ..mk(
            "explicit_art9",
            "text",
            t(
                "Uttryckligt samtycke till känsliga uppgifter (lämna tomt om det inte gäller)",
                "Explicit consent to sensitive data (leave empty if it does not apply)",
            ),
            Some(t(
                "Art. 9.2 a GDPR: skriv det känsliga sammanhang blanketten uttryckligen nämner, t.ex. \"bilder från elevhälsans hälsovecka\". Bara ett sådant samtycke räcker för en bild som visar hälsa, religion eller annat känsligt.",
                "GDPR Art. 9(2)(a): write the sensitive context the form names explicitly, e.g. \"pictures from the pupil health week\". Only such a consent suffices for a picture that shows health, religion or other sensitive data.",
            )),
            Vec::new(),
        )
        },
    ]
}

fn consent_rows(app: &App, me: &Me) -> Vec<Value> {
    let today = crate::clock::today();
    let visible: Vec<String> = channels(app, me).into_iter().map(|a| a.id).collect();
    let all = consents::Register::at(app.ws.consents_csv())
        .all()
        .unwrap_or_default();
    all.iter()
        .filter(|c| c.channels.iter().any(|ch| visible.contains(ch)))
        .map(|c| {
            let state = c.state(today);
            json!({
                "consent_id": c.consent_id,
                "subject": c.subject,
                "purposes": c.purposes.iter().map(|p| word(p)).collect::<Vec<_>>().join(", "),
                "channels": c.channels.join(", "),
                "valid_from": c.valid_from.to_string(),
                "valid_until": c.valid_until.to_string(),
                "state": match state { "active" => t("gäller", "active"), "withdrawn" => t("återkallat", "withdrawn"), "expired" => t("utgånget", "expired"), other => other.to_string() },
                "tone": match state { "active" => "ok", _ => "stop" },
                "active": c.withdrawal.is_none(),
            })
        })
        .collect()
}

async fn consents_page(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Consents) {
            return app.forbidden(&me);
        }
        let fields = consent_fields(
            &app,
            &me,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &BTreeMap::new(),
        );
        let rows = consent_rows(&app, &me);
        app.page(
            &me,
            StatusCode::OK,
            "consents.html",
            &t("Samtycken", "Consents"),
            "/consents",
            json!({"fields": fields, "consents": rows}),
        )
    })
    .await
}

async fn consent_add(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    Form(pairs): Pairs,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Consents) {
            return app.forbidden(&me);
        }
        if !csrf_ok(&me, &pairs) {
            return app.csrf_refused(&me);
        }
        let one: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let multi = form::posted(&pairs);
        let joined = |k: &str| all_of(&pairs, k).join(",");
        let mut errors = BTreeMap::new();
        let chosen = all_of(&pairs, "channel");
        if chosen.iter().any(|c| !me.user().is_some_and(|u| u.sees_account(c))) {
            return app.forbidden(&me);
        }
        let input = consents::Input {
            subject: get1(&pairs, "subject").into(),
            role: get1(&pairs, "role").into(),
            birth_year: get1(&pairs, "birth_year").into(),
            given_by: get1(&pairs, "given_by").into(),
            giver: get1(&pairs, "giver").into(),
            purpose: joined("purpose"),
            channel: joined("channel"),
            media: joined("media"),
            valid_from: get1(&pairs, "valid_from").into(),
            valid_until: get1(&pairs, "valid_until").into(),
            evidence: get1(&pairs, "evidence").into(),
            explicit_art9: get1(&pairs, "explicit_art9").into(),
            ..Default::default()
        };
        let ws = app.ws_for(&me);
        match journey::add_consent(&ws, &input) {
            Ok((id, receipt)) => {
                app.log(&me, "consent add", &id);
                let receipt = receipt.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                app.page(&me, StatusCode::OK, "consent_added.html", &t("Samtycke registrerat", "Consent registered"), "/consents", json!({"consent_id": id, "receipt": receipt}))
            }
            Err(problems) => {
                for (f, m) in problems {
                    errors.entry(f).or_insert(m);
                }
                let fields = consent_fields(&app, &me, &one, &multi, &errors);
                let links: Vec<Value> = fields
                    .iter()
                    .filter_map(|f| f.error.as_ref().map(|e| json!({"id": if matches!(f.kind, "choice" | "multi") { format!("{}-1", f.id) } else { f.id.clone() }, "message": format!("{}: {e}", f.prompt)})))
                    .chain(errors.get("").map(|e| json!({"id": "add", "message": e})))
                    .collect();
                let rows = consent_rows(&app, &me);
                app.page(&me, StatusCode::UNPROCESSABLE_ENTITY, "consents.html", &t("Samtycken", "Consents"), "/consents", json!({"fields": fields, "consents": rows, "errors": links}))
            }
        }
    })
    .await
}

fn visible_consent(app: &App, me: &Me, id: &str) -> Option<Consent> {
    let c = consents::Register::at(app.ws.consents_csv())
        .find(id)
        .ok()
        .flatten()?;
    c.channels
        .iter()
        .any(|ch| me.user().is_some_and(|u| u.sees_account(ch)))
        .then_some(c)
}

async fn withdraw_page(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Consents) {
            return app.forbidden(&me);
        }
        match visible_consent(&app, &me, &id) {
            Some(c) => app.page(
                &me,
                StatusCode::OK,
                "withdraw.html",
                &t("Registrera återkallelse", "Register a withdrawal"),
                "/consents",
                json!({"c": c}),
            ),
            None => app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &consents::unknown_id(&id).to_string(),
            ),
        }
    })
    .await
}

async fn withdraw_post(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath(id): UrlPath<String>,
    Form(pairs): Pairs,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Consents) {
            return app.forbidden(&me);
        }
        if !csrf_ok(&me, &pairs) {
            return app.csrf_refused(&me);
        }
        let Some(c) = visible_consent(&app, &me, &id) else {
            return app.fail(&me, StatusCode::NOT_FOUND, &consents::unknown_id(&id).to_string());
        };
        let by = me.user().map(|u| u.name.clone()).unwrap_or_default();
        match journey::withdraw(&app.ws, &c.consent_id, &by, get1(&pairs, "via")) {
            Ok((c, takedown)) => {
                app.log(&me, "consent withdraw", &c.consent_id);
                let accounts = crate::registers::accounts::read_all(&app.ws.accounts_csv()).unwrap_or_default();
                let rows: Vec<Value> = takedown
                    .iter()
                    .map(|p| {
                        let url = accounts.iter().find(|a| a.id == p.channel).map(|a| a.url.clone()).filter(|u| u.starts_with("https://") || u.starts_with("http://"));
                        let record = std::path::Path::new(&p.file).file_name().map(|n| n.to_string_lossy().into_owned());
                        json!({"publication_id": p.publication_id, "channel": p.channel, "published_on": p.published_on, "url": url, "record": record})
                    })
                    .collect();
                let at = c.withdrawal.as_ref().map(|w| w.withdrawn_at.clone()).unwrap_or_default();
                app.page(&me, StatusCode::OK, "takedown.html", &t("Återkallelse och nedtagning", "Withdrawal and take-down"), "/consents", json!({"consent_id": c.consent_id, "withdrawn_at": at, "takedown": rows}))
            }
            Err(e) => app.page(&me, StatusCode::UNPROCESSABLE_ENTITY, "withdraw.html", &t("Registrera återkallelse", "Register a withdrawal"), "/consents", json!({"c": c, "errors": [{"id": "f-via", "message": journey::message(&e)}]})),
        }
    })
    .await
}

// ---------------------------------------------------------------- photo: channel and people

async fn photo_start(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Photo) {
            return app.forbidden(&me);
        }
        let ch = channel_options(&app, &me);
        app.page(
            &me,
            StatusCode::OK,
            "photo_start.html",
            &t("Får bilden publiceras?", "May the picture be published?"),
            "/photo",
            json!({"channels": ch}),
        )
    })
    .await
}

/// Each person with consents for the channel, with the status for it today (any purpose).
fn people_for(app: &App, channel: &str) -> Vec<(Consent, Status, String)> {
    let today = crate::clock::today();
    let all = consents::Register::at(app.ws.consents_csv())
        .all()
        .unwrap_or_default();
    let mut by: BTreeMap<String, Vec<Consent>> = BTreeMap::new();
    for c in all
        .into_iter()
        .filter(|c| c.channels.iter().any(|x| x == channel))
    {
        by.entry(c.subject.clone()).or_default().push(c);
    }
    by.into_values()
        .map(|list| {
            let mut best = Status::Missing;
            let mut purposes = Vec::new();
            for p in consents::PURPOSES {
                let (s, _) =
                    consents::combine(&list, p, channel, crate::assessment::photo::MEDIUM, today);
                if s == Status::Valid {
                    purposes.push(word(p));
                }
                if s.weight() > best.weight() {
                    best = s;
                }
            }
            let text = if purposes.is_empty() {
                status_word(best)
            } else {
                format!(
                    "{} {}: {}",
                    status_word(Status::Valid),
                    t("för", "for"),
                    purposes.join(", ")
                )
            };
            (list[0].clone(), best, text)
        })
        .collect()
}

async fn photo_people(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Photo) {
            return app.forbidden(&me);
        }
        let channel = q.get("channel").cloned().unwrap_or_default();
        if !me.user().is_some_and(|u| u.sees_account(&channel)) {
            return app.forbidden(&me);
        }
        let people: Vec<Value> = people_for(&app, &channel)
            .into_iter()
            .map(|(c, s, text)| json!({"subject": c.subject, "tone": tone(s), "status": text}))
            .collect();
        app.page(
            &me,
            StatusCode::OK,
            "photo_people.html",
            &t("Vilka syns på bilden?", "Who is in the picture?"),
            "/photo",
            json!({"channel": channel, "people": people}),
        )
    })
    .await
}

async fn photo_people_post(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    Form(pairs): Pairs,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Photo) {
            return app.forbidden(&me);
        }
        if !csrf_ok(&me, &pairs) {
            return app.csrf_refused(&me);
        }
        let channel = get1(&pairs, "channel").to_string();
        if !me.user().is_some_and(|u| u.sees_account(&channel)) {
            return app.forbidden(&me);
        }
        let chosen = all_of(&pairs, "person");
        let year = chrono::Datelike::year(&crate::clock::today());
        let known = people_for(&app, &channel);
        let people: Vec<Value> = chosen
            .iter()
            .filter_map(|s| known.iter().find(|(c, _, _)| &c.subject == s))
            .map(|(c, _, _)| json!({"ref": c.subject, "role": c.role, "age": (year - c.birth_year).max(0)}))
            .collect();
        let mut answers = json!({"channel": channel, "published_on": crate::clock::today().to_string()});
        if !people.is_empty() {
            answers["identifiable"] = json!(true);
            answers["people"] = Value::Array(people);
        }
        let flow = Flow::Photo;
        if let Err(e) = flow.save(&app, &me, &answers) {
            return app.fail(&me, StatusCode::INTERNAL_SERVER_ERROR, &journey::message(&e));
        }
        Redirect::to(&format!("/q/{}/s/0", flow.id())).into_response()
    })
    .await
}

// ---------------------------------------------------------------- class overview

use crate::registers::class_list::{self, FILE as CLASS_LIST};

fn read_class_list(app: &App) -> Vec<(String, String)> {
    class_list::read(&app.ws.path(CLASS_LIST))
}

fn class_view(app: &App, me: &Me, q: &BTreeMap<String, String>, errors: Vec<Value>) -> Response {
    let list = read_class_list(app);
    let mut classes: Vec<String> = list.iter().map(|(_, c)| c.clone()).collect();
    classes.sort();
    classes.dedup();
    let ch = channel_options(app, me);
    let class = q.get("class").cloned().unwrap_or_default();
    let channel = q.get("channel").cloned().unwrap_or_default();
    let mut rows = Vec::new();
    if !class.is_empty() && me.user().is_some_and(|u| u.sees_account(&channel)) {
        let today = crate::clock::today();
        let pupils: Vec<&str> = list
            .iter()
            .filter(|(_, c)| *c == class)
            .map(|(s, _)| s.as_str())
            .collect();
        let found = consents::Register::at(app.ws.consents_csv())
            .of_subjects(&pupils)
            .unwrap_or_default();
        for s in pupils {
            let empty = Vec::new();
            let list = found.get(s).unwrap_or(&empty);
            let cells: Vec<Value> = consents::PURPOSES
                .iter()
                .map(|p| {
                    let (st, _) = consents::combine(
                        list,
                        p,
                        &channel,
                        crate::assessment::photo::MEDIUM,
                        today,
                    );
                    json!({"tone": tone(st), "status": status_word(st)})
                })
                .collect();
            rows.push(json!({"subject": s, "cells": cells}));
        }
    }
    let purposes: Vec<String> = consents::PURPOSES.iter().map(|p| word(p)).collect();
    app.page(me, if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }, "class.html", &t("Klassöversikt", "Class overview"), "/class", json!({"classes": classes, "channels": ch, "class": class, "channel": channel, "rows": rows, "purposes": purposes, "errors": errors}))
}

async fn class_page(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Photo) {
            return app.forbidden(&me);
        }
        class_view(&app, &me, &q, Vec::new())
    })
    .await
}

/// The fields of a multipart form (uploads are small: a class list, one PDF).
async fn multipart_fields(mut m: Multipart) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    while let Ok(Some(field)) = m.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        match field.bytes().await {
            Ok(b) => out.push((name, b.to_vec())),
            Err(_) => break,
        }
    }
    out
}

fn multipart_csrf(me: &Me, fields: &[(String, Vec<u8>)]) -> bool {
    fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .is_some_and(|(_, v)| auth::same_token(&String::from_utf8_lossy(v), &me.session.csrf))
}

async fn class_upload(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    m: Multipart,
) -> Response {
    let fields = multipart_fields(m).await;
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Photo) {
            return app.forbidden(&me);
        }
        if !multipart_csrf(&me, &fields) {
            return app.csrf_refused(&me);
        }
        let file = fields
            .iter()
            .find(|(k, _)| k == "file")
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default();
        match class_list::parse(file) {
            Ok((_, text)) => {
                if let Err(e) =
                    crate::workspace::write_atomic(&app.ws.path(CLASS_LIST), text.as_bytes())
                {
                    return app.fail(
                        &me,
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &journey::message(&e),
                    );
                }
                app.log(&me, "class list import", CLASS_LIST);
                class_view(&app, &me, &BTreeMap::new(), Vec::new())
            }
            Err(msg) => class_view(
                &app,
                &me,
                &BTreeMap::new(),
                vec![json!({"id": "f-file", "message": msg})],
            ),
        }
    })
    .await
}

// ---------------------------------------------------------------- the DPO's pages

async fn assess_page(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Assess) {
            return app.forbidden(&me);
        }
        let listed = crate::lifecycle::listing::listing(&app.ws).unwrap_or_default();
        let rows: Vec<Value> = listed
            .iter()
            .filter(|l| me.user().is_some_and(|u| u.sees_account(&l.account.id)))
            .map(|l| json!({"id": l.account.id, "platform": l.account.platform, "owner": l.account.owner, "last": l.last_assessed}))
            .collect();
        app.page(&me, StatusCode::OK, "assess.html", &t("Kontobedömning", "Account assessment"), "/assess", json!({"accounts": rows}))
    })
    .await
}

async fn lists_page(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Lists) {
            return app.forbidden(&me);
        }
        let listed = crate::lifecycle::listing::listing(&app.ws).unwrap_or_default();
        let mine: Vec<_> = listed.iter().filter(|l| me.user().is_some_and(|u| u.sees_account(&l.account.id))).collect();
        let due: Vec<Value> = mine
            .iter()
            .filter(|l| l.overdue)
            .map(|l| json!({"id": l.account.id, "why": match &l.last_assessed { None => t("aldrig bedömt", "never assessed"), Some(d) => format!("{} {}", t("senast bedömt", "last assessed"), &d[..10.min(d.len())]) }}))
            .collect();
        let actions: Vec<Value> = mine
            .iter()
            .filter(|l| l.must_actions.unwrap_or(0) > 0)
            .map(|l| json!({"id": l.account.id, "count": l.must_actions}))
            .collect();
        let show_breaches = me.may(Right::Breach);
        let mut breaches = Vec::new();
        if show_breaches {
            let log = crate::registers::breaches::BreachLog::at(&app.ws);
            let entries = log.entries().unwrap_or_default();
            for s in crate::registers::breaches::summarise(&entries, crate::clock::now()).into_iter().filter(|s| s.open) {
                let left = match s.hours_left {
                    Some(h) if h < 0 => t(&format!("IMY-anmälan försenad med {} h", -h), &format!("IMY notification {} h overdue", -h)),
                    Some(h) => t(&format!("{h} h kvar till IMY-anmälan"), &format!("{h} h left to notify IMY")),
                    None => t("de registrerade ska informeras", "the people concerned are to be told"),
                };
                breaches.push(json!({"id": s.id, "account": s.account, "left": left}));
            }
        }
        app.page(&me, StatusCode::OK, "lists.html", &t("Listor", "Lists"), "/lists", json!({"due": due, "actions": actions, "breaches": breaches, "show_breaches": show_breaches}))
    })
    .await
}

/// Which records a role sees, by the file name's kind.
fn may_see_record(me: &Me, name: &str) -> bool {
    let Some(u) = me.user() else { return false };
    if u.role.all_accounts() {
        return true;
    }
    if name.starts_with("photo-") || name.starts_with("consent-") {
        return true;
    }
    u.role.may(Right::Assess)
        && u.accounts
            .iter()
            .any(|a| name.starts_with(&format!("bedomning-{a}-")))
}

async fn records_page(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Records) {
            return app.forbidden(&me);
        }
        let mut files: Vec<(String, u64)> = std::fs::read_dir(app.ws.output_dir())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let len = e.metadata().ok()?.len();
                        (name.ends_with(".pdf") && may_see_record(&me, &name))
                            .then_some((name, len))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let rows: Vec<Value> = files
            .iter()
            .map(|(n, l)| json!({"name": n, "kb": l.div_ceil(1024)}))
            .collect();
        app.page(
            &me,
            StatusCode::OK,
            "records.html",
            &t("Handlingar", "Records"),
            "/records",
            json!({"files": rows}),
        )
    })
    .await
}

async fn record_download(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath(name): UrlPath<String>,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        let plain = !name.is_empty()
            && name.ends_with(".pdf")
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !name.starts_with('.');
        if !plain || !me.may(Right::Records) && !me.may(Right::Photo) && !me.may(Right::Consents) {
            return app.forbidden(&me);
        }
        if !may_see_record(&me, &name) {
            return app.forbidden(&me);
        }
        match std::fs::read(app.ws.output_dir().join(&name)) {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(_) => app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Handlingen finns inte.", "The record does not exist."),
            ),
        }
    })
    .await
}

async fn verify_page(State(app): State<Arc<App>>, Extension(me): Extension<Me>) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Verify) {
            return app.forbidden(&me);
        }
        app.page(
            &me,
            StatusCode::OK,
            "verify.html",
            &t("Kontrollera en signerad PDF", "Check a signed PDF"),
            "/verify",
            json!({}),
        )
    })
    .await
}

async fn verify_post(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    m: Multipart,
) -> Response {
    let fields = multipart_fields(m).await;
    let lang = me.session.lang;
    blocking(lang, move || {
        if !me.may(Right::Verify) {
            return app.forbidden(&me);
        }
        if !multipart_csrf(&me, &fields) {
            return app.csrf_refused(&me);
        }
        let pdf = fields.iter().find(|(k, _)| k == "pdf").map(|(_, v)| v.as_slice()).unwrap_or_default();
        let result = match crate::signing::verify_pdf(pdf) {
            Ok(v) => json!({
                "tone": "ok",
                "headline": t("Signaturen är giltig och filen är oförändrad sedan signeringen.", "The signature is valid and the file is unchanged since signing."),
                "lines": [
                    format!("{}: {} ({})", t("Signerad av", "Signed by"), v.signer, v.role),
                    format!("{}: {}", t("Organisation", "Organisation"), v.organisation),
                    format!("{}: {}", t("Tidpunkt", "Time"), v.signed_at.to_rfc3339()),
                    format!("{}: {}", t("Certifikatets SHA-256", "Certificate SHA-256"), v.fingerprint),
                ],
            }),
            Err(e) => json!({
                "tone": "stop",
                "headline": match e { crate::signing::VerifyError::Invalid(_) => t("Signaturen håller inte.", "The signature does not hold."), _ => t("Filen bär ingen läsbar signatur.", "The file carries no readable signature.") },
                "lines": [e.message()],
            }),
        };
        app.page(&me, StatusCode::OK, "verify.html", &t("Kontrollera en signerad PDF", "Check a signed PDF"), "/verify", json!({"result": result}))
    })
    .await
}

// ---------------------------------------------------------------- questionnaire flows

/// A decision asked as a questionnaire in the browser.
#[derive(Debug, Clone)]
pub enum Flow {
    Photo,
    Breach,
    Assess(String),
}

impl Flow {
    fn parse(s: &str) -> Option<Flow> {
        match s {
            "photo" => Some(Flow::Photo),
            "breach" => Some(Flow::Breach),
            _ => {
                let id = s.strip_prefix("assess.")?;
                crate::registers::accounts::check_id(id).ok()?;
                Some(Flow::Assess(id.to_string()))
            }
        }
    }

    fn id(&self) -> String {
        match self {
            Flow::Photo => "photo".into(),
            Flow::Breach => "breach".into(),
            Flow::Assess(a) => format!("assess.{a}"),
        }
    }

    fn questionnaire(&self) -> &'static str {
        match self {
            Flow::Photo => "photo",
            Flow::Breach => "breach",
            Flow::Assess(_) => "account",
        }
    }

    fn right(&self) -> Right {
        match self {
            Flow::Photo => Right::Photo,
            Flow::Breach => Right::Breach,
            Flow::Assess(_) => Right::Assess,
        }
    }

    fn allowed(&self, me: &Me) -> bool {
        me.may(self.right())
            && match self {
                Flow::Assess(a) => me.user().is_some_and(|u| u.sees_account(a)),
                _ => true,
            }
    }

    /// The answers saved so far for this user (a closed tab resumes); no personal data in
    /// the file name.
    fn progress_path(&self, app: &App, me: &Me) -> std::path::PathBuf {
        let who = me.user().map(|u| u.name.as_str()).unwrap_or_default();
        let h = crate::ledger::sha256_hex(who.as_bytes());
        app.ws
            .answers_dir("web")
            .join(format!("{}-{}.toml", &h[..16], self.id()))
    }

    fn load(&self, app: &App, me: &Me) -> Option<Value> {
        std::fs::read_to_string(self.progress_path(app, me))
            .ok()
            .map(|t| form::read_saved(&t))
    }

    fn save(&self, app: &App, me: &Me, answers: &Value) -> crate::error::Result<()> {
        let q = Questionnaire::load(self.questionnaire())?;
        crate::workspace::create_private_dir(&app.ws.path("answers"))?;
        crate::workspace::create_private_dir(&app.ws.answers_dir("web"))?;
        crate::workspace::write_atomic(
            &self.progress_path(app, me),
            form::to_answers_text(&q, answers).as_bytes(),
        )
    }

    fn forget(&self, app: &App, me: &Me) {
        let _ = std::fs::remove_file(self.progress_path(app, me));
    }

    /// Answers to start from: what the register already knows.
    fn prefill(&self, app: &App) -> Value {
        match self {
            Flow::Assess(id) => {
                match crate::registers::accounts::find(&app.ws.accounts_csv(), id) {
                    Ok(a) => json!({"account": {"platform": a.platform, "owner_unit": a.owner}}),
                    Err(_) => json!({}),
                }
            }
            Flow::Breach => json!({}),
            Flow::Photo => json!({"published_on": crate::clock::today().to_string()}),
        }
    }

    fn title(&self, q: &Questionnaire) -> String {
        match self {
            Flow::Assess(a) => format!("{} – {a}", q.title.get()),
            _ => q.title.get().to_string(),
        }
    }
}

/// A line with the running 72-hour deadline once the time of awareness is known.
fn clock_line(answers: &Value) -> Option<String> {
    let aware = answers.get("aware_at")?.as_str()?;
    let aware = chrono::DateTime::parse_from_rfc3339(aware).ok()?;
    Some(crate::assessment::breach::deadline_status(
        aware,
        crate::clock::now(),
    ))
}

async fn flow_start(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath(flow): UrlPath<String>,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        let Some(flow) = Flow::parse(&flow) else {
            return app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Okänt formulär.", "Unknown form."),
            );
        };
        if !flow.allowed(&me) {
            return app.forbidden(&me);
        }
        let Ok(q) = Questionnaire::load(flow.questionnaire()) else {
            return app.fail(&me, StatusCode::INTERNAL_SERVER_ERROR, "questionnaire");
        };
        let base = format!("/q/{}", flow.id());
        match flow.load(&app, &me) {
            Some(a) => match form::next_open(&q, &a) {
                Some(n) => Redirect::to(&format!("{base}/s/{n}")).into_response(),
                None => Redirect::to(&format!("{base}/review")).into_response(),
            },
            None => {
                if let Err(e) = flow.save(&app, &me, &flow.prefill(&app)) {
                    return app.fail(
                        &me,
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &journey::message(&e),
                    );
                }
                Redirect::to(&format!("{base}/s/0")).into_response()
            }
        }
    })
    .await
}

#[allow(clippy::too_many_arguments)]
fn section_page(
    app: &App,
    me: &Me,
    flow: &Flow,
    q: &Questionnaire,
    n: usize,
    answers: &Value,
    errors: &BTreeMap<String, String>,
    notice: Option<String>,
) -> Response {
    let mut view = form::view(q, n, answers, errors);
    // Error links go to the first input of a group of options.
    let mut link_ids = BTreeMap::new();
    let all_fields = view.fields.iter().chain(
        view.group
            .iter()
            .flat_map(|g| g.entries.iter().flat_map(|e| e.fields.iter())),
    );
    for f in all_fields {
        let id = if matches!(f.kind, "choice" | "multi" | "bool") {
            format!("{}-1", f.id)
        } else {
            f.id.clone()
        };
        link_ids.insert(f.id.clone(), (id, f.prompt.clone()));
    }
    for e in &mut view.errors {
        if let Some((id, prompt)) = link_ids.get(&e.id) {
            e.message = format!("{prompt}: {}", e.message);
            e.id = id.clone();
        }
    }
    let base = format!("/q/{}", flow.id());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let prev = (0..n)
        .rev()
        .find(|i| form::applicable(q, &form::sections(q)[*i], answers))
        .unwrap_or(0);
    let clock = matches!(flow, Flow::Breach)
        .then(|| clock_line(answers))
        .flatten();
    let current = match flow {
        Flow::Photo => "/photo",
        Flow::Breach => "/q/breach",
        Flow::Assess(_) => "/assess",
    };
    app.page(
        me,
        status,
        "section.html",
        &flow.title(q),
        current,
        json!({
            "view": view,
            "questionnaire": format!("{} {}", q.id, q.version),
            "action": format!("{base}/s/{n}"),
            "back": format!("{base}/s/{prev}"),
            "notice": notice,
            "clock": clock,
        }),
    )
}

async fn section_get(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath((flow, n)): UrlPath<(String, usize)>,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        let Some(flow) = Flow::parse(&flow) else {
            return app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Okänt formulär.", "Unknown form."),
            );
        };
        if !flow.allowed(&me) {
            return app.forbidden(&me);
        }
        let Ok(q) = Questionnaire::load(flow.questionnaire()) else {
            return app.fail(&me, StatusCode::INTERNAL_SERVER_ERROR, "questionnaire");
        };
        if n >= form::sections(&q).len() {
            return app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Den delen finns inte.", "That part does not exist."),
            );
        }
        let answers = flow.load(&app, &me).unwrap_or_else(|| flow.prefill(&app));
        section_page(&app, &me, &flow, &q, n, &answers, &BTreeMap::new(), None)
    })
    .await
}

async fn section_post(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath((flow, n)): UrlPath<(String, usize)>,
    Form(pairs): Pairs,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        let Some(flow) = Flow::parse(&flow) else {
            return app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Okänt formulär.", "Unknown form."),
            );
        };
        if !flow.allowed(&me) {
            return app.forbidden(&me);
        }
        if !csrf_ok(&me, &pairs) {
            return app.csrf_refused(&me);
        }
        let Ok(q) = Questionnaire::load(flow.questionnaire()) else {
            return app.fail(&me, StatusCode::INTERNAL_SERVER_ERROR, "questionnaire");
        };
        let sections = form::sections(&q);
        if n >= sections.len() {
            return app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Den delen finns inte.", "That part does not exist."),
            );
        }
        let stored = flow.load(&app, &me).unwrap_or_else(|| flow.prefill(&app));
        let p = form::posted(&pairs);
        let mut merged = form::merge(&q, n, &stored, &p);
        let action = get1(&pairs, "action").to_string();
        if let Some(group) = sections[n].group.clone() {
            if action == "add" || action.starts_with("remove-") {
                let items = merged.get_mut(&group).and_then(|v| v.as_array_mut());
                if let Some(items) = items {
                    if action == "add" {
                        items.push(json!({}));
                    } else if let Ok(i) = action["remove-".len()..].parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                } else if action == "add" {
                    form::set(&mut merged, &group, json!([{}]));
                }
                return section_page(&app, &me, &flow, &q, n, &merged, &BTreeMap::new(), None);
            }
        }
        let shown = all_of(&pairs, "_shown");
        match form::check(&q, n, &merged, &shown) {
            Err(errors) => section_page(&app, &me, &flow, &q, n, &merged, &errors, None),
            Ok(valid) => {
                if let Err(e) = flow.save(&app, &me, &valid) {
                    return app.fail(
                        &me,
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &journey::message(&e),
                    );
                }
                if form::open_in(&q, &sections[n], &valid) {
                    let notice = t(
                        "Dina svar gör att fler frågor gäller här.",
                        "Your answers make more questions apply here.",
                    );
                    return section_page(
                        &app,
                        &me,
                        &flow,
                        &q,
                        n,
                        &valid,
                        &BTreeMap::new(),
                        Some(notice),
                    );
                }
                let base = format!("/q/{}", flow.id());
                let next =
                    (n + 1..sections.len()).find(|i| form::applicable(&q, &sections[*i], &valid));
                match next {
                    Some(i) => Redirect::to(&format!("{base}/s/{i}")).into_response(),
                    None => Redirect::to(&format!("{base}/review")).into_response(),
                }
            }
        }
    })
    .await
}

fn review_page(
    app: &App,
    me: &Me,
    flow: &Flow,
    q: &Questionnaire,
    answers: &Value,
    error: Option<(String, String)>,
) -> Response {
    let lines = form::review(q, answers);
    let base = format!("/q/{}", flow.id());
    let errors: Vec<Value> = error
        .iter()
        .map(|(f, m)| json!({"id": "", "message": format!("{}: {m}", if f.is_empty() { "–" } else { f })}))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut data = json!({"lines": lines, "base": base, "errors": errors});
    if let Some((f, _)) = &error {
        data["errors"][0]["id"] = json!("");
        data["fix"] = json!(format!("{base}/s/{}", form::section_of(q, f)));
        // The link leads to the part of the form that holds the field.
        data["errors"][0]["id"] = json!(format!("fix-{}", form::section_of(q, f)));
    }
    let current = match flow {
        Flow::Photo => "/photo",
        Flow::Breach => "/q/breach",
        Flow::Assess(_) => "/assess",
    };
    app.page(
        me,
        status,
        "review.html",
        &format!("{} – {}", flow.title(q), t("granska", "review")),
        current,
        data,
    )
}

async fn review_get(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath(flow): UrlPath<String>,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        let Some(flow) = Flow::parse(&flow) else {
            return app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Okänt formulär.", "Unknown form."),
            );
        };
        if !flow.allowed(&me) {
            return app.forbidden(&me);
        }
        let Ok(q) = Questionnaire::load(flow.questionnaire()) else {
            return app.fail(&me, StatusCode::INTERNAL_SERVER_ERROR, "questionnaire");
        };
        let answers = flow.load(&app, &me).unwrap_or_else(|| flow.prefill(&app));
        review_page(&app, &me, &flow, &q, &answers, None)
    })
    .await
}

async fn confirm(
    State(app): State<Arc<App>>,
    Extension(me): Extension<Me>,
    UrlPath(flow): UrlPath<String>,
    Form(pairs): Pairs,
) -> Response {
    let lang = me.session.lang;
    blocking(lang, move || {
        let Some(flow) = Flow::parse(&flow) else {
            return app.fail(
                &me,
                StatusCode::NOT_FOUND,
                &t("Okänt formulär.", "Unknown form."),
            );
        };
        if !flow.allowed(&me) {
            return app.forbidden(&me);
        }
        if !csrf_ok(&me, &pairs) {
            return app.csrf_refused(&me);
        }
        let Ok(q) = Questionnaire::load(flow.questionnaire()) else {
            return app.fail(&me, StatusCode::INTERNAL_SERVER_ERROR, "questionnaire");
        };
        let answers = flow.load(&app, &me).unwrap_or_else(|| flow.prefill(&app));
        let (valid, text) = match form::check_all(&q, &answers) {
            Ok(v) => v,
            Err(e) => return review_page(&app, &me, &flow, &q, &answers, Some(e)),
        };
        if let Flow::Photo = flow {
            let ch = valid
                .get("channel")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            if !me.user().is_some_and(|u| u.sees_account(ch)) {
                return app.forbidden(&me);
            }
        }
        let ws = app.ws_for(&me);
        let done = match &flow {
            Flow::Photo => journey::photo(&ws, &valid),
            Flow::Assess(id) => journey::assess(&ws, id, &text),
            Flow::Breach => journey::breach(&ws, &text),
        };
        match done {
            Ok(mut done) => {
                app.log(
                    &me,
                    &format!("{} decide", flow.questionnaire()),
                    &done.register_ref,
                );
                flow.forget(&app, &me);
                for p in &mut done.people {
                    let word = match p
                        .get("consent")
                        .and_then(|c| c.as_str())
                        .unwrap_or_default()
                    {
                        "valid" => t("giltigt samtycke", "valid consent"),
                        "missing" => t("samtycke saknas", "consent missing"),
                        "withdrawn" => t("samtycket återkallat", "consent withdrawn"),
                        "expired" => t("samtycket har gått ut", "consent expired"),
                        "out_of_scope" => t(
                            "samtycket täcker inte användningen",
                            "the consent does not cover the use",
                        ),
                        "not_yet_valid" => {
                            t("samtycket gäller inte än", "the consent is not yet valid")
                        }
                        "not_needed" => t("samtycke behövs inte", "no consent needed"),
                        other => other.to_string(),
                    };
                    p["consent_text"] = json!(word);
                }
                let clock = done
                    .deadline
                    .as_deref()
                    .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
                    .map(|d| {
                        let left = d.signed_duration_since(crate::clock::now());
                        format!(
                            "{} h {} min",
                            left.num_hours(),
                            (left.num_minutes() % 60).abs()
                        )
                    });
                let current = match flow {
                    Flow::Photo => "/photo",
                    Flow::Breach => "/q/breach",
                    Flow::Assess(_) => "/assess",
                };
                app.page(
                    &me,
                    StatusCode::OK,
                    "result.html",
                    &flow.title(&q),
                    current,
                    json!({"done": done, "clock": clock}),
                )
            }
            Err(e) => review_page(
                &app,
                &me,
                &flow,
                &q,
                &answers,
                Some((String::new(), journey::message(&e))),
            ),
        }
    })
    .await
}
