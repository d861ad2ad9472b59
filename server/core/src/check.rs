//! `dynlens check`: the report of every trait of a file — rustc's verdict and the dyn*
//! verdict — in the shape `--json` prints.

use crate::db::{Db, FileId, TraitKey};
use crate::model::Shape;
use crate::rules::VerdictCache;

/// The report of one trait (what `dynlens check --json` prints).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TraitReport {
    pub file: String,
    #[serde(rename = "trait")]
    pub trait_name: String,
    pub line: u32,
    /// rustc's verdict; `null` when the trait's final shape is unknown (`shape: "unknown"`)
    /// or a supertrait could not be found (`unresolved_supertraits`) and no violation was.
    pub dyn_compatible: Option<bool>,
    /// The dyn* verdict; `null` when the expansion does not see the trait's final shape.
    pub dyn_star_compatible: Option<bool>,
    /// `"as_written"`, `"expanded"` (a known attribute macro, see `shape_attribute`, is
    /// modelled as it expands), `"incomplete"` (the trait, or the supertrait
    /// `shape_attribute` names, has syntax errors: no verdict until they are fixed) or `"unknown"` (an attribute dynlens does not know may reshape
    /// the trait or a supertrait: no verdict, no violations).
    pub shape: &'static str,
    /// The attribute behind `shape`: the macro for `"expanded"` (`async_trait`,
    /// `trait_variant::make`, `dynosaur`), the unknown attribute's path for `"unknown"`.
    pub shape_attribute: Option<String>,
    /// Supertraits that could not be found, as `Via → Path` chains from the trait.
    pub unresolved_supertraits: Vec<String>,
    /// The violations of the trait and of its nearest supertraits with any
    /// (`rules::LISTED_TRAITS` traits), nearest first.
    pub violations: Vec<ViolationReport>,
    /// The violations of further supertraits: counted, not listed.
    pub more_violations: usize,
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
            let (shape, shape_attribute) = match (&v.unknown_shape, &def.shape) {
                (Some(u), _) => ("unknown", Some(u.attribute.clone())),
                (None, Shape::Expanded { by }) => ("expanded", Some(by.as_str().to_string())),
                (None, _) => ("as_written", None),
            };
            let (shape, shape_attribute) = match &v.incomplete {
                Some(name) => ("incomplete", Some(name.clone())),
                None => (shape, shape_attribute),
            };
            let known = v.known();
            Some(TraitReport {
                file: path.clone(),
                trait_name: def.name.clone(),
                line: line_of(def.name_range.start()),
                dyn_compatible: known.then(|| v.dyn_compatible()),
                // Syntax errors: no dyn* verdict either (`expand` would refuse the text).
                dyn_star_compatible: if v.incomplete.is_some() {
                    None
                } else {
                    crate::dyn_star::verdict(db, &key, &v.methods).map(|d| d.compatible)
                },
                shape,
                shape_attribute,
                unresolved_supertraits: v.unresolved.clone(),
                more_violations: if known { v.elided } else { 0 },
                violations: if !known {
                    Vec::new()
                } else {
                    v.violations
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
                        .collect()
                },
            })
        })
        .collect()
}
