//! Issue 10, cases 1–3, 10–12: the tool never loses a planner's files. Output folders are
//! written only when new, empty or the tool's own; a refused or failed run leaves everything
//! exactly as it was; killed runs are completed or cleaned up by the next one; two runs give
//! byte-identical files.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use schoolplan_testkit::scratch::{assert_ok, assert_refused, snapshot, text, Scratch};

const MANIFEST: &str = ".schoolplan-manifest.json";

fn run(s: &Scratch, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run", "inp/demo.toml", "--quiet"];
    args.extend_from_slice(extra);
    s.bin(&args)
}

/// Case 1: a folder with the planner's own notes is refused, untouched.
#[test]
fn case01_folder_with_notes_is_refused() {
    let s = Scratch::with_map("demo");
    let notes = s.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("meeting.txt"), "keep me").unwrap();
    let before = snapshot(s.path());
    for args in [
        vec!["run", "inp/demo.toml", "--out", "notes"],
        vec![
            "compare",
            "inp/demo.toml",
            "inp/demo-plan.toml",
            "--out",
            "notes",
        ],
        vec!["check", "inp/demo.toml", "--out", "notes"],
    ] {
        let o = s.bin(&args);
        assert_refused(&o, &["notes", "not empty", "meeting.txt", "--force"]);
        assert_eq!(snapshot(s.path()), before, "{args:?} changed something");
    }
}

/// Case 1: the scenario's own input folder, and the working folder, are refused.
#[test]
fn case01_input_folder_and_working_folder_are_refused() {
    let s = Scratch::with_map("demo");
    let before = snapshot(s.path());
    assert_refused(&run(&s, &["--out", "inp"]), &["not empty", "--force"]);
    let cwd = s.path().display().to_string();
    assert_refused(&run(&s, &["--out", &cwd]), &["not empty"]);
    assert_refused(&run(&s, &["--out", "."]), &["not empty"]);
    assert_refused(&run(&s, &["--out", "inp/.."]), &["not empty"]);
    assert_eq!(snapshot(s.path()), before);
}

/// Case 1: `--force` writes beside the planner's files and never replaces one of them.
#[test]
fn case01_force_keeps_every_foreign_file() {
    let s = Scratch::with_map("demo");
    let notes = s.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("meeting.txt"), "keep me").unwrap();
    assert_ok(&run(&s, &["--out", "notes", "--force"]));
    assert!(notes.join("report.html").is_file() && notes.join(MANIFEST).is_file());
    assert_eq!(
        std::fs::read_to_string(notes.join("meeting.txt")).unwrap(),
        "keep me"
    );
    // A second run (the folder is now the tool's) replaces its outputs, keeps the notes.
    assert_ok(&run(&s, &["--out", "notes"]));
    assert_eq!(
        std::fs::read_to_string(notes.join("meeting.txt")).unwrap(),
        "keep me"
    );
    // Into the input folder, even forced: schools.geojson is an input, so nothing is written.
    let before = snapshot(s.path());
    assert_refused(
        &run(&s, &["--out", "inp", "--force"]),
        &[
            "schools.geojson (not written by schoolplan)",
            "Nothing was changed",
        ],
    );
    assert_eq!(snapshot(s.path()), before);
}

/// Case 1: the tool's own folder with the planner's notes added is rewritten, notes kept; an
/// output edited in a spreadsheet is never overwritten.
#[test]
fn case01_own_folder_keeps_notes_and_edited_outputs() {
    let s = Scratch::with_map("demo");
    assert_ok(&run(&s, &["--out", "out/demo"]));
    let out = s.path().join("out/demo");
    std::fs::write(out.join("my-notes.md"), "mine").unwrap();
    assert_ok(&run(&s, &["--out", "out/demo"]));
    assert_eq!(
        std::fs::read_to_string(out.join("my-notes.md")).unwrap(),
        "mine"
    );
    std::fs::write(out.join("schools.csv"), "edited in WPS").unwrap();
    let before = snapshot(s.path());
    assert_refused(
        &run(&s, &["--out", "out/demo", "--force"]),
        &["schools.csv (changed since schoolplan wrote it)"],
    );
    assert_eq!(snapshot(s.path()), before);
}

fn with_scenario_line(s: &Scratch, line: &str) -> String {
    let text = std::fs::read_to_string(s.inp("demo.toml")).unwrap();
    let text = text.replacen("name = \"demo\"", line, 1);
    std::fs::write(s.inp("hostile.toml"), text).unwrap();
    "inp/hostile.toml".into()
}

/// Case 2: a scenario `name` that is a path, absolute or empty is refused.
#[test]
fn case02_scenario_name_must_be_plain() {
    let s = Scratch::with_map("demo");
    let victim = s.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("thesis.docx"), "years of work").unwrap();
    let abs = format!("name = {:?}", victim.display().to_string());
    let before = snapshot(s.path());
    for line in [
        "name = \"../victim\"",
        "name = \"../../victim\"",
        abs.as_str(),
        "name = \"\"",
    ] {
        let sc = with_scenario_line(&s, line);
        let o = s.bin(&["run", &sc, "--quiet"]);
        assert_refused(&o, &["hostile.toml", "`name`", "plain name"]);
        let mut now = snapshot(s.path());
        now.remove("inp/hostile.toml");
        assert_eq!(now, before, "{line}");
    }
}

/// Case 2: `[outputs].dir` is relative to the scenario file, and follows the ownership rules.
#[test]
fn case02_outputs_dir_is_relative_to_the_scenario_and_owned() {
    let s = Scratch::with_map("demo");
    let text = std::fs::read_to_string(s.inp("demo.toml")).unwrap();
    std::fs::write(
        s.inp("rel.toml"),
        format!("{text}\n[outputs]\ndir = \"results/rel\"\n"),
    )
    .unwrap();
    assert_ok(&s.bin(&["run", "inp/rel.toml", "--quiet"]));
    assert!(s.inp("results/rel/report.html").is_file());
    assert!(!s.path().join("results").exists());
    // Aimed at a folder that is not the tool's: refused.
    std::fs::write(
        s.inp("aim.toml"),
        format!("{text}\n[outputs]\ndir = \"..\"\n"),
    )
    .unwrap();
    let before = snapshot(s.path());
    assert_refused(&s.bin(&["run", "inp/aim.toml", "--quiet"]), &["not empty"]);
    assert_eq!(snapshot(s.path()), before);
}

/// Case 3: `--out` naming an existing file (or an input layer) fails and changes nothing.
#[test]
fn case03_output_onto_a_file_changes_nothing() {
    let s = Scratch::with_map("demo");
    std::fs::write(s.path().join("afile"), "precious").unwrap();
    let before = snapshot(s.path());
    assert_refused(&run(&s, &["--out", "afile"]), &["afile", "not a folder"]);
    assert_refused(
        &run(&s, &["--out", "inp/schools.geojson", "--force"]),
        &["schools.geojson", "not a folder"],
    );
    assert_refused(
        &s.bin(&[
            "compare",
            "inp/demo.toml",
            "inp/demo.toml",
            "--out",
            "afile",
        ]),
        &["not a folder"],
    );
    assert_eq!(snapshot(s.path()), before);
}

/// Case 3: a run that fails on its input leaves an existing output folder exactly as it was,
/// and creates nothing when there was none.
#[test]
fn case03_failed_run_leaves_target_as_it_was() {
    let s = Scratch::with_map("demo");
    assert_ok(&run(&s, &["--out", "out/demo"]));
    let schools = s.inp("schools.geojson");
    let good = std::fs::read(&schools).unwrap();
    std::fs::write(&schools, b"{ broken").unwrap();
    let before = snapshot(s.path());
    assert_refused(&run(&s, &["--out", "out/demo"]), &["schools.geojson"]);
    assert_refused(&run(&s, &["--out", "out/new/deeper"]), &["schools.geojson"]);
    assert_eq!(snapshot(s.path()), before);
    std::fs::write(&schools, good).unwrap();
}

/// Case 10: a time limit of 1e300 seconds is refused with the number, never a panic.
#[test]
fn case10_huge_time_limits_are_refused() {
    let s = Scratch::with_map("demo");
    let o = s.bin(&[
        "solve",
        "mclp",
        "--demand",
        "inp/population.geojson",
        "--candidates",
        "inp/candidates.geojson",
        "--p",
        "2",
        "--radius",
        "500",
        "--time-limit",
        "1e300",
        "--json",
    ]);
    assert_refused(&o, &["--time-limit", "1e300"]);
    let text = std::fs::read_to_string(s.inp("demo.toml")).unwrap();
    std::fs::write(
        s.inp("t.toml"),
        format!("{text}\n[[proposals]]\nid = \"X\"\nlevel = \"primary\"\nnew_sites = 1\ntime_limit_s = 1e300\n"),
    )
    .unwrap();
    for cmd in ["run", "check", "validate"] {
        let o = s.bin(&[cmd, "inp/t.toml"]);
        assert_refused(&o, &["t.toml", "time_limit_s", "1e300"]);
    }
}

fn dead_pid() -> Option<u32> {
    let pid = u32::MAX - 11;
    (Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists())
        .then_some(pid)
}

/// Case 11: staging folders left by killed runs are removed by the next run.
#[test]
fn case11_stale_staging_folders_are_removed() {
    let Some(pid) = dead_pid() else { return };
    let s = Scratch::with_map("demo");
    assert_ok(&run(&s, &["--out", "out/demo"]));
    let out = s.path().join("out/demo");
    let stage = out.join(format!(".schoolplan-stage-{pid}"));
    std::fs::create_dir(&stage).unwrap();
    std::fs::write(stage.join("report.html"), "half").unwrap();
    let sibling = s.path().join(format!("out/.demo2.schoolplan-new-{pid}"));
    std::fs::create_dir(&sibling).unwrap();
    std::fs::write(out.join(".schoolplan-lock"), pid.to_string()).unwrap();
    assert_ok(&run(&s, &["--out", "out/demo"]));
    assert_ok(&run(&s, &["--out", "out/demo2"]));
    assert!(!stage.exists() && !sibling.exists());
    assert!(!out.join(".schoolplan-lock").exists());
    let mut names: Vec<String> = std::fs::read_dir(s.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["demo", "demo2"]);
}

/// Case 11: `kill -9` at many moments of a run never loses the planner's notes or the inputs;
/// the next run leaves a complete folder and no temporary files.
#[test]
fn case11_killed_runs_never_lose_files() {
    let s = Scratch::with_map("fushun");
    let inputs = snapshot(&s.path().join("inp"));
    let sc = "inp/plan-2025.toml";
    let full = |out: &str| s.bin(&["run", sc, "--out", out, "--quiet"]);
    let t = Instant::now();
    assert_ok(&full("out/plan"));
    let took = t.elapsed();
    let out = s.path().join("out/plan");
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let complete = snapshot(&out);
    for k in 0..6u32 {
        // Kill points over the last third of a run, where the outputs are written; even kills
        // hit a rewrite of the tool's folder, odd ones the creation of a new folder.
        let delay = took.mul_f64(0.7 + 0.06 * f64::from(k));
        let target = if k % 2 == 0 { "out/plan" } else { "out/fresh" };
        let mut child = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
            .args(["run", sc, "--out", target, "--quiet"])
            .current_dir(s.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "mine"
        );
        assert_eq!(snapshot(&s.path().join("inp")), inputs, "inputs changed");
        let fresh = s.path().join("out/fresh");
        if fresh.exists() {
            // A new folder appears whole, with its manifest, or not at all.
            assert!(
                fresh.join(MANIFEST).is_file(),
                "kill {k}: partial new folder"
            );
            std::fs::remove_dir_all(&fresh).unwrap();
        }
    }
    assert_ok(&full("out/plan"));
    assert_ok(&full("out/fresh"));
    assert_eq!(snapshot(&out), complete, "the folder after the next run");
    let mut names: Vec<String> = std::fs::read_dir(s.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["fresh", "plan"], "temporary folders left");
}

/// Case 12: two runs of every shipped scenario give byte-identical files.
#[test]
fn case12_every_shipped_scenario_is_byte_identical_twice() {
    // Every scenario file shipped (a scenario has layers or extends one; rule presets have not).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("maps");
    let mut checked = 0;
    for map in ["demo", "fushun"] {
        let mut scenarios: Vec<String> = std::fs::read_dir(root.join(map))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .filter(|p| {
                let t = std::fs::read_to_string(p).unwrap();
                t.contains("[layers") || t.contains("extends")
            })
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        scenarios.sort();
        checked += scenarios.len();
        let s = Scratch::with_map(map);
        for sc in scenarios {
            let path = format!("inp/{sc}");
            assert_ok(&s.bin(&["run", &path, "--out", "a", "--quiet"]));
            assert_ok(&s.bin(&["run", &path, "--out", "b", "--quiet"]));
            let (a, b) = (snapshot(&s.path().join("a")), snapshot(&s.path().join("b")));
            assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
            for (name, bytes) in &a {
                assert!(
                    bytes == &b[name],
                    "{map}/{sc}: {name} differs between two runs"
                );
            }
            std::fs::remove_dir_all(s.path().join("a")).unwrap();
            std::fs::remove_dir_all(s.path().join("b")).unwrap();
        }
    }
    assert!(checked >= 9, "only {checked} shipped scenarios found");
    let _ = text;
}
