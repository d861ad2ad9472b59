//! Reading the corpus: every trait in `tests/oracle/corpus/*.rs` is preceded by a
//! `// probe: dyn Trait<…>` comment naming the `dyn` type rustc is asked about.
//!
//! The probe is not an expected verdict (rustc gives that); it only spells out the generic
//! arguments and associated types a `dyn` type of the trait needs.

use std::fmt;
use std::path::{Path, PathBuf};

/// One trait of the corpus and the `dyn` type that exercises it.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The corpus file that defines the trait.
    pub file: PathBuf,
    /// The trait's name.
    pub trait_name: String,
    /// 1-based line of the trait's header.
    pub trait_line: usize,
    /// The type written in the `// probe:` comment, e.g. `dyn Foo<u8, Item = u32>`.
    pub dyn_type: String,
}

impl Probe {
    /// `file.rs::Trait`, for messages.
    pub fn label(&self) -> String {
        format!("{}::{}", file_name(&self.file), self.trait_name)
    }
}

/// The file name of a path, lossily, for messages and for matching dynlens' output.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A mistake in the corpus: a trait without a probe, a probe without a trait, …
#[derive(Debug)]
pub struct CorpusError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

const PROBE_MARKER: &str = "// probe:";

/// The trait named by a line that starts a trait definition
/// (`pub trait Foo`, `pub unsafe trait Foo<T>: Bar`, `trait Foo {`), if it is one.
pub fn trait_header_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(after_pub) = rest.strip_prefix("pub") {
        if let Some(restricted) = after_pub.strip_prefix('(') {
            // `pub(crate)`, `pub(super)`, `pub(in path)`
            let close = restricted.find(')')?;
            rest = restricted[close + 1..].trim_start();
        } else if after_pub.starts_with(char::is_whitespace) {
            rest = after_pub.trim_start();
        } else {
            return None;
        }
    }
    if let Some(after_unsafe) = rest.strip_prefix("unsafe") {
        if !after_unsafe.starts_with(char::is_whitespace) {
            return None;
        }
        rest = after_unsafe.trim_start();
    }
    let after_trait = rest.strip_prefix("trait")?;
    if !after_trait.starts_with(char::is_whitespace) {
        return None;
    }
    let name_start = after_trait.trim_start();
    let end = name_start
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name_start.len());
    let name = &name_start[..end];
    (!name.is_empty()).then_some(name)
}

/// Pairs each trait of one corpus file with its probe comment.
///
/// Every trait must have exactly one probe, written above it (doc comments, plain
/// comments and attributes may sit in between); a probe must be followed by a trait.
pub fn parse_file(file: &Path, text: &str) -> Result<Vec<Probe>, Vec<CorpusError>> {
    let mut probes: Vec<Probe> = Vec::new();
    let mut errors = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    let error = |line: usize, message: String| CorpusError {
        file: file.to_path_buf(),
        line,
        message,
    };

    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim();
        if let Some(dyn_type) = trimmed.strip_prefix(PROBE_MARKER) {
            if let Some((earlier, _)) = pending.take() {
                errors.push(error(earlier, "probe is not followed by a trait".into()));
            }
            let dyn_type = dyn_type.trim();
            if dyn_type.is_empty() {
                errors.push(error(line_no, "empty probe".into()));
            } else {
                pending = Some((line_no, dyn_type.to_string()));
            }
        } else if let Some(name) = trait_header_name(line) {
            match pending.take() {
                Some((_, dyn_type)) => {
                    if probes.iter().any(|probe| probe.trait_name == name) {
                        errors.push(error(line_no, format!("trait `{name}` is defined twice")));
                    }
                    if !dyn_type.contains(name) {
                        errors.push(error(
                            line_no,
                            format!("probe `{dyn_type}` does not mention trait `{name}`"),
                        ));
                    }
                    probes.push(Probe {
                        file: file.to_path_buf(),
                        trait_name: name.to_string(),
                        trait_line: line_no,
                        dyn_type,
                    });
                }
                None => errors.push(error(
                    line_no,
                    format!("trait `{name}` has no `{PROBE_MARKER}` comment"),
                )),
            }
        } else if let Some((earlier, _)) = &pending {
            let ignorable =
                trimmed.is_empty() || trimmed.starts_with("//") || trimmed.starts_with("#[");
            if !ignorable {
                errors.push(error(*earlier, "probe is not followed by a trait".into()));
                pending = None;
            }
        }
    }
    if let Some((earlier, _)) = pending {
        errors.push(error(earlier, "probe at the end of the file".into()));
    }
    if errors.is_empty() {
        Ok(probes)
    } else {
        Err(errors)
    }
}

/// The corpus files, sorted, with their text.
pub fn corpus_files(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "rs") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok((path, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_trait_headers() {
        assert_eq!(trait_header_name("pub trait Foo {}"), Some("Foo"));
        assert_eq!(
            trait_header_name("pub unsafe trait Foo<T>: Bar {"),
            Some("Foo")
        );
        assert_eq!(trait_header_name("trait Foo_2"), Some("Foo_2"));
        assert_eq!(
            trait_header_name("pub(crate) trait Foo: Sized {}"),
            Some("Foo")
        );
        assert_eq!(trait_header_name("impl<T: ?Sized> Foo for T {"), None);
        assert_eq!(trait_header_name("// a trait Foo"), None);
        assert_eq!(trait_header_name("pub traitor Foo"), None);
        assert_eq!(trait_header_name("public trait Foo"), None);
    }

    #[test]
    fn pairs_probes_with_traits() {
        let text = "// probe: dyn A<u8>\n/// doc\n#[doc(hidden)]\npub trait A<T> {}\n\n// probe: dyn B\ntrait B {}\n";
        let probes = parse_file(Path::new("x.rs"), text).expect("valid corpus");
        let found: Vec<_> = probes
            .iter()
            .map(|p| (p.trait_name.as_str(), p.trait_line, p.dyn_type.as_str()))
            .collect();
        assert_eq!(found, [("A", 4, "dyn A<u8>"), ("B", 7, "dyn B")]);
    }

    #[test]
    fn rejects_a_trait_without_probe_and_a_dangling_probe() {
        let text = "pub trait A {}\n// probe: dyn B\nfn f() {}\n// probe: dyn C\n";
        let errors = parse_file(Path::new("x.rs"), text).expect_err("invalid corpus");
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 4], "{errors:?}");
    }

    #[test]
    fn rejects_a_probe_for_another_trait() {
        let text = "// probe: dyn B\npub trait A {}\n";
        assert!(parse_file(Path::new("x.rs"), text).is_err());
    }
}
