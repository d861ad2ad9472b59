//! The facade of the core: everything the LSP layer and the CLI may call.
//!
//! [`Analysis`] owns the text of every known file (open documents and files read from the
//! workspace), their syntax trees, and the standard library's trait declarations. All
//! positions are byte offsets into the file's current text; the LSP layer converts
//! line/UTF-16 positions at the boundary.

use std::path::{Path, PathBuf};

use crate::TextRange;
use crate::TextSize;

pub use crate::assists::expand_vtable::ExpandOutput;
use crate::assists::{Assist, AssistResolve};
use crate::check::TraitReport;
use crate::db::FileId;
use crate::diagnostics::Diagnostic;
use crate::hover::{HoverConfig, HoverResult};
use crate::public::PublicTrait;
use dynlens_base::{EditError, TextEdit};

/// The analysis state: files, their syntax, and the standard library.
pub struct Analysis {
    pub(crate) db: crate::db::Db,
}

impl Analysis {
    /// An analysis whose standard library comes from `std` (rust-src or the built-in catalog).
    pub fn new(std: dynlens_std::StdLibrary) -> Self {
        Analysis {
            db: crate::db::Db::new(std),
        }
    }

    /// Adds or replaces a file's whole text (an opened document, or a file read from disk).
    pub fn set_file_text(&mut self, path: PathBuf, text: String) -> FileId {
        self.db.set_file_text(path, text)
    }

    /// Sets the project: the crate graph (from the loader) and where the core may read the
    /// files of its crates that it was not handed (read lazily, each at most once, only when a
    /// name resolves into them). Files given with [`Self::set_file_text`] take precedence
    /// for the same path. Files of no crate keep the file-wide name resolution.
    pub fn set_project(
        &mut self,
        graph: dynlens_base::CrateGraph,
        files: std::sync::Arc<dyn dynlens_base::FileSource>,
    ) {
        self.db.set_project(graph, files)
    }

    /// Applies one edit to a file, reparsing incrementally where possible.
    pub fn edit_file(&mut self, file: FileId, edit: &TextEdit) -> Result<(), EditError> {
        self.db.edit_file(file, edit)
    }

    /// Forgets a file.
    pub fn remove_file(&mut self, file: FileId) {
        self.db.remove_file(file)
    }

    /// The id of a known file.
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.db.file_id(path)
    }

    /// The current text of a file.
    pub fn file_text(&self, file: FileId) -> Option<&str> {
        self.db.file_text(file)
    }

    /// The path of a file.
    pub fn file_path(&self, file: FileId) -> Option<&Path> {
        self.db.file_path(file)
    }

    /// Hover at `offset`: on a trait name (definition or use) or a trait method.
    pub fn hover(
        &self,
        file: FileId,
        offset: TextSize,
        config: &HoverConfig,
    ) -> Option<HoverResult> {
        crate::hover::hover(&self.db, file, offset, config)
    }

    /// When `file` is too deeply nested to analyse: its estimated nesting depth (beyond
    /// `dynlens_base::nesting::MAX_NESTING`). Such a file is not parsed: no verdict, no
    /// diagnostic; hover says why.
    pub fn too_deeply_nested(&self, file: FileId) -> Option<usize> {
        self.db.too_deep(file)
    }

    /// Diagnostics of a file: every `dyn Trait` whose trait is not dyn compatible.
    pub fn diagnostics(&self, file: FileId) -> Vec<Diagnostic> {
        crate::diagnostics::diagnostics(&self.db, file)
    }

    /// Code actions available on `range`. Their labels are always computed; their edits
    /// only as `resolve` asks (listing with [`AssistResolve::None`] then resolving the picked
    /// one with [`AssistResolve::Single`] builds one edit instead of all of them).
    pub fn assists(&self, file: FileId, range: TextRange, resolve: AssistResolve) -> Vec<Assist> {
        crate::assists::assists(&self.db, file, range, resolve)
    }

    /// The explicit vtable expansion of the trait at `offset` (its name or header), if there is a trait there.
    pub fn expand_at(
        &self,
        file: FileId,
        offset: TextSize,
    ) -> Option<Result<ExpandOutput, String>> {
        if let Some(depth) = self.db.too_deep(file) {
            return Some(Err(crate::hover::too_deep_message(depth)));
        }
        crate::assists::expand_vtable::expand_at(&self.db, file, offset)
    }

    /// The explicit vtable expansion of the trait named `trait_name` defined in `file`.
    pub fn expand_named(&self, file: FileId, trait_name: &str) -> Result<ExpandOutput, String> {
        if let Some(depth) = self.db.too_deep(file) {
            return Err(crate::hover::too_deep_message(depth));
        }
        crate::assists::expand_vtable::expand_named(&self.db, file, trait_name, false)
    }

    /// The explicit vtable expansion of `trait_name`, optionally with the forwarding impls.
    pub fn expand_named_with(
        &self,
        file: FileId,
        trait_name: &str,
        forwarding_impls: bool,
    ) -> Result<ExpandOutput, String> {
        if let Some(depth) = self.db.too_deep(file) {
            return Err(crate::hover::too_deep_message(depth));
        }
        crate::assists::expand_vtable::expand_named(&self.db, file, trait_name, forwarding_impls)
    }

    /// The dyn-compatibility report of every trait defined in `file` (for `dynlens check`).
    pub fn check_file(&self, file: FileId) -> Vec<TraitReport> {
        crate::check::check_file(&self.db, file)
    }

    /// The public traits of the crate `crate_name` of the project (a dependency of a
    /// workspace crate by its extern name, or `core`/`alloc`/`std`), each once, by its
    /// shortest public path, sorted; empty when there is no such crate.
    pub fn public_traits(&self, crate_name: &str) -> Vec<PublicTrait> {
        crate::public::crate_named(&self.db, crate_name)
            .map(|krate| crate::public::public_traits(&self.db, krate))
            .unwrap_or_default()
    }
}
