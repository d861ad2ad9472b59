//! The standard library's traits: read from the toolchain's `rust-src` when it is installed,
//! from a catalog of declarations shipped inside the binary otherwise.
//!
//! # Design
//!
//! * [`table`](TRAITS) lists the traits dynlens knows (canonical path, the rust-src file
//!   declaring it, prelude membership) and every fact about them the other layers use
//!   ([`TraitFacts`]: auto trait, implies `Sized`, how a bound is erased or boxed, …). Both
//!   sources below work from that one list, and no other crate keeps a list of std names.
//! * [`catalog`] holds the catalog compiled into the binary (`server/std/catalog/std_traits.rs`,
//!   `include_str!`-ed) and the generator that writes it from rust-src. A unit test regenerates
//!   it and compares with the checked-in file (`UPDATE_STD_CATALOG=1` rewrites it), so the
//!   catalog is never hand-edited and never silently stale.
//! * [`extract`] turns a real rust-src file into clean declarations (attributes, comments,
//!   `const trait`, `[const]` bounds and default bodies stripped; see its docs).
//!
//! This crate does no IO: rust-src's text reaches it through a [`StdSource`], which the
//! loader (`dynlens-loader`) implements on the file system and finds (`RUST_SRC_PATH`, or a
//! background `rustc --print sysroot` probe). Startup must stay instant, so nothing is read
//! eagerly: each trait is loaded on its first access, and a rust-src file is parsed at most
//! once, for all the known traits it declares. A trait that cannot be extracted from rust-src
//! falls back to its catalog entry (and says so through [`StdLibrary::origin`]). Clones of a
//! `StdLibrary` share the loaded traits, and the extracted rust-src files are cached for the
//! whole process. [`StdLibrary::preload_in_background`] loads everything ahead of need.
//!
//! Measured (release build, rust-src of 1.95, a busy 2-core machine): the first look-up of
//! `Iterator` (parsing the 143 KB `iterator.rs`) takes about 10–20 ms, of `Debug`
//! (`fmt/mod.rs`) about 15 ms; all 92 traits about 60 ms (up to 170 ms under heavy load). The
//! test `rust_src_declarations_are_clean_and_match_the_catalog` prints these timings
//! (`-- --nocapture`).

mod catalog;
mod extract;
mod table;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use extract::ExtractError;
pub use table::{ArgErasure, Pointers, ReturnBoxing, TRAITS, TraitFacts, TraitInfo};

/// The text of the toolchain's rust-src, as the loader reads it: this crate does no IO.
pub trait StdSource: Send + Sync + std::fmt::Debug {
    /// The text of `relative_path` under rust-src's `library/` directory, e.g.
    /// `core/src/fmt/mod.rs`.
    fn read(&self, relative_path: &str) -> std::io::Result<String>;
    /// The `library/` directory it reads from (for [`StdSourceKind::RustSrc`] and messages).
    fn library(&self) -> PathBuf;
}

/// Finds rust-src on first use: the loader's probe (e.g. `rustc --print sysroot`); `None`
/// means the catalog.
pub type StdProbe = Box<dyn FnOnce() -> Option<Arc<dyn StdSource>> + Send>;

/// The row of [`TRAITS`] a path designates: `core::fmt::Debug`, `std::fmt::Debug`,
/// `fmt::Debug` or `Debug` alike (see [`StdLibrary::find`]). Loads nothing.
pub fn trait_info(path: &str) -> Option<&'static TraitInfo> {
    find_index(path).map(|i| &TRAITS[i])
}

/// The prelude trait named `name` (`Iterator`, `Debug` is not), from the table. Loads nothing.
pub fn prelude_trait(name: &str) -> Option<&'static TraitInfo> {
    TRAITS
        .iter()
        .find(|info| info.in_prelude && info.name() == name)
}

/// Every std trait named `name` (`Write`: `fmt::Write` and `io::Write`), from the table.
/// Loads nothing.
pub fn traits_named(name: &str) -> impl Iterator<Item = &'static TraitInfo> + Clone + '_ {
    TRAITS.iter().filter(move |info| info.name() == name)
}

/// The row of [`TRAITS`] an entry of it is.
fn row(info: &TraitInfo) -> usize {
    TRAITS
        .iter()
        .position(|i| std::ptr::eq(i, info))
        .expect("a row of TRAITS")
}

/// The facts about the std trait named `name`, for a bound written inside a signature: the
/// prelude trait of that name if there is one, else the only std trait of that name, else —
/// when several share the name (`fmt::Write` and `io::Write`) — the first, provided they agree
/// on what a bound needs ([`TraitFacts::same_as_bound`]). `None` for an unknown name.
///
/// For callers that only have a bare name and know it is not shadowed by a user trait (the
/// generator, classifying bounds inside method signatures); everyone who can resolve a path
/// asks [`trait_info`] with the resolved canonical path instead.
pub fn facts_named(name: &str) -> Option<&'static TraitFacts> {
    let mut rows = traits_named(name);
    if let Some(prelude) = rows.clone().find(|info| info.in_prelude) {
        return Some(&prelude.facts);
    }
    let first = rows.next()?;
    rows.all(|other| other.facts.same_as_bound(&first.facts))
        .then_some(&first.facts)
}

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
    /// What the table knows about it.
    pub facts: TraitFacts,
}

/// The standard library's trait declarations.
#[derive(Debug, Clone)]
pub struct StdLibrary {
    inner: Arc<Inner>,
}

struct Inner {
    /// rust-src or the catalog, once known.
    source: OnceLock<Option<Arc<dyn StdSource>>>,
    /// The probe that decides `source` on first use, if it was not given.
    probe: Mutex<Option<StdProbe>>,
    /// One slot per row of [`TRAITS`], filled on first access.
    slots: Vec<OnceLock<Loaded>>,
    /// Every trait, for [`StdLibrary::traits`].
    all: OnceLock<Vec<StdTrait>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("source", &self.source)
            .field(
                "loaded",
                &self.slots.iter().filter(|s| s.get().is_some()).count(),
            )
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Loaded {
    trait_: StdTrait,
    from_rust_src: bool,
}

impl StdLibrary {
    /// The built-in catalog only.
    pub fn catalog() -> Self {
        Self::new(Some(None), None)
    }

    /// The declarations read from `source` (rust-src); traits missing there come from the
    /// catalog.
    pub fn from_source(source: Arc<dyn StdSource>) -> Self {
        Self::new(Some(Some(source)), None)
    }

    /// Declarations from what `probe` finds, run on first use (the loader runs it in the
    /// background right away, see [`Self::source_kind`]): only a look-up made before the probe
    /// has answered waits for it.
    pub fn probing(probe: StdProbe) -> Self {
        Self::new(None, Some(probe))
    }

    fn new(source: Option<Option<Arc<dyn StdSource>>>, probe: Option<StdProbe>) -> Self {
        let cell = OnceLock::new();
        if let Some(source) = source {
            let _ = cell.set(source);
        }
        let inner = Inner {
            source: cell,
            probe: Mutex::new(probe),
            slots: TRAITS.iter().map(|_| OnceLock::new()).collect(),
            all: OnceLock::new(),
        };
        StdLibrary {
            inner: Arc::new(inner),
        }
    }

    /// Where these declarations come from (runs, or waits for, the probe of [`Self::probing`]).
    pub fn source_kind(&self) -> StdSourceKind {
        match self.inner.rust_src() {
            Some(source) => StdSourceKind::RustSrc(source.library()),
            None => StdSourceKind::Catalog,
        }
    }

    /// Where one trait's declaration actually came from: rust-src, or the catalog (always the
    /// case without rust-src, and for a trait rust-src does not yield).
    pub fn origin(&self, trait_: &StdTrait) -> StdSourceKind {
        let loaded = TRAITS
            .iter()
            .position(|info| info.canonical_path == trait_.canonical_path)
            .and_then(|index| self.inner.slots[index].get());
        match (loaded, self.inner.rust_src()) {
            (Some(loaded), Some(source)) if loaded.from_rust_src => {
                StdSourceKind::RustSrc(source.library())
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
        traits_named(name)
            .map(|info| &self.inner.load(row(info)).trait_)
            .collect()
    }

    /// The prelude trait with this name, if any.
    pub fn prelude(&self, name: &str) -> Option<&StdTrait> {
        Some(&self.inner.load(row(prelude_trait(name)?)).trait_)
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
}

impl Inner {
    /// rust-src, probing for it on first use.
    fn rust_src(&self) -> Option<&Arc<dyn StdSource>> {
        self.source
            .get_or_init(|| {
                let probe = self
                    .probe
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take();
                probe.and_then(|probe| probe())
            })
            .as_ref()
    }

    /// The trait of row `index`, loading it on first access.
    fn load(&self, index: usize) -> &Loaded {
        self.slots[index].get_or_init(|| {
            let info = &TRAITS[index];
            let from_src = self
                .rust_src()
                .and_then(|source| self.extract_from_rust_src(source.as_ref(), info));
            let from_rust_src = from_src.is_some();
            let source = from_src.unwrap_or_else(|| catalog_source(info));
            Loaded {
                trait_: make_trait(info, source),
                from_rust_src,
            }
        })
    }

    /// The trait's declaration extracted from rust-src, `None` (logged) when that fails.
    fn extract_from_rust_src(&self, source: &dyn StdSource, info: &TraitInfo) -> Option<String> {
        let cell = extracted_file(source.library().join(info.file));
        let extracted = cell.get_or_init(|| {
            let names: Vec<&str> = TRAITS
                .iter()
                .filter(|i| i.file == info.file)
                .map(|i| i.name())
                .collect();
            match source.read(info.file) {
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
fn extracted_file(path: PathBuf) -> Arc<OnceLock<Extracted>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<OnceLock<Extracted>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(cache.entry(path).or_default())
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
        is_auto: info.facts.auto,
        source: source.into(),
        in_prelude: info.in_prelude,
        facts: info.facts,
    }
}

/// Whether the declaration's head (before `trait`) has the `auto` keyword (a test checks the
/// table's `auto` against it).
#[cfg(test)]
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
            return prelude_trait(name).map(row);
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
