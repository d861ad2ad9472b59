//! dynlens's IO layer: everything read from disk is read here, and handed to the pure core as
//! text. The core asks, the loader reads.
//!
//! - [`workspace`]: the workspace's `.rs` files (the one walk, shared by the CLI and the
//!   language server) and the policy for files that are not plain readable UTF-8.
//! - [`std_library`]: the standard library's declarations, from the toolchain's rust-src when
//!   it is installed, from the catalog built into `dynlens-std` otherwise. [`rust_src`] finds
//!   rust-src (`RUST_SRC_PATH`, `rustc --print sysroot`) and reads its files for `dynlens-std`,
//!   which does no IO.
//! - [`project`]: the Cargo project model ([`load_project`]): the crate graph of the
//!   workspace and its dependencies from manifests, `Cargo.lock` and `.cargo/config.toml`,
//!   without running Cargo or anything else. [`DiskFileSource`] reads the crates' files for the
//!   core, lazily.

pub mod project;
pub mod rust_src;
pub mod workspace;

pub use project::{
    LoadWarning, ProjectConfig, ProjectError, ProjectLoad, load_project, load_project_with,
};
pub use workspace::{DiskFileSource, MAX_FILE_SIZE, read_source, rust_files, walk_rust_files};

/// The standard library as the tools use it: the toolchain's rust-src when it is installed
/// (found without blocking; see [`rust_src::detect`]), the built-in catalog otherwise.
pub fn std_library() -> dynlens_std::StdLibrary {
    rust_src::detect()
}
