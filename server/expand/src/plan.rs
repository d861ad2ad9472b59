//! The plan of an expansion: every decision about what `DynFoo` carries and how, made once.
//!
//! Planning resolves the supertraits, classifies every method (through [`classify`]), picks
//! the dyn type's generic parameters and the vtable's slots, and collects the blockers (why
//! `impl Foo for DynFoo` cannot be written). It builds no items and prints nothing: the
//! emitting phases in [`crate::emit`] consume the [`Plan`], and the core's dyn* verdict (hover,
//! `dynlens check`) reads it.

use std::fmt;

use super::model::{
    ClassifyCtx, Dispatchable, Instance, MethodPlan, Output, Receiver, ReplaceSelfAssoc, StdNames,
    classify, is_self_type, mentions_bare_self,
};
use super::supers::{InputIndex, Super, SuperKind, resolve};
use super::{ExpandError, SupertraitInput};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{GenericParam, Ident, ItemTrait, Lifetime, TraitItem, Type, WherePredicate};

/// How the dyn* value (`DynFoo`) carries one method. A method that needs several kinds of
/// shim (an `async fn` with an `impl Trait` argument) is named by the first that applies, in
/// this order: boxing, erasing, returns `Self`, by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carry {
    /// Through a plain vtable entry: the method is dispatchable as it is.
    Plain,
    /// Not in the vtable (`where Self: Sized`, or a function without `self`): `impl Foo for
    /// DynFoo` runs the trait's default body.
    Exempt,
    /// A boxing shim: the future of an `async fn`, or the value of `-> impl Trait`, is boxed.
    Boxing,
    /// An erasing shim: `impl Trait` arguments and type parameters travel as `&dyn`/`&mut dyn`.
    Erasing,
    /// A by-value shim: `self` (or `self: Box<Self>`) moves out of the dyn* value.
    ByValue,
    /// `-> Self`: the shim wraps the returned value in a new dyn* value.
    ReturnsSelf,
    /// Cannot be carried, and why.
    Cannot(String),
}

impl Carry {
    fn of(plan: &MethodPlan) -> Carry {
        match plan {
            MethodPlan::Slot(d) => {
                if matches!(d.output, Output::Async(_) | Output::Boxed { .. }) {
                    Carry::Boxing
                } else if d
                    .args
                    .iter()
                    .any(|a| matches!(a.kind, super::model::ArgKind::Erased { .. }))
                {
                    Carry::Erasing
                } else if matches!(d.output, Output::SelfValue) {
                    Carry::ReturnsSelf
                } else if matches!(d.receiver, Receiver::Value | Receiver::Boxed) {
                    Carry::ByValue
                } else {
                    Carry::Plain
                }
            }
            MethodPlan::Default => Carry::Exempt,
            MethodPlan::Impossible(why) => Carry::Cannot(why.clone()),
        }
    }
}

/// How `DynFoo` carries one method of the trait or of a supertrait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodCarry {
    /// The method's name.
    pub name: String,
    /// How it is carried.
    pub carry: Carry,
}

/// What kind of supertrait, as the expansion treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupertraitKind {
    /// An auto trait (`Send`, `Sync`, `Unpin`): a bound on every value, no vtable entries.
    Auto,
    /// A standard library trait: its methods get slots in the vtable.
    Std,
    /// A user trait: our vtable returns its own (upcasting swaps the vtable pointer).
    User,
}

/// How `DynFoo` carries one supertrait, as instantiated (`Supertrait<T>` and `Supertrait<U>`
/// are two).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupertraitCarry {
    /// The supertrait's name.
    pub name: String,
    /// The instantiation: `Supertrait<T>` (the name alone when it has no arguments).
    pub instance: String,
    /// A user supertrait carried by the dyn value: the field of our vtable returning its
    /// vtable (one per instantiation, as rustc has one vtable segment per instantiation) and
    /// the method upcasting to it.
    pub vtable: Option<SupertraitVtable>,
    /// What kind of supertrait.
    pub kind: SupertraitKind,
    /// Its methods (required ones, for a std trait), each with how it is carried.
    pub methods: Vec<MethodCarry>,
    /// Why `DynFoo` cannot implement it, if it cannot.
    pub blocker: Option<String>,
}

/// A user supertrait's vtable (or method table), returned by a field of the dyn type's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupertraitVtable {
    /// The field of `FooVtable` holding it: `supertrait_t`.
    pub field: String,
    /// The method of `DynFoo` upcasting to it with that vtable: `into_dyn_supertrait_t`. `None`
    /// when the supertrait has no dyn type in this expansion, only a method table: past the
    /// budget of [`DynTypes`], in a deep hierarchy.
    pub upcast: Option<String>,
}

/// The plan of one expansion: made by [`crate::plan`], consumed by [`crate::emit`].
///
/// Its public view is what `DynFoo` can carry: [`Plan::methods`], [`Plan::supertraits`],
/// [`Plan::blockers`] and the code action's [`Plan::title`]. The rest are the decisions the
/// emitting phases follow (names, generic parameters, slots).
pub struct Plan {
    pub(crate) item: ItemTrait,
    pub(crate) forwarding: bool,
    /// How std trait names resolve where the trait is written (the caller's resolution).
    pub(crate) std_names: Vec<(String, Option<String>)>,
    title: String,
    methods: Vec<MethodCarry>,
    supertraits: Vec<SupertraitCarry>,
    blockers: Vec<String>,
    /// The expansions of user supertraits written out before ours (each once per output).
    pub(crate) included: Vec<Included>,
    /// `DynFoo` exists only where these hold (methods' `where P: Debug`), for a comment.
    pub(crate) exists_where: Vec<String>,
    pub(crate) ctx: Ctx,
    /// The trait's own associated types (they become parameters of `DynFoo`), with bounds.
    pub(crate) own_assoc: Vec<(Ident, Vec<syn::TypeParamBound>)>,
    /// The supertraits `DynFoo` implements (those it cannot are left out entirely).
    pub(crate) supers: Vec<Super>,
    /// The supertraits `DynFoo` cannot implement (`Fn`, `Any`, …): a forwarding impl for a
    /// pointer still needs the pointer to implement them.
    pub(crate) uncarried_supers: Vec<Super>,
    /// The workspace has a blanket `impl<T> Foo for T`: it may cover the pointers too, so no
    /// forwarding impl can be written.
    pub(crate) blanket_impl: bool,
    pub(crate) slots: Vec<Slot>,
    /// The own methods of `impl Foo for DynFoo`, each with its slot.
    pub(crate) own_impl: Vec<(Ident, SlotRef)>,
    pub(crate) super_impls: Vec<SuperImpl>,
    pub(crate) flags: Flags,
    /// Whether `DynFoo` is written: always for the trait expanded; for an included supertrait,
    /// as [`DynTypes`] decided (without it, only its method table is).
    pub(crate) dyn_type: bool,
}

/// A generic parameter of the dyn type (after its own lifetime).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DynParam {
    /// A lifetime parameter of the trait (`'k`).
    Lifetime(String),
    /// A type parameter of the trait.
    Type(String),
    /// A const parameter of the trait.
    Const(String),
    /// An associated type of the trait or a supertrait, by name (`Item`).
    Assoc(String),
}

impl Plan {
    /// The trait's name.
    pub fn trait_name(&self) -> String {
        self.item.ident.to_string()
    }

    /// The code action's title: it names anything the expansion cannot carry.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// How each of the trait's own methods is carried, in declaration order.
    pub fn methods(&self) -> &[MethodCarry] {
        &self.methods
    }

    /// The carry of the trait's own method `name`.
    pub fn method(&self, name: &str) -> Option<&Carry> {
        self.methods
            .iter()
            .find(|m| m.name == name)
            .map(|m| &m.carry)
    }

    /// Every supertrait (transitively, as resolved by the caller), with how it is carried.
    pub fn supertraits(&self) -> &[SupertraitCarry] {
        &self.supertraits
    }

    /// Why `impl Foo for DynFoo` cannot be written (empty: it can). Then the expansion gives
    /// `DynFoo` inherent methods for what it can dispatch.
    pub fn blockers(&self) -> &[String] {
        &self.blockers
    }

    /// Whether `impl Foo for DynFoo` is written: nothing blocks it.
    pub fn complete(&self) -> bool {
        self.blockers.is_empty()
    }

    /// The dyn type's name: `DynFoo`.
    pub fn dyn_name(&self) -> String {
        self.ctx.dyn_name.to_string()
    }

    /// The dyn type's generic parameters after its lifetime, in order: the trait's own
    /// parameters, then one per associated type (`DynIterator<'a, Item>`), so that a caller
    /// can write `DynIterator<'_, u32>` for `impl Iterator<Item = u32>`.
    pub fn dyn_params(&self) -> Vec<DynParam> {
        let mut out: Vec<DynParam> = self
            .item
            .generics
            .params
            .iter()
            .map(|p| match p {
                GenericParam::Lifetime(l) => DynParam::Lifetime(l.lifetime.to_string()),
                GenericParam::Type(t) => DynParam::Type(t.ident.to_string()),
                GenericParam::Const(c) => DynParam::Const(c.ident.to_string()),
            })
            .collect();
        out.extend(
            self.ctx
                .assoc
                .iter()
                .map(|a| DynParam::Assoc(a.to_string())),
        );
        out
    }

    /// The blockers as one sentence, as the title and the generated comment say them.
    pub(crate) fn missing(&self) -> Option<String> {
        (!self.blockers.is_empty()).then(|| self.blockers.join("; "))
    }

    /// What blocks `impl Foo for DynFoo` on `Foo`'s own account, for a trait that has `Foo`
    /// as a supertrait: `None` when nothing blocks it; `Some` of its own reasons (empty when
    /// only its supertraits block it). What blocks its supertraits, or their impls for
    /// `DynFoo`, is reported for those supertraits, which are in the including trait's
    /// closure too: nested, the message grew exponentially along a chain whose every trait
    /// has a blocker (a split of the joined text at `; ` let nested reasons through).
    pub(crate) fn missing_own(&self) -> Option<String> {
        (!self.blockers.is_empty()).then(|| {
            self.blockers
                .iter()
                .filter(|b| {
                    let about_supertrait = b.starts_with("the supertrait `")
                        || b.starts_with('`') && b.contains("` cannot be implemented for `Dyn");
                    !about_supertrait
                })
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

impl Plan {
    /// Turns an included supertrait's plan into its method table's: no dyn type, so its
    /// vtable and payload are named as a method table's (`ShapeMethods`,
    /// `ShapeMethodsPayload`) and hold only what the including vtables reach through it (see
    /// [`Plan::table_slots`]).
    fn methods_only(&mut self) {
        self.dyn_type = false;
        self.ctx.vtable = format_ident!("{}Methods", self.item.ident);
        self.ctx.payload = format_ident!("{}MethodsPayload", self.item.ident);
    }

    /// The slots of the table this plan writes: every slot for a dyn type's vtable; for a
    /// method table, the trait's own methods that its includers call through it. Those that
    /// return `Self` build the includer's dyn value, so each includer has its own slot for
    /// them, as it has for the std supertraits' methods; user supertraits' methods are in
    /// their own tables, which the includers' vtables return.
    pub(crate) fn table_slots(&self) -> Vec<&Slot> {
        self.slots
            .iter()
            .filter(|slot| {
                self.dyn_type
                    || (self
                        .own_impl
                        .iter()
                        .any(|(_, r)| matches!(r, SlotRef::Own(f) if *f == slot.field))
                        && !matches!(slot.d.output, Output::SelfValue))
            })
            .collect()
    }
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("trait_name", &self.trait_name())
            .field("title", &self.title)
            .field("methods", &self.methods)
            .field("supertraits", &self.supertraits)
            .field("blockers", &self.blockers)
            .finish_non_exhaustive()
    }
}

/// The expansion of a user supertrait, planned where it is first needed.
pub(crate) struct Included {
    pub name: Ident,
    pub plan: Plan,
    /// Write it out (the workspace does not have `ShapeVtable` yet).
    pub emit: bool,
}

/// A slot of the vtable: a method of the trait or of a std supertrait.
pub(crate) struct Slot {
    pub field: Ident,
    pub shim: Ident,
    /// `Foo<…>` or `::core::fmt::Debug`: how the shim names the method.
    pub trait_path: TokenStream,
    pub method: Ident,
    pub d: Dispatchable,
}

/// Where an impl method finds its function pointer.
pub(crate) enum SlotRef {
    /// A field of our vtable.
    Own(Ident),
    /// In the vtable of the supertrait, which ours returns.
    Supertrait,
}

/// A supertrait impl to write (or not).
pub(crate) struct SuperImpl {
    /// The supertrait's index in [`Plan::supers`].
    pub index: usize,
    /// How each of its methods is reached.
    pub methods: Vec<(Ident, SlotRef)>,
    /// Why it cannot be written, if it cannot.
    pub why: Option<String>,
    /// Not written because it would overlap the impl of another instantiation of the trait
    /// (or needs one that would): its methods are inherent methods of `DynFoo` instead, each
    /// `(method, inherent name)` (`p` → `supertrait_t_p`, as the vtable names its slots).
    pub inherent: Vec<(Ident, Ident)>,
}

/// Names and generic parameters the emitters share.
pub(crate) struct Ctx {
    pub name: Ident,
    pub vtable: Ident,
    pub payload: Ident,
    pub dyn_name: Ident,
    /// `'a`.
    pub lt: Lifetime,
    /// `'s`: the lifetime of a borrow of `self` (or of a dyn value), fresh like `'a`.
    pub borrow: Lifetime,
    /// `<'a, L…, P…, C…, A…>` as declared (with bounds).
    pub decl: TokenStream,
    /// `<'a, L…, P…, C…, A…>` as used.
    pub args: TokenStream,
    /// `<'static, L…, P…, C…, A…>`: the vtable type `DynFoo` stores, its lifetime erased (so
    /// that `DynFoo` is covariant in `'a`: docs/expansion.md, Soundness decisions → Variance).
    pub args_erased: TokenStream,
    pub where_clause: TokenStream,
    /// `Foo<L…, P…, C…, A = A…>`: the bound on the erased type.
    pub bound: TokenStream,
    /// `Foo<L…, P…, C…>`: the trait as `impl` and `<T as …>` name it.
    pub trait_ref: TokenStream,
    /// `fn(X) -> X` over every type and lifetime parameter (invariance, as in `dyn Foo<P>`).
    pub phantom: Option<TokenStream>,
    /// The associated types that became parameters.
    pub assoc: Vec<Ident>,
    /// The name of the erased type in shims and constructors (`T`, unless the trait uses it).
    pub erased: Ident,
    /// The bound on the erased type: `Foo<…> + 'a`, plus what methods' `where Self: Send` or
    /// `where Self: 'static` clauses require of every value.
    pub tbound: TokenStream,
    /// The trait's `where` clauses about `Self` other than bounds on it (`Box<Self>: Debug`,
    /// `P: PartialEq<Self>`), with `Self` as the erased type: every `T: Foo` must prove them.
    pub twhere: Vec<WherePredicate>,
}

impl Ctx {
    pub(crate) fn dyn_ty(&self) -> TokenStream {
        let (d, a) = (&self.dyn_name, &self.args);
        quote!(#d #a)
    }
    pub(crate) fn twhere(&self) -> TokenStream {
        let p = &self.twhere;
        if p.is_empty() {
            quote!()
        } else {
            quote!(where #(#p),*)
        }
    }
    pub(crate) fn vt_ty(&self) -> TokenStream {
        let (v, a) = (&self.vtable, &self.args);
        quote!(#v #a)
    }
    /// The vtable type as `DynFoo` stores it: `FooVtable<'static, …>`, its lifetime erased.
    pub(crate) fn vt_ty_erased(&self) -> TokenStream {
        let (v, a) = (&self.vtable, &self.args_erased);
        quote!(#v #a)
    }
}

/// Which payload helpers and markers are needed (nothing is emitted unused).
pub(crate) struct Flags {
    pub into_value: bool,
    pub into_box: bool,
    pub borrowable: bool,
    pub mutable_borrow: bool,
    pub pinned: bool,
    pub send: bool,
    pub sync: bool,
}

impl Flags {
    fn of(slots: &[Slot], supers: &[Super]) -> Flags {
        let mut f = Flags {
            into_value: false,
            into_box: false,
            borrowable: true,
            mutable_borrow: true,
            pinned: false,
            send: supers.iter().any(|s| s.is_std("core::marker::Send")),
            sync: supers.iter().any(|s| s.is_std("core::marker::Sync")),
        };
        let unpin = supers.iter().any(|s| s.is_std("core::marker::Unpin"));
        // Embedded user supertraits' methods count for the receivers too.
        let mut receivers: Vec<Receiver> = slots.iter().map(|s| s.d.receiver.clone()).collect();
        for s in supers {
            for m in &s.methods {
                if let MethodPlan::Slot(d) = &m.plan {
                    receivers.push(d.receiver.clone());
                }
            }
        }
        for r in &receivers {
            match r {
                Receiver::Ref(_) => {}
                Receiver::Mut(_) => f.borrowable = false,
                Receiver::PinMut(_) => {
                    f.borrowable = false;
                    f.mutable_borrow = false;
                    f.pinned = !unpin;
                }
                Receiver::Value => {
                    f.into_value = true;
                    f.borrowable = false;
                    f.mutable_borrow = false;
                }
                Receiver::Boxed => {
                    f.into_box = true;
                    f.borrowable = false;
                    f.mutable_borrow = false;
                }
            }
        }
        // Only the slots of this vtable use this payload's helpers.
        f.into_value = slots.iter().any(|s| s.d.receiver == Receiver::Value);
        f.into_box = slots.iter().any(|s| s.d.receiver == Receiver::Boxed);
        f
    }
}

/// Which user supertraits get a dyn type of their own (`DynS`, upcast to from ours), decided
/// once per expansion, at the trait expanded, and read by every included plan.
///
/// A supertrait's dyn type implements every trait in its own closure, so writing one for each
/// trait of a hierarchy writes Σ|closure(S)| impls: quadratic in a chain (a 33-trait chain
/// gave 1.1 MB). A supertrait without one gets a method table instead (`SMethods`: its own
/// methods, which our vtable returns as it returns a vtable), linear in its methods; our dyn
/// type still implements it, it only cannot be upcast to. The budget, in supertrait impls,
/// is [`DYN_TYPE_BUDGET`] plus [`DYN_TYPE_BUDGET_PER_TRAIT`] per trait of the closure: every
/// ordinary hierarchy (a chain of up to 16) gets all its dyn types; beyond it they go to the
/// supertraits in the resolver's order (breadth first: direct supertraits first) while they fit.
pub(crate) struct DynTypes {
    /// The budget, when the caller sets it (`ExpandInput::dyn_type_budget`).
    budget: Option<usize>,
    decided: Option<Vec<(String, bool)>>,
}

/// The budget of [`DynTypes`] for any hierarchy, in supertrait impls of included dyn types.
pub(crate) const DYN_TYPE_BUDGET: usize = 64;
/// What [`DynTypes`]' budget grows by per trait of the closure.
pub(crate) const DYN_TYPE_BUDGET_PER_TRAIT: usize = 4;

impl DynTypes {
    /// No decision yet; `budget` overrides the default one.
    pub(crate) fn with_budget(budget: Option<usize>) -> DynTypes {
        DynTypes {
            budget,
            decided: None,
        }
    }

    /// Decides, at the trait expanded, for its whole closure (`supers`: as resolved).
    fn decide(&mut self, supers: &[Super], index: &InputIndex<'_>) {
        if self.decided.is_some() {
            return;
        }
        let mut left = self
            .budget
            .unwrap_or(DYN_TYPE_BUDGET + DYN_TYPE_BUDGET_PER_TRAIT * supers.len());
        let mut decided: Vec<(String, bool)> = Vec::new();
        for s in supers {
            let SuperKind::User {
                already_expanded, ..
            } = s.kind
            else {
                continue;
            };
            let name = s.name.to_string();
            if decided.iter().any(|(n, _)| *n == name) {
                continue;
            }
            // One already in the workspace costs nothing; `DynS` writes an impl per trait
            // of its closure, and its own.
            let cost = match &s.original {
                Some(decl) if !already_expanded => index.transitive_count(decl) + 1,
                _ => 0,
            };
            let fits = cost <= left;
            if fits {
                left -= cost;
            }
            decided.push((name, fits));
        }
        self.decided = Some(decided);
    }

    /// Whether the user supertrait `name` gets a dyn type (one the decision did not see, as
    /// a cycle may give, gets a method table: the smaller output).
    fn has(&self, name: &str) -> bool {
        self.decided
            .iter()
            .flatten()
            .any(|(n, yes)| n == name && *yes)
    }
}

/// A user supertrait whose expansion was planned already: its name, what blocks its `impl …
/// for Dyn…`, and the associated-type parameters of its dyn type (in order).
pub(crate) type Planned = (String, Option<String>, Vec<Ident>);

/// Plans the expansion of one trait; user supertraits' expansions are planned on the way
/// (each once: `planned` holds the names already planned and what blocks each).
pub(crate) fn plan_trait(
    item: &ItemTrait,
    inputs: &[SupertraitInput],
    std_names: StdNames<'_>,
    forwarding: bool,
    blanket_impl: bool,
    planned: &mut Vec<Planned>,
    dyn_types: &mut DynTypes,
) -> Result<Plan, ExpandError> {
    let name_s = item.ident.to_string();
    let names = Names::fresh(item, inputs);
    let index = InputIndex::new(inputs);
    let mut all_supers = resolve(item, &index, &names.borrow, std_names)?;
    dyn_types.decide(&all_supers, &index);
    for s in &mut all_supers {
        s.dyn_type = match s.kind {
            SuperKind::User {
                already_expanded, ..
            } => already_expanded || dyn_types.has(&s.name.to_string()),
            _ => true,
        };
    }
    let mut blockers: Vec<String> = Vec::new();
    if blanket_impl {
        blockers.push(format!(
            "a blanket `impl<T> {name_s} for T` in the workspace covers `Dyn{name_s}` already (a second impl would conflict)"
        ));
    }
    let borrow = names.borrow.clone();
    let supers = plan_supertraits(
        all_supers,
        &index,
        std_names,
        forwarding,
        &mut blockers,
        planned,
        dyn_types,
    )?;
    let bounds = plan_trait_bounds(item, inputs, std_names, &mut blockers);
    let generics = plan_dyn_generics(
        item,
        &supers.supers,
        names,
        std_names,
        bounds,
        &mut blockers,
    );
    let own_assoc = generics.own_assoc.clone();
    let slots = plan_slots(item, generics, borrow, &supers, std_names, &mut blockers);
    let flags = Flags::of(&slots.slots, &supers.supers);

    let mut title = format!("dynlens: Expand `{name_s}` into explicit vtable");
    if forwarding {
        title.push_str(" with forwarding impls");
    }
    if !blockers.is_empty() {
        title.push_str(&format!(
            " (without `impl {name_s} for Dyn{name_s}`: {})",
            blockers.join("; ")
        ));
    }
    let methods = item
        .items
        .iter()
        .filter(|ti| matches!(ti, TraitItem::Fn(_) | TraitItem::Const(_)))
        .zip(&slots.own)
        .filter(|(ti, _)| matches!(ti, TraitItem::Fn(_)))
        .map(|(_, m)| MethodCarry {
            name: m.name.to_string(),
            carry: Carry::of(&m.plan),
        })
        .collect();
    let mut supertraits = supers.carries;
    for si in &slots.super_impls {
        if let Some(c) = supertraits.get_mut(supers.carry_of[si.index]) {
            c.blocker = si.why.clone();
        }
    }
    Ok(Plan {
        item: item.clone(),
        forwarding,
        std_names: std_names.resolved.to_vec(),
        title,
        methods,
        supertraits,
        blockers,
        included: supers.included,
        exists_where: slots.exists_where,
        ctx: slots.ctx,
        own_assoc,
        supers: supers.supers,
        uncarried_supers: supers.uncarried,
        blanket_impl,
        slots: slots.slots,
        own_impl: slots.own_impl,
        super_impls: slots.super_impls,
        flags,
        dyn_type: true,
    })
}

/// The names the expansion introduces, chosen so that they do not clash with the trait's.
struct Names {
    /// The dyn type's lifetime (`'a`).
    lt: Lifetime,
    /// The lifetime of the borrow of `self` in a slot (`'s`).
    borrow: Lifetime,
    /// The erased type in shims and constructors (`T`).
    erased: Ident,
}

impl Names {
    fn fresh(item: &ItemTrait, inputs: &[SupertraitInput]) -> Names {
        // Names the trait uses, so that the generated ones do not clash.
        let mut used = Vec::new();
        collect_names(quote!(#item), &mut used);
        for i in inputs {
            if let Ok(t) = i.source.parse::<TokenStream>() {
                collect_names(t, &mut used);
            }
        }
        let fresh = |cands: &[&str]| -> String {
            let pick = cands.iter().find(|c| !used.iter().any(|u| u == *c));
            pick.map(|c| c.to_string())
                .unwrap_or_else(|| format!("{}_{}", cands[cands.len() - 1], used.len()))
        };
        Names {
            lt: Lifetime::new(
                &format!("'{}", fresh(&["a", "erased", "dyn_erased"])),
                proc_macro2::Span::call_site(),
            ),
            borrow: Lifetime::new(
                &format!("'{}", fresh(&["s", "this", "borrow_of_self"])),
                proc_macro2::Span::call_site(),
            ),
            erased: format_ident!("{}", fresh(&["T", "X", "Erased", "ErasedT"])),
        }
    }
}

/// The supertraits as planned: those `DynFoo` implements, the expansions to include first,
/// and the public view of every one.
struct SupersPlan {
    /// Every supertrait as instantiated (carried or not): what a projection
    /// `<Self as Tr<Args>>::X` may name.
    instances: Vec<Instance>,
    supers: Vec<Super>,
    /// The supertraits the dyn value cannot implement (kept for the forwarding impls).
    uncarried: Vec<Super>,
    included: Vec<Included>,
    /// User supertraits whose own dyn value cannot implement them, and why.
    super_missing: Vec<(Ident, String)>,
    carries: Vec<SupertraitCarry>,
    /// The index in `carries` of each of `supers`.
    carry_of: Vec<usize>,
}

/// Phase 1, the supertraits: those the dyn value cannot implement take no part at all (a
/// blocker each); the expansion of every user supertrait is planned (once per output) to
/// include it and to learn whether its own dyn value can implement it.
fn plan_supertraits(
    all_supers: Vec<Super>,
    inputs: &InputIndex<'_>,
    std_names: StdNames<'_>,
    forwarding: bool,
    blockers: &mut Vec<String>,
    planned: &mut Vec<Planned>,
    dyn_types: &mut DynTypes,
) -> Result<SupersPlan, ExpandError> {
    let mut carries = Vec::new();
    let mut carry_of: Vec<usize> = Vec::new();
    let mut supers: Vec<Super> = Vec::new();
    let mut uncarried: Vec<Super> = Vec::new();
    let instances = all_supers.iter().map(instance_of).collect();
    for s in all_supers {
        let vtable =
            (matches!(s.kind, SuperKind::User { .. }) && s.not_carried.is_none()).then(|| {
                SupertraitVtable {
                    field: s.field().to_string(),
                    upcast: s.dyn_type.then(|| s.upcast().to_string()),
                }
            });
        carries.push(SupertraitCarry {
            name: s.name.to_string(),
            instance: s.instance(),
            vtable,
            kind: match s.kind {
                SuperKind::Auto => SupertraitKind::Auto,
                SuperKind::Std => SupertraitKind::Std,
                SuperKind::User { .. } => SupertraitKind::User,
            },
            methods: s
                .methods
                .iter()
                .filter(|m| !is_const(s.item.as_ref(), &m.name))
                .map(|m| MethodCarry {
                    name: m.name.to_string(),
                    carry: Carry::of(&m.plan),
                })
                .collect(),
            blocker: s.not_carried.clone(),
        });
        match &s.not_carried {
            Some(why) => {
                blockers.push(why.clone());
                uncarried.push(s);
            }
            None => {
                carry_of.push(carries.len() - 1);
                supers.push(s);
            }
        }
    }
    let mut included = Vec::new();
    let mut super_missing: Vec<(Ident, String)> = Vec::new();
    let mut dyn_assoc_args: Vec<(usize, Vec<Type>)> = Vec::new();
    for (index, s) in supers.iter().enumerate() {
        let (
            SuperKind::User {
                already_expanded,
                methods_expanded,
            },
            Some(sitem),
        ) = (&s.kind, &s.original)
        else {
            continue;
        };
        let key = s.name.to_string();
        let (sub_missing, sub_assoc) = match planned.iter().find(|(n, _, _)| *n == key) {
            Some((_, m, a)) => (m.clone(), a.clone()),
            None => {
                // A cycle of supertraits (rustc rejects it, E0391) or two supertraits of one
                // name reach this trait again while it is being planned: the placeholder
                // answers them, so the planning ends (it is replaced below).
                planned.push((
                    key.clone(),
                    Some(format!(
                        "the supertraits of `{key}` form a cycle or repeat its name"
                    )),
                    Vec::new(),
                ));
                let placeholder = planned.len() - 1;
                // With the forwarding impls, the included supertraits get theirs too: the
                // pointers implement `Foo` only where they implement its supertraits.
                let mut sub = plan_trait(
                    sitem,
                    &inputs.transitive_inputs(sitem),
                    std_names,
                    forwarding,
                    s.blanket_impl,
                    planned,
                    dyn_types,
                )?;
                let m = sub.missing_own();
                let a = sub.ctx.assoc.clone();
                if !s.dyn_type {
                    sub.methods_only();
                }
                let emit = if s.dyn_type {
                    !already_expanded
                } else {
                    !methods_expanded
                };
                included.push(Included {
                    name: s.name.clone(),
                    plan: sub,
                    emit,
                });
                planned[placeholder] = (key, m.clone(), a.clone());
                (m, a)
            }
        };
        // Its dyn type's associated-type parameters include its own supertraits' (`trait B:
        // C<u8>` gives `DynB<'a, Assoc>`): each as bound here, or our parameter of that name.
        let args: Vec<Type> = sub_assoc
            .iter()
            .map(|a| {
                std::iter::once(s)
                    .chain(supers.iter())
                    .flat_map(|o| o.bound_assoc.iter())
                    .find(|(n, _)| n == a)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(|| syn::parse_quote!(#a))
            })
            .collect();
        dyn_assoc_args.push((index, args));
        // Each instantiation of a trait (`Supertrait<T>`, `Supertrait<U>`) reports it once.
        let reported = super_missing.iter().any(|(n, _)| *n == s.name);
        if let Some(own) = sub_missing.filter(|_| !reported) {
            // Only what blocks the supertrait itself (`Plan::missing_own`).
            if !own.is_empty() {
                blockers.push(format!(
                    "the supertrait `{}` cannot be implemented for a dyn value ({own})",
                    s.name
                ));
            }
            let why = if own.is_empty() {
                "its supertraits cannot be implemented for a dyn value".to_string()
            } else {
                own
            };
            super_missing.push((s.name.clone(), why));
        }
    }
    for (index, args) in dyn_assoc_args {
        supers[index].dyn_assoc_args = Some(args);
    }
    Ok(SupersPlan {
        instances,
        supers,
        uncarried,
        included,
        super_missing,
        carries,
        carry_of,
    })
}

/// A supertrait as instantiated: its arguments, its parameters' defaults, its fixed
/// associated types.
fn instance_of(s: &Super) -> Instance {
    let defaults = s
        .original
        .iter()
        .flat_map(|o| o.generics.params.iter())
        .map(|p| match p {
            GenericParam::Type(t) => t.default.clone().map(syn::GenericArgument::Type),
            GenericParam::Const(c) => c.default.clone().map(syn::GenericArgument::Const),
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    Instance {
        name: s.name.clone(),
        args: s.args.clone(),
        defaults,
        bound: s.bound_assoc.clone(),
    }
}

/// The trait itself as its methods see it: `Foo<L…, P…, C…>`, with its own parameters.
fn own_instance(item: &ItemTrait) -> Instance {
    let args = item
        .generics
        .params
        .iter()
        .map(|p| match p {
            GenericParam::Lifetime(l) => syn::GenericArgument::Lifetime(l.lifetime.clone()),
            GenericParam::Type(t) => {
                let i = &t.ident;
                syn::GenericArgument::Type(syn::parse_quote!(#i))
            }
            GenericParam::Const(c) => {
                let i = &c.ident;
                syn::GenericArgument::Type(syn::parse_quote!(#i))
            }
        })
        .collect();
    Instance {
        name: item.ident.clone(),
        args,
        defaults: Vec::new(),
        bound: Vec::new(),
    }
}

/// What the trait's bounds and `where` clause ask of every value.
struct TraitBounds {
    /// Predicates naming `Self` that every `T: Foo` must prove (`Box<Self>: Debug`).
    self_preds: Vec<WherePredicate>,
    /// `trait Foo: 'static`: the dyn value must satisfy it too.
    outlives: Vec<Lifetime>,
}

/// Phase 2, the trait's bounds: `where` clauses naming `Self` (blockers: for the dyn value
/// `Self` would be the erased type), and supertraits written on the trait that the caller
/// could not resolve (blockers: their methods cannot be forwarded).
fn plan_trait_bounds(
    item: &ItemTrait,
    inputs: &[SupertraitInput],
    std_names: StdNames<'_>,
    blockers: &mut Vec<String>,
) -> TraitBounds {
    // Trait-level `where` clauses that are not supertraits (`where Box<Self>: Debug`).
    for p in item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
    {
        if let WherePredicate::Type(pt) = p {
            let mentions = super::model::mentions_bare_self(&pt.bounded_ty)
                || pt
                    .bounds
                    .iter()
                    .any(|b| super::model::tokens_mention_self(quote!(#b)));
            if mentions && !is_self_type(&pt.bounded_ty) {
                blockers.push(format!(
                    "the trait's `where {}` names `Self`, which for the dyn value would be the erased type",
                    super::model::tidy_tokens(&quote!(#pt).to_string())
                ));
            }
        }
    }
    let mut self_preds: Vec<WherePredicate> = Vec::new();
    for p in item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
    {
        if let WherePredicate::Type(pt) = p
            && !is_self_type(&pt.bounded_ty)
            && (mentions_bare_self(&pt.bounded_ty)
                || pt.bounds.iter().any(bound_mentions_bare_self))
        {
            self_preds.push(p.clone());
        }
    }
    // Supertraits written on the trait that the caller could not resolve.
    let known: Vec<String> = inputs
        .iter()
        .map(|i| {
            i.path
                .rsplit("::")
                .next()
                .unwrap_or(&i.path)
                .split('<')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect();
    let mut outlives: Vec<Lifetime> = Vec::new();
    for b in super::supers::written_bounds(item) {
        match b {
            syn::TypeParamBound::Trait(t) => {
                let Some(last) = t.path.segments.last() else {
                    continue;
                };
                let n = last.ident.to_string();
                let maybe = matches!(t.modifier, syn::TraitBoundModifier::Maybe(_));
                if !maybe
                    && !std_names.facts(&t.path).is_some_and(|f| f.sized_marker)
                    && !known.contains(&n)
                {
                    blockers.push(format!("the supertrait `{n}` is unknown to dynlens, so the dyn value cannot implement it"));
                }
            }
            syn::TypeParamBound::Lifetime(l) => outlives.push(l.clone()),
            _ => {}
        }
    }
    TraitBounds {
        self_preds,
        outlives,
    }
}

/// Phase 3, the generic parameters of the dyn type: the lifetime, the trait's own, then the
/// associated types (own, then supertraits' not fixed by a bound). Generic associated types
/// and bounds naming `Self` are blockers. Returns the shared names, the own associated types
/// and the predicates every value must prove.
fn plan_dyn_generics(
    item: &ItemTrait,
    supers: &[Super],
    names: Names,
    std_names: StdNames<'_>,
    bounds: TraitBounds,
    blockers: &mut Vec<String>,
) -> DynGenerics {
    let name = item.ident.clone();
    let Names { lt, erased, borrow } = names;
    let TraitBounds {
        mut self_preds,
        outlives,
    } = bounds;
    let mut own_assoc: Vec<(Ident, Vec<syn::TypeParamBound>)> = Vec::new();
    for ti in &item.items {
        if let TraitItem::Type(t) = ti {
            if !t.generics.params.is_empty() {
                blockers.push(format!(
                    "the generic associated type `{}`: a dyn type would need it for every choice of its parameters",
                    t.ident
                ));
                continue;
            }
            let mut bounds: Vec<syn::TypeParamBound> = Vec::new();
            let own_names: Vec<Ident> = item
                .items
                .iter()
                .filter_map(|ti| match ti {
                    TraitItem::Type(t) if t.generics.params.is_empty() => Some(t.ident.clone()),
                    _ => None,
                })
                .collect();
            for b in &t.bounds {
                let mut replaced = b.clone();
                ReplaceSelfAssoc { assoc: &own_names }.visit_type_param_bound_mut(&mut replaced);
                if super::model::tokens_mention_self(quote!(#replaced)) {
                    blockers.push(format!(
                        "the bound `{}: {}` names `Self`, which for the dyn value would be the erased type",
                        t.ident,
                        super::model::tidy_tokens(&quote!(#b).to_string())
                    ));
                } else {
                    bounds.push(b.clone());
                }
            }
            for p in t
                .generics
                .where_clause
                .iter()
                .flat_map(|w| w.predicates.iter())
            {
                let WherePredicate::Type(pt) = p else {
                    continue;
                };
                if !super::model::tokens_mention_self(quote!(#p)) {
                    continue;
                }
                let on_self =
                    is_self_type(&pt.bounded_ty) && !pt.bounds.iter().any(bound_mentions_bare_self);
                let only_sized = on_self
                    && pt.bounds.iter().all(
                        |b| matches!(b, syn::TypeParamBound::Trait(tb) if std_names.is_sized(&tb.path)),
                    );
                if only_sized {
                    // `type Out where Self: Sized`: a dyn value is `Sized`.
                    continue;
                }
                // Every `T: Foo` must prove it to name `T::Extra`: every value must satisfy it.
                self_preds.push(p.clone());
                if !on_self {
                    blockers.push(format!(
                        "the associated type `{}` has `where {}`, which names `Self` as the erased type",
                        t.ident,
                        super::model::tidy_tokens(&quote!(#p).to_string())
                    ));
                }
            }
            own_assoc.push((t.ident.clone(), bounds));
        }
    }
    let mut assoc: Vec<Ident> = own_assoc.iter().map(|(i, _)| i.clone()).collect();
    for s in supers {
        for a in &s.free_assoc {
            if !assoc.contains(a) {
                assoc.push(a.clone());
            }
        }
    }
    let mut replace = ReplaceSelfAssoc { assoc: &assoc };
    let mut decl_params: Vec<TokenStream> = vec![quote!(#lt)];
    let mut use_params: Vec<TokenStream> = vec![quote!(#lt)];
    let mut bound_args: Vec<TokenStream> = Vec::new();
    let mut phantom_parts: Vec<TokenStream> = Vec::new();
    for gp in &item.generics.params {
        match gp {
            GenericParam::Lifetime(l) => {
                let lt2 = &l.lifetime;
                let bounds = &l.bounds;
                decl_params.push(if bounds.is_empty() {
                    quote!(#lt2)
                } else {
                    quote!(#lt2: #bounds)
                });
                use_params.push(quote!(#lt2));
                bound_args.push(quote!(#lt2));
                phantom_parts.push(quote!(&#lt2 ()));
            }
            GenericParam::Type(t) => {
                let id = &t.ident;
                let mut bounds: syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]> =
                    syn::punctuated::Punctuated::new();
                for b in &t.bounds {
                    if bound_mentions_bare_self(b) {
                        blockers.push(format!(
                            "the bound `{id}: {}` names `Self`, which for the dyn value would be the erased type",
                            super::model::tidy_tokens(&quote!(#b).to_string())
                        ));
                        self_preds.push(syn::parse_quote!(#id: #b));
                    } else {
                        bounds.push(b.clone());
                    }
                }
                for b in bounds.iter_mut() {
                    if let syn::TypeParamBound::Trait(tb) = b {
                        replace.visit_path_mut(&mut tb.path);
                    }
                }
                decl_params.push(if bounds.is_empty() {
                    quote!(#id)
                } else {
                    quote!(#id: #bounds)
                });
                use_params.push(quote!(#id));
                bound_args.push(quote!(#id));
                phantom_parts.push(quote!(#id));
            }
            GenericParam::Const(c) => {
                let (id, ty) = (&c.ident, &c.ty);
                decl_params.push(quote!(const #id: #ty));
                use_params.push(quote!(#id));
                bound_args.push(quote!(#id));
            }
        }
    }
    for (a, bounds) in &own_assoc {
        let mut bounds = bounds.clone();
        for b in bounds.iter_mut() {
            if let syn::TypeParamBound::Trait(tb) = b {
                replace.visit_path_mut(&mut tb.path);
            }
        }
        let bounds: Vec<_> = bounds.into_iter().collect();
        decl_params.push(if bounds.is_empty() {
            quote!(#a)
        } else {
            quote!(#a: #(#bounds)+*)
        });
    }
    for a in assoc.iter().skip(own_assoc.len()) {
        let bounds: Vec<syn::TypeParamBound> = supers
            .iter()
            .flat_map(|s| s.assoc_bounds.iter())
            .find(|(n, _)| n == a)
            .map(|(_, b)| {
                b.iter()
                    .cloned()
                    .map(|mut b| {
                        ReplaceSelfAssoc { assoc: &assoc }.visit_type_param_bound_mut(&mut b);
                        b
                    })
                    .collect()
            })
            .unwrap_or_default();
        decl_params.push(if bounds.is_empty() {
            quote!(#a)
        } else {
            quote!(#a: #(#bounds)+*)
        });
    }
    let trait_ref = if bound_args.is_empty() {
        quote!(#name)
    } else {
        quote!(#name<#(#bound_args),*>)
    };
    for a in &assoc {
        use_params.push(quote!(#a));
        bound_args.push(quote!(#a = #a));
        phantom_parts.push(quote!(#a));
    }
    let mut where_preds: Vec<WherePredicate> = item
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .filter(|p| !super::model::tokens_mention_self(quote!(#p)) || matches!(p, WherePredicate::Type(pt) if !mentions_bare_self(&pt.bounded_ty) && !pt.bounds.iter().any(bound_mentions_bare_self)))
        .map(|p| {
            let mut p = p.clone();
            ReplaceSelfAssoc { assoc: &assoc }.visit_where_predicate_mut(&mut p);
            p
        })
        .collect();
    // `trait Foo: 'static`: the dyn value must satisfy it too (`'a: 'static`).
    for l in &outlives {
        where_preds.push(syn::parse_quote!(#lt: #l));
    }
    let where_clause = if where_preds.is_empty() {
        quote!()
    } else {
        quote!(where #(#where_preds),*)
    };
    let bound = if bound_args.is_empty() {
        quote!(#name)
    } else {
        quote!(#name<#(#bound_args),*>)
    };
    let phantom = if phantom_parts.is_empty() {
        None
    } else {
        Some(quote!(fn(#(#phantom_parts),*) -> (#(#phantom_parts,)*)))
    };
    let ctx = Ctx {
        vtable: format_ident!("{}Vtable", name),
        payload: format_ident!("{}Payload", name),
        dyn_name: format_ident!("Dyn{}", name),
        name: name.clone(),
        lt,
        borrow,
        decl: quote!(<#(#decl_params),*>),
        args: quote!(<#(#use_params),*>),
        args_erased: {
            let rest = &use_params[1..];
            quote!(<'static #(, #rest)*>)
        },
        where_clause,
        bound,
        trait_ref,
        phantom,
        assoc,
        twhere: Vec::new(),
        erased,
        tbound: TokenStream::new(),
    };
    DynGenerics {
        ctx,
        own_assoc,
        self_preds,
        where_preds,
    }
}

/// The dyn type's generic parameters as planned.
struct DynGenerics {
    /// The shared names; `tbound` and `twhere` are filled in by [`plan_slots`].
    ctx: Ctx,
    own_assoc: Vec<(Ident, Vec<syn::TypeParamBound>)>,
    /// Predicates naming `Self` that every `T: Foo` must prove.
    self_preds: Vec<WherePredicate>,
    /// The trait's own `where` clause, as the dyn type repeats it.
    where_preds: Vec<WherePredicate>,
}

/// The slots and impls as planned.
struct SlotsPlan {
    ctx: Ctx,
    own: Vec<super::model::Method>,
    exists_where: Vec<String>,
    slots: Vec<Slot>,
    own_impl: Vec<(Ident, SlotRef)>,
    super_impls: Vec<SuperImpl>,
}

/// Phase 4, the slots: the trait's own methods are classified, each dispatchable one gets a
/// slot (the others are exempt or blockers); std supertraits' methods get slots of ours, user
/// supertraits' are reached through their vtable (ours returns it) (except `-> Self`, which must build
/// a `DynFoo`). Also what every erased value must satisfy (`tbound`, `twhere`), and the
/// methods' `where` clauses on the trait's parameters, under which alone `DynFoo` exists.
fn plan_slots(
    item: &ItemTrait,
    generics: DynGenerics,
    borrow: Lifetime,
    supers_plan: &SupersPlan,
    std_names: StdNames<'_>,
    blockers: &mut Vec<String>,
) -> SlotsPlan {
    let supers = &supers_plan.supers;
    let name_s = item.ident.to_string();
    let DynGenerics {
        mut ctx,
        self_preds,
        where_preds,
        ..
    } = generics;
    let assoc = ctx.assoc.clone();
    let trait_sized = item
        .supertraits
        .iter()
        .any(|b| matches!(b, syn::TypeParamBound::Trait(t) if std_names.implies_sized(&t.path)));
    let mut instances = vec![own_instance(item)];
    instances.extend(supers_plan.instances.iter().cloned());
    let own = classify(
        &item.items,
        &ClassifyCtx {
            names: std_names,
            assoc: &assoc,
            borrow,
            trait_sized,
            instances: Some((&item.ident, &instances)),
        },
        &name_s,
    );
    // What methods' `where Self: Send` / `where Self: 'static` require of every value.
    let mut extra: Vec<syn::TypeParamBound> = Vec::new();
    let mut add_extra = |plan: &MethodPlan| {
        if let MethodPlan::Slot(d) = plan {
            for b in &d.extra_bounds {
                let text = quote!(#b).to_string();
                if !extra.iter().any(|e| quote!(#e).to_string() == text) {
                    extra.push(b.clone());
                }
            }
        }
    };
    own.iter().for_each(|m| add_extra(&m.plan));
    supers
        .iter()
        .flat_map(|s| s.methods.iter())
        .for_each(|m| add_extra(&m.plan));
    {
        let (b, l) = (&ctx.bound, &ctx.lt);
        ctx.tbound = quote!(#b + #l #(+ #extra)*);
    }
    ctx.twhere = self_preds
        .into_iter()
        .map(|mut p| {
            ReplaceSelfAssoc { assoc: &assoc }.visit_where_predicate_mut(&mut p);
            SelfTo(&ctx.erased).visit_where_predicate_mut(&mut p);
            p
        })
        .collect();
    // Methods' `where P: Debug` on the trait's parameters or associated types: a vtable is built
    // for every value, so the dyn type exists only where they hold.
    let mut method_preds: Vec<WherePredicate> = Vec::new();
    for m in &own {
        let MethodPlan::Slot(d) = &m.plan else {
            continue;
        };
        for p in d
            .sig
            .generics
            .where_clause
            .iter()
            .flat_map(|w| w.predicates.iter())
        {
            let WherePredicate::Type(pt) = p else {
                continue;
            };
            if is_self_type(&pt.bounded_ty)
                || d.sig
                    .generics
                    .type_params()
                    .any(|tp| super::model::type_mentions_ident(&pt.bounded_ty, &tp.ident))
            {
                continue;
            }
            if d.sig
                .generics
                .lifetimes()
                .any(|l| super::model::tokens_mention_lifetime(quote!(#p), &l.lifetime))
            {
                continue;
            }
            let mut p = p.clone();
            ReplaceSelfAssoc { assoc: &assoc }.visit_where_predicate_mut(&mut p);
            if !method_preds
                .iter()
                .any(|q| quote!(#q).to_string() == quote!(#p).to_string())
            {
                method_preds.push(p);
            }
        }
    }
    let mut exists_where = Vec::new();
    if !method_preds.is_empty() {
        let mut all = where_preds.clone();
        all.extend(method_preds.iter().cloned());
        ctx.where_clause = quote!(where #(#all),*);
        exists_where = method_preds
            .iter()
            .map(|p| super::model::tidy_tokens(&quote!(#p).to_string()))
            .collect();
    }
    let mut slots: Vec<Slot> = Vec::new();
    let mut own_impl: Vec<(Ident, SlotRef)> = Vec::new();
    for m in &own {
        match &m.plan {
            MethodPlan::Slot(d) => {
                let field = own_slot_field(&m.name);
                let shim = format_ident!("{}_shim", field);
                slots.push(Slot {
                    field: field.clone(),
                    shim,
                    trait_path: ctx.trait_ref.clone(),
                    method: m.name.clone(),
                    d: (**d).clone(),
                });
                own_impl.push((m.name.clone(), SlotRef::Own(field)));
            }
            MethodPlan::Default => {}
            MethodPlan::Impossible(r) => blockers.push(r.clone()),
        }
    }
    // Supertrait impls: (super, per-method plan) — std ones through own slots, user ones
    // through the supertrait's vtable (except `-> Self`, which must build a `DynFoo`).
    let mut super_impls: Vec<SuperImpl> = Vec::new();
    for (si, s) in supers.iter().enumerate() {
        // Auto traits need no impl; a blanket impl in the workspace covers the dyn value.
        if s.kind == SuperKind::Auto || s.blanket_impl {
            continue;
        }
        let mut plan = Vec::new();
        let mut why: Option<String> = None;
        for m in &s.methods {
            match &m.plan {
                MethodPlan::Slot(d) => {
                    let via_own = s.kind == SuperKind::Std || matches!(d.output, Output::SelfValue);
                    if via_own {
                        let field = format_ident!("{}_{}", s.snake(), m.name);
                        let shim = format_ident!("{}_shim", field);
                        let path = s.impl_path();
                        slots.push(Slot {
                            field: field.clone(),
                            shim,
                            trait_path: quote!(#path),
                            method: m.name.clone(),
                            d: (**d).clone(),
                        });
                        plan.push((m.name.clone(), SlotRef::Own(field)));
                    } else {
                        plan.push((m.name.clone(), SlotRef::Supertrait));
                    }
                }
                MethodPlan::Default => {}
                MethodPlan::Impossible(r) => {
                    why.get_or_insert_with(|| r.clone());
                }
            }
        }
        if let Some(w) = &why {
            let b = format!("`{}` cannot be implemented for `Dyn{name_s}`: {w}", s.name);
            if !blockers.contains(&b) {
                blockers.push(b);
            }
        }
        if why.is_none() {
            why = supers_plan
                .super_missing
                .iter()
                .find(|(n, _)| *n == s.name)
                .map(|(_, m)| m.clone());
        }
        super_impls.push(SuperImpl {
            index: si,
            methods: plan,
            why,
            inherent: Vec::new(),
        });
    }
    plan_overlapping_impls(item, &ctx, supers, &own, &mut super_impls, blockers);
    SlotsPlan {
        ctx,
        own,
        exists_where,
        slots,
        own_impl,
        super_impls,
    }
}

/// The field of a trait's own method in its vtable: the method's name, unless the vtable
/// has a field of that name already (`size`, `new`, …: then `method_size`). One rule for the
/// vtable and for those that reach the method through it (an including dyn type's impl).
pub(crate) fn own_slot_field(method: &Ident) -> Ident {
    let reserved = ["drop_in_place", "size", "align", "marker", "new"];
    if reserved.contains(&method.to_string().as_str()) {
        format_ident!("method_{}", method)
    } else {
        method.clone()
    }
}

/// Phase 5, supertraits instantiated several times (`Supertrait<T> + Supertrait<U>`): every
/// instantiation has its vtable and its upcast, but `impl Supertrait<T> for DynTrait`
/// and `impl Supertrait<U> for DynTrait` overlap (E0119: they are one impl when `T = U`), so an
/// instantiation whose impl may overlap another's gets none (`Supertrait<u8>` beside
/// `Supertrait<u16>` keeps its own), nor does one whose own supertraits lack theirs; their
/// methods become inherent methods of `DynTrait` (`supertrait_t_p`), and `impl Trait for
/// DynTrait`, which needs them all, is blocked.
fn plan_overlapping_impls(
    item: &ItemTrait,
    ctx: &Ctx,
    supers: &[Super],
    own: &[super::model::Method],
    super_impls: &mut [SuperImpl],
    blockers: &mut Vec<String>,
) {
    // The impls' parameters are the dyn type's.
    let mut params: Vec<Ident> = item
        .generics
        .params
        .iter()
        .filter_map(|p| match p {
            GenericParam::Type(t) => Some(t.ident.clone()),
            GenericParam::Const(c) => Some(c.ident.clone()),
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    params.extend(ctx.assoc.iter().cloned());
    // The impls written so far (an instantiation with a method that cannot be carried has none).
    let written = |i: usize| {
        super_impls
            .iter()
            .any(|si| si.index == i && si.why.is_none())
    };
    // (instantiation, the other one it may equal, the equations that make them equal)
    let mut overlapping: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for i in 0..supers.len() {
        if !written(i) {
            continue;
        }
        let other = (0..supers.len())
            .filter(|&j| j != i && written(j))
            .find_map(|j| {
                (supers[j].name == supers[i].name)
                    .then(|| super::overlap::may_overlap(&supers[i].args, &supers[j].args, &params))
                    .flatten()
                    .map(|eqs| (j, eqs))
            });
        if let Some((j, eqs)) = other {
            overlapping.push((i, j, eqs));
        }
    }
    if overlapping.is_empty() {
        return;
    }
    let dyn_name = &ctx.dyn_name;
    // What each instantiation's impl requires: its own supertraits' impls.
    let requires = super::supers::requirements(supers);
    let mut unimplemented: Vec<(usize, String)> = overlapping
        .iter()
        .map(|(i, j, eqs)| {
            let when = if eqs.is_empty() {
                "dynlens cannot tell the two apart".to_string()
            } else {
                format!("they are the same trait when `{}`", eqs.join("`, `"))
            };
            (
                *i,
                format!(
                    "it would overlap `impl {} for {dyn_name}` (E0119: {when})",
                    supers[*j].instance()
                ),
            )
        })
        .collect();
    loop {
        let next = (0..supers.len()).find_map(|i| {
            if !written(i) || unimplemented.iter().any(|(u, _)| *u == i) {
                return None;
            }
            requires[i]
                .iter()
                .find(|r| unimplemented.iter().any(|(u, _)| u == *r))
                .map(|r| {
                    (
                        i,
                        format!(
                            "it needs `{dyn_name}: {}`, which is not implemented",
                            supers[*r].instance()
                        ),
                    )
                })
        });
        match next {
            Some(u) => unimplemented.push(u),
            None => break,
        }
    }
    // One blocker per trait: `Supertrait<T>` and `Supertrait<U>` are one story.
    let mut told: Vec<&Ident> = Vec::new();
    for (i, j, eqs) in &overlapping {
        let s = &supers[*i];
        if told.contains(&&s.name) {
            continue;
        }
        told.push(&s.name);
        let all: Vec<String> = supers
            .iter()
            .filter(|o| o.name == s.name)
            .map(|o| format!("`{}`", o.instance()))
            .collect();
        let when = if eqs.is_empty() {
            "dynlens cannot tell them apart".to_string()
        } else {
            format!("they are the same trait when `{}`", eqs.join("`, `"))
        };
        let none: Vec<String> = overlapping
            .iter()
            .filter(|(k, _, _)| supers[*k].name == s.name)
            .map(|(k, _, _)| format!("`{}`", supers[*k].instance()))
            .collect();
        let what = match (none.len() == all.len(), all.len()) {
            (true, 2) => "neither".to_string(),
            (true, _) => "none of them".to_string(),
            (false, _) => format!("none of {}", none.join(", ")),
        };
        let instead = if matches!(s.kind, SuperKind::User { .. }) {
            "it upcasts to each instead".to_string()
        } else {
            format!("their methods are inherent methods of `{dyn_name}` instead")
        };
        let times = match all.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        blockers.push(format!(
            "the supertrait `{}` is instantiated {times} ({}): `impl {} for {dyn_name}` and `impl {} for {dyn_name}` would overlap (E0119: {when}), so `{dyn_name}` implements {what}; {instead}",
            s.name,
            all.join(", "),
            s.instance(),
            supers[*j].instance()
        ));
    }
    // Inherent names, as the vtable names the slots of a supertrait (`supertrait_t_p`), unless
    // one is taken (then the upcast is the way to the method).
    let mut taken: Vec<String> = own.iter().map(|m| m.name.to_string()).collect();
    taken.extend(
        [
            "new",
            "inline",
            "boxed",
            "from_ref",
            "from_mut",
            "from_parts",
            "from_raw_parts",
            "store_inline",
            "size_of_val",
            "align_of_val",
        ]
        .map(String::from),
    );
    taken.extend(
        supers
            .iter()
            .filter(|s| matches!(s.kind, SuperKind::User { .. }))
            .map(|s| s.upcast().to_string()),
    );
    for (i, why) in unimplemented {
        let Some(si) = super_impls
            .iter_mut()
            .find(|si| si.index == i && si.why.is_none())
        else {
            continue;
        };
        for (m, _) in &si.methods {
            let name = format!("{}_{m}", supers[i].snake());
            if !taken.contains(&name) {
                taken.push(name.clone());
                si.inherent.push((m.clone(), format_ident!("{name}")));
            }
        }
        si.why = Some(why);
    }
}

#[cfg(test)]
mod tests;

/// Whether the trait declares an associated const `name` (classified along with methods).
fn is_const(item: Option<&ItemTrait>, name: &Ident) -> bool {
    item.is_some_and(|i| {
        i.items
            .iter()
            .any(|ti| matches!(ti, TraitItem::Const(c) if c.ident == *name))
    })
}

/// Every identifier and lifetime name in the tokens (lifetimes without the quote).
fn collect_names(tokens: TokenStream, out: &mut Vec<String>) {
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => collect_names(g.stream(), out),
            _ => {}
        }
    }
}

/// Whether a bound names `Self` itself (not only `Self::Assoc`).
fn bound_mentions_bare_self(b: &syn::TypeParamBound) -> bool {
    struct F(bool);
    impl<'ast> syn::visit::Visit<'ast> for F {
        fn visit_type(&mut self, t: &'ast Type) {
            self.0 |= mentions_bare_self(t);
        }
    }
    let mut f = F(false);
    syn::visit::Visit::visit_type_param_bound(&mut f, b);
    f.0
}

/// Replaces the type `Self` by the erased type.
struct SelfTo<'i>(&'i Ident);

impl VisitMut for SelfTo<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if is_self_type(ty) {
            let i = self.0;
            *ty = syn::parse_quote!(#i);
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}
