//! The page in a real browser: headless Chromium loads it from a file and
//! dumps the DOM after its scripts ran. The page's own script counts the
//! charts it finds and writes the count to `<body data-charts-ok>`; the
//! test wants every chart there, that count in the dumped DOM (so the
//! script ran and found them all) and no console message or uncaught
//! error in Chromium's log (`--enable-logging=stderr` prints each as a
//! `CONSOLE` line).
//!
//! Chromium is `$CHROMIUM`, else `chromium` on the `PATH`, else
//! `/usr/bin/chromium`; without it the tests fail saying how to install
//! it (`.ci/run` does).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use switchboard::metrics::{Metrics, Settings};

use super::sample;
use crate::html::{self, CHARTS, Options};
use crate::text::anchor;

/// How long Chromium may take.
const TIMEOUT: Duration = Duration::from_secs(90);

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromium"))
            .find(|p| p.is_file())
    });
    let found = on_path.or_else(|| {
        let p = PathBuf::from("/usr/bin/chromium");
        p.is_file().then_some(p)
    });
    found.unwrap_or_else(|| {
        panic!(
            "Chromium is needed to test the report page in a browser, and there is no \
             `chromium` on the PATH nor /usr/bin/chromium. Install it with \
             `apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM to its path."
        )
    })
}

/// A directory of its own under the temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "switchboard-report-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What Chromium made of a page.
struct Rendered {
    /// The DOM after the scripts ran.
    dom: String,
    /// Its log lines for console messages and uncaught errors.
    console: Vec<String>,
}

/// Loads `page` in headless Chromium at `#fragment` (none when empty)
/// and dumps its DOM.
fn render(name: &str, page: &str, fragment: &str) -> Rendered {
    let scratch = Scratch::new(name);
    let file = scratch.0.join("report.html");
    std::fs::write(&file, page).expect("the page written");
    let out = run_chromium(&file, fragment, &scratch.0.join("profile"));
    let console = out
        .1
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_owned)
        .collect();
    assert!(
        out.0.contains("</html>"),
        "Chromium dumped no DOM; its log:\n{}",
        out.1
    );
    Rendered {
        dom: out.0,
        console,
    }
}

/// Runs Chromium on `file`; its standard output and error.
fn run_chromium(file: &Path, fragment: &str, profile: &Path) -> (String, String) {
    let mut child = Command::new(chromium())
        .args([
            "--headless=new",
            "--disable-gpu",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}{fragment}", file.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run Chromium ({e}); install it with `apt-get install -y chromium`")
        });
    // Read both pipes on threads, so a full one cannot stall Chromium.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        match child.try_wait().expect("Chromium's status") {
            Some(_) => break,
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Chromium took over {TIMEOUT:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    (
        out.join().expect("stdout read"),
        err.join().expect("stderr read"),
    )
}

fn assert_charts_ok(r: &Rendered) {
    assert!(
        r.console.is_empty(),
        "the page logged to the console:\n{}",
        r.console.join("\n")
    );
    for name in CHARTS {
        assert!(
            r.dom.contains(&format!("<svg data-chart=\"{name}\"")),
            "no {name} chart in the DOM"
        );
    }
    assert!(
        r.dom
            .contains(&format!("data-charts-ok=\"{}\"", CHARTS.len())),
        "the page's script did not find every chart"
    );
}

#[test]
fn chromium_renders_every_chart_of_the_engine_traffic() {
    // Two days of the engine's own traffic: over 2,000 conversations.
    let report = sample::engine_traffic();
    let page = html::page(report, &Options::default());
    // Opened at a queue's drill-down, as a click on its row does.
    let queue = report.summary.queues.keys().next().expect("a queue");
    let target = anchor("queue", queue);
    let r = render("week", &page, &format!("#{target}"));
    assert_charts_ok(&r);
    assert!(
        r.dom
            .contains(&format!("<details id=\"{target}\" open=\"\">")),
        "the queue's conversations were not opened"
    );
    // The conversation list came through whole.
    assert_eq!(
        r.dom.matches("<tr id=\"conv-").count(),
        html::MAX_CONVERSATIONS
    );
}

#[test]
fn chromium_renders_an_empty_report() {
    let report = Metrics::new(Settings::new()).report();
    let r = render("empty", &html::page(&report, &Options::default()), "");
    assert_charts_ok(&r);
    assert!(r.dom.contains("no data"));
}

#[test]
fn chromium_log_shows_script_errors() {
    // The check itself: a page whose script fails, and one missing a
    // chart, are caught.
    let report = Metrics::new(Settings::new()).report();
    let page = html::page(&report, &Options::default());
    let broken = page.replace("</body>", "<script>noSuchFunction();</script></body>");
    let r = render("broken", &broken, "");
    assert!(
        r.console.iter().any(|l| l.contains("noSuchFunction")),
        "an uncaught error went unseen: {:?}",
        r.console
    );
    let missing = page.replace("data-chart=\"csat\"", "data-chart=\"gone\"");
    let r = render("missing", &missing, "");
    assert!(r.dom.contains("data-charts-ok=\"6\""));
    assert!(r.console.iter().any(|l| l.contains("charts missing: csat")));
}
