//! Module trees and path resolution for the files of a crate graph (rust-analyzer's
//! `hir-def/src/nameres`, much smaller and lazy).
//!
//! A module is located on demand, from its crate's root file down through its parents:
//! `mod x;` is `x.rs` or `x/mod.rs` in the directory of the declaring module (for a
//! non-`mod.rs` file `a.rs`, `a/`), `#[path = "…"]` relative to the declaring file's
//! directory, inline `mod x { … }` in the same file; `#[cfg]` only where certain for the host
//! target (`crate::cfg`: other platforms' modules and `#[cfg(doc)]` stubs are not there;
//! `#[cfg(test)]` and feature-gated ones are). Module-level `macro_rules!` invocations are
//! expanded when their module is located (`expansion`). A file is read through the
//! project's `FileSource` only when a path resolves into its module. Workspace crates are
//! walked whole (to know which module each workspace file is), dependencies never.
//!
//! Lookup of a path's first segment, as rustc: the module's own items and its explicit
//! `use`s and `extern crate`s, then its glob imports, then the extern prelude (the crate's
//! dependencies by extern name, `core` and `std`), then the std prelude of the crate's
//! edition. Following segments look into the module reached (visibility checked: private
//! items only from the module and its descendants, `pub(crate)` only from the crate). `use`
//! paths are relative to their module (2018+) or to the crate root (2015). Re-exports are
//! followed across crates with cycle protection. Generic parameters and block scopes are
//! resolved before this, syntactically (`crate::resolve`).
//!
//! std: `core`, `alloc` and `std` are crates of the graph when it has them (`Sysroot`
//! origin, read from rust-src like any dependency); a trait resolved into them that std's
//! table knows (by its declaring file and name) is `TraitKey::Std`, others are
//! `TraitKey::Extern`. Without sysroot crates, `std::…`, `core::…` and `alloc::…` paths go to
//! the table by path (and so do those the sysroot's tree does not lead to: `crate::resolve`),
//! and the prelude is always the table's (the prelude modules of rust-src re-export macros
//! and traits under the same names; the table says which are traits).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dynlens_base::{CrateId, CrateOrigin, Edition};

use crate::db::{Db, FileRef, ModuleData, ModuleKey, TraitKey};
use crate::item_tree::{DefKind, ROOT_SEGMENT, UseKind, Vis};

/// What a path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Res {
    Trait(TraitKey),
    Module(ModuleKey),
    /// A module of std known only through the table (no sysroot crate): `std::fmt`.
    StdModule(String),
    /// A type that is not a trait (it shadows a trait of the same name): declared as `name`
    /// in `module`.
    Item(ModuleKey, String),
}

const STD_ROOTS: [&str; 3] = ["std", "core", "alloc"];

/// Modules deeper than this are not followed (`#[path]` loops).
const MAX_MODULE_DEPTH: usize = 32;
/// Imports followed for one path (re-export chains).
const MAX_DEPTH: u32 = 48;

/// The module `key` of the project, located and read (`None` when its file is missing).
pub(crate) fn module(db: &Db, key: &ModuleKey) -> Option<Arc<ModuleData>> {
    if let Some(m) = lock(db).modules.get(key) {
        return m.clone();
    }
    let data = locate(db, key).map(Arc::new);
    let mut cache = lock(db);
    if let Some(m) = &data
        && m.inline.is_empty()
    {
        cache
            .file_modules
            .entry(m.file)
            .or_insert_with(|| key.clone());
    }
    cache.modules.insert(key.clone(), data.clone());
    data
}

fn lock(db: &Db) -> std::sync::MutexGuard<'_, crate::db::NameCache> {
    db.names_cache.lock().unwrap_or_else(|e| e.into_inner())
}

fn locate(db: &Db, (krate, path): &ModuleKey) -> Option<ModuleData> {
    if path.len() > MAX_MODULE_DEPTH {
        return None;
    }
    let project = db.project.as_ref()?;
    let crate_name = &project.graph.get(*krate)?.name;
    let display = std::iter::once(crate_name.as_str())
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("::");
    let Some((last, parent_path)) = path.split_last() else {
        let data = project.graph.get(*krate)?;
        let file = db.file_at(&data.root)?;
        set_display_path(db, file, &data.name);
        let dir = data
            .root
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let raw = Arc::new(db.item_tree_of(file)?.root.clone());
        let site = expansion::Site {
            file,
            inline: false,
            dir: &dir,
            display: &display,
            key: &(*krate, Vec::new()),
        };
        let (scope, children) = expansion::expand(db, &site, raw, None);
        return Some(ModuleData::new(file, Vec::new(), dir, scope, children));
    };
    let parent = module(db, &(*krate, parent_path.to_vec()))?;
    let decl = parent.scope.module(last)?;
    let inherited = parent.child_macros.get(last).cloned().flatten();
    let (file, inline, dir, raw) = match &decl.inline {
        Some(items) => {
            let mut names = parent.inline.clone();
            names.push(last.clone());
            let dir = parent.dir.join(decl.path_attr.as_deref().unwrap_or(last));
            (parent.file, names, dir, Arc::new((**items).clone()))
        }
        None => {
            let (file, dir) = child_file(
                db,
                parent.file,
                !parent.inline.is_empty(),
                &parent.dir,
                last,
                decl,
            )?;
            set_display_path(db, file, &display);
            (
                file,
                Vec::new(),
                dir,
                Arc::new(db.item_tree_of(file)?.root.clone()),
            )
        }
    };
    let site = expansion::Site {
        file,
        inline: !inline.is_empty(),
        dir: &dir,
        display: &display,
        key: &(*krate, path.clone()),
    };
    let (scope, children) = expansion::expand(db, &site, raw, inherited);
    Some(ModuleData::new(file, inline, dir, scope, children))
}

/// The file of `mod name;` declared in a module held by `parent_file` (inside inline modules
/// of it when `in_inline`), whose `mod x;` files are looked up in `parent_dir`; and the
/// directory of the child's own `mod x;` files.
pub(crate) fn child_file(
    db: &Db,
    parent_file: FileRef,
    in_inline: bool,
    parent_dir: &Path,
    name: &str,
    decl: &crate::item_tree::ModDecl,
) -> Option<(FileRef, PathBuf)> {
    match &decl.path_attr {
        Some(attr) => {
            let base = if in_inline {
                parent_dir.to_path_buf()
            } else {
                db.path_of(parent_file)?.parent()?.to_path_buf()
            };
            let path = normalize(&base.join(attr));
            let file = db.file_at(&path)?;
            Some((file, path.parent()?.to_path_buf()))
        }
        None => {
            let dir = parent_dir.join(name);
            let file = db
                .file_at(&parent_dir.join(format!("{name}.rs")))
                .or_else(|| db.file_at(&dir.join("mod.rs")))?;
            Some((file, dir))
        }
    }
}

/// `a/./b/../c` → `a/c` (a `#[path]` may climb out of its directory).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn set_display_path(db: &Db, file: FileRef, path: &str) {
    if let FileRef::Extern(e) = file
        && let Some(f) = db.extern_file(e)
        && let Ok(mut slot) = f.module_path.lock()
        && slot.is_none()
    {
        *slot = Some(path.to_string());
    }
}

/// The module a file is the root of, if it belongs to a crate of the project. Workspace
/// crates are walked whole the first time (their files are the user's).
pub(crate) fn file_module(db: &Db, file: FileRef) -> Option<ModuleKey> {
    let project = db.project.as_ref()?;
    {
        let cache = lock(db);
        if let Some(k) = cache.file_modules.get(&file) {
            return Some(k.clone());
        }
        if cache.workspace_walked || matches!(file, FileRef::Extern(_)) {
            return None;
        }
    }
    for (krate, data) in project.graph.iter() {
        if data.origin == CrateOrigin::Workspace {
            walk(db, (krate, Vec::new()));
        }
    }
    let mut cache = lock(db);
    cache.workspace_walked = true;
    cache.file_modules.get(&file).cloned()
}

fn walk(db: &Db, key: ModuleKey) {
    let Some(m) = module(db, &key) else { return };
    for d in &m.scope.defs {
        if let DefKind::Module(_) = d.kind {
            let mut path = key.1.clone();
            path.push(d.name.clone());
            walk(db, (key.0, path));
        }
    }
}

/// The module of a file's inline module `inline` (outermost first).
pub(crate) fn module_at(db: &Db, file: FileRef, inline: &[String]) -> Option<ModuleKey> {
    let (krate, mut path) = file_module(db, file)?;
    path.extend(inline.iter().cloned());
    Some((krate, path))
}

fn edition(db: &Db, krate: CrateId) -> Edition {
    db.project
        .as_ref()
        .and_then(|p| p.graph.get(krate))
        .map_or(Edition::Edition2021, |c| c.edition)
}

/// Cycle protection for re-export chains and glob imports.
#[derive(Default)]
pub(crate) struct Ctx {
    depth: u32,
    visiting: HashSet<(ModuleKey, String)>,
}

/// Resolves a path written in module `from` (its first segment by the scope rules; block
/// scopes and generics already ruled out by the caller).
pub(crate) fn resolve_path(db: &Db, from: &ModuleKey, names: &[&str]) -> Option<Res> {
    resolve_from(db, from, names, false, &mut Ctx::default())
}

/// Resolves the path of a `use` declared in module `from` (as [`resolve_path`], with the
/// rules of `use` paths: relative to the crate root in 2015, no std prelude).
pub(crate) fn resolve_use_path(db: &Db, from: &ModuleKey, names: &[&str]) -> Option<Res> {
    resolve_from(db, from, names, true, &mut Ctx::default())
}

/// A crate (or the table's std) by the name the extern prelude of `krate` gives it.
pub(crate) fn extern_crate(db: &Db, krate: CrateId, name: &str) -> Option<Res> {
    extern_prelude(db, krate, name)
}

fn resolve_from(
    db: &Db,
    from: &ModuleKey,
    names: &[&str],
    in_use: bool,
    ctx: &mut Ctx,
) -> Option<Res> {
    let (first, rest) = names.split_first()?;
    ctx.depth += 1;
    if ctx.depth > MAX_DEPTH {
        return None;
    }
    let mut res = match *first {
        "crate" => Res::Module((from.0, Vec::new())),
        "self" => Res::Module(from.clone()),
        "super" => {
            let mut m = from.clone();
            m.1.pop()?;
            Res::Module(m)
        }
        ROOT_SEGMENT => {
            let (name, tail) = rest.split_first()?;
            let r = extern_prelude(db, from.0, name)?;
            return walk_rest(db, from, r, tail, ctx);
        }
        name if in_use && edition(db, from.0) == Edition::Edition2015 => {
            // 2015: `use` paths start at the crate root.
            let root = (from.0, Vec::new());
            lookup_in_module(db, &root, name, from, ctx)
                .or_else(|| extern_prelude(db, from.0, name))?
        }
        name => lookup_in_scope(db, from, name, rest.is_empty() && !in_use, ctx)?,
    };
    let mut rest = rest;
    while let Some((&"super", tail)) = rest.split_first() {
        let Res::Module(mut m) = res else { return None };
        m.1.pop()?;
        res = Res::Module(m);
        rest = tail;
    }
    walk_rest(db, from, res, rest, ctx)
}

fn walk_rest(db: &Db, from: &ModuleKey, mut res: Res, rest: &[&str], ctx: &mut Ctx) -> Option<Res> {
    // A path from the root of `core`/`alloc`/`std` that std's table knows (`std::io::Read`):
    // the table answers, so that the common case parses none of rust-src's module files.
    if let Res::Module((krate, m)) = &res
        && m.is_empty()
        && !rest.is_empty()
        && let Some(c) = db.project.as_ref().and_then(|p| p.graph.get(*krate))
        && c.origin == CrateOrigin::Sysroot
        && let Some(t) = dynlens_std::trait_info(&format!("{}::{}", c.name, rest.join("::")))
    {
        return Some(Res::Trait(TraitKey::Std(t.canonical_path.into())));
    }
    for name in rest {
        res = match res {
            Res::Module(m) => lookup_in_module(db, &m, name, from, ctx)?,
            Res::StdModule(p) => std_member(&p, name),
            Res::Trait(_) | Res::Item(..) => return None,
        };
    }
    Some(res)
}

/// The first segment of a path: the module's names, the extern prelude, the std prelude.
fn lookup_in_scope(
    db: &Db,
    m: &ModuleKey,
    name: &str,
    prelude: bool,
    ctx: &mut Ctx,
) -> Option<Res> {
    if let Some(r) = lookup_in_module(db, m, name, m, ctx) {
        return Some(r);
    }
    if let Some(r) = extern_prelude(db, m.0, name) {
        return Some(r);
    }
    if prelude {
        return std_prelude(db, m.0, name);
    }
    None
}

fn visible(vis: Vis, owner: &ModuleKey, from: &ModuleKey) -> bool {
    match vis {
        Vis::Pub => true,
        Vis::Crate => owner.0 == from.0,
        Vis::Private => owner.0 == from.0 && from.1.starts_with(&owner.1),
    }
}

/// What an item of module `m` (located as `data`) is.
pub(crate) fn def_res(db: &Db, m: &ModuleKey, data: &ModuleData, d: &crate::item_tree::Def) -> Res {
    match d.kind {
        DefKind::Trait(i) => Res::Trait(trait_key(db, m.0, data.file, i)),
        DefKind::ExpandedTrait { file, index } => {
            Res::Trait(trait_key(db, m.0, FileRef::Extern(file), index))
        }
        DefKind::Module(_) => {
            let mut path = m.1.clone();
            path.push(d.name.clone());
            Res::Module((m.0, path))
        }
        DefKind::Other => Res::Item(m.clone(), d.name.clone()),
    }
}

/// `name` in module `m`, seen from module `from`: its items, explicit imports, then globs.
fn lookup_in_module(
    db: &Db,
    m: &ModuleKey,
    name: &str,
    from: &ModuleKey,
    ctx: &mut Ctx,
) -> Option<Res> {
    let data = module(db, m)?;
    if let Some(d) = data.def(name)
        && visible(d.vis, m, from)
    {
        return Some(def_res(db, m, &data, d));
    }
    if let Some(e) = data
        .scope
        .extern_crates
        .iter()
        .find(|e| e.alias == name && visible(e.vis, m, from))
    {
        return if e.name == "self" {
            Some(Res::Module((m.0, Vec::new())))
        } else {
            extern_prelude(db, m.0, &e.name)
        };
    }
    if !ctx.visiting.insert((m.clone(), name.to_string())) {
        return None;
    }
    let found = imported(db, m, &data, name, from, ctx);
    ctx.visiting.remove(&(m.clone(), name.to_string()));
    found
}

fn imported(
    db: &Db,
    m: &ModuleKey,
    data: &ModuleData,
    name: &str,
    from: &ModuleKey,
    ctx: &mut Ctx,
) -> Option<Res> {
    for u in &data.scope.uses {
        if u.kind == UseKind::Named(name.to_string()) && visible(u.vis, m, from) {
            let path: Vec<&str> = u.path.iter().map(String::as_str).collect();
            // A `use` may name a value only (a function, a constant): try the next one.
            if let Some(r) = resolve_from(db, m, &path, true, ctx) {
                return Some(r);
            }
        }
    }
    for u in &data.scope.uses {
        if u.kind != UseKind::Glob || !visible(u.vis, m, from) {
            continue;
        }
        let path: Vec<&str> = u.path.iter().map(String::as_str).collect();
        let found = match resolve_from(db, m, &path, true, ctx) {
            Some(Res::Module(target)) if target != *m => {
                lookup_in_module(db, &target, name, m, ctx)
            }
            Some(Res::StdModule(p)) => match std_member(&p, name) {
                r @ Res::Trait(_) => Some(r),
                _ => None,
            },
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// A function named by a path written in module `from` (a call's callee): the module that
/// declares it and its name. Modules along the path as for types; the last segment in the
/// value namespace — the module's functions, its named `use`s of functions, its globs.
pub(crate) fn resolve_value(
    db: &Db,
    from: &ModuleKey,
    names: &[&str],
) -> Option<(ModuleKey, String)> {
    let (last, prefix) = names.split_last()?;
    let module = if prefix.is_empty() {
        from.clone()
    } else {
        match resolve_from(db, from, prefix, false, &mut Ctx::default())? {
            Res::Module(m) => m,
            _ => return None,
        }
    };
    value_in_module(db, &module, last, from, 0)
}

fn value_in_module(
    db: &Db,
    m: &ModuleKey,
    name: &str,
    from: &ModuleKey,
    depth: u32,
) -> Option<(ModuleKey, String)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let data = module(db, m)?;
    if data
        .scope
        .values
        .iter()
        .any(|d| d.name == name && visible(d.vis, m, from))
    {
        return Some((m.clone(), name.to_string()));
    }
    for u in &data.scope.uses {
        if u.kind == UseKind::Named(name.to_string()) && visible(u.vis, m, from) {
            let path: Vec<&str> = u.path.iter().map(String::as_str).collect();
            let Some((target, prefix)) = path.split_last() else {
                continue;
            };
            let module = if prefix.is_empty() {
                continue;
            } else {
                match resolve_from(db, m, prefix, true, &mut Ctx::default()) {
                    Some(Res::Module(t)) => t,
                    _ => continue,
                }
            };
            if let Some(found) = value_in_module(db, &module, target, m, depth + 1) {
                return Some(found);
            }
        }
    }
    for u in &data.scope.uses {
        if u.kind != UseKind::Glob || !visible(u.vis, m, from) {
            continue;
        }
        let path: Vec<&str> = u.path.iter().map(String::as_str).collect();
        if let Some(Res::Module(target)) = resolve_from(db, m, &path, true, &mut Ctx::default())
            && target != *m
            && let Some(found) = value_in_module(db, &target, name, m, depth + 1)
        {
            return Some(found);
        }
    }
    None
}

/// A crate (or the table's std) by the name the extern prelude gives it.
fn extern_prelude(db: &Db, krate: CrateId, name: &str) -> Option<Res> {
    let project = db.project.as_ref()?;
    if let Some(dep) = project.graph.dep_named(krate, name) {
        return Some(Res::Module((dep, Vec::new())));
    }
    // `extern crate x as y;` at the crate root adds `y` to the extern prelude.
    if let Some(root) = module(db, &(krate, Vec::new()))
        && let Some(e) = root.scope.extern_crates.iter().find(|e| e.alias == name)
        && e.name != name
    {
        return extern_prelude(db, krate, &e.name);
    }
    if STD_ROOTS.contains(&name) {
        if let Some((id, _)) = project
            .graph
            .iter()
            .find(|(_, c)| c.origin == CrateOrigin::Sysroot && c.name == name)
        {
            return Some(Res::Module((id, Vec::new())));
        }
        return Some(Res::StdModule(name.to_string()));
    }
    None
}

/// Names in the prelude of the 2021 edition on, not before.
const PRELUDE_2021: [&str; 3] = ["TryFrom", "TryInto", "FromIterator"];

fn std_prelude(db: &Db, krate: CrateId, name: &str) -> Option<Res> {
    if PRELUDE_2021.contains(&name)
        && matches!(
            edition(db, krate),
            Edition::Edition2015 | Edition::Edition2018
        )
    {
        return None;
    }
    dynlens_std::prelude_trait(name).map(|t| Res::Trait(TraitKey::Std(t.canonical_path.into())))
}

fn std_member(module: &str, name: &str) -> Res {
    let path = format!("{module}::{name}");
    match dynlens_std::trait_info(&path) {
        Some(t) => Res::Trait(TraitKey::Std(t.canonical_path.into())),
        None => Res::StdModule(path),
    }
}

/// The key of the `index`-th trait of `file`: std's table row when it is a sysroot trait the
/// table knows (so std's facts apply), else the file's own.
pub(crate) fn trait_key(db: &Db, krate: CrateId, file: FileRef, index: u32) -> TraitKey {
    match file {
        FileRef::Workspace(f) => TraitKey::Local(f, index),
        FileRef::Extern(e) => {
            let key = TraitKey::Extern(e, index);
            let sysroot = db
                .project
                .as_ref()
                .and_then(|p| p.graph.get(krate))
                .is_some_and(|c| c.origin == CrateOrigin::Sysroot);
            if sysroot
                && let (Some(path), Some(def)) = (db.path_of(file), db.trait_def(&key))
                && let Some(info) = dynlens_std::TRAITS
                    .iter()
                    .find(|t| t.name() == def.name && path.ends_with(t.file))
            {
                return TraitKey::Std(info.canonical_path.into());
            }
            key
        }
    }
}

mod expansion;
#[cfg(test)]
pub(crate) mod tests;
