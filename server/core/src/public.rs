//! The public traits of a crate: every trait a user of the crate can name, each once, by its
//! shortest public path (what the crates oracle probes, `tests/crates-oracle`).
//!
//! A breadth-first walk from the crate root over the names each module makes public: its
//! `pub` items, its `pub use` re-exports (named, renamed, glob; across crates, so
//! `futures::Stream` is futures-core's trait) and `pub extern crate`s. A module is entered
//! once, by the first (shortest, then smallest) path that reaches it; a trait is listed once
//! per definition, under its shortest path (ties: segment by segment, lexicographically).
//! Names resolve as everywhere else (`crate::nameres`), with the same limits: `#[cfg]` is
//! not evaluated (a platform's module is walked on every platform) and items declared inside
//! macro invocations are not seen. `#[doc(hidden)]` is irrelevant: hidden items are public.

use std::collections::{BTreeMap, HashMap, HashSet};

use dynlens_base::{CrateId, CrateOrigin};

use crate::db::{Db, ModuleKey, TraitKey};
use crate::item_tree::{UseKind, Vis};
use crate::model::GenericParamKind;
use crate::nameres::{self, Res};

/// A trait a crate exposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicTrait {
    /// The shortest public path, from the crate's name: `tokio::io::AsyncRead`.
    pub path: String,
    /// Its other public paths, shortest first (one per module that names it: the first
    /// path by which a module is reached stands for all of them).
    pub other_paths: Vec<String>,
    /// Where the trait is declared, as dynlens names it (`futures_core::stream::Stream`,
    /// `core::iter::Iterator`).
    pub defined_at: String,
    /// Its generic parameters, in order.
    pub generics: Vec<ParamKind>,
    /// Its associated types (those of the trait itself, not of its supertraits).
    pub assoc_types: Vec<String>,
}

/// A generic parameter of a trait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamKind {
    Lifetime,
    Type,
    /// A const parameter, with its type as written (`usize`).
    Const(String),
}

/// Modules deeper than this are not walked.
const MAX_PATH_LEN: usize = 24;

/// The crate `name` names: a dependency of a workspace crate by that extern name, else a
/// sysroot crate (`core`, `alloc`, `std`), else the only crate of that name.
pub(crate) fn crate_named(db: &Db, name: &str) -> Option<CrateId> {
    let graph = &db.project.as_ref()?.graph;
    let workspace = graph
        .iter()
        .filter(|(_, c)| c.origin == CrateOrigin::Workspace)
        .find_map(|(id, _)| graph.dep_named(id, name));
    if workspace.is_some() {
        return workspace;
    }
    let mut named = graph.iter().filter(|(_, c)| c.name == name);
    if let Some((id, _)) = graph
        .iter()
        .find(|(_, c)| c.name == name && c.origin == CrateOrigin::Sysroot)
    {
        return Some(id);
    }
    let (id, _) = named.next()?;
    named.next().is_none().then_some(id)
}

/// The public traits of `krate`, sorted by path.
pub(crate) fn public_traits(db: &Db, krate: CrateId) -> Vec<PublicTrait> {
    let Some(name) = db
        .project
        .as_ref()
        .and_then(|p| p.graph.get(krate))
        .map(|c| c.name.clone())
    else {
        return Vec::new();
    };
    let mut names = PublicNames::default();
    let root: ModuleKey = (krate, Vec::new());
    let mut seen: HashSet<ModuleKey> = HashSet::from([root.clone()]);
    let mut level = vec![(vec![name], root)];
    let mut found: HashMap<TraitKey, Vec<Vec<String>>> = HashMap::new();
    while !level.is_empty() {
        let mut next = Vec::new();
        for (path, m) in &level {
            for (name, res) in names.of(db, m) {
                let mut p = path.clone();
                p.push(name);
                match res {
                    Res::Trait(key) => found.entry(key).or_default().push(p),
                    Res::Module(target) if p.len() < MAX_PATH_LEN => next.push((p, target)),
                    _ => {}
                }
            }
        }
        // Shortest first, then smallest: the first path that reaches a module is its path.
        next.sort();
        level = next
            .into_iter()
            .filter(|(_, m)| seen.insert(m.clone()))
            .collect();
    }
    let mut out: Vec<PublicTrait> = found
        .into_iter()
        .filter_map(|(key, mut paths)| {
            paths.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
            paths.dedup();
            let mut paths = paths.into_iter().map(|p| p.join("::"));
            let path = paths.next()?;
            describe(db, &key, path, paths.collect())
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn describe(
    db: &Db,
    key: &TraitKey,
    path: String,
    other_paths: Vec<String>,
) -> Option<PublicTrait> {
    let def = db.trait_def(key)?;
    let source = db.trait_source(key);
    let generics = def
        .generics
        .iter()
        .map(|g| match g.kind {
            GenericParamKind::Lifetime => ParamKind::Lifetime,
            GenericParamKind::Type => ParamKind::Type,
            GenericParamKind::Const => {
                // The parameter's text, relative to the trait's (`const N: usize = 3`).
                let start = usize::from(g.range.start() - def.range.start());
                let end = usize::from(g.range.end() - def.range.start());
                let text = source
                    .as_deref()
                    .and_then(|s| s.get(start..end))
                    .unwrap_or("");
                let ty = text.split_once(':').map_or("", |(_, t)| t);
                let ty = ty.split_once('=').map_or(ty, |(t, _)| t);
                ParamKind::Const(ty.trim().to_string())
            }
        })
        .collect();
    Some(PublicTrait {
        path,
        other_paths,
        defined_at: db.trait_display_path(key),
        generics,
        assoc_types: def.assoc_types().map(|t| t.name.clone()).collect(),
    })
}

/// The names each module makes public, computed once per module.
/// Modules a search for one public path visits at most.
const MAX_SEARCH: usize = 20_000;

/// The shortest public path by which crate `from` can name `target` (a trait, a module or
/// another type): `std::io::Result`, `tokio::io::AsyncRead`. Searched breadth first
/// from the roots of the crates `from` depends on (std's for a sysroot item, the target's
/// own crate's first, then every dependency's), over the names each module makes public.
pub(crate) fn public_path(db: &Db, from: CrateId, target: &Res) -> Option<String> {
    let graph = &db.project.as_ref()?.graph;
    let target_crate = match target {
        Res::Module((k, _)) | Res::Item((k, _), _) => Some(*k),
        Res::Trait(TraitKey::Extern(..)) | Res::Trait(TraitKey::Local(..)) => None,
        Res::Trait(TraitKey::Std(p)) => {
            return dynlens_std::trait_info(p).map(|t| t.public_path());
        }
        Res::StdModule(p) => return Some(p.clone()),
    };
    let sysroot = |k: CrateId| {
        graph
            .get(k)
            .is_some_and(|c| c.origin == CrateOrigin::Sysroot)
    };
    let mut roots: Vec<(String, CrateId)> = graph
        .get(from)?
        .deps
        .iter()
        .map(|d| (d.extern_name.clone(), d.krate))
        .collect();
    for name in ["std", "core", "alloc"] {
        if let Some((id, _)) = graph
            .iter()
            .find(|(_, c)| c.origin == CrateOrigin::Sysroot && c.name == name)
            && !roots.iter().any(|(_, k)| *k == id)
        {
            roots.push((name.to_string(), id));
        }
    }
    // The likeliest roots first: std for std's items, the target's crate for the others.
    let first: Vec<(String, CrateId)> = match target_crate {
        Some(k) if sysroot(k) => roots.iter().filter(|(n, _)| n == "std").cloned().collect(),
        Some(k) => roots.iter().filter(|(_, r)| *r == k).cloned().collect(),
        None => Vec::new(),
    };
    let mut names = PublicNames::default();
    for roots in [first, roots] {
        if let Some(p) = search(db, &mut names, &roots, target) {
            return Some(p);
        }
    }
    None
}

fn search(
    db: &Db,
    names: &mut PublicNames,
    roots: &[(String, CrateId)],
    target: &Res,
) -> Option<String> {
    let mut seen: HashSet<ModuleKey> = HashSet::new();
    let mut level: Vec<(Vec<String>, ModuleKey)> = Vec::new();
    for (name, k) in roots {
        let root = (*k, Vec::new());
        if *target == Res::Module(root.clone()) {
            return Some(name.clone());
        }
        if seen.insert(root.clone()) {
            level.push((vec![name.clone()], root));
        }
    }
    let mut visited = 0;
    while !level.is_empty() && visited < MAX_SEARCH {
        let mut next = Vec::new();
        let mut hits = Vec::new();
        for (path, m) in &level {
            visited += 1;
            for (name, res) in names.of(db, m) {
                let mut p = path.clone();
                p.push(name);
                if res == *target {
                    hits.push(p);
                } else if let Res::Module(target) = res
                    && p.len() < MAX_PATH_LEN
                {
                    next.push((p, target));
                }
            }
        }
        if let Some(best) = hits.into_iter().min() {
            return Some(best.join("::"));
        }
        next.sort();
        level = next
            .into_iter()
            .filter(|(_, m)| seen.insert(m.clone()))
            .collect();
    }
    None
}

#[derive(Default)]
struct PublicNames {
    done: HashMap<ModuleKey, Vec<(String, Res)>>,
    /// Modules whose names are being computed (glob cycles: `pub use super::*`).
    visiting: HashSet<ModuleKey>,
    /// A glob cycle was cut while computing the current module: its names may miss those
    /// the cycle brings back, so they are not cached (computed again when asked again).
    cut: bool,
}

impl PublicNames {
    /// The public names of module `m`: its `pub` items, `pub extern crate`s and named
    /// `pub use`s, then what its `pub use …::*` globs bring (explicit names shadow them).
    fn of(&mut self, db: &Db, m: &ModuleKey) -> Vec<(String, Res)> {
        if let Some(done) = self.done.get(m) {
            return done.clone();
        }
        if !self.visiting.insert(m.clone()) {
            self.cut = true;
            return Vec::new();
        }
        let outer_cut = std::mem::replace(&mut self.cut, false);
        let mut names: BTreeMap<String, Res> = BTreeMap::new();
        if let Some(data) = nameres::module(db, m) {
            for d in data.scope.defs.iter().filter(|d| d.vis == Vis::Pub) {
                let res = nameres::def_res(db, m, &data, d);
                names.entry(d.name.clone()).or_insert(res);
            }
            for e in data
                .scope
                .extern_crates
                .iter()
                .filter(|e| e.vis == Vis::Pub)
            {
                let res = if e.name == "self" {
                    Some(Res::Module((m.0, Vec::new())))
                } else {
                    nameres::extern_crate(db, m.0, &e.name)
                };
                if let Some(res) = res {
                    names.entry(e.alias.clone()).or_insert(res);
                }
            }
            let uses = data.scope.uses.iter().filter(|u| u.vis == Vis::Pub);
            for u in uses.clone() {
                // `pub use Trait as _;` names nothing.
                let UseKind::Named(alias) = &u.kind else {
                    continue;
                };
                if alias == "_" || names.contains_key(alias) {
                    continue;
                }
                let path: Vec<&str> = u.path.iter().map(String::as_str).collect();
                if let Some(res) = nameres::resolve_use_path(db, m, &path) {
                    names.insert(alias.clone(), res);
                }
            }
            for u in uses.filter(|u| u.kind == UseKind::Glob) {
                let path: Vec<&str> = u.path.iter().map(String::as_str).collect();
                let Some(Res::Module(target)) = nameres::resolve_use_path(db, m, &path) else {
                    continue;
                };
                if target == *m {
                    continue;
                }
                for (name, res) in self.of(db, &target) {
                    names.entry(name).or_insert(res);
                }
            }
        }
        self.visiting.remove(m);
        let names: Vec<(String, Res)> = names.into_iter().collect();
        if !self.cut {
            self.done.insert(m.clone(), names.clone());
        }
        self.cut |= outer_cut;
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nameres::tests::fixture;

    fn listed(text: &str, krate: &str) -> Vec<String> {
        let f = fixture(text);
        let id = crate_named(&f.db, krate).expect("the crate");
        public_traits(&f.db, id)
            .into_iter()
            .map(|t| {
                let generics: Vec<String> = t
                    .generics
                    .iter()
                    .map(|g| match g {
                        ParamKind::Lifetime => "'".to_string(),
                        ParamKind::Type => "T".to_string(),
                        ParamKind::Const(ty) => format!("const {ty}"),
                    })
                    .collect();
                let mut line = format!("{} ({})", t.path, t.defined_at);
                for other in &t.other_paths {
                    line.push_str(&format!(" = {other}"));
                }
                if !generics.is_empty() {
                    line.push_str(&format!(" <{}>", generics.join(", ")));
                }
                if !t.assoc_types.is_empty() {
                    line.push_str(&format!(" [{}]", t.assoc_types.join(", ")));
                }
                line
            })
            .collect()
    }

    #[test]
    fn pub_items_modules_and_reexports_under_the_shortest_path() {
        let text = "//- /app/src/lib.rs crate:app deps:lib
//- /lib/src/lib.rs crate:lib deps:core_dep origin:dep
pub mod io;
mod private;
pub(crate) mod krate;
pub use private::Hidden as Shown;
pub use io::util::*;
pub use core_dep::stream::Stream;
pub use core_dep::sink;
pub trait Root<'a, T, const N: usize = 4> { type Out; }
trait NotPub {}
//- /lib/src/io.rs
pub mod util;
pub trait AsyncRead {}
pub use self::util::Ext as _;
//- /lib/src/io/util.rs
pub trait Ext {}
pub trait Deep { const C: [u8; 2]; }
pub(crate) trait Inner {}
//- /lib/src/private.rs
pub trait Hidden {}
pub trait Unreachable {}
//- /lib/src/krate.rs
pub trait CrateOnly {}
//- /dep/src/lib.rs crate:core_dep origin:dep
pub mod stream { pub trait Stream { type Item; } }
pub mod sink { pub trait Sink<Item> {} }
";
        expect_test::expect![[r#"
            [
                "lib::Deep (lib::io::util::Deep) = lib::io::util::Deep",
                "lib::Ext (lib::io::util::Ext) = lib::io::util::Ext",
                "lib::Root (lib::Root) <', T, const usize> [Out]",
                "lib::Shown (lib::private::Hidden)",
                "lib::Stream (core_dep::stream::Stream) [Item]",
                "lib::io::AsyncRead (lib::io::AsyncRead)",
                "lib::sink::Sink (core_dep::sink::Sink) <T>",
            ]
        "#]]
        .assert_debug_eq(&listed(text, "lib"));
    }

    #[test]
    fn glob_cycles_and_renamed_crates_terminate() {
        let text = "//- /app/src/lib.rs crate:app deps:lib
//- /lib/src/lib.rs crate:lib origin:dep
pub mod a;
pub mod b;
pub extern crate self as me;
//- /lib/src/a.rs
pub use crate::b::*;
pub trait A {}
//- /lib/src/b.rs
pub use crate::a::*;
pub use super::a;
pub trait B {}
";
        expect_test::expect![[r#"
            [
                "lib::a::A (lib::a::A) = lib::b::A",
                "lib::a::B (lib::b::B) = lib::b::B",
            ]
        "#]]
        .assert_debug_eq(&listed(text, "lib"));
    }
}
