//! Writing files whole or not at all, and durably.
//!
//! A file is written to a temporary sibling with a name no other writer uses, flushed to disk
//! (`fsync`), renamed over the destination (atomic on POSIX and Windows: a reader sees the old
//! file or the new one, never half) and the folder is flushed so the rename itself survives a
//! power cut. [`crate::report::OutputDir`] builds whole output folders on these primitives.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically and durably (see the module docs). The temporary file
/// is removed when anything fails; the destination is then untouched.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Output {
            path: path.to_path_buf(),
            message: "a file name is needed (not `/`, `.` or `..`)".into(),
        })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = dir.join(format!(
        ".{name}.schoolplan-tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = write_new_synced(&tmp, bytes).and_then(|_| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    sync_dir(dir).map_err(|e| Error::io(dir, e))
}

/// Creates `path` (which must not exist), writes `bytes` and flushes them to disk.
pub fn write_new_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Creates or truncates `path`, writes `bytes` and flushes them to disk.
pub fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Flushes a folder's entries (new names, renames) to disk. A no-op where folders cannot be
/// opened as files (Windows).
pub fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(path)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// The 64-bit FNV-1a hash of `bytes`: a fingerprint to notice that a file changed (not a
/// cryptographic hash).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a64::default();
    h.update(bytes);
    h.0
}

/// Incremental FNV-1a 64.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a64(pub u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Size in bytes and FNV-1a 64 fingerprint of a regular file, read in chunks.
pub fn file_fingerprint(path: &Path) -> io::Result<(u64, u64)> {
    let mut f = File::open(path)?;
    let mut h = Fnv1a64::default();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
    Ok((n, h.0))
}

/// Whether process `pid` is running: `Some(true/false)` where the system says (`/proc`),
/// `None` when it cannot be known.
pub fn process_alive(pid: u32) -> Option<bool> {
    let proc_root = Path::new("/proc/self");
    if proc_root.exists() {
        Some(Path::new("/proc").join(pid.to_string()).exists())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_file_atomic(&p, b"one").unwrap();
        write_file_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/a.txt");
        let e = write_file_atomic(&p, b"x").unwrap_err().to_string();
        assert!(e.contains("a.txt"), "{e}");
        assert!(!dir.path().join("no").exists());
    }

    #[test]
    fn fingerprint_matches_known_fnv_values_and_streaming() {
        // Reference values of FNV-1a 64 (Fowler, Noll, Vo).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&p, &bytes).unwrap();
        assert_eq!(
            file_fingerprint(&p).unwrap(),
            (bytes.len() as u64, fnv1a64(&bytes))
        );
    }

    #[test]
    fn own_process_is_alive() {
        if let Some(alive) = process_alive(std::process::id()) {
            assert!(alive);
            assert_eq!(process_alive(u32::MAX - 1), Some(false));
        }
    }
}
