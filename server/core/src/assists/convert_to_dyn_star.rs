//! Assist: convert an `impl Trait` parameter to a dyn* value, callers untouched — the function
//! keeps its `impl Trait` signature as a one-line generic wrapper over a non-generic inner
//! function that takes `DynTrait` (SPEC F3, the variant that changes no caller).
//!
//! ```text
//! pub fn print_me(x: impl $0Debug) { println!("{x:?}"); }
//! ```
//! ->
//! ```text
//! pub fn print_me(x: impl Debug) { print_me_dyn(crate::dyn_star::DynDebug::new(x)) }
//!
//! /// The body of `print_me`, compiled once for every argument type: `x` is a dyn* value.
//! fn print_me_dyn(x: crate::dyn_star::DynDebug<'_>) { println!("{x:?}"); }
//! ```
//! `DynDebug` comes from the crate's `dyn_star` module (created with the expansion when
//! missing) for std and dependency traits, and from next to the trait (expanded there when
//! missing) for the workspace's own. Offered only where the result compiles: the trait's
//! expansion is complete (`impl Trait for DynTrait` is written, so the body keeps working),
//! the parameter's bound is the trait alone (with its generic arguments and associated types
//! spelled, and an optional lifetime — auto traits are not carried yet), every parameter is a
//! plain name, and the function is not `const` nor a trait's own method.

use ra_ap_syntax::ast::{self, HasGenericArgs, HasName};
use ra_ap_syntax::{AstNode, TextRange, TextSize};

use super::expand_into_crate::DynStarModule;
use super::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::db::{Db, FileId, FileRef, TraitKey};
use crate::dyn_star::expand_input;
use crate::resolve::{Scope, resolve_trait};
use dynlens_base::TextEdit;
use dynlens_expand::DynParam;

const ID: &str = "convert_impl_to_dyn_star_wrapper";

pub fn convert_to_dyn_star(ctx: &AssistCtx<'_>, acc: &mut Assists) -> Option<()> {
    if !acc.wants(ID) && !acc.wants(callers::ID) {
        return None;
    }
    let db = ctx.db;
    let root = db.syntax(ctx.file)?;
    // Past the end of an unparsed (too deeply nested) file's empty tree: no token, no panic.
    if !root
        .syntax()
        .text_range()
        .contains_inclusive(ctx.range.start())
    {
        return None;
    }
    let token = root
        .syntax()
        .token_at_offset(ctx.range.start())
        .right_biased()?;
    let param = token.parent_ancestors().find_map(ast::Param::cast)?;
    let ast::Type::ImplTraitType(impl_ty) = param.ty()? else {
        return None;
    };
    let func = param.syntax().ancestors().find_map(ast::Fn::cast)?;
    let body = func.body()?;
    if func.const_token().is_some()
        || func
            .syntax()
            .ancestors()
            .any(|a| ast::Trait::can_cast(a.kind()))
    {
        return None;
    }
    let fn_name = func.name()?.text().to_string();
    let x = match param.pat()? {
        ast::Pat::IdentPat(p) if p.ref_token().is_none() && p.pat().is_none() => {
            p.name()?.text().to_string()
        }
        _ => return None,
    };
    let param_list = func.param_list()?;
    let mut args = Vec::new();
    for p in param_list.params() {
        match p.pat()? {
            ast::Pat::IdentPat(ip) if ip.ref_token().is_none() && ip.pat().is_none() => {
                args.push(ip.name()?.text().to_string())
            }
            _ => return None,
        }
    }
    // The bound: one trait, with at most a lifetime beside it.
    let mut trait_bound = None;
    let mut lifetime = None;
    for b in impl_ty.type_bound_list()?.bounds() {
        if let Some(l) = b.lifetime() {
            lifetime = Some(l.text().to_string());
        } else if let Some(ast::Type::PathType(pt)) = b.ty()
            && b.question_mark_token().is_none()
            && trait_bound.replace(pt).is_none()
        {
        } else {
            return None;
        }
    }
    let bound = trait_bound?;
    let path = bound.path()?;
    let key = resolve_trait(
        db,
        Scope::At(ctx.file, bound.syntax().text_range().start()),
        &crate::model::lower_path(&path),
    )?;
    let plan = dynlens_expand::plan(&expand_input(db, &key, false).ok()?).ok()?;
    if !plan.complete() {
        return None;
    }
    let dyn_args = dyn_arguments(&plan.dyn_params(), &path, lifetime.as_deref())?;
    let place = DynPlace::of(db, ctx.file, &func, &key)?;
    let dyn_name = plan.dyn_name();
    let dyn_path = match &place {
        DynPlace::DynStar { .. } => DynStarModule::dyn_path(&dyn_name),
        DynPlace::NextToTrait { path_from_fn, .. } => {
            format!("{path_from_fn}{dyn_name}")
        }
    };
    callers::offer(
        ctx,
        acc,
        &callers::Target {
            func: &func,
            param: &param,
            impl_ty: &impl_ty,
            key: &key,
            place: &place,
            dyn_name: &dyn_name,
            dyn_args: &dyn_args,
            x: &x,
        },
    );
    if !acc.wants(ID) {
        return Some(());
    }
    let label = format!(
        "dynlens: Convert `{x}` to dyn* (`{dyn_name}`), callers unchanged: `{fn_name}` becomes a wrapper over one non-generic `{fn_name}_dyn`"
    );
    let file = ctx.file;
    let text = db.file_text(file)?.to_string();
    acc.add(ID, label, AssistKind::RefactorRewrite, move || {
        let mut change = SourceChange::default();
        place.add_expansion(db, &key, file, &mut change)?;
        let inner_name = fresh_name(&text, &format!("{fn_name}_dyn"));
        // The inner function: the same text from `fn` (or `async`/`unsafe`) on, renamed, the
        // parameter's type replaced; no visibility, no attributes.
        let start = [
            func.async_token(),
            func.unsafe_token(),
            func.abi().and_then(|a| a.syntax().first_token()),
            func.fn_token(),
        ]
        .into_iter()
        .flatten()
        .map(|t| t.text_range().start())
        .min()?;
        let end = func.syntax().text_range().end();
        let rel = |r: TextRange| {
            TextRange::new(r.start() - start, r.end() - start)
        };
        let mut inner = text[usize::from(start)..usize::from(end)].to_string();
        let mut edits = vec![
            (rel(func.name()?.syntax().text_range()), inner_name.clone()),
            (
                rel(impl_ty.syntax().text_range()),
                format!("{dyn_path}<{}>", dyn_args.join(", ")),
            ),
        ];
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start()));
        for (r, t) in edits {
            inner.replace_range(usize::from(r.start())..usize::from(r.end()), &t);
        }
        let indent = indentation(&text, func.syntax().text_range().start());
        let doc = format!(
            "{indent}/// The body of `{fn_name}`, compiled once for every argument type: `{x}` is a dyn* value.\n"
        );
        change.push(
            file,
            TextEdit::insert(end, format!("\n\n{doc}{indent}{inner}")),
        );
        // The wrapper: the body becomes one call.
        let call_args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == x {
                    format!("{dyn_path}::new({a})")
                } else {
                    a.clone()
                }
            })
            .collect();
        let callee = match (param_list.self_param(), in_impl(&func)) {
            (Some(_), _) => format!("self.{inner_name}"),
            (None, true) => format!("Self::{inner_name}"),
            (None, false) => inner_name.clone(),
        };
        let mut call = format!("{callee}({})", call_args.join(", "));
        if func.async_token().is_some() {
            call.push_str(".await");
        }
        if func.unsafe_token().is_some() {
            call = format!("unsafe {{ {call} }}");
        }
        change.push(
            file,
            TextEdit::replace(body.syntax().text_range(), format!("{{\n{indent}    {call}\n{indent}}}")),
        );
        Some(change)
    });
    Some(())
}

fn in_impl(func: &ast::Fn) -> bool {
    func.syntax()
        .parent()
        .and_then(|p| p.parent())
        .is_some_and(|i| ast::Impl::can_cast(i.kind()))
}

/// The whitespace before the line's first character at `at`.
fn indentation(text: &str, at: TextSize) -> String {
    let line_start = text[..usize::from(at)].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..usize::from(at)]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}

/// `base`, or `base2`, `base3`… : a name the file does not define yet.
fn fresh_name(text: &str, base: &str) -> String {
    let taken = |n: &str| text.contains(&format!("fn {n}(")) || text.contains(&format!("fn {n}<"));
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_string())
}

/// The dyn type's arguments for the bound `path` (`Iterator<Item = u32>` → `'_, u32`): the
/// trait's arguments in order, then each associated type by its binding. `None` when one is
/// not spelled (the dyn type could not be named).
fn dyn_arguments(
    params: &[DynParam],
    path: &ast::Path,
    lifetime: Option<&str>,
) -> Option<Vec<String>> {
    let mut out = vec![lifetime.unwrap_or("'_").to_string()];
    let args: Vec<ast::GenericArg> = path
        .segment()
        .and_then(|s| s.generic_arg_list())
        .map(|l| l.generic_args().collect())
        .unwrap_or_default();
    let mut positional = args
        .iter()
        .filter(|a| !matches!(a, ast::GenericArg::AssocTypeArg(_)));
    for p in params {
        match p {
            DynParam::Lifetime(_) | DynParam::Type(_) | DynParam::Const(_) => {
                out.push(positional.next()?.syntax().text().to_string());
            }
            DynParam::Assoc(name) => {
                let bound = args.iter().find_map(|a| match a {
                    ast::GenericArg::AssocTypeArg(at)
                        if at.name_ref().is_some_and(|n| n.text() == name.as_str()) =>
                    {
                        at.ty()
                    }
                    _ => None,
                })?;
                out.push(bound.syntax().text().to_string());
            }
        }
    }
    Some(out)
}

/// Where the dyn type of the trait is (or goes).
#[derive(Clone)]
pub(crate) enum DynPlace {
    /// The crate's `dyn_star` module (std and dependency traits).
    DynStar {
        module: DynStarModule,
        present: bool,
    },
    /// Next to the workspace trait, in its module; `path_from_fn` prefixes the name where the
    /// function is (`""` in the same module, `crate::shapes::` elsewhere).
    NextToTrait {
        path_from_fn: String,
        expanded: bool,
    },
}

impl DynPlace {
    fn of(db: &Db, file: FileId, func: &ast::Fn, key: &TraitKey) -> Option<DynPlace> {
        match key {
            TraitKey::Local(tf, _) => {
                let def = db.trait_def(key)?;
                let expanded = db.files().any(|f| {
                    db.file_text(f)
                        .is_some_and(|t| t.contains(&format!("struct {}Vtable", def.name)))
                });
                let trait_module = crate::naming::trait_module(db, key);
                let inline: Vec<String> = {
                    let mut v: Vec<String> = func
                        .syntax()
                        .ancestors()
                        .filter_map(ast::Module::cast)
                        .filter_map(|m| m.name().map(|n| n.text().to_string()))
                        .collect();
                    v.reverse();
                    v
                };
                let fn_module = crate::nameres::module_at(db, FileRef::Workspace(file), &inline);
                let path_from_fn = match (trait_module, fn_module) {
                    (Some(t), Some(f)) if t == f => String::new(),
                    (Some(t), Some(f)) if t.0 == f.0 => {
                        t.1.iter()
                            .fold("crate::".to_string(), |acc, s| format!("{acc}{s}::"))
                    }
                    (None, None) if *tf == file => String::new(),
                    _ => return None,
                };
                Some(DynPlace::NextToTrait {
                    path_from_fn,
                    expanded,
                })
            }
            _ => {
                let module = DynStarModule::of(db, file)?;
                let present = module.holds(db, key);
                Some(DynPlace::DynStar { module, present })
            }
        }
    }

    fn add_expansion(
        &self,
        db: &Db,
        key: &TraitKey,
        file: FileId,
        change: &mut SourceChange,
    ) -> Option<()> {
        match self {
            DynPlace::DynStar { module, present } => {
                if !present {
                    module.add_expansion(db, key, file, change)?;
                }
            }
            DynPlace::NextToTrait { expanded, .. } => {
                if !expanded {
                    let out = super::expand_vtable::expand_key(db, key, false, None).ok()?;
                    let tf = db.trait_file(key)?;
                    let at = out.insert_at;
                    change.push(
                        tf,
                        TextEdit::insert(at, format!("\n\n{}", out.text.trim_end())),
                    );
                }
            }
        }
        Some(())
    }
}

mod callers;
#[cfg(test)]
mod tests;
