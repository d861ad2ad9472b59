//! Whether two impls of one trait for the dyn type would overlap (rustc's coherence, E0119):
//! `impl Supertrait<T> for DynTrait<'a, T, U>` and `impl Supertrait<U> for DynTrait<'a, T, U>`
//! do, since `T = U` is possible; `Supertrait<u8>` and `Supertrait<u16>` do not, nor do
//! `Supertrait<T>` and `Supertrait<Vec<T>>` (no `T` is `Vec<T>`).
//!
//! Both impls have the dyn type's parameters as their own, so the question is whether the two
//! argument lists unify with those parameters as variables. The generator sees only text, so
//! what it cannot tell apart is assumed equal: a path to another type (it may be an alias of
//! `u8`, or a projection that normalizes to it) unifies with anything. Only primitive types,
//! the structural types (`&T`, `(A, B)`, `[T]`, `[T; 3]`, `*const T`) and a few std types
//! (`Vec`, `Box`, `String`, `Option`, …) are told apart. Lifetimes are ignored, as coherence
//! does.

use proc_macro2::Ident;
use syn::{GenericArgument, PathArguments, Type};

/// A type as coherence compares it.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    /// A parameter of the dyn type (the impls' parameters).
    Var(String),
    /// A type dynlens cannot tell apart from any other (printed as written).
    Opaque(String),
    /// A type constructor applied to arguments: `u8`, `&`, `Vec`, a tuple of two, …
    App(String, Vec<Term>),
}

/// The primitive types: each is itself only.
const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f16", "f32", "f64", "f128",
];

/// Std types told apart by name (a user alias of one of these names is not expected).
const STD_TYPES: &[&str] = &[
    "String",
    "Vec",
    "Box",
    "Option",
    "Result",
    "Rc",
    "Arc",
    "Cell",
    "RefCell",
    "PhantomData",
];

/// Why the two argument lists may be equal: `None` when they cannot be (the impls do not
/// overlap), else the equations that make them equal (`T = U`; empty when they are equal as
/// written or through a type dynlens cannot see through).
pub(crate) fn may_overlap(
    a: &[GenericArgument],
    b: &[GenericArgument],
    params: &[Ident],
) -> Option<Vec<String>> {
    let params: Vec<String> = params.iter().map(Ident::to_string).collect();
    let terms = |args: &[GenericArgument]| -> Vec<Term> {
        args.iter().filter_map(|g| arg_term(g, &params)).collect()
    };
    let (ta, tb) = (terms(a), terms(b));
    if ta.len() != tb.len() {
        // Defaults are filled in by the caller: a different count is a different trait.
        return None;
    }
    let mut subst: Vec<(String, Term)> = Vec::new();
    for (x, y) in ta.iter().zip(&tb) {
        if !unify(x, y, &mut subst) {
            return None;
        }
    }
    Some(
        subst
            .iter()
            .map(|(v, t)| format!("{v} = {}", show(&resolve(t, &subst))))
            .collect(),
    )
}

fn arg_term(g: &GenericArgument, params: &[String]) -> Option<Term> {
    match g {
        GenericArgument::Lifetime(_) => None,
        GenericArgument::Type(t) => Some(term(t, params)),
        GenericArgument::Const(syn::Expr::Lit(l)) => {
            Some(Term::App(quote::quote!(#l).to_string(), Vec::new()))
        }
        GenericArgument::Const(syn::Expr::Path(p))
            if p.path.segments.len() == 1
                && params.contains(&p.path.segments[0].ident.to_string()) =>
        {
            Some(Term::Var(p.path.segments[0].ident.to_string()))
        }
        other => Some(Term::Opaque(text(other))),
    }
}

fn text(t: &impl quote::ToTokens) -> String {
    super::model::tidy_tokens(&quote::quote!(#t).to_string())
}

fn term(t: &Type, params: &[String]) -> Term {
    match t {
        Type::Paren(p) => term(&p.elem, params),
        Type::Group(g) => term(&g.elem, params),
        Type::Path(p) if p.qself.is_none() => {
            let segs = &p.path.segments;
            let last = segs.last().map(|s| s.ident.to_string()).unwrap_or_default();
            let single = segs.len() == 1 && p.path.leading_colon.is_none();
            let no_args = segs
                .iter()
                .all(|s| matches!(s.arguments, PathArguments::None));
            if single && no_args && params.contains(&last) {
                return Term::Var(last);
            }
            if single && no_args && PRIMITIVES.contains(&last.as_str()) {
                return Term::App(last, Vec::new());
            }
            let std_root = segs
                .first()
                .is_some_and(|s| ["std", "core", "alloc"].contains(&s.ident.to_string().as_str()));
            let earlier_plain = segs
                .iter()
                .take(segs.len().saturating_sub(1))
                .all(|s| matches!(s.arguments, PathArguments::None));
            if (single || std_root) && earlier_plain && STD_TYPES.contains(&last.as_str()) {
                let args = match segs.last().map(|s| &s.arguments) {
                    Some(PathArguments::AngleBracketed(a)) => {
                        a.args.iter().filter_map(|g| arg_term(g, params)).collect()
                    }
                    Some(PathArguments::Parenthesized(_)) => return Term::Opaque(text(t)),
                    _ => Vec::new(),
                };
                return Term::App(last, args);
            }
            Term::Opaque(text(t))
        }
        Type::Reference(r) => Term::App(
            if r.mutability.is_some() { "&mut" } else { "&" }.into(),
            vec![term(&r.elem, params)],
        ),
        Type::Ptr(p) => Term::App(
            if p.mutability.is_some() {
                "*mut"
            } else {
                "*const"
            }
            .into(),
            vec![term(&p.elem, params)],
        ),
        Type::Slice(s) => Term::App("[]".into(), vec![term(&s.elem, params)]),
        Type::Array(a) => match &a.len {
            syn::Expr::Lit(l) => Term::App(
                format!("[; {}]", quote::quote!(#l)),
                vec![term(&a.elem, params)],
            ),
            _ => Term::Opaque(text(t)),
        },
        Type::Tuple(tu) => Term::App(
            format!("({})", tu.elems.len()),
            tu.elems.iter().map(|e| term(e, params)).collect(),
        ),
        Type::Never(_) => Term::App("!".into(), Vec::new()),
        // Projections, `dyn`/`impl` types, function pointers (binders), macros, `_`.
        _ => Term::Opaque(text(t)),
    }
}

/// Follows the variable bindings.
fn resolve(t: &Term, subst: &[(String, Term)]) -> Term {
    match t {
        Term::Var(v) => match subst.iter().find(|(w, _)| w == v) {
            Some((_, bound)) => resolve(bound, subst),
            None => t.clone(),
        },
        Term::App(h, args) => {
            Term::App(h.clone(), args.iter().map(|a| resolve(a, subst)).collect())
        }
        Term::Opaque(_) => t.clone(),
    }
}

fn occurs(v: &str, t: &Term, subst: &[(String, Term)]) -> bool {
    match resolve(t, subst) {
        Term::Var(w) => w == v,
        Term::App(_, args) => args.iter().any(|a| occurs(v, a, subst)),
        Term::Opaque(_) => false,
    }
}

/// First-order unification with the occurs check (`T` and `Vec<T>` do not unify, as for rustc).
fn unify(a: &Term, b: &Term, subst: &mut Vec<(String, Term)>) -> bool {
    let (a, b) = (resolve(a, subst), resolve(b, subst));
    match (&a, &b) {
        (Term::Var(x), Term::Var(y)) if x == y => true,
        (Term::Var(x), other) | (other, Term::Var(x)) => {
            if occurs(x, other, subst) {
                return false;
            }
            subst.push((x.clone(), other.clone()));
            true
        }
        (Term::Opaque(_), _) | (_, Term::Opaque(_)) => true,
        (Term::App(h1, a1), Term::App(h2, a2)) => {
            h1 == h2 && a1.len() == a2.len() && a1.iter().zip(a2).all(|(x, y)| unify(x, y, subst))
        }
    }
}

fn show(t: &Term) -> String {
    match t {
        Term::Var(v) => v.clone(),
        Term::Opaque(s) => s.clone(),
        Term::App(h, args) => {
            let shown: Vec<String> = args.iter().map(show).collect();
            match h.as_str() {
                "&" | "&mut" => format!("{}{}{}", h, if h == "&mut" { " " } else { "" }, shown[0]),
                "*const" | "*mut" => format!("{h} {}", shown[0]),
                "[]" => format!("[{}]", shown[0]),
                _ if h.starts_with("[;") => {
                    format!(
                        "[{}; {}]",
                        shown[0],
                        h.trim_start_matches("[; ").trim_end_matches(']')
                    )
                }
                _ if h.starts_with('(')
                    && h.ends_with(')')
                    && h[1..h.len() - 1].parse::<usize>().is_ok() =>
                {
                    if shown.len() == 1 {
                        format!("({},)", shown[0])
                    } else {
                        format!("({})", shown.join(", "))
                    }
                }
                _ if shown.is_empty() => h.clone(),
                _ => format!("{h}<{}>", shown.join(", ")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<GenericArgument> {
        let p: syn::Path = syn::parse_str(&format!("X<{s}>")).expect("path");
        match &p.segments[0].arguments {
            PathArguments::AngleBracketed(a) => a.args.iter().cloned().collect(),
            _ => Vec::new(),
        }
    }

    fn check(a: &str, b: &str) -> Option<Vec<String>> {
        let params: Vec<Ident> = ["T", "U", "N"]
            .iter()
            .map(|p| Ident::new(p, proc_macro2::Span::call_site()))
            .collect();
        may_overlap(&args(a), &args(b), &params)
    }

    #[test]
    fn parameters_unify_with_anything_but_a_type_containing_them() {
        assert_eq!(check("T", "U"), Some(vec!["T = U".to_string()]));
        assert_eq!(check("T", "u8"), Some(vec!["T = u8".to_string()]));
        assert_eq!(check("T", "Vec<T>"), None);
        assert_eq!(check("T", "&'a T"), None);
        assert_eq!(
            check("(T, U)", "(U, u8)"),
            Some(vec!["T = u8".into(), "U = u8".into()])
        );
        assert_eq!(check("T, u8", "u16, T"), None);
        assert_eq!(check("T, U", "U, T"), Some(vec!["T = U".to_string()]));
    }

    #[test]
    fn distinct_known_types_do_not_overlap() {
        assert_eq!(check("u8", "u16"), None);
        assert_eq!(check("&str", "String"), None);
        assert_eq!(check("[u8]", "[u8; 4]"), None);
        assert_eq!(check("&'a u8", "&'b u8"), Some(Vec::new()));
        assert_eq!(check("Vec<u8>", "Vec<u16>"), None);
        assert_eq!(
            check("std::vec::Vec<T>", "Vec<u16>"),
            Some(vec!["T = u16".to_string()])
        );
    }

    #[test]
    fn types_dynlens_cannot_see_through_may_be_anything() {
        // `Byte` may be `type Byte = u8;`; a projection may normalize to `u8`.
        assert_eq!(check("Byte", "u8"), Some(Vec::new()));
        assert_eq!(check("<T as Tr>::Out", "u8"), Some(Vec::new()));
        assert_eq!(check("Foo", "Bar"), Some(Vec::new()));
    }
}
