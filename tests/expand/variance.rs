//! `DynFoo<'a>` is covariant in `'a`, as `dyn Foo + 'a` is (docs/expansion.md, Soundness
//! decisions → Variance), for the three shapes of trait that matter: a plain trait
//! (`DoTheThing`), a trait with parameters and an associated type (`Lookup<'k, K>`,
//! `type Value`), and a trait whose methods return borrows of `self` (`WidgetContainer`).
//!
//! The expansions of those fixtures are compiled once (a library); then rustc is the oracle:
//! - one crate that must compile: `shorten` for each shape, behind references and in a `Vec`,
//!   and a `Vec` mixing a `DynFoo<'static>` with a value borrowing a local;
//! - snippets that must each fail with a borrow error, and with nothing else: `'a` still bounds
//!   the value (a dyn value built from a borrow cannot outlive it; a `'short` value cannot be
//!   lengthened; a borrow returned by a method cannot outlive the dyn value; `&mut DynFoo<'long>`
//!   is not a `&mut DynFoo<'short>`, through which a short borrow could be stored), and the
//!   trait's parameters and associated types stay invariant, as in `dyn Lookup<'k, K, Value = V>`.
//!
//! The fixture programs (`fixtures/{do_the_thing,generics_lifetimes,widget_container}.rs`) also
//! call methods through shortened values, so that the run and Miri see them.

use std::path::Path;
use std::process::Command;

const SHAPES: &[&str] = &["do_the_thing", "generics_lifetimes", "widget_container"];

/// Types implementing the three traits, for the snippets.
const PRELUDE: &str = r#"
use fixtures::do_the_thing::*;
use fixtures::generics_lifetimes::*;
use fixtures::widget_container::*;
pub struct S(pub u32);
impl DoTheThing for S {
    fn do_the_thing(&self) -> u32 { self.0 }
}
impl<'k> Lookup<'k, String> for S {
    type Value = u32;
    fn get(&self, _: &'k String) -> Option<&u32> { Some(&self.0) }
    fn insert(&mut self, _: &'k String, value: u32) { self.0 = value }
    fn len(&self) -> usize { 1 }
}
pub struct W(pub Vec<u32>);
impl WidgetContainer for W {
    fn widgets(&self) -> &[u32] { &self.0 }
    fn name<'x>(&'x self) -> &'x str { "w" }
    fn add(&mut self, widget: u32) -> usize { self.0.push(widget); self.0.len() }
}
"#;

/// What must compile: shortening `'a`, for every shape.
const COVARIANT: &str = r#"
pub fn shorten<'a, 'b: 'a>(x: DynDoTheThing<'b>) -> DynDoTheThing<'a> { x }
pub fn shorten_lookup<'a, 'b: 'a, 'k>(
    x: DynLookup<'b, 'k, String, u32>,
) -> DynLookup<'a, 'k, String, u32> { x }
pub fn shorten_widgets<'a, 'b: 'a>(x: DynWidgetContainer<'b>) -> DynWidgetContainer<'a> { x }
pub fn shorten_behind_ref<'r, 'a, 'b: 'a>(x: &'r DynWidgetContainer<'b>) -> &'r DynWidgetContainer<'a> { x }
pub fn shorten_in_vec<'a, 'b: 'a>(x: Vec<DynLookup<'b, 'static, String, u32>>) -> Vec<DynLookup<'a, 'static, String, u32>> { x }
pub fn forever() -> DynDoTheThing<'static> { DynDoTheThing::new(S(1)) }
/// A value made before a borrowed one, in one `Vec`: what `Vec<Box<dyn DoTheThing + '_>>` allows.
pub fn mixed() -> u32 {
    let first = forever();
    let local = S(2);
    let v = vec![first, DynDoTheThing::from_ref(&local)];
    v.iter().map(|d| d.do_the_thing()).sum()
}
pub fn mixed_widgets(first: DynWidgetContainer<'static>) -> usize {
    let mut local = W(vec![]);
    let mut v = vec![first, DynWidgetContainer::from_mut(&mut local)];
    v.iter_mut().map(|d| d.add(1) + d.widgets().len() + d.name().len()).sum()
}
pub fn mixed_lookup<'k>(first: DynLookup<'static, 'k, String, u32>, key: &'k String) -> usize {
    let mut local = S(3);
    let mut v = vec![first, DynLookup::from_mut(&mut local)];
    v.iter_mut().map(|d| { d.insert(key, 4); d.len() + d.get(key).map_or(0, |x| *x as usize) }).sum()
}
"#;

/// What must not compile, each with the error rustc must give (and no other error).
/// (`'k` is left free in the invariance checks: `LookupVtable<'a, 'k, K, …>` implies `K: 'k`, so
/// with `'k = 'static` the implied bounds alone would make `'v` and `'w` equal.)
const NOT_COVARIANT: &[(&str, &str, &str)] = &[
    (
        "a dyn value borrowing a local cannot outlive it",
        r#"
pub fn f() -> u32 {
    let d: DynDoTheThing<'_>;
    {
        let local = S(1);
        d = DynDoTheThing::from_ref(&local);
    }
    d.do_the_thing()
}
"#,
        "error[E0597]: `local` does not live long enough",
    ),
    (
        "a dyn value borrowing an argument is not `'static`",
        r#"
pub fn f<'x>(s: &'x S) -> DynDoTheThing<'static> { DynDoTheThing::from_ref(s) }
"#,
        "error: lifetime may not live long enough",
    ),
    (
        "`'a` cannot be lengthened",
        r#"
pub fn f<'a, 'b: 'a>(x: DynDoTheThing<'a>) -> DynDoTheThing<'b> { x }
"#,
        "error: lifetime may not live long enough",
    ),
    (
        "a dyn value that borrows a local cannot be lengthened inside a `Vec` of `'static` ones",
        r#"
pub fn f(v: &mut Vec<DynWidgetContainer<'static>>) {
    let mut local = W(vec![]);
    v.push(DynWidgetContainer::from_mut(&mut local));
}
"#,
        "error[E0597]: `local` does not live long enough",
    ),
    (
        "a borrow returned by a method cannot outlive the dyn value",
        r#"
pub fn f() -> usize {
    let w: &[u32];
    {
        let d = DynWidgetContainer::new(W(vec![1]));
        w = d.widgets();
    }
    w.len()
}
"#,
        "error[E0597]: `d` does not live long enough",
    ),
    (
        "`&mut DynFoo<'long>` is not a `&mut DynFoo<'short>` (a short borrow could be stored through it)",
        r#"
pub fn f<'a, 'b: 'a>(x: &'a mut DynDoTheThing<'b>) -> &'a mut DynDoTheThing<'a> { x }
"#,
        "error: lifetime may not live long enough",
    ),
    (
        "a trait lifetime parameter is invariant, as in `dyn Lookup<'k, K>`",
        r#"
pub fn f<'a, 'k, 'l: 'k>(x: DynLookup<'a, 'l, String, u32>) -> DynLookup<'a, 'k, String, u32> { x }
"#,
        "error: lifetime may not live long enough",
    ),
    (
        "a trait type parameter is invariant, as in `dyn Lookup<'k, K>`",
        r#"
pub fn f<'a, 'k, 'v, 'w: 'v>(x: DynLookup<'a, 'k, &'w str, u32>) -> DynLookup<'a, 'k, &'v str, u32> { x }
"#,
        "error: lifetime may not live long enough",
    ),
    (
        "an associated type is invariant, as in `dyn Lookup<'k, K, Value = V>`",
        r#"
pub fn f<'a, 'k, 'v, 'w: 'v>(x: DynLookup<'a, 'k, String, &'w str>) -> DynLookup<'a, 'k, String, &'v str> { x }
"#,
        "error: lifetime may not live long enough",
    ),
];

/// Compiles `body` (after the prelude) as a library against the fixtures; returns rustc's
/// stderr, or `None` when it compiled.
fn check(dir: &Path, name: &str, body: &str) -> Option<String> {
    let src = dir.join(format!("{name}.rs"));
    std::fs::write(&src, format!("{PRELUDE}\n{body}")).expect("write snippet");
    let out = Command::new("rustc")
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit=metadata",
            "--crate-name",
            name,
            "--extern",
        ])
        .arg(format!(
            "fixtures={}",
            dir.join("libfixtures.rlib").display()
        ))
        .arg("--out-dir")
        .arg(dir)
        .arg(&src)
        .output()
        .expect("run rustc");
    (!out.status.success()).then(|| String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn dyn_values_are_covariant_in_their_lifetime_only() {
    let dir = super::scratch("variance");
    let mut lib = String::from("#![deny(warnings)]\n");
    for f in super::fixtures() {
        if SHAPES.contains(&f.name.as_str()) {
            let e = super::expand(&f);
            lib.push_str(&format!(
                "pub mod {} {{\n{}\n{}\n}}\n",
                f.name, f.traits, e.text
            ));
        }
    }
    let lib_path = dir.join("lib.rs");
    std::fs::write(&lib_path, lib).expect("write lib");
    super::run(
        Command::new("rustc")
            .args([
                "--edition",
                "2024",
                "--crate-type",
                "rlib",
                "--crate-name",
                "fixtures",
                "-o",
            ])
            .arg(dir.join("libfixtures.rlib"))
            .arg(&lib_path),
        "rustc (expansions)",
    );
    if let Some(stderr) = check(&dir, "covariant", COVARIANT) {
        panic!("shortening `'a` must compile, for every shape:\n{stderr}");
    }
    for (i, (what, body, expected)) in NOT_COVARIANT.iter().enumerate() {
        let stderr = check(&dir, &format!("not_covariant_{i}"), body)
            .unwrap_or_else(|| panic!("must not compile ({what}):\n{body}"));
        assert!(
            stderr.contains(expected),
            "{what}: expected `{expected}`:\n{body}\n{stderr}"
        );
        // Only the expected error: the snippet fails for the reason it is about.
        for line in stderr.lines().filter(|l| l.starts_with("error")) {
            assert!(
                line == *expected || line.starts_with("error: aborting due to"),
                "{what}: unexpected `{line}`:\n{body}\n{stderr}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
