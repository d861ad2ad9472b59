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
//! Beside rustc's verdict, a verdict may carry the **dyn\*** verdict: what dynlens's emulation
//! of dyn* (the pointer-sized, `Sized` value `DynFoo` that the expansion writes, see
//! `docs/expansion.md`) can dispatch, which is strictly more. It is not a rule of this module:
//! `crate::dyn_star` reads it from the generator's plan.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::TextRange;
use crate::db::{Db, FileId, TraitKey};
use crate::model::{AssocItem, Bound, GenericArg, GenericParamKind, Method, TraitDef, Ty, TyPath};
use crate::print::{path_text, ty_text};
use crate::resolve::{Resolved, Scope, bound_trait, resolve_marker_aware, resolve_trait};

mod inherited;
mod kind;

use inherited::Inherited;

pub use kind::ViolationKind;

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

/// A chain of supertraits as a message shows it: whole when short, else its first two links,
/// how many are left out, and the last (a message stays short on a chain of thousands).
pub(crate) fn shown_chain(via: &[String]) -> String {
    if via.len() <= 4 {
        return via.join("` → `");
    }
    format!(
        "{}` → `{}` → … {} more … → `{}",
        via[0],
        via[1],
        via.len() - 3,
        via[via.len() - 1]
    )
}

impl Violation {
    /// A one-line message: where and what (the kind's message template, filled in).
    pub fn message(&self) -> String {
        let what = self
            .kind
            .message(&self.trait_name, self.item_name(), &self.detail);
        if self.via.is_empty() {
            what
        } else {
            format!(
                "{what}, inherited through the supertrait `{}`",
                shown_chain(&self.via)
            )
        }
    }

    fn item_name(&self) -> &str {
        self.item.as_deref().unwrap_or("?")
    }
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

/// The verdict of one trait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub key: TraitKey,
    pub name: String,
    /// The violations of the trait and of the nearest [`LISTED_TRAITS`] traits of its closure
    /// that have any, nearest first.
    pub violations: Vec<Violation>,
    /// The violations of further supertraits: counted, not listed (a chain of 10,000 traits
    /// each with a violation would list 50 million).
    pub elided: usize,
    /// The trait's own methods.
    pub methods: Vec<MethodVerdict>,
    /// Supertraits, anywhere in the closure, that could not be resolved: with no violation
    /// found elsewhere, the verdict is unknown (a violation found is certain whatever they
    /// are).
    pub unresolved: Vec<String>,
    /// The trait, or one in its supertrait closure, carries an attribute dynlens does not
    /// know: its final shape is unknown, and so is the verdict (`violations` are those of the
    /// text as written, never presented as rustc's).
    pub unknown_shape: Option<UnknownShape>,
    /// The trait, or one in its closure, has syntax errors: no verdict until they are fixed.
    pub incomplete: Option<String>,
}

/// Where an unknown attribute makes a verdict unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownShape {
    /// The trait carrying the attribute.
    pub trait_name: String,
    /// The attribute's path as written (`foo::bar`).
    pub attribute: String,
    /// The supertrait chain to it (empty: the trait itself).
    pub via: Vec<String>,
}

impl Verdict {
    /// rustc accepts `dyn Trait` (meaningful only when [`Verdict::known`]).
    pub fn dyn_compatible(&self) -> bool {
        self.violations.is_empty()
    }

    /// The verdict is rustc's: the trait parsed, dynlens knows its final shape, and either
    /// found a violation or resolved every supertrait. Otherwise hover says what is missing
    /// and no diagnostic is published.
    pub fn known(&self) -> bool {
        self.incomplete.is_none()
            && self.unknown_shape.is_none()
            && (self.unresolved.is_empty() || !self.violations.is_empty())
    }
}

/// Verdicts memoised for the duration of one request, with what they share: each trait's
/// resolved supertraits, whether it requires `Self: Sized`, and what it inherits from its
/// closure ([`inherited`]: computed once per trait from its supertraits', cycles found once).
/// `check` on a chain of `n` traits is linear in `n`, whether the chain is clean or every
/// trait inherits a violation from the first.
#[derive(Default)]
pub struct VerdictCache {
    verdicts: HashMap<TraitKey, Option<Arc<Verdict>>>,
    shared: ClosureMemo,
    inherited: Inherited,
}

impl VerdictCache {
    /// The verdict of a trait, computed once per cache.
    pub fn verdict(&mut self, db: &Db, key: &TraitKey) -> Option<Arc<Verdict>> {
        if let Some(v) = self.verdicts.get(key) {
            return v.clone();
        }
        let v = verdict_with(db, key, &mut self.shared, &mut self.inherited).map(Arc::new);
        self.verdicts.insert(key.clone(), v.clone());
        v
    }
}

/// Per-trait facts shared by the verdicts of one request.
#[derive(Default)]
struct ClosureMemo {
    /// The trait's bounds on `Self`, resolved (`Err`: the path as written, unresolved).
    supers: HashMap<TraitKey, Arc<Vec<Result<TraitKey, String>>>>,
    /// Whether a trait of the closure (the trait included) has a bound `Self: Sized`.
    sized: HashMap<TraitKey, bool>,
}

impl ClosureMemo {
    fn supers(&mut self, db: &Db, key: &TraitKey) -> Arc<Vec<Result<TraitKey, String>>> {
        if let Some(s) = self.supers.get(key) {
            return s.clone();
        }
        let mut out = Vec::new();
        if let Some(def) = db.trait_def(key) {
            for b in def.self_bounds() {
                let Some(path) = bound_trait(b) else { continue };
                match resolve_marker_aware(db, Scope::of(key), path) {
                    Resolved::Trait(s) => out.push(Ok(s)),
                    Resolved::Unknown => out.push(Err(path.joined())),
                    Resolved::Sized => {}
                }
            }
        }
        let out = Arc::new(out);
        self.supers.insert(key.clone(), out.clone());
        out
    }

    /// The trait itself is `Sized` or has a bound `Self: Sized`.
    fn own_sized(&self, db: &Db, key: &TraitKey) -> bool {
        crate::resolve::is_sized(key)
            || db.trait_def(key).is_some_and(|def| {
                def.self_bounds().any(|b| {
                    bound_trait(b).is_some_and(|path| {
                        matches!(
                            resolve_marker_aware(db, Scope::of(key), path),
                            Resolved::Sized
                        )
                    })
                })
            })
    }

    /// Does the trait require `Self: Sized` (its bounds on `Self`, elaborated)? As
    /// [`requires_sized_trait`], shared: a depth-first walk without recursion; "yes" is final
    /// as soon as it is found (it propagates up the walk's path), "no" is known for every
    /// trait the walk reached once it finishes.
    fn requires_sized(&mut self, db: &Db, key: &TraitKey) -> bool {
        if let Some(&c) = self.sized.get(key) {
            return c;
        }
        if self.own_sized(db, key) {
            self.sized.insert(key.clone(), true);
            return true;
        }
        let mut visited: HashSet<TraitKey> = HashSet::new();
        visited.insert(key.clone());
        // (trait, its resolved supertraits, the next one to visit)
        let mut stack = vec![(key.clone(), self.supers(db, key), 0usize)];
        while let Some((_, supers, next)) = stack.last_mut() {
            let Some(s) = supers.get(*next).cloned() else {
                stack.pop();
                continue;
            };
            *next += 1;
            let Ok(s) = s else { continue };
            let found = match self.sized.get(&s) {
                Some(&c) => c,
                None if !visited.insert(s.clone()) => false,
                None => {
                    if self.own_sized(db, &s) {
                        self.sized.insert(s, true);
                        true
                    } else {
                        let ss = self.supers(db, &s);
                        stack.push((s, ss, 0));
                        false
                    }
                }
            };
            if found {
                for (k, _, _) in stack {
                    self.sized.insert(k, true);
                }
                return true;
            }
        }
        for k in visited {
            self.sized.insert(k, false);
        }
        false
    }
}

/// Does the supertrait closure of `key` (the trait excluded) hold more than `limit` traits?
/// Stops counting at `limit + 1`.
pub fn closure_exceeds(db: &Db, key: &TraitKey, limit: usize) -> bool {
    let mut seen = HashSet::new();
    seen.insert(key.clone());
    let mut queue = std::collections::VecDeque::from([key.clone()]);
    while let Some(k) = queue.pop_front() {
        let Some(def) = db.trait_def(&k) else {
            continue;
        };
        for b in def.self_bounds() {
            let Some(path) = bound_trait(b) else { continue };
            if let Resolved::Trait(s) = resolve_marker_aware(db, Scope::of(&k), path)
                && seen.insert(s.clone())
            {
                if seen.len() > limit + 1 {
                    return true;
                }
                queue.push_back(s);
            }
        }
    }
    false
}

/// A chain of supertrait names as verdicts show it: at most four names; past four, the first
/// two, `… N more …` and the last (a chain of 10,000 names in each of 10,000 verdicts made
/// the output quadratic).
pub(crate) fn abbreviated_chain(via: &[String]) -> Vec<String> {
    if via.len() <= 4 {
        return via.to_vec();
    }
    vec![
        via[0].clone(),
        via[1].clone(),
        format!("… {} more …", via.len() - 3),
        via[via.len() - 1].clone(),
    ]
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
                    let mut shown = abbreviated_chain(&via);
                    shown.push(path.joined());
                    unresolved.push(shown.join(" → "));
                }
                Resolved::Sized => {}
            }
        }
        out.push((k, via));
    }
    (out, unresolved)
}

/// How many traits with violations a verdict lists (the trait and its nearest supertraits);
/// the violations of the others are counted ([`Verdict::elided`]).
pub const LISTED_TRAITS: usize = 16;

/// The line for the `n` violations a verdict counts but does not list (hover, diagnostics,
/// `check`).
pub fn more_violations(n: usize) -> String {
    format!(
        "… and {n} more violation{} inherited from further supertraits (the nearest {LISTED_TRAITS} traits with violations are listed)",
        if n == 1 { "" } else { "s" }
    )
}

/// rustc's verdict of a trait.
#[cfg(test)]
pub fn verdict(db: &Db, key: &TraitKey) -> Option<Verdict> {
    verdict_with(
        db,
        key,
        &mut ClosureMemo::default(),
        &mut Inherited::default(),
    )
}

/// [`verdict`] with the closures' facts shared through `memo` and `inherited`.
fn verdict_with(
    db: &Db,
    key: &TraitKey,
    memo: &mut ClosureMemo,
    inherited: &mut Inherited,
) -> Option<Verdict> {
    let def = db.trait_def(key)?;
    let mut violations = Vec::new();
    let mut unknown_shape = None;
    let mut incomplete = None;
    let mut unresolved = Vec::new();
    let (reported, elided) = inherited.reported(db, memo, key, LISTED_TRAITS);
    for r in reported {
        if r.via.is_empty() {
            violations.extend(r.own.violations.iter().cloned());
        } else {
            violations.extend(r.own.violations.iter().map(|v| Violation {
                via: r.via.clone(),
                ..v.clone()
            }));
        }
        if unknown_shape.is_none()
            && let Some(attribute) = &r.own.unknown_attribute
        {
            unknown_shape = Some(UnknownShape {
                trait_name: r.name.clone(),
                attribute: attribute.clone(),
                via: r.via.clone(),
            });
        }
        if incomplete.is_none() && r.own.incomplete {
            incomplete = Some(r.name.clone());
        }
        for path in &r.own.unresolved {
            let mut shown: Vec<&str> = r.via.iter().map(String::as_str).collect();
            shown.push(path);
            unresolved.push(shown.join(" → "));
        }
    }
    let trait_sized = memo.requires_sized(db, key);
    Some(Verdict {
        key: key.clone(),
        name: def.name.clone(),
        violations,
        elided,
        methods: method_verdicts(db, key, &def, trait_sized),
        unresolved,
        unknown_shape,
        incomplete,
    })
}

/// The verdicts of a trait's own methods (`trait_sized`: the trait requires `Self: Sized`).
fn method_verdicts(
    db: &Db,
    key: &TraitKey,
    def: &TraitDef,
    trait_sized: bool,
) -> Vec<MethodVerdict> {
    def.methods()
        .map(|m| {
            let requires_sized = trait_sized || method_requires_sized(db, key, m);
            let vs = if requires_sized {
                Vec::new()
            } else {
                method_violations(db, key, def, m, &[])
            };
            MethodVerdict {
                name: m.name.clone(),
                dispatchable: !requires_sized && vs.is_empty(),
                requires_sized,
                violations: vs,
            }
        })
        .collect()
}

/// Does the trait require `Self: Sized` (its bounds on `Self`, elaborated)?
pub fn requires_sized_trait(db: &Db, key: &TraitKey, visiting: &mut HashSet<TraitKey>) -> bool {
    // `Sized` itself: rustc elaborates a trait's own `Self: Trait` predicate, `Self: Sized`.
    if crate::resolve::is_sized(key) {
        return true;
    }
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
/// `trait_sized`: the trait requires `Self: Sized` ([`requires_sized_trait`]).
fn own_violations(
    db: &Db,
    key: &TraitKey,
    def: &TraitDef,
    via: &[String],
    trait_sized: bool,
) -> Vec<Violation> {
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
        let detail = if crate::resolve::is_sized(key) {
            "it is `Sized` itself".to_string()
        } else if detail.is_empty() {
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
    /// The elaborated supertrait references (with their type arguments), computed only if a
    /// qualified path needs them; `None` past [`MAX_SUPERTRAIT_REFS`].
    supertrait_refs: std::cell::OnceCell<Option<SupertraitRefs>>,
}

impl<'a> SelfCtx<'a> {
    fn new(db: &'a Db, key: &'a TraitKey) -> Self {
        SelfCtx {
            db,
            key,
            supertrait_refs: std::cell::OnceCell::new(),
        }
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
                // `<Self as Super<A>>::X` is named in the dyn type only when `Super<A>` is one
                // of the trait's supertraits with these very arguments (rustc compares the
                // projection's trait reference with the elaborated supertraits).
                if allow_projections
                    && self_ty.is_self()
                    && let Some(t) = trait_
                    && let Some(k) = resolve_trait(self.db, Scope::of(self.key), t)
                    && self.is_supertrait_ref(&k, t)
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

    /// Is `k` with the arguments written in `path` a supertrait reference of the trait? Only
    /// arguments that are provably different types (`u8` and `u16`, two of the trait's own
    /// parameters) make it not one; anything dynlens cannot compare (a path that may be an
    /// alias) counts as the same, so that no false violation is reported.
    ///
    /// `k` not in the closure at all is not one. A closure past [`MAX_SUPERTRAIT_REFS`]
    /// references is not elaborated to the end: dynlens cannot tell, so it counts as one.
    fn is_supertrait_ref(&self, k: &TraitKey, path: &TyPath) -> bool {
        let Some(refs) = self
            .supertrait_refs
            .get_or_init(|| supertrait_refs(self.db, self.key))
        else {
            return true;
        };
        let Some(sargs_of_k) = refs.get(k) else {
            return false;
        };
        let Some(def) = self.db.trait_def(k) else {
            return true;
        };
        let args = filled_args(&def, path, &HashMap::new());
        let params = own_type_params(self.db, self.key);
        sargs_of_k.iter().any(|sargs| {
            sargs.len() != args.len()
                || !sargs
                    .iter()
                    .zip(&args)
                    .any(|(a, b)| provably_distinct(a, b, &params))
        })
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

/// The type parameters of a trait, in order.
fn own_type_params(db: &Db, key: &TraitKey) -> Vec<String> {
    db.trait_def(key)
        .map(|d| {
            d.generics
                .iter()
                .filter(|g| g.kind == GenericParamKind::Type)
                .map(|g| g.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The type arguments of `path` naming the trait `def`, substituted by `subst`, with omitted
/// ones filled from their defaults (which may name earlier parameters).
fn filled_args(def: &TraitDef, path: &TyPath, subst: &HashMap<String, Ty>) -> Vec<Ty> {
    let mut args: Vec<Ty> = path
        .last_args()
        .iter()
        .filter_map(|a| match a {
            GenericArg::Type(t) => Some(substitute(t, subst)),
            _ => None,
        })
        .collect();
    let params: Vec<_> = def
        .generics
        .iter()
        .filter(|g| g.kind == GenericParamKind::Type)
        .collect();
    for g in params.iter().skip(args.len()) {
        let Some(d) = &g.default else { break };
        let own: HashMap<String, Ty> = params
            .iter()
            .map(|p| p.name.clone())
            .zip(args.iter().cloned())
            .collect();
        args.push(substitute(d, &own));
    }
    args
}

/// The trait and every supertrait reference reachable through bounds on `Self`, with their
/// type arguments in terms of the trait's own parameters (rustc's elaborated supertraits of
/// the identity reference).
/// Per trait of the closure, its instantiations as supertrait references (type arguments).
type SupertraitRefs = HashMap<TraitKey, Vec<Vec<Ty>>>;

/// How many supertrait references [`supertrait_refs`] elaborates before it gives up: each
/// trait with a `<Self as Super>::Assoc` elaborates its own closure, so without a bound a
/// chain of `n` such traits costs `n²` (1,000 traits took 54 s, with the closure's chains of
/// names). Past it dynlens cannot tell and reports nothing (it used to stop at 256 and report
/// the projection as not a supertrait's: a false violation).
const MAX_SUPERTRAIT_REFS: usize = 256;

fn supertrait_refs(db: &Db, key: &TraitKey) -> Option<SupertraitRefs> {
    let identity: Vec<Ty> = own_type_params(db, key)
        .into_iter()
        .map(|n| {
            Ty::Path(TyPath {
                segments: vec![crate::model::Segment {
                    name: n,
                    args: vec![],
                }],
            })
        })
        .collect();
    let mut out = vec![(key.clone(), identity.clone())];
    let mut seen: SupertraitRefs = HashMap::from([(key.clone(), vec![identity])]);
    let mut i = 0;
    while i < out.len() {
        if out.len() > MAX_SUPERTRAIT_REFS {
            return None;
        }
        let (k, args) = out[i].clone();
        i += 1;
        let Some(def) = db.trait_def(&k) else {
            continue;
        };
        let subst: HashMap<String, Ty> = own_type_params(db, &k).into_iter().zip(args).collect();
        for b in def.self_bounds() {
            let Some(path) = bound_trait(b) else { continue };
            let Resolved::Trait(s) = resolve_marker_aware(db, Scope::of(&k), path) else {
                continue;
            };
            let Some(sdef) = db.trait_def(&s) else {
                continue;
            };
            let args = filled_args(&sdef, path, &subst);
            let known = seen.entry(s.clone()).or_default();
            if !known.contains(&args) {
                known.push(args.clone());
                out.push((s, args));
            }
        }
    }
    Some(seen)
}

/// `ty` with the single-segment paths named in `subst` replaced.
fn substitute(ty: &Ty, subst: &HashMap<String, Ty>) -> Ty {
    if subst.is_empty() {
        return ty.clone();
    }
    let path = |p: &TyPath| TyPath {
        segments: p
            .segments
            .iter()
            .map(|s| crate::model::Segment {
                name: s.name.clone(),
                args: s
                    .args
                    .iter()
                    .map(|a| match a {
                        GenericArg::Type(t) => GenericArg::Type(substitute(t, subst)),
                        GenericArg::AssocType { name, ty, bounds } => GenericArg::AssocType {
                            name: name.clone(),
                            ty: ty.as_ref().map(|t| substitute(t, subst)),
                            bounds: bounds.clone(),
                        },
                        other => other.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    match ty {
        Ty::Path(p) => {
            if let [seg] = p.segments.as_slice()
                && seg.args.is_empty()
                && let Some(t) = subst.get(&seg.name)
            {
                return t.clone();
            }
            Ty::Path(path(p))
        }
        Ty::Qualified {
            self_ty,
            trait_,
            rest,
        } => Ty::Qualified {
            self_ty: Box::new(substitute(self_ty, subst)),
            trait_: trait_.as_ref().map(path),
            rest: rest.clone(),
        },
        Ty::Ref {
            lifetime,
            mutable,
            inner,
        } => Ty::Ref {
            lifetime: lifetime.clone(),
            mutable: *mutable,
            inner: Box::new(substitute(inner, subst)),
        },
        Ty::Ptr { mutable, inner } => Ty::Ptr {
            mutable: *mutable,
            inner: Box::new(substitute(inner, subst)),
        },
        Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| substitute(t, subst)).collect()),
        Ty::Slice(t) => Ty::Slice(Box::new(substitute(t, subst))),
        Ty::Array(t) => Ty::Array(Box::new(substitute(t, subst))),
        other => other.clone(),
    }
}

const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f16", "f32", "f64", "f128",
];

/// Are `a` and `b` certainly different types? `params` are the trait's own type parameters
/// (distinct from each other and from any concrete type in the identity reference). A path
/// that may be an alias makes the answer "not certain" (false).
fn provably_distinct(a: &Ty, b: &Ty, params: &[String]) -> bool {
    let rigid = |t: &Ty| match t {
        Ty::Path(p) => match p.segments.as_slice() {
            [s] if s.args.is_empty()
                && (PRIMITIVES.contains(&s.name.as_str())
                    || s.name == "Self"
                    || params.contains(&s.name)) =>
            {
                Some(s.name.clone())
            }
            _ => None,
        },
        _ => None,
    };
    let structural = |t: &Ty| {
        matches!(
            t,
            Ty::Ref { .. }
                | Ty::Ptr { .. }
                | Ty::Tuple(_)
                | Ty::Slice(_)
                | Ty::Array(_)
                | Ty::Never
        )
    };
    match (a, b) {
        (
            Ty::Ref {
                mutable: m1,
                inner: i1,
                ..
            },
            Ty::Ref {
                mutable: m2,
                inner: i2,
                ..
            },
        )
        | (
            Ty::Ptr {
                mutable: m1,
                inner: i1,
            },
            Ty::Ptr {
                mutable: m2,
                inner: i2,
            },
        ) => m1 != m2 || provably_distinct(i1, i2, params),
        (Ty::Tuple(x), Ty::Tuple(y)) => {
            x.len() != y.len()
                || x.iter()
                    .zip(y)
                    .any(|(a, b)| provably_distinct(a, b, params))
        }
        (Ty::Slice(x), Ty::Slice(y)) | (Ty::Array(x), Ty::Array(y)) => {
            provably_distinct(x, y, params)
        }
        (Ty::Never, Ty::Never) => false,
        (Ty::Path(p), Ty::Path(q)) => match (rigid(a), rigid(b)) {
            (Some(x), Some(y)) => x != y,
            (None, None) => {
                // The same generic type with provably different arguments (`Vec<u8>` and
                // `Vec<u16>`).
                let (x, y) = (p.last_args(), q.last_args());
                p.last_name() == q.last_name()
                    && x.len() == y.len()
                    && x.iter().zip(y).any(|pair| match pair {
                        (GenericArg::Type(s), GenericArg::Type(t)) => {
                            provably_distinct(s, t, params)
                        }
                        _ => false,
                    })
            }
            _ => false,
        },
        (Ty::Path(_), t) | (t, Ty::Path(_)) => {
            structural(t) && rigid(if matches!(a, Ty::Path(_)) { a } else { b }).is_some()
        }
        (x, y) => {
            structural(x) && structural(y) && std::mem::discriminant(x) != std::mem::discriminant(y)
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{annotate, assert_annotations, trim_indent};
    use dynlens_std::StdLibrary;

    /// A chain of 40 traits each with a violation of its own: the head's verdict lists its own
    /// and its 15 nearest supertraits' (nearest first), and counts the other 24.
    #[test]
    fn a_verdict_lists_the_nearest_traits_with_violations_and_counts_the_rest() {
        let mut text = String::new();
        for i in 0..40 {
            let sup = if i == 0 {
                String::new()
            } else {
                format!(": T{}", i - 1)
            };
            text.push_str(&format!("trait T{i}{sup} {{ fn g{i}<X>(&self); }}\n"));
        }
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), text);
        let v = verdict(&db, &TraitKey::Local(f, 39)).expect("verdict");
        assert_eq!(v.violations.len(), LISTED_TRAITS);
        assert_eq!(v.elided, 40 - LISTED_TRAITS);
        let items: Vec<&str> = v
            .violations
            .iter()
            .filter_map(|x| x.item.as_deref())
            .collect();
        assert_eq!(items.first(), Some(&"g39"));
        assert_eq!(items.last(), Some(&"g24"));
        assert!(!v.dyn_compatible() && v.known());
        // The trait at the limit lists all.
        let v = verdict(&db, &TraitKey::Local(f, 15)).expect("verdict");
        assert_eq!((v.violations.len(), v.elided), (16, 0));
        // An unknown attribute on the farthest trait is still found (the walk goes on where a
        // trait reports more than violations), and that trait's violation is listed.
        let text = db
            .file_text(f)
            .unwrap()
            .replacen("trait T0 ", "#[foo::bar]\ntrait T0 ", 1);
        let f = db.set_file_text("lib.rs".into(), text);
        let v = verdict(&db, &TraitKey::Local(f, 39)).expect("verdict");
        assert_eq!(
            v.unknown_shape.as_ref().map(|u| u.trait_name.as_str()),
            Some("T0")
        );
        assert_eq!(
            (v.violations.len(), v.elided),
            (LISTED_TRAITS + 1, 40 - LISTED_TRAITS - 1)
        );
    }

    /// A trait whose two supertraits each pass on only the first `LISTED_TRAITS` traits of
    /// one long chain (their reports are read, not kept whole, by the merge): the merged
    /// report lists as many traits as it keeps, yet its count of the rest comes from the whole
    /// closure, in one verdict per request and in a shared cache alike.
    #[test]
    fn a_diamond_over_a_long_chain_counts_every_inherited_violation() {
        let mut text = String::from("trait C0 { fn g0<X>(&self); }\n");
        for i in 1..40 {
            text.push_str(&format!(
                "trait C{i}: C{} {{ fn g{i}<X>(&self); }}\n",
                i - 1
            ));
        }
        text.push_str("trait A: C39 {}\ntrait B: C39 {}\ntrait D: A + B {}\n");
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), text);
        let d = TraitKey::Local(f, 42);
        assert_eq!(
            db.trait_def(&d).map(|t| t.name.clone()).as_deref(),
            Some("D")
        );
        let v = verdict(&db, &d).expect("verdict");
        assert_eq!(
            (v.violations.len(), v.elided),
            (LISTED_TRAITS, 40 - LISTED_TRAITS)
        );
        let mut cache = VerdictCache::default();
        for i in 0..43 {
            cache.verdict(&db, &TraitKey::Local(f, i));
        }
        let v = cache.verdict(&db, &d).expect("verdict");
        assert_eq!(
            (v.violations.len(), v.elided),
            (LISTED_TRAITS, 40 - LISTED_TRAITS)
        );
    }

    /// Checks the verdict of every trait of `fixture` against its annotations (see
    /// `crate::fixture`): each violation is marked in place, under the exact range the core
    /// reports for it (`Violation::range`: the item's name, the parameter, the return type,
    /// the receiver, the bound or the `where` predicate), labelled with its kind's stable name.
    /// A violation a trait inherits from a supertrait is marked under the trait's name as
    /// `kind via Super → …` (where it is in the supertrait is that trait's own annotation).
    /// A trait without annotations must have no violation.
    fn check_violations(fixture: &str) {
        let text = trim_indent(fixture);
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), text.clone());
        let n = db.model(f).map_or(0, |m| m.traits.len());
        let mut actual = Vec::new();
        for i in 0..n {
            let key = TraitKey::Local(f, i as u32);
            let v = verdict(&db, &key).expect("verdict");
            let def = db.trait_def(&key).expect("trait");
            for x in &v.violations {
                let kind = x.kind.as_str();
                if x.via.is_empty() {
                    assert_eq!(x.file, Some(f), "{x:?}");
                    let range = x.range.unwrap_or_else(|| panic!("no range: {x:?}"));
                    actual.push(annotate(&text, range, kind.to_string()));
                } else {
                    let via = x.via.join(" → ");
                    actual.push(annotate(&text, def.name_range, format!("{kind} via {via}")));
                }
            }
        }
        assert_annotations(&text, actual);
    }

    #[test]
    fn dispatchable_receivers_are_fine() {
        check_violations(
            r#"
            trait A {
                fn f(&self);
                fn g(self);
                fn h(self: Box<Self>);
                fn p(self: std::pin::Pin<&mut Self>);
            }
            "#,
        );
    }

    #[test]
    fn static_methods_and_self_in_signatures() {
        check_violations(
            r#"
            trait B {
                fn new() -> u8;
                 //^^^ static_method
            }
            trait C {
                fn eq(&self, o: &Self) -> bool;
                           //^^^^^^^^ self_in_argument
                fn dup(&self) -> Self;
                               //^^^^ self_in_return
            }
            "#,
        );
    }

    #[test]
    fn async_impl_trait_and_generic_methods() {
        check_violations(
            r#"
            trait D {
                async fn a(&self);
                       //^ async_fn
                fn b(&self) -> impl Send;
                             //^^^^^^^^^ return_impl_trait
                fn c<T>(&self, t: T);
                 //^ generic_method
                fn d(&self, x: impl Copy);
                 //^ generic_method
                fn e<'a>(&'a self) -> &'a u8;
            }
            "#,
        );
    }

    #[test]
    fn undispatchable_receivers() {
        check_violations(
            r#"
            trait E {
                fn a(self: &Box<Self>);
                   //^^^^^^^^^^^^^^^^ undispatchable_receiver
                fn b(self: std::rc::Rc<Box<Self>>);
                   //^^^^^^^^^^^^^^^^^^^^^^^^^^^^ undispatchable_receiver
            }
            "#,
        );
    }

    #[test]
    fn method_where_clauses_on_self() {
        check_violations(
            r#"
            trait F {
                fn a(&self) where Self: Other;
                                //^^^^^^^^^^^ where_clause_self
                fn b(&self) where Self: Send + 'static;
                fn c(&self) where Self: Sized;
            }
            trait Other {}
            "#,
        );
    }

    #[test]
    fn items_requiring_sized_are_exempt() {
        check_violations(
            r#"
            trait G {
                fn a(&self, x: Self) where Self: Sized;
                fn b() where Self: Sized;
                fn c(&self) -> Self::Out;
                type Out;
            }
            "#,
        );
    }

    #[test]
    fn sized_self() {
        check_violations(
            r#"
            trait A: Sized {}
                   //^^^^^ sized_self
            trait B where Self: Sized {}
                              //^^^^^ sized_self
            trait H: A {}
                //^ sized_self via A
                   //^ sized_self
            trait K: Clone {}
                //^ sized_self via Clone
                   //^^^^^ sized_self
            trait L {
                fn a(&self) -> Self where Self: Clone;
            }
            "#,
        );
    }

    /// `dyn Sized` is E0038: the trait's own `Self: Sized` (found by the crates oracle).
    #[test]
    fn sized_itself_is_not_dyn_compatible() {
        let db = Db::new(StdLibrary::catalog());
        let sized = TraitKey::Std("core::marker::Sized".into());
        let v = verdict(&db, &sized).expect("a verdict on Sized");
        let kinds: Vec<(&str, &str)> = v
            .violations
            .iter()
            .map(|x| (x.kind.as_str(), x.detail.as_str()))
            .collect();
        assert_eq!(kinds, vec![("sized_self", "it is `Sized` itself")]);
        let clone = TraitKey::Std("core::clone::Clone".into());
        assert!(!verdict(&db, &clone).expect("Clone").violations.is_empty());
    }

    #[test]
    fn associated_consts_and_types() {
        check_violations(
            r#"
            trait C { const N: u8; }
                          //^ assoc_const
            trait D { type G<'a>; }
                         //^ generic_assoc_type
            trait E { type G<'a> where Self: Sized; }
            trait F { type U: PartialEq<Self>; }
                            //^^^^^^^^^^^^^^^ assoc_type_bound_self
            trait G { type Y: PartialEq<Self::Y>; }
            "#,
        );
    }

    #[test]
    fn self_as_a_supertrait_argument() {
        check_violations(
            r#"
            trait I: Own<Self> {}
                   //^^^^^^^^^ supertrait_self
            trait Own<T> {}
            trait J: Own<u8> {}
            trait P: PartialEq {}
                   //^^^^^^^^^ supertrait_self
            trait W where u8: Own<Self> {}
                        //^^^^^^^^^^^^^ supertrait_self
            trait Q: Iterator<Item = Self> {}
            "#,
        );
    }

    #[test]
    fn projections_must_go_through_a_supertrait_that_is_there() {
        // rustc 1.95: `<Self as Super<u16>>::Assoc` with supertrait `Super<u8>` is E0038
        // ("references the `Self` type in its return type"), as in tests/oracle/corpus.
        check_violations(
            r#"
            trait Super<T> { type Assoc; }
            trait Ok8: Super<u8> { fn f(&self) -> <Self as Super<u8>>::Assoc; }
            trait Bad16: Super<u8> { fn f(&self) -> <Self as Super<u16>>::Assoc; }
                                                  //^^^^^^^^^^^^^^^^^^^^^^^^^^^ self_in_return
            trait BadArg: Super<u8> { fn f(&self, x: Option<<Self as Super<u16>>::Assoc>); }
                                                //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ self_in_argument
            trait Gen<T>: Super<T> { fn f(&self) -> <Self as Super<T>>::Assoc; }
            trait GenBad<T>: Super<T> { fn f(&self) -> <Self as Super<u8>>::Assoc; }
                                                     //^^^^^^^^^^^^^^^^^^^^^^^^^^ self_in_return
            trait Deep: Ok8 { fn g(&self) -> <Self as Super<u8>>::Assoc; }
            trait Alias: Super<Byte> { fn f(&self) -> <Self as Super<u8>>::Assoc; }
            type Byte = u8;
            "#,
        );
    }

    /// A chain of 300 traits, each returning `<Self as T0>::Assoc` (`T0` at the far end).
    /// rustc 1.95 accepts `dyn T299<Assoc = u8>`. dynlens elaborated at most 256 supertrait
    /// references and then called the projection not a supertrait's: a false violation in
    /// every trait past 256; and each trait walked its whole closure with chains of names
    /// (1,000 traits: 54 s). Past `MAX_SUPERTRAIT_REFS` it now cannot tell and reports nothing.
    #[test]
    fn projections_through_a_deep_chain_are_not_violations() {
        let n = 300;
        let mut text = String::from("trait T0 { type Assoc; }\n");
        for i in 1..n {
            text.push_str(&format!(
                "trait T{i}: T{} {{ fn f{i}(&self) -> <Self as T0>::Assoc; }}\n",
                i - 1
            ));
        }
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), text);
        // One cache for all verdicts, as `check` has (the time is in docs/benchmarks.md).
        let mut cache = VerdictCache::default();
        for i in 0..n {
            let v = cache
                .verdict(&db, &TraitKey::Local(f, i as u32))
                .expect("verdict");
            assert!(v.violations.is_empty(), "T{i}: {:?}", v.violations);
        }
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
