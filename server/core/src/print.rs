//! Types and bounds of the model printed as Rust source (for messages and hover).

use crate::model::{Bound, GenericArg, Ty, TyPath};

pub(crate) fn path_text(p: &TyPath) -> String {
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

pub(crate) fn arg_text(a: &GenericArg) -> String {
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

pub(crate) fn bounds_text(bs: &[Bound]) -> String {
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
pub(crate) fn ty_text(t: &Ty) -> String {
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
