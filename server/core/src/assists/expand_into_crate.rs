//! Assist: expand a trait the crate does not define — std's, a dependency's — into the
//! crate's `dyn_star` module.
//!
//! ```text
//! pub fn copy_all(r: &mut dyn std::io::$0Read) { … }
//! ```
//! ->
//! `src/dyn_star.rs` (created next to the crate root and declared there as `pub mod
//! dyn_star;` when missing) gets `ReadVtable`, `DynRead` and `impl Read for DynRead`, with
//! every name written as the crate reaches it (`crate::naming`). A trait already expanded
//! there (its `…Vtable` struct is in the module) is not offered again: one module, each trait
//! once, supertraits reused.

use std::path::PathBuf;

use ra_ap_syntax::{AstNode, TextSize, ast};

use super::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::db::{FileRef, TraitKey};
use crate::dyn_star::expand_input;
use crate::resolve::{Scope, resolve_trait};
use dynlens_base::{NewFile, TextEdit};

const ID: &str = "expand_into_dyn_star";
/// The module the expansions of foreign traits go to.
const MODULE: &str = "dyn_star";

pub fn expand_into_crate(ctx: &AssistCtx<'_>, acc: &mut Assists) -> Option<()> {
    if !acc.wants(ID) {
        return None;
    }
    let db = ctx.db;
    let key = foreign_trait_at(ctx)?;
    let target = DynStarModule::of(db, ctx.file)?;
    if target.holds(db, &key) {
        return None;
    }
    let plan = dynlens_expand::plan(&expand_input(db, &key, false).ok()?).ok()?;
    let label = plan.title().replacen(
        "into explicit vtable",
        &format!("into explicit vtable in `crate::{MODULE}`"),
        1,
    );
    let file = ctx.file;
    acc.add(ID, label, AssistKind::RefactorRewrite, move || {
        let mut change = SourceChange::default();
        target.add_expansion(db, &key, file, &mut change)?;
        Some(change)
    });
    Some(())
}

/// The `dyn_star` module of the crate a file belongs to: where it is (or would be) and its
/// crate root.
#[derive(Debug, Clone)]
pub(crate) struct DynStarModule {
    root: crate::db::FileId,
    path: PathBuf,
    existing: Option<crate::db::FileId>,
}

impl DynStarModule {
    pub(crate) fn of(db: &crate::db::Db, file: crate::db::FileId) -> Option<DynStarModule> {
        let (krate, _) = crate::nameres::file_module(db, FileRef::Workspace(file))?;
        let root_path = db.project.as_ref()?.graph.get(krate)?.root.clone();
        let root = db.file_id(&root_path)?;
        let path: PathBuf = root_path.parent()?.join(format!("{MODULE}.rs"));
        let existing = db.file_id(&path);
        Some(DynStarModule {
            root,
            path,
            existing,
        })
    }

    /// The path of the dyn type of `key` from anywhere in the crate.
    pub(crate) fn dyn_path(dyn_name: &str) -> String {
        format!("crate::{MODULE}::{dyn_name}")
    }

    /// Whether the module already holds the expansion of `key` (its `…Vtable` struct).
    pub(crate) fn holds(&self, db: &crate::db::Db, key: &TraitKey) -> bool {
        db.trait_def(key)
            .is_some_and(|def| self.holds_named(db, &format!("{}Vtable", def.name)))
    }

    /// Adds to `change` the expansion of `key` for the crate of `file`: appended to the
    /// module, or the module created; and `pub mod dyn_star;` in the crate root if missing.
    pub(crate) fn add_expansion(
        &self,
        db: &crate::db::Db,
        key: &TraitKey,
        file: crate::db::FileId,
        change: &mut SourceChange,
    ) -> Option<()> {
        let out = crate::assists::expand_vtable::expand_key(db, key, false, Some(file)).ok()?;
        self.add_text(db, &out.text, change)
    }

    /// Whether the module already holds the expansion whose vtable is `vtable_struct`.
    pub(crate) fn holds_named(&self, db: &crate::db::Db, vtable_struct: &str) -> bool {
        self.existing.is_some_and(|f| {
            db.file_text(f)
                .is_some_and(|t| t.contains(&format!("struct {vtable_struct}")))
        })
    }

    /// Adds `text` to the module (appended, or the module created) and declares the module in
    /// the crate root if it is not.
    pub(crate) fn add_text(
        &self,
        db: &crate::db::Db,
        text_to_add: &str,
        change: &mut SourceChange,
    ) -> Option<()> {
        let out_text = text_to_add;
        match self.existing {
            Some(f) => {
                let text = db.file_text(f)?;
                let sep = match (text.is_empty(), text.ends_with("\n\n"), text.ends_with('\n')) {
                    (true, _, _) | (_, true, _) => "",
                    (_, _, true) => "\n",
                    _ => "\n\n",
                };
                let end = TextSize::of(text);
                change.push(f, TextEdit::insert(end, format!("{sep}{out_text}")));
            }
            None => change.new_files.push(NewFile {
                path: self.path.clone(),
                text: format!(
                    "//! dyn* values for traits this crate uses but does not define (std's, its\n//! dependencies'): explicit vtables written by dynlens.\n\n{out_text}"
                ),
            }),
        }
        let declared = db
            .item_tree_of(FileRef::Workspace(self.root))
            .is_some_and(|t| t.root.module(MODULE).is_some());
        if !declared {
            let (at, text) = declaration_site(db, self.root)?;
            change.push(self.root, TextEdit::insert(at, text));
        }
        Some(())
    }
}

/// The trait of the `dyn Trait` or `impl Trait` bound at the cursor, when it is not one of
/// the workspace's.
fn foreign_trait_at(ctx: &AssistCtx<'_>) -> Option<TraitKey> {
    let root = ctx.db.syntax(ctx.file)?;
    // A file too deeply nested to parse has an empty tree under a non-empty text: an offset
    // past the tree's end would panic in `token_at_offset` (found by the fuzzer).
    if !root
        .syntax()
        .text_range()
        .contains_inclusive(ctx.range.start())
    {
        return None;
    }
    let token = root
        .syntax()
        .token_at_offset(ctx.range.start())
        .right_biased()?;
    let path_type = token.parent_ancestors().find_map(ast::PathType::cast)?;
    let bound = path_type.syntax().parent().and_then(ast::TypeBound::cast)?;
    let in_dyn_or_impl = bound.syntax().ancestors().nth(2).is_some_and(|n| {
        ast::DynTraitType::can_cast(n.kind()) || ast::ImplTraitType::can_cast(n.kind())
    });
    if !in_dyn_or_impl {
        return None;
    }
    let path = crate::model::lower_path(&path_type.path()?);
    let start = path_type.syntax().text_range().start();
    let key = resolve_trait(ctx.db, Scope::At(ctx.file, start), &path)?;
    (!matches!(key, TraitKey::Local(..))).then_some(key)
}

/// Where `pub mod dyn_star;` goes in the crate root: after its last `mod x;`, else before its
/// first item (after the inner attributes and `//!` docs).
fn declaration_site(db: &crate::db::Db, root: crate::db::FileId) -> Option<(TextSize, String)> {
    let file = db.syntax(root)?;
    let items: Vec<ast::Item> = ast::HasModuleItem::items(&file).collect();
    let last_mod = items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Module(m) if m.item_list().is_none() => Some(m.syntax().text_range().end()),
            _ => None,
        })
        .max();
    Some(match (last_mod, items.first()) {
        (Some(end), _) => (end, format!("\npub mod {MODULE};")),
        (None, Some(first)) => (
            first.syntax().text_range().start(),
            format!("pub mod {MODULE};\n\n"),
        ),
        (None, None) => (
            TextSize::of(db.file_text(root)?),
            format!("pub mod {MODULE};\n"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::assists::{AssistResolve, assists};
    use crate::nameres::tests::fixture;
    use dynlens_base::{TextRange, TextSize};

    const FIXTURE: &str = "//- /app/src/lib.rs crate:app deps:dep
//! The app.
mod net;
pub fn run() {}
//- /app/src/net.rs
pub fn serve(s: &dyn dep::io::Service, r: impl dep::io::Service) {}
//- /dep/src/lib.rs crate:dep origin:dep
pub mod io {
    pub struct Request;
    pub trait Service { fn call(&self, req: Request) -> u8; }
}
";

    fn at(f: &crate::nameres::tests::Fixture, needle: &str, n: usize) -> TextRange {
        let file = f.file("/app/src/net.rs");
        let text = f.db.file_text(file).unwrap();
        let offset = text.match_indices(needle).nth(n).unwrap().0 + needle.len() - 2;
        TextRange::empty(TextSize::from(offset as u32))
    }

    #[test]
    fn creates_dyn_star_and_declares_it_then_is_not_offered_again() {
        let mut f = fixture(FIXTURE);
        let net = f.file("/app/src/net.rs");
        for n in 0..2 {
            let range = at(&f, "Service", n);
            let found = assists(&f.db, net, range, AssistResolve::All);
            let a = found
                .iter()
                .find(|a| a.id == "expand_into_dyn_star")
                .unwrap_or_else(|| panic!("offered on use {n}: {found:?}"));
            assert!(
                a.label
                    .contains("into explicit vtable in `crate::dyn_star`"),
                "{}",
                a.label
            );
            let change = a.change.as_ref().unwrap();
            assert_eq!(change.new_files.len(), 1);
            let new = &change.new_files[0];
            assert_eq!(new.path, std::path::Path::new("/app/src/dyn_star.rs"));
            // The dependency's names are written as the app reaches them.
            assert!(new.text.contains("use dep::io::Service;"), "{}", new.text);
            assert!(new.text.contains("req: dep::io::Request"), "{}", new.text);
            assert!(new.text.contains("Service for DynService<"), "{}", new.text);
            let lib = f.file("/app/src/lib.rs");
            let lib_text = f.db.file_text(lib).unwrap().to_string();
            let after = change.apply_to(lib, &lib_text).unwrap();
            assert_eq!(
                after,
                "//! The app.\nmod net;\npub mod dyn_star;\npub fn run() {}\n"
            );
        }
        // Once the module holds the expansion, the action is not offered again.
        let created = assists(&f.db, net, at(&f, "Service", 0), AssistResolve::All)
            .into_iter()
            .find(|a| a.id == "expand_into_dyn_star")
            .unwrap()
            .change
            .unwrap();
        let text = created.new_files[0].text.clone();
        f.db.set_file_text("/app/src/dyn_star.rs".into(), text);
        let lib = f.file("/app/src/lib.rs");
        f.db.set_file_text(
            "/app/src/lib.rs".into(),
            "//! The app.\nmod net;\npub mod dyn_star;\npub fn run() {}\n".into(),
        );
        let _ = lib;
        let again = assists(&f.db, net, at(&f, "Service", 0), AssistResolve::None);
        assert!(
            again.iter().all(|a| a.id != "expand_into_dyn_star"),
            "{again:?}"
        );
    }

    #[test]
    fn not_offered_for_the_workspaces_own_traits_or_outside_dyn_and_impl() {
        let f = fixture(
            "//- /app/src/lib.rs crate:app deps:dep
pub trait Mine { fn m(&self); }
pub fn f(_: &dyn Mine, _: dep::Svc) {}
//- /dep/src/lib.rs crate:dep origin:dep
pub struct Svc;
",
        );
        let lib = f.file("/app/src/lib.rs");
        let text = f.db.file_text(lib).unwrap();
        for needle in ["dyn Mine", "dep::Svc"] {
            let offset = text.find(needle).unwrap() + needle.len() - 1;
            let found = assists(
                &f.db,
                lib,
                TextRange::empty(TextSize::from(offset as u32)),
                AssistResolve::None,
            );
            assert!(
                found.iter().all(|a| a.id != "expand_into_dyn_star"),
                "{needle}: {found:?}"
            );
        }
    }
}
