//! A minimal WebDriver client: chromedriver started on a free port, one headless Chromium
//! session on it, and the handful of commands the browser tests use, spoken as JSON over
//! HTTP/1.1 (one connection a request). Dropping the `Browser` ends the session, stops
//! chromedriver and Chromium and removes the profile directory, on success and on panic.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key under which WebDriver hands out an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Chromium's flags: headless, and nothing that talks to the network by itself.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// How long one HTTP exchange may take before the test fails instead of hanging.
const HTTP_TIMEOUT: Duration = Duration::from_secs(120);

/// One HTTP/1.1 request with a JSON body (or none); the status and the body's text.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, HTTP_TIMEOUT)?;
    stream.set_read_timeout(Some(HTTP_TIMEOUT))?;
    stream.set_write_timeout(Some(HTTP_TIMEOUT))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // Read the head, then as much body as it announces: chromedriver keeps the connection
    // open whatever the request says, so the end of the stream cannot mark the end.
    let mut raw = Vec::new();
    let mut buffer = [0; 16 * 1024];
    let (head, split) = loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&raw[..split]).into_owned(), split);
        }
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Err(io::Error::other(
                "the connection closed before the answer's head",
            ));
        }
        raw.extend_from_slice(&buffer[..n]);
    };
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_ascii_lowercase())
        })
    };
    let length: Option<usize> = header("content-length").and_then(|v| v.parse().ok());
    let chunked = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    loop {
        let body = &raw[split + 4..];
        let complete = match length {
            Some(n) => body.len() >= n,
            None => chunked && body.ends_with(b"0\r\n\r\n"),
        };
        if complete {
            break;
        }
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buffer[..n]);
    }
    let mut rest = &raw[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("no status in {head:?}")))?;
    let mut text = Vec::new();
    if chunked {
        // Sizes in hex, each chunk followed by CRLF, a zero size at the end.
        loop {
            let eol = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or_else(|| io::Error::other("a chunk without its size line"))?;
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16)
                .map_err(io::Error::other)?;
            if size == 0 {
                break;
            }
            let chunk = rest
                .get(eol + 2..eol + 2 + size)
                .ok_or_else(|| io::Error::other("a chunk cut short"))?;
            text.extend_from_slice(chunk);
            rest = &rest[(eol + 4 + size).min(rest.len())..];
        }
    } else {
        text.extend_from_slice(&rest[..length.unwrap_or(rest.len()).min(rest.len())]);
    }
    Ok((status, String::from_utf8_lossy(&text).into_owned()))
}

/// A port nobody listens on now (the OS's pick; free again once the probe is dropped).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// A profile directory of its own for each browser this process starts.
fn fresh_profile() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tapegrad-browser-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a profile directory");
    dir
}

/// A headless Chromium driven through chromedriver.
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: Option<String>,
    profile: PathBuf,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("driver", &self.addr)
            .field("session", &self.session)
            .finish()
    }
}

/// An element the page holds, by its WebDriver reference.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver (from `CHROMEDRIVER`, else `chromedriver` on the PATH) on a free
    /// port and a browser session (Chromium from `CHROMIUM`, else `/usr/bin/chromium`) with a
    /// window of `width` × `height` CSS pixels.
    ///
    /// # Panics
    ///
    /// If chromedriver cannot be started or does not become ready within 30 s, or the session
    /// is refused.
    pub fn start(width: u32, height: u32) -> Browser {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let mut command = Command::new(&program);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so that the browsers it starts can be stopped with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start {program} ({e}): the browser tests need Debian's chromium and \
                 chromium-driver (apt-get install chromium chromium-driver)"
            )
        });
        let mut browser = Browser {
            driver,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            session: None,
            profile: fresh_profile(),
        };
        browser.wait_ready(Duration::from_secs(30));
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", browser.profile.display()));
        args.push(format!("--window-size={width},{height}"));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        } } });
        let answer = browser
            .command("POST", "/session", Some(capabilities))
            .unwrap_or_else(|e| panic!("chromedriver refused a session: {e}"));
        browser.session = Some(
            answer["sessionId"]
                .as_str()
                .expect("a session id")
                .to_string(),
        );
        browser
    }

    fn wait_ready(&mut self, limit: Duration) {
        let start = Instant::now();
        loop {
            let ready = self.command("GET", "/status", None);
            if ready.is_ok_and(|status| status["ready"] == true) {
                return;
            }
            if let Ok(Some(exit)) = self.driver.try_wait() {
                panic!("chromedriver exited at start: {exit}");
            }
            assert!(
                start.elapsed() < limit,
                "chromedriver was not ready after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One WebDriver command; its `value`, or the driver's error and message.
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let text = body.map(|b| b.to_string());
        let (status, answer) = http(self.addr, method, path, text.as_deref())
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let json: Value = serde_json::from_str(&answer)
            .map_err(|e| format!("{method} {path}: {e} in {answer:?}"))?;
        let value = json["value"].clone();
        if status == 200 {
            Ok(value)
        } else {
            Err(format!(
                "{method} {path}: {status} {}: {}",
                value["error"].as_str().unwrap_or("?"),
                value["message"].as_str().unwrap_or(&answer)
            ))
        }
    }

    /// A command on this session.
    fn session_command(
        &self,
        method: &str,
        rest: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let id = self.session.as_deref().expect("a session");
        self.command(method, &format!("/session/{id}{rest}"), body)
    }

    fn must(&self, method: &str, rest: &str, body: Option<Value>) -> Value {
        self.session_command(method, rest, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Loads `url` and waits for its load event.
    pub fn goto(&self, url: &str) {
        self.must("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page; what it returns.
    ///
    /// # Panics
    ///
    /// If the script throws.
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.try_js(script, args)
            .unwrap_or_else(|e| panic!("{e}\nin the script: {script}"))
    }

    /// Runs `script` in the page; what it returns, or what it threw.
    pub fn try_js(&self, script: &str, args: Value) -> Result<Value, String> {
        self.session_command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The first element `selector` (CSS) finds.
    ///
    /// # Panics
    ///
    /// If none matches.
    pub fn find(&self, selector: &str) -> Element {
        let answer = self
            .session_command(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": selector })),
            )
            .unwrap_or_else(|e| panic!("finding {selector}: {e}"));
        let id = answer[ELEMENT].as_str();
        Element(
            id.unwrap_or_else(|| panic!("no element in {answer}"))
                .to_string(),
        )
    }

    /// Clicks an element as a user would (WebDriver scrolls it into view and refuses an
    /// element that is hidden or covered).
    pub fn click(&self, element: &Element) {
        self.must(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        );
    }

    /// Types `text` into an element (for a file input: the file's path).
    pub fn type_into(&self, element: &Element, text: &str) {
        self.must(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        );
    }

    /// Moves the mouse to (`dx`, `dy`) CSS pixels from an element's centre; with `click`,
    /// presses and releases the left button there.
    pub fn pointer(&self, element: &Element, dx: i64, dy: i64, click: bool) {
        let mut steps = vec![json!({
            "type": "pointerMove", "duration": 0, "x": dx, "y": dy,
            "origin": { ELEMENT: element.0 },
        })];
        if click {
            steps.push(json!({ "type": "pointerDown", "button": 0 }));
            steps.push(json!({ "type": "pointerUp", "button": 0 }));
        }
        self.actions(steps);
    }

    /// Moves the mouse to (`x`, `y`) in the viewport's CSS pixels; with `click`, presses and
    /// releases the left button there.
    pub fn pointer_at(&self, x: i64, y: i64, click: bool) {
        let mut steps = vec![json!({
            "type": "pointerMove", "duration": 0, "x": x, "y": y, "origin": "viewport",
        })];
        if click {
            steps.push(json!({ "type": "pointerDown", "button": 0 }));
            steps.push(json!({ "type": "pointerUp", "button": 0 }));
        }
        self.actions(steps);
    }

    fn actions(&self, steps: Vec<Value>) {
        let actions = json!({ "actions": [{
            "type": "pointer", "id": "mouse",
            "parameters": { "pointerType": "mouse" }, "actions": steps,
        }] });
        self.must("POST", "/actions", Some(actions));
        self.must("DELETE", "/actions", None);
    }

    /// Sets the window's size in CSS pixels.
    pub fn resize(&self, width: u32, height: u32) {
        let size = json!({ "width": width, "height": height });
        self.must("POST", "/window/rect", Some(size));
    }

    /// Has the page answer the CSS media feature `name` (`prefers-reduced-motion`) with
    /// `value` (`reduce`), as a learner's system setting would (Chromium's DevTools protocol).
    pub fn emulate_media(&self, name: &str, value: &str) {
        let features = json!({
            "cmd": "Emulation.setEmulatedMedia",
            "params": { "features": [{ "name": name, "value": value }] },
        });
        self.must("POST", "/goog/cdp/execute", Some(features));
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        decode_base64(
            self.must("GET", "/screenshot", None)
                .as_str()
                .expect("base64"),
        )
    }

    /// A PNG of one element (scrolled into view).
    pub fn element_screenshot(&self, element: &Element) -> Vec<u8> {
        let shot = self.must("GET", &format!("/element/{}/screenshot", element.0), None);
        decode_base64(shot.as_str().expect("base64"))
    }

    /// The profile directory this browser uses (removed when it is dropped).
    pub fn profile(&self) -> &Path {
        &self.profile
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.session.is_some() {
            // Closes Chromium; errors are moot now.
            let _ = self.session_command("DELETE", "", None);
        }
        // Then whatever is left of the group chromedriver leads (it and any browser).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Standard base64 (with padding, as WebDriver sends screenshots) to bytes.
pub fn decode_base64(text: &str) -> Vec<u8> {
    let digit = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("{:?} is not a base64 digit", c as char),
        }
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for group in clean.chunks(4) {
        let n = group
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &c)| acc | digit(c) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..group.len()]);
    }
    out
}
