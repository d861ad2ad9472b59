//! The variant that rewrites the callers: the parameter becomes `DynTrait<'_, …>` and every
//! call of the function in the workspace — every crate, every file, calls inside macro
//! arguments (`println!("{}", print_me(22))`) included — wraps its argument:
//! `print_me(22)` → `print_me(crate::dyn_star::DynDebug::new(22))`.
//!
//! Calls are found by resolving each path that names the function (`print_me`,
//! `crate::util::print_me`, through `use` renames and re-exports, from other crates of the
//! workspace). Offered for free functions only: a method's callers (`x.append(it)`) need the
//! receiver's type, which dynlens does not infer. A use it cannot rewrite — the function used
//! as a value (`let f = print_me;`), a call through such a value, a name in a macro that is not
//! a call — would leave the workspace broken, so then the action is not offered (the wrapper
//! variant is, changing no caller). A `pub` function of a library may have callers outside the
//! workspace: the title says so.

use ra_ap_syntax::ast::{
    self, HasArgList, HasGenericArgs, HasGenericParams, HasName, HasVisibility,
};
use ra_ap_syntax::{AstNode, NodeOrToken, SyntaxKind, SyntaxNode, TextRange};

use super::DynPlace;
use super::receiver::{Known, Receivers, TypeKey, arity, deref_types};
use crate::assists::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::db::{Db, FileId, FileRef, ModuleKey, TraitKey};
use dynlens_base::{CrateId, CrateKind, TextEdit};

pub(super) const ID: &str = "convert_impl_to_dyn_star_callers";

/// What is converted.
pub(super) struct Target<'a> {
    pub func: &'a ast::Fn,
    pub param: &'a ast::Param,
    /// The parameter's type (`impl Shape`, or `T`), replaced by the dyn type.
    pub ty_range: TextRange,
    /// Removes `T` from the generics, for a generic parameter.
    pub generic_edits: &'a [(TextRange, String)],
    pub key: &'a TraitKey,
    pub place: &'a DynPlace,
    pub dyn_name: &'a str,
    pub dyn_args: &'a [String],
    pub x: &'a str,
    pub body_edits: &'a [(TextRange, String)],
    pub wrap: super::Wrap,
}

/// A call to rewrite: the argument's range, and the module it is written in.
struct Site {
    file: FileId,
    arg: TextRange,
    module: ModuleKey,
}

pub(super) fn offer(ctx: &AssistCtx<'_>, acc: &mut Assists, t: &Target<'_>) -> Option<()> {
    if !acc.wants(ID) {
        return None;
    }
    let db = ctx.db;
    let (callee, sites) = sites(db, ctx.file, t).ok()?;
    let fn_name = callee.shown();
    let fn_module = module_of(db, ctx.file, t.func.syntax())?;
    let krate = fn_module.0;
    let graph = &db.project.as_ref()?.graph;
    let public_lib = t
        .func
        .visibility()
        .is_some_and(|v| v.syntax().text() == "pub")
        && graph.get(krate).is_some_and(|c| c.kind == CrateKind::Lib);
    let n = sites.len();
    let fn_name = fn_name.as_str();
    let how = match t.wrap {
        super::Wrap::FromRef => format!("callers pass `{}::from_ref(&x)`", t.dyn_name),
        super::Wrap::FromMut => format!("callers pass `{}::from_mut(&mut x)`", t.dyn_name),
        super::Wrap::Unbox => format!(
            "callers pass `{}::new(x)` for `Box::new(x)`: no allocation for values that fit in a pointer",
            t.dyn_name
        ),
        super::Wrap::New | super::Wrap::FromFn => {
            format!("one copy of `{fn_name}`, callers wrap their argument")
        }
    };
    let mut label = format!(
        "dynlens: Convert `{}` to dyn* (`{}`) and rewrite {n} call{} of `{fn_name}` ({how})",
        t.x,
        t.dyn_name,
        if n == 1 { "" } else { "s" }
    );
    if public_lib {
        label.push_str("; public: callers outside the workspace must wrap theirs too");
    }
    // Every site must be able to name the dyn type.
    let home = dyn_home(db, t, krate)?;
    let paths: Vec<String> = sites
        .iter()
        .map(|s| dyn_path_from(db, t.dyn_name, &home, &s.module))
        .collect::<Option<_>>()?;
    let param_path = dyn_path_from(db, t.dyn_name, &home, &fn_module)?;
    let file = ctx.file;
    let key = t.key.clone();
    let place = t.place.clone();
    let ty_range = t.ty_range;
    let generic_edits = t.generic_edits.to_vec();
    let ty_text = format!("{param_path}<{}>", t.dyn_args.join(", "));
    let body_edits = t.body_edits.to_vec();
    let wrap = t.wrap;
    acc.add(ID, label, AssistKind::RefactorRewrite, move || {
        let mut change = SourceChange::default();
        place.add_expansion(db, &key, file, &mut change)?;
        change.push(file, TextEdit::replace(ty_range, ty_text));
        for (r, t) in body_edits.iter().chain(&generic_edits) {
            change.push(file, TextEdit::replace(*r, t.clone()));
        }
        for (s, path) in sites.iter().zip(&paths) {
            let text = db.file_text(s.file)?;
            let arg = &text[usize::from(s.arg.start())..usize::from(s.arg.end())];
            change.push(
                s.file,
                TextEdit::replace(s.arg, wrap.apply(path, arg).ok()?),
            );
        }
        Some(change)
    });
    Some(())
}

/// The calls to rewrite, or why the callers cannot all be rewritten (each use that is not a
/// call dynlens can rewrite, listed); `Err` of nothing when the function is not one whose
/// callers this variant rewrites (a trait's method, or a trait impl's).
fn sites(db: &Db, file: FileId, t: &Target<'_>) -> Result<(Callee, Vec<Site>), Vec<String>> {
    let (callee, sites, problems) = scan(db, file, t).ok_or_else(Vec::new)?;
    if problems.is_empty() {
        Ok((callee, sites))
    } else {
        Err(problems)
    }
}

/// The calls found and the uses that are not calls dynlens can rewrite.
fn scan(db: &Db, file: FileId, t: &Target<'_>) -> Option<(Callee, Vec<Site>, Vec<String>)> {
    let callee = Callee::of(db, file, t.func)?;
    let index = t
        .func
        .param_list()
        .and_then(|l| l.params().position(|p| p.syntax() == t.param.syntax()))?;
    let (sites, mut problems) = match &callee {
        Callee::Free(target) => call_sites(db, target, index),
        Callee::Method { .. } => method_sites(db, &callee, index),
    };
    // A `dyn` parameter: each argument must say what it is (`&x`, `Box::new(x)`).
    for s in &sites {
        let Some(text) = db.file_text(s.file) else {
            continue;
        };
        let arg = &text[usize::from(s.arg.start())..usize::from(s.arg.end())];
        if let Err(why) = t.wrap.apply("", arg) {
            problems.push(why);
        }
    }
    // A generic parameter leaves the generics: a call naming the generic arguments
    // (`show::<Sq>(…)`) would name one too many.
    if !t.generic_edits.is_empty() {
        for s in &sites {
            if let Some(call) = turbofish_call(db, s) {
                problems.push(format!("`{call}` names the generic arguments"));
            }
        }
    }
    Some((callee, sites, problems))
}

/// Hover's view of the callers, from one scan of the workspace: the function's name as shown,
/// the arguments written for the parameter at the calls found (for the cost estimate), and
/// why the callers variant is not offered, if it is not.
pub(super) fn report(
    db: &Db,
    file: FileId,
    t: &Target<'_>,
) -> Option<(String, Vec<String>, Option<String>)> {
    let (callee, sites, mut problems) = scan(db, file, t)?;
    let texts = sites
        .iter()
        .filter_map(|s| {
            let text = db.file_text(s.file)?;
            Some(text[usize::from(s.arg.start())..usize::from(s.arg.end())].to_string())
        })
        .collect();
    let why = (!problems.is_empty()).then(|| {
        let n = problems.len();
        problems.truncate(5);
        let more = if n > 5 {
            format!(", and {} more", n - 5)
        } else {
            String::new()
        };
        format!(
            "callers not rewritten: {}{more} (the variant that changes no caller is offered)",
            problems.join("; ")
        )
    });
    Some((callee.shown(), texts, why))
}

/// The function whose callers are rewritten.
pub(super) enum Callee {
    /// A free function: its module and name.
    Free((ModuleKey, String)),
    /// A method or associated function of an inherent `impl`.
    Method {
        ty: TypeKey,
        name: String,
        has_self: bool,
        /// Its parameters, `self` not counted.
        arity: usize,
    },
}

impl Callee {
    fn of(db: &Db, file: FileId, func: &ast::Fn) -> Option<Callee> {
        let name = func.name()?.text().to_string();
        let params = func.param_list()?;
        let container = func.syntax().parent().and_then(|p| p.parent());
        if container
            .as_ref()
            .is_some_and(|c| ast::Trait::can_cast(c.kind()))
        {
            return None;
        }
        match container.and_then(ast::Impl::cast) {
            None => Some(Callee::Free((module_of(db, file, func.syntax())?, name))),
            Some(imp) => {
                // A trait impl's method has the trait's signature; a generic impl's type is
                // not followed.
                if imp.trait_().is_some() || imp.generic_param_list().is_some() {
                    return None;
                }
                let Some(ast::Type::PathType(pt)) = imp.self_ty() else {
                    return None;
                };
                let path = pt.path()?;
                if path.segments().any(|s| s.generic_arg_list().is_some()) {
                    return None;
                }
                let names = path_names(&path);
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let module = module_of(db, file, imp.syntax())?;
                let Some(crate::nameres::Res::Item(m, n)) =
                    crate::nameres::resolve_path(db, &module, &refs)
                else {
                    return None;
                };
                Some(Callee::Method {
                    ty: (m, n),
                    name,
                    has_self: params.self_param().is_some(),
                    arity: params.params().count(),
                })
            }
        }
    }

    /// `print_me`, `Bag::append`.
    fn shown(&self) -> String {
        match self {
            Callee::Free((_, n)) => n.clone(),
            Callee::Method { ty, name, .. } => format!("{}::{name}", ty.1),
        }
    }
}

/// The module of the project a node of a workspace file is in.
fn module_of(db: &Db, file: FileId, node: &SyntaxNode) -> Option<ModuleKey> {
    crate::resolve::module_of(db, FileRef::Workspace(file), node)
}

/// Where the dyn type is declared: its crate and module path.
fn dyn_home(db: &Db, t: &Target<'_>, fn_crate: CrateId) -> Option<(CrateId, Vec<String>)> {
    Some(match t.place {
        DynPlace::DynStar { .. }
        | DynPlace::Combined {
            home: super::CombinedHome::DynStar(_),
            ..
        } => (fn_crate, vec!["dyn_star".to_string()]),
        DynPlace::Combined {
            home: super::CombinedHome::NextTo(k),
            ..
        } => crate::naming::trait_module(db, k)?,
        DynPlace::NextToTrait { .. } => crate::naming::trait_module(db, t.key)?,
    })
}

/// How module `from` names the dyn type declared in `home`.
fn dyn_path_from(
    db: &Db,
    dyn_name: &str,
    home: &(CrateId, Vec<String>),
    from: &ModuleKey,
) -> Option<String> {
    let (krate, segments) = home;
    if *krate == from.0 {
        if *segments == from.1 {
            return Some(dyn_name.to_string());
        }
        let mut p = vec!["crate".to_string()];
        p.extend(segments.iter().cloned());
        p.push(dyn_name.to_string());
        return Some(p.join("::"));
    }
    let graph = &db.project.as_ref()?.graph;
    let dep = graph.get(from.0)?.deps.iter().find(|d| d.krate == *krate)?;
    let mut p = vec![dep.extern_name.clone()];
    p.extend(segments.iter().cloned());
    p.push(dyn_name.to_string());
    Some(p.join("::"))
}

/// Every call of the function `target` in the workspace, with the `index`-th argument; and
/// the uses that are not calls it can rewrite.
fn call_sites(db: &Db, target: &(ModuleKey, String), index: usize) -> (Vec<Site>, Vec<String>) {
    let (mut sites, mut problems) = (Vec::new(), Vec::new());
    let names = aliases(db, &target.1);
    for file in db.files() {
        let Some(text) = db.file_text(file) else {
            continue;
        };
        if !names.iter().any(|n| text.contains(n.as_str())) {
            continue;
        }
        let Some(root) = db.syntax(file) else {
            continue;
        };
        for node in root.syntax().descendants() {
            if let Some(pe) = ast::PathExpr::cast(node.clone()) {
                let Some(path) = pe.path() else { continue };
                if path
                    .segment()
                    .and_then(|s| s.name_ref())
                    .is_none_or(|n| !names.iter().any(|a| a == n.text()))
                {
                    continue;
                }
                let segments = path_names(&path);
                let Some(module) = module_of(db, file, &node) else {
                    continue;
                };
                let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
                if crate::nameres::resolve_value(db, &module, &refs).as_ref() != Some(target) {
                    continue;
                }
                let call = node.parent().and_then(ast::CallExpr::cast);
                match call.and_then(|c| c.arg_list()?.args().nth(index)) {
                    Some(arg) => sites.push(Site {
                        file,
                        arg: arg.syntax().text_range(),
                        module,
                    }),
                    None => problems.push(format!("`{}` used as a value", node.text())),
                }
            } else if let Some(mc) = ast::MacroCall::cast(node.clone()) {
                let Some(tt) = mc.token_tree() else { continue };
                let Some(module) = module_of(db, file, &node) else {
                    continue;
                };
                macro_sites(
                    db,
                    file,
                    &module,
                    tt.syntax(),
                    (target, &names),
                    index,
                    &mut sites,
                    &mut problems,
                );
            }
        }
    }
    (sites, problems)
}

/// The names the function may be called by: its own, and every `use … as alias` of the
/// workspace whose last segment is one of them (to a fixed point).
fn aliases(db: &Db, name: &str) -> Vec<String> {
    fn uses(scope: &crate::item_tree::ItemScope, out: &mut Vec<(String, String)>) {
        for u in &scope.uses {
            if let (crate::item_tree::UseKind::Named(alias), Some(last)) = (&u.kind, u.path.last())
                && alias != last
            {
                out.push((last.clone(), alias.clone()));
            }
        }
        for d in &scope.defs {
            if let crate::item_tree::DefKind::Module(m) = &d.kind
                && let Some(inner) = &m.inline
            {
                uses(inner, out);
            }
        }
    }
    let mut renames = Vec::new();
    for f in db.files() {
        if let Some(tree) = db.item_tree_of(FileRef::Workspace(f)) {
            uses(&tree.root, &mut renames);
        }
    }
    let mut names = vec![name.to_string()];
    let mut changed = true;
    while changed {
        changed = false;
        for (from, to) in &renames {
            if names.contains(from) && !names.contains(to) {
                names.push(to.clone());
                changed = true;
            }
        }
    }
    names
}

fn path_names(path: &ast::Path) -> Vec<String> {
    path.segments()
        .map(|s| {
            s.name_ref()
                .map(|n| n.text().to_string())
                .unwrap_or_else(|| s.syntax().text().to_string())
        })
        .collect()
}

/// Calls inside a macro's arguments: `name` (or `a::b::name`) followed by a `( … )` group,
/// whose arguments are split at its top-level commas.
#[allow(clippy::too_many_arguments)]
fn macro_sites(
    db: &Db,
    file: FileId,
    module: &ModuleKey,
    tt: &SyntaxNode,
    (target, names): (&(ModuleKey, String), &[String]),
    index: usize,
    sites: &mut Vec<Site>,
    problems: &mut Vec<String>,
) {
    let children = super::tokens::significant(tt);
    for (i, child) in children.iter().enumerate() {
        match child {
            NodeOrToken::Node(n) => {
                macro_sites(db, file, module, n, (target, names), index, sites, problems);
            }
            NodeOrToken::Token(t)
                if t.kind() == SyntaxKind::IDENT && names.iter().any(|n| n == t.text()) =>
            {
                // The path before it: `a :: b ::` pairs.
                let mut names = vec![t.text().to_string()];
                let mut j = i;
                while j >= 3
                    && children[j - 1]
                        .as_token()
                        .is_some_and(|c| c.kind() == SyntaxKind::COLON)
                    && children[j - 2]
                        .as_token()
                        .is_some_and(|c| c.kind() == SyntaxKind::COLON)
                    && let Some(seg) = children[j - 3].as_token().filter(|c| {
                        matches!(
                            c.kind(),
                            SyntaxKind::IDENT
                                | SyntaxKind::CRATE_KW
                                | SyntaxKind::SELF_KW
                                | SyntaxKind::SUPER_KW
                        )
                    })
                {
                    names.insert(0, seg.text().to_string());
                    j -= 3;
                }
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                if crate::nameres::resolve_value(db, module, &refs).as_ref() != Some(target) {
                    continue;
                }
                let group = super::tokens::paren_group_after(&children, i);
                match group.and_then(|g| nth_argument(g, index)) {
                    Some(arg) => sites.push(Site {
                        file,
                        arg,
                        module: module.clone(),
                    }),
                    None => problems.push(format!(
                        "`{}` inside a macro, not as a call",
                        names.join("::")
                    )),
                }
            }
            _ => {}
        }
    }
}

/// The range of the `index`-th comma-separated argument of a `( … )` token tree.
fn nth_argument(group: &SyntaxNode, index: usize) -> Option<TextRange> {
    let inner = super::tokens::significant(group);
    let inner = inner.get(1..inner.len().checked_sub(1)?)?;
    let mut args: Vec<Vec<TextRange>> = vec![Vec::new()];
    for c in inner {
        if c.as_token().is_some_and(|t| t.kind() == SyntaxKind::COMMA) {
            args.push(Vec::new());
        } else {
            args.last_mut()?.push(c.text_range());
        }
    }
    let arg = args.get(index)?;
    Some(TextRange::new(arg.first()?.start(), arg.last()?.end()))
}

/// Every call of the method `callee` in the workspace: `recv.name(…)` where the receiver is
/// plainly of the type (`receiver.rs`), `Type::name(…)` and `Self::name(…)`; with the
/// `index`-th argument (after `self`). A call with the method's name and arity whose receiver's
/// type dynlens cannot tell, a use that is not a call, and a call inside a macro whose receiver
/// is not a plain variable are reported.
fn method_sites(db: &Db, callee: &Callee, index: usize) -> (Vec<Site>, Vec<String>) {
    let Callee::Method {
        ty,
        name,
        has_self,
        arity: params,
    } = callee
    else {
        return (Vec::new(), Vec::new());
    };
    let receivers = Receivers {
        db,
        target: ty,
        derefs: deref_types(db),
    };
    let (mut sites, mut problems) = (Vec::new(), Vec::new());
    for file in db.files() {
        let Some(text) = db.file_text(file) else {
            continue;
        };
        if !text.contains(name.as_str()) {
            continue;
        }
        let Some(root) = db.syntax(file) else {
            continue;
        };
        let line_of = |node: &SyntaxNode| {
            let at = usize::from(node.text_range().start());
            let line = text[..at].matches('\n').count() + 1;
            let path = db.file_path(file).map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            format!("{}:{line}", path.unwrap_or_default())
        };
        for node in root.syntax().descendants() {
            if let Some(mc) = ast::MethodCallExpr::cast(node.clone()) {
                if mc.name_ref().is_none_or(|n| n.text() != name.as_str())
                    || arity(&mc) != *params
                    || !has_self
                {
                    continue;
                }
                let Some(recv) = mc.receiver() else { continue };
                match receivers.of_expr(file, &recv) {
                    Some(Known::Type(_)) => {
                        let Some(module) = module_of(db, file, &node) else {
                            continue;
                        };
                        if let Some(arg) = mc.arg_list().and_then(|l| l.args().nth(index)) {
                            sites.push(Site {
                                file,
                                arg: arg.syntax().text_range(),
                                module,
                            });
                        }
                    }
                    Some(Known::Other) => {}
                    None => problems.push(format!(
                        "`{}.{name}(…)` at {}: dynlens cannot tell the receiver's type",
                        recv.syntax().text(),
                        line_of(&node)
                    )),
                }
            } else if let Some(pe) = ast::PathExpr::cast(node.clone()) {
                let Some(path) = pe.path() else { continue };
                let Some(q) = path.qualifier() else { continue };
                if path
                    .segment()
                    .and_then(|s| s.name_ref())
                    .is_none_or(|n| n.text() != name.as_str())
                {
                    continue;
                }
                let known = match &*q.syntax().text().to_string() {
                    "Self" => node
                        .ancestors()
                        .find_map(ast::Impl::cast)
                        .and_then(|i| i.self_ty())
                        .and_then(|t| receivers.of_type(file, &t)),
                    _ => receivers.type_path(file, &node, &q),
                };
                if !matches!(known, Some(Known::Type(_))) {
                    continue;
                }
                let call = node
                    .parent()
                    .and_then(ast::CallExpr::cast)
                    .filter(|c| c.expr().is_some_and(|e| e.syntax() == &node));
                let shift = usize::from(*has_self);
                match call.and_then(|c| c.arg_list()?.args().nth(index + shift)) {
                    Some(arg) => {
                        if let Some(module) = module_of(db, file, &node) {
                            sites.push(Site {
                                file,
                                arg: arg.syntax().text_range(),
                                module,
                            });
                        }
                    }
                    None => problems.push(format!(
                        "`{}` used as a value at {}",
                        node.text(),
                        line_of(&node)
                    )),
                }
            } else if let Some(mac) = ast::MacroCall::cast(node.clone()) {
                let Some(tt) = mac.token_tree() else { continue };
                let mut found = Vec::new();
                method_calls_in_tokens(tt.syntax(), name, &mut found);
                for (recv, group) in found {
                    let known = match &recv {
                        Some(v) if v == "self" => node
                            .ancestors()
                            .find_map(ast::Impl::cast)
                            .and_then(|i| i.self_ty())
                            .and_then(|t| receivers.of_type(file, &t)),
                        Some(v) => receivers.binding(file, &node, v),
                        None => None,
                    };
                    let arg = nth_argument(&group, index);
                    let args = count_arguments(&group);
                    if args != *params {
                        continue;
                    }
                    match (known, arg, module_of(db, file, &node)) {
                        (Some(Known::Other), _, _) => {}
                        (Some(Known::Type(_)), Some(arg), Some(module)) => sites.push(Site {
                            file,
                            arg,
                            module,
                        }),
                        _ => problems.push(format!(
                            "`….{name}(…)` inside `{}!` at {}: dynlens cannot tell the receiver's type",
                            mac.path().map(|p| p.syntax().text().to_string()).unwrap_or_default(),
                            line_of(&node)
                        )),
                    }
                }
            }
        }
    }
    (sites, problems)
}

/// `recv . name ( … )` in a macro's tokens: the receiver when it is one identifier (`None`
/// otherwise), and the argument group.
fn method_calls_in_tokens(
    tt: &SyntaxNode,
    name: &str,
    out: &mut Vec<(Option<String>, SyntaxNode)>,
) {
    let children = super::tokens::significant(tt);
    for (i, child) in children.iter().enumerate() {
        match child {
            NodeOrToken::Node(n) => method_calls_in_tokens(n, name, out),
            NodeOrToken::Token(t) if t.kind() == SyntaxKind::IDENT && t.text() == name => {
                let after_dot = i >= 1
                    && children[i - 1]
                        .as_token()
                        .is_some_and(|d| d.kind() == SyntaxKind::DOT);
                let group = super::tokens::paren_group_after(&children, i);
                let (true, Some(group)) = (after_dot, group) else {
                    continue;
                };
                // The receiver: one identifier (or `self`) not itself after a `.` or `::`.
                let recv = (i >= 2)
                    .then(|| children[i - 2].as_token())
                    .flatten()
                    .filter(|r| matches!(r.kind(), SyntaxKind::IDENT | SyntaxKind::SELF_KW))
                    .filter(|_| {
                        i < 3
                            || !children[i - 3].as_token().is_some_and(|p| {
                                matches!(p.kind(), SyntaxKind::DOT | SyntaxKind::COLON)
                            })
                    })
                    .map(|r| r.text().to_string());
                out.push((recv, group.clone()));
            }
            _ => {}
        }
    }
}

/// The number of comma-separated arguments of a `( … )` token tree.
fn count_arguments(group: &SyntaxNode) -> usize {
    (0..)
        .find(|i| nth_argument(group, *i).is_none())
        .unwrap_or(0)
}

/// The call around a site's argument, when it names generic arguments (`f::<T>(…)`,
/// `x.m::<T>(…)`).
fn turbofish_call(db: &Db, site: &Site) -> Option<String> {
    let root = db.syntax(site.file)?;
    let list = root
        .syntax()
        .covering_element(site.arg)
        .ancestors()
        .find_map(ast::ArgList::cast)?;
    let call = list.syntax().parent()?;
    let turbofish = if let Some(c) = ast::CallExpr::cast(call.clone()) {
        match c.expr()? {
            ast::Expr::PathExpr(pe) => pe.path()?.segment()?.generic_arg_list().is_some(),
            _ => false,
        }
    } else if let Some(m) = ast::MethodCallExpr::cast(call.clone()) {
        m.generic_arg_list().is_some()
    } else {
        false
    };
    turbofish.then(|| {
        let text = call.text().to_string();
        text.split('(').next().unwrap_or(&text).to_string() + "(…)"
    })
}
