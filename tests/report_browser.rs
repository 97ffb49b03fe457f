//! Renders the sample report in headless Chromium and checks the screenshot; runs the maps'
//! script in Chromium (`report.html#selftest`: a click on a school and a township, a zoom, a pan;
//! `--dump-dom` gives back what happened) on the sample and on a real run of the Fushun plan.
//!
//! Skips (with a note) when `chromium` is not installed, but fails when the `CI` environment
//! variable is set: CI installs it (`apt-get install -y chromium`). Set
//! `SCHOOLPLAN_REPORT_KEEP=<folder>` to keep the rendered report and screenshots there.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use schoolplan::config::Language;
use schoolplan::report::{self, Comparison, Summary};
use schoolplan_testkit::sample::SampleRun;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|d| Path::new(d).join(name))
                .find(|p| p.is_file())
        })
}

fn require_chromium() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        schoolplan_testkit::tools::missing("chromium", "chromium", "the browser test");
    }
    found
}

/// Screenshots `page` into `png`; returns Chromium's stderr.
fn screenshot(chrome: &Path, page: &Path, png: &Path, work: &Path) -> String {
    let profile = work.join(format!(
        "profile-{}",
        png.file_stem().unwrap().to_string_lossy()
    ));
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,4000")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "chromium failed: {stderr}");
    stderr
}

/// Lines of Chromium's log that report a page problem: console errors, script errors, failed
/// loads (the report must need no network).
fn page_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains("CONSOLE")
                || l.contains("Uncaught")
                || l.contains("net::ERR_FILE_NOT_FOUND")
                || (l.contains("Failed to load") && !l.contains("GPU"))
        })
        .collect()
}

/// Opens `page#selftest` and returns the JSON the page's script wrote into `<pre id="selftest">`,
/// with Chromium's stderr.
fn selftest(chrome: &Path, page: &Path, work: &Path, name: &str) -> (serde_json::Value, String) {
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--window-size=1280,2000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join(format!("profile-selftest-{name}")).display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}#selftest", page.display()))
        .output()
        .expect("chromium starts");
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let start = dom
        .find("<pre id=\"selftest\">")
        .unwrap_or_else(|| panic!("no self-test output; the script did not run: {stderr}"));
    let body = &dom[start + "<pre id=\"selftest\">".len()..];
    let json = &body[..body.find("</pre>").unwrap()];
    let json = json
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    (
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}")),
        stderr,
    )
}

/// The self-test shows the maps pan, zoom and answer clicks.
fn check_selftest(r: &serde_json::Value, min_maps: u64) {
    assert!(r["errors"].as_array().unwrap().is_empty(), "{r}");
    assert!(r["maps"].as_u64().unwrap() >= min_maps, "{r}");
    let view = |k: &str| -> Vec<f64> {
        r[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let (before, zoomed, panned) = (
        view("view_before"),
        view("view_zoomed"),
        view("view_panned"),
    );
    assert!(
        (zoomed[2] - before[2] / 2.0).abs() < 0.2,
        "zoom halves the view: {r}"
    );
    assert_eq!(panned[2], zoomed[2]);
    assert!(panned[0] > zoomed[0], "pan moves the view: {r}");
    // Markers keep their screen size: scaled by the zoom.
    assert!(
        r["marker_transform"]
            .as_str()
            .unwrap()
            .ends_with("scale(0.5)"),
        "{r}"
    );
    let school = r["school_panel"].as_str().unwrap();
    assert!(
        school.lines().count() >= 3,
        "the school's figures: {school:?}"
    );
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn report_renders_in_chromium_without_errors() {
    let Some(chrome) = require_chromium() else {
        return;
    };
    let work = match std::env::var_os("SCHOOLPLAN_REPORT_KEEP") {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("schoolplan-browser-{}", std::process::id())),
    };
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).unwrap();
    let (base, plan) = (SampleRun::baseline(), SampleRun::plan());
    for (lang, name) in [(Language::Zh, "zh"), (Language::En, "en")] {
        let out = work.join(format!("run-{name}"));
        report::write_run(&out, &base.bundle(), lang).unwrap();
        let png = work.join(format!("report-{name}.png"));
        let stderr = screenshot(&chrome, &out.join("report.html"), &png, &work);
        let errors = page_errors(&stderr);
        assert!(errors.is_empty(), "page errors: {errors:#?}");
        let bytes = fs::read(&png).unwrap();
        assert_eq!(png_size(&bytes), (1280, 4000));
        let (r, stderr) = selftest(&chrome, &out.join("report.html"), &work, name);
        assert!(page_errors(&stderr).is_empty(), "{stderr}");
        check_selftest(&r, 1);
        let area = r["area_panel"].as_str().unwrap_or("");
        assert!(
            area.contains(if name == "zh" {
                "覆盖率"
            } else {
                "Coverage"
            }),
            "{r}"
        );
        // A blank page compresses to a few kilobytes; maps, tables and text do not.
        assert!(
            bytes.len() > 60_000,
            "screenshot looks empty: {} bytes",
            bytes.len()
        );
    }
    let (bb, bp) = (base.bundle(), plan.bundle());
    let sa = Summary::build(
        &bb,
        &report::areas::area_stats(&bb),
        &report::gaps::gap_areas(&bb).unwrap(),
        &[],
    );
    let sp = Summary::build(
        &bp,
        &report::areas::area_stats(&bp),
        &report::gaps::gap_areas(&bp).unwrap(),
        &[],
    );
    let cmp = Comparison::from_summaries(&sa, &sp).with_cells(&bb, &bp);
    let out = work.join("compare");
    report::compare::write_compare_runs(&out, &cmp, &bb, &bp, Language::Zh).unwrap();
    let png = work.join("compare.png");
    let stderr = screenshot(&chrome, &out.join("compare.html"), &png, &work);
    assert!(page_errors(&stderr).is_empty(), "{stderr}");
    assert!(fs::metadata(&png).unwrap().len() > 20_000);
    if std::env::var_os("SCHOOLPLAN_REPORT_KEEP").is_none() {
        fs::remove_dir_all(&work).unwrap();
    }
}

#[test]
fn fushun_report_maps_are_interactive_with_a_central_close_up() {
    let Some(chrome) = require_chromium() else {
        return;
    };
    let work = match std::env::var_os("SCHOOLPLAN_REPORT_KEEP") {
        Some(d) => PathBuf::from(d).join("browser-fushun"),
        None => {
            std::env::temp_dir().join(format!("schoolplan-browser-fushun-{}", std::process::id()))
        }
    };
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).unwrap();
    let out = work.join("run");
    let run = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "maps/fushun/plan-2025.toml", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    // Four levels, each with the whole city and the central district, and its gap map.
    assert_eq!(html.matches("<figure class=\"mapfig\">").count(), 12);
    assert!(html.contains("中心城区"));
    let (r, stderr) = selftest(&chrome, &out.join("report.html"), &work, "fushun");
    assert!(page_errors(&stderr).is_empty(), "{stderr}");
    check_selftest(&r, 8);
    assert!(r["area_panel"].as_str().unwrap().contains("覆盖率"), "{r}");
    let png = work.join("fushun.png");
    screenshot(&chrome, &out.join("report.html"), &png, &work);
    assert!(fs::metadata(&png).unwrap().len() > 60_000);
    if std::env::var_os("SCHOOLPLAN_REPORT_KEEP").is_none() {
        fs::remove_dir_all(&work).unwrap();
    }
}
