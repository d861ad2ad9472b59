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

use ra_ap_syntax::ast::{self, HasArgList, HasName, HasVisibility};
use ra_ap_syntax::{AstNode, NodeOrToken, SyntaxKind, SyntaxNode, TextRange};

use super::DynPlace;
use crate::assists::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::db::{Db, FileId, FileRef, ModuleKey, TraitKey};
use dynlens_base::{CrateId, CrateKind, TextEdit};

pub(super) const ID: &str = "convert_impl_to_dyn_star_callers";

/// What is converted.
pub(super) struct Target<'a> {
    pub func: &'a ast::Fn,
    pub param: &'a ast::Param,
    pub impl_ty: &'a ast::ImplTraitType,
    pub key: &'a TraitKey,
    pub place: &'a DynPlace,
    pub dyn_name: &'a str,
    pub dyn_args: &'a [String],
    pub x: &'a str,
    pub body_edits: &'a [(TextRange, String)],
    pub constructor: &'static str,
}

/// A call to rewrite: the argument's range, and the module it is written in.
struct Site {
    file: FileId,
    arg: TextRange,
    module: ModuleKey,
}

pub(super) fn offer(ctx: &AssistCtx<'_>, acc: &mut Assists, t: &Target<'_>) -> Option<()> {
    if !acc.wants(ID) || t.func.param_list()?.self_param().is_some() || in_impl_or_trait(t.func) {
        return None;
    }
    let db = ctx.db;
    let fn_name = t.func.name()?.text().to_string();
    let index = t
        .func
        .param_list()?
        .params()
        .position(|p| p.syntax() == t.param.syntax())?;
    let fn_module = module_of(db, ctx.file, t.func.syntax())?;
    let target = (fn_module.clone(), fn_name.clone());
    let (sites, problems) = call_sites(db, &target, index);
    if !problems.is_empty() {
        return None;
    }
    let krate = fn_module.0;
    let graph = &db.project.as_ref()?.graph;
    let public_lib = t
        .func
        .visibility()
        .is_some_and(|v| v.syntax().text() == "pub")
        && graph.get(krate).is_some_and(|c| c.kind == CrateKind::Lib);
    let n = sites.len();
    let mut label = format!(
        "dynlens: Convert `{}` to dyn* (`{}`) and rewrite {n} call{} of `{fn_name}` (one copy of `{fn_name}`, callers wrap their argument)",
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
    let ty_range = t.impl_ty.syntax().text_range();
    let ty_text = format!("{param_path}<{}>", t.dyn_args.join(", "));
    let body_edits = t.body_edits.to_vec();
    let constructor = t.constructor;
    acc.add(ID, label, AssistKind::RefactorRewrite, move || {
        let mut change = SourceChange::default();
        place.add_expansion(db, &key, file, &mut change)?;
        change.push(file, TextEdit::replace(ty_range, ty_text));
        for (r, t) in &body_edits {
            change.push(file, TextEdit::replace(*r, t.clone()));
        }
        for (s, path) in sites.iter().zip(&paths) {
            let text = db.file_text(s.file)?;
            let arg = &text[usize::from(s.arg.start())..usize::from(s.arg.end())];
            change.push(
                s.file,
                TextEdit::replace(s.arg, format!("{path}::{constructor}({arg})")),
            );
        }
        Some(change)
    });
    Some(())
}

fn in_impl_or_trait(func: &ast::Fn) -> bool {
    func.syntax()
        .parent()
        .and_then(|p| p.parent())
        .is_some_and(|i| ast::Impl::can_cast(i.kind()) || ast::Trait::can_cast(i.kind()))
}

/// The module of the project a node of a workspace file is in.
fn module_of(db: &Db, file: FileId, node: &SyntaxNode) -> Option<ModuleKey> {
    crate::resolve::module_of(db, FileRef::Workspace(file), node)
}

/// Where the dyn type is declared: its crate and module path.
fn dyn_home(db: &Db, t: &Target<'_>, fn_crate: CrateId) -> Option<(CrateId, Vec<String>)> {
    Some(match t.place {
        DynPlace::DynStar { .. } | DynPlace::Combined { .. } => {
            (fn_crate, vec!["dyn_star".to_string()])
        }
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
    let children: Vec<_> = tt
        .children_with_tokens()
        .filter(|c| !c.as_token().is_some_and(|t| t.kind().is_trivia()))
        .collect();
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
                let group = children.get(i + 1).and_then(|c| c.as_node()).filter(|n| {
                    n.kind() == SyntaxKind::TOKEN_TREE
                        && n.first_token()
                            .is_some_and(|f| f.kind() == SyntaxKind::L_PAREN)
                });
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
    let inner: Vec<_> = group
        .children_with_tokens()
        .filter(|c| !c.as_token().is_some_and(|t| t.kind().is_trivia()))
        .collect();
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
