//! Attributes on a trait: which ones leave it as written, which attribute macros dynlens
//! models as they expand, and which make its final shape unknown. The one table of them.
//!
//! An attribute macro receives the trait's tokens and emits whatever it likes: the trait the
//! compiler checks is the macro's output, not the text in the file. dynlens never runs a
//! macro, so it models the common ones by hand (see `model::expand_async_trait` and
//! `model::trait_variant`, written after what the crates emit) and, for any other attribute
//! that is not inert, gives no verdict at all: the hover says so and no diagnostic is
//! published (docs/rules.md, "Attribute macros").
//!
//! To add a macro: add a row to [`KNOWN_MACROS`] (every path users write for it, e.g. both
//! `foo` and `foo_crate::foo`), a [`MacroKind`] variant, and its rewrite in `model.rs`
//! (`apply_shape`); then a hover snapshot and a diagnostics test in `hover.rs` /
//! `diagnostics.rs`. To add an inert attribute (one that cannot change the trait's items:
//! lints, docs, tool attributes), add it to [`INERT_ATTRIBUTES`] or [`INERT_TOOLS`].

/// What a known attribute macro does to the trait.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MacroKind {
    /// `#[async_trait]`: every `async fn` becomes
    /// `fn f<'life0, 'async_trait>(&'life0 self, ..) -> Pin<Box<dyn Future<Output = T> + Send + 'async_trait>>`
    /// (no `Send` with `#[async_trait(?Send)]`).
    AsyncTrait { send: bool },
    /// `#[trait_variant::make(SendFoo: Send)]` on the original trait (kept as written): it
    /// also emits `variant`, the same trait with `Send` futures and `impl Trait` returns.
    TraitVariantOriginal { variant: String },
    /// The trait `#[trait_variant::make(..)]` generates (in place, for `make(Send)`): `async
    /// fn`s become `fn .. -> impl Future<Output = T> + Send`, `-> impl Trait` gets `+ Send`,
    /// and the bounds become supertraits.
    TraitVariant { from: String },
    /// `#[dynosaur::dynosaur(DynFoo)]`: the trait is unchanged; `wrapper` is the generated
    /// struct `DynFoo<'a>` that implements the trait through boxed futures.
    Dynosaur { wrapper: String },
    /// A macro that emits the trait unchanged and only adds items beside it (impls, a mock
    /// struct): `#[auto_impl(..)]`, `#[automock]`, `#[enum_dispatch]`, `#[delegatable_trait]`.
    KeepsTrait {
        path: &'static str,
        adds: &'static str,
    },
}

impl MacroKind {
    /// The attribute as users write it, for messages.
    pub fn attribute(&self) -> &'static str {
        match self {
            MacroKind::AsyncTrait { send: true } => "#[async_trait]",
            MacroKind::AsyncTrait { send: false } => "#[async_trait(?Send)]",
            MacroKind::TraitVariantOriginal { .. } | MacroKind::TraitVariant { .. } => {
                "#[trait_variant::make]"
            }
            MacroKind::Dynosaur { .. } => "#[dynosaur]",
            MacroKind::KeepsTrait { path, .. } => path,
        }
    }

    /// Does the macro emit the trait exactly as written (adding items beside it only)?
    pub fn keeps_trait(&self) -> bool {
        matches!(
            self,
            MacroKind::Dynosaur { .. }
                | MacroKind::TraitVariantOriginal { .. }
                | MacroKind::KeepsTrait { .. }
        )
    }

    /// The `--json` name of the macro.
    pub fn as_str(&self) -> &'static str {
        match self {
            MacroKind::AsyncTrait { .. } => "async_trait",
            MacroKind::TraitVariantOriginal { .. } | MacroKind::TraitVariant { .. } => {
                "trait_variant::make"
            }
            MacroKind::Dynosaur { .. } => "dynosaur",
            MacroKind::KeepsTrait { path, .. } => {
                path.trim_start_matches("#[").trim_end_matches(']')
            }
        }
    }
}

/// The attribute macros dynlens models, by every path users write for them. The attribute is
/// recognised by its path only (dynlens does not check that `async_trait` is the crate's).
const KNOWN_MACROS: &[(&str, Known)] = &[
    ("async_trait", Known::AsyncTrait),
    ("async_trait::async_trait", Known::AsyncTrait),
    ("trait_variant::make", Known::TraitVariant),
    ("dynosaur", Known::Dynosaur),
    ("dynosaur::dynosaur", Known::Dynosaur),
    // Macros that keep the trait as written (checked against their expansions: they add
    // impls or types beside the trait and re-emit it unchanged).
    (
        "auto_impl",
        Known::Keeps(
            "#[auto_impl]",
            "impls of the trait for the listed pointer types",
        ),
    ),
    (
        "auto_impl::auto_impl",
        Known::Keeps(
            "#[auto_impl]",
            "impls of the trait for the listed pointer types",
        ),
    ),
    (
        "automock",
        Known::Keeps("#[automock]", "a mock struct implementing the trait"),
    ),
    (
        "mockall::automock",
        Known::Keeps("#[automock]", "a mock struct implementing the trait"),
    ),
    (
        "enum_dispatch",
        Known::Keeps(
            "#[enum_dispatch]",
            "nothing visible here (the enum's impl is generated where the enum is)",
        ),
    ),
    (
        "enum_dispatch::enum_dispatch",
        Known::Keeps(
            "#[enum_dispatch]",
            "nothing visible here (the enum's impl is generated where the enum is)",
        ),
    ),
    (
        "delegatable_trait",
        Known::Keeps(
            "#[delegatable_trait]",
            "a macro that writes delegating impls",
        ),
    ),
    (
        "ambassador::delegatable_trait",
        Known::Keeps(
            "#[delegatable_trait]",
            "a macro that writes delegating impls",
        ),
    ),
];

#[derive(Debug, Clone, Copy)]
enum Known {
    AsyncTrait,
    TraitVariant,
    Dynosaur,
    Keeps(&'static str, &'static str),
}

/// Built-in attributes that cannot change a trait's items (the compiler's own, and those
/// the standard library's sources use).
const INERT_ATTRIBUTES: &[&str] = &[
    "doc",
    "allow",
    "warn",
    "deny",
    "forbid",
    "expect",
    "cfg",
    "must_use",
    "deprecated",
    "automatically_derived",
    "track_caller",
    "inline",
    "cold",
    "non_exhaustive",
    "repr",
    // The standard library's own (its traits are lowered from rust-src too).
    "stable",
    "unstable",
    "lang",
    "const_trait",
    "marker",
    "fundamental",
    "must_not_suspend",
    "doc_notable_trait",
    "allow_internal_unstable",
];

/// Tool namespaces whose attributes are inert (`#[rustfmt::skip]`, `#[clippy::…]`,
/// `#[diagnostic::on_unimplemented(..)]`), and the prefix of rustc's internal attributes.
const INERT_TOOLS: &[&str] = &["rustfmt", "clippy", "rust_analyzer", "diagnostic"];

/// What an attribute on a trait means for the trait's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrMeaning {
    /// Leaves the trait as written.
    Inert,
    /// A macro dynlens models.
    Known(MacroKind),
    /// Possibly a macro dynlens does not know: the trait's final shape is unknown. The text is
    /// the attribute as written (`#[foo::bar(..)]` without arguments: `foo::bar`).
    Unknown(String),
}

/// Classifies one attribute, given its path (`async_trait::async_trait`) and the text of its
/// arguments (what is inside the parentheses, if any).
pub fn classify(path: &str, args: Option<&str>) -> AttrMeaning {
    let path = path.trim_start_matches("::");
    if path == "cfg_attr" {
        // `#[cfg_attr(cond, attr, ..)]`: inert when every attribute it may add is inert; a
        // macro it may add depends on a `cfg` dynlens does not evaluate.
        let Some(args) = args else {
            return AttrMeaning::Inert;
        };
        let parts = split_top_level(args);
        for attr in parts.iter().skip(1) {
            let (p, a) = split_meta(attr);
            let keeps = match classify(&p, a) {
                AttrMeaning::Inert => true,
                AttrMeaning::Known(k) => k.keeps_trait(),
                AttrMeaning::Unknown(_) => false,
            };
            if !keeps {
                return AttrMeaning::Unknown(format!("cfg_attr(…, {p})"));
            }
        }
        return AttrMeaning::Inert;
    }
    if INERT_ATTRIBUTES.contains(&path) || path.starts_with("rustc_") {
        return AttrMeaning::Inert;
    }
    if let Some((tool, _)) = path.split_once("::")
        && INERT_TOOLS.contains(&tool)
    {
        return AttrMeaning::Inert;
    }
    let Some((_, known)) = KNOWN_MACROS.iter().find(|(p, _)| *p == path) else {
        return AttrMeaning::Unknown(path.to_string());
    };
    let first_ident = || {
        args.and_then(|a| {
            let name: String = a
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
    };
    match known {
        Known::AsyncTrait => {
            let send = args.is_none_or(|a| a.replace(' ', "") != "?Send");
            AttrMeaning::Known(MacroKind::AsyncTrait { send })
        }
        Known::TraitVariant => {
            // `make(SendFoo: Send)` names a new trait; `make(Send)` rewrites this one.
            match args.and_then(split_variant_name) {
                Some((name, _)) if !name.trim().is_empty() && !name.contains("::") => {
                    AttrMeaning::Known(MacroKind::TraitVariantOriginal {
                        variant: name.trim().to_string(),
                    })
                }
                _ => AttrMeaning::Known(MacroKind::TraitVariant {
                    from: String::new(),
                }),
            }
        }
        Known::Keeps(path, adds) => AttrMeaning::Known(MacroKind::KeepsTrait { path, adds }),
        Known::Dynosaur => match first_ident() {
            Some(wrapper) => AttrMeaning::Known(MacroKind::Dynosaur { wrapper }),
            None => AttrMeaning::Unknown(path.to_string()),
        },
    }
}

/// The bounds of `#[trait_variant::make(Name: Bounds)]` / `make(Bounds)`, as text.
pub fn trait_variant_bounds(args: &str) -> String {
    match split_variant_name(args) {
        Some((_, b)) => b.trim().to_string(),
        None => args.trim().to_string(),
    }
}

/// `Name: Bounds` split at its single `:` (not a path's `::`, as in `make(core::marker::Send)`).
fn split_variant_name(args: &str) -> Option<(&str, &str)> {
    let bytes = args.as_bytes();
    let i = (0..bytes.len()).find(|&i| {
        bytes[i] == b':' && bytes.get(i + 1) != Some(&b':') && (i == 0 || bytes[i - 1] != b':')
    })?;
    Some((&args[..i], &args[i + 1..]))
}

/// Splits an attribute's content (`foo::bar(args)`, `doc = ".."`, `path`) into its path,
/// without whitespace, and the text inside its parentheses, if any.
pub fn split_meta(meta: &str) -> (String, Option<&str>) {
    let meta = meta.trim();
    let end = meta.find(['(', '=', '[', '{']).unwrap_or(meta.len());
    let path: String = meta[..end].chars().filter(|c| !c.is_whitespace()).collect();
    let args = meta[end..]
        .strip_prefix('(')
        .map(|a| a.trim_end().strip_suffix(')').unwrap_or(a));
    (path, args)
}

/// Splits at commas outside brackets.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_attributes() {
        assert_eq!(classify("doc", None), AttrMeaning::Inert);
        assert_eq!(
            classify("allow", Some("async_fn_in_trait")),
            AttrMeaning::Inert
        );
        assert_eq!(classify("rustfmt::skip", None), AttrMeaning::Inert);
        assert_eq!(
            classify("diagnostic::on_unimplemented", Some("message = \"x\"")),
            AttrMeaning::Inert
        );
        assert_eq!(classify("rustc_diagnostic_item", None), AttrMeaning::Inert);
        assert_eq!(
            classify("async_trait", None),
            AttrMeaning::Known(MacroKind::AsyncTrait { send: true })
        );
        assert_eq!(
            classify("::async_trait::async_trait", Some("?Send")),
            AttrMeaning::Known(MacroKind::AsyncTrait { send: false })
        );
        assert_eq!(
            classify("trait_variant::make", Some("SendCache: Send")),
            AttrMeaning::Known(MacroKind::TraitVariantOriginal {
                variant: "SendCache".into()
            })
        );
        assert_eq!(
            classify("trait_variant::make", Some("Send")),
            AttrMeaning::Known(MacroKind::TraitVariant {
                from: String::new()
            })
        );
        assert_eq!(
            classify("trait_variant::make", Some("core::marker::Send")),
            AttrMeaning::Known(MacroKind::TraitVariant {
                from: String::new()
            })
        );
        assert_eq!(
            trait_variant_bounds("core::marker::Send"),
            "core::marker::Send"
        );
        assert_eq!(trait_variant_bounds("SendFoo: Send + Sync"), "Send + Sync");
        assert_eq!(
            classify("dynosaur::dynosaur", Some("DynNext = dyn(box) Next")),
            AttrMeaning::Known(MacroKind::Dynosaur {
                wrapper: "DynNext".into()
            })
        );
        assert_eq!(
            classify("foo::bar", None),
            AttrMeaning::Unknown("foo::bar".into())
        );
        assert_eq!(
            classify("cfg_attr", Some("test, allow(dead_code)")),
            AttrMeaning::Inert
        );
        assert_eq!(
            classify("cfg_attr", Some("test, mockall::automock")),
            AttrMeaning::Inert,
            "a macro that keeps the trait keeps it whatever the cfg"
        );
        assert_eq!(
            classify("cfg_attr", Some("feature = \"a\", async_trait")),
            AttrMeaning::Unknown("cfg_attr(…, async_trait)".into())
        );
    }
}
