//! The rules of dyn compatibility as data: per [`ViolationKind`], its stable name, the rule,
//! why a vtable cannot hold it, and the fix.

/// The rule a violation breaks. `as_str` gives the stable name used in `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ViolationKind {
    /// The trait requires `Self: Sized`.
    SizedSelf,
    /// A supertrait or `where` clause of the trait uses `Self` as a type argument.
    SupertraitSelf,
    /// An associated type's bound uses `Self` as a type argument.
    AssocTypeBoundSelf,
    /// An associated constant.
    AssocConst,
    /// A generic associated type.
    GenericAssocType,
    /// An associated function without a `self` receiver.
    StaticMethod,
    /// `Self` in a parameter type.
    SelfInArgument,
    /// `Self` in the return type.
    SelfInReturn,
    /// `async fn`.
    AsyncFn,
    /// `-> impl Trait`.
    ReturnImplTrait,
    /// Type or const parameters (including `impl Trait` arguments).
    GenericMethod,
    /// A receiver the compiler cannot dispatch on (`&Box<Self>`, `Rc<Box<Self>>`, …).
    UndispatchableReceiver,
    /// A `where` clause on a method that mentions `Self` (other than auto traits, outlives).
    WhereClauseSelf,
}

impl ViolationKind {
    /// The stable, snake_case name of the rule.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::SizedSelf => "sized_self",
            ViolationKind::SupertraitSelf => "supertrait_self",
            ViolationKind::AssocTypeBoundSelf => "assoc_type_bound_self",
            ViolationKind::AssocConst => "assoc_const",
            ViolationKind::GenericAssocType => "generic_assoc_type",
            ViolationKind::StaticMethod => "static_method",
            ViolationKind::SelfInArgument => "self_in_argument",
            ViolationKind::SelfInReturn => "self_in_return",
            ViolationKind::AsyncFn => "async_fn",
            ViolationKind::ReturnImplTrait => "return_impl_trait",
            ViolationKind::GenericMethod => "generic_method",
            ViolationKind::UndispatchableReceiver => "undispatchable_receiver",
            ViolationKind::WhereClauseSelf => "where_clause_self",
        }
    }

    /// The rule, in plain words.
    pub fn rule(self) -> &'static str {
        match self {
            ViolationKind::SizedSelf => "the trait requires `Self: Sized`",
            ViolationKind::SupertraitSelf => {
                "a supertrait or `where` clause uses `Self` as a type argument"
            }
            ViolationKind::AssocTypeBoundSelf => {
                "an associated type's bound uses `Self` as a type argument"
            }
            ViolationKind::AssocConst => "associated constants are not allowed",
            ViolationKind::GenericAssocType => "generic associated types are not allowed",
            ViolationKind::StaticMethod => "every function needs a `self` receiver",
            ViolationKind::SelfInArgument => "`Self` may not appear in a parameter type",
            ViolationKind::SelfInReturn => "`Self` may not appear in the return type",
            ViolationKind::AsyncFn => "`async fn` is not allowed",
            ViolationKind::ReturnImplTrait => "`-> impl Trait` is not allowed",
            ViolationKind::GenericMethod => "methods may not have type or const parameters",
            ViolationKind::UndispatchableReceiver => "the receiver must be dispatchable",
            ViolationKind::WhereClauseSelf => "a method's `where` clause may not mention `Self`",
        }
    }

    /// Why a vtable cannot hold it (SPEC core points 1-3).
    pub fn why(self) -> &'static str {
        match self {
            ViolationKind::SizedSelf => {
                "`dyn Trait` is unsized: its size is only known at run time, read from the vtable. A trait that demands `Self: Sized` can never be implemented by `dyn Trait` itself, so the compiler cannot write `impl Trait for dyn Trait`."
            }
            ViolationKind::SupertraitSelf => {
                "behind `dyn Trait` the concrete type is erased; a bound such as `PartialEq<Self>` would have to name that erased type in the type `dyn Trait` itself, which is impossible."
            }
            ViolationKind::AssocTypeBoundSelf => {
                "`dyn Trait<Assoc = X>` must fix `X` once for every implementor, but a bound mentioning `Self` makes `X`'s requirements depend on the erased concrete type."
            }
            ViolationKind::AssocConst => {
                "a vtable holds function pointers and the size/alignment, not constants; `<dyn Trait>::CONST` would have no single value."
            }
            ViolationKind::GenericAssocType => {
                "`dyn Trait<Assoc = X>` can name one type, but a generic associated type is a family of types (one per argument) that no single `dyn` type can spell out."
            }
            ViolationKind::StaticMethod => {
                "a vtable is found through a value (the data pointer's partner); a function without `self` has no value to find it through, so `<dyn Trait>::f()` cannot know which implementation to call."
            }
            ViolationKind::SelfInArgument => {
                "the shim in the vtable erases `Self` to `*mut ()` only for the receiver; a second `Self` argument would have to be a value of the erased type, which the caller of `dyn Trait` cannot produce (two `dyn` values need not share a type)."
            }
            ViolationKind::SelfInReturn => {
                "the caller of a `dyn Trait` method does not know the concrete type, so it cannot reserve space for a returned `Self` or name its type."
            }
            ViolationKind::AsyncFn => {
                "an `async fn` returns an anonymous future whose type and size differ for every implementor; a vtable slot needs one function pointer with one return type of known size."
            }
            ViolationKind::ReturnImplTrait => {
                "`-> impl Trait` returns a different hidden type per implementor; a vtable slot needs one return type of known size."
            }
            ViolationKind::GenericMethod => {
                "a vtable holds one function pointer per method, but a generic method is a family of functions, one per type argument, that cannot all be compiled ahead of time."
            }
            ViolationKind::UndispatchableReceiver => {
                "the compiler must turn the receiver into a thin data pointer to call the vtable's function; it can do that only for `&Self`, `&mut Self`, `Box<Self>`, `Rc<Self>`, `Arc<Self>` and `Pin<P>` of those, not e.g. `&Box<Self>` or `Rc<Box<Self>>`."
            }
            ViolationKind::WhereClauseSelf => {
                "the vtable is built once per concrete type; a requirement on `Self` beyond the trait (other than auto traits like `Send` or lifetimes) cannot be checked for the erased type at the call."
            }
        }
    }

    /// The usual fix.
    pub fn fix(self) -> &'static str {
        match self {
            ViolationKind::SizedSelf => {
                "remove the `Sized` requirement (and supertraits that imply it, such as `Clone`, `Copy`, `Default`); require it on the methods that need it with `where Self: Sized` instead."
            }
            ViolationKind::SupertraitSelf => {
                "name a concrete type instead of `Self` (e.g. `PartialEq<u8>`), or move the bound to the methods that need it with `where Self: Sized`."
            }
            ViolationKind::AssocTypeBoundSelf => {
                "bound the associated type without `Self` (`Self::Assoc` is fine), or add `where Self: Sized` to the associated type."
            }
            ViolationKind::AssocConst => {
                "replace the constant with a method `fn value(&self) -> T`, or move it to a separate trait that is not used as `dyn`."
            }
            ViolationKind::GenericAssocType => {
                "add `where Self: Sized` to the associated type (it is then unavailable through `dyn`), or use a non-generic associated type."
            }
            ViolationKind::StaticMethod => {
                "add `where Self: Sized` to the function (it stays callable on concrete types), or give it a `&self` receiver."
            }
            ViolationKind::SelfInArgument => {
                "take `&dyn Trait` (or a concrete type) instead of `Self`, or add `where Self: Sized` to the method."
            }
            ViolationKind::SelfInReturn => {
                "return `Box<dyn Trait>` (or dynlens's dyn* value `DynTrait`), or add `where Self: Sized` to the method."
            }
            ViolationKind::AsyncFn => {
                "return `Pin<Box<dyn Future<Output = T> + '_>>` (a boxing shim; dynlens's expansion writes it), or add `where Self: Sized`."
            }
            ViolationKind::ReturnImplTrait => {
                "return `Box<dyn Trait + '_>` (a boxing shim; dynlens's expansion writes it), or add `where Self: Sized`."
            }
            ViolationKind::GenericMethod => {
                "take `&dyn Trait` / `&mut dyn Trait` instead of the type parameter (an erasing shim; dynlens's expansion writes it), or add `where Self: Sized`."
            }
            ViolationKind::UndispatchableReceiver => {
                "use one of the dispatchable receivers (`&self`, `&mut self`, `self: Box<Self>`, `Rc<Self>`, `Arc<Self>`, `Pin<&mut Self>`), or add `where Self: Sized`."
            }
            ViolationKind::WhereClauseSelf => {
                "drop the bound or make it a supertrait; or add `where Self: Sized` to the method."
            }
        }
    }
}
