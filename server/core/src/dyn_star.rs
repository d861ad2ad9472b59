//! The dyn* verdict: what dynlens's dyn* value (`DynFoo`, SPEC core point 5) can carry, which
//! is strictly more than `dyn Trait`. The core decides none of it: it gathers the generator's
//! input ([`expand_input`]: the trait's text and its resolved supertraits, the same input the
//! expand assist uses) and reads the generator's plan ([`dynlens_expand::plan`]), the decision
//! the expansion itself follows. Computed on request (hover, `check`), never for diagnostics.

use dynlens_expand::{Carry, ExpandInput, SupertraitInput};

use crate::db::{Db, TraitKey};
use crate::model::Shape;
use crate::rules::{MethodVerdict, supertrait_closure};

/// The dyn* verdict of a trait, as the generator's plan has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynStarVerdict {
    /// Can `impl Trait for DynTrait` be written?
    pub compatible: bool,
    /// Why not, item by item (the plan's blockers).
    pub blockers: Vec<String>,
    /// How each of the trait's own methods is carried (parallel to `Verdict::methods`).
    pub methods: Vec<Carry>,
    /// Per supertrait vtable: the instantiation (`Supertrait<U>`) and the method of
    /// the dyn type upcasting through it (`into_dyn_supertrait_u`).
    pub upcasts: Vec<(String, String)>,
}

/// The dyn* verdict of the trait `key`, whose own methods are `methods`; `None` when the
/// generator cannot plan it (the trait or a supertrait does not parse for it yet: the
/// expansion reports that error).
pub(crate) fn verdict(
    db: &Db,
    key: &TraitKey,
    methods: &[MethodVerdict],
) -> Option<DynStarVerdict> {
    let input = expand_input(db, key, false).ok()?;
    let plan = dynlens_expand::plan(&input).ok()?;
    Some(DynStarVerdict {
        compatible: plan.complete(),
        blockers: plan.blockers().to_vec(),
        methods: methods
            .iter()
            .map(|m| {
                plan.method(&m.name).cloned().unwrap_or_else(|| {
                    Carry::Cannot("the expansion does not see this method".to_string())
                })
            })
            .collect(),
        upcasts: plan
            .supertraits()
            .iter()
            .filter_map(|c| Some((c.instance.clone(), c.vtable.as_ref()?.upcast.clone()?)))
            .collect(),
    })
}

/// The generator's input for the trait `key`: its text, its supertrait closure resolved across
/// the workspace and std (each with its text and display path), and whether the workspace
/// has a blanket impl of it. Errors are messages for the user.
pub(crate) fn expand_input(
    db: &Db,
    key: &TraitKey,
    forwarding_impls: bool,
) -> Result<ExpandInput, String> {
    let def = db
        .trait_def(key)
        .ok_or_else(|| "unknown trait".to_string())?;
    // The generator reads the trait's text: where a macro rewrites the trait, that text is
    // not the trait the compiler sees, so the expansion is refused rather than wrong.
    match &def.shape {
        Shape::Unknown { attribute } => {
            return Err(format!(
                "`#[{attribute}]` may reshape `{}`; dynlens does not know what it expands to, so it cannot expand it",
                def.name
            ));
        }
        Shape::Expanded { by } if !def.shape.is_the_text() => {
            return Err(format!(
                "`{}` is the trait `{}` writes, not its text: dynlens does not expand macro-rewritten traits",
                def.name,
                by.attribute()
            ));
        }
        _ => {}
    }
    let (trait_source, _) = crate::naming::carried_source(
        &db.trait_source(key)
            .ok_or_else(|| "cannot read the trait's text".to_string())?,
    );
    // Refused before the closure is gathered: on a 10,000-trait chain, gathering each
    // trait's closure (texts included) is what would take the time.
    if crate::rules::closure_exceeds(db, key, dynlens_expand::MAX_SUPERTRAITS) {
        return Err(format!(
            "`{}` has more than {} supertraits (transitively); dynlens expands traits with at most {}",
            def.name,
            dynlens_expand::MAX_SUPERTRAITS,
            dynlens_expand::MAX_SUPERTRAITS
        ));
    }
    let (closure, _) = supertrait_closure(db, key);
    let supertraits: Vec<SupertraitInput> = closure
        .iter()
        .skip(1) // the trait itself
        .filter_map(|(k, _)| {
            let sdef = db.trait_def(k)?;
            Some(SupertraitInput {
                path: db.trait_display_path(k),
                source: db.trait_source(k)?,
                is_auto: sdef.is_auto,
                std: match k {
                    TraitKey::Std(path) => Some(path.to_string()),
                    TraitKey::Local(..) | TraitKey::Extern(..) => None,
                },
                already_expanded: already_expanded(db, &sdef.name),
                methods_expanded: methods_expanded(db, &sdef.name),
                blanket_impl: has_blanket_impl(db, &sdef.name),
            })
        })
        .collect();
    let blanket_impl = has_blanket_impl(db, &def.name);
    // How the std names these texts use resolve where the trait is written (the generator
    // sees only text).
    let mentioned = |name: &str| {
        trait_source.contains(name) || supertraits.iter().any(|s| s.source.contains(name))
    };
    let std_names = match key {
        TraitKey::Local(..) | TraitKey::Extern(..) => {
            crate::resolve::std_names_mentioned(db, crate::resolve::Scope::of(key), &mentioned)
        }
        TraitKey::Std(_) => Vec::new(),
    };
    Ok(ExpandInput {
        dyn_type_budget: None,
        trait_source,
        supertraits,
        forwarding_impls,
        blanket_impl,
        std_names,
    })
}

/// Does the workspace have a blanket `impl<T…> Name for T`?
fn has_blanket_impl(db: &Db, trait_name: &str) -> bool {
    db.files().any(|f| {
        db.model(f)
            .is_some_and(|m| m.blanket_impls.iter().any(|n| n == trait_name))
    })
}

/// Does the workspace already hold `NameMethods`: the method table an earlier expansion wrote
/// for a supertrait it gave no dyn type (docs/expansion.md, Supertraits' vtables)?
pub(crate) fn methods_expanded(db: &Db, trait_name: &str) -> bool {
    let needle = format!("struct {trait_name}Methods");
    db.files()
        .any(|f| db.file_text(f).is_some_and(|t| t.contains(&needle)))
}

/// Does the workspace already hold `NameVtable` (from an earlier expansion)?
pub(crate) fn already_expanded(db: &Db, trait_name: &str) -> bool {
    let needle = format!("struct {trait_name}Vtable");
    db.files()
        .any(|f| db.file_text(f).is_some_and(|t| t.contains(&needle)))
}
