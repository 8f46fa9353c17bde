//! `dataskydd serve` in a real browser: the binary serves on a free loopback port and
//! headless Chromium drives it over WebDriver (one chromedriver for all scenarios). axe-core
//! checks every page for WCAG 2.1 A/AA violations; a loop of CLI writes runs meanwhile.
//!
//! Needs `chromium`, `chromedriver`, `pdfsig` and axe-core (`AXE_JS`, default
//! `target/axe/package/axe.min.js`, which `.ci/run` fetches with `npm pack`). A missing tool
//! fails the test: it never passes silently.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::test::{Workspace, BIN, NOW};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `dataskydd serve` on a free loopback port; returns the process and its base URL.
fn serve(ws: &Path) -> (Killed, String) {
    let mut child = Command::new(BIN)
        .args([
            "--workspace",
            ws.to_str().unwrap(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("DATASKYDD_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("dataskydd serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("http://127.0.0.1:"),
        "serve printed {line:?}"
    );
    (Killed(child), line.trim().trim_end_matches('/').to_string())
}

fn chromedriver() -> (Killed, u16) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (Debian chromium-driver; .ci/run installs it)");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (Killed(child), port)
}

fn axe_source() -> String {
    let path = std::env::var("AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe/package/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "axe-core not found at {} (run .ci/run, or: cd target/axe && npm pack axe-core@4.11.0 && tar xzf axe-core-4.11.0.tgz)",
            path.display()
        )
    })
}

struct B {
    c: Client,
    base: String,
    axe: String,
    shots: PathBuf,
    checked: Vec<String>,
}

impl B {
    async fn go(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    async fn text(&self) -> String {
        for _ in 0..50 {
            if let Ok(v) = self
                .c
                .execute(
                    "return document.readyState === 'complete' ? document.body.innerText : null;",
                    vec![],
                )
                .await
            {
                if let Some(s) = v.as_str() {
                    return s.to_string();
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page did not load");
    }

    async fn source(&self) -> String {
        self.c.source().await.unwrap()
    }

    async fn path(&self) -> String {
        self.c.current_url().await.unwrap().path().to_string()
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.c.execute(script, args).await.unwrap()
    }

    /// Sets a text-like input by name, or ticks the radio or box with that value.
    async fn answer(&self, name: &str, value: &str) -> bool {
        self.js(
            r#"const [n, v] = arguments;
               const box = [...document.getElementsByName(n)].find(e => (e.type === 'radio' || e.type === 'checkbox') && e.value === v);
               if (box) { box.checked = true; return true; }
               const el = [...document.getElementsByName(n)].find(e => e.type !== 'hidden');
               if (el) { el.value = v; return true; }
               return false;"#,
            vec![json!(name), json!(value)],
        )
        .await
        .as_bool()
        .unwrap_or(false)
    }

    /// Ticks the first option of every group of options left unanswered (the questionnaire's
    /// defaults are ticked already).
    async fn first_options(&self) {
        self.js(
            r#"const groups = {};
               for (const e of document.querySelectorAll('input[type=radio], input[type=checkbox]')) (groups[e.name] ||= []).push(e);
               for (const g of Object.values(groups)) if (!g.some(e => e.checked)) g[0].checked = true;"#,
            vec![],
        )
        .await;
    }

    /// Clicks (every click here submits a form or follows a link) and waits for the next page.
    async fn click(&self, css: &str) {
        self.c
            .execute("window.__before = true;", vec![])
            .await
            .unwrap();
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no element {css}"))
            .click()
            .await
            .unwrap();
        self.wait_new_page().await;
    }

    async fn wait_new_page(&self) {
        for _ in 0..200 {
            let done = self
                .c
                .execute(
                    "return window.__before === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if done {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no new page after the click");
    }

    async fn submit_next(&self) {
        self.click("button[value=next]").await;
    }

    /// axe-core on the page: no violations of the WCAG 2.1 A and AA rules. And a screenshot.
    async fn check(&mut self, name: &str) {
        let r = self
            .c
            .execute_async(
                &format!(
                    "{}\nconst done = arguments[arguments.length - 1];\n\
                     axe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }})\
                     .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))))\
                     .catch(e => done(['axe failed: ' + e]));",
                    self.axe
                ),
                vec![],
            )
            .await
            .unwrap();
        let violations: Vec<String> = serde_json::from_value(r).unwrap();
        assert!(
            violations.is_empty(),
            "axe on {name} ({}): {violations:#?}",
            self.path().await
        );
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
        self.checked.push(name.to_string());
    }

    async fn login(&mut self, name: &str, password: &str) {
        self.go("/login").await;
        self.answer("name", name).await;
        self.answer("password", password).await;
        self.click("main button[type=submit]").await;
        assert_eq!(self.path().await, "/", "{}", self.text().await);
    }

    async fn logout(&self) {
        self.click("header form button").await;
    }

    /// Fills every section of a questionnaire with `answers` (and defaults) up to the review.
    async fn fill_to_review(&mut self, answers: &[(&str, &str)], shot: &str) {
        for round in 0..20 {
            let path = self.path().await;
            if path.ends_with("/review") {
                return;
            }
            for (n, v) in answers {
                self.answer(n, v).await;
            }
            self.first_options().await;
            if round == 0 {
                self.check(shot).await;
            }
            self.submit_next().await;
            let body = self.text().await;
            assert!(
                !body.contains("Rätta följande"),
                "the form refused the answers at {path}: {body}"
            );
        }
        panic!("never reached the review");
    }

    /// Fetches a link's target within the browser session (the download a user makes).
    async fn download(&self, css: &str, to: &Path) {
        let href = self
            .c
            .find(Locator::Css(css))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let b64 = self
            .c
            .execute_async(
                "const [u, done] = arguments; fetch(u).then(r => r.arrayBuffer()).then(b => { let s = ''; const a = new Uint8Array(b); for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); done(btoa(s)); });",
                vec![json!(href)],
            )
            .await
            .unwrap();
        let bytes = decode_b64(b64.as_str().unwrap());
        std::fs::write(to, bytes).unwrap();
    }
}

fn decode_b64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let v: Vec<u32> = chunk.iter().map(|c| val(*c) as u32).collect();
        let n = v
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn pdfsig_valid(pdf: &Path) {
    let out = Command::new("pdfsig")
        .arg(pdf)
        .output()
        .expect("pdfsig is installed (poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Signature is Valid.") && text.contains("Total document signed"),
        "pdfsig on {}: {text}",
        pdf.display()
    );
}

fn setup() -> Workspace {
    let ws = Workspace::new();
    // A6: the assessment checks the owner against the organisation's committees.
    ws.run(&["org", "add-committee", "Barn- och utbildningsnämnden"])
        .ok();
    ws.run(&[
        "account",
        "add",
        "skola-ig",
        "--platform",
        "instagram",
        "--owner",
        "Barn- och utbildningsnämnden",
        "--admins",
        "2",
        "--url",
        "https://www.instagram.com/skolan",
    ])
    .ok();
    ws.run(&[
        "account",
        "add",
        "soc-fb",
        "--platform",
        "facebook_page",
        "--owner",
        "Socialnämnden",
        "--admins",
        "2",
    ])
    .ok();
    ws.cmd(&[
        "user",
        "add",
        "Anna Rektor",
        "--role",
        "rektor",
        "--accounts",
        "skola-ig",
        "--password-stdin",
    ])
    .stdin("rektorns-losen-1")
    .run()
    .code(0);
    ws.cmd(&[
        "user",
        "add",
        "Dora DSO",
        "--role",
        "dpo",
        "--password-stdin",
    ])
    .stdin("dso-losenord-22")
    .run()
    .code(0);
    ws
}

/// A bounded loop of CLI writes to the same registers while the browser works.
fn cli_writes(ws: PathBuf, n: usize) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for i in 0..n {
            let subject = format!("cli-{i:03}");
            let out = Command::new(BIN)
                .args([
                    "--workspace",
                    ws.to_str().unwrap(),
                    "consent",
                    "add",
                    "--subject",
                    &subject,
                    "--role",
                    "pupil",
                    "--birth-year",
                    "2015",
                    "--given-by",
                    "guardian",
                    "--giver",
                    "VH",
                    "--purpose",
                    "event",
                    "--channel",
                    "soc-fb",
                    "--valid-from",
                    "2026-08-17",
                    "--valid-until",
                    "2027-06-15",
                    "--evidence",
                    "Dnr 9",
                ])
                .env("DATASKYDD_NOW", NOW)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    })
}

#[test]
fn principal_and_dpo_in_a_real_browser() {
    let axe = axe_source();
    let ws = setup();
    let (_server, base) = serve(ws.path());
    let (_driver, port) = chromedriver();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    const CLI_ROWS: usize = 15;
    let writer = cli_writes(ws.path().to_path_buf(), CLI_ROWS);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000", "--lang=sv-SE"]}),
        );
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("chromedriver gives a session");
        let mut b = B { c, base: base.clone(), axe, shots: shots.clone(), checked: Vec::new() };

        // Strangers are sent to the login page.
        b.go("/consents").await;
        assert_eq!(b.path().await, "/login");
        b.check("login").await;
        // Keyboard: the first Tab reaches the skip link, which is visible when focused.
        b.c.find(Locator::Css("body")).await.unwrap().send_keys("\u{e004}").await.unwrap();
        let focused = b.js("return document.activeElement.className + ' ' + getComputedStyle(document.activeElement).left;", vec![]).await;
        assert!(focused.as_str().unwrap_or_default().starts_with("skip 16px"), "{focused}");

        // The principal registers a consent; her answer with HTML in it comes back escaped.
        b.login("Anna Rektor", "rektorns-losen-1").await;
        b.check("home-rektor").await;
        b.go("/consents").await;
        b.check("consents").await;
        for (n, v) in [
            ("subject", "elev-0042"), ("role", "pupil"), ("birth_year", "2014"),
            ("given_by", "guardian"), ("giver", "<b>Vårdnadshavare 1</b>"),
            ("purpose", "inform_activity"), ("channel", "skola-ig"),
            ("valid_from", "2026-08-17"), ("valid_until", "2027-06-15"),
            ("evidence", "Dnr BUN 2026/118"),
        ] {
            assert!(b.answer(n, v).await, "field {n}");
        }
        // Without its CSRF token the same form is refused.
        b.js("window.__before = true; const f = document.querySelector('form[action=\"/consents\"]'); const c = f.querySelector('input[name=csrf]'); c.remove(); f.submit();", vec![]).await;
        b.wait_new_page().await;
        let body = b.text().await;
        assert!(body.contains("CSRF"), "{body}");
        b.go("/consents").await;
        assert!(b.text().await.contains("Inga samtycken registrerade"), "the refused form stored nothing");
        for (n, v) in [
            ("subject", "elev-0042"), ("role", "pupil"), ("birth_year", "2014"),
            ("given_by", "guardian"), ("giver", "<b>Vårdnadshavare 1</b>"),
            ("purpose", "inform_activity"), ("channel", "skola-ig"),
            ("valid_from", "2026-08-17"), ("valid_until", "2027-06-15"),
            ("evidence", "Dnr BUN 2026/118"),
        ] {
            b.answer(n, v).await;
        }
        b.click("form[action='/consents'] button[type=submit]").await;
        let body = b.text().await;
        assert!(body.contains("Samtycket är registrerat"), "{body}");
        b.check("consent-added").await;
        let receipt = shots.join("receipt.pdf");
        b.download("a[download]", &receipt).await;
        pdfsig_valid(&receipt);

        // A bad consent gets the register's messages, linked to the fields.
        b.go("/consents").await;
        b.answer("birth_year", "tjugo").await;
        b.click("form[action='/consents'] button[type=submit]").await;
        let body = b.text().await;
        assert!(body.contains("Rätta följande"), "{body}");
        b.check("consent-errors").await;

        // Photo decision: channel, then the people with their consent status, then the questions.
        b.go("/photo").await;
        b.check("photo-channel").await;
        b.click("main form button").await;
        let body = b.text().await;
        assert!(body.contains("elev-0042") && body.contains("giltigt"), "{body}");
        b.check("photo-people").await;
        b.answer("person", "elev-0042").await;
        b.click("main form button").await;
        let photo_answers = [
            ("description", "Skolavslutningen i aulan"), ("purpose", "inform_activity"),
            ("in_focus", "true"), ("reveals_sensitive", "false"), ("reveals_confidential", "false"),
            ("people[0].protected_identity", "false"),
        ];
        b.fill_to_review(&photo_answers, "photo-questions").await;
        b.check("photo-review").await;
        b.click("form[action$='/confirm'] button").await;
        let body = b.text().await;
        assert!(body.contains("Får publiceras"), "{body}");
        assert!(!body.contains("Får inte publiceras"), "{body}");
        b.check("photo-allowed").await;
        let decision = shots.join("photo.pdf");
        b.download("a[download]", &decision).await;
        pdfsig_valid(&decision);

        // The same picture for marketing: not allowed, and the reason is shown.
        b.go("/photo").await;
        b.click("main form button").await;
        b.answer("person", "elev-0042").await;
        b.click("main form button").await;
        let mut marketing = photo_answers.to_vec();
        marketing[1] = ("purpose", "marketing");
        b.fill_to_review(&marketing, "photo-questions-2").await;
        b.click("form[action$='/confirm'] button").await;
        let body = b.text().await;
        assert!(body.contains("Får inte publiceras"), "{body}");
        assert!(body.contains("Skäl och källor") && body.contains("GDPR"), "{body}");
        b.check("photo-not-allowed").await;

        // Withdrawal: the giver's HTML is shown as text; the take-down list names the post.
        b.go("/consents").await;
        b.click("main table a[href$='/withdraw']").await;
        let src = b.source().await;
        assert!(src.contains("&lt;b&gt;Vårdnadshavare 1&lt;/b&gt;"), "escaped");
        assert!(!src.contains("<b>Vårdnadshavare"), "not markup");
        b.check("withdraw").await;
        b.answer("via", "e-post från vårdnadshavare").await;
        b.click("main form button").await;
        let body = b.text().await;
        assert!(body.contains("Att ta ner") && body.contains("skola-ig") && body.contains("p-"), "{body}");
        b.check("takedown").await;

        // The class overview from a class list as Swedish Excel saves it (semicolons,
        // Windows-1252, Swedish column names).
        let list = shots.join("3a.csv");
        std::fs::write(&list, b"Elev;Klass\r\nelev-0042;3A\r\nelev-0043;3A\r\n;\r\n").unwrap();
        b.go("/class").await;
        b.c.find(Locator::Css("#f-file")).await.unwrap().send_keys(list.to_str().unwrap()).await.unwrap();
        b.click("form[enctype] button").await;
        b.click("form[method=get] button").await;
        let body = b.text().await;
        assert!(body.contains("elev-0043") && body.contains("saknas"), "{body}");
        b.check("class").await;

        // The principal is refused the DPO's pages.
        b.go("/q/breach").await;
        assert!(b.text().await.contains("Åtkomst nekad"));
        b.check("forbidden").await;
        b.go("/assess").await;
        assert!(b.text().await.contains("Åtkomst nekad"));
        b.logout().await;

        // The DPO assesses an account and downloads the signed record.
        b.login("Dora DSO", "dso-losenord-22").await;
        b.go("/assess").await;
        b.check("assess-list").await;
        b.click("a[href='/q/assess.skola-ig']").await;
        b.fill_to_review(&[], "assess-questions").await;
        b.click("form[action$='/confirm'] button").await;
        let body = b.text().await;
        assert!(body.contains("Bedömning av kontot skola-ig") && body.contains("Personuppgiftsansvarig"), "{body}");
        b.check("assess-result").await;
        let record = shots.join("assessment.pdf");
        b.download("a[download]", &record).await;
        pdfsig_valid(&record);
        // Signed with the DPO's own key, not the workspace's.
        let v = Command::new(BIN).args(["verify", record.to_str().unwrap()]).output().unwrap();
        assert!(String::from_utf8_lossy(&v.stdout).contains("Dora DSO"), "{}", String::from_utf8_lossy(&v.stdout));

        // A breach with the running 72-hour clock.
        b.go("/q/breach").await;
        b.fill_to_review(
            &[("account", "soc-fb"), ("what", "own_post_error"), ("categories", "confidential"),
              ("subjects", "3"), ("published_at", "2026-11-20T08:00"), ("aware_at", "2026-11-20T09:30"),
              ("removed_at", "2026-11-20T09:45"), ("assessed_at", "2026-11-20T10:00")],
            "breach-questions",
        )
        .await;
        b.click("form[action$='/confirm'] button").await;
        let body = b.text().await;
        assert!(body.contains("Incident b-2026-"), "{body}");
        b.check("breach-result").await;
        b.go("/lists").await;
        b.check("lists").await;
        b.go("/records").await;
        b.check("records").await;
        b.go("/verify").await;
        b.c.find(Locator::Css("#f-pdf")).await.unwrap().send_keys(record.to_str().unwrap()).await.unwrap();
        b.click("main form button").await;
        assert!(b.text().await.contains("Signaturen är giltig"));
        b.check("verify").await;
        // English by choice.
        b.go("/lang/en").await;
        assert!(b.text().await.contains("Choose what to do"));
        b.check("home-en").await;
        b.c.close().await.unwrap();
        eprintln!("axe clean and screenshot taken: {:?}", b.checked);
    });

    writer.join().unwrap();
    // Nothing lost: every CLI row and every browser row is there, and the chains hold.
    let list = ws.run(&["consent", "list", "--json"]).ok().json();
    let consents = list["consents"].as_array().unwrap();
    assert_eq!(consents.len(), CLI_ROWS + 1, "{list}");
    ws.run(&["consent", "verify"]).code(0);
    ws.run(&["verify-registers"]).code(0);
    let log = ws.read("web-log.csv");
    assert!(
        log.contains("Anna Rektor") && log.contains("consent withdraw"),
        "{log}"
    );
    assert!(
        ws.read("consents.csv").contains("Anna Rektor"),
        "the withdrawal row names who registered it"
    );
}

#[test]
fn serve_refuses_an_open_address_without_users() {
    let ws = Workspace::new();
    ws.run(&["serve", "--listen", "0.0.0.0:0"])
        .code(2)
        .stderr_has("dataskydd user add");
}

#[test]
fn user_add_refuses_a_short_password_and_an_unknown_account() {
    let ws = Workspace::new();
    ws.cmd(&["user", "add", "Kim", "--role", "dpo", "--password-stdin"])
        .stdin("kort")
        .run()
        .code(2)
        .stderr_has("minst 10 tecken");
    ws.cmd(&[
        "user",
        "add",
        "Kim",
        "--role",
        "rektor",
        "--accounts",
        "finns-inte",
        "--password-stdin",
    ])
    .stdin("tillrackligt-langt")
    .run()
    .code(2)
    .stderr_has("finns-inte");
    let users = ws.run(&["user", "list", "--json"]).ok().json();
    assert_eq!(users["users"].as_array().unwrap().len(), 0);
}

/// One HTTP/1.1 request over a plain socket: (status line and headers, body).
fn http(base: &str, method: &str, path: &str, cookie: &str, body: &str) -> (String, String) {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (head.to_string(), body.to_string())
}

#[test]
fn login_is_rate_limited_and_pages_carry_a_strict_csp() {
    let ws = setup();
    let (_server, base) = serve(ws.path());
    let (head, body) = http(&base, "GET", "/login", "", "");
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    assert!(head.contains("HttpOnly; SameSite=Strict"), "{head}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let csrf = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    for i in 0..5 {
        let (head, _) = http(
            &base,
            "POST",
            "/login",
            &cookie,
            &format!("csrf={csrf}&name=Dora+DSO&password=fel-{i}"),
        );
        assert!(head.starts_with("HTTP/1.1 401"), "{head}");
    }
    // The right password is refused too while the address is over the limit.
    let (head, body) = http(
        &base,
        "POST",
        "/login",
        &cookie,
        &format!("csrf={csrf}&name=Dora+DSO&password=dso-losenord-22"),
    );
    assert!(head.starts_with("HTTP/1.1 429"), "{head}");
    assert!(
        body.contains("För många misslyckade inloggningar"),
        "{body}"
    );
    // Without the token the login form is refused.
    let (head, _) = http(&base, "POST", "/login", &cookie, "name=Dora+DSO&password=x");
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
}

#[test]
fn a_trusted_proxy_header_signs_in_only_from_the_proxy_address() {
    let ws = setup();
    let users = ws.read("users.toml");
    ws.write(
        "users.toml",
        &format!("{users}\n[proxy]\nheader = \"X-Remote-User\"\nfrom = [\"127.0.0.1\"]\n"),
    );
    let (_server, base) = serve(ws.path());
    let get = |header: &str| {
        use std::io::{Read, Write};
        let host = base.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).unwrap();
        write!(
            s,
            "GET /lists HTTP/1.1\r\nHost: {host}\r\n{header}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let out = get("X-Remote-User: Dora DSO\r\n");
    assert!(
        out.starts_with("HTTP/1.1 200") && out.contains("Dora DSO"),
        "{out}"
    );
    // A name the users file does not hold is nobody.
    assert!(get("X-Remote-User: Mallory\r\n").starts_with("HTTP/1.1 303"));
    // The principal through the proxy is refused the DPO's lists.
    assert!(get("X-Remote-User: Anna Rektor\r\n").starts_with("HTTP/1.1 403"));
}
