//! Diagnostics: every `dyn Trait` whose trait is not dyn compatible gets an error (the
//! equivalent of rustc's E0038, in our words), with related information at each violation.

use crate::TextRange;
use crate::db::{Db, FileId};
use crate::rules::VerdictCache;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Hint,
}

/// Related information: a violation's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedInfo {
    pub file: FileId,
    pub range: TextRange,
    pub message: String,
}

/// A diagnostic of the core, in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// `dyn-incompatible` (the E0038 equivalent).
    pub code: &'static str,
    pub message: String,
    pub related: Vec<RelatedInfo>,
}

/// The stable code of the dyn-compatibility diagnostic.
pub const DYN_INCOMPATIBLE: &str = "dyn-incompatible";

/// Diagnostics of a file.
pub fn diagnostics(db: &Db, file: FileId) -> Vec<Diagnostic> {
    let mut cache = VerdictCache::default();
    let mut out = Vec::new();
    for (range, key) in crate::resolve::dyn_uses(db, file) {
        let Some(v) = cache.verdict(db, &key) else {
            continue;
        };
        if v.dyn_compatible() {
            continue;
        }
        let n = v.violations.len();
        let mut message = format!(
            "the trait `{}` is not dyn compatible ({n} violation{})",
            v.name,
            if n == 1 { "" } else { "s" }
        );
        for x in &v.violations {
            message.push_str(&format!("\n- {}", x.message()));
        }
        let related = v
            .violations
            .iter()
            .filter_map(|x| {
                let (f, r) = (x.file?, x.range?);
                db.valid_range(f, r).then(|| RelatedInfo {
                    file: f,
                    range: r,
                    message: x.message(),
                })
            })
            .collect();
        out.push(Diagnostic {
            range,
            severity: Severity::Error,
            code: DYN_INCOMPATIBLE,
            message,
            related,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynlens_std::StdLibrary;

    #[test]
    fn incompatible_dyn_uses_get_errors_with_related_info() {
        let mut db = Db::new(StdLibrary::catalog());
        let src = "trait A { fn f<T>(&self); const N: u8; }\ntrait B { fn g(&self); }\nfn x(_: &dyn A, _: Box<dyn B + Send>) {}\n";
        let f = db.set_file_text("lib.rs".into(), src.to_string());
        let d = diagnostics(&db, f);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].range], "A");
        assert!(
            d[0].message
                .starts_with("the trait `A` is not dyn compatible (2 violations)"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].related.len(), 2);
    }
}
