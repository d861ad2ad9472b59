//! The vtable layout of a dyn-compatible trait, slot by slot, as rustc lays it out
//! (`compiler/rustc_trait_selection/src/traits/vtable.rs`, `prepare_vtable_segments`):
//!
//! 1. `drop_in_place`, `size`, `align` (the "DSA" metadata);
//! 2. the whole vtable of the first direct supertrait as a prefix, recursively, so that
//!    upcasting to it reuses the same vtable pointer;
//! 3. for every other supertrait not already included: its own methods followed by a pointer
//!    to its vtable (the upcasting "vptr"), omitted while no trait with methods has been
//!    emitted yet and for supertraits with no methods anywhere below them;
//! 4. the trait's own methods, in declaration order.
//!
//! Only "vtable safe" methods take a slot: methods under `where Self: Sized` take none; a
//! by-value `self` method does (rustc fills it with a vtable shim that takes the value by
//! pointer).

use std::collections::HashSet;

use crate::db::{Db, TraitKey};
use crate::model::{GenericArg, Ty};
use crate::resolve::{Resolved, Scope, bound_trait, resolve_marker_aware};
use crate::rules::{method_requires_sized, method_violations};

/// One slot of a vtable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    DropInPlace,
    Size,
    Align,
    /// A method of `trait_name` (with the instantiation it belongs to, `Supertrait<u8>`,
    /// when the trait appears with several); `by_value` when it takes `self` by value;
    /// `vacant_unless`: the method's `where Self: …` bounds (other than `Sized`) — a type that
    /// does not satisfy them leaves the slot vacant.
    Method {
        trait_name: String,
        method: String,
        by_value: bool,
        vacant_unless: Option<String>,
    },
    /// The pointer to a supertrait's own vtable (for upcasting).
    Vptr {
        trait_name: String,
    },
}

impl Slot {
    /// A short description for the hover table.
    pub fn describe(&self) -> String {
        match self {
            Slot::DropInPlace => "`drop_in_place` — drops the erased value".to_string(),
            Slot::Size => "`size` — `size_of` the erased type".to_string(),
            Slot::Align => "`align` — `align_of` the erased type".to_string(),
            Slot::Method {
                trait_name,
                method,
                by_value,
                vacant_unless,
            } => {
                let mut s = format!("`{trait_name}::{method}`");
                if *by_value {
                    s.push_str(
                        " (by-value `self`: a vtable shim receives the value through a pointer)",
                    );
                }
                if let Some(b) = vacant_unless {
                    s.push_str(&format!(
                        " — vacant for types that are not `{b}` (`where Self: {b}`)"
                    ));
                }
                s
            }
            Slot::Vptr { trait_name } => {
                format!("vtable pointer for `dyn {trait_name}` (upcasting)")
            }
        }
    }
}

/// A trait as instantiated in the layout: the trait and its generic arguments (as text,
/// the root trait's parameters substituted), so that `Supertrait<T>` and `Supertrait<U>` are
/// two segments, as in rustc, and the same instantiation reached twice is one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Node {
    key: TraitKey,
    args: Vec<String>,
}

/// The layout of `dyn Trait`'s vtable. `None` if the trait cannot be loaded.
pub fn layout(db: &Db, key: &TraitKey) -> Option<Vec<Slot>> {
    let def = db.trait_def(key)?;
    let root = Node {
        key: key.clone(),
        args: def.generics.iter().map(|g| g.name.clone()).collect(),
    };
    // Each segment: the instantiated trait, its own entries, whether a vptr follows.
    let mut order: Vec<(Node, Vec<Entry>, bool)> = Vec::new();
    let mut visited: HashSet<Node> = HashSet::new();
    visited.insert(root.clone());
    let mut emit_vptr_on_new_entry = false;
    // Whether a trait has entries in its closure, per trait, once (linear in the closure).
    let mut below: std::collections::HashMap<TraitKey, bool> = std::collections::HashMap::new();
    // Each stack entry: (trait, emit_vptr, remaining siblings to visit).
    let mut stack: Vec<(Node, bool, std::vec::IntoIter<Node>)> =
        vec![(root, false, Vec::new().into_iter())];
    'outer: loop {
        // Dive into the first unvisited supertrait, repeatedly.
        loop {
            let Some((top, _, _)) = stack.last() else {
                break 'outer;
            };
            let mut supers = direct_supertraits(db, top).into_iter();
            match supers.by_ref().find(|s| visited.insert(s.clone())) {
                Some(next) => stack.push((next, emit_vptr_on_new_entry, supers)),
                None => break,
            }
        }
        // Emit the innermost trait, then move to its next sibling if there is one.
        while let Some((n, emit_vptr, mut siblings)) = stack.pop() {
            let has_entries = any_entries_below(db, &n.key, &mut below);
            order.push((n.clone(), own_entries(db, &n.key), emit_vptr && has_entries));
            emit_vptr_on_new_entry |= has_entries;
            if let Some(next) = siblings.by_ref().find(|s| visited.insert(s.clone())) {
                stack.push((next, emit_vptr_on_new_entry, siblings));
                continue 'outer;
            }
        }
        break;
    }
    // A trait met with several instantiations is named with its arguments.
    let label = |n: &Node| {
        let name = db.trait_display_path(&n.key);
        let several = order
            .iter()
            .filter(|(m, _, _)| m.key == n.key)
            .map(|(m, _, _)| &m.args)
            .collect::<HashSet<_>>()
            .len()
            > 1;
        if several && !n.args.is_empty() {
            format!("{name}<{}>", n.args.join(", "))
        } else {
            name
        }
    };
    let mut slots = vec![Slot::DropInPlace, Slot::Size, Slot::Align];
    for (n, methods, vptr) in &order {
        let trait_name = label(n);
        for (method, by_value, vacant_unless) in methods {
            slots.push(Slot::Method {
                trait_name: trait_name.clone(),
                method: method.clone(),
                by_value: *by_value,
                vacant_unless: vacant_unless.clone(),
            });
        }
        if *vptr {
            slots.push(Slot::Vptr {
                trait_name: trait_name.clone(),
            });
        }
    }
    Some(slots)
}

/// Direct supertraits of an instantiated trait (bounds on `Self`, in order), instantiated
/// with its arguments; `Sized` and unknown ones skipped.
fn direct_supertraits(db: &Db, node: &Node) -> Vec<Node> {
    let Some(def) = db.trait_def(&node.key) else {
        return Vec::new();
    };
    let params: Vec<&str> = def.generics.iter().map(|g| g.name.as_str()).collect();
    def.self_bounds()
        .filter_map(bound_trait)
        .filter_map(|p| {
            let key = match resolve_marker_aware(db, Scope::of(&node.key), p) {
                Resolved::Trait(k) => k,
                _ => return None,
            };
            let written: Vec<String> = p
                .segments
                .last()
                .map(|s| {
                    s.args
                        .iter()
                        .filter(|a| !matches!(a, GenericArg::AssocType { .. }))
                        .map(crate::print::arg_text)
                        .collect()
                })
                .unwrap_or_default();
            // Missing arguments take the parameter's default (`Add` is `Add<Self>`).
            let sdef = db.trait_def(&key)?;
            let args = sdef
                .generics
                .iter()
                .enumerate()
                .map(|(i, g)| match written.get(i) {
                    Some(a) => substitute(a, &params, &node.args),
                    None => g
                        .default
                        .as_ref()
                        .map(crate::print::ty_text)
                        .unwrap_or_else(|| "_".to_string()),
                })
                .collect();
            Some(Node { key, args })
        })
        .collect()
}

/// `text` with each identifier that is one of `params` replaced by its argument.
fn substitute(text: &str, params: &[&str], args: &[String]) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match params.iter().position(|p| *p == word.as_str()) {
            Some(i) if i < args.len() => out.push_str(&args[i]),
            _ => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || (c == '\'' && word.is_empty()) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A method's entry: its name, whether it takes `self` by value, and the `where Self:`
/// bounds other than `Sized` a type must meet for its slot not to be vacant.
type Entry = (String, bool, Option<String>);

/// The trait's own vtable-safe methods.
fn own_entries(db: &Db, key: &TraitKey) -> Vec<Entry> {
    let Some(def) = db.trait_def(key) else {
        return Vec::new();
    };
    def.methods()
        .filter(|m| {
            !method_requires_sized(db, key, m)
                && method_violations(db, key, &def, m, &[]).is_empty()
        })
        .map(|m| {
            let by_value = m
                .receiver
                .as_ref()
                .is_some_and(|r| matches!(&r.ty, t if Ty::is_self(t)));
            let bounds: Vec<String> = m
                .where_preds
                .iter()
                .filter(|p| p.ty.as_ref().is_some_and(Ty::is_self))
                .flat_map(|p| p.bounds.iter())
                // Lifetimes are erased in vtables: never a reason for a vacant slot.
                .filter(|b| {
                    !matches!(
                        b,
                        crate::model::Bound::Trait { maybe: true, .. }
                            | crate::model::Bound::Lifetime(_)
                    )
                })
                .map(|b| crate::print::bounds_text(std::slice::from_ref(b)))
                .filter(|t| t != "Sized" && !t.ends_with("::Sized"))
                .collect();
            let vacant = (!bounds.is_empty()).then(|| bounds.join(" + "));
            (m.name.clone(), by_value, vacant)
        })
        .collect()
}

/// Whether the trait or one of its supertraits has a vtable entry: computed once per trait
/// of the closure (memoised in `memo`; a cycle counts as no entries, as rustc rejects it).
fn any_entries_below(
    db: &Db,
    key: &TraitKey,
    memo: &mut std::collections::HashMap<TraitKey, bool>,
) -> bool {
    if let Some(&known) = memo.get(key) {
        return known;
    }
    // Iterative post-order over the supertrait graph.
    memo.insert(key.clone(), false);
    let mut stack: Vec<(TraitKey, Vec<TraitKey>)> = vec![(key.clone(), supers_of(db, key))];
    while let Some((k, mut pending)) = stack.pop() {
        if let Some(next) = pending.pop() {
            stack.push((k, pending));
            if !memo.contains_key(&next) {
                memo.insert(next.clone(), false);
                let s = supers_of(db, &next);
                stack.push((next, s));
            }
            continue;
        }
        let own = !own_entries(db, &k).is_empty();
        let any = own
            || supers_of(db, &k)
                .iter()
                .any(|s| memo.get(s).copied().unwrap_or(false));
        memo.insert(k, any);
    }
    memo.get(key).copied().unwrap_or(false)
}

/// The traits a trait's bounds on `Self` name: [`direct_supertraits`] without their
/// arguments (whether a trait has entries does not depend on them).
fn supers_of(db: &Db, key: &TraitKey) -> Vec<TraitKey> {
    let node = Node {
        key: key.clone(),
        args: Vec::new(),
    };
    direct_supertraits(db, &node)
        .into_iter()
        .map(|n| n.key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynlens_std::StdLibrary;

    fn names(src: &str, trait_index: u32) -> Vec<String> {
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), src.to_string());
        layout(&db, &TraitKey::Local(f, trait_index))
            .unwrap()
            .iter()
            .map(|s| match s {
                Slot::DropInPlace => "drop".to_string(),
                Slot::Size => "size".to_string(),
                Slot::Align => "align".to_string(),
                Slot::Method {
                    trait_name, method, ..
                } => format!("{trait_name}::{method}"),
                Slot::Vptr { trait_name } => format!("{trait_name}-vptr"),
            })
            .collect()
    }

    /// rustc's dump for `dyn Trait<u8, u16>` (nightly `#[rustc_dump_vtable]`, issue 12):
    /// MetadataDropInPlace, MetadataSize, MetadataAlign, `<… as Supertrait<u8>>::p`,
    /// `<… as Supertrait<u16>>::p`, TraitVPtr(`Supertrait<u16>`), `Trait::say_hello`. At the
    /// trait level the instantiations are the trait's parameters: `Supertrait<T>`, `<U>`.
    #[test]
    fn supertraits_differing_in_arguments_are_separate_segments() {
        let src = "trait Supertrait<T> { fn p(&self) {} }\ntrait Trait<T, U>: Supertrait<T> + Supertrait<U> { fn say_hello(&self) {} }";
        assert_eq!(
            names(src, 1),
            [
                "drop",
                "size",
                "align",
                "Supertrait<T>::p",
                "Supertrait<U>::p",
                "Supertrait<U>-vptr",
                "Trait::say_hello"
            ]
        );
        // The same instantiation twice is one segment.
        let src = "trait Supertrait<T> { fn p(&self) {} }\ntrait Trait<T>: Supertrait<T> + Supertrait<T> { fn say_hello(&self) {} }";
        assert_eq!(
            names(src, 1),
            ["drop", "size", "align", "Supertrait::p", "Trait::say_hello"]
        );
    }

    /// A diamond whose supertraits are instantiated twice; rustc's dump for `dyn Top`
    /// (nightly `#[rustc_dump_vtable]`): `Supertrait<u8>::p`, `A::a`, TraitVPtr(A),
    /// `Dia<u8>::d`, `Supertrait<u16>::p`, TraitVPtr(`Supertrait<u16>`), `Dia<u16>::d`,
    /// TraitVPtr(`Dia<u16>`), `Top::t` — `A`, with no parameters, is one segment.
    #[test]
    fn diamond_instantiated_twice_matches_rustc_dump() {
        let src = "trait Supertrait<T> { fn p(&self) {} }\ntrait A { fn a(&self); }\ntrait Dia<T>: Supertrait<T> + A { fn d(&self); }\ntrait Top: Dia<u8> + Dia<u16> { fn t(&self); }";
        assert_eq!(
            names(src, 3),
            [
                "drop",
                "size",
                "align",
                "Supertrait<u8>::p",
                "A::a",
                "A-vptr",
                "Dia<u8>::d",
                "Supertrait<u16>::p",
                "Supertrait<u16>-vptr",
                "Dia<u16>::d",
                "Dia<u16>-vptr",
                "Top::t"
            ]
        );
    }

    /// num-traits' `RefNum`: two instantiations of `NumOps`, each with five operator
    /// supertraits. rustc's dump for `dyn RefNum<u32>` (nightly `#[rustc_dump_vtable]`) has 23
    /// entries: DSA; `Add<u32>::add`; `Sub<u32>::sub`, vptr; `Mul<u32>`, `Div<u32>`,
    /// `Rem<u32>` likewise; the five again for `&u32`, each with its vptr; then the vptr of
    /// `NumOps<&u32, u32>`.
    #[test]
    fn ref_num_has_a_segment_per_instantiation() {
        let src = "use std::ops::*;\npub trait NumOps<Rhs = Self, Output = Self>: Add<Rhs, Output = Output> + Sub<Rhs, Output = Output> + Mul<Rhs, Output = Output> + Div<Rhs, Output = Output> + Rem<Rhs, Output = Output> {}\npub trait RefNum<Base>: NumOps<Base, Base> + for<'r> NumOps<&'r Base, Base> {}";
        let got = names(src, 1);
        assert_eq!(got.len(), 23, "{got:?}");
        let ops = ["add", "sub", "mul", "div", "rem"];
        let mut expected = vec!["drop".to_string(), "size".into(), "align".into()];
        for (i, op) in ops.iter().enumerate() {
            let tr = format!("std::ops::{}{}", op[..1].to_uppercase(), &op[1..]);
            expected.push(format!("{tr}<Base>::{op}"));
            if i > 0 {
                expected.push(format!("{tr}<Base>-vptr"));
            }
        }
        for op in ops {
            let tr = format!("std::ops::{}{}", op[..1].to_uppercase(), &op[1..]);
            expected.push(format!("{tr}<&'r Base>::{op}"));
            expected.push(format!("{tr}<&'r Base>-vptr"));
        }
        expected.push("NumOps<&'r Base, Base>-vptr".into());
        assert_eq!(got, expected);
    }

    /// rustc's dump for `dyn Vac` prints `Vacant` for `v` (its own vtable, for the
    /// trait-level layout, lists the slot; the row says which types leave it vacant).
    #[test]
    fn where_self_send_methods_are_vacant_for_other_types() {
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text(
            "lib.rs".into(),
            "trait Vac { fn v(&self) where Self: Send; fn w(&self); }".to_string(),
        );
        let slots = layout(&db, &TraitKey::Local(f, 0)).unwrap();
        assert_eq!(
            slots[3].describe(),
            "`Vac::v` — vacant for types that are not `Send` (`where Self: Send`)"
        );
        assert_eq!(slots[4].describe(), "`Vac::w`");
    }

    /// Issue 12: the layout's segments and the expansion's upcasts agree. For every
    /// instantiation of a user supertrait the layout lists (its methods, and its vptr unless it
    /// is the prefix), `DynFoo`'s vtable returns a vtable of that very instantiation
    /// (`pub supertrait_u: fn() -> NonNull<SupertraitVtable<'a, U>>`) and its upcast
    /// (`into_dyn_supertrait_u`) hands out that pointer; the instantiations of one trait come
    /// in the layout's order. (The expansion returns every supertrait's vtable, the prefix's
    /// too, where rustc shares the prefix: the upcast to it is then another pointer instead of
    /// the same one.)
    #[test]
    fn expansion_upcasts_use_the_segment_the_layout_lists_for_each_instantiation() {
        let cases = [
            (
                "trait Supertrait<T> { fn p(&self) -> u8; }\ntrait Trait<T, U>: Supertrait<T> + Supertrait<U> { fn say_hello(&self); }",
                1,
                vec!["Supertrait<T>", "Supertrait<U>"],
            ),
            (
                "trait Supertrait<T> { fn p(&self) {} }\ntrait A { fn a(&self); }\ntrait Dia<T>: Supertrait<T> + A { fn d(&self); }\ntrait Top: Dia<u8> + Dia<u16> { fn t(&self); }",
                3,
                vec![
                    "Supertrait<u8>",
                    "A",
                    "Dia<u8>",
                    "Supertrait<u16>",
                    "Dia<u16>",
                ],
            ),
        ];
        for (src, index, segments) in cases {
            let mut db = Db::new(StdLibrary::catalog());
            let f = db.set_file_text("lib.rs".into(), src.to_string());
            let key = TraitKey::Local(f, index);
            // The layout's segments of supertraits, in order, named as hover names them.
            let mut layout_segments: Vec<String> = Vec::new();
            for slot in layout(&db, &key).unwrap() {
                let name = match slot {
                    Slot::Method { trait_name, .. } | Slot::Vptr { trait_name } => trait_name,
                    _ => continue,
                };
                if !layout_segments.contains(&name) {
                    layout_segments.push(name);
                }
            }
            let own = db.trait_def(&key).unwrap().name.clone();
            layout_segments.retain(|n| *n != own);
            assert_eq!(layout_segments, segments, "{src}");

            let input = crate::dyn_star::expand_input(&db, &key, false).unwrap();
            let plan = dynlens_expand::plan(&input).unwrap();
            let text = dynlens_expand::emit(&plan).unwrap().text;
            let squash = |s: &str| s.replace(' ', "");
            let several =
                |name: &str| plan.supertraits().iter().filter(|s| s.name == name).count() > 1;
            // Every supertrait vtable is a segment of the layout, under the same name.
            let mut vtables: Vec<(String, dynlens_expand::SupertraitVtable)> = Vec::new();
            for s in plan.supertraits() {
                let e = s
                    .vtable
                    .clone()
                    .expect("a user supertrait has a vtable field");
                let label = if several(&s.name) {
                    s.instance.clone()
                } else {
                    s.name.clone()
                };
                assert!(
                    layout_segments.iter().any(|l| squash(l) == squash(&label)),
                    "{label} is not a segment of the layout {layout_segments:?}"
                );
                vtables.push((label, e));
            }
            assert_eq!(vtables.len(), layout_segments.len(), "{vtables:?}");
            // The instantiations of each trait in the same order.
            for s in plan.supertraits() {
                let in_layout: Vec<String> = layout_segments
                    .iter()
                    .filter(|l| l.split('<').next() == Some(s.name.as_str()))
                    .map(|l| squash(l))
                    .collect();
                let in_expansion: Vec<String> = vtables
                    .iter()
                    .filter(|(l, _)| l.split('<').next() == Some(s.name.as_str()))
                    .map(|(l, _)| squash(l))
                    .collect();
                assert_eq!(in_expansion, in_layout, "{}", s.name);
            }
            // The generated code: the field holds that instantiation's vtable, and the upcast
            // returns that instantiation's dyn value built on that field.
            // The dyn type's lifetime (`'a`, or another name when the trait uses `a`).
            let lt = text
                .split(&format!("pub struct Dyn{own}<"))
                .nth(1)
                .and_then(|rest| rest.split([',', '>']).next())
                .unwrap();
            for s in plan.supertraits() {
                let e = s.vtable.as_ref().unwrap();
                let args = s
                    .instance
                    .split_once('<')
                    .map(|(_, a)| format!(", {}", a.trim_end_matches('>')))
                    .unwrap_or_default();
                let field = format!(
                    "pub {}: fn() -> ::core::ptr::NonNull<{}Vtable<{lt}{args}>>,",
                    e.field, s.name
                );
                assert!(text.contains(&field), "{field}\n{text}");
                // These hierarchies are small: every supertrait gets its dyn type.
                let upcast = e.upcast.as_ref().expect("an upcast");
                let upcast = format!("pub fn {upcast}(self) -> Dyn{}<{lt}{args}> {{", s.name);
                let at = text
                    .find(&upcast)
                    .unwrap_or_else(|| panic!("{upcast}\n{text}"));
                let body = &text[at..at + text[at..].find("\n    }\n").unwrap()];
                assert!(
                    body.contains(&format!("Vtable::of(&this).{})().as_ref(),", e.field)),
                    "{body}"
                );
            }
        }
    }

    #[test]
    fn single_trait_skips_sized_methods() {
        assert_eq!(
            names(
                "trait A { fn a(&self); fn b(&self) where Self: Sized; fn c(self); }",
                0
            ),
            ["drop", "size", "align", "A::a", "A::c"]
        );
    }

    #[test]
    fn multiple_inheritance_matches_rustc_comment() {
        // D --> C --> A, C --> B : DSA, A, B, B-vptr, C, D
        let src = "trait A { fn a(&self); } trait B { fn b(&self); } trait C: A + B { fn c(&self); } trait D: C { fn d(&self); }";
        assert_eq!(
            names(src, 3),
            [
                "drop", "size", "align", "A::a", "B::b", "B-vptr", "C::c", "D::d"
            ]
        );
    }

    #[test]
    fn diamond_matches_rustc_comment() {
        // D --> B --> A, D --> C --> A : DSA, A, B, C, C-vptr, D
        let src = "trait A { fn a(&self); } trait B: A { fn b(&self); } trait C: A { fn c(&self); } trait D: B + C { fn d(&self); }";
        assert_eq!(
            names(src, 3),
            [
                "drop", "size", "align", "A::a", "B::b", "C::c", "C-vptr", "D::d"
            ]
        );
    }

    #[test]
    fn empty_supertraits_get_no_vptr() {
        let src = "trait E {} trait A { fn a(&self); } trait T: A + E { fn t(&self); }";
        assert_eq!(names(src, 2), ["drop", "size", "align", "A::a", "T::t"]);
    }
}
