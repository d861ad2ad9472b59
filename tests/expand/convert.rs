//! The conversion of `impl Trait` parameters to dyn* values (SPEC F3), the variant that keeps
//! every caller: applied to a small Cargo project (std only) for a std trait (`Debug`), a std
//! trait with an associated type (`Iterator<Item = u32>`) and a trait of the crate in another
//! module; the project builds and prints the same before and after, and each function has one
//! non-generic inner copy.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use dynlens_core::{Analysis, AssistResolve, TextRange, TextSize};

const MAIN: &str = r#"mod shapes;

use std::fmt::Debug;

pub fn print_me(x: impl Debug) -> String {
    format!("{x:?}")
}

pub fn total(it: impl Iterator<Item = u32>) -> u32 {
    it.map(|x| x * 2).sum()
}

#[derive(Debug)]
struct Big([u64; 8]);

fn main() {
    println!("{}", print_me(22usize));
    println!("{}", print_me("text"));
    println!("{}", print_me(Big([7; 8])));
    println!("{}", total(vec![1, 2, 3].into_iter()));
    println!("{}", total((0..10).filter(|x| x % 3 == 0)));
    println!("{}", shapes::describe("square", shapes::Square(2.0)));
}
"#;

const SHAPES: &str = r#"pub trait Shape {
    fn area(&self) -> f64;
}

pub struct Square(pub f64);

impl Shape for Square {
    fn area(&self) -> f64 {
        self.0 * self.0
    }
}

pub fn describe(name: &str, s: impl Shape) -> String {
    format!("{name}: {:.1}", s.area())
}
"#;

fn project() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynlens-convert-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"convert\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .expect("write");
    std::fs::write(dir.join("src/main.rs"), MAIN).expect("write");
    std::fs::write(dir.join("src/shapes.rs"), SHAPES).expect("write");
    std::fs::canonicalize(&dir).expect("canonical")
}

fn run(dir: &Path) -> String {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo run");
    assert!(
        out.status.success(),
        "the project does not build or run:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        dir.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Applies the conversion at the `n`-th `needle` of `file` (relative to `dir`), with a fresh
/// analysis of the project as it is on disk.
fn convert(dir: &Path, file: &str, needle: &str) {
    let load = dynlens_loader::load_project(dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let mut ids = Vec::new();
    for entry in std::fs::read_dir(dir.join("src")).expect("src") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read");
            ids.push((path.clone(), analysis.set_file_text(path, text)));
        }
    }
    let path = dir.join("src").join(file);
    let id = ids.iter().find(|(p, _)| *p == path).expect("file").1;
    let text = analysis.file_text(id).expect("text").to_string();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in {file}"))
        + needle.len()
        - 1;
    let assist = analysis
        .assists(
            id,
            TextRange::empty(TextSize::from(at as u32)),
            AssistResolve::All,
        )
        .into_iter()
        .find(|a| a.id == "convert_impl_to_dyn_star_wrapper")
        .unwrap_or_else(|| panic!("the conversion is offered at `{needle}` in {file}"));
    let change = assist.change.expect("built");
    for f in &change.files {
        let p = analysis.file_path(f.file).expect("path").to_path_buf();
        let before = std::fs::read_to_string(&p).expect("read");
        let after = change.apply_to(f.file, &before).expect("applies");
        std::fs::write(&p, after).expect("write");
    }
    for n in &change.new_files {
        std::fs::write(&n.path, &n.text).expect("create");
    }
}

#[test]
fn impl_trait_parameters_become_dyn_star_values_and_the_program_is_unchanged() {
    let dir = project();
    let before = run(&dir);
    convert(&dir, "main.rs", "x: impl Debug");
    convert(&dir, "main.rs", "it: impl Iterator");
    convert(&dir, "shapes.rs", "s: impl Shape");
    let after = run(&dir);
    assert_eq!(after, before, "the converted program prints the same");
    let main = std::fs::read_to_string(dir.join("src/main.rs")).expect("read");
    let shapes = std::fs::read_to_string(dir.join("src/shapes.rs")).expect("read");
    for needle in [
        "fn print_me_dyn(x: crate::dyn_star::DynDebug<'_>) -> String",
        "fn total_dyn(it: crate::dyn_star::DynIterator<'_, u32>) -> u32",
        "pub mod dyn_star;",
    ] {
        assert!(main.contains(needle), "{needle} in:\n{main}");
    }
    assert!(
        shapes.contains("fn describe_dyn(name: &str, s: DynShape<'_>) -> String"),
        "{shapes}"
    );
    let star = std::fs::read_to_string(dir.join("src/dyn_star.rs")).expect("dyn_star.rs");
    assert_eq!(star.matches("pub struct DynDebug").count(), 1);
    assert_eq!(star.matches("pub struct DynIterator").count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
