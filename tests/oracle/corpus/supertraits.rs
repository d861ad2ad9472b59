//! Oracle corpus: supertraits — `Self` as a supertrait's type argument, supertraits
//! that are not dyn compatible (directly and transitively), and traits of the standard
//! library used as supertraits.

use std::any::Any;
use std::borrow::Borrow;
use std::error::Error;
use std::fmt::{Debug, Display};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, Read, Seek, Write};
use std::ops::{Add, AddAssign, Deref, Index, Not};

// probe: dyn Relate<u8>
pub trait Relate<T: ?Sized> {
    fn relate(&self, other: &T) -> bool;
}

// probe: dyn SupPartialEq
pub trait SupPartialEq: PartialEq {}

// probe: dyn SupPartialEqSelfExplicit
pub trait SupPartialEqSelfExplicit: PartialEq<Self> {}

// probe: dyn SupPartialOrd
pub trait SupPartialOrd: PartialOrd {}

// probe: dyn SupEq
pub trait SupEq: Eq {}

// probe: dyn SupOrd
pub trait SupOrd: Ord {}

// probe: dyn SupPartialEqU8
pub trait SupPartialEqU8: PartialEq<u8> {}

// probe: dyn SupPartialOrdStr
pub trait SupPartialOrdStr: PartialOrd<str> {}

// `Add<Self>` alone does not compile: `Add`'s `Rhs` must be `Sized`.
// probe: dyn SupAddSelf<Output = u8>
pub trait SupAddSelf: Add<Self> + Sized {}

// probe: dyn SupAddBoxSelf<Output = u8>
pub trait SupAddBoxSelf: Add<Box<Self>> {}

// probe: dyn SupAddU8
pub trait SupAddU8: Add<u8, Output = u8> {}

// probe: dyn SupAddAssignU8
pub trait SupAddAssignU8: AddAssign<u8> {}

// probe: dyn SupAsRefSelf
pub trait SupAsRefSelf: AsRef<Self> {}

// probe: dyn SupAsRefStr
pub trait SupAsRefStr: AsRef<str> {}

// probe: dyn SupBorrowStr
pub trait SupBorrowStr: Borrow<str> {}

// probe: dyn SupRelateSelf
pub trait SupRelateSelf: Relate<Self> {}

// probe: dyn SupRelateBoxSelf
pub trait SupRelateBoxSelf: Relate<Box<Self>> {}

// probe: dyn SupRelateU8
pub trait SupRelateU8: Relate<u8> {}

// probe: dyn SupRelateProjection<Other = u8>
pub trait SupRelateProjection: Relate<Self::Other> {
    type Other;
}

// probe: dyn SupIteratorOfSelf<Item = u8>
pub trait SupIteratorOfSelf: Iterator<Item = Self> {}

// probe: dyn SupIteratorOfBoxSelf<Item = u8>
pub trait SupIteratorOfBoxSelf: Iterator<Item = Box<Self>> {}

// probe: dyn SupIteratorOfProjection<Out = u8, Item = u8>
pub trait SupIteratorOfProjection: Iterator<Item = Self::Out> {
    type Out;
}

// probe: dyn SupIteratorU32
pub trait SupIteratorU32: Iterator<Item = u32> {}

// probe: dyn SupIteratorOpen<Item = String>
pub trait SupIteratorOpen: Iterator {}

// probe: dyn SupIntoIterator<Item = u8, IntoIter = std::vec::IntoIter<u8>>
pub trait SupIntoIterator: IntoIterator {}

// probe: dyn SupDebug
pub trait SupDebug: Debug {}

// probe: dyn SupDisplay
pub trait SupDisplay: Display {}

// probe: dyn SupError
pub trait SupError: Error {}

// probe: dyn SupAny
pub trait SupAny: Any {}

// probe: dyn SupSendSyncStatic
pub trait SupSendSyncStatic: Send + Sync + 'static {}

// probe: dyn SupUnpin
pub trait SupUnpin: Unpin {}

// probe: dyn SupHash
pub trait SupHash: Hash {}

// probe: dyn SupHasher
pub trait SupHasher: Hasher {}

// probe: dyn SupRead
pub trait SupRead: Read {}

// probe: dyn SupWrite
pub trait SupWrite: Write {}

// probe: dyn SupBufRead
pub trait SupBufRead: BufRead {}

// probe: dyn SupReadSeek
pub trait SupReadSeek: Read + Seek {}

// probe: dyn SupFn
pub trait SupFn: Fn(u32) -> u32 {}

// probe: dyn SupFnMut
pub trait SupFnMut: FnMut(&str) {}

// probe: dyn SupFnOnce
pub trait SupFnOnce: FnOnce() -> String {}

// probe: dyn SupToString
pub trait SupToString: ToString {}

// probe: dyn SupFuture
pub trait SupFuture: Future<Output = u8> {}

// probe: dyn SupDeref
pub trait SupDeref: Deref<Target = str> {}

// probe: dyn SupIndex
pub trait SupIndex: Index<usize, Output = u8> {}

// probe: dyn SupNot<Output = bool>
pub trait SupNot: Not {}

// probe: dyn SupExtend
pub trait SupExtend: Extend<u8> {}

// probe: dyn SupFromU8
pub trait SupFromU8: From<u8> {}

// probe: dyn SupIntoU8
pub trait SupIntoU8: Into<u8> {}

// probe: dyn SupFromIterator
pub trait SupFromIterator: FromIterator<u8> {}

// probe: dyn SupToOwned<Owned = String>
pub trait SupToOwned: ToOwned {}

// probe: dyn SupAsMutSlice
pub trait SupAsMutSlice: AsMut<[u8]> {}

// probe: dyn BadConst
pub trait BadConst {
    const LEVEL: u8;
}

// probe: dyn BadChild
pub trait BadChild: BadConst {
    fn f(&self);
}

// probe: dyn BadGrandchild
pub trait BadGrandchild: BadChild + Debug {}

// probe: dyn BadGeneric
pub trait BadGeneric {
    fn put<T>(&self, value: T);
}

// probe: dyn BadGenericChild
pub trait BadGenericChild: BadGeneric {}

// probe: dyn BadGenericGrandchild
pub trait BadGenericGrandchild: BadGenericChild {}

// probe: dyn BadGenericGreatGrandchild
pub trait BadGenericGreatGrandchild: BadGenericGrandchild + Send {}

// probe: dyn SelfArgBase
pub trait SelfArgBase: PartialEq {}

// probe: dyn SelfArgChild
pub trait SelfArgChild: SelfArgBase {}

// probe: dyn DiamondLeft
pub trait DiamondLeft {
    fn left(&self);
}

// probe: dyn DiamondRight
pub trait DiamondRight {
    fn right(&self) -> Self;
}

// probe: dyn Diamond
pub trait Diamond: DiamondLeft + DiamondRight {}

// probe: dyn GoodBase
pub trait GoodBase {
    fn base(&self) -> u8;
}

// probe: dyn GoodChild
pub trait GoodChild: GoodBase {
    fn child(&self) -> u8;
}

// probe: dyn GoodGrandchild
pub trait GoodGrandchild: GoodChild + Debug + Send + Sync {
    fn grandchild(&mut self);
}

// probe: dyn AssocBase<Out = u8>
pub trait AssocBase {
    type Out;
    fn get(&self) -> Self::Out;
}

// probe: dyn SupAssocSpecified
pub trait SupAssocSpecified: AssocBase<Out = u8> {}

// probe: dyn SupAssocOpen<Out = u8>
pub trait SupAssocOpen: AssocBase {}

// probe: dyn SupHashPlusDebug
pub trait SupHashPlusDebug: Debug + Hash {}
