//! An output folder written whole or not at all.
//!
//! [`OutputDir::create`] makes an empty temporary sibling `<out>.tmp-<pid>`; files are written
//! into it; [`OutputDir::commit`] renames the old `<out>` aside (`<out>.old-<pid>`), renames the
//! temporary folder into place and removes the old one. Dropping an `OutputDir` without
//! committing (an error on the way) removes the temporary folder, leaving `<out>` untouched.
//! Between the two renames of `commit` there is a moment without `<out>`; a crash there leaves
//! the old outputs in `<out>.old-<pid>`, never a half-written `<out>`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A temporary output folder, renamed into place on [`OutputDir::commit`].
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    out.with_file_name(format!("{name}.{suffix}-{}", std::process::id()))
}

impl OutputDir {
    /// Starts writing the folder `out`: creates its parent if needed and an empty temporary
    /// sibling `<out>.tmp-<pid>` (a leftover one from a crashed run of the same pid is removed).
    pub fn create(out: &Path) -> Result<OutputDir> {
        if out.file_name().is_none() {
            return Err(Error::Output {
                path: out.to_path_buf(),
                message: "the output folder needs a name (not `/`, `.` or `..`)".into(),
            });
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let tmp = sibling(out, "tmp");
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(OutputDir {
            target: out.to_path_buf(),
            tmp,
            committed: false,
        })
    }

    /// The temporary folder files are written into.
    pub fn tmp_path(&self) -> &Path {
        &self.tmp
    }

    /// The final folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes `name` (a plain file name, or a relative path whose folders are created) with
    /// `contents` as UTF-8.
    pub fn write(&self, name: &str, contents: &str) -> Result<()> {
        self.write_bytes(name, contents.as_bytes())
    }

    /// Writes raw bytes to `name` inside the folder.
    pub fn write_bytes(&self, name: &str, contents: &[u8]) -> Result<()> {
        let rel = Path::new(name);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::Output {
                path: self.target.join(name),
                message: "output file names must be relative paths without `..`".into(),
            });
        }
        let path = self.tmp.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, contents).map_err(|e| Error::io(&self.target.join(name), e))
    }

    /// Moves the folder into place, replacing any previous `<out>` as a whole.
    pub fn commit(mut self) -> Result<()> {
        let old = sibling(&self.target, "old");
        let had_old = self.target.exists();
        if had_old {
            if old.exists() {
                fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
            }
            fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.target) {
            if had_old {
                // Put the previous outputs back; the error is what matters.
                let _ = fs::rename(&old, &self.target);
            }
            return Err(Error::io(&self.target, e));
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("schoolplan-outdir-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn commit_replaces_old_folder_whole() {
        let base = scratch("commit");
        let out = base.join("run");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("stale.txt"), "old").unwrap();
        let d = OutputDir::create(&out).unwrap();
        d.write("a.txt", "é").unwrap();
        assert!(!out.join("a.txt").exists(), "nothing visible before commit");
        d.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "é");
        assert!(!out.join("stale.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(&base)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn error_leaves_no_partial_folder() {
        let base = scratch("error");
        let out = base.join("run");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("keep.txt"), "old").unwrap();
        let result: Result<()> = (|| {
            let d = OutputDir::create(&out)?;
            d.write("a.txt", "x")?;
            d.write("../escape.txt", "x")?; // fails
            d.commit()
        })();
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "old");
        assert!(!out.join("a.txt").exists());
        let names: Vec<_> = fs::read_dir(&base)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("run")]);
        fs::remove_dir_all(&base).unwrap();
    }
}
