//! Code actions, one per file (rust-analyzer's ide-assists pattern).
pub mod expand_vtable;

use crate::TextRange;
use crate::analysis::TextEdit;
use crate::db::{Db, FileId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssistKind {
    QuickFix,
    Refactor,
    RefactorRewrite,
}

/// Edits to apply, per file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceChange {
    pub edits: Vec<(FileId, Vec<TextEdit>)>,
}

/// A code action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assist {
    /// Stable id, e.g. `add_sized_bound`.
    pub id: &'static str,
    pub label: String,
    pub kind: AssistKind,
    pub change: SourceChange,
}

pub fn assists(_db: &Db, _file: FileId, _range: TextRange) -> Vec<Assist> {
    Vec::new()
}
