//! The expansion: a trait written out as its explicit vtable, shims, dyn* value and
//! `impl Trait for DynTrait`, as formatted stable Rust.
//!
//! The generated API is described in `docs/expansion.md`. In short, for `trait Foo`:
//! `FooPayload<'a>` (the erased `self`: one pointer-sized slot), `FooVtable<'a, …>` (the
//! vtable), shims generic over `T: Foo`, `DynFoo<'a, …>` (the dyn* value) with its
//! constructors, and `impl Foo for DynFoo<'a, …>`.
//!
//! Two phases, each decision made once:
//!
//! - [`plan()`] decides what `DynFoo` carries and how (`plan` module): supertraits resolved
//!   (`supers`), every method classified (`model`: how its receiver, arguments and return
//!   value cross the vtable, or why they cannot), the dyn type's generic parameters, the
//!   vtable's slots, and the blockers of `impl Foo for DynFoo`. It builds no items and prints
//!   nothing: the core's dyn* verdict (hover, `dynlens check`) reads it, and the code action's
//!   title comes from it.
//! - [`emit()`] writes the plan out (`emit` module: payload, vtable, shims, `DynFoo`, `impl Foo
//!   for DynFoo`, supertrait impls; `forward`: the forwarding impls), checks that the result
//!   parses, and prints it with `prettyplease`.
//!
//! [`expand_trait`] is both.

mod emit;
mod forward;
mod model;
mod overlap;
mod plan;
mod supers;

pub use plan::{
    Carry, DynParam, MethodCarry, Plan, SupertraitCarry, SupertraitKind, SupertraitVtable,
};

/// Why a trait could not be expanded. The messages are for the user (the CLI prints them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// The trait's text is not a trait item (or a file holding one) that `syn` parses.
    #[error("the trait does not parse as Rust: {0}")]
    TraitDoesNotParse(String),
    /// A supertrait's path, as the caller resolved it, does not parse.
    #[error("the supertrait path `{path}` does not parse: {error}")]
    SupertraitPathDoesNotParse {
        /// The path as given in [`SupertraitInput::path`].
        path: String,
        /// The parser's message.
        error: String,
    },
    /// A supertrait's declaration does not parse.
    #[error("the declaration of the supertrait `{name}` does not parse: {error}")]
    SupertraitDoesNotParse {
        /// The supertrait's name.
        name: String,
        /// The parser's message.
        error: String,
    },
    /// The trait's or a supertrait's text is nested deeper than `syn` (and the generator's
    /// recursive walks) can be handed safely (`dynlens_base::nesting::MAX_NESTING`).
    #[error(
        "`{name}` is too deeply nested to expand (nesting depth {depth}, the limit is {limit})"
    )]
    TooDeeplyNested {
        /// The trait or supertrait whose text is too deep (its text's start when unnamed).
        name: String,
        /// Its estimated nesting depth.
        depth: usize,
        /// `MAX_NESTING`.
        limit: usize,
    },
    /// The supertrait closure is larger than [`MAX_SUPERTRAITS`]: every included `DynSuper`
    /// implements all of its own supertraits, so the expansion grows with the square of the
    /// closure; past the limit it is refused rather than written (megabytes nobody reads).
    #[error(
        "`{trait_name}` has {count} supertraits (transitively); dynlens expands traits with at most {limit}"
    )]
    TooManySupertraits {
        /// The expanded trait.
        trait_name: String,
        /// The size of its supertrait closure.
        count: usize,
        /// [`MAX_SUPERTRAITS`].
        limit: usize,
    },
    /// The generated items do not parse back: a bug in the generator.
    #[error("dynlens generated invalid Rust for `{trait_name}` (a bug): {error}")]
    GeneratedInvalidRust {
        /// The expanded trait.
        trait_name: String,
        /// The parser's message.
        error: String,
    },
}

/// A supertrait of the expanded trait, resolved by the caller.
#[derive(Debug, Clone)]
pub struct SupertraitInput {
    /// The path to name it with in generated code, e.g. `std::fmt::Debug` or `Shape`.
    pub path: String,
    /// The supertrait's own declaration (a trait item as Rust source).
    pub source: String,
    /// `auto trait` (Send, Sync, Unpin): no vtable of its own.
    pub is_auto: bool,
    /// The std trait it is, as the caller resolved it: a path `dynlens_std::trait_info`
    /// knows (`core::fmt::Debug`); `None` for a user's trait, whatever its name. The generator
    /// takes its facts (erasure, slots, forwarding, …) from the std table through this, never
    /// from the supertrait's spelling.
    pub std: Option<String>,
    /// The file or workspace already has its expansion (`ShapeVtable`, `DynShape`): reuse it.
    pub already_expanded: bool,
    /// The workspace already has its method table (`ShapeMethods`, `ShapeMethodsPayload`),
    /// written by an expansion that gave it no dyn type of its own: reuse it when this one
    /// gives it none either (docs/expansion.md, Supertraits' vtables).
    pub methods_expanded: bool,
    /// The workspace has a blanket `impl<T: ?Sized> Super for T`: it covers the dyn values
    /// already, so no `impl Super for Dyn…` is written (it would conflict).
    pub blanket_impl: bool,
}

/// What to expand and how.
#[derive(Debug, Clone, Default)]
pub struct ExpandInput {
    /// The trait item's source text (attributes and doc comments included).
    pub trait_source: String,
    /// Every supertrait, transitively, in rustc's elaboration order.
    pub supertraits: Vec<SupertraitInput>,
    /// Also emit the forwarding impls for `Box<T>`, `&T`, `&mut T` (the second action).
    pub forwarding_impls: bool,
    /// The budget for supertraits' dyn types, in supertrait impls (`None`: the default,
    /// which grows with the hierarchy; see `plan::DynTypes`). A supertrait past it gets a
    /// method table and no upcast. The tests set it to exercise method tables on small
    /// hierarchies.
    pub dyn_type_budget: Option<usize>,
    /// The workspace has a blanket `impl<T: ?Sized> Foo for T` (the caller finds it in its
    /// model of the workspace): it covers `DynFoo` already, so writing `impl Foo for DynFoo`
    /// would conflict.
    pub blanket_impl: bool,
    /// How std traits' names resolve where the trait is written, as the caller's resolution
    /// found: `("Write", Some("std::io::Write"))` after `use std::io::Write`, `("Error", None)`
    /// when `Error` is the user's own trait (a workspace `trait Error`, `trait Sized`). A bound
    /// written inside a signature (`impl Iterator<Item = u8>`, `where Self: Clone`) by a
    /// listed name is std's only if listed so; an unlisted name is looked up in the std table
    /// by name (see `model::StdNames` for the whole rule).
    pub std_names: Vec<(String, Option<String>)>,
}

/// A finished expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Formatted Rust source to insert after the trait.
    pub text: String,
    /// Title of the code action, naming anything the expansion could not carry.
    pub title: String,
    /// Whether `impl Trait for DynTrait` was emitted.
    pub complete: bool,
}

/// The most supertraits (the whole closure, std's included) a trait may have to be expanded
/// (and to get a dyn* verdict). The expansion of a trait with `n` supertraits holds each
/// included supertrait's `Dyn` type with impls of all of its own supertraits: up to `n²/2`
/// impls. Real traits have a handful; at this limit a chain expands in well under a second
/// to about 1 MB (docs/benchmarks.md).
pub const MAX_SUPERTRAITS: usize = 32;

/// Expands a trait: [`plan()`], then [`emit()`].
pub fn expand_trait(input: &ExpandInput) -> Result<Expansion, ExpandError> {
    emit(&plan(input)?)
}

/// Plans the expansion of a trait: what `DynFoo` carries and how, and what blocks `impl Foo
/// for DynFoo`. Parses the trait and its supertraits; emits nothing.
pub fn plan(input: &ExpandInput) -> Result<Plan, ExpandError> {
    if input.supertraits.len() > MAX_SUPERTRAITS {
        return Err(ExpandError::TooManySupertraits {
            trait_name: trait_name_of(&input.trait_source),
            count: input.supertraits.len(),
            limit: MAX_SUPERTRAITS,
        });
    }
    // `syn` recurses once per level: never hand it a text deeper than the limit.
    check_nesting(&input.trait_source)?;
    for s in &input.supertraits {
        check_nesting(&s.source)?;
    }
    let mut item = parse_trait(&input.trait_source)?;
    let names = model::StdNames {
        resolved: &input.std_names,
    };
    model::unshadow_assoc_names(&mut item, &names);
    plan::plan_trait(
        &item,
        &input.supertraits,
        names,
        input.forwarding_impls,
        input.blanket_impl,
        &mut Vec::new(),
        &mut plan::DynTypes::with_budget(input.dyn_type_budget),
    )
}

/// Writes a plan out as formatted Rust.
pub fn emit(plan: &Plan) -> Result<Expansion, ExpandError> {
    let tokens = emit::emit_plan(plan);
    let file: syn::File = syn::parse2(tokens).map_err(|e| ExpandError::GeneratedInvalidRust {
        trait_name: plan.trait_name(),
        error: e.to_string(),
    })?;
    Ok(Expansion {
        text: emit::finish_comments(&prettyplease::unparse(&file)),
        title: plan.title().to_string(),
        complete: plan.complete(),
    })
}

/// Refuses a text nested deeper than `MAX_NESTING` (`dynlens_base::nesting`), measured on its
/// tokens without recursion (proc-macro2's lexer keeps its own stack). A text that does not
/// lex is left to `syn` to report.
fn check_nesting(source: &str) -> Result<(), ExpandError> {
    use dynlens_base::nesting::{MAX_NESTING, NestToken, is_prefix_keyword, nesting_depth};
    use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
    let Ok(stream) = source.parse::<TokenStream>() else {
        return Ok(());
    };
    let mut tokens = Vec::new();
    // (the group's closing delimiter, its remaining tokens)
    let mut stack = vec![(None, stream.into_iter())];
    let mut glued_to_gt = false; // the previous token was a joint `-` or `=`
    let mut joint_colon = false; // the previous token was a joint `:`
    while let Some((close, iter)) = stack.last_mut() {
        let Some(tree) = iter.next() else {
            if let Some(close) = *close {
                tokens.push(NestToken::Close(close));
            }
            stack.pop();
            continue;
        };
        let glued = std::mem::take(&mut glued_to_gt);
        let token = match tree {
            TokenTree::Group(group) => {
                let open = match group.delimiter() {
                    Delimiter::Parenthesis => Some(b'('),
                    Delimiter::Bracket => Some(b'['),
                    Delimiter::Brace => Some(b'{'),
                    Delimiter::None => None,
                };
                stack.push((open, group.stream().into_iter()));
                match open {
                    Some(open) => NestToken::Open(open),
                    None => continue,
                }
            }
            TokenTree::Punct(p) => {
                let after_colon = std::mem::take(&mut joint_colon);
                glued_to_gt = matches!(p.as_char(), '-' | '=') && p.spacing() == Spacing::Joint;
                joint_colon = p.as_char() == ':' && p.spacing() == Spacing::Joint;
                match p.as_char() {
                    ':' if after_colon => NestToken::PathSep,
                    ':' => NestToken::Colon,
                    '<' => NestToken::Lt,
                    '>' if glued => NestToken::Other,
                    '>' => NestToken::Gt,
                    ';' => NestToken::Semi,
                    '-' | '!' | '*' | '&' | '|' => NestToken::Prefix,
                    _ => NestToken::Other,
                }
            }
            TokenTree::Ident(i) if is_prefix_keyword(&i.to_string()) => NestToken::Prefix,
            TokenTree::Ident(_) => NestToken::Ident,
            _ => NestToken::Other,
        };
        tokens.push(token);
    }
    let depth = nesting_depth(tokens);
    if depth <= MAX_NESTING {
        return Ok(());
    }
    Err(ExpandError::TooDeeplyNested {
        name: trait_name_of(source),
        depth,
        limit: MAX_NESTING,
    })
}

/// The name after the first `trait` of a text, for messages about texts not parsed.
fn trait_name_of(source: &str) -> String {
    source
        .split("trait")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                .find(|w| !w.is_empty())
        })
        .unwrap_or("the trait")
        .to_owned()
}

/// Parses a trait item; accepts a whole file holding one trait too.
fn parse_trait(source: &str) -> Result<syn::ItemTrait, ExpandError> {
    match syn::parse_str::<syn::ItemTrait>(source.trim()) {
        Ok(t) => Ok(t),
        Err(e) => {
            if let Ok(file) = syn::parse_file(source) {
                for item in file.items {
                    if let syn::Item::Trait(t) = item {
                        return Ok(t);
                    }
                }
            }
            Err(ExpandError::TraitDoesNotParse(e.to_string()))
        }
    }
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    #[test]
    fn syn_is_never_handed_a_text_deeper_than_the_limit() {
        let deep = |n: usize| {
            format!(
                "trait Deep {{ fn f(&self) -> {}u8{}; }}",
                "Box<".repeat(n),
                ">".repeat(n)
            )
        };
        assert!(check_nesting(&deep(50)).is_ok());
        let err = check_nesting(&deep(5_000)).unwrap_err();
        assert!(
            matches!(&err, ExpandError::TooDeeplyNested { name, depth, .. } if name == "Deep" && *depth > 5_000),
            "{err:?}"
        );
        assert!(err.to_string().contains("too deeply nested"), "{err}");
        // `->` and `=>` close nothing; braces and prefix runs count.
        let arrows = format!("trait A {{ {} }}", "fn f(&self) -> u8;".repeat(2_000));
        assert!(check_nesting(&arrows).is_ok());
        let braces = format!(
            "trait B {{ fn f(&self) {}{} }}",
            "{".repeat(1_500),
            "}".repeat(1_500)
        );
        assert!(check_nesting(&braces).is_err());
        let negs = format!("trait C {{ const X: i32 = {}1; }}", "-".repeat(1_500));
        assert!(check_nesting(&negs).is_err());
    }
}
