//! `code-size`: what the `impl Trait` → dyn* conversion saves in a release binary. Not a test:
//! it measures and prints a markdown table (docs/convert.md).
//!
//! ```text
//! cargo run --release -p dynlens-tests --bin code-size
//! ```
//!
//! A generated Cargo project (std only) has `report(x: impl Debug) -> String`, a function with
//! a non-trivial body, called with 10 argument types. It is built in release mode as written,
//! then after each of dynlens's two conversions (applied through `Analysis::assists`, as the
//! code action does): the monomorphized copies of `report` are counted in the binary's
//! symbols (`nm -C`), and the text size read (`size`). The call overhead is measured too: a
//! call through `DynDebug` against one through `&dyn Debug`, in the same binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use dynlens_core::{Analysis, AssistResolve, TextRange, TextSize};

const MAIN: &str = r#"use std::fmt::Debug;
use std::hint::black_box;

/// A body worth not duplicating: formatting, a loop, branches.
#[inline(never)]
pub fn report(x: impl Debug) -> String {
    let text = format!("{x:?}");
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    for (i, c) in text.chars().enumerate() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                out.push(c);
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                out.push(c);
            }
            ',' => {
                out.push(c);
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
            _ if i % 64 == 63 => {
                out.push(c);
                out.push('\n');
            }
            _ => out.push(c),
        }
    }
    if out.len() > 10_000 {
        out.truncate(10_000);
        out.push_str("…");
    }
    out
}

#[inline(never)]
fn through_dyn(x: &dyn Debug) -> usize {
    format!("{x:?}").len()
}

#[derive(Debug)]
struct Point { x: i32, y: i32 }
#[derive(Debug)]
enum Shape { Circle(f64), Rect { w: u32, h: u32 } }
#[derive(Debug)]
struct Big([u64; 8]);

fn main() {
    let mut total = 0;
    total += report(black_box(1u8)).len();
    total += report(black_box(2u16)).len();
    total += report(black_box(3u32)).len();
    total += report(black_box(4u64)).len();
    total += report(black_box("five")).len();
    total += report(black_box(6.5f64)).len();
    total += report(black_box(Point { x: 7, y: 8 })).len();
    total += report(black_box(Shape::Rect { w: 9, h: 10 })).len();
    total += report(black_box(vec![Shape::Circle(1.0)])).len();
    total += report(black_box(Big([11; 8]))).len();
    let n: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let start = std::time::Instant::now();
    for i in 0..n {
        total += through_dyn(black_box(&(i as u64)));
    }
    let dyn_ns = start.elapsed().as_nanos() as f64 / n.max(1) as f64;
    let start = std::time::Instant::now();
    for i in 0..n {
        total += report_call(black_box(i as u64));
    }
    let star_ns = start.elapsed().as_nanos() as f64 / n.max(1) as f64;
    println!("{total} {dyn_ns:.1} {star_ns:.1}");
}

/// The call measured: `report` itself (through its dyn* value once converted).
#[inline(never)]
fn report_call(v: u64) -> usize {
    report(v).len()
}
"#;

struct Build {
    /// Compiled copies of `report`'s body (`report_dyn` once converted to the wrapper).
    copies: usize,
    /// Copies of the one-line generic wrapper `report`.
    wrappers: usize,
    text: u64,
    dyn_ns: f64,
    call_ns: f64,
}

fn build(dir: &Path) -> Build {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--offline"])
        .current_dir(dir)
        .output()
        .expect("cargo build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = dir.join("target/release/sizes");
    let nm = Command::new("nm").arg("-C").arg(&bin).output().expect("nm");
    let symbols = String::from_utf8_lossy(&nm.stdout).to_string();
    let count = |prefix: &str| {
        symbols
            .lines()
            .filter(|l| {
                let name = l.split_whitespace().skip(2).collect::<Vec<_>>().join(" ");
                name == prefix || name.starts_with(&format!("{prefix}<"))
            })
            .count()
    };
    let (report, inner) = (count("sizes::report"), count("sizes::report_dyn"));
    let (copies, wrappers) = if inner > 0 {
        (inner, report)
    } else {
        (report, 0)
    };
    let size = Command::new("size").arg(&bin).output().expect("size");
    let text = String::from_utf8_lossy(&size.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let run = Command::new(&bin).arg("2000000").output().expect("run");
    let line = String::from_utf8_lossy(&run.stdout).to_string();
    let mut parts = line.split_whitespace().skip(1);
    let dyn_ns = parts
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(f64::NAN);
    let call_ns = parts
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(f64::NAN);
    Build {
        copies,
        wrappers,
        text,
        dyn_ns,
        call_ns,
    }
}

fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynlens-code-size-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"sizes\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n\n[profile.release]\ndebug = false\n",
    )
    .expect("write");
    std::fs::write(dir.join("src/main.rs"), MAIN).expect("write");
    std::fs::canonicalize(&dir).expect("canonical")
}

fn convert(dir: &Path, id: &str) {
    let load = dynlens_loader::load_project(dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let path = dir.join("src/main.rs");
    let file = analysis.set_file_text(path.clone(), MAIN.to_string());
    let at = MAIN.find("x: impl Debug").expect("param") + 8;
    let assist = analysis
        .assists(
            file,
            TextRange::empty(TextSize::from(at as u32)),
            AssistResolve::All,
        )
        .into_iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("{id} offered"));
    let change = assist.change.expect("built");
    let text = change.apply_to(file, MAIN).expect("applies");
    std::fs::write(&path, text).expect("write");
    for n in &change.new_files {
        std::fs::write(&n.path, &n.text).expect("create");
    }
}

fn main() {
    let started = Instant::now();
    let rows = [
        ("as written (`impl Debug`)", None),
        (
            "wrapper over `report_dyn`",
            Some("convert_impl_to_dyn_star_wrapper"),
        ),
        (
            "callers rewritten",
            Some("convert_impl_to_dyn_star_callers"),
        ),
    ];
    println!(
        "| version | copies of the body | generic wrappers | text size | `&dyn Debug` call | `report(u64)` call |"
    );
    println!("|---|---|---|---|---|---|");
    for (i, (name, action)) in rows.iter().enumerate() {
        let dir = project(&i.to_string());
        if let Some(id) = action {
            convert(&dir, id);
        }
        let b = build(&dir);
        println!(
            "| {name} | {} | {} | {} bytes | {:.1} ns | {:.1} ns |",
            b.copies, b.wrappers, b.text, b.dyn_ns, b.call_ns
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    eprintln!("code-size: {:.1?}", started.elapsed());
}
