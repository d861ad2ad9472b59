//! Supertraits as the expansion needs them: auto traits (bounds and `unsafe impl`s), standard
//! library traits (forwarded through slots of the vtable), and user traits (their vtable
//! embedded as a field, so that upcasting is free).

use super::SupertraitInput;
use super::model::{Method, classify};
use proc_macro2::Span;
use syn::visit_mut::VisitMut;
use syn::{GenericArgument, Ident, ItemTrait, Path, PathArguments, TraitItem, Type, TypeParamBound};

/// What kind of supertrait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SuperKind {
    /// `Send`, `Sync`, `Unpin`.
    Auto,
    /// A standard library trait: forwarded through slots of the vtable.
    Std,
    /// A user trait: its vtable is embedded; `already_expanded` says whether to include it.
    User { already_expanded: bool },
}

/// One resolved supertrait.
#[derive(Debug, Clone)]
pub(crate) struct Super {
    pub name: Ident,
    /// How to name it in generated code, with generic arguments.
    pub path: Path,
    pub kind: SuperKind,
    /// Its declaration (for std traits with well-known names qualified).
    pub item: Option<ItemTrait>,
    /// Its associated types not fixed by the bound: they become parameters of the dyn type.
    pub free_assoc: Vec<Ident>,
    /// Its associated types fixed by the bound (`Iterator<Item = u32>`).
    pub bound_assoc: Vec<(Ident, Type)>,
    /// Its trait-level generic arguments, as written in the bound.
    pub args: Vec<GenericArgument>,
    pub methods: Vec<Method>,
    /// Its supertraits, for including its own expansion.
    pub inputs: Vec<SupertraitInput>,
}

impl Super {
    /// `shape` for `Shape`, `debug` for `Debug`: the prefix of its fields in the vtable.
    pub(crate) fn snake(&self) -> String {
        snake_case(&self.name.to_string())
    }
}

/// `WidgetContainer` → `widget_container`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

const STD_ROOTS: [&str; 3] = ["std", "core", "alloc"];

/// Resolves the caller's supertrait list against the bounds written on the trait.
pub(crate) fn resolve(
    item: &ItemTrait,
    inputs: &[SupertraitInput],
) -> Result<Vec<Super>, String> {
    let mut out: Vec<Super> = Vec::new();
    for input in inputs {
        let mut path: Path = syn::parse_str(input.path.trim())
            .map_err(|e| format!("the supertrait path `{}` does not parse: {e}", input.path))?;
        let Some(last) = path.segments.last() else { continue };
        let name = last.ident.clone();
        if out.iter().any(|s| s.name == name) || name == "Sized" || name == "PointeeSized" || name == "MetaSized" {
            continue;
        }
        // The bound as written on the trait carries generic arguments and `Assoc = T`.
        let written = written_bound(item, &name);
        if let Some(w) = &written {
            if let (Some(seg), Some(wseg)) = (path.segments.last_mut(), w.segments.last()) {
                if matches!(seg.arguments, PathArguments::None) {
                    seg.arguments = wseg.arguments.clone();
                }
            }
        }
        let first = path.segments.first().map(|s| s.ident.to_string()).unwrap_or_default();
        let is_std = STD_ROOTS.contains(&first.as_str())
            || (path.segments.len() == 1 && PRELUDE_TRAITS.contains(&name.to_string().as_str()));
        if is_std && path.leading_colon.is_none() && STD_ROOTS.contains(&first.as_str()) {
            path.leading_colon = Some(Default::default());
        }
        let kind = if input.is_auto {
            SuperKind::Auto
        } else if is_std {
            SuperKind::Std
        } else {
            SuperKind::User { already_expanded: input.already_expanded }
        };
        let (args, bound_assoc) = split_args(&path);
        let mut sup = Super {
            name: name.clone(),
            path,
            kind: kind.clone(),
            item: None,
            free_assoc: Vec::new(),
            bound_assoc,
            args,
            methods: Vec::new(),
            inputs: Vec::new(),
        };
        if kind != SuperKind::Auto {
            let mut titem = parse_super_source(&input.source, &name)?;
            if kind == SuperKind::Std {
                strip_unstable(&mut titem);
                Qualify { module: module_of(&sup.path) }.visit_item_trait_mut(&mut titem);
            }
            // Substitute the trait's own parameters and the fixed associated types.
            let mut subst: Vec<(Ident, Type)> = Vec::new();
            let params: Vec<Ident> = titem.generics.type_params().map(|p| p.ident.clone()).collect();
            for (p, a) in params.iter().zip(sup.args.iter()) {
                if let GenericArgument::Type(t) = a {
                    subst.push((p.clone(), t.clone()));
                }
            }
            let mut assoc_all = Vec::new();
            for ti in &titem.items {
                if let TraitItem::Type(t) = ti {
                    assoc_all.push(t.ident.clone());
                    if !sup.bound_assoc.iter().any(|(n, _)| *n == t.ident) {
                        sup.free_assoc.push(t.ident.clone());
                    }
                }
            }
            Subst { params: &subst, assoc: &sup.bound_assoc }.visit_item_trait_mut(&mut titem);
            let items: Vec<TraitItem> = titem.items.clone();
            sup.methods = classify(&items, &assoc_all, &name.to_string());
            if let SuperKind::User { .. } = kind {
                sup.inputs = transitive_inputs(&titem, inputs);
            }
            sup.item = Some(titem);
        }
        out.push(sup);
    }
    Ok(out)
}

/// Traits of the Rust 2024 prelude (and common std traits) that may be named without a path.
const PRELUDE_TRAITS: [&str; 20] = [
    "Clone", "Copy", "Debug", "Display", "Default", "PartialEq", "Eq", "PartialOrd", "Ord",
    "Hash", "Iterator", "DoubleEndedIterator", "ExactSizeIterator", "IntoIterator", "AsRef",
    "AsMut", "ToString", "Error", "Future", "Extend",
];

fn written_bound(item: &ItemTrait, name: &Ident) -> Option<Path> {
    item.supertraits.iter().find_map(|b| match b {
        TypeParamBound::Trait(t) if t.path.segments.last().is_some_and(|s| s.ident == *name) => {
            Some(t.path.clone())
        }
        _ => None,
    })
}

fn split_args(path: &Path) -> (Vec<GenericArgument>, Vec<(Ident, Type)>) {
    let mut args = Vec::new();
    let mut assoc = Vec::new();
    if let Some(PathArguments::AngleBracketed(a)) = path.segments.last().map(|s| &s.arguments) {
        for arg in &a.args {
            match arg {
                GenericArgument::AssocType(at) => assoc.push((at.ident.clone(), at.ty.clone())),
                other => args.push(other.clone()),
            }
        }
    }
    (args, assoc)
}

fn parse_super_source(source: &str, name: &Ident) -> Result<ItemTrait, String> {
    if let Ok(t) = syn::parse_str::<ItemTrait>(source.trim()) {
        return Ok(t);
    }
    // rust-src declarations may say `pub const trait`; the expansion does not need `const`.
    let relaxed = source.replacen("const trait", "trait", 1);
    if let Ok(file) = syn::parse_file(&relaxed) {
        for item in file.items {
            if let syn::Item::Trait(t) = item {
                if t.ident == *name {
                    return Ok(t);
                }
            }
        }
    }
    syn::parse_str::<ItemTrait>(relaxed.trim())
        .map_err(|e| format!("the declaration of the supertrait `{name}` does not parse: {e}"))
}

/// Leaves out methods a stable crate cannot name or should not call.
fn strip_unstable(item: &mut ItemTrait) {
    item.items.retain(|ti| {
        let attrs = match ti {
            TraitItem::Fn(f) => &f.attrs,
            TraitItem::Type(t) => &t.attrs,
            TraitItem::Const(c) => &c.attrs,
            _ => return true,
        };
        !attrs.iter().any(|a| {
            let p = a.path();
            p.is_ident("unstable")
                || p.is_ident("deprecated")
                || (p.is_ident("doc") && quote::quote!(#a).to_string().contains("hidden"))
        })
    });
    for ti in &mut item.items {
        if let TraitItem::Fn(f) = ti {
            f.attrs.clear();
        }
    }
}

fn module_of(path: &Path) -> String {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    if segs.len() >= 2 {
        return segs[segs.len() - 2].clone();
    }
    match segs.last().map(String::as_str) {
        Some("Debug" | "Display") => "fmt".into(),
        Some("Hash") => "hash".into(),
        Some("PartialOrd" | "Ord") => "cmp".into(),
        _ => String::new(),
    }
}

/// Qualifies the standard library's module-internal names (`Formatter`, `Result`, …).
struct Qualify {
    module: String,
}

impl VisitMut for Qualify {
    fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
        syn::visit_mut::visit_type_path_mut(self, tp);
        if tp.qself.is_some() || tp.path.segments.len() != 1 || tp.path.leading_colon.is_some() {
            return;
        }
        let seg = &tp.path.segments[0];
        let full = match (self.module.as_str(), seg.ident.to_string().as_str()) {
            ("fmt", "Formatter") | (_, "Formatter") => "::core::fmt::Formatter",
            ("fmt", "Result") => "::core::fmt::Result",
            ("fmt", "Error") => "::core::fmt::Error",
            ("fmt", "Arguments") => "::core::fmt::Arguments",
            ("io", "Result") => "::std::io::Result",
            ("io", "IoSlice") => "::std::io::IoSlice",
            ("io", "IoSliceMut") => "::std::io::IoSliceMut",
            (_, "Ordering") => "::core::cmp::Ordering",
            (_, "Hasher") => "::core::hash::Hasher",
            (_, "Context") => "::core::task::Context",
            (_, "Poll") => "::core::task::Poll",
            _ => return,
        };
        let args = seg.arguments.clone();
        if let Ok(mut p) = syn::parse_str::<Path>(full) {
            if let Some(last) = p.segments.last_mut() {
                last.arguments = args;
            }
            tp.path = p;
        }
    }
}

/// Substitutes a supertrait's parameters and fixed associated types.
struct Subst<'s> {
    params: &'s [(Ident, Type)],
    assoc: &'s [(Ident, Type)],
}

impl VisitMut for Subst<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(tp) = ty {
            let segs = &tp.path.segments;
            if tp.qself.is_none() && segs.len() == 1 {
                if let Some((_, t)) = self.params.iter().find(|(p, _)| segs[0].ident == *p) {
                    *ty = t.clone();
                    return;
                }
            }
            let self_assoc = (tp.qself.is_none() && segs.len() == 2 && segs[0].ident == "Self")
                || (tp.qself.as_ref().is_some_and(|q| super::model::is_self_type(&q.ty)));
            if self_assoc {
                if let Some(last) = segs.last() {
                    if let Some((_, t)) = self.assoc.iter().find(|(a, _)| last.ident == *a) {
                        *ty = t.clone();
                        return;
                    }
                }
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// The supertraits of a (user) supertrait, from the caller's transitive list.
fn transitive_inputs(item: &ItemTrait, inputs: &[SupertraitInput]) -> Vec<SupertraitInput> {
    let mut names: Vec<String> = bound_names(item);
    let mut out: Vec<SupertraitInput> = Vec::new();
    let mut i = 0;
    while i < names.len() {
        let n = names[i].clone();
        if let Some(inp) = inputs.iter().find(|s| last_ident(&s.path) == n) {
            if !out.iter().any(|o| o.path == inp.path) {
                out.push(inp.clone());
                if let Ok(t) = syn::parse_str::<ItemTrait>(inp.source.trim()) {
                    for b in bound_names(&t) {
                        if !names.contains(&b) {
                            names.push(b);
                        }
                    }
                }
            }
        }
        i += 1;
    }
    out
}

fn bound_names(item: &ItemTrait) -> Vec<String> {
    item.supertraits
        .iter()
        .filter_map(|b| match b {
            TypeParamBound::Trait(t) => t.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn last_ident(path: &str) -> String {
    let p = path.split('<').next().unwrap_or(path);
    p.rsplit("::").next().unwrap_or(p).trim().to_string()
}

/// A fresh identifier.
pub(crate) fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}
