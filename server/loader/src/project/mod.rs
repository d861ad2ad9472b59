//! The Cargo project model: the [`CrateGraph`] of a workspace and of everything it depends on,
//! as Cargo resolves it — read from the manifests, `Cargo.lock` and `.cargo/config.toml`,
//! **without running anything**. `cargo metadata` would run a `build.rustc` or
//! `build.rustc-wrapper` named in the workspace's `.cargo/config.toml`, so opening an untrusted
//! repository would run its code; dynlens reads the files Cargo reads instead. Build scripts
//! and proc macros are never run either (their crates are in the graph, as data).
//!
//! What is read at load time: the workspace's manifests, `Cargo.lock`, the configuration
//! files, and each reached dependency's `Cargo.toml` (to learn its library's name, root file
//! and edition, and which of its dependencies are normal ones). Never a `.rs` file: the core
//! reads those lazily through a [`dynlens_base::FileSource`] when a name resolves into a crate.
//!
//! The graph (see [`load_project`]):
//! - one crate per library target of each package that the workspace reaches through normal
//!   dependencies (and, for workspace members, dev-dependencies) as `Cargo.lock` resolved them
//!   — target-specific dependencies included, build-dependencies left out (they are visible
//!   only to build scripts, which dynlens does not analyse);
//! - one crate per binary target of each workspace member, depending on its package's
//!   library; tests, examples and benches are not crates of the graph;
//! - each edge named as Cargo names it for rustc: the dependency's key when it renames the
//!   package (`package = "…"`), its library's name otherwise, `-` turned into `_`;
//! - `core`, `alloc`, `std` and `proc_macro` from rust-src, when found; every other crate has
//!   `core` and `std` in its extern prelude ([`DependencyKind::SysrootPrelude`], as rustc adds
//!   them in every edition unless `#![no_core]`/`#![no_std]`, which the resolver reads) and
//!   `alloc` only through `extern crate alloc;` ([`DependencyKind::ExternCrateOnly`]);
//!   proc-macro crates also get `proc_macro`, which Cargo passes them. Without rust-src there
//!   are no sysroot crates and the core keeps using its built-in std catalog.
//!
//! Sources are located where Cargo keeps them (`locate.rs`), after source replacement
//! (`config.rs`). A package whose sources are not on disk is still a crate, named as Cargo
//! names it by default, without dependencies, whose root cannot be read (an empty path when
//! its directory is unknown): the core knows the name is a crate but finds nothing in it. It
//! is reported in [`ProjectLoad::warnings`], flagged when it is reached only through
//! target-specific dependencies (Windows crates on Linux, …), which Cargo fetches only on
//! `cargo fetch` or for the platforms that need them.
//!
//! Libraries used, both actively maintained and building on Rust 1.85+: `cargo_toml`
//! (kornelski; Cargo.toml as serde types, with workspace inheritance — `edition.workspace =
//! true`, `dep = { workspace = true }` — and Cargo's target auto-discovery, which we would
//! otherwise re-implement), `cargo-lock` (RustSec's parser of every `Cargo.lock` format version,
//! used by cargo-audit), and `toml` for `.cargo/config.toml`, read as plain tables.

mod config;
mod locate;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use cargo_lock::Lockfile;
use cargo_toml::Manifest;
use dynlens_base::{
    CrateData, CrateGraph, CrateId, CrateKind, CrateOrigin, DependencyKind, Edition,
};

use config::{CargoConfig, Replacement};
use locate::CargoHome;

/// Where to look for what Cargo and rustup installed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectConfig {
    /// `$CARGO_HOME` (`~/.cargo` by default): the registry's sources, git checkouts and the
    /// user's `config.toml`. `None`: only path and vendored dependencies are found.
    pub cargo_home: Option<PathBuf>,
    /// rust-src's `library/` directory, for the sysroot crates; `None`: no sysroot crates.
    pub rust_src: Option<PathBuf>,
}

impl ProjectConfig {
    /// From the environment: `CARGO_HOME`, else `$HOME/.cargo`; rust-src as
    /// [`crate::rust_src`] finds it (`RUST_SRC_PATH`, else `rustc --print sysroot`, run once
    /// per process from a neutral directory).
    pub fn from_env() -> Self {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
        ProjectConfig {
            cargo_home,
            rust_src: crate::rust_src::installed_library(),
        }
    }
}

/// A loaded project: the graph and what could not be read.
#[derive(Debug, Clone)]
pub struct ProjectLoad {
    /// The directory of the workspace's root `Cargo.toml`.
    pub workspace_root: PathBuf,
    pub graph: CrateGraph,
    /// What is missing or could not be read, for the user to see; the graph holds the rest.
    pub warnings: Vec<LoadWarning>,
    /// The files the graph was built from (manifests, `Cargo.lock`, configuration): reload
    /// when one of them changes.
    pub inputs: Vec<PathBuf>,
}

/// Something the graph lacks, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadWarning {
    /// A dependency's sources are not on disk (not fetched yet, or an unsupported source).
    #[error(
        "the sources of {package} {version} are missing ({reason}); its items are unknown until \
         Cargo fetches it (`cargo fetch`){}",
        if *.target_specific {
            "; it is reached only through target-specific dependencies, which Cargo fetches \
             only for the platforms that need them"
        } else {
            ""
        }
    )]
    MissingSources {
        package: String,
        version: String,
        reason: String,
        /// Reached only through `[target.'cfg(…)'.dependencies]`: a build for this machine
        /// may never need it (Cargo fetches those for all platforms only on `cargo fetch`).
        target_specific: bool,
    },
    /// A manifest that could not be read or parsed.
    #[error("cannot read {}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
    /// No `Cargo.lock`: only the workspace and its path dependencies are known.
    #[error(
        "no Cargo.lock in {}: only path dependencies are known until Cargo writes it \
         (`cargo generate-lockfile`, or any build)",
        .0.display()
    )]
    NoLockFile(PathBuf),
    /// A `Cargo.lock` that could not be parsed.
    #[error("cannot read {}: {message}", path.display())]
    LockFile { path: PathBuf, message: String },
    /// A `.cargo/config.toml` that could not be parsed (its source replacements are ignored).
    #[error("cannot read {}: {message}", path.display())]
    Config { path: PathBuf, message: String },
}

/// Why there is no project at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    /// No `Cargo.toml` in the directory or above it.
    #[error("no Cargo.toml in {} or any directory above it", .0.display())]
    NoManifest(PathBuf),
    /// The root manifest cannot be read.
    #[error("cannot read {}: {message}", path.display())]
    RootManifest { path: PathBuf, message: String },
}

/// Loads the Cargo project that `dir` (a directory or a file) belongs to, with the
/// [`ProjectConfig`] of the environment.
pub fn load_project(dir: &Path) -> Result<ProjectLoad, ProjectError> {
    load_project_with(dir, &ProjectConfig::from_env())
}

/// Loads the Cargo project that `dir` (a directory or a file) belongs to: its workspace is the
/// nearest `Cargo.toml` above, or the `[workspace]` root above that package.
pub fn load_project_with(dir: &Path, config: &ProjectConfig) -> Result<ProjectLoad, ProjectError> {
    let dir = normalize(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    let dir = if dir.is_file() {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    } else {
        dir
    };
    let workspace = Workspace::find(&dir)?;
    let mut loader = Loader::new(workspace, config);
    loader.discover_path_packages();
    loader.read_lock_file();
    loader.reach();
    let graph = loader.build_graph();
    Ok(ProjectLoad {
        workspace_root: loader.workspace.root,
        graph,
        warnings: loader.warnings,
        inputs: loader.inputs,
    })
}

/// The workspace: its root manifest and its members' directories.
struct Workspace {
    root: PathBuf,
    manifest_path: PathBuf,
    manifest: Manifest,
    members: Vec<PathBuf>,
    exclude: Vec<PathBuf>,
}

impl Workspace {
    fn find(dir: &Path) -> Result<Workspace, ProjectError> {
        let nearest = dir
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|m| m.is_file())
            .ok_or_else(|| ProjectError::NoManifest(dir.to_path_buf()))?;
        let manifest = parse_manifest(&nearest).map_err(|message| ProjectError::RootManifest {
            path: nearest.clone(),
            message,
        })?;
        let package_dir = nearest.parent().unwrap_or(dir).to_path_buf();
        if manifest.workspace.is_some() {
            return Ok(Workspace::new(nearest, manifest));
        }
        // `package.workspace = "…"` names the root; otherwise the first `[workspace]` above
        // that has this package as a member (Cargo's search).
        if let Some(explicit) = manifest.package.as_ref().and_then(|p| p.workspace.clone()) {
            let root_manifest = normalize(&package_dir.join(explicit)).join("Cargo.toml");
            if let Ok(root) = parse_manifest(&root_manifest)
                && root.workspace.is_some()
            {
                return Ok(Workspace::new(root_manifest, root));
            }
        }
        for above in package_dir.ancestors().skip(1) {
            let candidate = above.join("Cargo.toml");
            if !candidate.is_file() {
                continue;
            }
            let Ok(root) = parse_manifest(&candidate) else {
                continue;
            };
            if root.workspace.is_some() {
                let ws = Workspace::new(candidate, root);
                if ws.members.contains(&package_dir) {
                    return Ok(ws);
                }
                break;
            }
        }
        Ok(Workspace::new(nearest, manifest))
    }

    fn new(manifest_path: PathBuf, manifest: Manifest) -> Workspace {
        let root = manifest_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let (patterns, exclude) = match &manifest.workspace {
            Some(ws) => (ws.members.clone(), ws.exclude.clone()),
            None => (Vec::new(), Vec::new()),
        };
        let exclude: Vec<PathBuf> = exclude.iter().map(|e| normalize(&root.join(e))).collect();
        let mut members = Vec::new();
        if manifest.package.is_some() {
            members.push(root.clone());
        }
        for pattern in &patterns {
            for dir in expand_glob(&root, pattern) {
                if dir.join("Cargo.toml").is_file()
                    && !exclude.iter().any(|e| dir.starts_with(e))
                    && !members.contains(&dir)
                {
                    members.push(dir);
                }
            }
        }
        Workspace {
            root,
            manifest_path,
            manifest,
            members,
            exclude,
        }
    }

    /// Whether a path package at `dir` is a member (path dependencies inside the workspace's
    /// directory are members, as in Cargo, unless excluded).
    fn is_member(&self, dir: &Path) -> bool {
        self.members.iter().any(|m| m == dir)
            || (dir.starts_with(&self.root) && !self.exclude.iter().any(|e| dir.starts_with(e)))
    }
}

/// A package as the loader knows it.
#[derive(Debug)]
struct Package {
    name: String,
    version: Option<String>,
    /// Its directory, when its sources are on disk.
    dir: Option<PathBuf>,
    manifest: Option<Manifest>,
    /// Where `Cargo.lock` says it comes from (`None`: a path package).
    source: Option<cargo_lock::SourceId>,
    origin: CrateOrigin,
    member: bool,
    /// Its library's crate name, once known.
    lib_name: Option<String>,
    /// The packages `Cargo.lock` resolved its dependencies to (indexes into
    /// `Loader::packages`); `None` without a lock file.
    locked_deps: Option<Vec<(String, usize)>>,
    reached: bool,
    /// Reached without a target-specific dependency on the way.
    unconditional: bool,
    /// Why its sources are not on disk.
    missing: Option<String>,
    lib: Option<CrateId>,
    bins: Vec<CrateId>,
}

struct Loader<'a> {
    workspace: Workspace,
    cargo_home: CargoHome,
    cargo_config: CargoConfig,
    rust_src: Option<&'a Path>,
    packages: Vec<Package>,
    /// Path packages by directory (index into `packages`).
    by_dir: HashMap<PathBuf, usize>,
    /// Reached packages, in the order they were reached.
    order: Vec<usize>,
    warnings: Vec<LoadWarning>,
    inputs: Vec<PathBuf>,
}

impl<'a> Loader<'a> {
    fn new(workspace: Workspace, config: &'a ProjectConfig) -> Self {
        let mut warnings = Vec::new();
        let cargo_config =
            CargoConfig::read(&workspace.root, config.cargo_home.as_deref(), &mut warnings);
        let mut inputs = vec![workspace.manifest_path.clone()];
        inputs.extend(cargo_config.files.iter().cloned());
        Loader {
            workspace,
            cargo_home: CargoHome::new(config.cargo_home.clone()),
            cargo_config,
            rust_src: config.rust_src.as_deref(),
            packages: Vec::new(),
            by_dir: HashMap::new(),
            order: Vec::new(),
            warnings,
            inputs,
        }
    }

    /// Reads the members' manifests and, transitively, those of their path dependencies (and
    /// of path `[patch]` entries).
    fn discover_path_packages(&mut self) {
        let mut queue: VecDeque<PathBuf> = self.workspace.members.iter().cloned().collect();
        for patches in self.workspace.manifest.patch.values() {
            for dep in patches.values() {
                if let Some(path) = dep.detail().and_then(|d| d.path.as_deref()) {
                    queue.push_back(normalize(&self.workspace.root.join(path)));
                }
            }
        }
        while let Some(dir) = queue.pop_front() {
            if self.by_dir.contains_key(&dir) {
                continue;
            }
            let manifest_path = dir.join("Cargo.toml");
            let member = self.workspace.is_member(&dir);
            let workspace = (member && manifest_path != self.workspace.manifest_path).then_some((
                &self.workspace.manifest,
                self.workspace.manifest_path.as_path(),
            ));
            let manifest = match read_manifest(&manifest_path, Some(workspace)) {
                Ok(m) => m,
                Err(message) => {
                    self.warnings.push(LoadWarning::Manifest {
                        path: manifest_path,
                        message,
                    });
                    continue;
                }
            };
            if manifest_path != self.workspace.manifest_path {
                self.inputs.push(manifest_path.clone());
            }
            let Some(package) = &manifest.package else {
                continue; // a virtual manifest
            };
            for (_, dep, _, _) in declared_deps(&manifest, true) {
                if let Some(path) = dep.detail().and_then(|d| d.path.as_deref()) {
                    queue.push_back(normalize(&dir.join(path)));
                }
            }
            let index = self.packages.len();
            self.packages.push(Package {
                name: package.name().to_string(),
                version: package.version.get().ok().map(ToString::to_string),
                dir: Some(dir.clone()),
                origin: if member {
                    CrateOrigin::Workspace
                } else {
                    CrateOrigin::Dependency
                },
                member,
                manifest: Some(manifest),
                source: None,
                lib_name: None,
                locked_deps: None,
                reached: false,
                unconditional: false,
                missing: None,
                lib: None,
                bins: Vec::new(),
            });
            self.by_dir.insert(dir, index);
        }
    }

    /// Adds the lock file's other packages and every package's resolved dependencies.
    fn read_lock_file(&mut self) {
        let path = self.workspace.root.join("Cargo.lock");
        if !path.is_file() {
            self.warnings
                .push(LoadWarning::NoLockFile(self.workspace.root.clone()));
            return;
        }
        self.inputs.push(path.clone());
        let lock = match Lockfile::load(&path) {
            Ok(lock) => lock,
            Err(error) => {
                self.warnings.push(LoadWarning::LockFile {
                    path,
                    message: error.to_string(),
                });
                return;
            }
        };
        // Lock entry → package index: path packages are the ones discovered (matched by name
        // and version), the others are added.
        let mut of_entry = Vec::with_capacity(lock.packages.len());
        for entry in &lock.packages {
            let name = entry.name.as_str();
            let version = entry.version.to_string();
            let is_path = entry.source.as_ref().is_none_or(|s| s.is_path());
            let found = is_path
                .then(|| {
                    self.packages.iter().position(|p| {
                        p.name == name && p.version.as_deref().is_none_or(|v| v == version)
                    })
                })
                .flatten();
            let index = match found {
                Some(index) => index,
                None => {
                    self.packages.push(Package {
                        name: name.to_string(),
                        version: Some(version),
                        dir: None,
                        manifest: None,
                        source: entry.source.clone(),
                        origin: CrateOrigin::Dependency,
                        member: false,
                        lib_name: None,
                        locked_deps: None,
                        reached: false,
                        unconditional: false,
                        missing: None,
                        lib: None,
                        bins: Vec::new(),
                    });
                    self.packages.len() - 1
                }
            };
            of_entry.push(index);
        }
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, entry) in lock.packages.iter().enumerate() {
            by_name.entry(entry.name.as_str()).or_default().push(i);
        }
        for (entry, &index) in lock.packages.iter().zip(&of_entry) {
            let deps = entry
                .dependencies
                .iter()
                .filter_map(|dep| {
                    let same_name = by_name.get(dep.name.as_str())?;
                    // Same name and version; the same source too when there is a choice.
                    let target = same_name
                        .iter()
                        .copied()
                        .find(|&i| {
                            dep.matches(&lock.packages[i]) && dep.source == lock.packages[i].source
                        })
                        .or_else(|| {
                            same_name
                                .iter()
                                .copied()
                                .find(|&i| dep.matches(&lock.packages[i]))
                        })?;
                    Some((dep.name.as_str().to_string(), of_entry[target]))
                })
                .collect();
            self.packages[index].locked_deps = Some(deps);
        }
    }
}

/// A package located and its manifest read (or not).
enum Loaded {
    Missing(String),
    Found {
        dir: PathBuf,
        manifest: Result<Box<Manifest>, String>,
    },
}

/// A dependency of a package, resolved to a package.
struct ResolvedDep {
    /// The key in `[dependencies]`.
    key: String,
    /// Whether the key renames the package (`package = "…"`).
    renamed: bool,
    target: usize,
    kind: DependencyKind,
    /// Declared under `[target.'cfg(…)'.…]`.
    target_specific: bool,
}

impl Loader<'_> {
    /// Walks from the members through the dependencies that matter, reading each reached
    /// package's manifest.
    fn reach(&mut self) {
        // Breadth first, level by level: the manifests of a level's new packages are read in
        // parallel, then the level is expanded in order (so the crates' order is stable).
        // A package is expanded when first reached, and once more if it is later reached
        // without a target-specific edge on the way (to mark what it reaches so).
        let mut level: Vec<(usize, bool)> = self
            .workspace
            .members
            .iter()
            .filter_map(|dir| Some((self.by_dir.get(dir).copied()?, true)))
            .collect();
        while !level.is_empty() {
            let mut new: Vec<usize> = level
                .iter()
                .map(|&(index, _)| index)
                .filter(|&index| !self.packages[index].reached)
                .collect();
            new.sort_unstable();
            new.dedup();
            self.load_packages(&new);
            let mut next = Vec::new();
            for (index, unconditional) in level {
                let package = &mut self.packages[index];
                let first = !package.reached;
                let newly_unconditional = unconditional && !package.unconditional;
                if !first && !newly_unconditional {
                    continue;
                }
                package.reached = true;
                package.unconditional |= unconditional;
                if first {
                    self.order.push(index);
                }
                next.extend(
                    self.resolved_deps(index)
                        .into_iter()
                        .map(|d| (d.target, unconditional && !d.target_specific)),
                );
            }
            level = next;
        }
        for &index in &self.order {
            let package = &self.packages[index];
            if let Some(reason) = &package.missing {
                self.warnings.push(LoadWarning::MissingSources {
                    package: package.name.clone(),
                    version: package.version.clone().unwrap_or_default(),
                    reason: reason.clone(),
                    target_specific: !package.unconditional,
                });
            }
        }
    }

    /// Locates registry, git and vendored packages and reads their manifests, on a few
    /// threads (parsing manifests is most of the load time).
    fn load_packages(&mut self, indexes: &[usize]) {
        let jobs: Vec<(usize, cargo_lock::SourceId, String, String)> = indexes
            .iter()
            .filter_map(|&index| {
                let package = &self.packages[index];
                if package.manifest.is_some() || package.dir.is_some() {
                    return None; // a path package, read while discovering them
                }
                Some((
                    index,
                    package.source.clone()?,
                    package.name.clone(),
                    package.version.clone().unwrap_or_default(),
                ))
            })
            .collect();
        let next = AtomicUsize::new(0);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8)
            .min(jobs.len().div_ceil(4).max(1));
        let this = &*self;
        let results: Vec<(usize, Loaded)> = std::thread::scope(|scope| {
            let work = || {
                let mut done = Vec::new();
                loop {
                    let job = next.fetch_add(1, Ordering::Relaxed);
                    let Some((index, source, name, version)) = jobs.get(job) else {
                        break;
                    };
                    done.push((*index, this.load_package(source, name, version)));
                }
                done
            };
            let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            let mut results = work();
            for handle in handles {
                // A panic while parsing one manifest loses that thread's packages only.
                results.extend(handle.join().unwrap_or_default());
            }
            results
        });
        for (index, _, name, version) in &jobs {
            if !results.iter().any(|(done, _)| done == index) {
                self.packages[*index].missing =
                    Some(format!("reading the manifest of {name} {version} panicked"));
            }
        }
        for (index, loaded) in results {
            let package = &mut self.packages[index];
            match loaded {
                Loaded::Missing(reason) => package.missing = Some(reason),
                Loaded::Found { dir, manifest } => {
                    match manifest {
                        Ok(manifest) => package.manifest = Some(*manifest),
                        Err(message) => self.warnings.push(LoadWarning::Manifest {
                            path: dir.join("Cargo.toml"),
                            message,
                        }),
                    }
                    package.dir = Some(dir);
                }
            }
        }
    }

    /// Locates one registry, git or vendored package and reads its manifest.
    fn load_package(&self, source: &cargo_lock::SourceId, name: &str, version: &str) -> Loaded {
        let dir = match self.locate(source, name, version) {
            Ok(dir) => dir,
            Err(reason) => return Loaded::Missing(reason),
        };
        // Published and vendored manifests are normalized (nothing inherited, targets
        // explicit); a git checkout's may inherit from its repository's workspace.
        let complete = source.is_git();
        let manifest =
            read_manifest(&dir.join("Cargo.toml"), complete.then_some(None)).map(Box::new);
        Loaded::Found { dir, manifest }
    }

    fn locate(
        &self,
        source: &cargo_lock::SourceId,
        name: &str,
        version: &str,
    ) -> Result<PathBuf, String> {
        use cargo_lock::package::SourceKind;
        let from_registry = |replacement: Replacement, hosts: &[&str]| match replacement {
            Replacement::None => self.cargo_home.registry_package(hosts, name, version),
            Replacement::Directory(dir) => locate::vendored_package(&dir, name, version),
            Replacement::Registry(url) => {
                self.cargo_home
                    .registry_package(&[url_host(&url)], name, version)
            }
            Replacement::Unsupported(reason) => Err(reason),
        };
        match source.kind() {
            SourceKind::Registry | SourceKind::SparseRegistry if source.is_default_registry() => {
                // crates.io's sources are under `index.crates.io-<hash>` (older Cargo:
                // `github.com-<hash>`).
                from_registry(
                    self.cargo_config.crates_io(),
                    &["index.crates.io", "github.com"],
                )
            }
            SourceKind::Registry | SourceKind::SparseRegistry => {
                let url = source.url().as_str();
                from_registry(self.cargo_config.registry(url), &[url_host(url)])
            }
            SourceKind::Git(_) => {
                let url = source.url().as_str();
                match self.cargo_config.git(url) {
                    Replacement::None => {
                        let rev = source.precise().unwrap_or_default();
                        self.cargo_home.git_package(url, rev, name)
                    }
                    Replacement::Directory(dir) => locate::vendored_package(&dir, name, version),
                    Replacement::Registry(_) | Replacement::Unsupported(_) => Err(format!(
                        "the replacement of git source {url} is not a directory"
                    )),
                }
            }
            SourceKind::Directory => match source.url().to_file_path() {
                Ok(dir) => locate::vendored_package(&dir, name, version),
                Err(()) => Err(format!("{} is not a local directory", source.url())),
            },
            _ => Err(format!(
                "{} is a local registry of .crate archives, which dynlens does not unpack",
                source.url()
            )),
        }
    }

    /// The dependencies of a package that its crates see: normal ones (target-specific
    /// included), and dev-dependencies for members; each resolved as `Cargo.lock` resolved it
    /// (without a lock file, path dependencies only).
    fn resolved_deps(&self, index: usize) -> Vec<ResolvedDep> {
        let package = &self.packages[index];
        let Some(manifest) = &package.manifest else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, dep, kind, target_specific) in declared_deps(manifest, package.member) {
            let package_name = dep.package().unwrap_or(key);
            let path = dep
                .detail()
                .and_then(|d| d.path.as_deref())
                .zip(package.dir.as_deref())
                .map(|(path, dir)| normalize(&dir.join(path)));
            let by_path = path.as_ref().and_then(|p| self.by_dir.get(p).copied());
            let target = match &package.locked_deps {
                Some(locked) => {
                    let candidates: Vec<usize> = locked
                        .iter()
                        .filter(|(name, _)| name == package_name)
                        .map(|&(_, target)| target)
                        .collect();
                    match candidates.as_slice() {
                        // Not in the lock: an optional dependency no feature enables.
                        [] => continue,
                        [only] => *only,
                        several => {
                            let req = match dep {
                                cargo_toml::Dependency::Simple(req) => Some(req),
                                cargo_toml::Dependency::Detailed(d) => d.version.as_ref(),
                                cargo_toml::Dependency::Inherited(_) => None,
                            };
                            let fits = |&&t: &&usize| {
                                if by_path.is_some() {
                                    return by_path == Some(t);
                                }
                                let version = self.packages[t].version.as_deref();
                                match (req, version.and_then(|v| semver::Version::parse(v).ok())) {
                                    (Some(req), Some(v)) => req.matches(&v),
                                    _ => true,
                                }
                            };
                            match several.iter().find(fits) {
                                Some(&t) => t,
                                None => several[0],
                            }
                        }
                    }
                }
                None => match by_path {
                    Some(t) => t,
                    None => continue,
                },
            };
            out.push(ResolvedDep {
                key: key.to_string(),
                renamed: dep.package().is_some(),
                target,
                kind,
                target_specific,
            });
        }
        out
    }

    fn build_graph(&mut self) -> CrateGraph {
        let mut graph = CrateGraph::default();
        for position in 0..self.order.len() {
            let index = self.order[position];
            self.add_crates(&mut graph, index);
        }
        for position in 0..self.order.len() {
            let index = self.order[position];
            let package = &self.packages[index];
            let from: Vec<CrateId> = package
                .lib
                .into_iter()
                .chain(package.bins.clone())
                .collect();
            if let (Some(lib), Some(lib_name)) = (package.lib, &package.lib_name) {
                for &bin in &package.bins {
                    graph.add_dep(bin, lib_name.clone(), lib);
                }
            }
            for dep in self.resolved_deps(index) {
                let target = &self.packages[dep.target];
                let (Some(krate), Some(lib_name)) = (target.lib, &target.lib_name) else {
                    continue; // a package without a library cannot be depended on
                };
                let extern_name = if dep.renamed {
                    dep.key.replace('-', "_")
                } else {
                    lib_name.clone()
                };
                for &crate_id in &from {
                    graph.add_dep_of_kind(crate_id, extern_name.clone(), krate, dep.kind);
                }
            }
        }
        self.add_sysroot(&mut graph);
        graph
    }

    /// The library and (for members) binary crates of a package.
    fn add_crates(&mut self, graph: &mut CrateGraph, index: usize) {
        let package = &self.packages[index];
        let version = package.version.clone();
        let origin = package.origin.clone();
        let Some(manifest) = &package.manifest else {
            // Sources or manifest missing: a crate named as Cargo would name it by default,
            // whose root cannot be read.
            let name = package.name.replace('-', "_");
            let root = package
                .dir
                .as_ref()
                .map(|d| d.join("src/lib.rs"))
                .unwrap_or_default();
            let id = graph.add_crate(CrateData {
                name: name.clone(),
                version,
                root,
                edition: Edition::default(),
                origin,
                kind: CrateKind::Lib,
                deps: Vec::new(),
            });
            let package = &mut self.packages[index];
            package.lib = Some(id);
            package.lib_name = Some(name);
            return;
        };
        let dir = package.dir.clone().unwrap_or_default();
        let package_edition = manifest
            .package
            .as_ref()
            .and_then(|p| p.edition.get().ok())
            .map(|e| edition(*e))
            .unwrap_or(Edition::Edition2015);
        let lib = match &manifest.lib {
            Some(lib) => Some((
                lib.name
                    .clone()
                    .unwrap_or_else(|| package.name.replace('-', "_")),
                dir.join(lib.path.as_deref().unwrap_or("src/lib.rs")),
                lib.edition.map(edition).unwrap_or(package_edition),
                lib.proc_macro || lib.crate_type.iter().any(|t| t == "proc-macro"),
            )),
            // Completed manifests (path and git packages) say whether there is a library;
            // a registry package depended on has one at the default place.
            None if package.source.as_ref().is_some_and(|s| !s.is_git()) => Some((
                package.name.replace('-', "_"),
                dir.join("src/lib.rs"),
                package_edition,
                false,
            )),
            None => None,
        };
        let bins: Vec<(String, PathBuf, Edition)> = if package.member {
            manifest
                .bin
                .iter()
                .filter_map(|bin| {
                    let name = bin.name.clone()?;
                    let path = bin
                        .path
                        .clone()
                        .unwrap_or_else(|| format!("src/bin/{name}.rs"));
                    Some((
                        name.replace('-', "_"),
                        dir.join(path),
                        bin.edition.map(edition).unwrap_or(package_edition),
                    ))
                })
                .collect()
        } else {
            Vec::new()
        };
        if let Some((name, root, edition, proc_macro)) = lib {
            let id = graph.add_crate(CrateData {
                name: name.clone(),
                version: version.clone(),
                root,
                edition,
                origin: origin.clone(),
                kind: if proc_macro {
                    CrateKind::ProcMacro
                } else {
                    CrateKind::Lib
                },
                deps: Vec::new(),
            });
            self.packages[index].lib = Some(id);
            self.packages[index].lib_name = Some(name);
        }
        for (name, root, edition) in bins {
            let id = graph.add_crate(CrateData {
                name,
                version: version.clone(),
                root,
                edition,
                origin: origin.clone(),
                kind: CrateKind::Bin,
                deps: Vec::new(),
            });
            self.packages[index].bins.push(id);
        }
    }

    /// `core`, `alloc`, `std`, `proc_macro` from rust-src, and their edges from every crate.
    fn add_sysroot(&self, graph: &mut CrateGraph) {
        let Some(library) = self.rust_src else {
            return;
        };
        let user_crates: Vec<(CrateId, CrateKind)> =
            graph.iter().map(|(id, c)| (id, c.kind)).collect();
        let mut sysroot: HashMap<&str, CrateId> = HashMap::new();
        for (name, deps) in [
            ("core", &[][..]),
            ("alloc", &["core"][..]),
            ("std", &["core", "alloc"][..]),
            ("proc_macro", &["core", "std"][..]),
        ] {
            let root = library.join(name).join("src/lib.rs");
            if !root.is_file() {
                continue;
            }
            let edition = std::fs::read_to_string(library.join(name).join("Cargo.toml"))
                .ok()
                .and_then(|text| text.parse::<toml::Table>().ok())
                .and_then(|t| {
                    let edition = t.get("package")?.get("edition")?.as_str()?.to_string();
                    Edition::from_manifest(&edition)
                })
                .unwrap_or(Edition::Edition2024);
            let id = graph.add_crate(CrateData {
                name: name.to_string(),
                version: None,
                root,
                edition,
                origin: CrateOrigin::Sysroot,
                kind: CrateKind::Lib,
                deps: Vec::new(),
            });
            for dep in deps {
                if let Some(&dep_id) = sysroot.get(dep) {
                    graph.add_dep(id, *dep, dep_id);
                }
            }
            sysroot.insert(name, id);
        }
        for (id, kind) in user_crates {
            for (name, dep_kind) in [
                ("core", DependencyKind::SysrootPrelude),
                ("std", DependencyKind::SysrootPrelude),
                ("alloc", DependencyKind::ExternCrateOnly),
            ] {
                if let Some(&dep) = sysroot.get(name) {
                    graph.add_dep_of_kind(id, name, dep, dep_kind);
                }
            }
            if kind == CrateKind::ProcMacro
                && let Some(&dep) = sysroot.get("proc_macro")
            {
                graph.add_dep(id, "proc_macro", dep);
            }
        }
    }
}

/// The declared dependencies that the package's crates see, with their kind: normal ones
/// (target-specific included), then dev-dependencies when `with_dev`.
/// Each comes with whether it is target-specific (`[target.'cfg(…)'.dependencies]`).
fn declared_deps(
    manifest: &Manifest,
    with_dev: bool,
) -> Vec<(&str, &cargo_toml::Dependency, DependencyKind, bool)> {
    let mut out = Vec::new();
    let sets = std::iter::once((&manifest.dependencies, DependencyKind::Normal, false))
        .chain(
            manifest
                .target
                .values()
                .map(|t| (&t.dependencies, DependencyKind::Normal, true)),
        )
        .chain(with_dev.then_some((&manifest.dev_dependencies, DependencyKind::Dev, false)))
        .chain(
            manifest
                .target
                .values()
                .filter(|_| with_dev)
                .map(|t| (&t.dev_dependencies, DependencyKind::Dev, true)),
        );
    for (set, kind, target_specific) in sets {
        for (key, dep) in set {
            out.push((key.as_str(), dep, kind, target_specific));
        }
    }
    out
}

/// Parses a manifest as written (nothing inherited, no target discovery).
fn parse_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    Manifest::from_str(&text).map_err(|e| e.to_string())
}

/// Parses a manifest; with `complete`, inherits from the workspace (the given one, or the one
/// `cargo_toml` finds above) and discovers the targets Cargo would (`src/lib.rs`,
/// `src/main.rs`, `src/bin/*.rs`): directory listings, no source read.
fn read_manifest(
    path: &Path,
    complete: Option<Option<(&Manifest, &Path)>>,
) -> Result<Manifest, String> {
    let mut manifest = parse_manifest(path)?;
    if let Some(workspace) = complete {
        manifest
            .complete_from_path_and_workspace(path, workspace)
            .map_err(|e| e.to_string())?;
    }
    Ok(manifest)
}

fn edition(edition: cargo_toml::Edition) -> Edition {
    Edition::from_manifest(&edition.to_string()).unwrap_or(Edition::Edition2024)
}

/// The host of a registry's index URL (`sparse+https://host/path` → `host`).
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// `path` with `.` and `..` components resolved lexically (symbolic links kept as written).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The directories a `[workspace] members` pattern names (`crates/*`, `server/?ore`).
fn expand_glob(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    for segment in pattern.split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        if !segment.contains(['*', '?']) {
            dirs = dirs.into_iter().map(|d| d.join(segment)).collect();
            continue;
        }
        let mut next = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut matched: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| wildcard(segment, &e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            matched.sort();
            next.extend(matched);
        }
        dirs = next;
    }
    dirs.iter().map(|d| normalize(d)).collect()
}

/// Glob matching of one path segment: `*` any run of characters, `?` one character.
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}
