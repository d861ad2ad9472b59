//! Where Cargo keeps a package's sources, found by listing directories (Cargo is never run):
//!
//! - a registry's packages under `$CARGO_HOME/registry/src/<index dir>/<name>-<version>/`, the
//!   index dir being `<host>-<hash>` (`index.crates.io-1949cf8c6b5b557f`): the hash is not
//!   computed, the directory is found by its host;
//! - a git dependency under `$CARGO_HOME/git/checkouts/<repository>-<hash>/<short rev>/`, where
//!   the short revision is a prefix of the full commit in `Cargo.lock` (`git+…#<commit>`); a
//!   package in a repository's sub-directory is found by its manifest's name;
//! - a vendored directory (source replacement) holds `<name>/` or `<name>-<version>/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Listings of `$CARGO_HOME` directories, each read once per load.
#[derive(Debug)]
pub(crate) struct CargoHome {
    home: Option<PathBuf>,
    listings: Mutex<HashMap<PathBuf, Vec<String>>>,
}

impl CargoHome {
    pub fn new(home: Option<PathBuf>) -> Self {
        CargoHome {
            home,
            listings: Mutex::new(HashMap::new()),
        }
    }

    fn list(&self, dir: &Path) -> Vec<String> {
        let mut listings = self.listings.lock().unwrap_or_else(|e| e.into_inner());
        listings
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                let mut names: Vec<String> = std::fs::read_dir(dir)
                    .map(|entries| {
                        entries
                            .filter_map(Result::ok)
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                names
            })
            .clone()
    }

    /// The directory of `name-version` from the registry whose index is at `host`, or the
    /// place it would be (`Err`) when no index directory holds it.
    pub fn registry_package(
        &self,
        hosts: &[&str],
        name: &str,
        version: &str,
    ) -> Result<PathBuf, String> {
        let Some(home) = &self.home else {
            return Err("no CARGO_HOME (neither $CARGO_HOME nor $HOME is set)".into());
        };
        let src = home.join("registry/src");
        let package = format!("{name}-{version}");
        let index_dirs: Vec<String> = self
            .list(&src)
            .into_iter()
            .filter(|dir| {
                dir.rsplit_once('-')
                    .is_some_and(|(host, _)| hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
            })
            .collect();
        for dir in &index_dirs {
            let candidate = src.join(dir).join(&package);
            if candidate.join("Cargo.toml").is_file() {
                return Ok(candidate);
            }
        }
        Err(match index_dirs.first() {
            Some(dir) => format!("{} does not exist", src.join(dir).join(&package).display()),
            None => format!(
                "{} has no directory for {} (nothing fetched from it yet)",
                src.display(),
                hosts.first().copied().unwrap_or("the registry")
            ),
        })
    }

    /// The directory of package `name` in the git checkout of `url` at commit `rev`.
    pub fn git_package(&self, url: &str, rev: &str, name: &str) -> Result<PathBuf, String> {
        let Some(home) = &self.home else {
            return Err("no CARGO_HOME (neither $CARGO_HOME nor $HOME is set)".into());
        };
        let checkouts = home.join("git/checkouts");
        let ident = repository_ident(url);
        for repo in self.list(&checkouts) {
            let matches_repo = repo
                .rsplit_once('-')
                .is_some_and(|(id, _)| id.eq_ignore_ascii_case(&ident));
            if !matches_repo {
                continue;
            }
            let repo_dir = checkouts.join(&repo);
            for short in self.list(&repo_dir) {
                if short.len() >= 7 && rev.starts_with(&short) {
                    let checkout = repo_dir.join(&short);
                    if let Some(dir) = find_package_in(&checkout, name) {
                        return Ok(dir);
                    }
                }
            }
        }
        Err(format!(
            "no checkout of {url} at {} under {}",
            &rev[..rev.len().min(7)],
            checkouts.display()
        ))
    }
}

/// The directory of a vendored package: `<dir>/<name>-<version>/` or `<dir>/<name>/` whose
/// manifest has that version.
pub(crate) fn vendored_package(dir: &Path, name: &str, version: &str) -> Result<PathBuf, String> {
    let versioned = dir.join(format!("{name}-{version}"));
    if versioned.join("Cargo.toml").is_file() {
        return Ok(versioned);
    }
    let plain = dir.join(name);
    if manifest_version(&plain.join("Cargo.toml")).as_deref() == Some(version) {
        return Ok(plain);
    }
    Err(format!(
        "{} holds neither {name}-{version}/ nor {name}/ at version {version}",
        dir.display()
    ))
}

/// Cargo's name for a repository's checkout directory: the URL's last path segment without
/// `.git` (`https://github.com/o/repo.git` → `repo`).
fn repository_ident(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let ident = last.strip_suffix(".git").unwrap_or(last);
    if ident.is_empty() {
        "_empty".into()
    } else {
        ident.to_string()
    }
}

/// The directory under `root` (itself or below, at most 4 levels, skipping `target/` and
/// hidden directories) whose `Cargo.toml` declares package `name`.
fn find_package_in(root: &Path, name: &str) -> Option<PathBuf> {
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        if manifest_name(&dir.join("Cargo.toml")).as_deref() == Some(name) {
            return Some(dir);
        }
        if depth == 4 {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut subdirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                !n.starts_with('.') && n != "target"
            })
            .map(|e| e.path())
            .collect();
        subdirs.sort();
        stack.extend(subdirs.into_iter().rev().map(|d| (d, depth + 1)));
    }
    None
}

fn manifest_package_field(path: &Path, field: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = text.parse().ok()?;
    table
        .get("package")?
        .get(field)?
        .as_str()
        .map(str::to_string)
}

fn manifest_name(path: &Path) -> Option<String> {
    manifest_package_field(path, "name")
}

fn manifest_version(path: &Path) -> Option<String> {
    manifest_package_field(path, "version")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_directories_are_named_after_the_repository() {
        assert_eq!(
            repository_ident("https://github.com/rust-lang/futures-rs.git"),
            "futures-rs"
        );
        assert_eq!(
            repository_ident("https://github.com/o/repo?branch=main#abc"),
            "repo"
        );
        assert_eq!(repository_ident("https://example.com/"), "example.com");
    }
}
