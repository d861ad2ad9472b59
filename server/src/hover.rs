//! Hover markdown for traits and methods.
use crate::db::{Db, FileId};
use crate::{TextRange, TextSize};

/// How much the hover says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverConfig {
    /// `false`: verdict and one line per violation; `true`: the full explanation.
    pub full: bool,
    /// Include the dyn* verdict.
    pub show_dyn_star: bool,
}

impl Default for HoverConfig {
    fn default() -> Self {
        HoverConfig { full: true, show_dyn_star: true }
    }
}

/// A hover answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    /// The range of the hovered name.
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

pub fn hover(_db: &Db, _file: FileId, _offset: TextSize, _config: &HoverConfig) -> Option<HoverResult> {
    None
}
