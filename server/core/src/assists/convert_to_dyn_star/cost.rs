//! What a conversion costs and saves, from the arguments written at the call sites (hover).
//!
//! dynlens infers no types, so an argument's type is read off what is written: literals
//! (`22usize`, `"text"`, `1.5`), references (`&x`), constructors of the workspace's structs
//! (`Big([1; 8])`, `Point { … }`) whose size follows from their fields' written types, and
//! the common std constructors (`vec![…]`, `String::from(…)`, `format!(…)`). A dyn* value
//! stores its value inline when it fits in a pointer (size and alignment at most 8 bytes on a
//! 64-bit target), and boxes it otherwise: one allocation per call. Each distinct argument
//! type is one monomorphized copy of an `impl Trait` function today; after the conversion
//! there is one copy in all.

use ra_ap_syntax::AstNode;
use ra_ap_syntax::ast::{self, HasName};

use crate::db::Db;

/// The argument type read off an argument's text: a name to show and its size and alignment
/// when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ArgType {
    pub name: String,
    pub layout: Option<(u64, u64)>,
}

const POINTER: u64 = 8;

/// The type of the argument written as `text`, if dynlens can read it off.
pub(super) fn arg_type(db: &Db, text: &str) -> Option<ArgType> {
    let t = text.trim();
    let known = |name: &str, size: u64, align: u64| {
        Some(ArgType {
            name: name.to_string(),
            layout: Some((size, align)),
        })
    };
    if t.starts_with('"') || t.starts_with("r\"") || t.starts_with("r#") {
        return known("&str", 16, 8);
    }
    if t.starts_with("b\"") {
        return known("&[u8; N]", 8, 8);
    }
    if t.starts_with('\'') && t.ends_with('\'') {
        return known("char", 4, 4);
    }
    if t == "true" || t == "false" {
        return known("bool", 1, 1);
    }
    if t.starts_with(|c: char| c.is_ascii_digit()) {
        return number(t);
    }
    if let Some(rest) = t.strip_prefix('&') {
        let rest = rest.trim_start();
        return if rest.starts_with('"') {
            known("&&str", 8, 8)
        } else {
            known("a reference", 8, 8)
        };
    }
    if t.starts_with("vec!") || t.starts_with("Vec::") {
        return known("Vec<…>", 24, 8);
    }
    if t.starts_with("String::") || t.starts_with("format!") || t.ends_with(".to_string()") {
        return known("String", 24, 8);
    }
    // `Name(…)`, `Name { … }`, `Name`: a struct of the workspace.
    let name: String = t
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let rest = t[name.len()..].trim_start();
    if name.starts_with(|c: char| c.is_ascii_uppercase())
        && (rest.is_empty() || rest.starts_with('(') || rest.starts_with('{'))
    {
        return Some(ArgType {
            layout: struct_layout(db, &name, 0),
            name,
        });
    }
    None
}

/// An integer or float literal with or without its suffix.
fn number(t: &str) -> Option<ArgType> {
    const SUFFIXES: [(&str, u64); 14] = [
        ("u128", 16),
        ("i128", 16),
        ("usize", 8),
        ("isize", 8),
        ("u64", 8),
        ("i64", 8),
        ("f64", 8),
        ("u32", 4),
        ("i32", 4),
        ("f32", 4),
        ("u16", 2),
        ("i16", 2),
        ("u8", 1),
        ("i8", 1),
    ];
    for (s, size) in SUFFIXES {
        if t.ends_with(s) {
            return Some(ArgType {
                name: s.to_string(),
                layout: Some((size, size)),
            });
        }
    }
    let float = !t.starts_with("0x") && (t.contains('.') || t.contains('e') || t.contains('E'));
    Some(if float {
        ArgType {
            name: "f64".into(),
            layout: Some((8, 8)),
        }
    } else {
        ArgType {
            name: "i32".into(),
            layout: Some((4, 4)),
        }
    })
}

/// Size and alignment of a workspace struct whose fields' types are all plain (primitives,
/// arrays of them, pointers, `String`, `Vec`, other such structs): fields reordered by the
/// compiler leave no padding but at the end.
fn struct_layout(db: &Db, name: &str, depth: u32) -> Option<(u64, u64)> {
    if depth > 4 {
        return None;
    }
    // Only files that mention it are parsed for it (a hover, on a workspace of thousands).
    let found = db.files().find_map(|f| {
        if !db.file_text(f)?.contains(&format!("struct {name}")) {
            return None;
        }
        db.syntax(f)?
            .syntax()
            .descendants()
            .filter_map(ast::Struct::cast)
            .find(|s| s.name().is_some_and(|n| n.text() == name))
    })?;
    if found.syntax().to_string().contains("#[repr(") {
        return None;
    }
    let types: Vec<ast::Type> = match found.field_list() {
        None => Vec::new(),
        Some(ast::FieldList::RecordFieldList(l)) => l.fields().filter_map(|f| f.ty()).collect(),
        Some(ast::FieldList::TupleFieldList(l)) => l.fields().filter_map(|f| f.ty()).collect(),
    };
    let (mut size, mut align) = (0u64, 1u64);
    for ty in &types {
        let (s, a) = type_layout(db, ty, depth + 1)?;
        size = size.checked_add(s)?;
        align = align.max(a);
    }
    Some((size.div_ceil(align) * align, align))
}

fn type_layout(db: &Db, ty: &ast::Type, depth: u32) -> Option<(u64, u64)> {
    match ty {
        ast::Type::RefType(r) => Some(if fat(&r.ty()?) { (16, 8) } else { (8, 8) }),
        ast::Type::PtrType(p) => Some(if fat(&p.ty()?) { (16, 8) } else { (8, 8) }),
        ast::Type::TupleType(t) => {
            let (mut size, mut align) = (0u64, 1u64);
            for f in t.fields() {
                let (s, a) = type_layout(db, &f, depth)?;
                size = size.checked_add(s)?;
                align = align.max(a);
            }
            Some((size.div_ceil(align) * align, align))
        }
        ast::Type::ArrayType(a) => {
            let n: u64 = a
                .const_arg()?
                .syntax()
                .text()
                .to_string()
                .trim()
                .parse()
                .ok()?;
            let (s, al) = type_layout(db, &a.ty()?, depth)?;
            Some((s.checked_mul(n)?, al))
        }
        ast::Type::PathType(p) => {
            let text = p.syntax().text().to_string();
            let last = p.path()?.segment()?.name_ref()?.text().to_string();
            let prim = match last.as_str() {
                "u8" | "i8" | "bool" => Some((1, 1)),
                "u16" | "i16" => Some((2, 2)),
                "u32" | "i32" | "f32" | "char" => Some((4, 4)),
                "u64" | "i64" | "f64" | "usize" | "isize" => Some((8, 8)),
                "u128" | "i128" => Some((16, 16)),
                "String" | "Vec" => Some((24, 8)),
                "Box" | "Rc" | "Arc" => {
                    let fat_arg =
                        text.contains("dyn ") || text.contains("<str>") || text.contains("<[");
                    Some(if fat_arg { (16, 8) } else { (8, 8) })
                }
                _ => None,
            };
            match prim {
                Some(l) => Some(l),
                None if p.path()?.qualifier().is_none() => struct_layout(db, &last, depth),
                None => None,
            }
        }
        _ => None,
    }
}

/// Whether a pointer to this type is two words (a slice, `str`, `dyn Trait`).
fn fat(ty: &ast::Type) -> bool {
    match ty {
        ast::Type::SliceType(_) | ast::Type::DynTraitType(_) => true,
        ast::Type::PathType(p) => p.syntax().text() == "str",
        _ => false,
    }
}

/// Hover's lines for the arguments seen at `args` (their texts): per distinct type, inline
/// or boxed; and the copies it saves.
pub(super) fn summary(db: &Db, fn_name: &str, args: &[String]) -> String {
    if args.is_empty() {
        return format!("No call of `{fn_name}` in the workspace.");
    }
    let mut types: Vec<(ArgType, Vec<&str>)> = Vec::new();
    let mut unknown = Vec::new();
    for a in args {
        match arg_type(db, a) {
            Some(t) => match types.iter_mut().find(|(k, _)| k.name == t.name) {
                Some((_, seen)) => seen.push(a),
                None => types.push((t, vec![a])),
            },
            None => unknown.push(a.as_str()),
        }
    }
    let mut lines = Vec::new();
    for (t, seen) in &types {
        let cost = match t.layout {
            Some((s, a)) if s <= POINTER && a <= POINTER => {
                format!("{s} bytes: stored inline, no allocation")
            }
            Some((s, _)) => format!("{s} bytes: boxed, one allocation per call"),
            None => {
                "its size is not plain to dynlens: inline if it fits in a pointer, boxed otherwise"
                    .to_string()
            }
        };
        lines.push(format!("- `{}` (`{}`): {cost}", t.name, seen[0]));
    }
    if !unknown.is_empty() {
        lines.push(format!(
            "- {} argument{} whose type dynlens does not infer (`{}`{})",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            unknown[0],
            if unknown.len() > 1 { ", …" } else { "" }
        ));
    }
    let n = args.len();
    let copies = if unknown.is_empty() {
        format!("{}", types.len())
    } else {
        format!("at least {}", types.len().max(1))
    };
    format!(
        "{n} call{} of `{fn_name}` in the workspace, with {copies} argument type{} — {copies} compiled cop{} of the function today, one after the conversion:\n{}",
        if n == 1 { "" } else { "s" },
        if types.len() == 1 && unknown.is_empty() {
            ""
        } else {
            "s"
        },
        if types.len() == 1 && unknown.is_empty() {
            "y"
        } else {
            "ies"
        },
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_types_are_read_off_literals_and_plain_structs() {
        let (db, _, _, _) = crate::assists::test_util::fixture(
            "$0struct Big([u64; 8]);\nstruct Pair { a: u32, b: u16 }\nstruct Named { s: String }\nenum E { A }\n",
        );
        let layout = |t: &str| arg_type(&db, t).and_then(|a| a.layout);
        assert_eq!(layout("22usize"), Some((8, 8)));
        assert_eq!(layout("22"), Some((4, 4)));
        assert_eq!(layout("1.5"), Some((8, 8)));
        assert_eq!(layout("\"text\""), Some((16, 8)));
        assert_eq!(layout("Big([7; 8])"), Some((64, 8)));
        assert_eq!(layout("Pair { a: 1, b: 2 }"), Some((8, 4)));
        assert_eq!(layout("Named { s: String::new() }"), Some((24, 8)));
        assert_eq!(layout("E::A"), None);
        assert_eq!(arg_type(&db, "x"), None);
        let s = summary(
            &db,
            "f",
            &["22usize".into(), "Big([1; 8])".into(), "y".into()],
        );
        assert!(s.contains("3 calls of `f`"), "{s}");
        assert!(
            s.contains("`usize` (`22usize`): 8 bytes: stored inline, no allocation"),
            "{s}"
        );
        assert!(
            s.contains("`Big` (`Big([1; 8])`): 64 bytes: boxed, one allocation per call"),
            "{s}"
        );
        assert!(s.contains("at least 2 compiled copies"), "{s}");
    }
}
