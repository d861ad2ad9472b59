//! The trait as the expansion sees it: every method classified by how it travels through a
//! vtable (receiver, arguments, return), or the reason it cannot.

use dynlens_std::{ArgErasure, ReturnBoxing, TraitFacts};
use proc_macro2::Span;
use syn::visit_mut::VisitMut;
use syn::{
    FnArg, GenericArgument, GenericParam, Ident, Lifetime, Pat, ReturnType, Signature, TraitItem,
    TraitItemFn, Type, TypeParamBound, WherePredicate,
};

/// How a method receives `self`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// `&self` (with the lifetime, if named).
    Ref(Option<Lifetime>),
    /// `&mut self`.
    Mut(Option<Lifetime>),
    /// `self: Pin<&mut Self>`.
    PinMut(Option<Lifetime>),
    /// `self` by value.
    Value,
    /// `self: Box<Self>`.
    Boxed,
}

impl Receiver {
    /// The receiver borrows the value (the result may borrow it too).
    pub(crate) fn borrows(&self) -> bool {
        matches!(
            self,
            Receiver::Ref(_) | Receiver::Mut(_) | Receiver::PinMut(_)
        )
    }
    /// The named lifetime of a borrowing receiver, if the user wrote one.
    pub(crate) fn lifetime(&self) -> Option<&Lifetime> {
        match self {
            Receiver::Ref(l) | Receiver::Mut(l) | Receiver::PinMut(l) => l.as_ref(),
            _ => None,
        }
    }
}

/// How one argument crosses the vtable.
#[derive(Debug, Clone)]
pub(crate) enum ArgKind {
    /// As it is.
    Plain,
    /// A generic or `impl Trait` argument passed as a trait object.
    Erased {
        /// `dyn Bound + …` (without the reference).
        dyn_ty: Box<Type>,
        /// `&mut dyn` (the bound's methods need `&mut self`) rather than `&dyn`.
        mutable: bool,
        /// How the method takes it: by value, `&T` or `&mut T`.
        shape: ErasedShape,
        /// The parameter is `?Sized`: the impl passes `&&T` (a `&T` implements the bound too).
        maybe_unsized: bool,
    },
}

/// How the method's own signature takes an erased argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErasedShape {
    Value,
    Ref,
    Mut,
}

/// One argument besides the receiver.
#[derive(Debug, Clone)]
pub(crate) struct Arg {
    pub name: Ident,
    /// The declared type with `Self::Assoc` replaced by the dyn type's parameter.
    pub ty: Type,
    pub kind: ArgKind,
}

/// What the method returns and how the vtable carries it.
#[derive(Debug, Clone)]
pub(crate) enum Output {
    /// `()` or a plain type.
    Plain(Option<Type>),
    /// `-> Self`: a new dyn value around the returned `T`.
    SelfValue,
    /// `async fn … -> R`: a boxed `dyn Future<Output = R>`.
    Async(Option<Type>),
    /// `-> impl Trait`: a boxed `dyn Trait` (pinned for `Future`).
    Boxed { dyn_ty: Type, pinned: bool },
}

/// A method that can go through the vtable.
#[derive(Debug, Clone)]
pub(crate) struct Dispatchable {
    pub sig: Signature,
    pub receiver: Receiver,
    pub args: Vec<Arg>,
    pub output: Output,
    /// The lifetime the vtable entry names for the borrow of `self` (`'s`), when needed.
    pub borrow: Option<Lifetime>,
    /// `where Self: Send` / `where Self: 'static` of the method: required of every erased value.
    pub extra_bounds: Vec<TypeParamBound>,
}

/// How the generator tells the standard library's traits from the user's in bounds it reads
/// from text (`impl Iterator<Item = u8>` arguments, `where Self: Clone`, supertraits written
/// on a declaration).
///
/// The rule: a path starting with `std`, `core` or `alloc` is looked up in `dynlens-std`'s
/// table by path; any other path by its last segment: when the caller listed that name
/// ([`crate::ExpandInput::std_names`]), it is the std trait the caller resolved it to, or
/// none when it is the user's own trait — a shadowed name is never taken for std's; an
/// unlisted name is looked up in the table by name ([`dynlens_std::facts_named`]: unambiguous
/// names only). Supertraits need none of this: the caller says which std trait each one is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StdNames<'n> {
    /// Names as the caller resolved them: `Some(std path)`, or `None` for a user trait.
    pub resolved: &'n [(String, Option<String>)],
}

impl StdNames<'_> {
    /// Inside a std declaration every name is std's.
    pub(crate) const STD: StdNames<'static> = StdNames { resolved: &[] };

    /// The std trait a bound's path names, if it names one.
    pub(crate) fn facts(&self, path: &syn::Path) -> Option<&'static TraitFacts> {
        let first = path.segments.first()?.ident.to_string();
        if path.segments.len() > 1 && matches!(first.as_str(), "std" | "core" | "alloc") {
            let text: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            return dynlens_std::trait_info(&text.join("::")).map(|info| &info.facts);
        }
        let last = path.segments.last()?.ident.to_string();
        match self.resolved.iter().find(|(name, _)| *name == last) {
            Some((_, std)) => std
                .as_deref()
                .and_then(dynlens_std::trait_info)
                .map(|info| &info.facts),
            None => dynlens_std::facts_named(&last),
        }
    }

    /// Whether the path names std's `Sized`.
    pub(crate) fn is_sized(&self, path: &syn::Path) -> bool {
        self.facts(path)
            .is_some_and(|f| f.sized_marker && f.implies_sized)
    }

    /// Whether the path names a std trait that requires `Sized` (`Sized`, `Clone`, `From`, …).
    pub(crate) fn implies_sized(&self, path: &syn::Path) -> bool {
        self.facts(path).is_some_and(|f| f.implies_sized)
    }
}

/// The dyn type's parameters are named after the trait's associated types (`type Future`
/// becomes the parameter `Future`). A path of the trait that starts with such a name (`type
/// Future: Future<Output = u8>`, where the bound names the trait `Future`) would then name
/// the parameter in the generated code. Such paths are rewritten to a path no parameter can
/// shadow: std's path when the name is std's trait (`::core::future::Future`), else
/// `self::Future` (the expansion goes into the trait's module, where `self::` sees the same
/// items and imports). A bare name inside the trait never means the associated type itself
/// (that is `Self::Future`), so nothing else changes.
pub(crate) fn unshadow_assoc_names(item: &mut syn::ItemTrait, names: &StdNames<'_>) {
    let assoc: Vec<Ident> = item
        .items
        .iter()
        .filter_map(|ti| match ti {
            syn::TraitItem::Type(t) => Some(t.ident.clone()),
            _ => None,
        })
        .collect();
    if assoc.is_empty() {
        return;
    }
    // Generic parameters of the trait and its methods keep their names.
    let mut params: Vec<Ident> = item
        .generics
        .type_params()
        .map(|p| p.ident.clone())
        .collect();
    for ti in &item.items {
        if let syn::TraitItem::Fn(f) = ti {
            params.extend(f.sig.generics.type_params().map(|p| p.ident.clone()));
        }
    }
    struct Unshadow<'a, 'n> {
        assoc: &'a [Ident],
        params: &'a [Ident],
        names: &'a StdNames<'n>,
    }
    impl VisitMut for Unshadow<'_, '_> {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            syn::visit_mut::visit_path_mut(self, path);
            if path.leading_colon.is_some() {
                return;
            }
            let Some(first) = path.segments.first() else {
                return;
            };
            let id = first.ident.clone();
            if !self.assoc.contains(&id) || self.params.contains(&id) {
                return;
            }
            let name = id.to_string();
            let std_path = match self.names.resolved.iter().find(|(n, _)| *n == name) {
                Some((_, std)) => std.clone(),
                None => dynlens_std::prelude_trait(&name).map(|t| t.canonical_path.to_string()),
            };
            let prefix: syn::Path = match std_path {
                Some(p) => match syn::parse_str::<syn::Path>(&format!("::{p}")) {
                    Ok(p) => p,
                    Err(_) => return,
                },
                None => syn::parse_quote!(self::#id),
            };
            let mut segments = prefix.segments;
            // The last segment of the prefix is the name itself: keep the written one (with
            // its generic arguments).
            segments.pop();
            for s in std::mem::take(&mut path.segments) {
                segments.push(s);
            }
            path.leading_colon = prefix.leading_colon;
            path.segments = segments;
        }
    }
    let mut v = Unshadow {
        assoc: &assoc,
        params: &params,
        names,
    };
    v.visit_item_trait_mut(item);
}

/// How to classify: what the trait around the methods says.
#[derive(Clone)]
pub(crate) struct ClassifyCtx<'n> {
    /// Which bounds name std traits.
    pub names: StdNames<'n>,
    /// The associated types that are parameters of the dyn type.
    pub assoc: &'n [Ident],
    /// The lifetime for the borrow of `self` in a slot (fresh: unused by the trait).
    pub borrow: Lifetime,
    /// The trait requires `Sized` (`Clone`): every method is exempt from the vtable, so a
    /// method that cannot be carried but has a default body runs the default.
    pub trait_sized: bool,
    /// The trait and its supertraits as instantiated, against which projections on `Self` are
    /// checked (`None`: not checked, for a supertrait's methods, whose own expansion checks
    /// them), with the trait's name.
    pub instances: Option<(&'n Ident, &'n [Instance])>,
}

/// A trait instantiation every value of the dyn type implements: the trait itself or one of
/// its supertraits (transitively), with its generic arguments as the trait names them.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub name: Ident,
    /// Its generic arguments, associated-type bindings excluded, defaults applied.
    pub args: Vec<GenericArgument>,
    /// The defaults of its generic parameters, by position (for a path that leaves them out).
    pub defaults: Vec<Option<GenericArgument>>,
    /// The associated types it fixes (`Tr<X = T>`).
    pub bound: Vec<(Ident, Type)>,
}

impl Instance {
    /// `Super<u8>`, for messages.
    fn display(&self) -> String {
        let name = &self.name;
        if self.args.is_empty() {
            return name.to_string();
        }
        let args = &self.args;
        tidy_tokens(&quote::quote!(#name<#(#args),*>).to_string())
    }

    /// Whether the written arguments are exactly these (defaults filled in). Compared as
    /// tokens: arguments that are equal only through an alias do not match.
    fn matches(&self, written: &[GenericArgument]) -> bool {
        if written.len() > self.args.len() {
            return false;
        }
        let text = |a: &GenericArgument| quote::quote!(#a).to_string().replace(' ', "");
        self.args.iter().enumerate().all(|(i, a)| {
            let w = match written.get(i) {
                Some(w) => w.clone(),
                None => match self.defaults.get(i).cloned().flatten() {
                    Some(d) => d,
                    None => return false,
                },
            };
            text(a) == text(&w)
        })
    }
}

/// Checks the projections on `Self` in a type against the trait's instantiations: a
/// `<Self as Tr<Args>>::X` is carried only when `Tr<Args>` is one of them (then `X` is the dyn
/// type's parameter, or the type the instantiation fixes it to); `Self::X` of a fixed
/// associated type is that type. The first projection that cannot be named is the error.
pub(crate) struct CheckProjections<'n> {
    pub trait_name: &'n Ident,
    pub instances: &'n [Instance],
    pub assoc: &'n [Ident],
    pub error: Option<String>,
}

impl CheckProjections<'_> {
    fn qualified(&self, tp: &syn::TypePath) -> Result<Option<Type>, String> {
        let Some(q) = &tp.qself else {
            return Ok(None);
        };
        let segs = &tp.path.segments;
        let shown = tidy_tokens(&quote::quote!(#tp).to_string());
        if q.position == 0 || segs.len() != q.position + 1 {
            return Err(format!(
                "`{shown}` is not a projection of an associated type the dyn value can name"
            ));
        }
        let tr = &segs[q.position - 1];
        let x = &segs[q.position].ident;
        let written: Vec<GenericArgument> = match &tr.arguments {
            syn::PathArguments::None => Vec::new(),
            syn::PathArguments::AngleBracketed(a) => a
                .args
                .iter()
                .filter(|g| {
                    !matches!(
                        g,
                        GenericArgument::AssocType(_) | GenericArgument::AssocConst(_)
                    )
                })
                .cloned()
                .collect(),
            syn::PathArguments::Parenthesized(_) => {
                return Err(format!(
                    "`{shown}` projects through a parenthesized trait path the dyn value cannot name"
                ));
            }
        };
        if let Some(inst) = self
            .instances
            .iter()
            .find(|i| i.name == tr.ident && i.matches(&written))
        {
            return Ok(inst
                .bound
                .iter()
                .find(|(a, _)| a == x)
                .map(|(_, t)| t.clone()));
        }
        let mut through = tr.clone();
        if let syn::PathArguments::AngleBracketed(a) = &mut through.arguments {
            a.args = written.iter().cloned().collect();
        }
        let through = tidy_tokens(&quote::quote!(#through).to_string());
        let has: Vec<String> = self
            .instances
            .iter()
            .filter(|i| i.name == tr.ident)
            .map(|i| format!("`{}`", i.display()))
            .collect();
        let name = self.trait_name;
        let has = if has.is_empty() {
            String::new()
        } else {
            format!(" (it has {})", has.join(", "))
        };
        Err(format!(
            "`{shown}` projects through `{through}`, which is not a supertrait of `{name}`{has}: the dyn value cannot name it"
        ))
    }
}

impl VisitMut for CheckProjections<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if self.error.is_some() {
            return;
        }
        if let Type::Path(tp) = ty {
            if tp.qself.as_ref().is_some_and(|q| is_self_type(&q.ty)) {
                match self.qualified(tp) {
                    Ok(Some(t)) => *ty = t,
                    Ok(None) => {}
                    Err(e) => self.error = Some(e),
                }
                return;
            }
            let segs = &tp.path.segments;
            if tp.qself.is_none()
                && segs.len() == 2
                && segs[0].ident == "Self"
                && !self.assoc.contains(&segs[1].ident)
                && let Some((_, t)) = self
                    .instances
                    .iter()
                    .flat_map(|i| i.bound.iter())
                    .find(|(a, _)| *a == segs[1].ident)
            {
                *ty = t.clone();
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// What happens to a method of the trait.
#[derive(Debug, Clone)]
pub(crate) enum MethodPlan {
    /// Through a vtable slot.
    Slot(Box<Dispatchable>),
    /// Not in the vtable; the impl for the dyn type uses the trait's default body.
    Default,
    /// Cannot be carried; the reason, for the comment and the title.
    Impossible(String),
}

/// A classified method.
#[derive(Debug, Clone)]
pub(crate) struct Method {
    pub name: Ident,
    pub plan: MethodPlan,
}

/// Replaces `Self::Assoc` (and `<Self as Tr>::Assoc`) by the dyn type's parameter `Assoc`.
pub(crate) struct ReplaceSelfAssoc<'n> {
    pub assoc: &'n [Ident],
}

impl VisitMut for ReplaceSelfAssoc<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(tp) = ty {
            let segs = &tp.path.segments;
            let is_self_assoc = (tp.qself.as_ref().is_some_and(|q| is_self_type(&q.ty))
                && segs.len() >= 2)
                || (tp.qself.is_none() && segs.len() == 2 && segs[0].ident == "Self");
            if is_self_assoc
                && let Some(last) = segs.last()
                && self.assoc.contains(&last.ident)
            {
                let ident = last.ident.clone();
                *ty = syn::parse_quote!(#ident);
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// Whether a type is exactly `Self`.
pub(crate) fn is_self_type(ty: &Type) -> bool {
    matches!(ty, Type::Path(tp) if tp.qself.is_none() && tp.path.is_ident("Self"))
}

/// Whether a type still names `Self::X` or `<Self as Tr>::X` (after the dyn type's associated
/// types were replaced: so an associated type the dyn type does not carry).
pub(crate) fn mentions_self_projection(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
            if tp.qself.as_ref().is_some_and(|q| is_self_type(&q.ty))
                || (tp.qself.is_none()
                    && tp.path.segments.len() >= 2
                    && tp.path.segments[0].ident == "Self")
            {
                self.0 = true;
            }
            syn::visit::visit_type_path(self, tp);
        }
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// Whether `Self` occurs anywhere in tokens (a bound, a predicate).
pub(crate) fn tokens_mention_self(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "Self",
        proc_macro2::TokenTree::Group(g) => tokens_mention_self(g.stream()),
        _ => false,
    })
}

/// Whether the tokens name the lifetime.
pub(crate) fn tokens_mention_lifetime(tokens: proc_macro2::TokenStream, lt: &Lifetime) -> bool {
    let mut prev_quote = false;
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Punct(p) => {
                prev_quote = p.as_char() == '\'';
                continue;
            }
            proc_macro2::TokenTree::Ident(i) if prev_quote && i == lt.ident => return true,
            proc_macro2::TokenTree::Group(g) if tokens_mention_lifetime(g.stream(), lt) => {
                return true;
            }
            _ => {}
        }
        prev_quote = false;
    }
    false
}

/// What a method's `where` clause says about `Self`.
struct MethodWhere {
    /// `Self: Sized` (or a bound that implies it): the method is exempt from the vtable.
    sized: bool,
    /// Auto traits and outlives bounds on `Self`: the dyn* value requires them of every value.
    extra: Vec<TypeParamBound>,
    /// A predicate the dyn value cannot satisfy.
    not_carried: Option<String>,
}

fn method_where(sig: &Signature, names: StdNames<'_>) -> MethodWhere {
    let mut w = MethodWhere {
        sized: false,
        extra: Vec::new(),
        not_carried: None,
    };
    let Some(wc) = &sig.generics.where_clause else {
        return w;
    };
    for p in &wc.predicates {
        let WherePredicate::Type(pt) = p else {
            continue;
        };
        if is_self_type(&pt.bounded_ty) && pt.lifetimes.is_none() {
            for b in &pt.bounds {
                match b {
                    TypeParamBound::Trait(t) if t.path.segments.len() <= 3 => {
                        let name = t
                            .path
                            .segments
                            .last()
                            .map(|s| s.ident.to_string())
                            .unwrap_or_default();
                        let facts = names.facts(&t.path);
                        if facts.is_some_and(|f| f.implies_sized) {
                            w.sized = true;
                            if !names.is_sized(&t.path) {
                                w.not_carried.get_or_insert_with(|| format!("its `where Self: {name}` asks of the dyn value what it cannot know"));
                            }
                        } else if facts.is_some_and(|f| f.auto)
                            && matches!(
                                t.path.segments.last().map(|s| &s.arguments),
                                Some(syn::PathArguments::None)
                            )
                        {
                            w.extra.push(b.clone());
                        } else {
                            let text = tidy_tokens(&quote::quote!(#t).to_string());
                            w.not_carried.get_or_insert_with(|| format!("its `where Self: {text}` asks of the dyn value what it cannot know"));
                        }
                    }
                    // `Self: 'b` with the method's own `'b`: implied by the receiver's borrow.
                    TypeParamBound::Lifetime(l)
                        if sig.generics.lifetimes().any(|g| g.lifetime == *l) => {}
                    TypeParamBound::Lifetime(_) => w.extra.push(b.clone()),
                    other => {
                        let text = tidy_tokens(&quote::quote!(#other).to_string());
                        w.not_carried.get_or_insert_with(|| {
                            format!(
                                "its `where Self: {text}` asks of the dyn value what it cannot know"
                            )
                        });
                    }
                }
            }
        } else if mentions_bare_self(&pt.bounded_ty)
            || pt
                .bounds
                .iter()
                .any(|b| tokens_mention_self(quote::quote!(#b)))
        {
            let text = tidy_tokens(&quote::quote!(#pt).to_string());
            w.not_carried.get_or_insert_with(|| {
                format!("its `where {text}` names `Self`, which the dyn value cannot stand for")
            });
        }
    }
    w
}

/// Whether `Self` (alone, not `Self::Assoc`) occurs anywhere in a type.
pub(crate) fn mentions_bare_self(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
            if tp.qself.is_none()
                && tp.path.segments.len() == 1
                && tp.path.segments[0].ident == "Self"
            {
                self.0 = true;
            }
            if tp.qself.is_none()
                && tp.path.segments.len() >= 2
                && tp.path.segments[0].ident == "Self"
            {
                // `Self::Assoc`: fine, the associated type is a parameter of the dyn type.
                for seg in tp.path.segments.iter().skip(1) {
                    syn::visit::visit_path_arguments(self, &seg.arguments);
                }
                return;
            }
            if let Some(q) = &tp.qself
                && is_self_type(&q.ty)
            {
                return;
            }
            syn::visit::visit_type_path(self, tp);
        }
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// Whether the where-clause of a method says `Self: Sized` (std's).
pub(crate) fn has_self_sized(sig: &Signature, names: StdNames<'_>) -> bool {
    sig.generics.where_clause.as_ref().is_some_and(|w| {
        w.predicates.iter().any(|p| match p {
            WherePredicate::Type(pt) => {
                is_self_type(&pt.bounded_ty)
                    && pt
                        .bounds
                        .iter()
                        .any(|b| matches!(b, TypeParamBound::Trait(t) if names.is_sized(&t.path)))
            }
            _ => false,
        })
    })
}

/// Where a bound is erased into a trait object.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ErasedAt {
    /// A generic or `impl Trait` argument: `&dyn Trait` or `&mut dyn Trait`, as the table's
    /// [`ArgErasure`] says (std implements the trait for that reference).
    Argument,
    /// An `-> impl Trait` return: `Box<dyn Trait>`, pinned for `Future` ([`ReturnBoxing`]).
    Return,
}

/// Turns the bounds of a generic or `impl Trait` into `dyn Bounds`; `None` when a bound cannot
/// be a trait object's. The flag says whether the first trait needs `&mut`.
fn erase_bounds<'b>(
    bounds: impl Iterator<Item = &'b TypeParamBound>,
    names: StdNames<'_>,
    at: ErasedAt,
) -> Result<(Vec<TypeParamBound>, bool, bool), String> {
    let mut out = Vec::new();
    let mut mutable = false;
    let mut principal = false;
    let mut is_future = false;
    for b in bounds {
        match b {
            TypeParamBound::Trait(t) => {
                let Some(last) = t.path.segments.last() else {
                    continue;
                };
                let name = last.ident.to_string();
                let facts = names.facts(&t.path);
                // `?Sized` relaxes a bound, and `Sized` holds of every value a reference erases.
                if matches!(t.modifier, syn::TraitBoundModifier::Maybe(_))
                    || facts.is_some_and(|f| f.sized_marker)
                {
                    continue;
                }
                if facts.is_some_and(|f| f.auto) {
                    out.push(b.clone());
                    continue;
                }
                if principal {
                    return Err(format!("more than one trait in the bound (`{name}`)"));
                }
                let erasure = facts.and_then(|f| match at {
                    ErasedAt::Argument => f.arg_erasure.map(|e| e == ArgErasure::Exclusive),
                    ErasedAt::Return => f.return_boxing.map(|_| false),
                });
                match erasure {
                    Some(m) => {
                        mutable = m;
                        principal = true;
                        is_future = at == ErasedAt::Return
                            && facts.and_then(|f| f.return_boxing) == Some(ReturnBoxing::Pinned);
                        out.push(b.clone());
                    }
                    None => {
                        return Err(format!(
                            "`{name}` is not a bound a trait object can carry here"
                        ));
                    }
                }
            }
            TypeParamBound::Lifetime(_) => {}
            _ => return Err("an unsupported bound".to_string()),
        }
    }
    if !principal {
        return Err("no trait to make a trait object of".to_string());
    }
    Ok((out, mutable, is_future))
}

/// Classifies every item of a trait.
pub(crate) fn classify(items: &[TraitItem], cx: &ClassifyCtx<'_>, trait_name: &str) -> Vec<Method> {
    let mut out = Vec::new();
    for item in items {
        match item {
            TraitItem::Fn(f) => out.push(classify_fn(f, cx)),
            TraitItem::Const(c) => {
                let name = c.ident.clone();
                // Even with a default: a type may override it, and the dyn value cannot know which.
                let plan = MethodPlan::Impossible(format!(
                    "`const {name}`: an associated const is known per type at compile time, and `Dyn{trait_name}` erases the type"
                ));
                out.push(Method { name, plan });
            }
            _ => {}
        }
    }
    out
}

fn receiver_of(sig: &Signature) -> Result<Option<Receiver>, String> {
    let Some(FnArg::Receiver(r)) = sig.inputs.first() else {
        return Ok(None);
    };
    if r.colon_token.is_none() {
        return Ok(Some(match &r.reference {
            Some((_, lt)) if r.mutability.is_some() => Receiver::Mut(lt.clone()),
            Some((_, lt)) => Receiver::Ref(lt.clone()),
            None => Receiver::Value,
        }));
    }
    let ty = &*r.ty;
    match ty {
        Type::Reference(rf) if is_self_type(&rf.elem) => Ok(Some(if rf.mutability.is_some() {
            Receiver::Mut(rf.lifetime.clone())
        } else {
            Receiver::Ref(rf.lifetime.clone())
        })),
        _ if is_self_type(ty) => Ok(Some(Receiver::Value)),
        Type::Path(tp) => {
            let Some(last) = tp.path.segments.last() else {
                return Err("an unknown receiver".into());
            };
            let inner = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => match a.args.first() {
                    Some(syn::GenericArgument::Type(t)) => Some(t.clone()),
                    _ => None,
                },
                _ => None,
            };
            match (last.ident.to_string().as_str(), inner) {
                ("Box", Some(t)) if is_self_type(&t) => Ok(Some(Receiver::Boxed)),
                ("Pin", Some(Type::Reference(rf)))
                    if rf.mutability.is_some() && is_self_type(&rf.elem) =>
                {
                    Ok(Some(Receiver::PinMut(rf.lifetime.clone())))
                }
                ("Rc" | "Arc", _) => Err(format!(
                    "`self: {}<Self>` needs the value inside an `{}` allocation, which a dyn* value cannot hand out",
                    last.ident, last.ident
                )),
                _ => Err(format!(
                    "the receiver `{}` has no dyn* equivalent",
                    quote::quote!(#ty)
                )),
            }
        }
        _ => Err(format!(
            "the receiver `{}` has no dyn* equivalent",
            quote::quote!(#ty)
        )),
    }
}

fn classify_fn(f: &TraitItemFn, cx: &ClassifyCtx<'_>) -> Method {
    let name = f.sig.ident.clone();
    let display = signature_display(&f.sig);
    let plan = match plan_fn(f, cx) {
        Ok(p) => p,
        Err(reason) => {
            // In a `Sized` trait (`Clone`) every method is exempt from the vtable: a default
            // body the dyn type can run itself (`clone_from`'s `*self = source.clone()`).
            if f.default.is_some() && cx.trait_sized {
                MethodPlan::Default
            } else {
                MethodPlan::Impossible(format!("`{display}`: {reason}"))
            }
        }
    };
    Method { name, plan }
}

fn plan_fn(f: &TraitItemFn, cx: &ClassifyCtx<'_>) -> Result<MethodPlan, String> {
    let assoc = cx.assoc;
    let sig = &f.sig;
    let wh = method_where(sig, cx.names);
    if wh.sized && f.default.is_some() {
        return Ok(MethodPlan::Default);
    }
    let receiver = match receiver_of(sig)? {
        Some(r) => r,
        // A static function with a default: `DynFoo::f()` runs the default (a type's own
        // override is not reachable without a value, as with `dyn Foo`).
        None if f.default.is_some() => return Ok(MethodPlan::Default),
        None => return Err("it has no `self` receiver and no default body".into()),
    };
    if let Some(r) = wh.not_carried {
        return Err(r);
    }
    let mut extra_bounds = wh.extra;
    // `&'static self`: the dyn value is borrowed forever, so its value must be `'static`; the
    // slot takes an ordinary borrow and the shim hands the value out for `'static`.
    let receiver = match receiver {
        Receiver::Ref(Some(l)) if l.ident == "static" => {
            extra_bounds.push(syn::parse_quote!('static));
            Receiver::Ref(None)
        }
        Receiver::Mut(Some(l)) if l.ident == "static" => {
            extra_bounds.push(syn::parse_quote!('static));
            Receiver::Mut(None)
        }
        r => r,
    };
    if sig.variadic.is_some() || sig.abi.is_some() {
        return Err("an `extern`/variadic signature".into());
    }
    // Method generics: lifetimes stay; type parameters must be erasable; const ones cannot.
    let mut erasable: Vec<(Ident, Vec<TypeParamBound>)> = Vec::new();
    for gp in &sig.generics.params {
        match gp {
            GenericParam::Lifetime(_) => {}
            GenericParam::Const(c) => {
                return Err(format!(
                    "the const parameter `{}` would need one vtable entry per value",
                    c.ident
                ));
            }
            GenericParam::Type(t) => {
                let mut bounds: Vec<TypeParamBound> = t.bounds.iter().cloned().collect();
                if let Some(w) = &sig.generics.where_clause {
                    for p in &w.predicates {
                        if let WherePredicate::Type(pt) = p
                            && matches!(&pt.bounded_ty, Type::Path(tp) if tp.path.is_ident(&t.ident))
                        {
                            bounds.extend(pt.bounds.iter().cloned());
                        }
                    }
                }
                erasable.push((t.ident.clone(), bounds));
            }
        }
    }
    let mut replace = ReplaceSelfAssoc { assoc };
    let mut check = cx
        .instances
        .map(|(trait_name, instances)| CheckProjections {
            trait_name,
            instances,
            assoc,
            error: None,
        });
    // Projections in the method's `where` clause must be nameable too.
    if let (Some(c), Some(w)) = (&mut check, &sig.generics.where_clause) {
        c.visit_where_clause_mut(&mut w.clone());
        if let Some(e) = c.error.take() {
            return Err(e);
        }
    }
    let mut check_type = |ty: &mut Type| -> Result<(), String> {
        if let Some(c) = &mut check {
            c.visit_type_mut(ty);
            if let Some(e) = c.error.take() {
                return Err(e);
            }
        }
        Ok(())
    };
    let mut args = Vec::new();
    let mut used_params: Vec<Ident> = Vec::new();
    for (i, input) in sig.inputs.iter().enumerate().skip(1) {
        let FnArg::Typed(pt) = input else { continue };
        let mut ty = (*pt.ty).clone();
        if is_self_type(&ty) {
            return Err(
                "it takes `Self` by value, and a dyn value cannot know the other value's type"
                    .into(),
            );
        }
        if mentions_bare_self(&ty) {
            return Err(format!(
                "it takes `Self` inside an argument (`{}`), and a dyn value cannot know the other value's type",
                tidy_tokens(&quote::quote!(#ty).to_string())
            ));
        }
        check_type(&mut ty)?;
        replace.visit_type_mut(&mut ty);
        if mentions_self_projection(&ty) {
            return Err(format!(
                "its argument type `{}` names an associated type the dyn type does not carry",
                tidy_tokens(&quote::quote!(#ty).to_string())
            ));
        }
        let name = match &*pt.pat {
            Pat::Ident(pi) if pi.ident != "self" => pi.ident.clone(),
            _ => Ident::new(&format!("arg{i}"), Span::call_site()),
        };
        let kind = erase_arg(cx.names, &ty, &erasable, &mut used_params)?;
        args.push(Arg { name, ty, kind });
    }
    for (p, _) in &erasable {
        if !used_params.contains(p) {
            return Err(format!(
                "the type parameter `{p}` is not only the type of an argument"
            ));
        }
    }
    let output = match &sig.output {
        ReturnType::Default => {
            if sig.asyncness.is_some() {
                Output::Async(None)
            } else {
                Output::Plain(None)
            }
        }
        ReturnType::Type(_, t) => {
            let mut t = (**t).clone();
            if erasable.iter().any(|(p, _)| type_mentions_ident(&t, p)) {
                return Err("its return type names a type parameter of the method".into());
            }
            if is_self_type(&t) {
                if sig.asyncness.is_some() {
                    return Err("an `async fn` returning `Self`".into());
                }
                Output::SelfValue
            } else if mentions_bare_self(&t) {
                return Err(format!(
                    "its return type `{}` contains `Self` (only `Self` itself can be rebuilt as a dyn value)",
                    quote::quote!(#t)
                ));
            } else {
                check_type(&mut t)?;
                replace.visit_type_mut(&mut t);
                if mentions_self_projection(&t) {
                    return Err(format!(
                        "its return type `{}` names an associated type the dyn type does not carry",
                        tidy_tokens(&quote::quote!(#t).to_string())
                    ));
                }
                if sig.asyncness.is_some() {
                    Output::Async(Some(t))
                } else if let Type::ImplTrait(it) = &t {
                    let (bounds, _, is_future) =
                        erase_bounds(it.bounds.iter(), cx.names, ErasedAt::Return)?;
                    Output::Boxed {
                        dyn_ty: syn::parse_quote!(dyn #(#bounds)+*),
                        pinned: is_future,
                    }
                } else if contains_impl_trait(&t) {
                    return Err("an `impl Trait` nested inside its return type".into());
                } else {
                    Output::Plain(Some(t))
                }
            }
        }
    };
    let boxing = matches!(output, Output::Async(_) | Output::Boxed { .. });
    if boxing && !receiver.borrows() && args.iter().any(|a| type_has_reference(&a.ty)) {
        return Err("its returned value would borrow both the value and an argument".into());
    }
    let needs_borrow = receiver.borrows()
        && (boxing
            || receiver.lifetime().is_some()
            || matches!(&output, Output::Plain(Some(t)) if type_has_elided_lifetime(t)));
    let borrow = if needs_borrow {
        Some(
            receiver
                .lifetime()
                .cloned()
                .unwrap_or_else(|| cx.borrow.clone()),
        )
    } else {
        None
    };
    Ok(MethodPlan::Slot(Box::new(Dispatchable {
        sig: sig.clone(),
        receiver,
        args,
        output,
        borrow,
        extra_bounds,
    })))
}

fn erase_arg(
    names: StdNames<'_>,
    ty: &Type,
    erasable: &[(Ident, Vec<TypeParamBound>)],
    used: &mut Vec<Ident>,
) -> Result<ArgKind, String> {
    let (inner, shape) = match ty {
        Type::Reference(r) => (
            &*r.elem,
            if r.mutability.is_some() {
                ErasedShape::Mut
            } else {
                ErasedShape::Ref
            },
        ),
        other => (other, ErasedShape::Value),
    };
    let bounds: Option<Vec<TypeParamBound>> = match inner {
        Type::ImplTrait(it) => Some(it.bounds.iter().cloned().collect()),
        Type::Path(tp) if tp.qself.is_none() => erasable
            .iter()
            .find(|(p, _)| tp.path.is_ident(p))
            .map(|(p, b)| {
                used.push(p.clone());
                b.clone()
            }),
        _ => None,
    };
    let Some(bounds) = bounds else {
        if contains_impl_trait(ty) {
            return Err("an `impl Trait` nested inside an argument type".into());
        }
        for (p, _) in erasable {
            if type_mentions_ident(ty, p) {
                return Err(format!(
                    "the type parameter `{p}` is nested inside an argument type"
                ));
            }
        }
        return Ok(ArgKind::Plain);
    };
    let maybe_unsized = bounds.iter().any(|b| matches!(b, TypeParamBound::Trait(t) if matches!(t.modifier, syn::TraitBoundModifier::Maybe(_))));
    if maybe_unsized && shape != ErasedShape::Ref {
        return Err("a `?Sized` type parameter taken other than by `&`".into());
    }
    let (bounds, mutable, _) = erase_bounds(bounds.iter(), names, ErasedAt::Argument)
        .map_err(|e| format!("an argument cannot be erased: {e}"))?;
    let mutable = match shape {
        ErasedShape::Value => mutable,
        ErasedShape::Ref if mutable => {
            return Err("a `&` argument whose bound needs `&mut` to be called".into());
        }
        ErasedShape::Ref => false,
        ErasedShape::Mut => true,
    };
    Ok(ArgKind::Erased {
        dyn_ty: syn::parse_quote!(dyn #(#bounds)+*),
        mutable,
        shape,
        maybe_unsized,
    })
}

fn contains_impl_trait(ty: &Type) -> bool {
    struct F(bool);
    impl<'ast> syn::visit::Visit<'ast> for F {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut f = F(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

pub(crate) fn type_mentions_ident(ty: &Type, id: &Ident) -> bool {
    struct F<'i>(&'i Ident, bool);
    impl<'ast> syn::visit::Visit<'ast> for F<'_> {
        fn visit_ident(&mut self, i: &'ast Ident) {
            if i == self.0 {
                self.1 = true;
            }
        }
    }
    let mut f = F(id, false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.1
}

fn type_has_reference(ty: &Type) -> bool {
    struct F(bool);
    impl<'ast> syn::visit::Visit<'ast> for F {
        fn visit_type_reference(&mut self, _: &'ast syn::TypeReference) {
            self.0 = true;
        }
        fn visit_lifetime(&mut self, _: &'ast Lifetime) {
            self.0 = true;
        }
    }
    let mut f = F(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// Whether the type has a lifetime left to elision (`&T`, `'_`).
pub(crate) fn type_has_elided_lifetime(ty: &Type) -> bool {
    struct F(bool);
    impl<'ast> syn::visit::Visit<'ast> for F {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            if r.lifetime.is_none() {
                self.0 = true;
            }
            syn::visit::visit_type_reference(self, r);
        }
        fn visit_lifetime(&mut self, l: &'ast Lifetime) {
            if l.ident == "_" {
                self.0 = true;
            }
        }
    }
    let mut f = F(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// Gives every elided lifetime of a type the name `lt`.
pub(crate) struct NameElided<'l>(pub &'l Lifetime);

impl VisitMut for NameElided<'_> {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.0.clone());
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.0.clone();
        }
    }
}

/// `fn name(&self, x: u32) -> R`, for messages.
pub(crate) fn signature_display(sig: &Signature) -> String {
    let mut s = sig.clone();
    s.generics.where_clause = None;
    let text = quote::quote!(#s).to_string();
    tidy_tokens(&text)
}

/// Makes `quote`'s token spacing readable in one-line messages.
pub(crate) fn tidy_tokens(text: &str) -> String {
    text.replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace(" :", ":")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ::", "::")
        .replace(":: ", "::")
        .replace("' ", "'")
}
