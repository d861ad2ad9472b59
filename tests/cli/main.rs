//! The command line, as a user runs it: `dynlens check`, `dynlens expand`, and their errors.
//! Also checks that the dyn* verdict shown in hovers and `check` agrees with what the
//! expansion can actually carry.

use std::path::{Path, PathBuf};
use std::process::Command;

use dynlens_core::Analysis;
use dynlens_core::StdLibrary;

mod deep;
mod scaling;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The dynlens binary, built by cargo for this test run.
fn dynlens() -> Command {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "dynlens", "--bin", "dynlens"])
        .current_dir(workspace())
        .status()
        .expect("cargo build");
    assert!(status.success());
    let mut c = Command::new(target.join("debug/dynlens"));
    c.current_dir(workspace());
    c
}

#[test]
fn check_json_has_the_documented_shape() {
    let out = dynlens()
        .args(["check", "--json", "examples"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let arr = v.as_array().expect("array");
    assert!(arr.len() >= 10);
    let find = |name: &str| {
        arr.iter()
            .find(|r| r["trait"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let a = find("AsyncIter");
    assert_eq!(a["dyn_compatible"], false);
    assert_eq!(a["dyn_star_compatible"], true);
    assert_eq!(a["violations"][0]["kind"], "async_fn");
    assert_eq!(a["violations"][0]["item"], "next");
    let line = a["violations"][0]["line"].as_u64().expect("line");
    let text = std::fs::read_to_string(workspace().join("examples/dispatch.rs")).unwrap();
    assert!(
        text.lines()
            .nth(line as usize - 1)
            .unwrap()
            .contains("async fn next"),
        "line {line} is 1-based"
    );
    assert!(
        find("DoTheThing")["violations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(a["file"].as_str().unwrap().ends_with("dispatch.rs"));
}

/// Attribute macros: a known one is reported as `"shape": "expanded"` with its verdict as
/// expanded; an unknown one as `"shape": "unknown"`, with no verdict and no violations.
#[test]
fn check_reports_the_shape_attribute_macros_give() {
    let dir = std::env::temp_dir().join(format!("dynlens-cli-macros-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("macros.rs");
    std::fs::write(
        &file,
        "#[async_trait::async_trait]\ntrait Store { async fn get(&self, k: &str) -> Option<String>; }\n\
         #[foo::bar]\ntrait Reshaped { async fn get(&self) -> u8; }\n\
         trait Plain { fn f(&self); }\n",
    )
    .unwrap();
    let out = dynlens()
        .args(["check", "--json"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let find = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["trait"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone()
    };
    let store = find("Store");
    assert_eq!(store["shape"], "expanded");
    assert_eq!(store["shape_attribute"], "async_trait");
    assert_eq!(store["dyn_compatible"], true);
    let reshaped = find("Reshaped");
    assert_eq!(reshaped["shape"], "unknown");
    assert_eq!(reshaped["shape_attribute"], "foo::bar");
    assert!(reshaped["dyn_compatible"].is_null());
    assert!(reshaped["violations"].as_array().unwrap().is_empty());
    let plain = find("Plain");
    assert_eq!(plain["shape"], "as_written");
    assert!(plain["shape_attribute"].is_null());
    let out = dynlens().arg("check").arg(&file).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("trait `Reshaped`: no verdict: `#[foo::bar]` may reshape it"),
        "{text}"
    );
    assert!(text.contains("1 without a verdict"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_text_report() {
    let out = dynlens()
        .args(["check", "examples/dispatch.rs"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("trait `Shape`: NOT dyn compatible"),
        "{stdout}"
    );
    assert!(stdout.contains("[sized_self]"), "{stdout}");
}

#[test]
fn expand_prints_the_vtable() {
    let out = dynlens()
        .args(["expand", "examples/dispatch.rs", "WidgetContainer"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "struct WidgetContainerVtable",
        "struct DynWidgetContainer",
        "WidgetContainer for DynWidgetContainer",
    ] {
        assert!(s.contains(needle), "missing {needle}:\n{s}");
    }
    assert!(!s.contains("unimplemented!"));
}

fn assert_one_line_error(out: &std::process::Output, needle: &str) {
    assert!(!out.status.success());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("dynlens: error: ") && err.contains(needle),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn errors_are_one_line_and_nonzero() {
    assert_one_line_error(
        &dynlens().args(["check", "no/such/dir"]).output().unwrap(),
        "cannot read `no/such/dir`",
    );
    assert_one_line_error(
        &dynlens()
            .args(["expand", "no_such.rs", "X"])
            .output()
            .unwrap(),
        "cannot read `no_such.rs`",
    );
    assert_one_line_error(
        &dynlens()
            .args(["expand", "examples/dispatch.rs", "Nope"])
            .output()
            .unwrap(),
        "in `examples/dispatch.rs`: no trait `Nope` in scope",
    );
    let dir = std::env::temp_dir().join(format!("dynlens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.rs");
    std::fs::write(&bad, b"trait A {}\n\xff\xfe").unwrap();
    assert_one_line_error(
        &dynlens().arg("check").arg(&bad).output().unwrap(),
        "not valid UTF-8",
    );
    // Found while walking a directory, the same file is skipped with a warning.
    std::fs::write(dir.join("good.rs"), "trait Good { fn f(&self); }").unwrap();
    let out = dynlens()
        .args(["check", "--json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: skipping"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The dyn* verdict (hover, `check`) must match the expansion: a trait is dyn* compatible
/// exactly when the expansion writes `impl Trait for DynTrait`. Both read the generator's plan;
/// this checks the path through the facade (`check_file`) against the expansion's text.
#[test]
fn dyn_star_verdict_matches_the_expansion() {
    let mut files = vec![workspace().join("examples/dispatch.rs")];
    for e in std::fs::read_dir(workspace().join("tests/oracle/corpus")).unwrap() {
        files.push(e.unwrap().path());
    }
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for f in files {
        let mut a = Analysis::new(StdLibrary::catalog());
        let id = a.set_file_text(f.clone(), std::fs::read_to_string(&f).unwrap());
        for r in a.check_file(id) {
            let Ok(exp) = a.expand_named(id, &r.trait_name) else {
                continue;
            };
            checked += 1;
            let complete = exp.text.contains(&format!("for Dyn{}", r.trait_name))
                && !exp.title.contains("without `impl");
            if Some(complete) != r.dyn_star_compatible {
                mismatches.push(format!(
                    "{}::{}: verdict {:?} but expansion {} ({})",
                    f.file_name().unwrap().to_string_lossy(),
                    r.trait_name,
                    r.dyn_star_compatible,
                    complete,
                    exp.title
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} expansions");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} disagree:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn stdio_flag_is_accepted_like_clients_send_it() {
    // `dynlens --stdio` and `dynlens lsp --stdio` start the server; with stdin closed it ends.
    for args in [vec!["--stdio"], vec!["lsp", "--stdio"]] {
        let out = dynlens()
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
    }
}

/// `dynlens expand FILE PATH` with a dependency trait named as FILE names it: the code is
/// written for FILE's crate (the trait imported, its names as the crate reaches them).
#[test]
fn expand_takes_a_trait_path_as_the_file_names_it() {
    let project = dynlens_tests::real_project();
    if !dynlens_tests::dependencies_fetched(&project) {
        return;
    }
    let file = project.join("app/src/lib.rs");
    let out = dynlens()
        .arg("expand")
        .arg(&file)
        .arg("tokio::io::AsyncRead")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "use tokio::io::AsyncRead;",
        "pub struct DynAsyncRead",
        "tokio::io::ReadBuf<'_>",
        "std::task::Poll<std::io::Result<()>>",
    ] {
        assert!(text.contains(needle), "{needle} in:\n{text}");
    }
    let out = dynlens()
        .arg("expand")
        .arg(&file)
        .arg("tokio::io::NoSuchTrait")
        .output()
        .expect("run");
    assert_one_line_error(&out, "no trait `tokio::io::NoSuchTrait` in scope");
}

/// A trait with syntax errors gets no verdict and no dyn* verdict (issue 11: `trait CheckRaw{`
/// used to get "dyn*: yes", which `expand` then refused).
#[test]
fn check_gives_no_verdict_for_a_trait_that_does_not_parse() {
    let dir = std::env::temp_dir().join(format!("dynlens-cli-raw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("raw.rs");
    std::fs::write(&file, "trait CheckRaw{\n").unwrap();
    let out = dynlens().arg("check").arg(&file).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("trait `CheckRaw`: incomplete: fix the syntax first")
            && text.contains("dyn*: no verdict"),
        "{text}"
    );
    let out = dynlens()
        .args(["check", "--json"])
        .arg(&file)
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v[0]["shape"], "incomplete");
    assert!(v[0]["dyn_compatible"].is_null() && v[0]["dyn_star_compatible"].is_null());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A path to a device (here a symlink to `/dev/zero`) is refused with a clear message, not
/// read (reading `/dev/zero` never ends) and not reported as an unreadable directory.
#[cfg(unix)]
#[test]
fn a_device_is_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("dynlens-cli-dev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("zero.rs");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let out = dynlens().arg("check").arg(&link).output().expect("run");
    assert_one_line_error(&out, "is neither a file nor a directory");
    // In a directory, it is skipped: not a `.rs` source to read.
    let out = dynlens().arg("check").arg(&dir).output().expect("run");
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Not a directory"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without rust-src (`RUST_SRC_PATH` pointing nowhere: the catalog), a std trait whose
/// declaration names what only its module knows (`Formatter`, `fmt::Result`) cannot be
/// written as the user's crate reaches it: `expand` says so and how to fix it, instead of
/// printing code that does not compile. One that names only prelude items still expands.
#[test]
fn std_expansions_without_rust_src_say_what_is_missing() {
    let dir = std::env::temp_dir().join(format!("dynlens-cli-catalog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"cat\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .expect("Cargo.toml");
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").expect("main.rs");
    let main = dir.join("src/main.rs");
    let run = |path: &str| {
        dynlens()
            .env("RUST_SRC_PATH", dir.join("no-rust-src"))
            .arg("expand")
            .arg(&main)
            .arg(path)
            .output()
            .expect("run")
    };
    let out = run("std::fmt::Debug");
    assert_one_line_error(
        &out,
        "names `Formatter`, `Result`, which dynlens can write as this crate reaches them only with the toolchain's std sources: install them (`rustup component add rust-src`)",
    );
    let out = run("std::iter::Iterator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pub struct DynIterator<"));
    let _ = std::fs::remove_dir_all(&dir);
}
