//! Oracle corpus: corners where rustc's rules are easy to get wrong — `Self` in
//! supertrait projections and `Fn` sugar, higher-ranked supertraits, unusual receivers,
//! exemptions implied through supertraits of a method's bound.

use std::fmt::Debug;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::Arc;

// probe: dyn Relation<u8>
pub trait Relation<T: ?Sized> {
    fn holds(&self, other: &T) -> bool;
}

// probe: dyn SupFnTakingSelf
pub trait SupFnTakingSelf: Fn(&Self) -> u8 {}

// probe: dyn SupFnReturningBoxSelf<Output = Box<u8>>
pub trait SupFnReturningBoxSelf: Fn() -> Box<Self> {}

// probe: dyn SupDerefToSelf<Target = u8>
pub trait SupDerefToSelf: Deref<Target = Self> {}

// probe: dyn SupHigherRanked
pub trait SupHigherRanked: for<'a> Relation<&'a u8> {}

// probe: dyn SupDynArg
pub trait SupDynArg: Relation<dyn Debug> {}

// probe: dyn SupPartialEqAndSized
pub trait SupPartialEqAndSized: PartialEq + Sized {}

// probe: dyn SupSendSized
pub unsafe trait SupSendSized: Send + Sized {}

// probe: dyn GenericExemptBase
pub trait GenericExemptBase {
    fn put<T>(&mut self, value: T)
    where
        Self: Sized;
    fn len(&self) -> usize;
}

// probe: dyn GenericExemptChild
pub trait GenericExemptChild: GenericExemptBase {
    fn is_empty(&self) -> bool;
}

// probe: dyn UnsizedAssoc<Text = str>
pub trait UnsizedAssoc {
    type Text: ?Sized;
    fn text(&self) -> &Self::Text;
}

// probe: dyn WhereAssocMentionsSelf<Out = u8>
pub trait WhereAssocMentionsSelf {
    type Out;
    fn f(&self)
    where
        Self::Out: PartialEq<Self>;
}

// probe: dyn WhereSizedAndSend
pub trait WhereSizedAndSend {
    fn f(&self) -> Self
    where
        Self: Sized + Send;
    fn g(&self);
}

// probe: dyn StaticExemptViaClone
pub trait StaticExemptViaClone {
    fn fresh() -> Self
    where
        Self: Clone;
    fn get(&self) -> u8;
}

// probe: dyn StaticExemptViaDefault
pub trait StaticExemptViaDefault {
    fn fresh() -> Self
    where
        Self: Default;
    fn get(&self) -> u8;
}

// probe: dyn StaticWhereSend
pub trait StaticWhereSend {
    fn fresh() -> u8
    where
        Self: Send;
    fn get(&self) -> u8;
}

// probe: dyn RecvMutBinding
pub trait RecvMutBinding {
    fn consume(mut self: Box<Self>) -> usize {
        self.touch();
        0
    }
    fn touch(&mut self);
}

// probe: dyn RecvStaticRef
pub trait RecvStaticRef {
    fn get(&'static self) -> u8;
}

// probe: dyn RecvArcBox
pub trait RecvArcBox {
    fn f(self: Arc<Box<Self>>);
}

// probe: dyn RecvBoxWhereStatic
pub trait RecvBoxWhereStatic {
    fn run(self: Box<Self>)
    where
        Self: 'static;
}

// probe: dyn RecvRcWhereSend
pub trait RecvRcWhereSend {
    fn run(self: Rc<Self>)
    where
        Self: Send + Sync;
}

// probe: dyn SelfInDynOutput
pub trait SelfInDynOutput {
    fn make(&self) -> Box<dyn Fn() -> Box<Self>>;
}

// probe: dyn SelfInDynArgAssoc<Out = u8>
pub trait SelfInDynArgAssoc {
    type Out;
    fn feed(&mut self, items: &mut dyn Iterator<Item = Self::Out>);
}

// probe: dyn ByValueReturnsAssoc<Out = u8>
pub trait ByValueReturnsAssoc {
    type Out;
    fn finish(self) -> Self::Out;
}

// probe: dyn ExemptEverything
pub trait ExemptEverything {
    fn a<T>(&self, value: T)
    where
        Self: Sized;
    fn b() -> Self
    where
        Self: Sized;
    fn c(&self, other: &Self)
    where
        Self: Copy;
}

// probe: dyn OnlyExemptMethodsAndConst
pub trait OnlyExemptMethodsAndConst {
    const LIMIT: u8;
    fn a() -> Self
    where
        Self: Sized;
}

// probe: dyn GatAndSizedMethod
pub trait GatAndSizedMethod {
    type Item<'a>
    where
        Self: 'a;
    fn get<'a>(&'a self) -> Self::Item<'a>
    where
        Self: Sized;
}
