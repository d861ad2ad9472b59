//! The trait model: plain data lowered from the syntax tree.
//!
//! Everything the rules, the vtable layout and the hover need to know about a trait is here,
//! as owned data with byte ranges into the file it came from. Lowering is total: half-typed
//! code produces a model with the parts that parsed (a missing type is [`Ty::Unknown`]).

use ra_ap_syntax::ast::{
    self, HasAttrs, HasGenericArgs, HasGenericParams, HasModuleItem, HasName, HasTypeBounds,
};
use std::sync::Arc;

use ra_ap_syntax::{AstNode, SourceFile, TextRange, TextSize};

use crate::macros::{AttrMeaning, MacroKind};

/// A path such as `std::fmt::Debug` or `Box<Self>`: segments with their generic arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TyPath {
    pub segments: Vec<Segment>,
}

/// One segment of a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Segment {
    pub name: String,
    pub args: Vec<GenericArg>,
}

/// A generic argument in a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GenericArg {
    Type(Ty),
    Lifetime(String),
    Const(String),
    /// `Item = u32` or `Item: Debug` (an associated item constraint).
    AssocType {
        name: String,
        ty: Option<Ty>,
        bounds: Vec<Bound>,
    },
}

/// A type, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `Self`, `T`, `Box<Self>`, `Self::Item`, `std::rc::Rc<Self>`.
    Path(TyPath),
    /// `<Self as Trait>::Item` (qualified path).
    Qualified {
        self_ty: Box<Ty>,
        trait_: Option<TyPath>,
        rest: Vec<Segment>,
    },
    Ref {
        lifetime: Option<String>,
        mutable: bool,
        inner: Box<Ty>,
    },
    Ptr {
        mutable: bool,
        inner: Box<Ty>,
    },
    Tuple(Vec<Ty>),
    Slice(Box<Ty>),
    Array(Box<Ty>),
    FnPtr {
        params: Vec<Ty>,
        ret: Option<Box<Ty>>,
    },
    ImplTrait(Vec<Bound>),
    DynTrait(Vec<Bound>),
    Never,
    Infer,
    /// A macro call in type position, or a type that did not parse.
    Unknown,
}

/// A bound: `Debug`, `?Sized`, `'a`, `PartialEq<Self>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Bound {
    /// `higher_ranked`: `for<'a> Trait<&'a T>`.
    Trait {
        path: TyPath,
        maybe: bool,
        range: TextRange,
        higher_ranked: bool,
    },
    Lifetime(String),
    /// `use<..>` precise capturing and anything else that is not a trait.
    Other,
}

/// The kind of a generic parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GenericParamKind {
    Lifetime,
    Type,
    Const,
}

/// A generic parameter with its inline bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericParam {
    pub kind: GenericParamKind,
    pub name: String,
    pub bounds: Vec<Bound>,
    pub default: Option<Ty>,
    pub range: TextRange,
    /// Synthesized from an `impl Trait` argument.
    pub from_impl_trait: bool,
}

/// A `where` predicate `Ty: Bounds` (or `'a: 'b`, in which case `ty` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WherePred {
    pub ty: Option<Ty>,
    pub bounds: Vec<Bound>,
    pub range: TextRange,
}

/// How a method takes `self`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receiver {
    /// The receiver's type with the shorthand expanded (`&self` → `&Self`).
    pub ty: Ty,
    /// The receiver as written, e.g. `&mut self` or `self: Box<Self>`.
    pub text: String,
    pub range: TextRange,
}

/// A parameter other than the receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub ty: Ty,
    pub text: String,
    pub range: TextRange,
}

/// A method or associated function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    /// The signature as written, `fn name(..) -> R where ..`, whitespace-normalised.
    pub signature: String,
    pub is_async: bool,
    pub is_unsafe: bool,
    pub is_const: bool,
    /// Declared with an explicit ABI (`extern "C" fn`).
    pub has_abi: bool,
    pub has_body: bool,
    pub receiver: Option<Receiver>,
    pub generics: Vec<GenericParam>,
    pub params: Vec<Param>,
    pub ret: Option<(Ty, TextRange, String)>,
    pub where_preds: Vec<WherePred>,
    /// Where a `where` clause is or would go (the end of the signature, before the body).
    pub where_insert_at: ra_ap_syntax::TextSize,
    pub has_where_clause: bool,
    /// Where `&self` would go (just after `(`).
    pub params_open_at: Option<ra_ap_syntax::TextSize>,
    pub has_params: bool,
}

/// An associated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssocType {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    pub generics: Vec<GenericParam>,
    pub bounds: Vec<Bound>,
    pub where_preds: Vec<WherePred>,
    pub has_default: bool,
}

/// An associated constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssocConst {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    pub has_default: bool,
}

/// An item of a trait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssocItem {
    Fn(Box<Method>),
    Type(AssocType),
    Const(AssocConst),
}

impl AssocItem {}

/// Whether the model is the trait the compiler will see: attribute macros may reshape a
/// trait (`crate::macros` is the table of what dynlens knows of them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Shape {
    /// No attribute macro: the trait is as written.
    #[default]
    AsWritten,
    /// A macro dynlens models; the model is the trait as the macro emits it.
    Expanded { by: MacroKind },
    /// An attribute dynlens does not know (`foo::bar`, as written): the trait's final shape is
    /// unknown, so no verdict is given for it or for traits that have it as a supertrait.
    Unknown { attribute: String },
}

impl Shape {
    /// Is the trait rustc sees the text in the file? True as written and for the macros that
    /// keep the trait unchanged (`#[dynosaur]`, the original of `trait_variant::make(Name:
    /// ..)`); false where a macro rewrites it and where the shape is unknown. Quick fixes and
    /// the expansion, which work on the text, apply only where it is.
    pub fn is_the_text(&self) -> bool {
        match self {
            Shape::AsWritten => true,
            Shape::Expanded { by } => by.keeps_trait(),
            Shape::Unknown { .. } => false,
        }
    }
}

/// A trait declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraitDef {
    pub name: String,
    pub name_range: TextRange,
    /// The whole item, attributes included.
    pub range: TextRange,
    /// From the `trait` keyword to the opening brace (where a cursor means "this trait").
    pub header_range: TextRange,
    /// Inline `mod` blocks around the trait, outermost first.
    pub module_path: Vec<String>,
    pub is_auto: bool,
    pub is_unsafe: bool,
    pub generics: Vec<GenericParam>,
    /// The bounds after `trait Foo:`.
    pub supertraits: Vec<Bound>,
    pub where_preds: Vec<WherePred>,
    pub items: Vec<AssocItem>,
    /// As written, as a known macro expands it, or unknown.
    pub shape: Shape,
}

impl TraitDef {
    /// Methods in declaration order.
    pub fn methods(&self) -> impl Iterator<Item = &Method> {
        self.items.iter().filter_map(|i| match i {
            AssocItem::Fn(m) => Some(&**m),
            _ => None,
        })
    }

    /// Associated types in declaration order.
    pub fn assoc_types(&self) -> impl Iterator<Item = &AssocType> {
        self.items.iter().filter_map(|i| match i {
            AssocItem::Type(t) => Some(t),
            _ => None,
        })
    }

    /// Every bound on `Self` declared by the trait: the supertrait list and `where Self: …`.
    pub fn self_bounds(&self) -> impl Iterator<Item = &Bound> {
        self.supertraits.iter().chain(
            self.where_preds
                .iter()
                .filter(|p| p.ty.as_ref().is_some_and(Ty::is_self))
                .flat_map(|p| p.bounds.iter()),
        )
    }
}

/// A `use` import: `alias` names `path` (e.g. `fmt` → `std::fmt`, `Dbg` → `std::fmt::Debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub alias: String,
    pub path: Vec<String>,
}

/// The model of one file: its traits and imports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileModel {
    pub traits: Vec<Arc<TraitDef>>,
    /// Named imports (globs are kept with alias `*`).
    pub imports: Vec<Import>,
    /// Traits with a blanket impl here (`impl<T: …> Trait for T`), by name.
    pub blanket_impls: Vec<String>,
    /// Parallel to `traits`: whether the trait is declared inside a block (a function body,
    /// `const _: () = { … };`), where only its block sees it.
    pub in_block: Vec<bool>,
}

impl Ty {
    /// Is this exactly `Self`?
    pub fn is_self(&self) -> bool {
        matches!(self, Ty::Path(p) if p.segments.len() == 1 && p.segments[0].name == "Self" && p.segments[0].args.is_empty())
    }
}

impl TyPath {
    /// The last segment's name.
    pub fn last_name(&self) -> &str {
        self.segments.last().map(|s| s.name.as_str()).unwrap_or("")
    }

    /// The segment names joined with `::`.
    pub fn joined(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("::")
    }

    /// The last segment's generic arguments.
    pub fn last_args(&self) -> &[GenericArg] {
        self.segments
            .last()
            .map(|s| s.args.as_slice())
            .unwrap_or(&[])
    }
}

/// Lowers every trait and import of a parsed file.
pub fn lower_file(file: &SourceFile) -> FileModel {
    lower_file_reusing(file, None, &|_, _| None)
}

/// Lowers a file, taking already-lowered traits from `reuse` where it has them (after an
/// edit, the traits the edit did not touch: see `Db::edit_file`).
/// Given a trait and its module path, the already-lowered trait to reuse, if any.
pub type ReuseTrait<'a> = dyn Fn(&ast::Trait, &[String]) -> Option<Arc<TraitDef>> + 'a;

///
/// `text` is the file's text when the caller has it: items whose text does not contain
/// `trait` are then not searched for traits inside their bodies (a substring search instead
/// of a walk of every function body of the file, on every keystroke).
pub fn lower_file_reusing(
    file: &SourceFile,
    text: Option<&str>,
    reuse: &ReuseTrait<'_>,
) -> FileModel {
    let mut model = FileModel::default();
    let mut modules = Vec::new();
    lower_items(file.items(), &mut modules, &mut model, text, reuse);
    model
}

/// Traits declared inside the bodies of `item` (function bodies, `const _: () = { … };`,
/// methods of an impl), in source order, each lowered with the module path of `item`.
fn lower_block_traits(
    item: &ast::Item,
    modules: &[String],
    model: &mut FileModel,
    text: Option<&str>,
    reuse: Reuse<'_>,
) {
    let r = item.syntax().text_range();
    if let Some(text) = text
        && !text
            .get(usize::from(r.start())..usize::from(r.end()))
            .is_some_and(|t| t.contains("trait"))
    {
        return;
    }
    for t in item.syntax().descendants().filter_map(ast::Trait::cast) {
        let def = reuse(&t, modules).or_else(|| lower_trait(&t, modules).map(Arc::new));
        if let Some(def) = def {
            model.traits.push(def);
            model.in_block.push(true);
        }
    }
}

type Reuse<'a> = &'a dyn Fn(&ast::Trait, &[String]) -> Option<Arc<TraitDef>>;

fn lower_items(
    items: ast::AstChildren<ast::Item>,
    modules: &mut Vec<String>,
    model: &mut FileModel,
    text: Option<&str>,
    reuse: Reuse<'_>,
) {
    for item in items {
        match item {
            ast::Item::Trait(t) => {
                // A trait `#[trait_variant::make]` doubles is lowered again (the reuse after
                // an edit is one model per trait item).
                let variant = trait_variant_attr(&t);
                if variant.is_none()
                    && let Some(def) = reuse(&t, modules)
                {
                    model.traits.push(def);
                    model.in_block.push(false);
                } else if let Some(def) = lower_trait(&t, modules) {
                    // The variant's name is written in the attribute, before the original's:
                    // it comes first, so that the traits stay sorted by name position (the
                    // item tree finds them by binary search).
                    if let Some(extra) = variant.and_then(|v| make_variant(&def, &v)) {
                        model.traits.push(Arc::new(extra));
                        model.in_block.push(false);
                    }
                    model.traits.push(Arc::new(def));
                    model.in_block.push(false);
                }
            }
            ast::Item::Impl(ref i) => {
                if let Some(name) = blanket_impl_trait(i) {
                    model.blanket_impls.push(name);
                }
                lower_block_traits(&item, modules, model, text, reuse);
            }
            ast::Item::Fn(_) | ast::Item::Const(_) | ast::Item::Static(_) => {
                lower_block_traits(&item, modules, model, text, reuse);
            }
            ast::Item::Use(u) => {
                if let Some(tree) = u.use_tree() {
                    let mut names = Vec::new();
                    flatten_use_tree(&tree, &[], &mut names);
                    // File-wide imports (name-based resolution) know no leading `::`.
                    model.imports.extend(names.into_iter().map(|n| Import {
                        alias: n.alias.unwrap_or_else(|| "*".to_string()),
                        path: n.path.into_iter().filter(|s| s != ROOT_SEGMENT).collect(),
                    }));
                }
            }
            ast::Item::Module(m) => {
                if let (Some(name), Some(list)) = (m.name(), m.item_list()) {
                    modules.push(name.text().to_string());
                    lower_items(list.items(), modules, model, text, reuse);
                    modules.pop();
                }
            }
            _ => {}
        }
    }
}

/// `impl<T> Trait for T`: the trait's name, if the impl is for a bare type parameter.
fn blanket_impl_trait(i: &ast::Impl) -> Option<String> {
    let ast::Type::PathType(tr) = i.trait_()? else {
        return None;
    };
    let ast::Type::PathType(st) = i.self_ty()? else {
        return None;
    };
    let self_path = st.path()?;
    if self_path.qualifier().is_some() {
        return None;
    }
    let self_name = self_path.segment()?.name_ref()?.text().to_string();
    let params = i.generic_param_list()?;
    let is_param = params.type_or_const_params().any(|p| match p {
        ast::TypeOrConstParam::Type(t) => t.name().is_some_and(|n| n.text() == self_name),
        _ => false,
    });
    let trait_path = tr.path()?;
    is_param.then(|| lower_path(&trait_path).last_name().to_string())
}

/// The segment that stands for a leading `::` in a flattened `use` path.
pub const ROOT_SEGMENT: &str = "{{root}}";

/// One name a `use` tree brings in: its path (`crate`, `self`, `super` kept as segments, a
/// leading `::` as [`ROOT_SEGMENT`]) and the name it binds, `None` for a glob (`*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseName {
    pub path: Vec<String>,
    pub alias: Option<String>,
}

/// Flattens a `use` tree into the names it brings in (`use a::{b, c::{d as e}, f::*}` →
/// `a::b` as `b`, `a::c::d` as `e`, `a::f::*`). `use x as _` binds no name. The one
/// reading of `use` trees: the file-wide imports and the item tree both take it.
pub(crate) fn flatten_use_tree(tree: &ast::UseTree, prefix: &[String], out: &mut Vec<UseName>) {
    let mut path: Vec<String> = prefix.to_vec();
    if let Some(p) = tree.path() {
        let leading_root = std::iter::successors(Some(p.clone()), |p| p.qualifier())
            .last()
            .and_then(|first| first.segment())
            .is_some_and(|seg| seg.coloncolon_token().is_some());
        if leading_root && path.is_empty() {
            path.push(ROOT_SEGMENT.to_string());
        }
        path.extend(path_segment_names(&p));
    } else if path.is_empty() && tree.coloncolon_token().is_some() {
        path.push(ROOT_SEGMENT.to_string());
    }
    if let Some(list) = tree.use_tree_list() {
        for sub in list.use_trees() {
            flatten_use_tree(&sub, &path, out);
        }
        return;
    }
    if tree.star_token().is_some() {
        out.push(UseName { path, alias: None });
        return;
    }
    if path.last().is_some_and(|l| l == "self") {
        path.pop();
    }
    let Some(last) = path.last().filter(|l| *l != ROOT_SEGMENT).cloned() else {
        return;
    };
    let alias = match tree.rename() {
        Some(r) => match r.name() {
            Some(n) => n.text().to_string(),
            None => return, // `as _`: imported for its methods only, not nameable
        },
        None => last,
    };
    out.push(UseName {
        path,
        alias: Some(alias),
    });
}

fn path_segment_names(path: &ast::Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut cur = Some(path.clone());
    while let Some(p) = cur {
        if let Some(seg) = p.segment() {
            names.push(segment_name(&seg));
        }
        cur = p.qualifier();
    }
    names.reverse();
    names
}

fn segment_name(seg: &ast::PathSegment) -> String {
    if let Some(n) = seg.name_ref() {
        return n.text().to_string();
    }
    seg.syntax().text().to_string()
}

fn lower_trait(t: &ast::Trait, modules: &[String]) -> Option<TraitDef> {
    let name = t.name()?;
    let range = t.syntax().text_range();
    let header_start = t
        .syntax()
        .children_with_tokens()
        .find(|e| {
            e.kind() == ra_ap_syntax::SyntaxKind::TRAIT_KW
                || e.kind() == ra_ap_syntax::SyntaxKind::UNSAFE_KW
                || e.kind() == ra_ap_syntax::SyntaxKind::AUTO_KW
                || e.kind() == ra_ap_syntax::SyntaxKind::VISIBILITY
        })
        .map(|e| e.text_range().start())
        .unwrap_or(range.start());
    let header_end = t
        .assoc_item_list()
        .map(|l| l.syntax().text_range().start())
        .unwrap_or(range.end());
    let mut generics = lower_generic_params(t.generic_param_list());
    let mut where_preds = lower_where(t.where_clause());
    move_inline_bounds(&mut generics, &mut where_preds);
    let supertraits = t
        .type_bound_list()
        .map(|l| lower_bounds(&l))
        .unwrap_or_default();
    let mut items = Vec::new();
    if let Some(list) = t.assoc_item_list() {
        for item in list.assoc_items() {
            match item {
                ast::AssocItem::Fn(f) => {
                    if let Some(m) = lower_method(&f) {
                        items.push(AssocItem::Fn(Box::new(m)));
                    }
                }
                ast::AssocItem::TypeAlias(ta) => {
                    if let Some(n) = ta.name() {
                        let mut g = lower_generic_params(ta.generic_param_list());
                        let mut wp = lower_where(ta.where_clause());
                        move_inline_bounds(&mut g, &mut wp);
                        items.push(AssocItem::Type(AssocType {
                            name: n.text().to_string(),
                            name_range: n.syntax().text_range(),
                            range: ta.syntax().text_range(),
                            generics: g,
                            bounds: ta
                                .type_bound_list()
                                .map(|l| lower_bounds(&l))
                                .unwrap_or_default(),
                            where_preds: wp,
                            has_default: ta.ty().is_some(),
                        }));
                    }
                }
                ast::AssocItem::Const(c) => {
                    if let Some(n) = c.name() {
                        items.push(AssocItem::Const(AssocConst {
                            name: n.text().to_string(),
                            name_range: n.syntax().text_range(),
                            range: c.syntax().text_range(),
                            has_default: c.body().is_some(),
                        }));
                    }
                }
                ast::AssocItem::MacroCall(_) => {}
            }
        }
    }
    let mut def = TraitDef {
        name: name.text().to_string(),
        name_range: name.syntax().text_range(),
        range,
        header_range: TextRange::new(header_start, header_end.max(header_start)),
        module_path: modules.to_vec(),
        is_auto: t.auto_token().is_some(),
        is_unsafe: t.unsafe_token().is_some(),
        generics,
        supertraits,
        where_preds,
        items,
        shape: Shape::AsWritten,
    };
    apply_shape(&mut def, trait_shape(t));
    Some(def)
}

/// The shape the trait's attributes give it (see `crate::macros`). An unknown attribute wins
/// over any known one; two reshaping macros together are not modelled (their order of
/// expansion matters), and `#[dynosaur]`, which leaves the trait unchanged, combines with any.
fn trait_shape(t: &ast::Trait) -> (Shape, Option<String>) {
    let mut known: Vec<(MacroKind, Option<String>)> = Vec::new();
    for attr in t.attrs() {
        let Some(meta) = attr.meta() else { continue };
        let text = meta.syntax().text().to_string();
        let (path, args) = crate::macros::split_meta(&text);
        match crate::macros::classify(&path, args) {
            AttrMeaning::Inert => {}
            AttrMeaning::Known(k) => known.push((k, args.map(str::to_string))),
            AttrMeaning::Unknown(attribute) => return (Shape::Unknown { attribute }, None),
        }
    }
    let reshaping: Vec<_> = known
        .iter()
        .filter(|(k, _)| !k.keeps_trait() || matches!(k, MacroKind::TraitVariantOriginal { .. }))
        .collect();
    match reshaping.as_slice() {
        [] => match known.into_iter().next() {
            Some((by, _)) => (Shape::Expanded { by }, None),
            None => (Shape::AsWritten, None),
        },
        [(by, args)] => (Shape::Expanded { by: by.clone() }, args.clone()),
        _ => (
            Shape::Unknown {
                attribute: reshaping
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
            },
            None,
        ),
    }
}

/// `#[trait_variant::make(Name: Bounds)]` on a trait: the variant's name, its bounds (text)
/// and where the name is written (the generated trait's "definition").
struct VariantSpec {
    name: String,
    bounds: String,
    name_range: TextRange,
}

fn trait_variant_attr(t: &ast::Trait) -> Option<VariantSpec> {
    let (
        Shape::Expanded {
            by: MacroKind::TraitVariantOriginal { variant },
        },
        Some(args),
    ) = trait_shape(t)
    else {
        return None;
    };
    let name_range = t
        .attrs()
        .flat_map(|a| {
            a.syntax()
                .descendants_with_tokens()
                .filter_map(|e| e.into_token())
                .collect::<Vec<_>>()
        })
        .find(|tok| tok.kind() == ra_ap_syntax::SyntaxKind::IDENT && tok.text() == variant)
        .map(|tok| tok.text_range())?;
    Some(VariantSpec {
        name: variant,
        bounds: crate::macros::trait_variant_bounds(&args),
        name_range,
    })
}

/// Applies a known macro's rewrite to the trait's model.
fn apply_shape(def: &mut TraitDef, (shape, args): (Shape, Option<String>)) {
    match &shape {
        Shape::Expanded {
            by: MacroKind::AsyncTrait { send },
        } => {
            for item in &mut def.items {
                if let AssocItem::Fn(m) = item
                    && m.is_async
                {
                    expand_async_trait(m, *send);
                }
            }
        }
        Shape::Expanded {
            by: MacroKind::TraitVariant { .. },
        } => {
            // `make(Send)`: this trait is replaced by its `Send` variant.
            let bounds = crate::macros::trait_variant_bounds(args.as_deref().unwrap_or(""));
            let from = def.name.clone();
            rewrite_as_variant(def, &bounds, def.name_range);
            def.shape = Shape::Expanded {
                by: MacroKind::TraitVariant { from },
            };
            return;
        }
        _ => {}
    }
    def.shape = shape;
}

/// A type parsed from text (for the types a macro writes). Its positions are meaningless:
/// callers attach the range of what the macro rewrote.
fn ty_from_text(text: &str) -> Ty {
    let file = SourceFile::parse(
        &format!("type X = {text};"),
        ra_ap_syntax::Edition::Edition2024,
    );
    file.tree()
        .syntax()
        .descendants()
        .find_map(ast::TypeAlias::cast)
        .and_then(|a| a.ty())
        .map(|t| lower_ty(&t))
        .unwrap_or(Ty::Unknown)
}

/// Bounds parsed from text, each placed at `range`.
fn bounds_from_text(text: &str, range: TextRange) -> Vec<Bound> {
    let file = SourceFile::parse(
        &format!("trait X: {text} {{}}"),
        ra_ap_syntax::Edition::Edition2024,
    );
    let mut bounds = file
        .tree()
        .syntax()
        .descendants()
        .find_map(ast::TypeBoundList::cast)
        .map(|l| lower_bounds(&l))
        .unwrap_or_default();
    for b in &mut bounds {
        if let Bound::Trait { range: r, .. } = b {
            *r = range;
        }
    }
    bounds
}

/// `#[async_trait]`'s rewrite of an `async fn` (async-trait's `expand.rs`, `transform_sig`):
///
/// ```text
/// async fn get(&self, k: &str) -> Option<String>;
/// // becomes
/// fn get<'life0, 'life1, 'async_trait>(&'life0 self, k: &'life1 str)
///     -> Pin<Box<dyn Future<Output = Option<String>> + Send + 'async_trait>>
/// where 'life0: 'async_trait, 'life1: 'async_trait, Self: 'async_trait;
/// ```
///
/// A method with a default body also gets `Self: Sync` (for `&self`) or `Self: Send`; with
/// `?Send` the future is not `Send` and `Self` gets no auto-trait bound. Elided lifetimes are
/// named in the model's types; the signature text keeps the parameters as written.
fn expand_async_trait(m: &mut Method, send: bool) {
    let mut lifetimes = Vec::new();
    let next = |lifetimes: &mut Vec<String>| {
        let l = format!("'life{}", lifetimes.len());
        lifetimes.push(l.clone());
        l
    };
    let mut receiver_text = None;
    if let Some(r) = &mut m.receiver
        && let Ty::Ref {
            lifetime, mutable, ..
        } = &mut r.ty
        && lifetime.is_none()
    {
        let l = next(&mut lifetimes);
        receiver_text = Some(format!("&{l} {}self", if *mutable { "mut " } else { "" }));
        *lifetime = Some(l);
    }
    fn name_elided(ty: &mut Ty, next: &mut dyn FnMut() -> String) {
        match ty {
            Ty::Ref {
                lifetime, inner, ..
            } => {
                if lifetime.is_none() {
                    *lifetime = Some(next());
                }
                name_elided(inner, next);
            }
            Ty::Ptr { inner, .. } | Ty::Slice(inner) | Ty::Array(inner) => name_elided(inner, next),
            Ty::Tuple(ts) => ts.iter_mut().for_each(|t| name_elided(t, next)),
            Ty::Path(p) => {
                for a in p.segments.iter_mut().flat_map(|s| s.args.iter_mut()) {
                    if let GenericArg::Type(t) = a {
                        name_elided(t, next);
                    }
                }
            }
            _ => {}
        }
    }
    for p in &mut m.params {
        name_elided(&mut p.ty, &mut || next(&mut lifetimes));
    }
    let at = m.name_range;
    for l in &lifetimes {
        m.generics.push(GenericParam {
            kind: GenericParamKind::Lifetime,
            name: l.clone(),
            bounds: vec![Bound::Lifetime("'async_trait".to_string())],
            default: None,
            range: at,
            from_impl_trait: false,
        });
    }
    m.generics.push(GenericParam {
        kind: GenericParamKind::Lifetime,
        name: "'async_trait".to_string(),
        bounds: Vec::new(),
        default: None,
        range: at,
        from_impl_trait: false,
    });
    let mut self_bounds = String::new();
    if send && m.has_body && m.receiver.is_some() {
        let shared = matches!(
            &m.receiver,
            Some(Receiver {
                ty: Ty::Ref { mutable: false, .. },
                ..
            })
        );
        self_bounds.push_str(if shared {
            "::core::marker::Sync + "
        } else {
            "::core::marker::Send + "
        });
    }
    if m.receiver.is_some() {
        self_bounds.push_str("'async_trait");
        m.where_preds.push(WherePred {
            ty: Some(self_ty()),
            bounds: bounds_from_text(&self_bounds, at),
            range: at,
        });
    }
    let output = m
        .ret
        .as_ref()
        .map_or("()", |(_, _, t)| t.as_str())
        .to_string();
    let ret_text = format!(
        "::core::pin::Pin<Box<dyn ::core::future::Future<Output = {output}>{} + 'async_trait>>",
        if send { " + ::core::marker::Send" } else { "" }
    );
    let range = m.ret.as_ref().map_or(at, |(_, r, _)| *r);
    let shown = ret_text
        .replace("::core::pin::", "")
        .replace("::core::future::", "")
        .replace("::core::marker::", "");
    m.ret = Some((ty_from_text(&ret_text), range, shown));
    m.is_async = false;
    // The signature as async-trait writes it (parameters as written).
    let mut generics: Vec<String> = m
        .generics
        .iter()
        .filter(|g| !g.from_impl_trait)
        .map(|g| g.name.clone())
        .collect();
    generics.dedup();
    let mut params: Vec<String> = Vec::new();
    if let Some(r) = &m.receiver {
        params.push(receiver_text.unwrap_or_else(|| r.text.clone()));
    }
    params.extend(m.params.iter().map(|p| p.text.clone()));
    let mut preds: Vec<String> = lifetimes
        .iter()
        .map(|l| format!("{l}: 'async_trait"))
        .collect();
    if m.receiver.is_some() {
        preds.push(format!("Self: {self_bounds}"));
    }
    m.signature = format!(
        "fn {}<{}>({}) -> {ret_text} where {}",
        m.name,
        generics.join(", "),
        params.join(", "),
        preds.join(", ")
    )
    .replace("::core::pin::", "")
    .replace("::core::future::", "")
    .replace("::core::marker::", "");
}

/// The trait `#[trait_variant::make(Name: Bounds)]` generates beside the original
/// (trait-variant's `variant.rs`): the same items, `Bounds` added to the supertraits, each
/// `async fn` turned into `fn .. -> impl Future<Output = T> + Bounds` and each `-> impl Trait`
/// given `+ Bounds`. (The blanket `impl<T: Name> Original for T` it also writes changes no
/// verdict.)
fn make_variant(original: &TraitDef, spec: &VariantSpec) -> Option<TraitDef> {
    let mut def = original.clone();
    def.name = spec.name.clone();
    rewrite_as_variant(&mut def, &spec.bounds, spec.name_range);
    def.name_range = spec.name_range;
    def.shape = Shape::Expanded {
        by: MacroKind::TraitVariant {
            from: original.name.clone(),
        },
    };
    Some(def)
}

fn rewrite_as_variant(def: &mut TraitDef, bounds: &str, at: TextRange) {
    let extra = bounds_from_text(bounds, at);
    def.supertraits.extend(extra.iter().cloned());
    for item in &mut def.items {
        let AssocItem::Fn(m) = item else { continue };
        if m.is_async {
            let output = m
                .ret
                .as_ref()
                .map_or("()", |(_, _, t)| t.as_str())
                .to_string();
            let text = format!("impl ::core::future::Future<Output = {output}> + {bounds}");
            let range = m.ret.as_ref().map_or(m.name_range, |(_, r, _)| *r);
            let shown = text.replace("::core::future::", "");
            let sig = m.signature.replacen("async fn", "fn", 1);
            m.signature = match &m.ret {
                Some((_, _, old)) => sig.replacen(&format!("-> {old}"), &format!("-> {shown}"), 1),
                None => match sig.find(" where ") {
                    Some(i) => format!("{} -> {shown}{}", &sig[..i], &sig[i..]),
                    None => format!("{sig} -> {shown}"),
                },
            };
            m.ret = Some((ty_from_text(&text), range, shown));
            m.is_async = false;
        } else if let Some((Ty::ImplTrait(bs), _, text)) = &mut m.ret {
            bs.extend(extra.iter().cloned());
            text.push_str(&format!(" + {bounds}"));
        }
    }
}

/// Inline bounds on generic params (`T: Debug`) become where-predicates too, so the rules
/// see every predicate in one place (as rustc's `predicates_of` does).
fn move_inline_bounds(generics: &mut [GenericParam], where_preds: &mut Vec<WherePred>) {
    for g in generics.iter() {
        if g.kind == GenericParamKind::Type && !g.bounds.is_empty() {
            where_preds.push(WherePred {
                ty: Some(Ty::Path(TyPath {
                    segments: vec![Segment {
                        name: g.name.clone(),
                        args: vec![],
                    }],
                })),
                bounds: g.bounds.clone(),
                range: g.range,
            });
        }
    }
}

fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lower_method(f: &ast::Fn) -> Option<Method> {
    let name = f.name()?;
    let range = f.syntax().text_range();
    let sig_end = f
        .body()
        .map(|b| b.syntax().text_range().start())
        .unwrap_or(range.end());
    let sig_start = f
        .syntax()
        .children_with_tokens()
        .find(|e| {
            !matches!(
                e.kind(),
                ra_ap_syntax::SyntaxKind::ATTR
                    | ra_ap_syntax::SyntaxKind::COMMENT
                    | ra_ap_syntax::SyntaxKind::WHITESPACE
            )
        })
        .map(|e| e.text_range().start())
        .unwrap_or(range.start());
    let text = f.syntax().text().to_string();
    let rel = |o: ra_ap_syntax::TextSize| usize::from(o - range.start());
    let signature = normalize_ws(
        text.get(rel(sig_start)..rel(sig_end))
            .unwrap_or("")
            .trim_end_matches(';'),
    );

    let mut generics = lower_generic_params(f.generic_param_list());
    let mut where_preds = lower_where(f.where_clause());
    move_inline_bounds(&mut generics, &mut where_preds);

    let mut receiver = None;
    let mut params = Vec::new();
    let mut params_open_at = None;
    let mut has_params = false;
    if let Some(pl) = f.param_list() {
        params_open_at = pl.l_paren_token().map(|t| t.text_range().end());
        if let Some(sp) = pl.self_param() {
            receiver = Some(lower_self_param(&sp));
        }
        for (i, p) in pl.params().enumerate() {
            has_params = true;
            let ty = p.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown);
            // `impl Trait` in argument position, at any depth (`&impl Display`), is an
            // anonymous type parameter (rustc: a synthetic generic parameter).
            for (j, bounds) in impl_traits_in(&ty).into_iter().enumerate() {
                generics.push(GenericParam {
                    kind: GenericParamKind::Type,
                    name: format!("impl#{i}.{j}"),
                    bounds,
                    default: None,
                    range: p.syntax().text_range(),
                    from_impl_trait: true,
                });
            }
            params.push(Param {
                ty,
                text: normalize_ws(&p.syntax().text().to_string()),
                range: p.syntax().text_range(),
            });
        }
        has_params |= receiver.is_some();
    }
    let ret = f.ret_type().and_then(|r| {
        let t = r.ty()?;
        Some((
            lower_ty(&t),
            t.syntax().text_range(),
            normalize_ws(&t.syntax().text().to_string()),
        ))
    });
    let where_insert_at = match (f.where_clause(), f.body()) {
        (Some(w), _) => w.syntax().text_range().end(),
        (None, Some(b)) => b.syntax().text_range().start(),
        (None, None) => f
            .semicolon_token()
            .map(|s| s.text_range().start())
            .unwrap_or(range.end()),
    };
    Some(Method {
        name: name.text().to_string(),
        name_range: name.syntax().text_range(),
        range,
        signature,
        is_async: f.async_token().is_some(),
        is_unsafe: f.unsafe_token().is_some(),
        is_const: f.const_token().is_some(),
        has_abi: f.abi().is_some(),
        has_body: f.body().is_some(),
        receiver,
        generics,
        params,
        ret,
        where_preds,
        where_insert_at,
        has_where_clause: f.where_clause().is_some(),
        params_open_at,
        has_params,
    })
}

/// The bounds of every `impl Trait` inside a type (not inside `fn` pointer types, where
/// `impl Trait` is not allowed anyway).
fn impl_traits_in(ty: &Ty) -> Vec<Vec<Bound>> {
    fn go(ty: &Ty, out: &mut Vec<Vec<Bound>>) {
        match ty {
            Ty::ImplTrait(b) => out.push(b.clone()),
            Ty::Path(p) => p.segments.iter().flat_map(|s| &s.args).for_each(|a| {
                if let GenericArg::Type(t) = a {
                    go(t, out)
                }
            }),
            Ty::Ref { inner, .. } | Ty::Ptr { inner, .. } | Ty::Slice(inner) | Ty::Array(inner) => {
                go(inner, out)
            }
            Ty::Tuple(ts) => ts.iter().for_each(|t| go(t, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(ty, &mut out);
    out
}

fn self_ty() -> Ty {
    Ty::Path(TyPath {
        segments: vec![Segment {
            name: "Self".to_string(),
            args: vec![],
        }],
    })
}

fn lower_self_param(sp: &ast::SelfParam) -> Receiver {
    let ty = if let Some(t) = sp.ty() {
        lower_ty(&t)
    } else if sp.amp_token().is_some() {
        Ty::Ref {
            lifetime: sp.lifetime().map(|l| l.text().to_string()),
            mutable: sp.mut_token().is_some(),
            inner: Box::new(self_ty()),
        }
    } else {
        self_ty()
    };
    Receiver {
        ty,
        text: normalize_ws(&sp.syntax().text().to_string()),
        range: sp.syntax().text_range(),
    }
}

fn lower_generic_params(list: Option<ast::GenericParamList>) -> Vec<GenericParam> {
    let Some(list) = list else { return Vec::new() };
    list.generic_params()
        .filter_map(|p| {
            let range = p.syntax().text_range();
            Some(match p {
                ast::GenericParam::LifetimeParam(l) => GenericParam {
                    kind: GenericParamKind::Lifetime,
                    name: l.lifetime()?.text().to_string(),
                    bounds: Vec::new(),
                    default: None,
                    range,
                    from_impl_trait: false,
                },
                ast::GenericParam::TypeParam(t) => GenericParam {
                    kind: GenericParamKind::Type,
                    name: t.name()?.text().to_string(),
                    bounds: t
                        .type_bound_list()
                        .map(|l| lower_bounds(&l))
                        .unwrap_or_default(),
                    default: t.default_type().map(|d| lower_ty(&d)),
                    range,
                    from_impl_trait: false,
                },
                ast::GenericParam::ConstParam(c) => GenericParam {
                    kind: GenericParamKind::Const,
                    name: c.name()?.text().to_string(),
                    bounds: Vec::new(),
                    default: None,
                    range,
                    from_impl_trait: false,
                },
            })
        })
        .collect()
}

fn lower_where(w: Option<ast::WhereClause>) -> Vec<WherePred> {
    let Some(w) = w else { return Vec::new() };
    w.predicates()
        .map(|p| WherePred {
            ty: p.ty().map(|t| lower_ty(&t)),
            bounds: p
                .type_bound_list()
                .map(|l| lower_bounds(&l))
                .unwrap_or_default(),
            range: p.syntax().text_range(),
        })
        .collect()
}

/// Lowers a bound list.
pub fn lower_bounds(list: &ast::TypeBoundList) -> Vec<Bound> {
    list.bounds()
        .map(|b| {
            if let Some(l) = b.lifetime() {
                return Bound::Lifetime(l.text().to_string());
            }
            let higher_ranked = b.for_binder().is_some();
            match b.ty() {
                Some(ast::Type::PathType(pt)) => match pt.path() {
                    Some(p) => Bound::Trait {
                        path: lower_path(&p),
                        maybe: b.question_mark_token().is_some(),
                        range: b.syntax().text_range(),
                        higher_ranked,
                    },
                    None => Bound::Other,
                },
                Some(ast::Type::ForType(ft)) => match ft.ty() {
                    Some(ast::Type::PathType(inner)) => match inner.path() {
                        Some(p) => Bound::Trait {
                            path: lower_path(&p),
                            maybe: false,
                            range: b.syntax().text_range(),
                            higher_ranked: true,
                        },
                        None => Bound::Other,
                    },
                    _ => Bound::Other,
                },
                Some(ast::Type::ParenType(pt)) => match pt.ty() {
                    Some(ast::Type::PathType(inner)) => match inner.path() {
                        Some(p) => Bound::Trait {
                            path: lower_path(&p),
                            maybe: false,
                            range: b.syntax().text_range(),
                            higher_ranked,
                        },
                        None => Bound::Other,
                    },
                    _ => Bound::Other,
                },
                _ => Bound::Other,
            }
        })
        .collect()
}

/// Lowers a path, turning `Fn(A, B) -> C` sugar into `Fn<(A, B), Output = C>`.
pub fn lower_path(path: &ast::Path) -> TyPath {
    let mut segments = Vec::new();
    let mut cur = Some(path.clone());
    while let Some(p) = cur {
        if let Some(seg) = p.segment() {
            segments.push(lower_segment(&seg));
        }
        cur = p.qualifier();
    }
    segments.reverse();
    TyPath { segments }
}

fn lower_segment(seg: &ast::PathSegment) -> Segment {
    let name = segment_name(seg);
    let mut args = Vec::new();
    if let Some(list) = seg.generic_arg_list() {
        for a in list.generic_args() {
            args.push(match a {
                ast::GenericArg::TypeArg(t) => {
                    GenericArg::Type(t.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown))
                }
                ast::GenericArg::LifetimeArg(l) => GenericArg::Lifetime(
                    l.lifetime()
                        .map(|l| l.text().to_string())
                        .unwrap_or_default(),
                ),
                ast::GenericArg::ConstArg(c) => GenericArg::Const(c.syntax().text().to_string()),
                ast::GenericArg::AssocTypeArg(a) => GenericArg::AssocType {
                    name: a
                        .name_ref()
                        .map(|n| n.text().to_string())
                        .unwrap_or_default(),
                    ty: a.ty().map(|t| lower_ty(&t)),
                    bounds: a
                        .type_bound_list()
                        .map(|l| lower_bounds(&l))
                        .unwrap_or_default(),
                },
            });
        }
    }
    if let Some(pl) = seg.parenthesized_arg_list() {
        let tys = pl
            .type_args()
            .map(|t| t.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown))
            .collect();
        args.push(GenericArg::Type(Ty::Tuple(tys)));
        let out = seg
            .ret_type()
            .and_then(|r| r.ty())
            .map(|t| lower_ty(&t))
            .unwrap_or(Ty::Tuple(Vec::new()));
        args.push(GenericArg::AssocType {
            name: "Output".to_string(),
            ty: Some(out),
            bounds: Vec::new(),
        });
    }
    Segment { name, args }
}

/// Lowers a type.
pub fn lower_ty(ty: &ast::Type) -> Ty {
    match ty {
        ast::Type::PathType(pt) => {
            let Some(path) = pt.path() else {
                return Ty::Unknown;
            };
            // `<T as Trait>::Rest`: find the innermost segment with a type anchor.
            let mut first = path.clone();
            let mut rest = Vec::new();
            while let Some(q) = first.qualifier() {
                if let Some(seg) = first.segment() {
                    rest.push(lower_segment(&seg));
                }
                first = q;
            }
            if let Some(anchor) = first.segment().and_then(|s| s.type_anchor()) {
                rest.reverse();
                // `<A as B>`: both are types to the grammar; the first is the self type, the
                // second (a path type) the trait.
                let mut types = anchor.syntax().children().filter_map(ast::Type::cast);
                let self_ty = types.next().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown);
                let trait_ = match types.next() {
                    Some(ast::Type::PathType(p)) => p.path().map(|p| lower_path(&p)),
                    _ => None,
                };
                return Ty::Qualified {
                    self_ty: Box::new(self_ty),
                    trait_,
                    rest,
                };
            }
            Ty::Path(lower_path(&path))
        }
        ast::Type::RefType(r) => Ty::Ref {
            lifetime: r.lifetime().map(|l| l.text().to_string()),
            mutable: r.mut_token().is_some(),
            inner: Box::new(r.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown)),
        },
        ast::Type::PtrType(p) => Ty::Ptr {
            mutable: p.mut_token().is_some(),
            inner: Box::new(p.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown)),
        },
        ast::Type::TupleType(t) => Ty::Tuple(t.fields().map(|f| lower_ty(&f)).collect()),
        ast::Type::SliceType(s) => Ty::Slice(Box::new(
            s.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown),
        )),
        ast::Type::ArrayType(a) => Ty::Array(Box::new(
            a.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown),
        )),
        ast::Type::ParenType(p) => p.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown),
        ast::Type::ForType(f) => f.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown),
        ast::Type::FnPtrType(f) => Ty::FnPtr {
            params: f
                .param_list()
                .map(|pl| {
                    pl.params()
                        .map(|p| p.ty().map(|t| lower_ty(&t)).unwrap_or(Ty::Unknown))
                        .collect()
                })
                .unwrap_or_default(),
            ret: f
                .ret_type()
                .and_then(|r| r.ty())
                .map(|t| Box::new(lower_ty(&t))),
        },
        ast::Type::ImplTraitType(i) => Ty::ImplTrait(
            i.type_bound_list()
                .map(|l| lower_bounds(&l))
                .unwrap_or_default(),
        ),
        ast::Type::DynTraitType(d) => Ty::DynTrait(
            d.type_bound_list()
                .map(|l| lower_bounds(&l))
                .unwrap_or_default(),
        ),
        ast::Type::NeverType(_) => Ty::Never,
        ast::Type::InferType(_) => Ty::Infer,
        ast::Type::MacroType(_) | ast::Type::PatternType(_) => Ty::Unknown,
    }
}

/// Moves every position of a lowered item by `delta` bytes (for traits after an edit, whose
/// text did not change).
pub trait Shift {
    fn shift(&mut self, delta: i64);
}

fn shift_size(t: &mut TextSize, delta: i64) {
    *t = TextSize::from((i64::from(u32::from(*t)) + delta).max(0) as u32);
}

impl Shift for TextRange {
    fn shift(&mut self, delta: i64) {
        let (mut a, mut b) = (self.start(), self.end());
        shift_size(&mut a, delta);
        shift_size(&mut b, delta);
        *self = TextRange::new(a, b);
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, delta: i64) {
        self.iter_mut().for_each(|x| x.shift(delta));
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, delta: i64) {
        if let Some(x) = self {
            x.shift(delta)
        }
    }
}

impl Shift for Bound {
    fn shift(&mut self, delta: i64) {
        if let Bound::Trait { path, range, .. } = self {
            path.shift(delta);
            range.shift(delta);
        }
    }
}

impl Shift for TyPath {
    fn shift(&mut self, delta: i64) {
        for seg in &mut self.segments {
            seg.args.shift(delta);
        }
    }
}

impl Shift for GenericArg {
    fn shift(&mut self, delta: i64) {
        match self {
            GenericArg::Type(t) => t.shift(delta),
            GenericArg::AssocType { ty, bounds, .. } => {
                ty.shift(delta);
                bounds.shift(delta);
            }
            GenericArg::Lifetime(_) | GenericArg::Const(_) => {}
        }
    }
}

impl Shift for Ty {
    fn shift(&mut self, delta: i64) {
        match self {
            Ty::Path(p) => p.shift(delta),
            Ty::Qualified {
                self_ty,
                trait_,
                rest,
            } => {
                self_ty.shift(delta);
                trait_.shift(delta);
                for seg in rest {
                    seg.args.shift(delta);
                }
            }
            Ty::Ref { inner, .. } | Ty::Ptr { inner, .. } | Ty::Slice(inner) | Ty::Array(inner) => {
                inner.shift(delta)
            }
            Ty::Tuple(ts) => ts.shift(delta),
            Ty::FnPtr { params, ret } => {
                params.shift(delta);
                if let Some(r) = ret {
                    r.shift(delta);
                }
            }
            Ty::ImplTrait(bs) | Ty::DynTrait(bs) => bs.shift(delta),
            Ty::Never | Ty::Infer | Ty::Unknown => {}
        }
    }
}

impl Shift for GenericParam {
    fn shift(&mut self, delta: i64) {
        self.bounds.shift(delta);
        self.default.shift(delta);
        self.range.shift(delta);
    }
}

impl Shift for WherePred {
    fn shift(&mut self, delta: i64) {
        self.ty.shift(delta);
        self.bounds.shift(delta);
        self.range.shift(delta);
    }
}

impl Shift for AssocItem {
    fn shift(&mut self, delta: i64) {
        match self {
            AssocItem::Fn(m) => {
                m.name_range.shift(delta);
                m.range.shift(delta);
                if let Some(r) = &mut m.receiver {
                    r.ty.shift(delta);
                    r.range.shift(delta);
                }
                m.generics.shift(delta);
                for p in &mut m.params {
                    p.ty.shift(delta);
                    p.range.shift(delta);
                }
                if let Some((t, r, _)) = &mut m.ret {
                    t.shift(delta);
                    r.shift(delta);
                }
                m.where_preds.shift(delta);
                shift_size(&mut m.where_insert_at, delta);
                if let Some(o) = &mut m.params_open_at {
                    shift_size(o, delta);
                }
            }
            AssocItem::Type(t) => {
                t.name_range.shift(delta);
                t.range.shift(delta);
                t.generics.shift(delta);
                t.bounds.shift(delta);
                t.where_preds.shift(delta);
            }
            AssocItem::Const(c) => {
                c.name_range.shift(delta);
                c.range.shift(delta);
            }
        }
    }
}

impl Shift for TraitDef {
    fn shift(&mut self, delta: i64) {
        self.name_range.shift(delta);
        self.range.shift(delta);
        self.header_range.shift(delta);
        self.generics.shift(delta);
        self.supertraits.shift(delta);
        self.where_preds.shift(delta);
        self.items.shift(delta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ra_ap_syntax::Edition;

    fn model(src: &str) -> FileModel {
        lower_file(&SourceFile::parse(src, Edition::Edition2024).tree())
    }

    #[test]
    fn use_trees_flatten_into_the_names_they_bind() {
        let file = SourceFile::parse(
            "use ::std::fmt::{self, Debug as D, Write as _};\nuse crate::a::{b::*, c::{self as d}};\n",
            Edition::Edition2024,
        )
        .tree();
        let mut names = Vec::new();
        for item in file.items() {
            if let ast::Item::Use(u) = item {
                flatten_use_tree(&u.use_tree().unwrap(), &[], &mut names);
            }
        }
        let shown: Vec<String> = names
            .iter()
            .map(|n| {
                format!(
                    "{} as {}",
                    n.path.join("::"),
                    n.alias.as_deref().unwrap_or("*")
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "{{root}}::std::fmt as fmt",
                "{{root}}::std::fmt::Debug as D",
                "crate::a::b as *",
                "crate::a::c as d",
            ]
        );
        // The file-wide imports are the same names, without the leading `::`.
        let imports = lower_file(&file).imports;
        assert_eq!(imports[0].path, ["std", "fmt"]);
        assert_eq!(imports[1].alias, "D");
        assert_eq!(imports.len(), 4);
    }

    #[test]
    fn lowers_methods_receivers_and_generics() {
        let m = model(
            "trait Foo<T = Self>: Debug + Send where Self: 'static {\n type Item: Clone;\n const N: u32;\n fn a(&self);\n fn b(self: Box<Self>, x: impl Iterator<Item = u32>) -> Option<Self> where Self: Sized;\n async fn c(&mut self);\n}",
        );
        let t = &m.traits[0];
        assert_eq!(t.name, "Foo");
        assert_eq!(t.supertraits.len(), 2);
        assert_eq!(t.items.len(), 5);
        let methods: Vec<_> = t.methods().collect();
        assert_eq!(
            methods[0].receiver.as_ref().map(|r| r.text.as_str()),
            Some("&self")
        );
        assert!(
            matches!(&methods[1].receiver.as_ref().map(|r| &r.ty), Some(Ty::Path(p)) if p.last_name() == "Box")
        );
        assert_eq!(
            methods[1].generics.len(),
            1,
            "impl Trait argument becomes a synthetic type parameter"
        );
        assert!(methods[2].is_async);
        assert_eq!(t.generics[0].default.as_ref().map(Ty::is_self), Some(true));
    }

    #[test]
    fn lowers_imports_and_modules() {
        let m = model(
            "use std::fmt::{self, Debug as Dbg};\nuse std::io::*;\nmod inner { pub trait X {} }",
        );
        assert_eq!(
            m.imports[0],
            Import {
                alias: "fmt".into(),
                path: vec!["std".into(), "fmt".into()]
            }
        );
        assert_eq!(m.imports[1].alias, "Dbg");
        assert_eq!(m.imports[2].alias, "*");
        assert_eq!(m.traits[0].module_path, vec!["inner".to_string()]);
    }

    #[test]
    fn attribute_macros_reshape_the_model() {
        let m = model(
            "#[async_trait(?Send)]\ntrait A { async fn a(&self, x: &u8) -> u8; fn b(&self); }\n\
             #[trait_variant::make(Send)]\ntrait B { async fn b(&self); }\n\
             #[trait_variant::make(SendC: Send)]\ntrait C { fn c(&self) -> impl Iterator<Item = u8>; }\n\
             #[dynosaur::dynosaur(DynD)]\n#[allow(async_fn_in_trait)]\ntrait D { async fn d(&self); }\n\
             #[my::attr]\ntrait E {}\n",
        );
        let names: Vec<_> = m.traits.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "SendC", "C", "D", "E"]);
        let a = m.traits[0].methods().next().unwrap();
        assert!(!a.is_async);
        assert_eq!(
            a.ret.as_ref().map(|r| r.2.as_str()),
            Some("Pin<Box<dyn Future<Output = u8> + 'async_trait>>")
        );
        let lifetimes: Vec<_> = a.generics.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(lifetimes, ["'life0", "'life1", "'async_trait"]);
        assert!(matches!(&a.params[0].ty, Ty::Ref { lifetime: Some(l), .. } if l == "'life1"));
        let b = &m.traits[1];
        assert_eq!(b.supertraits.len(), 1, "`make(Send)` adds `Send` in place");
        assert_eq!(
            b.methods().next().unwrap().signature,
            "fn b(&self) -> impl Future<Output = ()> + Send"
        );
        let send_c = &m.traits[2];
        assert_eq!(
            send_c.shape,
            Shape::Expanded {
                by: MacroKind::TraitVariant { from: "C".into() }
            }
        );
        assert_eq!(
            send_c.methods().next().unwrap().ret.as_ref().unwrap().2,
            "impl Iterator<Item = u8> + Send"
        );
        assert_eq!(
            m.traits[4].shape,
            Shape::Expanded {
                by: MacroKind::Dynosaur {
                    wrapper: "DynD".into()
                }
            }
        );
        assert!(m.traits[4].methods().next().unwrap().is_async);
        assert_eq!(
            m.traits[5].shape,
            Shape::Unknown {
                attribute: "my::attr".into()
            }
        );
    }

    #[test]
    fn half_typed_code_still_lowers() {
        let m = model("trait A { fn f(&self) -> ; fn g(&self, x: ) }\ntrait B { fn h(&self");
        assert_eq!(m.traits.len(), 2);
        assert_eq!(m.traits[0].methods().count(), 2);
    }
}
