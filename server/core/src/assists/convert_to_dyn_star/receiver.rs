//! Whether a method call `recv.name(…)` calls the method of a given type: the receiver's type,
//! found where it is plain to see without type inference.
//!
//! dynlens infers no types. A receiver's type is known when it is `self` in an `impl` of the
//! type, or a variable whose `let` states the type (`let b: Bag = …`), builds the value
//! (`Bag { … }`, `Bag(…)`, `Bag::new(…)` when `new` returns `Self`), or a parameter whose
//! type is written (`b: &mut Bag`). Anything else is unknown, and an unknown receiver of a
//! call with the method's name and arity stops the callers' rewrite (it might be a call of
//! the method through a type dynlens does not see, and would then break): the conversion
//! says so and offers the variant that changes no caller.

use ra_ap_syntax::ast::{self, HasArgList, HasGenericArgs, HasName};
use ra_ap_syntax::{AstNode, SyntaxNode};

use crate::db::{Db, FileId, FileRef, ModuleKey};
use crate::nameres::Res;

/// A type declared in the workspace: its module and name.
pub(super) type TypeKey = (ModuleKey, String);

/// What dynlens knows of a receiver's type.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Known {
    /// This type of the workspace.
    Type(TypeKey),
    /// Some other type, which cannot reach the method (no deref to it).
    Other,
}

/// The target type's context: what a receiver must be to call its method.
pub(super) struct Receivers<'a> {
    pub db: &'a Db,
    pub target: &'a TypeKey,
    /// Workspace types that implement `Deref` to something (a call may reach the target
    /// through them).
    pub derefs: Vec<String>,
}

impl Receivers<'_> {
    /// The type of the receiver expression `recv` of a call in `file`.
    pub fn of_expr(&self, file: FileId, recv: &ast::Expr) -> Option<Known> {
        match recv {
            ast::Expr::ParenExpr(p) => self.of_expr(file, &p.expr()?),
            ast::Expr::RefExpr(r) => self.of_expr(file, &r.expr()?),
            ast::Expr::PathExpr(pe) => {
                let path = pe.path()?;
                if path.qualifier().is_some() {
                    return None;
                }
                let name = path.segment()?.syntax().text().to_string();
                if name == "self" {
                    return self.self_type(file, recv.syntax());
                }
                // `Unit.method()`: a unit struct's value.
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    return self.of_path(file, recv.syntax(), &path);
                }
                self.binding(file, recv.syntax(), &name)
            }
            _ => self.value(file, recv),
        }
    }

    /// The type of the variable `name` where `at` is: its `let` or the function's parameter.
    pub fn binding(&self, file: FileId, at: &SyntaxNode, name: &str) -> Option<Known> {
        let start = at.text_range().start();
        for anc in at.ancestors() {
            if let Some(list) = ast::StmtList::cast(anc.clone()) {
                let lets = list
                    .statements()
                    .filter(|s| s.syntax().text_range().end() <= start)
                    .filter_map(|s| match s {
                        ast::Stmt::LetStmt(l) => Some(l),
                        _ => None,
                    });
                for l in lets.collect::<Vec<_>>().into_iter().rev() {
                    match l.pat() {
                        Some(ast::Pat::IdentPat(p))
                            if p.name().is_some_and(|n| n.text() == name) =>
                        {
                            return match (l.ty(), l.initializer()) {
                                (Some(ty), _) => self.of_type(file, &ty),
                                (None, Some(init)) => self.value(file, &init),
                                _ => None,
                            };
                        }
                        // A pattern that may bind the name: unknown.
                        Some(p)
                            if p.syntax()
                                .descendants()
                                .filter_map(ast::Name::cast)
                                .any(|n| n.text() == name) =>
                        {
                            return None;
                        }
                        _ => {}
                    }
                }
            } else if let Some(c) = ast::ClosureExpr::cast(anc.clone()) {
                if c.param_list().is_some_and(|l| {
                    l.syntax()
                        .descendants()
                        .filter_map(ast::Name::cast)
                        .any(|n| n.text() == name)
                }) {
                    return None;
                }
            } else if let Some(f) = ast::Fn::cast(anc.clone()) {
                for p in f.param_list()?.params() {
                    match p.pat() {
                        Some(ast::Pat::IdentPat(ip))
                            if ip.name().is_some_and(|n| n.text() == name) =>
                        {
                            return self.of_type(file, &p.ty()?);
                        }
                        _ => {}
                    }
                }
                return None;
            }
        }
        None
    }

    /// `Self` of the `impl` around `at`.
    fn self_type(&self, file: FileId, at: &SyntaxNode) -> Option<Known> {
        let imp = at.ancestors().find_map(ast::Impl::cast)?;
        self.of_type(file, &imp.self_ty()?)
    }

    /// A written type: references stripped; a path resolved.
    pub fn of_type(&self, file: FileId, ty: &ast::Type) -> Option<Known> {
        match ty {
            ast::Type::RefType(r) => self.of_type(file, &r.ty()?),
            ast::Type::ParenType(p) => self.of_type(file, &p.ty()?),
            ast::Type::PathType(pt) => self.of_path(file, ty.syntax(), &pt.path()?),
            // Tuples, arrays, slices, pointers, `dyn`, `impl`: none of them reaches the
            // target's inherent method (`impl Trait` and `dyn Trait` have only the trait's).
            ast::Type::TupleType(_)
            | ast::Type::ArrayType(_)
            | ast::Type::SliceType(_)
            | ast::Type::PtrType(_)
            | ast::Type::FnPtrType(_)
            | ast::Type::NeverType(_)
            | ast::Type::DynTraitType(_)
            | ast::Type::ImplTraitType(_) => Some(Known::Other),
            _ => None,
        }
    }

    /// A type written as the path `path` (`Bag::` in `Bag::append(…)`) where `at` is.
    pub fn type_path(&self, file: FileId, at: &SyntaxNode, path: &ast::Path) -> Option<Known> {
        self.of_path(file, at, path)
    }

    /// A type path: the target, another type, or unknown when it may deref to the target
    /// (`Box<Bag>`, a type of the workspace implementing `Deref`).
    fn of_path(&self, file: FileId, at: &SyntaxNode, path: &ast::Path) -> Option<Known> {
        let text = path.syntax().text().to_string();
        let last = path.segment()?;
        if last.generic_arg_list().is_some()
            && last
                .generic_arg_list()?
                .syntax()
                .descendants()
                .filter_map(ast::NameRef::cast)
                .any(|n| n.text() == self.target.1.as_str())
        {
            return None;
        }
        let names: Vec<String> = path
            .segments()
            .map(|s| {
                s.name_ref()
                    .map(|n| n.text().to_string())
                    .unwrap_or_else(|| s.syntax().text().to_string())
            })
            .collect();
        if names.len() == 1 && names[0] == "Self" {
            return self.self_type(file, at);
        }
        let module = crate::resolve::module_of(self.db, FileRef::Workspace(file), at)?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        match crate::nameres::resolve_path(self.db, &module, &refs) {
            Some(Res::Item(m, n)) => {
                let key = (m, n);
                if key == *self.target {
                    Some(Known::Type(key))
                } else if self.derefs.contains(&key.1) {
                    None
                } else {
                    Some(Known::Other)
                }
            }
            // A type of std or of a dependency: it reaches the target only by deref, and
            // only the pointers below deref to their argument.
            _ if !text.contains(self.target.1.as_str()) => Some(Known::Other),
            _ => None,
        }
    }

    /// The type of a value expression, where it is written out.
    fn value(&self, file: FileId, e: &ast::Expr) -> Option<Known> {
        match e {
            ast::Expr::RecordExpr(r) => self.of_path(file, e.syntax(), &r.path()?),
            ast::Expr::Literal(_) => Some(Known::Other),
            ast::Expr::ParenExpr(p) => self.value(file, &p.expr()?),
            ast::Expr::CallExpr(c) => {
                let ast::Expr::PathExpr(pe) = c.expr()? else {
                    return None;
                };
                let path = pe.path()?;
                // `Bag(…)`, `lib::Bag(…)`: a tuple struct's constructor.
                if let Some(Known::Type(k)) = self.of_path(file, e.syntax(), &path) {
                    return Some(Known::Type(k));
                }
                // `Bag::new(…)`: when `new` returns `Self` (or the type by name).
                match self.of_path(file, e.syntax(), &path.qualifier()?)? {
                    Known::Type(k) => {
                        let f = path.segment()?.name_ref()?.text().to_string();
                        self.returns_self(&k.1, &f).then_some(Known::Type(k))
                    }
                    Known::Other => None,
                }
            }
            _ => None,
        }
    }

    /// Whether an inherent `impl` of the type named `ty` in the workspace has an associated
    /// function `f` that returns `Self` (or `ty`).
    fn returns_self(&self, ty: &str, f: &str) -> bool {
        self.db.files().any(|file| {
            if !self.db.file_text(file).is_some_and(|t| t.contains(f)) {
                return false;
            }
            let Some(root) = self.db.syntax(file) else {
                return false;
            };
            root.syntax()
                .descendants()
                .filter_map(ast::Impl::cast)
                .filter(|i| {
                    i.trait_().is_none() && i.self_ty().is_some_and(|t| t.syntax().text() == ty)
                })
                .flat_map(|i| {
                    i.assoc_item_list()
                        .into_iter()
                        .flat_map(|l| l.assoc_items())
                })
                .filter_map(|a| match a {
                    ast::AssocItem::Fn(func) => Some(func),
                    _ => None,
                })
                .any(|func| {
                    func.name().is_some_and(|n| n.text() == f)
                        && func.ret_type().and_then(|r| r.ty()).is_some_and(|t| {
                            let t = t.syntax().text().to_string();
                            t == "Self" || t == ty
                        })
                })
        })
    }
}

/// The workspace's types that implement `Deref` (by name): a method call on them may reach
/// another type's method.
pub(super) fn deref_types(db: &Db) -> Vec<String> {
    let mut out = Vec::new();
    for file in db.files() {
        let Some(text) = db.file_text(file) else {
            continue;
        };
        if !text.contains("Deref") {
            continue;
        }
        let Some(root) = db.syntax(file) else {
            continue;
        };
        for i in root.syntax().descendants().filter_map(ast::Impl::cast) {
            let is_deref = i
                .trait_()
                .is_some_and(|t| t.syntax().text().to_string().ends_with("Deref"));
            if is_deref
                && let Some(ast::Type::PathType(pt)) = i.self_ty()
                && let Some(n) = pt
                    .path()
                    .and_then(|p| p.segment())
                    .and_then(|s| s.name_ref())
            {
                out.push(n.text().to_string());
            }
        }
    }
    out
}

/// The number of arguments of a method call.
pub(super) fn arity(call: &ast::MethodCallExpr) -> usize {
    call.arg_list().map_or(0, |l| l.args().count())
}
