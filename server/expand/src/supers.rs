//! Supertraits as the expansion needs them: auto traits (bounds and `unsafe impl`s), standard
//! library traits (forwarded through slots of the vtable), and user traits (a field of the
//! vtable returns theirs, so that upcasting swaps the vtable pointer).

use super::model::{ClassifyCtx, Method, StdNames, classify, tokens_mention_self};
use super::{ExpandError, SupertraitInput};
use dynlens_std::TraitInfo;
use proc_macro2::Span;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use syn::visit_mut::VisitMut;
use syn::{
    GenericArgument, Ident, ItemTrait, Path, PathArguments, TraitItem, Type, TypeParamBound,
};

/// What kind of supertrait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SuperKind {
    /// `Send`, `Sync`, `Unpin`.
    Auto,
    /// A standard library trait: forwarded through slots of the vtable.
    Std,
    /// A user trait: our vtable returns its. `already_expanded`: the workspace has its
    /// expansion (`ShapeVtable`, `DynShape`); `methods_expanded`: it has its method table
    /// (`ShapeMethods`, written by an expansion that gave it no dyn type). Either is reused.
    User {
        already_expanded: bool,
        methods_expanded: bool,
    },
}

/// One resolved supertrait.
#[derive(Debug, Clone)]
pub(crate) struct Super {
    pub name: Ident,
    /// How to name it in generated code, with generic arguments.
    pub path: Path,
    pub kind: SuperKind,
    /// The std trait it is (the caller resolved it), with its facts; `None` for a user trait.
    pub std: Option<&'static TraitInfo>,
    /// Its declaration (for std traits with well-known names qualified).
    pub item: Option<ItemTrait>,
    /// Its associated types not fixed by the bound: they become parameters of the dyn type.
    pub free_assoc: Vec<Ident>,
    /// Its associated types fixed by the bound (`Iterator<Item = u32>`).
    pub bound_assoc: Vec<(Ident, Type)>,
    /// Its trait-level generic arguments, as written in the bound.
    pub args: Vec<GenericArgument>,
    pub methods: Vec<Method>,
    /// Why the dyn value cannot implement it at all (then it takes no part in the expansion).
    pub not_carried: Option<String>,
    /// Its declaration as written (for including its own expansion).
    pub original: Option<ItemTrait>,
    /// Its type parameters and what they stand for here.
    pub subst: Vec<(Ident, Type)>,
    /// A blanket impl in the workspace implements it for every type, the dyn values included.
    pub blanket_impl: bool,
    /// The bounds of its free associated types (`IntoIter: Iterator<Item = Item>`).
    pub assoc_bounds: Vec<(Ident, Vec<TypeParamBound>)>,
    /// A user supertrait's dyn type and vtable: the arguments for their associated-type
    /// parameters, its supertraits' included (set by the plan from its own expansion).
    pub dyn_assoc_args: Option<Vec<Type>>,
    /// When the trait is a supertrait with several instantiations (`Supertrait<T>` and
    /// `Supertrait<U>`): what tells this one apart in generated names (`t`: the field
    /// `supertrait_t`, the upcast `into_dyn_supertrait_t`).
    pub suffix: Option<String>,
    /// The `for<'r>` of the bound written on the trait, when it is higher-ranked (then it is
    /// not carried, but a forwarding impl still asks it of the pointer).
    pub binder: Option<syn::BoundLifetimes>,
    /// A user supertrait with a dyn type of its own in this output (`DynS`, reached by an
    /// upcast); without one, only its method table is written (set by the plan:
    /// [`crate::plan`]'s budget).
    pub dyn_type: bool,
}

impl Super {
    /// Whether it is the std trait at `canonical_path` (`core::marker::Send`).
    pub(crate) fn is_std(&self, canonical_path: &str) -> bool {
        self.std
            .is_some_and(|info| info.canonical_path == canonical_path)
    }

    /// The trait as an `impl` or `<T as …>` names it: without `Assoc = T`.
    pub(crate) fn impl_path(&self) -> Path {
        let mut path = self.path.clone();
        if let Some(seg) = path.segments.last_mut()
            && let PathArguments::AngleBracketed(a) = &mut seg.arguments
        {
            a.args = a
                .args
                .iter()
                .filter(|g| !matches!(g, GenericArgument::AssocType(_)))
                .cloned()
                .collect();
            if a.args.is_empty() {
                seg.arguments = PathArguments::None;
            }
        }
        path
    }
}

impl Super {
    /// `shape` for `Shape`, `debug` for `Debug`: the prefix of its fields in the vtable;
    /// `supertrait_t` for `Supertrait<T>` beside `Supertrait<U>`.
    pub(crate) fn snake(&self) -> String {
        let snake = snake_case(&self.name.to_string());
        match &self.suffix {
            Some(suffix) => format!("{snake}_{suffix}"),
            None => snake,
        }
    }

    /// The method of the dyn type upcasting to this (user) supertrait's: `into_dyn_shape`,
    /// `into_dyn_supertrait_t`.
    pub(crate) fn upcast(&self) -> Ident {
        ident(&format!("into_dyn_{}", self.snake()))
    }

    /// The struct our vtable's field for this user supertrait returns: its vtable
    /// (`ShapeVtable`), or its method table (`ShapeMethods`) when it has no dyn type here.
    pub(crate) fn table(&self) -> Ident {
        if self.dyn_type {
            ident(&format!("{}Vtable", self.name))
        } else {
            ident(&format!("{}Methods", self.name))
        }
    }

    /// The erased `self` that the shims of [`Super::table`] take (`ShapePayload`,
    /// `ShapeMethodsPayload`).
    pub(crate) fn payload(&self) -> Ident {
        if self.dyn_type {
            ident(&format!("{}Payload", self.name))
        } else {
            ident(&format!("{}MethodsPayload", self.name))
        }
    }

    /// The instantiation, for messages: `Supertrait<T>` (without `Assoc = T`).
    pub(crate) fn instance(&self) -> String {
        let name = &self.name;
        if self.args.is_empty() {
            return name.to_string();
        }
        let args = &self.args;
        super::model::tidy_tokens(&quote::quote!(#name<#(#args),*>).to_string())
    }

    /// What tells two instantiations of one trait apart: its arguments (defaults filled in),
    /// lifetimes erased (`Tr<'a>` and `Tr<'b>` are one vtable segment for rustc).
    pub(crate) fn key(&self) -> String {
        let args: Vec<GenericArgument> = self
            .args
            .iter()
            .filter(|a| !matches!(a, GenericArgument::Lifetime(_)))
            .cloned()
            .map(|mut a| {
                EraseLifetimes.visit_generic_argument_mut(&mut a);
                a
            })
            .collect();
        quote::quote!(#(#args),*).to_string().replace(' ', "")
    }

    /// The vtable field pointing to its vtable: [`Self::snake`], with a `_` after a keyword
    /// (`trait Super` → `super_`).
    pub(crate) fn field(&self) -> Ident {
        let snake = self.snake();
        match syn::parse_str::<Ident>(&snake) {
            Ok(_) => ident(&snake),
            Err(_) => ident(&format!("{snake}_")),
        }
    }
}

/// `WidgetContainer` → `widget_container`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

const STD_ROOTS: [&str; 3] = ["std", "core", "alloc"];

/// Resolves the caller's supertrait list against the bounds written on the trait.
pub(crate) fn resolve(
    item: &ItemTrait,
    index: &InputIndex<'_>,
    borrow: &syn::Lifetime,
    names: StdNames<'_>,
) -> Result<Vec<Super>, ExpandError> {
    let mut out: Vec<Super> = Vec::new();
    // Every `Assoc = T` written on the trait's bounds (`DoubleEndedIterator<Item = u8>` fixes
    // `Iterator`'s `Item`): applied to whichever supertrait declares `Assoc`.
    let mut bindings: Vec<(Ident, Type)> = Vec::new();
    let own_assoc: Vec<Ident> = item
        .items
        .iter()
        .filter_map(|ti| match ti {
            TraitItem::Type(t) => Some(t.ident.clone()),
            _ => None,
        })
        .collect();
    for b in written_bounds(item) {
        if let TypeParamBound::Trait(t) = b
            && let Some(PathArguments::AngleBracketed(a)) =
                t.path.segments.last().map(|s| &s.arguments)
        {
            for g in &a.args {
                if let GenericArgument::AssocType(at) = g {
                    // `Iterator<Item = Self::Out>`: `Out` is a parameter of the dyn type.
                    let mut ty = at.ty.clone();
                    super::model::ReplaceSelfAssoc { assoc: &own_assoc }.visit_type_mut(&mut ty);
                    bindings.push((at.ident.clone(), ty));
                }
            }
        }
    }
    // One `Super` per instantiation (`Supertrait<T>` and `Supertrait<U>` are two, as they are
    // two vtable segments for rustc). The first pass follows the caller's order (breadth first:
    // a trait comes after one that introduces it); a later pass picks up an instantiation
    // introduced by a supertrait resolved after it (`Top: A + C`, `A: X<u8>`, `C: X<u16>`).
    let inputs = index.inputs;
    let cx = ResolveCtx {
        bindings: &bindings,
        own_assoc: &own_assoc,
        borrow,
        names,
    };
    let mut first_of: Vec<(Ident, usize)> = Vec::new();
    let mut unwritten: Vec<Ident> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let before = out.len();
        for (index, input) in inputs.iter().enumerate() {
            let path: Path = syn::parse_str(input.path.trim()).map_err(|e| {
                ExpandError::SupertraitPathDoesNotParse {
                    path: input.path.clone(),
                    error: e.to_string(),
                }
            })?;
            let Some(last) = path.segments.last() else {
                continue;
            };
            let name = last.ident.clone();
            let std = input.std.as_deref().and_then(dynlens_std::trait_info);
            if std.is_some_and(|i| i.facts.sized_marker) || unwritten.contains(&name) {
                continue;
            }
            // The caller lists each trait once; a second input of the same name is ignored.
            match first_of.iter().find(|(n, _)| *n == name) {
                Some((_, i)) if *i != index => continue,
                Some(_) => {}
                None => first_of.push((name.clone(), index)),
            }
            // The bounds as written on the trait carry generic arguments and `Assoc = T`; for a
            // supertrait of a supertrait, as written there (`PartialOrd<str>: PartialEq<str>`).
            let written = instantiations(item, &out, &name);
            if written.is_empty() {
                if !out.iter().any(|s| s.name == name) {
                    unwritten.push(name.clone());
                    let sup = resolve_instance(&cx, input, path, None, None)?;
                    out.push(sup);
                }
                continue;
            }
            for (w, binder) in written {
                // Each written bound is resolved once (a later pass meets it again).
                let text = format!("{name}{}", quote::quote!(#w));
                if seen.contains(&text) {
                    continue;
                }
                seen.push(text);
                let sup = resolve_instance(&cx, input, path.clone(), Some(w), binder)?;
                if !out
                    .iter()
                    .any(|o| o.name == sup.name && o.key() == sup.key())
                {
                    out.push(sup);
                }
            }
            if out.len() > MAX_INSTANCES {
                return Err(ExpandError::TooManySupertraits {
                    trait_name: item.ident.to_string(),
                    count: out.len(),
                    limit: MAX_INSTANCES,
                });
            }
        }
        if out.len() == before {
            break;
        }
    }
    // A supertrait whose own supertrait cannot be carried cannot be either (`Eq: PartialEq`).
    loop {
        let mut changed = false;
        for i in 0..out.len() {
            if out[i].not_carried.is_some() {
                continue;
            }
            let Some(decl) = &out[i].original else {
                continue;
            };
            let below = bound_names(decl);
            let bad = out
                .iter()
                .find(|o| o.not_carried.is_some() && below.contains(&o.name.to_string()))
                .map(|o| o.name.to_string());
            if let Some(b) = bad {
                out[i].not_carried = Some(format!(
                    "the supertrait `{}` requires `{b}`, which cannot be carried",
                    out[i].name
                ));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    several_instances_with_free_assoc(&mut out);
    name_instances(&mut out);
    Ok(out)
}

/// `Super<u8> + Super<u16>` where `Super` has an associated type the bounds leave free: each
/// instantiation has its own, and `dyn Foo` would have to name both (`dyn Foo<Out = …>` is
/// ambiguous for rustc), so neither is carried.
fn several_instances_with_free_assoc(out: &mut [Super]) {
    for i in 0..out.len() {
        let others: Vec<String> = out
            .iter()
            .filter(|o| o.name == out[i].name)
            .map(Super::instance)
            .collect();
        if others.len() < 2 || out[i].not_carried.is_some() {
            continue;
        }
        let free = out
            .iter()
            .filter(|o| o.name == out[i].name)
            .find_map(|o| o.free_assoc.first().cloned());
        if let Some(a) = free {
            let name = out[i].name.clone();
            out[i].not_carried = Some(format!(
                "the supertrait `{name}` is instantiated several times ({}) and leaves its associated type `{a}` free: each instantiation has its own `{a}`, which one dyn type cannot name apart",
                others
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
}

/// The caller's supertraits by name, and the names each one's declaration bounds (parsed at
/// most once per resolution), so that a supertrait's own closure is found in time linear in
/// it (it was a scan of every input per name, with every source parsed again per supertrait:
/// quadratic per supertrait, and the planner resolves every user supertrait's closure).
pub(crate) struct InputIndex<'r> {
    inputs: &'r [SupertraitInput],
    /// The first input of each name (the caller lists each trait once).
    by_name: HashMap<String, usize>,
    bounds: Vec<OnceCell<Vec<String>>>,
}

impl<'r> InputIndex<'r> {
    pub(crate) fn new(inputs: &'r [SupertraitInput]) -> InputIndex<'r> {
        let mut by_name = HashMap::new();
        for (i, s) in inputs.iter().enumerate() {
            by_name.entry(last_ident(&s.path)).or_insert(i);
        }
        InputIndex {
            inputs,
            by_name,
            bounds: inputs.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// The names input `i`'s declaration bounds (none if it does not parse).
    fn bound_names(&self, i: usize) -> &[String] {
        self.bounds[i].get_or_init(|| {
            syn::parse_str::<ItemTrait>(self.inputs[i].source.trim())
                .map(|t| bound_names(&t))
                .unwrap_or_default()
        })
    }

    /// The supertraits of a (user) supertrait, from the caller's transitive list, nearest
    /// first: what its own expansion is planned with. Computed when needed, not kept on each
    /// [`Super`]: every supertrait's closure, kept, made a chain's plans cubic in memory.
    pub(crate) fn transitive_inputs(&self, item: &ItemTrait) -> Vec<SupertraitInput> {
        self.transitive(item)
            .into_iter()
            .map(|i| self.inputs[i].clone())
            .collect()
    }

    /// How many supertraits a (user) supertrait has in the caller's list (its closure's size,
    /// without copying the inputs).
    pub(crate) fn transitive_count(&self, item: &ItemTrait) -> usize {
        self.transitive(item).len()
    }

    /// The indices of [`InputIndex::transitive_inputs`].
    fn transitive(&self, item: &ItemTrait) -> Vec<usize> {
        let mut names: Vec<String> = bound_names(item);
        let mut seen_names: HashSet<String> = names.iter().cloned().collect();
        let mut taken: HashSet<usize> = HashSet::new();
        let mut out: Vec<usize> = Vec::new();
        let mut i = 0;
        while i < names.len() {
            if let Some(&at) = self.by_name.get(&names[i])
                && taken.insert(at)
            {
                out.push(at);
                for b in self.bound_names(at) {
                    if seen_names.insert(b.clone()) {
                        names.push(b.clone());
                    }
                }
            }
            i += 1;
        }
        out
    }
}

/// What every instantiation of a supertrait is resolved against.
#[derive(Clone, Copy)]
struct ResolveCtx<'r> {
    /// Every `Assoc = T` written on the trait's bounds.
    bindings: &'r [(Ident, Type)],
    /// The trait's own associated types.
    own_assoc: &'r [Ident],
    borrow: &'r syn::Lifetime,
    names: StdNames<'r>,
}

/// Resolves one instantiation of a supertrait: `path` as the caller names it, `written` the
/// bound that instantiates it (its arguments and `Assoc = T`), `binder` its `for<'r>` when it
/// is higher-ranked.
fn resolve_instance(
    cx: &ResolveCtx<'_>,
    input: &SupertraitInput,
    mut path: Path,
    written: Option<Path>,
    binder: Option<syn::BoundLifetimes>,
) -> Result<Super, ExpandError> {
    let ResolveCtx {
        bindings,
        own_assoc,
        borrow,
        names,
        ..
    } = *cx;
    let name = path
        .segments
        .last()
        .map(|s| s.ident.clone())
        .unwrap_or_else(|| ident("_"));
    let std = input.std.as_deref().and_then(dynlens_std::trait_info);
    if let Some(w) = &written
        && let (Some(seg), Some(wseg)) = (path.segments.last_mut(), w.segments.last())
        && matches!(seg.arguments, PathArguments::None)
    {
        seg.arguments = wseg.arguments.clone();
    }
    let first = path
        .segments
        .first()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let is_std = std.is_some();
    if is_std && path.leading_colon.is_none() && STD_ROOTS.contains(&first.as_str()) {
        path.leading_colon = Some(Default::default());
    }
    let kind = if input.is_auto {
        SuperKind::Auto
    } else if is_std {
        SuperKind::Std
    } else {
        SuperKind::User {
            already_expanded: input.already_expanded,
            methods_expanded: input.methods_expanded,
        }
    };
    let (args, mut bound_assoc) = split_args(&path);
    for (_, t) in bound_assoc.iter_mut() {
        super::model::ReplaceSelfAssoc { assoc: own_assoc }.visit_type_mut(t);
    }
    let mut sup = Super {
        name: name.clone(),
        path,
        kind: kind.clone(),
        std,
        item: None,
        free_assoc: Vec::new(),
        bound_assoc,
        args,
        methods: Vec::new(),
        not_carried: None,
        original: None,
        subst: Vec::new(),
        assoc_bounds: Vec::new(),
        blanket_impl: input.blanket_impl,
        dyn_assoc_args: None,
        suffix: None,
        binder,
        dyn_type: true,
    };
    if sup.binder.is_some() {
        sup.not_carried = Some(format!(
            "the higher-ranked supertrait `for<…> {name}`: one vtable cannot serve every lifetime"
        ));
    }
    if let Some(why) = std.and_then(|i| i.facts.not_carried) {
        sup.not_carried = Some(format!("the supertrait `{name}`: {why}"));
    }
    if kind != SuperKind::Auto {
        let mut titem = parse_super_source(&input.source, &name)?;
        sup.original = Some(titem.clone());
        for ti in &titem.items {
            if let TraitItem::Type(t) = ti {
                if let Some((_, ty)) = bindings.iter().find(|(a, _)| *a == t.ident)
                    && !sup.bound_assoc.iter().any(|(a, _)| *a == t.ident)
                {
                    sup.bound_assoc.push((t.ident.clone(), ty.clone()));
                }
                if t.bounds.iter().any(bound_has_bare_self) || t.generics.where_clause.is_some() {
                    sup.not_carried.get_or_insert_with(|| format!(
                        "the supertrait `{name}`: its associated type `{}` has a bound naming `Self`, which for the dyn value would be the erased type",
                        t.ident
                    ));
                }
                if !t.generics.params.is_empty() {
                    sup.not_carried.get_or_insert_with(|| {
                        format!(
                            "the supertrait `{name}` has a generic associated type `{}`",
                            t.ident
                        )
                    });
                }
            }
        }
        if kind == SuperKind::Std {
            strip_unstable(&mut titem);
            Qualify {
                module: std.map(TraitInfo::module).unwrap_or_default().to_string(),
            }
            .visit_item_trait_mut(&mut titem);
        }
        // Substitute the trait's own parameters (their defaults where the bound leaves them
        // out: `PartialEq` is `PartialEq<Self>`) and the fixed associated types.
        let mut subst: Vec<(Ident, Type)> = Vec::new();
        let params: Vec<(Ident, Option<Type>)> = titem
            .generics
            .type_params()
            .map(|p| (p.ident.clone(), p.default.clone()))
            .collect();
        let given: Vec<Type> = sup
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        let mut self_arg = false;
        for (i, (p, default)) in params.iter().enumerate() {
            let t = match (given.get(i), default) {
                (Some(t), _) => t.clone(),
                (None, Some(d)) => {
                    if let Some(seg) = sup.path.segments.last_mut() {
                        let mut args: Vec<GenericArgument> = sup.args.clone();
                        args.push(GenericArgument::Type(d.clone()));
                        let assoc = sup.bound_assoc.iter().map(|(a, t)| quote::quote!(#a = #t));
                        let args = args.iter().map(|a| quote::quote!(#a));
                        seg.arguments = PathArguments::AngleBracketed(
                            syn::parse_quote!(<#(#args,)* #(#assoc),*>),
                        );
                    }
                    sup.args.push(GenericArgument::Type(d.clone()));
                    d.clone()
                }
                (None, None) => continue,
            };
            self_arg |= tokens_mention_self(quote::quote!(#t));
            subst.push((p.clone(), t));
        }
        if self_arg
            || sup
                .bound_assoc
                .iter()
                .any(|(_, t)| super::model::mentions_bare_self(t))
        {
            let p = &sup.path;
            let shown = quote::quote!(#p)
                .to_string()
                .replace(' ', "")
                .replace(",", ", ");
            sup.not_carried.get_or_insert_with(|| format!(
                "the supertrait `{shown}` names `Self` as a type argument, which for the dyn value would be the erased type"
            ));
        }
        if kind == SuperKind::Std {
            // Only the required methods go through slots, and the few provided ones the
            // table names; the others run their default body on the dyn value (std's
            // declarations here carry no stability attributes, and many provided methods
            // are unstable or name private types).
            let provided = std.map(|i| i.facts.slot_provided).unwrap_or_default();
            let keep = |f: &syn::TraitItemFn| {
                f.default.is_none() || provided.contains(&f.sig.ident.to_string().as_str())
            };
            titem.items.retain(|ti| match ti {
                TraitItem::Fn(f) => keep(f),
                _ => true,
            });
        }
        let mut assoc_all = Vec::new();
        for ti in &titem.items {
            if let TraitItem::Type(t) = ti {
                assoc_all.push(t.ident.clone());
                if !sup.bound_assoc.iter().any(|(n, _)| *n == t.ident) {
                    sup.free_assoc.push(t.ident.clone());
                }
            }
        }
        Subst {
            params: &subst,
            assoc: &sup.bound_assoc,
        }
        .visit_item_trait_mut(&mut titem);
        sup.subst = subst.clone();
        for ti in &titem.items {
            if let TraitItem::Type(t) = ti
                && sup.free_assoc.contains(&t.ident)
            {
                sup.assoc_bounds
                    .push((t.ident.clone(), t.bounds.iter().cloned().collect()));
            }
        }
        let items: Vec<TraitItem> = titem.items.clone();
        // Names in a std declaration are std's; in a user supertrait, as where the trait is.
        let names = if is_std { StdNames::STD } else { names };
        let trait_sized = titem
            .supertraits
            .iter()
            .any(|b| matches!(b, TypeParamBound::Trait(t) if names.implies_sized(&t.path)));
        let cx = ClassifyCtx {
            names,
            assoc: &assoc_all,
            borrow: borrow.clone(),
            trait_sized,
            instances: None,
        };
        sup.methods = classify(&items, &cx, &name.to_string());
        sup.item = Some(titem);
    }
    Ok(sup)
}

/// The most instantiations of supertraits (the closure, each instantiation counted) a trait may
/// have: twice [`crate::MAX_SUPERTRAITS`], so that `A<T>: B<T> + B<Vec<T>>`-style doubling
/// cannot grow the expansion without bound.
const MAX_INSTANCES: usize = 2 * crate::MAX_SUPERTRAITS;

/// The bounds instantiating the supertrait `name`, each with its `for<'r>` if it has one: as
/// written on the trait, then as written on the supertraits resolved so far (their parameters
/// substituted), in that order.
fn instantiations(
    item: &ItemTrait,
    out: &[Super],
    name: &Ident,
) -> Vec<(Path, Option<syn::BoundLifetimes>)> {
    let mut found: Vec<(Path, Option<syn::BoundLifetimes>)> = written_bounds(item)
        .into_iter()
        .filter_map(|b| match b {
            TypeParamBound::Trait(t)
                if t.path.segments.last().is_some_and(|s| s.ident == *name) =>
            {
                Some((t.path.clone(), t.lifetimes.clone()))
            }
            _ => None,
        })
        .collect();
    for o in out {
        let Some(decl) = &o.original else {
            continue;
        };
        for b in written_bounds(decl) {
            if let TypeParamBound::Trait(t) = b
                && t.path.segments.last().is_some_and(|s| s.ident == *name)
            {
                let mut p = t.path.clone();
                Subst {
                    params: &o.subst,
                    assoc: &[],
                }
                .visit_path_mut(&mut p);
                found.push((p, None));
            }
        }
    }
    found
}

/// What each supertrait's impl for the dyn type requires: the indices of the instantiations its
/// declaration's bounds name (`Dia<u8>: Supertrait<u8> + A`), matched by arguments; a bound
/// that matches none of several instantiations names all of them (they may be it).
pub(crate) fn requirements(supers: &[Super]) -> Vec<Vec<usize>> {
    let texts = |args: &[GenericArgument]| -> Vec<String> {
        args.iter()
            .filter(|a| !matches!(a, GenericArgument::Lifetime(_)))
            .map(|a| {
                let mut a = a.clone();
                EraseLifetimes.visit_generic_argument_mut(&mut a);
                quote::quote!(#a).to_string().replace(' ', "")
            })
            .collect()
    };
    supers
        .iter()
        .map(|s| {
            let Some(decl) = &s.original else {
                return Vec::new();
            };
            let mut out: Vec<usize> = Vec::new();
            for b in written_bounds(decl) {
                let TypeParamBound::Trait(t) = b else {
                    continue;
                };
                let Some(last) = t.path.segments.last() else {
                    continue;
                };
                let mut p = t.path.clone();
                Subst {
                    params: &s.subst,
                    assoc: &[],
                }
                .visit_path_mut(&mut p);
                let (args, _) = split_args(&p);
                let written = texts(&args);
                let same: Vec<usize> = (0..supers.len())
                    .filter(|&j| supers[j].name == last.ident)
                    .collect();
                let exact: Vec<usize> = same
                    .iter()
                    .copied()
                    .filter(|&j| {
                        let have = texts(&supers[j].args);
                        written.len() <= have.len() && have[..written.len()] == written[..]
                    })
                    .collect();
                out.extend(if exact.len() == 1 { exact } else { same });
            }
            out
        })
        .collect()
}

/// Names each instantiation of a trait met with several (`Supertrait<T>`, `Supertrait<U>`)
/// after its arguments: `t`, `u` (`u8`, `vec_t`, `ref_str`, …; a number where two would read
/// the same).
fn name_instances(out: &mut [Super]) {
    for i in 0..out.len() {
        if out[i].suffix.is_some() {
            continue;
        }
        let same: Vec<usize> = (0..out.len())
            .filter(|&j| out[j].name == out[i].name)
            .collect();
        if same.len() < 2 {
            continue;
        }
        let mut taken: Vec<String> = Vec::new();
        for (n, &j) in same.iter().enumerate() {
            let mut suffix = args_suffix(&out[j].args);
            if suffix.is_empty() || taken.contains(&suffix) {
                suffix = if suffix.is_empty() {
                    format!("{}", n + 1)
                } else {
                    format!("{suffix}_{}", n + 1)
                };
            }
            taken.push(suffix.clone());
            out[j].suffix = Some(suffix);
        }
    }
}

/// `T` → `t`, `u8` → `u8`, `Vec<T>` → `vec_t`, `&str` → `ref_str`, `(T, U)` → `t_u`.
fn args_suffix(args: &[GenericArgument]) -> String {
    fn ty(t: &Type, out: &mut Vec<String>) {
        match t {
            Type::Path(p) => {
                if let Some(q) = &p.qself {
                    ty(&q.ty, out);
                }
                if let Some(last) = p.path.segments.last() {
                    out.push(snake_case(&last.ident.to_string()));
                    if let PathArguments::AngleBracketed(a) = &last.arguments {
                        for g in &a.args {
                            arg(g, out);
                        }
                    }
                }
            }
            Type::Reference(r) => {
                out.push(if r.mutability.is_some() { "mut" } else { "ref" }.into());
                ty(&r.elem, out);
            }
            Type::Ptr(p) => {
                out.push("ptr".into());
                ty(&p.elem, out);
            }
            Type::Slice(s) => {
                ty(&s.elem, out);
                out.push("slice".into());
            }
            Type::Array(a) => {
                ty(&a.elem, out);
                out.push("array".into());
            }
            Type::Tuple(t) if t.elems.is_empty() => out.push("unit".into()),
            Type::Tuple(t) => t.elems.iter().for_each(|e| ty(e, out)),
            Type::Paren(p) => ty(&p.elem, out),
            Type::Group(g) => ty(&g.elem, out),
            Type::TraitObject(o) => {
                out.push("dyn".into());
                for b in &o.bounds {
                    if let TypeParamBound::Trait(t) = b
                        && let Some(last) = t.path.segments.last()
                    {
                        out.push(snake_case(&last.ident.to_string()));
                    }
                }
            }
            Type::Never(_) => out.push("never".into()),
            _ => {}
        }
    }
    fn arg(g: &GenericArgument, out: &mut Vec<String>) {
        match g {
            GenericArgument::Type(t) => ty(t, out),
            GenericArgument::Const(syn::Expr::Lit(l)) => {
                out.push(quote::quote!(#l).to_string());
            }
            GenericArgument::Const(syn::Expr::Path(p)) => {
                if let Some(last) = p.path.segments.last() {
                    out.push(snake_case(&last.ident.to_string()));
                }
            }
            _ => {}
        }
    }
    let mut words = Vec::new();
    for g in args {
        arg(g, &mut words);
    }
    let joined = words.join("_");
    joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Replaces every lifetime by `'_`.
struct EraseLifetimes;

impl VisitMut for EraseLifetimes {
    fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
        *l = syn::Lifetime::new("'_", Span::call_site());
    }
}

/// The bounds on `Self` written on the trait: its supertraits and `where Self: …`.
pub(crate) fn written_bounds(item: &ItemTrait) -> Vec<&TypeParamBound> {
    let where_bounds = item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .flat_map(|p| match p {
            syn::WherePredicate::Type(pt) if super::model::is_self_type(&pt.bounded_ty) => {
                pt.bounds.iter().collect::<Vec<_>>()
            }
            _ => Vec::new(),
        });
    item.supertraits.iter().chain(where_bounds).collect()
}

fn bound_has_bare_self(b: &TypeParamBound) -> bool {
    struct F(bool);
    impl<'ast> syn::visit::Visit<'ast> for F {
        fn visit_type(&mut self, t: &'ast Type) {
            self.0 |= super::model::mentions_bare_self(t);
        }
    }
    let mut f = F(false);
    syn::visit::Visit::visit_type_param_bound(&mut f, b);
    f.0
}

fn split_args(path: &Path) -> (Vec<GenericArgument>, Vec<(Ident, Type)>) {
    let mut args = Vec::new();
    let mut assoc = Vec::new();
    if let Some(PathArguments::AngleBracketed(a)) = path.segments.last().map(|s| &s.arguments) {
        for arg in &a.args {
            match arg {
                GenericArgument::AssocType(at) => assoc.push((at.ident.clone(), at.ty.clone())),
                other => args.push(other.clone()),
            }
        }
    }
    (args, assoc)
}

fn parse_super_source(source: &str, name: &Ident) -> Result<ItemTrait, ExpandError> {
    if let Ok(t) = syn::parse_str::<ItemTrait>(source.trim()) {
        return Ok(t);
    }
    // rust-src declarations may say `pub const trait`; the expansion does not need `const`.
    let relaxed = source.replacen("const trait", "trait", 1);
    if let Ok(file) = syn::parse_file(&relaxed) {
        for item in file.items {
            if let syn::Item::Trait(t) = item
                && t.ident == *name
            {
                return Ok(t);
            }
        }
    }
    syn::parse_str::<ItemTrait>(relaxed.trim()).map_err(|e| ExpandError::SupertraitDoesNotParse {
        name: name.to_string(),
        error: e.to_string(),
    })
}

/// Leaves out methods a stable crate cannot name or should not call.
fn strip_unstable(item: &mut ItemTrait) {
    item.items.retain(|ti| {
        let attrs = match ti {
            TraitItem::Fn(f) => &f.attrs,
            TraitItem::Type(t) => &t.attrs,
            TraitItem::Const(c) => &c.attrs,
            _ => return true,
        };
        !attrs.iter().any(|a| {
            let p = a.path();
            p.is_ident("unstable")
                || p.is_ident("deprecated")
                || (p.is_ident("doc") && quote::quote!(#a).to_string().contains("hidden"))
        })
    });
    for ti in &mut item.items {
        if let TraitItem::Fn(f) = ti {
            f.attrs.clear();
        }
    }
}

/// Qualifies the standard library's module-internal names (`Formatter`, `Result`, …).
struct Qualify {
    module: String,
}

impl VisitMut for Qualify {
    fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
        syn::visit_mut::visit_type_path_mut(self, tp);
        if tp.qself.is_some() || tp.path.segments.len() != 1 || tp.path.leading_colon.is_some() {
            return;
        }
        let seg = &tp.path.segments[0];
        let full = match (self.module.as_str(), seg.ident.to_string().as_str()) {
            ("fmt", "Formatter") | (_, "Formatter") => "::core::fmt::Formatter",
            ("fmt", "Result") => "::core::fmt::Result",
            ("fmt", "Error") => "::core::fmt::Error",
            ("fmt", "Arguments") => "::core::fmt::Arguments",
            ("io", "Result") => "::std::io::Result",
            ("io", "IoSlice") => "::std::io::IoSlice",
            ("io", "IoSliceMut") => "::std::io::IoSliceMut",
            (_, "Ordering") => "::core::cmp::Ordering",
            (_, "SeekFrom") => "::std::io::SeekFrom",
            (_, "Bound") => "::core::ops::Bound",
            (_, "TypeId") => "::core::any::TypeId",
            (_, "Pin") => "::core::pin::Pin",
            (_, "NonZero") => "::core::num::NonZero",
            (_, "ControlFlow") => "::core::ops::ControlFlow",
            (_, "Hasher") => "::core::hash::Hasher",
            (_, "Context") => "::core::task::Context",
            (_, "Poll") => "::core::task::Poll",
            _ => return,
        };
        let args = seg.arguments.clone();
        if let Ok(mut p) = syn::parse_str::<Path>(full) {
            if let Some(last) = p.segments.last_mut() {
                last.arguments = args;
            }
            tp.path = p;
        }
    }
}

/// Substitutes a supertrait's parameters and fixed associated types.
struct Subst<'s> {
    params: &'s [(Ident, Type)],
    assoc: &'s [(Ident, Type)],
}

impl VisitMut for Subst<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(tp) = ty {
            let segs = &tp.path.segments;
            if tp.qself.is_none()
                && segs.len() == 1
                && let Some((_, t)) = self.params.iter().find(|(p, _)| segs[0].ident == *p)
            {
                *ty = match t {
                    // `Relation<dyn Debug>` means `dyn Debug + 'static` (the default object
                    // lifetime of a type argument): spelled out, so that `&T` does not elide it.
                    Type::TraitObject(o)
                        if !o
                            .bounds
                            .iter()
                            .any(|b| matches!(b, TypeParamBound::Lifetime(_))) =>
                    {
                        syn::parse_quote!((#o + 'static))
                    }
                    _ => t.clone(),
                };
                return;
            }
            let self_assoc = (tp.qself.is_none() && segs.len() == 2 && segs[0].ident == "Self")
                || (tp
                    .qself
                    .as_ref()
                    .is_some_and(|q| super::model::is_self_type(&q.ty)));
            if self_assoc
                && let Some(last) = segs.last()
                && let Some((_, t)) = self.assoc.iter().find(|(a, _)| last.ident == *a)
            {
                *ty = t.clone();
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

fn bound_names(item: &ItemTrait) -> Vec<String> {
    item.supertraits
        .iter()
        .filter_map(|b| match b {
            TypeParamBound::Trait(t) => t.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn last_ident(path: &str) -> String {
    let p = path.split('<').next().unwrap_or(path);
    p.rsplit("::").next().unwrap_or(p).trim().to_string()
}

/// A fresh identifier.
pub(crate) fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}
