//! The plan as the specification of what `DynFoo` carries: one test per kind of carry, the
//! supertraits, and the blockers of `impl Foo for DynFoo`.

use std::fmt::Write;

use expect_test::{Expect, expect};

use crate::{Carry, ExpandError, ExpandInput, SupertraitInput, plan};

fn supertrait(path: &str, source: &str) -> SupertraitInput {
    SupertraitInput {
        path: path.into(),
        source: source.into(),
        is_auto: source.contains("auto trait"),
        // Resolved as the core would: a std path is std's trait, any other path the user's.
        std: dynlens_std::trait_info(path).map(|info| info.canonical_path.to_string()),
        already_expanded: false,
        methods_expanded: false,
        blanket_impl: false,
    }
}

const DEBUG: &str = "pub trait Debug { fn fmt(&self, f: &mut Formatter<'_>) -> Result; }";

/// The plan, one line per decision.
fn render(input: &ExpandInput) -> String {
    let plan = plan(input).expect("plans");
    let mut out = String::new();
    for m in plan.methods() {
        writeln!(out, "fn {}: {}", m.name, carry(&m.carry)).unwrap();
    }
    for s in plan.supertraits() {
        // A trait instantiated several times: each instantiation, with the vtable returned for it.
        let several = plan
            .supertraits()
            .iter()
            .filter(|o| o.name == s.name)
            .count()
            > 1;
        if several {
            writeln!(out, "supertrait {} ({:?})", s.instance, s.kind).unwrap();
            if let Some(e) = &s.vtable {
                let upcast = e.upcast.as_deref().unwrap_or("(none: a method table)");
                writeln!(out, "    returned by `{}`, upcast `{upcast}`", e.field).unwrap();
            }
        } else {
            writeln!(out, "supertrait {} ({:?})", s.name, s.kind).unwrap();
        }
        for m in &s.methods {
            writeln!(out, "    fn {}: {}", m.name, carry(&m.carry)).unwrap();
        }
        if let Some(b) = &s.blocker {
            writeln!(out, "    not implemented: {b}").unwrap();
        }
    }
    for b in plan.blockers() {
        writeln!(out, "blocker: {b}").unwrap();
    }
    writeln!(out, "complete: {}", plan.complete()).unwrap();
    writeln!(out, "title: {}", plan.title()).unwrap();
    out
}

fn carry(c: &Carry) -> String {
    match c {
        Carry::Plain => "plain vtable entry".into(),
        Carry::Exempt => "exempt (the default body)".into(),
        Carry::Boxing => "boxing shim".into(),
        Carry::Erasing => "erasing shim".into(),
        Carry::ByValue => "by value".into(),
        Carry::ReturnsSelf => "returns a new dyn value".into(),
        Carry::Cannot(why) => format!("cannot: {why}"),
    }
}

fn check(trait_source: &str, expect: Expect) {
    check_with(
        ExpandInput {
            trait_source: trait_source.into(),
            ..Default::default()
        },
        expect,
    );
}

fn check_with(input: ExpandInput, expect: Expect) {
    expect.assert_eq(&render(&input));
}

#[test]
fn plain_methods_take_plain_slots() {
    check(
        "trait Greet { fn hello(&self) -> String; fn rename(&mut self, to: &str); }",
        expect![[r#"
            fn hello: plain vtable entry
            fn rename: plain vtable entry
            complete: true
            title: dynlens: Expand `Greet` into explicit vtable
        "#]],
    );
}

#[test]
fn sized_methods_and_static_functions_with_a_body_are_exempt() {
    check(
        "trait Shape {
            fn area(&self) -> f64;
            fn doubled(self) -> f64 where Self: Sized { self.area() * 2.0 }
            fn unit() -> f64 { 1.0 }
        }",
        expect![[r#"
            fn area: plain vtable entry
            fn doubled: exempt (the default body)
            fn unit: exempt (the default body)
            complete: true
            title: dynlens: Expand `Shape` into explicit vtable
        "#]],
    );
}

#[test]
fn async_fn_and_return_impl_trait_go_through_boxing_shims() {
    check(
        "trait Fetch {
            async fn fetch(&self, url: &str) -> Vec<u8>;
            fn lines(&self) -> impl Iterator<Item = String>;
        }",
        expect![[r#"
            fn fetch: boxing shim
            fn lines: boxing shim
            complete: true
            title: dynlens: Expand `Fetch` into explicit vtable
        "#]],
    );
}

#[test]
fn generic_arguments_go_through_erasing_shims() {
    check(
        "trait Log {
            fn show(&self, x: impl std::fmt::Display);
            fn each<F: FnMut(u8)>(&self, f: F);
        }",
        expect![[r#"
            fn show: erasing shim
            fn each: erasing shim
            complete: true
            title: dynlens: Expand `Log` into explicit vtable
        "#]],
    );
}

#[test]
fn by_value_receivers_move_out_of_the_dyn_value() {
    check(
        "trait Job { fn run(self) -> u8; fn run_boxed(self: Box<Self>); }",
        expect![[r#"
            fn run: by value
            fn run_boxed: by value
            complete: true
            title: dynlens: Expand `Job` into explicit vtable
        "#]],
    );
}

#[test]
fn returning_self_builds_a_new_dyn_value() {
    check(
        "trait Dup { fn dup(&self) -> Self; }",
        expect![[r#"
            fn dup: returns a new dyn value
            complete: true
            title: dynlens: Expand `Dup` into explicit vtable
        "#]],
    );
}

#[test]
fn what_cannot_be_carried_blocks_the_impl() {
    check(
        "trait Cmp {
            fn key(&self) -> u8;
            fn same(&self, other: &Self) -> bool;
            fn make() -> Self;
            fn share(self: std::rc::Rc<Self>);
        }",
        expect![[r#"
            fn key: plain vtable entry
            fn same: cannot: `fn same(&self, other: &Self) -> bool`: it takes `Self` inside an argument (`&Self`), and a dyn value cannot know the other value's type
            fn make: cannot: `fn make() -> Self`: it has no `self` receiver and no default body
            fn share: cannot: `fn share(self: std::rc::Rc<Self>)`: `self: Rc<Self>` needs the value inside an `Rc` allocation, which a dyn* value cannot hand out
            blocker: `fn same(&self, other: &Self) -> bool`: it takes `Self` inside an argument (`&Self`), and a dyn value cannot know the other value's type
            blocker: `fn make() -> Self`: it has no `self` receiver and no default body
            blocker: `fn share(self: std::rc::Rc<Self>)`: `self: Rc<Self>` needs the value inside an `Rc` allocation, which a dyn* value cannot hand out
            complete: false
            title: dynlens: Expand `Cmp` into explicit vtable (without `impl Cmp for DynCmp`: `fn same(&self, other: &Self) -> bool`: it takes `Self` inside an argument (`&Self`), and a dyn value cannot know the other value's type; `fn make() -> Self`: it has no `self` receiver and no default body; `fn share(self: std::rc::Rc<Self>)`: `self: Rc<Self>` needs the value inside an `Rc` allocation, which a dyn* value cannot hand out)
        "#]],
    );
}

#[test]
fn consts_and_generic_associated_types_block_the_impl() {
    check(
        "trait Table { const N: usize; type Row<'a>; fn len(&self) -> usize; }",
        expect![[r#"
            fn len: plain vtable entry
            blocker: the generic associated type `Row`: a dyn type would need it for every choice of its parameters
            blocker: `const N`: an associated const is known per type at compile time, and `DynTable` erases the type
            complete: false
            title: dynlens: Expand `Table` into explicit vtable (without `impl Table for DynTable`: the generic associated type `Row`: a dyn type would need it for every choice of its parameters; `const N`: an associated const is known per type at compile time, and `DynTable` erases the type)
        "#]],
    );
}

#[test]
fn a_blanket_impl_and_an_unknown_supertrait_block_the_impl() {
    check_with(
        ExpandInput {
            trait_source: "trait Tagged: Mystery { fn tag(&self) -> u8; }".into(),
            blanket_impl: true,
            ..Default::default()
        },
        expect![[r#"
            fn tag: plain vtable entry
            blocker: a blanket `impl<T> Tagged for T` in the workspace covers `DynTagged` already (a second impl would conflict)
            blocker: the supertrait `Mystery` is unknown to dynlens, so the dyn value cannot implement it
            complete: false
            title: dynlens: Expand `Tagged` into explicit vtable (without `impl Tagged for DynTagged`: a blanket `impl<T> Tagged for T` in the workspace covers `DynTagged` already (a second impl would conflict); the supertrait `Mystery` is unknown to dynlens, so the dyn value cannot implement it)
        "#]],
    );
}

#[test]
fn supertraits_auto_std_and_user() {
    check_with(
        ExpandInput {
            trait_source: "trait Widget: Shape + std::fmt::Debug + Send { fn draw(&self); }".into(),
            supertraits: vec![
                supertrait("Shape", "trait Shape { fn area(&self) -> f64; }"),
                supertrait("std::fmt::Debug", DEBUG),
                supertrait("Send", "pub unsafe auto trait Send {}"),
            ],
            ..Default::default()
        },
        expect![[r#"
            fn draw: plain vtable entry
            supertrait Shape (User)
                fn area: plain vtable entry
            supertrait Debug (Std)
                fn fmt: plain vtable entry
            supertrait Send (Auto)
            complete: true
            title: dynlens: Expand `Widget` into explicit vtable
        "#]],
    );
}

#[test]
fn a_supertrait_that_cannot_be_carried_blocks_the_impl() {
    check_with(
        ExpandInput {
            trait_source: "trait Point: Copy + Base { fn x(&self) -> i32; }".into(),
            supertraits: vec![
                supertrait("Copy", "pub trait Copy: Clone {}"),
                supertrait("Base", "trait Base { fn make() -> Self; }"),
            ],
            ..Default::default()
        },
        expect![[r#"
            fn x: plain vtable entry
            supertrait Copy (Std)
                not implemented: the supertrait `Copy`: a dyn* value has drop glue (it may own a `Box`), so it cannot be `Copy`
            supertrait Base (User)
                fn make: cannot: `fn make() -> Self`: it has no `self` receiver and no default body
                not implemented: `fn make() -> Self`: it has no `self` receiver and no default body
            blocker: the supertrait `Copy`: a dyn* value has drop glue (it may own a `Box`), so it cannot be `Copy`
            blocker: the supertrait `Base` cannot be implemented for a dyn value (`fn make() -> Self`: it has no `self` receiver and no default body)
            blocker: `Base` cannot be implemented for `DynPoint`: `fn make() -> Self`: it has no `self` receiver and no default body
            complete: false
            title: dynlens: Expand `Point` into explicit vtable (without `impl Point for DynPoint`: the supertrait `Copy`: a dyn* value has drop glue (it may own a `Box`), so it cannot be `Copy`; the supertrait `Base` cannot be implemented for a dyn value (`fn make() -> Self`: it has no `self` receiver and no default body); `Base` cannot be implemented for `DynPoint`: `fn make() -> Self`: it has no `self` receiver and no default body)
        "#]],
    );
}

#[test]
fn the_title_names_the_forwarding_impls() {
    let input = ExpandInput {
        trait_source: "trait Greet { fn hello(&self); }".into(),
        forwarding_impls: true,
        ..Default::default()
    };
    expect!["dynlens: Expand `Greet` into explicit vtable with forwarding impls"]
        .assert_eq(plan(&input).unwrap().title());
}

#[test]
fn a_trait_that_does_not_parse_is_an_error() {
    let err = plan(&ExpandInput {
        trait_source: "trait Foo { fn f(&self) ".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(matches!(err, ExpandError::TraitDoesNotParse(_)), "{err:?}");
    expect!["the trait does not parse as Rust: cannot parse string into token stream"]
        .assert_eq(&err.to_string());
}

const SUPER: &str = "trait Super<T> { type Assoc; }";

#[test]
fn a_projection_through_a_supertrait_as_instantiated_is_its_parameter() {
    check_with(
        ExpandInput {
            trait_source: "trait Foo: Super<u8> {
                fn get(&self) -> <Self as Super<u8>>::Assoc;
                fn put(&mut self, x: Option<Vec<<Self as Super<u8>>::Assoc>>);
                fn short(&self) -> Self::Assoc;
            }"
            .into(),
            supertraits: vec![supertrait("Super", SUPER)],
            ..Default::default()
        },
        expect![[r#"
            fn get: plain vtable entry
            fn put: plain vtable entry
            fn short: plain vtable entry
            supertrait Super (User)
            complete: true
            title: dynlens: Expand `Foo` into explicit vtable
        "#]],
    );
}

#[test]
fn a_projection_through_other_arguments_is_not_carried() {
    check_with(
        ExpandInput {
            trait_source: "trait Foo: Super<u8> {
                fn get(&self) -> <Self as Super<u16>>::Assoc;
                fn put(&mut self, x: Option<Vec<<Self as Super<u16>>::Assoc>>);
                fn sized(&self) -> <Self as Super<u16>>::Assoc where Self: Sized;
                fn with_default(&self) -> <Self as Super<u16>>::Assoc where Self: Sized { todo!() }
                fn bounded(&self) where <Self as Super<u16>>::Assoc: Copy;
            }"
            .into(),
            supertraits: vec![supertrait("Super", SUPER)],
            ..Default::default()
        },
        expect![[r#"
            fn get: cannot: `fn get(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            fn put: cannot: `fn put(&mut self, x: Option<Vec<<Self as Super<u16>>::Assoc>>)`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            fn sized: cannot: `fn sized(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            fn with_default: exempt (the default body)
            fn bounded: cannot: `fn bounded(&self)`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            supertrait Super (User)
            blocker: `fn get(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            blocker: `fn put(&mut self, x: Option<Vec<<Self as Super<u16>>::Assoc>>)`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            blocker: `fn sized(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            blocker: `fn bounded(&self)`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            complete: false
            title: dynlens: Expand `Foo` into explicit vtable (without `impl Foo for DynFoo`: `fn get(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it; `fn put(&mut self, x: Option<Vec<<Self as Super<u16>>::Assoc>>)`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it; `fn sized(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it; `fn bounded(&self)`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it)
        "#]],
    );
}

#[test]
fn a_projection_through_a_fixed_binding_or_a_default_argument() {
    check_with(
        ExpandInput {
            trait_source: "trait Foo: Super<u8, Assoc = u32> + Dflt {
                fn fixed(&self) -> <Self as Super<u8>>::Assoc;
                fn written(&self) -> <Self as Dflt<u8>>::Out;
                fn left_out(&self) -> <Self as Dflt>::Out;
                fn aliased(&self) -> <Self as Dflt<Byte>>::Out;
            }"
            .into(),
            supertraits: vec![
                supertrait("Super", SUPER),
                supertrait("Dflt", "trait Dflt<T = u8> { type Out; }"),
            ],
            ..Default::default()
        },
        expect![[r#"
            fn fixed: plain vtable entry
            fn written: plain vtable entry
            fn left_out: plain vtable entry
            fn aliased: cannot: `fn aliased(&self) -><Self as Dflt<Byte>>::Out`: `<Self as Dflt<Byte>>::Out` projects through `Dflt<Byte>`, which is not a supertrait of `Foo` (it has `Dflt<u8>`): the dyn value cannot name it
            supertrait Super (User)
            supertrait Dflt (User)
            blocker: `fn aliased(&self) -><Self as Dflt<Byte>>::Out`: `<Self as Dflt<Byte>>::Out` projects through `Dflt<Byte>`, which is not a supertrait of `Foo` (it has `Dflt<u8>`): the dyn value cannot name it
            complete: false
            title: dynlens: Expand `Foo` into explicit vtable (without `impl Foo for DynFoo`: `fn aliased(&self) -><Self as Dflt<Byte>>::Out`: `<Self as Dflt<Byte>>::Out` projects through `Dflt<Byte>`, which is not a supertrait of `Foo` (it has `Dflt<u8>`): the dyn value cannot name it)
        "#]],
    );
}

#[test]
fn a_projection_through_a_grandparent_supertrait() {
    let input = |arg: &str| ExpandInput {
        trait_source: format!("trait Foo: Mid {{ fn g(&self) -> <Self as Super<{arg}>>::Assoc; }}"),
        supertraits: vec![
            supertrait("Mid", "trait Mid: Super<u8> { fn f(&self); }"),
            supertrait("Super", SUPER),
        ],
        ..Default::default()
    };
    check_with(
        input("u8"),
        expect![[r#"
            fn g: plain vtable entry
            supertrait Mid (User)
                fn f: plain vtable entry
            supertrait Super (User)
            complete: true
            title: dynlens: Expand `Foo` into explicit vtable
        "#]],
    );
    check_with(
        input("u16"),
        expect![[r#"
            fn g: cannot: `fn g(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            supertrait Mid (User)
                fn f: plain vtable entry
            supertrait Super (User)
            blocker: `fn g(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it
            complete: false
            title: dynlens: Expand `Foo` into explicit vtable (without `impl Foo for DynFoo`: `fn g(&self) -><Self as Super<u16>>::Assoc`: `<Self as Super<u16>>::Assoc` projects through `Super<u16>`, which is not a supertrait of `Foo` (it has `Super<u8>`): the dyn value cannot name it)
        "#]],
    );
}

/// tower's `Service` and serde's `Serializer` shape: an associated type named like the trait
/// its bound names. The dyn type's parameter `Future` must not capture the bound's `Future`:
/// the bound is written by a path the parameter cannot shadow.
#[test]
fn parameters_named_after_associated_types_do_not_shadow_the_traits_they_name() {
    let input = |source: &str, std_names: Vec<(String, Option<String>)>| ExpandInput {
        trait_source: source.into(),
        supertraits: Vec::new(),
        forwarding_impls: false,
        blanket_impl: false,
        std_names,
        ..Default::default()
    };
    let text = crate::expand_trait(&input(
        "pub trait Svc<R> { type Error; type Future: Future<Output = Result<u8, Self::Error>>; fn call(&mut self, r: R) -> Self::Future; }",
        Vec::new(),
    ))
    .expect("expands")
    .text;
    assert!(
        text.contains("Future: ::core::future::Future<Output = Result<u8, Error>>"),
        "{text}"
    );
    // A user's trait of the same name: through the module (`self::`).
    let text = crate::expand_trait(&input(
        "pub trait Ser { type Error: Error; fn fail(&self) -> Self::Error; }",
        vec![("Error".into(), None)],
    ))
    .expect("expands")
    .text;
    assert!(text.contains("Error: self::Error"), "{text}");
}

const SUPERTRAIT: &str = "pub trait Supertrait<T> { fn p(&self) -> u8; }";

fn with_supertraits(trait_source: &str, supertraits: Vec<SupertraitInput>) -> ExpandInput {
    ExpandInput {
        trait_source: trait_source.into(),
        supertraits,
        ..Default::default()
    }
}

/// `Supertrait<T> + Supertrait<U>` (issue 12): rustc lays out a vtable segment per
/// instantiation, and so does the expansion: two vtables returned, two upcasts. But
/// `impl Supertrait<T> for DynTrait` and `impl Supertrait<U> for DynTrait` would overlap
/// (E0119) since `T = U` is possible, so neither is written (their methods are inherent
/// methods, `supertrait_t_p`, `supertrait_u_p`), and `impl Trait for DynTrait`, which needs
/// both, is blocked. The expansion compiles and runs: `tests/expand/fixtures/supertrait_twice.rs`.
#[test]
fn a_supertrait_instantiated_twice_has_two_vtables_and_blocks_the_impl_where_they_may_overlap() {
    check_with(
        with_supertraits(
            "pub trait Trait<T, U>: Supertrait<T> + Supertrait<U> { fn say_hello(&self); }",
            vec![supertrait("Supertrait", SUPERTRAIT)],
        ),
        expect![[r#"
            fn say_hello: plain vtable entry
            supertrait Supertrait<T> (User)
                returned by `supertrait_t`, upcast `into_dyn_supertrait_t`
                fn p: plain vtable entry
                not implemented: it would overlap `impl Supertrait<U> for DynTrait` (E0119: they are the same trait when `T = U`)
            supertrait Supertrait<U> (User)
                returned by `supertrait_u`, upcast `into_dyn_supertrait_u`
                fn p: plain vtable entry
                not implemented: it would overlap `impl Supertrait<T> for DynTrait` (E0119: they are the same trait when `U = T`)
            blocker: the supertrait `Supertrait` is instantiated twice (`Supertrait<T>`, `Supertrait<U>`): `impl Supertrait<T> for DynTrait` and `impl Supertrait<U> for DynTrait` would overlap (E0119: they are the same trait when `T = U`), so `DynTrait` implements neither; it upcasts to each instead
            complete: false
            title: dynlens: Expand `Trait` into explicit vtable (without `impl Trait for DynTrait`: the supertrait `Supertrait` is instantiated twice (`Supertrait<T>`, `Supertrait<U>`): `impl Supertrait<T> for DynTrait` and `impl Supertrait<U> for DynTrait` would overlap (E0119: they are the same trait when `T = U`), so `DynTrait` implements neither; it upcasts to each instead)
        "#]],
    );
    // Instantiations that can never be equal keep their impls, and `impl Both for DynBoth`
    // is written: `u8` and `u16` differ, and no `T` is `Vec<T>`.
    check_with(
        with_supertraits(
            "pub trait Both: Supertrait<u8> + Supertrait<u16> { fn say_hello(&self); }",
            vec![supertrait("Supertrait", SUPERTRAIT)],
        ),
        expect![[r#"
            fn say_hello: plain vtable entry
            supertrait Supertrait<u8> (User)
                returned by `supertrait_u8`, upcast `into_dyn_supertrait_u8`
                fn p: plain vtable entry
            supertrait Supertrait<u16> (User)
                returned by `supertrait_u16`, upcast `into_dyn_supertrait_u16`
                fn p: plain vtable entry
            complete: true
            title: dynlens: Expand `Both` into explicit vtable
        "#]],
    );
    let plan = plan(&with_supertraits(
        "pub trait Nested<T>: Supertrait<T> + Supertrait<Vec<T>> { fn f(&self); }",
        vec![supertrait("Supertrait", SUPERTRAIT)],
    ))
    .expect("plans");
    assert!(plan.complete(), "{plan:?}");
    // `<u8>`, `<u16>` and `<T>`: `T` may be either, so none of the three has an impl (which
    // two to keep would be an arbitrary choice).
    check_with(
        with_supertraits(
            "pub trait Three<T>: Supertrait<u8> + Supertrait<u16> + Supertrait<T> { fn t(&self); }",
            vec![supertrait("Supertrait", SUPERTRAIT)],
        ),
        expect![[r#"
            fn t: plain vtable entry
            supertrait Supertrait<u8> (User)
                returned by `supertrait_u8`, upcast `into_dyn_supertrait_u8`
                fn p: plain vtable entry
                not implemented: it would overlap `impl Supertrait<T> for DynThree` (E0119: they are the same trait when `T = u8`)
            supertrait Supertrait<u16> (User)
                returned by `supertrait_u16`, upcast `into_dyn_supertrait_u16`
                fn p: plain vtable entry
                not implemented: it would overlap `impl Supertrait<T> for DynThree` (E0119: they are the same trait when `T = u16`)
            supertrait Supertrait<T> (User)
                returned by `supertrait_t`, upcast `into_dyn_supertrait_t`
                fn p: plain vtable entry
                not implemented: it would overlap `impl Supertrait<u8> for DynThree` (E0119: they are the same trait when `T = u8`)
            blocker: the supertrait `Supertrait` is instantiated 3 times (`Supertrait<u8>`, `Supertrait<u16>`, `Supertrait<T>`): `impl Supertrait<u8> for DynThree` and `impl Supertrait<T> for DynThree` would overlap (E0119: they are the same trait when `T = u8`), so `DynThree` implements none of them; it upcasts to each instead
            complete: false
            title: dynlens: Expand `Three` into explicit vtable (without `impl Three for DynThree`: the supertrait `Supertrait` is instantiated 3 times (`Supertrait<u8>`, `Supertrait<u16>`, `Supertrait<T>`): `impl Supertrait<u8> for DynThree` and `impl Supertrait<T> for DynThree` would overlap (E0119: they are the same trait when `T = u8`), so `DynThree` implements none of them; it upcasts to each instead)
        "#]],
    );
}

/// Instantiations equal as written, or once the parameters' defaults are filled in, are one
/// segment: one vtable, no suffix, an impl.
#[test]
fn the_same_instantiation_twice_is_one_segment() {
    for (source, decl) in [
        (
            "pub trait Twice<T>: Supertrait<T> + Supertrait<T> { fn f(&self); }",
            SUPERTRAIT,
        ),
        (
            "pub trait Twice: Supertrait + Supertrait<u8> { fn f(&self); }",
            "pub trait Supertrait<T = u8> { fn p(&self) -> u8; }",
        ),
    ] {
        let plan = plan(&with_supertraits(
            source,
            vec![supertrait("Supertrait", decl)],
        ))
        .expect("plans");
        let supers = plan.supertraits();
        assert_eq!(supers.len(), 1, "{source}: {supers:?}");
        assert_eq!(
            supers[0].vtable.as_ref().and_then(|e| e.upcast.as_deref()),
            Some("into_dyn_supertrait")
        );
    }
}

/// `Top: Dia<u8> + Dia<u16>` with `Dia<T>: Supertrait<T> + A` (the diamond of issue 12's
/// layout test): every instantiation reached has its vtable — `Dia<u8>`, `Dia<u16>`,
/// `Supertrait<u8>`, `Supertrait<u16>` (substituted through `Dia`'s bound), `A` once — and all
/// have impls. With `Dia<T> + Dia<U>`, `Dia<T>`'s impl would overlap `Dia<U>`'s, and so would
/// `Supertrait`'s; `A`'s does not.
#[test]
fn supertraits_of_a_supertrait_instantiated_twice_are_instantiated_twice() {
    let inputs = || {
        vec![
            supertrait(
                "Dia",
                "pub trait Dia<T>: Supertrait<T> + A { fn d(&self); }",
            ),
            supertrait("Supertrait", SUPERTRAIT),
            supertrait("A", "pub trait A { fn a(&self); }"),
        ]
    };
    check_with(
        with_supertraits(
            "pub trait Top: Dia<u8> + Dia<u16> { fn t(&self); }",
            inputs(),
        ),
        expect![[r#"
            fn t: plain vtable entry
            supertrait Dia<u8> (User)
                returned by `dia_u8`, upcast `into_dyn_dia_u8`
                fn d: plain vtable entry
            supertrait Dia<u16> (User)
                returned by `dia_u16`, upcast `into_dyn_dia_u16`
                fn d: plain vtable entry
            supertrait Supertrait<u8> (User)
                returned by `supertrait_u8`, upcast `into_dyn_supertrait_u8`
                fn p: plain vtable entry
            supertrait Supertrait<u16> (User)
                returned by `supertrait_u16`, upcast `into_dyn_supertrait_u16`
                fn p: plain vtable entry
            supertrait A (User)
                fn a: plain vtable entry
            complete: true
            title: dynlens: Expand `Top` into explicit vtable
        "#]],
    );
    let plan = plan(&with_supertraits(
        "pub trait Top<T, U>: Dia<T> + Dia<U> { fn t(&self); }",
        inputs(),
    ))
    .expect("plans");
    let implemented: Vec<(&str, bool)> = plan
        .supertraits()
        .iter()
        .map(|s| (s.instance.as_str(), s.blocker.is_none()))
        .collect();
    assert_eq!(
        implemented,
        [
            ("Dia<T>", false),
            ("Dia<U>", false),
            ("Supertrait<T>", false),
            ("Supertrait<U>", false),
            ("A", true)
        ]
    );
}

/// `Super<u8> + Super<u16>` where `Super` has an associated type the bounds leave free: each
/// instantiation has its own, which one dyn type cannot name apart (`dyn Foo<Out = …>` is
/// ambiguous for rustc too): not carried.
#[test]
fn several_instantiations_with_a_free_associated_type_are_not_carried() {
    let plan = plan(&with_supertraits(
        "pub trait Foo: Super<u8> + Super<u16> { fn f(&self); }",
        vec![supertrait(
            "Super",
            "pub trait Super<T> { type Out; fn p(&self) -> Self::Out; }",
        )],
    ))
    .expect("plans");
    assert!(!plan.complete());
    assert!(
        plan.blockers()[0].contains(
            "the supertrait `Super` is instantiated several times (`Super<u8>`, `Super<u16>`) and leaves its associated type `Out` free"
        ),
        "{:?}",
        plan.blockers()
    );
    // Fixed in both bounds, they are carried.
    let plan = crate::plan(&with_supertraits(
        "pub trait Foo: Super<u8, Out = u8> + Super<u16, Out = u16> { fn f(&self); }",
        vec![supertrait(
            "Super",
            "pub trait Super<T> { type Out; fn p(&self) -> Self::Out; }",
        )],
    ))
    .expect("plans");
    assert!(plan.complete(), "{plan:?}");
}

/// num-traits' `RefNum<Base>: NumOps<Base, Base> + for<'r> NumOps<&'r Base, Base>` shape: the
/// higher-ranked instantiation is not carried (one vtable cannot serve every lifetime); the
/// other one still is, with its vtable and its impl.
#[test]
fn a_higher_ranked_instantiation_is_not_carried_but_the_other_one_is() {
    check_with(
        with_supertraits(
            "pub trait Refs<B>: Rel<B> + for<'r> Rel<&'r B> { fn f(&self); }",
            vec![supertrait(
                "Rel",
                "pub trait Rel<T> { fn r(&self, t: T) -> u8; }",
            )],
        ),
        expect![[r#"
            fn f: plain vtable entry
            supertrait Rel<B> (User)
                returned by `rel_b`, upcast `into_dyn_rel_b`
                fn r: plain vtable entry
            supertrait Rel<&'r B> (User)
                fn r: plain vtable entry
                not implemented: the higher-ranked supertrait `for<…> Rel`: one vtable cannot serve every lifetime
            blocker: the higher-ranked supertrait `for<…> Rel`: one vtable cannot serve every lifetime
            complete: false
            title: dynlens: Expand `Refs` into explicit vtable (without `impl Refs for DynRefs`: the higher-ranked supertrait `for<…> Rel`: one vtable cannot serve every lifetime)
        "#]],
    );
}

/// A chain `T0: T1: … : T{n-1}` with a method each: the input for `T0`, its supertraits in
/// the resolver's order.
fn chain_input(n: usize, budget: Option<usize>) -> ExpandInput {
    let decl = |i: usize| {
        let sup = if i + 1 < n {
            format!(": T{}", i + 1)
        } else {
            String::new()
        };
        format!("pub trait T{i}{sup} {{ fn m{i}(&self); }}")
    };
    ExpandInput {
        trait_source: decl(0),
        supertraits: (1..n)
            .map(|i| supertrait(&format!("T{i}"), &decl(i)))
            .collect(),
        dyn_type_budget: budget,
        ..Default::default()
    }
}

/// Which supertraits get a dyn type (an upcast), by name.
fn with_upcasts(input: &ExpandInput) -> Vec<String> {
    plan(input)
        .expect("plans")
        .supertraits()
        .iter()
        .filter(|s| s.vtable.as_ref().is_some_and(|v| v.upcast.is_some()))
        .map(|s| s.name.clone())
        .collect()
}

/// The budget of dyn types (`DynTypes`): a chain of 16 gets one for every supertrait; a longer
/// one spends the budget on the direct supertrait first, then on the next ones while they fit,
/// and on the cheap ones at the far end; the rest get method tables (no upcast). A budget of 0
/// gives none; a supertrait already expanded in the workspace costs nothing.
#[test]
fn dyn_types_for_supertraits_within_the_budget() {
    let all: Vec<String> = (1..16).map(|i| format!("T{i}")).collect();
    assert_eq!(with_upcasts(&chain_input(16, None)), all);
    // 20 traits: budget 64 + 4 × 19 = 140; `T{i}` costs its closure and itself, 20 - i:
    // `T1` to `T9` take 135, then only `T15` (5) fits what is left.
    let got = with_upcasts(&chain_input(20, None));
    let expected: Vec<String> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15]
        .iter()
        .map(|i| format!("T{i}"))
        .collect();
    assert_eq!(got, expected);
    assert!(with_upcasts(&chain_input(4, Some(0))).is_empty());
    let mut input = chain_input(20, Some(0));
    input.supertraits[0].already_expanded = true;
    assert_eq!(with_upcasts(&input), ["T1"]);
    // A method table of the workspace is reused, not written again; nor is an expanded vtable.
    let mut input = chain_input(4, Some(0));
    input.supertraits[1].methods_expanded = true;
    let text = crate::expand_trait(&input).expect("expands").text;
    assert!(!text.contains("pub struct T2Methods"), "{text}");
    assert!(text.contains("pub struct T3Methods"), "{text}");
    assert!(text.contains("NonNull<T2Methods<'a>>"), "{text}");
}
