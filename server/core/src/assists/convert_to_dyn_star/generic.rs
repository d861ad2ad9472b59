//! A generic parameter used once: `fn show<T: Shape>(s: T)` converts like `fn show(s: impl
//! Shape)` — the parameter's type becomes the dyn type and `T` leaves the generics (its
//! `<T: Shape>` and any `where T: …` predicate). Only when `T` appears nowhere else: not in
//! another parameter, the return type, another bound, nor the body (`T::new()`,
//! `size_of::<T>()`), where the dyn type could not stand in for it.

use ra_ap_syntax::ast::{self, HasGenericParams, HasName, HasTypeBounds};
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, TextRange};

/// The bounds of the generic parameter that `ty` names, and the edits removing it from the
/// function's generics; `Err(None)` when `ty` is not such a parameter, `Err(Some(why))` when it
/// is but appears elsewhere too.
#[allow(clippy::type_complexity)]
pub(super) fn used_once(
    func: &ast::Fn,
    ty: &ast::PathType,
) -> Result<(Vec<ast::TypeBound>, Vec<(TextRange, String)>), Option<String>> {
    let path = ty.path().ok_or(None)?;
    if path.qualifier().is_some() {
        return Err(None);
    }
    let seg = path.segment().ok_or(None)?;
    if seg.syntax().children().count() != 1 {
        return Err(None);
    }
    let name = seg.name_ref().ok_or(None)?.text().to_string();
    let list = func.generic_param_list().ok_or(None)?;
    let tp = list
        .generic_params()
        .find_map(|p| match p {
            ast::GenericParam::TypeParam(tp) if tp.name().is_some_and(|n| n.text() == name) => {
                Some(tp)
            }
            _ => None,
        })
        .ok_or(None)?;
    let mut bounds: Vec<ast::TypeBound> = tp
        .type_bound_list()
        .map(|l| l.bounds().collect())
        .unwrap_or_default();
    let mut preds = Vec::new();
    if let Some(wc) = func.where_clause() {
        for pred in wc.predicates() {
            if pred
                .ty()
                .is_some_and(|t| t.syntax().text() == name.as_str())
            {
                if pred.for_binder().is_some() {
                    return Err(Some(format!(
                        "`{name}` has a higher-ranked bound (`for<…>`)"
                    )));
                }
                bounds.extend(pred.type_bound_list().into_iter().flat_map(|l| l.bounds()));
                preds.push(pred);
            }
        }
    }
    if tp.default_type().is_some() {
        return Err(Some(format!("`{name}` has a default")));
    }
    // Every other mention of `T`: in the signature outside its own declaration and
    // predicates, and in the body.
    let own: Vec<TextRange> = std::iter::once(tp.syntax().text_range())
        .chain(preds.iter().map(|p| p.syntax().text_range()))
        .chain(std::iter::once(ty.syntax().text_range()))
        .collect();
    let elsewhere = func
        .syntax()
        .descendants()
        .filter_map(ast::NameRef::cast)
        .filter(|n| n.text() == name.as_str())
        .any(|n| {
            let r = n.syntax().text_range();
            !own.iter().any(|o| o.contains_range(r))
        });
    if elsewhere {
        return Err(Some(format!(
            "`{name}` appears elsewhere in the function, where a dyn type could not stand in for it"
        )));
    }
    let mut edits = vec![remove_from_list(list.syntax(), tp.syntax())];
    if let Some(wc) = func.where_clause() {
        let all = wc.predicates().count();
        if all == preds.len() {
            // The whole `where` clause, with the whitespace before it.
            let start = wc
                .syntax()
                .prev_sibling_or_token()
                .filter(|t| t.kind() == SyntaxKind::WHITESPACE)
                .map_or(wc.syntax().text_range().start(), |t| t.text_range().start());
            edits.push((
                TextRange::new(start, wc.syntax().text_range().end()),
                String::new(),
            ));
        } else {
            for p in &preds {
                edits.push(remove_from_list(wc.syntax(), p.syntax()));
            }
        }
    }
    Ok((bounds, edits))
}

/// Removes `item` from the comma-separated `list` (`<T: Shape, U>`): with the comma after it
/// (or before it, when last); the whole list when it is the only item.
fn remove_from_list(list: &SyntaxNode, item: &SyntaxNode) -> (TextRange, String) {
    let items: Vec<SyntaxNode> = list
        .children()
        .filter(|c| {
            c.kind() == item.kind()
                || ast::GenericParam::can_cast(c.kind())
                || ast::WherePred::can_cast(c.kind())
        })
        .collect();
    if items.len() == 1 && list.kind() == SyntaxKind::GENERIC_PARAM_LIST {
        return (list.text_range(), String::new());
    }
    let r = item.text_range();
    let mut next = item.next_sibling_or_token();
    while let Some(t) = next.clone().filter(|t| t.kind() == SyntaxKind::WHITESPACE) {
        next = t.next_sibling_or_token();
    }
    if let Some(comma) = next.filter(|t| t.kind() == SyntaxKind::COMMA) {
        // Up to the next item's start.
        let mut end = comma.text_range().end();
        let mut after = comma.next_sibling_or_token();
        while let Some(t) = after.filter(|t| t.kind() == SyntaxKind::WHITESPACE) {
            end = t.text_range().end();
            after = t.next_sibling_or_token();
        }
        return (TextRange::new(r.start(), end), String::new());
    }
    // The last item: from the comma before it.
    let mut prev = item.prev_sibling_or_token();
    while let Some(t) = prev.clone().filter(|t| t.kind() == SyntaxKind::WHITESPACE) {
        prev = t.prev_sibling_or_token();
    }
    match prev.filter(|t| t.kind() == SyntaxKind::COMMA) {
        Some(c) => (
            TextRange::new(c.text_range().start(), r.end()),
            String::new(),
        ),
        None => (r, String::new()),
    }
}
