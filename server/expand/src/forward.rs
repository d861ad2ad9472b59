//! The forwarding impls (the second action): `impl Foo for Box<T>`, `&T`, `&mut T`, so that
//! these pointers can be dyn* payloads. Each impl is written only where it compiles; otherwise
//! a comment says why it is left out.
//!
//! What an impl needs from `T` is gathered item by item: a required method or an associated
//! type whose `where` clause bounds `Self` (`where Self: Sized`, `where Self: Send`) makes the
//! impl ask the same of `T` (no `?Sized`, `T: Send`), since the forwarding body calls `T`'s own
//! item. A method with a default body is forwarded only when the impl asks that much of `T`
//! anyway; otherwise it runs its default body on the pointer (as std's
//! `impl Iterator for &mut I` does for the `where Self: Sized` adapters), and the impl's doc
//! comment says so.

use super::model::{StdNames, has_self_sized, is_self_type, mentions_bare_self};
use super::plan::Plan;
use super::supers::{Super, SuperKind};
use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::{
    FnArg, GenericParam, ItemTrait, Lifetime, Pat, ReturnType, TraitItem, TraitItemFn, Type,
    TypeParamBound, WherePredicate,
};

/// Which pointer the impl is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Boxed,
    Shared,
    Exclusive,
}

impl Target {
    fn label(self) -> &'static str {
        match self {
            Target::Boxed => "Box<T>",
            Target::Shared => "&T",
            Target::Exclusive => "&mut T",
        }
    }
}

/// What a forwarded item needs from `T`.
#[derive(Default, Clone)]
struct Needs {
    sized: bool,
    unpin: bool,
    /// `where` predicates on `T` (or naming it), as tokens.
    preds: Vec<TokenStream>,
}

impl Needs {
    fn pred(&mut self, p: TokenStream) {
        let s = p.to_string();
        if !self.preds.iter().any(|q| q.to_string() == s) {
            self.preds.push(p);
        }
    }

    fn merge(&mut self, other: &Needs) {
        self.sized |= other.sized;
        self.unpin |= other.unpin;
        for p in &other.preds {
            self.pred(p.clone());
        }
    }

    /// Whether `self` asks nothing that `of` does not ask already.
    fn within(&self, of: &Needs) -> bool {
        (!self.sized || of.sized)
            && (!self.unpin || of.unpin)
            && self
                .preds
                .iter()
                .all(|p| of.preds.iter().any(|q| q.to_string() == p.to_string()))
    }

    /// What it asks beyond `of`, for a note.
    fn beyond(&self, of: &Needs, t: &Ident) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.sized && !of.sized {
            parts.push(format!("`{t}: Sized`"));
        }
        if self.unpin && !of.unpin {
            parts.push(format!("`{t}: Unpin`"));
        }
        for p in &self.preds {
            if !of.preds.iter().any(|q| q.to_string() == p.to_string()) {
                parts.push(format!("`{}`", tidy(p)));
            }
        }
        parts.join(", ")
    }
}

fn tidy(t: &TokenStream) -> String {
    super::model::tidy_tokens(&t.to_string())
}

/// The names the impls introduce, and what the trait's items may name through `Self`.
struct Ctx<'p> {
    item: &'p ItemTrait,
    /// Every supertrait, carried by the dyn value or not.
    supers: Vec<&'p Super>,
    names: StdNames<'p>,
    blanket_impl: bool,
    /// The pointee's parameter: `T` unless the trait uses that name.
    t: Ident,
    /// The reference's lifetime when the trait has outlives bounds (`trait Foo<'a>: 'a`).
    r: Lifetime,
    /// `Foo<P…>` with the trait's own parameters.
    trait_path: TokenStream,
    /// Associated types `Self::X` may name: the trait's own and its supertraits'.
    assoc: Vec<Ident>,
    /// The traits `<Self as Tr<…>>::X` may name (tokens, spaces removed): the trait itself and
    /// its supertraits, whose associated types the pointers forward.
    projectable: Vec<String>,
}

/// Emits the forwarding impls of a planned trait, and a comment for each one left out.
pub(crate) fn emit(plan: &Plan) -> TokenStream {
    let item = &plan.item;
    let used = used_names(item);
    let t = fresh(&used, &["T", "U", "V", "W", "Inner", "Pointee"], "T");
    let r_name = fresh(&used, &["r", "ptr", "pointee"], "r");
    let r = Lifetime::new(&format!("'{r_name}"), proc_macro2::Span::call_site());
    let (_, ty_generics, _) = item.generics.split_for_impl();
    let name = &item.ident;
    let supers: Vec<&Super> = plan
        .supers
        .iter()
        .chain(plan.uncarried_supers.iter())
        .collect();
    let mut assoc: Vec<Ident> = item
        .items
        .iter()
        .filter_map(|ti| match ti {
            TraitItem::Type(ty) => Some(ty.ident.clone()),
            _ => None,
        })
        .collect();
    let mut projectable = vec![no_spaces(&quote!(#name #ty_generics))];
    for s in &supers {
        projectable.push(last_segment(&s.impl_path()));
        for it in s.item.iter().chain(s.original.iter()) {
            for ti in &it.items {
                if let TraitItem::Type(ty) = ti {
                    assoc.push(ty.ident.clone());
                }
            }
        }
    }
    let ctx = Ctx {
        item,
        supers,
        names: StdNames {
            resolved: &plan.std_names,
        },
        blanket_impl: plan.blanket_impl,
        t,
        r,
        trait_path: quote!(#name #ty_generics),
        assoc,
        projectable,
    };
    let mut out = TokenStream::new();
    for target in [Target::Boxed, Target::Shared, Target::Exclusive] {
        match forward_impl(&ctx, target) {
            Ok(t) => out.extend(t),
            Err(why) => {
                let text = format!("No `impl {name} for {}`: {why}.", label(&ctx, target));
                out.extend(quote!(__dynlens_comment!(#text);));
            }
        }
    }
    out
}

/// `Box<T>` with the impl's own name for `T`.
fn label(ctx: &Ctx<'_>, target: Target) -> String {
    target.label().replace('T', &ctx.t.to_string())
}

/// `PartialEq<Self>` for `::std::cmp::PartialEq<Self>`, for messages.
fn last_segment_tidy(p: &syn::Path) -> String {
    p.segments
        .last()
        .map(|s| tidy(&quote!(#s)))
        .unwrap_or_default()
}

/// `Tr<u8>` for `std::x::Tr<u8>`, spaces removed: how a projection's trait is compared.
fn last_segment(p: &syn::Path) -> String {
    p.segments
        .last()
        .map(|s| no_spaces(&quote!(#s)))
        .unwrap_or_default()
}

fn no_spaces(t: &TokenStream) -> String {
    t.to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Every identifier and lifetime name the trait's text uses (its generics, items, signatures,
/// bounds): the impl's own names must collide with none of them.
fn used_names(item: &ItemTrait) -> Vec<String> {
    fn walk(ts: TokenStream, out: &mut Vec<String>) {
        for tt in ts {
            match tt {
                TokenTree::Ident(i) => out.push(i.to_string()),
                TokenTree::Group(g) => walk(g.stream(), out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(quote!(#item), &mut out);
    out
}

/// The first candidate not in `used`, else `stem0`, `stem1`, …
fn fresh(used: &[String], candidates: &[&str], stem: &str) -> Ident {
    let free = |n: &str| !used.iter().any(|u| u == n);
    if let Some(c) = candidates.iter().find(|c| free(c)) {
        return format_ident!("{c}");
    }
    (0..)
        .map(|i| format!("{stem}{i}"))
        .find(|n| free(n))
        .map(|n| format_ident!("{n}"))
        .expect("an unused name")
}

/// `tokens` with every `Self` replaced by `t`: a predicate about the pointer made about `T`.
fn subst_self(tokens: TokenStream, t: &Ident) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(i) if i == "Self" => TokenTree::Ident(t.clone()),
            TokenTree::Group(g) => {
                let mut ng = proc_macro2::Group::new(g.delimiter(), subst_self(g.stream(), t));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            other => other,
        })
        .collect()
}

/// Whether another std supertrait names `s` among its own supertraits.
fn implied_by_std(supers: &[&Super], s: &Super) -> bool {
    supers.iter().any(|o| {
        matches!(o.kind, SuperKind::Std)
            && o.name != s.name
            && o.item.iter().flat_map(|i| i.supertraits.iter()).any(|b| {
                matches!(b, TypeParamBound::Trait(tb)
                    if tb.path.segments.last().is_some_and(|l| l.ident == s.name))
            })
    })
}

/// `tokens` with `Self::X` and `<Self as Tr>::X` made `T::X`, `<T as Tr>::X`; a bare `Self`
/// (the pointer) stays.
fn subst_self_projections(tokens: TokenStream, t: &Ident) -> TokenStream {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tts.len());
    for (i, tt) in tts.iter().enumerate() {
        let next = tts.get(i + 1);
        out.push(match tt {
            TokenTree::Ident(id)
                if id == "Self"
                    && (matches!(next, Some(TokenTree::Punct(p)) if p.as_char() == ':')
                        || matches!(next, Some(TokenTree::Ident(n)) if n == "as")) =>
            {
                TokenTree::Ident(t.clone())
            }
            TokenTree::Group(g) => {
                let mut ng =
                    proc_macro2::Group::new(g.delimiter(), subst_self_projections(g.stream(), t));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            other => other.clone(),
        });
    }
    out.into_iter().collect()
}

fn forward_impl(ctx: &Ctx<'_>, target: Target) -> Result<TokenStream, String> {
    let item = ctx.item;
    let t = &ctx.t;
    let trait_name = &item.ident;
    if ctx.blanket_impl {
        return Err(format!(
            "the blanket `impl<T> {trait_name} for T` in the workspace may cover `{}` already (a second impl would conflict)",
            label(ctx, target)
        ));
    }
    let self_ty = match target {
        Target::Boxed => quote!(Box<#t>),
        Target::Shared => quote!(&#t),
        Target::Exclusive => quote!(&mut #t),
    };
    let mut needs = Needs::default();
    let mut extra_bounds: Vec<TokenStream> = Vec::new();
    let mut where_preds: Vec<TokenStream> = Vec::new();
    let mut user_supers: Vec<String> = Vec::new();

    // Supertraits: the pointer must implement each of them too.
    let written: Vec<&TypeParamBound> = super::supers::written_bounds(item);
    for s in &ctx.supers {
        let n = s.name.to_string();
        match &s.kind {
            SuperKind::Auto => {
                let unwind = s.is_std("core::panic::UnwindSafe");
                match target {
                    Target::Shared if s.is_std("core::marker::Send") => {
                        extra_bounds.push(quote!(Sync))
                    }
                    Target::Shared if unwind => {
                        extra_bounds.push(quote!(::std::panic::RefUnwindSafe))
                    }
                    Target::Exclusive if unwind => {
                        return Err("a `&mut` reference is never `UnwindSafe`".to_string());
                    }
                    _ => {}
                }
            }
            // Implied by another std supertrait (`FnMut` by `Fn`): std's impl of that one for
            // the pointer implies it (`&F: Fn` needs `&F: FnMut`, which std gives for `F: Fn`).
            SuperKind::Std if implied_by_std(&ctx.supers, s) => {}
            SuperKind::Std => {
                let p = s.impl_path();
                if super::model::tokens_mention_self(quote!(#p)) || bound_assoc_mention_self(s) {
                    return Err(format!(
                        "the supertrait `{}` names `Self`: std implements it for `{}` with `{t}`'s arguments, not with `{}`",
                        last_segment_tidy(&p),
                        label(ctx, target),
                        label(ctx, target)
                    ));
                }
                let by = s.std.map(|info| info.facts.forwarded_by);
                let ok = by.is_some_and(|by| match target {
                    Target::Boxed => by.boxed,
                    Target::Shared => by.shared,
                    Target::Exclusive => by.exclusive,
                });
                if !ok {
                    return Err(format!(
                        "std has no `impl {n} for {}` forwarding to every `{t}: {n}`",
                        label(ctx, target)
                    ));
                }
                if target == Target::Boxed && by.is_some_and(|by| by.boxed_needs_sized) {
                    needs.sized = true;
                }
            }
            SuperKind::User { .. } => {
                // The pointer implements it where its own forwarding impl (written with this
                // expansion, or elsewhere) does, with the same associated types as `T`.
                // `Relate<Self::Other>`: the pointer's `Other` is `T`'s (the impl says so), and
                // naming it through `T` keeps the bound from being its own requirement.
                let p = s.impl_path();
                let p: syn::Path = syn::parse2(subst_self_projections(quote!(#p), t)).unwrap_or(p);
                // This instantiation's own `for<'r>` (`Rel<B> + for<'r> Rel<&'r B>`).
                let hr = s.binder.clone();
                let mut bindings: Vec<TokenStream> = Vec::new();
                if let Some(sitem) = &s.original {
                    for ti in &sitem.items {
                        if let TraitItem::Type(ty) = ti
                            && ty.generics.params.is_empty()
                            && !s.bound_assoc.iter().any(|(b, _)| *b == ty.ident)
                        {
                            if super::model::tokens_mention_self(quote!(#p)) {
                                return Err(format!(
                                    "the supertrait `{}` names `Self`, so its associated types for `{}` are not `{t}`'s",
                                    tidy(&quote!(#p)),
                                    label(ctx, target)
                                ));
                            }
                            let a = &ty.ident;
                            bindings.push(quote!(#a = <#t as #p>::#a));
                        }
                    }
                }
                let fixed = s.bound_assoc.iter().map(|(a, ty)| quote!(#a = #ty));
                bindings.splice(0..0, fixed);
                let bound = if bindings.is_empty() {
                    quote!(#p)
                } else {
                    let (head, args) = split_args(&p);
                    let mut all: Vec<TokenStream> = args;
                    all.extend(bindings);
                    quote!(#head<#(#all),*>)
                };
                where_preds.push(quote!(Self: #hr #bound));
                user_supers.push(tidy(&quote!(#p)));
            }
        }
    }
    // Supertraits the caller could not resolve: asked of the pointer as written.
    for b in &written {
        if let TypeParamBound::Trait(tb) = b {
            let Some(last) = tb.path.segments.last() else {
                continue;
            };
            let maybe = matches!(tb.modifier, syn::TraitBoundModifier::Maybe(_));
            let known = ctx.supers.iter().any(|s| s.name == last.ident);
            if !maybe && !known && !ctx.names.is_sized(&tb.path) {
                where_preds.push(quote!(Self: #tb));
                user_supers.push(tidy(&quote!(#tb)));
            }
        }
    }

    // Outlives bounds on `Self` (`trait Foo: 'static`): the reference must live that long.
    // A supertrait's own `'static` (`Any: 'static`) counts too.
    let inherited = ctx
        .supers
        .iter()
        .flat_map(|s| s.item.iter().flat_map(|i| i.supertraits.iter()))
        .filter(|b| matches!(b, TypeParamBound::Lifetime(l) if l.ident == "static"));
    let outlives: Vec<&Lifetime> = written
        .iter()
        .copied()
        .chain(inherited)
        .filter_map(|b| match b {
            TypeParamBound::Lifetime(l) => Some(l),
            _ => None,
        })
        .collect();
    let mut ref_lt: Option<Lifetime> = None;
    let mut own_lt = false;
    if target != Target::Boxed && !outlives.is_empty() {
        if outlives.iter().any(|l| l.ident == "static") {
            ref_lt = Some(syn::parse_quote!('static));
        } else {
            let r = &ctx.r;
            own_lt = true;
            ref_lt = Some(r.clone());
            where_preds.push(quote!(#r: #(#outlives)+*));
        }
    }
    let self_ty = match (&ref_lt, target) {
        (Some(l), Target::Shared) => quote!(&#l #t),
        (Some(l), Target::Exclusive) => quote!(&#l mut #t),
        _ => self_ty,
    };

    // The trait's parameters: repeated without defaults; bounds naming `Self` move to the
    // `where` clause (where `Self` is the pointer), and are asked of `T` too.
    let mut lifetimes: Vec<TokenStream> = Vec::new();
    let mut params: Vec<TokenStream> = Vec::new();
    for p in &item.generics.params {
        match p {
            GenericParam::Lifetime(l) => lifetimes.push(quote!(#l)),
            GenericParam::Type(tp) => {
                let i = &tp.ident;
                let bounds = &tp.bounds;
                if bounds.is_empty() {
                    params.push(quote!(#i));
                } else if super::model::tokens_mention_self(quote!(#bounds)) {
                    params.push(quote!(#i));
                    where_preds.push(quote!(#i: #bounds));
                    needs.pred(subst_self(quote!(#i: #bounds), t));
                } else {
                    params.push(quote!(#i: #bounds));
                }
            }
            GenericParam::Const(c) => {
                let (i, ty) = (&c.ident, &c.ty);
                params.push(quote!(const #i: #ty));
            }
        }
    }
    // The trait's `where` clause, for the pointer as written, and for `T` where it names
    // `Self` other than as the bounded type (`where Box<Self>: Debug`).
    for p in item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
    {
        where_preds.push(quote!(#p));
        if let WherePredicate::Type(pt) = p
            && !is_self_type(&pt.bounded_ty)
            && super::model::tokens_mention_self(quote!(#p))
        {
            needs.pred(subst_self(quote!(#p), t));
        }
    }

    // Items: associated types and consts, required methods first (they decide what the impl
    // asks of `T`), then the provided ones.
    let trait_path = &ctx.trait_path;
    let mut items: Vec<TokenStream> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut provided: Vec<(&TraitItemFn, Forwarded)> = Vec::new();
    for ti in &item.items {
        match ti {
            TraitItem::Type(ty) => {
                let i = &ty.ident;
                let b = &ty.bounds;
                if super::model::tokens_mention_self(quote!(#b)) {
                    return Err(format!(
                        "the bounds of `type {i}` name `Self`, which for `{}` is another type than `{t}`",
                        label(ctx, target)
                    ));
                }
                let item_needs = self_predicates(
                    ctx,
                    ty.generics.where_clause.as_ref(),
                    &[],
                    &format!("type {i}"),
                )?;
                needs.merge(&item_needs);
                let g = &ty.generics;
                let args: Vec<TokenStream> = g
                    .params
                    .iter()
                    .map(|p| match p {
                        GenericParam::Lifetime(l) => {
                            let l = &l.lifetime;
                            quote!(#l)
                        }
                        GenericParam::Type(tp) => {
                            let i = &tp.ident;
                            quote!(#i)
                        }
                        GenericParam::Const(c) => {
                            let i = &c.ident;
                            quote!(#i)
                        }
                    })
                    .collect();
                let args = if args.is_empty() {
                    quote!()
                } else {
                    quote!(<#(#args),*>)
                };
                let params = &g.params;
                let params = if params.is_empty() {
                    quote!()
                } else {
                    quote!(<#params>)
                };
                let wc = &g.where_clause;
                items.push(quote!(type #i #params = <#t as #trait_path>::#i #args #wc;));
            }
            TraitItem::Const(c) => {
                let (i, ty) = (&c.ident, &c.ty);
                items.push(quote!(const #i: #ty = <#t as #trait_path>::#i;));
            }
            TraitItem::Fn(f) if f.default.is_some() => {
                provided.push((f, forward_fn(ctx, f, target)));
            }
            TraitItem::Fn(f) => match forward_fn(ctx, f, target) {
                Ok((tokens, fn_needs)) => {
                    needs.merge(&fn_needs);
                    items.push(tokens);
                }
                Err(why) => return Err(why),
            },
            _ => {}
        }
    }
    for (f, r) in provided {
        let m = &f.sig.ident;
        match r {
            Ok((tokens, fn_needs)) if fn_needs.within(&needs) => items.push(tokens),
            Ok((_, fn_needs)) => notes.push(format!(
                "`{m}` runs its default body: forwarding it would need {}.",
                fn_needs.beyond(&needs, t)
            )),
            Err(why) => notes.push(format!("`{m}` runs its default body: {why}.")),
        }
    }

    let mut bounds: Vec<TokenStream> = vec![trait_path.clone()];
    if !needs.sized {
        bounds.push(quote!(?Sized));
    }
    if needs.unpin {
        bounds.push(quote!(Unpin));
    }
    bounds.extend(extra_bounds);
    where_preds.extend(needs.preds.iter().cloned());
    let mut dedup: Vec<String> = Vec::new();
    where_preds.retain(|p| {
        let s = p.to_string();
        let fresh = !dedup.contains(&s);
        dedup.push(s);
        fresh
    });
    let where_clause = if where_preds.is_empty() {
        quote!()
    } else {
        quote!(where #(#where_preds),*)
    };
    let mut generics: Vec<TokenStream> = lifetimes;
    if own_lt {
        let r = &ctx.r;
        generics.push(quote!(#r));
    }
    generics.extend(params);
    generics.push(quote!(#t: #(#bounds)+*));

    let mut doc = vec![format!(
        " Forwards every item of `{trait_name}` to the `{t}` behind the `{}`, so that it can be a dyn* payload too.",
        label(ctx, target)
    )];
    if !user_supers.is_empty() {
        doc.push(format!(
            " It applies where the `{}` implements {} too (its forwarding impl does).",
            label(ctx, target),
            user_supers
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for n in notes {
        doc.push(format!(" {n}"));
    }
    let mut out = TokenStream::new();
    let unsafety = if item.unsafety.is_some() {
        let c = format!(
            "SAFETY: `{trait_name}` is an `unsafe trait`: `{t}`'s own `unsafe impl` upholds its contract, and every item forwards to `{t}`."
        );
        out.extend(quote!(__dynlens_comment!(#c);));
        quote!(unsafe)
    } else {
        quote!()
    };
    out.extend(quote! {
        #(#[doc = #doc])*
        #unsafety impl<#(#generics),*> #trait_path for #self_ty #where_clause {
            #(#items)*
        }
    });
    Ok(out)
}

/// `Tr<A, B>` → (`Tr`, [`A`, `B`]).
fn split_args(p: &syn::Path) -> (TokenStream, Vec<TokenStream>) {
    let mut head = p.clone();
    let mut args = Vec::new();
    if let Some(last) = head.segments.last_mut() {
        if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
            args = a.args.iter().map(|g| quote!(#g)).collect();
        }
        last.arguments = syn::PathArguments::None;
    }
    (quote!(#head), args)
}

fn bound_assoc_mention_self(s: &Super) -> bool {
    s.bound_assoc
        .iter()
        .any(|(_, ty)| super::model::tokens_mention_self(quote!(#ty)))
}

/// What the `where` predicates of one item (and the inline bounds of its parameters,
/// `generic_bounds`) ask of `Self`, made into demands on `T`: the forwarding body calls `T`'s
/// item, which needs them of `T`. `Self: 'a` needs nothing (the pointer outliving `'a` implies
/// `T` does).
fn self_predicates(
    ctx: &Ctx<'_>,
    wc: Option<&syn::WhereClause>,
    own_params: &[&GenericParam],
    what: &str,
) -> Result<Needs, String> {
    let t = &ctx.t;
    let mut needs = Needs::default();
    let own: Vec<String> = own_params
        .iter()
        .filter_map(|p| match p {
            GenericParam::Type(tp) => Some(tp.ident.to_string()),
            GenericParam::Const(c) => Some(c.ident.to_string()),
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    let names_own = |ts: TokenStream| {
        let mut v = Vec::new();
        collect_idents(ts, &mut v);
        v.iter().any(|i| own.contains(i))
    };
    // Inline bounds of the item's own parameters that name `Self`.
    for p in own_params {
        if let GenericParam::Type(tp) = p {
            let b = &tp.bounds;
            if super::model::tokens_mention_self(quote!(#b)) {
                return Err(format!(
                    "`{what}` bounds its own parameter `{}` with `Self`, which `{t}`'s item needs with `{t}`",
                    tp.ident
                ));
            }
        }
    }
    for p in wc.iter().flat_map(|w| w.predicates.iter()) {
        let WherePredicate::Type(pt) = p else {
            continue;
        };
        if !super::model::tokens_mention_self(quote!(#p)) {
            continue;
        }
        if is_self_type(&pt.bounded_ty) {
            for b in &pt.bounds {
                match b {
                    TypeParamBound::Lifetime(_) => {}
                    TypeParamBound::Trait(tb)
                        if matches!(tb.modifier, syn::TraitBoundModifier::Maybe(_)) => {}
                    TypeParamBound::Trait(tb) if ctx.names.is_sized(&tb.path) => {
                        needs.sized = true;
                    }
                    other => {
                        if names_own(quote!(#other)) {
                            return Err(format!(
                                "`{what}`'s `where Self: {}` names its own parameters, which cannot be asked of `{t}`",
                                tidy(&quote!(#other))
                            ));
                        }
                        needs.pred(subst_self(quote!(#t: #other), t));
                    }
                }
            }
        } else if names_own(quote!(#pt)) {
            return Err(format!(
                "`{what}`'s `where {}` names `Self` and its own parameters, which cannot be asked of `{t}`",
                tidy(&quote!(#pt))
            ));
        } else {
            needs.pred(subst_self(quote!(#pt), t));
        }
    }
    Ok(needs)
}

fn collect_idents(ts: TokenStream, out: &mut Vec<String>) {
    for tt in ts {
        match tt {
            TokenTree::Ident(i) => out.push(i.to_string()),
            TokenTree::Group(g) => collect_idents(g.stream(), out),
            _ => {}
        }
    }
}

/// Whether every `Self::X` / `<Self as Tr>::X` in `ty` names an associated type the pointer
/// forwards (the trait's own, or a supertrait's with the very arguments it has here): any other
/// projection is another type for the pointer than for `T`.
fn projections_forwarded(ctx: &Ctx<'_>, ty: &Type) -> Result<(), String> {
    struct Finder<'c, 'p> {
        ctx: &'c Ctx<'p>,
        bad: Option<String>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_, '_> {
        fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
            if let Some(q) = &tp.qself
                && is_self_type(&q.ty)
            {
                let tr: syn::Path = syn::Path {
                    leading_colon: tp.path.leading_colon,
                    segments: tp.path.segments.iter().take(q.position).cloned().collect(),
                };
                let ok = self.ctx.projectable.contains(&last_segment(&tr));
                if !ok && self.bad.is_none() {
                    self.bad = Some(format!("`<Self as {}>`", tidy(&quote!(#tr))));
                }
            } else if tp.qself.is_none()
                && tp.path.segments.len() >= 2
                && tp.path.segments[0].ident == "Self"
                && !self.ctx.assoc.contains(&tp.path.segments[1].ident)
                && self.bad.is_none()
            {
                self.bad = Some(format!("`Self::{}`", tp.path.segments[1].ident));
            }
            syn::visit::visit_type_path(self, tp);
        }
    }
    let mut f = Finder { ctx, bad: None };
    syn::visit::Visit::visit_type(&mut f, ty);
    match f.bad {
        Some(p) => Err(format!(
            "it names {p}, which for the pointer is another type than for `{}`",
            ctx.t
        )),
        None => Ok(()),
    }
}

/// A forwarded method and what it needs from `T`, or why it cannot be forwarded.
type Forwarded = Result<(TokenStream, Needs), String>;

fn forward_fn(ctx: &Ctx<'_>, f: &TraitItemFn, target: Target) -> Forwarded {
    let t = &ctx.t;
    let trait_path = &ctx.trait_path;
    let sig = &f.sig;
    let m = &sig.ident;
    let own_params: Vec<&GenericParam> = sig.generics.params.iter().collect();
    let mut needs = self_predicates(
        ctx,
        sig.generics.where_clause.as_ref(),
        &own_params,
        &m.to_string(),
    )?;
    debug_assert!(!has_self_sized(sig, ctx.names) || needs.sized);
    let mut args: Vec<TokenStream> = Vec::new();
    let mut new_sig = sig.clone();
    let mut impl_trait_arg = false;
    for (i, input) in new_sig.inputs.iter_mut().enumerate() {
        match input {
            FnArg::Receiver(r) => {
                let recv_ty = &*r.ty;
                let fwd = match receiver_shape(r) {
                    Some(RecvShape::Ref) => quote!(&**self),
                    Some(RecvShape::Mut) if target != Target::Shared => quote!(&mut **self),
                    Some(RecvShape::Value) if target == Target::Boxed => {
                        needs.sized = true;
                        quote!(*self)
                    }
                    Some(RecvShape::Boxed) if target == Target::Boxed => quote!(*self),
                    Some(RecvShape::PinMut) if target != Target::Shared => {
                        needs.unpin = true;
                        quote!(::core::pin::Pin::new(&mut **self.get_mut()))
                    }
                    _ => {
                        return Err(format!(
                            "`{m}` takes `{}`, which a `{}` cannot give",
                            tidy(&quote!(#recv_ty)),
                            label(ctx, target)
                        ));
                    }
                };
                args.push(fwd);
            }
            FnArg::Typed(pt) => {
                let n = match &*pt.pat {
                    Pat::Ident(pi) => pi.ident.clone(),
                    _ => format_ident!("arg{i}"),
                };
                *pt.pat = syn::parse_quote!(#n);
                if matches!(&*pt.ty, Type::ImplTrait(_)) {
                    impl_trait_arg = true;
                }
                projections_forwarded(ctx, &pt.ty).map_err(|why| format!("`{m}`: {why}"))?;
                if is_self_type(&pt.ty) {
                    if target != Target::Boxed {
                        return Err(format!("`{m}` takes another `Self` by value"));
                    }
                    needs.sized = true;
                    args.push(quote!(*#n));
                } else if let Type::Reference(rf) = &*pt.ty
                    && is_self_type(&rf.elem)
                {
                    if rf.mutability.is_some() {
                        if target == Target::Shared {
                            return Err(format!(
                                "`{m}` takes another `&mut Self`, which a `&{t}` cannot give"
                            ));
                        }
                        args.push(quote!(&mut **#n));
                    } else {
                        args.push(quote!(&**#n));
                    }
                } else if mentions_bare_self(&pt.ty) {
                    return Err(format!("`{m}` takes `Self` inside an argument"));
                } else {
                    args.push(quote!(#n));
                }
            }
        }
    }
    // Method parameters are passed explicitly where they may not be inferred from the
    // arguments (not possible next to `impl Trait` arguments, which are inferred).
    let turbofish: Vec<TokenStream> = if impl_trait_arg {
        Vec::new()
    } else {
        sig.generics
            .params
            .iter()
            .filter_map(|p| match p {
                GenericParam::Type(tp) => {
                    let i = &tp.ident;
                    Some(quote!(#i))
                }
                GenericParam::Const(c) => {
                    let i = &c.ident;
                    Some(quote!(#i))
                }
                GenericParam::Lifetime(_) => None,
            })
            .collect()
    };
    let tf = if turbofish.is_empty() {
        quote!()
    } else {
        quote!(::<#(#turbofish),*>)
    };
    let mut call = quote!(<#t as #trait_path>::#m #tf (#(#args),*));
    if let ReturnType::Type(_, rt) = &sig.output {
        projections_forwarded(ctx, rt).map_err(|why| format!("`{m}`: {why}"))?;
        if is_self_type(rt) {
            if target != Target::Boxed {
                return Err(format!(
                    "`{m}` returns `Self`, which a `{}` cannot own",
                    label(ctx, target)
                ));
            }
            needs.sized = true;
            call = quote!(Box::new(#call));
        } else if mentions_bare_self(rt) {
            return Err(format!("`{m}` returns a type containing `Self`"));
        }
    }
    if sig.unsafety.is_some() {
        call = quote!(unsafe { #call });
    }
    if sig.asyncness.is_some() {
        call = quote!(#call.await);
    }
    Ok((quote!(#new_sig { #call }), needs))
}

enum RecvShape {
    Ref,
    Mut,
    Value,
    Boxed,
    PinMut,
}

fn receiver_shape(r: &syn::Receiver) -> Option<RecvShape> {
    if r.colon_token.is_none() {
        return Some(match &r.reference {
            Some(_) if r.mutability.is_some() => RecvShape::Mut,
            Some(_) => RecvShape::Ref,
            None => RecvShape::Value,
        });
    }
    match &*r.ty {
        Type::Reference(rf) if is_self_type(&rf.elem) => Some(if rf.mutability.is_some() {
            RecvShape::Mut
        } else {
            RecvShape::Ref
        }),
        t if is_self_type(t) => Some(RecvShape::Value),
        Type::Path(tp) => {
            let last = tp.path.segments.last()?;
            let inner = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => match a.args.first() {
                    Some(syn::GenericArgument::Type(t)) => t.clone(),
                    _ => return None,
                },
                _ => return None,
            };
            match last.ident.to_string().as_str() {
                "Box" if is_self_type(&inner) => Some(RecvShape::Boxed),
                "Pin" => match inner {
                    Type::Reference(rf) if rf.mutability.is_some() && is_self_type(&rf.elem) => {
                        Some(RecvShape::PinMut)
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
