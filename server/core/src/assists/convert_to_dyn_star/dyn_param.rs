//! `&dyn Trait`, `&mut dyn Trait` and `Box<dyn Trait>` parameters as dyn* values.
//!
//! Such a function is compiled once already: what the conversion gives is one parameter type
//! for borrowed and owned values alike, and for `Box<dyn Trait>` no allocation for values
//! that fit in a pointer (a call `f(Box::new(22))` becomes `f(DynTrait::new(22))`). Only the
//! callers variant exists: a wrapper would have to turn a `&dyn Trait` into a dyn* value, and
//! `DynTrait::from_ref` takes a sized `&T`.
//!
//! Every call must pass what can be rebuilt: `&x` → `DynTrait::from_ref(&x)`, `&mut x` →
//! `DynTrait::from_mut(&mut x)`, `Box::new(x)` → `DynTrait::new(x)`. A call passing anything
//! else (a `&dyn Trait` it got from elsewhere, `&*boxed`, a `Box` built earlier) stops the
//! variant, and hover lists it. In the body, the parameter may only be a method receiver
//! (`s.area()`) or a macro argument (`println!("{s:?}")`): passing it on to a function that
//! wants a `&dyn Trait` would not compile.

use ra_ap_syntax::ast::{self, HasGenericArgs};
use ra_ap_syntax::{AstNode, TextRange};

/// How a caller's argument becomes the dyn* value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wrap {
    /// `DynTrait::new(x)`.
    New,
    /// `DynTrait::from_fn(|x| …)`: a closure written in place.
    FromFn,
    /// `&x` → `DynTrait::from_ref(&x)`.
    FromRef,
    /// `&mut x` → `DynTrait::from_mut(&mut x)`.
    FromMut,
    /// `Box::new(x)` → `DynTrait::new(x)`.
    Unbox,
}

impl Wrap {
    /// The argument `arg` rewritten for the dyn type at `path`, or why it cannot be.
    pub(crate) fn apply(self, path: &str, arg: &str) -> Result<String, String> {
        let arg = arg.trim();
        match self {
            Wrap::New => Ok(format!("{path}::new({arg})")),
            Wrap::FromFn => Ok(format!("{path}::from_fn({arg})")),
            Wrap::FromRef | Wrap::FromMut => {
                let (prefix, ctor) = if self == Wrap::FromRef {
                    ("&", "from_ref")
                } else {
                    ("&mut ", "from_mut")
                };
                let borrowed = arg.strip_prefix(prefix).map(str::trim_start);
                match borrowed {
                    // `&*b` may be a `dyn` already; `&mut x` for a `&dyn` is another call.
                    Some(inner)
                        if !(inner.starts_with('*')
                            || self == Wrap::FromRef && inner.starts_with("mut ")) =>
                    {
                        Ok(format!("{path}::{ctor}({arg})"))
                    }
                    _ => Err(format!(
                        "`{arg}` may be a `{}dyn …` already (dynlens rewrites `{prefix}x`)",
                        prefix
                    )),
                }
            }
            Wrap::Unbox => {
                let inner = arg
                    .strip_prefix("Box::new(")
                    .and_then(|r| r.strip_suffix(')'))
                    .filter(|i| balanced(i));
                match inner {
                    Some(i) => Ok(format!("{path}::new({i})")),
                    None => Err(format!(
                        "`{arg}` is a `Box` built elsewhere (dynlens rewrites `Box::new(x)`)"
                    )),
                }
            }
        }
    }

    /// Whether this is a `dyn` parameter's conversion (callers variant only).
    pub(crate) fn is_dyn(self) -> bool {
        matches!(self, Wrap::FromRef | Wrap::FromMut | Wrap::Unbox)
    }
}

/// Whether the brackets of `s` balance (so `Box::new(a)(b)` is not taken for `Box::new(…)`).
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// A `dyn` parameter's type: its bounds, its range, how callers wrap, and the lifetime its
/// dyn* value gets when the bounds state none.
pub(super) struct DynParamType {
    pub bounds: Vec<ast::TypeBound>,
    pub range: TextRange,
    pub wrap: Wrap,
    pub lifetime: String,
}

/// `&dyn Shape`, `&'a mut dyn Shape`, `Box<dyn Shape + Send>`; `None` for other types.
pub(super) fn dyn_param_type(ty: &ast::Type) -> Option<DynParamType> {
    match ty {
        ast::Type::RefType(r) => {
            let Some(ast::Type::DynTraitType(d)) = r.ty() else {
                return None;
            };
            Some(DynParamType {
                bounds: d.type_bound_list()?.bounds().collect(),
                range: ty.syntax().text_range(),
                wrap: if r.mut_token().is_some() {
                    Wrap::FromMut
                } else {
                    Wrap::FromRef
                },
                lifetime: r
                    .lifetime()
                    .map_or("'_".to_string(), |l| l.syntax().text().to_string()),
            })
        }
        ast::Type::PathType(pt) => {
            let seg = pt.path()?.segment()?;
            if seg.name_ref()?.text() != "Box" {
                return None;
            }
            let args: Vec<ast::GenericArg> = seg.generic_arg_list()?.generic_args().collect();
            let [ast::GenericArg::TypeArg(arg)] = args.as_slice() else {
                return None;
            };
            let Some(ast::Type::DynTraitType(d)) = arg.ty() else {
                return None;
            };
            Some(DynParamType {
                bounds: d.type_bound_list()?.bounds().collect(),
                range: ty.syntax().text_range(),
                wrap: Wrap::Unbox,
                // `Box<dyn Trait>` is `Box<dyn Trait + 'static>`.
                lifetime: "'static".to_string(),
            })
        }
        _ => None,
    }
}

/// Whether every use of `x` in `body` works on the dyn* value: a method receiver, or inside a
/// macro's arguments. `Err(why)` names the first use that does not.
pub(super) fn check_uses(body: &ast::BlockExpr, x: &str) -> Result<(), String> {
    for pe in body.syntax().descendants().filter_map(ast::PathExpr::cast) {
        let Some(path) = pe.path() else { continue };
        if path.qualifier().is_some()
            || path
                .segment()
                .and_then(|s| s.name_ref())
                .is_none_or(|n| n.text() != x)
        {
            continue;
        }
        let receiver = pe
            .syntax()
            .parent()
            .and_then(ast::MethodCallExpr::cast)
            .is_some_and(|m| m.receiver().is_some_and(|r| r.syntax() == pe.syntax()));
        if !receiver {
            let used = pe
                .syntax()
                .parent()
                .map_or_else(|| x.to_string(), |p| p.text().to_string());
            return Err(format!(
                "`{x}` is used other than as a method's receiver (`{}`), where a `dyn` reference is needed",
                used.lines().next().unwrap_or_default()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Wrap;

    #[test]
    fn arguments_are_rebuilt_only_where_their_form_says_what_they_are() {
        assert_eq!(
            Wrap::FromRef.apply("DynShape", "&sq"),
            Ok("DynShape::from_ref(&sq)".into())
        );
        assert!(Wrap::FromRef.apply("DynShape", "&*boxed").is_err());
        assert!(Wrap::FromRef.apply("DynShape", "shape_ref").is_err());
        assert_eq!(
            Wrap::FromMut.apply("DynShape", "&mut sq"),
            Ok("DynShape::from_mut(&mut sq)".into())
        );
        assert_eq!(
            Wrap::Unbox.apply("DynShape", "Box::new(Sq(1.0))"),
            Ok("DynShape::new(Sq(1.0))".into())
        );
        assert!(Wrap::Unbox.apply("DynShape", "Box::new(a)(b)").is_err());
        assert!(Wrap::Unbox.apply("DynShape", "boxed").is_err());
    }
}
