//! Opening input files safely: regular files only, and no larger than a stated cap.
//!
//! A layer path that names a named pipe (FIFO) would block the run forever, `/dev/urandom`
//! would be read until memory runs out, a folder gives an unhelpful system error. Every input
//! is therefore checked *before it is opened*: it must be a regular file (a symbolic link to
//! one is fine) and its size must be within a cap ([`MAX_LAYER_BYTES`] for GeoJSON layers,
//! [`MAX_SCENARIO_BYTES`] for scenario files, [`MAX_MATRIX_BYTES`] for a streamed cost matrix).
//! Reading stops at the cap even if the file grows meanwhile. The error states the cap.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// Largest GeoJSON layer read, bytes (1 GiB: a million population cells is about 300 MB).
pub const MAX_LAYER_BYTES: u64 = 1 << 30;
/// Largest scenario or rule-preset file read, bytes (16 MiB).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;
/// Largest cost-matrix CSV read, bytes (16 GiB; it is streamed, not held in memory).
pub const MAX_MATRIX_BYTES: u64 = 16 << 30;

/// Why an input file cannot be read.
#[derive(Debug)]
pub enum InputError {
    /// The operating system refused (missing file, permissions, …).
    Io(io::Error),
    /// Not a regular file: what it is.
    NotRegular(&'static str),
    /// Larger than the cap.
    TooLarge {
        /// Its size, bytes.
        bytes: u64,
        /// The cap, bytes.
        max: u64,
    },
}

/// A size in bytes for people: `1 GiB`, `16 MiB`, `3.2 GiB (3435973836 bytes)`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            return if n.is_multiple_of(size) {
                format!("{} {unit}", n / size)
            } else {
                format!("{:.1} {unit} ({n} bytes)", n as f64 / size as f64)
            };
        }
    }
    format!("{n} bytes")
}

impl InputError {
    /// What was expected, for a [`crate::error::Problem`].
    pub fn expected(&self, max: u64) -> String {
        format!("a readable regular file of at most {}", human_bytes(max))
    }

    /// What was found, for a [`crate::error::Problem`].
    pub fn found(&self) -> String {
        match self {
            InputError::Io(e) => e.to_string(),
            InputError::NotRegular(what) => what.to_string(),
            InputError::TooLarge { bytes, max } => format!(
                "a file of {} (the limit is {})",
                human_bytes(*bytes),
                human_bytes(*max)
            ),
        }
    }

    /// One sentence: `expected …, found …`.
    pub fn message(&self, max: u64) -> String {
        format!("expected {}, found {}", self.expected(max), self.found())
    }
}

fn kind_of(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device (such as /dev/urandom)";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Checks that `path` is a regular file of at most `max` bytes, without opening it; returns
/// its size.
pub fn check_regular(path: &Path, max: u64) -> Result<u64, InputError> {
    let meta = fs::metadata(path).map_err(InputError::Io)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind_of(&meta.file_type())));
    }
    if meta.len() > max {
        return Err(InputError::TooLarge {
            bytes: meta.len(),
            max,
        });
    }
    Ok(meta.len())
}

/// Opens `path` after [`check_regular`], for streaming; the reader stops at `max` bytes.
pub fn open_capped(path: &Path, max: u64) -> Result<io::Take<File>, InputError> {
    check_regular(path, max)?;
    let f = File::open(path).map_err(InputError::Io)?;
    Ok(f.take(max))
}

/// Reads all of `path` after [`check_regular`]; fails if it turns out larger than `max`.
pub fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    let size = check_regular(path, max)?;
    let f = File::open(path).map_err(InputError::Io)?;
    let mut buf = Vec::with_capacity(size as usize);
    f.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(InputError::Io)?;
    if buf.len() as u64 > max {
        return Err(InputError::TooLarge {
            bytes: buf.len() as u64,
            max,
        });
    }
    Ok(buf)
}

/// [`read_capped`] as UTF-8 text.
pub fn read_text_capped(path: &Path, max: u64) -> Result<String, InputError> {
    let bytes = read_capped(path, max)?;
    String::from_utf8(bytes)
        .map_err(|e| InputError::Io(io::Error::new(io::ErrorKind::InvalidData, e.utf8_error())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_only_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.geojson");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_capped(&p, 10).unwrap().len(), 10);
        let e = read_capped(&p, 9).unwrap_err();
        assert!(e.found().contains("10 bytes") && e.expected(9).contains("9 bytes"));
        let e = read_capped(dir.path(), 100).unwrap_err();
        assert_eq!(e.found(), "a folder");
        #[cfg(unix)]
        {
            let e = read_capped(Path::new("/dev/urandom"), MAX_LAYER_BYTES).unwrap_err();
            assert!(e.found().contains("character device"), "{}", e.found());
        }
        assert!(matches!(
            read_capped(&dir.path().join("none"), 1),
            Err(InputError::Io(_))
        ));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(MAX_LAYER_BYTES), "1 GiB");
        assert_eq!(human_bytes(MAX_SCENARIO_BYTES), "16 MiB");
        assert_eq!(human_bytes(1536), "1.5 KiB (1536 bytes)");
        assert_eq!(human_bytes(12), "12 bytes");
    }
}
