//! Expansions at the supertrait limit (issue 11): a chain and a ladder of diamonds with
//! `MAX_SUPERTRAITS` supertraits expand, compile and run, within a generous bound; their size
//! grows in proportion to the hierarchy (method tables past the budget of dyn types).
//!
//! Each supertrait's vtable is a constant of its own, reached through a function (see
//! `emit_vtable`). Embedded whole, a chain of 22 traits made a vtable of 2²¹ copies that rustc
//! refused ("constant evaluation is taking a long time"); as pointers, the compiler walked every
//! path to each vtable when collecting what to compile (a 28-trait chain: 43 s, a ladder of
//! diamonds doubles the paths per rung). These programs took about a second each when written.

use super::{run, scratch, supertraits};
use dynlens_expand::{ExpandInput, Expansion, MAX_SUPERTRAITS, expand_trait};
use std::process::Command;
use std::time::{Duration, Instant};

/// Far above the second the programs take, far below a hang.
const BOUND: Duration = Duration::from_secs(120);

/// The traits declared in order, each `(name, supertraits)` with one method `m{index}`
/// returning its index: their names in that order, and the source.
fn declare(decls: Vec<(String, String)>) -> (Vec<String>, String) {
    let traits = decls
        .iter()
        .enumerate()
        .map(|(i, (name, sup))| format!("pub trait {name}{sup} {{ fn m{i}(&self) -> usize; }}\n"))
        .collect();
    (decls.into_iter().map(|(name, _)| name).collect(), traits)
}

/// `T0: T1`, …: `n` traits, `n - 1` supertraits.
fn chain(n: usize) -> (Vec<String>, String) {
    declare(
        (0..n)
            .map(|i| {
                let sup = if i + 1 < n {
                    format!(": T{}", i + 1)
                } else {
                    String::new()
                };
                (format!("T{i}"), sup)
            })
            .collect(),
    )
}

/// `D0: A1 + B1`, `A1: D1`, `B1: D1`, `D1: A2 + B2`, …: every rung doubles the paths from
/// `D0` to the traits below it.
fn ladder(rungs: usize) -> (Vec<String>, String) {
    let mut decls = Vec::new();
    for r in 0..rungs {
        let (a, b, next) = (
            format!("A{}", r + 1),
            format!("B{}", r + 1),
            format!("D{}", r + 1),
        );
        decls.push((format!("D{r}"), format!(": {a} + {b}")));
        decls.push((a, format!(": {next}")));
        decls.push((b, format!(": {next}")));
    }
    decls.push((format!("D{rungs}"), String::new()));
    declare(decls)
}

/// Expands the first trait of `traits` (the others are its supertraits), builds a program that
/// implements every trait for one type, calls every method through the dyn value, upcasts to
/// the second trait and calls its closure's methods (`up_closure`, by index) through that, and
/// runs it within [`BOUND`].
fn expand_compile_run(what: &str, names: &[String], traits: &str, up_closure: &[usize]) {
    let (count, e) = expand_first(what, traits);
    assert!(
        count <= MAX_SUPERTRAITS && count + 3 > MAX_SUPERTRAITS,
        "{what}: {count} supertraits, the test wants the limit ({MAX_SUPERTRAITS})"
    );
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
    // Through the supertrait's own dyn type: its vtable reaches the rest (some through method
    // tables, in a hierarchy this deep).
    let up_calls: String = up_closure
        .iter()
        .map(|i| format!("    assert_eq!(up.m{i}(), {i} + 1);\n"))
        .collect();
    let program = format!(
        "// The expansion's unused constructors.\n#![allow(dead_code)]\n{traits}\n{expansion}\nstruct S(usize);\n{impls}\nfn main() {{\n    let d = Dyn{head}::new(S(1));\n{calls}    let up = d.into_dyn_{upcast_to}();\n{up_calls}    println!(\"ok\");\n}}\n",
        expansion = e.text,
    );
    let dir = scratch(what);
    let src = dir.join("main.rs");
    std::fs::write(&src, program).expect("write program");
    let exe = dir.join("program");
    let start = Instant::now();
    // A file, not a pipe: a pipe fills up with a long error and would stall rustc.
    let stderr_path = dir.join("stderr");
    let mut child = Command::new("rustc")
        .args(["--edition", "2024", "-o"])
        .arg(&exe)
        .arg(&src)
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("rustc");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
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

/// The expansion of the first trait of `traits` (the others are its supertraits), and how
/// many supertraits it has.
fn expand_first(what: &str, traits: &str) -> (usize, Expansion) {
    let file = syn::parse_file(traits).expect("generated traits parse");
    let syn::Item::Trait(head) = &file.items[0] else {
        panic!("no trait")
    };
    let mut supers = Vec::new();
    supertraits(&file, head, &mut supers);
    let count = supers.len();
    let e = expand_trait(&ExpandInput {
        trait_source: quote::quote!(#head).to_string(),
        supertraits: supers,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    (count, e)
}

/// A dyn type for every supertrait would write Σ|closure(S)| impls: bytes per trait growing
/// with the depth (a chain of 16 wrote 20 KB per trait, one of 33 wrote 33 KB). Past the budget
/// for supertraits' dyn types, the others get method tables, so the bytes per trait stop
/// growing: at the limit they are at most what they are at 16 traits, where every supertrait
/// still gets its dyn type.
#[test]
fn expansions_stay_proportional_to_the_hierarchy() {
    let per_trait = |what: &str, (names, traits): (Vec<String>, String)| {
        let (_, e) = expand_first(what, &traits);
        let bytes = e.text.len() / names.len();
        eprintln!("{what}: {} traits, {bytes} bytes per trait", names.len());
        bytes
    };
    let chain_16 = per_trait("chain of 16", chain(16));
    let chain_24 = per_trait("chain of 24", chain(24));
    let chain_33 = per_trait("chain of 33", chain(MAX_SUPERTRAITS + 1));
    assert!(
        chain_24 <= chain_16 && chain_33 <= chain_16,
        "{chain_16} {chain_24} {chain_33}"
    );
    let ladder_16 = per_trait("ladder of 16", ladder(5));
    let ladder_31 = per_trait("ladder of 31", ladder((MAX_SUPERTRAITS - 1) / 3));
    assert!(ladder_31 <= ladder_16, "{ladder_16} {ladder_31}");
}

#[test]
fn a_chain_at_the_supertrait_limit_compiles_and_runs() {
    let (names, traits) = chain(MAX_SUPERTRAITS + 1);
    let up: Vec<usize> = (1..names.len()).collect();
    expand_compile_run("limit-chain", &names, &traits, &up);
}

#[test]
fn a_ladder_of_diamonds_at_the_supertrait_limit_compiles_and_runs() {
    let (names, traits) = ladder((MAX_SUPERTRAITS - 1) / 3);
    // `A1`, then `D1` and all below it.
    let up: Vec<usize> = std::iter::once(1).chain(3..names.len()).collect();
    expand_compile_run("limit-ladder", &names, &traits, &up);
}
