//! Closure parameters: `f: impl Fn(u8) -> u8`.
//!
//! A type of the user's cannot implement `Fn` on stable Rust (`Fn::call` is unstable), so the
//! dyn* value of a closure cannot be called as `f(x)`. The conversion generates, in the crate's
//! `dyn_star` module, a trait of the crate's with the closure's signature spelled out, and
//! implemented for every closure that has it:
//! ```text
//! /// `Fn(u8) -> u8` as a trait of the crate's, so that its dyn* value `DynFnU8ToU8` can be
//! /// called on stable Rust: `f.call((x,))` (implementing `Fn` itself needs an unstable feature).
//! pub trait FnU8ToU8 {
//!     fn call(&self, args: (u8,)) -> u8;
//! }
//! impl<F: Fn(u8) -> u8 + ?Sized> FnU8ToU8 for F {
//!     fn call(&self, (a0,): (u8,)) -> u8 {
//!         self(a0)
//!     }
//! }
//! ```
//! with its expansion (`DynFnU8ToU8`, which implements `FnU8ToU8`: `Fn` is a `#[fundamental]`
//! trait, so the blanket impl and `impl FnU8ToU8 for DynFnU8ToU8` do not overlap), and a
//! `DynFnU8ToU8::from_fn` constructor whose `impl Fn(u8) -> u8` parameter lets the compiler
//! infer a closure literal's argument types at the call sites (`new`'s `T: FnU8ToU8` does not).
//!
//! In the converted body every call `f(a, b)` becomes `f.call((a, b))` (`call_mut` for `FnMut`,
//! `call_once` for `FnOnce`), calls in macro arguments included. Any other use of `f` (passing
//! it on, shadowing it) would not compile: then the conversion is not offered, and hover says why.

use ra_ap_syntax::ast::{self, HasArgList, HasName};
use ra_ap_syntax::{AstNode, NodeOrToken, SyntaxKind, SyntaxNode, TextRange};

use crate::db::TraitKey;

/// The generated trait for a closure bound.
pub(super) struct ClosureTrait {
    /// `FnU8ToU8`.
    pub name: String,
    /// `call`, `call_mut` or `call_once`.
    pub method: &'static str,
    /// The trait, its blanket impl and the `from_fn` constructor.
    pub decl: String,
    /// The trait alone, for the expansion.
    pub trait_source: String,
}

/// The `Fn`, `FnMut` or `FnOnce` that `key` is, if it is one.
pub(super) fn family(key: &TraitKey) -> Option<&'static str> {
    match key {
        TraitKey::Std(c) => match &**c {
            "core::ops::Fn" => Some("Fn"),
            "core::ops::FnMut" => Some("FnMut"),
            "core::ops::FnOnce" => Some("FnOnce"),
            _ => None,
        },
        _ => None,
    }
}

/// The trait for the bound `path` (`Fn(u8) -> u8`) of family `family`, with auto traits
/// `autos` (`Send`) as supertraits.
pub(super) fn closure_trait(
    family: &str,
    path: &ast::Path,
    autos: &[String],
    crate_path: &dyn Fn(&str) -> Option<String>,
) -> Result<ClosureTrait, String> {
    let seg = path.segment().ok_or("no path")?;
    let Some(arg_list) = seg.parenthesized_arg_list() else {
        return Err(format!(
            "`{family}` without its `({family}(A) -> R)` signature cannot be named"
        ));
    };
    let written: Vec<String> = arg_list
        .type_args()
        .map(|a| a.syntax().text().to_string())
        .collect();
    let written_ret = seg
        .ret_type()
        .and_then(|r| r.ty())
        .map(|t| t.syntax().text().to_string());
    let args: Vec<String> = arg_list
        .type_args()
        .filter_map(|a| a.ty())
        .map(|t| nameable(&t, crate_path))
        .collect::<Result<_, _>>()?;
    let ret = seg
        .ret_type()
        .and_then(|r| r.ty())
        .map(|t| nameable(&t, crate_path))
        .transpose()?;
    if ret.as_deref().is_some_and(borrows) {
        return Err(
            "the closure returns a borrow: its lifetime cannot be tied to the arguments' in a method of a trait"
                .into(),
        );
    }
    // Named as written (`Fn(Point) -> u8` → `FnPointToU8`).
    let mut name = family.to_string();
    for a in &written {
        name.push_str(&camel(a));
    }
    if let Some(r) = &written_ret {
        name.push_str("To");
        name.push_str(&camel(r));
    }
    for a in autos {
        name.push_str(a);
    }
    let (method, receiver, sized) = match family {
        "Fn" => ("call", "&self", " + ?Sized"),
        "FnMut" => ("call_mut", "&mut self", " + ?Sized"),
        _ => ("call_once", "self", ""),
    };
    let tuple = match args.len() {
        1 => format!("({},)", args[0]),
        _ => format!("({})", args.join(", ")),
    };
    let names: Vec<String> = (0..args.len()).map(|i| format!("a{i}")).collect();
    let pattern = match names.len() {
        1 => format!("({},)", names[0]),
        _ => format!("({})", names.join(", ")),
    };
    let arrow = ret.as_ref().map(|r| format!(" -> {r}")).unwrap_or_default();
    let signature = format!("{family}({}){arrow}", args.join(", "));
    let supers = if autos.is_empty() {
        String::new()
    } else {
        format!(": {}", autos.join(" + "))
    };
    let bound_autos: String = autos.iter().map(|a| format!(" + {a}")).collect();
    let trait_source = format!(
        "pub trait {name}{supers} {{\n    fn {method}({receiver}, args: {tuple}){arrow};\n}}\n"
    );
    let shown_autos = if autos.is_empty() {
        String::new()
    } else {
        format!(" that is {} too", autos.join(" and "))
    };
    let decl = format!(
        "/// `{signature}` as a trait of the crate's{shown_autos}, so that its dyn* value\n\
         /// `Dyn{name}` can be called on stable Rust, as `f.{method}({example})`: implementing\n\
         /// `{family}` itself needs an unstable feature.\n\
         {trait_source}\
         impl<F: {signature}{bound_autos}{sized}> {name} for F {{\n    \
             fn {method}({receiver}, {pattern}: {tuple}){arrow} {{\n        \
                 self({call})\n    \
             }}\n\
         }}\n\
         impl<'a> Dyn{name}<'a> {{\n    \
             /// `Dyn{name}::new` for a closure written in place: the `{signature}` bound lets the\n    \
             /// compiler infer the closure's argument types.\n    \
             pub fn from_fn(f: impl {signature}{bound_autos} + 'a) -> Self {{\n        \
                 Self::new(f)\n    \
             }}\n    \
             /// Calls the closure (`f.{method}(…)` without importing `{name}`).\n    \
             pub fn {method}({receiver}, args: {tuple}){arrow} {{\n        \
                 <Self as {name}>::{method}(self, args)\n    \
             }}\n\
         }}\n",
        example = match args.len() {
            1 => "(x,)",
            0 => "()",
            _ => "(x, y)",
        },
        call = names.join(", "),
    );
    Ok(ClosureTrait {
        name,
        method,
        decl,
        trait_source,
    })
}

/// A type of the closure's signature as the crate's `dyn_star` module names it: primitives,
/// references, tuples, slices and arrays as written, the prelude's `String`, `Vec`, `Option`,
/// `Result` and `Box` as written, and a type of the crate by its path from the crate root
/// (`crate_path`: `Point` → `crate::geom::Point`, when `dyn_star` may see it); anything else
/// (a generic parameter, a private type of another module, a path it cannot resolve) is
/// refused with the reason.
fn nameable(ty: &ast::Type, crate_path: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    const PLAIN: &[&str] = &[
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
        "i64", "i128", "isize", "f32", "f64", "String", "Vec", "Option", "Result", "Box",
    ];
    let mut edits: Vec<(ra_ap_syntax::TextRange, String)> = Vec::new();
    let base = ty.syntax().text_range().start();
    for pt in ty.syntax().descendants().filter_map(ast::PathType::cast) {
        let Some(path) = pt.path() else { continue };
        if path.qualifier().is_some() {
            return Err(format!(
                "the closure's signature names `{}`, a path dynlens does not rewrite for the crate's `dyn_star` module yet",
                path.syntax().text()
            ));
        }
        let Some(name) = path
            .segment()
            .and_then(|s| s.name_ref())
            .map(|n| n.text().to_string())
        else {
            continue;
        };
        if PLAIN.contains(&name.as_str()) {
            continue;
        }
        match crate_path(&name) {
            Some(full) => {
                let r = path
                    .segment()
                    .and_then(|s| s.name_ref())
                    .map(|n| n.syntax().text_range());
                if let Some(r) = r {
                    edits.push((r - base, full));
                }
            }
            None => {
                return Err(format!(
                    "the closure's signature names `{name}`, which the crate's `dyn_star` module cannot name (a generic parameter, or a type it cannot see)"
                ));
            }
        }
    }
    let mut text = ty.syntax().text().to_string();
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start()));
    for (r, t) in edits {
        text.replace_range(usize::from(r.start())..usize::from(r.end()), &t);
    }
    Ok(text)
}

/// Whether a type holds a borrow (`&` or a lifetime).
fn borrows(ty: &str) -> bool {
    ty.contains('&') || ty.contains('\'')
}

/// `Vec<u8>` → `VecU8`, `&str` → `Str`, `(u8, u16)` → `U8U16`.
pub(super) fn camel(ty: &str) -> String {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && *w != "mut" && *w != "dyn")
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The edits that turn every call `x(a, b)` in `body` into `x.method((a, b))`; an error when
/// `x` is used otherwise (passed on, shadowed), where the dyn* value would not do.
pub(super) fn rewrite_calls(
    body: &SyntaxNode,
    x: &str,
    method: &str,
) -> Result<Vec<(TextRange, String)>, String> {
    let mut edits = Vec::new();
    for node in body.descendants() {
        if let Some(ident) = ast::IdentPat::cast(node.clone()) {
            if ident.name().is_some_and(|n| n.text() == x) {
                return Err(format!(
                    "`{x}` is shadowed in the body (dynlens does not track which uses are the parameter's)"
                ));
            }
        } else if let Some(pe) = ast::PathExpr::cast(node.clone()) {
            let Some(path) = pe.path() else { continue };
            if path.qualifier().is_some()
                || path
                    .segment()
                    .and_then(|s| s.name_ref())
                    .is_none_or(|n| n.text() != x)
            {
                continue;
            }
            let call = node
                .parent()
                .and_then(ast::CallExpr::cast)
                .filter(|c| c.expr().is_some_and(|e| e.syntax() == &node));
            let Some(list) = call.and_then(|c| c.arg_list()) else {
                return Err(format!(
                    "`{x}` is used other than called (`{}`): its dyn* value is not a closure",
                    node.parent().unwrap_or(node.clone()).text()
                ));
            };
            let (Some(open), Some(close)) = (list.l_paren_token(), list.r_paren_token()) else {
                return Err("a call without its parentheses".into());
            };
            edits.extend(call_edits(
                open.text_range(),
                close.text_range(),
                list.args().count(),
                trailing_comma(list.syntax()),
                method,
            ));
        } else if let Some(tt) = ast::TokenTree::cast(node.clone())
            && tt
                .syntax()
                .parent()
                .is_some_and(|p| ast::MacroCall::can_cast(p.kind()))
        {
            macro_calls(tt.syntax(), x, method, &mut edits)?;
        }
    }
    Ok(edits)
}

/// `(` → `.method((`, `)` → `,))` for one argument without a trailing comma, `))` otherwise.
fn call_edits(
    open: TextRange,
    close: TextRange,
    args: usize,
    trailing: bool,
    method: &str,
) -> [(TextRange, String); 2] {
    let end = if args == 1 && !trailing { ",))" } else { "))" };
    [(open, format!(".{method}((")), (close, end.to_string())]
}

/// Whether the last token before the closing parenthesis is a comma.
fn trailing_comma(list: &SyntaxNode) -> bool {
    let tokens = super::tokens::significant(list);
    tokens.len() >= 2
        && tokens[tokens.len() - 2]
            .as_token()
            .is_some_and(|t| t.kind() == SyntaxKind::COMMA)
}

/// Calls `x( … )` inside a macro's tokens (nested groups included).
fn macro_calls(
    tt: &SyntaxNode,
    x: &str,
    method: &str,
    edits: &mut Vec<(TextRange, String)>,
) -> Result<(), String> {
    let children = super::tokens::significant(tt);
    for (i, child) in children.iter().enumerate() {
        match child {
            NodeOrToken::Node(n) => macro_calls(n, x, method, edits)?,
            NodeOrToken::Token(t) if t.kind() == SyntaxKind::IDENT && t.text() == x => {
                // A field or method of something else (`a.f(…)`, `s::f`) is not the parameter.
                if i > 0
                    && children[i - 1]
                        .as_token()
                        .is_some_and(|p| matches!(p.kind(), SyntaxKind::DOT | SyntaxKind::COLON))
                {
                    continue;
                }
                let group = super::tokens::paren_group_after(&children, i);
                let Some(group) = group else {
                    return Err(format!(
                        "`{x}` is used inside a macro other than called: its dyn* value is not a closure"
                    ));
                };
                let inner = super::tokens::significant(group);
                let (Some(open), Some(close)) = (inner.first(), inner.last()) else {
                    continue;
                };
                let body = &inner[1..inner.len().saturating_sub(1)];
                let commas = body
                    .iter()
                    .filter(|c| c.as_token().is_some_and(|t| t.kind() == SyntaxKind::COMMA))
                    .count();
                let trailing = body
                    .last()
                    .is_some_and(|c| c.as_token().is_some_and(|t| t.kind() == SyntaxKind::COMMA));
                let args = if body.is_empty() {
                    0
                } else {
                    commas + 1 - usize::from(trailing)
                };
                edits.extend(call_edits(
                    open.text_range(),
                    close.text_range(),
                    args,
                    trailing,
                    method,
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
