//! Expansions of the traits people use — std's and their dependencies' — named by path as a
//! file of the user's crate names them (`std::io::Read`, `tower::Service`,
//! `serde::ser::SerializeSeq`), generated for that crate and compiled in it: the fixture
//! `tests/fixtures/oracle-crates` (tokio, futures, tower, serde … fetched by `.ci/run`) gets
//! a `dyn_star` module holding all of them, and `cargo check` must accept it with no error.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use dynlens_core::Analysis;

/// The traits of issue 9, by the path the user writes.
const TRAITS: [&str; 18] = [
    "std::io::Read",
    "std::io::Write",
    "std::error::Error",
    "Iterator",
    "DoubleEndedIterator",
    "std::fmt::Debug",
    "std::fmt::Display",
    "std::hash::Hash",
    "std::future::Future",
    "tokio::io::AsyncRead",
    "tokio::io::AsyncWrite",
    "tokio::io::AsyncBufRead",
    "futures::Stream",
    "futures::Sink",
    "tower::Service",
    "tower::Layer",
    "serde::Serializer",
    "serde::ser::SerializeSeq",
];

fn copy_fixture() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynlens-dep-expansions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    let from = dynlens_tests::oracle_crates();
    for f in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(from.join(f), dir.join(f)).expect("copy");
    }
    dir
}

/// `cargo check`'s errors in `src/dyn_star.rs`, rendered.
fn cargo_check_errors(dir: &Path) -> Vec<String> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oracle-crates");
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

#[test]
fn std_and_dependency_traits_expand_into_the_users_crate_and_compile() {
    let dir = copy_fixture();
    let lib = dir.join("src/lib.rs");
    std::fs::write(
        &lib,
        "#![allow(dead_code, deprecated)]\npub mod dyn_star;\n",
    )
    .expect("write");
    std::fs::write(dir.join("src/dyn_star.rs"), "").expect("write");
    if !dynlens_tests::dependencies_fetched(&dir) {
        return;
    }
    let load = dynlens_loader::load_project(&dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let lib = std::fs::canonicalize(&lib).expect("canonical");
    let text = std::fs::read_to_string(&lib).expect("read");
    let file = analysis.set_file_text(lib, text);
    let module_path = std::fs::canonicalize(dir.join("src/dyn_star.rs")).expect("canonical");
    let mut module = String::new();
    let mut refused = Vec::new();
    for path in TRAITS {
        match analysis.expand_named_with(file, path, false) {
            Ok(exp) => {
                module.push_str(&exp.text);
                module.push('\n');
                // As the code action does, one after the other into the crate's `dyn_star`
                // module: a supertrait expanded before is reused (`AsyncRead` for
                // `AsyncBufRead`), not written twice.
                analysis.set_file_text(module_path.clone(), module.clone());
            }
            Err(e) => refused.push(format!("{path}: {e}")),
        }
    }
    assert!(refused.is_empty(), "not expanded:\n{}", refused.join("\n"));
    std::fs::write(dir.join("src/dyn_star.rs"), &module).expect("write");
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
    let _ = std::fs::remove_dir_all(&dir);
}
