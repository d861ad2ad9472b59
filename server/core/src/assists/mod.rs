//! Code actions, one per file, in rust-analyzer's `ide-assists` style: each handler's leading
//! comment names the action and shows a before/after example with a `$0` cursor; the handler
//! returns `Option<()>` and bails out early with `?` where it does not apply; the edit is
//! built last, and only when asked for.
//!
//! Listing is cheap, applying is not: a handler computes each assist's label eagerly and hands
//! [`Assists::add`] a closure that builds the [`SourceChange`]. The closure runs only when the
//! caller's [`AssistResolve`] asks for that assist's edit (an LSP client with
//! `codeAction/resolve` lists actions without edits, then resolves the one the user picks).

pub mod add_self_receiver;
pub mod add_sized_bound;
pub mod convert_to_dyn_star;
pub mod expand_into_crate;
pub mod expand_vtable;

use crate::db::{Db, FileId, TraitKey};
use crate::model::{Method, TraitDef};
use dynlens_base::{SourceChange, TextRange};

/// The kind of a code action (mapped to LSP's `quickfix` / `refactor.rewrite`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssistKind {
    /// Fixes a violation (`quickfix`).
    QuickFix,
    /// A refactoring (`refactor`).
    Refactor,
    /// A rewrite of existing code (`refactor.rewrite`), e.g. the vtable expansion.
    RefactorRewrite,
}

/// A code action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assist {
    /// Stable id, e.g. `add_sized_bound`. Several assists at one place may share an id (one
    /// `add_sized_bound` per offending method on a `dyn Trait` use).
    pub id: &'static str,
    /// The title shown to the user.
    pub label: String,
    /// Quick fix or refactoring.
    pub kind: AssistKind,
    /// The edit: `Some` when the [`AssistResolve`] asked for it, `None` otherwise.
    pub change: Option<SourceChange>,
}

/// Which assists get their edit built (rust-analyzer's `AssistResolveStrategy` is the model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssistResolve {
    /// Every assist, with its edit (clients without `codeAction/resolve`, the CLI, tests).
    All,
    /// Every assist, labels only: edits are built later, on resolve.
    None,
    /// Only the assists with this id, with their edits (resolving the one the user picked).
    /// Assists with other ids are left out, so that resolving one action never pays for
    /// computing the others' labels.
    Single(String),
}

impl AssistResolve {
    /// Whether assists with `id` are listed at all.
    fn lists(&self, id: &str) -> bool {
        match self {
            AssistResolve::All | AssistResolve::None => true,
            AssistResolve::Single(wanted) => wanted == id,
        }
    }

    /// Whether the edit of an assist with `id` is built.
    fn builds(&self, id: &str) -> bool {
        match self {
            AssistResolve::All => true,
            AssistResolve::None => false,
            AssistResolve::Single(wanted) => wanted == id,
        }
    }
}

/// The assists collected at one place, with the edits the [`AssistResolve`] asks for.
pub struct Assists {
    resolve: AssistResolve,
    buf: Vec<Assist>,
}

impl Assists {
    fn new(resolve: AssistResolve) -> Self {
        Assists {
            resolve,
            buf: Vec::new(),
        }
    }

    /// Whether assists with `id` are wanted: a handler checks this before computing a label
    /// that costs something (the expansion's), since a resolve of another action skips it.
    pub fn wants(&self, id: &str) -> bool {
        self.resolve.lists(id)
    }

    /// Offers an assist; `build` makes its edit and runs only when the edit is asked for. An
    /// assist whose edit cannot be built after all (`build` returns `None`) is not offered.
    pub fn add(
        &mut self,
        id: &'static str,
        label: String,
        kind: AssistKind,
        build: impl FnOnce() -> Option<SourceChange>,
    ) {
        if !self.resolve.lists(id) {
            return;
        }
        let change = if self.resolve.builds(id) {
            match build() {
                Some(change) => Some(change),
                None => return,
            }
        } else {
            None
        };
        self.buf.push(Assist {
            id,
            label,
            kind,
            change,
        });
    }
}

/// What a handler sees: the cursor (or selection) in a file.
pub struct AssistCtx<'a> {
    pub db: &'a Db,
    pub file: FileId,
    pub range: TextRange,
}

impl AssistCtx<'_> {
    /// The trait of this file whose header (from `trait` to `{`) or name holds the cursor.
    pub fn trait_at_header(&self) -> Option<(TraitKey, std::sync::Arc<TraitDef>)> {
        let model = self.db.model(self.file)?;
        let i = model.traits.iter().position(|t| {
            t.header_range.contains_inclusive(self.range.start())
                || t.name_range.contains_inclusive(self.range.start())
        })?;
        let key = TraitKey::Local(self.file, i as u32);
        let def = self.db.trait_def(&key)?;
        Some((key, def))
    }

    /// Methods the cursor designates: the trait method whose signature holds the cursor, or,
    /// on a `dyn Trait` use, every method of that (workspace) trait.
    pub fn methods_at(&self) -> Vec<(TraitKey, std::sync::Arc<TraitDef>, Method)> {
        let mut out = Vec::new();
        if let Some(model) = self.db.model(self.file) {
            for (i, t) in model.traits.iter().enumerate() {
                // Quick fixes edit the text: only where the text is the trait rustc sees.
                if !t.range.contains_inclusive(self.range.start()) || !t.shape.is_the_text() {
                    continue;
                }
                let key = TraitKey::Local(self.file, i as u32);
                let Some(def) = self.db.trait_def(&key) else {
                    continue;
                };
                for m in t.methods() {
                    let sig_end = m.where_insert_at.max(m.name_range.end());
                    if TextRange::new(m.range.start(), sig_end)
                        .contains_inclusive(self.range.start())
                    {
                        out.push((key.clone(), def.clone(), m.clone()));
                    }
                }
            }
        }
        if out.is_empty() {
            for (range, key) in crate::resolve::dyn_uses_near(self.db, self.file, self.range) {
                if range.intersect(self.range).is_none()
                    && !range.contains_inclusive(self.range.start())
                {
                    continue;
                }
                if !matches!(key, TraitKey::Local(..)) {
                    continue;
                }
                let Some(def) = self.db.trait_def(&key).filter(|d| d.shape.is_the_text()) else {
                    continue;
                };
                for m in def.methods() {
                    out.push((key.clone(), def.clone(), m.clone()));
                }
            }
        }
        out
    }
}

/// Every code action available at `range`, with the edits `resolve` asks for.
pub fn assists(db: &Db, file: FileId, range: TextRange, resolve: AssistResolve) -> Vec<Assist> {
    let ctx = AssistCtx { db, file, range };
    let mut acc = Assists::new(resolve);
    add_sized_bound::add_sized_bound(&ctx, &mut acc);
    add_self_receiver::add_self_receiver(&ctx, &mut acc);
    expand_vtable::expand_vtable(&ctx, &mut acc);
    expand_into_crate::expand_into_crate(&ctx, &mut acc);
    convert_to_dyn_star::convert_to_dyn_star(&ctx, &mut acc);
    convert_to_dyn_star::ret::convert_return(&ctx, &mut acc);
    acc.buf
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;
    use dynlens_base::TextSize;
    use dynlens_std::StdLibrary;

    /// A database holding `before` (with its `$0` cursor removed) and the cursor.
    pub fn fixture(before: &str) -> (Db, FileId, TextRange, String) {
        let offset = before.find("$0").expect("cursor marker $0");
        let text = before.replacen("$0", "", 1);
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), text.clone());
        (db, f, TextRange::empty(TextSize::from(offset as u32)), text)
    }

    /// Applies the assist with `id` at the `$0` cursor of `before` and returns the new text.
    ///
    /// Also checks that lazy listing agrees with eager listing (same assists, no edits) and
    /// that resolving the assist alone builds the same edit as building every edit.
    pub fn check_assist(id: &str, before: &str) -> Option<String> {
        let (db, f, range, text) = fixture(before);
        let eager = assists(&db, f, range, AssistResolve::All);
        let lazy = assists(&db, f, range, AssistResolve::None);
        assert_eq!(
            lazy.iter()
                .map(|a| (a.id, &a.label, a.kind))
                .collect::<Vec<_>>(),
            eager
                .iter()
                .map(|a| (a.id, &a.label, a.kind))
                .collect::<Vec<_>>(),
            "listing without edits offers the same assists"
        );
        assert!(
            lazy.iter().all(|a| a.change.is_none()),
            "listing builds no edit"
        );
        let single = assists(&db, f, range, AssistResolve::Single(id.to_owned()));
        assert!(single.iter().all(|a| a.id == id && a.change.is_some()));
        assert_eq!(
            single,
            eager
                .iter()
                .filter(|a| a.id == id)
                .cloned()
                .collect::<Vec<_>>(),
            "resolving one assist builds the same edit as eager mode"
        );
        let a = eager.into_iter().find(|a| a.id == id)?;
        let change = a.change.expect("eager mode builds every edit");
        assert!(
            change.files.iter().all(|e| e.file == f),
            "the assist edits only this file"
        );
        Some(
            change
                .apply_to(f, &text)
                .expect("the assist's edits fit the text"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::fixture;
    use super::*;

    #[test]
    fn listing_never_runs_the_edit_builders() {
        let mut acc = Assists::new(AssistResolve::None);
        acc.add("a", "A".into(), AssistKind::QuickFix, || {
            panic!("listing built an edit")
        });
        assert_eq!(acc.buf.len(), 1);
        assert_eq!(acc.buf[0].change, None);
    }

    #[test]
    fn single_lists_and_builds_only_its_id() {
        let edit = || Some(SourceChange::insert(FileId(0), 0.into(), "x".into()));
        let mut acc = Assists::new(AssistResolve::Single("b".into()));
        assert!(!acc.wants("a") && acc.wants("b"));
        acc.add("a", "A".into(), AssistKind::QuickFix, || {
            panic!("built the edit of another assist")
        });
        acc.add("b", "B".into(), AssistKind::QuickFix, edit);
        assert_eq!(acc.buf.len(), 1);
        assert_eq!(acc.buf[0].change, edit());
        // An edit that cannot be built after all: the assist is not offered.
        acc.add("b", "B2".into(), AssistKind::QuickFix, || None);
        assert_eq!(acc.buf.len(), 1);
    }

    #[test]
    fn lazy_expand_actions_resolve_to_the_eager_edits() {
        let (db, f, range, _) =
            fixture("trait $0Greet: Send { fn hello(&self) -> String; }\nfn main() {}");
        let lazy = assists(&db, f, range, AssistResolve::None);
        let ids: Vec<_> = lazy.iter().map(|a| a.id).collect();
        assert_eq!(ids, ["expand_vtable", "expand_vtable_forwarding"]);
        assert!(lazy.iter().all(|a| a.change.is_none()));
        let eager = assists(&db, f, range, AssistResolve::All);
        for (listed, full) in lazy.iter().zip(&eager) {
            let resolved = assists(&db, f, range, AssistResolve::Single(listed.id.into()));
            assert_eq!(resolved.len(), 1, "{resolved:?}");
            assert_eq!(resolved[0].label, listed.label);
            assert_eq!(&resolved[0], full, "the same edit, byte for byte");
            assert!(full.change.as_ref().is_some_and(|c| !c.is_empty()));
        }
    }

    #[test]
    fn a_trait_that_does_not_expand_offers_no_action_in_either_mode() {
        // The control: complete, it expands.
        let (db, f, range, _) = fixture("trait $0Greet { fn hello(&self) -> u8; }");
        assert_eq!(assists(&db, f, range, AssistResolve::None).len(), 2);
        // Parses for ra_ap_syntax (error-tolerant), not for syn: the generator refuses it.
        let (db, f, range, _) = fixture("trait $0Greet { fn hello(&self) -> ; }");
        for resolve in [
            AssistResolve::All,
            AssistResolve::None,
            AssistResolve::Single("expand_vtable".into()),
        ] {
            let found = assists(&db, f, range, resolve.clone());
            assert!(
                found.iter().all(|a| !a.id.starts_with("expand_vtable")),
                "{resolve:?}: {found:?}"
            );
        }
    }
}
