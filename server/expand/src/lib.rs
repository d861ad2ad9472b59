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
mod plan;
mod supers;

pub use plan::{Carry, DynParam, MethodCarry, Plan, SupertraitCarry, SupertraitKind};

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

/// Expands a trait: [`plan()`], then [`emit()`].
pub fn expand_trait(input: &ExpandInput) -> Result<Expansion, ExpandError> {
    emit(&plan(input)?)
}

/// Plans the expansion of a trait: what `DynFoo` carries and how, and what blocks `impl Foo
/// for DynFoo`. Parses the trait and its supertraits; emits nothing.
pub fn plan(input: &ExpandInput) -> Result<Plan, ExpandError> {
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
