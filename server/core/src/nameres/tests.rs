//! Multi-file fixtures, rust-analyzer style: `//- /path crate:name deps:a,b edition:2018
//! origin:dep` starts a file (the crate's root when it names a crate). Files of workspace
//! crates are handed to the store (as the workspace scan does); the others are read through
//! an in-memory `FileSource` that counts its reads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use dynlens_base::{CrateData, CrateGraph, CrateOrigin, Edition, FileSource, TextEdit};
use dynlens_std::StdLibrary;

use crate::db::{Db, FileId, TraitKey};
use crate::model::TyPath;
use crate::resolve::{Scope, dyn_uses, resolve_trait};
use crate::rules::{supertrait_closure, verdict};

#[derive(Debug, Default)]
struct MemSource {
    files: HashMap<PathBuf, Arc<str>>,
    reads: Mutex<Vec<PathBuf>>,
}

impl FileSource for MemSource {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        self.reads.lock().unwrap().push(path.to_path_buf());
        self.files.get(path).cloned()
    }
}

impl MemSource {
    fn was_read(&self, path: &str) -> bool {
        self.reads
            .lock()
            .unwrap()
            .iter()
            .any(|p| p == Path::new(path))
    }
}

pub(crate) struct Fixture {
    pub(crate) db: Db,
    source: Arc<MemSource>,
    ids: HashMap<String, FileId>,
}

pub(crate) fn fixture(text: &str) -> Fixture {
    let mut db = Db::new(StdLibrary::catalog());
    let mut graph = CrateGraph::default();
    let mut crates = HashMap::new();
    let mut deps: Vec<(String, Vec<String>)> = Vec::new();
    let mut files: Vec<(String, String, bool)> = Vec::new(); // path, text, handed
    let mut handed = true;
    for chunk in text.split("//- ").filter(|c| !c.trim().is_empty()) {
        let (header, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let mut parts = header.split_whitespace();
        let path = parts.next().expect("a path").to_string();
        let (mut name, mut edition, mut origin, mut dep_names) = (
            None,
            Edition::Edition2021,
            CrateOrigin::Workspace,
            Vec::new(),
        );
        for p in parts {
            match p.split_once(':') {
                Some(("crate", n)) => name = Some(n.to_string()),
                Some(("deps", d)) => dep_names = d.split(',').map(str::to_string).collect(),
                Some(("edition", e)) => edition = Edition::from_manifest(e).expect("edition"),
                Some(("origin", "dep")) => origin = CrateOrigin::Dependency,
                Some(("origin", "sysroot")) => origin = CrateOrigin::Sysroot,
                _ => panic!("unknown fixture option {p}"),
            }
        }
        if let Some(name) = name {
            handed = origin == CrateOrigin::Workspace;
            let id = graph.add_crate(CrateData {
                name: name.clone(),
                version: None,
                root: PathBuf::from(&path),
                edition,
                origin,
                kind: dynlens_base::CrateKind::Lib,
                deps: Vec::new(),
            });
            crates.insert(name.clone(), id);
            deps.push((name, dep_names));
        }
        files.push((path, body.to_string(), handed));
    }
    for (from, names) in deps {
        for n in names {
            graph.add_dep(crates[&from], n.clone(), crates[&n]);
        }
    }
    let mut source = MemSource::default();
    let mut ids = HashMap::new();
    for (path, body, handed) in files {
        if handed {
            ids.insert(path.clone(), db.set_file_text(path.into(), body));
        } else {
            source.files.insert(path.into(), body.into());
        }
    }
    let source = Arc::new(source);
    db.set_project(graph, source.clone());
    Fixture { db, source, ids }
}

impl Fixture {
    pub(crate) fn file(&self, path: &str) -> FileId {
        self.ids[path]
    }

    /// The trait named `name` declared in `path` (the first one).
    fn key(&self, path: &str, name: &str) -> TraitKey {
        let f = self.file(path);
        let i = self
            .db
            .model(f)
            .unwrap()
            .traits
            .iter()
            .position(|t| t.name == name);
        TraitKey::Local(
            f,
            i.unwrap_or_else(|| panic!("no trait {name} in {path}")) as u32,
        )
    }

    /// The violations of a trait, by kind.
    fn violations(&self, key: &TraitKey) -> Vec<&'static str> {
        let v = verdict(&self.db, key).expect("verdict");
        v.violations.iter().map(|x| x.kind.as_str()).collect()
    }

    /// The direct supertraits of a trait, resolved.
    fn supers(&self, key: &TraitKey) -> Vec<TraitKey> {
        let def = self.db.trait_def(key).unwrap();
        def.supertraits
            .iter()
            .filter_map(crate::resolve::bound_trait)
            .filter_map(|p| resolve_trait(&self.db, Scope::of(key), p))
            .collect()
    }

    /// Every `dyn` use of a file: (the path as written, what it names).
    fn dyn_uses(&self, path: &str) -> Vec<(String, String)> {
        let f = self.file(path);
        let text = self.db.file_text(f).unwrap();
        dyn_uses(&self.db, f)
            .into_iter()
            .map(|(r, k)| (text[r].to_string(), self.db.trait_display_path(&k)))
            .collect()
    }
}

fn path(text: &str) -> TyPath {
    TyPath {
        segments: text
            .split("::")
            .map(|s| crate::model::Segment {
                name: s.to_string(),
                args: Vec::new(),
            })
            .collect(),
    }
}

/// syn's `Peek`: two traits named `Sealed`, the nearer file's is the wrong one.
#[test]
fn two_sealed_traits_each_supertrait_resolves_to_its_own() {
    let f = fixture(
        "//- /src/lib.rs crate:app
pub mod sealed;
pub mod token;
//- /src/sealed.rs
pub trait Sealed {}
//- /src/token.rs
pub mod peek;
mod sealed;
pub trait Token: sealed::Sealed {}
//- /src/token/sealed.rs
pub trait Sealed { fn new() -> Self; }
//- /src/token/peek.rs
use crate::sealed::Sealed;
pub trait Peek: Sealed { fn peek(&self); }
",
    );
    let peek = f.key("/src/token/peek.rs", "Peek");
    assert!(
        !f.source.was_read("/src/token/peek.rs") && !f.source.was_read("/src/lib.rs"),
        "files handed to the store are not read"
    );
    assert_eq!(f.supers(&peek), vec![f.key("/src/sealed.rs", "Sealed")]);
    assert_eq!(f.violations(&peek), Vec::<&str>::new());
    let token = f.key("/src/token.rs", "Token");
    assert_eq!(
        f.supers(&token),
        vec![f.key("/src/token/sealed.rs", "Sealed")]
    );
    assert_eq!(f.violations(&token), vec!["static_method"]);
}

/// A user's `trait Sized` in one module shadows nothing in the others.
#[test]
fn a_user_sized_trait_stays_in_its_module() {
    let f = fixture(
        "//- /src/lib.rs crate:app
pub mod weird { pub trait Sized {} }
pub mod m {
    pub trait NeedsSized: Sized { fn f(&self); }
    pub trait Double: DoubleEndedIterator<Item = u8> {}
    pub trait Mine: crate::weird::Sized { fn f(&self); }
}
mod n {
    use crate::weird::*;
    pub trait Globbed: Sized { fn f(&self); }
}
",
    );
    let lib = "/src/lib.rs";
    assert_eq!(f.violations(&f.key(lib, "NeedsSized")), vec!["sized_self"]);
    assert_eq!(f.violations(&f.key(lib, "Double")), Vec::<&str>::new());
    let (closure, _) = supertrait_closure(&f.db, &f.key(lib, "Double"));
    assert!(
        closure
            .iter()
            .any(|(k, _)| *k == TraitKey::Std("core::iter::DoubleEndedIterator".into()))
    );
    assert_eq!(f.violations(&f.key(lib, "Mine")), Vec::<&str>::new());
    // A glob import shadows the prelude.
    assert_eq!(f.violations(&f.key(lib, "Globbed")), Vec::<&str>::new());
}

/// `use` renames, globs and `pub use` chains across crates; display paths of dependency
/// traits; dependency files read only when a name resolves into them.
#[test]
fn renames_globs_and_reexport_chains_across_crates() {
    let f = fixture(
        "//- /app/src/lib.rs crate:app deps:mid
use mid::MidService as S;
use mid::prelude::*;
pub trait A: S {}
pub trait B: Fine {}
pub fn f(_: &dyn S, _: &dyn Fine, _: &dyn mid::MidService) {}
//- /mid/src/lib.rs crate:mid deps:dep origin:dep
pub use dep::Svc as MidService;
pub use dep::prelude;
//- /dep/src/lib.rs crate:dep origin:dep
mod inner;
pub mod prelude { pub use crate::inner::*; }
pub use inner::Service as Svc;
pub mod unused;
//- /dep/src/inner.rs
pub trait Service { fn call(&self) -> Self; }
pub trait Fine { fn f(&self); }
//- /dep/src/unused.rs
pub trait Unused {}
",
    );
    let lib = "/app/src/lib.rs";
    assert!(
        !f.source.was_read("/dep/src/lib.rs"),
        "nothing read before a name resolves"
    );
    assert_eq!(f.violations(&f.key(lib, "A")), vec!["self_in_return"]);
    assert_eq!(f.violations(&f.key(lib, "B")), Vec::<&str>::new());
    assert_eq!(
        f.dyn_uses(lib),
        vec![
            ("S".to_string(), "dep::inner::Service".to_string()),
            ("Fine".to_string(), "dep::inner::Fine".to_string()),
            (
                "mid::MidService".to_string(),
                "dep::inner::Service".to_string()
            ),
        ]
    );
    assert!(f.source.was_read("/dep/src/inner.rs"));
    assert!(
        !f.source.was_read("/dep/src/unused.rs"),
        "no name resolved into it"
    );
    assert!(matches!(
        f.supers(&f.key(lib, "A"))[0],
        TraitKey::Extern(..)
    ));
}

/// `pub use` cycles end (unresolved), they do not hang.
#[test]
fn reexport_cycles_are_unresolved() {
    let f = fixture(
        "//- /src/lib.rs crate:app deps:dep
pub use dep::X;
pub trait A: X {}
//- /dep/src/lib.rs crate:dep deps:app origin:dep
pub use app::X;
mod a { pub use super::b::*; }
mod b { pub use super::a::*; }
pub use a::Y;
",
    );
    let a = f.key("/src/lib.rs", "A");
    assert_eq!(f.supers(&a), Vec::<TraitKey>::new());
    let v = verdict(&f.db, &a).unwrap();
    assert_eq!(v.unresolved, vec!["X".to_string()]);
    let from = (dynlens_base::CrateId(1), Vec::new());
    assert_eq!(super::resolve_path(&f.db, &from, &["Y"]), None);
}

#[test]
fn crate_super_and_self_paths() {
    let f = fixture(
        "//- /src/lib.rs crate:app
pub mod a {
    pub mod b {
        pub trait T: super::U + self::V + crate::W {}
        pub trait V {}
    }
    pub trait U {}
}
pub trait U { fn u() -> Self; }
pub trait W {}
pub trait V { fn v() -> Self; }
",
    );
    let lib = "/src/lib.rs";
    let t = f.key(lib, "T");
    let model = f.db.model(f.file(lib)).unwrap();
    let nth = |name: &str, n: usize| {
        let i = model
            .traits
            .iter()
            .enumerate()
            .filter(|(_, t)| t.name == name)
            .nth(n)
            .unwrap()
            .0;
        TraitKey::Local(f.file(lib), i as u32)
    };
    assert_eq!(f.supers(&t), vec![nth("U", 0), nth("V", 0), nth("W", 0)]);
    assert_eq!(f.violations(&t), Vec::<&str>::new());
}

/// A generic parameter named like a trait shadows it: `dyn Error` there is no trait.
#[test]
fn generic_parameters_shadow_traits() {
    let f = fixture(
        "//- /src/lib.rs crate:app
pub trait Error { fn f(&self) -> Self; }
pub fn g<Error: Clone>(_: &dyn Error) {}
pub fn h(_: &dyn Error) {}
pub struct S<Error>(Box<dyn Error>);
impl<T> S<T> { fn k(_: &dyn Error) {} }
",
    );
    let uses = f.dyn_uses("/src/lib.rs");
    assert_eq!(
        uses,
        vec![
            ("Error".to_string(), "Error".to_string()),
            ("Error".to_string(), "Error".to_string())
        ],
        "only `h` and `k` name the trait"
    );
    let at = |needle: &str| {
        let text = f.db.file_text(f.file("/src/lib.rs")).unwrap();
        (text.find(needle).unwrap() as u32).into()
    };
    let scope = Scope::At(f.file("/src/lib.rs"), at("dyn Error) {}\npub fn h"));
    assert_eq!(resolve_trait(&f.db, scope, &path("Error")), None);
}

const BLOCKS: &str = "pub trait Outer {}
pub fn f() {
    trait Local { fn new() -> Self; }
    fn g(_: &dyn Local) {}
    {
        use std::fmt::Debug as Local2;
        fn h(_: &dyn Local2) {}
    }
}
const _: () = {
    pub trait InConst: Outer { fn f(&self); }
    fn k(_: &dyn InConst) {}
};
pub fn outside(_: &dyn Local) {}
";

/// Traits inside function bodies and `const _` blocks are analysed, and seen by their
/// block only — in a crate, and in a file of no crate alike.
#[test]
fn traits_in_blocks_are_reported_and_resolved_in_their_block() {
    let with_project = fixture(&format!("//- /src/lib.rs crate:app\n{BLOCKS}"));
    let mut loose = Db::new(StdLibrary::catalog());
    let loose_file = loose.set_file_text("loose.rs".into(), BLOCKS.to_string());
    for (db, file) in [
        (&with_project.db, with_project.file("/src/lib.rs")),
        (&loose, loose_file),
    ] {
        let report = crate::check::check_file(db, file);
        let names: Vec<(&str, Option<bool>)> = report
            .iter()
            .map(|r| (r.trait_name.as_str(), r.dyn_compatible))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Outer", Some(true)),
                ("Local", Some(false)),
                ("InConst", Some(true))
            ]
        );
        let text = db.file_text(file).unwrap();
        let uses: Vec<(&str, String)> = dyn_uses(db, file)
            .into_iter()
            .map(|(r, k)| (&text[r], db.trait_display_path(&k)))
            .collect();
        assert_eq!(
            uses,
            vec![
                ("Local", "Local".to_string()),
                ("Local2", "std::fmt::Debug".to_string()),
                ("InConst", "InConst".to_string()),
            ],
            "`outside` does not see `Local`"
        );
        let diags = crate::diagnostics::diagnostics(db, file);
        assert_eq!(diags.len(), 1, "{diags:?}");
    }
    // Not indexed by name for other files.
    assert!(loose.traits_named("Local").is_empty());
}

#[test]
fn edits_keep_module_trees_unless_module_level_names_change() {
    let mut f = fixture(
        "//- /src/lib.rs crate:app
mod a;
use a::T as U;
pub trait X: U {}
fn body() { let _ = 1; }
//- /src/a.rs
pub trait T { fn t() -> Self; }
pub trait T2 {}
",
    );
    let lib = f.file("/src/lib.rs");
    let x = f.key("/src/lib.rs", "X");
    assert_eq!(f.violations(&x), vec!["static_method"]);
    let cached = |db: &Db| db.names_cache.lock().unwrap().modules.len();
    assert!(cached(&f.db) > 0);
    let text = f.db.file_text(lib).unwrap().to_string();
    let at = text.find("1;").unwrap() as u32;
    let edit = TextEdit::replace(dynlens_base::TextRange::at(at.into(), 1.into()), "2");
    f.db.edit_file(lib, &edit).unwrap();
    assert!(
        cached(&f.db) > 0,
        "an edit in a body keeps the module trees"
    );
    let at = text.find("a::T as").unwrap() as u32 + 3;
    let edit = TextEdit::insert(at.into(), "2");
    f.db.edit_file(lib, &edit).unwrap();
    assert_eq!(cached(&f.db), 0, "a changed `use` drops them");
    let x = f.key("/src/lib.rs", "X");
    assert_eq!(f.violations(&x), Vec::<&str>::new(), "now `a::T2`");
}

/// Module files: `x.rs`, `x/mod.rs`, the non-mod-rs rule, `#[path]`, `#[cfg(test)]`
/// modules, `extern crate … as …`, and the 2015 prelude.
#[test]
fn module_files_path_attributes_and_editions() {
    let f = fixture(
        "//- /src/main.rs crate:app deps:dep edition:2018
mod a;
mod b;
#[path = \"other/c_file.rs\"] mod c;
#[cfg(test)] mod tests { pub trait InTests: super::a::nested::N {} }
extern crate dep as renamed;
pub trait UsesExtern: renamed::D {}
pub trait UsesTryFrom: TryFrom<u8> {}
//- /src/a.rs
pub mod nested;
//- /src/a/nested.rs
pub trait N { fn n() -> Self; }
//- /src/b/mod.rs
pub trait B: crate::c::C {}
//- /src/other/c_file.rs
pub trait C { fn c() -> Self; }
//- /dep/lib.rs crate:dep origin:dep
pub trait D { const X: u8; }
",
    );
    let key = |p: &str, n: &str| f.key(p, n);
    assert_eq!(
        f.violations(&key("/src/main.rs", "InTests")),
        vec!["static_method"]
    );
    assert_eq!(
        f.violations(&key("/src/b/mod.rs", "B")),
        vec!["static_method"]
    );
    assert_eq!(
        f.violations(&key("/src/main.rs", "UsesExtern")),
        vec!["assoc_const"]
    );
    // `TryFrom` is in the prelude from 2021 on only.
    let v = verdict(&f.db, &key("/src/main.rs", "UsesTryFrom")).unwrap();
    assert_eq!(v.unresolved, vec!["TryFrom".to_string()]);
}

/// std through the graph: a sysroot `core` read from rust-src; traits std's table knows are
/// `TraitKey::Std` (the table's facts apply), the others the file's.
#[test]
fn sysroot_crates_resolve_through_their_module_tree() {
    let f = fixture(
        "//- /src/lib.rs crate:app deps:core
pub trait A: core::marker::Sized {}
pub trait B: core::marker::Unlisted {}
pub trait C: core::fmt::Debug {}
//- /rust/library/core/src/lib.rs crate:core origin:sysroot
pub mod marker;
//- /rust/library/core/src/marker.rs
pub trait Sized {}
pub trait Unlisted { fn f(&self) -> Self; }
",
    );
    let lib = "/src/lib.rs";
    assert_eq!(
        f.supers(&f.key(lib, "A")),
        vec![TraitKey::Std("core::marker::Sized".into())]
    );
    assert_eq!(f.violations(&f.key(lib, "A")), vec!["sized_self"]);
    assert!(matches!(
        f.supers(&f.key(lib, "B"))[0],
        TraitKey::Extern(..)
    ));
    assert_eq!(f.violations(&f.key(lib, "B")), vec!["self_in_return"]);
    // A module the fixture's core lacks: std's table knows the path.
    assert_eq!(
        f.supers(&f.key(lib, "C")),
        vec![TraitKey::Std("core::fmt::Debug".into())]
    );
}

/// Hover sees traits in blocks and dependency traits like workspace traits.
#[test]
fn hover_on_block_and_dependency_traits() {
    let f = fixture(&format!(
        "//- /src/lib.rs crate:app deps:dep\n{BLOCKS}pub fn d(_: &dyn dep::Svc) {{}}\n//- /dep/lib.rs crate:dep origin:dep\npub trait Svc {{ fn call(&self) -> Self; }}\n"
    ));
    let file = f.file("/src/lib.rs");
    let text = f.db.file_text(file).unwrap().to_string();
    let hover_at = |needle: &str| {
        let at = (text.find(needle).unwrap() as u32 + 1).into();
        crate::hover::hover(&f.db, file, at, &crate::hover::HoverConfig::default())
            .map(|h| h.markdown)
            .unwrap_or_default()
    };
    let def = hover_at("Local {");
    assert!(
        def.contains("Local") && def.contains("not dyn compatible"),
        "{def}"
    );
    let used = hover_at("Local) {}");
    assert_eq!(used, def);
    let dep = hover_at("Svc)");
    assert!(
        dep.contains("Svc") && dep.contains("not dyn compatible"),
        "{dep}"
    );
    assert_eq!(
        hover_at("Local) {}\npub fn d"),
        "",
        "`outside` names no trait"
    );
}

/// `#[trait_variant::make(SendCache: Send)]` declares two traits with one item: both are
/// names of the module.
#[test]
fn trait_variant_traits_resolve_across_crates_and_from_inline_modules() {
    let f = fixture(
        "//- /app/src/lib.rs crate:app deps:store edition:2024
pub mod rejected {
    pub fn local(_: &dyn store::LocalCache) {}
    pub fn send(_: &dyn store::SendCache) {}
}
pub fn top(_: &dyn store::LocalCache) {}
//- /store/src/lib.rs crate:store edition:2021
#[trait_variant::make(SendCache: Send)]
pub trait LocalCache { async fn fetch(&self, key: u64) -> Option<Vec<u8>>; }
",
    );
    assert_eq!(
        f.dyn_uses("/app/src/lib.rs"),
        vec![
            ("store::LocalCache".to_string(), "LocalCache".to_string()),
            ("store::SendCache".to_string(), "SendCache".to_string()),
            ("store::LocalCache".to_string(), "LocalCache".to_string()),
        ]
    );
}

/// serde's shape: the crate root invokes an argument-less macro that declares its modules
/// and re-exports; tokio's: `#[macro_use] mod macros;` (itself `#[macro_use] mod cfg;`)
/// defines `cfg_io! { $($item:item)* }`, used in modules declared later and in files
/// declared by an expansion.
#[test]
fn module_level_macro_rules_are_expanded() {
    let f = fixture(
        "//- /app/src/lib.rs crate:app deps:serde,tokio
pub fn f(_: &dyn serde::Serializer, _: &dyn serde::ser::Plain, _: &dyn tokio::io::Ext, _: &dyn tokio::io::Base) {}
pub trait Mine: tokio::io::Ext {}
//- /serde/src/lib.rs crate:serde origin:dep
macro_rules! crate_root {
    () => {
        pub mod ser;
        pub use crate::ser::{Serializer};
    };
}
crate_root!();
//- /serde/src/ser/mod.rs
pub trait Serializer: Sized { fn ok(self); }
pub trait Plain { fn p(&self); }
//- /tokio/src/lib.rs crate:tokio origin:dep
#[macro_use]
mod macros;
pub mod io;
//- /tokio/src/macros/mod.rs
#[macro_use]
mod cfg;
//- /tokio/src/macros/cfg.rs
macro_rules! cfg_io {
    ($($item:item)*) => { $( #[cfg(feature = \"io\")] $item )* }
}
//- /tokio/src/io/mod.rs
pub trait Base { fn b(&self); }
cfg_io! {
    mod util;
    pub use util::Ext;
}
//- /tokio/src/io/util.rs
cfg_io! {
    pub trait Ext: super::Base { fn e(&self) -> Self where Self: Sized; fn g<T>(&self, t: T); }
}
",
    );
    let lib = "/app/src/lib.rs";
    let uses: Vec<String> = f
        .dyn_uses(lib)
        .into_iter()
        .map(|(w, p)| format!("{w} → {p}"))
        .collect();
    assert_eq!(
        uses,
        vec![
            "serde::Serializer → serde::ser::Serializer",
            "serde::ser::Plain → serde::ser::Plain",
            "tokio::io::Ext → tokio::io::util::Ext",
            "tokio::io::Base → tokio::io::Base",
        ]
    );
    // The expanded trait is analysed: `g<T>` makes it not dyn compatible, through the
    // supertrait too.
    let ext = f.supers(&f.key(lib, "Mine"));
    assert_eq!(ext.len(), 1);
    let v = verdict(&f.db, &ext[0]).expect("verdict");
    assert_eq!(
        v.violations
            .iter()
            .map(|x| x.kind.as_str())
            .collect::<Vec<_>>(),
        vec!["generic_method"]
    );
}

/// A macro is visible after its definition only; one that does not expand (no rule matches,
/// or it is defined later) declares nothing, so paths into it stay unresolved.
#[test]
fn macro_textual_scope_and_failed_expansions() {
    let f = fixture(
        "//- /app/src/lib.rs crate:app deps:dep
pub fn f(_: &dyn dep::Early, _: &dyn dep::Late, _: &dyn dep::Mismatch) {}
//- /dep/src/lib.rs crate:dep origin:dep
too_early!();
macro_rules! too_early { () => { pub trait Early {} } }
macro_rules! late { () => { pub trait Late {} } }
mod inner { late!(); }
pub use inner::Late;
macro_rules! strict { (only) => { pub trait Mismatch {} } }
strict!(other);
",
    );
    let uses: Vec<String> = f
        .dyn_uses("/app/src/lib.rs")
        .into_iter()
        .map(|(w, p)| format!("{w} → {p}"))
        .collect();
    assert_eq!(uses, vec!["dep::Late → dep::inner::Late"]);
}
