//! Tests of the std trait table, the catalog and the lazy rust-src reading.
//!
//! `catalog_is_up_to_date` regenerates the catalog from the installed rust-src and compares;
//! run it with `UPDATE_STD_CATALOG=1` to rewrite `server/std/catalog/std_traits.rs`. The tests
//! that need rust-src find it themselves (test code may do IO; the library does not); finding
//! it for the tools, and its tests, live in `dynlens-loader`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ra_ap_syntax::{AstNode, Edition, SourceFile, ast, ast::HasModuleItem, ast::HasName};

use super::table::PRELUDE_NAMES;
use super::*;

/// The installed rust-src `library/`, if any (`RUST_SRC_PATH`, else below the sysroot).
fn installed_rust_src() -> Option<PathBuf> {
    let found = match std::env::var_os("RUST_SRC_PATH").filter(|p| !p.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => Command::new("rustc")
            .args(["--print", "sysroot"])
            .current_dir(std::env::temp_dir())
            .env("RUSTUP_AUTO_INSTALL", "0")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| {
                PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())
                    .join("lib/rustlib/src/rust/library")
            }),
    }
    .into_iter()
    .flat_map(|p| [p.clone(), p.join("library")])
    .find(|p| p.join("core/src/lib.rs").is_file());
    if found.is_none() {
        eprintln!("SKIPPED: rust-src not installed (`rustup component add rust-src`)");
    }
    found
}

/// rust-src read from disk, as the loader's source does.
#[derive(Debug)]
struct TestSource(PathBuf);

impl StdSource for TestSource {
    fn read(&self, relative_path: &str) -> std::io::Result<String> {
        std::fs::read_to_string(self.0.join(relative_path))
    }
    fn library(&self) -> PathBuf {
        self.0.clone()
    }
}

fn from_rust_src(library: &Path) -> StdLibrary {
    StdLibrary::from_source(Arc::new(TestSource(library.to_path_buf())))
}

fn catalog_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog/std_traits.rs")
}

#[test]
fn catalog_is_up_to_date() {
    let Some(library) = installed_rust_src() else {
        return;
    };
    let version = Command::new("rustc")
        .arg("--version")
        .current_dir(std::env::temp_dir())
        .env("RUSTUP_AUTO_INSTALL", "0")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let generated =
        match catalog::generate(|file| std::fs::read_to_string(library.join(file)), &version) {
            Ok(text) => text,
            Err(error) => panic!(
                "cannot generate the catalog from {}: {error}",
                library.display()
            ),
        };
    let path = catalog_path();
    if std::env::var_os("UPDATE_STD_CATALOG").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write the catalog");
        eprintln!("UPDATED {}", path.display());
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in != generated {
        let first_difference = checked_in
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| checked_in.lines().count().min(generated.lines().count()));
        panic!(
            "{} is out of date with {} (first difference at line {}); \
             rerun with UPDATE_STD_CATALOG=1 to regenerate it",
            path.display(),
            library.display(),
            first_difference + 1
        );
    }
}

#[test]
fn catalog_covers_the_table_in_order() {
    let entries = catalog::entries(catalog::CATALOG_TEXT);
    let paths: Vec<&str> = entries.iter().map(|(p, _)| *p).collect();
    let expected: Vec<&str> = TRAITS.iter().map(|t| t.canonical_path).collect();
    assert_eq!(paths, expected);
    assert!(TRAITS.len() >= 90, "only {} traits", TRAITS.len());
}

#[test]
fn every_catalog_entry_parses_with_rust_analyzer_and_syn() {
    for (path, text) in catalog::entries(catalog::CATALOG_TEXT) {
        let name = path.rsplit("::").next().unwrap_or(path);
        let parse = SourceFile::parse(text, Edition::Edition2024);
        assert!(parse.errors().is_empty(), "{path}: {:?}", parse.errors());
        let first = parse.tree().items().next();
        let Some(ast::Item::Trait(trait_)) = first else {
            panic!("{path}: first item {first:?}")
        };
        assert_eq!(
            trait_.name().map(|n| n.text().to_string()).as_deref(),
            Some(name),
            "{path}"
        );
        assert_eq!(
            trait_.syntax().text().to_string().trim(),
            text.trim(),
            "{path}: one item only"
        );
        let item: syn::ItemTrait = syn::parse_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(item.ident, name, "{path}");
    }
}

#[test]
fn catalog_entries_are_stripped_of_rustc_internals() {
    for (path, text) in catalog::entries(catalog::CATALOG_TEXT) {
        // The one attribute kept: `#[unstable(feature = "…")]` on the trait's items.
        let text = &text
            .lines()
            .filter(|l| !l.trim_start().starts_with("#[unstable(feature = \""))
            .collect::<Vec<_>>()
            .join("\n");
        for forbidden in [
            "#[",
            "//",
            "const trait",
            "[const]",
            "~const",
            "PointeeSized",
            "MetaSized",
        ] {
            let allowed = forbidden.ends_with("Sized") && path.ends_with("Sized");
            assert!(
                allowed || !text.contains(forbidden),
                "{path} contains `{forbidden}`:\n{text}"
            );
        }
    }
}

/// The facts dyn-compatibility analysis depends on survive extraction.
#[test]
fn catalog_keeps_what_matters_for_dyn_compatibility() {
    let std = StdLibrary::catalog();
    let source = |path: &str| {
        std.find(path)
            .map(|t| t.source.to_string())
            .unwrap_or_default()
    };

    assert_eq!(
        source("std::marker::Send"),
        "pub unsafe auto trait Send {}\n"
    );
    assert!(source("std::clone::Clone").starts_with("pub trait Clone: Sized {"));
    let partial_eq = source("std::cmp::PartialEq");
    assert!(
        partial_eq.starts_with("pub trait PartialEq<Rhs: ?Sized = Self> {"),
        "{partial_eq}"
    );
    assert!(
        partial_eq.contains("fn eq(&self, other: &Rhs) -> bool;"),
        "required: `;`"
    );
    assert!(
        partial_eq.contains("fn ne(&self, other: &Rhs) -> bool {}"),
        "default: `{{}}`"
    );
    assert!(source("std::ops::Fn").starts_with("pub trait Fn<Args: Tuple>: FnMut<Args> {"));
    assert!(source("std::error::Error").starts_with("pub trait Error: Debug + Display {"));
    assert!(source("std::any::Any").starts_with("pub trait Any: 'static {"));
    assert!(source("std::ops::Deref").contains("type Target: ?Sized;"));

    let iterator =
        syn::parse_str::<syn::ItemTrait>(&source("std::iter::Iterator")).expect("parses");
    let methods: Vec<&syn::TraitItemFn> = iterator
        .items
        .iter()
        .filter_map(|item| {
            if let syn::TraitItem::Fn(f) = item {
                Some(f)
            } else {
                None
            }
        })
        .collect();
    assert!(methods.len() > 70, "Iterator has {} methods", methods.len());
    let next = methods
        .iter()
        .find(|m| m.sig.ident == "next")
        .expect("next");
    assert!(next.default.is_none(), "`next` is required");
    let map = methods.iter().find(|m| m.sig.ident == "map").expect("map");
    assert!(map.default.is_some(), "`map` has a default body");
    let where_clause = map
        .sig
        .generics
        .where_clause
        .as_ref()
        .expect("`map` has a where clause");
    let where_text = quote::quote!(#where_clause).to_string();
    assert!(where_text.contains("Self : Sized"), "{where_text}");
    assert!(
        iterator
            .items
            .iter()
            .any(|i| matches!(i, syn::TraitItem::Type(t) if t.ident == "Item"))
    );
}

#[test]
fn find_accepts_std_core_alloc_and_relative_paths() {
    let std = StdLibrary::catalog();
    let canonical = |path: &str| std.find(path).map(|t| t.canonical_path.clone());
    for path in [
        "std::fmt::Debug",
        "core::fmt::Debug",
        "::core::fmt::Debug",
        "fmt::Debug",
        "Debug",
    ] {
        assert_eq!(
            canonical(path).as_deref(),
            Some("core::fmt::Debug"),
            "{path}"
        );
    }
    assert_eq!(
        canonical("std::error::Error").as_deref(),
        Some("core::error::Error")
    );
    assert_eq!(
        canonical("core::error::Error").as_deref(),
        Some("core::error::Error")
    );
    assert_eq!(
        canonical("std::string::ToString").as_deref(),
        Some("alloc::string::ToString")
    );
    assert_eq!(
        canonical("alloc::string::ToString").as_deref(),
        Some("alloc::string::ToString")
    );
    assert_eq!(
        canonical("std::borrow::ToOwned").as_deref(),
        Some("alloc::borrow::ToOwned")
    );
    assert_eq!(
        canonical("std::ops::Add<u32>").as_deref(),
        Some("core::ops::Add")
    );
    assert_eq!(
        canonical("std::io::Write").as_deref(),
        Some("std::io::Write")
    );
    assert_eq!(canonical("io::Write").as_deref(), Some("std::io::Write"));
    assert_eq!(
        canonical("std::fmt::Write").as_deref(),
        Some("core::fmt::Write")
    );
    assert_eq!(
        canonical("std::prelude::rust_2024::Iterator").as_deref(),
        Some("core::iter::Iterator")
    );
    assert_eq!(canonical("Write"), None, "ambiguous");
    assert_eq!(canonical("std::fmt::Iterator"), None);
    assert_eq!(canonical("std::vec::Vec"), None);
    assert_eq!(canonical(""), None);
    assert_eq!(canonical("std::"), None);

    let debug = std.find("core::fmt::Debug").expect("Debug");
    assert_eq!(debug.name, "Debug");
    assert_eq!(debug.public_path, "std::fmt::Debug");
    assert_eq!(
        std.find("core::ops::Fn").map(|t| t.public_path.as_str()),
        Some("std::ops::Fn")
    );

    let writes: Vec<&str> = std
        .find_by_name("Write")
        .iter()
        .map(|t| t.canonical_path.as_str())
        .collect();
    assert_eq!(writes, ["core::fmt::Write", "std::io::Write"]);
    assert_eq!(
        std.prelude("Iterator").map(|t| t.canonical_path.as_str()),
        Some("core::iter::Iterator")
    );
    assert!(std.prelude("Debug").is_none());
    assert!(std.prelude("Write").is_none());
}

#[test]
fn prelude_and_auto_flags() {
    let std = StdLibrary::catalog();
    let prelude: BTreeSet<&str> = std
        .traits()
        .iter()
        .filter(|t| t.in_prelude)
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        prelude,
        PRELUDE_NAMES.iter().copied().collect::<BTreeSet<_>>()
    );
    let auto: BTreeSet<&str> = std
        .traits()
        .iter()
        .filter(|t| t.is_auto)
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        auto,
        BTreeSet::from(["RefUnwindSafe", "Send", "Sync", "Unpin", "UnwindSafe"])
    );
    for t in std.traits() {
        assert!(t.public_path.starts_with("std::"), "{}", t.public_path);
        assert_eq!(std.origin(t), StdSourceKind::Catalog);
    }
}

#[test]
fn rust_src_declarations_are_clean_and_match_the_catalog() {
    let Some(library) = installed_rust_src() else {
        return;
    };
    let std = from_rust_src(&library);
    assert_eq!(std.source_kind(), StdSourceKind::RustSrc(library.clone()));

    let started = Instant::now();
    let iterator = std.find("std::iter::Iterator").expect("Iterator");
    let first = started.elapsed();
    let started = Instant::now();
    let debug = std.find("std::fmt::Debug").expect("Debug");
    let second = started.elapsed();
    eprintln!(
        "rust-src load: Iterator (parses iterator.rs) {first:?}, Debug (parses fmt/mod.rs) {second:?}"
    );

    assert_eq!(
        std.origin(iterator),
        StdSourceKind::RustSrc(library.clone())
    );
    assert_eq!(std.origin(debug), StdSourceKind::RustSrc(library.clone()));
    let started = Instant::now();
    let all = std.traits();
    eprintln!(
        "rust-src load: all {} traits {:?}",
        all.len(),
        started.elapsed()
    );
    for t in all {
        assert_eq!(
            std.origin(t),
            StdSourceKind::RustSrc(library.clone()),
            "{}",
            t.canonical_path
        );
        extract::check_trait_text(&t.name, &t.source).unwrap_or_else(|e| panic!("{e}"));
        // The catalog is generated from this same text (when it is up to date, see
        // `catalog_is_up_to_date`); a difference means the two loaders disagree.
        let catalog = catalog::lookup(&t.canonical_path).unwrap_or_default();
        if catalog != *t.source {
            eprintln!(
                "note: {} differs from the catalog (catalog out of date?)",
                t.canonical_path
            );
        }
    }
}

#[test]
fn clones_share_loaded_traits() {
    let std = StdLibrary::catalog();
    let clone = std.clone();
    let a = std.find("std::clone::Clone").expect("Clone");
    let b = clone.find("std::clone::Clone").expect("Clone");
    assert!(std::ptr::eq(a, b));
    assert!(Arc::ptr_eq(&a.source, &b.source));
}

#[test]
fn preloading_fills_every_slot() {
    let std = StdLibrary::catalog();
    std.preload_in_background();
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while std.inner.slots.iter().any(|slot| slot.get().is_none()) {
        assert!(Instant::now() < deadline, "preloading did not finish");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(std.traits().len(), TRAITS.len());
}

#[test]
fn a_source_that_cannot_read_falls_back_to_the_catalog() {
    let std = StdLibrary::from_source(Arc::new(TestSource(
        std::env::temp_dir().join("dynlens-no-such-rust-src"),
    )));
    let debug = std.find("std::fmt::Debug").expect("Debug from the catalog");
    assert_eq!(std.origin(debug), StdSourceKind::Catalog);
    assert_eq!(
        debug.source.as_ref(),
        catalog::lookup("core::fmt::Debug").unwrap_or_default()
    );
}

#[test]
fn a_probe_runs_once_on_first_use() {
    let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let std = StdLibrary::probing(Box::new(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        None
    }));
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 0, "lazy");
    assert_eq!(std.source_kind(), StdSourceKind::Catalog);
    assert!(std.find("Iterator").is_some());
    assert_eq!(std.clone().source_kind(), StdSourceKind::Catalog);
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
}

/// The table's `auto` is what the declarations say.
#[test]
fn auto_facts_match_the_declarations() {
    for info in TRAITS {
        let source = catalog::lookup(info.canonical_path).unwrap_or_default();
        assert_eq!(
            info.facts.auto,
            declares_auto_trait(&source),
            "{}",
            info.canonical_path
        );
    }
}

/// The table's `implies_sized` is what the declarations say, elaborated through supertraits
/// (`Copy: Clone`, `Clone: Sized`).
#[test]
fn implies_sized_facts_match_the_declarations() {
    let decls: Vec<(&TraitInfo, syn::ItemTrait)> = TRAITS
        .iter()
        .map(|info| {
            let text = catalog::lookup(info.canonical_path).unwrap_or_default();
            (info, syn::parse_str(&text).expect("parses"))
        })
        .collect();
    fn requires_sized(
        decls: &[(&TraitInfo, syn::ItemTrait)],
        index: usize,
        seen: &mut Vec<usize>,
    ) -> bool {
        if seen.contains(&index) {
            return false;
        }
        seen.push(index);
        let (info, item) = &decls[index];
        if info.canonical_path == "core::marker::Sized" {
            return true;
        }
        let module = info.module();
        let where_bounds = item
            .generics
            .where_clause
            .iter()
            .flat_map(|w| w.predicates.iter())
            .filter_map(|p| match p {
                syn::WherePredicate::Type(pt)
                    if matches!(&pt.bounded_ty, syn::Type::Path(tp) if tp.path.is_ident("Self")) =>
                {
                    Some(pt.bounds.iter())
                }
                _ => None,
            })
            .flatten();
        item.supertraits
            .iter()
            .chain(where_bounds)
            .filter_map(|b| match b {
                syn::TypeParamBound::Trait(t)
                    if matches!(t.modifier, syn::TraitBoundModifier::None) =>
                {
                    t.path.segments.last().map(|s| s.ident.to_string())
                }
                _ => None,
            })
            .any(|name| {
                // Within std, a bare name means the same module's trait first.
                let row = decls
                    .iter()
                    .position(|(i, _)| i.name() == name && i.module() == module)
                    .or_else(|| decls.iter().position(|(i, _)| i.name() == name));
                row.is_some_and(|row| requires_sized(decls, row, seen))
            })
    }
    for index in 0..decls.len() {
        let info = decls[index].0;
        assert_eq!(
            info.facts.implies_sized,
            requires_sized(&decls, index, &mut Vec::new()),
            "{}",
            info.canonical_path
        );
    }
}

#[test]
fn facts_by_path_and_by_name() {
    let facts = |path: &str| trait_info(path).map(|i| i.facts);
    assert!(facts("std::marker::Send").is_some_and(|f| f.auto));
    assert!(facts("std::panic::UnwindSafe").is_some_and(|f| f.auto));
    assert!(facts("Clone").is_some_and(|f| f.implies_sized && !f.sized_marker));
    assert!(facts("std::convert::From").is_some_and(|f| f.implies_sized));
    assert!(facts("Sized").is_some_and(|f| f.implies_sized && f.sized_marker));
    assert_eq!(
        facts("std::iter::Iterator").and_then(|f| f.arg_erasure),
        Some(ArgErasure::Exclusive)
    );
    assert_eq!(
        facts("std::ops::Fn").and_then(|f| f.arg_erasure),
        Some(ArgErasure::Shared)
    );
    assert_eq!(facts("std::ops::FnOnce").and_then(|f| f.arg_erasure), None);
    assert_eq!(
        facts("core::future::Future").and_then(|f| f.return_boxing),
        Some(ReturnBoxing::Pinned)
    );
    assert_eq!(
        facts("std::iter::Iterator").map(|f| f.slot_provided),
        Some(&["size_hint", "nth"][..])
    );
    // `fmt::Write` and `io::Write` differ (only `io::Write` is implemented for `Box<W>`): a
    // bare `Write` is not enough to tell.
    assert_eq!(facts_named("Write"), None);
    assert_eq!(facts("std::fmt::Write").and_then(|f| f.return_boxing), None);
    assert_eq!(
        facts("std::io::Write").and_then(|f| f.return_boxing),
        Some(ReturnBoxing::Boxed)
    );
    assert!(facts_named("Send").is_some_and(|f| f.auto));
    assert!(facts_named("NoSuchTrait").is_none());
    // Every blanket source is itself a known trait.
    for info in TRAITS {
        if let Some(from) = info.facts.blanket_from {
            assert!(trait_info(from).is_some(), "{from}");
        }
    }
}
