//! Expansions at the supertrait limit (issue 11): a chain and a ladder of diamonds with
//! `MAX_SUPERTRAITS` supertraits expand, compile and run, within a generous bound.
//!
//! Each supertrait's vtable is a constant of its own, reached through a function (see
//! `emit_vtable`). Embedded whole, a chain of 22 traits made a vtable of 2²¹ copies that rustc
//! refused ("constant evaluation is taking a long time"); as pointers, the compiler walked every
//! path to each vtable when collecting what to compile (a 28-trait chain: 43 s, a ladder of
//! diamonds doubles the paths per rung). These programs took about a second each when written.

use super::{run, scratch, supertraits};
use dynlens_expand::{ExpandInput, MAX_SUPERTRAITS, expand_trait};
use std::process::Command;
use std::time::{Duration, Instant};

/// Far above the second the programs take, far below a hang.
const BOUND: Duration = Duration::from_secs(120);

/// `T0: T1`, …, each with one method returning its index: `n` traits, `n - 1` supertraits.
fn chain(n: usize) -> (Vec<String>, String) {
    let names: Vec<String> = (0..n).map(|i| format!("T{i}")).collect();
    let traits = (0..n)
        .map(|i| {
            let sup = if i + 1 < n {
                format!(": T{}", i + 1)
            } else {
                String::new()
            };
            format!("pub trait T{i}{sup} {{ fn m{i}(&self) -> usize; }}\n")
        })
        .collect();
    (names, traits)
}

/// `D0: A1 + B1`, `A1: D1`, `B1: D1`, `D1: A2 + B2`, …: every rung doubles the paths from
/// `D0` to the traits below it.
fn ladder(rungs: usize) -> (Vec<String>, String) {
    let mut traits = String::new();
    let mut index = 0;
    let mut method = |name: &str, sup: String, traits: &mut String| {
        traits.push_str(&format!(
            "pub trait {name}{sup} {{ fn m{index}(&self) -> usize; }}\n"
        ));
        index += 1;
    };
    for r in 0..rungs {
        let (d, a, b, next) = (
            format!("D{r}"),
            format!("A{}", r + 1),
            format!("B{}", r + 1),
            format!("D{}", r + 1),
        );
        method(&d, format!(": {a} + {b}"), &mut traits);
        method(&a, format!(": {next}"), &mut traits);
        method(&b, format!(": {next}"), &mut traits);
    }
    method(&format!("D{rungs}"), String::new(), &mut traits);
    // The method names follow declaration order: D0, A1, B1, D1, A2, …
    let order: Vec<String> = (0..rungs)
        .flat_map(|r| {
            [
                format!("D{r}"),
                format!("A{}", r + 1),
                format!("B{}", r + 1),
            ]
        })
        .chain([format!("D{rungs}")])
        .collect();
    (order, traits)
}

/// Expands the first trait of `traits` (the others are its supertraits), builds a program that
/// implements every trait for one type, calls every method through the dyn value and upcasts
/// once, and runs it within [`BOUND`].
fn expand_compile_run(what: &str, names: &[String], traits: &str) {
    let file = syn::parse_file(traits).expect("generated traits parse");
    let syn::Item::Trait(head) = &file.items[0] else {
        panic!("no trait")
    };
    let mut supers = Vec::new();
    supertraits(&file, head, &mut supers);
    assert!(
        supers.len() <= MAX_SUPERTRAITS && supers.len() + 3 > MAX_SUPERTRAITS,
        "{what}: {} supertraits, the test wants the limit ({MAX_SUPERTRAITS})",
        supers.len()
    );
    let e = expand_trait(&ExpandInput {
        trait_source: quote::quote!(#head).to_string(),
        supertraits: supers,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(e.complete, "{what}: {}", e.title);
    let head = &names[0];
    let impls: String = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("impl {n} for S {{ fn m{i}(&self) -> usize {{ {i} + self.0 }} }}\n"))
        .collect();
    let calls: String = (0..names.len())
        .map(|i| format!("    assert_eq!(d.m{i}(), {i} + 1);\n"))
        .collect();
    let upcast_to = names[1].to_lowercase();
    let program = format!(
        "// The expansion's unused constructors.\n#![allow(dead_code)]\n{traits}\n{expansion}\nstruct S(usize);\n{impls}\nfn main() {{\n    let d = Dyn{head}::new(S(1));\n{calls}    let up = d.into_dyn_{upcast_to}();\n    assert_eq!(up.m1(), 2);\n    println!(\"ok\");\n}}\n",
        expansion = e.text,
    );
    let dir = scratch(what);
    let src = dir.join("main.rs");
    std::fs::write(&src, program).expect("write program");
    let exe = dir.join("program");
    let start = Instant::now();
    let mut child = Command::new("rustc")
        .args(["--edition", "2024", "-o"])
        .arg(&exe)
        .arg(&src)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rustc");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            use std::io::Read as _;
            child.stderr.take().map(|mut s| s.read_to_string(&mut err));
            assert!(status.success(), "{what}: rustc failed:\n{err}");
            break;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            panic!("{what}: rustc did not finish in {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let compiled = start.elapsed();
    let out = run(&mut Command::new(&exe), what);
    assert_eq!(out, "ok\n", "{what}");
    eprintln!(
        "{what}: {} traits, {} bytes of expansion, compiled in {compiled:.1?}",
        names.len(),
        e.text.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_chain_at_the_supertrait_limit_compiles_and_runs() {
    let (names, traits) = chain(MAX_SUPERTRAITS + 1);
    expand_compile_run("limit-chain", &names, &traits);
}

#[test]
fn a_ladder_of_diamonds_at_the_supertrait_limit_compiles_and_runs() {
    let (names, traits) = ladder((MAX_SUPERTRAITS - 1) / 3);
    expand_compile_run("limit-ladder", &names, &traits);
}
