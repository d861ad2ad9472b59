use std::path::{Path, PathBuf};

use dynlens_base::{CrateData, CrateGraph, CrateId, CrateKind, CrateOrigin, DependencyKind};

use super::*;

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "dynlens-project-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, path: &str, text: &str) -> PathBuf {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn find<'g>(graph: &'g CrateGraph, name: &str, kind: CrateKind) -> (CrateId, &'g CrateData) {
    graph
        .iter()
        .find(|(_, c)| c.name == name && c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} crate {name} in {graph:#?}"))
}

/// `extern name → (crate name, kind)` of a crate's edges.
fn edges(graph: &CrateGraph, id: CrateId) -> Vec<(String, String, DependencyKind)> {
    let mut out: Vec<_> = graph
        .get(id)
        .expect("crate")
        .deps
        .iter()
        .map(|d| {
            let target = graph.get(d.krate).expect("dep crate");
            (d.extern_name.clone(), target.name.clone(), d.kind)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn no_home() -> ProjectConfig {
    ProjectConfig {
        cargo_home: None,
        rust_src: None,
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Sources that should have been fetched are missing: fail in CI, skip loudly elsewhere.
fn sources_missing(what: &str) {
    let hint = "run `cargo fetch --locked --manifest-path tests/fixtures/real-project/Cargo.toml`";
    assert!(
        !in_ci(),
        "CI=true and {what}: the real-project test cannot run ({hint})"
    );
    let bar = "!".repeat(78);
    let banner = format!(
        "\n{bar}\n!! SKIPPED: {what}, so the real-project test did NOT run.\n!! {hint}\n{bar}\n"
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), banner.as_bytes());
}

#[test]
fn the_real_project_fixture_has_its_crates_edges_and_dependency_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real-project");
    let config = ProjectConfig::from_env();
    // Loading from a file inside a member finds the workspace root above it.
    let load = load_project_with(&root.join("app/src/lib.rs"), &config).expect("a project");
    assert_eq!(load.workspace_root, normalize(&root));
    let missing: Vec<String> = load
        .warnings
        .iter()
        .filter(|w| matches!(w, LoadWarning::MissingSources { .. }))
        .map(ToString::to_string)
        .collect();
    if !missing.is_empty() {
        sources_missing(&format!(
            "the fixture's registry sources are not fetched:\n{}",
            missing.join("\n")
        ));
        return;
    }
    assert_eq!(load.warnings, Vec::new());
    let graph = &load.graph;

    // The workspace: app (lib + bin, edition 2024) and store (whose library is `kv_store`).
    let (app, app_data) = find(graph, "app", CrateKind::Lib);
    let (app_bin, bin_data) = find(graph, "app", CrateKind::Bin);
    let (store, store_data) = find(graph, "kv_store", CrateKind::Lib);
    for (data, edition, root) in [
        (app_data, Edition::Edition2024, "app/src/lib.rs"),
        (bin_data, Edition::Edition2024, "app/src/main.rs"),
        (store_data, Edition::Edition2021, "store/src/lib.rs"),
    ] {
        assert_eq!(data.origin, CrateOrigin::Workspace, "{data:?}");
        assert_eq!(data.edition, edition, "{data:?}");
        assert_eq!(data.root, load.workspace_root.join(root));
        assert_eq!(data.version.as_deref(), Some("0.1.0"));
    }

    // Edges named as Cargo names them for rustc.
    let sysroot = config.rust_src.is_some();
    let with_sysroot = |mut list: Vec<(&str, &str, DependencyKind)>| {
        if sysroot {
            list.extend([
                ("alloc", "alloc", DependencyKind::ExternCrateOnly),
                ("core", "core", DependencyKind::SysrootPrelude),
                ("std", "std", DependencyKind::SysrootPrelude),
            ]);
        }
        list.sort_by(|a, b| a.0.cmp(b.0));
        list.into_iter()
            .map(|(e, c, k)| (e.to_string(), c.to_string(), k))
            .collect::<Vec<_>>()
    };
    use DependencyKind::{Dev, Normal};
    assert_eq!(
        edges(graph, app),
        with_sysroot(vec![
            ("async_trait", "async_trait", Normal),
            ("dynosaur", "dynosaur", Dev),
            ("futures", "futures_core", Normal),
            ("serde", "serde", Normal),
            ("store", "kv_store", Normal),
            ("tokio", "tokio", Normal),
            ("tower_service", "tower_service", Normal),
            ("trait_variant", "trait_variant", Normal),
        ])
    );
    assert_eq!(graph.dep_named(app, "store"), Some(store));
    assert_eq!(graph.dep_named(app_bin, "app"), Some(app));
    assert_eq!(
        graph.dep_named(app_bin, "tokio"),
        graph.dep_named(app, "tokio")
    );
    assert_eq!(
        edges(graph, store),
        with_sysroot(vec![
            ("async_trait", "async_trait", Normal),
            ("dynosaur", "dynosaur", Normal),
            ("futures_core", "futures_core", Normal),
            ("serde", "serde", Normal),
            ("trait_variant", "trait_variant", Normal),
        ])
    );

    // The dependencies, with their sources on disk (read lazily, later, by the core).
    for (name, kind) in [
        ("tokio", CrateKind::Lib),
        ("tower_service", CrateKind::Lib),
        ("serde", CrateKind::Lib),
        ("serde_core", CrateKind::Lib),
        ("futures_core", CrateKind::Lib),
        ("dynosaur", CrateKind::Lib),
        ("async_trait", CrateKind::ProcMacro),
        ("trait_variant", CrateKind::ProcMacro),
        ("serde_derive", CrateKind::ProcMacro),
    ] {
        let (_, data) = find(graph, name, kind);
        assert_eq!(data.origin, CrateOrigin::Dependency, "{data:?}");
        assert!(data.root.is_file(), "{name}: {}", data.root.display());
        assert!(data.version.is_some(), "{data:?}");
    }
    // serde re-exports serde_core's traits: the edge the resolver follows.
    let (serde, _) = find(graph, "serde", CrateKind::Lib);
    assert!(graph.dep_named(serde, "serde_core").is_some());
    // Two versions of syn (1 for one macro, 2 for the others), each its own crate.
    let syns: Vec<_> = graph.iter().filter(|(_, c)| c.name == "syn").collect();
    assert!(!syns.is_empty(), "syn is reached through the proc macros");
    for (id, data) in syns {
        assert_eq!(data.kind, CrateKind::Lib);
        assert!(graph.dep_named(id, "proc_macro2").is_some(), "{data:?}");
    }

    if sysroot {
        let (std, std_data) = find(graph, "std", CrateKind::Lib);
        assert_eq!(std_data.origin, CrateOrigin::Sysroot);
        assert!(std_data.root.ends_with("library/std/src/lib.rs"));
        assert!(graph.dep_named(std, "core").is_some() && graph.dep_named(std, "alloc").is_some());
        let (async_trait, _) = find(graph, "async_trait", CrateKind::ProcMacro);
        assert!(graph.dep_named(async_trait, "proc_macro").is_some());
    } else {
        eprintln!("rust-src not found: no sysroot crates checked");
    }

    // The inputs to watch: every manifest of the workspace and the lock file.
    for input in [
        "Cargo.toml",
        "Cargo.lock",
        "app/Cargo.toml",
        "store/Cargo.toml",
    ] {
        let path = load.workspace_root.join(input);
        assert!(load.inputs.contains(&path), "{input} in {:?}", load.inputs);
    }
}

#[test]
fn loading_a_project_runs_nothing_it_names() {
    let tmp = TempDir::new("safety");
    let root = &tmp.0;
    let marker = |name: &str| root.join(format!("marker-{name}"));
    let script = |name: &str| {
        let path = tmp.write(
            &format!("scripts/{name}.sh"),
            &format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker(name).display()),
        );
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    };
    let wrapper = script("rustc-wrapper");
    let rustc = script("rustc");
    tmp.write(
        ".cargo/config.toml",
        &format!(
            "[build]\nrustc-wrapper = '{}'\nrustc = '{}'\n",
            wrapper.display(),
            rustc.display()
        ),
    );
    tmp.write(
        "Cargo.toml",
        "[package]\nname = \"victim\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"build.rs\"\n\n\
         [dependencies]\nmacros = { path = \"macros\" }\n",
    );
    tmp.write(
        "build.rs",
        &format!(
            "fn main() {{ std::fs::write(r\"{}\", \"ran\").unwrap(); }}\n",
            marker("build-rs").display()
        ),
    );
    tmp.write("src/lib.rs", "pub trait Victim {}\n");
    tmp.write(
        "macros/Cargo.toml",
        "[package]\nname = \"macros\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n",
    );
    tmp.write(
        "macros/src/lib.rs",
        &format!(
            "#[proc_macro_attribute]\npub fn hit(_: proc_macro::TokenStream, i: proc_macro::TokenStream) \
             -> proc_macro::TokenStream {{ std::fs::write(r\"{}\", \"ran\").unwrap(); i }}\n",
            marker("proc-macro").display()
        ),
    );
    tmp.write(
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"macros\"\nversion = \"0.1.0\"\n\n\
         [[package]]\nname = \"victim\"\nversion = \"0.1.0\"\ndependencies = [\n \"macros\",\n]\n",
    );

    let load = load_project_with(root, &no_home()).expect("a project");
    let created: Vec<_> = ["rustc-wrapper", "rustc", "build-rs", "proc-macro"]
        .into_iter()
        .filter(|m| marker(m).exists())
        .collect();
    assert_eq!(created, Vec::<&str>::new(), "loading ran user code");
    assert_eq!(load.warnings, Vec::new());
    let (victim, _) = find(&load.graph, "victim", CrateKind::Lib);
    let (macros, data) = find(&load.graph, "macros", CrateKind::ProcMacro);
    assert_eq!(
        data.origin,
        CrateOrigin::Workspace,
        "a path dependency inside the workspace"
    );
    assert_eq!(load.graph.dep_named(victim, "macros"), Some(macros));

    // The markers do detect a run: the wrapper, run by hand, creates its marker.
    let _ = std::process::Command::new(&wrapper).status();
    assert!(
        marker("rustc-wrapper").exists(),
        "the test's marker scripts work"
    );
}

/// A lock file entry of crates.io.
fn registry_entry(name: &str, version: &str, deps: &[&str]) -> String {
    let mut entry = format!(
        "[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n\
         source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
    );
    if !deps.is_empty() {
        entry += "dependencies = [\n";
        for dep in deps {
            entry += &format!(" \"{dep}\",\n");
        }
        entry += "]\n";
    }
    entry + "\n"
}

#[test]
fn vendored_sources_replace_crates_io_and_names_follow_cargo() {
    let tmp = TempDir::new("vendored");
    tmp.write(
        ".cargo/config.toml",
        "[source.crates-io]\nreplace-with = \"vendored-sources\"\n\n\
         [source.vendored-sources]\ndirectory = \"vendor\"\n",
    );
    tmp.write(
        "Cargo.toml",
        r#"[package]
name = "my-app"
version = "0.2.0"
edition = "2018"

[dependencies]
renamed = { package = "foo-bar", version = "1" }
old-rand = { package = "rand", version = "0.7" }
rand = "0.8"
optional-thing = { version = "1", optional = true }

[target.'cfg(windows)'.dependencies]
winapi = "0.3"

[build-dependencies]
cc = "1"

[dev-dependencies]
pretty = "0.1"
"#,
    );
    tmp.write("src/lib.rs", "");
    tmp.write("src/bin/tool.rs", "fn main() {}");
    // `cargo vendor` layout: `<name>/`, or `<name>-<version>/` when two versions are vendored.
    tmp.write(
        "vendor/foo-bar/Cargo.toml",
        "[package]\nname = \"foo-bar\"\nversion = \"1.4.0\"\nedition = \"2021\"\n\n\
         [lib]\nname = \"foobar\"\npath = \"lib.rs\"\n\n[dependencies]\nrand = \"0.8\"\n\n\
         [dev-dependencies]\npretty = \"0.1\"\n",
    );
    tmp.write(
        "vendor/rand-0.7.3/Cargo.toml",
        "[package]\nname = \"rand\"\nversion = \"0.7.3\"\n",
    );
    tmp.write(
        "vendor/rand/Cargo.toml",
        "[package]\nname = \"rand\"\nversion = \"0.8.5\"\nedition = \"2018\"\n",
    );
    tmp.write(
        "vendor/pretty/Cargo.toml",
        "[package]\nname = \"pretty\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    tmp.write(
        "vendor/cc/Cargo.toml",
        "[package]\nname = \"cc\"\nversion = \"1.0.0\"\nedition = \"2018\"\n",
    );
    // winapi is in the lock file but was not vendored.
    let lock = String::from("version = 4\n\n")
        + &registry_entry("cc", "1.0.0", &[])
        + &registry_entry("foo-bar", "1.4.0", &["rand 0.8.5"])
        + "[[package]]\nname = \"my-app\"\nversion = \"0.2.0\"\ndependencies = [\n \"cc\",\n \
           \"foo-bar\",\n \"pretty\",\n \"rand 0.7.3\",\n \"rand 0.8.5\",\n \"winapi\",\n]\n\n"
        + &registry_entry("pretty", "0.1.0", &[])
        + &registry_entry("rand", "0.7.3", &[])
        + &registry_entry("rand", "0.8.5", &[])
        + &registry_entry("winapi", "0.3.9", &[]);
    tmp.write("Cargo.lock", &lock);

    let load = load_project_with(&tmp.0, &no_home()).expect("a project");
    let graph = &load.graph;
    let (app, data) = find(graph, "my_app", CrateKind::Lib);
    assert_eq!(data.edition, Edition::Edition2018);
    assert_eq!(
        edges(graph, app),
        vec![
            ("old_rand".into(), "rand".into(), DependencyKind::Normal),
            ("pretty".into(), "pretty".into(), DependencyKind::Dev),
            ("rand".into(), "rand".into(), DependencyKind::Normal),
            ("renamed".into(), "foobar".into(), DependencyKind::Normal),
            ("winapi".into(), "winapi".into(), DependencyKind::Normal),
        ],
        "build-dependencies and disabled optional ones are not edges"
    );
    let version_of = |extern_name: &str| {
        let id = graph.dep_named(app, extern_name).expect(extern_name);
        graph.get(id).and_then(|c| c.version.clone())
    };
    assert_eq!(version_of("old_rand").as_deref(), Some("0.7.3"));
    assert_eq!(version_of("rand").as_deref(), Some("0.8.5"));

    let (foo, foo_data) = find(graph, "foobar", CrateKind::Lib);
    assert_eq!(foo_data.root, tmp.0.join("vendor/foo-bar/lib.rs"));
    assert_eq!(foo_data.edition, Edition::Edition2021);
    assert_eq!(foo_data.origin, CrateOrigin::Dependency);
    assert_eq!(
        edges(graph, foo),
        vec![("rand".into(), "rand".into(), DependencyKind::Normal)],
        "a dependency's dev-dependencies are not edges"
    );
    assert_eq!(
        graph.dep_named(foo, "rand"),
        graph.dep_named(app, "rand"),
        "one crate per package"
    );
    let (_, old) = find(graph, "rand", CrateKind::Lib);
    let rand_roots: Vec<_> = graph
        .iter()
        .filter(|(_, c)| c.name == "rand")
        .map(|(_, c)| c.root.clone())
        .collect();
    assert_eq!(
        rand_roots.len(),
        2,
        "two versions of rand, two crates: {rand_roots:?}"
    );
    assert_eq!(old.edition, Edition::Edition2015, "no edition means 2015");
    assert!(rand_roots.contains(&tmp.0.join("vendor/rand-0.7.3/src/lib.rs")));
    assert!(rand_roots.contains(&tmp.0.join("vendor/rand/src/lib.rs")));
    assert!(
        graph.iter().all(|(_, c)| c.name != "cc"),
        "only a build-dependency"
    );

    // The binary depends on the library, and sees the same dependencies.
    let (tool, tool_data) = find(graph, "tool", CrateKind::Bin);
    assert_eq!(tool_data.root, tmp.0.join("src/bin/tool.rs"));
    assert_eq!(graph.dep_named(tool, "my_app"), Some(app));
    assert_eq!(graph.dep_named(tool, "renamed"), Some(foo));

    // winapi: in the graph, without sources, and said so.
    let (_, winapi) = find(graph, "winapi", CrateKind::Lib);
    assert!(!winapi.root.is_file());
    assert_eq!(load.warnings.len(), 1, "{:?}", load.warnings);
    let warning = load.warnings[0].to_string();
    assert!(
        warning.contains("winapi 0.3.9") && warning.contains("vendor"),
        "{warning}"
    );
    assert!(
        matches!(
            &load.warnings[0],
            LoadWarning::MissingSources {
                target_specific: true,
                ..
            }
        ),
        "winapi is only a `cfg(windows)` dependency: {warning}"
    );
}

#[test]
fn registry_and_git_sources_are_found_in_cargo_home() {
    let tmp = TempDir::new("cargo-home");
    let home = tmp.0.join("cargo-home");
    let rev = "1234567890abcdef1234567890abcdef12345678";
    tmp.write(
        "cargo-home/registry/src/index.crates.io-1949cf8c6b5b557f/serde-1.0.200/Cargo.toml",
        "[package]\nname = \"serde\"\nversion = \"1.0.200\"\nedition = \"2018\"\n",
    );
    // A package in a sub-directory of a git repository, inheriting from its workspace.
    tmp.write(
        "cargo-home/git/checkouts/widgets-0a1b2c3d4e5f6789/1234567/Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nedition = \"2021\"\n",
    );
    tmp.write(
        "cargo-home/git/checkouts/widgets-0a1b2c3d4e5f6789/1234567/crates/widget/Cargo.toml",
        "[package]\nname = \"widget\"\nversion = \"0.3.0\"\nedition.workspace = true\n",
    );
    tmp.write(
        "cargo-home/git/checkouts/widgets-0a1b2c3d4e5f6789/1234567/crates/widget/src/lib.rs",
        "",
    );
    tmp.write(
        "project/Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/skipped\"]\n",
    );
    tmp.write(
        "project/crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         serde = \"1\"\nwidget = { git = \"https://github.com/example/widgets\" }\n\
         helper = { path = \"../../../outside\" }\ntokio = \"1\"\n",
    );
    tmp.write("project/crates/app/src/lib.rs", "");
    tmp.write(
        "project/crates/skipped/Cargo.toml",
        "[package]\nname = \"skipped\"\nversion = \"0.1.0\"\n",
    );
    tmp.write(
        "outside/Cargo.toml",
        "[package]\nname = \"helper\"\nversion = \"0.5.0\"\nedition = \"2024\"\n",
    );
    tmp.write("outside/src/lib.rs", "");
    let lock = String::from("version = 4\n\n")
        + "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"helper\",\n \
           \"serde\",\n \"tokio\",\n \"widget\",\n]\n\n"
        + "[[package]]\nname = \"helper\"\nversion = \"0.5.0\"\n\n"
        + &registry_entry("serde", "1.0.200", &[])
        + &registry_entry("tokio", "1.40.0", &[])
        + &format!(
            "[[package]]\nname = \"widget\"\nversion = \"0.3.0\"\n\
             source = \"git+https://github.com/example/widgets#{rev}\"\n"
        );
    tmp.write("project/Cargo.lock", &lock);

    let config = ProjectConfig {
        cargo_home: Some(home.clone()),
        rust_src: None,
    };
    // From a directory inside a member: the workspace root above is found.
    let load = load_project_with(&tmp.0.join("project/crates/app/src"), &config).expect("project");
    assert_eq!(load.workspace_root, tmp.0.join("project"));
    let graph = &load.graph;
    let (app, _) = find(graph, "app", CrateKind::Lib);
    assert!(graph.iter().all(|(_, c)| c.name != "skipped"), "excluded");
    let dep = |name: &str| graph.get(graph.dep_named(app, name).expect(name)).unwrap();
    assert_eq!(
        dep("serde").root,
        home.join("registry/src/index.crates.io-1949cf8c6b5b557f/serde-1.0.200/src/lib.rs")
    );
    let widget = dep("widget");
    assert_eq!(
        widget.root,
        home.join("git/checkouts/widgets-0a1b2c3d4e5f6789/1234567/crates/widget/src/lib.rs")
    );
    assert_eq!(
        widget.edition,
        Edition::Edition2021,
        "inherited in the checkout"
    );
    let helper = dep("helper");
    assert_eq!(
        helper.origin,
        CrateOrigin::Dependency,
        "a path outside the workspace"
    );
    assert_eq!(helper.edition, Edition::Edition2024);
    assert_eq!(helper.root, tmp.0.join("outside/src/lib.rs"));
    // tokio was never fetched: a warning naming it and where it was looked for.
    assert_eq!(load.warnings.len(), 1, "{:?}", load.warnings);
    let warning = load.warnings[0].to_string();
    assert!(
        warning.contains("tokio 1.40.0") && warning.contains("tokio-1.40.0 does not exist"),
        "{warning}"
    );
    assert!(
        matches!(
            &load.warnings[0],
            LoadWarning::MissingSources {
                target_specific: false,
                ..
            }
        ),
        "{warning}"
    );
    assert!(
        graph.dep_named(app, "tokio").is_some(),
        "still a crate, empty"
    );
}

#[test]
fn without_a_lock_file_path_dependencies_are_still_known() {
    let tmp = TempDir::new("no-lock");
    tmp.write(
        "Cargo.toml",
        "[package]\nname = \"solo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         util = { path = \"util\" }\nserde = \"1\"\n",
    );
    tmp.write("src/main.rs", "fn main() {}");
    tmp.write(
        "util/Cargo.toml",
        "[package]\nname = \"util\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    tmp.write("util/src/lib.rs", "");
    let load = load_project_with(&tmp.0.join("src/main.rs"), &no_home()).expect("project");
    assert_eq!(
        load.warnings,
        vec![LoadWarning::NoLockFile(tmp.0.clone())],
        "{:?}",
        load.warnings
    );
    // A binary-only package: one Bin crate.
    let (solo, _) = find(&load.graph, "solo", CrateKind::Bin);
    assert!(
        load.graph
            .iter()
            .all(|(_, c)| c.kind != CrateKind::Lib || c.name == "util")
    );
    let (util, _) = find(&load.graph, "util", CrateKind::Lib);
    assert_eq!(load.graph.dep_named(solo, "util"), Some(util));
    assert_eq!(load.graph.len(), 2);
}

#[test]
fn a_directory_without_a_manifest_is_not_a_project() {
    let tmp = TempDir::new("none");
    // The temporary directory may itself be below a Cargo.toml on odd machines: only check
    // the error's shape when there is none above.
    let above = tmp.0.ancestors().any(|d| d.join("Cargo.toml").is_file());
    match load_project_with(&tmp.0, &no_home()) {
        Err(ProjectError::NoManifest(dir)) => assert_eq!(dir, tmp.0),
        other => assert!(above, "{other:?}"),
    }
    tmp.write("Cargo.toml", "[package\nname = ");
    assert!(matches!(
        load_project_with(&tmp.0, &no_home()),
        Err(ProjectError::RootManifest { .. })
    ));
}

#[test]
fn member_globs_match_path_segments() {
    assert!(wildcard("*", "core"));
    assert!(wildcard("?ore", "core"));
    assert!(wildcard("c*e", "core"));
    assert!(!wildcard("c*x", "core"));
    assert!(wildcard("*-impl", "dyn-impl"));
    assert_eq!(
        normalize(Path::new("/a/b/../c/./d")),
        PathBuf::from("/a/c/d")
    );
    assert_eq!(
        url_host("sparse+https://my.registry:8080/index/"),
        "my.registry"
    );
}
