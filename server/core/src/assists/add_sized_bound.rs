//! Assist: add `where Self: Sized` to a method that keeps its trait from being dyn compatible.
//!
//! The method leaves the vtable (it stays callable on concrete types) and the trait becomes
//! dyn compatible as far as this method is concerned.
//!
//! ```text
//! trait Shape { fn $0scaled(&self, k: f64) -> Self; }
//! ```
//! ->
//! ```text
//! trait Shape { fn scaled(&self, k: f64) -> Self where Self: Sized; }
//! ```
//! Also offered on a `dyn Shape` use, for each offending method of `Shape`.

use super::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::TextSize;
use crate::db::{Db, FileId};
use crate::model::Method;
use crate::rules::{method_requires_sized, method_violations};

/// Offers `where Self: Sized` for each offending method the cursor designates.
pub fn add_sized_bound(ctx: &AssistCtx<'_>, acc: &mut Assists) -> Option<()> {
    for (key, def, m) in ctx.methods_at() {
        // Already exempt, or nothing to fix: the bound would only hide the method.
        if method_requires_sized(ctx.db, &key, &m) {
            continue;
        }
        if method_violations(ctx.db, &key, &def, &m, &[]).is_empty() {
            continue;
        }
        let file = ctx.db.trait_file(&key)?;
        acc.add(
            "add_sized_bound",
            format!("dynlens: Add `where Self: Sized` to `{}`", m.name),
            AssistKind::QuickFix,
            || {
                let at = m.where_insert_at;
                Some(SourceChange::insert(
                    file,
                    at,
                    sized_bound_text(ctx.db, file, &m)?,
                ))
            },
        );
    }
    Some(())
}

/// What to insert at the method's `where_insert_at`: a new `where` clause, or the predicate
/// appended to the existing one.
fn sized_bound_text(db: &Db, file: FileId, m: &Method) -> Option<String> {
    let text = db.file_text(file)?;
    let at: TextSize = m.where_insert_at;
    Some(if m.has_where_clause {
        let before = text.get(..usize::from(at))?.trim_end();
        if before.ends_with(',') {
            " Self: Sized".to_string()
        } else {
            ", Self: Sized".to_string()
        }
    } else if m.has_body {
        // Just before the body's `{`, after the existing space.
        let prev = text.get(..usize::from(at))?.chars().last();
        if prev.is_some_and(char::is_whitespace) {
            "where Self: Sized ".to_string()
        } else {
            " where Self: Sized ".to_string()
        }
    } else {
        " where Self: Sized".to_string()
    })
}

#[cfg(test)]
mod tests {
    use crate::assists::test_util::check_assist;

    #[test]
    fn adds_where_clause_before_semicolon() {
        assert_eq!(
            check_assist(
                "add_sized_bound",
                "trait Shape { fn $0scaled(&self, k: f64) -> Self; }"
            )
            .as_deref(),
            Some("trait Shape { fn scaled(&self, k: f64) -> Self where Self: Sized; }")
        );
    }

    #[test]
    fn adds_before_body_and_extends_existing_where() {
        assert_eq!(
            check_assist("add_sized_bound", "trait A { fn $0f<T>(&self, t: T) { } }").as_deref(),
            Some("trait A { fn f<T>(&self, t: T) where Self: Sized { } }")
        );
        assert_eq!(
            check_assist(
                "add_sized_bound",
                "trait A { fn $0f<T>(&self, t: T) where T: Copy; }"
            )
            .as_deref(),
            Some("trait A { fn f<T>(&self, t: T) where T: Copy, Self: Sized; }")
        );
    }

    #[test]
    fn offered_from_a_dyn_use() {
        assert_eq!(
            check_assist(
                "add_sized_bound",
                "trait A { fn f(&self) -> Self; }\nfn g(_: &dyn $0A) {}",
            )
            .as_deref(),
            Some("trait A { fn f(&self) -> Self where Self: Sized; }\nfn g(_: &dyn A) {}")
        );
    }

    #[test]
    fn not_offered_where_a_macro_reshapes_the_trait() {
        // The text is not the trait rustc sees: no edit based on a guess.
        assert_eq!(
            check_assist(
                "add_sized_bound",
                "#[foo::bar]\ntrait A { fn $0f<T>(&self, t: T); }"
            ),
            None
        );
        assert_eq!(
            check_assist(
                "add_sized_bound",
                "#[foo::bar]\ntrait A { fn f(&self) -> Self; }\nfn g(_: &dyn $0A) {}"
            ),
            None
        );
        // `#[dynosaur]` leaves the trait as written.
        assert_eq!(
            check_assist(
                "add_sized_bound",
                "#[dynosaur::dynosaur(DynA)]\ntrait A { async fn $0f(&self); }"
            )
            .as_deref(),
            Some("#[dynosaur::dynosaur(DynA)]\ntrait A { async fn f(&self) where Self: Sized; }")
        );
    }

    #[test]
    fn not_offered_for_dispatchable_or_exempt_methods() {
        assert_eq!(
            check_assist("add_sized_bound", "trait A { fn $0f(&self); }"),
            None
        );
        assert_eq!(
            check_assist(
                "add_sized_bound",
                "trait A { fn $0f(&self) -> Self where Self: Sized; }"
            ),
            None
        );
    }
}
