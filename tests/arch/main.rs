//! The architecture's rules, checked (docs/ARCHITECTURE.md, "Layering rules"):
//!
//! - the pure crates (base, std, expand, core) have no tokio, tower or LSP crate anywhere in
//!   their dependency trees (`cargo tree`, offline: it reads `Cargo.lock`);
//! - the layers depend only downwards;
//! - the pure crates' sources do no IO: no `std::fs`, `std::process`, `std::net`, no
//!   `std::env` (the process environment is an input the loader reads);
//! - the core's modules form no cycle (read from their `crate::…` paths).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The crates of `cargo tree -p krate` (normal dependencies only), by name.
fn dependency_tree(krate: &str) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            krate,
        ])
        .current_dir(workspace())
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "cargo tree -p {krate}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

const PURE: [&str; 4] = [
    "dynlens-base",
    "dynlens-std",
    "dynlens-expand",
    "dynlens-core",
];

#[test]
fn the_pure_crates_have_no_runtime_or_protocol_dependency() {
    let forbidden = |name: &str| {
        name.starts_with("tokio")
            || name.starts_with("tower")
            || name.contains("lsp")
            || name == "ls-types"
            || name.starts_with("futures")
            || name.starts_with("hyper")
    };
    for krate in PURE {
        let tree = dependency_tree(krate);
        assert!(tree.contains(krate), "{krate} is in its own tree: {tree:?}");
        let bad: Vec<_> = tree.iter().filter(|n| forbidden(n)).collect();
        assert!(bad.is_empty(), "{krate} depends on {bad:?}");
    }
}

#[test]
fn layers_depend_only_downwards() {
    // Bottom to top; a crate may use only crates to its left.
    let layers = [
        "dynlens-base",
        "dynlens-std",
        "dynlens-expand",
        "dynlens-core",
        "dynlens-loader",
        "dynlens-lsp",
        "dynlens",
    ];
    for (i, krate) in layers.iter().enumerate() {
        let tree = dependency_tree(krate);
        for above in &layers[i + 1..] {
            assert!(
                !tree.contains(*above),
                "{krate} depends on {above}, a layer above it"
            );
        }
    }
    // The core knows nothing of disk.
    assert!(!dependency_tree("dynlens-core").contains("dynlens-loader"));
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source of a file without its `#[cfg(test)] mod tests` (tests may read fixtures).
fn non_test_source(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read source");
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    // An inline test module runs to the end of the file (the convention in this repository).
    match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[test]
fn the_pure_crates_do_no_io() {
    let mut offenders = Vec::new();
    for dir in ["base", "std", "expand", "core"] {
        let mut files = Vec::new();
        rust_sources(
            &workspace().join("server").join(dir).join("src"),
            &mut files,
        );
        assert!(!files.is_empty(), "no sources under server/{dir}");
        for f in files {
            let text = non_test_source(&f);
            for needle in [
                "std::fs",
                "std::process",
                "std::net",
                "std::env",
                "File::open",
            ] {
                // In code, not in a string literal (std's table names `std::process::…`
                // traits).
                let in_code = text.lines().any(|line| {
                    line.match_indices(needle)
                        .any(|(at, _)| line[..at].matches('"').count() % 2 == 0)
                });
                if in_code {
                    offenders.push(format!("{}: {needle}", f.display()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "IO in the pure core:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_core_modules_form_no_cycle() {
    let src = workspace().join("server/core/src");
    let mut files = Vec::new();
    rust_sources(&src, &mut files);
    // Module = first path component under src/ (a file or a directory).
    let module_of = |f: &Path| -> String {
        let rel = f.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("component");
        first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string()
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let from = module_of(f);
        if from == "lib" {
            continue;
        }
        // Code only: a comment may name any module.
        let text: String = non_test_source(f)
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            let to: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !to.is_empty() && to != from && to.chars().next().is_some_and(|c| c.is_lowercase()) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    assert!(edges.len() >= 5, "too few modules seen: {edges:?}");
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        if let Some(cycle) = visit(n, &edges, &mut Vec::new(), &mut done) {
            panic!("the core's modules form a cycle: {}", cycle.join(" -> "));
        }
    }
}
