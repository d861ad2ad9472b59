//! SPEC F2: a trait written out as its explicit vtable, shims, dyn* value and
//! `impl Trait for DynTrait`, as formatted stable Rust.
//!
//! PLACEHOLDER API (being implemented by the expansion work).

/// A supertrait of the expanded trait, resolved by the caller.
#[derive(Debug, Clone)]
pub struct SupertraitInput {
    /// The path to name it with in generated code, e.g. `std::fmt::Debug` or `Shape`.
    pub path: String,
    /// The supertrait's own declaration (a trait item as Rust source).
    pub source: String,
    /// `auto trait` (Send, Sync, Unpin): no vtable of its own.
    pub is_auto: bool,
    /// The file or workspace already has its expansion (`ShapeVtable`, `DynShape`): reuse it.
    pub already_expanded: bool,
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

/// Expands a trait. Errors are messages for the user (e.g. the trait does not parse).
pub fn expand_trait(input: &ExpandInput) -> Result<Expansion, String> {
    let _ = input;
    Err("expansion is not implemented yet".to_string())
}
