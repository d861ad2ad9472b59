//! The bottom layer of dynlens: what every other crate shares and nothing more.
//!
//! - [`FileId`]: a file known to the analysis (the analysis assigns ids; paths stay above).
//! - [`TextSize`], [`TextRange`]: byte offsets into a file's text (rust-analyzer's `text-size`,
//!   the same types `ra_ap_syntax` uses). Only the protocol shell converts them to LSP
//!   line/UTF-16 positions.
//! - [`TextEdit`], [`SourceChange`]: one replacement in one file, and a change made of edits
//!   in any number of files (a code action that rewrites call sites across a workspace).
//!
//! - [`CrateGraph`]: the crates of a Cargo workspace and of its dependencies, as Cargo
//!   resolves them (the loader builds it from manifests and `Cargo.lock`; the core resolves
//!   names through it).
//!
//! - [`FileSource`]: how the core asks for a file's text by path (the loader reads the disk;
//!   the core stays free of IO and reads a dependency's files only when it needs them).
//!
//! No IO, no syntax, no dependency beyond `text-size` and `thiserror`.

use std::path::Path;
use std::sync::Arc;

pub mod nesting;

pub use text_size::{TextRange, TextSize};

/// Reads files by path for the analysis, which does no IO itself: the loader implements it on
/// disk (size limit, lossy UTF-8), tests in memory. The core calls it lazily — a dependency's
/// files are read only when a name resolves into that crate, each at most once.
pub trait FileSource: Send + Sync + std::fmt::Debug {
    /// The text of the file at `path`, or `None` when there is none to read (missing, a
    /// directory, unreadable, over the size limit). Invalid UTF-8 is replaced, not refused.
    fn read(&self, path: &Path) -> Option<Arc<str>>;
}

/// A file known to the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// One replacement of a range of a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    /// The byte range replaced (empty for an insertion).
    pub range: TextRange,
    /// The new text.
    pub insert: String,
}

impl TextEdit {
    /// Inserts `text` at `at`.
    pub fn insert(at: TextSize, text: impl Into<String>) -> Self {
        TextEdit {
            range: TextRange::empty(at),
            insert: text.into(),
        }
    }

    /// Replaces `range` with `text`.
    pub fn replace(range: TextRange, text: impl Into<String>) -> Self {
        TextEdit {
            range,
            insert: text.into(),
        }
    }
}

/// Why an edit could not be applied to a file's text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("unknown file")]
    UnknownFile,
    #[error("edit range {start}..{end} is outside the document (length {len})")]
    OutOfBounds { start: u32, end: u32, len: u32 },
    #[error("edit range {start}..{end} does not fall on UTF-8 character boundaries")]
    NotCharBoundary { start: u32, end: u32 },
}

/// Checks that `edit` fits `text` (in bounds, on character boundaries).
pub fn check_edit(text: &str, edit: &TextEdit) -> Result<(), EditError> {
    let len = text.len() as u32;
    let (start, end) = (u32::from(edit.range.start()), u32::from(edit.range.end()));
    if end > len {
        return Err(EditError::OutOfBounds { start, end, len });
    }
    if !text.is_char_boundary(start as usize) || !text.is_char_boundary(end as usize) {
        return Err(EditError::NotCharBoundary { start, end });
    }
    Ok(())
}

/// The edits of one file within a [`SourceChange`], in the order they apply to the original
/// text (non-overlapping, sorted by start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub file: FileId,
    pub edits: Vec<TextEdit>,
}

/// A file a [`SourceChange`] creates, with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    pub path: std::path::PathBuf,
    pub text: String,
}

/// A change to the workspace: edits in any number of files, and files to create. Every range
/// refers to the text of its file before the change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceChange {
    pub files: Vec<FileEdit>,
    pub new_files: Vec<NewFile>,
}

impl SourceChange {
    /// A single insertion.
    pub fn insert(file: FileId, at: TextSize, text: String) -> Self {
        let mut change = SourceChange::default();
        change.push(file, TextEdit::insert(at, text));
        change
    }

    /// Adds an edit of `file` (kept sorted by start within the file).
    pub fn push(&mut self, file: FileId, edit: TextEdit) {
        let entry = match self.files.iter().position(|f| f.file == file) {
            Some(i) => &mut self.files[i],
            None => {
                self.files.push(FileEdit {
                    file,
                    edits: Vec::new(),
                });
                self.files.last_mut().expect("just pushed")
            }
        };
        let at = entry
            .edits
            .partition_point(|e| e.range.start() <= edit.range.start());
        entry.edits.insert(at, edit);
    }

    /// Whether the change edits nothing and creates nothing.
    pub fn is_empty(&self) -> bool {
        self.files.iter().all(|f| f.edits.is_empty()) && self.new_files.is_empty()
    }

    /// Applies the edits of one file to its original `text` (for tests and previews).
    pub fn apply_to(&self, file: FileId, text: &str) -> Result<String, EditError> {
        let mut out = text.to_string();
        let Some(f) = self.files.iter().find(|f| f.file == file) else {
            return Ok(out);
        };
        for edit in f.edits.iter().rev() {
            check_edit(&out, edit)?;
            out.replace_range(
                usize::from(edit.range.start())..usize::from(edit.range.end()),
                &edit.insert,
            );
        }
        Ok(out)
    }
}

/// A crate in the [`CrateGraph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CrateId(pub u32);

/// The Rust edition a crate is compiled with (it decides the prelude and some name rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Edition {
    Edition2015,
    Edition2018,
    #[default]
    Edition2021,
    Edition2024,
}

impl Edition {
    /// `"2015"` … `"2024"`, as `Cargo.toml` writes it; `None` for anything else.
    pub fn from_manifest(text: &str) -> Option<Edition> {
        Some(match text {
            "2015" => Edition::Edition2015,
            "2018" => Edition::Edition2018,
            "2021" => Edition::Edition2021,
            "2024" => Edition::Edition2024,
            _ => return None,
        })
    }
}

/// Where a crate's sources come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CrateOrigin {
    /// A member of the user's workspace: its files are the user's, and edits may go there.
    Workspace,
    /// A dependency from a registry, a git checkout, a path outside the workspace or a
    /// vendored directory: read-only to dynlens.
    Dependency,
    /// `core`, `alloc`, `std`, `proc_macro` (from rust-src).
    Sysroot,
}

/// Which target of its package a crate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CrateKind {
    /// A library (`[lib]`): what other crates depend on.
    #[default]
    Lib,
    /// A procedural-macro library (`proc-macro = true`): exports macros only, run by rustc
    /// (never by dynlens).
    ProcMacro,
    /// A binary (`src/main.rs`, `[[bin]]`) of a workspace member; it depends on its package's
    /// library, nothing depends on it.
    Bin,
}

/// How a dependency is visible in the crate that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    /// A `[dependencies]` entry (target-specific ones too): in the extern prelude, as Cargo
    /// passes it with `--extern`.
    Normal,
    /// A `[dev-dependencies]` entry of a workspace member: visible only in its tests,
    /// examples, benchmarks and `#[cfg(test)]` code.
    Dev,
    /// `core` or `std`, which rustc puts in every crate's extern prelude itself, in every
    /// edition (`std` unless the crate root says `#![no_std]`, `core` unless `#![no_core]`:
    /// the resolver reads those attributes).
    SysrootPrelude,
    /// `alloc`: present in the sysroot but not in the extern prelude; a crate sees it only
    /// after `extern crate alloc;`.
    ExternCrateOnly,
}

/// One edge of the graph: `krate` is visible as `extern_name` (after `package = …` renames and
/// with `-` turned into `_`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    pub extern_name: String,
    pub krate: CrateId,
    pub kind: DependencyKind,
}

impl Dependency {
    /// Whether code can name the crate without an `extern crate` item (the extern prelude).
    pub fn in_extern_prelude(&self) -> bool {
        !matches!(self.kind, DependencyKind::ExternCrateOnly)
    }
}

/// One crate (a library or binary target of a package).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateData {
    /// The crate's name as code names it (`tower_service`).
    pub name: String,
    /// The package's version, when it has one (`0.3.3`).
    pub version: Option<String>,
    /// The crate root's path (`…/src/lib.rs`); its files are read only when a name resolves
    /// into the crate.
    pub root: std::path::PathBuf,
    pub edition: Edition,
    pub origin: CrateOrigin,
    /// Library, proc-macro library or binary.
    pub kind: CrateKind,
    /// Its dependencies (normal ones; dev-dependencies too for workspace members, whose
    /// tests and examples may use them), then the sysroot crates.
    pub deps: Vec<Dependency>,
}

/// The crates of a workspace and of everything it depends on, as Cargo resolves them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CrateGraph {
    crates: Vec<CrateData>,
}

impl CrateGraph {
    /// Adds a crate (its dependencies may be filled in later with [`Self::add_dep`]).
    pub fn add_crate(&mut self, data: CrateData) -> CrateId {
        self.crates.push(data);
        CrateId(self.crates.len() as u32 - 1)
    }

    /// Makes `dep` visible from `from` as `extern_name`, a normal dependency.
    pub fn add_dep(&mut self, from: CrateId, extern_name: impl Into<String>, dep: CrateId) {
        self.add_dep_of_kind(from, extern_name, dep, DependencyKind::Normal);
    }

    /// Makes `dep` visible from `from` as `extern_name`, as `kind` says. A second edge with
    /// the same name is ignored (the first one declared wins, e.g. normal over dev).
    pub fn add_dep_of_kind(
        &mut self,
        from: CrateId,
        extern_name: impl Into<String>,
        dep: CrateId,
        kind: DependencyKind,
    ) {
        let extern_name = extern_name.into();
        if let Some(c) = self.crates.get_mut(from.0 as usize)
            && !c.deps.iter().any(|d| d.extern_name == extern_name)
        {
            c.deps.push(Dependency {
                extern_name,
                krate: dep,
                kind,
            });
        }
    }

    /// A crate's data.
    pub fn get(&self, id: CrateId) -> Option<&CrateData> {
        self.crates.get(id.0 as usize)
    }

    /// Every crate, with its id.
    pub fn iter(&self) -> impl Iterator<Item = (CrateId, &CrateData)> {
        self.crates
            .iter()
            .enumerate()
            .map(|(i, c)| (CrateId(i as u32), c))
    }

    /// The number of crates.
    pub fn len(&self) -> usize {
        self.crates.len()
    }

    /// Whether the graph has no crate.
    pub fn is_empty(&self) -> bool {
        self.crates.is_empty()
    }

    /// The crate `extern_name` names from `from`, if it depends on one by that name.
    pub fn dep_named(&self, from: CrateId, extern_name: &str) -> Option<CrateId> {
        self.get(from)?
            .deps
            .iter()
            .find(|d| d.extern_name == extern_name)
            .map(|d| d.krate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_spans_files_and_applies_edits_back_to_front() {
        let (a, b) = (FileId(0), FileId(1));
        let mut change = SourceChange::default();
        change.push(a, TextEdit::insert(TextSize::from(3), "X"));
        change.push(b, TextEdit::insert(TextSize::from(0), "Y"));
        change.push(
            a,
            TextEdit::replace(TextRange::new(0.into(), 1.into()), "ab"),
        );
        assert_eq!(change.files.len(), 2);
        assert_eq!(change.apply_to(a, "0123").unwrap(), "ab12X3");
        assert_eq!(change.apply_to(b, "z").unwrap(), "Yz");
        assert_eq!(change.apply_to(FileId(9), "same").unwrap(), "same");
    }

    #[test]
    fn edits_are_checked_against_the_text() {
        let e = TextEdit::replace(TextRange::new(1.into(), 9.into()), "");
        assert_eq!(
            check_edit("abc", &e),
            Err(EditError::OutOfBounds {
                start: 1,
                end: 9,
                len: 3
            })
        );
        let e = TextEdit::insert(TextSize::from(1), "");
        assert!(matches!(
            check_edit("é", &e),
            Err(EditError::NotCharBoundary { .. })
        ));
    }

    #[test]
    fn the_crate_graph_names_dependencies_by_their_extern_name() {
        let mut g = CrateGraph::default();
        let krate = |name: &str, origin| CrateData {
            name: name.into(),
            version: None,
            root: format!("{name}/src/lib.rs").into(),
            edition: Edition::Edition2021,
            origin,
            kind: CrateKind::Lib,
            deps: Vec::new(),
        };
        let app = g.add_crate(krate("app", CrateOrigin::Workspace));
        let ts = g.add_crate(krate("tower_service", CrateOrigin::Dependency));
        g.add_dep(app, "svc", ts);
        g.add_dep_of_kind(app, "svc", app, DependencyKind::Dev);
        assert_eq!(g.dep_named(app, "svc"), Some(ts));
        assert_eq!(
            g.get(app).unwrap().deps.len(),
            1,
            "the first edge by a name wins"
        );
        assert!(g.get(app).unwrap().deps[0].in_extern_prelude());
        assert_eq!(g.dep_named(app, "tower_service"), None);
        assert_eq!(g.dep_named(ts, "app"), None);
        assert_eq!(g.len(), 2);
        assert_eq!(Edition::from_manifest("2024"), Some(Edition::Edition2024));
        assert_eq!(Edition::from_manifest("2027"), None);
    }
}
