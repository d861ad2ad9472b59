//! The standard library's traits: read from the toolchain's `rust-src` when it is installed,
//! from a catalog of declarations shipped inside the binary otherwise.
//!
//! # Design
//!
//! * [`table`] lists the traits dynlens knows (canonical path, the rust-src file declaring it,
//!   prelude membership). Both sources below work from that one list.
//! * [`catalog`] holds the catalog compiled into the binary (`server/std/catalog/std_traits.rs`,
//!   `include_str!`-ed) and the generator that writes it from rust-src. A unit test regenerates
//!   it and compares with the checked-in file (`UPDATE_STD_CATALOG=1` rewrites it), so the
//!   catalog is never hand-edited and never silently stale.
//! * [`extract`] turns a real rust-src file into clean declarations (attributes, comments,
//!   `const trait`, `[const]` bounds and default bodies stripped; see its docs).
//!
//! Startup must stay instant (the server's first answer comes well under 100 ms), so nothing
//! is read eagerly: [`StdLibrary::detect`] only checks `RUST_SRC_PATH` or, when it is unset,
//! starts a background probe (`rustc --print sysroot` run from a neutral directory, with
//! rustup's auto-install off and a timeout), and each trait is loaded on its first access. A rust-src file is parsed at most once, for all
//! the known traits it declares. A trait that cannot be extracted from rust-src falls back to its
//! catalog entry (and says so through [`StdLibrary::origin`]). Clones of a `StdLibrary` share
//! the loaded traits, and the extracted rust-src files are cached for the whole process.
//! [`StdLibrary::preload_in_background`] loads everything ahead of need.
//!
//! Measured (release build, rust-src of 1.95, a busy 2-core machine): `detect()` returns in
//! under 0.1 ms; the first look-up of `Iterator` (parsing the 143 KB `iterator.rs`) takes about
//! 10–20 ms, of `Debug` (`fmt/mod.rs`) about 15 ms; all 92 traits about 60 ms (up to 170 ms
//! under heavy load). The tests `rust_src_declarations_are_clean_and_match_the_catalog` and
//! `detect_finds_the_installed_rust_src` print these timings (`-- --nocapture`).

mod catalog;
mod extract;
mod table;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use extract::ExtractError;
use table::{TRAITS, TraitInfo};

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
    inner: Arc<Inner>,
}

/// How long `rustc --print sysroot` may take before dynlens gives up on rust-src.
const SYSROOT_PROBE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug)]
struct Inner {
    /// rust-src's `library/` or the catalog, once known.
    source: OnceLock<StdSourceKind>,
    /// One slot per row of [`TRAITS`], filled on first access.
    slots: Vec<OnceLock<Loaded>>,
    /// Every trait, for [`StdLibrary::traits`].
    all: OnceLock<Vec<StdTrait>>,
}

#[derive(Debug)]
struct Loaded {
    trait_: StdTrait,
    from_rust_src: bool,
}

impl StdLibrary {
    /// rust-src when installed, the catalog otherwise.
    ///
    /// Cheap: env `RUST_SRC_PATH` (pointing at `library/`) wins when set — and when it does not
    /// hold rust-src, that means the catalog; otherwise `rustc --print sysroot` runs on a
    /// background thread (at most [`SYSROOT_PROBE_TIMEOUT`], once per process), and traits are
    /// read on first use. Only a look-up made before the probe has answered waits for it.
    pub fn detect() -> Self {
        if let Some(path) = std::env::var_os("RUST_SRC_PATH").filter(|p| !p.is_empty()) {
            return Self::from_rust_src(path);
        }
        let library = Self::new(None);
        let inner = Arc::clone(&library.inner);
        let spawned = std::thread::Builder::new()
            .name("dynlens-rust-src-probe".into())
            .spawn(move || {
                inner.source();
            });
        if let Err(error) = spawned {
            tracing::debug!("cannot start the rust-src probe in the background: {error}");
        }
        library
    }

    /// The built-in catalog only.
    pub fn catalog() -> Self {
        Self::new(Some(StdSourceKind::Catalog))
    }

    /// The declarations of the rust-src at `library` (the `library/` directory holding
    /// `core/`, `alloc/` and `std/`); traits missing there come from the catalog. A path that
    /// does not hold rust-src means the catalog.
    pub fn from_rust_src(library: impl Into<PathBuf>) -> Self {
        Self::new(Some(kind_of(validate_rust_src(library.into()))))
    }

    /// A library reading from `source`, or from what a sysroot probe finds on first use.
    fn new(source: Option<StdSourceKind>) -> Self {
        let cell = OnceLock::new();
        if let Some(source) = source {
            let _ = cell.set(source);
        }
        let inner = Inner {
            source: cell,
            slots: TRAITS.iter().map(|_| OnceLock::new()).collect(),
            all: OnceLock::new(),
        };
        StdLibrary {
            inner: Arc::new(inner),
        }
    }

    /// Where these declarations come from (waits for the rust-src probe of [`Self::detect`]).
    pub fn source_kind(&self) -> &StdSourceKind {
        self.inner.source()
    }

    /// Where one trait's declaration actually came from: rust-src, or the catalog (always the
    /// case without rust-src, and for a trait rust-src does not yield).
    pub fn origin(&self, trait_: &StdTrait) -> StdSourceKind {
        let loaded = TRAITS
            .iter()
            .position(|info| info.canonical_path == trait_.canonical_path)
            .and_then(|index| self.inner.slots[index].get());
        match (loaded, self.inner.rust_src()) {
            (Some(loaded), Some(path)) if loaded.from_rust_src => {
                StdSourceKind::RustSrc(path.clone())
            }
            _ => StdSourceKind::Catalog,
        }
    }

    /// All known std traits. Loads every one of them (from rust-src, that parses every file
    /// involved): prefer [`Self::find`] and friends to look one up.
    pub fn traits(&self) -> &[StdTrait] {
        self.inner.all.get_or_init(|| {
            (0..TRAITS.len())
                .map(|i| self.inner.load(i).trait_.clone())
                .collect()
        })
    }

    /// A trait by path: `core::fmt::Debug`, `std::fmt::Debug` and `alloc::…` alike (a leading
    /// `::` and generic arguments are ignored). A path without a crate root (`fmt::Debug`,
    /// `Debug`) is matched against the end of the known paths and must be unambiguous
    /// (`Write` is not: `std::fmt::Write` and `std::io::Write`).
    pub fn find(&self, path: &str) -> Option<&StdTrait> {
        let index = find_index(path)?;
        Some(&self.inner.load(index).trait_)
    }

    /// All std traits with this name.
    pub fn find_by_name(&self, name: &str) -> Vec<&StdTrait> {
        (0..TRAITS.len())
            .filter(|&i| TRAITS[i].name() == name)
            .map(|i| &self.inner.load(i).trait_)
            .collect()
    }

    /// The prelude trait with this name, if any.
    pub fn prelude(&self, name: &str) -> Option<&StdTrait> {
        let index = TRAITS
            .iter()
            .position(|info| info.in_prelude && info.name() == name)?;
        Some(&self.inner.load(index).trait_)
    }

    /// Loads every trait on a background thread so that later look-ups never wait for a
    /// rust-src file to be parsed (the language server calls this once it is up). Look-ups made
    /// meanwhile still work: they load what they need, or wait for the file being parsed.
    pub fn preload_in_background(&self) {
        let inner = Arc::clone(&self.inner);
        let spawned = std::thread::Builder::new()
            .name("dynlens-std-preload".into())
            .spawn(move || {
                for index in 0..TRAITS.len() {
                    inner.load(index);
                }
            });
        if let Err(error) = spawned {
            tracing::debug!("cannot preload the std traits in the background: {error}");
        }
    }

    /// The canonical paths of all known traits, without loading any declaration.
    pub fn known_paths(&self) -> impl Iterator<Item = &'static str> {
        TRAITS.iter().map(|info| info.canonical_path)
    }
}

impl Inner {
    /// The rust-src `library/` directory, probing for it on first use when detecting.
    fn rust_src(&self) -> Option<&PathBuf> {
        match self.source() {
            StdSourceKind::RustSrc(path) => Some(path),
            StdSourceKind::Catalog => None,
        }
    }

    /// Where declarations come from, probing the sysroot on first use when detecting.
    fn source(&self) -> &StdSourceKind {
        self.source
            .get_or_init(|| kind_of(locate_rust_src(None, probe_sysroot)))
    }

    /// The trait of row `index`, loading it on first access.
    fn load(&self, index: usize) -> &Loaded {
        self.slots[index].get_or_init(|| {
            let info = &TRAITS[index];
            let from_src = self
                .rust_src()
                .and_then(|library| self.extract_from_rust_src(library, info));
            let from_rust_src = from_src.is_some();
            let source = from_src.unwrap_or_else(|| catalog_source(info));
            Loaded {
                trait_: make_trait(info, source),
                from_rust_src,
            }
        })
    }

    /// The trait's declaration extracted from rust-src, `None` (logged) when that fails.
    fn extract_from_rust_src(&self, library: &Path, info: &TraitInfo) -> Option<String> {
        let path = library.join(info.file);
        let cell = extracted_file(&path);
        let extracted = cell.get_or_init(|| {
            let names: Vec<&str> = TRAITS
                .iter()
                .filter(|i| i.file == info.file)
                .map(|i| i.name())
                .collect();
            match std::fs::read_to_string(&path) {
                Ok(text) => extract::extract_traits(&text, &names),
                Err(error) => {
                    tracing::warn!("cannot read {} in rust-src: {error}", info.file);
                    HashMap::new()
                }
            }
        });
        match extracted.get(info.name()) {
            Some(Ok(text)) => Some(text.clone()),
            Some(Err(error)) => {
                tracing::warn!(
                    "{}: using the built-in catalog: {error}",
                    info.canonical_path
                );
                None
            }
            None => None,
        }
    }
}

/// The traits extracted from one rust-src file, by name.
type Extracted = HashMap<String, Result<String, ExtractError>>;

/// The process-wide cache of extracted rust-src files: each file is parsed at most once per
/// process, however many [`StdLibrary`] values (tests make many) read it.
fn extracted_file(path: &Path) -> Arc<OnceLock<Extracted>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<OnceLock<Extracted>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(cache.entry(path.to_path_buf()).or_default())
}

fn kind_of(rust_src: Option<PathBuf>) -> StdSourceKind {
    rust_src.map_or(StdSourceKind::Catalog, StdSourceKind::RustSrc)
}

fn catalog_source(info: &TraitInfo) -> String {
    catalog::lookup(info.canonical_path).unwrap_or_else(|| {
        // Only possible if the table and the catalog disagree, which a test rules out; an
        // empty trait keeps the server answering rather than panicking.
        tracing::error!(
            "{} is missing from the built-in catalog",
            info.canonical_path
        );
        format!("pub trait {} {{}}\n", info.name())
    })
}

fn make_trait(info: &TraitInfo, source: String) -> StdTrait {
    StdTrait {
        name: info.name().to_owned(),
        canonical_path: info.canonical_path.to_owned(),
        public_path: info.public_path(),
        is_auto: declares_auto_trait(&source),
        source: source.into(),
        in_prelude: info.in_prelude,
    }
}

/// Whether the declaration's head (before `trait`) has the `auto` keyword.
fn declares_auto_trait(source: &str) -> bool {
    source
        .split_whitespace()
        .take_while(|word| *word != "trait")
        .any(|word| word == "auto")
}

/// The row of [`TRAITS`] a path designates (see [`StdLibrary::find`]).
fn find_index(path: &str) -> Option<usize> {
    let path: String = path
        .split('<')
        .next()?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let path = path.trim_start_matches("::");
    let segments: Vec<&str> = path.split("::").collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let (first, rest) = segments.split_first()?;
    if matches!(*first, "std" | "core" | "alloc") {
        // `std::prelude::rust_2024::Iterator` and the like.
        if let ["prelude", _, name] = rest {
            return TRAITS
                .iter()
                .position(|i| i.in_prelude && i.name() == *name);
        }
        return TRAITS.iter().position(|info| {
            let known: Vec<&str> = info.canonical_path.split("::").skip(1).collect();
            known == rest
        });
    }
    let mut matches = TRAITS.iter().enumerate().filter(|(_, info)| {
        let known: Vec<&str> = info.canonical_path.split("::").collect();
        known.ends_with(&segments)
    });
    let (index, _) = matches.next()?;
    matches.next().is_none().then_some(index)
}

/// `library/` if it holds rust-src (`core/src/lib.rs`), `None` otherwise. A path to the
/// directory above (`…/src/rust`, holding `library/`) is accepted too.
fn validate_rust_src(path: PathBuf) -> Option<PathBuf> {
    let holds_rust_src = |dir: &Path| dir.join("core/src/lib.rs").is_file();
    if holds_rust_src(&path) {
        return Some(path);
    }
    let below = path.join("library");
    holds_rust_src(&below).then_some(below)
}

/// Where rust-src is: `RUST_SRC_PATH` when set (and then only there), else below the sysroot
/// that `probe_sysroot` reports.
fn locate_rust_src(
    rust_src_path: Option<OsString>,
    probe_sysroot: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    match rust_src_path {
        Some(path) if !path.is_empty() => validate_rust_src(PathBuf::from(path)),
        _ => validate_rust_src(probe_sysroot()?.join("lib/rustlib/src/rust/library")),
    }
}

/// `rustc --print sysroot`, run from the temporary directory (so no project's
/// `rust-toolchain` file is honored) with rustup's auto-install off (so nothing is downloaded),
/// killed after [`SYSROOT_PROBE_TIMEOUT`].
fn probe_sysroot() -> Option<PathBuf> {
    // Once per process: the answer does not change while we run.
    static SYSROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    SYSROOT.get_or_init(run_rustc_print_sysroot).clone()
}

fn run_rustc_print_sysroot() -> Option<PathBuf> {
    let mut child = Command::new("rustc")
        .args(["--print", "sysroot"])
        .current_dir(std::env::temp_dir())
        .env("RUSTUP_AUTO_INSTALL", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) if started.elapsed() > SYSROOT_PROBE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                tracing::warn!("`rustc --print sysroot` timed out; using the built-in catalog");
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut stdout).ok()?;
    let sysroot = stdout.trim();
    (!sysroot.is_empty()).then(|| PathBuf::from(sysroot))
}
