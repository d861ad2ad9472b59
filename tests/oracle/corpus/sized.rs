//! Oracle corpus: the `Sized` supertrait, written directly, through a trait-level
//! `where` clause, and implied by supertraits that require `Sized`.
//!
//! Every trait carries a `// probe:` comment: the `dyn` type the oracle test asks rustc
//! about. It is not an expected verdict; rustc decides.

use std::fmt::Debug;
use std::str::FromStr;

// probe: dyn Marker
pub trait Marker {}

// probe: dyn SizedDirect
pub trait SizedDirect: Sized {}

// probe: dyn SizedWhere
pub trait SizedWhere
where
    Self: Sized,
{
}

// probe: dyn SizedViaClone
pub trait SizedViaClone: Clone {}

// probe: dyn SizedViaCopy
pub trait SizedViaCopy: Copy {}

// probe: dyn SizedViaDefault
pub trait SizedViaDefault: Default {}

// probe: dyn SizedViaFromStr<Err = String>
pub trait SizedViaFromStr: FromStr {}

// probe: dyn SizedViaWhereClone
pub trait SizedViaWhereClone
where
    Self: Clone,
{
    fn describe(&self) -> String;
}

// probe: dyn SizedAmongOthers
pub trait SizedAmongOthers: Debug + Send + Clone {}

// probe: dyn SizedBase
pub trait SizedBase: Sized {
    fn base(&self) -> u8;
}

// probe: dyn SizedTransitive
pub trait SizedTransitive: SizedBase {
    fn extra(&self) -> u8;
}

// probe: dyn SizedTransitiveTwice
pub trait SizedTransitiveTwice: SizedTransitive {}

// probe: dyn SizedOnlyOnMethods
pub trait SizedOnlyOnMethods {
    fn by_ref(&self) -> u8;
    fn consume(self) -> u8
    where
        Self: Sized;
    fn make() -> Self
    where
        Self: Sized;
}

// probe: dyn SizedWithStaticConstructor
pub trait SizedWithStaticConstructor: Sized {
    fn new() -> Self;
    fn value(&self) -> u8;
}

// probe: dyn ParamSized<u8>
pub trait ParamSized<T: Sized + Clone> {
    fn get(&self) -> T;
}

// probe: dyn ParamWhereSized<u8>
pub trait ParamWhereSized<T>
where
    T: Sized + Debug,
{
    fn show(&self, value: T) -> String;
}
