//! The emitting phases: the [`Plan`]'s decisions written out as items. Nothing here decides
//! what `DynFoo` can carry; every phase follows the plan.

use super::model::{
    ArgKind, Dispatchable, ErasedShape, MethodPlan, NameElided, Output, Receiver, ReplaceSelfAssoc,
    is_self_type,
};
use super::plan::{Ctx, Flags, Plan, Slot, SlotRef, SuperImpl};
use super::supers::{Super, SuperKind, ident};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{FnArg, Ident, Lifetime, Pat, TraitItem, Type, WherePredicate};

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

/// The generic arguments of a user supertrait's `Vtable`/`Dyn` types: the lifetime, the
/// supertrait's own arguments, then its dyn type's associated-type parameters — its own and its
/// supertraits' (`trait B: C<u8>` gives `BVtable<'a, X>`) — as bound by the subtrait, or as the
/// subtrait's parameters of the same name.
fn super_generic_args(s: &Super, lt: &Lifetime) -> Vec<TokenStream> {
    let mut sargs: Vec<TokenStream> = vec![quote!(#lt)];
    sargs.extend(s.args.iter().map(|a| quote!(#a)));
    if let Some(args) = &s.dyn_assoc_args {
        sargs.extend(args.iter().map(|t| quote!(#t)));
    } else if let Some(it) = &s.item {
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

/// Emits the whole expansion of a planned trait, phase by phase.
pub(crate) fn emit_plan(plan: &Plan) -> TokenStream {
    let mut tokens = TokenStream::new();
    tokens.extend(emit_included(plan));
    if !plan.dyn_type {
        tokens.extend(emit_method_table(plan));
        return tokens;
    }
    tokens.extend(emit_exists_where(plan));
    tokens.extend(emit_payload(&plan.ctx, &plan.flags, true));
    let shims = emit_shims(&plan.ctx, &plan.slots);
    tokens.extend(emit_table(
        &plan.ctx,
        &plan.slots,
        &plan.supers,
        shims,
        true,
    ));
    tokens.extend(emit_dyn(&plan.ctx, &plan.supers, &plan.flags));
    tokens.extend(emit_impl_for_dyn(plan));
    tokens.extend(emit_supertrait_impls(plan));
    if plan.forwarding {
        tokens.extend(super::forward::emit(plan));
    }
    tokens
}

/// The expansions of user supertraits that the file does not have yet, each once, before
/// ours: our vtable returns theirs (or their method tables).
fn emit_included(plan: &Plan) -> TokenStream {
    let mut tokens = TokenStream::new();
    let name_s = plan.item.ident.to_string();
    for inc in &plan.included {
        if inc.emit {
            let name = &inc.name;
            tokens.extend(comment(&match (inc.plan.dyn_type, plan.dyn_type) {
                (true, true) => format!(
                    "The expansion of the supertrait `{name}`, whose vtable `{name_s}`'s returns."
                ),
                // `name_s` has a method table only: the vtables below it return both.
                (true, false) => format!(
                    "The expansion of the supertrait `{name}` (of `{name_s}`), whose vtable the vtables\nof the traits that have it as a supertrait return."
                ),
                (false, _) => format!(
                    "The method table of the supertrait `{name}` (of `{name_s}`), which the vtables of the\ntraits that have it as a supertrait return. `{name}` gets no dyn type of its own in this\nexpansion: past the budget for supertraits' dyn types, which keeps the expansion of a\ndeep hierarchy proportional to its size (docs/expansion.md, Supertraits' vtables)."
                ),
            }));
            tokens.extend(emit_plan(&inc.plan));
        } else {
            // The workspace has this one, but what it includes was planned here (each trait
            // once) and may not be there in the form this expansion needs.
            tokens.extend(emit_included(&inc.plan));
        }
    }
    tokens
}

/// The method table of a supertrait without a dyn type here (`ShapeMethods`): its payload,
/// and a table of its own methods (those [`Plan::table_slots`] keeps) with their shims, built
/// per type and storage as a vtable is, which the including vtables return. No header, no
/// supertraits' tables: the vtables that return it hold those.
fn emit_method_table(plan: &Plan) -> TokenStream {
    let slots: Vec<Slot> = plan
        .table_slots()
        .into_iter()
        .map(|s| Slot {
            field: s.field.clone(),
            shim: s.shim.clone(),
            trait_path: s.trait_path.clone(),
            method: s.method.clone(),
            d: s.d.clone(),
        })
        .collect();
    let flags = Flags {
        into_value: slots.iter().any(|s| s.d.receiver == Receiver::Value),
        into_box: slots.iter().any(|s| s.d.receiver == Receiver::Boxed),
        ..plan.flags
    };
    let mut tokens = emit_payload(&plan.ctx, &flags, false);
    let shims = emit_shims(&plan.ctx, &slots);
    tokens.extend(emit_table(&plan.ctx, &slots, &[], shims, false));
    if plan.forwarding {
        tokens.extend(super::forward::emit(plan));
    }
    tokens
}

/// A comment when `DynFoo` exists only under methods' `where` clauses on the trait's
/// parameters (the vtable is built for every value).
fn emit_exists_where(plan: &Plan) -> TokenStream {
    if plan.exists_where.is_empty() {
        return TokenStream::new();
    }
    comment(&format!(
        "`Dyn{}` exists where `{}`: a method requires it, and the vtable is built for every value.",
        plan.item.ident,
        plan.exists_where.join(", ")
    ))
}

/// `impl Foo for DynFoo` (what the compiler writes as `impl Foo for dyn Foo`), or, when the
/// plan has blockers, a comment saying why not and the dispatchable methods as inherent ones.
fn emit_impl_for_dyn(plan: &Plan) -> TokenStream {
    let (item, ctx, slots) = (&plan.item, &plan.ctx, &plan.slots);
    let name_s = item.ident.to_string();
    let mut tokens = TokenStream::new();
    let missing_text = plan.missing();
    let own_methods: Vec<TokenStream> = plan
        .own_impl
        .iter()
        .filter_map(|(_, r)| {
            let slot = match r {
                SlotRef::Own(f) => slots.iter().find(|s| s.field == *f)?,
                SlotRef::Supertrait => return None,
            };
            Some(impl_method(ctx, slot, missing_text.is_some(), None, None))
        })
        .collect();
    let (decl, dyn_ty, wc) = (&ctx.decl, ctx.dyn_ty(), &ctx.where_clause);
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
            .filter(|a| plan.own_assoc.iter().any(|(o, _)| o == *a))
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
    tokens
}

/// The impls of the supertraits `DynFoo` implements: std ones through slots of our vtable,
/// user ones through their vtable, which ours returns.
fn emit_supertrait_impls(plan: &Plan) -> TokenStream {
    let (ctx, supers) = (&plan.ctx, &plan.supers);
    let name_s = plan.item.ident.to_string();
    let (decl, dyn_ty, wc) = (&ctx.decl, ctx.dyn_ty(), &ctx.where_clause);
    let mut tokens = TokenStream::new();
    for si in &plan.super_impls {
        let s = &supers[si.index];
        if !si.inherent.is_empty() {
            tokens.extend(emit_inherent_super_methods(plan, si));
            continue;
        }
        if si.why.is_some() {
            continue;
        }
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
        let methods = super_methods(plan, si, None);
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
            } else if s.dyn_type {
                "through its vtable, which ours returns"
            } else {
                "through its method table, which ours returns"
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
    tokens
}

/// The methods of a supertrait's impl for `DynFoo` (`names`: as inherent methods of
/// `DynFoo`, each renamed, only those named).
fn super_methods(
    plan: &Plan,
    si: &SuperImpl,
    names: Option<&[(Ident, Ident)]>,
) -> Vec<TokenStream> {
    let (ctx, slots) = (&plan.ctx, &plan.slots);
    let s = &plan.supers[si.index];
    let path = &s.impl_path();
    let mut methods = Vec::new();
    for (mname, r) in &si.methods {
        let rename = match names {
            Some(names) => match names.iter().find(|(m, _)| m == mname) {
                Some((_, to)) => Some(to),
                None => continue,
            },
            None => None,
        };
        let inherent = names.is_some();
        match r {
            SlotRef::Own(f) => {
                if let Some(slot) = slots.iter().find(|sl| sl.field == *f) {
                    methods.push(impl_method(ctx, slot, inherent, None, rename));
                }
            }
            SlotRef::Supertrait => {
                if let Some(MethodPlan::Slot(d)) =
                    s.methods.iter().find(|m| m.name == *mname).map(|m| &m.plan)
                {
                    let slot = Slot {
                        field: super::plan::own_slot_field(mname),
                        shim: mname.clone(),
                        trait_path: quote!(#path),
                        method: mname.clone(),
                        d: (**d).clone(),
                    };
                    methods.push(impl_method(ctx, &slot, inherent, Some(s), rename));
                }
            }
        }
    }
    methods
}

/// A supertrait impl that would overlap another instantiation's (`Supertrait<T>` beside
/// `Supertrait<U>`): a comment saying why it is not written, and its methods as inherent
/// methods of `DynFoo`, named after their slots (`supertrait_t_p`).
fn emit_inherent_super_methods(plan: &Plan, si: &SuperImpl) -> TokenStream {
    let ctx = &plan.ctx;
    let s = &plan.supers[si.index];
    let (decl, dyn_ty, wc) = (&ctx.decl, ctx.dyn_ty(), &ctx.where_clause);
    let dyn_name = &ctx.dyn_name;
    let instance = s.instance();
    let names: Vec<String> = si.inherent.iter().map(|(_, n)| format!("`{n}`")).collect();
    let upcast = (matches!(s.kind, SuperKind::User { .. }) && s.dyn_type).then(|| {
        let sargs = super_generic_args(s, &ctx.lt);
        let sd = format_ident!("Dyn{}", s.name);
        let sd = quote!(#sd<#(#sargs),*>).to_string();
        format!(
            "; `{}` upcasts to `{}`",
            s.upcast(),
            super::model::tidy_tokens(&sd)
        )
    });
    let mut tokens = comment(&format!(
        "No `impl {instance} for {dyn_name}`: {}.\nIts methods are inherent methods of `{dyn_name}` instead ({}){}.",
        si.why.as_deref().unwrap_or("it would overlap another impl"),
        names.join(", "),
        upcast.unwrap_or_default()
    ));
    let methods = super_methods(plan, si, Some(&si.inherent));
    let doc = format!(
        " `{instance}`'s methods, called through its vtable (see the comment above for why this is not `impl {instance} for {dyn_name}`)."
    );
    tokens.extend(quote! {
        #[doc = #doc]
        impl #decl #dyn_ty #wc { #(#methods)* }
    });
    tokens
}

/// `FooPayload<'a>`: the erased `self`, one pointer-sized slot, with the helpers the
/// receivers need (`into_value` for `self`, `into_box` for `self: Box<Self>`).
fn emit_payload(ctx: &Ctx, flags: &Flags, dyn_type: bool) -> TokenStream {
    let (payload, name, lt) = (&ctx.payload, &ctx.name, &ctx.lt);
    let doc = if !dyn_type {
        format!(
            " The erased `self` that the shims of `{name}Methods` take: one pointer-sized slot holding the\n value itself (when it fits) or a pointer to it, as every dyn value's payload does (the\n including dyn value's payload is cast to it).\n\n `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance)."
        )
    } else {
        format!(
            " The erased `self` of `Dyn{name}`: one pointer-sized slot holding the value itself (when it\n fits) or a pointer to it (boxed or borrowed). The compiler's `dyn {name}` erases `self` to a\n data pointer; a dyn* value may also keep a small value in place of the pointer.\n\n `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance)."
        )
    };
    // A method table's payload is only ever cast to, never built.
    let empty = dyn_type.then(|| {
        quote! {
            /// A slot to write a value or a pointer into.
            fn empty() -> Self {
                Self {
                    slot: ::core::cell::UnsafeCell::new(::core::mem::MaybeUninit::uninit()),
                    lifetime: ::core::marker::PhantomData,
                }
            }
        }
    });
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
            #empty
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
    // `DynFoo` is covariant in `'a` because `'a` is never in an argument of a slot (see the
    // `vtable` field in `emit_dyn`); it is fresh, so the trait's own types cannot name it.
    debug_assert!(
        !args
            .iter()
            .any(|a| super::model::tokens_mention_lifetime(a.clone(), lt)),
        "`{lt}` in an argument of a slot would make reading the vtable at a shorter `{lt}` unsound"
    );
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

/// `FooVtable<'a, …>`: `drop_in_place`, `size`, `align`, functions returning the vtables of user
/// supertraits, one function pointer per slot, and its `const fn new` with the given shims.
/// Without a dyn type (`vtable`: false), the method table `FooMethods<'a, …>`: the slots and
/// `new` only.
fn emit_table(
    ctx: &Ctx,
    slots: &[Slot],
    supers: &[Super],
    shims: Vec<TokenStream>,
    vtable: bool,
) -> TokenStream {
    let is_vtable = vtable;
    let (vtable, payload, lt, name) = (&ctx.vtable, &ctx.payload, &ctx.lt, &ctx.name);
    let (decl, wc, vargs) = (&ctx.decl, &ctx.where_clause, &ctx.args);
    let (erased, tbound, twhere) = (&ctx.erased, &ctx.tbound, ctx.twhere());
    let (dyn_ty, borrow) = (ctx.dyn_ty(), &ctx.borrow);
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for s in supers {
        if let SuperKind::User { .. } = s.kind {
            let f = s.field();
            let sv = s.table();
            let sargs = super_generic_args(s, lt);
            // `Supertrait<T>` beside `Supertrait<U>`: each instantiation is a vtable of its own.
            let what = match &s.suffix {
                Some(_) => format!("`{}`", s.instance()),
                None => format!("`{}`", s.name),
            };
            let doc = if s.dyn_type {
                format!(
                    " Returns the vtable of the supertrait {what} for the same type and storage (a constant, so the pointer is always valid): upcasting `Dyn{name}` to `Dyn{}` swaps it in.",
                    if s.suffix.is_some() {
                        s.instance()
                    } else {
                        s.name.to_string()
                    }
                )
            } else {
                format!(
                    " Returns the method table of the supertrait {what} for the same type and storage (a constant, so the pointer is always valid). `{}` has no dyn type in this expansion, so there is no upcast to it.",
                    s.name
                )
            };
            fields.push(
                quote!(#[doc = #doc] pub #f: fn() -> ::core::ptr::NonNull<#sv<#(#sargs),*>>,),
            );
            inits.push(quote!(#f: || ::core::ptr::NonNull::from(const { &#sv::new::<#erased, INLINE, OWNED>() }),));
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
    let mut doc = if is_vtable {
        format!(
            " The vtable of `{name}`: what the compiler stores behind the second word of a `&dyn {name}`.\n One is built per concrete type (and storage), at compile time."
        )
    } else {
        format!(
            " The methods of `{name}` for one concrete type (and storage), built at compile time: the\n vtables of the traits that have `{name}` as a supertrait return it. `{name}` has no dyn type\n here, so this is not a vtable: no `drop_in_place`, `size` or `align`, no supertraits."
        )
    };
    if supers
        .iter()
        .any(|s| matches!(s.kind, SuperKind::User { .. }))
    {
        // Why supertraits' vtables are behind functions: said once, on the struct.
        doc.push_str("\n\n A supertrait's vtable is returned by a function rather than embedded, which would copy it\n once per path to it (twice per level of a supertrait chain), or pointed to: the compiler\n walks a constant's pointers once per path when it collects what to compile, and each\n function once.");
    }
    let doc_of = format!(
        " The vtable of a dyn value, at the value's lifetime `{lt}`: `Dyn{name}` stores it with its\n lifetime erased, so that it is covariant in `{lt}` (see its `vtable` field)."
    );
    let of_safety = comment(&format!(
        "SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are\nconstants), built for its type and storage and for a lifetime that outlives `{lt}`, which can\nonly have shrunk since: see the `vtable` field."
    ));
    let doc_new = format!(
        " The vtable for a `T: {name}` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.\n\n A `const fn`, so that `&{vtable}::new::<T, …>()` in a constant is promoted to a `'static`:\n no allocation and no `static` per type, like the compiler's vtables."
    );
    if !is_vtable {
        let doc_new = format!(
            " The methods of `{name}` for a `T: {name}` stored inline (`INLINE`) or behind a pointer, owned\n (`OWNED`, as the including vtable says) or borrowed.\n\n A `const fn`, so that `&{vtable}::new::<T, …>()` in a constant is promoted to a `'static`."
        );
        return quote! {
            #[doc = #doc]
            pub struct #vtable #decl #wc {
                #(#fields)*
                #marker
            }
            impl #decl #vtable #vargs #wc {
                #[doc = #doc_new]
                pub const fn new<#erased: #tbound, const INLINE: bool, const OWNED: bool>() -> Self #twhere {
                    Self {
                        #(#inits)*
                        #marker_init
                    }
                }
                #(#shims)*
            }
        };
    }
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
            #[doc = #doc_of]
            fn of<#borrow>(value: &#borrow #dyn_ty) -> &#borrow Self {
                #of_safety
                unsafe { value.vtable.cast::<Self>().as_ref() }
            }
            #(#shims)*
        }
    }
}

/// The shims, one per slot: each turns the erased `self` back into the `T` it was made from
/// and calls the method (boxing, erasing, by value or rebuilding `-> Self` as the slot says).
fn emit_shims(ctx: &Ctx, slots: &[Slot]) -> Vec<TokenStream> {
    slots
        .iter()
        .map(|s| {
            let (fors, recv, args, ret) = slot_types(ctx, &s.d);
            emit_shim(ctx, s, &fors, recv, args, ret)
        })
        .collect()
}

/// One shim (see [`emit_shims`]).
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

/// `DynFoo<'a, …>`: the dyn* value (payload and vtable), its constructors (`new`, `inline`,
/// `boxed`, `from_ref`/`from_mut` where the receivers allow them), upcasts to user
/// supertraits' dyn values, `Drop`, and the `Send`/`Sync` impls the trait's bounds promise.
fn emit_dyn(ctx: &Ctx, supers: &[Super], flags: &Flags) -> TokenStream {
    let (dyn_name, payload, vtable, lt, name) =
        (&ctx.dyn_name, &ctx.payload, &ctx.vtable, &ctx.lt, &ctx.name);
    let (decl, wc, args) = (&ctx.decl, &ctx.where_clause, &ctx.args);
    let (erased, tbound, twhere) = (&ctx.erased, &ctx.tbound, ctx.twhere());
    let (vt_ty, vt_erased) = (ctx.vt_ty(), ctx.vt_ty_erased());
    let name_s = name.to_string();
    let more = if ctx.args.to_string() == quote!(<#lt>).to_string() {
        ""
    } else {
        ", …"
    };
    let vt_doc = format!(
        " The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type\n and for a lifetime that outlives `{lt}`: a `{dyn_name}<'long>` may have been shortened to a\n `{dyn_name}<'short>`, as `dyn {name_s} + 'long` may. As a `&{lt} {vtable}<{lt}{more}>`, whose entries\n take the payload, it would make `{dyn_name}` invariant in `{lt}`; erased, `{lt}` is only in the\n payload, covariantly. [`{vtable}::of`] reads it back at `{lt}`, which is sound: `{lt}` appears\n in the entries only as the payload's lifetime (its value outlives `{lt}`) and in results\n (`Box<dyn … + {lt}>`, `{dyn_name}<{lt}>`), never in an argument."
    );
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
        // A supertrait without a dyn type here (only its method table) has no upcast.
        if let (SuperKind::User { .. }, true) = (&s.kind, s.dyn_type) {
            let f = s.field();
            let m = s.upcast();
            let sd = format_ident!("Dyn{}", s.name);
            let sp = s.payload();
            let sargs = super_generic_args(s, lt);
            let (what, target) = match &s.suffix {
                Some(_) => (s.instance(), s.instance()),
                None => (s.name.to_string(), s.name.to_string()),
            };
            let doc = format!(
                " Upcasting: the same payload with the `{what}` vtable our vtable returns, as `&dyn {name_s}` → `&dyn {target}` does."
            );
            upcasts.push(quote! {
                #[doc = #doc]
                pub fn #m(self) -> #sd<#(#sargs),*> {
                    let this = ::core::mem::ManuallyDrop::new(self);
                    __dynlens_comment!("SAFETY: the payloads have the same layout; `this` is not dropped, so the value moves; the supertrait's vtable is a constant for the same type and storage.");
                    unsafe {
                        #sd::from_raw_parts(
                            ::core::ptr::read(::core::ptr::from_ref(&this.payload).cast::<#sp<#lt>>()),
                            (#vtable::of(&this).#f)().as_ref(),
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
            #[doc = #vt_doc]
            vtable: ::core::ptr::NonNull<#vt_erased>,
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
            fn from_parts(payload: #payload<#lt>, vtable: &#vt_ty) -> Self {
                Self { payload, vtable: ::core::ptr::NonNull::from(vtable).cast(), #pinned_init }
            }
            /// Builds a dyn value from a payload and a vtable (used when upcasting from a subtrait).
            ///
            /// # Safety
            /// `vtable` must have been built for the type and storage of the value in `payload`,
            /// and live as long as the value (the constructors' vtables are constants: they do).
            pub unsafe fn from_raw_parts(payload: #payload<#lt>, vtable: &#vt_ty) -> Self {
                Self::from_parts(payload, vtable)
            }
            /// `size_of_val` of the erased value, read from the vtable.
            pub fn size_of_val(&self) -> usize {
                #vtable::of(self).size
            }
            /// `align_of_val` of the erased value, read from the vtable.
            pub fn align_of_val(&self) -> usize {
                #vtable::of(self).align
            }
            #(#upcasts)*
        }
        /// Runs the vtable's `drop_in_place` exactly once.
        impl #decl Drop for #dyn_name #args #wc {
            fn drop(&mut self) {
                __dynlens_comment!("SAFETY: the vtable was built for this payload, which is dropped only here.");
                unsafe { (#vtable::of(self).drop_in_place)(&mut self.payload) }
            }
        }
        #(#auto_impls)*
    }
}

/// One method of `impl Foo for DynFoo` (or of the inherent impl): loads the slot and calls it.
/// `through`: the user supertrait whose vtable, returned by ours, holds the slot.
fn impl_method(
    ctx: &Ctx,
    s: &Slot,
    inherent: bool,
    through: Option<&Super>,
    rename: Option<&Ident>,
) -> TokenStream {
    let d = &s.d;
    let mut sig = d.sig.clone();
    if let Some(to) = rename {
        sig.ident = to.clone();
    }
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
    let (lt, vtable) = (&ctx.lt, &ctx.vtable);
    // Our vtable, as the receiver reaches it.
    let vt = match d.receiver {
        Receiver::Ref(_) => quote!(#vtable::of(self)),
        Receiver::Mut(_) | Receiver::PinMut(_) => quote!(#vtable::of(this)),
        Receiver::Value | Receiver::Boxed => quote!(#vtable::of(&this)),
    };
    let f = &s.field;
    let (slot, payload_cast_ref, payload_cast_mut, payload_cast_val) = match through {
        None => (
            quote!(#vt.#f),
            quote!(&self.payload),
            quote!(&mut this.payload),
            quote!(::core::ptr::read(&this.payload)),
        ),
        Some(sup) => {
            let sf = sup.field();
            let sp = sup.payload();
            (
                // The supertrait's vtable, from the function our vtable holds for it.
                quote!((#vt.#sf)().as_ref().#f),
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
        Receiver::Ref(_) => (quote!(), quote!((#slot)(#payload_cast_ref, #(#pass),*))),
        Receiver::Mut(_) => (
            quote!(let this = self;),
            quote!((#slot)(#payload_cast_mut, #(#pass),*)),
        ),
        Receiver::PinMut(_) => (
            quote! {
                __dynlens_comment!("SAFETY: the value is not moved out of the pinned dyn value; the shim re-pins it.");
                let this = unsafe { self.get_unchecked_mut() };
            },
            quote!((#slot)(#payload_cast_mut, #(#pass),*)),
        ),
        Receiver::Value => (
            quote!(let this = ::core::mem::ManuallyDrop::new(self);),
            quote!((#slot)(#payload_cast_val, #(#pass),*)),
        ),
        Receiver::Boxed => (
            quote!(let this = ::core::mem::ManuallyDrop::new(*self);),
            quote!((#slot)(#payload_cast_val, #(#pass),*)),
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
    let doc = match rename {
        // An inherent method standing for a supertrait's (`supertrait_t_p`): say whose.
        Some(_) => format!(
            " Calls `{}::{}` through the vtable.",
            super::model::tidy_tokens(&s.trait_path.to_string()),
            s.method
        ),
        None => format!(" Calls `{}` through the vtable.", s.field),
    };
    quote! {
        #[doc = #doc]
        #vis #sig { #body }
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
