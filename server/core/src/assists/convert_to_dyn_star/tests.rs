use crate::assists::test_util::check_assist;

const ID: &str = "convert_impl_to_dyn_star_wrapper";

#[test]
fn a_workspace_trait_parameter_becomes_a_wrapper_over_one_inner_function() {
    let out = check_assist(
        ID,
        "pub trait Shape { fn area(&self) -> f64; }\n\npub fn describe(label: &str, s: impl $0Shape) -> String {\n    format!(\"{label}: {}\", s.area())\n}\n",
    )
    .expect("offered");
    // The trait is expanded next to it (it was not yet), the wrapper calls the inner function.
    assert!(out.contains("pub struct DynShape<'a>"), "{out}");
    assert!(
        out.contains("pub fn describe(label: &str, s: impl Shape) -> String {\n    describe_dyn(label, DynShape::new(s))\n}"),
        "{out}"
    );
    assert!(
        out.contains("/// The body of `describe`, compiled once for every argument type: `s` is a dyn* value.\nfn describe_dyn(label: &str, s: DynShape<'_>) -> String {\n    format!(\"{label}: {}\", s.area())\n}"),
        "{out}"
    );
}

#[test]
fn methods_async_and_bound_arguments() {
    let out = check_assist(
        ID,
        "pub trait Source { type Item; fn next(&mut self) -> Option<Self::Item>; }\nstruct Sum(u32);\nimpl Sum {\n    pub async fn add_all(&mut self, mut it: impl $0Source<Item = u32> + 'static) -> u32 {\n        while let Some(x) = it.next() { self.0 += x; }\n        self.0\n    }\n}\n",
    )
    .expect("offered");
    assert!(
        out.contains("        self.add_all_dyn(DynSource::new(it)).await\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "    async fn add_all_dyn(&mut self, mut it: DynSource<'static, u32>) -> u32 {"
        ),
        "{out}"
    );
}

#[test]
fn not_offered_where_the_result_would_not_compile() {
    for (why, src) in [
        (
            "an associated type not spelled",
            "pub trait Source { type Item; fn next(&mut self) -> Option<Self::Item>; }\nfn f(it: impl $0Source) {}\n",
        ),
        (
            "a pattern parameter",
            "pub trait Shape { fn area(&self) -> f64; }\nfn f((a, b): (u8, u8), s: impl $0Shape) {}\n",
        ),
        (
            "a trait the expansion cannot complete (a generic method)",
            "pub trait Visit { fn visit<T>(&self, t: T); }\nfn f(v: impl $0Visit) {}\n",
        ),
        (
            "a function that is already the wrapper",
            "pub trait Shape { fn area(&self) -> f64; }\nfn f(s: impl $0Shape) -> f64 { f_dyn(DynShape::new(s)) }\n",
        ),
        (
            "a trait's own method",
            "pub trait Shape { fn area(&self) -> f64; }\ntrait User { fn take(&self, s: impl $0Shape) {} }\n",
        ),
    ] {
        assert!(check_assist(ID, src).is_none(), "offered with {why}");
    }
}

/// The callers variant needs every use rewritten: a use of the function as a value (a
/// function pointer) cannot be, so then only the wrapper variant is offered.
#[test]
fn callers_variant_only_when_every_use_is_a_call_it_can_rewrite() {
    use crate::assists::{AssistResolve, assists};
    use dynlens_base::{TextRange, TextSize};
    let ids = |src: &str| {
        let f = crate::nameres::tests::fixture(src);
        let lib = f.file("/app/src/lib.rs");
        let text = f.db.file_text(lib).unwrap().to_string();
        let at = text.find("impl Shape").unwrap() + 6;
        assists(
            &f.db,
            lib,
            TextRange::empty(TextSize::from(at as u32)),
            AssistResolve::None,
        )
        .into_iter()
        .map(|a| (a.id, a.label))
        .collect::<Vec<_>>()
    };
    let base = "//- /app/src/lib.rs crate:app\npub trait Shape { fn area(&self) -> f64; }\npub fn show(s: impl Shape) -> f64 { s.area() }\n";
    let found = ids(&format!(
        "{base}fn user(s: impl Shape) -> f64 {{ show(s) }}\n"
    ));
    let callers = found
        .iter()
        .find(|(id, _)| *id == "convert_impl_to_dyn_star_callers")
        .expect("offered");
    assert!(
        callers.1.contains("rewrite 1 call of `show`"),
        "{}",
        callers.1
    );
    let found = ids(&format!("{base}fn user() {{ let f = show::<Sq>; }}\n"));
    assert!(
        found
            .iter()
            .all(|(id, _)| *id != "convert_impl_to_dyn_star_callers"),
        "{found:?}"
    );
    assert!(found.iter().any(|(id, _)| *id == ID), "{found:?}");
}

const RETURN: &str = "convert_impl_return_to_dyn_star";

#[test]
fn an_impl_trait_return_becomes_a_dyn_star_value_every_returned_value_wrapped() {
    let shape = "pub trait Shape { fn area(&self) -> f64; }\npub struct Sq(pub f64);\nimpl Shape for Sq { fn area(&self) -> f64 { self.0 * self.0 } }\n";
    let out = check_assist(
        RETURN,
        &format!(
            "{shape}pub fn unit(big: bool) -> impl $0Shape {{\n    if big {{\n        return Sq(9.0);\n    }}\n    let f = || {{ return 1.0; }};\n    Sq(f())\n}}\n"
        ),
    )
    .expect("offered");
    assert!(
        out.contains("pub fn unit(big: bool) -> DynShape<'static> {\n    if big {\n        return DynShape::new(Sq(9.0));\n    }\n    let f = || { return 1.0; };\n    DynShape::new(Sq(f()))\n}"),
        "{out}"
    );
    // A borrow of the one reference parameter, or of `&self`: `'_`.
    let out = check_assist(
        RETURN,
        &format!("{shape}pub fn of(s: &Sq) -> impl $0Shape + '_ {{ Sq(s.0) }}\n"),
    )
    .expect("offered");
    assert!(
        out.contains("pub fn of(s: &Sq) -> DynShape<'_> { DynShape::new(Sq(s.0)) }"),
        "{out}"
    );
    let out = check_assist(
        RETURN,
        &format!("{shape}impl Sq {{ pub fn twin(&self) -> impl $0Shape {{ Sq(self.0) }} }}\n"),
    )
    .expect("offered");
    assert!(
        out.contains("pub fn twin(&self) -> DynShape<'_> {"),
        "{out}"
    );
    // A tail that `match`es, with an early return inside one arm: both wrapped, nested.
    let out = check_assist(
        RETURN,
        &format!(
            "{shape}pub fn pick(n: u8) -> impl $0Shape {{\n    match n {{\n        0 => return Sq(0.0),\n        _ => Sq(1.0),\n    }}\n}}\n"
        ),
    )
    .expect("offered");
    assert!(
        out.contains("    DynShape::new(match n {\n        0 => return DynShape::new(Sq(0.0)),\n        _ => Sq(1.0),\n    })\n"),
        "{out}"
    );
}

#[test]
fn an_impl_trait_return_is_not_converted_where_the_result_would_not_compile() {
    let shape = "pub trait Shape { fn area(&self) -> f64; }\npub struct Sq(pub f64);\nimpl Shape for Sq { fn area(&self) -> f64 { self.0 } }\n";
    for (why, src) in [
        (
            "the function is generic",
            format!("{shape}pub fn f<T: Shape>(t: T) -> impl $0Shape {{ t }}\n"),
        ),
        (
            "several borrows",
            format!("{shape}pub fn f(a: &Sq, b: &Sq) -> impl $0Shape {{ Sq(a.0 + b.0) }}\n"),
        ),
        (
            "callers call the returned closure",
            "pub fn f() -> impl $0Fn(u8) -> u8 { |x| x }\n".to_string(),
        ),
        (
            "its body diverges",
            format!("{shape}pub fn f() -> impl $0Shape {{ loop {{}} }}\n"),
        ),
    ] {
        assert!(check_assist(RETURN, &src).is_none(), "offered: {why}");
        let (db, f, range, _) = crate::assists::test_util::fixture(&src);
        match super::ret::prepare_return(&db, f, range.start()) {
            Err(Some(reason)) => assert!(reason.contains(why), "{why}: {reason}"),
            _ => panic!("no reason given: {why}"),
        }
    }
}

/// A method's callers: `recv.add(…)` where the receiver is plainly a `Canvas`, `Self::add`,
/// `Canvas::add(&mut c, …)`, inside `println!`; calls of another type's `add` left alone; an
/// unknown receiver stops the variant, and hover lists it.
#[test]
fn a_methods_callers_are_found_by_their_receivers_type() {
    use crate::assists::{AssistResolve, assists};
    use dynlens_base::{TextRange, TextSize};
    let src = |extra: &str| {
        format!(
            "//- /app/src/lib.rs crate:app
pub trait Shape {{ fn area(&self) -> f64; }}
pub struct Sq(pub f64);
impl Shape for Sq {{ fn area(&self) -> f64 {{ self.0 }} }}
pub struct Canvas {{ total: f64 }}
impl Canvas {{
    pub fn new() -> Self {{ Canvas {{ total: 0.0 }} }}
    pub fn add(&mut self, s: impl Shape) -> f64 {{ self.total += s.area(); self.total }}
    pub fn add_twice(&mut self, s: Sq) {{ self.add(Sq(s.0)); Self::add(self, s); }}
}}
pub struct Other;
impl Other {{ pub fn add(&self, _x: u8) {{}} }}
pub fn user(mut c: Canvas) -> f64 {{
    let mut d = Canvas::new();
    d.add(Sq(1.0));
    Other.add(1);
    let o: &Other = &Other;
    o.add(2);
    Canvas::add(&mut c, Sq(2.0));
    println!(\"{{}}\", d.add(Sq(3.0)));
    c.add(Sq(4.0))
}}
{extra}"
        )
    };
    let run = |text: &str| {
        let f = crate::nameres::tests::fixture(text);
        let lib = f.file("/app/src/lib.rs");
        let file_text = f.db.file_text(lib).unwrap().to_string();
        let at = TextSize::from((file_text.find("impl Shape) -> f64").unwrap() + 6) as u32);
        let found = assists(&f.db, lib, TextRange::empty(at), AssistResolve::All);
        let callers = found
            .iter()
            .find(|a| a.id == "convert_impl_to_dyn_star_callers")
            .map(|a| {
                let change = a.change.as_ref().expect("built");
                (
                    a.label.clone(),
                    change.apply_to(lib, &file_text).expect("applies"),
                )
            });
        let hover = crate::hover::hover(&f.db, lib, at, &Default::default())
            .map(|h| h.markdown)
            .unwrap_or_default();
        (callers, hover)
    };
    let (callers, hover) = run(&src(""));
    let (label, after) = callers.expect("the callers variant is offered");
    assert!(
        label.contains("rewrite 6 calls of `Canvas::add`"),
        "{label}"
    );
    for needle in [
        "self.add(DynShape::new(Sq(s.0)))",
        "Self::add(self, DynShape::new(s))",
        "d.add(DynShape::new(Sq(1.0)))",
        "Other.add(1)",
        "o.add(2)",
        "Canvas::add(&mut c, DynShape::new(Sq(2.0)))",
        "println!(\"{}\", d.add(DynShape::new(Sq(3.0))))",
        "c.add(DynShape::new(Sq(4.0)))",
        "pub fn add(&mut self, s: DynShape<'_>) -> f64",
    ] {
        assert!(after.contains(needle), "{needle} in:\n{after}");
    }
    assert!(
        hover.contains("6 calls of `Canvas::add` in the workspace"),
        "{hover}"
    );
    assert!(
        hover.contains("`Sq` (`Sq(s.0)`): 8 bytes: stored inline, no allocation"),
        "{hover}"
    );
    // A receiver whose type dynlens cannot tell: not offered, and hover says where.
    let (callers, hover) = run(&src(
        "pub fn far(v: &mut [Canvas]) { v[0].add(Sq(5.0)); }\n",
    ));
    assert!(callers.is_none(), "offered with an unknown receiver");
    assert!(
        hover.contains("Not offered: callers not rewritten: `v[0].add(…)` at lib.rs:"),
        "{hover}"
    );
}

/// A generic parameter used once converts like `impl Trait`, and leaves the generics.
#[test]
fn a_generic_parameter_used_once_converts_like_impl_trait() {
    let shape = "pub trait Shape { fn area(&self) -> f64; }\n";
    let out = check_assist(
        ID,
        &format!(
            "{shape}pub fn show<T: Shape, U: Copy>(s: $0T, u: U) -> f64 {{ let _ = u; s.area() }}\n"
        ),
    )
    .expect("offered");
    assert!(
        out.contains("fn show_dyn<U: Copy>(s: DynShape<'_>, u: U) -> f64 { let _ = u; s.area() }"),
        "{out}"
    );
    assert!(
        out.contains("pub fn show<T: Shape, U: Copy>(s: T, u: U) -> f64 {\n    show_dyn(DynShape::new(s), u)\n}"),
        "{out}"
    );
    let out = check_assist(
        ID,
        &format!("{shape}pub fn show<T>(s: $0T) -> f64\nwhere\n    T: Shape + 'static,\n{{\n    s.area()\n}}\n"),
    )
    .expect("offered");
    assert!(
        out.contains("fn show_dyn(s: DynShape<'static>) -> f64\n{\n    s.area()\n}"),
        "{out}"
    );
    for (why, src) in [
        (
            "in the return type",
            format!("{shape}pub fn f<T: Shape>(s: $0T) -> T {{ s }}\n"),
        ),
        (
            "in another parameter",
            format!("{shape}pub fn f<T: Shape>(s: $0T, t: T) {{}}\n"),
        ),
        (
            "in the body",
            format!("{shape}pub fn f<T: Shape>(s: $0T) -> usize {{ std::mem::size_of::<T>() }}\n"),
        ),
    ] {
        assert!(check_assist(ID, &src).is_none(), "offered with `T` {why}");
    }
}

/// A workspace trait with an auto trait: one trait covering both, next to the trait.
#[test]
fn a_workspace_trait_with_send_becomes_one_trait_covering_both() {
    let out = check_assist(
        ID,
        "pub trait Shape { fn area(&self) -> f64; }\n\npub fn later(s: impl $0Shape + Send + 'static) -> f64 {\n    std::thread::spawn(move || s.area()).join().unwrap()\n}\n",
    )
    .expect("offered");
    assert!(
        out.contains("pub trait ShapeSend: Shape + Send {}\nimpl<T: Shape + Send + ?Sized> ShapeSend for T {}"),
        "{out}"
    );
    assert!(out.contains("pub struct DynShapeSend<'a>"), "{out}");
    assert!(
        out.contains("fn later_dyn(s: DynShapeSend<'static>) -> f64 {"),
        "{out}"
    );
}

/// `&dyn`, `&mut dyn` and `Box<dyn>` parameters: the callers variant only, each argument
/// rebuilt from what it is written as; an argument of another form stops it.
#[test]
fn dyn_parameters_become_dyn_star_values_callers_rebuilding_their_arguments() {
    use crate::assists::{AssistResolve, assists};
    use dynlens_base::{TextRange, TextSize};
    let src = |extra: &str| {
        format!(
            "//- /app/src/lib.rs crate:app
pub trait Shape {{ fn area(&self) -> f64; fn grow(&mut self); }}
pub struct Sq(pub f64);
impl Shape for Sq {{ fn area(&self) -> f64 {{ self.0 }} fn grow(&mut self) {{ self.0 += 1.0; }} }}
pub fn show(s: &dyn Shape) -> f64 {{ s.area() }}
pub fn bigger(s: &mut dyn Shape) {{ s.grow(); }}
pub fn keep(s: Box<dyn Shape + Send>) -> f64 {{ s.area() }}
pub fn user() -> f64 {{
    let mut q = Sq(1.0);
    bigger(&mut q);
    show(&q) + keep(Box::new(Sq(2.0)))
}}
{extra}"
        )
    };
    let run = |text: &str, needle: &str| {
        let f = crate::nameres::tests::fixture(text);
        let lib = f.file("/app/src/lib.rs");
        let file_text = f.db.file_text(lib).unwrap().to_string();
        let at = TextSize::from((file_text.find(needle).unwrap() + needle.len() - 2) as u32);
        let found = assists(&f.db, lib, TextRange::empty(at), AssistResolve::All);
        assert!(
            found.iter().all(|a| a.id != ID),
            "no wrapper variant for a dyn parameter"
        );
        let callers = found
            .iter()
            .find(|a| a.id == "convert_impl_to_dyn_star_callers")
            .map(|a| {
                let change = a.change.as_ref().expect("built");
                (
                    a.label.clone(),
                    change.apply_to(lib, &file_text).expect("applies"),
                )
            });
        let hover = crate::hover::hover(&f.db, lib, at, &Default::default())
            .map(|h| h.markdown)
            .unwrap_or_default();
        (callers, hover)
    };
    let (callers, hover) = run(&src(""), "&dyn Shape");
    let (label, after) = callers.expect("offered for &dyn");
    assert!(
        label.contains("callers pass `DynShape::from_ref(&x)`"),
        "{label}"
    );
    assert!(
        after.contains("pub fn show(s: DynShape<'_>) -> f64 { s.area() }"),
        "{after}"
    );
    assert!(after.contains("show(DynShape::from_ref(&q))"), "{after}");
    assert!(hover.contains("compiled once already"), "{hover}");
    let (callers, _) = run(&src(""), "&mut dyn Shape");
    let (_, after) = callers.expect("offered for &mut dyn");
    assert!(
        after.contains("pub fn bigger(mut s: DynShape<'_>) { s.grow(); }"),
        "{after}"
    );
    assert!(
        after.contains("bigger(DynShape::from_mut(&mut q))"),
        "{after}"
    );
    let (callers, _) = run(&src(""), "Box<dyn Shape");
    let (label, after) = callers.expect("offered for Box<dyn>");
    assert!(
        label.contains("no allocation for values that fit in a pointer"),
        "{label}"
    );
    assert!(
        after.contains("pub fn keep(s: DynShapeSend<'static>) -> f64"),
        "{after}"
    );
    assert!(
        after.contains("keep(DynShapeSend::new(Sq(2.0)))"),
        "{after}"
    );
    // An argument that may be a `&dyn Shape` already: not offered, and hover says which.
    let (callers, hover) = run(
        &src("pub fn again(s: &dyn Shape) -> f64 { show(s) }\n"),
        "show(s: &dyn Shape",
    );
    assert!(callers.is_none());
    assert!(hover.contains("`s` may be a `&dyn …` already"), "{hover}");
    // The body passes the parameter on: not offered.
    let (callers, hover) = run(
        &src("pub fn pass(s: &dyn Shape) -> f64 { show(s) }\n"),
        "pass(s: &dyn Shape",
    );
    assert!(callers.is_none());
    // A `dyn` parameter's hover stays about `dyn` where the function rules the conversion out.
    assert!(!hover.contains("Convert to dyn*"), "{hover}");
    let (db, file, range, _) = crate::assists::test_util::fixture(
        "pub trait Shape { fn area(&self) -> f64; }\npub fn show(s: &dyn Shape) -> f64 { s.area() }\npub fn pass(s: &dyn $0Shape) -> f64 { show(s) }\n",
    );
    match super::prepare(&db, file, range.start()) {
        Err(Some(why)) => assert!(
            why.contains("is used other than as a method's receiver"),
            "{why}"
        ),
        _ => panic!("prepared"),
    }
}

/// A dependency's trait: its dyn type goes into the crate's new `dyn_star` module, and the
/// converted body imports the trait (its methods were the `impl Trait`'s, they are the dyn
/// value's trait impl's now).
#[test]
fn a_dependency_trait_parameter_converts_through_the_crates_dyn_star_module() {
    let f = crate::nameres::tests::fixture(
        "//- /app/src/lib.rs crate:app deps:dep
pub fn serve(s: impl dep::io::Service) -> u32 {
    s.call(1)
}
//- /dep/src/lib.rs crate:dep origin:dep
pub mod io {
    pub trait Service {
        fn call(&self, x: u32) -> u32;
    }
}
",
    );
    let (change, after) = wrapper_in_lib(&f, "Service");
    assert!(
        after.contains("fn serve_dyn(s: crate::dyn_star::DynService<'_>) -> u32 {\n    use dep::io::Service as _;\n    s.call(1)\n}"),
        "{after}"
    );
    assert!(after.contains("pub mod dyn_star;"), "{after}");
    assert_eq!(change.new_files.len(), 1);
    assert!(
        change.new_files[0]
            .text
            .contains("pub struct DynService<'a>"),
        "{}",
        change.new_files[0].text
    );
}

/// A dependency's trait with auto traits (`impl AsyncRead + Unpin + Send`, the usual bound):
/// one trait covering them in the crate's `dyn_star` module, the dependency's trait named by
/// its public path.
#[test]
fn a_dependency_trait_with_auto_traits_becomes_one_trait_in_dyn_star() {
    let f = crate::nameres::tests::fixture(
        "//- /app/src/lib.rs crate:app deps:dep
pub fn pump(s: impl dep::io::Service + Unpin + Send) -> u32 {
    s.call(1)
}
//- /dep/src/lib.rs crate:dep origin:dep
pub mod io {
    pub trait Service {
        fn call(&self, x: u32) -> u32;
    }
}
",
    );
    let (change, after) = wrapper_in_lib(&f, "Service");
    assert!(
        after.contains("fn pump_dyn(s: crate::dyn_star::DynServiceUnpinSend<'_>) -> u32 {\n    use dep::io::Service as _;"),
        "{after}"
    );
    let star = &change.new_files[0].text;
    assert!(
        star.contains("pub trait ServiceUnpinSend: dep::io::Service + Unpin + Send {}"),
        "{star}"
    );
    assert!(
        star.contains("impl<'a> dep::io::Service for DynServiceUnpinSend<'a>"),
        "{star}"
    );
}

/// A closure's signature naming the crate's types: by their path from the crate root when the
/// `dyn_star` module sees them; a private type of another module is refused, with the reason.
#[test]
fn closure_signatures_name_the_crates_types_by_path() {
    let f = crate::nameres::tests::fixture(
        "//- /app/src/lib.rs crate:app
pub mod geom {
    pub struct Point(pub i32);
    struct Hidden;
    pub fn moved(f: impl Fn(Point) -> i32) -> i32 { f(Point(1)) }
    pub fn hidden(f: impl Fn(&Hidden) -> i32) -> i32 { f(&Hidden) }
}
",
    );
    let lib = f.file("/app/src/lib.rs");
    let text = f.db.file_text(lib).unwrap().to_string();
    let at = |needle: &str| dynlens_base::TextSize::from((text.find(needle).unwrap() + 8) as u32);
    match super::prepare(&f.db, lib, at("f: impl Fn(Point")) {
        Ok(p) => assert_eq!(p.dyn_name, "DynFnPointToI32"),
        Err(e) => panic!("not prepared: {e:?}"),
    }
    match super::prepare(&f.db, lib, at("f: impl Fn(&Hidden")) {
        Err(Some(why)) => assert!(
            why.contains("names `Hidden`, which the crate's `dyn_star` module cannot name"),
            "{why}"
        ),
        _ => panic!("prepared for a private type of another module"),
    }
}

/// The wrapper variant's change at `needle` (the cursor two characters in) of the fixture's
/// `/app/src/lib.rs`, and that file after it.
fn wrapper_in_lib(
    f: &crate::nameres::tests::Fixture,
    needle: &str,
) -> (crate::assists::SourceChange, String) {
    use crate::assists::{AssistResolve, assists};
    use dynlens_base::{TextRange, TextSize};
    let lib = f.file("/app/src/lib.rs");
    let text = f.db.file_text(lib).unwrap().to_string();
    let at = TextSize::from((text.find(needle).unwrap() + 2) as u32);
    let a = assists(&f.db, lib, TextRange::empty(at), AssistResolve::All)
        .into_iter()
        .find(|a| a.id == ID)
        .expect("offered");
    let change = a.change.expect("built");
    let after = change.apply_to(lib, &text).unwrap();
    (change, after)
}
