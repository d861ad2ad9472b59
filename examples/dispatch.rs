//! Sample traits that `dyn` can and cannot dispatch (async methods, `-> impl Trait`, generic
//! methods, `-> Self`), for `dynlens check examples`.
#![allow(dead_code)]

use std::fmt::Debug;
use std::future::Future;

/// Dyn compatible: one plain method.
pub trait DoTheThing {
    fn do_the_thing(&self);
}

/// Dyn compatible once `Item` is named: `dyn Iterator<Item = u32>`.
pub trait MyIterator {
    type Item;
    fn next(&mut self) -> Option<Self::Item>;
}

/// Not dyn compatible: `async fn` returns a future of unknown size.
pub trait AsyncIter {
    type Item;
    async fn next(&mut self) -> Option<Self::Item>;
}

/// Not dyn compatible: an `impl Trait` argument is a generic parameter.
pub trait Append {
    fn append(&mut self, values: impl Iterator<Item = u32>);
}

/// Not dyn compatible: a generic method.
pub trait PrintPrefixed {
    fn prefix(&self) -> String;
    fn apply<T: Debug>(&self, t: T);
}

/// Dyn compatible: `&self` and `&mut self`.
pub trait WidgetContainer {
    fn num_components(&self) -> usize;
    fn add_component(&mut self, name: &str);
}

/// Not dyn compatible: `-> Self`; dyn* carries it.
pub trait Dup {
    fn dup(&self) -> Self;
}

/// Dyn compatible: by-value `self` takes a vtable slot (like `FnOnce`).
pub trait IntoName {
    fn into_name(self) -> String;
}

/// Not dyn compatible: `Clone` requires `Sized`.
pub trait Shape: Clone {
    fn area(&self) -> f64;
}

/// Dyn compatible thanks to `where Self: Sized` ("partial dyn impls").
pub trait Builder {
    fn build(&self) -> String;
    fn new() -> Self
    where
        Self: Sized;
}

/// Not dyn compatible: `-> impl Future` (but dyn* boxes it).
pub trait Fetch {
    fn fetch(&self, key: u32) -> impl Future<Output = String> + Send;
}

/// Dyn compatible, with a supertrait chain.
pub trait Named: Debug {
    fn name(&self) -> String;
}
pub trait Greeter: Named + Send + Sync {
    fn greet(&self) -> String;
}
