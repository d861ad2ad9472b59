//! Dyn compatibility, rule by rule, as rustc applies it.
use crate::db::{Db, FileId};

/// The report of one trait (what `dynlens check --json` prints).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TraitReport {
    pub trait_name: String,
}

pub fn check_file(_db: &Db, _file: FileId) -> Vec<TraitReport> {
    Vec::new()
}
