//! Assist: give a static function a `&self` receiver, so that it can live in the vtable.
//!
//! ```text
//! trait Named { fn $0name() -> String; }
//! ```
//! ->
//! ```text
//! trait Named { fn name(&self) -> String; }
//! ```
//! Callers of `T::name()` then have to call `value.name()`: that is the price of dispatch.

use super::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::rules::method_requires_sized;

/// Offers `&self` for each static function the cursor designates.
pub fn add_self_receiver(ctx: &AssistCtx<'_>, acc: &mut Assists) -> Option<()> {
    for (key, _def, m) in ctx.methods_at() {
        // Only static functions that are not already exempt through `where Self: Sized`.
        if m.receiver.is_some() || method_requires_sized(ctx.db, &key, &m) {
            continue;
        }
        let file = ctx.db.trait_file(&key)?;
        let Some(at) = m.params_open_at else { continue };
        let insert = if m.has_params { "&self, " } else { "&self" };
        acc.add(
            "add_self_receiver",
            format!("dynlens: Give `{}` a `&self` receiver", m.name),
            AssistKind::QuickFix,
            || Some(SourceChange::insert(file, at, insert.to_string())),
        );
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use crate::assists::test_util::check_assist;

    #[test]
    fn adds_receiver() {
        assert_eq!(
            check_assist(
                "add_self_receiver",
                "trait Named { fn $0name() -> String; }"
            )
            .as_deref(),
            Some("trait Named { fn name(&self) -> String; }")
        );
        assert_eq!(
            check_assist(
                "add_self_receiver",
                "trait Named { fn $0with(x: u8) -> u8; }"
            )
            .as_deref(),
            Some("trait Named { fn with(&self, x: u8) -> u8; }")
        );
    }

    #[test]
    fn not_for_methods_or_exempt_functions() {
        assert_eq!(
            check_assist("add_self_receiver", "trait A { fn $0f(&self); }"),
            None
        );
        assert_eq!(
            check_assist(
                "add_self_receiver",
                "trait A { fn $0new() -> Self where Self: Sized; }"
            ),
            None
        );
    }
}
