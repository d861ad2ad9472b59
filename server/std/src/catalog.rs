//! The catalog: standard-library trait declarations shipped inside the binary, and the generator
//! that writes it from rust-src.
//!
//! The catalog file (`server/std/catalog/std_traits.rs`) is Rust source text: a header of `//!`
//! comments, then one block per trait, each introduced by a marker line
//!
//! ```text
//! // @trait core::fmt::Debug (core/src/fmt/mod.rs)
//! ```
//!
//! naming the trait's canonical path and the rust-src file it came from, followed by the
//! declaration exactly as [`super::extract`] prints it. Splitting on marker lines is all the
//! runtime does with it: no parsing at startup.

#[cfg(test)]
use std::collections::BTreeMap;

#[cfg(test)]
use super::extract::{self, ExtractError};
#[cfg(test)]
use super::table::{TRAITS, TraitInfo};

/// The catalog's text, compiled into the binary.
pub(crate) const CATALOG_TEXT: &str = include_str!("../catalog/std_traits.rs");

/// The line prefix introducing each trait's block.
const MARKER: &str = "// @trait ";

/// The catalog's entries: `(canonical path, declaration text)`, in file order.
pub(crate) fn entries(text: &str) -> Vec<(&str, &str)> {
    let mut entries = Vec::new();
    let mut current: Option<(&str, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(MARKER) {
            if let Some((path, start)) = current.take() {
                entries.push((path, text[start..offset].trim()));
            }
            let path = rest.split_whitespace().next().unwrap_or("");
            current = Some((path, offset + line.len()));
        }
        offset += line.len();
    }
    if let Some((path, start)) = current {
        entries.push((path, text[start..].trim()));
    }
    entries
}

/// The catalog declaration of the trait at `canonical_path`, ending with one newline.
pub(crate) fn lookup(canonical_path: &str) -> Option<String> {
    static ENTRIES: std::sync::OnceLock<Vec<(&str, &str)>> = std::sync::OnceLock::new();
    ENTRIES
        .get_or_init(|| entries(CATALOG_TEXT))
        .iter()
        .find(|(path, _)| *path == canonical_path)
        .map(|(_, text)| format!("{text}\n"))
}

/// Why the catalog could not be generated.
#[cfg(test)]
#[derive(Debug, thiserror::Error)]
pub(crate) enum GenerateError {
    /// A source file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// A trait could not be extracted.
    #[error("{path}: {source}")]
    Extract { path: String, source: ExtractError },
}

/// Generates the catalog's text from rust-src: `read` gives the text of a file of rust-src's
/// `library/` directory (by its path there, e.g. `core/src/fmt/mod.rs`); the caller reads the
/// disk. `toolchain` (e.g. the output of `rustc --version`) is recorded in the header.
#[cfg(test)]
pub(crate) fn generate(
    read: impl Fn(&str) -> std::io::Result<String>,
    toolchain: &str,
) -> Result<String, GenerateError> {
    let mut by_file: BTreeMap<&str, Vec<&TraitInfo>> = BTreeMap::new();
    for info in TRAITS {
        by_file.entry(info.file).or_default().push(info);
    }
    let mut extracted: BTreeMap<&str, String> = BTreeMap::new();
    for (file, infos) in &by_file {
        let text = read(file).map_err(|source| GenerateError::Read {
            path: (*file).to_string(),
            source,
        })?;
        let names: Vec<&str> = infos.iter().map(|i| i.name()).collect();
        let mut results = extract::extract_traits(&text, &names);
        for info in infos {
            let result = results
                .remove(info.name())
                .unwrap_or_else(|| Err(ExtractError::NotFound(info.name().to_owned())));
            let decl = result.map_err(|source| GenerateError::Extract {
                path: info.canonical_path.to_owned(),
                source,
            })?;
            extracted.insert(info.canonical_path, decl);
        }
    }
    let mut out = String::new();
    out.push_str(&header(toolchain));
    for info in TRAITS {
        let decl = extracted
            .get(info.canonical_path)
            .map(String::as_str)
            .unwrap_or_default();
        out.push('\n');
        out.push_str(&format!(
            "{MARKER}{} ({})\n",
            info.canonical_path, info.file
        ));
        out.push_str(decl);
    }
    Ok(out)
}

#[cfg(test)]
fn header(toolchain: &str) -> String {
    let toolchain = toolchain.trim();
    format!(
        "\
//! GENERATED FILE — do not edit by hand.
//!
//! The standard library's trait declarations, as dynlens knows them when the toolchain's
//! rust-src component is not installed. Generated from the rust-src of
//! `{toolchain}`
//! by `server/std/src/catalog.rs`; regenerate with
//! `UPDATE_STD_CATALOG=1 cargo test -p dynlens-std tests::catalog_is_up_to_date`.
//!
//! Format: each trait follows a marker line `// @trait <canonical path> (<file in library/>)`.
//! Declarations keep their supertraits, generics (with defaults), where clauses, `unsafe` and
//! `auto`, and every associated item with its exact signature. Dropped: doc comments,
//! comments, attributes, items whose `#[cfg]` is off in a normal build, the `const` of
//! `const trait` and `[const]` bounds. Default method bodies are replaced by `{{}}`, so
//! `{{}}` means \"has a default body\" and `;` means \"required\". The unstable sized-hierarchy
//! bounds are written the stable way: `T: PointeeSized` as `T: ?Sized`, and the implicit
//! `PointeeSized`/`MetaSized` supertraits are left out.
"
    )
}
