//! The forwarding impls (the second action): `impl Foo for Box<T>`, `&T`, `&mut T`, each only
//! where every method can forward soundly, so that these pointers can be dyn* payloads.

use super::model::{Method, StdNames, has_self_sized, is_self_type, mentions_bare_self};
use super::supers::{Super, SuperKind};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{FnArg, ItemTrait, Pat, ReturnType, TraitItem, TraitItemFn, Type};

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

/// What a forwarded impl needs from `T`.
#[derive(Default)]
struct Needs {
    sized: bool,
    unpin: bool,
}

/// Emits the forwarding impls, and a comment for each one that would not be sound.
pub(crate) fn emit(
    item: &ItemTrait,
    _own: &[Method],
    supers: &[Super],
    bound: &TokenStream,
    names: StdNames<'_>,
) -> TokenStream {
    let mut out = TokenStream::new();
    let name = &item.ident;
    for target in [Target::Boxed, Target::Shared, Target::Exclusive] {
        match forward_impl(item, supers, bound, target, names) {
            Ok(t) => out.extend(t),
            Err(why) => {
                let text = format!("No `impl {name} for {}`: {why}.", target.label());
                out.extend(quote!(__dynlens_comment!(#text);));
            }
        }
    }
    out
}

fn forward_impl(
    item: &ItemTrait,
    supers: &[Super],
    _bound: &TokenStream,
    target: Target,
    names: StdNames<'_>,
) -> Result<TokenStream, String> {
    let mut needs = Needs::default();
    let mut extra_sync = false;
    for s in supers {
        let n = s.name.to_string();
        match &s.kind {
            SuperKind::Auto => {
                if s.is_std("core::marker::Send") && target == Target::Shared {
                    extra_sync = true;
                }
            }
            SuperKind::Std => {
                // Only where std implements the trait for the pointer (the table says which).
                let ok = s.std.is_some_and(|info| {
                    let by = info.facts.forwarded_by;
                    match target {
                        Target::Boxed => by.boxed,
                        Target::Shared => by.shared,
                        Target::Exclusive => by.exclusive,
                    }
                });
                if !ok {
                    return Err(format!(
                        "`{}` does not implement the supertrait `{n}`",
                        target.label()
                    ));
                }
            }
            SuperKind::User { .. } => {}
        }
    }
    // Trait generics: the impl repeats them and the trait path.
    let params = &item.generics.params;
    let (_, ty_generics, _) = item.generics.split_for_impl();
    let name = &item.ident;
    let trait_path = quote!(#name #ty_generics);
    let mut items = Vec::new();
    for ti in &item.items {
        match ti {
            TraitItem::Type(t) => {
                let i = &t.ident;
                items.push(quote!(type #i = <T as #trait_path>::#i;));
            }
            TraitItem::Const(c) => {
                let (i, ty) = (&c.ident, &c.ty);
                items.push(quote!(const #i: #ty = <T as #trait_path>::#i;));
            }
            TraitItem::Fn(f) => match forward_fn(f, target, &trait_path, &mut needs, names) {
                Ok(t) => items.push(t),
                Err(why) if f.default.is_some() => {
                    let _ = why;
                }
                Err(why) => return Err(why),
            },
            _ => {}
        }
    }
    let sized = if needs.sized {
        quote!()
    } else {
        quote!(+ ?Sized)
    };
    let unpin = if needs.unpin {
        quote!(+ Unpin)
    } else {
        quote!()
    };
    let sync = if extra_sync { quote!(+ Sync) } else { quote!() };
    let self_ty = match target {
        Target::Boxed => quote!(Box<T>),
        Target::Shared => quote!(&T),
        Target::Exclusive => quote!(&mut T),
    };
    let where_clause = &item.generics.where_clause;
    let doc = format!(
        " Forwards every method to the `T` behind the `{}`, so that it can be a dyn* payload too.",
        target.label()
    );
    let lead = if params.is_empty() {
        quote!()
    } else {
        quote!(#params,)
    };
    Ok(quote! {
        #[doc = #doc]
        impl<#lead T: #trait_path #sized #unpin #sync> #trait_path for #self_ty #where_clause {
            #(#items)*
        }
    })
}

fn forward_fn(
    f: &TraitItemFn,
    target: Target,
    trait_path: &TokenStream,
    needs: &mut Needs,
    names: StdNames<'_>,
) -> Result<TokenStream, String> {
    let sig = &f.sig;
    let m = &sig.ident;
    if has_self_sized(sig, names) {
        needs.sized |= target == Target::Boxed;
    }
    let mut args: Vec<TokenStream> = Vec::new();
    let mut new_sig = sig.clone();
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
                            quote!(#recv_ty).to_string().replace(' ', ""),
                            target.label()
                        ));
                    }
                };
                args.push(fwd);
            }
            FnArg::Typed(pt) => {
                let n = match &*pt.pat {
                    Pat::Ident(pi) => pi.ident.clone(),
                    _ => quote::format_ident!("arg{i}"),
                };
                *pt.pat = syn::parse_quote!(#n);
                if is_self_type(&pt.ty) {
                    if target != Target::Boxed {
                        return Err(format!("`{m}` takes another `Self` by value"));
                    }
                    needs.sized = true;
                    args.push(quote!(*#n));
                } else if mentions_bare_self(&pt.ty) {
                    return Err(format!("`{m}` takes `Self` inside an argument"));
                } else {
                    args.push(quote!(#n));
                }
            }
        }
    }
    let mut call = quote!(<T as #trait_path>::#m(#(#args),*));
    if let ReturnType::Type(_, t) = &sig.output {
        if is_self_type(t) {
            if target != Target::Boxed {
                return Err(format!(
                    "`{m}` returns `Self`, which a `{}` cannot own",
                    target.label()
                ));
            }
            needs.sized = true;
            call = quote!(Box::new(#call));
        } else if mentions_bare_self(t) {
            return Err(format!("`{m}` returns a type containing `Self`"));
        }
    }
    if sig.unsafety.is_some() {
        call = quote!(unsafe { #call });
    }
    if sig.asyncness.is_some() {
        call = quote!(#call.await);
    }
    let _: Option<&Type> = None;
    Ok(quote!(#new_sig { #call }))
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
