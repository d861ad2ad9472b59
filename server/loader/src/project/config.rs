//! Source replacement from Cargo's configuration files, read as data.
//!
//! Cargo reads `.cargo/config.toml` (or the legacy `.cargo/config`) in the workspace's
//! directory and every directory above it, then `$CARGO_HOME/config.toml`; a closer file wins
//! key by key. Only the `[source.*]` tables are read here (`replace-with`, `directory`,
//! `registry`, `local-registry`, `git`): nothing else in those files is looked at, and nothing
//! they name (`build.rustc`, `build.rustc-wrapper`, `target.*.runner`, aliases) is ever run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::LoadWarning;

/// One `[source.NAME]` table, its relative paths resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SourceDef {
    pub replace_with: Option<String>,
    /// `directory = "vendor"`: a vendored directory (as `cargo vendor` writes it).
    pub directory: Option<PathBuf>,
    /// `registry = "https://…"`: another registry (a mirror).
    pub registry: Option<String>,
    /// `local-registry = "…"`: `.crate` archives, which dynlens does not unpack.
    pub local_registry: Option<PathBuf>,
    /// `git = "https://…"`: names a git source so that it can be replaced.
    pub git: Option<String>,
}

/// Where a package's sources are after source replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Replacement {
    /// Not replaced: the original source.
    None,
    /// A vendored directory holding `<name>/` or `<name>-<version>/`.
    Directory(PathBuf),
    /// Another registry (its sources are under `$CARGO_HOME/registry/src/<host>-<hash>/`).
    Registry(String),
    /// Something dynlens cannot read (a local registry of `.crate` archives, a cycle).
    Unsupported(String),
}

/// The merged `[source]` tables of every configuration file that applies.
#[derive(Debug, Clone, Default)]
pub(crate) struct CargoConfig {
    pub sources: BTreeMap<String, SourceDef>,
    /// The files read (to reload when they change).
    pub files: Vec<PathBuf>,
}

impl CargoConfig {
    /// Reads the configuration files that apply to a workspace at `workspace_root`.
    pub fn read(
        workspace_root: &Path,
        cargo_home: Option<&Path>,
        warnings: &mut Vec<LoadWarning>,
    ) -> CargoConfig {
        let mut config = CargoConfig::default();
        let mut candidates: Vec<(PathBuf, PathBuf)> = Vec::new();
        for dir in workspace_root.ancestors() {
            let dot_cargo = dir.join(".cargo");
            if let Some(file) = config_file(&dot_cargo) {
                candidates.push((file, dir.to_path_buf()));
            }
        }
        if let Some(home) = cargo_home
            && let Some(file) = config_file(home)
            && !candidates.iter().any(|(f, _)| *f == file)
        {
            // Relative paths in $CARGO_HOME/config.toml are relative to CARGO_HOME's parent,
            // as for any `.cargo/config.toml`.
            let base = home.parent().unwrap_or(home).to_path_buf();
            candidates.push((file, base));
        }
        for (file, base) in candidates {
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(error) => {
                    warnings.push(LoadWarning::Config {
                        path: file,
                        message: error.to_string(),
                    });
                    continue;
                }
            };
            match text.parse::<toml::Table>() {
                Ok(table) => config.merge(&table, &base),
                Err(error) => warnings.push(LoadWarning::Config {
                    path: file.clone(),
                    message: error.to_string(),
                }),
            }
            config.files.push(file);
        }
        config
    }

    /// Adds the `[source]` tables of one file; keys already set (by a closer file) win.
    fn merge(&mut self, table: &toml::Table, base: &Path) {
        let Some(sources) = table.get("source").and_then(toml::Value::as_table) else {
            return;
        };
        for (name, def) in sources {
            let Some(def) = def.as_table() else { continue };
            let string = |key: &str| def.get(key).and_then(toml::Value::as_str);
            let entry = self.sources.entry(name.clone()).or_default();
            if entry.replace_with.is_none() {
                entry.replace_with = string("replace-with").map(str::to_string);
            }
            if entry.directory.is_none() {
                entry.directory = string("directory").map(|d| base.join(d));
            }
            if entry.registry.is_none() {
                entry.registry = string("registry").map(str::to_string);
            }
            if entry.local_registry.is_none() {
                entry.local_registry = string("local-registry").map(|d| base.join(d));
            }
            if entry.git.is_none() {
                entry.git = string("git").map(str::to_string);
            }
        }
    }

    /// The replacement of crates.io (`[source.crates-io] replace-with = …`).
    pub fn crates_io(&self) -> Replacement {
        self.follow("crates-io")
    }

    /// The replacement of another registry, named by its index URL.
    pub fn registry(&self, index_url: &str) -> Replacement {
        match self.named_by(|def| def.registry.as_deref(), index_url) {
            Some(name) => self.follow(&name),
            None => Replacement::None,
        }
    }

    /// The replacement of a git repository (`[source."…"] git = URL, replace-with = …`, as
    /// `cargo vendor` prints it).
    pub fn git(&self, url: &str) -> Replacement {
        match self.named_by(|def| def.git.as_deref(), url) {
            Some(name) => self.follow(&name),
            None => Replacement::None,
        }
    }

    fn named_by(&self, field: impl Fn(&SourceDef) -> Option<&str>, url: &str) -> Option<String> {
        let same = |a: &str| a.trim_end_matches('/') == url.trim_end_matches('/');
        self.sources
            .iter()
            .find(|(_, def)| field(def).is_some_and(same) && def.replace_with.is_some())
            .map(|(name, _)| name.clone())
    }

    /// Follows `replace-with` from the source `name` to where the sources are.
    fn follow(&self, name: &str) -> Replacement {
        let mut current = name.to_string();
        for _ in 0..16 {
            let Some(def) = self.sources.get(&current) else {
                return if current == name {
                    Replacement::None
                } else {
                    Replacement::Unsupported(format!("source `{current}` is not defined"))
                };
            };
            if let Some(next) = &def.replace_with {
                current = next.clone();
                continue;
            }
            if current == name {
                return Replacement::None;
            }
            if let Some(dir) = &def.directory {
                return Replacement::Directory(dir.clone());
            }
            if let Some(registry) = &def.registry {
                return Replacement::Registry(registry.clone());
            }
            if def.local_registry.is_some() {
                return Replacement::Unsupported(format!(
                    "source `{current}` is a local registry of .crate archives, which dynlens \
                     does not unpack"
                ));
            }
            return Replacement::Unsupported(format!("source `{current}` has no location"));
        }
        Replacement::Unsupported(format!("`replace-with` loops from source `{name}`"))
    }
}

/// `dir/config.toml`, else the legacy `dir/config`.
fn config_file(dir: &Path) -> Option<PathBuf> {
    ["config.toml", "config"]
        .into_iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}
