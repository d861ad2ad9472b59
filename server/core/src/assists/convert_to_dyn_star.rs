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
use dyn_param::Wrap;
use dynlens_base::TextEdit;
use dynlens_expand::DynParam;

const ID: &str = "convert_impl_to_dyn_star_wrapper";

/// What the conversion needs, checked: the parameter, its function, the trait and its plan,
/// the dyn type and where it lives.
pub(crate) struct Prepared {
    param: ast::Param,
    /// The parameter's type, replaced by the dyn type (`impl Shape`, or `T`).
    ty_range: TextRange,
    /// For a generic parameter `T: Shape`, the edits that remove `T` from the generics.
    generic_edits: Vec<(TextRange, String)>,
    func: ast::Fn,
    body: ast::BlockExpr,
    fn_name: String,
    x: String,
    param_list: ast::ParamList,
    args: Vec<String>,
    key: TraitKey,
    dyn_args: Vec<String>,
    place: DynPlace,
    dyn_name: String,
    dyn_path: String,
    /// Edits of the body the dyn* value needs (a closure's calls: `f(x)` → `f.call((x,))`).
    body_edits: Vec<(TextRange, String)>,
    /// How callers' arguments become the dyn* value.
    wrap: Wrap,
}

/// Why the conversion is not offered at `offset`: `Err(None)` when the cursor is not on an
/// `impl Trait` parameter at all, `Err(Some(reason))` when it is but the result would not
/// compile (the reason is what hover says).
pub(crate) fn prepare(db: &Db, file: FileId, offset: TextSize) -> Result<Prepared, Option<String>> {
    let no = |why: &str| Err(Some(why.to_string()));
    let param = token_at(db, file, offset)
        .ok_or(None)?
        .parent_ancestors()
        .find_map(ast::Param::cast)
        .ok_or(None)?;
    let func = param
        .syntax()
        .ancestors()
        .find_map(ast::Fn::cast)
        .ok_or(None)?;
    let mut dyn_param = None;
    let (bounds, ty_range, generic_edits) = match param.ty() {
        Some(ast::Type::ImplTraitType(impl_ty)) => (
            impl_ty
                .type_bound_list()
                .ok_or(None)?
                .bounds()
                .collect::<Vec<_>>(),
            impl_ty.syntax().text_range(),
            Vec::new(),
        ),
        Some(ty) => match dyn_param::dyn_param_type(&ty) {
            Some(d) => {
                let out = (d.bounds.clone(), d.range, Vec::new());
                dyn_param = Some(d);
                out
            }
            None => {
                let ast::Type::PathType(pt) = ty else {
                    return Err(None);
                };
                let (bounds, edits) = generic::used_once(&func, &pt)?;
                (bounds, pt.syntax().text_range(), edits)
            }
        },
        None => return Err(None),
    };
    let body = convertible_body(&func, "take").map_err(Some)?;
    let fn_name = func.name().ok_or(None)?.text().to_string();
    // Already a wrapper (its body hands the parameter to `…_dyn` as a dyn* value).
    let body_text = body.syntax().text().to_string();
    if body_text.contains(&format!("{fn_name}_dyn")) && body_text.contains("::new(") {
        return no("the function is already a wrapper over its dyn* body");
    }
    let x = match param.pat() {
        Some(ast::Pat::IdentPat(p)) if p.ref_token().is_none() && p.pat().is_none() => {
            p.name().ok_or(None)?.text().to_string()
        }
        _ => return no("the parameter is a pattern, not a name"),
    };
    let param_list = func.param_list().ok_or(None)?;
    let mut args = Vec::new();
    for p in param_list.params() {
        match p.pat() {
            Some(ast::Pat::IdentPat(ip)) if ip.ref_token().is_none() && ip.pat().is_none() => {
                args.push(ip.name().ok_or(None)?.text().to_string())
            }
            _ => return no("another parameter is a pattern, not a name"),
        }
    }
    if dyn_param.is_some() {
        dyn_param::check_uses(&body, &x).map_err(Some)?;
    }
    let DynTarget {
        key,
        mut dyn_args,
        place,
        dyn_name,
        dyn_path,
        mut body_edits,
        constructor,
        lifetime,
    } = dyn_target(db, file, &func, &bounds, Use::Param { body: &body, x: &x })?;
    let wrap = match (&dyn_param, constructor) {
        (Some(_), "from_fn") => {
            return no("a `dyn` closure parameter: callers' closures would have to be rebuilt");
        }
        (Some(d), _) => {
            if lifetime.is_none()
                && let Some(first) = dyn_args.first_mut()
            {
                first.clone_from(&d.lifetime);
            }
            // `&mut self` methods on the dyn* value need a `mut` binding.
            if d.wrap == Wrap::FromMut
                && let Some(ast::Pat::IdentPat(p)) = param.pat()
                && p.mut_token().is_none()
            {
                body_edits.push((
                    TextRange::empty(p.syntax().text_range().start()),
                    "mut ".to_string(),
                ));
            }
            d.wrap
        }
        (None, "from_fn") => Wrap::FromFn,
        (None, _) => Wrap::New,
    };
    Ok(Prepared {
        param,
        ty_range,
        generic_edits,
        func,
        body,
        fn_name,
        x,
        param_list,
        args,
        key,
        dyn_args,
        place,
        dyn_name,
        dyn_path,
        body_edits,
        wrap,
    })
}

/// Whether `offset` is in the type of a `&dyn Trait`, `&mut dyn Trait` or `Box<dyn Trait>`
/// parameter (hover mentions their conversion only where it is offered: every such parameter
/// is a `dyn` use, whose hover is about `dyn`).
pub(crate) fn at_dyn_param(db: &Db, file: FileId, offset: TextSize) -> bool {
    token_at(db, file, offset)
        .and_then(|t| t.parent_ancestors().find_map(ast::Param::cast))
        .and_then(|p| p.ty())
        .is_some_and(|ty| dyn_param::dyn_param_type(&ty).is_some())
}

/// The token at `offset` (the one starting there when it is between two); `None` past the
/// tree's end (an unparsed, too deeply nested file has an empty tree: no token, no panic).
fn token_at(db: &Db, file: FileId, offset: TextSize) -> Option<ra_ap_syntax::SyntaxToken> {
    let root = db.syntax(file)?;
    if !root.syntax().text_range().contains_inclusive(offset) {
        return None;
    }
    root.syntax().token_at_offset(offset).right_biased()
}

/// The body of a function whose parameter may `take` (or whose return may `build`) a dyn*
/// value, or why it cannot: it has no body, it is a `const fn`, or it is a trait's own
/// method (its signature is the trait's).
fn convertible_body(func: &ast::Fn, verb: &str) -> Result<ast::BlockExpr, String> {
    let body = func.body().ok_or("the function has no body")?;
    if func.const_token().is_some() {
        return Err(format!("a `const fn` cannot {verb} a dyn* value"));
    }
    if func
        .syntax()
        .ancestors()
        .any(|a| ast::Trait::can_cast(a.kind()))
    {
        return Err("a trait's own method: its signature is the trait's".into());
    }
    Ok(body)
}

/// How the converted value is used: a parameter (`x` in `body`), or the returned value.
#[derive(Clone, Copy)]
pub(crate) enum Use<'a> {
    Param {
        body: &'a ast::BlockExpr,
        x: &'a str,
    },
    Return,
}

/// The dyn type for the bounds `bounds` (of `impl …` or of a generic parameter) of `func`, and
/// what the conversion needs of it.
pub(crate) struct DynTarget {
    pub key: TraitKey,
    pub dyn_args: Vec<String>,
    pub place: DynPlace,
    pub dyn_name: String,
    pub dyn_path: String,
    pub body_edits: Vec<(TextRange, String)>,
    pub constructor: &'static str,
    /// The lifetime written in the bound (`+ 'static`), if any.
    pub lifetime: Option<String>,
}

pub(crate) fn dyn_target(
    db: &Db,
    file: FileId,
    func: &ast::Fn,
    bounds: &[ast::TypeBound],
    used: Use<'_>,
) -> Result<DynTarget, Option<String>> {
    let no = |why: &str| Err(Some(why.to_string()));
    // The bound: one trait, with auto traits (`Send`, `Sync`, `Unpin`) and at most a
    // lifetime beside it.
    let mut trait_bound = None;
    let mut lifetime = None;
    let mut autos: Vec<(String, TraitKey)> = Vec::new();
    let mut extra: Vec<(TraitKey, ast::Path)> = Vec::new();
    for b in bounds {
        if let Some(l) = b.lifetime() {
            lifetime = Some(l.text().to_string());
            continue;
        }
        let Some(ast::Type::PathType(pt)) = b.ty() else {
            return no("the bound is not a trait path");
        };
        if b.question_mark_token().is_some() {
            return no("`?Sized` in the bound: a dyn* value is sized");
        }
        let resolved = pt.path().and_then(|p| {
            resolve_trait(
                db,
                Scope::At(file, pt.syntax().text_range().start()),
                &crate::model::lower_path(&p),
            )
        });
        let auto = resolved.as_ref().and_then(|k| match k {
            TraitKey::Std(c) => dynlens_std::trait_info(c).filter(|i| i.facts.auto),
            _ => None,
        });
        match (auto, resolved) {
            (Some(info), Some(k)) => autos.push((info.public_path(), k)),
            _ if trait_bound.is_none() => trait_bound = Some(pt),
            (_, Some(k)) => match pt.path() {
                Some(p) => extra.push((k, p)),
                None => return Err(None),
            },
            (_, None) => return no("dynlens cannot find a trait of the bound"),
        }
    }
    let bound = trait_bound.ok_or(None)?;
    let path = bound.path().ok_or(None)?;
    let Some(key) = resolve_trait(
        db,
        Scope::At(file, bound.syntax().text_range().start()),
        &crate::model::lower_path(&path),
    ) else {
        return no("dynlens cannot find the trait");
    };
    // The body called the bound's methods on `impl Trait` without importing the trait; on
    // the dyn* value they are the trait's impl's, which need the trait in scope.
    let mut body_edits = Vec::new();
    if let Use::Param { body, .. } = used
        && closure::family(&key).is_none()
    {
        let keys = std::iter::once(&key).chain(extra.iter().map(|(k, _)| k));
        let imports: Vec<String> = keys.filter_map(|k| import_for(db, file, body, k)).collect();
        if let Some(open) = body.stmt_list().and_then(|l| l.l_curly_token())
            && !imports.is_empty()
        {
            let indent = indentation(
                &db.file_text(file)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                func.syntax().text_range().start(),
            );
            let lines: String = imports
                .iter()
                .map(|p| format!("\n{indent}    use {p} as _;"))
                .collect();
            body_edits.push((TextRange::empty(open.text_range().end()), lines));
        }
    }
    // A closure: a trait of the crate's with its signature spelled out (`FnU8ToU8`), and its
    // calls in the body rewritten (`f.call((x,))`).
    let mut constructor = "new";
    let closure = match closure::family(&key) {
        Some(family) => {
            if !extra.is_empty() {
                return no("a closure bound beside another trait is not carried");
            }
            let names: Vec<String> = autos
                .iter()
                .map(|(p, _)| short_name(p).to_string())
                .collect();
            // A type of the crate in the signature, by its path from the crate root.
            let fn_module = crate::resolve::module_of(db, FileRef::Workspace(file), func.syntax());
            let crate_path = |name: &str| -> Option<String> {
                let module = fn_module.as_ref()?;
                let Some(crate::nameres::Res::Item(m, n)) =
                    crate::nameres::resolve_path(db, module, &[name])
                else {
                    return None;
                };
                // `crate::dyn_star` sees the root's items and modules (private ones too), and
                // below them what is not private: every module of the path after the first,
                // and the item.
                let not_private = |parent: &[String], name: &str| {
                    crate::nameres::module(db, &(m.0, parent.to_vec())).is_some_and(|d| {
                        d.scope
                            .def(name)
                            .is_some_and(|d| d.vis != crate::item_tree::Vis::Private)
                    })
                };
                let visible = m.1.is_empty()
                    || ((1..m.1.len()).all(|i| not_private(&m.1[..i], &m.1[i]))
                        && not_private(&m.1, &n));
                (m.0 == module.0 && visible).then(|| {
                    std::iter::once("crate".to_string())
                        .chain(m.1.iter().cloned())
                        .chain(std::iter::once(n.clone()))
                        .collect::<Vec<_>>()
                        .join("::")
                })
            };
            let ct = closure::closure_trait(family, &path, &names, &crate_path).map_err(Some)?;
            let Use::Param { body, x } = used else {
                return no(
                    "callers call the returned closure, and its dyn* value cannot be called as `f(x)` on stable Rust",
                );
            };
            body_edits.extend(closure::rewrite_calls(body.syntax(), x, ct.method).map_err(Some)?);
            constructor = "from_fn";
            let module = DynStarModule::of(db, file)
                .ok_or(Some("the file belongs to no crate".to_string()))?;
            Some(Combined {
                input: dynlens_expand::ExpandInput {
                    dyn_type_budget: None,
                    trait_source: ct.trait_source,
                    supertraits: auto_inputs(db, &autos).map_err(Some)?,
                    forwarding_impls: false,
                    blanket_impl: false,
                    std_names: Vec::new(),
                },
                name: ct.name,
                home: CombinedHome::DynStar(module),
                decl: ct.decl,
            })
        }
        None => None,
    };
    // With auto traits: one trait of the crate's covering all of them (`DebugSend`), so that
    // the dyn* value is `Send` too.
    let combined = if closure.is_some() {
        closure
    } else if autos.is_empty() && extra.is_empty() {
        None
    } else {
        let mut traits = vec![(key.clone(), path.clone())];
        traits.extend(extra);
        Some(combined_trait(db, file, &traits, &autos).map_err(Some)?)
    };
    let plan_input = match &combined {
        Some(c) => Ok(c.input.clone()),
        None => expand_input(db, &key, false),
    };
    let plan = match plan_input.map(|i| dynlens_expand::plan(&i)) {
        Ok(Ok(plan)) => plan,
        Ok(Err(e)) => return Err(Some(e.to_string())),
        Err(e) => return Err(Some(e)),
    };
    // A generated trait's blanket impl covers its dyn value (the plan says so as a blocker):
    // what matters is whether the dyn value implements every trait of the bound, the plan
    // without that impl.
    let complete = match &combined {
        Some(c) => dynlens_expand::plan(&dynlens_expand::ExpandInput {
            dyn_type_budget: None,
            blanket_impl: false,
            ..c.input.clone()
        })
        .is_ok_and(|p| p.complete()),
        None => plan.complete(),
    };
    if !complete {
        let uses = match used {
            Use::Param { x, .. } => format!("the body's uses of `{x}`"),
            Use::Return => "the callers' uses of the returned value".to_string(),
        };
        return Err(Some(format!(
            "`{}` cannot implement the trait ({}), so {uses} would not compile",
            plan.dyn_name(),
            plan.blockers().join("; ")
        )));
    }
    let dyn_args = if constructor == "from_fn" {
        Some(vec![lifetime.clone().unwrap_or_else(|| "'_".to_string())])
    } else {
        dyn_arguments(&plan.dyn_params(), &path, lifetime.as_deref())
    };
    let Some(dyn_args) = dyn_args else {
        return no(
            "an associated type or generic argument of the trait is not spelled in the bound (`Iterator<Item = u32>`)",
        );
    };
    let place = match combined {
        Some(c) => {
            let (present, path_from_fn) = match &c.home {
                CombinedHome::DynStar(m) => (
                    m.holds_named(db, &format!("{}Vtable", c.name)),
                    DynStarModule::dyn_path(""),
                ),
                CombinedHome::NextTo(k) => (
                    crate::dyn_star::already_expanded(db, &c.name),
                    match DynPlace::of(db, file, func, k) {
                        Some(DynPlace::NextToTrait { path_from_fn, .. }) => path_from_fn,
                        _ => {
                            return no("the dyn type would live in another crate of the workspace");
                        }
                    },
                ),
            };
            DynPlace::Combined {
                home: c.home,
                present,
                decl: c.decl,
                input: c.input,
                path_from_fn,
            }
        }
        None => match DynPlace::of(db, file, func, &key) {
            Some(p) => p,
            None => return no("the dyn type would live in another crate of the workspace"),
        },
    };
    let dyn_name = plan.dyn_name();
    let dyn_path = match &place {
        DynPlace::DynStar { .. } => DynStarModule::dyn_path(&dyn_name),
        DynPlace::NextToTrait { path_from_fn, .. } | DynPlace::Combined { path_from_fn, .. } => {
            format!("{path_from_fn}{dyn_name}")
        }
    };
    Ok(DynTarget {
        key,
        dyn_args,
        place,
        dyn_name,
        dyn_path,
        body_edits,
        constructor,
        lifetime,
    })
}

impl Prepared {
    fn target(&self) -> callers::Target<'_> {
        callers::Target {
            func: &self.func,
            param: &self.param,
            ty_range: self.ty_range,
            generic_edits: &self.generic_edits,
            key: &self.key,
            place: &self.place,
            dyn_name: &self.dyn_name,
            dyn_args: &self.dyn_args,
            x: &self.x,
            body_edits: &self.body_edits,
            wrap: self.wrap,
        }
    }

    /// What the conversion gives, in one line (hover).
    pub(crate) fn gain(&self) -> &'static str {
        match self.wrap {
            Wrap::FromRef | Wrap::FromMut => {
                "The function is compiled once already (a `dyn` reference is not generic); as a dyn* value the parameter takes borrowed and owned values alike:"
            }
            Wrap::Unbox => {
                "The function is compiled once already; as a dyn* value the argument is no longer boxed when it fits in a pointer:"
            }
            Wrap::New | Wrap::FromFn => {
                "One compiled copy of the function for every argument type instead of one per type:"
            }
        }
    }

    /// Hover's notes: the arguments seen at the calls (inline or boxed, the copies saved),
    /// and why the callers are not rewritten when they are not.
    pub(crate) fn hover_notes(&self, db: &Db, file: FileId) -> String {
        let mut out = String::new();
        if let Some((name, args, why)) = callers::report(db, file, &self.target()) {
            if !self.wrap.is_dyn() {
                out.push_str(&cost::summary(db, &name, &args));
                out.push('\n');
            }
            if let Some(why) = why {
                out.push_str(&format!("\nNot offered: {why}.\n"));
            }
        }
        // An `impl Trait` return leaks its auto traits: a returned closure capturing the
        // argument is `Send` when the argument is. The dyn* value is `Send` only if the bound
        // says so.
        let returns_impl = matches!(
            self.func.ret_type().and_then(|r| r.ty()),
            Some(ast::Type::ImplTraitType(_))
        );
        let states_send = self.param.syntax().text().to_string().contains("Send");
        if returns_impl && !states_send {
            out.push_str(&format!(
                "\n`{}` returns `impl …`, whose auto traits follow what it captures: with `{}` it is `Send` only when the bound says so. Where callers rely on it (sending it to a thread), write `+ Send` in the bound first.\n",
                self.fn_name, self.dyn_name
            ));
        }
        out
    }
}

pub fn convert_to_dyn_star(ctx: &AssistCtx<'_>, acc: &mut Assists) -> Option<()> {
    if !acc.wants(ID) && !acc.wants(callers::ID) {
        return None;
    }
    let db = ctx.db;
    let prepared = prepare(db, ctx.file, ctx.range.start()).ok()?;
    callers::offer(ctx, acc, &prepared.target());
    // A `dyn` parameter has no wrapper variant (`dyn_param.rs`).
    if prepared.wrap.is_dyn() {
        return Some(());
    }
    let Prepared {
        ty_range,
        generic_edits,
        func,
        body,
        fn_name,
        x,
        param_list,
        args,
        key,
        dyn_args,
        place,
        dyn_name,
        dyn_path,
        body_edits,
        ..
    } = prepared;
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
            (rel(ty_range), format!("{dyn_path}<{}>", dyn_args.join(", "))),
        ];
        edits.extend(body_edits.iter().map(|(r, t)| (rel(*r), t.clone())));
        edits.extend(generic_edits.iter().map(|(r, t)| (rel(*r), t.clone())));
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

/// The path to import the trait `key` by, for a body at `body` where the trait is not in
/// scope by its name (`None` when it is, or when dynlens cannot name it from there).
fn import_for(db: &Db, file: FileId, body: &ast::BlockExpr, key: &TraitKey) -> Option<String> {
    let name = db.trait_def(key)?.name.clone();
    let scope = Scope::At(file, body.syntax().text_range().start());
    if crate::resolve::resolve_trait_names(db, scope, &[name.as_str()]).as_ref() == Some(key) {
        return None;
    }
    match key {
        TraitKey::Std(c) => dynlens_std::trait_info(c).map(|i| i.public_path()),
        TraitKey::Local(..) => {
            let (krate, path) = crate::naming::trait_module(db, key)?;
            let (fn_krate, _) = crate::nameres::file_module(db, FileRef::Workspace(file))?;
            (krate == fn_krate).then(|| {
                std::iter::once("crate".to_string())
                    .chain(path)
                    .chain(std::iter::once(name))
                    .collect::<Vec<_>>()
                    .join("::")
            })
        }
        TraitKey::Extern(..) => {
            let (krate, _) = crate::nameres::file_module(db, FileRef::Workspace(file))?;
            crate::naming::public_trait_path(db, key, krate)
        }
    }
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

/// Several traits (or a trait and auto traits) as one trait of the crate.
struct Combined {
    name: String,
    home: CombinedHome,
    decl: String,
    input: dynlens_expand::ExpandInput,
}

/// Where a generated trait goes.
#[derive(Debug, Clone)]
pub(crate) enum CombinedHome {
    /// The crate's `dyn_star` module (std traits only, and closures).
    DynStar(DynStarModule),
    /// Right after this workspace trait, in its module (so that its expansion's names resolve
    /// there as they do in the trait's own).
    NextTo(TraitKey),
}

/// `impl Debug + Display`, `impl Shape + Send`, `impl Iterator<Item = u8> + Send`: one trait
/// with all of them as supertraits, implemented for every type that is all of them
/// (`pub trait ShapeSend: Shape + Send {}`), and its expansion: its dyn* value implements
/// each trait and is each auto trait. Std traits and the workspace's own (of the function's
/// crate, all in one module) are carried; a dependency's trait is not yet.
fn combined_trait(
    db: &Db,
    file: FileId,
    traits: &[(TraitKey, ast::Path)],
    autos: &[(String, TraitKey)],
) -> Result<Combined, String> {
    // A file of no crate (a lone file) may combine its own traits with auto traits.
    let krate = crate::nameres::file_module(db, FileRef::Workspace(file)).map(|m| m.0);
    let no_crate = || "the file belongs to no crate".to_string();
    let mut local: Option<TraitKey> = None;
    for (key, _) in traits {
        match key {
            TraitKey::Std(_) => {}
            TraitKey::Local(tf, _) => {
                let module = crate::naming::trait_module(db, key);
                let same_crate = match (&module, krate) {
                    (Some(m), Some(k)) => m.0 == k,
                    (None, None) => *tf == file,
                    _ => false,
                };
                if !same_crate {
                    return Err("a trait of another crate of the workspace beside another bound is not carried yet".into());
                }
                if let Some(first) = &local
                    && crate::naming::trait_module(db, first) != module
                {
                    return Err("traits of two modules in one bound are not carried yet".into());
                }
                local.get_or_insert(key.clone());
            }
            TraitKey::Extern(..) => {}
        }
    }
    let home = match &local {
        Some(k) => CombinedHome::NextTo(k.clone()),
        None => CombinedHome::DynStar(DynStarModule::of(db, file).ok_or_else(no_crate)?),
    };
    let mut names = Vec::new();
    let mut bounds = Vec::new();
    let mut supertraits: Vec<dynlens_expand::SupertraitInput> = Vec::new();
    let mut std_names = Vec::new();
    let mut headers: Vec<String> = Vec::new();
    for (key, path) in traits {
        let args = path
            .segment()
            .and_then(|s| s.generic_arg_list())
            .map(|a| a.syntax().text().to_string())
            .unwrap_or_default();
        let (trait_path, short) = match key {
            TraitKey::Std(canonical) => {
                let info = dynlens_std::trait_info(canonical).ok_or("an unknown std trait")?;
                let source = db.trait_source(key).ok_or("no declaration")?;
                let q = crate::naming::qualify(db, key, &source, krate.ok_or_else(no_crate)?);
                if let Some(e) = crate::naming::needs_sources_error(key, &q.needs_sources) {
                    return Err(e);
                }
                supertraits.push(dynlens_expand::SupertraitInput {
                    path: info.public_path(),
                    source: q.source,
                    is_auto: false,
                    std: Some(canonical.to_string()),
                    already_expanded: false,
                    methods_expanded: false,
                    blanket_impl: false,
                });
                (info.public_path(), info.name().to_string())
            }
            TraitKey::Extern(..) => {
                // A dependency's trait, written as the crate reaches it (`tokio::io::AsyncRead`),
                // with its supertraits.
                let krate = krate.ok_or_else(no_crate)?;
                let path = crate::naming::public_trait_path(db, key, krate)
                    .ok_or("the dependency's trait has no public path from this crate")?;
                let path = path.trim_start_matches("::").to_string();
                let def = db.trait_def(key).ok_or("unknown trait")?;
                let (own, header) = super::expand_vtable::crate_input(db, key, false, Some(file))?;
                let vtable = format!("{}Vtable", def.name);
                let already_expanded =
                    DynStarModule::of(db, file).is_some_and(|m| m.holds_named(db, &vtable));
                // Its own dyn type, written with it: its names as the header imports them.
                if !already_expanded {
                    headers.push(header);
                }
                supertraits.push(dynlens_expand::SupertraitInput {
                    path: path.clone(),
                    source: own.trait_source.clone(),
                    is_auto: false,
                    std: None,
                    already_expanded,
                    methods_expanded: DynStarModule::of(db, file)
                        .is_some_and(|m| m.holds_named(db, &format!("{}Methods", def.name))),
                    blanket_impl: false,
                });
                supertraits.extend(own.supertraits);
                std_names.extend(own.std_names);
                (path, def.name.clone())
            }
            TraitKey::Local(..) => {
                // The trait and its own supertraits, as its expansion has them.
                let own = expand_input(db, key, false)?;
                let def = db.trait_def(key).ok_or("unknown trait")?;
                supertraits.push(dynlens_expand::SupertraitInput {
                    path: def.name.clone(),
                    source: own.trait_source.clone(),
                    is_auto: false,
                    std: None,
                    already_expanded: crate::dyn_star::already_expanded(db, &def.name),
                    methods_expanded: crate::dyn_star::methods_expanded(db, &def.name),
                    blanket_impl: own.blanket_impl,
                });
                supertraits.extend(own.supertraits);
                std_names.extend(own.std_names);
                (def.name.clone(), def.name.clone())
            }
        };
        names.push(format!("{short}{}", closure::camel(&args)));
        bounds.push(format!("{trait_path}{args}"));
    }
    // One input per supertrait path (two bounds may share supertraits).
    let mut seen = std::collections::HashSet::new();
    supertraits.retain(|s| seen.insert(s.path.clone()));
    let auto_names: Vec<&str> = autos.iter().map(|(p, _)| short_name(p)).collect();
    let name = format!("{}{}", names.join(""), auto_names.join(""));
    // `Send`, `Sync` and `Unpin` are in every edition's prelude.
    bounds.extend(auto_names.iter().map(|a| a.to_string()));
    let bounds = bounds.join(" + ");
    let what = if auto_names.is_empty() {
        "implements all of them".to_string()
    } else {
        format!(
            "is {} too",
            auto_names
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    let decl = format!(
        "{}/// `{bounds}` as one trait, so that its dyn* value `Dyn{name}` {what}\n/// (implemented for every type that is all of them).\npub trait {name}: {bounds} {{}}\nimpl<T: {bounds} + ?Sized> {name} for T {{}}\n",
        headers.concat()
    );
    supertraits.extend(auto_inputs(db, autos)?);
    let input = dynlens_expand::ExpandInput {
        dyn_type_budget: None,
        trait_source: format!("pub trait {name}: {bounds} {{}}"),
        supertraits,
        forwarding_impls: false,
        // The blanket impl above covers the dyn value: no `impl {name} for Dyn{name}`.
        blanket_impl: true,
        std_names,
    };
    Ok(Combined {
        name,
        home,
        decl,
        input,
    })
}

/// The auto traits of a bound (`Send`, by their public paths) as supertraits of a generated
/// trait.
fn auto_inputs(
    db: &Db,
    autos: &[(String, TraitKey)],
) -> Result<Vec<dynlens_expand::SupertraitInput>, String> {
    let mut out = Vec::new();
    for (p, k) in autos {
        let TraitKey::Std(c) = k else { continue };
        out.push(dynlens_expand::SupertraitInput {
            path: short_name(p).to_string(),
            source: db.trait_source(k).ok_or("no declaration")?,
            is_auto: true,
            std: Some(c.to_string()),
            already_expanded: false,
            methods_expanded: false,
            blanket_impl: false,
        });
    }
    Ok(out)
}

/// `Send` for `core::marker::Send` (auto traits are in every edition's prelude).
fn short_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Where the dyn type of the trait is (or goes).
#[derive(Clone)]
pub(crate) enum DynPlace {
    /// The crate's `dyn_star` module (std and dependency traits).
    DynStar {
        module: DynStarModule,
        present: bool,
    },
    /// A trait generated for a bound of several traits (`pub trait DebugSend:
    /// std::fmt::Debug + Send {}`, implemented for every type that is all of them) or for a
    /// closure's signature (`FnU8ToU8`), and its expansion: in the crate's `dyn_star` module,
    /// or next to the workspace trait of the bound. `path_from_fn` prefixes the name where
    /// the function is.
    Combined {
        home: CombinedHome,
        present: bool,
        decl: String,
        input: dynlens_expand::ExpandInput,
        path_from_fn: String,
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
                let expanded = crate::dyn_star::already_expanded(db, &def.name);
                let trait_module = crate::naming::trait_module(db, key);
                let fn_module =
                    crate::resolve::module_of(db, FileRef::Workspace(file), func.syntax());
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
            DynPlace::Combined {
                home,
                present,
                decl,
                input,
                ..
            } => {
                if !present {
                    let exp = dynlens_expand::expand_trait(input).ok()?;
                    let text = format!("{decl}\n{}", exp.text);
                    match home {
                        CombinedHome::DynStar(module) => module.add_text(db, &text, change)?,
                        CombinedHome::NextTo(k) => {
                            let tf = db.trait_file(k)?;
                            let at = db.trait_def(k)?.range.end();
                            change
                                .push(tf, TextEdit::insert(at, format!("\n\n{}", text.trim_end())));
                        }
                    }
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
mod closure;
mod cost;
pub(crate) mod dyn_param;
mod generic;
mod receiver;
pub(crate) mod ret;
#[cfg(test)]
mod tests;
mod tokens;
