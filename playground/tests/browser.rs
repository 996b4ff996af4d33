//! The Backprop Playground in a real browser: headless Chromium over WebDriver, the server in
//! this process on a free port. The page learns the circle, its heat map is the server's, the
//! numbers it shows for a gradient and for one sample's backward pass are the library's, a link
//! restores its settings, bad input gets a message and the page carries on; and the speed the
//! browser sees is measured.
//!
//! Each test is `#[ignore]`d: it needs Debian's `chromium` and `chromium-driver`. Run them
//! with `cargo test --release -p tapegrad-playground --test browser -- --ignored
//! --test-threads=1` (`.ci/run` does). With `PLAYGROUND_SCREENSHOTS=1` the screenshot test
//! writes `docs/pictures/playground-*.png`; otherwise it writes them under Cargo's target
//! directory.

#[path = "browser/webdriver.rs"]
mod webdriver;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tapegrad::loss;
use tapegrad::nn::{Activation, Forward, Layer, Mlp, Module, Neuron};
use tapegrad::{Tape, Value as TapeValue};
use webdriver::{Browser, decode_base64, http};

/// Long enough for a loaded machine; a healthy one needs a fraction of it.
const PATIENCE: Duration = Duration::from_secs(120);

/// The window a learner might have.
const WIDTH: u32 = 1440;
const HEIGHT: u32 = 1000;

/// The server on a free port of 127.0.0.1, in this process (it ends with the test binary).
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let addr = listener.local_addr().expect("its address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            let app = tapegrad_playground::app(tapegrad_playground::Config::default());
            axum::serve(listener, app).await.expect("the server runs");
        });
    });
    addr
}

/// The page open in a browser, with the server behind it.
struct Playground {
    browser: Browser,
    server: SocketAddr,
}

impl Drop for Playground {
    fn drop(&mut self) {
        // Stop this run's training, so the next test measures alone (the session itself ends
        // when its stream has been gone a minute).
        if let Ok(Some(id)) = self
            .browser
            .try_js(SESSION_ID, json!([]))
            .map(|v| v.as_str().map(str::to_string))
        {
            let _ = http(
                self.server,
                "POST",
                &format!("/api/sessions/{id}/control"),
                Some(r#"{"action":"pause"}"#),
            );
        }
    }
}

/// What the page shows of the frame it drew last, in one script: the play button's status, the
/// epoch, the two losses, and the findings as `[kind, text]` (the text as the server wrote it:
/// without the place the page puts before it, hyphens for the page's minus signs).
const SHOWN_FRAME: &str = "const value = (s) => Number(document.querySelector(s).dataset.value);
    return { status: document.querySelector('#play').dataset.status,
             epoch: document.querySelector('#epoch').dataset.epoch,
             train: value('#train-loss'), test: value('#test-loss'),
             findings: Array.from(document.querySelectorAll('#findings li.finding'),
                 li => [li.dataset.kind, li.lastChild.textContent.replaceAll('\u{2212}', '-')]) };";

/// A frame's findings as [`SHOWN_FRAME`] reads them off the page: `[kind, text]` each.
fn findings_of(frame: &Value) -> Value {
    frame["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| json!([f["kind"], f["text"]]))
        .collect()
}

/// The session id, from the model's download link (`/api/sessions/ID/model.safetensors`).
const SESSION_ID: &str = "const m = /\\/api\\/sessions\\/([^/]+)\\//.exec(
    document.querySelector('#download').getAttribute('href') || '');
    return m ? decodeURIComponent(m[1]) : null;";

impl Playground {
    /// Opens `/?query` and waits for the first frame on the page.
    fn open(query: &str) -> Playground {
        Playground::open_in(query, WIDTH, HEIGHT)
    }

    /// Opens `/?query` in a browser window of `width` × `height` and waits for the first frame.
    fn open_in(query: &str, width: u32, height: u32) -> Playground {
        let server = start_server();
        let browser = Browser::start(width, height);
        let page = Playground { browser, server };
        page.browser.goto(&page.url(query));
        page.wait("the first frame", |p| p.attr("#epoch", "data-epoch"));
        page
    }

    fn url(&self, query: &str) -> String {
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        format!("http://{}/{query}", self.server)
    }

    fn js(&self, script: &str) -> Value {
        self.browser.js(script, json!([]))
    }

    /// Clicks a training point with no other within 0.3 (so the click picks it) and waits
    /// for the step-by-step panel, and for the page's smooth scroll to it to end; the point.
    fn pick_lone_point(&self) -> [f64; 3] {
        let data = self.api("data");
        let train = points(&data["train"]);
        // A training point with no other within 0.3, so that a click on it picks it.
        let [x, y, label] = *train
            .iter()
            .find(|p| {
                train
                    .iter()
                    .filter(|q| (q[0] - p[0]).hypot(q[1] - p[1]) < 0.3)
                    .count()
                    == 1
                    && p[0].abs() < 4.0
                    && p[1].abs() < 4.0
            })
            .expect("a lone point");
        let map = self.browser.find("#heatmap-points");
        let size = self
            .js("return document.querySelector('#heatmap-points').getBoundingClientRect().width")
            .as_f64()
            .expect("its width");
        let dx = (x / 12.0 * size).round() as i64;
        let dy = (-y / 12.0 * size).round() as i64;
        self.browser.pointer(&map, dx, dy, true);
        self.wait("the sample panel", |p| {
            p.js("const s = document.querySelector('#sample-panel');
                  return !s.hidden && s.querySelectorAll('tbody.step').length > 0 ? true : null;")
                .as_bool()
        });
        self.still();
        [x, y, label]
    }

    /// An attribute of the first element `selector` finds; `None` if either is missing.
    fn attr(&self, selector: &str, name: &str) -> Option<String> {
        let v = self.browser.js(
            "const e = document.querySelector(arguments[0]);
             return e ? e.getAttribute(arguments[1]) : null;",
            json!([selector, name]),
        );
        v.as_str().map(str::to_string)
    }

    /// A number from an attribute (as the server sent it, so exactly its f64).
    fn number(&self, selector: &str, name: &str) -> f64 {
        let text = self
            .attr(selector, name)
            .unwrap_or_else(|| panic!("no {name} on {selector}"));
        text.parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} on {selector} is not a number"))
    }

    /// Polls `probe` until it gives something; panics after `PATIENCE` naming `what`.
    fn wait<T>(&self, what: &str, mut probe: impl FnMut(&Self) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(found) = probe(self) {
                return found;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {what}; the page says: {:?}",
                self.message()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A point of the viewport over edge `layer.neuron.input` where hovering shows that
    /// weight (edges cross, so not every point of one is over it); the tooltip's rows.
    fn hover_edge(&self, layer: usize, neuron: usize, input: usize) -> (i64, i64, Value) {
        let name = format!("layer{layer}.neuron{neuron}.w{input}:");
        for along in [0.3, 0.7, 0.15, 0.85, 0.5] {
            let at = self.js(&format!(
                "const edge = document.querySelector(\"path.edge-hit[data-layer='{layer}'][data-neuron='{neuron}'][data-input='{input}']\");
                 edge.scrollIntoView({{ block: 'center' }});
                 const p = edge.getPointAtLength(edge.getTotalLength() * {along});
                 const q = new DOMPoint(p.x, p.y).matrixTransform(edge.getScreenCTM());
                 return [Math.round(q.x), Math.round(q.y)];"
            ));
            let (x, y) = (at[0].as_i64().unwrap(), at[1].as_i64().unwrap());
            self.browser.pointer_at(x, y, false);
            let tip = self.js(
                "const t = document.querySelector('#tooltip');
                 return t.hidden ? null : { title: t.querySelector('.tip-title').textContent,
                     rows: Array.from(t.querySelectorAll('tr'), r => Array.from(r.cells, c => c.textContent)) };",
            );
            if tip["title"].as_str().is_some_and(|t| t.starts_with(&name)) {
                return (x, y, tip["rows"].clone());
            }
        }
        panic!("no point over edge {name} shows its tooltip");
    }

    fn click(&self, selector: &str) {
        self.browser.click(&self.browser.find(selector));
    }

    /// The epoch the page shows.
    fn epoch(&self) -> u64 {
        self.number("#epoch", "data-epoch") as u64
    }

    /// Clicks step and waits for the page to show the next epoch.
    fn step(&self) {
        let before = self.epoch();
        self.click("#step");
        self.wait("the epoch after a step", |p| {
            (p.epoch() > before && p.attr("#play", "data-status").as_deref() == Some("paused"))
                .then_some(())
        });
    }

    /// Plays, waits until `done` holds, pauses, and waits for the page to show the frame the
    /// server ends on.
    fn train_until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        self.click("#play");
        self.wait(what, |p| done(p).then_some(()));
        self.click("#play");
        self.settle();
    }

    /// Waits until the run is paused, its checkup is over, and the page shows that frame: its
    /// epoch, both losses and its findings. (The play button's status alone does not say
    /// which frame the page drew: the control's answer sets it too; and the checkup a pause or
    /// a step starts sends its findings in a later frame.)
    fn settle(&self) {
        self.wait(
            "the page to show the server's paused frame and its findings",
            |p| {
                let frame = p.api("frame");
                let shown = p.js(SHOWN_FRAME);
                let number = |v: &Value| v.as_f64();
                (frame["status"] == "paused"
                    && frame["checking"] == false
                    && shown["status"] == "paused"
                    && shown["epoch"].as_str() == Some(&frame["epoch"].to_string())
                    && number(&shown["train"]) == number(&frame["train_loss"])
                    && number(&shown["test"]) == number(&frame["test_loss"])
                    && shown["findings"] == findings_of(&frame))
                .then_some(())
            },
        );
    }

    /// Waits until the page has stopped scrolling (a smooth scroll has ended).
    fn still(&self) {
        let mut last = (Value::Null, Instant::now());
        self.wait("the page to stop scrolling", |p| {
            let now = p.js("return [scrollX, scrollY];");
            if now != last.0 {
                last = (now, Instant::now());
                return None;
            }
            (last.1.elapsed() >= Duration::from_millis(300)).then_some(())
        });
    }

    fn session_id(&self) -> String {
        self.js(SESSION_ID)
            .as_str()
            .expect("the download link names the session")
            .to_string()
    }

    /// `GET /api/sessions/{id}/{rest}` from the server itself.
    fn api(&self, rest: &str) -> Value {
        let path = format!("/api/sessions/{}/{rest}", self.session_id());
        let (status, body) = http(self.server, "GET", &path, None).expect("the server answers");
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    /// The message the page shows, if it shows one.
    fn message(&self) -> Option<String> {
        let v = self.js(
            "const box = document.querySelector('#message');
             return box && !box.hidden ? document.querySelector('#message-text').textContent : null;",
        );
        v.as_str().map(str::to_string)
    }

    /// Waits for a message containing `words` (any case).
    fn expect_message(&self, words: &str) -> String {
        self.wait(&format!("a message saying {words:?}"), |p| {
            p.message()
                .filter(|m| m.to_lowercase().contains(&words.to_lowercase()))
        })
    }

    /// The output map's pixels as RGBA.
    fn heatmap_pixels(&self) -> Vec<u8> {
        let v = self.js("const c = document.querySelector('#heatmap');
             return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);");
        v.as_array()
            .expect("pixels")
            .iter()
            .map(|x| x.as_u64().expect("a byte") as u8)
            .collect()
    }

    /// Every weight and bias the network picture shows: `(layer, neuron, input, weight, grad,
    /// update)`, `input` `None` for a bias.
    fn edges(&self) -> Vec<(usize, usize, Option<usize>, f64, f64, f64)> {
        let rows = self.js(
            "return Array.from(document.querySelectorAll('path.edge, .bias')).map(e => [
                 e.dataset.layer, e.dataset.neuron, e.dataset.input,
                 e.dataset.weight, e.dataset.grad, e.dataset.update]);",
        );
        rows.as_array()
            .expect("edges")
            .iter()
            .map(|r| {
                let text = |i: usize| r[i].as_str().unwrap_or_else(|| panic!("{r}")).to_string();
                let num = |i: usize| text(i).parse::<f64>().unwrap_or_else(|_| panic!("{r}"));
                let input = text(2);
                (
                    num(0) as usize,
                    num(1) as usize,
                    (input != "bias").then(|| num(2) as usize),
                    num(3),
                    num(4),
                    num(5),
                )
            })
            .collect()
    }
}

/// The points of a `data` answer, `[x, y, label]` each.
fn points(list: &Value) -> Vec<[f64; 3]> {
    list.as_array()
        .expect("points")
        .iter()
        .map(|p| {
            let n = |i: usize| p[i].as_f64().expect("a number");
            [n(0), n(1), n(2)]
        })
        .collect()
}

/// The network with the page's weights: the defaults' tanh everywhere (a tanh output for
/// two classes with squared error).
fn network_from_page(page: &Playground) -> Mlp {
    let edges = page.edges();
    let layers = 1 + edges.iter().map(|e| e.0).max().expect("edges");
    let layers = (0..layers)
        .map(|l| {
            let count = 1 + edges
                .iter()
                .filter(|e| e.0 == l)
                .map(|e| e.1)
                .max()
                .unwrap();
            let neurons = (0..count)
                .map(|n| {
                    let mine: Vec<_> = edges.iter().filter(|e| e.0 == l && e.1 == n).collect();
                    let mut weights: Vec<(usize, f64)> =
                        mine.iter().filter_map(|e| e.2.map(|i| (i, e.3))).collect();
                    weights.sort_by_key(|w| w.0);
                    assert!(weights.iter().enumerate().all(|(k, w)| w.0 == k));
                    let bias = mine.iter().find(|e| e.2.is_none()).expect("a bias").3;
                    Neuron::from_parts(
                        weights.into_iter().map(|w| w.1).collect(),
                        bias,
                        Activation::Tanh,
                    )
                })
                .collect();
            Layer::from_neurons(neurons).expect("a layer")
        })
        .collect();
    Mlp::from_layers(layers).expect("a network")
}

/// `|a - b| ≤ 1e-9 · max(|a|, |b|)` (or both zero).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// How many pixels of two RGBA pictures differ.
fn changed_pixels(a: &[u8], b: &[u8]) -> usize {
    a.chunks(4).zip(b.chunks(4)).filter(|(p, q)| p != q).count()
}

/// The colour the page paints for a map byte: the Playground's scale, washed 35% toward white.
fn map_colour(byte: i8) -> [f64; 3] {
    const NEGATIVE: [f64; 3] = [245.0, 147.0, 34.0];
    const ZERO: [f64; 3] = [232.0, 234.0, 235.0];
    const POSITIVE: [f64; 3] = [8.0, 119.0, 189.0];
    let v = f64::from(byte) / 127.0;
    let (from, t) = if v < 0.0 {
        (NEGATIVE, -v)
    } else {
        (POSITIVE, v)
    };
    std::array::from_fn(|i| {
        let c = (ZERO[i] + (from[i] - ZERO[i]) * t).round();
        c + (255.0 - c) * 0.35
    })
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_circle_learns_in_the_browser_and_its_heat_map_is_the_servers() {
    let page = Playground::open("");
    assert_eq!(
        page.attr("#dataset-circle", "class").as_deref(),
        Some("dataset selected")
    );
    let untrained = page.heatmap_pixels();
    assert_eq!(untrained.len(), 100 * 100 * 4);
    let first_loss = page.number("#test-loss", "data-value");
    assert!(
        first_loss > 0.4,
        "an untrained network's test loss {first_loss}"
    );

    page.click("#play");
    page.wait("the run to start", |p| {
        (p.attr("#play", "data-status").as_deref() == Some("running")).then_some(())
    });
    // While it trains, the map moves: a later look differs from this one in over 100 pixels.
    let early = page.heatmap_pixels();
    page.wait("the map to move while training", |p| {
        (changed_pixels(&early, &p.heatmap_pixels()) > 100).then_some(())
    });
    page.wait("test loss below 0.05", |p| {
        (p.number("#test-loss", "data-value") < 0.05).then_some(())
    });
    page.click("#play");
    page.settle();

    let frame = page.api("frame");
    let loss = page.number("#test-loss", "data-value");
    assert_eq!(Some(loss), frame["test_loss"].as_f64());
    assert!(loss < 0.05, "test loss {loss}");
    assert_eq!(
        page.attr("#epoch", "data-epoch"),
        Some(frame["epoch"].to_string())
    );
    println!(
        "the circle: test loss {loss:.4} after {} epochs",
        frame["epoch"]
    );

    // The map is the server's output map, cell for cell, in the page's colours.
    let trained = page.heatmap_pixels();
    let bytes = decode_base64(frame["output"]["map"].as_str().expect("a map"));
    assert_eq!(bytes.len(), 100 * 100);
    for (i, (&byte, pixel)) in bytes.iter().zip(trained.chunks(4)).enumerate() {
        let want = map_colour(byte as i8);
        for c in 0..3 {
            assert!(
                (f64::from(pixel[c]) - want[c]).abs() <= 1.0,
                "pixel {i}: {pixel:?}, the map's byte {} paints {want:?}",
                byte as i8
            );
        }
    }
    // And it learned the circle: blue (+1) in the middle, orange (-1) in the corners.
    let at = |row: usize, col: usize| bytes[row * 100 + col] as i8;
    assert!(at(50, 50) > 60, "centre {}", at(50, 50));
    for (r, c) in [(0, 0), (0, 99), (99, 0), (99, 99)] {
        assert!(at(r, c) < -60, "corner ({r}, {c}): {}", at(r, c));
    }
    let changed = changed_pixels(&untrained, &trained);
    assert!(
        changed > 5000,
        "only {changed} pixels differ from the untrained map"
    );
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_gradient_view_shows_the_librarys_gradient_for_every_edge() {
    let page = Playground::open("");
    page.click("#view-gradients");
    page.wait("the URL to keep the view", |p| {
        p.js("return location.search")
            .as_str()?
            .contains("view=gradients")
            .then_some(())
    });
    for _ in 0..3 {
        page.step();
    }
    page.settle();
    let frame = page.api("frame");
    let data = page.api("data");
    let train = points(&data["train"]);
    let batch: Vec<usize> = frame["batch"]
        .as_array()
        .expect("a batch")
        .iter()
        .map(|i| i.as_u64().expect("an index") as usize)
        .collect();
    assert_eq!(batch.len(), 10);

    // The library's gradient of the batch's mean loss, at the weights the page shows.
    let model = network_from_page(&page);
    let tape = Tape::new();
    let net = model.record(&tape);
    let losses: Vec<_> = batch
        .iter()
        .map(|&i| {
            let [x, y, label] = train[i];
            loss::half_squared_error(net.forward_f64(&[x, y]).expect("a forward")[0], label)
        })
        .collect();
    let total = loss::mean(&losses).expect("a loss");
    let library = net.gradients(&total.backward());

    // Parameter order: each neuron's weights, then its bias, layer by layer.
    let edges = page.edges();
    let mut k = 0;
    let mut checked = 0;
    for (l, layer) in model.layers().iter().enumerate() {
        for (n, neuron) in layer.neurons().iter().enumerate() {
            let inputs = (0..neuron.nin()).map(Some).chain([None]);
            for input in inputs {
                let e = edges
                    .iter()
                    .find(|e| (e.0, e.1, e.2) == (l, n, input))
                    .unwrap_or_else(|| panic!("no edge {l}.{n}.{input:?} on the page"));
                let api = &frame["layers"][l]["neurons"][n];
                let api_weight = match input {
                    Some(i) => api["weights"][i].as_f64(),
                    None => api["bias"].as_f64(),
                };
                assert_eq!(Some(e.3), api_weight, "the page shows the server's weight");
                assert!(
                    close(e.4, library[k]),
                    "edge {l}.{n}.{input:?}: the page shows ∂L/∂w {}, the library computes {}",
                    e.4,
                    library[k]
                );
                checked += 1;
                k += 1;
            }
        }
    }
    assert_eq!(checked, library.len());
    assert_eq!(checked, 12 + 10 + 3);

    // Hovering an edge shows its gradient in numbers a learner reads (four digits).
    let (_, _, tip) = page.hover_edge(1, 1, 2);
    let tip = tip.as_array().expect("rows").clone();
    let grad_row = tip
        .iter()
        .find(|r| r[0].as_str() == Some("∂L/∂w"))
        .unwrap_or_else(|| panic!("no ∂L/∂w in the tooltip {tip:?}"));
    let shown: f64 = grad_row[1]
        .as_str()
        .expect("text")
        .replace('\u{2212}', "-")
        .replace('+', "")
        .parse()
        .unwrap_or_else(|_| panic!("{grad_row:?}"));
    // Layer 1, neuron 1, input 2: after layer 0's 4 × 3 parameters and neuron 0's 5.
    let index = 12 + 5 + 2;
    let want = library[index];
    assert!(
        (shown - want).abs() <= 5e-4 * want.abs(),
        "the tooltip shows {shown}, the library computes {want}"
    );
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_step_by_step_totals_are_the_librarys_backward_traced() {
    let page = Playground::open("");
    page.step();
    page.step();
    page.settle();
    let [x, y, label] = page.pick_lone_point();

    // The library's traced backward pass of this point's loss, on a tape laid out as
    // API.md says: the parameters (named), the inputs, then each neuron's sum and output.
    let model = network_from_page(&page);
    let tape = Tape::new();
    let params: Vec<TapeValue<'_>> = model
        .named_parameters()
        .iter()
        .map(|(name, w)| tape.var(*w).with_label(name))
        .collect();
    let mut xs = vec![tape.var(x).with_label("x1"), tape.var(y).with_label("x2")];
    let mut rest = &params[..];
    for (l, layer) in model.layers().iter().enumerate() {
        let mut outs = Vec::new();
        for (n, neuron) in layer.neurons().iter().enumerate() {
            let (mine, others) = rest.split_at(neuron.nin() + 1);
            rest = others;
            let sum = tapegrad::affine(&mine[..neuron.nin()], &xs, mine[neuron.nin()])
                .with_label(&format!("layer{l}.neuron{n}.sum"));
            outs.push(sum.tanh().with_label(&format!("layer{l}.neuron{n}")));
        }
        xs = outs;
    }
    let out = xs[0];
    let l = loss::half_squared_error(out, label).with_label("loss");
    let (grads, trace) = l.backward_traced();
    assert!(close(page.number("#sample-loss", "data-value"), l.data()));

    let steps = page.js(
        "return Array.from(document.querySelectorAll('#sample-backward tbody.step'), b => ({
             hidden: b.hidden,
             node: b.querySelector('tr.step-row').dataset.node,
             grad: b.querySelector('tr.step-row').dataset.grad,
             passes: Array.from(b.querySelectorAll('tr.pass-row'), r => [r.dataset.parent,
                 r.dataset.local, r.dataset.upstream, r.dataset.contribution, r.dataset.total]),
         }));",
    );
    let steps = steps.as_array().expect("steps");
    assert_eq!(steps.len(), trace.steps().len());
    let num = |v: &Value| -> f64 { v.as_str().expect("text").parse().expect("a number") };
    let mut totals = 0;
    for (s, (shown, step)) in steps.iter().zip(trace.steps()).enumerate() {
        assert_eq!(num(&shown["node"]) as usize, step.node, "step {s}");
        assert!(close(num(&shown["grad"]), step.grad), "step {s}: {shown}");
        let passes = shown["passes"].as_array().expect("passes");
        assert_eq!(passes.len(), step.passes.len(), "step {s}");
        for (row, pass) in passes.iter().zip(&step.passes) {
            assert_eq!(num(&row[0]) as usize, pass.parent, "step {s}");
            for (i, want) in [pass.local, pass.upstream, pass.contribution, pass.total]
                .into_iter()
                .enumerate()
            {
                assert!(
                    close(num(&row[i + 1]), want),
                    "step {s}, {row}: want {want}"
                );
            }
            totals += 1;
        }
        // Only the first step shows until the learner steps on.
        assert_eq!(shown["hidden"], s > 0, "step {s}");
    }
    assert!(totals > 20, "{totals} chain-rule products");
    // Each parameter's last running total is its gradient, and the update table says so.
    let updates = page.js(
        "return Array.from(document.querySelectorAll('#sample-updates tr.update-row'),
             r => [r.dataset.name, r.dataset.grad, r.dataset.new]);",
    );
    let updates = updates.as_array().expect("updates");
    assert_eq!(updates.len(), params.len());
    for (row, (p, (name, w))) in updates
        .iter()
        .zip(params.iter().zip(model.named_parameters()))
    {
        assert_eq!(row[0].as_str(), Some(name.as_str()));
        let g = grads.wrt(*p);
        assert!(close(num(&row[1]), g), "{row}: want {g}");
        assert!(close(num(&row[2]), w - 0.03 * g), "{row}");
    }

    // Next shows one more step; Last shows them all.
    page.click("#sample-next");
    let visible = |p: &Playground| {
        p.js("return document.querySelectorAll('#sample-backward tbody.step:not([hidden])').length")
            .as_u64()
    };
    assert_eq!(visible(&page), Some(2));
    page.click("#sample-all");
    assert_eq!(visible(&page), Some(steps.len() as u64));
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn a_link_with_settings_restores_them_on_the_controls_and_the_server() {
    let query = "dataset=xor&noise=10&train_pct=70&batch=5&features=x1,x2,x1x2&hidden=3&\
                 activation=relu&lr=0.1&reg=l2&reg_rate=0.001&optimizer=adam&seed=7&\
                 show_test=1&view=gradients";
    let page = Playground::open(query);
    let settings = page.api("settings");
    assert_eq!(
        settings,
        json!({
            "dataset": "xor", "noise": 10, "train_pct": 70, "batch": 5,
            "features": ["x1", "x2", "x1x2"], "hidden": [3], "activation": "relu",
            "lr": 0.1, "reg": "l2", "reg_rate": 0.001, "loss": "mse", "optimizer": "adam",
            "seed": 7,
        })
    );
    let value = |id: &str| page.js(&format!("return document.querySelector('#{id}').value"));
    let checked = |id: &str| page.js(&format!("return document.querySelector('#{id}').checked"));
    for (id, want) in [
        ("lr", "0.1"),
        ("activation", "relu"),
        ("reg", "l2"),
        ("reg-rate", "0.001"),
        ("loss", "mse"),
        ("optimizer", "adam"),
        ("train-pct", "70"),
        ("noise", "10"),
        ("batch", "5"),
    ] {
        assert_eq!(value(id), want, "#{id}");
    }
    assert_eq!(checked("show-test"), true);
    assert_eq!(checked("view-gradients"), true);
    assert_eq!(checked("discretize"), false);
    assert!(
        page.attr("#dataset-xor", "class")
            .unwrap()
            .contains("selected")
    );
    assert!(
        !page
            .attr("#dataset-circle", "class")
            .unwrap()
            .contains("selected")
    );
    for (feature, on) in [
        ("x1", true),
        ("x2", true),
        ("x1x2", true),
        ("x1sq", false),
        ("sinx1", false),
    ] {
        let class = page
            .attr(&format!("#input-{feature}"), "class")
            .unwrap_or_default();
        assert_eq!(!class.contains("inactive"), on, "#input-{feature}: {class}");
    }
    // One hidden layer of three, then the output.
    for (node, there) in [
        ("#node-0-2", true),
        ("#node-0-3", false),
        ("#node-1-0", true),
        ("#node-2-0", false),
    ] {
        assert_eq!(page.attr(node, "id").is_some(), there, "{node}");
    }
    // And the address bar still carries the run.
    let search = page.js("return location.search");
    let search = search.as_str().unwrap();
    for part in query.split('&') {
        assert!(search.contains(part), "{part} missing from {search}");
    }
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn a_bad_link_says_which_setting_and_the_page_still_trains() {
    let page = Playground::open("dataset=xor&lr=abc");
    let message = page.expect_message("lr");
    println!("a bad link: {message}");
    let settings = page.api("settings");
    assert_eq!(settings["dataset"], "xor");
    assert_eq!(settings["lr"], 0.03);
    assert_eq!(
        page.js("return document.querySelector('#lr').value"),
        "0.03"
    );
    page.train_until("a few epochs", |p| p.epoch() >= 20);
    let text = page.js("return document.querySelector('#test-loss').textContent");
    let loss: f64 = text
        .as_str()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{text}"));
    assert!(loss.is_finite());
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn bad_weight_edits_show_a_message_and_change_nothing() {
    let page = Playground::open("");
    page.step();
    page.settle();
    let selector = "path.edge[data-layer='0'][data-neuron='1'][data-input='0']";
    let weight = page.number(selector, "data-weight");
    let edit = |text: &str| {
        let (x, y, _) = page.hover_edge(0, 1, 0);
        page.browser.pointer_at(x, y, true);
        let input = page.browser.find("#weight-input");
        // Control-A, release (the null key), the text, Enter: as a learner replaces the
        // number (WebDriver's clear would blur the field, and the editor closes on blur).
        page.browser
            .type_into(&input, &format!("\u{E009}a\u{E000}{text}\n"));
    };
    // Each message names the value it refuses: the one before cannot pass for it.
    for (text, words) in [("abc", "got null"), ("1e9", "got 1000000000")] {
        edit(text);
        let message = page.expect_message(words);
        println!("a weight of {text:?}: {message}");
        assert_eq!(page.number(selector, "data-weight"), weight);
        assert_eq!(
            page.api("frame")["layers"][0]["neurons"][1]["weights"][0],
            weight
        );
    }
    // A good edit goes through and clears the message.
    edit("0.5");
    page.wait("the new weight", |p| {
        (p.number(selector, "data-weight") == 0.5).then_some(())
    });
    assert_eq!(
        page.api("frame")["layers"][0]["neurons"][1]["weights"][0],
        0.5
    );
    // The edit's answer clears the message; the frame with the new weight may come before it.
    page.wait("the message to clear", |p| {
        p.message().is_none().then_some(())
    });
    page.step();
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn oversized_or_bad_csv_files_show_a_message_and_a_good_one_loads() {
    let page = Playground::open("");
    let dir = page.browser.profile().join("csv");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, rows: usize, scale: f64| -> PathBuf {
        let mut text = String::from("x,y,label\n");
        for i in 0..rows {
            let t = i as f64 * 0.618;
            let (x, y) = (scale * t.sin(), scale * (1.7 * t).cos());
            text.push_str(&format!("{x:.6},{y:.6},{}\n", u8::from(x * y > 0.0)));
        }
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let upload = |path: &PathBuf| {
        let input = page.browser.find("#csv-file");
        page.browser.type_into(&input, path.to_str().unwrap());
    };
    // Over 1 MiB: the page refuses it before sending, saying its size in bytes, so that a
    // file a little over the limit does not read as one at it.
    let big = write("big.csv", 60_000, 5.0);
    let size = std::fs::metadata(&big).unwrap().len();
    assert!(size > 1 << 20);
    upload(&big);
    let said = page.expect_message("over the limit");
    println!("a CSV of {size} bytes: {said}");
    let grouped = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let over = size - (1 << 20);
    assert!(
        said.contains(&format!(
            "That file is {} bytes, {} bytes over",
            grouped(size),
            grouped(over)
        )) && said.contains("1,048,576 bytes"),
        "{said}"
    );
    // One byte over.
    let edge = dir.join("edge.csv");
    std::fs::write(&edge, "x".repeat((1 << 20) + 1)).unwrap();
    upload(&edge);
    page.expect_message("That file is 1,048,577 bytes, 1 byte over the limit");
    // Under 1 MiB but over 5,000 points: the server's 413.
    upload(&write("many.csv", 6_000, 5.0));
    println!("6,000 points: {}", page.expect_message("5000"));
    // A point off the map: the server's 400.
    upload(&write("far.csv", 100, 9.0));
    println!(
        "points out to 9: {}",
        page.expect_message("outside [\u{2212}6, 6]")
    );
    assert_eq!(page.api("settings")["dataset"], "circle");
    // A good file loads, says so, and trains.
    upload(&write("good.csv", 200, 5.0));
    println!("200 points: {}", page.expect_message("Loaded 200 points"));
    assert_eq!(page.api("settings")["dataset"], "csv");
    assert_eq!(
        points(&page.api("data")["train"]).len() + points(&page.api("data")["test"]).len(),
        200
    );
    page.train_until("a few epochs on the CSV", |p| p.epoch() >= 10);
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn epochs_and_frames_per_second_as_the_browser_sees_them() {
    let page = Playground::open("");
    // A second listener on the session's stream, counting what the browser receives.
    page.js("const id = /\\/api\\/sessions\\/([^/]+)\\//.exec(
             document.querySelector('#download').getAttribute('href'))[1];
         const m = { frames: 0, bytes: 0, min: Infinity, max: 0, first: null, last: null };
         window.measured = m;
         const source = new EventSource(`/api/sessions/${id}/events`);
         source.addEventListener('frame', (e) => {
             const f = JSON.parse(e.data);
             if (f.status !== 'running') return;
             const now = performance.now();
             m.frames++; m.bytes += e.data.length;
             m.min = Math.min(m.min, e.data.length); m.max = Math.max(m.max, e.data.length);
             if (!m.first) m.first = { t: now, epoch: f.epoch };
             m.last = { t: now, epoch: f.epoch, eps: f.epochs_per_second };
         });
         window.rafCount = 0;
         const tick = () => { window.rafCount++; requestAnimationFrame(tick); };
         requestAnimationFrame(tick);
         return null;");
    page.click("#play");
    std::thread::sleep(Duration::from_secs(1));
    page.js("window.measured.frames = 0; window.measured.bytes = 0; window.measured.first = null;
             window.measured.min = Infinity; window.measured.max = 0; window.rafStart = window.rafCount;
             window.rafT = performance.now(); return null;");
    std::thread::sleep(Duration::from_secs(5));
    let m = page.js(
        "const m = window.measured;
         return { frames: m.frames, bytes: m.bytes, min: m.min, max: m.max,
                  seconds: (m.last.t - m.first.t) / 1000, epochs: m.last.epoch - m.first.epoch,
                  server_eps: m.last.eps, draw_ms: window.playgroundStats.drawMs,
                  paints: (window.rafCount - window.rafStart) * 1000 / (performance.now() - window.rafT) };",
    );
    page.click("#play");
    let frames = m["frames"].as_f64().unwrap();
    let seconds = m["seconds"].as_f64().unwrap();
    let epochs = m["epochs"].as_f64().unwrap();
    let frames_per_second = (frames - 1.0) / seconds;
    let epochs_per_second = epochs / seconds;
    let mean_bytes = m["bytes"].as_f64().unwrap() / frames;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "measured in the browser over {seconds:.1} s: {epochs_per_second:.0} epochs/s \
         (the server says {:.0}), {frames_per_second:.1} frames/s, frames of {mean_bytes:.0} \
         bytes on average ({} to {}), the page painting {:.0} times a second, its slowest \
         recent draw {:.1} ms; load average {}",
        m["server_eps"].as_f64().unwrap_or(f64::NAN),
        m["min"],
        m["max"],
        m["paints"].as_f64().unwrap_or(f64::NAN),
        m["draw_ms"].as_f64().unwrap_or(f64::NAN),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    );
    // The issue's targets.
    assert!(epochs_per_second >= 300.0, "{epochs_per_second} epochs/s");
    assert!(frames_per_second >= 20.0, "{frames_per_second} frames/s");
    assert!(mean_bytes < 64.0 * 1024.0, "frames of {mean_bytes} bytes");
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn edge_hit_paths_say_where_they_run_and_the_tooltip_says_what_an_update_is() {
    let page = Playground::open("");
    page.step();
    page.settle();
    // Every edge has a hit path over it, with the same address: layer, neuron, input, the
    // two ends by the library's names, and the parameter.
    let hits = page.js(
        "return Array.from(document.querySelectorAll('path.edge-hit'), h => ({ ...h.dataset }));",
    );
    let hits = hits.as_array().expect("hit paths");
    let inputs: Vec<String> = page.api("frame")["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(inputs, ["x1", "x2"]);
    // 2 → 4 → 2 → 1: 8 + 8 + 2 weights.
    assert_eq!(hits.len(), 18, "{hits:?}");
    for hit in hits {
        let n = |k: &str| hit[k].as_str().unwrap().parse::<usize>().unwrap();
        let (layer, neuron, input) = (n("layer"), n("neuron"), n("input"));
        let from = if layer == 0 {
            inputs[input].clone()
        } else {
            format!("layer{}.neuron{input}", layer - 1)
        };
        assert_eq!(hit["from"], from.as_str(), "{hit}");
        assert_eq!(hit["to"], format!("layer{layer}.neuron{neuron}").as_str());
        assert_eq!(
            hit["parameter"],
            format!("layer{layer}.neuron{neuron}.w{input}").as_str()
        );
    }
    assert_eq!(
        page.attr(".bias[data-layer='1'][data-neuron='1']", "data-parameter")
            .as_deref(),
        Some("layer1.neuron1.b")
    );

    // The tooltip names "last update" for what it is: the optimizer's step, with the rate.
    page.hover_edge(1, 0, 1);
    let note = page
        .js("return document.querySelector('#tooltip .tip-note').textContent")
        .as_str()
        .expect("a note under the numbers")
        .to_string();
    assert!(
        note.starts_with("Last update: what the last SGD step changed this weight by, \u{2212}0.03 \u{d7} its gradient"),
        "{note}"
    );
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_diagnosis_shows_without_scrolling_and_the_loss_chart_is_logarithmic() {
    let page = Playground::open("");
    page.train_until("test loss below 0.1", |p| {
        p.number("#test-loss", "data-value") < 0.1
    });
    // The window of a 1440 × 900 laptop screen: the page's viewport is 1440 × 857, and the
    // diagnosis has room under the network it names.
    page.js("window.scrollTo(0, 0); return null;");
    let column = diagnosis_in_view(&page, [1440, 857], "diagnosis-1440x857.png");
    assert_eq!(column, "network-column");

    assert_log_chart(&page, "at test loss 0.1");
}

/// Checks, with the page scrolled as it is, that the viewport is `viewport`, that the
/// diagnosis's heading, its button and its first finding are in full view, that it overlaps
/// nothing it sits among and the page needs no sideways scroll; saves a screenshot (under
/// Cargo's scratch directory) as `shot`. The column the diagnosis sits in.
fn diagnosis_in_view(page: &Playground, viewport: [u32; 2], shot: &str) -> String {
    let boxes = page.js("const r = (e) => { const b = e.getBoundingClientRect();
                           return [b.left, b.top, b.right, b.bottom]; };
         const q = (s) => r(document.querySelector(s));
         const diagnosis = document.querySelector('#diagnosis');
         const others = ['.view-toggle', '#network', '.losses', '#loss-chart', '.chart-legend',
                         '#heatmap-caption', '#heatmap-box', '.data-column'];
         return { viewport: [innerWidth, innerHeight], width: document.documentElement.clientWidth,
                  scroll: document.documentElement.scrollWidth,
                  diagnosis: r(diagnosis), head: q('.diagnosis-head'), check: q('#gradcheck'),
                  first: q('#findings li'),
                  column: r(diagnosis.closest('.column')),
                  inside: diagnosis.closest('.column').className,
                  others: Object.fromEntries(others.map(s => [s, q(s)])) };");
    assert_eq!(boxes["viewport"], json!(viewport), "{boxes}");
    let rect = |v: &Value| -> [f64; 4] { std::array::from_fn(|i| v[i].as_f64().unwrap()) };
    let height = f64::from(viewport[1]);
    for part in ["head", "check", "first"] {
        let [left, top, right, bottom] = rect(&boxes[part]);
        assert!(
            top >= 0.0 && bottom <= height && left >= 0.0 && right <= f64::from(viewport[0]),
            "the diagnosis's {part} is not in full view: {boxes}"
        );
    }
    let diagnosis = rect(&boxes["diagnosis"]);
    let column = rect(&boxes["column"]);
    assert!(
        diagnosis[0] >= column[0] - 0.5 && diagnosis[2] <= column[2] + 0.5,
        "the diagnosis sticks out of its column: {boxes}"
    );
    for (name, other) in boxes["others"].as_object().unwrap() {
        let other = rect(other);
        let apart = diagnosis[2] <= other[0] + 0.5
            || other[2] <= diagnosis[0] + 0.5
            || diagnosis[3] <= other[1] + 0.5
            || other[3] <= diagnosis[1] + 0.5;
        assert!(apart, "the diagnosis overlaps {name}: {boxes}");
    }
    assert!(
        boxes["scroll"].as_f64() <= boxes["width"].as_f64(),
        "a sideways scroll: {boxes}"
    );
    save_scratch_png(shot, &page.browser.screenshot(), viewport[0], viewport[1]);
    let inside = boxes["inside"].as_str().unwrap();
    inside
        .split_whitespace()
        .find(|c| c.ends_with("-column"))
        .unwrap_or(inside)
        .to_string()
}

/// The notice of findings out of view, from the top of the page: its words, or `None` while
/// it is hidden. Panics if it shows but not in full view.
fn notice(page: &Playground) -> Option<String> {
    let seen = page.js("window.scrollTo(0, 0);
         const notice = document.querySelector('#findings-notice');
         if (notice.hidden || notice.offsetParent === null) return null;
         const b = notice.getBoundingClientRect();
         return { text: notice.textContent, box: [b.left, b.top, b.right, b.bottom],
                  viewport: [innerWidth, innerHeight] };");
    if seen.is_null() {
        return None;
    }
    let at = |key: &str, i: usize| seen[key][i].as_f64().unwrap();
    assert!(
        at("box", 0) >= 0.0
            && at("box", 1) >= 0.0
            && at("box", 2) <= at("viewport", 0)
            && at("box", 3) <= at("viewport", 1),
        "the notice is not in full view: {seen}"
    );
    Some(seen["text"].as_str().unwrap().to_string())
}

/// What the notice says for `count` findings.
fn notice_for(count: usize) -> String {
    match count {
        1 => "1 finding ↓".to_string(),
        n => format!("{n} findings ↓"),
    }
}

/// From the top of the page, waits for the notice of findings out of view (the page shows it
/// once it has seen the list leave the window, a frame after a resize), clicks it and waits
/// until the page has stopped scrolling.
fn follow_notice(page: &Playground) {
    page.wait("a notice to follow", notice);
    page.click("#findings-notice");
    page.still();
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_notice_brings_the_diagnosis_into_view_in_a_1024_by_768_window() {
    // A learning rate of 3 saturates every tanh unit within seconds: findings to read.
    let page = Playground::open_in("lr=3", 1024, 768);
    // The pause starts a checkup whose findings can reach the page after the paused frame:
    // compare once the page shows the findings that end it.
    let kinds = train_until_findings(&page, 1);
    // A 1024 × 768 window leaves a 1024 × 625 viewport: the output map has the room above the
    // fold, the diagnosis lies below it under the network, and a notice at the top of the
    // output column counts the findings.
    assert_eq!(notice(&page), Some(notice_for(kinds.len())), "{kinds:?}");
    follow_notice(&page);
    let column = diagnosis_in_view(&page, [1024, 625], "diagnosis-1024x625.png");
    assert_eq!(column, "network-column");
    // The list has the focus, for the keys that scroll it; the finding in view is the
    // server's first.
    assert_eq!(page.js("return document.activeElement.id"), "findings");
    let shown = page.attr("#findings li.finding", "data-kind");
    assert_eq!(shown.as_ref(), kinds.first(), "{kinds:?}");

    // Made larger, the window has room under the network: the diagnosis is in view from the
    // top of the page, and the notice goes.
    resize_for_diagnosis(&page, [WIDTH, HEIGHT], false);
    page.js("window.scrollTo(0, 0); return null;");
    let column = diagnosis_in_view(&page, [WIDTH, 857], "diagnosis-1440x857-lr3.png");
    assert_eq!(column, "network-column");
    page.wait("the notice to go", |p| notice(p).is_none().then_some(()));
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_notice_keeps_still_for_a_learner_who_asks_for_less_motion() {
    let page = Playground::open_in("lr=3", 1024, 768);
    train_until_findings(&page, 1);
    assert!(notice(&page).is_some(), "no notice below the fold");
    let pulse = "return getComputedStyle(document.querySelector('#findings-notice')).animationName";
    // The notice pulses as it appears, and the page scrolls smoothly to the diagnosis...
    assert_eq!(page.js(pulse), "notice");
    // ...unless the system asks for reduced motion: then it shows still, and its click jumps,
    // the list in view as soon as the click is handled.
    page.browser
        .emulate_media("prefers-reduced-motion", "reduce");
    assert_eq!(page.js(pulse), "none");
    let seen = page.js("window.scrollTo(0, 0);
         document.querySelector('#findings-notice').click();
         const b = document.querySelector('#findings').getBoundingClientRect();
         return { list: [b.top, b.bottom], height: innerHeight, scrolled: scrollY };");
    let at = |i: usize| seen["list"][i].as_f64().unwrap();
    assert!(
        seen["scrolled"].as_f64() > Some(0.0)
            && at(0) >= 0.0
            && at(1) <= seen["height"].as_f64().unwrap(),
        "the list is not in view at once: {seen}"
    );
}

/// Resizes the window to `window` and waits until the network is laid out for its new box
/// and the diagnosis's list lies `below` the fold or not.
fn resize_for_diagnosis(page: &Playground, window: [u32; 2], below: bool) {
    page.browser.resize(window[0], window[1]);
    let place = if below { "below" } else { "above" };
    page.wait(&format!("the diagnosis {place} the fold"), |p| {
        p.browser
            .js(
                "const network = document.querySelector('#network');
                 const laidOut = Number(network.querySelector('svg.links').getAttribute('width'))
                     === network.clientWidth;
                 const below = document.querySelector('#diagnosis').classList.contains('below');
                 return laidOut && below === arguments[0] ? true : null;",
                json!([below]),
            )
            .as_bool()
    });
}

/// A run with five long findings within seconds: at a learning rate of 3 the tanh units of
/// all three hidden layers saturate, and the diagnosis says so layer by layer, with the uneven
/// gradients and the stalled loss that come with it (each finding a paragraph long).
const MANY_FINDINGS: &str = "lr=3&hidden=4,4,4";

/// Trains until at least `count` findings show, pauses, and waits until the page shows the
/// findings of the checkup the pause starts (as [`Playground::settle`] does); their kinds.
fn train_until_findings(page: &Playground, count: usize) -> Vec<String> {
    page.train_until(&format!("{count} findings"), |p| {
        p.js("return document.querySelectorAll('#findings li.finding').length")
            .as_u64()
            .unwrap()
            >= count as u64
    });
    page.api("frame")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Checks, with the page scrolled as it is, that every line of every finding can be brought
/// into view by scrolling the diagnosis's own list (never the page): its first line scrolled
/// to the list's top edge, its last to the bottom edge, each inside the list and the window;
/// and that scrolling it leaves the diagnosis's box as it was (apart from every other panel,
/// as [`diagnosis_in_view`] checks first). Saves screenshots (under Cargo's scratch directory)
/// as `{shot}-top.png` and `{shot}-end.png`. The findings' kinds, in order.
fn every_finding_in_view(page: &Playground, viewport: [u32; 2], shot: &str) -> Vec<String> {
    let diagnosis_box = "const b = document.querySelector('#diagnosis').getBoundingClientRect();
                         return [b.left, b.top, b.right, b.bottom];";
    page.js("document.querySelector('#findings').scrollTop = 0; return null;");
    let column = diagnosis_in_view(page, viewport, &format!("{shot}-top.png"));
    let before = page.js(diagnosis_box);
    let scrolled = page.js("return [scrollX, scrollY];");
    // The findings are more than the window has room for below the list's top: the test is
    // one of reaching them.
    let room = page.js(
        "const items = document.querySelectorAll('#findings li.finding');
         const top = document.querySelector('#findings').getBoundingClientRect().top;
         return { count: items.length, room: innerHeight - top,
                  needed: items[items.length - 1].getBoundingClientRect().bottom - top };",
    );
    assert!(
        room["needed"].as_f64() > room["room"].as_f64(),
        "the findings fit as they are: {room}"
    );
    let count = room["count"].as_u64().unwrap();
    let mut kinds = Vec::new();
    for i in 0..count {
        for edge in ["top", "bottom"] {
            // Scroll the list alone so that the finding's edge meets the list's same edge (or
            // as near as the list goes).
            let seen = page.browser.js(
                "const [i, edge] = arguments;
                 const list = document.querySelector('#findings');
                 const item = list.querySelectorAll('li.finding')[i];
                 const inner = () => { const b = list.getBoundingClientRect();
                     const top = b.top + list.clientTop; return [top, top + list.clientHeight]; };
                 const [top, bottom] = inner();
                 list.scrollTop += edge === 'top' ? item.getBoundingClientRect().top - top
                                                  : item.getBoundingClientRect().bottom - bottom;
                 const b = item.getBoundingClientRect();
                 return { page: [scrollX, scrollY], item: [b.top, b.bottom], list: inner(),
                          kind: item.dataset.kind, text: item.textContent };",
                json!([i, edge]),
            );
            assert_eq!(seen["page"], scrolled, "the page scrolled: {seen}");
            let at = |key: &str, k: usize| seen[key][k].as_f64().unwrap();
            let (line, inside) = if edge == "top" {
                (at("item", 0), at("item", 0) >= at("list", 0) - 0.5)
            } else {
                (at("item", 1), at("item", 1) <= at("list", 1) + 0.5)
            };
            assert!(
                inside && line >= 0.0 && line <= f64::from(viewport[1]),
                "the {edge} of finding {i} of {count} cannot be scrolled into view in the \
                 {column}: {seen}"
            );
            assert!(
                seen["text"].as_str().unwrap().len() > 100,
                "finding {i} is no paragraph: {seen}"
            );
            if edge == "top" {
                kinds.push(seen["kind"].as_str().unwrap().to_string());
            }
        }
    }
    // Scrolled to the end, the diagnosis has kept its place and size.
    assert_eq!(
        page.js(diagnosis_box),
        before,
        "the diagnosis moved as its list scrolled"
    );
    save_scratch_png(
        &format!("{shot}-end.png"),
        &page.browser.screenshot(),
        viewport[0],
        viewport[1],
    );
    kinds
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn every_finding_reads_in_the_diagnosis_without_scrolling_the_page() {
    let page = Playground::open(MANY_FINDINGS);
    let server = train_until_findings(&page, 4);
    assert!(server.len() >= 4, "{server:?}");
    // In a 1440 × 900 laptop screen's window, in view from the top of the page, the notice
    // hidden.
    assert_eq!(notice(&page), None);
    let kinds = every_finding_in_view(&page, [1440, 857], "findings-1440x857");
    assert_eq!(kinds, server);
    // Below the fold in a 1024 × 768 window, where the notice brings it into view.
    resize_for_diagnosis(&page, [1024, 768], true);
    follow_notice(&page);
    let kinds = every_finding_in_view(&page, [1024, 625], "findings-1024x625");
    assert_eq!(kinds, server);
}

/// The output map's box in the viewport, from the top of the page: `[left, top, right, bottom]`.
fn map_box(page: &Playground) -> Value {
    page.js("window.scrollTo(0, 0);
             const b = document.querySelector('#heatmap-box').getBoundingClientRect();
             return [b.left, b.top, b.right, b.bottom];")
}

/// The line the output map's top keeps to or above in a 1024 × 625 viewport, from the top of
/// the page, in CSS pixels (it sits at 325, its 300 pixels whole above the fold; a little
/// slack for fonts).
const MAP_TOP_AT_MOST: f64 = 335.0;

/// The least share of the output map's height in view in a 1024 × 625 viewport, from the top
/// of the page.
const MAP_SHOWN_AT_LEAST: f64 = 0.96;

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_map_shows_and_stays_put_in_a_1024_by_768_window_as_findings_come_and_go() {
    let page = Playground::open_in(MANY_FINDINGS, 1024, 768);
    page.wait("a healthy first diagnosis", |p| {
        p.js("return document.querySelector('#findings li.none') ? true : null")
            .as_bool()
    });
    // Most of the map is in view without scrolling; nothing says there are findings.
    let healthy = map_box(&page);
    let at = |i: usize| healthy[i].as_f64().unwrap();
    let shown = (625.0_f64.min(at(3)) - at(1)) / (at(3) - at(1));
    assert!(
        at(1) <= MAP_TOP_AT_MOST && shown >= MAP_SHOWN_AT_LEAST,
        "the map's top at {}, {:.0} % of it in view: {healthy}",
        at(1),
        shown * 100.0
    );
    assert_eq!(notice(&page), None);
    save_scratch_png(
        "map-1024x625-healthy.png",
        &page.browser.screenshot(),
        1024,
        625,
    );
    let kinds = train_until_findings(&page, 4);
    assert!(kinds.len() >= 4, "{kinds:?}");
    let findings = map_box(&page);
    // The notice counts them (the page the server's findings, settled).
    let said = page.wait("the notice", notice);
    save_scratch_png(
        "map-1024x625-findings.png",
        &page.browser.screenshot(),
        1024,
        625,
    );
    assert_eq!(findings, healthy, "the map moved when findings came");
    assert_eq!(said, notice_for(kinds.len()));
    // A reset starts a new network: its findings go.
    page.click("#reset");
    page.wait("the findings to go", |p| {
        p.js("return document.querySelector('#findings li.finding') ? null : true")
            .as_bool()
    });
    assert_eq!(map_box(&page), healthy, "the map moved when findings went");
    assert_eq!(notice(&page), None);
}

/// The loss chart's labels, top first: `(data-value, y, text)` each; its `data-scale`; and the
/// last point of the train and test lines, `[x, y]`.
fn loss_chart(page: &Playground) -> (Vec<(f64, f64, String)>, String, Value) {
    let chart = page.js("const svg = document.querySelector('#loss-chart');
         const ticks = Array.from(svg.querySelectorAll('text.tick'),
             t => [Number(t.dataset.value), Number(t.getAttribute('y')), t.textContent]);
         const last = (c) => svg.querySelector(`.loss-line.${c}`)
             .getAttribute('points').trim().split(' ').pop().split(',').map(Number);
         return { ticks, scale: svg.dataset.scale, train: last('train'), test: last('test') };");
    let ticks = chart["ticks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t[0].as_f64().unwrap(),
                t[1].as_f64().unwrap(),
                t[2].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let scale = chart["scale"].as_str().unwrap_or("").to_string();
    (ticks, scale, chart)
}

/// Checks that the chart is on the log scale: a label at each power of ten, written as a
/// reader writes it, and each loss drawn at its logarithm between them (the last point of each
/// line is the last frame's loss).
fn assert_log_chart(page: &Playground, at: &str) {
    let (ticks, scale, chart) = loss_chart(page);
    assert_eq!(scale, "log", "{at}: {chart}");
    assert!(ticks.len() >= 2, "{at}: {chart}");
    for (value, _, text) in &ticks {
        let k = value.log10().round() as i32;
        assert!((value.log10() - f64::from(k)).abs() < 1e-9, "{at}: {value}");
        let want = match k {
            -3..=4 => format!("{}", 10f64.powi(k)),
            _ => format!("10{}", superscript(k)),
        };
        assert_eq!(text, &want, "{at}");
    }
    // y of a loss from the two outer ticks.
    let (top, bottom) = (&ticks[0], &ticks[ticks.len() - 1]);
    let y = |loss: f64| {
        top.1
            + (top.0.log10() - loss.log10()) / (top.0.log10() - bottom.0.log10())
                * (bottom.1 - top.1)
    };
    for (line, id) in [("train", "#train-loss"), ("test", "#test-loss")] {
        let loss = page.number(id, "data-value");
        let drawn = chart[line][1].as_f64().unwrap();
        assert!(
            (drawn - y(loss)).abs() <= 0.2,
            "{at}: {line} loss {loss} drawn at y = {drawn}, its logarithm puts it at {}",
            y(loss)
        );
    }
}

/// Checks that the chart is on the linear scale: labels from 0 up in one round step (1, 2 or
/// 5 times a power of ten), each written as its value, evenly spaced, and each loss's line
/// ending at its value's height between them.
fn assert_linear_chart(page: &Playground, at: &str) {
    let (ticks, scale, chart) = loss_chart(page);
    assert_eq!(scale, "linear", "{at}: {chart}");
    assert!(ticks.len() >= 3, "{at}: {chart}");
    let (top, bottom) = (&ticks[0], &ticks[ticks.len() - 1]);
    assert_eq!((bottom.0, bottom.2.as_str()), (0.0, "0"), "{at}: {chart}");
    let step = ticks[ticks.len() - 2].0;
    let power = 10f64.powf(step.log10().floor());
    let mantissa = step / power;
    assert!(
        [1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9),
        "{at}: a step of {step}: {chart}"
    );
    let gap = (bottom.1 - top.1) / (ticks.len() - 1) as f64;
    for (i, (value, y, text)) in ticks.iter().rev().enumerate() {
        let want = i as f64 * step;
        assert!(
            (value - want).abs() <= 1e-9 * want.max(1.0),
            "{at}: {chart}"
        );
        assert_eq!(text, &format!("{value}"), "{at}: {chart}");
        assert!(
            (y - (bottom.1 - i as f64 * gap)).abs() <= 0.11,
            "{at}: {chart}"
        );
    }
    let y = |loss: f64| bottom.1 - loss / top.0 * (bottom.1 - top.1);
    for (line, id) in [("train", "#train-loss"), ("test", "#test-loss")] {
        let loss = page.number(id, "data-value");
        assert!(
            loss <= top.0,
            "{at}: {line} loss {loss} above the axis: {chart}"
        );
        let drawn = chart[line][1].as_f64().unwrap();
        assert!(
            (drawn - y(loss)).abs() <= 0.2,
            "{at}: {line} loss {loss} drawn at y = {drawn}, linearly at {}",
            y(loss)
        );
    }
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_loss_chart_switches_to_a_linear_scale_and_keeps_it_while_training() {
    let page = Playground::open("");
    page.train_until("epoch 200", |p| p.epoch() >= 200);
    save_scratch_png(
        "loss-chart-log.png",
        &page
            .browser
            .element_screenshot(&page.browser.find(".output-column")),
        300,
        200,
    );
    assert_log_chart(&page, "before the click");

    page.click("#log-scale");
    let checked = page.js("return document.querySelector('#log-scale').checked");
    assert_eq!(checked, json!(false));
    assert_linear_chart(&page, "after the click");
    let url = page.js("return location.search");
    assert!(url.as_str().unwrap().contains("log_scale=0"), "{url}");

    // The link keeps the choice: the page opened from it starts on the linear scale.
    let link = page.js("return location.href");
    page.browser.goto(link.as_str().unwrap());
    page.wait("the first frame", |p| p.attr("#epoch", "data-epoch"));
    let checked = page.js("return document.querySelector('#log-scale').checked");
    assert_eq!(checked, json!(false));
    assert_eq!(
        page.attr("#loss-chart", "data-scale").as_deref(),
        Some("linear")
    );

    // Frames keep coming while it trains; each redraw keeps the linear axis.
    let before = page.epoch();
    page.click("#play");
    page.wait("a line on the chart", |p| {
        (p.js("return document.querySelectorAll('#loss-chart text.tick').length")
            .as_u64()
            > Some(0))
        .then_some(())
    });
    for _ in 0..5 {
        let (ticks, scale, chart) = loss_chart(&page);
        assert_eq!(scale, "linear", "while training: {chart}");
        assert_eq!(
            ticks.last().map(|t| t.0),
            Some(0.0),
            "while training: {chart}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    page.wait("more epochs", |p| (p.epoch() >= before + 200).then_some(()));
    page.click("#play");
    page.settle();
    assert!(page.epoch() > before);
    assert_linear_chart(&page, "after more training");
    save_scratch_png(
        "loss-chart-linear.png",
        &page
            .browser
            .element_screenshot(&page.browser.find(".output-column")),
        300,
        200,
    );

    // And back: powers of ten again.
    page.click("#log-scale");
    assert_log_chart(&page, "back on the log scale");
}

/// `k` in superscript digits, as the chart writes an exponent.
fn superscript(k: i32) -> String {
    k.to_string()
        .chars()
        .map(|c| match c {
            '-' => '\u{207b}',
            '1' => '\u{b9}',
            '2' => '\u{b2}',
            '3' => '\u{b3}',
            d => char::from_u32(0x2070 + d.to_digit(10).unwrap()).unwrap(),
        })
        .collect()
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn one_minus_sign_everywhere_and_each_backward_step_shows_its_first_row() {
    let page = Playground::open("reg=l2&reg_rate=0.01");
    page.step();
    page.step();
    page.settle();
    page.pick_lone_point();
    page.click("#gradcheck");
    page.wait("the gradient check", |p| {
        p.js("return document.querySelectorAll('#gradcheck-table tr[data-name]').length || null")
            .as_u64()
    });
    // Stepping through the backward pass, forward to the end and back, the current step's
    // first row (the node and its gradient) is in the window, never under the table's sticky
    // header or below its box, and no row peeks out half hidden under the header.
    let steps = page
        .js("return document.querySelectorAll('#sample-backward tbody.step').length")
        .as_u64()
        .unwrap();
    assert!(steps > 10, "{steps} steps");
    let check_rows = |at: &str| {
        let r = page.js(
            "const row = document.querySelector('#sample-backward tbody.current tr');
             const box = row.closest('.scroll');
             const edge = document.querySelector('#sample-backward th').getBoundingClientRect().bottom;
             const end = box.getBoundingClientRect().top + box.clientTop + box.clientHeight;
             const r = row.getBoundingClientRect();
             const cut = Array.from(document.querySelectorAll('#sample-backward tbody:not([hidden]) tr'))
                 .map(t => t.getBoundingClientRect())
                 .find(t => t.top < edge - 0.5 && t.bottom > edge + 0.5);
             return { first: [r.top, r.bottom], edge, end, window: innerHeight,
                      cut: cut ? [cut.top, cut.bottom] : null };",
        );
        let n = |v: &Value| v.as_f64().unwrap();
        let (top, bottom) = (n(&r["first"][0]), n(&r["first"][1]));
        assert!(
            top >= n(&r["edge"]) - 0.5
                && bottom <= n(&r["end"]) + 0.5
                && top >= 0.0
                && bottom <= n(&r["window"]),
            "{at}: the step's first row is not in full view: {r}"
        );
        assert!(r["cut"].is_null(), "{at}: a row half under the header: {r}");
    };
    for s in 1..steps {
        page.click("#sample-next");
        check_rows(&format!("next to step {s}"));
    }
    for s in (0..steps - 1).rev() {
        page.click("#sample-prev");
        check_rows(&format!("back to step {s}"));
    }
    // Every number on the page, the server's words included, writes its minus as U+2212:
    // no hyphen starts a number or an exponent.
    page.js("for (const b of document.querySelectorAll('#sample-backward tbody.step')) b.hidden = false; return null;");
    let text = page
        .js("return document.body.innerText")
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains('\u{2212}'), "no negative number on the page");
    let chars: Vec<char> = text.chars().collect();
    for (i, pair) in chars.windows(2).enumerate() {
        if pair[0] == '-' && pair[1].is_ascii_digit() {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let exponent = before == Some('e') && i >= 2 && chars[i - 2].is_ascii_digit();
            let starts = before.is_none_or(|c| !c.is_ascii_alphanumeric());
            assert!(
                !(exponent || starts),
                "an ASCII minus: {:?}",
                chars[i.saturating_sub(30)..(i + 10).min(chars.len())]
                    .iter()
                    .collect::<String>()
            );
        }
    }
}

/// Where the screenshots go: the repository's `docs/pictures` with
/// `PLAYGROUND_SCREENSHOTS=1`, else Cargo's scratch directory for this package's tests.
fn screenshot_dir() -> PathBuf {
    if std::env::var("PLAYGROUND_SCREENSHOTS").as_deref() == Ok("1") {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/pictures")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
    }
}

/// Writes a PNG to the screenshot directory, checking that it is one and its size.
fn save_png(name: &str, png: &[u8], width: u32, height: u32) {
    save_png_in(&screenshot_dir(), name, png, width, height);
}

/// Writes a PNG for a test's own eyes under Cargo's scratch directory, whatever
/// `PLAYGROUND_SCREENSHOTS` says (these are no pictures for the docs).
fn save_scratch_png(name: &str, png: &[u8], width: u32, height: u32) {
    save_png_in(
        &PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
        name,
        png,
        width,
        height,
    );
}

/// Writes a PNG to `dir`, checking that it is one and its size.
fn save_png_in(dir: &std::path::Path, name: &str, png: &[u8], width: u32, height: u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name} is not a PNG");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(w >= width && h >= height, "{name}: {w} × {h}");
    let path = dir.join(name);
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    println!("wrote {} ({w} × {h}, {} bytes)", path.display(), png.len());
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn screenshots_of_what_a_learner_sees() {
    let page = Playground::open("");
    // The main view, partway through learning the circle.
    page.train_until("test loss below 0.1", |p| {
        p.number("#test-loss", "data-value") < 0.1
    });
    page.js("window.scrollTo(0, 0); return null;");
    save_png(
        "playground-main.png",
        &page.browser.screenshot(),
        WIDTH,
        600,
    );

    // The gradient view, hovering an edge of the second layer.
    page.click("#view-gradients");
    page.step();
    page.hover_edge(1, 0, 1);
    save_png(
        "playground-gradients.png",
        &page.browser.screenshot(),
        WIDTH,
        600,
    );

    // One sample, step by step, a few steps into the backward pass.
    page.click("#view-gradients");
    let map = page.browser.find("#heatmap-points");
    page.browser.pointer(&map, 40, -60, true);
    page.wait("the sample panel", |p| {
        p.js("return document.querySelector('#sample-panel').hidden ? null : true")
            .as_bool()
    });
    for _ in 0..5 {
        page.click("#sample-next");
    }
    // Tall enough for the whole panel.
    page.browser.resize(WIDTH, 2200);
    let panel = page.browser.find("#sample-panel");
    save_png(
        "playground-step.png",
        &page.browser.element_screenshot(&panel),
        600,
        400,
    );
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn the_linear_axis_steps_in_round_numbers_and_keeps_large_labels_in_the_gutter() {
    let page = Playground::open("");
    // A chart of its own on a scratch SVG, fed losses no healthy run reaches.
    let answer = page.js(
        "return import('/static/linechart.js').then(({ LossChart }) => {
             const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
             svg.setAttribute('width', 300);
             svg.setAttribute('height', 90);
             svg.setAttribute('class', 'loss-chart');
             document.body.appendChild(svg);
             const chart = new LossChart(svg);
             chart.setLog(false);
             const shown = (points) => {
                 chart.reset();
                 for (const [epoch, train, test] of points) chart.add(epoch, train, test);
                 chart.draw();
                 return Array.from(svg.querySelectorAll('text.tick'),
                     t => [Number(t.dataset.value), t.textContent, t.getBBox().x]);
             };
             const result = {
                 small: shown([[0, 0.52, 0.5], [10, 0.1, 0.12]]),
                 odd: shown([[0, 0.15, 0.14], [10, 0.01, 0.02]]),
                 large: shown([[0, 3.7e6, 3.1e6], [10, 2e5, 4e5]]),
                 tiny: shown([[0, 7e-6, 6e-6], [10, 1e-6, 2e-6]]),
             };
             svg.remove();
             return result;
         });",
    );
    let ticks = |name: &str| -> Vec<(f64, String)> {
        answer[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let x = t[2].as_f64().unwrap();
                assert!(x >= 0.0, "{name}: a label cut off at the left: {t}");
                (t[0].as_f64().unwrap(), t[1].as_str().unwrap().to_string())
            })
            .collect()
    };
    let text = |v: &[(f64, String)]| v.iter().map(|t| t.1.clone()).collect::<Vec<_>>();
    assert_eq!(text(&ticks("small")), ["0.6", "0.4", "0.2", "0"]);
    assert_eq!(text(&ticks("odd")), ["0.15", "0.1", "0.05", "0"]);
    assert_eq!(text(&ticks("large")), ["4e6", "3e6", "2e6", "1e6", "0"]);
    assert_eq!(ticks("large")[0].0, 4e6);
    assert_eq!(
        text(&ticks("tiny")),
        [
            "8e\u{2212}6",
            "6e\u{2212}6",
            "4e\u{2212}6",
            "2e\u{2212}6",
            "0"
        ]
    );
}

#[test]
#[ignore = "needs chromium and chromium-driver"]
fn a_finding_under_the_pointer_stays_lit_as_the_list_is_redrawn() {
    let page = Playground::open(MANY_FINDINGS);
    train_until_findings(&page, 2);
    // Pointing at a finding that names a layer lights that layer up on the network.
    let nothing = json!({ "layers": [], "neurons": 0 });
    assert_eq!(lit(&page), nothing);
    let layer = "#findings li.finding[data-layer]:not([data-neuron])";
    let item = page.browser.find(layer);
    page.browser.pointer(&item, 0, 0, false);
    // WebDriver rests the pointer on the middle of the finding's part in the window.
    let at = page.js(&format!(
        "const b = document.querySelector('{layer}').getBoundingClientRect();
         const mid = (lo, hi, end) => (Math.max(lo, 0) + Math.min(hi, end)) / 2;
         return [mid(b.left, b.right, innerWidth), mid(b.top, b.bottom, innerHeight)];"
    ));
    let named = page.attr(layer, "data-layer").unwrap();
    page.wait("the finding's layer lit", |p| {
        (lit(p) == json!({ "layers": [named], "neurons": 0 })).then_some(())
    });
    // Training on, the checkups redraw the list under the resting pointer: the same findings
    // with new numbers, or others in their place as findings come and go. Through each
    // redraw, what the finding now under the pointer names is lit. (Play and pause by script:
    // a WebDriver click would move the pointer.)
    let play = "document.querySelector('#play').click(); return null;";
    page.js(
        "for (const li of document.querySelectorAll('#findings li')) li.dataset.old = '';
             return null;",
    );
    page.js(play);
    page.wait("the list redrawn", |p| {
        p.js("return document.querySelector('#findings li[data-old]') ? null : true")
            .as_bool()
    });
    lit_under_pointer(&page, &at);
    page.js(play);
    page.settle();
    lit_under_pointer(&page, &at);
    // The pointer gone from the list, nothing is lit.
    page.browser.pointer_at(5, 5, false);
    page.wait("the layer dark again", |p| {
        (lit(p) == nothing).then_some(())
    });
}

/// What the network lights up for the finding in focus: the layers whose boxes are lit
/// (`data-layer`), and the number of neurons lit.
const LIT: &str = "({ layers: Array.from(document.querySelectorAll('#network .column-box.focus'),
                                 box => box.dataset.layer),
                     neurons: document.querySelectorAll('#network .node.focus').length })";

fn lit(page: &Playground) -> Value {
    page.js(&format!("return {LIT};"))
}

/// Checks that the network lights up what the finding under the pointer, resting `at` (x, y)
/// in the window, names: its layer, its neuron, or nothing (both read in one script, between
/// two redraws).
fn lit_under_pointer(page: &Playground, at: &Value) {
    let seen = page.browser.js(
        &format!(
            "const li = document.elementFromPoint(...arguments[0])?.closest('#findings li.finding');
             const under = li ? {{ kind: li.dataset.kind, layer: li.dataset.layer ?? null,
                                   neuron: li.dataset.neuron ?? null }} : null;
             return {{ under, lit: {LIT} }};"
        ),
        json!([at]),
    );
    let under = &seen["under"];
    let want = match (&under["layer"], &under["neuron"]) {
        (Value::String(layer), Value::Null) => json!({ "layers": [layer], "neurons": 0 }),
        (Value::String(_), Value::String(_)) => json!({ "layers": [], "neurons": 1 }),
        _ => json!({ "layers": [], "neurons": 0 }),
    };
    assert_eq!(seen["lit"], want, "under the pointer: {under}");
}
