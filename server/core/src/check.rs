//! `dynlens check`: the report of every trait of a file — rustc's verdict and the dyn*
//! verdict — in the shape `--json` prints.

use crate::db::{Db, FileId, TraitKey};
use crate::rules::VerdictCache;

/// The report of one trait (what `dynlens check --json` prints).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TraitReport {
    pub file: String,
    #[serde(rename = "trait")]
    pub trait_name: String,
    pub line: u32,
    pub dyn_compatible: bool,
    pub dyn_star_compatible: bool,
    pub violations: Vec<ViolationReport>,
}

/// One violation in a [`TraitReport`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ViolationReport {
    pub kind: &'static str,
    pub item: Option<String>,
    /// 1-based line in `file`, when the violation is in the same file; else the line of the
    /// trait's use of the supertrait is not known and this is `null`.
    pub line: Option<u32>,
    pub message: String,
}

/// Reports for every trait defined in a file.
pub fn check_file(db: &Db, file: FileId) -> Vec<TraitReport> {
    let (Some(model), Some(text)) = (db.model(file), db.file_text(file)) else {
        return Vec::new();
    };
    let path = db
        .file_path(file)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let index = line_index::LineIndex::new(text);
    let line_of = |offset: crate::TextSize| -> u32 {
        index.line_col(offset.min(crate::TextSize::of(text))).line + 1
    };
    let mut cache = VerdictCache::default();
    (0..model.traits.len())
        .filter_map(|i| {
            let key = TraitKey::Local(file, i as u32);
            let v = cache.verdict(db, &key)?;
            let def = db.trait_def(&key)?;
            Some(TraitReport {
                file: path.clone(),
                trait_name: def.name.clone(),
                line: line_of(def.name_range.start()),
                dyn_compatible: v.dyn_compatible(),
                dyn_star_compatible: crate::dyn_star::verdict(db, &key, &v.methods)
                    .is_some_and(|d| d.compatible),
                violations: v
                    .violations
                    .iter()
                    .map(|x| ViolationReport {
                        kind: x.kind.as_str(),
                        item: x.item.clone(),
                        line: match (x.file, x.range) {
                            (Some(f), Some(r)) if f == file => Some(line_of(r.start())),
                            _ => None,
                        },
                        message: x.message(),
                    })
                    .collect(),
            })
        })
        .collect()
}
