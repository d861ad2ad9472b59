//! Oracle corpus: method receivers, dispatchable or not, and static functions.

use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

// probe: dyn RecvRef
pub trait RecvRef {
    fn get(&self) -> u8;
}

// probe: dyn RecvMut
pub trait RecvMut {
    fn bump(&mut self);
}

// probe: dyn RecvExplicitRef
pub trait RecvExplicitRef {
    fn get(self: &Self) -> u8;
}

// probe: dyn RecvExplicitMut
pub trait RecvExplicitMut {
    fn bump(self: &mut Self);
}

// probe: dyn RecvBox
pub trait RecvBox {
    fn into_len(self: Box<Self>) -> usize;
}

// probe: dyn RecvRc
pub trait RecvRc {
    fn share(self: Rc<Self>) -> usize;
}

// probe: dyn RecvArc
pub trait RecvArc {
    fn share(self: Arc<Self>) -> usize;
}

// probe: dyn RecvPinMut
pub trait RecvPinMut {
    fn poll_once(self: Pin<&mut Self>) -> bool;
}

// probe: dyn RecvPinRef
pub trait RecvPinRef {
    fn peek(self: Pin<&Self>) -> u8;
}

// probe: dyn RecvPinBox
pub trait RecvPinBox {
    fn run(self: Pin<Box<Self>>);
}

// probe: dyn RecvPinRc
pub trait RecvPinRc {
    fn run(self: Pin<Rc<Self>>);
}

// probe: dyn RecvPinArc
pub trait RecvPinArc {
    fn run(self: Pin<Arc<Self>>);
}

// probe: dyn RecvByValue
pub trait RecvByValue {
    fn consume(self) -> u8;
}

// probe: dyn RecvExplicitByValue
pub trait RecvExplicitByValue {
    fn consume(self: Self) -> u8;
}

// probe: dyn RecvByValueSized
pub trait RecvByValueSized {
    fn consume(self) -> u8
    where
        Self: Sized;
    fn peek(&self) -> u8;
}

// probe: dyn RecvLifetime
pub trait RecvLifetime {
    fn name<'a>(&'a self) -> &'a str;
}

// probe: dyn RecvExplicitLifetime
pub trait RecvExplicitLifetime {
    fn name<'a>(self: &'a Self) -> &'a str;
}

// probe: dyn RecvMutLifetimes
pub trait RecvMutLifetimes {
    fn pick<'a, 'b>(&'a mut self, other: &'b str) -> &'a str;
}

// probe: dyn RecvAllDispatchable
pub trait RecvAllDispatchable {
    fn a(&self);
    fn b(&mut self);
    fn c(self: Box<Self>);
    fn d(self: Rc<Self>);
    fn e(self: Arc<Self>);
    fn f(self: Pin<&mut Self>);
    fn g(self);
}

// probe: dyn RecvRcBox
pub trait RecvRcBox {
    fn f(self: Rc<Box<Self>>);
}

// probe: dyn RecvRefBox
pub trait RecvRefBox {
    fn f(self: &Box<Self>);
}

// probe: dyn RecvBoxBox
pub trait RecvBoxBox {
    fn f(self: Box<Box<Self>>);
}

// probe: dyn RecvRefRef
pub trait RecvRefRef {
    fn f(self: &&Self);
}

// probe: dyn RecvRefRc
pub trait RecvRefRc {
    fn f(self: &Rc<Self>);
}

// probe: dyn RecvPinRefBox
pub trait RecvPinRefBox {
    fn f(self: Pin<&Box<Self>>);
}

// probe: dyn RecvUndispatchableSized
pub trait RecvUndispatchableSized {
    fn f(self: Rc<Box<Self>>)
    where
        Self: Sized;
    fn g(&self);
}

// probe: dyn StaticFn
pub trait StaticFn {
    fn create() -> u8;
}

// probe: dyn StaticFnWithDefault
pub trait StaticFnWithDefault {
    fn create() -> u8 {
        0
    }
    fn get(&self) -> u8;
}

// probe: dyn StaticFnSized
pub trait StaticFnSized {
    fn create() -> u8
    where
        Self: Sized;
    fn get(&self) -> u8;
}

// probe: dyn StaticConstructorSized
pub trait StaticConstructorSized {
    fn new() -> Self
    where
        Self: Sized;
    fn get(&self) -> u8;
}

// probe: dyn StaticFnNonSelfParam
pub trait StaticFnNonSelfParam {
    fn from_value(value: &u8) -> u8;
}
