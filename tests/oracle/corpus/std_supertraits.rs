//! Oracle corpus: more traits of the standard library as supertraits — where the verdict
//! depends on details of std's own definitions (generic methods with or without
//! `where Self: Sized`, `Sized` supertraits, generic associated types).

use std::borrow::Borrow;
use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::future::IntoFuture;
use std::hash::BuildHasher;
use std::io::Seek;
use std::iter::{FusedIterator, Product, Sum};
use std::ops::{AsyncFn, AsyncFnMut, DerefMut, Index, Neg, RangeBounds};
use std::panic::UnwindSafe;
use std::process::Termination;

// probe: dyn StdAsyncFn
pub trait StdAsyncFn: AsyncFn() {}

// probe: dyn StdAsyncFnMut
pub trait StdAsyncFnMut: AsyncFnMut(u8) -> u8 {}

// probe: dyn StdRangeBounds
pub trait StdRangeBounds: RangeBounds<u8> {}

// probe: dyn StdBuildHasher
pub trait StdBuildHasher: BuildHasher<Hasher = DefaultHasher> {}

// probe: dyn StdSum
pub trait StdSum: Sum {}

// probe: dyn StdProduct
pub trait StdProduct: Product<u8> {}

// probe: dyn StdTryFrom<Error = String>
pub trait StdTryFrom: TryFrom<u8> {}

// probe: dyn StdBorrowSelf
pub trait StdBorrowSelf: Borrow<Self> {}

// probe: dyn StdDoubleEnded
pub trait StdDoubleEnded: DoubleEndedIterator<Item = u8> {}

// probe: dyn StdExactSize
pub trait StdExactSize: ExactSizeIterator<Item = u8> {}

// probe: dyn StdFused
pub trait StdFused: FusedIterator<Item = u8> {}

// probe: dyn StdFmtWrite
pub trait StdFmtWrite: fmt::Write {}

// probe: dyn StdSeek
pub trait StdSeek: Seek {}

// probe: dyn StdDerefMut
pub trait StdDerefMut: DerefMut<Target = [u8]> {}

// probe: dyn StdIntoFuture
pub trait StdIntoFuture: IntoFuture<Output = u8, IntoFuture = std::future::Ready<u8>> {}

// probe: dyn StdTermination
pub trait StdTermination: Termination {}

// probe: dyn StdUnwindSafe
pub trait StdUnwindSafe: UnwindSafe {}

// probe: dyn StdNeg
pub trait StdNeg: Neg<Output = i8> {}

// probe: dyn StdIndexToSelf<Output = u8>
pub trait StdIndexToSelf: Index<usize, Output = Self> {}

// probe: dyn StdLowerHex
pub trait StdLowerHex: fmt::LowerHex + fmt::Pointer {}

// probe: dyn StdIteratorAndClone
pub trait StdIteratorAndClone: Iterator<Item = u8> + Clone {}

// probe: dyn StdToStringAndPartialEqStr
pub trait StdToStringAndPartialEqStr: ToString + PartialEq<str> {}

// probe: dyn MethodBoundRangeBounds
pub trait MethodBoundRangeBounds {
    fn in_range(&self, value: u8) -> bool
    where
        Self: RangeBounds<u8>;
}

// probe: dyn MethodBoundIterator
pub trait MethodBoundIterator {
    fn drain_all(&mut self) -> usize
    where
        Self: Iterator<Item = u8> + Sized;
}
