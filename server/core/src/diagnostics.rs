//! Diagnostics: every `dyn Trait` whose trait is not dyn compatible gets an error (the
//! equivalent of rustc's E0038, in our words), with related information at each violation.

use crate::TextRange;
use crate::db::{Db, FileId};
use crate::rules::VerdictCache;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Hint,
}

/// Related information: a violation's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedInfo {
    pub file: FileId,
    pub range: TextRange,
    pub message: String,
}

/// A diagnostic of the core, in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// `dyn-incompatible` (the E0038 equivalent).
    pub code: &'static str,
    pub message: String,
    pub related: Vec<RelatedInfo>,
}

/// The stable code of the dyn-compatibility diagnostic.
pub const DYN_INCOMPATIBLE: &str = "dyn-incompatible";

/// Diagnostics of a file.
pub fn diagnostics(db: &Db, file: FileId) -> Vec<Diagnostic> {
    let mut cache = VerdictCache::default();
    let mut out = Vec::new();
    for (range, key) in crate::resolve::dyn_uses(db, file) {
        let Some(v) = cache.verdict(db, &key) else {
            continue;
        };
        // A trait an unknown attribute may reshape gets no diagnostic: never a guess
        // presented as the compiler's verdict.
        if v.dyn_compatible() || !v.known() {
            continue;
        }
        let n = v.violations.len() + v.elided;
        let mut message = format!(
            "the trait `{}` is not dyn compatible ({n} violation{})",
            v.name,
            if n == 1 { "" } else { "s" }
        );
        for x in &v.violations {
            message.push_str(&format!("\n- {}", x.message()));
        }
        if v.elided > 0 {
            message.push_str(&format!("\n- {}", crate::rules::more_violations(v.elided)));
        }
        let related = v
            .violations
            .iter()
            .filter_map(|x| {
                let (f, r) = (x.file?, x.range?);
                db.valid_range(f, r).then(|| RelatedInfo {
                    file: f,
                    range: r,
                    message: x.message(),
                })
            })
            .collect();
        out.push(Diagnostic {
            range,
            severity: Severity::Error,
            code: DYN_INCOMPATIBLE,
            message,
            related,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::trim_indent;
    use dynlens_std::StdLibrary;
    use expect_test::{Expect, expect};

    /// The diagnostics of `fixture`, one block each: where, severity, code and message, then
    /// each related location with the text it points at.
    fn check(fixture: &str, expect: Expect) {
        let text = trim_indent(fixture);
        let mut db = Db::new(StdLibrary::catalog());
        let f = db.set_file_text("lib.rs".into(), text.clone());
        let at = |r: TextRange| {
            let line = text[..usize::from(r.start())].matches('\n').count() + 1;
            format!("line {line} `{}`", &text[r])
        };
        let mut out = String::new();
        for d in diagnostics(&db, f) {
            out.push_str(&format!(
                "{} {:?} {}: {}\n",
                at(d.range),
                d.severity,
                d.code,
                d.message
            ));
            for r in &d.related {
                assert_eq!(r.file, f);
                out.push_str(&format!("  related {}: {}\n", at(r.range), r.message));
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn incompatible_dyn_uses_get_errors_with_related_info() {
        check(
            r#"
            trait A { fn f<T>(&self); const N: u8; }
            trait B { fn g(&self); }
            fn x(_: &dyn A, _: Box<dyn B + Send>) {}
            "#,
            expect![[r#"
                line 3 `A` Error dyn-incompatible: the trait `A` is not dyn compatible (2 violations)
                - method `f` has type or const parameters (`T`)
                - associated const `N`
                  related line 1 `f`: method `f` has type or const parameters (`T`)
                  related line 1 `N`: associated const `N`
            "#]],
        );
    }

    /// A trait being typed (`fn f<T>(&self) -> ;`: a syntax error) gets no verdict, so its
    /// `dyn` uses no diagnostic — the same use with the syntax fixed gets one.
    #[test]
    fn traits_with_syntax_errors_get_no_diagnostic() {
        check(
            r#"
            trait A { fn f<T>(&self) -> ; }
            trait B: A {}
            fn x(_: &dyn A, _: &dyn B) {}
            "#,
            expect![""],
        );
        check(
            r#"
            trait A { fn f<T>(&self) -> u8; }
            fn x(_: &dyn A) {}
            "#,
            expect![[r#"
                line 2 `A` Error dyn-incompatible: the trait `A` is not dyn compatible (1 violation)
                - method `f` has type or const parameters (`T`)
                  related line 1 `f`: method `f` has type or const parameters (`T`)
            "#]],
        );
    }

    #[test]
    fn async_trait_traits_are_dyn_compatible_as_expanded() {
        // The headline bug of issue 8: `#[async_trait]` rewrites `async fn get` into a method
        // returning `Pin<Box<dyn Future + Send + 'async_trait>>`, which a vtable holds.
        check(
            r#"
            use async_trait::async_trait;
            use std::sync::Arc;
            #[async_trait]
            trait Store { async fn get(&self, k: &str) -> Option<String>; }
            #[async_trait::async_trait(?Send)]
            trait Local { async fn put(&mut self, v: String); fn sync(&self) -> u8; }
            #[async_trait]
            trait Cloner { async fn dup(&self) -> Self; }
            fn x(_: Arc<dyn Store>, _: Box<dyn Local>, _: &dyn Cloner) {}
            "#,
            expect![[r#"
                line 9 `Cloner` Error dyn-incompatible: the trait `Cloner` is not dyn compatible (1 violation)
                - method `dup` returns `Pin<Box<dyn Future<Output = Self> + Send + 'async_trait>>`, which mentions `Self`
                  related line 8 `Self`: method `dup` returns `Pin<Box<dyn Future<Output = Self> + Send + 'async_trait>>`, which mentions `Self`
            "#]],
        );
    }

    #[test]
    fn unknown_attribute_macros_get_no_diagnostic() {
        // `#[foo::bar]` may add, remove or rewrite items: the trait's final shape is unknown,
        // so neither `dyn Reshaped` nor `dyn Sub` (through the supertrait) is reported. Inert
        // attributes and macros that keep the trait (`automock`, `auto_impl`) change nothing.
        check(
            r#"
            #[foo::bar]
            trait Reshaped { async fn get(&self) -> u8; }
            trait Sub: Reshaped {}
            #[allow(async_fn_in_trait)]
            #[doc = "inert attributes change nothing"]
            trait Plain { async fn get(&self) -> u8; }
            #[cfg_attr(test, mockall::automock)]
            #[auto_impl::auto_impl(&, Box)]
            trait Mocked { fn f<T>(&self, t: T); }
            fn x(_: &dyn Reshaped, _: &dyn Sub, _: &dyn Plain, _: &dyn Mocked) {}
            "#,
            expect![[r#"
                line 10 `Plain` Error dyn-incompatible: the trait `Plain` is not dyn compatible (1 violation)
                - method `get` is an `async fn`
                  related line 6 `get`: method `get` is an `async fn`
                line 10 `Mocked` Error dyn-incompatible: the trait `Mocked` is not dyn compatible (1 violation)
                - method `f` has type or const parameters (`T`)
                  related line 9 `f`: method `f` has type or const parameters (`T`)
            "#]],
        );
    }

    #[test]
    fn trait_variant_generates_a_known_trait() {
        // `SendCache` exists only in the macro's output; rustc rejects `dyn SendCache` (its
        // `get` returns `impl Future + Send`) and `dyn Cache` (an `async fn`).
        check(
            r#"
            #[trait_variant::make(SendCache: Send)]
            trait Cache { async fn get(&self, k: u32) -> Option<String>; fn len(&self) -> usize; }
            #[dynosaur::dynosaur(DynNext)]
            trait Next { async fn next(&mut self) -> Option<u8>; }
            fn x(_: &dyn SendCache, _: &dyn Cache, _: &dyn Next) {}
            "#,
            expect![[r#"
                line 5 `SendCache` Error dyn-incompatible: the trait `SendCache` is not dyn compatible (1 violation)
                - method `get` returns `impl Future<Output = Option<String>> + Send`
                  related line 2 `Option<String>`: method `get` returns `impl Future<Output = Option<String>> + Send`
                line 5 `Cache` Error dyn-incompatible: the trait `Cache` is not dyn compatible (1 violation)
                - method `get` is an `async fn`
                  related line 2 `get`: method `get` is an `async fn`
                line 5 `Next` Error dyn-incompatible: the trait `Next` is not dyn compatible (1 violation)
                - method `next` is an `async fn`
                  related line 4 `next`: method `next` is an `async fn`
            "#]],
        );
    }

    #[test]
    fn inherited_violations_point_into_the_supertrait() {
        check(
            r#"
            trait Base { fn dup(&self) -> Self; }
            trait Derived: Base + Clone {}
            fn x(_: &dyn Derived) {}
            "#,
            expect![[r#"
                line 3 `Derived` Error dyn-incompatible: the trait `Derived` is not dyn compatible (3 violations)
                - `Derived` requires `Self: Sized` (through `Clone`)
                - method `dup` returns `Self`, inherited through the supertrait `Base`
                - `Clone` requires `Self: Sized` (a `Sized` bound), inherited through the supertrait `Clone`
                  related line 2 `Clone`: `Derived` requires `Self: Sized` (through `Clone`)
                  related line 1 `Self`: method `dup` returns `Self`, inherited through the supertrait `Base`
            "#]],
        );
    }
}
