//! Which standard-library traits dynlens knows, where each is declared in rust-src, and the
//! facts about it that are not visible in its declaration (public path, prelude membership).
//!
//! This table is the single list both the catalog generator and the rust-src loader work from:
//! adding a row here (and regenerating the catalog) is all it takes to teach dynlens a new trait.

/// One known standard-library trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TraitInfo {
    /// Where the trait lives, through its public module: `core::fmt::Debug`,
    /// `core::iter::Iterator` (not the private `core::iter::traits::iterator::Iterator`).
    pub(crate) canonical_path: &'static str,
    /// The file that declares it, relative to rust-src's `library/` directory.
    pub(crate) file: &'static str,
    /// In the Rust 2021/2024 prelude (nameable without a `use`).
    pub(crate) in_prelude: bool,
}

impl TraitInfo {
    /// The trait's name: the last segment of its path.
    pub(crate) fn name(&self) -> &'static str {
        self.canonical_path
            .rsplit("::")
            .next()
            .unwrap_or(self.canonical_path)
    }

    /// The path users write: the same module path under `std::`.
    pub(crate) fn public_path(&self) -> String {
        match self.canonical_path.split_once("::") {
            Some((_, rest)) => format!("std::{rest}"),
            None => self.canonical_path.to_owned(),
        }
    }
}

const fn t(canonical_path: &'static str, file: &'static str, in_prelude: bool) -> TraitInfo {
    TraitInfo {
        canonical_path,
        file,
        in_prelude,
    }
}

const P: bool = true;
const N: bool = false;

const MARKER: &str = "core/src/marker.rs";
const FMT: &str = "core/src/fmt/mod.rs";
const CMP: &str = "core/src/cmp.rs";
const HASH: &str = "core/src/hash/mod.rs";
const ARITH: &str = "core/src/ops/arith.rs";
const BIT: &str = "core/src/ops/bit.rs";
const FUNCTION: &str = "core/src/ops/function.rs";
const ASYNC_FUNCTION: &str = "core/src/ops/async_function.rs";
const CONVERT: &str = "core/src/convert/mod.rs";
const COLLECT: &str = "core/src/iter/traits/collect.rs";
const ACCUM: &str = "core/src/iter/traits/accum.rs";
const IO: &str = "std/src/io/mod.rs";

/// Every trait dynlens knows from the standard library, in catalog order.
pub(crate) const TRAITS: &[TraitInfo] = &[
    // core::marker
    t("core::marker::PointeeSized", MARKER, N),
    t("core::marker::MetaSized", MARKER, N),
    t("core::marker::Sized", MARKER, P),
    t("core::marker::Send", MARKER, P),
    t("core::marker::Sync", MARKER, P),
    t("core::marker::Copy", MARKER, P),
    t("core::marker::Unpin", MARKER, P),
    // Unstable, but named in other declarations' bounds (`Fn<Args: Tuple>`,
    // `where Self: Destruct`), so that every bound resolves.
    t("core::marker::Tuple", MARKER, N),
    t("core::marker::Destruct", MARKER, N),
    // Unstable and hidden, but `Iterator::__iterator_get_unchecked` is bounded by it; it
    // requires `Sized`, which is what exempts that method from dyn compatibility.
    t(
        "core::iter::TrustedRandomAccessNoCoerce",
        "core/src/iter/adapters/zip.rs",
        N,
    ),
    // core::clone, core::default
    t("core::clone::Clone", "core/src/clone.rs", P),
    t("core::default::Default", "core/src/default.rs", P),
    // core::fmt
    t("core::fmt::Debug", FMT, N),
    t("core::fmt::Display", FMT, N),
    t("core::fmt::Write", FMT, N),
    t("core::fmt::Binary", FMT, N),
    t("core::fmt::Octal", FMT, N),
    t("core::fmt::LowerHex", FMT, N),
    t("core::fmt::UpperHex", FMT, N),
    t("core::fmt::Pointer", FMT, N),
    t("core::fmt::LowerExp", FMT, N),
    t("core::fmt::UpperExp", FMT, N),
    // core::cmp
    t("core::cmp::PartialEq", CMP, P),
    t("core::cmp::Eq", CMP, P),
    t("core::cmp::PartialOrd", CMP, P),
    t("core::cmp::Ord", CMP, P),
    // core::hash
    t("core::hash::Hash", HASH, N),
    t("core::hash::Hasher", HASH, N),
    t("core::hash::BuildHasher", HASH, N),
    // core::iter
    t(
        "core::iter::Iterator",
        "core/src/iter/traits/iterator.rs",
        P,
    ),
    t("core::iter::IntoIterator", COLLECT, P),
    t(
        "core::iter::DoubleEndedIterator",
        "core/src/iter/traits/double_ended.rs",
        P,
    ),
    t(
        "core::iter::ExactSizeIterator",
        "core/src/iter/traits/exact_size.rs",
        P,
    ),
    t(
        "core::iter::FusedIterator",
        "core/src/iter/traits/marker.rs",
        N,
    ),
    t("core::iter::Extend", COLLECT, P),
    t("core::iter::FromIterator", COLLECT, P),
    t("core::iter::Sum", ACCUM, N),
    t("core::iter::Product", ACCUM, N),
    // core::future
    t("core::future::Future", "core/src/future/future.rs", P),
    t(
        "core::future::IntoFuture",
        "core/src/future/into_future.rs",
        P,
    ),
    // core::ops
    t("core::ops::FnOnce", FUNCTION, P),
    t("core::ops::FnMut", FUNCTION, P),
    t("core::ops::Fn", FUNCTION, P),
    t("core::ops::AsyncFnOnce", ASYNC_FUNCTION, P),
    t("core::ops::AsyncFnMut", ASYNC_FUNCTION, P),
    t("core::ops::AsyncFn", ASYNC_FUNCTION, P),
    t("core::ops::Drop", "core/src/ops/drop.rs", P),
    t("core::ops::Deref", "core/src/ops/deref.rs", N),
    t("core::ops::DerefMut", "core/src/ops/deref.rs", N),
    t("core::ops::Add", ARITH, N),
    t("core::ops::Sub", ARITH, N),
    t("core::ops::Mul", ARITH, N),
    t("core::ops::Div", ARITH, N),
    t("core::ops::Rem", ARITH, N),
    t("core::ops::Neg", ARITH, N),
    t("core::ops::AddAssign", ARITH, N),
    t("core::ops::SubAssign", ARITH, N),
    t("core::ops::MulAssign", ARITH, N),
    t("core::ops::DivAssign", ARITH, N),
    t("core::ops::RemAssign", ARITH, N),
    t("core::ops::Not", BIT, N),
    t("core::ops::BitAnd", BIT, N),
    t("core::ops::BitOr", BIT, N),
    t("core::ops::BitXor", BIT, N),
    t("core::ops::Shl", BIT, N),
    t("core::ops::Shr", BIT, N),
    t("core::ops::BitAndAssign", BIT, N),
    t("core::ops::BitOrAssign", BIT, N),
    t("core::ops::BitXorAssign", BIT, N),
    t("core::ops::ShlAssign", BIT, N),
    t("core::ops::ShrAssign", BIT, N),
    t("core::ops::Index", "core/src/ops/index.rs", N),
    t("core::ops::IndexMut", "core/src/ops/index.rs", N),
    t("core::ops::RangeBounds", "core/src/ops/range.rs", N),
    // core::convert, core::str
    t("core::convert::AsRef", CONVERT, P),
    t("core::convert::AsMut", CONVERT, P),
    t("core::convert::From", CONVERT, P),
    t("core::convert::Into", CONVERT, P),
    t("core::convert::TryFrom", CONVERT, P),
    t("core::convert::TryInto", CONVERT, P),
    t("core::str::FromStr", "core/src/str/traits.rs", N),
    // core::error, core::any, core::borrow, core::panic
    t("core::error::Error", "core/src/error.rs", N),
    t("core::any::Any", "core/src/any.rs", N),
    t("core::borrow::Borrow", "core/src/borrow.rs", N),
    t("core::borrow::BorrowMut", "core/src/borrow.rs", N),
    t(
        "core::panic::UnwindSafe",
        "core/src/panic/unwind_safe.rs",
        N,
    ),
    t(
        "core::panic::RefUnwindSafe",
        "core/src/panic/unwind_safe.rs",
        N,
    ),
    // alloc
    t("alloc::borrow::ToOwned", "alloc/src/borrow.rs", P),
    t("alloc::string::ToString", "alloc/src/string.rs", P),
    // std::io
    t("std::io::Read", IO, N),
    t("std::io::Write", IO, N),
    t("std::io::BufRead", IO, N),
    t("std::io::Seek", IO, N),
];

/// The traits named in the prelude list of the task; used by a test to keep the table honest.
#[cfg(test)]
pub(crate) const PRELUDE_NAMES: &[&str] = &[
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "AsMut",
    "AsRef",
    "From",
    "Into",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "IntoIterator",
    "Iterator",
    "Clone",
    "Default",
    "Eq",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
];
