//! The standard library's traits: read from the toolchain's `rust-src` when it is installed,
//! from a catalog of declarations shipped inside the binary otherwise.
//!
//! PLACEHOLDER API (being implemented by the std-catalog work): the signatures below are the
//! contract the rest of the core relies on.

use std::path::PathBuf;
use std::sync::Arc;

/// Where the standard library's declarations come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StdSourceKind {
    /// `library/` of the toolchain's rust-src component.
    RustSrc(PathBuf),
    /// The catalog compiled into the binary.
    Catalog,
}

/// One trait of the standard library.
#[derive(Debug, Clone)]
pub struct StdTrait {
    /// The trait's name, e.g. `Debug`.
    pub name: String,
    /// Where it is defined, e.g. `core::fmt::Debug`.
    pub canonical_path: String,
    /// The path users write, e.g. `std::fmt::Debug`.
    pub public_path: String,
    /// A Rust source text holding the trait item alone (parseable as a file).
    pub source: Arc<str>,
    /// `auto trait` (Send, Sync, Unpin, …).
    pub is_auto: bool,
    /// In the Rust 2024 prelude (nameable without `use`).
    pub in_prelude: bool,
}

/// The standard library's trait declarations.
#[derive(Debug, Clone)]
pub struct StdLibrary {
    kind: StdSourceKind,
    traits: Vec<StdTrait>,
}

impl StdLibrary {
    /// rust-src when installed, the catalog otherwise.
    pub fn detect() -> Self {
        Self::catalog()
    }

    /// The built-in catalog only.
    pub fn catalog() -> Self {
        StdLibrary { kind: StdSourceKind::Catalog, traits: Vec::new() }
    }

    /// Where these declarations come from.
    pub fn source_kind(&self) -> &StdSourceKind {
        &self.kind
    }

    /// All known std traits.
    pub fn traits(&self) -> &[StdTrait] {
        &self.traits
    }

    /// A trait by path: `core::fmt::Debug`, `std::fmt::Debug` and `alloc::…` alike.
    pub fn find(&self, path: &str) -> Option<&StdTrait> {
        let last = path.rsplit("::").next()?;
        self.traits.iter().find(|t| t.name == last && t.public_path.ends_with(path.trim_start_matches("std::").trim_start_matches("core::")))
    }

    /// All std traits with this name.
    pub fn find_by_name(&self, name: &str) -> Vec<&StdTrait> {
        self.traits.iter().filter(|t| t.name == name).collect()
    }

    /// The prelude trait with this name, if any.
    pub fn prelude(&self, name: &str) -> Option<&StdTrait> {
        self.traits.iter().find(|t| t.in_prelude && t.name == name)
    }
}
