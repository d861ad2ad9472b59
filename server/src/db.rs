//! The in-memory store of files and their syntax trees.
use std::path::{Path, PathBuf};

use crate::analysis::{EditError, TextEdit};
use crate::std_traits::StdLibrary;

/// A file known to the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

pub struct Db {
    pub(crate) std: StdLibrary,
    files: Vec<Option<(PathBuf, String)>>,
}

impl Db {
    pub fn new(std: StdLibrary) -> Self {
        Db { std, files: Vec::new() }
    }
    pub fn set_file_text(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push(Some((path, text)));
        FileId(self.files.len() as u32 - 1)
    }
    pub fn edit_file(&mut self, _file: FileId, _edit: &TextEdit) -> Result<(), EditError> {
        Err(EditError::UnknownFile)
    }
    pub fn remove_file(&mut self, file: FileId) {
        if let Some(slot) = self.files.get_mut(file.0 as usize) {
            *slot = None;
        }
    }
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.files.iter().position(|f| f.as_ref().is_some_and(|(p, _)| p == path)).map(|i| FileId(i as u32))
    }
    pub fn file_text(&self, file: FileId) -> Option<&str> {
        self.files.get(file.0 as usize)?.as_ref().map(|(_, t)| t.as_str())
    }
    pub fn file_path(&self, file: FileId) -> Option<&Path> {
        self.files.get(file.0 as usize)?.as_ref().map(|(p, _)| p.as_path())
    }
}
