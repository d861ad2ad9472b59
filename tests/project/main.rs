//! dynlens on a real Cargo project with real dependencies (`tests/fixtures/real-project`: tokio,
//! tower-service, serde, futures-core, async-trait, trait-variant, dynosaur), with the
//! compiler as the oracle: `cargo check` (run by this test, never by dynlens) reports the
//! E0038 errors, and dynlens's diagnostics must be exactly those — no false positive, none
//! missed — on the fixture as it is (it compiles: no E0038 at all) and on a copy with `dyn`
//! uses that rustc rejects. Hovers on the `dyn` uses of dependency traits state a verdict.
//!
//! The dependencies' sources come from `cargo fetch` (`.ci/run` runs it). When they are
//! missing the test says so loudly and skips; with `CI=true` it fails instead.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use dynlens_core::{Analysis, HoverConfig, TextSize};

/// A fresh copy of the fixture (cargo writes nothing into the repository).
fn copy_fixture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynlens-project-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&dynlens_tests::real_project(), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&src, &dst);
            }
        } else {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

/// `cargo check`'s E0038 errors: (file relative to the project, 1-based line).
fn cargo_check_e0038(dir: &Path) -> BTreeSet<(String, u32)> {
    let target = dir.join("target");
    let out = Command::new(env!("CARGO"))
        .args([
            "check",
            "--offline",
            "--locked",
            "--all-targets",
            "--message-format=json",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut errors = BTreeSet::new();
    let mut other_errors = Vec::new();
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let m = &v["message"];
        if v["reason"] != "compiler-message" || m["level"] != "error" {
            continue;
        }
        if m["code"]["code"] != "E0038" {
            other_errors.push(m["rendered"].as_str().unwrap_or("").to_string());
            continue;
        }
        for span in m["spans"].as_array().into_iter().flatten() {
            if span["is_primary"] == true {
                errors.insert((
                    span["file_name"].as_str().unwrap_or("").to_string(),
                    span["line_start"].as_u64().unwrap_or(0) as u32,
                ));
            }
        }
    }
    assert!(
        other_errors.is_empty(),
        "the fixture has errors other than E0038:\n{}",
        other_errors.join("\n")
    );
    errors
}

/// The fixture's workspace files, relative to `dir`.
fn member_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for member in ["app", "store"] {
        for f in dynlens_loader::rust_files(&dir.join(member)) {
            if let Ok(rel) = f.strip_prefix(dir) {
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// dynlens on the project as the server sees it: the crate graph, the workspace's files.
fn analysis(dir: &Path) -> (Analysis, Vec<(String, dynlens_core::FileId)>) {
    let load = dynlens_loader::load_project(dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let files = member_files(dir)
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let text = std::fs::read_to_string(&path).expect("read");
            (rel, analysis.set_file_text(path, text))
        })
        .collect();
    (analysis, files)
}

fn dynlens_diagnostics(dir: &Path) -> BTreeSet<(String, u32)> {
    let (analysis, files) = analysis(dir);
    let mut out = BTreeSet::new();
    for (rel, id) in files {
        let text = analysis.file_text(id).expect("text").to_string();
        for d in analysis.diagnostics(id) {
            let line = text[..usize::from(d.range.start())].matches('\n').count() + 1;
            out.insert((rel.clone(), line as u32));
        }
    }
    out
}

/// `dyn` uses rustc rejects: a dependency trait with generic methods, a trait-variant
/// trait, a trait with an `async fn`.
const REJECTED: &str = r#"
/// `dyn` uses rustc rejects (E0038), added by the test.
pub mod rejected {
    pub fn serializer(_: &dyn serde::Serializer<Ok = (), Error = std::fmt::Error>) {}
    pub fn cache(_: &dyn store::SendCache) {}
    pub fn local(_: &dyn store::LocalCache) {}
}
"#;

#[test]
fn diagnostics_are_exactly_cargo_checks_e0038() {
    let dir = copy_fixture("as-is");
    if !dynlens_tests::dependencies_fetched(&dir) {
        return;
    }
    let truth = cargo_check_e0038(&dir);
    assert!(truth.is_empty(), "the fixture compiles: {truth:?}");
    assert_eq!(
        dynlens_diagnostics(&dir),
        truth,
        "dynlens on the fixture as it is"
    );

    let bad = copy_fixture("rejected");
    let lib = bad.join("app/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).expect("read");
    text.push_str(REJECTED);
    std::fs::write(&lib, text).expect("write");
    let truth = cargo_check_e0038(&bad);
    assert_eq!(truth.len(), 3, "rustc rejects the three uses: {truth:?}");
    // serde declares its modules and re-exports inside `crate_root!()` (a `macro_rules!`
    // macro): the use resolves through the expansion.
    let found = dynlens_diagnostics(&bad);
    assert_eq!(found, truth, "dynlens with the rejected uses");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&bad);
}

#[test]
fn hovers_on_dependency_traits_state_a_verdict() {
    let dir = copy_fixture("hover");
    if !dynlens_tests::dependencies_fetched(&dir) {
        return;
    }
    let (analysis, files) = analysis(&dir);
    let (_, app) = files
        .iter()
        .find(|(rel, _)| rel == "app/src/lib.rs")
        .expect("app/src/lib.rs");
    let text = analysis.file_text(*app).expect("text").to_string();
    for (needle, verdict) in [
        ("dyn Store", "✅ **dyn compatible**"),
        ("dyn AsyncRead", "✅ **dyn compatible**"),
        ("dyn store::Stream", "✅ **dyn compatible**"),
        ("dyn FuturesStream", "✅ **dyn compatible**"),
        ("dyn Service", "✅ **dyn compatible**"),
        // Through serde's `crate_root!()` expansion (a `macro_rules!` macro).
        ("T: serde::Serialize", "❌ **not dyn compatible**"),
    ] {
        // On the trait's name: the last segment of the path.
        let name_at = needle.rfind([' ', ':']).map_or(0, |i| i + 1);
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in app/src/lib.rs"))
            + name_at;
        let hover = analysis
            .hover(*app, TextSize::from(at as u32), &HoverConfig::default())
            .unwrap_or_else(|| panic!("no hover on `{needle}`"));
        assert!(
            hover.markdown.contains(verdict),
            "hover on `{needle}`:\n{}",
            hover.markdown
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
