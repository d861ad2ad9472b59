//! The dyn* verdict: what dynlens's dyn* value (`DynFoo`, SPEC core point 5) can dispatch,
//! which is strictly more than `dyn Trait`. Computed on request (hover, `check`), never for
//! diagnostics.

use std::collections::HashSet;

use super::*;

/// How dynlens's dyn* value (`DynFoo`) carries a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynStarCarry {
    /// Through a plain vtable entry (it is dispatchable as is).
    Plain,
    /// Not in the vtable (`where Self: Sized`): `impl Foo for DynFoo` uses the default body or
    /// leaves it to the concrete type.
    Exempt,
    /// A boxing shim (`async fn`, `-> impl Trait`).
    Boxing,
    /// An erasing shim (`impl Trait` arguments, type parameters with dyn compatible bounds).
    Erasing,
    /// Through the dyn* value itself (`-> Self`).
    ReturnsSelf,
    /// Cannot be carried.
    No,
}

/// The dyn* verdict of a trait (computed on request: diagnostics do not need it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynStarVerdict {
    /// Can `impl Trait for DynTrait` be written?
    pub compatible: bool,
    /// Why not, item by item.
    pub blockers: Vec<String>,
    /// How each of the trait's own methods is carried (parallel to `Verdict::methods`), with
    /// the reason when it cannot be.
    pub methods: Vec<(DynStarCarry, Option<String>)>,
}

/// The dyn* verdict of the trait `key` (`def`), given its supertrait closure and its rustc
/// verdict.
pub(super) fn verdict(
    db: &Db,
    key: &TraitKey,
    def: &TraitDef,
    closure: &[(TraitKey, Vec<String>)],
    unresolved: &[String],
    violations: &[Violation],
    methods: &[MethodVerdict],
) -> DynStarVerdict {
    let carries: Vec<_> = def
        .methods()
        .map(|m| dyn_star_carry(db, key, def, m))
        .collect();
    let mut blockers = dyn_star_blockers(db, closure, violations, methods, &carries);
    for u in unresolved {
        blockers.push(format!(
            "the supertrait `{u}` is unknown to dynlens, so its methods cannot be forwarded"
        ));
    }
    DynStarVerdict {
        compatible: blockers.is_empty(),
        blockers,
        methods: carries,
    }
}

/// Why `impl Trait for DynTrait` cannot be written (empty: it can). The dyn* value is
/// `Sized`, so `Self: Sized` requirements are no obstacle; what blocks it is anything that
/// needs the erased type by name, and every method (of the trait and its supertraits) that
/// the expansion cannot route through the vtable. `crate::expand` implements the same rules;
/// `tests/cli` checks that both agree on every trait of the oracle corpus.
fn dyn_star_blockers(
    db: &Db,
    closure: &[(TraitKey, Vec<String>)],
    violations: &[Violation],
    methods: &[MethodVerdict],
    carries: &[(DynStarCarry, Option<String>)],
) -> Vec<String> {
    let mut out = Vec::new();
    for v in violations {
        if matches!(
            v.kind,
            ViolationKind::SupertraitSelf
                | ViolationKind::AssocTypeBoundSelf
                | ViolationKind::AssocConst
                | ViolationKind::GenericAssocType
        ) {
            out.push(v.message());
        }
    }
    for (m, (_, blocker)) in methods.iter().zip(carries) {
        if let Some(b) = blocker {
            out.push(format!("method `{}`: {b}", m.name));
        }
    }
    if let Some((key, _)) = closure.first()
        && let Some(def) = db.trait_def(key)
    {
        // `impl<T> Foo for T` already covers `DynFoo`: a second impl would conflict.
        let blanket = db.files().any(|f| {
            db.model(f)
                .is_some_and(|m| m.blanket_impls.contains(&def.name))
        });
        if blanket {
            out.push(format!("a blanket `impl<T> {} for T` already covers the dyn* value (a second impl would conflict)", def.name));
        }
    }
    for (i, (k, _)) in closure.iter().enumerate() {
        let Some(def) = db.trait_def(k) else { continue };
        let ctx = SelfCtx::new(db, k);
        // A trait `where` clause bounding a type built from `Self` (`where Box<Self>: Debug`).
        for p in &def.where_preds {
            if let Some(ty) = &p.ty
                && !ty.is_self()
                && ctx.mentions_self(ty, true)
            {
                out.push(format!(
                    "`{}`'s `where` clause bounds `{}`, a type built from the erased `Self`",
                    def.name,
                    ty_text(ty)
                ));
            }
        }
        for t in def.assoc_types() {
            // Generic associated types, even under `where Self: Sized`: the impl for the
            // (`Sized`) dyn* value would have to name the erased type's GAT.
            if !t.generics.is_empty() {
                let v = format!(
                    "generic associated type `{}::{}` cannot be named for the erased type",
                    def.name, t.name
                );
                if !out
                    .iter()
                    .any(|o| o.contains(&format!("associated type `{}`", t.name)))
                {
                    out.push(v);
                }
            }
            // `type It: Iterator<Item = Box<Self>>`.
            for b in &t.bounds {
                let Some(path) = bound_trait(b) else { continue };
                for a in path.last_args() {
                    if let GenericArg::AssocType {
                        name, ty: Some(x), ..
                    } = a
                        && ctx.mentions_self(x, true)
                    {
                        out.push(format!("associated type `{}`'s bound binds `{name} = {}`, a type built from the erased `Self`", t.name, ty_text(x)));
                    }
                }
            }
        }
        // Associated constants block even where rustc does not list them (a trait that
        // requires `Sized` has its items exempt): `DynFoo` has no value to give.
        for c in def.items.iter().filter_map(|it| match it {
            AssocItem::Const(c) => Some(c),
            _ => None,
        }) {
            let v = format!(
                "associated const `{}::{}` has no value for the erased type",
                def.name, c.name
            );
            if !out.contains(&v) {
                out.push(v);
            }
        }
        // `Iterator<Item = Self>`: the supertrait's methods would produce the erased type.
        let scope = Scope::of(k);
        for b in def.self_bounds() {
            let Some(path) = bound_trait(b) else { continue };
            for a in path.last_args() {
                if let GenericArg::AssocType {
                    name, ty: Some(t), ..
                } = a
                    && SelfCtx::new(db, k).mentions_self(t, true)
                    && resolve_trait(db, scope, path).is_some()
                {
                    out.push(format!(
                        "`{}` binds `{name} = {}`, a type built from the erased `Self`",
                        path_text(path),
                        ty_text(t)
                    ));
                }
            }
        }
        for b in def.self_bounds() {
            if let Bound::Trait {
                path,
                higher_ranked: true,
                ..
            } = b
            {
                out.push(format!(
                    "the higher-ranked supertrait `for<…> {}` is not carried",
                    path_text(path)
                ));
            }
        }
        if i == 0 || def.is_auto {
            continue;
        }
        let path = db.trait_display_path(k);
        match &*path {
            "std::any::Any" => {
                out.push("`Any` is implemented by std for every `'static` type: the dyn* value would report its own `TypeId`, and downcasting would fail".to_string());
                continue;
            }
            "std::marker::Copy" => {
                out.push("`Copy` cannot be implemented for a dyn* value: it owns its payload and has drop glue".to_string());
                continue;
            }
            "std::ops::Fn"
            | "std::ops::FnMut"
            | "std::ops::FnOnce"
            | "std::ops::AsyncFn"
            | "std::ops::AsyncFnMut"
            | "std::ops::AsyncFnOnce" => {
                out.push(format!("`{}` cannot be implemented on stable Rust (its methods use the `rust-call` ABI)", def.name));
                continue;
            }
            _ => {}
        }
        for m in def.methods() {
            if let (DynStarCarry::No, Some(b)) = dyn_star_carry(db, k, &def, m) {
                out.push(format!("supertrait method `{}::{}`: {b}", def.name, m.name));
            }
        }
    }
    out
}

/// How the dyn* value carries one method, with the reason when it cannot.
fn dyn_star_carry(
    db: &Db,
    key: &TraitKey,
    def: &TraitDef,
    m: &Method,
) -> (DynStarCarry, Option<String>) {
    let no = |why: String| (DynStarCarry::No, Some(why));
    let requires_sized =
        method_requires_sized(db, key, m) || requires_sized_trait(db, key, &mut HashSet::new());
    if m.receiver.is_none() {
        // `impl Foo for DynFoo` needs a body for it, and has no value to dispatch on.
        return if m.has_body {
            (DynStarCarry::Exempt, None)
        } else {
            no("a function without `self` and without a default body cannot be written for the dyn* value".into())
        };
    }
    // A dyn* value is `Sized`: a `where Self: Sized` method must be provided too, unless it
    // has a default body.
    if requires_sized && m.has_body {
        return (DynStarCarry::Exempt, None);
    }
    // `where Self: Clone` without a default body: the vtable cannot assume `T: Clone`, and
    // the dyn* value is not `Clone` itself.
    if let Some(b) = m
        .where_preds
        .iter()
        .filter(|p| p.ty.as_ref().is_some_and(Ty::is_self))
        .flat_map(|p| p.bounds.iter())
        .filter_map(|b| bound_trait(b).map(|p| (b, p)))
        .find(|(b, p)| {
            !matches!(resolve_marker_aware(db, Scope::of(key), p), Resolved::Sized)
                && bound_requires_sized(db, Scope::of(key), b, &mut HashSet::new())
        })
    {
        return no(format!(
            "it requires `Self: {}` and has no default body; the dyn* value cannot promise that",
            path_text(b.1)
        ));
    }
    if m.has_abi {
        return no("an `extern` function cannot be a shim".into());
    }
    let receiver = &m.receiver.as_ref().map(|r| (r.ty.clone(), r.text.clone()));
    if let Some((ty, text)) = receiver
        && !dyn_star_receiver(ty)
    {
        return no(format!(
            "the receiver `{text}` cannot be built from a dyn* value (only `self`, `&self`, `&mut self`, `Box<Self>`, `Pin<&mut Self>`)"
        ));
    }
    let vs = method_violations(db, key, def, m, &[]);
    let mut carry = DynStarCarry::Plain;
    for v in &vs {
        match v.kind {
            ViolationKind::AsyncFn => {
                if m.ret
                    .as_ref()
                    .is_some_and(|(t, ..)| SelfCtx::new(db, key).mentions_self(t, true))
                {
                    return no("an `async fn` returning `Self` is not carried".into());
                }
                carry = DynStarCarry::Boxing;
            }
            ViolationKind::ReturnImplTrait => carry = DynStarCarry::Boxing,
            ViolationKind::SelfInReturn if m.ret.as_ref().is_some_and(|(t, ..)| t.is_self()) => {
                if carry == DynStarCarry::Plain {
                    carry = DynStarCarry::ReturnsSelf;
                }
            }
            ViolationKind::GenericMethod => {
                if let Some(reason) = generics_not_erasable(db, key, m) {
                    return no(reason);
                }
                if carry == DynStarCarry::Plain {
                    carry = DynStarCarry::Erasing;
                }
            }
            ViolationKind::WhereClauseSelf => {
                return no(format!("its bound `{}` mentions `Self`", v.detail));
            }
            ViolationKind::SelfInArgument => {
                return no(format!(
                    "parameter `{}` would need a value of the erased type",
                    v.detail
                ));
            }
            ViolationKind::SelfInReturn => {
                return no(format!(
                    "the return type `{}` mentions `Self`; only a plain `-> Self` can be rebuilt as a dyn* value",
                    v.detail
                ));
            }
            _ => return no(v.message()),
        }
    }
    (carry, None)
}

/// Receivers a dyn* value can produce: it owns (or borrows) its payload in one word.
fn dyn_star_receiver(ty: &Ty) -> bool {
    match ty {
        t if t.is_self() => true,
        Ty::Ref { inner, .. } => inner.is_self(),
        Ty::Path(p) => {
            let arg = p.last_args().iter().find_map(|a| match a {
                GenericArg::Type(t) => Some(t),
                _ => None,
            });
            match (p.last_name(), arg) {
                ("Box", Some(t)) => t.is_self(),
                (
                    "Pin",
                    Some(Ty::Ref {
                        mutable: true,
                        inner,
                        ..
                    }),
                ) => inner.is_self(),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Type parameters can be erased to `&dyn Bound` only when they are used as a parameter's
/// whole type and all their bounds are dyn compatible; const parameters never.
fn generics_not_erasable(db: &Db, key: &TraitKey, m: &Method) -> Option<String> {
    for g in &m.generics {
        match g.kind {
            GenericParamKind::Lifetime => {}
            GenericParamKind::Const => {
                return Some(format!("const parameter `{}` cannot be erased", g.name));
            }
            GenericParamKind::Type => {
                let mut bounds: Vec<&Bound> = g.bounds.iter().collect();
                for p in &m.where_preds {
                    if matches!(&p.ty, Some(Ty::Path(tp)) if tp.segments.len() == 1 && tp.segments[0].name == g.name)
                    {
                        bounds.extend(p.bounds.iter());
                    }
                }
                if !bounds.iter().any(|b| bound_trait(b).is_some()) {
                    return Some(format!(
                        "`{}` has no trait bound, so there is no `dyn Trait` to erase it to",
                        display_generic(&g.name)
                    ));
                }
                for b in bounds {
                    let Some(path) = bound_trait(b) else { continue };
                    match resolve_marker_aware(db, Scope::of(key), path) {
                        Resolved::Trait(k) => {
                            if let Some(assoc) = unnamed_assoc_type(db, &k, path) {
                                return Some(format!(
                                    "the bound `{}` leaves `{assoc}` unnamed, so `dyn {}` is not a complete type",
                                    path_text(path),
                                    path.last_name()
                                ));
                            }
                            let ok = verdict_shallow_compatible(db, &k);
                            if !ok {
                                return Some(format!(
                                    "the bound `{}` on `{}` is not dyn compatible, so it cannot be erased to `dyn {}`",
                                    path.joined(),
                                    display_generic(&g.name),
                                    path.last_name()
                                ));
                            }
                        }
                        Resolved::Sized => {
                            return Some(format!(
                                "`{}: Sized` cannot be erased",
                                display_generic(&g.name)
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    None
}

/// An associated type of the bound's trait (or its supertraits) that the bound does not name:
/// `dyn IntoIterator<Item = u8>` is incomplete without `IntoIter`.
fn unnamed_assoc_type(db: &Db, key: &TraitKey, path: &TyPath) -> Option<String> {
    let named: Vec<&str> = path
        .last_args()
        .iter()
        .filter_map(|a| match a {
            GenericArg::AssocType {
                name, ty: Some(_), ..
            } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    for (k, _) in supertrait_closure(db, key).0 {
        let Some(def) = db.trait_def(&k) else {
            continue;
        };
        for t in def.assoc_types() {
            if t.generics.is_empty()
                && !item_requires_sized(db, &k, &t.where_preds)
                && !named.contains(&t.name.as_str())
            {
                return Some(t.name.clone());
            }
        }
    }
    None
}

fn display_generic(name: &str) -> String {
    if name.starts_with("impl#") {
        "impl Trait".to_string()
    } else {
        name.to_string()
    }
}

fn verdict_shallow_compatible(db: &Db, key: &TraitKey) -> bool {
    let (closure, _) = supertrait_closure(db, key);
    closure.iter().all(|(k, via)| {
        db.trait_def(k)
            .is_none_or(|d| own_violations(db, k, &d, via).is_empty())
    })
}
