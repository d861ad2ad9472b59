//! Oracle corpus: associated consts, associated types, generic associated types and
//! the bounds on associated types.

use std::fmt::Debug;

/// Implemented for every type, so `<Self as Tagged>::Tag` always resolves.
// probe: dyn Tagged<Tag = u8>
pub trait Tagged {
    type Tag;
}

impl<T: ?Sized> Tagged for T {
    type Tag = u8;
}

// probe: dyn ConstNoDefault
pub trait ConstNoDefault {
    const N: usize;
}

// probe: dyn ConstWithDefault
pub trait ConstWithDefault {
    const N: usize = 3;
    fn len(&self) -> usize;
}

// probe: dyn ConstInSizedTrait
pub trait ConstInSizedTrait: Sized {
    const ID: u32;
}

// probe: dyn AssocType<Out = u8>
pub trait AssocType {
    type Out;
    fn get(&self) -> Self::Out;
}

// probe: dyn AssocTypeBounded<Out = u32>
pub trait AssocTypeBounded {
    type Out: Clone + Debug + 'static;
    fn get(&self) -> Self::Out;
}

// probe: dyn AssocTypeArg<In = String, Out = u8>
pub trait AssocTypeArg {
    type In;
    type Out;
    fn apply(&self, input: Self::In) -> Self::Out;
}

// probe: dyn AssocTypeSizedWhere
pub trait AssocTypeSizedWhere {
    type Out
    where
        Self: Sized;
    fn plain(&self) -> u8;
}

// probe: dyn AssocTypeWhereOther<Extra = u8>
pub trait AssocTypeWhereOther {
    type Extra
    where
        Self: Debug;
    fn plain(&self) -> u8;
}

// probe: dyn GatType
pub trait GatType {
    type Item<T>;
    fn plain(&self) -> u8;
}

// probe: dyn GatLifetime
pub trait GatLifetime {
    type Item<'a>
    where
        Self: 'a;
    fn plain(&self) -> u8;
}

// probe: dyn GatConst
pub trait GatConst {
    type Array<const N: usize>;
    fn plain(&self) -> u8;
}

// probe: dyn GatLifetimeSizedExempt
pub trait GatLifetimeSizedExempt {
    type Item<'a>
    where
        Self: Sized + 'a;
    fn plain(&self) -> u8;
}

// probe: dyn GatTypeSizedExempt
pub trait GatTypeSizedExempt {
    type Wrapped<T>
    where
        Self: Sized;
    fn plain(&self) -> u8;
}

// probe: dyn LendingIterator
pub trait LendingIterator {
    type Item<'a>
    where
        Self: 'a;
    fn next<'a>(&'a mut self) -> Option<Self::Item<'a>>;
}

// probe: dyn BoundMentionsSelf<U = u8>
pub trait BoundMentionsSelf {
    type U: PartialEq<Self>;
}

// probe: dyn BoundMentionsSelfProjection<Y = u8>
pub trait BoundMentionsSelfProjection {
    type Y: PartialEq<Self::Y>;
}

// probe: dyn BoundMentionsBoxSelf<Z = u8>
pub trait BoundMentionsBoxSelf {
    type Z: PartialEq<Box<Self>>;
    fn plain(&self) -> u8;
}

// probe: dyn BoundMentionsOtherProjection<W = u8>
pub trait BoundMentionsOtherProjection {
    type W: PartialEq<<Self as Tagged>::Tag>;
}

// probe: dyn BoundIteratorOfSelf<It = std::vec::IntoIter<u8>>
pub trait BoundIteratorOfSelf {
    type It: Iterator<Item = Box<Self>>;
}

// probe: dyn BoundIteratorOfProjection<Elem = u8, It = std::vec::IntoIter<u8>>
pub trait BoundIteratorOfProjection {
    type Elem;
    type It: Iterator<Item = Self::Elem>;
    fn items(&self) -> Self::It;
}

// probe: dyn AssocQualifiedOwn<Out = u8>
pub trait AssocQualifiedOwn {
    type Out;
    fn get(&self) -> <Self as AssocQualifiedOwn>::Out;
}
