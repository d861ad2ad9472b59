//! Name resolution for trait paths: one entry point ([`resolve_trait`]), two strategies.
//!
//! **Where the path is written** is a [`Scope`]: a position in a file, or a trait's own
//! declaration. Before anything else, the syntax around that position decides, innermost
//! first: a generic parameter of an enclosing item with the path's first name (`fn f<Error>`)
//! shadows every trait of that name (the path is then no trait); so does an item of an
//! enclosing block (`fn f() { trait Sized {} … }`: a trait there is seen by its block only,
//! a `use` there imports for its block). Inline `mod` blocks around the position are noted.
//!
//! **Files of a crate of the project** (`Db::set_project`) then resolve as rustc does, per
//! module (`crate::nameres`: the module tree, `use` with renames and globs, `pub use` chains
//! across crates, `crate::`/`self::`/`super::`, `extern crate`, the extern prelude, the std
//! prelude of the crate's edition). A path that does not resolve there is unresolved: no
//! guess by name.
//!
//! **Other files** (a loose `.rs` file, `dynlens check DIR`, tests without a project) keep
//! the file-wide resolution, "well enough": `use` imports of the file (treated as file-wide,
//! inline modules ignored), traits defined in the same file, traits defined anywhere in the
//! workspace (by name, the nearest file first), and the standard library (by path, or by name
//! from the prelude). When two workspace traits share a name, the one in the same file wins,
//! then the one whose file shares the longest directory prefix.
//!
//! Not followed by either: macro-generated traits and `macro_rules!` scopes, `#[cfg]`
//! (every module and item counts), glob imports inside blocks of files of no crate, and the
//! generic parameters of a trait's methods when resolving that trait's own bounds (a trait's
//! bounds resolve where the trait is written).

use crate::db::{Db, FileId, FileRef, TraitKey};
use crate::item_tree::{DefKind, UseKind};
use crate::model::{Bound, TraitDef, TyPath, lower_path};
use crate::nameres::{self, Res};
use dynlens_base::{TextRange, TextSize};
use ra_ap_syntax::ast::HasGenericParams;
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, ast};

/// Where a path is written.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// At a position in a workspace file.
    At(FileId, TextSize),
    /// In the declaration of a workspace or dependency trait (names resolve where the trait
    /// is written).
    Trait(&'a TraitKey),
    /// Inside a std trait's declaration (names resolve within std, same module first).
    Std(&'a str),
}

impl<'a> Scope<'a> {
    /// The scope of a trait's own declaration.
    pub fn of(key: &'a TraitKey) -> Scope<'a> {
        match key {
            TraitKey::Std(p) => Scope::Std(p),
            _ => Scope::Trait(key),
        }
    }
}

const STD_ROOTS: [&str; 3] = ["std", "core", "alloc"];

/// Imports inside blocks followed for one path.
const MAX_BLOCK_DEPTH: u32 = 8;

/// Resolves a trait path.
pub fn resolve_trait(db: &Db, scope: Scope<'_>, path: &TyPath) -> Option<TraitKey> {
    let names: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
    resolve_scoped(db, scope, &names)
}

/// The trait that the path `names` (`["Read"]`) names in `scope`.
pub(crate) fn resolve_trait_names(db: &Db, scope: Scope<'_>, names: &[&str]) -> Option<TraitKey> {
    resolve_scoped(db, scope, names)
}

fn resolve_scoped(db: &Db, scope: Scope<'_>, names: &[&str]) -> Option<TraitKey> {
    let (file, pos) = match scope {
        Scope::Std(from) => return resolve_names(db, Legacy::Std(from), names, 0),
        Scope::At(file, pos) => (FileRef::Workspace(file), pos),
        Scope::Trait(key) => {
            let def = db.trait_def(key)?;
            let file = match key {
                TraitKey::Local(f, _) => FileRef::Workspace(*f),
                TraitKey::Extern(e, _) => FileRef::Extern(*e),
                TraitKey::Std(p) => return resolve_names(db, Legacy::Std(p), names, 0),
            };
            (file, def.range.start())
        }
    };
    let root = db.syntax_of(file)?;
    let root = root.syntax();
    let end = root.text_range().end();
    let pos = pos.min(end);
    let probe = TextRange::new(pos, (pos + TextSize::from(1)).min(end));
    let node = match root.covering_element(probe) {
        ra_ap_syntax::NodeOrToken::Node(n) => n,
        ra_ap_syntax::NodeOrToken::Token(t) => t.parent()?,
    };
    resolve_from_node(db, file, node, names, 0)
}

/// Resolves `names` as written inside `node`: generic parameters and blocks around it, then
/// its module.
fn resolve_from_node(
    db: &Db,
    file: FileRef,
    node: SyntaxNode,
    names: &[&str],
    depth: u32,
) -> Option<TraitKey> {
    let first = *names.first()?;
    let keyword = matches!(first, "crate" | "self" | "super" | "Self");
    let mut inline: Vec<String> = Vec::new();
    let mut in_module_scope = false;
    for anc in node.ancestors() {
        if anc.kind() == SyntaxKind::MODULE {
            if let Some(name) = ast::Module::cast(anc.clone()).and_then(|m| ast::HasName::name(&m))
            {
                inline.push(name.text().to_string());
            }
            in_module_scope = true;
            continue;
        }
        if in_module_scope || keyword {
            continue;
        }
        if let Some(g) = ast::AnyHasGenericParams::cast(anc.clone())
            && let Some(list) = g.generic_param_list()
            && list.type_or_const_params().any(|p| {
                let name = match p {
                    ast::TypeOrConstParam::Type(t) => ast::HasName::name(&t),
                    ast::TypeOrConstParam::Const(c) => ast::HasName::name(&c),
                };
                name.is_some_and(|n| n.text() == first)
            })
        {
            return None;
        }
        if anc.kind() == SyntaxKind::STMT_LIST
            && let Some(list) = ast::StmtList::cast(anc.clone())
        {
            let scope = db.block_scope(file, &list)?;
            if let Some(d) = scope.def(first) {
                return match d.kind {
                    DefKind::Trait(i) if names.len() == 1 => Some(match file {
                        FileRef::Workspace(f) => TraitKey::Local(f, i),
                        FileRef::Extern(e) => TraitKey::Extern(e, i),
                    }),
                    _ => None,
                };
            }
            if depth < MAX_BLOCK_DEPTH
                && let Some(u) = scope
                    .uses
                    .iter()
                    .find(|u| u.kind == UseKind::Named(first.to_string()))
            {
                // The imported path, resolved from around the block.
                let mut path: Vec<&str> = u.path.iter().map(String::as_str).collect();
                path.extend(&names[1..]);
                return resolve_from_node(db, file, anc.parent()?, &path, depth + 1);
            }
            // Glob imports of a block (`use super::*;` in a function): only with a module
            // tree to look into.
            for u in scope.uses.iter().filter(|u| u.kind == UseKind::Glob) {
                if depth >= MAX_BLOCK_DEPTH {
                    break;
                }
                let mut path: Vec<&str> = u.path.iter().map(String::as_str).collect();
                path.extend(names);
                if let Some(parent) = anc.parent()
                    && module_of(db, file, &parent).is_some()
                    && let Some(k) = resolve_from_node(db, file, parent, &path, depth + 1)
                {
                    return Some(k);
                }
            }
        }
    }
    inline.reverse();
    if let Some(module) = nameres::module_at(db, file, &inline) {
        return match nameres::resolve_path(db, &module, names) {
            Some(Res::Trait(k)) => Some(k),
            // A std path the sysroot's module tree does not lead to (an item made by a
            // macro, a `#[cfg]` maze): std's table knows the public paths.
            None if STD_ROOTS.contains(&first) => find_std(&names.join("::")),
            _ => None,
        };
    }
    match file {
        FileRef::Workspace(f) => resolve_names(db, Legacy::File(f), names, 0),
        FileRef::Extern(_) => None,
    }
}

/// The module of the project `node` is in, if its file belongs to a crate.
pub(crate) fn module_of(db: &Db, file: FileRef, node: &SyntaxNode) -> Option<crate::db::ModuleKey> {
    let mut inline: Vec<String> = node
        .ancestors()
        .filter_map(ast::Module::cast)
        .filter_map(|m| ast::HasName::name(&m).map(|n| n.text().to_string()))
        .collect();
    inline.reverse();
    nameres::module_at(db, file, &inline)
}

/// The file-wide resolution of files of no crate.
#[derive(Debug, Clone, Copy)]
enum Legacy<'a> {
    File(FileId),
    Std(&'a str),
}

fn resolve_names(db: &Db, scope: Legacy<'_>, names: &[&str], depth: u32) -> Option<TraitKey> {
    if depth > 8 || names.is_empty() {
        return None;
    }
    let last = *names.last()?;
    let first = names[0];
    if STD_ROOTS.contains(&first.trim_start_matches("::")) {
        return find_std(&names.join("::"));
    }
    match scope {
        Legacy::Std(from) => std_by_name(from, last),
        Legacy::File(file) => {
            let model = db.model(file)?;
            if names.len() == 1 {
                // A trait defined in this file.
                if let Some(k) = db.local_trait_named(file, last) {
                    return Some(k);
                }
                // An import naming it.
                if let Some(imp) = model.imports.iter().find(|i| i.alias == last) {
                    let path: Vec<&str> = imp.path.iter().map(String::as_str).collect();
                    if (path.len() > 1 || path.first() != Some(&last))
                        && let Some(k) = resolve_names(db, scope, &path, depth + 1)
                    {
                        return Some(k);
                    }
                    return workspace_by_name(
                        db,
                        file,
                        imp.path.last().map(String::as_str).unwrap_or(last),
                    );
                }
            } else if let Some(imp) = model.imports.iter().find(|i| i.alias == first) {
                // `fmt::Debug` after `use std::fmt;`
                let mut path: Vec<&str> = imp.path.iter().map(String::as_str).collect();
                path.extend(&names[1..]);
                return resolve_names(db, scope, &path, depth + 1);
            }
            // A glob import of a std module: `use std::fmt::*;`
            for imp in model.imports.iter().filter(|i| i.alias == "*") {
                if imp
                    .path
                    .first()
                    .is_some_and(|r| STD_ROOTS.contains(&r.as_str()))
                    && names.len() == 1
                {
                    let mut path: Vec<&str> = imp.path.iter().map(String::as_str).collect();
                    path.push(last);
                    if let Some(k) = find_std(&path.join("::")) {
                        return Some(k);
                    }
                }
            }
            if let Some(k) = workspace_by_name(db, file, last) {
                return Some(k);
            }
            if names.len() == 1
                && let Some(t) = dynlens_std::prelude_trait(last)
            {
                return Some(TraitKey::Std(t.canonical_path.into()));
            }
            None
        }
    }
}

// Resolution reads std's table only: a declaration is loaded (from rust-src, parsing a whole
// file) when its trait's model is asked for, never to resolve a name.

fn find_std(path: &str) -> Option<TraitKey> {
    dynlens_std::trait_info(path.trim_start_matches("::"))
        .map(|t| TraitKey::Std(t.canonical_path.into()))
}

fn std_by_name(from: &str, name: &str) -> Option<TraitKey> {
    let module = from.rsplit_once("::").map(|(m, _)| m).unwrap_or("");
    let candidates: Vec<&dynlens_std::TraitInfo> = dynlens_std::traits_named(name).collect();
    let pick = candidates
        .iter()
        .find(|t| t.canonical_path.rsplit_once("::").map(|(m, _)| m) == Some(module))
        .or_else(|| candidates.iter().find(|t| t.in_prelude))
        .or_else(|| candidates.first())?;
    Some(TraitKey::Std(pick.canonical_path.into()))
}

fn workspace_by_name(db: &Db, from: FileId, name: &str) -> Option<TraitKey> {
    let keys = db.traits_named(name);
    if keys.len() <= 1 {
        return keys.first().cloned();
    }
    let from_path = db.file_path(from);
    keys.iter()
        .max_by_key(|k| {
            let f = db.trait_file(k);
            let same = (f == Some(from)) as usize;
            let shared = match (from_path, f.and_then(|f| db.file_path(f))) {
                (Some(a), Some(b)) => a
                    .components()
                    .zip(b.components())
                    .take_while(|(x, y)| x == y)
                    .count(),
                _ => 0,
            };
            (same, shared)
        })
        .cloned()
}

/// What a bound names, if it is a trait bound (not `?Sized`, not a lifetime).
pub fn bound_trait(bound: &Bound) -> Option<&TyPath> {
    match bound {
        Bound::Trait {
            path, maybe: false, ..
        } => Some(path),
        _ => None,
    }
}

/// The std table's facts about a resolved trait; `None` for a user's trait, whatever its name.
pub fn std_facts(key: &TraitKey) -> Option<&'static dynlens_std::TraitFacts> {
    match key {
        TraitKey::Std(path) => dynlens_std::trait_info(path).map(|info| &info.facts),
        TraitKey::Local(..) | TraitKey::Extern(..) => None,
    }
}

/// Is this trait std's `Sized` (by resolution: a user's `trait Sized` is not)?
pub fn is_sized(key: &TraitKey) -> bool {
    std_facts(key).is_some_and(|f| f.sized_marker && f.implies_sized)
}

/// Resolves a bound on `Self`, telling std's `Sized` apart. Only resolution decides: a path
/// that does not resolve is `Unknown`, whatever its spelling.
pub fn resolve_marker_aware(db: &Db, scope: Scope<'_>, path: &TyPath) -> Resolved {
    match resolve_trait(db, scope, path) {
        Some(k) if is_sized(&k) => Resolved::Sized,
        Some(k) => Resolved::Trait(k),
        None => Resolved::Unknown,
    }
}

/// The outcome of resolving a bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// std's `Sized`.
    Sized,
    /// Any other trait.
    Trait(TraitKey),
    /// A path that names no known trait.
    Unknown,
}

impl Resolved {
    /// Is it an auto trait (`Send`, `Sync`, …)? For std's, the table says; a user's trait is
    /// one only when declared `auto trait`.
    pub fn is_auto(&self, db: &Db) -> bool {
        match self {
            Resolved::Trait(k) => std_facts(k).map_or_else(
                || {
                    db.trait_def(k)
                        .is_some_and(|d: std::sync::Arc<TraitDef>| d.is_auto)
                },
                |f| f.auto,
            ),
            _ => false,
        }
    }
}

/// What the names of std traits, written alone in `scope` (a trait's declaration), resolve to: `Some(canonical std
/// path)`, or `None` where the name is the user's own trait (a workspace `trait Error`, a local
/// `trait Sized`). Names that do not resolve are left out. For the generator, which sees only
/// text ([`dynlens_expand::ExpandInput::std_names`]). Only the names `mentioned` accepts are
/// resolved (those the texts handed to the generator contain: a handful, not every std trait).
pub fn std_names_mentioned(
    db: &Db,
    scope: Scope<'_>,
    mentioned: &dyn Fn(&str) -> bool,
) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for info in dynlens_std::TRAITS {
        let name = info.name();
        if !mentioned(name) || out.iter().any(|(n, _)| n == name) {
            continue;
        }
        match resolve_scoped(db, scope, &[name]) {
            Some(TraitKey::Std(path)) => out.push((name.to_string(), Some(path.to_string()))),
            Some(TraitKey::Local(..) | TraitKey::Extern(..)) => out.push((name.to_string(), None)),
            None => {}
        }
    }
    out
}

/// The `dyn Trait` uses of a file: (range of the trait path, the trait).
///
/// Walks only the top-level items whose text contains `dyn`, instead of every node of the
/// file: on a 20,000-line file this is several times faster.
pub fn dyn_uses(db: &Db, file: FileId) -> Vec<(TextRange, TraitKey)> {
    dyn_uses_in(db, file, None)
}

/// The `dyn Trait` uses of the top-level items of a file that touch `within` (the cursor or
/// selection of a code action): a few items instead of the whole file.
pub fn dyn_uses_near(db: &Db, file: FileId, within: TextRange) -> Vec<(TextRange, TraitKey)> {
    dyn_uses_in(db, file, Some(within))
}

fn dyn_uses_in(db: &Db, file: FileId, within: Option<TextRange>) -> Vec<(TextRange, TraitKey)> {
    let (Some(root), Some(text)) = (db.syntax(file), db.file_text(file)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let items = root.syntax().children().filter(|item| {
        let r = item.text_range();
        if within.is_some_and(|w| r.intersect(w).is_none()) {
            return false;
        }
        text.get(usize::from(r.start())..usize::from(r.end()))
            .is_some_and(|t| t.contains("dyn"))
    });
    for node in items.flat_map(|item| item.descendants()) {
        if node.kind() != SyntaxKind::DYN_TRAIT_TYPE {
            continue;
        }
        let Some(dyn_ty) = ast::DynTraitType::cast(node) else {
            continue;
        };
        let Some(list) = dyn_ty.type_bound_list() else {
            continue;
        };
        for bound in list.bounds() {
            let Some(ast::Type::PathType(pt)) = bound.ty() else {
                continue;
            };
            let Some(path) = pt.path() else { continue };
            let lowered = lower_path(&path);
            let names: Vec<&str> = lowered.segments.iter().map(|s| s.name.as_str()).collect();
            // From the path's own node: no search of the tree for the position.
            let found = resolve_from_node(
                db,
                FileRef::Workspace(file),
                path.syntax().clone(),
                &names,
                0,
            );
            if let Some(key) = found {
                out.push((path.syntax().text_range(), key));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{supertrait_closure, verdict};
    use dynlens_std::StdLibrary;

    /// The violations of every trait of the first file, by trait name.
    fn verdicts(files: &[(&str, &str)]) -> Vec<(String, Vec<&'static str>)> {
        let mut db = Db::new(StdLibrary::catalog());
        let ids: Vec<FileId> = files
            .iter()
            .map(|(path, text)| db.set_file_text((*path).into(), (*text).to_string()))
            .collect();
        let f = ids[0];
        let n = db.model(f).map(|m| m.traits.len()).unwrap_or(0);
        (0..n)
            .map(|i| {
                let v = verdict(&db, &TraitKey::Local(f, i as u32)).expect("verdict");
                let kinds = v.violations.iter().map(|x| x.kind.as_str()).collect();
                (v.name.clone(), kinds)
            })
            .collect()
    }

    const USES: &str = "trait NeedsSized: Sized { fn f(&self); }
         trait ExemptBySized { fn f(&self) -> Self where Self: Sized; }
         trait WhereSend { fn f(&self) where Self: Send; }
         trait SuperSend: Send { fn f(&self); }";

    #[test]
    fn std_markers_by_prelude() {
        let v = verdicts(&[("lib.rs", USES)]);
        assert_eq!(v[0], ("NeedsSized".into(), vec!["sized_self"]));
        assert_eq!(v[1], ("ExemptBySized".into(), vec![]));
        assert_eq!(v[2], ("WhereSend".into(), vec![]));
        assert_eq!(v[3], ("SuperSend".into(), vec![]));
    }

    /// A workspace's own `Sized` and `Send` are its own traits: no `Sized` requirement, no
    /// exemption, no auto trait — in the same file and from another file alike.
    #[test]
    fn user_traits_named_like_std_markers_are_the_users() {
        let user = "pub trait Sized {}\npub trait Send {}\n";
        let same_file = format!("{USES}\n{user}");
        for files in [
            vec![("lib.rs", same_file.as_str())],
            vec![("lib.rs", USES), ("markers.rs", user)],
        ] {
            let v = verdicts(&files);
            assert_eq!(v[0], ("NeedsSized".into(), vec![]), "{files:?}");
            assert_eq!(
                v[1].1,
                vec!["self_in_return", "where_clause_self"],
                "{files:?}"
            );
            assert_eq!(v[2].1, vec!["where_clause_self"], "{files:?}");
            assert_eq!(v[3].1, Vec::<&str>::new(), "{files:?}");
        }
    }

    #[test]
    fn a_user_error_trait_shadows_std_unless_std_is_imported() {
        let mut db = Db::new(StdLibrary::catalog());
        let user = db.set_file_text("error.rs".into(), "pub trait Error { fn f(&self); }".into());
        let plain = db.set_file_text("a.rs".into(), "trait A: Error {}".into());
        let imported = db.set_file_text(
            "b.rs".into(),
            "use std::error::Error;\ntrait B: Error {}".into(),
        );
        let supers = |file| {
            let (closure, _) = supertrait_closure(&db, &TraitKey::Local(file, 0));
            closure
                .into_iter()
                .skip(1)
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        assert_eq!(supers(plain), vec![TraitKey::Local(user, 0)]);
        assert!(
            supers(imported).contains(&TraitKey::Std("core::error::Error".into())),
            "{:?}",
            supers(imported)
        );
        let error = |file| {
            std_names_mentioned(&db, Scope::of(&TraitKey::Local(file, 0)), &|_| true)
                .into_iter()
                .find(|(name, _)| name == "Error")
                .map(|(_, std)| std)
        };
        assert_eq!(error(plain), Some(None), "the user's");
        assert_eq!(
            error(imported),
            Some(Some("core::error::Error".to_string()))
        );
        let write = |text: &str| {
            let mut db = Db::new(StdLibrary::catalog());
            let f = db.set_file_text("w.rs".into(), text.into());
            std_names_mentioned(&db, Scope::At(f, 0.into()), &|_| true)
                .into_iter()
                .find(|(name, _)| name == "Write")
        };
        assert_eq!(write("trait A {}"), None, "ambiguous without an import");
        assert_eq!(
            write("use std::io::Write;"),
            Some(("Write".into(), Some("std::io::Write".into())))
        );
    }
}
