//! Shared helpers of the hostile-input tests: a scratch copy of a shipped map and the real
//! binary run inside it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder holding a copy of `maps/<map>` in `inp/` (and nothing else).
pub struct Scratch {
    /// The folder (removed when dropped).
    pub dir: tempfile::TempDir,
}

impl Scratch {
    /// A copy of `maps/<map>` with its sub-folders.
    pub fn with_map(map: &str) -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(
            &crate::repo_root().join("maps").join(map),
            &dir.path().join("inp"),
        );
        Scratch { dir }
    }

    /// The scratch folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A file of the map's copy (`inp/<name>`).
    pub fn inp(&self, name: &str) -> PathBuf {
        self.dir.path().join("inp").join(name)
    }

    /// Runs the binary with `args` in the scratch folder.
    pub fn bin(&self, args: &[&str]) -> Output {
        Command::new(crate::schoolplan_bin())
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Bytes as text (lossy), for messages.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every file below `dir` (relative path → bytes); folders as `name/` with no bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd {
        let e = e.unwrap();
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        let t = e.file_type().unwrap();
        if t.is_dir() {
            out.insert(format!("{name}/"), Vec::new());
            walk(&e.path(), &format!("{name}/"), out);
        } else if t.is_file() {
            out.insert(name, std::fs::read(e.path()).unwrap());
        } else {
            out.insert(format!("{name}@"), Vec::new());
        }
    }
}

/// Asserts exit code 2, no panic, and that stderr mentions every fragment.
pub fn assert_refused(o: &Output, fragments: &[&str]) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "expected exit 2; stderr:\n{err}");
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
    for f in fragments {
        assert!(err.contains(f), "stderr should mention {f:?}:\n{err}");
    }
}

/// Asserts exit code 0.
pub fn assert_ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}
