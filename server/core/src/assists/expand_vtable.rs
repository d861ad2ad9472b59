//! Assist: expand a trait into its explicit vtable (SPEC F2).
//!
//! ```text
//! trait $0Greet { fn hello(&self) -> String; }
//! ```
//! ->
//! ```text
//! trait Greet { fn hello(&self) -> String; }
//!
//! /// The vtable of `dyn Greet`: …
//! pub struct GreetVtable<'a> { … }
//! …
//! impl Greet for DynGreet<'_> { … }
//! ```
//! A second action adds the forwarding impls for `Box<T>`, `&T`, `&mut T`. The generated
//! text comes from [`crate::expand`]; this handler finds the trait, resolves its
//! supertraits across the workspace and std, and inserts the text after the trait.

use super::{AssistCtx, AssistKind, Assists, SourceChange};
use crate::TextSize;
use crate::db::{Db, FileId, TraitKey};
use crate::rules::supertrait_closure;
use dynlens_expand::{ExpandInput, SupertraitInput, expand_trait};

/// The result of expanding a trait into its explicit vtable (SPEC F2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandOutput {
    /// The trait that was expanded.
    pub trait_name: String,
    /// Where the expansion is inserted (just after the trait).
    pub insert_at: TextSize,
    /// The generated Rust, formatted.
    pub text: String,
    /// The code action's title (it names what the expansion could not carry, if anything).
    pub title: String,
}

/// Offers the expansion, plain and with the forwarding impls, for the trait at the cursor.
pub fn expand_vtable(ctx: &AssistCtx<'_>, acc: &mut Assists) -> Option<()> {
    // On a trait's name or header (inside the body the cursor means a method), or on a
    // `dyn Trait` use of a workspace trait: there it is the "expand with shims" quick fix.
    let key = match ctx.trait_at_header() {
        Some((key, _)) => key,
        None => {
            crate::resolve::dyn_uses(ctx.db, ctx.file)
                .into_iter()
                .find(|(r, k)| {
                    r.contains_inclusive(ctx.range.start()) && matches!(k, TraitKey::Local(..))
                })?
                .1
        }
    };
    let file = ctx.db.trait_file(&key)?;
    for (id, forwarding) in [("expand_vtable", false), ("expand_vtable_forwarding", true)] {
        // The label costs an expansion (for now): skip it when resolving the other action.
        if !acc.wants(id) {
            continue;
        }
        // A trait that does not expand (e.g. it does not parse yet) offers no action; the
        // explicit command (`dynlens/expandTrait`, `dynlens expand`) reports the reason.
        let Some(ExpandLabel { title, expansion }) = expand_label(ctx.db, &key, forwarding) else {
            continue;
        };
        let key = &key;
        acc.add(id, title, AssistKind::RefactorRewrite, || {
            let out = match expansion {
                Some(out) => out,
                None => expand_key(ctx.db, key, forwarding).ok()?,
            };
            let text = spaced(ctx.db, file, out.insert_at, &out.text);
            Some(SourceChange::insert(file, out.insert_at, text))
        });
    }
    Some(())
}

/// The title of an expand action, and the expansion when computing the title produced it.
struct ExpandLabel {
    /// Names what the expansion cannot carry ("… (without `impl Foo for DynFoo`: …)").
    title: String,
    /// Kept so that building the edit does not expand a second time.
    expansion: Option<ExpandOutput>,
}

/// The label of the expand action (plain or with the forwarding impls), or `None` when the
/// trait does not expand.
///
/// The one place where listing the expand actions pays for the generator. For now it runs
/// the whole expansion (and hands it on, so an eager listing still expands each variant
/// once); once `dynlens-expand` can plan without emitting, this asks the plan for the title
/// and returns no expansion, and listing stops costing two expansions.
fn expand_label(db: &Db, key: &TraitKey, forwarding: bool) -> Option<ExpandLabel> {
    let out = expand_key(db, key, forwarding).ok()?;
    Some(ExpandLabel {
        title: out.title.clone(),
        expansion: Some(out),
    })
}

/// The text to insert after the trait: one blank line before, one after (unless the file
/// already has a blank line there or ends).
fn spaced(db: &Db, file: FileId, at: TextSize, text: &str) -> String {
    let rest = db
        .file_text(file)
        .and_then(|t| t.get(usize::from(at)..))
        .unwrap_or("");
    let mut out = format!("\n\n{}", text.trim_end());
    if rest.starts_with('\n') && !rest.starts_with("\n\n") && rest.trim() != "" {
        out.push('\n');
    }
    out
}

/// The expansion of the trait whose header or name is at `offset`.
pub fn expand_at(db: &Db, file: FileId, offset: TextSize) -> Option<Result<ExpandOutput, String>> {
    let ctx = AssistCtx {
        db,
        file,
        range: crate::TextRange::empty(offset),
    };
    let (key, _) = ctx.trait_at_header()?;
    Some(expand_key(db, &key, false))
}

/// The expansion of the trait named `name` defined in `file` (with the forwarding impls on
/// request).
pub fn expand_named(
    db: &Db,
    file: FileId,
    name: &str,
    forwarding_impls: bool,
) -> Result<ExpandOutput, String> {
    let model = db.model(file).ok_or_else(|| "unknown file".to_string())?;
    let key = db.local_trait_named(file, name).ok_or_else(|| {
        let known: Vec<&str> = model.traits.iter().map(|t| t.name.as_str()).collect();
        if known.is_empty() {
            format!("no trait named `{name}` (the file defines no trait)")
        } else {
            format!(
                "no trait named `{name}` (the file defines: {})",
                known.join(", ")
            )
        }
    })?;
    expand_key(db, &key, forwarding_impls)
}

/// Builds the expansion input (the trait's text and its resolved supertraits) and expands.
pub fn expand_key(db: &Db, key: &TraitKey, forwarding_impls: bool) -> Result<ExpandOutput, String> {
    let def = db
        .trait_def(key)
        .ok_or_else(|| "unknown trait".to_string())?;
    let trait_source = db
        .trait_source(key)
        .ok_or_else(|| "cannot read the trait's text".to_string())?;
    let (closure, _) = supertrait_closure(db, key);
    let supertraits = closure
        .iter()
        .skip(1) // the trait itself
        .filter_map(|(k, _)| {
            let sdef = db.trait_def(k)?;
            Some(SupertraitInput {
                path: db.trait_display_path(k),
                source: db.trait_source(k)?,
                is_auto: sdef.is_auto,
                already_expanded: already_expanded(db, &sdef.name),
            })
        })
        .collect();
    let blanket_impl = db.files().any(|f| {
        db.model(f)
            .is_some_and(|m| m.blanket_impls.contains(&def.name))
    });
    let input = ExpandInput {
        trait_source,
        supertraits,
        forwarding_impls,
        blanket_impl,
    };
    let exp = expand_trait(&input)?;
    Ok(ExpandOutput {
        trait_name: def.name.clone(),
        insert_at: def.range.end(),
        text: exp.text,
        title: exp.title,
    })
}

/// Does the workspace already hold `NameVtable` (from an earlier expansion)?
fn already_expanded(db: &Db, trait_name: &str) -> bool {
    let needle = format!("struct {trait_name}Vtable");
    db.files()
        .any(|f| db.file_text(f).is_some_and(|t| t.contains(&needle)))
}

#[cfg(test)]
mod tests {
    use crate::assists::test_util::check_assist;

    #[test]
    fn expands_after_the_trait() {
        let out = check_assist(
            "expand_vtable",
            "trait $0Greet { fn hello(&self) -> String; }\nfn main() {}",
        )
        .unwrap();
        let greet_end = out.find("String; }").expect("trait first");
        let vtable = out.find("pub struct GreetVtable").expect("vtable");
        let main = out.find("fn main").expect("rest of the file kept");
        assert!(greet_end < vtable && vtable < main, "{out}");
        assert!(out.contains("Greet for DynGreet"), "{out}");
        assert!(
            out.contains("}\n\nfn main"),
            "a blank line before the rest of the file: {out}"
        );
    }

    #[test]
    fn offered_on_a_dyn_use_and_with_forwarding_impls() {
        let out = check_assist(
            "expand_vtable",
            "trait Greet { async fn hello(&self) -> String; }\nfn f(_: &dyn $0Greet) {}",
        )
        .unwrap();
        assert!(out.contains("pub struct GreetVtable"), "{out}");
        assert!(
            check_assist(
                "expand_vtable_forwarding",
                "trait $0Greet { fn hello(&self) -> String; }"
            )
            .is_some()
        );
    }

    #[test]
    fn not_offered_inside_the_body() {
        assert_eq!(
            check_assist(
                "expand_vtable",
                "trait Greet { fn hel$0lo(&self) -> String; }"
            ),
            None
        );
    }
}
