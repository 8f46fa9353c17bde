//! `dataskydd serve`: the same questionnaires, registers and signed records in a browser,
//! for the principals and colleagues who never open a terminal.
//!
//! A thin face like the command line: forms come from the questionnaire files
//! ([`form`]), finished answers go to the one journey ([`journey`]), people and roles are in
//! [`auth`]. Pages are rendered on the server (minijinja, HTML escaped by default) and work
//! without JavaScript; every asset is compiled into the binary. The web layer knows nothing
//! of the law.

pub mod auth;
pub mod form;
pub mod journey;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::error::{Error, IoContext, Result};
use crate::i18n::{t, Lang};
use crate::workspace::Workspace;
use auth::{Right, Role, Session, Sessions, User, Users};

/// Content-Security-Policy: nothing from anywhere but this server, no inline script or style.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("section.html", include_str!("templates/section.html")),
    ("review.html", include_str!("templates/review.html")),
    ("result.html", include_str!("templates/result.html")),
    ("error.html", include_str!("templates/error.html")),
    ("login.html", include_str!("templates/login.html")),
    ("home.html", include_str!("templates/home.html")),
    ("consents.html", include_str!("templates/consents.html")),
    (
        "consent_added.html",
        include_str!("templates/consent_added.html"),
    ),
    ("withdraw.html", include_str!("templates/withdraw.html")),
    ("takedown.html", include_str!("templates/takedown.html")),
    (
        "photo_start.html",
        include_str!("templates/photo_start.html"),
    ),
    (
        "photo_people.html",
        include_str!("templates/photo_people.html"),
    ),
    ("class.html", include_str!("templates/class.html")),
    ("assess.html", include_str!("templates/assess.html")),
    ("lists.html", include_str!("templates/lists.html")),
    ("records.html", include_str!("templates/records.html")),
    ("verify.html", include_str!("templates/verify.html")),
];

pub struct App {
    pub ws: Workspace,
    pub env: minijinja::Environment<'static>,
    pub sessions: Sessions,
    pub limiter: auth::Limiter,
    pub users: Users,
    /// No users configured, loopback only: everyone is the one local user.
    pub local: Option<User>,
    /// Loopback over plain http: the browser would drop a `Secure` cookie there.
    pub plain_loopback: bool,
}

/// Who is asking, as the gate found it.
#[derive(Clone)]
pub struct Me {
    pub sid: String,
    pub session: Session,
}

impl Me {
    pub fn user(&self) -> Option<&User> {
        self.session.user.as_ref()
    }
    pub fn may(&self, r: Right) -> bool {
        self.user().is_some_and(|u| u.role.may(r))
    }
}

fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    for (name, text) in TEMPLATES {
        env.add_template(name, text)
            .expect("the built-in templates parse");
    }
    env.add_function("t", |sv: String, en: String| -> String { t(&sv, &en) });
    env
}

/// Starts the server on the workspace and serves until interrupted.
pub fn serve(ws: Workspace, listen: SocketAddr) -> Result<i32> {
    let users = Users::load(&ws)?;
    let loopback = listen.ip().is_loopback();
    if !loopback && users.users.is_empty() {
        return Err(Error::Usage(t(
            &format!(
                "{listen} är ingen loopback-adress: lägg först till användare med `dataskydd user add NAMN --role rektor|dpo|communicator|admin` (utan användare lyssnar servern bara på 127.0.0.1)"
            ),
            &format!(
                "{listen} is not a loopback address: add users first with `dataskydd user add NAME --role rektor|dpo|communicator|admin` (without users the server listens on 127.0.0.1 only)"
            ),
        )));
    }
    // One server per workspace; the registers themselves are locked per append, exactly as
    // the command line locks them, so CLI and server can write side by side.
    let lock_path = ws.path("serve.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .at(&lock_path)?;
    if lock.try_lock().is_err() {
        return Err(Error::Usage(t(
            &format!(
                "en annan `dataskydd serve` arbetar redan på arbetsytan ({})",
                lock_path.display()
            ),
            &format!(
                "another `dataskydd serve` already works on this workspace ({})",
                lock_path.display()
            ),
        )));
    }
    let local = if users.users.is_empty() && users.proxy.is_none() {
        let signer = crate::cli::keys::cached_signer(&ws)?;
        Some(User {
            name: signer.name().to_string(),
            role: Role::Admin,
            accounts: Vec::new(),
            password: None,
            key: None,
            cert: None,
        })
    } else {
        None
    };
    let app = Arc::new(App {
        ws,
        env: environment(),
        sessions: Sessions::default(),
        limiter: auth::Limiter::default(),
        users,
        local,
        plain_loopback: loopback,
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(e.to_string()))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Error::Usage(format!("{listen}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Usage(e.to_string()))?;
        println!("http://{addr}/");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let router = pages::router(app.clone())
            .layer(axum::middleware::from_fn_with_state(app.clone(), gate));
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Error::Usage(e.to_string()))
    })?;
    drop(lock);
    Ok(0)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub const COOKIE: &str = "dataskydd_session";

impl App {
    pub fn session_cookie(&self, sid: &str) -> String {
        format!(
            "{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict{}",
            if self.plain_loopback { "" } else { "; Secure" }
        )
    }

    fn proxy_user(&self, peer: &SocketAddr, headers: &HeaderMap) -> Option<User> {
        let proxy = self.users.proxy.as_ref()?;
        if !proxy.from.contains(&peer.ip()) {
            return None;
        }
        let name = headers.get(proxy.header.as_str())?.to_str().ok()?;
        self.users.find(name.trim()).cloned()
    }
}

/// Every request passes here: finds the session (or the proxy's user, or the local user),
/// sends strangers to the login page, and sets the security headers on every answer.
async fn gate(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let mut new_cookie = None;
    let mut found =
        cookie(req.headers(), COOKIE).and_then(|sid| app.sessions.get(&sid).map(|s| (sid, s)));
    if let Some(user) = app.proxy_user(&peer, req.headers()) {
        let same = found
            .as_ref()
            .and_then(|(_, s)| s.user.as_ref())
            .is_some_and(|u| u.name == user.name);
        if !same {
            let lang = found.as_ref().map(|(_, s)| s.lang).unwrap_or_default();
            found = Some(app.sessions.create(Some(user), lang));
            new_cookie = found.as_ref().map(|(sid, _)| sid.clone());
        }
    }
    let (sid, session) = match found {
        Some(f) => f,
        None => {
            let f = app.sessions.create(app.local.clone(), Lang::Sv);
            new_cookie = Some(f.0.clone());
            f
        }
    };
    let public = path == "/login" || path.starts_with("/assets/") || path.starts_with("/lang/");
    let mut resp = if session.user.is_none() && !public {
        Redirect::to("/login").into_response()
    } else {
        req.extensions_mut().insert(Me { sid, session });
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(sid) = new_cookie {
        if !h.contains_key(header::SET_COOKIE) {
            if let Ok(v) = HeaderValue::from_str(&app.session_cookie(&sid)) {
                h.insert(header::SET_COOKIE, v);
            }
        }
    }
    resp
}

/// Runs page work (files, registers, signing) off the async threads, in the user's language.
pub async fn blocking<F>(lang: Lang, f: F) -> Response
where
    F: FnOnce() -> Response + Send + 'static,
{
    match tokio::task::spawn_blocking(move || crate::i18n::scoped(lang, f)).await {
        Ok(r) => r,
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
    }
}

/// A menu entry: link, the right it needs, label and description (Swedish, English).
type NavItem = (
    &'static str,
    Option<Right>,
    (&'static str, &'static str),
    (&'static str, &'static str),
);

impl App {
    /// The navigation for the user's role.
    fn nav(&self, me: &Me, current: &str) -> Vec<serde_json::Value> {
        let items: &[NavItem] = &[
            ("/", None, ("Start", "Start"), ("", "")),
            (
                "/photo",
                Some(Right::Photo),
                ("Bildbeslut", "Photo decision"),
                ("Får bilden publiceras?", "May the picture be published?"),
            ),
            (
                "/consents",
                Some(Right::Consents),
                ("Samtycken", "Consents"),
                (
                    "Registrera samtycke eller återkallelse",
                    "Register a consent or a withdrawal",
                ),
            ),
            (
                "/class",
                Some(Right::Photo),
                ("Klassöversikt", "Class overview"),
                (
                    "Vilka elever får synas var",
                    "Which pupils may appear where",
                ),
            ),
            (
                "/assess",
                Some(Right::Assess),
                ("Kontobedömning", "Account assessment"),
                (
                    "Ansvar, biträden, tredjeland",
                    "Controllers, processors, third countries",
                ),
            ),
            (
                "/q/breach",
                Some(Right::Breach),
                ("Incident", "Breach"),
                (
                    "Personuppgiftsincident och 72-timmarsfristen",
                    "Personal data breach and the 72-hour deadline",
                ),
            ),
            (
                "/lists",
                Some(Right::Lists),
                ("Listor", "Lists"),
                (
                    "Konton att bedöma, öppna incidenter, åtgärder",
                    "Accounts due, open breaches, actions",
                ),
            ),
            (
                "/records",
                Some(Right::Records),
                ("Handlingar", "Records"),
                ("Signerade PDF:er", "Signed PDFs"),
            ),
            (
                "/verify",
                Some(Right::Verify),
                ("Kontrollera", "Verify"),
                ("Kontrollera en signerad PDF", "Check a signed PDF"),
            ),
        ];
        items
            .iter()
            .filter(|(_, r, _, _)| r.is_none_or(|r| me.may(r)))
            .filter(|(href, _, _, _)| me.user().is_some() || *href == "/")
            .map(|(href, _, label, about)| {
                serde_json::json!({
                    "href": href,
                    "label": t(label.0, label.1),
                    "about": t(about.0, about.1),
                    "current": *href == current,
                })
            })
            .collect()
    }

    /// Renders a page: the template with the common parts (user, menu, CSRF token, language).
    pub fn page(
        &self,
        me: &Me,
        status: StatusCode,
        template: &str,
        title: &str,
        current: &str,
        mut data: serde_json::Value,
    ) -> Response {
        if !data.is_object() {
            data = serde_json::json!({});
        }
        let obj = data.as_object_mut().expect("object");
        obj.insert("title".into(), title.into());
        obj.insert("lang".into(), crate::i18n::current().code().into());
        obj.insert("csrf".into(), me.session.csrf.clone().into());
        obj.insert(
            "org".into(),
            self.ws.config.organisation.name.clone().into(),
        );
        obj.insert("nav".into(), self.nav(me, current).into());
        obj.insert("can_logout".into(), self.local.is_none().into());
        if let Some(u) = me.user() {
            obj.insert(
                "user".into(),
                serde_json::json!({ "name": u.name, "role": u.role.title() }),
            );
        }
        let html = self
            .env
            .get_template(template)
            .and_then(|tpl| tpl.render(minijinja::Value::from_serialize(&data)));
        match html {
            Ok(h) => (status, Html(h)).into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("template {template}: {e}"),
            )
                .into_response(),
        }
    }

    pub fn fail(&self, me: &Me, status: StatusCode, message: &str) -> Response {
        let title = match status {
            StatusCode::FORBIDDEN => t("Åtkomst nekad", "Access denied"),
            StatusCode::NOT_FOUND => t("Finns inte", "Not found"),
            StatusCode::TOO_MANY_REQUESTS => t("För många försök", "Too many attempts"),
            _ => t("Det gick inte", "That did not work"),
        };
        self.page(
            me,
            status,
            "error.html",
            &title,
            "",
            serde_json::json!({ "message": message }),
        )
    }

    pub fn forbidden(&self, me: &Me) -> Response {
        self.fail(
            me,
            StatusCode::FORBIDDEN,
            &t(
                "Din roll ger inte tillgång till den här sidan.",
                "Your role does not give access to this page.",
            ),
        )
    }

    pub fn csrf_refused(&self, me: &Me) -> Response {
        self.fail(
            me,
            StatusCode::FORBIDDEN,
            &t(
                "Formuläret saknade en giltig säkerhetskod (CSRF). Ladda om sidan och försök igen.",
                "The form lacked a valid security token (CSRF). Reload the page and try again.",
            ),
        )
    }

    /// The workspace as this user works in it (records signed with the user's own key).
    pub fn ws_for(&self, me: &Me) -> Workspace {
        match me.user() {
            Some(u) => auth::workspace_for(&self.ws, u),
            None => self.ws.clone(),
        }
    }

    /// Logs a write with the user who made it.
    pub fn log(&self, me: &Me, action: &str, reference: &str) {
        if let Some(u) = me.user() {
            if let Err(e) = journey::log_write(&self.ws, &u.name, u.role.name(), action, reference)
            {
                eprintln!("dataskydd serve: web-log.csv: {e}");
            }
        }
    }
}
