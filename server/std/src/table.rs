//! Which standard-library traits dynlens knows, where each is declared in rust-src, and every
//! fact about them that dynlens's layers use: public path, prelude membership, auto trait,
//! whether it implies `Sized`, how a bound on it is erased or boxed by the expansion, which
//! provided methods get vtable slots, which pointers forward it.
//!
//! This table is the single list the catalog generator, the rust-src loader, the analysis core
//! and the generator all work from: adding a row here (and regenerating the catalog) is all it
//! takes to teach dynlens a new trait, and no layer keeps a list of std trait names of its own.
//! Facts that are also visible in the declarations (`auto`, `Sized` supertraits) are checked
//! against the catalog by a test.

/// One known standard-library trait: a row of [`TRAITS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraitInfo {
    /// Where the trait lives, through its public module: `core::fmt::Debug`,
    /// `core::iter::Iterator` (not the private `core::iter::traits::iterator::Iterator`).
    pub canonical_path: &'static str,
    /// The file that declares it, relative to rust-src's `library/` directory.
    pub file: &'static str,
    /// In the Rust 2021/2024 prelude (nameable without a `use`).
    pub in_prelude: bool,
    /// What dynlens's layers need to know about it.
    pub facts: TraitFacts,
}

/// How a generic or `impl Trait` argument bounded by a std trait crosses a vtable: as a
/// reference to a trait object, because std implements the trait for that reference
/// (`impl<I: Iterator + ?Sized> Iterator for &mut I`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgErasure {
    /// `&dyn Trait` (the trait's methods take `&self`: `Debug`, `Fn`, …).
    Shared,
    /// `&mut dyn Trait` (they take `&mut self`: `Iterator`, `FnMut`, `io::Read`, …).
    Exclusive,
}

/// How an `-> impl Trait` return crosses a vtable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnBoxing {
    /// `Box<dyn Trait + 'a>` (std implements the trait for `Box<T>`).
    Boxed,
    /// `Pin<Box<dyn Trait + 'a>>` (`Future`: only a pinned box can be polled).
    Pinned,
}

/// Which pointers implement a std trait when their pointee `T: ?Sized` does (the forwarding
/// impls for `Box<T>`, `&T`, `&mut T` can only exist where these do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pointers {
    /// `Box<T>`.
    pub boxed: bool,
    /// `&T`.
    pub shared: bool,
    /// `&mut T`.
    pub exclusive: bool,
    /// std's impl for `Box<T>` needs `T: Sized` (`impl<E: Error> Error for Box<E>`).
    pub boxed_needs_sized: bool,
}

/// What dynlens knows about a std trait beyond its declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraitFacts {
    /// An `auto trait` (`Send`, `Sync`, `Unpin`, `UnwindSafe`, `RefUnwindSafe`): no methods, no
    /// vtable of its own, may be added to any trait object.
    pub auto: bool,
    /// One of the sizedness markers (`Sized`, `MetaSized`, `PointeeSized`): a bound on them is
    /// about the type's size, never a vtable's.
    pub sized_marker: bool,
    /// `Self: Trait` implies `Self: Sized` (`Sized` itself, `Clone`, `Copy`, `Default`, `From`,
    /// …): a method bounded by it is exempt from the vtable.
    pub implies_sized: bool,
    /// How an argument bounded by the trait is erased, `None` when it cannot be.
    pub arg_erasure: Option<ArgErasure>,
    /// How an `-> impl Trait` return is boxed, `None` when it cannot be.
    pub return_boxing: Option<ReturnBoxing>,
    /// The provided methods that are stable, name only nameable types and get a slot of their
    /// own as a supertrait (a type's override is kept: `size_hint`, `Hasher::write_u8`, …).
    /// The other provided methods run their default body on the dyn value.
    pub slot_provided: &'static [&'static str],
    /// The pointers std implements the trait for.
    pub forwarded_by: Pointers,
    /// Why a dyn value cannot implement the trait as a supertrait, if it cannot.
    pub not_carried: Option<&'static str>,
    /// A std trait whose blanket impl gives the dyn value this one for free
    /// (`impl<T: Display> ToString for T`): no impl is written for it.
    pub blanket_from: Option<&'static str>,
}

impl TraitFacts {
    /// Whether a bound on either trait is treated alike: auto, sizedness, erasure, boxing.
    pub fn same_as_bound(&self, other: &TraitFacts) -> bool {
        (
            self.auto,
            self.sized_marker,
            self.implies_sized,
            self.arg_erasure,
            self.return_boxing,
        ) == (
            other.auto,
            other.sized_marker,
            other.implies_sized,
            other.arg_erasure,
            other.return_boxing,
        )
    }

    /// A trait with none of the facts above.
    pub const PLAIN: TraitFacts = TraitFacts {
        auto: false,
        sized_marker: false,
        implies_sized: false,
        arg_erasure: None,
        return_boxing: None,
        slot_provided: &[],
        forwarded_by: Pointers {
            boxed: false,
            shared: false,
            exclusive: false,
            boxed_needs_sized: false,
        },
        not_carried: None,
        blanket_from: None,
    };
}

impl TraitInfo {
    /// The trait's name: the last segment of its path.
    pub fn name(&self) -> &'static str {
        self.canonical_path
            .rsplit("::")
            .next()
            .unwrap_or(self.canonical_path)
    }

    /// The path users write: the same module path under `std::`.
    pub fn public_path(&self) -> String {
        match self.canonical_path.split_once("::") {
            Some((_, rest)) => format!("std::{rest}"),
            None => self.canonical_path.to_owned(),
        }
    }

    /// The module that declares it: `fmt` for `core::fmt::Debug`.
    pub fn module(&self) -> &'static str {
        let mut segments = self.canonical_path.rsplit("::");
        segments.next();
        segments.next().unwrap_or("")
    }

    // Builders for the rows of `TRAITS`.

    const fn auto(mut self) -> Self {
        self.facts.auto = true;
        self
    }
    const fn sized_marker(mut self) -> Self {
        self.facts.sized_marker = true;
        self
    }
    const fn implies_sized(mut self) -> Self {
        self.facts.implies_sized = true;
        self
    }
    const fn erased(mut self, how: ArgErasure) -> Self {
        self.facts.arg_erasure = Some(how);
        self
    }
    const fn boxed(mut self, how: ReturnBoxing) -> Self {
        self.facts.return_boxing = Some(how);
        self
    }
    const fn slots(mut self, provided: &'static [&'static str]) -> Self {
        self.facts.slot_provided = provided;
        self
    }
    const fn forwarded_by(mut self, pointers: Pointers) -> Self {
        self.facts.forwarded_by = pointers;
        self
    }
    const fn not_carried(mut self, why: &'static str) -> Self {
        self.facts.not_carried = Some(why);
        self
    }
    const fn blanket_from(mut self, name: &'static str) -> Self {
        self.facts.blanket_from = Some(name);
        self
    }
}

const fn t(canonical_path: &'static str, file: &'static str, in_prelude: bool) -> TraitInfo {
    TraitInfo {
        canonical_path,
        file,
        in_prelude,
        facts: TraitFacts::PLAIN,
    }
}

use ArgErasure::{Exclusive, Shared};
use ReturnBoxing::{Boxed, Pinned};

/// `Box<T>`, `&T` and `&mut T` all implement it.
const ALL_POINTERS: Pointers = Pointers {
    boxed: true,
    shared: true,
    exclusive: true,
    boxed_needs_sized: false,
};
/// `&T` and `&mut T`, not `Box<T>` (the formatting traits other than `Debug`, `Display` and
/// `Pointer`: std implements them for references only).
const REFS_ONLY: Pointers = Pointers {
    boxed: false,
    shared: true,
    exclusive: true,
    boxed_needs_sized: false,
};
/// `&T` only (`Copy`; `ToOwned` through `&T: Clone`).
const SHARED_ONLY: Pointers = Pointers {
    boxed: false,
    shared: true,
    exclusive: false,
    boxed_needs_sized: false,
};
/// `Box<T>` only (`FnOnce`: `&F` and `&mut F` implement it only when `F: Fn` / `F: FnMut`).
const BOXED_ONLY: Pointers = Pointers {
    boxed: true,
    shared: false,
    exclusive: false,
    boxed_needs_sized: false,
};
/// `Box<T>` and `&T` (`Fn`: `&mut F` implements only `FnMut`).
const OWNING_OR_SHARED_FN: Pointers = Pointers {
    boxed: true,
    shared: true,
    exclusive: false,
    boxed_needs_sized: false,
};
/// `Box<T>` for a sized `T`, and `&T` (`Clone`).
const SIZED_BOX_OR_SHARED: Pointers = Pointers {
    boxed: true,
    shared: true,
    exclusive: false,
    boxed_needs_sized: true,
};
/// `Box<T>` and `&mut T` (the trait's methods take `&mut self`).
const OWNING_OR_MUT: Pointers = Pointers {
    boxed: true,
    shared: false,
    exclusive: true,
    boxed_needs_sized: false,
};
/// `&mut T` only (`fmt::Write`).
const MUT_ONLY: Pointers = Pointers {
    boxed: false,
    shared: false,
    exclusive: true,
    boxed_needs_sized: false,
};
/// `Box<T>` for a sized `T` (`impl<E: Error> Error for Box<E>`), and `&T` (`Error`).
const OWNING_OR_SHARED: Pointers = Pointers {
    boxed: true,
    shared: true,
    exclusive: false,
    boxed_needs_sized: true,
};

const FN_TRAIT: &str = "implementing it needs the unstable `extern \"rust-call\"` ABI";
const HASHER_SLOTS: &[&str] = &[
    "write_u8",
    "write_u16",
    "write_u32",
    "write_u64",
    "write_u128",
    "write_usize",
    "write_i8",
    "write_i16",
    "write_i32",
    "write_i64",
    "write_i128",
    "write_isize",
];

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
pub const TRAITS: &[TraitInfo] = &[
    // core::marker
    t("core::marker::PointeeSized", MARKER, N).sized_marker(),
    t("core::marker::MetaSized", MARKER, N).sized_marker(),
    t("core::marker::Sized", MARKER, P)
        .sized_marker()
        .implies_sized(),
    t("core::marker::Send", MARKER, P).auto(),
    t("core::marker::Sync", MARKER, P).auto(),
    t("core::marker::Copy", MARKER, P)
        .implies_sized()
        .not_carried("a dyn* value has drop glue (it may own a `Box`), so it cannot be `Copy`")
        .forwarded_by(SHARED_ONLY),
    t("core::marker::Unpin", MARKER, P).auto(),
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
    )
    .implies_sized(),
    // core::clone, core::default
    t("core::clone::Clone", "core/src/clone.rs", P)
        .implies_sized()
        .forwarded_by(SIZED_BOX_OR_SHARED),
    t("core::default::Default", "core/src/default.rs", P).implies_sized(),
    // core::fmt
    t("core::fmt::Debug", FMT, N)
        .erased(Shared)
        .boxed(Boxed)
        .forwarded_by(ALL_POINTERS),
    t("core::fmt::Display", FMT, N)
        .erased(Shared)
        .boxed(Boxed)
        .forwarded_by(ALL_POINTERS),
    // std has `impl fmt::Write for &mut W` but none for `Box<W>`.
    t("core::fmt::Write", FMT, N)
        .erased(Exclusive)
        .slots(&["write_char"])
        .forwarded_by(MUT_ONLY),
    t("core::fmt::Binary", FMT, N)
        .erased(Shared)
        .forwarded_by(REFS_ONLY),
    t("core::fmt::Octal", FMT, N)
        .erased(Shared)
        .forwarded_by(REFS_ONLY),
    t("core::fmt::LowerHex", FMT, N)
        .erased(Shared)
        .forwarded_by(REFS_ONLY),
    t("core::fmt::UpperHex", FMT, N)
        .erased(Shared)
        .forwarded_by(REFS_ONLY),
    t("core::fmt::Pointer", FMT, N)
        .erased(Shared)
        .forwarded_by(ALL_POINTERS),
    t("core::fmt::LowerExp", FMT, N)
        .erased(Shared)
        .forwarded_by(REFS_ONLY),
    t("core::fmt::UpperExp", FMT, N)
        .erased(Shared)
        .forwarded_by(REFS_ONLY),
    // core::cmp
    t("core::cmp::PartialEq", CMP, P),
    t("core::cmp::Eq", CMP, P),
    t("core::cmp::PartialOrd", CMP, P),
    t("core::cmp::Ord", CMP, P),
    // core::hash
    t("core::hash::Hash", HASH, N).forwarded_by(ALL_POINTERS),
    t("core::hash::Hasher", HASH, N)
        .erased(Exclusive)
        .boxed(Boxed)
        .slots(HASHER_SLOTS)
        .forwarded_by(OWNING_OR_MUT),
    t("core::hash::BuildHasher", HASH, N),
    // core::iter
    t(
        "core::iter::Iterator",
        "core/src/iter/traits/iterator.rs",
        P,
    )
    .erased(Exclusive)
    .boxed(Boxed)
    .slots(&["size_hint", "nth"])
    .forwarded_by(OWNING_OR_MUT),
    t("core::iter::IntoIterator", COLLECT, P),
    t(
        "core::iter::DoubleEndedIterator",
        "core/src/iter/traits/double_ended.rs",
        P,
    )
    .erased(Exclusive)
    .boxed(Boxed)
    .forwarded_by(OWNING_OR_MUT),
    t(
        "core::iter::ExactSizeIterator",
        "core/src/iter/traits/exact_size.rs",
        P,
    )
    .erased(Exclusive)
    .boxed(Boxed)
    .slots(&["len"])
    .forwarded_by(OWNING_OR_MUT),
    t(
        "core::iter::FusedIterator",
        "core/src/iter/traits/marker.rs",
        N,
    ),
    t("core::iter::Extend", COLLECT, P),
    t("core::iter::FromIterator", COLLECT, P).implies_sized(),
    t("core::iter::Sum", ACCUM, N).implies_sized(),
    t("core::iter::Product", ACCUM, N).implies_sized(),
    // core::future
    t("core::future::Future", "core/src/future/future.rs", P).boxed(Pinned),
    t(
        "core::future::IntoFuture",
        "core/src/future/into_future.rs",
        P,
    ),
    // core::ops
    t("core::ops::FnOnce", FUNCTION, P)
        .boxed(Boxed)
        .not_carried(FN_TRAIT)
        .forwarded_by(BOXED_ONLY),
    t("core::ops::FnMut", FUNCTION, P)
        .erased(Exclusive)
        .boxed(Boxed)
        .not_carried(FN_TRAIT)
        .forwarded_by(OWNING_OR_MUT),
    t("core::ops::Fn", FUNCTION, P)
        .erased(Shared)
        .boxed(Boxed)
        .not_carried(FN_TRAIT)
        .forwarded_by(OWNING_OR_SHARED_FN),
    t("core::ops::AsyncFnOnce", ASYNC_FUNCTION, P)
        .not_carried(FN_TRAIT)
        .forwarded_by(BOXED_ONLY),
    t("core::ops::AsyncFnMut", ASYNC_FUNCTION, P)
        .not_carried(FN_TRAIT)
        .forwarded_by(OWNING_OR_MUT),
    t("core::ops::AsyncFn", ASYNC_FUNCTION, P)
        .not_carried(FN_TRAIT)
        .forwarded_by(OWNING_OR_SHARED_FN),
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
    // `Box<T>` implements `AsRef<T>`/`AsMut<T>`, which do not forward.
    t("core::convert::AsRef", CONVERT, P)
        .erased(Shared)
        .forwarded_by(REFS_ONLY),
    t("core::convert::AsMut", CONVERT, P).forwarded_by(MUT_ONLY),
    t("core::convert::From", CONVERT, P).implies_sized(),
    t("core::convert::Into", CONVERT, P).implies_sized(),
    t("core::convert::TryFrom", CONVERT, P).implies_sized(),
    t("core::convert::TryInto", CONVERT, P).implies_sized(),
    t("core::str::FromStr", "core/src/str/traits.rs", N).implies_sized(),
    // core::error, core::any, core::borrow, core::panic
    t("core::error::Error", "core/src/error.rs", N)
        .erased(Shared)
        .boxed(Boxed)
        .slots(&["source"])
        .forwarded_by(OWNING_OR_SHARED),
    t("core::any::Any", "core/src/any.rs", N)
        .not_carried(
            "std implements it for every `'static` type, so the dyn value would report its own `TypeId`, not the value's (downcasting would fail)",
        )
        .forwarded_by(ALL_POINTERS),
    t("core::borrow::Borrow", "core/src/borrow.rs", N),
    t("core::borrow::BorrowMut", "core/src/borrow.rs", N),
    t(
        "core::panic::UnwindSafe",
        "core/src/panic/unwind_safe.rs",
        N,
    )
    .auto(),
    t(
        "core::panic::RefUnwindSafe",
        "core/src/panic/unwind_safe.rs",
        N,
    )
    .auto(),
    // alloc
    t("alloc::borrow::ToOwned", "alloc/src/borrow.rs", P).forwarded_by(SHARED_ONLY),
    t("alloc::string::ToString", "alloc/src/string.rs", P)
        .erased(Shared)
        .blanket_from("core::fmt::Display"),
    // std::io
    t("std::io::Read", IO, N)
        .erased(Exclusive)
        .boxed(Boxed)
        .slots(&["read_to_end", "read_to_string", "read_exact"])
        .forwarded_by(OWNING_OR_MUT),
    t("std::io::Write", IO, N)
        .erased(Exclusive)
        .boxed(Boxed)
        .slots(&["write_all"])
        .forwarded_by(OWNING_OR_MUT),
    t("std::io::BufRead", IO, N)
        .erased(Exclusive)
        .boxed(Boxed)
        .forwarded_by(OWNING_OR_MUT),
    t("std::io::Seek", IO, N).forwarded_by(OWNING_OR_MUT),
    t("std::process::Termination", "std/src/process.rs", N).not_carried(
        "`report(self) -> ExitCode` names `std::process::ExitCode`, which is not in the prelude, and the expansion does not qualify std's own types yet",
    ),
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
