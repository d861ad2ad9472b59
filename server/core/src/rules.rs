//! Dyn compatibility, rule by rule, as rustc applies it
//! (`compiler/rustc_trait_selection/src/traits/dyn_compatibility.rs`).
//!
//! A trait is dyn compatible when neither it nor any trait in its supertrait closure has a
//! violation. Every violation is collected, not just the first. Per trait in the closure:
//!
//! * **items**: skipped entirely when the item requires `Self: Sized` (its own `where`
//!   clause, elaborated: `where Self: Clone` counts because `Clone: Sized`);
//!   associated consts and generic associated types are violations; methods are checked by
//!   [`method_violations`];
//! * **`Self: Sized`**: the trait's own bounds on `Self`, elaborated through supertraits;
//! * **`Self` in supertrait arguments**: `trait A: PartialEq` (the default `Rhs = Self`),
//!   `trait A: B<Self>`, `where T: PartialEq<Self>`; projections on `Self` count here too;
//! * **`Self` in associated type bounds**: `type U: PartialEq<Self>` (but `Self::U` is fine).
//!
//! Beside rustc's verdict, dynlens computes a **dyn\*** verdict: what its emulation (SPEC
//! core point 5, issue 3's `DynFoo`) can dispatch, which is strictly more.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::TextRange;
use crate::db::{Db, FileId, TraitKey};
use crate::model::{AssocItem, Bound, GenericArg, GenericParamKind, Method, TraitDef, Ty, TyPath};
use crate::resolve::{Resolved, Scope, bound_trait, resolve_marker_aware, resolve_trait};

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

/// One violation of dyn compatibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub kind: ViolationKind,
    /// The trait (in the supertrait closure) where the violation is.
    pub trait_key: TraitKey,
    pub trait_name: String,
    /// The item concerned (method, associated type or const), if any.
    pub item: Option<String>,
    /// Where it is, in the trait's file (`None` for std traits).
    pub file: Option<FileId>,
    pub range: Option<TextRange>,
    /// What exactly offends, as written (e.g. `other: Self`).
    pub detail: String,
    /// The supertrait chain from the checked trait, e.g. `["Ord", "Eq"]`; empty when the
    /// violation is in the checked trait itself.
    pub via: Vec<String>,
}

impl Violation {
    /// A one-line message: where and what.
    pub fn message(&self) -> String {
        let what = match self.kind {
            ViolationKind::SizedSelf => format!(
                "`{}` requires `Self: Sized` ({})",
                self.trait_name, self.detail
            ),
            ViolationKind::SupertraitSelf => format!(
                "`{}` uses `Self` as a type argument in `{}`",
                self.trait_name, self.detail
            ),
            ViolationKind::AssocTypeBoundSelf => format!(
                "associated type `{}` has the bound `{}`, which mentions `Self`",
                self.item_name(),
                self.detail
            ),
            ViolationKind::AssocConst => format!("associated const `{}`", self.item_name()),
            ViolationKind::GenericAssocType => format!(
                "associated type `{}` is generic (`{}`)",
                self.item_name(),
                self.detail
            ),
            ViolationKind::StaticMethod => format!(
                "associated function `{}` has no `self` receiver",
                self.item_name()
            ),
            ViolationKind::SelfInArgument => format!(
                "method `{}` takes `Self` in parameter `{}`",
                self.item_name(),
                self.detail
            ),
            ViolationKind::SelfInReturn if self.detail == "Self" => {
                format!("method `{}` returns `Self`", self.item_name())
            }
            ViolationKind::SelfInReturn => format!(
                "method `{}` returns `{}`, which mentions `Self`",
                self.item_name(),
                self.detail
            ),
            ViolationKind::AsyncFn => format!("method `{}` is an `async fn`", self.item_name()),
            ViolationKind::ReturnImplTrait => {
                format!("method `{}` returns `{}`", self.item_name(), self.detail)
            }
            ViolationKind::GenericMethod => format!(
                "method `{}` has type or const parameters ({})",
                self.item_name(),
                self.detail
            ),
            ViolationKind::UndispatchableReceiver => format!(
                "method `{}` has the receiver `{}`, which cannot be dispatched",
                self.item_name(),
                self.detail
            ),
            ViolationKind::WhereClauseSelf => format!(
                "method `{}` has the bound `{}`, which mentions `Self`",
                self.item_name(),
                self.detail
            ),
        };
        if self.via.is_empty() {
            what
        } else {
            format!(
                "{what}, inherited through the supertrait `{}`",
                self.via.join("` → `")
            )
        }
    }

    fn item_name(&self) -> &str {
        self.item.as_deref().unwrap_or("?")
    }
}

/// How dynlens's dyn* value (`DynFoo`) carries a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynStarCarry {
    /// Through a plain vtable entry (it is dispatchable as is).
    Plain,
    /// Not in the vtable (`where Self: Sized`): `impl Foo for DynFoo` uses the default body or
    /// leaves it to the concrete type.
    Exempt,
    /// A boxing shim (`async fn`, `-> impl Trait`).
    Boxing,
    /// An erasing shim (`impl Trait` arguments, type parameters with dyn compatible bounds).
    Erasing,
    /// Through the dyn* value itself (`-> Self`).
    ReturnsSelf,
    /// Cannot be carried.
    No,
}

/// What is known about one method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodVerdict {
    pub name: String,
    /// In the vtable of `dyn Trait` (rustc's "vtable safe").
    pub dispatchable: bool,
    /// Exempt through `where Self: Sized` (or a bound implying it).
    pub requires_sized: bool,
    pub violations: Vec<Violation>,
}

/// The dyn* verdict of a trait (computed on request: diagnostics do not need it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynStarVerdict {
    /// Can `impl Trait for DynTrait` be written?
    pub compatible: bool,
    /// Why not, item by item.
    pub blockers: Vec<String>,
    /// How each of the trait's own methods is carried (parallel to `Verdict::methods`), with
    /// the reason when it cannot be.
    pub methods: Vec<(DynStarCarry, Option<String>)>,
}

/// The verdict of one trait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub key: TraitKey,
    pub name: String,
    /// Every violation in the trait and its supertraits.
    pub violations: Vec<Violation>,
    /// The trait's own methods.
    pub methods: Vec<MethodVerdict>,
    /// Supertraits that could not be resolved (the verdict assumes they are fine).
    pub unresolved: Vec<String>,
    /// The dyn* verdict, when requested ([`VerdictCache::with_dyn_star`]).
    pub dyn_star: Option<DynStarVerdict>,
}

impl Verdict {
    /// rustc accepts `dyn Trait`.
    pub fn dyn_compatible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// The report of one trait (what `dynlens check --json` prints).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TraitReport {
    pub file: String,
    #[serde(rename = "trait")]
    pub trait_name: String,
    pub line: u32,
    pub dyn_compatible: bool,
    pub dyn_star_compatible: bool,
    pub violations: Vec<ViolationReport>,
}

/// One violation in a [`TraitReport`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ViolationReport {
    pub kind: &'static str,
    pub item: Option<String>,
    /// 1-based line in `file`, when the violation is in the same file; else the line of the
    /// trait's use of the supertrait is not known and this is `null`.
    pub line: Option<u32>,
    pub message: String,
}

/// Reports for every trait defined in a file.
pub fn check_file(db: &Db, file: FileId) -> Vec<TraitReport> {
    let (Some(model), Some(text)) = (db.model(file), db.file_text(file)) else {
        return Vec::new();
    };
    let path = db
        .file_path(file)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let index = line_index::LineIndex::new(text);
    let line_of = |offset: crate::TextSize| -> u32 {
        index.line_col(offset.min(crate::TextSize::of(text))).line + 1
    };
    let mut cache = VerdictCache::with_dyn_star();
    (0..model.traits.len())
        .filter_map(|i| {
            let key = TraitKey::Local(file, i as u32);
            let v = cache.verdict(db, &key)?;
            let def = db.trait_def(&key)?;
            Some(TraitReport {
                file: path.clone(),
                trait_name: def.name.clone(),
                line: line_of(def.name_range.start()),
                dyn_compatible: v.dyn_compatible(),
                dyn_star_compatible: v.dyn_star.as_ref().is_some_and(|d| d.compatible),
                violations: v
                    .violations
                    .iter()
                    .map(|x| ViolationReport {
                        kind: x.kind.as_str(),
                        item: x.item.clone(),
                        line: match (x.file, x.range) {
                            (Some(f), Some(r)) if f == file => Some(line_of(r.start())),
                            _ => None,
                        },
                        message: x.message(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Verdicts memoised for the duration of one request.
#[derive(Default)]
pub struct VerdictCache {
    verdicts: HashMap<TraitKey, Option<Arc<Verdict>>>,
    dyn_star: bool,
}

impl VerdictCache {
    /// A cache whose verdicts include the dyn* verdict.
    pub fn with_dyn_star() -> Self {
        VerdictCache {
            verdicts: HashMap::new(),
            dyn_star: true,
        }
    }

    /// The verdict of a trait, computed once per cache.
    pub fn verdict(&mut self, db: &Db, key: &TraitKey) -> Option<Arc<Verdict>> {
        if let Some(v) = self.verdicts.get(key) {
            return v.clone();
        }
        let v = verdict(db, key, self.dyn_star).map(Arc::new);
        self.verdicts.insert(key.clone(), v.clone());
        v
    }
}

/// The supertrait closure of a trait: every trait reachable through bounds on `Self`,
/// breadth first, each once, with the chain of names that leads to it.
pub fn supertrait_closure(db: &Db, key: &TraitKey) -> (Vec<(TraitKey, Vec<String>)>, Vec<String>) {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut unresolved = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    seen.insert(key.clone());
    queue.push_back((key.clone(), Vec::new()));
    while let Some((k, via)) = queue.pop_front() {
        let Some(def) = db.trait_def(&k) else {
            continue;
        };
        for b in def.self_bounds() {
            let Some(path) = bound_trait(b) else { continue };
            match resolve_marker_aware(db, Scope::of(&k), path) {
                Resolved::Trait(s) => {
                    if seen.insert(s.clone()) {
                        let mut v = via.clone();
                        v.push(
                            db.trait_def(&s)
                                .map(|d| d.name.clone())
                                .unwrap_or_else(|| path.joined()),
                        );
                        queue.push_back((s, v));
                    }
                }
                Resolved::Unknown => {
                    if k == *key {
                        unresolved.push(path.joined());
                    }
                }
                Resolved::Sized => {}
            }
        }
        out.push((k, via));
    }
    (out, unresolved)
}

/// The verdict of a trait; with `with_dyn_star`, the dyn* verdict too.
pub fn verdict(db: &Db, key: &TraitKey, with_dyn_star: bool) -> Option<Verdict> {
    let def = db.trait_def(key)?;
    let (closure, unresolved) = supertrait_closure(db, key);
    let mut violations = Vec::new();
    for (k, via) in &closure {
        if let Some(d) = db.trait_def(k) {
            violations.extend(own_violations(db, k, &d, via));
        }
    }
    let trait_sized = requires_sized_trait(db, key, &mut HashSet::new());
    let mut methods = Vec::new();
    for m in def.methods() {
        let requires_sized = trait_sized || method_requires_sized(db, key, m);
        let vs = if requires_sized {
            Vec::new()
        } else {
            method_violations(db, key, &def, m, &[])
        };
        methods.push(MethodVerdict {
            name: m.name.clone(),
            dispatchable: !requires_sized && vs.is_empty(),
            requires_sized,
            violations: vs,
        });
    }
    let dyn_star = with_dyn_star.then(|| {
        let carries: Vec<_> = def
            .methods()
            .map(|m| dyn_star_carry(db, key, &def, m))
            .collect();
        let mut blockers = dyn_star_blockers(db, &closure, &violations, &methods, &carries);
        for u in &unresolved {
            blockers.push(format!(
                "the supertrait `{u}` is unknown to dynlens, so its methods cannot be forwarded"
            ));
        }
        DynStarVerdict {
            compatible: blockers.is_empty(),
            blockers,
            methods: carries,
        }
    });
    Some(Verdict {
        key: key.clone(),
        name: def.name.clone(),
        violations,
        methods,
        unresolved,
        dyn_star,
    })
}

/// Why `impl Trait for DynTrait` cannot be written (empty: it can). The dyn* value is
/// `Sized`, so `Self: Sized` requirements are no obstacle; what blocks it is anything that
/// needs the erased type by name, and every method (of the trait and its supertraits) that
/// the expansion cannot route through the vtable. `crate::expand` implements the same rules;
/// `tests/cli` checks that both agree on every trait of the oracle corpus.
fn dyn_star_blockers(
    db: &Db,
    closure: &[(TraitKey, Vec<String>)],
    violations: &[Violation],
    methods: &[MethodVerdict],
    carries: &[(DynStarCarry, Option<String>)],
) -> Vec<String> {
    let mut out = Vec::new();
    for v in violations {
        if matches!(
            v.kind,
            ViolationKind::SupertraitSelf
                | ViolationKind::AssocTypeBoundSelf
                | ViolationKind::AssocConst
                | ViolationKind::GenericAssocType
        ) {
            out.push(v.message());
        }
    }
    for (m, (_, blocker)) in methods.iter().zip(carries) {
        if let Some(b) = blocker {
            out.push(format!("method `{}`: {b}", m.name));
        }
    }
    if let Some((key, _)) = closure.first()
        && let Some(def) = db.trait_def(key)
    {
        // `impl<T> Foo for T` already covers `DynFoo`: a second impl would conflict.
        let blanket = db.files().any(|f| {
            db.model(f)
                .is_some_and(|m| m.blanket_impls.contains(&def.name))
        });
        if blanket {
            out.push(format!("a blanket `impl<T> {} for T` already covers the dyn* value (a second impl would conflict)", def.name));
        }
    }
    for (i, (k, _)) in closure.iter().enumerate() {
        let Some(def) = db.trait_def(k) else { continue };
        let ctx = SelfCtx::new(db, k);
        // A trait `where` clause bounding a type built from `Self` (`where Box<Self>: Debug`).
        for p in &def.where_preds {
            if let Some(ty) = &p.ty
                && !ty.is_self()
                && ctx.mentions_self(ty, true)
            {
                out.push(format!(
                    "`{}`'s `where` clause bounds `{}`, a type built from the erased `Self`",
                    def.name,
                    ty_text(ty)
                ));
            }
        }
        for t in def.assoc_types() {
            // Generic associated types, even under `where Self: Sized`: the impl for the
            // (`Sized`) dyn* value would have to name the erased type's GAT.
            if !t.generics.is_empty() {
                let v = format!(
                    "generic associated type `{}::{}` cannot be named for the erased type",
                    def.name, t.name
                );
                if !out
                    .iter()
                    .any(|o| o.contains(&format!("associated type `{}`", t.name)))
                {
                    out.push(v);
                }
            }
            // `type It: Iterator<Item = Box<Self>>`.
            for b in &t.bounds {
                let Some(path) = bound_trait(b) else { continue };
                for a in path.last_args() {
                    if let GenericArg::AssocType {
                        name, ty: Some(x), ..
                    } = a
                        && ctx.mentions_self(x, true)
                    {
                        out.push(format!("associated type `{}`'s bound binds `{name} = {}`, a type built from the erased `Self`", t.name, ty_text(x)));
                    }
                }
            }
        }
        // Associated constants block even where rustc does not list them (a trait that
        // requires `Sized` has its items exempt): `DynFoo` has no value to give.
        for c in def.items.iter().filter_map(|it| match it {
            AssocItem::Const(c) => Some(c),
            _ => None,
        }) {
            let v = format!(
                "associated const `{}::{}` has no value for the erased type",
                def.name, c.name
            );
            if !out.contains(&v) {
                out.push(v);
            }
        }
        // `Iterator<Item = Self>`: the supertrait's methods would produce the erased type.
        let scope = Scope::of(k);
        for b in def.self_bounds() {
            let Some(path) = bound_trait(b) else { continue };
            for a in path.last_args() {
                if let GenericArg::AssocType {
                    name, ty: Some(t), ..
                } = a
                    && SelfCtx::new(db, k).mentions_self(t, true)
                    && resolve_trait(db, scope, path).is_some()
                {
                    out.push(format!(
                        "`{}` binds `{name} = {}`, a type built from the erased `Self`",
                        path_text(path),
                        ty_text(t)
                    ));
                }
            }
        }
        for b in def.self_bounds() {
            if let Bound::Trait {
                path,
                higher_ranked: true,
                ..
            } = b
            {
                out.push(format!(
                    "the higher-ranked supertrait `for<…> {}` is not carried",
                    path_text(path)
                ));
            }
        }
        if i == 0 || def.is_auto {
            continue;
        }
        let path = db.trait_display_path(k);
        match &*path {
            "std::any::Any" => {
                out.push("`Any` is implemented by std for every `'static` type: the dyn* value would report its own `TypeId`, and downcasting would fail".to_string());
                continue;
            }
            "std::marker::Copy" => {
                out.push("`Copy` cannot be implemented for a dyn* value: it owns its payload and has drop glue".to_string());
                continue;
            }
            "std::ops::Fn"
            | "std::ops::FnMut"
            | "std::ops::FnOnce"
            | "std::ops::AsyncFn"
            | "std::ops::AsyncFnMut"
            | "std::ops::AsyncFnOnce" => {
                out.push(format!("`{}` cannot be implemented on stable Rust (its methods use the `rust-call` ABI)", def.name));
                continue;
            }
            _ => {}
        }
        for m in def.methods() {
            if let (DynStarCarry::No, Some(b)) = dyn_star_carry(db, k, &def, m) {
                out.push(format!("supertrait method `{}::{}`: {b}", def.name, m.name));
            }
        }
    }
    out
}

/// How the dyn* value carries one method, with the reason when it cannot.
fn dyn_star_carry(
    db: &Db,
    key: &TraitKey,
    def: &TraitDef,
    m: &Method,
) -> (DynStarCarry, Option<String>) {
    let no = |why: String| (DynStarCarry::No, Some(why));
    let requires_sized =
        method_requires_sized(db, key, m) || requires_sized_trait(db, key, &mut HashSet::new());
    if m.receiver.is_none() {
        // `impl Foo for DynFoo` needs a body for it, and has no value to dispatch on.
        return if m.has_body {
            (DynStarCarry::Exempt, None)
        } else {
            no("a function without `self` and without a default body cannot be written for the dyn* value".into())
        };
    }
    // A dyn* value is `Sized`: a `where Self: Sized` method must be provided too, unless it
    // has a default body.
    if requires_sized && m.has_body {
        return (DynStarCarry::Exempt, None);
    }
    // `where Self: Clone` without a default body: the vtable cannot assume `T: Clone`, and
    // the dyn* value is not `Clone` itself.
    if let Some(b) = m
        .where_preds
        .iter()
        .filter(|p| p.ty.as_ref().is_some_and(Ty::is_self))
        .flat_map(|p| p.bounds.iter())
        .filter_map(|b| bound_trait(b).map(|p| (b, p)))
        .find(|(b, p)| {
            !matches!(resolve_marker_aware(db, Scope::of(key), p), Resolved::Sized)
                && bound_requires_sized(db, Scope::of(key), b, &mut HashSet::new())
        })
    {
        return no(format!(
            "it requires `Self: {}` and has no default body; the dyn* value cannot promise that",
            path_text(b.1)
        ));
    }
    if m.has_abi {
        return no("an `extern` function cannot be a shim".into());
    }
    let receiver = &m.receiver.as_ref().map(|r| (r.ty.clone(), r.text.clone()));
    if let Some((ty, text)) = receiver
        && !dyn_star_receiver(ty)
    {
        return no(format!(
            "the receiver `{text}` cannot be built from a dyn* value (only `self`, `&self`, `&mut self`, `Box<Self>`, `Pin<&mut Self>`)"
        ));
    }
    let vs = method_violations(db, key, def, m, &[]);
    let mut carry = DynStarCarry::Plain;
    for v in &vs {
        match v.kind {
            ViolationKind::AsyncFn => {
                if m.ret
                    .as_ref()
                    .is_some_and(|(t, ..)| SelfCtx::new(db, key).mentions_self(t, true))
                {
                    return no("an `async fn` returning `Self` is not carried".into());
                }
                carry = DynStarCarry::Boxing;
            }
            ViolationKind::ReturnImplTrait => carry = DynStarCarry::Boxing,
            ViolationKind::SelfInReturn if m.ret.as_ref().is_some_and(|(t, ..)| t.is_self()) => {
                if carry == DynStarCarry::Plain {
                    carry = DynStarCarry::ReturnsSelf;
                }
            }
            ViolationKind::GenericMethod => {
                if let Some(reason) = generics_not_erasable(db, key, m) {
                    return no(reason);
                }
                if carry == DynStarCarry::Plain {
                    carry = DynStarCarry::Erasing;
                }
            }
            ViolationKind::WhereClauseSelf => {
                return no(format!("its bound `{}` mentions `Self`", v.detail));
            }
            ViolationKind::SelfInArgument => {
                return no(format!(
                    "parameter `{}` would need a value of the erased type",
                    v.detail
                ));
            }
            ViolationKind::SelfInReturn => {
                return no(format!(
                    "the return type `{}` mentions `Self`; only a plain `-> Self` can be rebuilt as a dyn* value",
                    v.detail
                ));
            }
            _ => return no(v.message()),
        }
    }
    (carry, None)
}

/// Receivers a dyn* value can produce: it owns (or borrows) its payload in one word.
fn dyn_star_receiver(ty: &Ty) -> bool {
    match ty {
        t if t.is_self() => true,
        Ty::Ref { inner, .. } => inner.is_self(),
        Ty::Path(p) => {
            let arg = p.last_args().iter().find_map(|a| match a {
                GenericArg::Type(t) => Some(t),
                _ => None,
            });
            match (p.last_name(), arg) {
                ("Box", Some(t)) => t.is_self(),
                (
                    "Pin",
                    Some(Ty::Ref {
                        mutable: true,
                        inner,
                        ..
                    }),
                ) => inner.is_self(),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Type parameters can be erased to `&dyn Bound` only when they are used as a parameter's
/// whole type and all their bounds are dyn compatible; const parameters never.
fn generics_not_erasable(db: &Db, key: &TraitKey, m: &Method) -> Option<String> {
    for g in &m.generics {
        match g.kind {
            GenericParamKind::Lifetime => {}
            GenericParamKind::Const => {
                return Some(format!("const parameter `{}` cannot be erased", g.name));
            }
            GenericParamKind::Type => {
                let mut bounds: Vec<&Bound> = g.bounds.iter().collect();
                for p in &m.where_preds {
                    if matches!(&p.ty, Some(Ty::Path(tp)) if tp.segments.len() == 1 && tp.segments[0].name == g.name)
                    {
                        bounds.extend(p.bounds.iter());
                    }
                }
                if !bounds.iter().any(|b| bound_trait(b).is_some()) {
                    return Some(format!(
                        "`{}` has no trait bound, so there is no `dyn Trait` to erase it to",
                        display_generic(&g.name)
                    ));
                }
                for b in bounds {
                    let Some(path) = bound_trait(b) else { continue };
                    match resolve_marker_aware(db, Scope::of(key), path) {
                        Resolved::Trait(k) => {
                            if let Some(assoc) = unnamed_assoc_type(db, &k, path) {
                                return Some(format!(
                                    "the bound `{}` leaves `{assoc}` unnamed, so `dyn {}` is not a complete type",
                                    path_text(path),
                                    path.last_name()
                                ));
                            }
                            let ok = verdict_shallow_compatible(db, &k);
                            if !ok {
                                return Some(format!(
                                    "the bound `{}` on `{}` is not dyn compatible, so it cannot be erased to `dyn {}`",
                                    path.joined(),
                                    display_generic(&g.name),
                                    path.last_name()
                                ));
                            }
                        }
                        Resolved::Sized => {
                            return Some(format!(
                                "`{}: Sized` cannot be erased",
                                display_generic(&g.name)
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    None
}

/// An associated type of the bound's trait (or its supertraits) that the bound does not name:
/// `dyn IntoIterator<Item = u8>` is incomplete without `IntoIter`.
fn unnamed_assoc_type(db: &Db, key: &TraitKey, path: &TyPath) -> Option<String> {
    let named: Vec<&str> = path
        .last_args()
        .iter()
        .filter_map(|a| match a {
            GenericArg::AssocType {
                name, ty: Some(_), ..
            } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    for (k, _) in supertrait_closure(db, key).0 {
        let Some(def) = db.trait_def(&k) else {
            continue;
        };
        for t in def.assoc_types() {
            if t.generics.is_empty()
                && !item_requires_sized(db, &k, &t.where_preds)
                && !named.contains(&t.name.as_str())
            {
                return Some(t.name.clone());
            }
        }
    }
    None
}

fn display_generic(name: &str) -> String {
    if name.starts_with("impl#") {
        "impl Trait".to_string()
    } else {
        name.to_string()
    }
}

fn verdict_shallow_compatible(db: &Db, key: &TraitKey) -> bool {
    let (closure, _) = supertrait_closure(db, key);
    closure.iter().all(|(k, via)| {
        db.trait_def(k)
            .is_none_or(|d| own_violations(db, k, &d, via).is_empty())
    })
}

/// Does the trait require `Self: Sized` (its bounds on `Self`, elaborated)?
pub fn requires_sized_trait(db: &Db, key: &TraitKey, visiting: &mut HashSet<TraitKey>) -> bool {
    if !visiting.insert(key.clone()) {
        return false;
    }
    let Some(def) = db.trait_def(key) else {
        return false;
    };
    def.self_bounds()
        .any(|b| bound_requires_sized(db, Scope::of(key), b, visiting))
}

fn bound_requires_sized(
    db: &Db,
    scope: Scope<'_>,
    b: &Bound,
    visiting: &mut HashSet<TraitKey>,
) -> bool {
    let Some(path) = bound_trait(b) else {
        return false;
    };
    match resolve_marker_aware(db, scope, path) {
        Resolved::Sized => true,
        Resolved::Trait(k) => requires_sized_trait(db, &k, visiting),
        _ => false,
    }
}

/// Does the method's own `where` clause require `Self: Sized` (elaborated)?
pub fn method_requires_sized(db: &Db, key: &TraitKey, m: &Method) -> bool {
    item_requires_sized(db, key, &m.where_preds)
}

/// Do an item's `where` predicates require `Self: Sized` (elaborated)?
fn item_requires_sized(db: &Db, key: &TraitKey, preds: &[crate::model::WherePred]) -> bool {
    preds
        .iter()
        .filter(|p| p.ty.as_ref().is_some_and(Ty::is_self))
        .flat_map(|p| p.bounds.iter())
        .any(|b| bound_requires_sized(db, Scope::of(key), b, &mut HashSet::new()))
}

/// The violations of one trait of the closure, not looking at its supertraits.
fn own_violations(db: &Db, key: &TraitKey, def: &TraitDef, via: &[String]) -> Vec<Violation> {
    let file = db.trait_file(key);
    let mk = |kind, item: Option<&str>, range: Option<TextRange>, detail: String| Violation {
        kind,
        trait_key: key.clone(),
        trait_name: def.name.clone(),
        item: item.map(str::to_string),
        file,
        range: if file.is_some() { range } else { None },
        detail,
        via: via.to_vec(),
    };
    let mut out = Vec::new();
    let trait_sized = requires_sized_trait(db, key, &mut HashSet::new());

    // Items (all exempt when the trait itself requires `Self: Sized`, as in rustc, whose
    // per-item check sees the trait's predicates too).
    if !trait_sized {
        for item in &def.items {
            match item {
                AssocItem::Const(c) => out.push(mk(
                    ViolationKind::AssocConst,
                    Some(&c.name),
                    Some(c.name_range),
                    String::new(),
                )),
                AssocItem::Type(t) => {
                    if item_requires_sized(db, key, &t.where_preds) {
                        continue;
                    }
                    if !t.generics.is_empty() {
                        let params = t
                            .generics
                            .iter()
                            .map(|g| g.name.clone())
                            .collect::<Vec<_>>()
                            .join(", ");
                        out.push(mk(
                            ViolationKind::GenericAssocType,
                            Some(&t.name),
                            Some(t.name_range),
                            format!("type {}<{params}>", t.name),
                        ));
                    }
                }
                AssocItem::Fn(m) => {
                    if method_requires_sized(db, key, m) {
                        continue;
                    }
                    out.extend(method_violations(db, key, def, m, via));
                }
            }
        }
    }

    // `Self: Sized`.
    if trait_sized {
        let spans: Vec<(TextRange, String, bool)> = def
            .self_bounds()
            .filter(|b| bound_requires_sized(db, Scope::of(key), b, &mut HashSet::new()))
            .filter_map(|b| match b {
                Bound::Trait { path, range, .. } => Some((
                    *range,
                    path.joined(),
                    resolve_marker_aware(db, Scope::of(key), path) == Resolved::Sized,
                )),
                _ => None,
            })
            .collect();
        let detail = spans
            .iter()
            .map(|(_, t, is_sized)| {
                if *is_sized {
                    "a `Sized` bound".to_string()
                } else {
                    format!("through `{t}`")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let detail = if detail.is_empty() {
            "through a supertrait".to_string()
        } else {
            detail
        };
        out.push(mk(
            ViolationKind::SizedSelf,
            None,
            spans.first().map(|s| s.0).or(Some(def.name_range)),
            detail,
        ));
    }

    // `Self` as a type argument in supertraits and `where` clauses (no projections allowed).
    let self_ty = Ty::Path(TyPath {
        segments: vec![crate::model::Segment {
            name: "Self".into(),
            args: vec![],
        }],
    });
    let ctx = SelfCtx::new(db, key);
    for b in &def.supertraits {
        if let Bound::Trait {
            path,
            maybe: false,
            range,
            ..
        } = b
            && ctx.bound_args_reference_self(&self_ty, path, false)
        {
            out.push(mk(
                ViolationKind::SupertraitSelf,
                None,
                Some(*range),
                path_text(path),
            ));
        }
    }
    for p in &def.where_preds {
        let Some(ty) = &p.ty else { continue };
        for b in &p.bounds {
            if let Bound::Trait {
                path, maybe: false, ..
            } = b
                && ctx.bound_args_reference_self(ty, path, false)
            {
                out.push(mk(
                    ViolationKind::SupertraitSelf,
                    None,
                    Some(p.range),
                    path_text(path),
                ));
            }
        }
    }
    // Associated type bounds (projections on `Self` allowed).
    for t in def.assoc_types() {
        if item_requires_sized(db, key, &t.where_preds) {
            continue;
        }
        let proj = Ty::Path(TyPath {
            segments: vec![
                crate::model::Segment {
                    name: "Self".into(),
                    args: vec![],
                },
                crate::model::Segment {
                    name: t.name.clone(),
                    args: vec![],
                },
            ],
        });
        for b in &t.bounds {
            if let Bound::Trait {
                path,
                maybe: false,
                range,
                ..
            } = b
                && ctx.bound_args_reference_self(&proj, path, true)
            {
                out.push(mk(
                    ViolationKind::AssocTypeBoundSelf,
                    Some(&t.name),
                    Some(*range),
                    path_text(path),
                ));
            }
        }
    }
    out
}

fn closure_keys(db: &Db, key: &TraitKey) -> HashSet<TraitKey> {
    supertrait_closure(db, key)
        .0
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

/// The violations of one method (not exempt by `Self: Sized`).
pub fn method_violations(
    db: &Db,
    key: &TraitKey,
    def: &TraitDef,
    m: &Method,
    via: &[String],
) -> Vec<Violation> {
    let file = db.trait_file(key);
    let mk = |kind, range: TextRange, detail: String| Violation {
        kind,
        trait_key: key.clone(),
        trait_name: def.name.clone(),
        item: Some(m.name.clone()),
        file,
        range: if file.is_some() { Some(range) } else { None },
        detail,
        via: via.to_vec(),
    };
    let Some(receiver) = &m.receiver else {
        return vec![mk(
            ViolationKind::StaticMethod,
            m.name_range,
            m.signature.clone(),
        )];
    };
    let ctx = SelfCtx::new(db, key);
    let mut out = Vec::new();
    for p in &m.params {
        if ctx.mentions_self(&p.ty, true) {
            out.push(mk(ViolationKind::SelfInArgument, p.range, p.text.clone()));
        }
    }
    if m.is_async {
        out.push(mk(
            ViolationKind::AsyncFn,
            m.name_range,
            m.signature.clone(),
        ));
    } else if let Some((ret, range, text)) = &m.ret {
        if ctx.mentions_self(ret, true) {
            out.push(mk(ViolationKind::SelfInReturn, *range, text.clone()));
        }
        if contains_impl_trait(ret) {
            out.push(mk(ViolationKind::ReturnImplTrait, *range, text.clone()));
        }
    }
    let generic: Vec<String> = m
        .generics
        .iter()
        .filter(|g| g.kind != GenericParamKind::Lifetime)
        .map(|g| {
            if g.from_impl_trait {
                "an `impl Trait` argument".to_string()
            } else {
                format!("`{}`", g.name)
            }
        })
        .collect();
    if !generic.is_empty() {
        out.push(mk(
            ViolationKind::GenericMethod,
            m.name_range,
            generic.join(", "),
        ));
    }
    if !receiver.ty.is_self() && !receiver_is_dispatchable(&receiver.ty) {
        out.push(mk(
            ViolationKind::UndispatchableReceiver,
            receiver.range,
            receiver.text.clone(),
        ));
    }
    // `where` clauses, inline bounds and the bounds of `impl Trait` arguments.
    let synthetic: Vec<crate::model::WherePred> = m
        .generics
        .iter()
        .filter(|g| g.from_impl_trait)
        .map(|g| crate::model::WherePred {
            ty: Some(Ty::Path(TyPath {
                segments: vec![crate::model::Segment {
                    name: g.name.clone(),
                    args: vec![],
                }],
            })),
            bounds: g.bounds.clone(),
            range: g.range,
        })
        .collect();
    for p in m.where_preds.iter().chain(synthetic.iter()) {
        let Some(ty) = &p.ty else { continue };
        for b in &p.bounds {
            let Bound::Trait {
                path, maybe: false, ..
            } = b
            else {
                continue;
            };
            if ty.is_self() && resolve_marker_aware(db, Scope::of(key), path).is_auto(db) {
                continue; // `where Self: Send` is allowed
            }
            if ty.is_self() && bound_requires_sized(db, Scope::of(key), b, &mut HashSet::new()) {
                // `where Self: Clone`: in rustc's eyes the whole method is exempt (and this
                // function is not called for it); for the dyn* value, which is `Sized`, the
                // bound is no obstacle either.
                continue;
            }
            if ctx.mentions_self(ty, true) || ctx.bound_args_reference_self(ty, path, true) {
                let text = if p.range == TextRange::default() {
                    path_text(path)
                } else {
                    format!("{}: {}", ty_text(ty), path_text(path))
                };
                out.push(mk(ViolationKind::WhereClauseSelf, p.range, text));
            }
        }
    }
    out
}

/// `&Self`, `&mut Self`, `Box<Self>`, `Rc<Self>`, `Arc<Self>`, and `Pin<P>` of those.
pub fn receiver_is_dispatchable(ty: &Ty) -> bool {
    match ty {
        Ty::Ref { inner, .. } => inner.is_self(),
        Ty::Path(p) => {
            let args: Vec<&Ty> = p
                .last_args()
                .iter()
                .filter_map(|a| match a {
                    GenericArg::Type(t) => Some(t),
                    _ => None,
                })
                .collect();
            match (p.last_name(), args.first()) {
                ("Box" | "Rc" | "Arc", Some(t)) => t.is_self(),
                ("Pin", Some(t)) => !t.is_self() && receiver_is_dispatchable(t),
                _ => false,
            }
        }
        _ => false,
    }
}

fn contains_impl_trait(ty: &Ty) -> bool {
    let mut found = false;
    walk_ty(ty, &mut |t| {
        if matches!(t, Ty::ImplTrait(_)) {
            found = true;
        }
    });
    found
}

fn walk_ty(ty: &Ty, f: &mut dyn FnMut(&Ty)) {
    f(ty);
    match ty {
        Ty::Path(p) => walk_path(p, f),
        Ty::Qualified {
            self_ty,
            trait_,
            rest,
        } => {
            walk_ty(self_ty, f);
            if let Some(t) = trait_ {
                walk_path(t, f);
            }
            for s in rest {
                walk_args(&s.args, f);
            }
        }
        Ty::Ref { inner, .. } | Ty::Ptr { inner, .. } | Ty::Slice(inner) | Ty::Array(inner) => {
            walk_ty(inner, f)
        }
        Ty::Tuple(ts) => ts.iter().for_each(|t| walk_ty(t, f)),
        Ty::FnPtr { params, ret } => {
            params.iter().for_each(|t| walk_ty(t, f));
            if let Some(r) = ret {
                walk_ty(r, f);
            }
        }
        Ty::ImplTrait(bs) | Ty::DynTrait(bs) => {
            for b in bs {
                if let Bound::Trait { path, .. } = b {
                    walk_path(path, f);
                }
            }
        }
        Ty::Never | Ty::Infer | Ty::Unknown => {}
    }
}

fn walk_path(p: &TyPath, f: &mut dyn FnMut(&Ty)) {
    for s in &p.segments {
        walk_args(&s.args, f);
    }
}

fn walk_args(args: &[GenericArg], f: &mut dyn FnMut(&Ty)) {
    for a in args {
        match a {
            GenericArg::Type(t) => walk_ty(t, f),
            GenericArg::AssocType { ty, bounds, .. } => {
                if let Some(t) = ty {
                    walk_ty(t, f);
                }
                for b in bounds {
                    if let Bound::Trait { path, .. } = b {
                        walk_path(path, f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// rustc's `contains_illegal_self_type_reference`, in one trait's context.
struct SelfCtx<'a> {
    db: &'a Db,
    key: &'a TraitKey,
    /// The supertrait closure, computed only if a qualified path needs it.
    closure: std::cell::OnceCell<HashSet<TraitKey>>,
}

impl<'a> SelfCtx<'a> {
    fn new(db: &'a Db, key: &'a TraitKey) -> Self {
        SelfCtx {
            db,
            key,
            closure: std::cell::OnceCell::new(),
        }
    }

    fn closure(&self) -> &HashSet<TraitKey> {
        self.closure.get_or_init(|| closure_keys(self.db, self.key))
    }

    /// Does `ty` mention the erased `Self`? With `allow_projections`, `Self::Assoc` and
    /// `<Self as Super>::Assoc` (a supertrait's) are fine: they are named in the dyn type.
    fn mentions_self(&self, ty: &Ty, allow_projections: bool) -> bool {
        match ty {
            Ty::Path(p) => {
                if p.segments.first().is_some_and(|s| s.name == "Self") {
                    if p.segments.len() == 1 {
                        return true;
                    }
                    if allow_projections {
                        return false;
                    }
                    return true;
                }
                self.path_args_mention_self(p, allow_projections)
            }
            Ty::Qualified {
                self_ty,
                trait_,
                rest,
            } => {
                if allow_projections
                    && self_ty.is_self()
                    && let Some(t) = trait_
                    && let Some(k) = resolve_trait(self.db, Scope::of(self.key), t)
                    && self.closure().contains(&k)
                {
                    return false;
                }
                self.mentions_self(self_ty, allow_projections)
                    || trait_
                        .as_ref()
                        .is_some_and(|t| self.path_args_mention_self(t, allow_projections))
                    || rest
                        .iter()
                        .any(|s| self.args_mention_self(&s.args, allow_projections))
            }
            Ty::Ref { inner, .. } | Ty::Ptr { inner, .. } | Ty::Slice(inner) | Ty::Array(inner) => {
                self.mentions_self(inner, allow_projections)
            }
            Ty::Tuple(ts) => ts.iter().any(|t| self.mentions_self(t, allow_projections)),
            Ty::FnPtr { params, ret } => {
                params
                    .iter()
                    .any(|t| self.mentions_self(t, allow_projections))
                    || ret
                        .as_ref()
                        .is_some_and(|r| self.mentions_self(r, allow_projections))
            }
            Ty::DynTrait(bs) => bs.iter().any(|b| match b {
                Bound::Trait { path, .. } => self.path_args_mention_self(path, allow_projections),
                _ => false,
            }),
            // Argument-position `impl Trait` is a synthetic parameter (its bounds are checked
            // as where clauses); return-position `impl Trait` is checked by its own rule.
            Ty::ImplTrait(_) => false,
            Ty::Never | Ty::Infer | Ty::Unknown => false,
        }
    }

    fn path_args_mention_self(&self, p: &TyPath, allow: bool) -> bool {
        p.segments
            .iter()
            .any(|s| self.args_mention_self(&s.args, allow))
    }

    fn args_mention_self(&self, args: &[GenericArg], allow: bool) -> bool {
        args.iter().any(|a| match a {
            GenericArg::Type(t) => self.mentions_self(t, allow),
            GenericArg::AssocType { ty, bounds, .. } => {
                ty.as_ref().is_some_and(|t| self.mentions_self(t, allow))
                    || bounds.iter().any(|b| match b {
                        Bound::Trait { path, .. } => self.path_args_mention_self(path, allow),
                        _ => false,
                    })
            }
            _ => false,
        })
    }

    /// rustc's `predicate_references_self` for the predicate `bounded: path`: the trait's
    /// generic arguments (not the bounded type, not associated-type values) are checked,
    /// with omitted arguments filled from their defaults (`PartialEq`'s `Rhs = Self` is the
    /// bounded type) and associated-type bounds checked as predicates of their own.
    fn bound_args_reference_self(&self, bounded: &Ty, path: &TyPath, allow: bool) -> bool {
        let Some(last) = path.segments.last() else {
            return false;
        };
        let explicit: Vec<&Ty> = last
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArg::Type(t) => Some(t),
                _ => None,
            })
            .collect();
        if explicit.iter().any(|t| self.mentions_self(t, allow)) {
            return true;
        }
        // Associated type bounds: `Iterator<Item: PartialEq<Self>>`.
        for a in &last.args {
            if let GenericArg::AssocType { name, bounds, .. } = a {
                let proj = Ty::Qualified {
                    self_ty: Box::new(bounded.clone()),
                    trait_: Some(path.clone()),
                    rest: vec![crate::model::Segment {
                        name: name.clone(),
                        args: vec![],
                    }],
                };
                for b in bounds {
                    if let Bound::Trait {
                        path: bp,
                        maybe: false,
                        ..
                    } = b
                        && self.bound_args_reference_self(&proj, bp, allow)
                    {
                        return true;
                    }
                }
            }
        }
        // Defaults of omitted type parameters (`Rhs = Self` means "the bounded type").
        if let Some(k) = resolve_trait(self.db, Scope::of(self.key), path)
            && let Some(def) = self.db.trait_def(&k)
        {
            let params: Vec<_> = def
                .generics
                .iter()
                .filter(|g| g.kind == GenericParamKind::Type)
                .collect();
            for g in params.iter().skip(explicit.len()) {
                if let Some(d) = &g.default {
                    if d.is_self() {
                        if self.mentions_self(bounded, allow) {
                            return true;
                        }
                    } else if mentions_literal_self(d) && self.mentions_self(bounded, allow) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

fn mentions_literal_self(ty: &Ty) -> bool {
    let mut found = false;
    walk_ty(ty, &mut |t| {
        if t.is_self() {
            found = true;
        }
    });
    found
}

fn path_text(p: &TyPath) -> String {
    let mut s = String::new();
    for (i, seg) in p.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.name);
        if !seg.args.is_empty() {
            s.push('<');
            s.push_str(&seg.args.iter().map(arg_text).collect::<Vec<_>>().join(", "));
            s.push('>');
        }
    }
    s
}

fn arg_text(a: &GenericArg) -> String {
    match a {
        GenericArg::Type(t) => ty_text(t),
        GenericArg::Lifetime(l) => l.clone(),
        GenericArg::Const(c) => c.clone(),
        GenericArg::AssocType {
            name, ty: Some(t), ..
        } => format!("{name} = {}", ty_text(t)),
        GenericArg::AssocType { name, bounds, .. } => format!("{name}: {}", bounds_text(bounds)),
    }
}

fn bounds_text(bs: &[Bound]) -> String {
    bs.iter()
        .map(|b| match b {
            Bound::Trait { path, maybe, .. } => {
                format!("{}{}", if *maybe { "?" } else { "" }, path_text(path))
            }
            Bound::Lifetime(l) => l.clone(),
            Bound::Other => "..".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A type as Rust text (for messages).
pub fn ty_text(t: &Ty) -> String {
    match t {
        Ty::Path(p) => path_text(p),
        Ty::Qualified {
            self_ty,
            trait_,
            rest,
        } => {
            let mut s = match trait_ {
                Some(tr) => format!("<{} as {}>", ty_text(self_ty), path_text(tr)),
                None => format!("<{}>", ty_text(self_ty)),
            };
            for seg in rest {
                s.push_str("::");
                s.push_str(&seg.name);
            }
            s
        }
        Ty::Ref {
            lifetime,
            mutable,
            inner,
        } => format!(
            "&{}{}{}",
            lifetime
                .as_ref()
                .map(|l| format!("{l} "))
                .unwrap_or_default(),
            if *mutable { "mut " } else { "" },
            ty_text(inner)
        ),
        Ty::Ptr { mutable, inner } => format!(
            "*{} {}",
            if *mutable { "mut" } else { "const" },
            ty_text(inner)
        ),
        Ty::Tuple(ts) => format!(
            "({})",
            ts.iter().map(ty_text).collect::<Vec<_>>().join(", ")
        ),
        Ty::Slice(t) => format!("[{}]", ty_text(t)),
        Ty::Array(t) => format!("[{}; _]", ty_text(t)),
        Ty::FnPtr { params, ret } => format!(
            "fn({}){}",
            params.iter().map(ty_text).collect::<Vec<_>>().join(", "),
            ret.as_ref()
                .map(|r| format!(" -> {}", ty_text(r)))
                .unwrap_or_default()
        ),
        Ty::ImplTrait(bs) => format!("impl {}", bounds_text(bs)),
        Ty::DynTrait(bs) => format!("dyn {}", bounds_text(bs)),
        Ty::Never => "!".into(),
        Ty::Infer => "_".into(),
        Ty::Unknown => "{unknown}".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynlens_std::StdLibrary;

    fn verdicts(src: &str) -> Vec<(String, Vec<&'static str>)> {
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), src.to_string());
        let n = db.model(f).map(|m| m.traits.len()).unwrap_or(0);
        (0..n)
            .map(|i| {
                let v = verdict(&db, &TraitKey::Local(f, i as u32), false).expect("verdict");
                (
                    v.name.clone(),
                    v.violations.iter().map(|x| x.kind.as_str()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn method_rules() {
        let v = verdicts(
            "trait A { fn f(&self); fn g(self); fn h(self: Box<Self>); fn p(self: std::pin::Pin<&mut Self>); }
             trait B { fn new() -> u8; }
             trait C { fn eq(&self, o: &Self) -> bool; fn dup(&self) -> Self; }
             trait D { async fn a(&self); fn b(&self) -> impl Send; fn c<T>(&self, t: T); fn d(&self, x: impl Copy); fn e<'a>(&'a self) -> &'a u8; }
             trait E { fn a(self: &Box<Self>); fn b(self: std::rc::Rc<Box<Self>>); }
             trait F { fn a(&self) where Self: Other; fn b(&self) where Self: Send + 'static; fn c(&self) where Self: Sized; }
             trait Other {}
             trait G { fn a(&self, x: Self) where Self: Sized; fn b() where Self: Sized; fn c(&self) -> Self::Out; type Out; }",
        );
        assert_eq!(v[0].1, Vec::<&str>::new());
        assert_eq!(v[1].1, vec!["static_method"]);
        assert_eq!(v[2].1, vec!["self_in_argument", "self_in_return"]);
        assert_eq!(
            v[3].1,
            vec![
                "async_fn",
                "return_impl_trait",
                "generic_method",
                "generic_method"
            ]
        );
        assert_eq!(
            v[4].1,
            vec!["undispatchable_receiver", "undispatchable_receiver"]
        );
        assert_eq!(v[5].1, vec!["where_clause_self"]);
        assert_eq!(v[7].1, Vec::<&str>::new());
    }

    #[test]
    fn trait_level_rules() {
        let v = verdicts(
            "trait A: Sized {}
             trait B where Self: Sized {}
             trait C { const N: u8; }
             trait D { type G<'a>; }
             trait E { type G<'a> where Self: Sized; }
             trait F { type U: PartialEq<Self>; }
             trait G { type Y: PartialEq<Self::Y>; }
             trait H: A {}
             trait I: Own<Self> {}
             trait Own<T> {}
             trait J: Own<u8> {}",
        );
        assert_eq!(v[0].1, vec!["sized_self"]);
        assert_eq!(v[1].1, vec!["sized_self"]);
        assert_eq!(v[2].1, vec!["assoc_const"]);
        assert_eq!(v[3].1, vec!["generic_assoc_type"]);
        assert_eq!(v[4].1, Vec::<&str>::new());
        assert_eq!(v[5].1, vec!["assoc_type_bound_self"]);
        assert_eq!(v[6].1, Vec::<&str>::new());
        assert_eq!(
            v[7].1,
            vec!["sized_self", "sized_self"],
            "H's own Sized requirement and A's"
        );
        assert_eq!(v[8].1, vec!["supertrait_self"]);
        assert_eq!(v[10].1, Vec::<&str>::new());
    }

    #[test]
    fn receivers() {
        let parse = |s: &str| {
            let f = ra_ap_syntax::SourceFile::parse(
                &format!("trait T {{ fn f(self: {s}); }}"),
                crate::db::EDITION,
            )
            .tree();
            let m = crate::model::lower_file(&f);
            m.traits[0]
                .methods()
                .next()
                .unwrap()
                .receiver
                .clone()
                .unwrap()
                .ty
        };
        for ok in [
            "&Self",
            "&mut Self",
            "Box<Self>",
            "Rc<Self>",
            "std::sync::Arc<Self>",
            "Pin<&mut Self>",
            "Pin<Box<Self>>",
        ] {
            assert!(receiver_is_dispatchable(&parse(ok)), "{ok}");
        }
        for bad in [
            "&Box<Self>",
            "Rc<Box<Self>>",
            "Box<Box<Self>>",
            "Pin<Self>",
            "*const Self",
        ] {
            assert!(!receiver_is_dispatchable(&parse(bad)), "{bad}");
        }
    }
}
