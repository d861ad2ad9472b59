//! Assist: expand a trait into its explicit vtable (`docs/expansion.md`).
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
use crate::dyn_star::expand_input;
use crate::resolve::Scope;
use dynlens_expand::ExpandInput;
use dynlens_expand::expand_trait;

/// The result of expanding a trait into its explicit vtable.
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
            crate::resolve::dyn_uses_near(ctx.db, ctx.file, ctx.range)
                .into_iter()
                .find(|(r, k)| {
                    r.contains_inclusive(ctx.range.start()) && matches!(k, TraitKey::Local(..))
                })?
                .1
        }
    };
    let file = ctx.db.trait_file(&key)?;
    let insert_at = ctx.db.trait_def(&key)?.range.end();
    let variants = [("expand_vtable", false), ("expand_vtable_forwarding", true)];
    if !variants.iter().any(|(id, _)| acc.wants(id)) {
        return None;
    }
    // Gathered once for both variants: they differ only in the forwarding impls.
    let input = expand_input(ctx.db, &key, false).ok()?;
    for (id, forwarding) in variants {
        if !acc.wants(id) {
            continue;
        }
        // The label names what the expansion cannot carry: the generator's plan says so
        // without emitting anything. A trait the generator cannot plan (it does not parse
        // yet) offers no action; the explicit command (`dynlens/expandTrait`, `dynlens
        // expand`) reports the reason.
        let input = ExpandInput {
            forwarding_impls: forwarding,
            ..input.clone()
        };
        let Ok(plan) = dynlens_expand::plan(&input) else {
            continue;
        };
        let title = plan.title().to_string();
        // Only the picked action (or, for a client that cannot resolve, each listed one)
        // writes its plan out.
        acc.add(id, title, AssistKind::RefactorRewrite, move || {
            let expansion = dynlens_expand::emit(&plan).ok()?;
            let text = spaced(ctx.db, file, insert_at, &expansion.text);
            Some(SourceChange::insert(file, insert_at, text))
        });
    }
    Some(())
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
    Some(expand_key(db, &key, false, Some(file)))
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
    // A trait of the file by its name, else a path as the file's top level can name it
    // (`std::io::Read`, `Debug` when imported, `tower_service::Service`).
    let local = (!name.contains("::"))
        .then(|| db.local_trait_named(file, name))
        .flatten();
    let key = match local {
        Some(k) => k,
        None => {
            let path = crate::model::TyPath {
                segments: name
                    .trim_start_matches("::")
                    .split("::")
                    .map(|s| crate::model::Segment {
                        name: s.trim().to_string(),
                        args: Vec::new(),
                    })
                    .collect(),
            };
            crate::resolve::resolve_trait(db, Scope::At(file, TextSize::from(0)), &path)
                .ok_or_else(|| {
                    let known: Vec<&str> = model.traits.iter().map(|t| t.name.as_str()).collect();
                    if known.is_empty() {
                        format!("no trait `{name}` in scope (the file defines no trait)")
                    } else {
                        format!(
                            "no trait `{name}` in scope (the file defines: {})",
                            known.join(", ")
                        )
                    }
                })?
        }
    };
    expand_key(db, &key, forwarding_impls, Some(file))
}

/// Builds the expansion input (the trait's text and its resolved supertraits) and expands.
/// A trait the crate of `into` does not define (std's, a dependency's) is expanded for that
/// crate: its names are written as the crate reaches them (`crate::naming`), and the trait
/// is imported at the top.
pub fn expand_key(
    db: &Db,
    key: &TraitKey,
    forwarding_impls: bool,
    into: Option<FileId>,
) -> Result<ExpandOutput, String> {
    let def = db
        .trait_def(key)
        .ok_or_else(|| "unknown trait".to_string())?;
    let (input, header) = crate_input(db, key, forwarding_impls, into)?;
    let exp = expand_trait(&input).map_err(|e| e.to_string())?;
    Ok(ExpandOutput {
        trait_name: def.name.clone(),
        insert_at: def.range.end(),
        text: header + &exp.text,
        title: exp.title,
    })
}

/// The expansion input of `key` for the crate of the file `into`: a trait that crate does not
/// define (std's, a dependency's) has its names written as the crate reaches them, and its
/// supertraits' too; with the header that says so and imports the trait. Without `into`,
/// the input as the trait is written.
pub(crate) fn crate_input(
    db: &Db,
    key: &TraitKey,
    forwarding_impls: bool,
    into: Option<FileId>,
) -> Result<(dynlens_expand::ExpandInput, String), String> {
    let mut input = expand_input(db, key, forwarding_impls)?;
    let (_, dropped) = crate::naming::carried_source(&db.trait_source(key).unwrap_or_default());
    let into_crate = into
        .and_then(|f| crate::nameres::file_module(db, crate::db::FileRef::Workspace(f)))
        .map(|m| m.0);
    let foreign = match (key, into) {
        (TraitKey::Local(f, _), Some(i)) => *f != i && into_crate.is_some(),
        (TraitKey::Local(..), None) => false,
        _ => into_crate.is_some(),
    };
    let mut header = String::new();
    if let (true, Some(krate)) = (foreign, into_crate) {
        let q = crate::naming::qualify(db, key, &input.trait_source, krate);
        if let Some(e) = crate::naming::needs_sources_error(key, &q.needs_sources) {
            return Err(e);
        }
        input.trait_source = q.source;
        let (closure, _) = crate::rules::supertrait_closure(db, key);
        for s in &mut input.supertraits {
            let Some((k, _)) = closure
                .iter()
                .find(|(k, _)| db.trait_display_path(k) == s.path)
            else {
                continue;
            };
            if !matches!(k, TraitKey::Std(_)) {
                let sq = crate::naming::qualify(db, k, &s.source, krate);
                s.source = sq.source;
                if let Some(p) = sq.trait_path {
                    s.path = p.trim_start_matches("::").to_string();
                }
            }
        }
        let shown = q
            .trait_path
            .clone()
            .unwrap_or_else(|| db.trait_display_path(key));
        header.push_str(&format!(
            "// `{}` for this crate: the names of its declaration are written as this crate reaches them.\n",
            shown.trim_start_matches("::")
        ));
        for note in &dropped {
            header.push_str(&format!("// {note}.\n"));
        }
        if !q.unreachable.is_empty() {
            header.push_str(&format!(
                "// Not reachable by a public path from this crate: {}.\n",
                q.unreachable.join(", ")
            ));
        }
        match &q.trait_path {
            Some(p) => header.push_str(&format!("use {p};\n\n")),
            None => header.push('\n'),
        }
    }
    Ok((input, header))
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

    fn expand(files: &[(&str, &str)], name: &str) -> ExpandOutput {
        let mut db = Db::new(dynlens_std::StdLibrary::catalog());
        let ids: Vec<FileId> = files
            .iter()
            .map(|(path, text)| db.set_file_text((*path).into(), (*text).to_string()))
            .collect();
        super::expand_named(&db, ids[0], name, false).expect("expands")
    }

    use super::{Db, ExpandOutput, FileId};

    /// The generator reads the trait's text; where a macro rewrites the trait, that text is
    /// not what the compiler sees, so the expansion is refused with a message saying so.
    #[test]
    fn macro_rewritten_traits_are_not_expanded() {
        let mut db = Db::new(dynlens_std::StdLibrary::catalog());
        let f = db.set_file_text(
            "lib.rs".into(),
            "#[async_trait]\ntrait Store { async fn get(&self) -> u8; }\n\
             #[trait_variant::make(SendCache: Send)]\ntrait Cache { async fn get(&self) -> u8; }\n\
             #[foo::bar]\ntrait Reshaped { fn f(&self); }\n"
                .to_string(),
        );
        let err = |name: &str| super::expand_named(&db, f, name, false).err();
        expect_test::expect![[r#"
            Some(
                "`Store` is the trait `#[async_trait]` writes, not its text: dynlens does not expand macro-rewritten traits",
            )
        "#]]
        .assert_debug_eq(&err("Store"));
        expect_test::expect![[r#"
            Some(
                "`#[foo::bar]` may reshape `Reshaped`; dynlens does not know what it expands to, so it cannot expand it",
            )
        "#]]
        .assert_debug_eq(&err("Reshaped"));
        assert!(err("SendCache").is_some());
        assert!(err("Cache").is_none(), "the original is as written");
    }

    /// `impl Error` is erased to `&dyn Error` only when it is std's `Error`: a `&dyn Error` of
    /// the user's trait does not implement that trait.
    #[test]
    fn an_impl_argument_of_a_user_trait_named_like_std_is_not_erased_as_std() {
        let std_error = expand(
            &[(
                "lib.rs",
                "use std::error::Error;\ntrait Report { fn report(&self, e: impl Error); }",
            )],
            "Report",
        );
        assert!(std_error.text.contains("&dyn Error"), "{}", std_error.text);
        assert!(!std_error.title.contains("without"), "{}", std_error.title);

        let user = "pub trait Error { fn f(&self); }";
        let same_file = format!("trait Report {{ fn report(&self, e: impl Error); }}\n{user}");
        for files in [
            vec![("lib.rs", same_file.as_str())],
            vec![
                (
                    "lib.rs",
                    "trait Report { fn report(&self, e: impl Error); }",
                ),
                ("error.rs", user),
            ],
        ] {
            let out = expand(&files, "Report");
            assert!(!out.text.contains("dyn Error"), "{}", out.text);
            assert!(
                out.title
                    .contains("`Error` is not a bound a trait object can carry here"),
                "{}",
                out.title
            );
        }
    }

    /// A user's `Sized` is a supertrait like any other (its vtable returned, implemented for the dyn
    /// value); a user's `Send` is not the auto trait (no `unsafe impl Send`).
    #[test]
    fn user_sized_and_send_supertraits_are_carried() {
        let out = expand(
            &[(
                "lib.rs",
                "pub trait Sized { fn size(&self) -> usize; }\n\
                 pub trait Send { fn send(&self); }\n\
                 trait Foo: Sized + Send { fn f(&self); }",
            )],
            "Foo",
        );
        assert!(
            out.text.contains("impl<'a> Sized for DynFoo<'a>"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("impl<'a> Send for DynFoo<'a>"),
            "{}",
            out.text
        );
        assert!(!out.text.contains("unsafe impl"), "{}", out.text);

        let std = expand(&[("lib.rs", "trait Foo: Send { fn f(&self); }")], "Foo");
        assert!(
            std.text.contains("unsafe impl<'a> Send for DynFoo<'a>"),
            "{}",
            std.text
        );
        assert!(!std.text.contains("SendVtable"), "{}", std.text);
    }

    /// `where Self: From<u8>` requires `Sized` (`From: Sized`), which exempts a method with a
    /// default body from the vtable, as rustc and the dyn* verdict say.
    #[test]
    fn a_method_bounded_by_a_trait_implying_sized_keeps_its_default() {
        let out = expand(
            &[(
                "lib.rs",
                "trait Foo { fn f(&self); fn g(&self) where Self: From<u8> {} }",
            )],
            "Foo",
        );
        assert!(out.title.ends_with("into explicit vtable"), "{}", out.title);
        assert!(
            !out.text.contains("fn g"),
            "not in the vtable: {}",
            out.text
        );
    }

    /// A bare `Write` is whichever `Write` the file imports: `Box<dyn io::Write>` implements
    /// `io::Write`, while std has no `impl fmt::Write for Box<W>`.
    #[test]
    fn a_bare_write_is_the_imported_one() {
        let io = expand(
            &[(
                "lib.rs",
                "use std::io::Write;\ntrait Sink { fn sink(&self) -> impl Write; }",
            )],
            "Sink",
        );
        assert!(io.text.contains("Box<dyn Write"), "{}", io.text);
        assert!(!io.title.contains("without"), "{}", io.title);
        let fmt = expand(
            &[(
                "lib.rs",
                "use std::fmt::Write;\ntrait Sink { fn sink(&self) -> impl Write; }",
            )],
            "Sink",
        );
        assert!(fmt.title.contains("without"), "{}", fmt.title);
        assert!(!fmt.text.contains("Box<dyn Write"), "{}", fmt.text);
    }
}
