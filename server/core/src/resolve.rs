//! Name resolution for trait paths, "well enough": `std::fmt::Debug`, `fmt::Debug` (after
//! `use std::fmt`) and `Debug` (after `use std::fmt::Debug`, or from the prelude) resolve alike.
//!
//! What it follows: `use` imports of the file (treated as file-wide, inline modules ignored),
//! traits defined in the same file, traits defined anywhere in the workspace (by name, the
//! nearest file first), and the standard library (by path, or by name from the prelude).
//! What it does not: macro-generated traits, `pub use` re-export chains across crates, and
//! shadowing inside function bodies. When two workspace traits share a name, the one in the
//! same file wins, then the one whose file shares the longest directory prefix.

use crate::db::{Db, FileId, TraitKey};
use crate::model::{Bound, TraitDef, TyPath, lower_path};
use dynlens_base::TextRange;
use ra_ap_syntax::{AstNode, SyntaxKind, ast};

/// Where a path is written.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// In a workspace file.
    File(FileId),
    /// Inside a std trait's declaration (names resolve within std, same module first).
    Std(&'a str),
}

impl<'a> Scope<'a> {
    /// The scope of a trait's own declaration.
    pub fn of(key: &'a TraitKey) -> Scope<'a> {
        match key {
            TraitKey::Local(f, _) => Scope::File(*f),
            TraitKey::Std(p) => Scope::Std(p),
        }
    }
}

const STD_ROOTS: [&str; 3] = ["std", "core", "alloc"];

/// Resolves a trait path.
pub fn resolve_trait(db: &Db, scope: Scope<'_>, path: &TyPath) -> Option<TraitKey> {
    let names: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
    resolve_names(db, scope, &names, 0)
}

fn resolve_names(db: &Db, scope: Scope<'_>, names: &[&str], depth: u32) -> Option<TraitKey> {
    if depth > 8 || names.is_empty() {
        return None;
    }
    let last = *names.last()?;
    let first = names[0];
    if STD_ROOTS.contains(&first.trim_start_matches("::")) {
        return find_std(&names.join("::"));
    }
    match scope {
        Scope::Std(from) => std_by_name(from, last),
        Scope::File(file) => {
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
                && let Some(t) = dynlens_std::TRAITS
                    .iter()
                    .find(|t| t.in_prelude && t.name() == last)
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
    let candidates: Vec<&dynlens_std::TraitInfo> = dynlens_std::TRAITS
        .iter()
        .filter(|t| t.name() == name)
        .collect();
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
        TraitKey::Local(..) => None,
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

/// What the names of std traits, written alone in `file`, resolve to: `Some(canonical std
/// path)`, or `None` where the name is the user's own trait (a workspace `trait Error`, a local
/// `trait Sized`). Names that do not resolve are left out. For the generator, which sees only
/// text ([`dynlens_expand::ExpandInput::std_names`]). Only the names `mentioned` accepts are
/// resolved (those the texts handed to the generator contain: a handful, not every std trait).
pub fn std_names_mentioned(
    db: &Db,
    file: FileId,
    mentioned: &dyn Fn(&str) -> bool,
) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for info in dynlens_std::TRAITS {
        let name = info.name();
        if !mentioned(name) || out.iter().any(|(n, _)| n == name) {
            continue;
        }
        match resolve_names(db, Scope::File(file), &[name], 0) {
            Some(TraitKey::Std(path)) => out.push((name.to_string(), Some(path.to_string()))),
            Some(TraitKey::Local(..)) => out.push((name.to_string(), None)),
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
            if let Some(key) = resolve_trait(db, Scope::File(file), &lower_path(&path)) {
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
            std_names_mentioned(&db, file, &|_| true)
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
            std_names_mentioned(&db, f, &|_| true)
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
