//! The in-memory store: every known file's text, syntax tree and trait model, an index of
//! trait names across the workspace, and the standard library's traits (parsed on demand).
//!
//! The core never reads files itself; the LSP layer and the CLI hand it text. With a project
//! ([`Db::set_project`]: the crate graph and a [`FileSource`]), files it was not handed (a
//! dependency's modules) are read through the source when name resolution needs them, each
//! once, and kept as *extern files* ([`FileRef::Extern`]); files handed with
//! [`Db::set_file_text`] take precedence for the same path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ra_ap_syntax::{Edition, Parse, SourceFile, TextRange, TextSize};

use crate::item_tree::{self, ItemScope, ItemTree};
use crate::model::{self, FileModel, TraitDef};
use dynlens_base::{CrateGraph, CrateId, EditError, FileSource, TextEdit};
use dynlens_std::StdLibrary;

/// The edition user files are parsed with.
pub const EDITION: Edition = Edition::Edition2024;

/// The nesting depth of Rust source (`dynlens_base::nesting`), over rust-analyzer's lexer's
/// tokens: linear, no recursion.
pub(crate) fn text_nesting(text: &str) -> usize {
    use dynlens_base::nesting::{NestToken, is_prefix_keyword, nesting_depth};
    use ra_ap_syntax::SyntaxKind as K;
    let lexed = ra_ap_parser::LexedStr::new(EDITION, text);
    let mut prev: Option<(K, usize)> = None; // the last token and where it ends
    let tokens = (0..lexed.len()).filter_map(|i| {
        let kind = lexed.kind(i);
        if kind.is_trivia() {
            prev = None;
            return None;
        }
        let range = lexed.text_range(i);
        let glued = |k: K| prev.is_some_and(|(p, end)| p == k && end == range.start);
        let token = match kind {
            K::L_PAREN => NestToken::Open(b'('),
            K::L_BRACK => NestToken::Open(b'['),
            K::L_CURLY => NestToken::Open(b'{'),
            K::R_PAREN => NestToken::Close(b'('),
            K::R_BRACK => NestToken::Close(b'['),
            K::R_CURLY => NestToken::Close(b'{'),
            K::L_ANGLE => NestToken::Lt,
            K::R_ANGLE if glued(K::MINUS) || glued(K::EQ) => NestToken::Other,
            K::R_ANGLE => NestToken::Gt,
            K::SEMICOLON => NestToken::Semi,
            K::MINUS | K::BANG | K::STAR | K::AMP | K::PIPE => NestToken::Prefix,
            // The second `:` of `::`.
            K::COLON2 => NestToken::PathSep,
            K::COLON if glued(K::COLON) => NestToken::PathSep,
            K::COLON => NestToken::Colon,
            _ if is_prefix_keyword(lexed.text(i)) => NestToken::Prefix,
            K::IDENT | K::SELF_TYPE_KW | K::SELF_KW | K::SUPER_KW | K::CRATE_KW => NestToken::Ident,
            _ => NestToken::Other,
        };
        prev = Some((kind, range.end));
        Some(token)
    });
    nesting_depth(tokens)
}

/// Parses a file, unless it is nested deeper than `dynlens_base::nesting::MAX_NESTING`: then
/// the tree is empty (nothing in it is analysed) and the depth is returned. This keeps the
/// parser's recursion, its quadratic time on deep generic types, and every recursive walk
/// of the tree bounded.
pub(crate) fn parse_bounded(text: &str) -> (Parse<SourceFile>, Option<usize>) {
    let depth = text_nesting(text);
    if depth > dynlens_base::nesting::MAX_NESTING {
        (SourceFile::parse("", EDITION), Some(depth))
    } else {
        (SourceFile::parse(text, EDITION), None)
    }
}

pub use dynlens_base::FileId;

/// A trait, wherever it is defined.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TraitKey {
    /// The `index`-th trait of a workspace file.
    Local(FileId, u32),
    /// A standard-library trait, by canonical path (`core::fmt::Debug`).
    Std(Arc<str>),
    /// The `index`-th trait of an extern file (a dependency's, read through the project's
    /// [`FileSource`]).
    Extern(u32, u32),
}

/// A file name resolution can look into: one handed to the store, or one read lazily.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileRef {
    Workspace(FileId),
    Extern(u32),
}

/// A file read through the project's [`FileSource`] (never edited).
pub(crate) struct ExternFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub parse: Parse<SourceFile>,
    pub model: Arc<FileModel>,
    pub item_tree: Arc<ItemTree>,
    /// The path of the module the file is the root of (`dep::inner`), once known: for
    /// display.
    pub module_path: Mutex<Option<String>>,
    /// Where the parser and its validation found errors (computed once, when first asked).
    pub syntax_errors: std::sync::OnceLock<Vec<TextRange>>,
    /// As [`FileData::block_scopes`].
    pub block_scopes: BlockScopes,
}

#[derive(Default)]
struct ExternStore {
    files: Vec<Arc<ExternFile>>,
    by_path: HashMap<PathBuf, Option<u32>>,
}

/// Parses and lowers an extern file and stores it.
fn intern(ext: &mut ExternStore, path: PathBuf, text: Arc<str>) -> FileRef {
    let (parse, _) = parse_bounded(&text);
    let tree = parse.tree();
    let model = model::lower_file_reusing(&tree, Some(&text), &|_, _| None);
    let item_tree = item_tree::lower(&tree, &model.traits);
    let id = ext.files.len() as u32;
    ext.files.push(Arc::new(ExternFile {
        path: path.clone(),
        text,
        parse,
        model: Arc::new(model),
        item_tree: Arc::new(item_tree),
        module_path: Mutex::new(None),
        syntax_errors: std::sync::OnceLock::new(),
        block_scopes: Mutex::default(),
    }));
    ext.by_path.insert(path, Some(id));
    FileRef::Extern(id)
}

/// The crate graph and where to read the files of its crates.
pub(crate) struct Project {
    pub graph: CrateGraph,
    pub source: Arc<dyn FileSource>,
}

/// A module of a crate of the project, located: the file that holds it, the inline modules
/// around it in that file, the directory its `mod x;` files are looked up in, and its items.
#[derive(Debug)]
pub(crate) struct ModuleData {
    pub file: FileRef,
    pub inline: Vec<String>,
    pub dir: PathBuf,
    pub scope: Arc<ItemScope>,
    /// The `macro_rules!` in textual scope where each child module is declared.
    pub child_macros: HashMap<String, MacroScope>,
    /// Name → index of the first item of `scope.defs` with that name (a module may hold
    /// thousands of items).
    pub index: HashMap<String, u32>,
}

impl ModuleData {
    pub fn new(
        file: FileRef,
        inline: Vec<String>,
        dir: PathBuf,
        scope: Arc<ItemScope>,
        child_macros: HashMap<String, MacroScope>,
    ) -> Self {
        let mut index = HashMap::new();
        for (i, d) in scope.defs.iter().enumerate() {
            index.entry(d.name.clone()).or_insert(i as u32);
        }
        ModuleData {
            file,
            inline,
            dir,
            scope,
            child_macros,
            index,
        }
    }

    /// The first item named `name`.
    pub fn def(&self, name: &str) -> Option<&item_tree::Def> {
        self.scope.defs.get(*self.index.get(name)? as usize)
    }
}

/// The `macro_rules!` in textual scope at a point of a module: the latest definition first.
pub(crate) type MacroScope = Option<Arc<MacroScopeEntry>>;

#[derive(Debug)]
pub(crate) struct MacroScopeEntry {
    pub name: String,
    pub rules: Option<Arc<crate::mbe::MacroRules>>,
    pub prev: MacroScope,
}

/// A module, by crate and path from the crate root.
pub(crate) type ModuleKey = (CrateId, Vec<String>);

/// Module trees, built lazily by name resolution (`crate::nameres`) and dropped whenever a
/// file's module-level names change (see [`ItemTree`]).
#[derive(Default)]
pub(crate) struct NameCache {
    pub modules: HashMap<ModuleKey, Option<Arc<ModuleData>>>,
    /// The module each file is the root of.
    pub file_modules: HashMap<FileRef, ModuleKey>,
    /// Whether every workspace crate's module tree has been walked (so `file_modules` knows
    /// every workspace file that belongs to a crate).
    pub workspace_walked: bool,
}

pub(crate) struct FileData {
    pub path: PathBuf,
    pub text: String,
    pub parse: Parse<SourceFile>,
    pub model: Arc<FileModel>,
    /// The module-level names of the file, for name resolution.
    pub item_tree: Arc<ItemTree>,
    /// Trait name → index of the first trait with that name in this file (traits inside
    /// blocks excluded: only their block sees them).
    pub trait_index: HashMap<String, u32>,
    /// The file's nesting depth when it is deeper than `MAX_NESTING`: it was not parsed
    /// (its tree is empty) and is reported as too deeply nested to analyse.
    pub too_deep: Option<usize>,
    /// Where the parser and its validation found errors (computed once per version of the
    /// text, when first asked: validation walks the whole tree).
    pub syntax_errors: std::sync::OnceLock<Vec<TextRange>>,
    /// The names declared in each block of the file (by the block's range), lowered once per
    /// version of the text: a function body declaring 2,000 traits was lowered again for every
    /// name resolved in it (quadratic; found by the fuzzer).
    pub block_scopes: BlockScopes,
}

/// Per block (by its range), the names it declares.
pub(crate) type BlockScopes = Mutex<HashMap<TextRange, Arc<crate::item_tree::ItemScope>>>;

/// The store. `Send + Sync`: the LSP layer may read it from several threads.
pub struct Db {
    pub(crate) std: StdLibrary,
    files: Vec<Option<FileData>>,
    by_path: HashMap<PathBuf, FileId>,
    /// Trait name → every workspace trait with that name.
    names: HashMap<String, Vec<TraitKey>>,
    std_cache: Mutex<HashMap<Arc<str>, Option<Arc<TraitDef>>>>,
    pub(crate) project: Option<Project>,
    externs: Mutex<ExternStore>,
    pub(crate) names_cache: Mutex<NameCache>,
}

impl Db {
    pub fn new(std: StdLibrary) -> Self {
        Db {
            std,
            files: Vec::new(),
            by_path: HashMap::new(),
            names: HashMap::new(),
            std_cache: Mutex::new(HashMap::new()),
            project: None,
            externs: Mutex::new(ExternStore::default()),
            names_cache: Mutex::new(NameCache::default()),
        }
    }

    /// Sets the project: its crate graph, and where to read the files of its crates that are
    /// not handed to the store. Files of no crate keep the file-wide resolution.
    pub fn set_project(&mut self, graph: CrateGraph, source: Arc<dyn FileSource>) {
        self.project = Some(Project { graph, source });
        *self.externs.get_mut().unwrap_or_else(|e| e.into_inner()) = ExternStore::default();
        self.invalidate_names();
    }

    /// Drops the module trees (a file's module-level names changed).
    fn invalidate_names(&mut self) {
        *self
            .names_cache
            .get_mut()
            .unwrap_or_else(|e| e.into_inner()) = NameCache::default();
    }

    /// The file at `path`: handed to the store, or read through the project's source (once).
    pub(crate) fn file_at(&self, path: &Path) -> Option<FileRef> {
        if let Some(&id) = self.by_path.get(path) {
            return Some(FileRef::Workspace(id));
        }
        let project = self.project.as_ref()?;
        let mut ext = self.externs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = ext.by_path.get(path) {
            return known.map(FileRef::Extern);
        }
        let Some(text) = project.source.read(path) else {
            ext.by_path.insert(path.to_path_buf(), None);
            return None;
        };
        Some(intern(&mut ext, path.to_path_buf(), text))
    }

    /// A macro expansion's text as an extern file, parsed and lowered like a dependency's
    /// file (never shown as a file: its traits are dependency-like, without diagnostics).
    /// Interned by a name made of the invoking file's path, the macro and a hash of the
    /// text, so an edit that changes the expansion makes a new file.
    pub(crate) fn expansion_file(&self, at: &Path, macro_name: &str, text: String) -> FileRef {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        let mut name = at.as_os_str().to_owned();
        name.push(format!("!{macro_name}#{:016x}", h.finish()));
        let path = PathBuf::from(name);
        let mut ext = self.externs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Some(id)) = ext.by_path.get(&path) {
            return FileRef::Extern(*id);
        }
        intern(&mut ext, path, text.into())
    }

    pub(crate) fn extern_file(&self, id: u32) -> Option<Arc<ExternFile>> {
        let ext = self.externs.lock().unwrap_or_else(|e| e.into_inner());
        ext.files.get(id as usize).cloned()
    }

    /// The syntax tree of a workspace or extern file.
    pub(crate) fn syntax_of(&self, file: FileRef) -> Option<SourceFile> {
        match file {
            FileRef::Workspace(f) => self.syntax(f),
            FileRef::Extern(e) => self.extern_file(e).map(|x| x.parse.tree()),
        }
    }

    /// The trait model of a workspace or extern file.
    pub(crate) fn model_of(&self, file: FileRef) -> Option<Arc<FileModel>> {
        match file {
            FileRef::Workspace(f) => self.file(f).map(|d| d.model.clone()),
            FileRef::Extern(e) => self.extern_file(e).map(|x| x.model.clone()),
        }
    }

    /// The names the block `list` of `file` declares (lowered once per version of the text).
    pub(crate) fn block_scope(
        &self,
        file: FileRef,
        list: &ra_ap_syntax::ast::StmtList,
    ) -> Option<Arc<crate::item_tree::ItemScope>> {
        use ra_ap_syntax::AstNode;
        let model = self.model_of(file)?;
        let lower = || Arc::new(crate::item_tree::block_scope(list, &model.traits));
        let range = list.syntax().text_range();
        let cached = |cache: &BlockScopes| {
            let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
            c.entry(range).or_insert_with(lower).clone()
        };
        match file {
            FileRef::Workspace(f) => Some(cached(&self.file(f)?.block_scopes)),
            FileRef::Extern(e) => Some(cached(&self.extern_file(e)?.block_scopes)),
        }
    }

    /// The module-level names of a workspace or extern file.
    pub(crate) fn item_tree_of(&self, file: FileRef) -> Option<Arc<ItemTree>> {
        match file {
            FileRef::Workspace(f) => self.file(f).map(|d| d.item_tree.clone()),
            FileRef::Extern(e) => self.extern_file(e).map(|x| x.item_tree.clone()),
        }
    }

    /// The path of a workspace or extern file.
    pub(crate) fn path_of(&self, file: FileRef) -> Option<PathBuf> {
        match file {
            FileRef::Workspace(f) => self.file_path(f).map(Path::to_path_buf),
            FileRef::Extern(e) => self.extern_file(e).map(|x| x.path.clone()),
        }
    }

    /// Adds or replaces a file's text (full parse).
    pub fn set_file_text(&mut self, path: PathBuf, text: String) -> FileId {
        let (parse, too_deep) = parse_bounded(&text);
        self.invalidate_names();
        let data = |path, text| {
            let mut data = Self::file_data(path, text, parse.clone());
            data.too_deep = too_deep;
            data
        };
        match self.by_path.get(&path).copied() {
            Some(id) => {
                self.unindex(id);
                self.files[id.0 as usize] = Some(data(path, text));
                self.index(id);
                id
            }
            None => {
                let id = FileId(self.files.len() as u32);
                self.by_path.insert(path.clone(), id);
                self.files.push(Some(data(path, text)));
                self.index(id);
                id
            }
        }
    }

    fn file_data(path: PathBuf, text: String, parse: Parse<SourceFile>) -> FileData {
        let model = model::lower_file_reusing(&parse.tree(), Some(&text), &|_, _| None);
        Self::with_model(path, text, parse, model)
    }

    fn with_model(
        path: PathBuf,
        text: String,
        parse: Parse<SourceFile>,
        model: FileModel,
    ) -> FileData {
        let mut trait_index = HashMap::new();
        for (i, t) in model.traits.iter().enumerate() {
            if !model.in_block.get(i).copied().unwrap_or(false) {
                trait_index.entry(t.name.clone()).or_insert(i as u32);
            }
        }
        let item_tree = Arc::new(item_tree::lower(&parse.tree(), &model.traits));
        FileData {
            path,
            text,
            parse,
            model: Arc::new(model),
            item_tree,
            trait_index,
            too_deep: None,
            syntax_errors: std::sync::OnceLock::new(),
            block_scopes: Mutex::default(),
        }
    }

    /// Applies one edit, reparsing incrementally (ra_ap_syntax's `Parse::reparse` relexes a
    /// single token or reparses the smallest enclosing block when it can).
    pub fn edit_file(&mut self, file: FileId, edit: &TextEdit) -> Result<(), EditError> {
        let data = self
            .files
            .get(file.0 as usize)
            .and_then(|f| f.as_ref())
            .ok_or(EditError::UnknownFile)?;
        let len = data.text.len() as u32;
        let (start, end) = (u32::from(edit.range.start()), u32::from(edit.range.end()));
        if end > len {
            return Err(EditError::OutOfBounds { start, end, len });
        }
        if !data.text.is_char_boundary(start as usize) || !data.text.is_char_boundary(end as usize)
        {
            return Err(EditError::NotCharBoundary { start, end });
        }
        let mut text = data.text.clone();
        text.replace_range(start as usize..end as usize, &edit.insert);
        // A file that is, or becomes, too deeply nested is not reparsed incrementally.
        if data.too_deep.is_some() || text_nesting(&text) > dynlens_base::nesting::MAX_NESTING {
            let path = data.path.clone();
            self.set_file_text(path, text);
            return Ok(());
        }
        let parse = data.parse.reparse(edit.range, &edit.insert, EDITION);
        // The incremental reparser must agree with the text; fall back to a full parse if not.
        let parse = if parse.tree().syntax_text_len() == text.len() {
            parse
        } else {
            SourceFile::parse(&text, EDITION)
        };
        // Traits the edit did not touch keep their lowered model (moved by the edit's length
        // when they come after it): only the edited trait is lowered again.
        let (old_model, old_text) = (data.model.clone(), &data.text);
        let inserted_end = start as usize + edit.insert.len();
        let delta = edit.insert.len() as i64 - i64::from(end - start);
        let reuse = |t: &ra_ap_syntax::ast::Trait, modules: &[String]| -> Option<Arc<TraitDef>> {
            use ra_ap_syntax::AstNode;
            let r = t.syntax().text_range();
            let (ns, ne) = (usize::from(r.start()), usize::from(r.end()));
            let (os, oe) = if ne <= start as usize {
                (ns, ne)
            } else if ns >= inserted_end {
                ((ns as i64 - delta) as usize, (ne as i64 - delta) as usize)
            } else {
                return None;
            };
            // Traits are lowered in source order, so the old ones are sorted by position.
            let i = old_model
                .traits
                .binary_search_by_key(&os, |d| usize::from(d.range.start()))
                .ok()?;
            let old = old_model
                .traits
                .get(i)
                .filter(|d| usize::from(d.range.end()) == oe)?;
            if old.module_path != modules || old_text.get(os..oe)? != text.get(ns..ne)? {
                return None;
            }
            if ns == os {
                return Some(old.clone());
            }
            let mut moved = TraitDef::clone(old);
            model::Shift::shift(&mut moved, delta);
            Some(Arc::new(moved))
        };
        let model = model::lower_file_reusing(&parse.tree(), Some(&text), &reuse);
        let path = data.path.clone();
        let old_tree = data.item_tree.clone();
        self.unindex(file);
        self.files[file.0 as usize] = Some(Self::with_model(path, text, parse, model));
        self.index(file);
        // Module trees depend on the module-level names of files only: an edit inside a
        // body keeps them.
        if self.file(file).is_some_and(|d| d.item_tree != old_tree) {
            self.invalidate_names();
        }
        Ok(())
    }

    pub fn remove_file(&mut self, file: FileId) {
        self.unindex(file);
        self.invalidate_names();
        if let Some(slot) = self.files.get_mut(file.0 as usize)
            && let Some(data) = slot.take()
        {
            self.by_path.remove(&data.path);
        }
    }

    fn index(&mut self, file: FileId) {
        let Some(data) = self.file(file) else { return };
        let entries: Vec<(String, TraitKey)> = data
            .model
            .traits
            .iter()
            .enumerate()
            .filter(|(i, _)| !data.model.in_block.get(*i).copied().unwrap_or(false))
            .map(|(i, t)| (t.name.clone(), TraitKey::Local(file, i as u32)))
            .collect();
        for (name, key) in entries {
            self.names.entry(name).or_default().push(key);
        }
    }

    fn unindex(&mut self, file: FileId) {
        let Some(data) = self.file(file) else { return };
        let names: Vec<String> = data.model.traits.iter().map(|t| t.name.clone()).collect();
        for name in names {
            if let Some(v) = self.names.get_mut(&name) {
                v.retain(|k| !matches!(k, TraitKey::Local(f, _) if *f == file));
                if v.is_empty() {
                    self.names.remove(&name);
                }
            }
        }
    }

    pub(crate) fn file(&self, file: FileId) -> Option<&FileData> {
        self.files.get(file.0 as usize)?.as_ref()
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// The nesting depth of a file too deeply nested to analyse (see [`parse_bounded`]).
    pub fn too_deep(&self, file: FileId) -> Option<usize> {
        self.file(file).and_then(|d| d.too_deep)
    }

    pub fn file_text(&self, file: FileId) -> Option<&str> {
        self.file(file).map(|d| d.text.as_str())
    }

    pub fn file_path(&self, file: FileId) -> Option<&Path> {
        self.file(file).map(|d| d.path.as_path())
    }

    /// Every known file.
    pub fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        self.files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_some())
            .map(|(i, _)| FileId(i as u32))
    }

    /// The syntax tree of a file.
    pub fn syntax(&self, file: FileId) -> Option<SourceFile> {
        self.file(file).map(|d| d.parse.tree())
    }

    /// The trait model of a file.
    pub fn model(&self, file: FileId) -> Option<&FileModel> {
        self.file(file).map(|d| d.model.as_ref())
    }

    /// The first trait with this name defined in `file`.
    pub fn local_trait_named(&self, file: FileId, name: &str) -> Option<TraitKey> {
        self.file(file)?
            .trait_index
            .get(name)
            .map(|&i| TraitKey::Local(file, i))
    }

    /// Workspace traits with this name.
    pub fn traits_named(&self, name: &str) -> &[TraitKey] {
        self.names.get(name).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Whether the parser reported an error inside the declaration of `key` (a trait still
    /// being typed, `trait Foo {` with no `}`): its verdict would describe text rustc rejects.
    pub fn trait_is_incomplete(&self, key: &TraitKey) -> bool {
        let Some(def) = self.trait_def(key) else {
            return false;
        };
        let errors = |cache: &std::sync::OnceLock<Vec<TextRange>>, parse: &Parse<SourceFile>| {
            cache
                .get_or_init(|| parse.errors().iter().map(|e| e.range()).collect())
                .iter()
                .any(|r| def.range.contains_range(*r) || r.start() == def.range.end())
        };
        match key {
            TraitKey::Local(f, _) => self
                .file(*f)
                .is_some_and(|d| errors(&d.syntax_errors, &d.parse)),
            TraitKey::Extern(e, _) => self
                .extern_file(*e)
                .is_some_and(|x| errors(&x.syntax_errors, &x.parse)),
            TraitKey::Std(_) => false,
        }
    }

    /// The declaration of a trait.
    pub fn trait_def(&self, key: &TraitKey) -> Option<Arc<TraitDef>> {
        match key {
            TraitKey::Local(file, i) => self.file(*file)?.model.traits.get(*i as usize).cloned(),
            TraitKey::Extern(file, i) => self
                .extern_file(*file)?
                .model
                .traits
                .get(*i as usize)
                .cloned(),
            TraitKey::Std(path) => {
                // A poisoned lock only means another request panicked mid-insert: the map is
                // still a valid cache, so keep using it.
                let mut cache = self.std_cache.lock().unwrap_or_else(|e| e.into_inner());
                cache
                    .entry(path.clone())
                    .or_insert_with(|| {
                        let st = self.std.find(path)?;
                        let parse = SourceFile::parse(&st.source, EDITION);
                        let m = model::lower_file(&parse.tree());
                        let mut def = TraitDef::clone(m.traits.iter().find(|t| t.name == st.name)?);
                        def.module_path =
                            st.canonical_path.split("::").map(str::to_string).collect();
                        def.module_path.pop();
                        def.is_auto |= st.is_auto;
                        def.shape = model::Shape::AsWritten; // std's attributes are inert
                        Some(Arc::new(def))
                    })
                    .clone()
            }
        }
    }

    /// The text of a trait's declaration (for the expansion and for display).
    pub fn trait_source(&self, key: &TraitKey) -> Option<String> {
        match key {
            TraitKey::Local(file, _) => {
                let def = self.trait_def(key)?;
                let text = self.file_text(*file)?;
                text.get(usize::from(def.range.start())..usize::from(def.range.end()))
                    .map(str::to_string)
            }
            TraitKey::Extern(file, _) => {
                let def = self.trait_def(key)?;
                let f = self.extern_file(*file)?;
                f.text
                    .get(usize::from(def.range.start())..usize::from(def.range.end()))
                    .map(str::to_string)
            }
            TraitKey::Std(path) => self.std.find(path).map(|t| t.source.to_string()),
        }
    }

    /// The name users write for a trait: `std::fmt::Debug` for std, the name for local ones.
    pub fn trait_display_path(&self, key: &TraitKey) -> String {
        match key {
            TraitKey::Std(path) => self
                .std
                .find(path)
                .map(|t| t.public_path.clone())
                .unwrap_or_else(|| path.to_string()),
            TraitKey::Local(..) => self
                .trait_def(key)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            // A dependency's trait: by its path in its crate (`dep::inner::Trait`).
            TraitKey::Extern(file, _) => {
                let Some(def) = self.trait_def(key) else {
                    return String::new();
                };
                let prefix = self
                    .extern_file(*file)
                    .and_then(|f| f.module_path.lock().ok()?.clone());
                let mut parts: Vec<String> = prefix.into_iter().collect();
                parts.extend(def.module_path.iter().cloned());
                parts.push(def.name.clone());
                parts.join("::")
            }
        }
    }

    /// The file a trait lives in (`None` for std traits).
    pub fn trait_file(&self, key: &TraitKey) -> Option<FileId> {
        match key {
            TraitKey::Local(f, _) => Some(*f),
            TraitKey::Std(_) | TraitKey::Extern(..) => None,
        }
    }

    /// A range inside a file, checked to be valid for its current text.
    pub fn valid_range(&self, file: FileId, range: TextRange) -> bool {
        self.file(file)
            .is_some_and(|d| range.end() <= TextSize::of(d.text.as_str()))
    }
}

trait SyntaxTextLen {
    fn syntax_text_len(&self) -> usize;
}

impl SyntaxTextLen for SourceFile {
    fn syntax_text_len(&self) -> usize {
        use ra_ap_syntax::AstNode;
        usize::from(self.syntax().text_range().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_edits_keep_text_and_tree_in_sync() {
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("a.rs".into(), "trait A { fn f(&self); }\n".to_string());
        db.edit_file(
            f,
            &TextEdit {
                range: TextRange::new(6.into(), 7.into()),
                insert: "Bee".into(),
            },
        )
        .unwrap();
        assert_eq!(db.file_text(f), Some("trait Bee { fn f(&self); }\n"));
        assert_eq!(db.model(f).unwrap().traits[0].name, "Bee");
        assert_eq!(db.traits_named("Bee").len(), 1);
        assert!(db.traits_named("A").is_empty());
        let err = db.edit_file(
            f,
            &TextEdit {
                range: TextRange::new(0.into(), 999.into()),
                insert: String::new(),
            },
        );
        assert!(matches!(err, Err(EditError::OutOfBounds { .. })));
    }

    #[test]
    fn incremental_lowering_equals_a_full_lowering() {
        let src = "trait A { fn a(&self) -> Self; }\nmod m { pub trait B: super::A { fn b<T>(&self, t: T) where T: Copy; } }\ntrait C { type X: PartialEq<Self>; fn c(&self, x: impl Fn(u8) -> Self); }\n#[trait_variant::make(SendE: Send)]\ntrait E { async fn e(&self); }\n";
        let edits = [
            (10, 10, "fn z(&self);"),
            (0, 0, "// hi\n"),
            (src.len(), src.len(), "trait D {}"),
            (36, 37, "n"),
        ];
        for (s, e, ins) in edits {
            let mut db = Db::new(StdLibrary::catalog());
            let f = db.set_file_text("a.rs".into(), src.to_string());
            db.edit_file(
                f,
                &TextEdit {
                    range: TextRange::new((s as u32).into(), (e as u32).into()),
                    insert: ins.to_string(),
                },
            )
            .unwrap();
            let text = db.file_text(f).unwrap().to_string();
            let full = model::lower_file(&SourceFile::parse(&text, EDITION).tree());
            assert_eq!(
                db.model(f).unwrap().traits,
                full.traits,
                "after inserting {ins:?} at {s}"
            );
        }
    }

    #[test]
    fn db_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Db>();
    }
}
