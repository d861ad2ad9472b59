//! Extraction of trait declarations from the standard library's real source files.
//!
//! rust-src is nightly-flavoured Rust full of things dynlens does not care about and that `syn`
//! cannot even parse: `#[stable]`/`#[rustc_*]`/`#[lang]` attributes, `const trait` and
//! `[const]`/`~const` bounds, `#[cfg]`-gated items, macros. The extraction therefore runs in
//! two steps:
//!
//! 1. rust-analyzer's error-tolerant parser (`ra_ap_syntax`) finds the module-level `pub trait`
//!    with the wanted name and reprints its tokens without comments (doc comments included),
//!    without attributes (except `#[unstable(feature = "…")]` on the trait's items), without the `const` of `const trait` and of `[const]`/`~const`
//!    bounds, without associated items whose `#[cfg]` is known to be off in a normal build, and
//!    with every default method body replaced by `{}` (so "has a default body" survives as
//!    `{}` versus `;`).
//! 2. That stripped text goes through `syn`, where the sized-hierarchy bounds of the unstable
//!    `sized_hierarchy` feature are rewritten into the stable spelling users know
//!    (`Rhs: PointeeSized` becomes `Rhs: ?Sized`; `PointeeSized`/`MetaSized` supertraits, which
//!    every trait has implicitly, are dropped — except in the declarations of `Sized`,
//!    `MetaSized` and `PointeeSized` themselves), and `prettyplease` prints it in one uniform
//!    format.
//!
//! The result is checked to parse cleanly with both `ra_ap_syntax` and `syn`; a trait that does
//! not survive a step is reported as an error, never returned half-done.

use std::collections::HashMap;

use ra_ap_syntax::{
    AstNode, Edition, NodeOrToken, SourceFile, SyntaxKind, SyntaxNode, WalkEvent,
    ast::{self, HasAttrs, HasModuleItem, HasName, HasVisibility},
};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

/// Why a trait could not be extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ExtractError {
    /// No module-level `pub trait` of that name in the file.
    #[error("no `pub trait {0}` at module level")]
    NotFound(String),
    /// The stripped declaration is not something `syn` accepts.
    #[error("`{name}` does not parse with syn after stripping: {message}")]
    Syn { name: String, message: String },
    /// The printed declaration does not parse back cleanly with `ra_ap_syntax`.
    #[error("`{name}` does not parse back cleanly: {message}")]
    Reparse { name: String, message: String },
}

/// Extracts the declarations of the traits called `names` from one source file's text.
/// Parses the file once; each name gets its own result.
pub(crate) fn extract_traits(
    file_text: &str,
    names: &[&str],
) -> HashMap<String, Result<String, ExtractError>> {
    let parse = SourceFile::parse(file_text, Edition::Edition2024);
    let file = parse.tree();
    let mut found: HashMap<&str, ast::Trait> = HashMap::new();
    for trait_ in module_level_pub_traits(file.syntax()) {
        let Some(name) = trait_.name() else { continue };
        let name = name.text().to_string();
        if let Some(wanted) = names.iter().find(|n| **n == name) {
            found.entry(wanted).or_insert(trait_);
        }
    }
    names
        .iter()
        .map(|name| {
            let result = match found.get(name) {
                Some(trait_) => render_trait(name, trait_),
                None => Err(ExtractError::NotFound((*name).to_owned())),
            };
            ((*name).to_owned(), result)
        })
        .collect()
}

/// `pub trait` items reachable through modules only (not local traits inside function bodies;
/// macro bodies are token trees, so traits written inside macros are never seen).
fn module_level_pub_traits(root: &SyntaxNode) -> impl Iterator<Item = ast::Trait> + '_ {
    root.descendants()
        .filter_map(ast::Trait::cast)
        .filter(|trait_| {
            let public = trait_
                .visibility()
                .is_some_and(|v| v.syntax().text() == "pub");
            let at_module_level = trait_.syntax().ancestors().skip(1).all(|a| {
                matches!(
                    a.kind(),
                    SyntaxKind::SOURCE_FILE | SyntaxKind::MODULE | SyntaxKind::ITEM_LIST
                )
            });
            public && at_module_level
        })
}

/// Strips, normalizes and prints one trait.
fn render_trait(name: &str, trait_: &ast::Trait) -> Result<String, ExtractError> {
    let stripped = strip_trait(trait_);
    let mut item: syn::ItemTrait = syn::parse_str(&stripped).map_err(|e| ExtractError::Syn {
        name: name.to_owned(),
        message: e.to_string(),
    })?;
    normalize_sizedness(&mut item);
    let text = print_trait(item);
    check_trait_text(name, &text)?;
    Ok(text)
}

/// Prints a trait item alone, formatted by prettyplease.
pub(crate) fn print_trait(item: syn::ItemTrait) -> String {
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![syn::Item::Trait(item)],
    };
    prettyplease::unparse(&file)
}

/// Checks that `text` is a file whose first item is the trait `name`, for both parsers.
pub(crate) fn check_trait_text(name: &str, text: &str) -> Result<(), ExtractError> {
    let reparse_error = |message: String| ExtractError::Reparse {
        name: name.to_owned(),
        message,
    };
    let parse = SourceFile::parse(text, Edition::Edition2024);
    if let Some(error) = parse.errors().first() {
        return Err(reparse_error(error.to_string()));
    }
    let first = parse.tree().items().next();
    let first_name = match first {
        Some(ast::Item::Trait(t)) => t.name().map(|n| n.text().to_string()),
        _ => None,
    };
    if first_name.as_deref() != Some(name) {
        return Err(reparse_error(format!(
            "the first item is not `trait {name}`"
        )));
    }
    let item: syn::ItemTrait = syn::parse_str(text).map_err(|e| ExtractError::Syn {
        name: name.to_owned(),
        message: e.to_string(),
    })?;
    if item.ident != name {
        return Err(reparse_error(format!("syn sees `trait {}`", item.ident)));
    }
    Ok(())
}

/// Reprints the trait's tokens, leaving out what does not matter to dynlens (see module docs).
fn strip_trait(trait_: &ast::Trait) -> String {
    let own_items = trait_.assoc_item_list().map(|list| list.syntax().clone());
    let mut out = String::new();
    let mut walk = trait_.syntax().preorder_with_tokens();
    while let Some(event) = walk.next() {
        match event {
            WalkEvent::Enter(NodeOrToken::Node(node)) => {
                if node.kind() == SyntaxKind::ATTR {
                    walk.skip_subtree();
                    // `#[unstable(feature = "…")]` on an item of the trait stays: stable code
                    // cannot name the item (the expansion gives it no slot).
                    if node.parent().and_then(|p| p.parent()) == own_items
                        && let Some(attr) = ast::Attr::cast(node.clone())
                        && attr.path().is_some_and(|p| p.syntax().text() == "unstable")
                    {
                        out.push_str(&unstable_attr(&attr));
                    }
                    out.push(' ');
                } else if node.parent() == own_items && cfg_disabled(&node) {
                    walk.skip_subtree();
                } else if is_own_default_body(&node, own_items.as_ref()) {
                    walk.skip_subtree();
                    out.push_str("{}");
                }
            }
            WalkEvent::Enter(NodeOrToken::Token(token)) => {
                let parent = token.parent().map(|p| p.kind());
                let skip = match token.kind() {
                    SyntaxKind::COMMENT => true,
                    // `const trait Clone` (the trait may be implemented as `const`).
                    SyntaxKind::CONST_KW => {
                        matches!(parent, Some(SyntaxKind::TRAIT | SyntaxKind::TYPE_BOUND))
                    }
                    // `[const] Trait` and `~const Trait` bound modifiers.
                    SyntaxKind::L_BRACK | SyntaxKind::R_BRACK | SyntaxKind::TILDE => {
                        parent == Some(SyntaxKind::TYPE_BOUND)
                    }
                    _ => false,
                };
                if skip {
                    out.push(' ');
                } else {
                    out.push_str(token.text());
                }
            }
            WalkEvent::Leave(_) => {}
        }
    }
    out
}

/// `#[unstable(feature = "name")]`, the feature of an `#[unstable]` attribute (its issue
/// number and reason dropped).
fn unstable_attr(attr: &ast::Attr) -> String {
    let text = attr.syntax().text().to_string();
    let feature = text
        .split_once("feature")
        .and_then(|(_, rest)| rest.split('"').nth(1))
        .unwrap_or("unknown");
    format!("#[unstable(feature = \"{feature}\")]")
}

/// The body block of a method declared directly in the trait.
fn is_own_default_body(node: &SyntaxNode, own_items: Option<&SyntaxNode>) -> bool {
    node.kind() == SyntaxKind::BLOCK_EXPR
        && node
            .parent()
            .is_some_and(|f| f.kind() == SyntaxKind::FN && f.parent().as_ref() == own_items)
}

/// An associated item whose `#[cfg(..)]` is known to be false in a normal build of std.
fn cfg_disabled(node: &SyntaxNode) -> bool {
    let Some(item) = ast::AssocItem::cast(node.clone()) else {
        return false;
    };
    item.attrs().any(|attr| match attr.meta() {
        Some(ast::Meta::CfgMeta(cfg)) => cfg
            .cfg_predicate()
            .is_some_and(|p| eval_cfg(&p) == Some(false)),
        _ => false,
    })
}

/// Evaluates a cfg predicate for an ordinary (non-test, non-bootstrap) build of the standard
/// library: `Some(value)` when known, `None` when it depends on the target or on something this
/// small evaluator does not model (such items are kept).
fn eval_cfg(predicate: &ast::CfgPredicate) -> Option<bool> {
    match predicate {
        ast::CfgPredicate::CfgAtom(atom) => {
            if atom.true_token().is_some() {
                return Some(true);
            }
            if atom.false_token().is_some() {
                return Some(false);
            }
            let ident = atom.ident_token()?;
            if atom.eq_token().is_some() {
                return None; // key = "value": target-dependent
            }
            match ident.text() {
                "test"
                | "doc"
                | "doctest"
                | "bootstrap"
                | "miri"
                | "no_global_oom_handling"
                | "no_rc"
                | "no_sync"
                | "no_fp_fmt_parse"
                | "feature" => Some(false),
                _ => None,
            }
        }
        ast::CfgPredicate::CfgComposite(composite) => {
            let keyword = composite.keyword()?;
            let mut values = composite.cfg_predicates().map(|p| eval_cfg(&p));
            match keyword.text() {
                "not" => {
                    let inner = values.next()??;
                    Some(!inner)
                }
                "all" => values.try_fold(true, |acc, v| match v {
                    Some(false) => Some(false),
                    Some(true) => Some(acc),
                    None => None,
                }),
                "any" => values.try_fold(false, |acc, v| match v {
                    Some(true) => Some(true),
                    Some(false) => Some(acc),
                    None => None,
                }),
                _ => None,
            }
        }
    }
}

/// The traits of the unstable sized hierarchy.
const SIZED_HIERARCHY: [&str; 3] = ["Sized", "MetaSized", "PointeeSized"];

/// Rewrites `PointeeSized`/`MetaSized` bounds into the stable spelling (see module docs).
fn normalize_sizedness(item: &mut syn::ItemTrait) {
    let declares_hierarchy = SIZED_HIERARCHY.contains(&item.ident.to_string().as_str());
    if !declares_hierarchy {
        let kept: Punctuated<syn::TypeParamBound, syn::Token![+]> = item
            .supertraits
            .iter()
            .filter(|b| !is_relaxing_bound(b))
            .cloned()
            .collect();
        item.supertraits = kept;
        if item.supertraits.is_empty() {
            item.colon_token = None;
        }
        if let Some(where_clause) = &mut item.generics.where_clause {
            // `where Self: PointeeSized` on the trait says nothing either.
            for predicate in where_clause.predicates.iter_mut() {
                if let syn::WherePredicate::Type(p) = predicate
                    && is_self_type(&p.bounded_ty)
                {
                    p.bounds = p
                        .bounds
                        .iter()
                        .filter(|b| !is_relaxing_bound(b))
                        .cloned()
                        .collect();
                }
            }
            where_clause.predicates = where_clause
                .predicates
                .iter()
                .filter(|p| !matches!(p, syn::WherePredicate::Type(t) if t.bounds.is_empty()))
                .cloned()
                .collect();
            if where_clause.predicates.is_empty() {
                item.generics.where_clause = None;
            }
        }
    }
    RelaxBounds.visit_item_trait_mut(item);
}

fn is_self_type(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self"))
}

/// `PointeeSized` or `MetaSized`, however qualified, without a modifier.
fn is_relaxing_bound(bound: &syn::TypeParamBound) -> bool {
    match bound {
        syn::TypeParamBound::Trait(t) => {
            matches!(t.modifier, syn::TraitBoundModifier::None)
                && t.path.segments.last().is_some_and(|s| {
                    s.arguments.is_none() && (s.ident == "PointeeSized" || s.ident == "MetaSized")
                })
        }
        _ => false,
    }
}

/// Replaces `PointeeSized`/`MetaSized` in bound lists by `?Sized` (once per list).
struct RelaxBounds;

impl RelaxBounds {
    fn relax(bounds: &mut Punctuated<syn::TypeParamBound, syn::Token![+]>) {
        if !bounds.iter().any(is_relaxing_bound) {
            return;
        }
        let mut out: Punctuated<syn::TypeParamBound, syn::Token![+]> = Punctuated::new();
        let mut relaxed = false;
        for bound in bounds.iter() {
            let is_maybe_sized = matches!(bound, syn::TypeParamBound::Trait(t)
                if matches!(t.modifier, syn::TraitBoundModifier::Maybe(_)) && t.path.is_ident("Sized"));
            if is_relaxing_bound(bound) || is_maybe_sized {
                if !relaxed {
                    out.push(syn::parse_quote!(?Sized));
                    relaxed = true;
                }
            } else {
                out.push(bound.clone());
            }
        }
        *bounds = out;
    }
}

impl VisitMut for RelaxBounds {
    fn visit_type_param_mut(&mut self, param: &mut syn::TypeParam) {
        Self::relax(&mut param.bounds);
        syn::visit_mut::visit_type_param_mut(self, param);
    }
    fn visit_predicate_type_mut(&mut self, predicate: &mut syn::PredicateType) {
        Self::relax(&mut predicate.bounds);
        syn::visit_mut::visit_predicate_type_mut(self, predicate);
    }
    fn visit_trait_item_type_mut(&mut self, item: &mut syn::TraitItemType) {
        Self::relax(&mut item.bounds);
        syn::visit_mut::visit_trait_item_type_mut(self, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, name: &str) -> Result<String, ExtractError> {
        extract_traits(text, &[name])
            .remove(name)
            .unwrap_or(Err(ExtractError::NotFound(name.into())))
    }

    #[test]
    fn strips_rustc_decorations_and_keeps_the_shape() {
        let text = r#"
            //! module docs
            use crate::marker::PointeeSized;
            macro_rules! m { () => { pub trait PartialEq {} } }
            /// Docs.
            #[lang = "eq"]
            #[rustc_const_unstable(feature = "const_cmp", issue = "143800")]
            pub const trait PartialEq<Rhs: PointeeSized = Self>: PointeeSized {
                /// eq docs
                #[must_use]
                fn eq(&self, other: &Rhs) -> bool;
                #[inline]
                fn ne(&self, other: &Rhs) -> bool {
                    // a comment
                    !self.eq(other)
                }
                #[cfg(test)]
                fn only_in_tests(&self);
                #[cfg(not(no_global_oom_handling))]
                fn kept(&self) where Self: [const] Destruct + Sized {}
                #[cfg(all(not(test), target_os = "linux"))]
                fn target_dependent(&self) where Self: ~const Destruct;
                #[cfg(any(test, doc))]
                fn never(&self);
            }
        "#;
        let out = one(text, "PartialEq").expect("extracts");
        let expected = "pub trait PartialEq<Rhs: ?Sized = Self> {\n    fn eq(&self, other: &Rhs) -> bool;\n    fn ne(&self, other: &Rhs) -> bool {}\n    fn kept(&self)\n    where\n        Self: Destruct + Sized,\n    {}\n    fn target_dependent(&self)\n    where\n        Self: Destruct;\n}\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn keeps_unsafe_auto_and_the_sized_hierarchy() {
        let text = "pub unsafe auto trait Send {}\npub trait Sized: MetaSized {}\n";
        assert_eq!(
            one(text, "Send").as_deref(),
            Ok("pub unsafe auto trait Send {}\n")
        );
        assert_eq!(
            one(text, "Sized").as_deref(),
            Ok("pub trait Sized: MetaSized {}\n")
        );
    }

    #[test]
    fn ignores_local_and_private_traits() {
        let text =
            "fn f() { pub trait A {} }\ntrait B {}\nmod m { pub trait C { fn c(&self); } }\n";
        assert!(matches!(one(text, "A"), Err(ExtractError::NotFound(_))));
        assert!(matches!(one(text, "B"), Err(ExtractError::NotFound(_))));
        assert_eq!(
            one(text, "C").as_deref(),
            Ok("pub trait C {\n    fn c(&self);\n}\n")
        );
    }
}
