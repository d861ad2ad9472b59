//! Names in the declaration of a trait that the crate receiving its expansion does not
//! define — std's, a dependency's — rewritten to paths that resolve there.
//!
//! The generator copies the trait's signatures into the code it writes. A dependency's
//! declaration names things as its own module sees them: `Result` may be `std::io::Result`
//! (a module item shadowing the prelude's), `Poll` and `Context` are imports, `crate::Abi` is
//! the dependency's own crate. Every path of the declaration (outside method bodies) whose
//! first segment resolves in the trait's module — to a trait, a module or another type — is
//! rewritten to the shortest public path from the receiving crate (`::std::io::Result`,
//! `::core::task::Poll`, `::syn::Abi`); `crate::`/`self::`/`super::` prefixes likewise.
//! Generic parameters, `Self` and names that resolve to nothing (the prelude's types, which
//! mean the same everywhere) stay as written; a name found but with no public path is
//! reported (the expansion says so in a comment rather than guess).

use dynlens_base::{CrateId, CrateOrigin, TextRange, TextSize};
use ra_ap_syntax::ast::{self, HasGenericArgs};
use ra_ap_syntax::{AstNode, SourceFile};

use crate::db::{Db, EDITION, FileRef, ModuleKey, TraitKey};
use crate::nameres::{self, Res};

const PRIMITIVES: [&str; 17] = [
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f32", "f64",
];

/// A declaration, its names made to resolve in the receiving crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Qualified {
    pub source: String,
    /// The trait's own public path (`::std::io::Read`).
    pub trait_path: Option<String>,
    /// Names found in the trait's module with no public path from the receiving crate.
    pub unreachable: Vec<String>,
    /// A std trait's declaration read from the catalog (no rust-src, so no module to resolve
    /// in): the names it uses that are not in every module's scope (`Formatter`, `Result`
    /// for `fmt::Result`), which it cannot qualify. An expansion for a crate refuses them.
    pub needs_sources: Vec<String>,
}

/// A std declaration's names that mean the same in every module: the prelude's types and
/// traits (edition 2024), and `Result` with its two arguments.
const PRELUDE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Box",
    "String",
    "Vec",
    "ToString",
    "ToOwned",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "Sized",
    "Send",
    "Sync",
    "Unpin",
    "Copy",
    "Clone",
    "Default",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryInto",
    "TryFrom",
    "FromIterator",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Future",
    "IntoFuture",
];

/// The names of a catalog declaration that only resolve in its own module: single-segment
/// paths that are not `Self`, a generic parameter, a primitive or [`PRELUDE_NAMES`] (nor
/// `Result<T, E>`), outside methods that require `Self: Sized` (the expansion leaves those
/// out).
fn module_names(source: &str) -> Vec<String> {
    use ra_ap_syntax::ast::HasGenericParams;
    let file = SourceFile::parse(source, EDITION).tree();
    let generics = generic_names(&file);
    let mut out = Vec::new();
    for path in file.syntax().descendants().filter_map(ast::Path::cast) {
        if path.qualifier().is_some()
            || path
                .syntax()
                .parent()
                .is_some_and(|p| ast::Path::can_cast(p.kind()))
        {
            continue;
        }
        let skipped = path.syntax().ancestors().any(|a| {
            ast::BlockExpr::can_cast(a.kind())
                || ast::Attr::can_cast(a.kind())
                || ast::Fn::cast(a.clone()).is_some_and(|f| {
                    f.where_clause().is_some_and(|w| {
                        let w = w.syntax().text().to_string();
                        w.contains("Self: Sized") || w.contains("Self: ?Sized + Sized")
                    })
                })
        });
        let Some(seg) = path.segment() else { continue };
        let Some(name) = seg.name_ref().map(|n| n.text().to_string()) else {
            continue;
        };
        let two_args = seg
            .generic_arg_list()
            .is_some_and(|g| g.generic_args().count() == 2);
        if skipped
            || name == "Self"
            || generics.contains(&name)
            || PRIMITIVES.contains(&name.as_str())
            || (name == "Result" && two_args)
            || (name != "Result" && PRELUDE_NAMES.contains(&name.as_str()))
        {
            continue;
        }
        out.push(name);
    }
    out.sort();
    out.dedup();
    out
}

/// The module a trait is declared in (for std's table traits: the module of the rust-src
/// file its declaration comes from, when the sysroot crates are in the project).
pub(crate) fn trait_module(db: &Db, key: &TraitKey) -> Option<ModuleKey> {
    match key {
        TraitKey::Local(f, _) => {
            let def = db.trait_def(key)?;
            nameres::module_at(db, FileRef::Workspace(*f), &def.module_path)
        }
        TraitKey::Extern(e, _) => {
            let def = db.trait_def(key)?;
            nameres::module_at(db, FileRef::Extern(*e), &def.module_path)
        }
        TraitKey::Std(p) => {
            let info = dynlens_std::trait_info(p)?;
            let (krate, rest) = info.file.split_once("/src/")?;
            let graph = &db.project.as_ref()?.graph;
            let (id, _) = graph
                .iter()
                .find(|(_, c)| c.origin == CrateOrigin::Sysroot && c.name == krate)?;
            let mut segs: Vec<String> = rest
                .trim_end_matches(".rs")
                .split('/')
                .map(str::to_string)
                .collect();
            if matches!(segs.last().map(String::as_str), Some("mod" | "lib")) {
                segs.pop();
            }
            Some((id, segs))
        }
    }
}

/// `source` (the declaration of the trait `key`) with its names qualified for crate `into`.
pub(crate) fn qualify(db: &Db, key: &TraitKey, source: &str, into: CrateId) -> Qualified {
    let trait_path = public_trait_path(db, key, into);
    let Some(module) = trait_module(db, key) else {
        return Qualified {
            source: source.to_string(),
            trait_path,
            unreachable: Vec::new(),
            needs_sources: match key {
                TraitKey::Std(_) => module_names(source),
                _ => Vec::new(),
            },
        };
    };
    let file = SourceFile::parse(source, EDITION).tree();
    let generics = generic_names(&file);
    let mut edits: Vec<(TextRange, String)> = Vec::new();
    let mut unreachable = Vec::new();
    for path in file.syntax().descendants().filter_map(ast::Path::cast) {
        if path.qualifier().is_some()
            || path
                .syntax()
                .ancestors()
                .any(|a| ast::BlockExpr::can_cast(a.kind()) || ast::Attr::can_cast(a.kind()))
        {
            continue;
        }
        // The longest prefix of plain segments (no generic arguments before the last).
        let mut prefix = vec![path.clone()];
        let mut cur = path.clone();
        while let Some(parent) = cur.syntax().parent().and_then(ast::Path::cast) {
            if cur
                .segment()
                .is_some_and(|s| s.generic_arg_list().is_some())
            {
                break;
            }
            prefix.push(parent.clone());
            cur = parent;
        }
        let Some(first) = path.segment() else {
            continue;
        };
        let first_name = first.syntax().text().to_string();
        let keyword = matches!(first_name.as_str(), "crate" | "self" | "super");
        if first_name == "Self" || (!keyword && generics.contains(&first_name)) {
            continue;
        }
        // A primitive type: a module of the same name (`use core::str;`) does not shadow it
        // in a type.
        if PRIMITIVES.contains(&first_name.as_str()) && prefix.len() == 1 {
            continue;
        }
        // The longest prefix that resolves (`crate::a::B` → `B`; `io::Result` → `Result`).
        let found = prefix.iter().rev().find_map(|p| {
            let names: Vec<String> = p
                .segments()
                .map(|s| {
                    s.name_ref()
                        .map(|n| n.text().to_string())
                        .unwrap_or_else(|| s.syntax().text().to_string())
                })
                .collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let res = nameres::resolve_path(db, &module, &refs)?;
            Some((p.clone(), res))
        });
        let Some((p, res)) = found else { continue };
        // A std prelude trait resolved through the prelude means the same everywhere.
        if !keyword
            && p == path
            && matches!(&res, Res::Trait(TraitKey::Std(_)))
            && dynlens_std::prelude_trait(&first_name).is_some()
            && nameres::resolve_path(db, &module, &[first_name.as_str()])
                == nameres::resolve_path(db, &(into, Vec::new()), &[first_name.as_str()])
        {
            continue;
        }
        let Some(public) = crate::public::public_path(db, into, &res) else {
            unreachable.push(p.syntax().text().to_string());
            continue;
        };
        // Replace the prefix's segments, keeping the last one's generic arguments.
        let last = p.segment();
        let end = last
            .as_ref()
            .and_then(|s| s.generic_arg_list())
            .map_or(p.syntax().text_range().end(), |g| {
                g.syntax().text_range().start()
            });
        let start = path.syntax().text_range().start();
        edits.push((TextRange::new(start, end), public));
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start()));
    let mut out = source.to_string();
    let mut last_start = TextSize::from(u32::MAX);
    for (r, text) in edits {
        // Nested paths (`a::b` inside `a::b::C`) were covered by the outer edit.
        if r.end() > last_start {
            continue;
        }
        out.replace_range(usize::from(r.start())..usize::from(r.end()), &text);
        last_start = r.start();
    }
    unreachable.sort();
    unreachable.dedup();
    Qualified {
        source: out,
        trait_path,
        unreachable,
        needs_sources: Vec::new(),
    }
}

/// The public path of a trait from crate `into`.
pub(crate) fn public_trait_path(db: &Db, key: &TraitKey, into: CrateId) -> Option<String> {
    crate::public::public_path(db, into, &Res::Trait(key.clone()))
}

/// Every generic parameter name of the declaration (the trait's and its items').
fn generic_names(file: &SourceFile) -> Vec<String> {
    let mut out = Vec::new();
    for list in file
        .syntax()
        .descendants()
        .filter_map(ast::GenericParamList::cast)
    {
        for p in list.generic_params() {
            if let ast::GenericParam::TypeParam(t) = &p
                && let Some(n) = ra_ap_syntax::ast::HasName::name(t)
            {
                out.push(n.text().to_string());
            }
            if let ast::GenericParam::ConstParam(c) = &p
                && let Some(n) = ra_ap_syntax::ast::HasName::name(c)
            {
                out.push(n.text().to_string());
            }
        }
    }
    out
}

/// The trait's declaration as the expansion carries it: an item declared again under
/// another `#[cfg]` (serde's two `collect_str`) is dropped, the first declaration kept; a
/// provided method std marks `#[unstable]` is dropped (stable code can neither name nor
/// override it: no slot; its default body runs on the dyn value). With a note per drop.
pub(crate) fn carried_source(source: &str) -> (String, Vec<String>) {
    let file = SourceFile::parse(source, EDITION).tree();
    let Some(list) = file
        .syntax()
        .descendants()
        .find_map(ast::Trait::cast)
        .and_then(|t| t.assoc_item_list())
    else {
        return (source.to_string(), Vec::new());
    };
    let mut seen = std::collections::HashSet::new();
    let mut drops: Vec<TextRange> = Vec::new();
    let mut notes = Vec::new();
    let mut unstable = Vec::new();
    for item in list.assoc_items() {
        let (name, kind) = match &item {
            ast::AssocItem::Fn(f) => (ast::HasName::name(f), "fn"),
            ast::AssocItem::TypeAlias(t) => (ast::HasName::name(t), "type"),
            ast::AssocItem::Const(c) => (ast::HasName::name(c), "const"),
            ast::AssocItem::MacroCall(_) => continue,
        };
        let Some(name) = name.map(|n| n.text().to_string()) else {
            continue;
        };
        if !seen.insert((kind, name.clone())) {
            drops.push(item.syntax().text_range());
            notes.push(format!(
                "`{name}` is declared more than once (under `#[cfg]` alternatives): the first declaration is carried"
            ));
            continue;
        }
        if let ast::AssocItem::Fn(f) = &item
            && f.body().is_some()
            && let Some(feature) = ast::HasAttrs::attrs(f).find_map(|a| {
                (a.path()?.syntax().text() == "unstable").then(|| {
                    let text = a.syntax().text().to_string();
                    text.split('"').nth(1).unwrap_or("?").to_string()
                })
            })
        {
            drops.push(item.syntax().text_range());
            unstable.push(format!("`{name}` ({feature})"));
        }
    }
    if !unstable.is_empty() {
        notes.push(format!(
            "Unstable, so not carried (no slot; their default bodies run): {}",
            unstable.join(", ")
        ));
    }
    let mut out = source.to_string();
    for r in drops.iter().rev() {
        out.replace_range(usize::from(r.start())..usize::from(r.end()), "");
    }
    (out, notes)
}

/// The error for a std declaration read from the catalog that names what only its module
/// knows (`Qualified::needs_sources`): the expansion would not compile in the user's crate.
pub(crate) fn needs_sources_error(key: &TraitKey, names: &[String]) -> Option<String> {
    let TraitKey::Std(path) = key else {
        return None;
    };
    (!names.is_empty()).then(|| {
        format!(
            "the declaration of `{}` names {}, which dynlens can write as this crate reaches them only with the toolchain's std sources: install them (`rustup component add rust-src`) and reload",
            dynlens_std::trait_info(path).map_or(path.to_string(), |i| i.public_path()),
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}
