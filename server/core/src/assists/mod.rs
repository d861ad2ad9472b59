//! Code actions, one per file, in rust-analyzer's `ide-assists` style: each handler's leading
//! comment names the action and shows a before/after example with a `$0` cursor; the handler
//! returns `Option<()>` and bails out early with `?` where it does not apply; the edit is
//! built last.

pub mod add_self_receiver;
pub mod add_sized_bound;
pub mod expand_vtable;

use crate::db::{Db, FileId, TraitKey};
use crate::model::{Method, TraitDef};
use dynlens_base::{SourceChange, TextRange};

/// The kind of a code action (mapped to LSP's `quickfix` / `refactor.rewrite`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssistKind {
    QuickFix,
    Refactor,
    RefactorRewrite,
}

/// A code action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assist {
    /// Stable id, e.g. `add_sized_bound`.
    pub id: &'static str,
    pub label: String,
    pub kind: AssistKind,
    pub change: SourceChange,
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
                if !t.range.contains_inclusive(self.range.start()) {
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
            for (range, key) in crate::resolve::dyn_uses(self.db, self.file) {
                if range.intersect(self.range).is_none()
                    && !range.contains_inclusive(self.range.start())
                {
                    continue;
                }
                if !matches!(key, TraitKey::Local(..)) {
                    continue;
                }
                let Some(def) = self.db.trait_def(&key) else {
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

/// Every code action available at `range`.
pub fn assists(db: &Db, file: FileId, range: TextRange) -> Vec<Assist> {
    let ctx = AssistCtx { db, file, range };
    let mut acc = Vec::new();
    add_sized_bound::add_sized_bound(&ctx, &mut acc);
    add_self_receiver::add_self_receiver(&ctx, &mut acc);
    expand_vtable::expand_vtable(&ctx, &mut acc);
    acc
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;
    use dynlens_base::TextSize;
    use dynlens_std::StdLibrary;

    /// Applies the assist with `id` at the `$0` cursor of `before` and returns the new text.
    pub fn check_assist(id: &str, before: &str) -> Option<String> {
        let offset = before.find("$0").expect("cursor marker $0");
        let text = before.replacen("$0", "", 1);
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), text.clone());
        let all = assists(&db, f, TextRange::empty(TextSize::from(offset as u32)));
        let a = all.into_iter().find(|a| a.id == id)?;
        assert!(
            a.change.files.iter().all(|e| e.file == f),
            "the assist edits only this file"
        );
        Some(
            a.change
                .apply_to(f, &text)
                .expect("the assist's edits fit the text"),
        )
    }
}
