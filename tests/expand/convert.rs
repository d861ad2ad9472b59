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
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts allocations: a small argument must be stored inline in its dyn* value (none), a
/// large one boxed (one).
struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}
#[global_allocator]
static GLOBAL: Counting = Counting;

pub fn width(x: impl Debug) -> usize {
    let _ = &x;
    7
}

fn allocs_of(f: impl FnOnce() -> usize) -> usize {
    let before = ALLOCS.load(Ordering::Relaxed);
    let _ = std::hint::black_box(f());
    ALLOCS.load(Ordering::Relaxed) - before
}

pub fn print_me(x: impl Debug) -> String {
    format!("{x:?}")
}

pub fn total(it: impl Iterator<Item = u32>) -> u32 {
    it.map(|x| x * 2).sum()
}

/// Two std traits: one trait of the crate covers both.
pub fn both(x: impl Debug + std::fmt::Display) -> String {
    format!("{x} / {x:?}")
}

/// The design note's `print_me_later`: the value moves into a closure another thread runs.
pub fn print_me_later(x: impl Debug + Send + 'static) -> impl FnOnce() -> String + Send {
    move || format!("later: {x:?}")
}

/// A std trait with generic arguments, and `Send`.
pub fn sum_later(it: impl Iterator<Item = u32> + Send + 'static) -> u32 {
    std::thread::spawn(move || it.sum()).join().unwrap()
}

/// `Future<Output = u32>`: a `Pin<&mut Self>` method (polled here without an executor).
pub fn run_now(f: impl std::future::Future<Output = u32>) -> u32 {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// `Read`.
pub fn read_all(mut r: impl std::io::Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    s
}

/// A closure parameter: its calls become `f.call((x,))`.
pub fn apply_twice(f: impl Fn(u32) -> u32, x: u32) -> u32 {
    f(f(x)) + f(0)
}

/// A `-> impl Iterator` return: its values become dyn* values, callers are unchanged.
pub fn evens(n: u32) -> impl Iterator<Item = u32> {
    if n > 100 {
        return (0..0).filter(is_even);
    }
    (0..n).filter(is_even)
}

fn is_even(x: &u32) -> bool {
    x % 2 == 0
}

/// One borrowing from its argument (`'_`).
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(' ')
}

/// A type of the crate, private to its root (which the `dyn_star` module sees).
#[derive(Debug, Clone, Copy)]
struct Point {
    x: i32,
    y: i32,
}

/// A closure over the crate's own type: `dyn_star` names it `crate::Point`.
fn moved(p: Point, f: impl Fn(Point) -> Point) -> Point {
    f(f(p))
}

/// An `Append`-like method taking an iterator.
pub struct Bag(Vec<u32>);

impl Bag {
    pub fn append(&mut self, it: impl Iterator<Item = u32>) -> usize {
        self.0.extend(it);
        self.0.len()
    }
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
    println!("{}", shapes::twice_area(shapes::Square(3.0)));
    println!("{}", shapes::area_later(shapes::Square(4.0)));
    println!("{}", shapes::show_ref(&shapes::Square(5.0)));
    println!(
        "allocs boxed: {}",
        allocs_of(|| shapes::show_boxed(Box::new(shapes::Square(6.0))) as usize)
    );
    println!("{}", sum_later(vec![1, 2, 3].into_iter()));
    println!("{} {}", run_now(async { 40 + 2 }), run_now(std::future::ready(7)));
    println!("{}", read_all(&b"read through DynRead"[..]));
    println!("allocs small: {}", allocs_of(|| width(std::hint::black_box(22usize))));
    println!("allocs big: {}", allocs_of(|| width(std::hint::black_box(Big([1; 8])))));
    let job = print_me_later(Big([5; 8]));
    println!("{}", std::thread::spawn(job).join().unwrap());
    println!("{}", std::thread::spawn(print_me_later(9u8)).join().unwrap());
    println!("{} {}", both(5u8), both("s"));
    let k = 5;
    println!("{} {}", apply_twice(|x| x * k, 2), apply_twice(u32::reverse_bits, 1));
    println!("{:?}", moved(Point { x: 1, y: 2 }, |p| Point { x: p.x + k as i32, y: p.y * 2 }));
    let mut bag = Bag(Vec::new());
    println!("{}", bag.append([1, 2].into_iter()));
    println!("{} {:?}", bag.append((5..8).map(|x| x * 2)), bag.0);
    println!("{:?} {}", evens(10).collect::<Vec<_>>(), evens(1000).count());
    println!("{:?}", words("dyn star values").collect::<Vec<_>>());
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

/// A trait of the crate with `Send`: the value goes to another thread.
pub fn area_later(s: impl Shape + Send + 'static) -> f64 {
    std::thread::spawn(move || s.area()).join().unwrap()
}

/// `dyn` parameters: callers rebuild their arguments (`&x`, `Box::new(x)`).
pub fn show_ref(s: &dyn Shape) -> f64 {
    s.area()
}

pub fn show_boxed(s: Box<dyn Shape>) -> f64 {
    s.area()
}

/// A generic parameter used once: converted like `impl Shape`.
pub fn twice_area<S>(s: S) -> f64
where
    S: Shape,
{
    s.area() * 2.0
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
    convert_with(dir, file, needle, "convert_impl_to_dyn_star_wrapper");
}

/// Applies the assist `id` at the `needle` of `file`.
fn convert_with(dir: &Path, file: &str, needle: &str, assist_id: &str) {
    let files: Vec<String> = std::fs::read_dir(dir.join("src"))
        .expect("src")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| format!("src/{}", p.file_name().expect("name").to_string_lossy()))
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    apply_in_workspace(dir, &files, &format!("src/{file}"), needle, 1, assist_id);
}

#[test]
fn impl_trait_parameters_become_dyn_star_values_and_the_program_is_unchanged() {
    let dir = project();
    let before = run(&dir);
    convert(&dir, "main.rs", "fn print_me(x: impl Debug");
    convert(&dir, "main.rs", "it: impl Iterator");
    convert(&dir, "shapes.rs", "s: impl Shape");
    convert(&dir, "shapes.rs", "(s: S");
    convert(&dir, "shapes.rs", "s: impl Shape + Send");
    convert(&dir, "main.rs", "it: impl Iterator<Item = u32> + Send");
    convert(&dir, "main.rs", "f: impl std::future::Future");
    convert(&dir, "main.rs", "r: impl std::io::Read");
    convert_with(
        &dir,
        "shapes.rs",
        "s: &dyn Shape",
        "convert_impl_to_dyn_star_callers",
    );
    convert_with(
        &dir,
        "shapes.rs",
        "s: Box<dyn Shape",
        "convert_impl_to_dyn_star_callers",
    );
    convert(&dir, "main.rs", "x: impl Debug + Send");
    convert(&dir, "main.rs", "pub fn width(x: impl Debug");
    convert(&dir, "main.rs", "fn both(x: impl Debug");
    convert(&dir, "main.rs", "f: impl Fn(");
    convert(&dir, "main.rs", "f: impl Fn(Point");
    convert(&dir, "main.rs", "append(&mut self, it: impl Iterator");
    convert_with(
        &dir,
        "main.rs",
        "u32) -> impl Iterator",
        "convert_impl_return_to_dyn_star",
    );
    convert_with(
        &dir,
        "main.rs",
        "&str) -> impl Iterator",
        "convert_impl_return_to_dyn_star",
    );
    let after = run(&dir);
    // The same output, but for the large value's allocation: boxed in its dyn* value now.
    let big = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("allocs big: "))
            .map(str::to_string)
    };
    assert_eq!(big(&before).as_deref(), Some("allocs big: 0"));
    assert_eq!(big(&after).as_deref(), Some("allocs big: 1"), "{after}");
    // `Box<dyn Shape>` → `DynShape`: the 8-byte square is no longer allocated.
    let boxed = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("allocs boxed: "))
            .map(str::to_string)
    };
    assert_eq!(boxed(&before).as_deref(), Some("allocs boxed: 1"));
    assert_eq!(boxed(&after).as_deref(), Some("allocs boxed: 0"), "{after}");
    let same = |out: &str| {
        out.lines()
            .filter(|l| !l.starts_with("allocs big: ") && !l.starts_with("allocs boxed: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        same(&after),
        same(&before),
        "the converted program prints the same"
    );
    assert!(
        after.contains("allocs small: 0"),
        "a usize is stored inline: {after}"
    );
    let main = std::fs::read_to_string(dir.join("src/main.rs")).expect("read");
    let shapes = std::fs::read_to_string(dir.join("src/shapes.rs")).expect("read");
    for needle in [
        "fn print_me_dyn(x: crate::dyn_star::DynDebug<'_>) -> String",
        "fn total_dyn(it: crate::dyn_star::DynIterator<'_, u32>) -> u32",
        // `Debug + Send + 'static`: one trait covering both, so the value can go to a thread.
        "fn print_me_later_dyn(x: crate::dyn_star::DynDebugSend<'static>) -> impl FnOnce() -> String + Send",
        "pub mod dyn_star;",
        // The closure's calls go through its dyn* value's method.
        "fn apply_twice_dyn(f: crate::dyn_star::DynFnU32ToU32<'_>, x: u32) -> u32 {\n    f.call((f.call((x,)),)) + f.call((0,))",
        "self.append_dyn(crate::dyn_star::DynIterator::new(it))",
        // Returned values wrapped, the one returned early too; a borrow of the argument: `'_`.
        "pub fn evens(n: u32) -> crate::dyn_star::DynIterator<'static, u32> {",
        "return crate::dyn_star::DynIterator::new((0..0).filter(is_even));",
        "    crate::dyn_star::DynIterator::new((0..n).filter(is_even))\n}",
        "pub fn words(s: &str) -> crate::dyn_star::DynIterator<'_, &str> {",
    ] {
        assert!(main.contains(needle), "{needle} in:\n{main}");
    }
    assert!(
        shapes.contains("fn describe_dyn(name: &str, s: DynShape<'_>) -> String"),
        "{shapes}"
    );
    assert!(
        shapes.contains("fn twice_area_dyn(s: DynShape<'_>) -> f64\n{"),
        "{shapes}"
    );
    assert_eq!(
        shapes.matches("pub struct DynShape<").count(),
        1,
        "{shapes}"
    );
    let star = std::fs::read_to_string(dir.join("src/dyn_star.rs")).expect("dyn_star.rs");
    assert_eq!(star.matches("pub struct DynDebug<").count(), 1);
    assert_eq!(star.matches("pub struct DynIterator<").count(), 1);
    assert!(
        star.contains("pub trait DebugSend: std::fmt::Debug + Send {}"),
        "{star}"
    );
    assert!(
        star.contains("pub trait DebugDisplay: std::fmt::Debug + std::fmt::Display {}"),
        "{star}"
    );
    assert!(star.contains("pub trait FnU32ToU32 {"), "{star}");
    assert!(
        star.contains(
            "pub trait FnPointToPoint {\n    fn call(&self, args: (crate::Point,)) -> crate::Point;"
        ),
        "{star}"
    );
    assert!(star.contains("pub struct DynFuture<"), "{star}");
    assert!(star.contains("pub struct DynRead<"), "{star}");
    assert!(
        star.contains("pub trait IteratorItemU32Send: std::iter::Iterator<Item = u32> + Send {}"),
        "{star}"
    );
    if std::env::var_os("DYNLENS_KEEP_PROJECTS").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The variant that rewrites the callers, across the crates of a workspace: a library's
/// `print_me(x: impl Debug)` called from the library itself, from a binary crate by path,
/// through a `pub use` re-export and a `use … as` rename, inside `println!` and `format!`.
#[test]
fn callers_in_every_crate_are_rewritten_and_the_workspace_is_unchanged_in_behaviour() {
    let dir = std::env::temp_dir().join(format!("dynlens-convert-ws-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"mylib\", \"app\"]\n",
    );
    write(
        "mylib/Cargo.toml",
        "[package]\nname = \"mylib\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    write(
        "mylib/src/lib.rs",
        "use std::fmt::Debug;\n\npub mod util {\n    pub use super::print_me as show;\n}\n\npub fn print_me(x: impl Debug) -> String {\n    format!(\"<{x:?}>\")\n}\n\npub fn twice() -> String {\n    format!(\"{}{}\", print_me(1u8), crate::print_me('c'))\n}\n\n/// A method taking a closure, whose callers are rewritten too.\npub struct Log(pub Vec<String>);\n\nimpl Log {\n    pub fn record(&mut self, f: impl Fn(u32) -> u32) -> usize {\n        self.0.push(format!(\"{}\", f(7)));\n        self.0.len()\n    }\n}\n",
    );
    write(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nmylib = { path = \"../mylib\" }\n",
    );
    write(
        "app/src/main.rs",
        "use mylib::util::show as pm;\n\n#[derive(Debug)]\nstruct Big([u64; 8]);\n\nfn main() {\n    println!(\"{}\", mylib::print_me(22usize));\n    let s = pm(\"text\");\n    println!(\"{s} {}\", pm(Big([3; 8])));\n    println!(\"{}\", mylib::twice());\n    let mut log = mylib::Log(Vec::new());\n    let k = 3;\n    log.record(|x| x * k);\n    println!(\"{} {:?}\", log.record(u32::count_ones), log.0);\n}\n",
    );
    let dir = std::fs::canonicalize(&dir).expect("canonical");
    let before = run(&dir);
    // Over the library's files and the binary's.
    let load = dynlens_loader::load_project(&dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let mut lib = None;
    for rel in ["mylib/src/lib.rs", "app/src/main.rs"] {
        let p = dir.join(rel);
        let id = analysis.set_file_text(p.clone(), std::fs::read_to_string(&p).expect("read"));
        if rel.starts_with("mylib") {
            lib = Some(id);
        }
    }
    let lib = lib.expect("lib");
    let text = analysis.file_text(lib).expect("text").to_string();
    let at = text.find("x: impl Debug").expect("param") + 8;
    let assist = analysis
        .assists(
            lib,
            TextRange::empty(TextSize::from(at as u32)),
            AssistResolve::All,
        )
        .into_iter()
        .find(|a| a.id == "convert_impl_to_dyn_star_callers")
        .expect("the callers variant is offered");
    let change = assist.change.clone().expect("built");
    // Two in the library (one by `crate::` path, both inside `format!`), three in the binary
    // (by path inside `println!`, through the re-export renamed `pm`, once inside `println!`).
    assert!(
        assist.label.contains("rewrite 5 calls of `print_me`"),
        "{}",
        assist.label
    );
    assert!(assist.label.contains("public"), "{}", assist.label);
    for f in &change.files {
        let p = analysis.file_path(f.file).expect("path").to_path_buf();
        let before = std::fs::read_to_string(&p).expect("read");
        std::fs::write(&p, change.apply_to(f.file, &before).expect("applies")).expect("write");
    }
    for n in &change.new_files {
        std::fs::write(&n.path, &n.text).expect("create");
    }
    // The method taking a closure: its two calls in the binary (one inside `println!`),
    // closures written in place built with `from_fn` (their argument types inferred); over
    // the files as the first conversion left them.
    let label = apply_in_workspace(
        &dir,
        &[
            "mylib/src/lib.rs",
            "mylib/src/dyn_star.rs",
            "app/src/main.rs",
        ],
        "mylib/src/lib.rs",
        "f: impl Fn",
        2,
        "convert_impl_to_dyn_star_callers",
    );
    assert!(
        label.contains("rewrite 2 calls of `Log::record`"),
        "{label}"
    );
    let after = run(&dir);
    assert_eq!(after, before, "the rewritten workspace prints the same");
    let main = std::fs::read_to_string(dir.join("app/src/main.rs")).expect("read");
    assert!(
        main.contains("log.record(mylib::dyn_star::DynFnU32ToU32::from_fn(|x| x * k))"),
        "{main}"
    );
    let main = std::fs::read_to_string(dir.join("app/src/main.rs")).expect("read");
    assert!(
        main.contains("mylib::print_me(mylib::dyn_star::DynDebug::new(22usize))"),
        "{main}"
    );
    assert!(
        main.contains("pm(mylib::dyn_star::DynDebug::new(\"text\"))"),
        "{main}"
    );
    let lib_text = std::fs::read_to_string(dir.join("mylib/src/lib.rs")).expect("read");
    assert!(
        lib_text.contains("pub fn print_me(x: crate::dyn_star::DynDebug<'_>) -> String"),
        "{lib_text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Loads the workspace at `dir` with the files `files` (relative), applies the assist `id`
/// at `needle` in `file` (the cursor `back` characters before its end) and writes the
/// result; returns the assist's title.
fn apply_in_workspace(
    dir: &Path,
    files: &[&str],
    file: &str,
    needle: &str,
    back: usize,
    id: &str,
) -> String {
    let load = dynlens_loader::load_project(dir).expect("project");
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
    let mut target = None;
    for rel in files {
        let p = dir.join(rel);
        let fid = analysis.set_file_text(p.clone(), std::fs::read_to_string(&p).expect("read"));
        if *rel == file {
            target = Some(fid);
        }
    }
    let target = target.expect("file");
    let text = analysis.file_text(target).expect("text").to_string();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in {file}"))
        + needle.len()
        - back;
    let assist = analysis
        .assists(
            target,
            TextRange::empty(TextSize::from(at as u32)),
            AssistResolve::All,
        )
        .into_iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("{id} offered at {needle}"));
    let change = assist.change.clone().expect("built");
    for f in &change.files {
        let p = analysis.file_path(f.file).expect("path").to_path_buf();
        let before = std::fs::read_to_string(&p).expect("read");
        std::fs::write(&p, change.apply_to(f.file, &before).expect("applies")).expect("write");
    }
    for n in &change.new_files {
        std::fs::write(&n.path, &n.text).expect("create");
    }
    assist.label
}
