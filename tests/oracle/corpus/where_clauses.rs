//! Oracle corpus: `where` clauses on methods and on traits that mention `Self`.

use std::fmt::Debug;

// probe: dyn Helper
pub trait Helper {
    fn help(&self) -> u8;
}

// probe: dyn WhereHelper
pub trait WhereHelper {
    fn f(&self)
    where
        Self: Helper;
}

// probe: dyn WhereSend
pub trait WhereSend {
    fn f(&self)
    where
        Self: Send;
}

// probe: dyn WhereSendSync
pub trait WhereSendSync {
    fn f(&self)
    where
        Self: Send + Sync;
}

// probe: dyn WhereUnpin
pub trait WhereUnpin {
    fn f(&mut self)
    where
        Self: Unpin;
}

// probe: dyn WhereStatic
pub trait WhereStatic {
    fn f(&self)
    where
        Self: 'static;
}

// probe: dyn WhereSendStatic
pub trait WhereSendStatic {
    fn f(&self)
    where
        Self: Send + Sync + 'static;
}

// probe: dyn WhereLifetimeParam
pub trait WhereLifetimeParam {
    fn f<'a>(&'a self) -> &'a u8
    where
        Self: 'a;
}

// probe: dyn WhereClone
pub trait WhereClone {
    fn f(&self) -> Self
    where
        Self: Clone;
    fn g(&self) -> u8;
}

// probe: dyn WhereCopy
pub trait WhereCopy {
    fn f(&self)
    where
        Self: Copy;
}

// probe: dyn WhereDefault
pub trait WhereDefault {
    fn reset(&mut self)
    where
        Self: Default;
}

// probe: dyn WhereSized
pub trait WhereSized {
    fn f(&self)
    where
        Self: Sized;
}

// probe: dyn WhereSizedAndHelper
pub trait WhereSizedAndHelper {
    fn f(&self)
    where
        Self: Sized + Helper;
    fn g(&self);
}

// probe: dyn WhereDebug
pub trait WhereDebug {
    fn f(&self)
    where
        Self: Debug;
}

// probe: dyn WhereOwnSupertrait
pub trait WhereOwnSupertrait: Debug {
    fn f(&self)
    where
        Self: Debug;
}

// probe: dyn WhereIterator
pub trait WhereIterator {
    fn f(&mut self)
    where
        Self: Iterator<Item = u8>;
}

// probe: dyn WhereRefSelf
pub trait WhereRefSelf {
    fn f(&self)
    where
        for<'a> &'a Self: Debug;
}

// probe: dyn WhereAssocProjection<Out = u8>
pub trait WhereAssocProjection {
    type Out;
    fn f(&self)
    where
        Self::Out: Debug;
}

// probe: dyn WhereUnrelated
pub trait WhereUnrelated {
    fn f(&self)
    where
        u8: Copy;
}

// probe: dyn WhereParamMentionsSelf<u8>
pub trait WhereParamMentionsSelf<T> {
    fn f(&self, value: T)
    where
        T: PartialEq<Self>;
}

// probe: dyn WhereParamPlain<u8>
pub trait WhereParamPlain<T> {
    fn f(&self, value: T)
    where
        T: Debug;
}

// probe: dyn TraitWhereDebug
pub trait TraitWhereDebug
where
    Self: Debug,
{
    fn f(&self);
}

// probe: dyn TraitWhereSendStatic
pub trait TraitWhereSendStatic
where
    Self: Send + 'static,
{
    fn f(&self);
}

// probe: dyn TraitWherePartialEq
pub trait TraitWherePartialEq
where
    Self: PartialEq,
{
    fn f(&self);
}

// probe: dyn TraitWhereParamMentionsSelf<u8>
pub trait TraitWhereParamMentionsSelf<T>
where
    T: PartialEq<Self>,
{
    fn f(&self);
}

// probe: dyn TraitWhereParamPlain<u8>
pub trait TraitWhereParamPlain<T>
where
    T: Debug + Clone,
{
    fn f(&self, value: T);
}

// probe: dyn TraitWhereBoxSelf
pub trait TraitWhereBoxSelf
where
    Box<Self>: Debug,
{
    fn f(&self);
}
