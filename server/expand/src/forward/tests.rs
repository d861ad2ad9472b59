//! The forwarding impls as a specification: one test per kind of trait item or bound that
//! shapes them, each showing the impls written (or the comment saying why one is left out).
//! That every one of them compiles is checked over the whole oracle corpus
//! (`tests/expand/corpus.rs`, `every_corpus_trait_expands_with_forwarding_impls_…`).

use expect_test::{Expect, expect};

use crate::{ExpandInput, SupertraitInput, expand_trait};

fn supertrait(path: &str, source: &str) -> SupertraitInput {
    SupertraitInput {
        path: path.into(),
        source: source.into(),
        is_auto: source.contains("auto trait"),
        std: dynlens_std::trait_info(path).map(|info| info.canonical_path.to_string()),
        already_expanded: false,
        methods_expanded: false,
        blanket_impl: false,
    }
}

/// The forwarding impls of the trait (the last items of the expansion), from the first one on.
fn forwarding(input: &ExpandInput) -> String {
    let name = syn::parse_str::<syn::ItemTrait>(input.trait_source.trim())
        .expect("a trait")
        .ident
        .to_string();
    let text = expand_trait(input).expect("expands").text;
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| {
            l.contains(&format!("SAFETY: `{name}` is an `unsafe trait`: `"))
                || l.contains(&format!("Forwards every item of `{name}` to the `"))
                || l.contains(&format!("// No `impl {name} for Box<"))
        })
        .expect("the forwarding impls");
    lines[start..].join("\n") + "\n"
}

fn check_with(
    trait_source: &str,
    supertraits: Vec<SupertraitInput>,
    blanket: bool,
    expect: Expect,
) {
    let input = ExpandInput {
        trait_source: trait_source.into(),
        supertraits,
        forwarding_impls: true,
        blanket_impl: blanket,
        std_names: Vec::new(),
        ..Default::default()
    };
    expect.assert_eq(&forwarding(&input));
}

fn check(trait_source: &str, expect: Expect) {
    check_with(trait_source, Vec::new(), false, expect);
}

#[test]
fn the_pointee_parameter_is_named_apart_from_the_traits_names() {
    // `T` is the method's own parameter (E0403 if the impl used it too), `U` a type the
    // signature names: the impl's parameter is `V`.
    check(
        "pub trait Put { fn put<T: Into<U>>(&mut self, value: T) -> u8; }",
        expect![[r#"
            /// Forwards every item of `Put` to the `V` behind the `Box<V>`, so that it can be a dyn* payload too.
            impl<V: Put + ?Sized> Put for Box<V> {
                fn put<T: Into<U>>(&mut self, value: T) -> u8 {
                    <V as Put>::put::<T>(&mut **self, value)
                }
            }
            // No `impl Put for &V`: `put` takes `&mut Self`, which a `&V` cannot give.
            /// Forwards every item of `Put` to the `V` behind the `&mut V`, so that it can be a dyn* payload too.
            impl<V: Put + ?Sized> Put for &mut V {
                fn put<T: Into<U>>(&mut self, value: T) -> u8 {
                    <V as Put>::put::<T>(&mut **self, value)
                }
            }
        "#]],
    );
}

#[test]
fn a_where_self_sized_method_with_a_default_runs_it_and_the_impls_stay_unsized() {
    // As std's `impl Iterator for &mut I`: forwarding it would need `T: Sized`.
    check(
        "pub trait Log { fn log(&self, v: impl std::fmt::Debug) where Self: Sized {} fn len(&self) -> usize; }",
        expect![[r#"
            /// Forwards every item of `Log` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            /// `log` runs its default body: forwarding it would need `T: Sized`.
            impl<T: Log + ?Sized> Log for Box<T> {
                fn len(&self) -> usize {
                    <T as Log>::len(&**self)
                }
            }
            /// Forwards every item of `Log` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            /// `log` runs its default body: forwarding it would need `T: Sized`.
            impl<T: Log + ?Sized> Log for &T {
                fn len(&self) -> usize {
                    <T as Log>::len(&**self)
                }
            }
            /// Forwards every item of `Log` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            /// `log` runs its default body: forwarding it would need `T: Sized`.
            impl<T: Log + ?Sized> Log for &mut T {
                fn len(&self) -> usize {
                    <T as Log>::len(&**self)
                }
            }
        "#]],
    );
}

#[test]
fn a_required_where_self_sized_method_makes_the_impls_ask_t_sized_and_forward_it() {
    check(
        "pub trait Make { fn make() -> u8 where Self: Sized; fn get(&self) -> u8; }",
        expect![[r#"
            /// Forwards every item of `Make` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            impl<T: Make> Make for Box<T> {
                fn make() -> u8
                where
                    Self: Sized,
                {
                    <T as Make>::make()
                }
                fn get(&self) -> u8 {
                    <T as Make>::get(&**self)
                }
            }
            /// Forwards every item of `Make` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            impl<T: Make> Make for &T {
                fn make() -> u8
                where
                    Self: Sized,
                {
                    <T as Make>::make()
                }
                fn get(&self) -> u8 {
                    <T as Make>::get(&**self)
                }
            }
            /// Forwards every item of `Make` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            impl<T: Make> Make for &mut T {
                fn make() -> u8
                where
                    Self: Sized,
                {
                    <T as Make>::make()
                }
                fn get(&self) -> u8 {
                    <T as Make>::get(&**self)
                }
            }
        "#]],
    );
}

#[test]
fn a_required_method_bounding_self_asks_the_same_of_t() {
    // `where Self: Send` of a `&T` would not give `T: Send`, which `T`'s method needs.
    check(
        "pub trait Share { fn share(&self) where Self: Send; fn peek(&self) where Self: Clone { } }",
        expect![[r#"
            /// Forwards every item of `Share` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            /// `peek` runs its default body: forwarding it would need `T: Clone`.
            impl<T: Share + ?Sized> Share for Box<T>
            where
                T: Send,
            {
                fn share(&self)
                where
                    Self: Send,
                {
                    <T as Share>::share(&**self)
                }
            }
            /// Forwards every item of `Share` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            /// `peek` runs its default body: forwarding it would need `T: Clone`.
            impl<T: Share + ?Sized> Share for &T
            where
                T: Send,
            {
                fn share(&self)
                where
                    Self: Send,
                {
                    <T as Share>::share(&**self)
                }
            }
            /// Forwards every item of `Share` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            /// `peek` runs its default body: forwarding it would need `T: Clone`.
            impl<T: Share + ?Sized> Share for &mut T
            where
                T: Send,
            {
                fn share(&self)
                where
                    Self: Send,
                {
                    <T as Share>::share(&**self)
                }
            }
        "#]],
    );
}

#[test]
fn a_blanket_impl_leaves_every_forwarding_impl_out() {
    check_with(
        "pub trait Tagged { fn tag(&self) -> u8; }",
        Vec::new(),
        true,
        expect![[r#"
            // No `impl Tagged for Box<T>`: the blanket `impl<T> Tagged for T` in the workspace may cover `Box<T>` already (a second impl would conflict).
            // No `impl Tagged for &T`: the blanket `impl<T> Tagged for T` in the workspace may cover `&T` already (a second impl would conflict).
            // No `impl Tagged for &mut T`: the blanket `impl<T> Tagged for T` in the workspace may cover `&mut T` already (a second impl would conflict).
        "#]],
    );
}

#[test]
fn generic_associated_types_keep_their_parameters_and_where_clauses() {
    check(
        "pub trait Lend { type Item<'a> where Self: 'a; type Wrap<U: Clone>; fn next(&mut self) -> Option<Self::Item<'_>>; }",
        expect![[r#"
            /// Forwards every item of `Lend` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            impl<T: Lend + ?Sized> Lend for Box<T> {
                type Item<'a> = <T as Lend>::Item<'a> where Self: 'a;
                type Wrap<U: Clone> = <T as Lend>::Wrap<U>;
                fn next(&mut self) -> Option<Self::Item<'_>> {
                    <T as Lend>::next(&mut **self)
                }
            }
            // No `impl Lend for &T`: `next` takes `&mut Self`, which a `&T` cannot give.
            /// Forwards every item of `Lend` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            impl<T: Lend + ?Sized> Lend for &mut T {
                type Item<'a> = <T as Lend>::Item<'a> where Self: 'a;
                type Wrap<U: Clone> = <T as Lend>::Wrap<U>;
                fn next(&mut self) -> Option<Self::Item<'_>> {
                    <T as Lend>::next(&mut **self)
                }
            }
        "#]],
    );
}

#[test]
fn trait_parameters_are_repeated_without_their_defaults() {
    // `impl<P = u8, …>` is not Rust; a bound naming `Self` moves to the `where` clause.
    check(
        "pub trait Convert<P: PartialEq<Self> = u8, const N: usize = 3> { fn convert(&self, p: P) -> [u8; N]; }",
        expect![[r#"
            /// Forwards every item of `Convert` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            impl<P, const N: usize, T: Convert<P, N> + ?Sized> Convert<P, N> for Box<T>
            where
                P: PartialEq<Self>,
                P: PartialEq<T>,
            {
                fn convert(&self, p: P) -> [u8; N] {
                    <T as Convert<P, N>>::convert(&**self, p)
                }
            }
            /// Forwards every item of `Convert` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            impl<P, const N: usize, T: Convert<P, N> + ?Sized> Convert<P, N> for &T
            where
                P: PartialEq<Self>,
                P: PartialEq<T>,
            {
                fn convert(&self, p: P) -> [u8; N] {
                    <T as Convert<P, N>>::convert(&**self, p)
                }
            }
            /// Forwards every item of `Convert` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            impl<P, const N: usize, T: Convert<P, N> + ?Sized> Convert<P, N> for &mut T
            where
                P: PartialEq<Self>,
                P: PartialEq<T>,
            {
                fn convert(&self, p: P) -> [u8; N] {
                    <T as Convert<P, N>>::convert(&**self, p)
                }
            }
        "#]],
    );
}

#[test]
fn an_unsafe_trait_gets_unsafe_impls() {
    check(
        "pub unsafe trait Raw { fn addr(&self) -> usize; }",
        expect![[r#"
            // SAFETY: `Raw` is an `unsafe trait`: `T`'s own `unsafe impl` upholds its contract, and every item forwards to `T`.
            /// Forwards every item of `Raw` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            unsafe impl<T: Raw + ?Sized> Raw for Box<T> {
                fn addr(&self) -> usize {
                    <T as Raw>::addr(&**self)
                }
            }
            // SAFETY: `Raw` is an `unsafe trait`: `T`'s own `unsafe impl` upholds its contract, and every item forwards to `T`.
            /// Forwards every item of `Raw` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            unsafe impl<T: Raw + ?Sized> Raw for &T {
                fn addr(&self) -> usize {
                    <T as Raw>::addr(&**self)
                }
            }
            // SAFETY: `Raw` is an `unsafe trait`: `T`'s own `unsafe impl` upholds its contract, and every item forwards to `T`.
            /// Forwards every item of `Raw` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            unsafe impl<T: Raw + ?Sized> Raw for &mut T {
                fn addr(&self) -> usize {
                    <T as Raw>::addr(&**self)
                }
            }
        "#]],
    );
}

#[test]
fn a_static_supertrait_makes_the_references_static() {
    check_with(
        "pub trait Plugin: std::any::Any { fn name(&self) -> &str; }",
        vec![supertrait(
            "std::any::Any",
            "pub trait Any: 'static { fn type_id(&self) -> TypeId; }",
        )],
        false,
        expect![[r#"
            /// Forwards every item of `Plugin` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            impl<T: Plugin + ?Sized> Plugin for Box<T> {
                fn name(&self) -> &str {
                    <T as Plugin>::name(&**self)
                }
            }
            /// Forwards every item of `Plugin` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            impl<T: Plugin + ?Sized> Plugin for &'static T {
                fn name(&self) -> &str {
                    <T as Plugin>::name(&**self)
                }
            }
            /// Forwards every item of `Plugin` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            impl<T: Plugin + ?Sized> Plugin for &'static mut T {
                fn name(&self) -> &str {
                    <T as Plugin>::name(&**self)
                }
            }
        "#]],
    );
}

#[test]
fn std_supertraits_forward_only_where_std_implements_them_for_the_pointer() {
    // `Fn` for `Box<F>` and `&F`, not `&mut F`; `LowerHex` for references, not `Box`.
    check_with(
        "pub trait Callback: Fn(u8) + std::fmt::LowerHex { fn id(&self) -> u8; }",
        vec![
            supertrait(
                "Fn",
                "pub trait Fn<Args: Tuple>: FnMut<Args> { extern \"rust-call\" fn call(&self, args: Args) -> Self::Output; }",
            ),
            supertrait(
                "FnMut",
                "pub trait FnMut<Args: Tuple>: FnOnce<Args> { extern \"rust-call\" fn call_mut(&mut self, args: Args) -> Self::Output; }",
            ),
            supertrait(
                "FnOnce",
                "pub trait FnOnce<Args: Tuple> { type Output; extern \"rust-call\" fn call_once(self, args: Args) -> Self::Output; }",
            ),
            supertrait(
                "std::fmt::LowerHex",
                "pub trait LowerHex { fn fmt(&self, f: &mut Formatter<'_>) -> Result; }",
            ),
        ],
        false,
        expect![[r#"
            // No `impl Callback for Box<T>`: std has no `impl LowerHex for Box<T>` forwarding to every `T: LowerHex`.
            /// Forwards every item of `Callback` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            impl<T: Callback + ?Sized> Callback for &T {
                fn id(&self) -> u8 {
                    <T as Callback>::id(&**self)
                }
            }
            // No `impl Callback for &mut T`: std has no `impl Fn for &mut T` forwarding to every `T: Fn`.
        "#]],
    );
}

#[test]
fn a_user_supertrait_is_asked_of_the_pointer_with_ts_associated_types() {
    check_with(
        "pub trait Child: Base { fn child(&self) -> Self::Out; }",
        vec![supertrait(
            "Base",
            "pub trait Base { type Out; fn base(&self) -> Self::Out; }",
        )],
        false,
        expect![[r#"
            /// Forwards every item of `Child` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
            /// It applies where the `Box<T>` implements `Base` too (its forwarding impl does).
            impl<T: Child + ?Sized> Child for Box<T>
            where
                Self: Base<Out = <T as Base>::Out>,
            {
                fn child(&self) -> Self::Out {
                    <T as Child>::child(&**self)
                }
            }
            /// Forwards every item of `Child` to the `T` behind the `&T`, so that it can be a dyn* payload too.
            /// It applies where the `&T` implements `Base` too (its forwarding impl does).
            impl<T: Child + ?Sized> Child for &T
            where
                Self: Base<Out = <T as Base>::Out>,
            {
                fn child(&self) -> Self::Out {
                    <T as Child>::child(&**self)
                }
            }
            /// Forwards every item of `Child` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
            /// It applies where the `&mut T` implements `Base` too (its forwarding impl does).
            impl<T: Child + ?Sized> Child for &mut T
            where
                Self: Base<Out = <T as Base>::Out>,
            {
                fn child(&self) -> Self::Out {
                    <T as Child>::child(&**self)
                }
            }
        "#]],
    );
}

#[test]
fn what_names_self_otherwise_is_left_out_with_the_reason() {
    // `Box<Self>` of a `Box<T>` is `Box<Box<T>>`, not `Box<T>`.
    check(
        "pub trait Chain { type It: Iterator<Item = Box<Self>>; fn first(&self) -> u8; }",
        expect![[r#"
            // No `impl Chain for Box<T>`: the bounds of `type It` name `Self`, which for `Box<T>` is another type than `T`.
            // No `impl Chain for &T`: the bounds of `type It` name `Self`, which for `&T` is another type than `T`.
            // No `impl Chain for &mut T`: the bounds of `type It` name `Self`, which for `&mut T` is another type than `T`.
        "#]],
    );
    check(
        "pub trait Show { fn show(&self) -> <Self as Labelled>::Label where Self: Labelled; }",
        expect![[r#"
            // No `impl Show for Box<T>`: `show`: it names `<Self as Labelled>`, which for the pointer is another type than for `T`.
            // No `impl Show for &T`: `show`: it names `<Self as Labelled>`, which for the pointer is another type than for `T`.
            // No `impl Show for &mut T`: `show`: it names `<Self as Labelled>`, which for the pointer is another type than for `T`.
        "#]],
    );
}
