//! Tests of the std trait catalog and of the rust-src loader.
//!
//! `catalog_is_up_to_date` regenerates the catalog from the installed rust-src and compares;
//! run it with `UPDATE_STD_CATALOG=1` to rewrite `server/std/catalog/std_traits.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ra_ap_syntax::{AstNode, Edition, SourceFile, ast, ast::HasModuleItem, ast::HasName};

use super::table::{PRELUDE_NAMES, TRAITS};
use super::*;

/// The installed rust-src `library/`, if any (the same search as [`StdLibrary::detect`]).
fn installed_rust_src() -> Option<PathBuf> {
    let found = locate_rust_src(std::env::var_os("RUST_SRC_PATH"), probe_sysroot);
    if found.is_none() {
        eprintln!("SKIPPED: rust-src not installed (`rustup component add rust-src`)");
    }
    found
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
    let generated = match catalog::generate(&library, &version) {
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
fn a_rust_src_path_without_rust_src_means_the_catalog() {
    let missing = std::env::temp_dir().join("dynlens-no-such-rust-src");
    let located = locate_rust_src(Some(missing.clone().into_os_string()), || {
        panic!("RUST_SRC_PATH is set: rustc must not be asked")
    });
    assert_eq!(located, None);

    let std = StdLibrary::from_rust_src(&missing);
    assert_eq!(std.source_kind(), &StdSourceKind::Catalog);
    let debug = std.find("std::fmt::Debug").expect("Debug from the catalog");
    assert_eq!(std.origin(debug), StdSourceKind::Catalog);
    assert!(
        debug
            .source
            .contains("fn fmt(&self, f: &mut Formatter<'_>) -> Result;"),
        "{}",
        debug.source
    );
}

#[test]
fn detect_finds_the_installed_rust_src() {
    let Some(library) = installed_rust_src() else {
        return;
    };
    if std::env::var_os("RUST_SRC_PATH").is_some() {
        return; // detect() would use it; covered by the locate_rust_src tests
    }
    let started = Instant::now();
    let std = StdLibrary::detect();
    let detect_time = started.elapsed();
    assert_eq!(std.source_kind(), &StdSourceKind::RustSrc(library));
    let probe_time = started.elapsed();
    eprintln!("detect(): returns in {detect_time:?}; rust-src known after {probe_time:?}");
}

#[test]
fn rust_src_declarations_are_clean_and_match_the_catalog() {
    let Some(library) = installed_rust_src() else {
        return;
    };
    let std = StdLibrary::from_rust_src(&library);
    assert_eq!(std.source_kind(), &StdSourceKind::RustSrc(library.clone()));

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
fn rust_src_path_may_name_library_or_the_directory_above() {
    let Some(library) = installed_rust_src() else {
        return;
    };
    let above = library
        .parent()
        .map(Path::to_path_buf)
        .expect("library/ has a parent");
    let never = || -> Option<PathBuf> { panic!("RUST_SRC_PATH is set: rustc must not be asked") };
    assert_eq!(
        locate_rust_src(Some(library.clone().into_os_string()), never),
        Some(library.clone())
    );
    assert_eq!(
        locate_rust_src(Some(above.clone().into_os_string()), never),
        Some(library.clone())
    );
    assert_eq!(
        StdLibrary::from_rust_src(above).source_kind(),
        &StdSourceKind::RustSrc(library.clone())
    );
    // An empty RUST_SRC_PATH counts as unset: the sysroot is asked.
    let sysroot = library.ancestors().nth(5).map(Path::to_path_buf);
    assert_eq!(
        locate_rust_src(Some("".into()), || sysroot.clone()),
        installed_rust_src()
    );
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
fn detect_falls_back_to_the_catalog_when_rust_src_path_holds_no_rust_src() {
    // `detect()` reads the process environment, which tests must not change: run the check
    // below in a child process of this test binary with RUST_SRC_PATH set.
    let exe = std::env::current_exe().expect("the test binary");
    let missing = std::env::temp_dir().join("dynlens-no-such-rust-src");
    let output = Command::new(exe)
        .args([
            "--exact",
            "tests::detect_in_child_process",
            "--ignored",
            "--nocapture",
        ])
        .env("RUST_SRC_PATH", &missing)
        .env("DYNLENS_DETECT_CHILD", "1")
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("detected: Catalog"), "{stdout}");
}

#[test]
#[ignore = "run by detect_falls_back_to_the_catalog_when_rust_src_path_holds_no_rust_src"]
fn detect_in_child_process() {
    if std::env::var_os("DYNLENS_DETECT_CHILD").is_none() {
        return;
    }
    let std = StdLibrary::detect();
    assert_eq!(std.source_kind(), &StdSourceKind::Catalog);
    let debug = std.find("std::fmt::Debug").expect("Debug");
    assert_eq!(std.origin(debug), StdSourceKind::Catalog);
    println!("detected: {:?}", std.source_kind());
}
