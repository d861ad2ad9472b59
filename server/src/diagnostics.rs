//! Diagnostics: every `dyn Trait` whose trait is not dyn compatible.
use crate::TextRange;
use crate::db::{Db, FileId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Hint,
}

/// Related information: a violation's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedInfo {
    pub file: FileId,
    pub range: TextRange,
    pub message: String,
}

/// A diagnostic of the core, in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// `dyn-incompatible` (the E0038 equivalent).
    pub code: &'static str,
    pub message: String,
    pub related: Vec<RelatedInfo>,
}

pub fn diagnostics(_db: &Db, _file: FileId) -> Vec<Diagnostic> {
    Vec::new()
}
