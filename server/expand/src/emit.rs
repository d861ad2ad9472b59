//! Builds the expansion's items from the classified trait.

use super::SupertraitInput;
use super::model::{
    ArgKind, ClassifyCtx, Dispatchable, ErasedShape, MethodPlan, NameElided, Output, Receiver,
    ReplaceSelfAssoc, StdNames, classify, is_self_type, mentions_bare_self,
};
use super::supers::{Super, SuperKind, ident, resolve};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericParam, Ident, ItemTrait, Lifetime, Pat, TraitItem, Type, WherePredicate};

/// The generated tokens and what could not be carried.
pub(crate) struct Out {
    pub tokens: TokenStream,
    /// Why `impl Foo for DynFoo` is missing, if it is.
    pub missing: Option<String>,
}

/// A comment line in the output: `finish_comments` turns it into `// text`.
fn comment(text: &str) -> TokenStream {
    quote!(__dynlens_comment!(#text);)
}

/// Replaces the comment markers of the formatted output by `//` comments.
pub(crate) fn finish_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        // prettyplease prints a multi-line doc attribute as `/** … */`: make it `///` lines.
        if let Some(first) = trimmed.strip_prefix("/**") {
            let mut body = vec![first.to_string()];
            let mut closed = first.trim_end().ends_with("*/");
            while !closed {
                match lines.next() {
                    Some(more) => {
                        closed = more.trim_end().ends_with("*/");
                        body.push(more.to_string());
                    }
                    None => break,
                }
            }
            if let Some(last) = body.last_mut() {
                *last = last.trim_end().trim_end_matches("*/").to_string();
            }
            for part in body {
                out.push_str(indent);
                out.push_str("///");
                out.push_str(part.trim_end());
                out.push('\n');
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("__dynlens_comment!(") {
            // prettyplease may break a long macro call over several lines.
            let mut call = rest.trim().to_string();
            while !call.ends_with(");") {
                match lines.next() {
                    Some(more) => call.push_str(more.trim()),
                    None => break,
                }
            }
            let inner = call.trim_end_matches(';').trim_end_matches(')').trim();
            let unquoted: String = syn::parse_str::<syn::LitStr>(inner)
                .map(|l| l.value())
                .unwrap_or_else(|_| inner.to_string());
            for part in unquoted.lines() {
                out.push_str(indent);
                out.push_str("// ");
                out.push_str(part);
                out.push('\n');
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A slot of the vtable: a method of the trait or of a std supertrait.
struct Slot {
    field: Ident,
    shim: Ident,
    /// `Foo<…>` or `::core::fmt::Debug`: how the shim names the method.
    trait_path: TokenStream,
    method: Ident,
    d: Dispatchable,
}

/// Everything the emitters share.
struct Ctx {
    name: Ident,
    vtable: Ident,
    payload: Ident,
    dyn_name: Ident,
    /// `'a`.
    lt: Lifetime,
    /// `<'a, L…, P…, C…, A…>` as declared (with bounds).
    decl: TokenStream,
    /// `<'a, L…, P…, C…, A…>` as used.
    args: TokenStream,
    where_clause: TokenStream,
    /// `Foo<L…, P…, C…, A = A…>`: the bound on the erased type.
    bound: TokenStream,
    /// `Foo<L…, P…, C…>`: the trait as `impl` and `<T as …>` name it.
    trait_ref: TokenStream,
    /// `fn(X) -> X` over every type and lifetime parameter (invariance, as in `dyn Foo<P>`).
    phantom: Option<TokenStream>,
    /// The associated types that became parameters.
    assoc: Vec<Ident>,
    /// The name of the erased type in shims and constructors (`T`, unless the trait uses it).
    erased: Ident,
    /// The bound on the erased type: `Foo<…> + 'a`, plus what methods' `where Self: Send` or
    /// `where Self: 'static` clauses require of every value.
    tbound: TokenStream,
    /// The trait's `where` clauses about `Self` other than bounds on it (`Box<Self>: Debug`,
    /// `P: PartialEq<Self>`), with `Self` as the erased type: every `T: Foo` must prove them.
    twhere: Vec<WherePredicate>,
}

impl Ctx {
    fn dyn_ty(&self) -> TokenStream {
        let (d, a) = (&self.dyn_name, &self.args);
        quote!(#d #a)
    }
    fn twhere(&self) -> TokenStream {
        let p = &self.twhere;
        if p.is_empty() {
            quote!()
        } else {
            quote!(where #(#p),*)
        }
    }
    fn vt_ty(&self) -> TokenStream {
        let (v, a) = (&self.vtable, &self.args);
        quote!(#v #a)
    }
}

/// The generic arguments of a user supertrait's `Vtable`/`Dyn` types: the lifetime, the
/// supertrait's own arguments, then its associated types (as bound by the subtrait, or as the
/// subtrait's parameters of the same name).
fn super_generic_args(s: &Super, lt: &Lifetime) -> Vec<TokenStream> {
    let mut sargs: Vec<TokenStream> = vec![quote!(#lt)];
    sargs.extend(s.args.iter().map(|a| quote!(#a)));
    if let Some(it) = &s.item {
        for ti in &it.items {
            if let TraitItem::Type(t) = ti {
                match s.bound_assoc.iter().find(|(n, _)| *n == t.ident) {
                    Some((_, ty)) => sargs.push(quote!(#ty)),
                    None => {
                        let i = &t.ident;
                        sargs.push(quote!(#i))
                    }
                }
            }
        }
    }
    sargs
}

/// Expands one trait (recursively including user supertraits' expansions when needed).
pub(crate) fn expand(
    item: &ItemTrait,
    inputs: &[SupertraitInput],
    names: StdNames<'_>,
    forwarding: bool,
    blanket_impl: bool,
    emitted: &mut Vec<(String, Option<String>)>,
) -> Result<Out, String> {
    let name = item.ident.clone();
    let name_s = name.to_string();
    // Names the trait uses, so that the generated ones do not clash.
    let mut used = Vec::new();
    collect_names(quote!(#item), &mut used);
    for i in inputs {
        if let Ok(t) = i.source.parse::<TokenStream>() {
            collect_names(t, &mut used);
        }
    }
    let fresh = |cands: &[&str]| -> String {
        let pick = cands.iter().find(|c| !used.iter().any(|u| u == *c));
        pick.map(|c| c.to_string())
            .unwrap_or_else(|| format!("{}_{}", cands[cands.len() - 1], used.len()))
    };
    let lt = Lifetime::new(
        &format!("'{}", fresh(&["a", "erased", "dyn_erased"])),
        proc_macro2::Span::call_site(),
    );
    let borrow = Lifetime::new(
        &format!("'{}", fresh(&["s", "this", "borrow_of_self"])),
        proc_macro2::Span::call_site(),
    );
    let erased = format_ident!("{}", fresh(&["T", "X", "Erased", "ErasedT"]));
    let all_supers = resolve(item, inputs, &borrow, names)?;
    let mut tokens = TokenStream::new();
    let mut missing: Vec<String> = Vec::new();
    if item.unsafety.is_none() {
        // An `unsafe trait` gets an `unsafe impl` (below); nothing to say here.
    }
    if blanket_impl {
        missing.push(format!(
            "a blanket `impl<T> {name_s} for T` in the workspace covers `Dyn{name_s}` already (a second impl would conflict)"
        ));
    }
    // Supertraits the dyn value cannot implement take no part at all.
    let mut supers: Vec<Super> = Vec::new();
    for s in all_supers {
        match &s.not_carried {
            Some(why) => missing.push(why.clone()),
            None => supers.push(s),
        }
    }

    // Include the expansions of user supertraits the file does not have yet (each once), and
    // learn whether each can be implemented for our dyn value.
    let mut super_missing: Vec<(Ident, String)> = Vec::new();
    for s in &supers {
        let (SuperKind::User { already_expanded }, Some(sitem)) = (&s.kind, &s.original) else {
            continue;
        };
        let key = s.name.to_string();
        let sub_missing = match emitted.iter().find(|(n, _)| *n == key) {
            Some((_, m)) => m.clone(),
            None => {
                let sub = expand(sitem, &s.inputs, names, false, false, emitted)?;
                if !already_expanded {
                    let c = comment(&format!(
                        "The expansion of the supertrait `{}`, which `{name_s}`'s vtable embeds.",
                        s.name
                    ));
                    tokens.extend(c);
                    tokens.extend(sub.tokens);
                }
                emitted.push((key, sub.missing.clone()));
                sub.missing
            }
        };
        if let Some(m) = sub_missing {
            missing.push(format!(
                "the supertrait `{}` cannot be implemented for a dyn value ({m})",
                s.name
            ));
            super_missing.push((s.name.clone(), m));
        }
    }

    // Trait-level `where` clauses that are not supertraits (`where Box<Self>: Debug`).
    for p in item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
    {
        if let WherePredicate::Type(pt) = p {
            let mentions = super::model::mentions_bare_self(&pt.bounded_ty)
                || pt
                    .bounds
                    .iter()
                    .any(|b| super::model::tokens_mention_self(quote!(#b)));
            if mentions && !is_self_type(&pt.bounded_ty) {
                missing.push(format!(
                    "the trait's `where {}` names `Self`, which for the dyn value would be the erased type",
                    super::model::tidy_tokens(&quote!(#pt).to_string())
                ));
            }
        }
    }

    // Predicates naming `Self` that every `T: Foo` must prove (`Box<Self>: Debug`).
    let mut self_preds: Vec<WherePredicate> = Vec::new();
    for p in item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
    {
        if let WherePredicate::Type(pt) = p
            && !is_self_type(&pt.bounded_ty)
            && (mentions_bare_self(&pt.bounded_ty)
                || pt.bounds.iter().any(bound_mentions_bare_self))
        {
            self_preds.push(p.clone());
        }
    }
    // Supertraits written on the trait that the caller could not resolve.
    let known: Vec<String> = inputs
        .iter()
        .map(|i| {
            i.path
                .rsplit("::")
                .next()
                .unwrap_or(&i.path)
                .split('<')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect();
    let mut outlives: Vec<Lifetime> = Vec::new();
    for b in super::supers::written_bounds(item) {
        match b {
            syn::TypeParamBound::Trait(t) => {
                let Some(last) = t.path.segments.last() else {
                    continue;
                };
                let n = last.ident.to_string();
                let maybe = matches!(t.modifier, syn::TraitBoundModifier::Maybe(_));
                if !maybe
                    && !names.facts(&t.path).is_some_and(|f| f.sized_marker)
                    && !known.contains(&n)
                {
                    missing.push(format!("the supertrait `{n}` is unknown to dynlens, so the dyn value cannot implement it"));
                }
            }
            syn::TypeParamBound::Lifetime(l) => outlives.push(l.clone()),
            _ => {}
        }
    }

    // Generic parameters of the dyn type: the lifetime, the trait's own, the associated types.
    let mut own_assoc: Vec<(Ident, Vec<syn::TypeParamBound>)> = Vec::new();
    for ti in &item.items {
        if let TraitItem::Type(t) = ti {
            if !t.generics.params.is_empty() {
                missing.push(format!(
                    "the generic associated type `{}`: a dyn type would need it for every choice of its parameters",
                    t.ident
                ));
                continue;
            }
            let mut bounds: Vec<syn::TypeParamBound> = Vec::new();
            let own_names: Vec<Ident> = item
                .items
                .iter()
                .filter_map(|ti| match ti {
                    TraitItem::Type(t) if t.generics.params.is_empty() => Some(t.ident.clone()),
                    _ => None,
                })
                .collect();
            for b in &t.bounds {
                let mut replaced = b.clone();
                ReplaceSelfAssoc { assoc: &own_names }.visit_type_param_bound_mut(&mut replaced);
                if super::model::tokens_mention_self(quote!(#replaced)) {
                    missing.push(format!(
                        "the bound `{}: {}` names `Self`, which for the dyn value would be the erased type",
                        t.ident,
                        super::model::tidy_tokens(&quote!(#b).to_string())
                    ));
                } else {
                    bounds.push(b.clone());
                }
            }
            for p in t
                .generics
                .where_clause
                .iter()
                .flat_map(|w| w.predicates.iter())
            {
                let WherePredicate::Type(pt) = p else {
                    continue;
                };
                if !super::model::tokens_mention_self(quote!(#p)) {
                    continue;
                }
                let on_self =
                    is_self_type(&pt.bounded_ty) && !pt.bounds.iter().any(bound_mentions_bare_self);
                let only_sized = on_self
                    && pt.bounds.iter().all(
                        |b| matches!(b, syn::TypeParamBound::Trait(tb) if names.is_sized(&tb.path)),
                    );
                if only_sized {
                    // `type Out where Self: Sized`: a dyn value is `Sized`.
                    continue;
                }
                // Every `T: Foo` must prove it to name `T::Extra`: every value must satisfy it.
                self_preds.push(p.clone());
                if !on_self {
                    missing.push(format!(
                        "the associated type `{}` has `where {}`, which names `Self` as the erased type",
                        t.ident,
                        super::model::tidy_tokens(&quote!(#p).to_string())
                    ));
                }
            }
            own_assoc.push((t.ident.clone(), bounds));
        }
    }
    let mut assoc: Vec<Ident> = own_assoc.iter().map(|(i, _)| i.clone()).collect();
    for s in &supers {
        for a in &s.free_assoc {
            if !assoc.contains(a) {
                assoc.push(a.clone());
            }
        }
    }
    let mut replace = ReplaceSelfAssoc { assoc: &assoc };
    let mut decl_params: Vec<TokenStream> = vec![quote!(#lt)];
    let mut use_params: Vec<TokenStream> = vec![quote!(#lt)];
    let mut bound_args: Vec<TokenStream> = Vec::new();
    let mut phantom_parts: Vec<TokenStream> = Vec::new();
    for gp in &item.generics.params {
        match gp {
            GenericParam::Lifetime(l) => {
                let lt2 = &l.lifetime;
                let bounds = &l.bounds;
                decl_params.push(if bounds.is_empty() {
                    quote!(#lt2)
                } else {
                    quote!(#lt2: #bounds)
                });
                use_params.push(quote!(#lt2));
                bound_args.push(quote!(#lt2));
                phantom_parts.push(quote!(&#lt2 ()));
            }
            GenericParam::Type(t) => {
                let id = &t.ident;
                let mut bounds: syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]> =
                    syn::punctuated::Punctuated::new();
                for b in &t.bounds {
                    if bound_mentions_bare_self(b) {
                        missing.push(format!(
                            "the bound `{id}: {}` names `Self`, which for the dyn value would be the erased type",
                            super::model::tidy_tokens(&quote!(#b).to_string())
                        ));
                        self_preds.push(syn::parse_quote!(#id: #b));
                    } else {
                        bounds.push(b.clone());
                    }
                }
                for b in bounds.iter_mut() {
                    if let syn::TypeParamBound::Trait(tb) = b {
                        replace.visit_path_mut(&mut tb.path);
                    }
                }
                decl_params.push(if bounds.is_empty() {
                    quote!(#id)
                } else {
                    quote!(#id: #bounds)
                });
                use_params.push(quote!(#id));
                bound_args.push(quote!(#id));
                phantom_parts.push(quote!(#id));
            }
            GenericParam::Const(c) => {
                let (id, ty) = (&c.ident, &c.ty);
                decl_params.push(quote!(const #id: #ty));
                use_params.push(quote!(#id));
                bound_args.push(quote!(#id));
            }
        }
    }
    for (a, bounds) in &own_assoc {
        let mut bounds = bounds.clone();
        for b in bounds.iter_mut() {
            if let syn::TypeParamBound::Trait(tb) = b {
                replace.visit_path_mut(&mut tb.path);
            }
        }
        let bounds: Vec<_> = bounds.into_iter().collect();
        decl_params.push(if bounds.is_empty() {
            quote!(#a)
        } else {
            quote!(#a: #(#bounds)+*)
        });
    }
    for a in assoc.iter().skip(own_assoc.len()) {
        let bounds: Vec<syn::TypeParamBound> = supers
            .iter()
            .flat_map(|s| s.assoc_bounds.iter())
            .find(|(n, _)| n == a)
            .map(|(_, b)| {
                b.iter()
                    .cloned()
                    .map(|mut b| {
                        ReplaceSelfAssoc { assoc: &assoc }.visit_type_param_bound_mut(&mut b);
                        b
                    })
                    .collect()
            })
            .unwrap_or_default();
        decl_params.push(if bounds.is_empty() {
            quote!(#a)
        } else {
            quote!(#a: #(#bounds)+*)
        });
    }
    let trait_ref = if bound_args.is_empty() {
        quote!(#name)
    } else {
        quote!(#name<#(#bound_args),*>)
    };
    for a in &assoc {
        use_params.push(quote!(#a));
        bound_args.push(quote!(#a = #a));
        phantom_parts.push(quote!(#a));
    }
    let where_preds: Vec<WherePredicate> = item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .filter(|p| !super::model::tokens_mention_self(quote!(#p)) || matches!(p, WherePredicate::Type(pt) if !mentions_bare_self(&pt.bounded_ty) && !pt.bounds.iter().any(bound_mentions_bare_self)))
        .map(|p| {
            let mut p = p.clone();
            ReplaceSelfAssoc { assoc: &assoc }.visit_where_predicate_mut(&mut p);
            p
        })
        .collect();
    let mut where_preds = where_preds;
    // `trait Foo: 'static`: the dyn value must satisfy it too (`'a: 'static`).
    for l in &outlives {
        where_preds.push(syn::parse_quote!(#lt: #l));
    }
    let where_clause = if where_preds.is_empty() {
        quote!()
    } else {
        quote!(where #(#where_preds),*)
    };
    let bound = if bound_args.is_empty() {
        quote!(#name)
    } else {
        quote!(#name<#(#bound_args),*>)
    };
    let phantom = if phantom_parts.is_empty() {
        None
    } else {
        Some(quote!(fn(#(#phantom_parts),*) -> (#(#phantom_parts,)*)))
    };
    let mut ctx = Ctx {
        vtable: format_ident!("{}Vtable", name),
        payload: format_ident!("{}Payload", name),
        dyn_name: format_ident!("Dyn{}", name),
        name: name.clone(),
        lt,
        decl: quote!(<#(#decl_params),*>),
        args: quote!(<#(#use_params),*>),
        where_clause,
        bound,
        trait_ref,
        phantom,
        assoc: assoc.clone(),
        twhere: Vec::new(),
        erased,
        tbound: TokenStream::new(),
    };

    // Classify the trait's own items and the std supertraits' methods into slots.
    let items: Vec<TraitItem> = item.items.clone();
    let trait_sized = item
        .supertraits
        .iter()
        .any(|b| matches!(b, syn::TypeParamBound::Trait(t) if names.implies_sized(&t.path)));
    let own = classify(
        &items,
        &ClassifyCtx {
            names,
            assoc: &assoc,
            borrow: borrow.clone(),
            trait_sized,
        },
        &name_s,
    );
    // What methods' `where Self: Send` / `where Self: 'static` require of every value.
    let mut extra: Vec<syn::TypeParamBound> = Vec::new();
    let mut add_extra = |plan: &MethodPlan| {
        if let MethodPlan::Slot(d) = plan {
            for b in &d.extra_bounds {
                let text = quote!(#b).to_string();
                if !extra.iter().any(|e| quote!(#e).to_string() == text) {
                    extra.push(b.clone());
                }
            }
        }
    };
    own.iter().for_each(|m| add_extra(&m.plan));
    supers
        .iter()
        .flat_map(|s| s.methods.iter())
        .for_each(|m| add_extra(&m.plan));
    {
        let (b, l) = (&ctx.bound, &ctx.lt);
        ctx.tbound = quote!(#b + #l #(+ #extra)*);
    }
    ctx.twhere = self_preds
        .into_iter()
        .map(|mut p| {
            ReplaceSelfAssoc { assoc: &assoc }.visit_where_predicate_mut(&mut p);
            SelfTo(&ctx.erased).visit_where_predicate_mut(&mut p);
            p
        })
        .collect();
    // Methods' `where P: Debug` on the trait's parameters or associated types: a vtable is built
    // for every value, so the dyn type exists only where they hold.
    let mut method_preds: Vec<WherePredicate> = Vec::new();
    for m in &own {
        let MethodPlan::Slot(d) = &m.plan else {
            continue;
        };
        for p in d
            .sig
            .generics
            .where_clause
            .iter()
            .flat_map(|w| w.predicates.iter())
        {
            let WherePredicate::Type(pt) = p else {
                continue;
            };
            if is_self_type(&pt.bounded_ty)
                || d.sig
                    .generics
                    .type_params()
                    .any(|tp| super::model::type_mentions_ident(&pt.bounded_ty, &tp.ident))
            {
                continue;
            }
            if d.sig
                .generics
                .lifetimes()
                .any(|l| super::model::tokens_mention_lifetime(quote!(#p), &l.lifetime))
            {
                continue;
            }
            let mut p = p.clone();
            ReplaceSelfAssoc { assoc: &assoc }.visit_where_predicate_mut(&mut p);
            if !method_preds
                .iter()
                .any(|q| quote!(#q).to_string() == quote!(#p).to_string())
            {
                method_preds.push(p);
            }
        }
    }
    if !method_preds.is_empty() {
        let mut all = where_preds.clone();
        all.extend(method_preds.iter().cloned());
        ctx.where_clause = quote!(where #(#all),*);
        let shown: Vec<String> = method_preds
            .iter()
            .map(|p| super::model::tidy_tokens(&quote!(#p).to_string()))
            .collect();
        tokens.extend(comment(&format!(
            "`Dyn{name_s}` exists where `{}`: a method requires it, and the vtable is built for every value.",
            shown.join(", ")
        )));
    }
    let mut slots: Vec<Slot> = Vec::new();
    let reserved = ["drop_in_place", "size", "align", "marker", "new"];
    let mut own_impl: Vec<(Ident, SlotRef)> = Vec::new();
    for m in &own {
        match &m.plan {
            MethodPlan::Slot(d) => {
                let field = if reserved.contains(&m.name.to_string().as_str()) {
                    format_ident!("method_{}", m.name)
                } else {
                    m.name.clone()
                };
                let shim = format_ident!("{}_shim", field);
                let b = &ctx.trait_ref;
                slots.push(Slot {
                    field: field.clone(),
                    shim,
                    trait_path: b.clone(),
                    method: m.name.clone(),
                    d: (**d).clone(),
                });
                own_impl.push((m.name.clone(), SlotRef::Own(field)));
            }
            MethodPlan::Default => {}
            MethodPlan::Impossible(r) => missing.push(r.clone()),
        }
    }
    // Supertrait impls: (super, per-method plan) — std ones through own slots, user ones
    // through the embedded vtable (except `-> Self`, which must build a `DynFoo`).
    let mut super_impls: Vec<SuperImpl> = Vec::new();
    for (si, s) in supers.iter().enumerate() {
        if s.kind == SuperKind::Auto {
            continue;
        }
        let mut plan = Vec::new();
        let mut why: Option<String> = None;
        for m in &s.methods {
            match &m.plan {
                MethodPlan::Slot(d) => {
                    let via_own = s.kind == SuperKind::Std || matches!(d.output, Output::SelfValue);
                    if via_own {
                        let field = format_ident!("{}_{}", s.snake(), m.name);
                        let shim = format_ident!("{}_shim", field);
                        let path = s.impl_path();
                        slots.push(Slot {
                            field: field.clone(),
                            shim,
                            trait_path: quote!(#path),
                            method: m.name.clone(),
                            d: (**d).clone(),
                        });
                        plan.push((m.name.clone(), SlotRef::Own(field)));
                    } else {
                        plan.push((m.name.clone(), SlotRef::Embedded));
                    }
                }
                MethodPlan::Default => {}
                MethodPlan::Impossible(r) => {
                    why.get_or_insert_with(|| r.clone());
                }
            }
        }
        if let Some(w) = &why {
            missing.push(format!(
                "`{}` cannot be implemented for `Dyn{name_s}`: {w}",
                s.name
            ));
        }
        if why.is_none() {
            why = super_missing
                .iter()
                .find(|(n, _)| *n == s.name)
                .map(|(_, m)| m.clone());
        }
        super_impls.push((si, plan, why));
    }

    let flags = Flags::of(&slots, &supers);
    tokens.extend(emit_payload(&ctx, &flags));
    tokens.extend(emit_vtable(&ctx, &slots, &supers, &flags));
    tokens.extend(emit_dyn(&ctx, &slots, &supers, &flags));

    let missing_text = if missing.is_empty() {
        None
    } else {
        Some(missing.join("; "))
    };
    // `impl Foo for DynFoo`, or inherent methods when something cannot be carried.
    let own_methods: Vec<TokenStream> = own_impl
        .iter()
        .filter_map(|(mname, r)| {
            let slot = match r {
                SlotRef::Own(f) => slots.iter().find(|s| s.field == *f)?,
                SlotRef::Embedded => return None,
            };
            let _ = mname;
            Some(impl_method(&ctx, slot, missing_text.is_some(), None))
        })
        .collect();
    let (decl, dyn_ty, wc, lt) = (&ctx.decl, ctx.dyn_ty(), &ctx.where_clause, &ctx.lt);
    if let Some(why) = &missing_text {
        tokens.extend(comment(&format!(
            "No `impl {name_s} for Dyn{name_s}`: {why}.\nThe dispatchable methods are inherent methods of `Dyn{name_s}` instead."
        )));
        if !own_methods.is_empty() {
            let doc = format!(
                " `{name_s}`'s dispatchable methods, called through the vtable (see the comment above for why this is not `impl {name_s} for Dyn{name_s}`)."
            );
            tokens.extend(quote! {
                #[doc = #doc]
                impl #decl #dyn_ty #wc { #(#own_methods)* }
            });
        }
    } else {
        // `type Extra = Extra where Self: Debug;`: the trait's own `where` clause, repeated.
        let assoc_where = |a: &Ident| {
            item.items.iter().find_map(|ti| match ti {
                TraitItem::Type(t) if t.ident == *a => t.generics.where_clause.clone(),
                _ => None,
            })
        };
        let assoc_items = ctx
            .assoc
            .iter()
            .filter(|a| own_assoc.iter().any(|(o, _)| o == *a))
            .map(|a| {
                let w = assoc_where(a);
                quote!(type #a = #a #w;)
            });
        let doc = format!(
            " What the compiler writes as `impl {name_s} for dyn {name_s}`: every method loads its function pointer from the vtable and calls it with the erased `self`."
        );
        let trait_ref = &ctx.trait_ref;
        let unsafety = item.unsafety.map(|_| {
            let c = format!(" SAFETY: `{name_s}` is an `unsafe trait`: every erased value implements it (its own `unsafe impl` upholds the contract), and every method forwards to that value.");
            quote!(#[doc = #c] unsafe)
        });
        let unsafety_doc = unsafety.is_some().then(|| quote!(#[doc = ""]));
        tokens.extend(quote! {
            #[doc = #doc]
            #unsafety_doc
            #unsafety impl #decl #trait_ref for #dyn_ty #wc {
                #(#assoc_items)*
                #(#own_methods)*
            }
        });
    }
    let _ = lt;
    // Supertrait impls.
    for (si, plan, why) in &super_impls {
        if why.is_some() {
            continue;
        }
        let s = &supers[*si];
        if let Some(from) = s.std.and_then(|i| i.facts.blanket_from)
            && supers.iter().any(|o| o.is_std(from))
        {
            // std's `impl<T: Display> ToString for T` covers the dyn value already.
            continue;
        }
        // The impl names the trait without `Assoc = T`; the associated types become items.
        let path = &s.impl_path();
        let unsafety = s
            .item
            .as_ref()
            .and_then(|i| i.unsafety)
            .map(|_| quote!(unsafe));
        let mut methods = Vec::new();
        for (mname, r) in plan {
            match r {
                SlotRef::Own(f) => {
                    if let Some(slot) = slots.iter().find(|sl| sl.field == *f) {
                        methods.push(impl_method(&ctx, slot, false, None));
                    }
                }
                SlotRef::Embedded => {
                    if let Some(MethodPlan::Slot(d)) =
                        s.methods.iter().find(|m| m.name == *mname).map(|m| &m.plan)
                    {
                        let slot = Slot {
                            field: mname.clone(),
                            shim: mname.clone(),
                            trait_path: quote!(#path),
                            method: mname.clone(),
                            d: (**d).clone(),
                        };
                        methods.push(impl_method(&ctx, &slot, false, Some(s)));
                    }
                }
            }
        }
        let mut assoc_items: Vec<TokenStream> =
            s.free_assoc.iter().map(|a| quote!(type #a = #a;)).collect();
        let declared = |a: &Ident| {
            s.original.as_ref().is_some_and(|o| {
                o.items
                    .iter()
                    .any(|ti| matches!(ti, TraitItem::Type(t) if t.ident == *a))
            })
        };
        assoc_items.extend(
            s.bound_assoc
                .iter()
                .filter(|(a, _)| declared(a))
                .map(|(a, t)| quote!(type #a = #t;)),
        );
        let doc = format!(
            " `{}` is a supertrait of `{name_s}`, so `dyn {name_s}` implements it too: {}.",
            s.name,
            if s.kind == SuperKind::Std {
                "through slots of the vtable"
            } else {
                "through its vtable embedded in ours"
            }
        );
        tokens.extend(quote! {
            #[doc = #doc]
            #unsafety impl #decl #path for #dyn_ty #wc {
                #(#assoc_items)*
                #(#methods)*
            }
        });
    }
    if forwarding {
        tokens.extend(super::forward::emit(item, &own, &supers, &ctx.bound, names));
    }
    Ok(Out {
        tokens,
        missing: missing_text,
    })
}

/// Where an impl method finds its function pointer.
/// A supertrait impl to write: the supertrait's index, how each of its methods is reached,
/// and why it cannot be written, if it cannot.
type SuperImpl = (usize, Vec<(Ident, SlotRef)>, Option<String>);

enum SlotRef {
    /// A field of our vtable.
    Own(Ident),
    /// In the embedded vtable of the supertrait.
    Embedded,
}

/// Which payload helpers and markers are needed (nothing is emitted unused).
struct Flags {
    into_value: bool,
    into_box: bool,
    borrowable: bool,
    mutable_borrow: bool,
    pinned: bool,
    send: bool,
    sync: bool,
}

impl Flags {
    fn of(slots: &[Slot], supers: &[Super]) -> Flags {
        let mut f = Flags {
            into_value: false,
            into_box: false,
            borrowable: true,
            mutable_borrow: true,
            pinned: false,
            send: supers.iter().any(|s| s.is_std("core::marker::Send")),
            sync: supers.iter().any(|s| s.is_std("core::marker::Sync")),
        };
        let unpin = supers.iter().any(|s| s.is_std("core::marker::Unpin"));
        // Embedded user supertraits' methods count for the receivers too.
        let mut receivers: Vec<Receiver> = slots.iter().map(|s| s.d.receiver.clone()).collect();
        for s in supers {
            for m in &s.methods {
                if let MethodPlan::Slot(d) = &m.plan {
                    receivers.push(d.receiver.clone());
                }
            }
        }
        for r in &receivers {
            match r {
                Receiver::Ref(_) => {}
                Receiver::Mut(_) => f.borrowable = false,
                Receiver::PinMut(_) => {
                    f.borrowable = false;
                    f.mutable_borrow = false;
                    f.pinned = !unpin;
                }
                Receiver::Value => {
                    f.into_value = true;
                    f.borrowable = false;
                    f.mutable_borrow = false;
                }
                Receiver::Boxed => {
                    f.into_box = true;
                    f.borrowable = false;
                    f.mutable_borrow = false;
                }
            }
        }
        // Only the slots of this vtable use this payload's helpers.
        f.into_value = slots.iter().any(|s| s.d.receiver == Receiver::Value);
        f.into_box = slots.iter().any(|s| s.d.receiver == Receiver::Boxed);
        f
    }
}

fn emit_payload(ctx: &Ctx, flags: &Flags) -> TokenStream {
    let (payload, name, lt) = (&ctx.payload, &ctx.name, &ctx.lt);
    let doc = format!(
        " The erased `self` of `Dyn{name}`: one pointer-sized slot holding the value itself (when it\n fits) or a pointer to it (boxed or borrowed). The compiler's `dyn {name}` erases `self` to a\n data pointer; a dyn* value may also keep a small value in place of the pointer.\n\n `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance)."
    );
    let into_value = flags.into_value.then(|| {
        quote! {
            /// Moves the value out (for `self` methods). The slot must not be used afterwards.
            ///
            /// # Safety
            /// The slot holds an owned `T` (inline when `INLINE`, boxed otherwise).
            unsafe fn into_value<T, const INLINE: bool>(self) -> T {
                if INLINE {
                    unsafe { self.value::<T, INLINE>().read() }
                } else {
                    *unsafe { Box::from_raw(self.value::<T, INLINE>()) }
                }
            }
        }
    });
    let into_box = flags.into_box.then(|| {
        quote! {
            /// Moves the value into a `Box` (for `self: Box<Self>` methods), reusing the
            /// allocation when it is boxed already.
            ///
            /// # Safety
            /// The slot holds an owned `T` (inline when `INLINE`, boxed otherwise).
            unsafe fn into_box<T, const INLINE: bool>(self) -> Box<T> {
                if INLINE {
                    Box::new(unsafe { self.value::<T, INLINE>().read() })
                } else {
                    unsafe { Box::from_raw(self.value::<T, INLINE>()) }
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[repr(transparent)]
        pub struct #payload<#lt> {
            slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
            lifetime: ::core::marker::PhantomData<&#lt ()>,
        }
        impl<#lt> #payload<#lt> {
            /// A slot to write a value or a pointer into.
            fn empty() -> Self {
                Self {
                    slot: ::core::cell::UnsafeCell::new(::core::mem::MaybeUninit::uninit()),
                    lifetime: ::core::marker::PhantomData,
                }
            }
            /// A pointer to the value: the slot itself when `INLINE`, the stored pointer otherwise.
            ///
            /// # Safety
            /// The slot holds a `T` (inline when `INLINE`) or a pointer to one.
            unsafe fn value<T, const INLINE: bool>(&self) -> *mut T {
                if INLINE {
                    self.slot.get().cast::<T>()
                } else {
                    unsafe { (*self.slot.get()).assume_init() }.cast::<T>()
                }
            }
            #into_value
            #into_box
        }
    }
}

/// The lifetime of the borrow of `self` in a slot, or none.
fn borrow_of(d: &Dispatchable) -> Option<&Lifetime> {
    d.borrow.as_ref()
}

/// The types of a slot: (for-lifetimes, receiver type, argument types, return type).
fn slot_types(
    ctx: &Ctx,
    d: &Dispatchable,
) -> (Vec<Lifetime>, TokenStream, Vec<TokenStream>, TokenStream) {
    let (payload, lt) = (&ctx.payload, &ctx.lt);
    let borrow = borrow_of(d);
    // A bounded method lifetime (`'b: 'a`) cannot be in a `for<…>`: the slot uses the shorter
    // one instead (the argument coerces to it).
    let renames: Vec<(Lifetime, Lifetime)> = d
        .sig
        .generics
        .lifetimes()
        .filter_map(|l| l.bounds.first().map(|b| (l.lifetime.clone(), b.clone())))
        .collect();
    let mut fors: Vec<Lifetime> = d
        .sig
        .generics
        .lifetimes()
        .filter(|l| l.bounds.is_empty())
        .map(|l| l.lifetime.clone())
        .collect();
    if let Some(b) = borrow
        && !fors.contains(b)
    {
        fors.insert(0, b.clone());
    }
    let amp = match borrow {
        Some(b) => quote!(&#b),
        None => quote!(&),
    };
    let recv = match d.receiver {
        Receiver::Ref(_) => quote!(#amp #payload<#lt>),
        Receiver::Mut(_) | Receiver::PinMut(_) => quote!(#amp mut #payload<#lt>),
        Receiver::Value | Receiver::Boxed => quote!(#payload<#lt>),
    };
    let boxing = matches!(d.output, Output::Async(_) | Output::Boxed { .. });
    let name_all = |t: &Type| -> Type {
        let mut t = t.clone();
        RenameLifetimes(&renames).visit_type_mut(&mut t);
        if let (true, Some(b)) = (boxing, borrow) {
            NameElided(b).visit_type_mut(&mut t);
        }
        t
    };
    let args: Vec<TokenStream> = d
        .args
        .iter()
        .map(|a| match &a.kind {
            ArgKind::Plain => {
                let t = name_all(&a.ty);
                quote!(#t)
            }
            ArgKind::Erased {
                dyn_ty, mutable, ..
            } => {
                let r = match (boxing, borrow) {
                    (true, Some(b)) => quote!(&#b),
                    _ => quote!(&),
                };
                let multi = matches!(&**dyn_ty, Type::TraitObject(o) if o.bounds.len() > 1);
                let inner = if multi {
                    quote!((#dyn_ty))
                } else {
                    quote!(#dyn_ty)
                };
                if *mutable {
                    quote!(#r mut #inner)
                } else {
                    quote!(#r #inner)
                }
            }
        })
        .collect();
    let cap = match borrow {
        Some(b) => quote!(#b),
        None => quote!(#lt),
    };
    let ret = match &d.output {
        Output::Plain(None) => quote!(()),
        Output::Plain(Some(t)) => {
            let mut t = t.clone();
            RenameLifetimes(&renames).visit_type_mut(&mut t);
            if let Some(b) = borrow {
                NameElided(b).visit_type_mut(&mut t);
            }
            quote!(#t)
        }
        Output::SelfValue => ctx.dyn_ty(),
        Output::Async(t) => {
            let t = t
                .as_ref()
                .map(name_all)
                .map(|t| quote!(#t))
                .unwrap_or(quote!(()));
            quote!(::core::pin::Pin<Box<dyn Future<Output = #t> + #cap>>)
        }
        Output::Boxed { dyn_ty, pinned } => {
            let mut t = dyn_ty.clone();
            if let Some(b) = borrow {
                NameElided(b).visit_type_mut(&mut t);
            }
            if *pinned {
                quote!(::core::pin::Pin<Box<#t + #cap>>)
            } else {
                quote!(Box<#t + #cap>)
            }
        }
    };
    (fors, recv, args, ret)
}

fn emit_vtable(ctx: &Ctx, slots: &[Slot], supers: &[Super], _flags: &Flags) -> TokenStream {
    let (vtable, payload, lt, name) = (&ctx.vtable, &ctx.payload, &ctx.lt, &ctx.name);
    let (decl, wc, vargs) = (&ctx.decl, &ctx.where_clause, &ctx.args);
    let (erased, tbound, twhere) = (&ctx.erased, &ctx.tbound, ctx.twhere());
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut shims = Vec::new();
    for s in supers {
        if let SuperKind::User { .. } = s.kind {
            let f = format_ident!("{}", s.snake());
            let sv = format_ident!("{}Vtable", s.name);
            let sargs = super_generic_args(s, lt);
            let doc = format!(
                " The vtable of the supertrait `{}`, embedded whole so that upcasting `Dyn{name}` to `Dyn{}` only takes a reference to it.",
                s.name, s.name
            );
            fields.push(quote!(#[doc = #doc] pub #f: #sv<#(#sargs),*>,));
            inits.push(quote!(#f: #sv::new::<#erased, INLINE, OWNED>(),));
        }
    }
    for s in slots {
        let (fors, recv, args, ret) = slot_types(ctx, &s.d);
        let field = &s.field;
        let sig = super::model::signature_display(&s.d.sig);
        let doc = format!(" `{sig}` with `self` erased.");
        let binder = if fors.is_empty() {
            quote!()
        } else {
            quote!(for<#(#fors),*>)
        };
        let arrow = (ret.to_string() != "()").then(|| quote!(-> #ret));
        fields.push(quote!(#[doc = #doc] pub #field: #binder unsafe fn(#recv, #(#args),*) #arrow,));
        let shim = &s.shim;
        inits.push(quote!(#field: Self::#shim::<#erased, INLINE>,));
        shims.push(emit_shim(ctx, s, &fors, recv, args, ret));
    }
    let marker = ctx.phantom.as_ref().map(|p| {
        quote! {
            /// Ties the trait's parameters and associated types to the vtable, invariantly, as
            /// `dyn Foo<P, Item = A>` does.
            marker: ::core::marker::PhantomData<#p>,
        }
    });
    let marker_init = ctx
        .phantom
        .as_ref()
        .map(|_| quote!(marker: ::core::marker::PhantomData,));
    let doc = format!(
        " The vtable of `{name}`: what the compiler stores behind the second word of a `&dyn {name}`.\n One is built per concrete type (and storage), at compile time."
    );
    let doc_new = format!(
        " The vtable for a `T: {name}` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.\n\n A `const fn`, so that `&{vtable}::new::<T, …>()` in a constant is promoted to a `'static`:\n no allocation and no `static` per type, like the compiler's vtables."
    );
    quote! {
        #[doc = #doc]
        pub struct #vtable #decl #wc {
            /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
            pub drop_in_place: unsafe fn(&mut #payload<#lt>),
            /// `size_of::<T>()`.
            pub size: usize,
            /// `align_of::<T>()`.
            pub align: usize,
            #(#fields)*
            #marker
        }
        impl #decl #vtable #vargs #wc {
            #[doc = #doc_new]
            pub const fn new<#erased: #tbound, const INLINE: bool, const OWNED: bool>() -> Self #twhere {
                Self {
                    drop_in_place: Self::drop_shim::<#erased, INLINE, OWNED>,
                    size: ::core::mem::size_of::<#erased>(),
                    align: ::core::mem::align_of::<#erased>(),
                    #(#inits)*
                    #marker_init
                }
            }
            /// The `drop_in_place` entry.
            ///
            /// # Safety
            /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
            unsafe fn drop_shim<#erased: #tbound, const INLINE: bool, const OWNED: bool>(this: &mut #payload<#lt>) #twhere {
                if OWNED {
                    if INLINE {
                        unsafe { ::core::ptr::drop_in_place(this.value::<#erased, INLINE>()) }
                    } else {
                        drop(unsafe { Box::from_raw(this.value::<#erased, INLINE>()) })
                    }
                }
            }
            #(#shims)*
        }
    }
}

fn emit_shim(
    ctx: &Ctx,
    s: &Slot,
    fors: &[Lifetime],
    recv: TokenStream,
    args: Vec<TokenStream>,
    ret: TokenStream,
) -> TokenStream {
    let (erased, tbound) = (&ctx.erased, &ctx.tbound);
    let d = &s.d;
    let this_expr = match d.receiver {
        Receiver::Ref(_) => quote!(unsafe { &*this.value::<#erased, INLINE>() }),
        Receiver::Mut(_) => quote!(unsafe { &mut *this.value::<#erased, INLINE>() }),
        Receiver::PinMut(_) => {
            quote!(unsafe { ::core::pin::Pin::new_unchecked(&mut *this.value::<#erased, INLINE>()) })
        }
        Receiver::Value => quote!(unsafe { this.into_value::<#erased, INLINE>() }),
        Receiver::Boxed => quote!(unsafe { this.into_box::<#erased, INLINE>() }),
    };
    let names: Vec<&Ident> = d.args.iter().map(|a| &a.name).collect();
    // An erased `&mut T` is passed on as `&mut &mut dyn Bound` (a `Sized` type implementing the bound).
    let params = names
        .iter()
        .zip(args.iter())
        .zip(d.args.iter())
        .map(|((n, t), a)| match a.kind {
            ArgKind::Erased {
                shape: ErasedShape::Mut,
                ..
            } => quote!(mut #n: #t),
            _ => quote!(#n: #t),
        });
    let pass = d.args.iter().map(|a| {
        let n = &a.name;
        match &a.kind {
            ArgKind::Erased {
                shape: ErasedShape::Ref,
                ..
            } => quote!(&#n),
            ArgKind::Erased {
                shape: ErasedShape::Mut,
                ..
            } => quote!(&mut #n),
            _ => quote!(#n),
        }
    });
    let (tp, m) = (&s.trait_path, &s.method);
    let mut call = quote!(<#erased as #tp>::#m(receiver, #(#pass),*));
    if d.sig.unsafety.is_some() {
        call = quote!(unsafe { #call });
    }
    let body = match &d.output {
        Output::Async(_) | Output::Boxed { pinned: true, .. } => quote!(Box::pin(#call)),
        Output::Boxed { .. } => quote!(Box::new(#call)),
        Output::SelfValue => {
            let dn = &ctx.dyn_name;
            quote!(#dn::new(#call))
        }
        Output::Plain(_) => call,
    };
    let method_lts: Vec<TokenStream> = fors.iter().map(|l| quote!(#l)).collect();
    let extra_where: Vec<WherePredicate> = d
        .sig
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .filter(|p| match p {
            WherePredicate::Type(pt) => {
                !is_self_type(&pt.bounded_ty)
                    && !d
                        .sig
                        .generics
                        .type_params()
                        .any(|tp| super::model::type_mentions_ident(&pt.bounded_ty, &tp.ident))
            }
            _ => true,
        })
        .map(|p| {
            let mut p = p.clone();
            ReplaceSelfAssoc { assoc: &ctx.assoc }.visit_where_predicate_mut(&mut p);
            p
        })
        .collect();
    let extra_where: Vec<WherePredicate> = extra_where
        .into_iter()
        .chain(ctx.twhere.iter().cloned())
        .collect();
    let wc = if extra_where.is_empty() {
        quote!()
    } else {
        quote!(where #(#extra_where),*)
    };
    let shim = &s.shim;
    let arrow = (ret.to_string() != "()").then(|| quote!(-> #ret));
    let doc = format!(
        " The shim in the `{}` slot: turns the erased `self` back into the `T` it was made from and calls `T::{}`{}.",
        s.field,
        s.method,
        match &d.output {
            Output::Async(_) => ", boxing the future it returns (a boxing shim)",
            Output::Boxed { .. } => ", boxing the `impl Trait` it returns (a boxing shim)",
            Output::SelfValue => ", wrapping the returned `T` in a new dyn value",
            _ => "",
        }
    );
    let has_erased = d
        .args
        .iter()
        .any(|a| matches!(a.kind, ArgKind::Erased { .. }));
    let doc2 = has_erased.then(|| quote!(#[doc = " Arguments of generic type arrive as trait objects (an erasing shim): `&dyn Trait` implements `Trait`."]));
    quote! {
        #[doc = #doc]
        #doc2
        ///
        /// # Safety
        /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
        unsafe fn #shim<#(#method_lts,)* #erased: #tbound, const INLINE: bool>(this: #recv, #(#params),*) #arrow #wc {
            let receiver = #this_expr;
            #body
        }
    }
}

fn emit_dyn(ctx: &Ctx, _slots: &[Slot], supers: &[Super], flags: &Flags) -> TokenStream {
    let (dyn_name, payload, vtable, lt, name) =
        (&ctx.dyn_name, &ctx.payload, &ctx.vtable, &ctx.lt, &ctx.name);
    let (decl, wc, args) = (&ctx.decl, &ctx.where_clause, &ctx.args);
    let (erased, tbound, twhere) = (&ctx.erased, &ctx.tbound, ctx.twhere());
    let vt_ty = ctx.vt_ty();
    let name_s = name.to_string();
    let pinned = flags.pinned.then(|| {
        quote! {
            /// `Pin<&mut Self>` methods: a pinned `T` stored inline must not move, so, like
            /// `dyn Future`, the dyn value is `!Unpin` (pin it with `pin!` or `Box::pin`).
            pinned: ::core::marker::PhantomData<::core::marker::PhantomPinned>,
        }
    });
    let pinned_init = flags
        .pinned
        .then(|| quote!(pinned: ::core::marker::PhantomData,));
    let doc = format!(
        " `dyn {name_s}` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be\n moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`\n arguments and `async fn` dispatchable. Dropping it drops the value exactly once.\n\n `'a` bounds the erased value's borrows, as in `dyn {name_s} + 'a`."
    );
    let too_big = format!(
        "`{dyn_name}::inline`: the value does not fit in a pointer (size and alignment); use `{dyn_name}::new` or `{dyn_name}::boxed`"
    );
    let from_ref = flags.borrowable.then(|| {
        let sync = if flags.send { quote!(+ Sync) } else { quote!() };
        let doc = format!(" Borrows the value (every dispatchable method of `{name_s}` takes `&self`, so only `&T` is ever handed out).");
        quote! {
            #[doc = #doc]
            pub fn from_ref<#erased: #tbound #sync>(value: &#lt #erased) -> Self #twhere {
                let payload = #payload::empty();
                unsafe { (*payload.slot.get()).write(::core::ptr::from_ref(value) as *const () as *mut ()) };
                Self::from_parts(payload, const { &#vtable::new::<#erased, false, false>() })
            }
        }
    });
    let from_mut = flags.mutable_borrow.then(|| {
        let doc = format!(" Borrows the value mutably (`{name_s}` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).");
        quote! {
            #[doc = #doc]
            pub fn from_mut<#erased: #tbound>(value: &#lt mut #erased) -> Self #twhere {
                let payload = #payload::empty();
                unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
                Self::from_parts(payload, const { &#vtable::new::<#erased, false, false>() })
            }
        }
    });
    let mut upcasts = Vec::new();
    for s in supers {
        if let SuperKind::User { .. } = s.kind {
            let f = format_ident!("{}", s.snake());
            let m = format_ident!("into_dyn_{}", s.snake());
            let sd = format_ident!("Dyn{}", s.name);
            let sp = format_ident!("{}Payload", s.name);
            let sargs = super_generic_args(s, lt);
            let doc = format!(
                " Upcasting: the same payload with the embedded `{}` vtable, as `&dyn {name_s}` → `&dyn {}` does.",
                s.name, s.name
            );
            upcasts.push(quote! {
                #[doc = #doc]
                pub fn #m(self) -> #sd<#(#sargs),*> {
                    let this = ::core::mem::ManuallyDrop::new(self);
                    __dynlens_comment!("SAFETY: the payloads have the same layout; `this` is not dropped, so the value moves.");
                    unsafe {
                        #sd::from_raw_parts(
                            ::core::ptr::read(::core::ptr::from_ref(&this.payload).cast::<#sp<#lt>>()),
                            &this.vtable.#f,
                        )
                    }
                }
            });
        }
    }
    let auto_impls: Vec<TokenStream> = [(flags.send, "Send", "`T: Send`, and `from_ref` also `T: Sync` (so the `&T` it holds is `Send`)"), (flags.sync, "Sync", "`T: Sync`; the vtable is immutable")]
        .iter()
        .filter(|(on, _, _)| *on)
        .map(|(_, t, why)| {
            let t = ident(t);
            let doc = format!(" SAFETY: `{name_s}: {t}`, so every constructor requires {why}. The raw pointer and the `UnsafeCell` in the payload only make the compiler unable to see that.");
            quote! {
                #[doc = #doc]
                unsafe impl #decl #t for #dyn_name #args #wc {}
            }
        })
        .collect();
    quote! {
        #[doc = #doc]
        pub struct #dyn_name #decl #wc {
            payload: #payload<#lt>,
            vtable: &#lt #vt_ty,
            #pinned
        }
        impl #decl #dyn_name #args #wc {
            /// Stores the value inline when it fits in a pointer (size and alignment): no
            /// allocation; boxes it otherwise.
            pub fn new<#erased: #tbound>(value: #erased) -> Self #twhere {
                if ::core::mem::size_of::<#erased>() <= ::core::mem::size_of::<*mut ()>()
                    && ::core::mem::align_of::<#erased>() <= ::core::mem::align_of::<*mut ()>()
                {
                    __dynlens_comment!("SAFETY: `T` fits, checked just above.");
                    unsafe { Self::store_inline(value) }
                } else {
                    Self::boxed(value)
                }
            }
            /// Stores the value inline, without allocating. Fails to compile when `T` does not fit.
            pub fn inline<#erased: #tbound>(value: #erased) -> Self #twhere {
                const {
                    let fits = ::core::mem::size_of::<#erased>() <= ::core::mem::size_of::<*mut ()>()
                        && ::core::mem::align_of::<#erased>() <= ::core::mem::align_of::<*mut ()>();
                    assert!(fits, #too_big)
                };
                __dynlens_comment!("SAFETY: `T` fits, checked at compile time just above.");
                unsafe { Self::store_inline(value) }
            }
            /// Writes the value into the payload slot itself.
            ///
            /// # Safety
            /// `T` fits in a pointer (size and alignment).
            unsafe fn store_inline<#erased: #tbound>(value: #erased) -> Self #twhere {
                let payload = #payload::empty();
                unsafe { ::core::ptr::write(payload.slot.get().cast::<#erased>(), value) };
                Self::from_parts(payload, const { &#vtable::new::<#erased, true, true>() })
            }
            /// Stores the value in a `Box`.
            pub fn boxed<#erased: #tbound>(value: #erased) -> Self #twhere {
                let payload = #payload::empty();
                unsafe { (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ()) };
                Self::from_parts(payload, const { &#vtable::new::<#erased, false, true>() })
            }
            #from_ref
            #from_mut
            fn from_parts(payload: #payload<#lt>, vtable: &#lt #vt_ty) -> Self {
                Self { payload, vtable, #pinned_init }
            }
            /// Builds a dyn value from a payload and a vtable (used when upcasting from a subtrait).
            ///
            /// # Safety
            /// `vtable` must have been built for the type and storage of the value in `payload`.
            pub unsafe fn from_raw_parts(payload: #payload<#lt>, vtable: &#lt #vt_ty) -> Self {
                Self::from_parts(payload, vtable)
            }
            /// `size_of_val` of the erased value, read from the vtable.
            pub fn size_of_val(&self) -> usize {
                self.vtable.size
            }
            /// `align_of_val` of the erased value, read from the vtable.
            pub fn align_of_val(&self) -> usize {
                self.vtable.align
            }
            #(#upcasts)*
        }
        /// Runs the vtable's `drop_in_place` exactly once.
        impl #decl Drop for #dyn_name #args #wc {
            fn drop(&mut self) {
                __dynlens_comment!("SAFETY: the vtable was built for this payload, which is dropped only here.");
                unsafe { (self.vtable.drop_in_place)(&mut self.payload) }
            }
        }
        #(#auto_impls)*
    }
}

/// One method of `impl Foo for DynFoo` (or of the inherent impl): loads the slot and calls it.
fn impl_method(ctx: &Ctx, s: &Slot, inherent: bool, embedded: Option<&Super>) -> TokenStream {
    let d = &s.d;
    let mut sig = d.sig.clone();
    let mut replace = ReplaceSelfAssoc { assoc: &ctx.assoc };
    // Rename argument patterns, make erased by-value arguments `mut`.
    for (input, a) in sig.inputs.iter_mut().skip(1).zip(d.args.iter()) {
        if let FnArg::Typed(pt) = input {
            let n = &a.name;
            let m = matches!(
                a.kind,
                ArgKind::Erased {
                    shape: ErasedShape::Value,
                    mutable: true,
                    ..
                }
            );
            let pat: Pat = if m {
                syn::parse_quote!(mut #n)
            } else {
                syn::parse_quote!(#n)
            };
            *pt.pat = pat;
            pt.attrs.clear();
            replace.visit_type_mut(&mut pt.ty);
        }
    }
    if let syn::ReturnType::Type(_, t) = &mut sig.output {
        replace.visit_type_mut(t);
    }
    if let Some(w) = &mut sig.generics.where_clause {
        replace.visit_where_clause_mut(w);
    }
    let lt = &ctx.lt;
    let (field_path, payload_cast_ref, payload_cast_mut, payload_cast_val) = match embedded {
        None => {
            let f = &s.field;
            (
                quote!(vtable.#f),
                quote!(&self.payload),
                quote!(&mut this.payload),
                quote!(::core::ptr::read(&this.payload)),
            )
        }
        Some(sup) => {
            let sf = format_ident!("{}", sup.snake());
            let f = &s.field;
            let sp = format_ident!("{}Payload", sup.name);
            (
                quote!(vtable.#sf.#f),
                quote!(&*::core::ptr::from_ref(&self.payload).cast::<#sp<#lt>>()),
                quote!(&mut *::core::ptr::from_mut(&mut this.payload).cast::<#sp<#lt>>()),
                quote!(::core::ptr::read(::core::ptr::from_ref(&this.payload).cast::<#sp<#lt>>())),
            )
        }
    };
    let pass: Vec<TokenStream> = d
        .args
        .iter()
        .map(|a| {
            let n = &a.name;
            match &a.kind {
                ArgKind::Erased {
                    shape: ErasedShape::Value,
                    mutable: true,
                    ..
                } => quote!(&mut #n),
                ArgKind::Erased {
                    shape: ErasedShape::Value,
                    mutable: false,
                    ..
                } => quote!(&#n),
                // `&T` with `T: ?Sized` cannot coerce to `&dyn Bound`; `&&T` can (`&T: Bound`).
                ArgKind::Erased {
                    shape: ErasedShape::Ref,
                    maybe_unsized: true,
                    ..
                } => quote!(&#n),
                _ => quote!(#n),
            }
        })
        .collect();
    let (setup, call) = match d.receiver {
        Receiver::Ref(_) => (
            quote!(),
            quote!((self.#field_path)(#payload_cast_ref, #(#pass),*)),
        ),
        Receiver::Mut(_) => (
            quote!(let this = self;),
            quote!((this.#field_path)(#payload_cast_mut, #(#pass),*)),
        ),
        Receiver::PinMut(_) => (
            quote! {
                __dynlens_comment!("SAFETY: the value is not moved out of the pinned dyn value; the shim re-pins it.");
                let this = unsafe { self.get_unchecked_mut() };
            },
            quote!((this.#field_path)(#payload_cast_mut, #(#pass),*)),
        ),
        Receiver::Value => (
            quote!(let this = ::core::mem::ManuallyDrop::new(self);),
            quote!((this.#field_path)(#payload_cast_val, #(#pass),*)),
        ),
        Receiver::Boxed => (
            quote!(let this = ::core::mem::ManuallyDrop::new(*self);),
            quote!((this.#field_path)(#payload_cast_val, #(#pass),*)),
        ),
    };
    let safety = match d.receiver {
        Receiver::Value | Receiver::Boxed => {
            "SAFETY: the vtable matches the payload; `this` is not dropped, so the value moves into the shim."
        }
        _ => "SAFETY: the vtable was built for the type and storage of the payload.",
    };
    let body = if d.sig.asyncness.is_some() {
        quote! { #setup __dynlens_comment!(#safety); unsafe { #call }.await }
    } else {
        quote! { #setup __dynlens_comment!(#safety); unsafe { #call } }
    };
    let vis = if inherent { quote!(pub) } else { quote!() };
    let doc = format!(" Calls `{}` through the vtable.", s.field);
    let _ = is_self_type;
    quote! {
        #[doc = #doc]
        #vis #sig { #body }
    }
}

/// Every identifier and lifetime name in the tokens (lifetimes without the quote).
fn collect_names(tokens: TokenStream, out: &mut Vec<String>) {
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => collect_names(g.stream(), out),
            _ => {}
        }
    }
}

/// Whether a bound names `Self` itself (not only `Self::Assoc`).
fn bound_mentions_bare_self(b: &syn::TypeParamBound) -> bool {
    struct F(bool);
    impl<'ast> syn::visit::Visit<'ast> for F {
        fn visit_type(&mut self, t: &'ast Type) {
            self.0 |= mentions_bare_self(t);
        }
    }
    let mut f = F(false);
    syn::visit::Visit::visit_type_param_bound(&mut f, b);
    f.0
}

/// Replaces the type `Self` by the erased type.
struct SelfTo<'i>(&'i Ident);

impl VisitMut for SelfTo<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if is_self_type(ty) {
            let i = self.0;
            *ty = syn::parse_quote!(#i);
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// Renames lifetimes (`'b` → `'a`).
struct RenameLifetimes<'r>(&'r [(Lifetime, Lifetime)]);

impl VisitMut for RenameLifetimes<'_> {
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if let Some((_, to)) = self.0.iter().find(|(from, _)| from == l) {
            *l = to.clone();
        }
    }
}
