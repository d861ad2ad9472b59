//! The expansion generator (`docs/expansion.md`), checked against the compiler:
//! - snapshots of every fixture's expansion (`UPDATE_EXPECT=1` to update them);
//! - every expansion compiled by rustc (edition 2024, `#![deny(warnings)]`) with the fixture's
//!   program, which implements the trait for a pointer-sized and a larger type, builds the dyn*
//!   value with every constructor, calls every method through it and directly, compares, and
//!   checks that every value is dropped exactly once; the program is run;
//! - the same programs under Miri (Stacked Borrows and Tree Borrows).
//!
//! A fixture (`fixtures/NAME.rs`) is the traits (the last one is expanded; the others are its
//! supertraits), a line `// ---- program ----`, and the program (a `pub fn run()`).
//! A first line `//! forwarding` asks for the forwarding impls too; `//! method tables` gives
//! no supertrait a dyn type of its own (a budget of 0), so that their method tables, which only
//! deep hierarchies get by default, are compiled, run and checked under Miri too.

use dynlens_expand::{ExpandInput, Expansion, SupertraitInput, expand_trait};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod convert;
mod corpus;
mod dependency_traits;
mod limits;
mod variance;

const SEPARATOR: &str = "// ---- program ----";

/// Declarations of the std traits the fixtures use as supertraits (as the std catalog gives them).
const STD: &[(&str, &str, &str)] = &[
    (
        "Debug",
        "std::fmt::Debug",
        "pub trait Debug { fn fmt(&self, f: &mut Formatter<'_>) -> Result; }",
    ),
    (
        "Display",
        "std::fmt::Display",
        "pub trait Display { fn fmt(&self, f: &mut Formatter<'_>) -> Result; }",
    ),
    (
        "Clone",
        "Clone",
        "pub trait Clone: Sized { fn clone(&self) -> Self; fn clone_from(&mut self, source: &Self) { *self = source.clone() } }",
    ),
];

struct Fixture {
    name: String,
    traits: String,
    program: String,
    forwarding: bool,
    method_tables: bool,
}

fn fixtures() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("expand/fixtures");
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let (traits, program) = text
            .split_once(SEPARATOR)
            .unwrap_or_else(|| panic!("{}: no `{SEPARATOR}`", path.display()));
        out.push(Fixture {
            name: path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_string(),
            forwarding: traits.starts_with("//! forwarding"),
            method_tables: traits.starts_with("//! method tables"),
            traits: traits.to_string(),
            program: program.to_string(),
        });
    }
    assert!(out.len() >= 17, "the fixture set is incomplete");
    out
}

/// The supertraits of `item`, transitively, as the server resolves them.
fn supertraits(file: &syn::File, item: &syn::ItemTrait, out: &mut Vec<SupertraitInput>) {
    for b in &item.supertraits {
        let syn::TypeParamBound::Trait(t) = b else {
            continue;
        };
        let Some(last) = t.path.segments.last() else {
            continue;
        };
        let name = last.ident.to_string();
        if out.iter().any(|s| s.path.ends_with(&name)) {
            continue;
        }
        if matches!(name.as_str(), "Send" | "Sync" | "Unpin") {
            out.push(SupertraitInput {
                path: name.clone(),
                source: format!("pub unsafe auto trait {name} {{}}"),
                is_auto: true,
                std: Some(format!("core::marker::{name}")),
                already_expanded: false,
                methods_expanded: false,
                blanket_impl: false,
            });
        } else if let Some((_, path, src)) = STD.iter().find(|(n, _, _)| *n == name) {
            out.push(SupertraitInput {
                path: path.to_string(),
                source: src.to_string(),
                is_auto: false,
                std: Some(path.to_string()),
                already_expanded: false,
                methods_expanded: false,
                blanket_impl: false,
            });
        } else {
            let sup = file.items.iter().find_map(|i| match i {
                syn::Item::Trait(t) if t.ident == name => Some(t.clone()),
                _ => None,
            });
            let sup = sup.unwrap_or_else(|| panic!("unknown supertrait {name}"));
            out.push(SupertraitInput {
                path: name.clone(),
                source: quote::quote!(#sup).to_string(),
                is_auto: false,
                std: None,
                already_expanded: false,
                methods_expanded: false,
                blanket_impl: false,
            });
            supertraits(file, &sup, out);
        }
    }
}

fn expand(f: &Fixture) -> Expansion {
    let file = syn::parse_file(&f.traits).unwrap_or_else(|e| panic!("{}: {e}", f.name));
    let item = file.items.iter().rev().find_map(|i| match i {
        syn::Item::Trait(t) => Some(t.clone()),
        _ => None,
    });
    let item = item.unwrap_or_else(|| panic!("{}: no trait", f.name));
    let mut supers = Vec::new();
    supertraits(&file, &item, &mut supers);
    let source = quote::quote!(#item).to_string();
    expand_trait(&ExpandInput {
        trait_source: source,
        supertraits: supers,
        forwarding_impls: f.forwarding,
        blanket_impl: false,
        std_names: Vec::new(),
        dyn_type_budget: f.method_tables.then_some(0),
    })
    .unwrap_or_else(|e| panic!("{}: {e}", f.name))
}

#[test]
fn snapshots() {
    for f in fixtures() {
        let e = expand(&f);
        let text = format!(
            "// title: {}\n// complete: {}\n\n{}",
            e.title, e.complete, e.text
        );
        expect_test::expect_file![format!("snapshots/{}.rs", f.name)].assert_eq(&text);
    }
}

#[test]
fn titles_name_what_is_not_carried() {
    for f in fixtures() {
        let e = expand(&f);
        let name = f.name.clone();
        assert!(
            e.title.starts_with("dynlens: Expand `"),
            "{name}: {}",
            e.title
        );
        assert_eq!(
            e.complete,
            !e.title.contains("(without `impl"),
            "{name}: {}",
            e.title
        );
        if name == "not_carryable" {
            assert!(!e.complete);
            assert!(
                e.title
                    .contains("`fn same(&self, other: Self) -> bool`: it takes `Self` by value"),
                "{}",
                e.title
            );
            assert!(e.title.contains("`self: Rc<Self>`"), "{}", e.title);
            assert!(
                e.title
                    .contains("`fn make() -> Self`: it has no `self` receiver"),
                "{}",
                e.title
            );
            assert!(
                !e.text.contains("impl<'a> Compare for DynCompare"),
                "{}",
                e.text
            );
            assert!(
                e.text.contains("// No `impl Compare for DynCompare`"),
                "{}",
                e.text
            );
        } else if name == "supertrait_twice" {
            // Issue 12: `impl Supertrait<T>` and `impl Supertrait<U>` for `DynTrait` would
            // overlap, so `impl Trait for DynTrait` cannot be written; both vtables are still
            // pointed to and upcast to.
            assert!(!e.complete);
            assert!(
                e.title.contains("the supertrait `Supertrait` is instantiated twice (`Supertrait<T>`, `Supertrait<U>`)"),
                "{}",
                e.title
            );
            for part in [
                "// No `impl Trait for DynTrait`",
                "// No `impl Supertrait<T> for DynTrait`",
                "// No `impl Supertrait<U> for DynTrait`",
                "pub supertrait_t: fn() -> ::core::ptr::NonNull<SupertraitVtable<'a, T>>,",
                "pub supertrait_u: fn() -> ::core::ptr::NonNull<SupertraitVtable<'a, U>>,",
                "pub fn into_dyn_supertrait_t(self) -> DynSupertrait<'a, T>",
                "pub fn into_dyn_supertrait_u(self) -> DynSupertrait<'a, U>",
            ] {
                assert!(e.text.contains(part), "{part}\n{}", e.text);
            }
            assert!(!e.text.contains("impl<'a, T, U> Supertrait<"), "{}", e.text);
        } else {
            assert!(e.complete, "{name}: {}", e.title);
        }
        for banned in ["unimplemented!", "todo!", "#[allow", "#![allow"] {
            assert!(!e.text.contains(banned), "{name}: generated `{banned}`");
        }
    }
}

#[test]
fn a_trait_that_does_not_parse_is_a_readable_error() {
    let err = expand_trait(&ExpandInput {
        trait_source: "trait Foo { fn f(&self) ".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(
        matches!(err, dynlens_expand::ExpandError::TraitDoesNotParse(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not parse"), "{err}");
}

/// The crate of all expansions (a library: `#![deny(warnings)]` then sees dead code) and the
/// program crate that uses it.
fn write_sources(dir: &Path) -> (PathBuf, PathBuf, Vec<String>) {
    let mut lib = String::from(
        "#![deny(warnings)]\n// The fixtures' own traits may use `async fn`; the lint is about their API, not ours.\n#![allow(async_fn_in_trait)]\n",
    );
    let mut main = String::from(
        "#![deny(warnings)]\n// Fixture types carry drop-counting tokens they never read.\n#![allow(dead_code)]\nmod support {\n",
    );
    main.push_str(include_str!("support.rs"));
    main.push_str("}\n");
    let mut names = Vec::new();
    for f in fixtures() {
        let e = expand(&f);
        lib.push_str(&format!(
            "pub mod {} {{\n{}\n{}\n}}\n",
            f.name, f.traits, e.text
        ));
        main.push_str(&format!("mod {} {{\n#[allow(unused_imports)]\nuse crate::support::*;\nuse fixtures::{}::*;\n{}\n}}\n", f.name, f.name, f.program));
        names.push(f.name);
    }
    main.push_str("fn main() {\n");
    for n in &names {
        main.push_str(&format!(
            "    {n}::run();\n    support::check_drops(\"{n}\");\n    println!(\"ok {n}\");\n"
        ));
    }
    main.push_str("}\n");
    let lib_path = dir.join("lib.rs");
    let main_path = dir.join("main.rs");
    std::fs::write(&lib_path, lib).expect("write lib");
    std::fs::write(&main_path, main).expect("write main");
    (lib_path, main_path, names)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynlens-expand-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{what} failed:\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn expansions_compile_and_run() {
    let dir = scratch("rustc");
    let (lib, main, names) = write_sources(&dir);
    let start = Instant::now();
    run(
        Command::new("rustc")
            .args([
                "--edition",
                "2024",
                "--crate-type",
                "rlib",
                "--crate-name",
                "fixtures",
                "-o",
            ])
            .arg(dir.join("libfixtures.rlib"))
            .arg(&lib),
        "rustc (expansions)",
    );
    let exe = dir.join("program");
    run(
        Command::new("rustc")
            .args(["--edition", "2024", "--crate-name", "program", "--extern"])
            .arg(format!(
                "fixtures={}",
                dir.join("libfixtures.rlib").display()
            ))
            .arg("-o")
            .arg(&exe)
            .arg(&main),
        "rustc (programs)",
    );
    let compiled = start.elapsed();
    let stdout = run(&mut Command::new(&exe), "the fixture programs");
    for n in &names {
        assert!(
            stdout.contains(&format!("ok {n}\n")),
            "{n} did not finish:\n{stdout}"
        );
    }
    eprintln!(
        "{} fixtures compiled in {compiled:.1?}, ran in {:.1?}",
        names.len(),
        start.elapsed() - compiled
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn miri_available() -> bool {
    let ok = |c: &mut Command| c.output().map(|o| o.status.success()).unwrap_or(false);
    if ok(Command::new("cargo").args(["+nightly", "miri", "--version"])) {
        return true;
    }
    eprintln!(
        "Miri is not installed; trying `rustup component add --toolchain nightly miri rust-src`"
    );
    ok(Command::new("rustup").args([
        "component",
        "add",
        "--toolchain",
        "nightly",
        "miri",
        "rust-src",
    ])) && ok(Command::new("cargo").args(["+nightly", "miri", "--version"]))
}

/// Whether `cargo +nightly miri` runs (installing it when it can). When it does not: fails
/// under `CI=true`, otherwise prints a loud SKIPPED banner ending with `what` and returns false.
fn miri_or_skip(what: &str) -> bool {
    if miri_available() {
        return true;
    }
    assert!(
        !dynlens_tests::in_ci(),
        "CI=true and Miri is not available (`rustup component add --toolchain nightly miri rust-src` failed)"
    );
    let bar = "!".repeat(80);
    eprintln!(
        "\n{bar}\n!!! SKIPPED: Miri is not available (`rustup component add --toolchain nightly miri\n!!! rust-src` failed). {what}\n{bar}\n"
    );
    false
}

#[test]
fn expansions_pass_miri() {
    if !miri_or_skip("The expansions were NOT checked under Miri.") {
        return;
    }
    let dir = scratch("miri");
    std::fs::create_dir_all(dir.join("src")).expect("src");
    let (lib, main, names) = write_sources(&dir.join("src"));
    let _ = (lib, main);
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"fixtures\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[[bin]]\nname = \"program\"\npath = \"src/main.rs\"\n\n[workspace]\n",
    )
    .expect("Cargo.toml");
    for (label, flags) in [
        ("Stacked Borrows", ""),
        ("Tree Borrows", "-Zmiri-tree-borrows"),
    ] {
        let start = Instant::now();
        let stdout = run(
            Command::new("cargo")
                .args(["+nightly", "miri", "run", "--quiet"])
                .current_dir(&dir)
                .env("MIRIFLAGS", flags)
                .env("CARGO_TARGET_DIR", dir.join("target"))
                .env_remove("RUSTFLAGS"),
            &format!("Miri ({label})"),
        );
        for n in &names {
            assert!(
                stdout.contains(&format!("ok {n}\n")),
                "Miri ({label}): {n} did not finish:\n{stdout}"
            );
        }
        eprintln!(
            "Miri ({label}): {} fixtures clean in {:.1?}",
            names.len(),
            start.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
