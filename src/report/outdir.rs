//! Output folders the tool owns: written whole or not at all, and never at the cost of a file
//! it did not write.
//!
//! ## Ownership
//!
//! Every folder schoolplan writes carries a manifest, [`MANIFEST`] (`.schoolplan-manifest.json`),
//! listing the files it wrote with their size and fingerprint (FNV-1a 64). The rules:
//!
//! - A folder that does **not exist** is created: the files are written into a temporary
//!   sibling `.<name>.schoolplan-new-<pid>` and that folder is renamed into place, whole.
//! - An **empty** folder, or one schoolplan **wrote before** (it has a readable manifest), is
//!   written into. Only files the manifest lists *and that are unchanged* are replaced; files
//!   the planner put there (notes, a spreadsheet) are left as they are. With [`Mode::Replace`]
//!   (`run`, `compare`) outputs the same command wrote before and no longer writes (a map of a
//!   level no longer measured) are removed when unchanged — another command's outputs stay;
//!   [`Mode::Update`] (`check --out`) keeps everything else.
//! - A **non-empty folder without a manifest** is refused (exit 2) with a message saying why
//!   and what to do — unless `--force` ([`OutputOptions::force`]): then the outputs are written
//!   beside the files there, which are never deleted or replaced.
//! - Whatever the options, an output whose name is taken by a file schoolplan did not write
//!   (or one it wrote that was edited since) is refused, naming the file: nothing in the folder
//!   is changed. A path that exists and is not a folder is refused. Nothing outside the target
//!   folder is ever renamed or deleted.
//!
//! ## Whole or not at all
//!
//! Files are written into a staging folder `.schoolplan-stage-<pid>` inside the target and
//! flushed to disk (`fsync`). To commit, the staging folder is renamed `.schoolplan-ready-<pid>`
//! (the commit point) with the new manifest and the list of stale outputs to remove; then each
//! file is renamed over its old version (one atomic rename per file — there is never a moment
//! without the file), stale outputs are removed and the manifest is renamed in last. A run that
//! fails before the commit point removes its staging folder and leaves the target exactly as
//! it was. A run killed after it is *rolled forward* by the next run that writes the folder
//! (its files are complete and flushed), so the folder never stays half-updated. Staging
//! folders of killed runs (`.schoolplan-stage-*`, `.<name>.schoolplan-new-*` of processes that
//! no longer run) are removed by the next run. A lock file `.schoolplan-lock` keeps two runs
//! from writing the same folder at once.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::atomic::{
    file_fingerprint, process_alive, sync_dir, write_new_synced, write_synced,
};

/// The manifest file of an output folder.
pub const MANIFEST: &str = ".schoolplan-manifest.json";
/// Names starting with this are schoolplan's own bookkeeping inside an output folder.
const RESERVED: &str = ".schoolplan-";
const LOCK: &str = ".schoolplan-lock";
const STAGE: &str = ".schoolplan-stage-";
const READY: &str = ".schoolplan-ready-";
const REMOVE: &str = ".schoolplan-remove.json";
/// Foreign entries named in a refusal message.
const MAX_NAMED: usize = 5;

/// What a commit does with outputs of the previous run that this run does not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The run's files are its producer's whole output: outputs the same producer wrote before
    /// and no longer writes (unchanged) are removed; other producers' outputs stay.
    #[default]
    Replace,
    /// The run adds or updates some files: other outputs stay listed and untouched.
    Update,
}

/// How an output folder may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputOptions {
    /// Write into a non-empty folder schoolplan did not create (files there are kept; a name
    /// clash is still refused).
    pub force: bool,
    /// Replace the whole output, or update some files.
    pub mode: Mode,
    /// Who writes (`run`, `compare`, `check`), recorded per file in the manifest.
    pub producer: &'static str,
}

/// One file of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// File name inside the folder.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// FNV-1a 64 fingerprint of the contents, 16 hex digits.
    pub fnv1a64: String,
    /// The command that wrote it (`run`, `compare`, `check`).
    #[serde(default)]
    pub by: String,
}

/// The list of files schoolplan wrote into a folder (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version, 1.
    pub schoolplan_manifest: u32,
    /// What this file is, for a person who finds it.
    pub about: String,
    /// The files, sorted by name.
    pub files: Vec<ManifestEntry>,
}

const ABOUT: &str = "Files written by schoolplan. A later run replaces only these files, and only while they are unchanged; it never deletes or overwrites anything else in this folder.";

impl Manifest {
    fn new(files: Vec<ManifestEntry>) -> Manifest {
        let mut files = files;
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Manifest {
            schoolplan_manifest: 1,
            about: ABOUT.into(),
            files,
        }
    }

    fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a manifest; `None` when absent, unreadable, or naming anything but plain files.
    pub fn read(path: &Path) -> Option<Manifest> {
        let text = fs::read_to_string(path).ok()?;
        let m: Manifest = serde_json::from_str(&text).ok()?;
        let plain = m.files.iter().all(|e| plain_name(&e.name));
        (m.schoolplan_manifest == 1 && plain).then_some(m)
    }

    fn by_name(&self) -> BTreeMap<&str, &ManifestEntry> {
        self.files.iter().map(|e| (e.name.as_str(), e)).collect()
    }
}

/// A plain file name: one path component, not schoolplan's bookkeeping.
fn plain_name(name: &str) -> bool {
    let p = Path::new(name);
    let mut c = p.components();
    matches!((c.next(), c.next()), (Some(Component::Normal(_)), None))
        && !name.starts_with(RESERVED)
        && !name.contains(['/', '\\'])
}

fn entry_of(dir: &Path, name: &str, by: &str) -> std::io::Result<ManifestEntry> {
    let (bytes, h) = file_fingerprint(&dir.join(name))?;
    Ok(ManifestEntry {
        name: name.to_string(),
        bytes,
        fnv1a64: format!("{h:016x}"),
        by: by.to_string(),
    })
}

/// Whether `dir/name` is a regular file (not a link) with the contents the entry records.
fn unchanged(dir: &Path, e: &ManifestEntry) -> bool {
    let p = dir.join(&e.name);
    match fs::symlink_metadata(&p) {
        Ok(m) if m.file_type().is_file() && m.len() == e.bytes => {
            entry_of(dir, &e.name, &e.by).is_ok_and(|now| now == *e)
        }
        _ => false,
    }
}

fn out_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// What is in an existing folder.
struct Inspection {
    manifest: Option<Manifest>,
    /// Entries that are neither listed in the manifest nor bookkeeping, sorted.
    foreign: Vec<String>,
}

fn inspect(dir: &Path) -> Result<Inspection> {
    let manifest = Manifest::read(&dir.join(MANIFEST));
    let listed: BTreeSet<String> = manifest
        .iter()
        .flat_map(|m| m.files.iter().map(|e| e.name.clone()))
        .collect();
    let mut foreign = Vec::new();
    for e in fs::read_dir(dir).map_err(io_err(dir))? {
        let e = e.map_err(io_err(dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(RESERVED) && (manifest.is_some() || name != MANIFEST) {
            continue;
        }
        if !listed.contains(&name) {
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            foreign.push(if is_dir { format!("{name}/") } else { name });
        }
    }
    foreign.sort();
    Ok(Inspection { manifest, foreign })
}

fn named(list: &[String]) -> String {
    let shown: Vec<&str> = list.iter().take(MAX_NAMED).map(String::as_str).collect();
    let more = list.len().saturating_sub(MAX_NAMED);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The folder a path names: `.`, `..` and `/` are resolved, so that the rules apply to the
/// real folder.
fn resolve_target(out: &Path) -> Result<PathBuf> {
    if out.as_os_str().is_empty() {
        return Err(out_err(out, "the output folder needs a name"));
    }
    let target = if out.file_name().is_some() {
        out.to_path_buf()
    } else {
        fs::canonicalize(out).map_err(io_err(out))?
    };
    if target.file_name().is_none() {
        return Err(out_err(
            out,
            "refusing to write into the root of the file system; choose an output folder",
        ));
    }
    Ok(target)
}

/// The state of a target before writing, without changing anything.
enum Target {
    /// Does not exist.
    Absent,
    /// An existing folder (possibly reached through a link).
    Folder,
}

fn examine(target: &Path, options: OutputOptions) -> Result<Target> {
    let meta = match fs::symlink_metadata(target) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Target::Absent),
        Err(e) => return Err(Error::io(target, e)),
        Ok(m) if m.file_type().is_symlink() => fs::metadata(target).map_err(io_err(target))?,
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(out_err(
            target,
            "exists and is not a folder; schoolplan writes a folder of files and never replaces a file it did not write. Choose another output folder (nothing was changed)",
        ));
    }
    let ins = inspect(target)?;
    if ins.manifest.is_none() && !ins.foreign.is_empty() && !options.force {
        return Err(out_err(
            target,
            format!(
                "the folder is not empty and schoolplan did not create it (it has no {MANIFEST}): it holds {} entr{} ({}). schoolplan writes only into a new folder, an empty one or one it wrote before, and never deletes a file it did not write. Nothing was changed. Choose another output folder (`--out`, or `[outputs].dir` in the scenario), or add `--force` to write the outputs beside these files (they are kept; a file with the same name as an output is still never replaced)",
                ins.foreign.len(),
                if ins.foreign.len() == 1 { "y" } else { "ies" },
                named(&ins.foreign)
            ),
        ));
    }
    Ok(Target::Folder)
}

/// Checks, without writing anything, that [`OutputDir::create_with`] would accept `out`: call
/// it before a long analysis so that a refused folder is reported at once.
pub fn preflight(out: &Path, options: OutputOptions) -> Result<()> {
    let target = resolve_target(out)?;
    examine(&target, options).map(|_| ())
}

/// An output folder being written; see the module docs.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    stage: PathBuf,
    new_folder: bool,
    options: OutputOptions,
    lock: Option<PathBuf>,
    created_parents: Vec<PathBuf>,
    written: RefCell<BTreeSet<String>>,
    committed: bool,
}

fn pid() -> u32 {
    std::process::id()
}

/// Whether bookkeeping named `<prefix><pid>` belongs to a process that no longer runs.
fn stale(name: &str, prefix: &str) -> bool {
    match name
        .strip_prefix(prefix)
        .and_then(|p| p.parse::<u32>().ok())
    {
        Some(p) => p == pid() || process_alive(p) == Some(false),
        None => false,
    }
}

/// Creates the missing ancestors of `dir`, returning those created (outermost first).
fn create_parents(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut d = Some(dir);
    while let Some(p) = d.filter(|p| !p.as_os_str().is_empty()) {
        if p.exists() {
            break;
        }
        missing.push(p.to_path_buf());
        d = p.parent();
    }
    missing.reverse();
    for p in &missing {
        fs::create_dir(p).map_err(io_err(p))?;
    }
    Ok(missing)
}

impl OutputDir {
    /// Starts writing `out` with default options (no `--force`, [`Mode::Replace`]).
    pub fn create(out: &Path) -> Result<OutputDir> {
        Self::create_with(out, OutputOptions::default())
    }

    /// Starts writing `out`: checks it may be written (see the module docs), takes its lock,
    /// completes or removes what killed runs left, and opens a staging folder. Nothing visible
    /// changes in `out` until [`OutputDir::commit`].
    pub fn create_with(out: &Path, options: OutputOptions) -> Result<OutputDir> {
        let target = resolve_target(out)?;
        let mut dir = OutputDir {
            target: target.clone(),
            stage: PathBuf::new(),
            new_folder: false,
            options,
            lock: None,
            created_parents: Vec::new(),
            written: RefCell::new(BTreeSet::new()),
            committed: false,
        };
        match examine(&target, options)? {
            Target::Absent => {
                let parent = match target.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                dir.created_parents = create_parents(&parent)?;
                let name = target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let prefix = format!(".{name}.schoolplan-new-");
                remove_stale_siblings(&parent, &prefix);
                dir.stage = parent.join(format!("{prefix}{}", pid()));
                dir.new_folder = true;
            }
            Target::Folder => {
                dir.lock = Some(take_lock(&target)?);
                recover(&target)?;
                dir.stage = target.join(format!("{STAGE}{}", pid()));
            }
        }
        if dir.stage.exists() {
            // Left by an earlier process with our pid: ours, never committed.
            fs::remove_dir_all(&dir.stage).map_err(io_err(&dir.stage))?;
        }
        fs::create_dir(&dir.stage).map_err(io_err(&dir.stage))?;
        Ok(dir)
    }

    /// The staging folder files are written into before the commit.
    pub fn tmp_path(&self) -> &Path {
        &self.stage
    }

    /// The final folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes `name` (a plain file name) with `contents` as UTF-8.
    pub fn write(&self, name: &str, contents: &str) -> Result<()> {
        self.write_bytes(name, contents.as_bytes())
    }

    /// Writes raw bytes to the file `name` (a plain file name; writing it again replaces it).
    pub fn write_bytes(&self, name: &str, contents: &[u8]) -> Result<()> {
        if !plain_name(name) {
            return Err(out_err(
                &self.target.join(name),
                "output file names must be plain names (no folders, `..` or `.schoolplan-` prefix)",
            ));
        }
        write_synced(&self.stage.join(name), contents)
            .map_err(|e| Error::io(&self.target.join(name), e))?;
        self.written.borrow_mut().insert(name.to_string());
        Ok(())
    }

    /// Moves the files into place (see the module docs). On an error before the commit point
    /// the target is left exactly as it was.
    pub fn commit(mut self) -> Result<()> {
        let names: Vec<String> = self.written.borrow().iter().cloned().collect();
        let entries = names
            .iter()
            .map(|n| entry_of(&self.stage, n, self.options.producer).map_err(io_err(&self.stage)))
            .collect::<Result<Vec<_>>>()?;
        if self.new_folder {
            self.commit_new(entries)
        } else {
            self.commit_existing(entries)
        }
    }

    fn commit_new(&mut self, entries: Vec<ManifestEntry>) -> Result<()> {
        let manifest = Manifest::new(entries);
        write_new_synced(&self.stage.join(MANIFEST), manifest.to_json().as_bytes())
            .map_err(io_err(&self.stage))?;
        sync_dir(&self.stage).map_err(io_err(&self.stage))?;
        // Renaming a folder never replaces a non-empty folder or a file: if something appeared
        // at the target meanwhile, this fails and the staging folder is removed.
        if let Err(e) = fs::rename(&self.stage, &self.target) {
            return Err(out_err(
                &self.target,
                format!("could not move the finished outputs into place ({e}); something was created there meanwhile. Nothing was changed"),
            ));
        }
        self.committed = true;
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent).map_err(io_err(parent))?;
        }
        Ok(())
    }

    fn commit_existing(&mut self, entries: Vec<ManifestEntry>) -> Result<()> {
        let target = self.target.clone();
        let ins = inspect(&target)?;
        let empty = Manifest::new(Vec::new());
        let old = ins.manifest.as_ref().unwrap_or(&empty);
        let old_by_name = old.by_name();
        let mut conflicts = Vec::new();
        for e in &entries {
            match fs::symlink_metadata(target.join(&e.name)) {
                Err(err) if err.kind() == ErrorKind::NotFound => {}
                _ => match old_by_name.get(e.name.as_str()) {
                    Some(o) if unchanged(&target, o) => {}
                    Some(_) => {
                        conflicts.push(format!("{} (changed since schoolplan wrote it)", e.name))
                    }
                    None => conflicts.push(format!("{} (not written by schoolplan)", e.name)),
                },
            }
        }
        if !conflicts.is_empty() {
            return Err(out_err(
                &target,
                format!(
                    "an output would replace {} file(s) schoolplan may not overwrite: {}. Nothing was changed. Move or rename {} (or choose another output folder)",
                    conflicts.len(),
                    named(&conflicts),
                    if conflicts.len() == 1 { "it" } else { "them" }
                ),
            ));
        }
        let written: BTreeSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        let mut files = entries.clone();
        let mut remove = Vec::new();
        for o in &old.files {
            if written.contains(o.name.as_str()) || !unchanged(&target, o) {
                // Rewritten now, or edited / removed by someone else: no longer ours.
                continue;
            }
            match self.options.mode {
                Mode::Replace if o.by == self.options.producer => remove.push(o.clone()),
                _ => files.push(o.clone()),
            }
        }
        let manifest = Manifest::new(files);
        write_new_synced(&self.stage.join(MANIFEST), manifest.to_json().as_bytes())
            .map_err(io_err(&self.stage))?;
        let remove_json = serde_json::to_string_pretty(&remove).unwrap_or_default();
        write_new_synced(&self.stage.join(REMOVE), remove_json.as_bytes())
            .map_err(io_err(&self.stage))?;
        sync_dir(&self.stage).map_err(io_err(&self.stage))?;
        let ready = target.join(format!("{READY}{}", pid()));
        fs::rename(&self.stage, &ready).map_err(io_err(&ready))?;
        // The commit point: from here on the new outputs are complete on disk and any later
        // run finishes moving them in.
        self.committed = true;
        sync_dir(&target).map_err(io_err(&target))?;
        apply_ready(&target, &ready, false)
    }
}

/// Moves the files of a ready folder into `target`, removes the stale outputs it lists and
/// moves its manifest in last; then removes the ready folder. `verify` (recovery of a killed
/// run) re-checks that each replaced file is schoolplan's before replacing it.
fn apply_ready(target: &Path, ready: &Path, verify: bool) -> Result<()> {
    let manifest_path = ready.join(MANIFEST);
    if let Some(new) = Manifest::read(&manifest_path) {
        let old = Manifest::read(&target.join(MANIFEST));
        let old_by_name = old.as_ref().map(Manifest::by_name).unwrap_or_default();
        let pending: Vec<&ManifestEntry> = new
            .files
            .iter()
            .filter(|e| ready.join(&e.name).exists())
            .collect();
        if verify {
            // Every file about to be replaced must still be schoolplan's, checked before any
            // is moved.
            for e in &pending {
                let ours = fs::symlink_metadata(target.join(&e.name)).is_err()
                    || old_by_name
                        .get(e.name.as_str())
                        .is_some_and(|o| unchanged(target, o));
                if !ours {
                    return Err(out_err(
                        target,
                        format!("an interrupted earlier run left new outputs in {} but {} is no longer schoolplan's; move it away and run again", ready.display(), e.name),
                    ));
                }
            }
        }
        for e in pending {
            let (src, dest) = (ready.join(&e.name), target.join(&e.name));
            fs::rename(&src, &dest).map_err(io_err(&dest))?;
        }
        let remove: Vec<ManifestEntry> = fs::read_to_string(ready.join(REMOVE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        for e in remove.iter().filter(|e| plain_name(&e.name)) {
            if unchanged(target, e) {
                let p = target.join(&e.name);
                fs::remove_file(&p).map_err(io_err(&p))?;
            }
        }
        sync_dir(target).map_err(io_err(target))?;
        let dest = target.join(MANIFEST);
        fs::rename(&manifest_path, &dest).map_err(io_err(&dest))?;
        sync_dir(target).map_err(io_err(target))?;
    }
    let _ = fs::remove_file(ready.join(REMOVE));
    fs::remove_dir(ready).map_err(io_err(ready))
}

/// Finishes commits of killed runs (roll forward) and removes their staging folders.
fn recover(target: &Path) -> Result<()> {
    let mut names: Vec<String> = fs::read_dir(target)
        .map_err(io_err(target))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let p = target.join(&name);
        if stale(&name, READY) {
            apply_ready(target, &p, true)?;
        } else if stale(&name, STAGE) && p.is_dir() {
            fs::remove_dir_all(&p).map_err(io_err(&p))?;
        }
    }
    Ok(())
}

/// Removes `<parent>/<prefix><pid>` folders of processes that no longer run.
fn remove_stale_siblings(parent: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if stale(&name, prefix) && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn take_lock(target: &Path) -> Result<PathBuf> {
    let lock = target.join(LOCK);
    for _ in 0..2 {
        match write_new_synced(&lock, pid().to_string().as_bytes()) {
            Ok(()) => return Ok(lock),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(&lock)
                    .ok()
                    .and_then(|t| t.trim().parse::<u32>().ok());
                match holder {
                    Some(p) if p != pid() && process_alive(p) != Some(false) => {
                        return Err(out_err(
                            target,
                            format!("another schoolplan run (process {p}) is writing this folder; wait for it to finish (if none is running, delete {})", lock.display()),
                        ));
                    }
                    _ => {
                        let _ = fs::remove_file(&lock);
                    }
                }
            }
            Err(e) => return Err(Error::io(&lock, e)),
        }
    }
    Err(out_err(target, "could not take the folder's lock"))
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed && !self.stage.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.stage);
        }
        if let Some(lock) = &self.lock {
            let _ = fs::remove_file(lock);
        }
        if !self.committed {
            for p in self.created_parents.iter().rev() {
                let _ = fs::remove_dir(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn write_run(out: &Path, files: &[(&str, &str)], options: OutputOptions) -> Result<()> {
        let d = OutputDir::create_with(out, options)?;
        for (n, c) in files {
            d.write(n, c)?;
        }
        d.commit()
    }

    #[test]
    fn new_folder_is_created_whole_with_a_manifest() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("a/b/run");
        let d = OutputDir::create(&out).unwrap();
        d.write("x.txt", "é").unwrap();
        assert!(!out.exists(), "nothing visible before commit");
        d.commit().unwrap();
        assert_eq!(names(&out), vec![MANIFEST, "x.txt"]);
        let m = Manifest::read(&out.join(MANIFEST)).unwrap();
        assert_eq!(m.files.len(), 1);
        assert_eq!(m.files[0].bytes, 2);
        assert_eq!(names(&base.path().join("a/b")), vec!["run"]);
    }

    #[test]
    fn failed_write_leaves_nothing_not_even_parents() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("p/q/run");
        let r: Result<()> = (|| {
            let d = OutputDir::create(&out)?;
            d.write("a.txt", "x")?;
            d.write("../escape.txt", "x")?;
            d.commit()
        })();
        assert!(r.is_err());
        assert!(names(base.path()).is_empty(), "{:?}", names(base.path()));
    }

    #[test]
    fn rerun_replaces_own_files_keeps_the_planners_and_removes_stale_outputs() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("run");
        let o = OutputOptions::default();
        write_run(&out, &[("a.txt", "1"), ("old.svg", "s")], o).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        write_run(&out, &[("a.txt", "2")], o).unwrap();
        assert_eq!(names(&out), vec![MANIFEST, "a.txt", "notes.txt"]);
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "2");
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert_eq!(names(base.path()), vec!["run"]);
    }

    #[test]
    fn foreign_folder_is_refused_and_force_never_replaces_foreign_files() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("inputs");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("schools.geojson"), "input").unwrap();
        let before = names(&out);
        let e = write_run(&out, &[("a.txt", "1")], OutputOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("--force") && e.contains("schools.geojson"),
            "{e}"
        );
        assert_eq!(names(&out), before);
        let force = OutputOptions {
            force: true,
            ..Default::default()
        };
        let e = write_run(&out, &[("schools.geojson", "out")], force)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not written by schoolplan"), "{e}");
        assert_eq!(names(&out), before);
        assert_eq!(
            fs::read_to_string(out.join("schools.geojson")).unwrap(),
            "input"
        );
        write_run(&out, &[("a.txt", "1")], force).unwrap();
        assert_eq!(names(&out), vec![MANIFEST, "a.txt", "schools.geojson"]);
    }

    #[test]
    fn edited_output_is_not_overwritten_nor_removed() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("run");
        let o = OutputOptions::default();
        write_run(&out, &[("a.csv", "1"), ("b.csv", "1")], o).unwrap();
        fs::write(out.join("a.csv"), "edited in a spreadsheet").unwrap();
        let e = write_run(&out, &[("a.csv", "2")], o)
            .unwrap_err()
            .to_string();
        assert!(e.contains("a.csv (changed"), "{e}");
        fs::write(out.join("b.csv"), "edited too").unwrap();
        write_run(&out, &[("c.csv", "3")], o).unwrap();
        // Edited files stay, and are no longer listed as schoolplan's.
        assert_eq!(
            fs::read_to_string(out.join("a.csv")).unwrap(),
            "edited in a spreadsheet"
        );
        assert_eq!(fs::read_to_string(out.join("b.csv")).unwrap(), "edited too");
        let m = Manifest::read(&out.join(MANIFEST)).unwrap();
        assert_eq!(
            m.files.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            vec!["c.csv"]
        );
    }

    #[test]
    fn a_file_at_the_target_is_refused_untouched() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("afile");
        fs::write(&out, "precious").unwrap();
        assert!(write_run(&out, &[("a", "1")], OutputOptions::default()).is_err());
        assert_eq!(fs::read_to_string(&out).unwrap(), "precious");
        assert_eq!(names(base.path()), vec!["afile"]);
    }

    #[test]
    fn another_producers_outputs_stay() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("run");
        let by = |producer| OutputOptions {
            producer,
            ..Default::default()
        };
        write_run(
            &out,
            &[("report.html", "r"), ("map-senior.svg", "s")],
            by("run"),
        )
        .unwrap();
        write_run(&out, &[("compare.md", "c")], by("compare")).unwrap();
        assert_eq!(
            names(&out),
            vec![MANIFEST, "compare.md", "map-senior.svg", "report.html"]
        );
        write_run(&out, &[("report.html", "r2")], by("run")).unwrap();
        assert_eq!(names(&out), vec![MANIFEST, "compare.md", "report.html"]);
    }

    #[test]
    fn update_mode_keeps_other_outputs_listed() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("run");
        write_run(&out, &[("a", "1"), ("b", "1")], OutputOptions::default()).unwrap();
        let upd = OutputOptions {
            mode: Mode::Update,
            ..Default::default()
        };
        write_run(&out, &[("b", "2")], upd).unwrap();
        let m = Manifest::read(&out.join(MANIFEST)).unwrap();
        assert_eq!(m.files.len(), 2);
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "1");
        assert_eq!(fs::read_to_string(out.join("b")).unwrap(), "2");
    }

    fn killed_run(out: &Path, dead: u32, moved_a: bool) {
        let ready = out.join(format!("{READY}{dead}"));
        fs::create_dir(&ready).unwrap();
        if moved_a {
            fs::write(out.join("a"), "2").unwrap();
        } else {
            fs::write(ready.join("a"), "2").unwrap();
        }
        fs::write(ready.join("b"), "2").unwrap();
        let entry = |n: &str| ManifestEntry {
            name: n.into(),
            bytes: 1,
            fnv1a64: format!("{:016x}", crate::report::atomic::fnv1a64(b"2")),
            by: String::new(),
        };
        fs::write(
            ready.join(MANIFEST),
            Manifest::new(vec![entry("a"), entry("b")]).to_json(),
        )
        .unwrap();
        fs::write(ready.join(REMOVE), "[]").unwrap();
        let stage = out.join(format!("{STAGE}{dead}"));
        fs::create_dir(&stage).unwrap();
        fs::write(stage.join("half"), "x").unwrap();
    }

    #[test]
    fn interrupted_commit_is_rolled_forward_and_stale_stages_removed() {
        let dead = u32::MAX - 7;
        if process_alive(dead) != Some(false) {
            return; // cannot tell dead processes on this system
        }
        for moved_a in [false, true] {
            let base = tempfile::tempdir().unwrap();
            let out = base.path().join("run");
            write_run(&out, &[("a", "1"), ("b", "1")], OutputOptions::default()).unwrap();
            killed_run(&out, dead, moved_a);
            drop(OutputDir::create(&out).unwrap());
            assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "2");
            assert_eq!(fs::read_to_string(out.join("b")).unwrap(), "2");
            assert_eq!(names(&out), vec![MANIFEST, "a", "b"]);
        }
        // A file edited after the crash is not replaced by the roll-forward.
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("run");
        write_run(&out, &[("a", "1"), ("b", "1")], OutputOptions::default()).unwrap();
        killed_run(&out, dead, false);
        fs::write(out.join("b"), "edited").unwrap();
        let e = OutputDir::create(&out).unwrap_err().to_string();
        assert!(e.contains("no longer schoolplan's"), "{e}");
        assert_eq!(fs::read_to_string(out.join("b")).unwrap(), "edited");
    }
}
