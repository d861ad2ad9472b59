//! dynlens: the pure core of a language server that makes dynamic dispatch visible.
//!
//! Data flows one way (see `docs/ARCHITECTURE.md`):
//!
//! ```text
//! text ──► syntax (ra_ap_syntax) ──► model (TraitDef) ──► rules (Verdict) ──► hover / diagnostics / assists
//!                                                      └──► vtable (layout)   └──► expand (generated Rust)
//! ```
//!
//! Nothing in this crate except [`lsp`] and the binary knows about the Language Server
//! Protocol; the core works on byte offsets ([`TextSize`]) and never does IO except where
//! it is explicitly handed a path to read (the workspace scan and the toolchain's `rust-src`).

pub mod analysis;
pub mod assists;
pub mod cli;
pub mod db;
pub mod diagnostics;
pub mod expand;
pub mod hover;
pub mod lsp;
pub mod model;
pub mod resolve;
pub mod rules;
pub mod std_traits;
pub mod vtable;

pub use analysis::{Analysis, FileId};
pub use ra_ap_syntax::{TextRange, TextSize};
