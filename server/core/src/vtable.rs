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
use crate::model::Ty;
use crate::resolve::{Resolved, Scope, bound_trait, resolve_marker_aware};
use crate::rules::{method_requires_sized, method_violations};

/// One slot of a vtable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    DropInPlace,
    Size,
    Align,
    /// A method of `trait_name`; `by_value` when it takes `self` by value.
    Method {
        trait_name: String,
        method: String,
        by_value: bool,
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
                by_value: false,
            } => format!("`{trait_name}::{method}`"),
            Slot::Method {
                trait_name,
                method,
                by_value: true,
            } => {
                format!(
                    "`{trait_name}::{method}` (by-value `self`: a vtable shim receives the value through a pointer)"
                )
            }
            Slot::Vptr { trait_name } => {
                format!("vtable pointer for `dyn {trait_name}` (upcasting)")
            }
        }
    }
}

/// The layout of `dyn Trait`'s vtable. `None` if the trait cannot be loaded.
pub fn layout(db: &Db, key: &TraitKey) -> Option<Vec<Slot>> {
    let mut slots = vec![Slot::DropInPlace, Slot::Size, Slot::Align];
    let mut visited: HashSet<TraitKey> = HashSet::new();
    visited.insert(key.clone());
    let mut emit_vptr_on_new_entry = false;
    // Each stack entry: (trait, emit_vptr, remaining siblings to visit).
    let mut stack: Vec<(TraitKey, bool, std::vec::IntoIter<TraitKey>)> =
        vec![(key.clone(), false, Vec::new().into_iter())];
    db.trait_def(key)?;
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
        while let Some((k, emit_vptr, mut siblings)) = stack.pop() {
            let has_entries = any_entries_below(db, &k);
            slots.extend(own_entries(db, &k));
            if emit_vptr && has_entries {
                slots.push(Slot::Vptr {
                    trait_name: db.trait_display_path(&k),
                });
            }
            emit_vptr_on_new_entry |= has_entries;
            if let Some(next) = siblings.by_ref().find(|s| visited.insert(s.clone())) {
                stack.push((next, emit_vptr_on_new_entry, siblings));
                continue 'outer;
            }
        }
        break;
    }
    Some(slots)
}

/// Direct supertraits (bounds on `Self`, in order), skipping `Sized` and unknown ones.
fn direct_supertraits(db: &Db, key: &TraitKey) -> Vec<TraitKey> {
    let Some(def) = db.trait_def(key) else {
        return Vec::new();
    };
    def.self_bounds()
        .filter_map(bound_trait)
        .filter_map(|p| match resolve_marker_aware(db, Scope::of(key), p) {
            Resolved::Trait(k) => Some(k),
            _ => None,
        })
        .collect()
}

/// The trait's own vtable-safe methods.
fn own_entries(db: &Db, key: &TraitKey) -> Vec<Slot> {
    let Some(def) = db.trait_def(key) else {
        return Vec::new();
    };
    let name = db.trait_display_path(key);
    def.methods()
        .filter(|m| {
            !method_requires_sized(db, key, m)
                && method_violations(db, key, &def, m, &[]).is_empty()
        })
        .map(|m| Slot::Method {
            trait_name: name.clone(),
            method: m.name.clone(),
            by_value: m
                .receiver
                .as_ref()
                .is_some_and(|r| matches!(&r.ty, t if Ty::is_self(t))),
        })
        .collect()
}

fn any_entries_below(db: &Db, key: &TraitKey) -> bool {
    let (closure, _) = crate::rules::supertrait_closure(db, key);
    closure.iter().any(|(k, _)| !own_entries(db, k).is_empty())
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
