//! `macro_rules!` invocations at module level, expanded when a module is located: what they
//! declare (modules, `use`s, traits, types) becomes the module's, as in rustc.
//!
//! Textual scope as rustc has it: a `macro_rules!` is visible after its definition, to the
//! end of its module and in the modules declared after it; a `#[macro_use] mod m;` passes
//! `m`'s definitions on to the rest of its parent. An invocation `name!{…}` whose `name` is
//! in textual scope is expanded ([`crate::mbe`]); the expansion is a file of its own (an
//! extern file: its traits are analysed like a dependency's, and never carry diagnostics),
//! and its items are spliced into the module at the invocation. Expansions may define
//! macros, declare modules (`mod x;` is looked up next to the invoking module, as rustc
//! does) and invoke macros, to a bounded depth. Macros named by a path (`serde::m!`,
//! `$crate::m!`), `#[macro_export]` macros used from other crates, and built-in macros
//! (`include!`) are not expanded: what they declare stays unknown, and a path into it stays
//! unresolved — which gives no verdict and no diagnostic, never a guess.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::db::{Db, FileRef, MacroScope, MacroScopeEntry, ModuleKey};
use crate::item_tree::{DefKind, ItemScope, MacroEvent, ModDecl};

/// Nested expansions (a macro whose expansion invokes a macro …) followed.
const MAX_DEPTH: u32 = 16;
/// Expansions per module.
const MAX_EXPANSIONS: u32 = 1024;
/// `#[macro_use]` modules followed inside one another.
const MAX_MACRO_USE_DEPTH: u32 = 8;

/// The module being located.
pub(crate) struct Site<'a> {
    /// The file that holds it.
    pub file: FileRef,
    /// Whether it is an inline module of that file.
    pub inline: bool,
    /// Where its `mod x;` files are.
    pub dir: &'a Path,
    /// Its path, for display (`serde::de`).
    pub display: &'a str,
    /// The module.
    pub key: &'a ModuleKey,
}

/// The module's items with its macro invocations expanded, and the textual macro scope each
/// of its child modules inherits.
pub(crate) fn expand(
    db: &Db,
    site: &Site<'_>,
    raw: Arc<ItemScope>,
    inherited: MacroScope,
) -> (Arc<ItemScope>, HashMap<String, MacroScope>) {
    if raw.macros.is_empty() {
        return (raw, HashMap::new());
    }
    let mut ex = Expander {
        db,
        site,
        scope: inherited,
        children: HashMap::new(),
        out: None,
        budget: MAX_EXPANSIONS,
    };
    ex.run(&raw, 0);
    let scope = match ex.out {
        Some(out) => Arc::new(out),
        None => raw,
    };
    (scope, ex.children)
}

struct Expander<'a> {
    db: &'a Db,
    site: &'a Site<'a>,
    scope: MacroScope,
    children: HashMap<String, MacroScope>,
    /// The module's items with the expansions so far (`None` until the first one).
    out: Option<ItemScope>,
    budget: u32,
}

fn define(
    scope: MacroScope,
    name: &str,
    rules: &Option<Arc<crate::mbe::MacroRules>>,
) -> MacroScope {
    Some(Arc::new(MacroScopeEntry {
        name: name.to_string(),
        rules: rules.clone(),
        prev: scope,
    }))
}

/// The latest definition of `name` in scope: `Some(None)` when it is one whose rules do not
/// parse (it shadows the earlier ones all the same).
fn lookup(scope: &MacroScope, name: &str) -> Option<Option<Arc<crate::mbe::MacroRules>>> {
    let mut cur = scope.as_ref();
    while let Some(e) = cur {
        if e.name == name {
            return Some(e.rules.clone());
        }
        cur = e.prev.as_ref();
    }
    None
}

impl Expander<'_> {
    /// Walks the macro events of `owner` (the module's own items, or an expansion's).
    fn run(&mut self, owner: &ItemScope, depth: u32) {
        for event in &owner.macros {
            match event {
                MacroEvent::Define(name, rules) => {
                    self.scope = define(self.scope.take(), name, rules);
                }
                MacroEvent::Module { name, macro_use } => {
                    self.children.insert(name.clone(), self.scope.clone());
                    if *macro_use && let Some(decl) = owner.module(name) {
                        let (file, inline, dir) = (
                            self.site.file,
                            self.site.inline,
                            self.site.dir.to_path_buf(),
                        );
                        self.scope =
                            self.macro_use(file, inline, &dir, name, decl, self.scope.clone(), 0);
                    }
                }
                MacroEvent::Call(name, input) => {
                    if depth >= MAX_DEPTH || self.budget == 0 {
                        continue;
                    }
                    let Some(Some(rules)) = lookup(&self.scope, name) else {
                        continue;
                    };
                    self.budget -= 1;
                    let Some(text) = rules.expand(input) else {
                        continue;
                    };
                    let Some(at) = self.db.path_of(self.site.file) else {
                        continue;
                    };
                    let file = self.db.expansion_file(&at, name, text);
                    super::set_display_path(self.db, file, self.site.display);
                    // Names in the expansion resolve in the invoking module.
                    super::lock(self.db)
                        .file_modules
                        .entry(file)
                        .or_insert_with(|| self.site.key.clone());
                    let Some(tree) = self.db.item_tree_of(file) else {
                        continue;
                    };
                    let FileRef::Extern(id) = file else { continue };
                    let items = rebase(&tree.root, id);
                    let out = self.out.get_or_insert_with(|| ItemScope {
                        macros: Vec::new(),
                        ..owner.clone()
                    });
                    out.defs.extend(items.defs.iter().cloned());
                    out.uses.extend(items.uses.iter().cloned());
                    out.extern_crates
                        .extend(items.extern_crates.iter().cloned());
                    self.run(&items, depth + 1);
                }
            }
        }
    }

    /// `scope` with the definitions of the `#[macro_use]` module `name` (and of its own
    /// `#[macro_use]` modules) added.
    #[allow(clippy::too_many_arguments)]
    fn macro_use(
        &self,
        parent_file: FileRef,
        parent_inline: bool,
        parent_dir: &Path,
        name: &str,
        decl: &ModDecl,
        mut scope: MacroScope,
        depth: u32,
    ) -> MacroScope {
        if depth >= MAX_MACRO_USE_DEPTH {
            return scope;
        }
        let (file, inline, dir, items) = match &decl.inline {
            Some(items) => (
                parent_file,
                true,
                parent_dir.join(decl.path_attr.as_deref().unwrap_or(name)),
                Arc::new((**items).clone()),
            ),
            None => {
                let Some((file, dir)) =
                    super::child_file(self.db, parent_file, parent_inline, parent_dir, name, decl)
                else {
                    return scope;
                };
                let Some(tree) = self.db.item_tree_of(file) else {
                    return scope;
                };
                (file, false, dir, Arc::new(tree.root.clone()))
            }
        };
        for event in &items.macros {
            match event {
                MacroEvent::Define(n, rules) => scope = define(scope, n, rules),
                MacroEvent::Module {
                    name: child,
                    macro_use: true,
                } => {
                    if let Some(d) = items.module(child) {
                        scope = self.macro_use(file, inline, &dir, child, d, scope, depth + 1);
                    }
                }
                _ => {}
            }
        }
        scope
    }
}

/// An expansion's items, its traits named by the expansion's file (the module that splices
/// them in is held by another file).
fn rebase(scope: &ItemScope, file: u32) -> ItemScope {
    let mut out = scope.clone();
    for d in &mut out.defs {
        match &mut d.kind {
            DefKind::Trait(i) => d.kind = DefKind::ExpandedTrait { file, index: *i },
            DefKind::Module(ModDecl {
                inline: Some(inner),
                ..
            }) => **inner = rebase(inner, file),
            _ => {}
        }
    }
    out
}
