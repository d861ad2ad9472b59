//! Oracle corpus: `Self` in method signatures, outside the receiver, and projections
//! through `Self`.

use std::rc::Rc;

/// Implemented for every type, so `<Self as Stamp>::Kind` always resolves.
// probe: dyn Stamp<Kind = u8>
pub trait Stamp {
    type Kind;
}

impl<T: ?Sized> Stamp for T {
    type Kind = u8;
}

// probe: dyn Labelled<Label = String>
pub trait Labelled {
    type Label;
}

// probe: dyn SelfArg
pub trait SelfArg {
    fn absorb(&self, other: Self);
}

// probe: dyn SelfRefArg
pub trait SelfRefArg {
    fn same(&self, other: &Self) -> bool;
}

// probe: dyn SelfBoxArg
pub trait SelfBoxArg {
    fn absorb(&self, other: Box<Self>);
}

// probe: dyn SelfRcArg
pub trait SelfRcArg {
    fn absorb(&self, other: Rc<Self>);
}

// probe: dyn SelfReturn
pub trait SelfReturn {
    fn dup(&self) -> Self;
}

// probe: dyn SelfReturnRef
pub trait SelfReturnRef {
    fn me(&self) -> &Self;
}

// probe: dyn SelfReturnBox
pub trait SelfReturnBox {
    fn boxed(self: Box<Self>) -> Box<Self>;
}

// probe: dyn SelfReturnOptionBox
pub trait SelfReturnOptionBox {
    fn maybe(&self) -> Option<Box<Self>>;
}

// probe: dyn SelfReturnTuple
pub trait SelfReturnTuple {
    fn pair(&self) -> (u8, Box<Self>);
}

// probe: dyn SelfReturnVecBox
pub trait SelfReturnVecBox {
    fn many(&self) -> Vec<Box<Self>>;
}

// probe: dyn SelfOptionSizedExempt
pub trait SelfOptionSizedExempt {
    fn maybe(&self) -> Option<Self>
    where
        Self: Sized;
    fn plain(&self) -> u8;
}

// probe: dyn SelfVecSizedExempt
pub trait SelfVecSizedExempt {
    fn many(&self, items: Vec<Self>) -> usize
    where
        Self: Sized;
    fn plain(&self) -> u8;
}

// probe: dyn SelfInFnPointer
pub trait SelfInFnPointer {
    fn visit(&self, f: fn(&Self));
}

// probe: dyn SelfInDynFn
pub trait SelfInDynFn {
    fn visit(&self, f: &dyn Fn(&Self));
}

// probe: dyn SelfInSlice
pub trait SelfInSlice {
    fn count(&self, others: &[Box<Self>]) -> usize;
}

// probe: dyn SelfAssocOutput<Out = u8>
pub trait SelfAssocOutput {
    type Out;
    fn get(&self) -> Self::Out;
    fn set(&mut self, value: Self::Out);
}

// probe: dyn SelfAssocInOption<Out = u8>
pub trait SelfAssocInOption {
    type Out;
    fn get(&self) -> Option<Vec<Self::Out>>;
}

// probe: dyn SelfSupertraitProjection<Label = String>
pub trait SelfSupertraitProjection: Labelled {
    fn label(&self) -> <Self as Labelled>::Label;
    fn short(&self) -> Self::Label;
}

// probe: dyn SelfIteratorProjection<Item = u32>
pub trait SelfIteratorProjection: Iterator {
    fn peek_item(&self) -> Option<<Self as Iterator>::Item>;
}

// probe: dyn SelfForeignProjection
pub trait SelfForeignProjection {
    fn kind(&self) -> <Self as Stamp>::Kind;
}

// probe: dyn SelfForeignProjectionArg
pub trait SelfForeignProjectionArg {
    fn set_kind(&mut self, kind: <Self as Stamp>::Kind);
}

// probe: dyn SelfForeignProjectionWhere
pub trait SelfForeignProjectionWhere {
    fn label(&self) -> <Self as Labelled>::Label
    where
        Self: Labelled;
}

// probe: dyn SelfReturnSizedExempt
pub trait SelfReturnSizedExempt {
    fn dup(&self) -> Self
    where
        Self: Sized;
    fn plain(&self) -> u8;
}

// probe: dyn SelfRefArgSizedExempt
pub trait SelfRefArgSizedExempt {
    fn same(&self, other: &Self) -> bool
    where
        Self: Sized;
    fn plain(&self) -> u8;
}
