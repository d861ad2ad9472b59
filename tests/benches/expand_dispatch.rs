//! Benchmark: a call through `DynFoo` (dynlens's dyn* emulation) against the compiler's
//! `&mut dyn Foo` and `Box<dyn Foo>`, an async call through a boxing shim, and the
//! allocations of `DynFoo::new` on a pointer-sized value (counting global allocator).
//!
//! Run: `cargo bench -p dynlens-tests --bench expand_dispatch`. It expands the trait with
//! `dynlens::expand`, compiles the measuring program with `rustc -O` and prints the table.

use dynlens_expand::{ExpandInput, expand_trait};
use std::process::Command;

const TRAIT: &str = "pub trait Counter {\n    fn add(&mut self, x: u64) -> u64;\n    async fn add_later(&mut self, x: u64) -> u64;\n}\n";

const PROGRAM: &str = r#"
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 { ALLOCS.fetch_add(1, Ordering::Relaxed); unsafe { System.alloc(l) } }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) { unsafe { System.dealloc(p, l) } }
}
#[global_allocator]
static GLOBAL: Counting = Counting;

struct Small(u64);
impl Counter for Small {
    #[inline(never)]
    fn add(&mut self, x: u64) -> u64 { self.0 = self.0.wrapping_add(x); self.0 }
    async fn add_later(&mut self, x: u64) -> u64 { Counter::add(self, x) }
}

fn block_on<F: Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
    const VT: RawWakerVTable = RawWakerVTable::new(|_| RawWaker::new(std::ptr::null(), &VT), |_| {}, |_| {}, |_| {});
    let waker = unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VT)) };
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop { if let Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
}

const N: u64 = 50_000_000;
fn time(label: &str, n: u64, mut f: impl FnMut(u64) -> u64) {
    let mut best = f64::MAX;
    let mut sink = 0;
    for _ in 0..5 {
        let start = Instant::now();
        for i in 0..n { sink ^= f(black_box(i)); }
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / n as f64);
    }
    black_box(sink);
    println!("| {label} | {best:.2} ns |");
}

fn main() {
    println!("| call | time per call (best of 5) |\n|---|---|");
    let mut direct = Small(0);
    time("`Small::add` (static dispatch)", N, |i| Counter::add(&mut direct, i));
    let mut v = Small(0);
    let r: &mut dyn Counter2 = &mut v;
    time("`&mut dyn Counter2` (compiler vtable)", N, |i| r.add(i));
    let mut b: Box<dyn Counter2> = Box::new(Small(0));
    time("`Box<dyn Counter2>` (compiler vtable)", N, |i| b.add(i));
    let mut d = DynCounter::new(Small(0));
    time("`DynCounter` (dynlens, inline)", N, |i| d.add(i));
    let mut d = DynCounter::boxed(Small(0));
    time("`DynCounter` (dynlens, boxed)", N, |i| d.add(i));
    let mut s = Small(0);
    time("`async fn` direct, `block_on`", N / 10, |i| block_on(s.add_later(i)));
    let mut d = DynCounter::new(Small(0));
    time("`async fn` through `DynCounter` (boxing shim)", N / 10, |i| block_on(d.add_later(i)));

    let before = ALLOCS.load(Ordering::Relaxed);
    for i in 0..1000 { black_box(DynCounter::new(Small(i))); }
    let small = ALLOCS.load(Ordering::Relaxed) - before;
    let before = ALLOCS.load(Ordering::Relaxed);
    for i in 0..1000 { black_box(Counter::add(&mut DynCounter::new(Small(i)), 1)); }
    let calls = ALLOCS.load(Ordering::Relaxed) - before;
    let before = ALLOCS.load(Ordering::Relaxed);
    for i in 0..1000 { black_box(Box::new(Small(i)) as Box<dyn Counter2>); }
    let boxed = ALLOCS.load(Ordering::Relaxed) - before;
    println!("\n| 1000 × | allocations |\n|---|---|");
    println!("| `DynCounter::new(Small)` (8 bytes) | {small} |");
    println!("| `DynCounter::new(Small)` + a call | {calls} |");
    println!("| `Box::new(Small) as Box<dyn Counter2>` | {boxed} |");
    assert_eq!(small, 0, "DynCounter::new allocated for a pointer-sized value");
}

/// The compiler's `dyn` needs a dyn-compatible trait: `Counter` without its `async fn`.
trait Counter2 { fn add(&mut self, x: u64) -> u64; }
impl Counter2 for Small { fn add(&mut self, x: u64) -> u64 { Counter::add(self, x) } }
"#;

fn main() {
    let e = expand_trait(&ExpandInput {
        trait_source: TRAIT.into(),
        ..Default::default()
    })
    .expect("expansion");
    let dir = std::env::temp_dir().join(format!("dynlens-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let src = dir.join("bench.rs");
    std::fs::write(
        &src,
        format!(
            "#![allow(async_fn_in_trait)]\n{TRAIT}\n{}\n{PROGRAM}",
            e.text
        ),
    )
    .expect("write");
    let exe = dir.join("bench");
    let ok = Command::new("rustc")
        .args([
            "--edition",
            "2024",
            "-C",
            "opt-level=3",
            "-C",
            "codegen-units=1",
            "-o",
        ])
        .arg(&exe)
        .arg(&src)
        .status()
        .expect("rustc");
    assert!(ok.success(), "the benchmark program did not compile");
    let ok = Command::new(&exe).status().expect("run");
    assert!(ok.success(), "the benchmark failed");
    let _ = std::fs::remove_dir_all(&dir);
}
