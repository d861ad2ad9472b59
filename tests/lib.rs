//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

/// `CI` is set to something other than empty, `false` or `0`.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `tests/fixtures/real-project`: a Cargo workspace with real dependencies.
pub fn real_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real-project")
}

/// `tests/fixtures/oracle-crates`: a package depending on tokio, syn, serde, futures, tower,
/// clap and tracing, whose public traits the crates oracle probes.
pub fn oracle_crates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oracle-crates")
}

/// Whether the dependencies of the Cargo project at `dir` (one of the fixtures, or a copy of
/// one) are on disk (those a build for this machine needs). When they are not, says so loudly and returns `false` — or fails,
/// with `CI=true`: `.ci/run` fetches them, so missing sources there are a defect.
pub fn dependencies_fetched(dir: &Path) -> bool {
    let load = match dynlens_loader::load_project(dir) {
        Ok(load) => load,
        Err(e) => panic!("{} is not a Cargo project: {e}", dir.display()),
    };
    let missing: Vec<String> = load
        .warnings
        .iter()
        .filter(|w| {
            matches!(
                w,
                dynlens_loader::LoadWarning::MissingSources {
                    target_specific: false,
                    ..
                }
            )
        })
        .map(|w| w.to_string())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let fixture = if manifest.contains("name = \"oracle-crates\"") {
        "oracle-crates"
    } else {
        "real-project"
    };
    let hint =
        format!("run `cargo fetch --locked --manifest-path tests/fixtures/{fixture}/Cargo.toml`");
    if in_ci() {
        panic!("CI=true and the fixture's dependencies are missing ({hint}): {missing:?}");
    }
    let bar = "!".repeat(78);
    eprintln!(
        "\n{bar}\n!! SKIPPED: the fixture's dependencies are missing, so this test did NOT run.\n!! {hint}\n{bar}\n"
    );
    false
}
