//! Expansions of the traits people use — std's and their dependencies' — named by path as a
//! file of the user's crate names them (`std::io::Read`, `tower::Service`,
//! `serde::ser::SerializeSeq`), generated for that crate, compiled in it and run:
//! - the fixture `tests/fixtures/oracle-crates` (tokio, futures, tower, serde … fetched by
//!   `.ci/run`) gets a `dyn_star` module holding all of them; `cargo check` must accept it with no
//!   error; then one program per trait (`dependency_programs/NAME.rs`) implements the trait for a
//!   pointer-sized and a larger type, builds the dyn value with every constructor the expansion
//!   offers, calls every carried method through it and directly, compares, and checks with drop
//!   tokens (`support.rs`) that every value is dropped exactly once; `cargo run` runs them all;
//! - the std traits' expansions, generated for a crate with no dependency, and their programs
//!   also run under Miri (Stacked Borrows and Tree Borrows).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use dynlens_core::Analysis;

/// The traits of issue 9, by the path the user writes, and the program that exercises each
/// (`dependency_programs/<program>.rs`). The first [`STD_TRAITS`] are std's.
const TRAITS: [(&str, &str); 18] = [
    ("std::io::Read", "read"),
    ("std::io::Write", "write"),
    ("std::error::Error", "error"),
    ("Iterator", "iterator"),
    ("DoubleEndedIterator", "double_ended_iterator"),
    ("std::fmt::Debug", "debug"),
    ("std::fmt::Display", "display"),
    ("std::hash::Hash", "hash"),
    ("std::future::Future", "future"),
    ("tokio::io::AsyncRead", "async_read"),
    ("tokio::io::AsyncWrite", "async_write"),
    ("tokio::io::AsyncBufRead", "async_buf_read"),
    ("futures::Stream", "stream"),
    ("futures::Sink", "sink"),
    ("tower::Service", "service"),
    ("tower::Layer", "layer"),
    ("serde::Serializer", "serializer"),
    ("serde::ser::SerializeSeq", "serialize_seq"),
];

/// How many of [`TRAITS`] (the first ones) are std's: their programs also run under Miri.
const STD_TRAITS: usize = 9;

fn copy_fixture() -> PathBuf {
    copy_fixture_to("dynlens-dep-expansions", "oracle-crates")
}

/// The fixture's manifest and lock file in a directory of its own (`name` and the process):
/// tests of one run write their crates side by side. They share one target directory (the
/// dependencies are built once), so each test's crate needs a name of its own (`package`):
/// cargo names a path package's outputs after its name and its path relative to the workspace
/// (`.` for both), and one test's binary was linked against the other's library.
fn copy_fixture_to(name: &str, package: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    let from = dynlens_tests::oracle_crates();
    for f in ["Cargo.toml", "Cargo.lock"] {
        let text = std::fs::read_to_string(from.join(f)).expect("read");
        let renamed = text.replace("name = \"oracle-crates\"", &format!("name = \"{package}\""));
        assert!(renamed.contains(&format!("name = \"{package}\"")), "{f}");
        std::fs::write(dir.join(f), renamed).expect("write");
    }
    dir
}

/// Where the fixture's dependencies are built, once for every run of the test.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oracle-crates")
}

/// `cargo check`'s errors in `src/dyn_star.rs`, rendered.
fn cargo_check_errors(dir: &Path) -> Vec<String> {
    let target = target_dir();
    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--locked", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo check");
    let mut errors = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["reason"] == "compiler-message" && v["message"]["level"] == "error" {
            errors.push(v["message"]["rendered"].as_str().unwrap_or("").to_string());
        }
    }
    if !out.status.success() && errors.is_empty() {
        errors.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    errors
}

/// Expands `traits` by path, as `lib` (a file of the crate) names them, one after the other into
/// the crate's `src/dyn_star.rs`, as the code action does: a supertrait expanded before is reused
/// (`AsyncRead` for `AsyncBufRead`), not written twice. Returns the module's text.
fn expand_into_dyn_star(dir: &Path, traits: &[(&str, &str)]) -> String {
    let lib = dir.join("src/lib.rs");
    let load = dynlens_loader::load_project(dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let lib = std::fs::canonicalize(&lib).expect("canonical");
    let text = std::fs::read_to_string(&lib).expect("read");
    let file = analysis.set_file_text(lib, text);
    let module_path = std::fs::canonicalize(dir.join("src/dyn_star.rs")).expect("canonical");
    let mut module = String::new();
    let mut refused = Vec::new();
    for (path, _) in traits {
        match analysis.expand_named_with(file, path, false) {
            Ok(exp) => {
                module.push_str(&exp.text);
                module.push('\n');
                analysis.set_file_text(module_path.clone(), module.clone());
            }
            Err(e) => refused.push(format!("{path}: {e}")),
        }
    }
    assert!(refused.is_empty(), "not expanded:\n{}", refused.join("\n"));
    std::fs::write(dir.join("src/dyn_star.rs"), &module).expect("write");
    module
}

/// A crate root with an empty `dyn_star` module, as the code action finds it.
fn write_lib(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("src/lib.rs"),
        "#![allow(dead_code, deprecated)]\npub mod dyn_star;\n",
    )
    .expect("write");
    std::fs::write(dir.join("src/dyn_star.rs"), "").expect("write");
}

/// The programs of `traits` as the crate's binary: `src/programs/<name>.rs`, `src/support.rs`
/// (drop tokens, `block_on`) and a `src/main.rs` that runs each, checks its drops and prints
/// `ok <name>`. `krate` is the library's name (the programs use `crate::dyn_star`).
fn write_programs(dir: &Path, krate: &str, traits: &[(&str, &str)]) {
    let programs = Path::new(env!("CARGO_MANIFEST_DIR")).join("expand/dependency_programs");
    std::fs::create_dir_all(dir.join("src/programs")).expect("mkdir");
    std::fs::write(dir.join("src/support.rs"), include_str!("support.rs")).expect("write");
    let mut main =
        format!("#![deny(warnings)]\nuse {krate}::dyn_star;\nmod support;\nmod programs {{\n");
    for (_, name) in traits {
        let from = programs.join(format!("{name}.rs"));
        std::fs::copy(&from, dir.join(format!("src/programs/{name}.rs")))
            .unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        main.push_str(&format!("    pub mod {name};\n"));
    }
    main.push_str("}\n\nfn main() {\n");
    for (_, name) in traits {
        main.push_str(&format!(
            "    programs::{name}::run();\n    support::check_drops(\"{name}\");\n    println!(\"ok {name}\");\n"
        ));
    }
    main.push_str("}\n");
    std::fs::write(dir.join("src/main.rs"), main).expect("write");
}

/// Runs `cmd` and asserts that it succeeds and that every program printed `ok <name>`.
fn run_programs(cmd: &mut Command, what: &str, traits: &[(&str, &str)]) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{what} failed:\n{stdout}\n{stderr}");
    for (_, name) in traits {
        assert!(
            stdout.contains(&format!("ok {name}\n")),
            "{what}: the program `{name}` did not finish:\n{stdout}\n{stderr}"
        );
    }
}

#[test]
fn std_and_dependency_traits_expand_into_the_users_crate_compile_and_run() {
    let dir = copy_fixture();
    write_lib(&dir);
    if !dynlens_tests::dependencies_fetched(&dir) {
        return;
    }
    let module = expand_into_dyn_star(&dir, &TRAITS);
    let errors = cargo_check_errors(&dir);
    assert!(
        errors.is_empty(),
        "{} errors compiling the expansions of {} traits (in {}):\n{}",
        errors.len(),
        TRAITS.len(),
        dir.join("src/dyn_star.rs").display(),
        errors.join("\n")
    );
    eprintln!(
        "{} std and dependency traits expanded by path ({} lines) and compiled in the user's crate",
        TRAITS.len(),
        module.lines().count()
    );
    write_programs(&dir, "oracle_crates", &TRAITS);
    let start = Instant::now();
    run_programs(
        Command::new(env!("CARGO"))
            .args([
                "run",
                "--offline",
                "--locked",
                "--quiet",
                "--bin",
                "oracle-crates",
            ])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", target_dir()),
        "cargo run (the programs)",
        &TRAITS,
    );
    eprintln!(
        "{} programs built and run through the dyn values in {:.1?}",
        TRAITS.len(),
        start.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn std_trait_programs_pass_miri() {
    if !crate::miri_or_skip("The std trait programs were NOT checked under Miri.") {
        return;
    }
    // A crate with no dependency: std's expansions need none.
    let dir = std::env::temp_dir().join(format!("dynlens-std-programs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_lib(&dir);
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"std-programs\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .expect("Cargo.toml");
    let std_traits = &TRAITS[..STD_TRAITS];
    expand_into_dyn_star(&dir, std_traits);
    write_programs(&dir, "std_programs", std_traits);
    for (label, flags) in [
        ("Stacked Borrows", ""),
        ("Tree Borrows", "-Zmiri-tree-borrows"),
    ] {
        let start = Instant::now();
        run_programs(
            Command::new("cargo")
                .args(["+nightly", "miri", "run", "--quiet"])
                .current_dir(&dir)
                .env("MIRIFLAGS", flags)
                .env("CARGO_TARGET_DIR", dir.join("target"))
                .env_remove("RUSTFLAGS"),
            &format!("Miri ({label})"),
            std_traits,
        );
        eprintln!(
            "Miri ({label}): {} std trait programs clean in {:.1?}",
            std_traits.len(),
            start.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The conversion of an `impl Trait` parameter whose bound is a dependency's trait with auto
/// traits — tokio's `impl AsyncRead + Unpin + Send`, the usual bound — in the crates fixture:
/// the edit (the crate's `dyn_star` module created with `AsyncReadUnpinSend` and its expansion,
/// the body importing the trait) applied, then the crate built and run, reading through the
/// dyn* value with tokio's `AsyncReadExt`.
#[test]
fn a_dependency_trait_bound_with_auto_traits_converts_and_runs() {
    let dir = copy_fixture_to("dynlens-dep-convert", "oracle-crates-convert");
    std::fs::write(
        dir.join("src/lib.rs"),
        "/// Reads everything: tokio's `read_to_string` on any reader.\npub async fn read_all(mut r: impl tokio::io::AsyncRead + Unpin + Send) -> String {\n    use tokio::io::AsyncReadExt;\n    let mut s = String::new();\n    r.read_to_string(&mut s).await.unwrap();\n    s\n}\n",
    )
    .expect("lib.rs");
    std::fs::write(
        dir.join("src/main.rs"),
        "fn main() {\n    let mut fut = std::pin::pin!(oracle_crates_convert::read_all(&b\"through DynAsyncReadUnpinSend\"[..]));\n    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());\n    loop {\n        if let std::task::Poll::Ready(s) = fut.as_mut().poll(&mut cx) {\n            println!(\"{s}\");\n            break;\n        }\n    }\n}\n",
    )
    .expect("main.rs");
    if !dynlens_tests::dependencies_fetched(&dir) {
        return;
    }
    let lib = std::fs::canonicalize(dir.join("src/lib.rs")).expect("canonical");
    let load = dynlens_loader::load_project(&dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let text = std::fs::read_to_string(&lib).expect("read");
    let file = analysis.set_file_text(lib.clone(), text.clone());
    let at = text.find("AsyncRead +").expect("bound") + 3;
    let assist = analysis
        .assists(
            file,
            dynlens_core::TextRange::empty(dynlens_core::TextSize::from(at as u32)),
            dynlens_core::AssistResolve::All,
        )
        .into_iter()
        .find(|a| a.id == "convert_impl_to_dyn_star_wrapper")
        .expect("the conversion is offered for `impl AsyncRead + Unpin + Send`");
    let change = assist.change.expect("built");
    std::fs::write(&lib, change.apply_to(file, &text).expect("applies")).expect("write");
    for n in &change.new_files {
        std::fs::write(&n.path, &n.text).expect("create");
    }
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "--offline",
            "--locked",
            "--quiet",
            "--bin",
            "oracle-crates-convert",
        ])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo run");
    let lib_text = std::fs::read_to_string(&lib).expect("read");
    assert!(
        out.status.success(),
        "the converted crate does not build or run:\n{}\n{lib_text}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "through DynAsyncReadUnpinSend\n"
    );
    assert!(
        lib_text.contains(
            "async fn read_all_dyn(mut r: crate::dyn_star::DynAsyncReadUnpinSend<'_>) -> String {"
        ),
        "{lib_text}"
    );
    let star = std::fs::read_to_string(dir.join("src/dyn_star.rs")).expect("dyn_star.rs");
    assert!(
        star.contains("pub trait AsyncReadUnpinSend: tokio::io::AsyncRead + Unpin + Send {}"),
        "{star}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
