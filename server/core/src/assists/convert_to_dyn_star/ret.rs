//! Assist: return a dyn* value instead of `-> impl Trait`.
//!
//! ```text
//! pub fn evens(n: u32) -> impl $0Iterator<Item = u32> { (0..n).filter(|x| x % 2 == 0) }
//! ```
//! ->
//! ```text
//! pub fn evens(n: u32) -> crate::dyn_star::DynIterator<'static, u32> {
//!     crate::dyn_star::DynIterator::new((0..n).filter(|x| x % 2 == 0))
//! }
//! ```
//! Every returned value (the body's tail and each `return e`, not those of closures or
//! nested functions inside it) is wrapped in its dyn* value. `DynTrait` implements the trait,
//! so callers that use only the trait are unchanged; the return type becomes a type they can
//! name (in a struct field, a `Vec` of them) and no longer depends on the body.
//!
//! The dyn* value's lifetime: the one written in the bound (`+ 'a`), else `'static` when the
//! function takes no borrow, else `'_` when elision gives exactly one input lifetime (`&self`,
//! or one reference among the parameters). Not offered when the function is generic (the
//! returned value may hold a type parameter, whose lifetime the dyn* value would have to
//! state), when elision is ambiguous, or for closures (callers call them: `f(x)` does not work
//! on a dyn* value on stable Rust). A caller relying on an auto trait that `impl Trait` leaked
//! (sending the returned iterator to another thread) needs the bound to say it: `impl
//! Iterator<Item = u32> + Send` is carried for std traits without generic arguments.

use ra_ap_syntax::ast::{self, HasGenericParams, HasName};
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, TextRange, TextSize};

use super::{DynTarget, Use, convertible_body, dyn_target, token_at};
use crate::assists::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::db::{Db, FileId};
use dynlens_base::TextEdit;

pub(crate) const ID: &str = "convert_impl_return_to_dyn_star";

/// The return conversion at `offset`, checked: `Err(None)` when the cursor is not on an
/// `impl Trait` return type, `Err(Some(why))` when the result would not compile.
pub(crate) struct PreparedReturn {
    func_name: String,
    impl_ty: ast::ImplTraitType,
    target: DynTarget,
    /// The dyn* value's lifetime argument.
    lifetime: String,
    /// The returned expressions' ranges.
    returned: Vec<TextRange>,
}

pub(crate) fn prepare_return(
    db: &Db,
    file: FileId,
    offset: TextSize,
) -> Result<PreparedReturn, Option<String>> {
    let no = |why: &str| Err(Some(why.to_string()));
    let ret = token_at(db, file, offset)
        .ok_or(None)?
        .parent_ancestors()
        .take_while(|n| !ast::Fn::can_cast(n.kind()))
        .find_map(ast::RetType::cast)
        .ok_or(None)?;
    let Some(ast::Type::ImplTraitType(impl_ty)) = ret.ty() else {
        return Err(None);
    };
    let func = ret.syntax().parent().and_then(ast::Fn::cast).ok_or(None)?;
    let body = convertible_body(&func, "build").map_err(Some)?;
    let func_name = func.name().ok_or(None)?.text().to_string();
    let bounds: Vec<ast::TypeBound> = impl_ty.type_bound_list().ok_or(None)?.bounds().collect();
    let target = dyn_target(db, file, &func, &bounds, Use::Return)?;
    let lifetime = match &target.lifetime {
        Some(l) => l.clone(),
        None => elided_lifetime(&func).map_err(Some)?,
    };
    let returned = returned_values(body.syntax());
    if returned.is_empty() {
        return no("the function returns no value dynlens can see (its body diverges)");
    }
    Ok(PreparedReturn {
        func_name,
        impl_ty,
        target,
        lifetime,
        returned,
    })
}

/// The lifetime of the dyn* value when the bound states none.
fn elided_lifetime(func: &ast::Fn) -> Result<String, String> {
    let generic = |g: Option<ast::GenericParamList>| {
        g.is_some_and(|g| {
            g.generic_params()
                .any(|p| matches!(p, ast::GenericParam::TypeParam(_)))
        })
    };
    let in_generic_impl = func
        .syntax()
        .ancestors()
        .find_map(ast::Impl::cast)
        .is_some_and(|i| generic(i.generic_param_list()));
    let params = func.param_list().ok_or("no parameters")?;
    let impl_params = params
        .params()
        .any(|p| matches!(p.ty(), Some(ast::Type::ImplTraitType(_))));
    if generic(func.generic_param_list()) || in_generic_impl || impl_params {
        return Err(
            "the function is generic: the returned value may hold a type parameter, and its dyn* value would have to name that parameter's lifetime"
                .into(),
        );
    }
    if let Some(s) = params.self_param()
        && (s.amp_token().is_some() || s.ty().is_some_and(|t| borrows(t.syntax())))
    {
        return Ok("'_".into());
    }
    let borrowed: usize = params
        .params()
        .filter_map(|p| p.ty())
        .map(|t| lifetimes_in(t.syntax()))
        .sum();
    match borrowed {
        0 => Ok("'static".into()),
        1 => Ok("'_".into()),
        _ => Err(
            "the parameters hold several borrows: write in the bound which one the returned value lives for (`+ 'a`)"
                .into(),
        ),
    }
}

/// How many lifetimes a type holds (`&T`, `'a`, `Foo<'_>`).
fn lifetimes_in(ty: &SyntaxNode) -> usize {
    ty.descendants_with_tokens()
        .filter(|t| matches!(t.kind(), SyntaxKind::AMP | SyntaxKind::LIFETIME_IDENT))
        .count()
}

fn borrows(ty: &SyntaxNode) -> bool {
    lifetimes_in(ty) > 0
}

/// The expressions the function returns: its body's tail (unless that diverges: `return`,
/// `loop`, a macro such as `panic!`) and each `return e` outside closures, nested functions
/// and `async` blocks.
fn returned_values(body: &SyntaxNode) -> Vec<TextRange> {
    let mut out = Vec::new();
    if let Some(tail) = ast::BlockExpr::cast(body.clone())
        .and_then(|b| b.stmt_list())
        .and_then(|s| s.tail_expr())
        && !matches!(
            tail,
            ast::Expr::ReturnExpr(_) | ast::Expr::LoopExpr(_) | ast::Expr::MacroExpr(_)
        )
    {
        out.push(tail.syntax().text_range());
    }
    let mut stack: Vec<SyntaxNode> = body.children().collect();
    while let Some(node) = stack.pop() {
        if ast::ClosureExpr::can_cast(node.kind())
            || ast::Fn::can_cast(node.kind())
            || ast::BlockExpr::cast(node.clone()).is_some_and(|b| b.async_token().is_some())
        {
            continue;
        }
        if let Some(r) = ast::ReturnExpr::cast(node.clone())
            && let Some(e) = r.expr()
        {
            out.push(e.syntax().text_range());
        }
        stack.extend(node.children());
    }
    out
}

pub(crate) fn convert_return(ctx: &AssistCtx<'_>, acc: &mut Assists) -> Option<()> {
    if !acc.wants(ID) {
        return None;
    }
    let db = ctx.db;
    let PreparedReturn {
        func_name,
        impl_ty,
        target,
        lifetime,
        returned,
    } = prepare_return(db, ctx.file, ctx.range.start()).ok()?;
    let label = format!(
        "dynlens: Return dyn* (`{}`) from `{func_name}`: a type callers can name; callers that use only the trait are unchanged",
        target.dyn_name
    );
    let file = ctx.file;
    acc.add(ID, label, AssistKind::RefactorRewrite, move || {
        let mut change = SourceChange::default();
        target
            .place
            .add_expansion(db, &target.key, file, &mut change)?;
        let mut args = target.dyn_args.clone();
        if let Some(first) = args.first_mut() {
            *first = lifetime.clone();
        }
        change.push(
            file,
            TextEdit::replace(
                impl_ty.syntax().text_range(),
                format!("{}<{}>", target.dyn_path, args.join(", ")),
            ),
        );
        // Insertions, not replacements: a `return` inside the tail (`if c { return a; } b`)
        // is wrapped inside the tail's wrapping.
        let mut inserts: Vec<(TextSize, u8, String)> = Vec::new();
        for r in &returned {
            inserts.push((r.start(), 1, format!("{}::new(", target.dyn_path)));
            inserts.push((r.end(), 0, ")".to_string()));
        }
        // At one offset, closing parentheses go before opening ones.
        inserts.sort_by_key(|(at, order, _)| (*at, *order));
        for (at, _, text) in inserts {
            change.push(file, TextEdit::insert(at, text));
        }
        Some(change)
    });
    Some(())
}

/// Hover's words for the return conversion at `offset`: `None` when the cursor is not on an
/// `impl Trait` return type.
pub(crate) fn hover(db: &Db, file: FileId, offset: TextSize) -> Option<String> {
    match prepare_return(db, file, offset) {
        Err(None) => None,
        Err(Some(why)) => Some(format!("Not offered: {why}.")),
        Ok(p) => Some(format!(
            "The function can return `{}<{}…>`: every returned value is wrapped (stored inline when it fits in a pointer, boxed otherwise); `{}` implements the trait, so callers that use only the trait are unchanged.",
            p.target.dyn_name, p.lifetime, p.target.dyn_name
        )),
    }
}
