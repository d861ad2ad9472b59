//! The rules of dyn compatibility as data: one row per [`ViolationKind`] with its stable name,
//! the rule, why a vtable cannot hold it, the fix, and the one-line message of a violation.

/// The rule a violation breaks; its texts are its row of [`RULES`].
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

/// The texts of one rule.
#[derive(Debug)]
pub struct RuleText {
    /// The kind this row describes (rows are in the enum's declaration order).
    pub kind: ViolationKind,
    /// The stable, snake_case name (`dynlens check --json`, fixture annotations); never changes.
    pub name: &'static str,
    /// The rule, in plain words.
    pub rule: &'static str,
    /// Why a vtable cannot hold it: what the compiler would have to put in the vtable, and why it
    /// cannot.
    pub why: &'static str,
    /// The usual fix.
    pub fix: &'static str,
    /// The one-line message of a violation, with the placeholders `{trait}` (the trait's name),
    /// `{item}` (the item's name) and `{detail}` (what offends, as written). A trailing
    /// [`MENTIONS_SELF`] is dropped when the detail is `Self` itself.
    pub message: &'static str,
}

/// The clause a message drops when the detail is `Self` itself (`returns `Self``, not
/// `returns `Self`, which mentions `Self``).
pub const MENTIONS_SELF: &str = ", which mentions `Self`";

/// Every rule, one row per [`ViolationKind`], in the enum's declaration order.
pub static RULES: [RuleText; 13] = [
    RuleText {
        kind: ViolationKind::SizedSelf,
        name: "sized_self",
        rule: "the trait requires `Self: Sized`",
        why: "`dyn Trait` is unsized: its size is only known at run time, read from the vtable. A trait that demands `Self: Sized` can never be implemented by `dyn Trait` itself, so the compiler cannot write `impl Trait for dyn Trait`.",
        fix: "remove the `Sized` requirement (and supertraits that imply it, such as `Clone`, `Copy`, `Default`); require it on the methods that need it with `where Self: Sized` instead.",
        message: "`{trait}` requires `Self: Sized` ({detail})",
    },
    RuleText {
        kind: ViolationKind::SupertraitSelf,
        name: "supertrait_self",
        rule: "a supertrait or `where` clause uses `Self` as a type argument",
        why: "behind `dyn Trait` the concrete type is erased; a bound such as `PartialEq<Self>` would have to name that erased type in the type `dyn Trait` itself, which is impossible.",
        fix: "name a concrete type instead of `Self` (e.g. `PartialEq<u8>`), or move the bound to the methods that need it with `where Self: Sized`.",
        message: "`{trait}` uses `Self` as a type argument in `{detail}`",
    },
    RuleText {
        kind: ViolationKind::AssocTypeBoundSelf,
        name: "assoc_type_bound_self",
        rule: "an associated type's bound uses `Self` as a type argument",
        why: "`dyn Trait<Assoc = X>` must fix `X` once for every implementor, but a bound mentioning `Self` makes `X`'s requirements depend on the erased concrete type.",
        fix: "bound the associated type without `Self` (`Self::Assoc` is fine), or add `where Self: Sized` to the associated type.",
        message: "associated type `{item}` has the bound `{detail}`, which mentions `Self`",
    },
    RuleText {
        kind: ViolationKind::AssocConst,
        name: "assoc_const",
        rule: "associated constants are not allowed",
        why: "a vtable holds function pointers and the size/alignment, not constants; `<dyn Trait>::CONST` would have no single value.",
        fix: "replace the constant with a method `fn value(&self) -> T`, or move it to a separate trait that is not used as `dyn`.",
        message: "associated const `{item}`",
    },
    RuleText {
        kind: ViolationKind::GenericAssocType,
        name: "generic_assoc_type",
        rule: "generic associated types are not allowed",
        why: "`dyn Trait<Assoc = X>` can name one type, but a generic associated type is a family of types (one per argument) that no single `dyn` type can spell out.",
        fix: "add `where Self: Sized` to the associated type (it is then unavailable through `dyn`), or use a non-generic associated type.",
        message: "associated type `{item}` is generic (`{detail}`)",
    },
    RuleText {
        kind: ViolationKind::StaticMethod,
        name: "static_method",
        rule: "every function needs a `self` receiver",
        why: "a vtable is found through a value (the data pointer's partner); a function without `self` has no value to find it through, so `<dyn Trait>::f()` cannot know which implementation to call.",
        fix: "add `where Self: Sized` to the function (it stays callable on concrete types), or give it a `&self` receiver.",
        message: "associated function `{item}` has no `self` receiver",
    },
    RuleText {
        kind: ViolationKind::SelfInArgument,
        name: "self_in_argument",
        rule: "`Self` may not appear in a parameter type",
        why: "the shim in the vtable erases `Self` to `*mut ()` only for the receiver; a second `Self` argument would have to be a value of the erased type, which the caller of `dyn Trait` cannot produce (two `dyn` values need not share a type).",
        fix: "take `&dyn Trait` (or a concrete type) instead of `Self`, or add `where Self: Sized` to the method.",
        message: "method `{item}` takes `Self` in parameter `{detail}`",
    },
    RuleText {
        kind: ViolationKind::SelfInReturn,
        name: "self_in_return",
        rule: "`Self` may not appear in the return type",
        why: "the caller of a `dyn Trait` method does not know the concrete type, so it cannot reserve space for a returned `Self` or name its type.",
        fix: "return `Box<dyn Trait>` (or dynlens's dyn* value `DynTrait`), or add `where Self: Sized` to the method.",
        message: "method `{item}` returns `{detail}`, which mentions `Self`",
    },
    RuleText {
        kind: ViolationKind::AsyncFn,
        name: "async_fn",
        rule: "`async fn` is not allowed",
        why: "an `async fn` returns an anonymous future whose type and size differ for every implementor; a vtable slot needs one function pointer with one return type of known size.",
        fix: "return `Pin<Box<dyn Future<Output = T> + '_>>` (a boxing shim; dynlens's expansion writes it), or add `where Self: Sized`.",
        message: "method `{item}` is an `async fn`",
    },
    RuleText {
        kind: ViolationKind::ReturnImplTrait,
        name: "return_impl_trait",
        rule: "`-> impl Trait` is not allowed",
        why: "`-> impl Trait` returns a different hidden type per implementor; a vtable slot needs one return type of known size.",
        fix: "return `Box<dyn Trait + '_>` (a boxing shim; dynlens's expansion writes it), or add `where Self: Sized`.",
        message: "method `{item}` returns `{detail}`",
    },
    RuleText {
        kind: ViolationKind::GenericMethod,
        name: "generic_method",
        rule: "methods may not have type or const parameters",
        why: "a vtable holds one function pointer per method, but a generic method is a family of functions, one per type argument, that cannot all be compiled ahead of time.",
        fix: "take `&dyn Trait` / `&mut dyn Trait` instead of the type parameter (an erasing shim; dynlens's expansion writes it), or add `where Self: Sized`.",
        message: "method `{item}` has type or const parameters ({detail})",
    },
    RuleText {
        kind: ViolationKind::UndispatchableReceiver,
        name: "undispatchable_receiver",
        rule: "the receiver must be dispatchable",
        why: "the compiler must turn the receiver into a thin data pointer to call the vtable's function; it can do that only for `&Self`, `&mut Self`, `Box<Self>`, `Rc<Self>`, `Arc<Self>` and `Pin<P>` of those, not e.g. `&Box<Self>` or `Rc<Box<Self>>`.",
        fix: "use one of the dispatchable receivers (`&self`, `&mut self`, `self: Box<Self>`, `Rc<Self>`, `Arc<Self>`, `Pin<&mut Self>`), or add `where Self: Sized`.",
        message: "method `{item}` has the receiver `{detail}`, which cannot be dispatched",
    },
    RuleText {
        kind: ViolationKind::WhereClauseSelf,
        name: "where_clause_self",
        rule: "a method's `where` clause may not mention `Self`",
        why: "the vtable is built once per concrete type; a requirement on `Self` beyond the trait (other than auto traits like `Send` or lifetimes) cannot be checked for the erased type at the call.",
        fix: "drop the bound or make it a supertrait; or add `where Self: Sized` to the method.",
        message: "method `{item}` has the bound `{detail}`, which mentions `Self`",
    },
];

// Each row sits at its kind's discriminant (what `texts` indexes by), so no kind has two rows;
// `WhereClauseSelf` is the last kind, so every kind has one.
const _: () = {
    let mut i = 0;
    while i < RULES.len() {
        assert!(RULES[i].kind as usize == i, "RULES is in declaration order");
        i += 1;
    }
    assert!(RULES.len() == ViolationKind::WhereClauseSelf as usize + 1);
};

impl ViolationKind {
    /// This kind's row of [`RULES`].
    pub const fn texts(self) -> &'static RuleText {
        &RULES[self as usize]
    }

    /// The stable, snake_case name of the rule.
    pub fn as_str(self) -> &'static str {
        self.texts().name
    }

    /// The rule, in plain words.
    pub fn rule(self) -> &'static str {
        self.texts().rule
    }

    /// Why a vtable cannot hold it.
    pub fn why(self) -> &'static str {
        self.texts().why
    }

    /// The usual fix.
    pub fn fix(self) -> &'static str {
        self.texts().fix
    }

    /// The one-line message of a violation of this rule (see [`RuleText::message`]).
    pub fn message(self, trait_name: &str, item: &str, detail: &str) -> String {
        let template = self.texts().message;
        let template = match template.strip_suffix(MENTIONS_SELF) {
            Some(short) if detail == "Self" => short,
            _ => template,
        };
        // One pass over the template: a detail that itself contains `{item}` stays as written.
        let mut out = String::with_capacity(template.len() + detail.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            let (value, len) = if after.starts_with("{trait}") {
                (trait_name, "{trait}".len())
            } else if after.starts_with("{item}") {
                (item, "{item}".len())
            } else if after.starts_with("{detail}") {
                (detail, "{detail}".len())
            } else {
                ("{", 1)
            };
            out.push_str(value);
            rest = &after[len..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kind declared after `k`. The `match` is exhaustive: a kind added to the enum does not
    /// compile here until it is placed in the chain, which [`every_kind_has_exactly_one_row`]
    /// then walks.
    fn next(k: ViolationKind) -> Option<ViolationKind> {
        use ViolationKind::*;
        match k {
            SizedSelf => Some(SupertraitSelf),
            SupertraitSelf => Some(AssocTypeBoundSelf),
            AssocTypeBoundSelf => Some(AssocConst),
            AssocConst => Some(GenericAssocType),
            GenericAssocType => Some(StaticMethod),
            StaticMethod => Some(SelfInArgument),
            SelfInArgument => Some(SelfInReturn),
            SelfInReturn => Some(AsyncFn),
            AsyncFn => Some(ReturnImplTrait),
            ReturnImplTrait => Some(GenericMethod),
            GenericMethod => Some(UndispatchableReceiver),
            UndispatchableReceiver => Some(WhereClauseSelf),
            WhereClauseSelf => None,
        }
    }

    #[test]
    fn every_kind_has_exactly_one_row() {
        let mut all = vec![ViolationKind::SizedSelf];
        while let Some(k) = next(*all.last().unwrap()) {
            all.push(k);
        }
        assert_eq!(all.len(), RULES.len(), "one row per kind");
        for k in all {
            assert_eq!(k.texts().kind, k, "the row of {k:?}");
            assert_eq!(RULES.iter().filter(|r| r.kind == k).count(), 1, "{k:?}");
        }
    }

    #[test]
    fn names_are_unique_snake_case() {
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        assert!(
            names
                .iter()
                .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
            "{names:?}"
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "names are unique");
    }

    #[test]
    fn messages_fill_placeholders_once() {
        assert_eq!(
            ViolationKind::SelfInReturn.message("A", "dup", "Self"),
            "method `dup` returns `Self`"
        );
        assert_eq!(
            ViolationKind::SelfInReturn.message("A", "dup", "Option<Self>"),
            "method `dup` returns `Option<Self>`, which mentions `Self`"
        );
        assert_eq!(
            ViolationKind::SelfInArgument.message("A", "f", "x: Foo<{item}>"),
            "method `f` takes `Self` in parameter `x: Foo<{item}>`"
        );
    }
}
