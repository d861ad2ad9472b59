//! The names a file declares, module by module: what name resolution reads (rust-analyzer's
//! `ItemTree`, much smaller).
//!
//! Per module (the file's top level and each inline `mod x { … }`), and per block when asked
//! ([`block_scope`]): the items of the type namespace (traits, with their index in the file's
//! [`FileModel`](crate::model::FileModel); modules, with their `#[path]`; structs, enums,
//! unions, type aliases, which shadow a trait of the same name), `use` declarations and
//! `extern crate`s. No positions: an edit inside a function body leaves the tree equal, so
//! the module trees built from it stay valid (`Db::edit_file` compares them).

use std::sync::Arc;

use ra_ap_syntax::ast::{self, HasAttrs, HasModuleItem, HasName, HasVisibility};
use ra_ap_syntax::{AstNode, SourceFile};

use crate::mbe::{MacroRules, Tt};
use crate::model::{TraitDef, flatten_use_tree};

/// How far an item is visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vis {
    /// `pub`.
    Pub,
    /// `pub(crate)`, `pub(super)`, `pub(in …)`: inside its crate.
    Crate,
    /// No visibility: its module and the modules inside it.
    Private,
}

/// What a name of the type namespace is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefKind {
    /// The `index`-th trait of the file's model.
    Trait(u32),
    /// The `index`-th trait of a macro expansion, an extern file of id `file` (set by name
    /// resolution when it splices an expansion into a module).
    ExpandedTrait { file: u32, index: u32 },
    /// A module: inline (its items) or in a file of its own.
    Module(ModDecl),
    /// A struct, enum, union or type alias: not a trait, but it shadows one.
    Other,
}

/// A `mod` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModDecl {
    /// `#[path = "…"]`.
    pub path_attr: Option<String>,
    /// The items of an inline module; `None` for `mod x;`.
    pub inline: Option<Box<ItemScope>>,
}

/// A name declared by an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Def {
    pub name: String,
    pub vis: Vis,
    pub kind: DefKind,
}

/// What a `use` tree brings in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UseKind {
    /// `use a::b;` (`b`), `use a::b as c;` (`c`), `use a::{self}` (`a`).
    Named(String),
    /// `use a::*;`
    Glob,
}

/// One leaf of a `use` declaration, its path flattened (`use a::{b, c::{d as e}}` gives
/// `a::b` as `b` and `a::c::d` as `e`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseDecl {
    /// The path, `crate`, `self`, `super` included as segments; a leading `::` is `"{{root}}"`.
    pub path: Vec<String>,
    pub kind: UseKind,
    pub vis: Vis,
}

/// `extern crate name as alias;`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternCrate {
    pub name: String,
    pub alias: String,
    pub vis: Vis,
}

/// What name resolution needs of the macros of a module, in source order: `macro_rules!`
/// definitions (their textual scope runs to the end of the module and into the modules
/// declared after them), modules (which inherit that scope; a `#[macro_use]` one also passes
/// its own definitions on to the rest of its parent), and invocations at item level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacroEvent {
    /// `macro_rules! name { … }`; `None` when its rules do not parse (it still shadows).
    Define(String, Option<Arc<MacroRules>>),
    /// `name! { … }` / `name!(…);` at item level, with its token trees.
    Call(String, Arc<[Tt]>),
    /// `mod name` (inline or not).
    Module { name: String, macro_use: bool },
}

/// The items of one module or block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemScope {
    pub defs: Vec<Def>,
    pub uses: Vec<UseDecl>,
    pub extern_crates: Vec<ExternCrate>,
    pub macros: Vec<MacroEvent>,
    /// Functions (the value namespace, apart: a function and a trait may share a name).
    pub values: Vec<Def>,
}

impl ItemScope {
    /// The first item of the type namespace named `name`.
    pub fn def(&self, name: &str) -> Option<&Def> {
        self.defs.iter().find(|d| d.name == name)
    }

    /// The inline module (or `mod x;` declaration) named `name`.
    pub fn module(&self, name: &str) -> Option<&ModDecl> {
        self.defs.iter().find_map(|d| match &d.kind {
            DefKind::Module(m) if d.name == name => Some(m),
            _ => None,
        })
    }
}

/// The module-level names of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTree {
    pub root: ItemScope,
}

pub use crate::model::ROOT_SEGMENT;

/// Lowers the module-level names of a file. `traits` is the file's lowered traits (in source
/// order), to which trait items are matched by position.
pub fn lower(file: &SourceFile, traits: &[Arc<TraitDef>]) -> ItemTree {
    ItemTree {
        root: lower_scope(file.items(), traits),
    }
}

/// The items written directly in a block (`{ trait T {} use x::Y; … }`), with the same
/// matching of traits.
pub fn block_scope(list: &ast::StmtList, traits: &[Arc<TraitDef>]) -> ItemScope {
    let items = list.statements().filter_map(|s| match s {
        ast::Stmt::Item(i) => Some(i),
        _ => None,
    });
    lower_scope(items, traits)
}

fn vis_of(item: &impl HasVisibility) -> Vis {
    match item.visibility() {
        None => Vis::Private,
        Some(v) if v.syntax().text() == "pub" => Vis::Pub,
        Some(_) => Vis::Crate,
    }
}

fn path_attr(m: &ast::Module) -> Option<String> {
    m.attrs().find_map(|a| {
        let ast::Meta::KeyValueMeta(meta) = a.meta()? else {
            return None;
        };
        if meta.path()?.syntax().text() != "path" {
            return None;
        }
        let lit = meta.expr()?;
        let text = lit.syntax().text().to_string();
        let text = text.trim();
        let inner = text.strip_prefix('"')?.strip_suffix('"')?;
        Some(inner.replace("\\\\", "\\"))
    })
}

fn lower_scope(items: impl Iterator<Item = ast::Item>, traits: &[Arc<TraitDef>]) -> ItemScope {
    let mut scope = ItemScope::default();
    for item in items {
        // Another platform's item, or a documentation stub: not there (`crate::cfg`).
        if crate::cfg::enabled(&item) == Some(false) {
            continue;
        }
        let (name, vis, kind) = match &item {
            ast::Item::Trait(t) => {
                let Some(name) = t.name() else { continue };
                let range = name.syntax().text_range();
                let Ok(i) = traits.binary_search_by_key(&range.start(), |d| d.name_range.start())
                else {
                    // Traits in blocks come in source order too, so a search by position
                    // finds every trait that lowered.
                    continue;
                };
                // A trait `#[trait_variant::make(Name: …)]` doubles: the variant, lowered
                // from the same item just before it (its name, in the attribute, comes first).
                if let Some(j) = i.checked_sub(1)
                    && traits[j].range == traits[i].range
                {
                    scope.defs.push(Def {
                        name: traits[j].name.clone(),
                        vis: vis_of(t),
                        kind: DefKind::Trait(j as u32),
                    });
                }
                (name, vis_of(t), DefKind::Trait(i as u32))
            }
            ast::Item::Struct(s) => match s.name() {
                Some(n) => (n, vis_of(s), DefKind::Other),
                None => continue,
            },
            ast::Item::Enum(e) => match e.name() {
                Some(n) => (n, vis_of(e), DefKind::Other),
                None => continue,
            },
            ast::Item::Union(u) => match u.name() {
                Some(n) => (n, vis_of(u), DefKind::Other),
                None => continue,
            },
            ast::Item::TypeAlias(t) => match t.name() {
                Some(n) => (n, vis_of(t), DefKind::Other),
                None => continue,
            },
            ast::Item::Module(m) => {
                let Some(name) = m.name() else { continue };
                scope.macros.push(MacroEvent::Module {
                    name: name.text().to_string(),
                    macro_use: m
                        .attrs()
                        .any(|a| a.path().is_some_and(|p| p.syntax().text() == "macro_use")),
                });
                let inline = m
                    .item_list()
                    .map(|l| Box::new(lower_scope(l.items(), traits)));
                let decl = ModDecl {
                    path_attr: path_attr(m),
                    inline,
                };
                (name, vis_of(m), DefKind::Module(decl))
            }
            ast::Item::Use(u) => {
                if let Some(tree) = u.use_tree() {
                    let mut names = Vec::new();
                    flatten_use_tree(&tree, &[], &mut names);
                    let vis = vis_of(u);
                    scope.uses.extend(names.into_iter().map(|n| UseDecl {
                        path: n.path,
                        kind: n.alias.map_or(UseKind::Glob, UseKind::Named),
                        vis,
                    }));
                }
                continue;
            }
            ast::Item::ExternCrate(e) => {
                let Some(name) = e.name_ref() else { continue };
                let name = name.text().to_string();
                let alias = match e.rename() {
                    Some(r) => match r.name() {
                        Some(n) => n.text().to_string(),
                        None => continue,
                    },
                    None => name.clone(),
                };
                scope.extern_crates.push(ExternCrate {
                    name,
                    alias,
                    vis: vis_of(e),
                });
                continue;
            }
            ast::Item::Fn(f) => {
                if let Some(name) = f.name() {
                    scope.values.push(Def {
                        name: name.text().to_string(),
                        vis: vis_of(f),
                        kind: DefKind::Other,
                    });
                }
                continue;
            }
            ast::Item::MacroRules(m) => {
                if let Some(name) = m.name() {
                    let rules = MacroRules::parse(m).map(Arc::new);
                    scope
                        .macros
                        .push(MacroEvent::Define(name.text().to_string(), rules));
                }
                continue;
            }
            ast::Item::MacroCall(c) => {
                // Only plain `name!`: paths (`serde::m!`, `$crate::m!`) name exported
                // macros, which are not modelled.
                let name = c
                    .path()
                    .filter(|p| p.qualifier().is_none())
                    .and_then(|p| p.segment()?.name_ref());
                if let (Some(name), Some(tt)) = (name, c.token_tree()) {
                    scope.macros.push(MacroEvent::Call(
                        name.text().to_string(),
                        crate::mbe::token_trees(&tt).into(),
                    ));
                }
                continue;
            }
            _ => continue,
        };
        scope.defs.push(Def {
            name: name.text().to_string(),
            vis,
            kind,
        });
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::EDITION;

    #[test]
    fn lowers_modules_uses_and_shadowing_items() {
        let src = "pub mod a { pub trait T {} struct S; }\n#[path = \"x/y.rs\"] mod b;\npub(crate) use ::dep::{self as d, m::{X as Y, *}};\nuse super::Z;\nextern crate alloc as al;\nfn f() { trait Hidden {} }\n";
        let parse = SourceFile::parse(src, EDITION);
        let model = crate::model::lower_file(&parse.tree());
        let tree = lower(&parse.tree(), &model.traits);
        let a = tree.root.module("a").unwrap().inline.as_ref().unwrap();
        assert_eq!(a.def("T").unwrap().kind, DefKind::Trait(0));
        assert_eq!(a.def("S").unwrap().kind, DefKind::Other);
        assert_eq!(
            tree.root.module("b").unwrap().path_attr.as_deref(),
            Some("x/y.rs")
        );
        let uses: Vec<(String, UseKind, Vis)> = tree
            .root
            .uses
            .iter()
            .map(|u| (u.path.join("::"), u.kind.clone(), u.vis))
            .collect();
        assert_eq!(
            uses,
            vec![
                (
                    "{{root}}::dep".into(),
                    UseKind::Named("d".into()),
                    Vis::Crate
                ),
                (
                    "{{root}}::dep::m::X".into(),
                    UseKind::Named("Y".into()),
                    Vis::Crate
                ),
                ("{{root}}::dep::m".into(), UseKind::Glob, Vis::Crate),
                ("super::Z".into(), UseKind::Named("Z".into()), Vis::Private),
            ]
        );
        assert_eq!(tree.root.extern_crates[0].alias, "al");
        assert!(
            tree.root.def("Hidden").is_none(),
            "block items are not the module's"
        );
        assert_eq!(model.in_block, vec![false, true]);
    }
}
