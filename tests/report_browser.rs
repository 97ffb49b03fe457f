//! Renders the sample report in headless Chromium and checks the screenshot.
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
    match chromium() {
        Some(p) => Some(p),
        None if std::env::var_os("CI").is_some() => {
            panic!("chromium is required under CI (apt-get install -y chromium)")
        }
        None => {
            eprintln!("note: chromium not found; skipping the browser test (install with apt-get install -y chromium)");
            None
        }
    }
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
        &report::gaps::gap_areas(&bb),
        &[],
    );
    let sp = Summary::build(
        &bp,
        &report::areas::area_stats(&bp),
        &report::gaps::gap_areas(&bp),
        &[],
    );
    let cmp = Comparison::from_summaries(&sa, &sp).with_cells(&bb, &bp);
    let out = work.join("compare");
    report::write_compare(&out, &cmp, Language::Zh).unwrap();
    let png = work.join("compare.png");
    let stderr = screenshot(&chrome, &out.join("compare.html"), &png, &work);
    assert!(page_errors(&stderr).is_empty(), "{stderr}");
    assert!(fs::metadata(&png).unwrap().len() > 20_000);
    if std::env::var_os("SCHOOLPLAN_REPORT_KEEP").is_none() {
        fs::remove_dir_all(&work).unwrap();
    }
}
