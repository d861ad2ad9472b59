//! dynlens's pure analysis core: it knows Rust and nothing of editors.
//!
//! Data flows one way (see `docs/ARCHITECTURE.md`):
//!
//! ```text
//! text ──► syntax (ra_ap_syntax) ──► model (TraitDef) ──► resolve ──► rules (Verdict) ──► hover / diagnostics / assists
//!                                                                  └──► vtable (layout)   └──► dynlens-expand (plan, emit)
//! ```
//!
//! Everything callers may use is re-exported here; [`Analysis`] is the facade. The core works
//! on byte offsets ([`TextSize`]), does no IO (the loader and the protocol shell hand it text),
//! and has neither tokio nor LSP types anywhere in its dependency tree.

mod analysis;
mod assists;
mod cfg;
mod check;
mod db;
mod diagnostics;
mod dyn_star;
#[cfg(test)]
mod fixture;
mod hover;
mod item_tree;
mod macros;
mod mbe;
mod model;
mod nameres;
mod naming;
mod print;
mod public;
mod resolve;
mod rules;
mod vtable;

pub use analysis::{Analysis, ExpandOutput};
pub use assists::{Assist, AssistKind, AssistResolve};
pub use check::{TraitReport, ViolationReport};
pub use db::FileId;
pub use diagnostics::{Diagnostic, RelatedInfo, Severity};
pub use dynlens_base::{
    CrateData, CrateGraph, CrateId, CrateOrigin, EditError, Edition, FileEdit, FileSource, NewFile,
    SourceChange, TextEdit, TextRange, TextSize,
};
pub use dynlens_std::StdLibrary;
pub use hover::{HoverConfig, HoverResult, too_deep_message};
pub use public::{ParamKind, PublicTrait};
pub use rules::{LISTED_TRAITS, more_violations};
