//! Oracle corpus: generic methods (type, const and lifetime parameters, `impl Trait`
//! arguments) and generic traits.

use std::fmt::Debug;

// probe: dyn GenericMethod
pub trait GenericMethod {
    fn put<T>(&mut self, value: T);
}

// probe: dyn GenericMethodBounded
pub trait GenericMethodBounded {
    fn show<T: Debug>(&self, value: &T) -> String;
}

// probe: dyn GenericMethodUnsizedParam
pub trait GenericMethodUnsizedParam {
    fn show<T: Debug + ?Sized>(&self, value: &T) -> String;
}

// probe: dyn ConstParamMethod
pub trait ConstParamMethod {
    fn chunk<const N: usize>(&self) -> [u8; N];
}

// probe: dyn ImplTraitArg
pub trait ImplTraitArg {
    fn log(&self, value: impl Debug);
}

// probe: dyn ImplTraitArgRef
pub trait ImplTraitArgRef {
    fn log(&self, value: &impl Debug);
}

// probe: dyn ImplFnArg
pub trait ImplFnArg {
    fn each(&self, f: impl Fn(u8));
}

// probe: dyn LifetimeParams
pub trait LifetimeParams {
    fn longest<'a, 'b: 'a>(&'a self, other: &'b str) -> &'a str;
}

// probe: dyn LateBoundLifetimeOnly
pub trait LateBoundLifetimeOnly {
    fn first<'a>(&self, items: &'a [u8]) -> Option<&'a u8>;
}

// probe: dyn HigherRankedArg
pub trait HigherRankedArg {
    fn apply(&self, f: &dyn for<'a> Fn(&'a str) -> &'a str) -> String;
}

// probe: dyn FnPointerArg
pub trait FnPointerArg {
    fn apply(&self, f: fn(u8) -> u8) -> u8;
}

// probe: dyn DynArg
pub trait DynArg {
    fn log(&self, value: &dyn Debug);
    fn log_boxed(&self, value: Box<dyn Debug + Send>);
}

// probe: dyn GenericMethodSizedExempt
pub trait GenericMethodSizedExempt {
    fn put<T>(&mut self, value: T)
    where
        Self: Sized;
    fn len(&self) -> usize;
}

// probe: dyn ImplTraitArgSizedExempt
pub trait ImplTraitArgSizedExempt {
    fn log(&self, value: impl Debug)
    where
        Self: Sized;
    fn len(&self) -> usize;
}

// probe: dyn ConstParamSizedExempt
pub trait ConstParamSizedExempt {
    fn chunk<const N: usize>(&self) -> [u8; N]
    where
        Self: Sized;
    fn len(&self) -> usize;
}

// probe: dyn GenericTrait<u8>
pub trait GenericTrait<T> {
    fn get(&self) -> T;
    fn set(&mut self, value: T);
}

// probe: dyn GenericTraitTwo<u8, String>
pub trait GenericTraitTwo<K, V> {
    fn lookup(&self, key: &K) -> Option<&V>;
}

// probe: dyn GenericTraitDefault
pub trait GenericTraitDefault<T = u8> {
    fn get(&self) -> T;
}

// probe: dyn GenericTraitDefaultSelf<u8>
pub trait GenericTraitDefaultSelf<T = Self> {
    fn accepts(&self, value: &T) -> bool;
}

// probe: dyn GenericTraitUnsizedParam<str>
pub trait GenericTraitUnsizedParam<T: ?Sized> {
    fn holds(&self, value: &T) -> bool;
}

// probe: dyn LifetimeTrait<'static>
pub trait LifetimeTrait<'a> {
    fn text(&self) -> &'a str;
}

// probe: dyn ConstGenericTrait<4>
pub trait ConstGenericTrait<const N: usize> {
    fn block(&self) -> [u8; N];
}

// probe: dyn GenericTraitBoundSelf<u8>
pub trait GenericTraitBoundSelf<T: PartialEq<Self>> {
    fn get(&self) -> T;
}

// probe: dyn GenericTraitWhere<u8>
pub trait GenericTraitWhere<T>
where
    T: Clone + Debug,
{
    fn get(&self) -> T;
}

// probe: dyn GenericTraitGenericMethod<u8>
pub trait GenericTraitGenericMethod<T> {
    fn convert<U: From<T>>(&self) -> U;
}
