//! A tiny builder that runs the real binary, after `casey/just`'s test harness.
//!
//! ```ignore
//! let ws = Workspace::new();                      // a temp folder, `dataskydd init` run in it
//! ws.run(&["account", "add", "x-1", "--platform", "x", "--owner", "KS"]).ok();
//! let out = ws.run(&["account", "list", "--json"]).ok();
//! assert_eq!(out.json()["accounts"][0]["id"], "x-1");
//! ws.run(&["account", "show", "nope"]).code(2).stderr_has("nope");
//! ```

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_dataskydd");
/// Fixed clock for reproducible registers and documents.
pub const NOW: &str = "2026-11-20T10:00:00+01:00";

pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    /// An initialised workspace (`dataskydd init --org "Testkommun"`).
    pub fn new() -> Workspace {
        Self::with_preset("gdpr")
    }

    pub fn with_preset(preset: &str) -> Workspace {
        let ws = Self::empty();
        ws.run(&["init", "--org", "Testkommun", "--preset", preset])
            .ok();
        ws
    }

    /// A temp folder with nothing in it.
    pub fn empty() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.file(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).run()
    }

    /// A command to adjust (stdin, env) before running.
    pub fn cmd(&self, args: &[&str]) -> Run {
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            dir: self.path().to_path_buf(),
            stdin: None,
            env: vec![("DATASKYDD_NOW".into(), NOW.into())],
        }
    }
}

pub struct Run {
    args: Vec<String>,
    dir: PathBuf,
    stdin: Option<String>,
    env: Vec<(String, String)>,
}

impl Run {
    pub fn stdin(mut self, s: &str) -> Run {
        self.stdin = Some(s.to_string());
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Run {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn run(self) -> Output {
        let mut c = Command::new(BIN);
        c.args(&self.args)
            .current_dir(&self.dir)
            .env_remove("DATASKYDD_WORKSPACE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            c.env(k, v);
        }
        let mut child = c.spawn().expect("run dataskydd");
        {
            let mut stdin = child.stdin.take().unwrap();
            if let Some(s) = &self.stdin {
                stdin.write_all(s.as_bytes()).unwrap();
            }
        }
        let out = child.wait_with_output().unwrap();
        Output {
            args: self.args,
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

#[derive(Debug)]
pub struct Output {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts exit 0.
    pub fn ok(self) -> Output {
        self.code(0)
    }

    pub fn code(self, code: i32) -> Output {
        assert_eq!(
            self.code, code,
            "dataskydd {:?} exited {} (expected {code})\nstdout:\n{}\nstderr:\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self
    }

    pub fn stdout_has(self, s: &str) -> Output {
        assert!(
            self.stdout.contains(s),
            "stdout lacks {s:?}:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn stderr_has(self, s: &str) -> Output {
        assert!(
            self.stderr.contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Parses stdout as exactly one JSON object.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{}", self.stdout))
    }
}

/// Runs an external tool nobody here wrote; fails with the install hint if it is missing.
pub fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is needed for this test ({e}): apt-get install -y poppler-utils qpdf")
    })
}

/// The real binary on a real terminal: a tmux session that tests type into and read.
pub struct Terminal {
    session: String,
}

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("tmux is needed for this test ({e}): apt-get install -y tmux"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Terminal {
    /// Starts `dataskydd ARGS` in the workspace with the clock at `now`; the screen shows
    /// `EXIT=<code>` when it ends.
    pub fn start(ws: &Workspace, now: &str, args: &str) -> Terminal {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let session = format!("dataskydd-test-{}-{n}", std::process::id());
        let script = format!(
            "cd '{}' && DATASKYDD_NOW={now} '{BIN}' {args}; echo EXIT=$?; sleep 60",
            ws.path().display()
        );
        tmux(&[
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "200",
            "-y",
            "50",
            &script,
        ]);
        Terminal { session }
    }

    pub fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.session])
    }

    /// Sends keys by name (`Enter`, `Down`, `Space`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(keys);
        tmux(&args);
    }

    /// Types text literally.
    pub fn text(&self, s: &str) {
        tmux(&["send-keys", "-t", &self.session, "-l", s]);
    }

    /// Polls the screen, letting `step` answer what it shows, until the program exits;
    /// returns every screen seen.
    pub fn run(&self, mut step: impl FnMut(&Terminal, &str)) -> Vec<String> {
        let mut screens = Vec::new();
        for _ in 0..160 {
            std::thread::sleep(std::time::Duration::from_millis(250));
            let screen = self.screen();
            let done = screen.contains("EXIT=");
            screens.push(screen);
            if done {
                break;
            }
            step(self, screens.last().unwrap());
        }
        screens
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.session]);
    }
}
