//! Oracle corpus: `async fn`, `-> impl Trait`, `unsafe fn`, default bodies, several
//! violations in one trait, and a few traits shaped like real code.

// The lint is about `Send` futures of public traits; irrelevant to the oracle.
#![allow(async_fn_in_trait)]

use std::cmp::Ordering;
use std::error::Error;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// probe: dyn AsyncIter
pub trait AsyncIter {
    async fn next(&mut self) -> Option<u32>;
}

// probe: dyn AsyncIterAssoc<Item = u32>
pub trait AsyncIterAssoc {
    type Item;
    async fn next(&mut self) -> Option<Self::Item>;
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}

// probe: dyn AsyncSizedExempt
pub trait AsyncSizedExempt {
    async fn fetch(&self) -> u8
    where
        Self: Sized;
    fn cached(&self) -> Option<u8>;
}

// probe: dyn BoxedFutureIter
pub trait BoxedFutureIter {
    fn next(&mut self) -> Pin<Box<dyn Future<Output = Option<u32>> + '_>>;
}

// probe: dyn ReturnImplIterator
pub trait ReturnImplIterator {
    fn items(&self) -> impl Iterator<Item = u8>;
}

// probe: dyn ReturnImplFuture
pub trait ReturnImplFuture {
    fn load(&self) -> impl Future<Output = String> + Send;
}

// probe: dyn ReturnImplSizedExempt
pub trait ReturnImplSizedExempt {
    fn items(&self) -> impl Iterator<Item = u8>
    where
        Self: Sized;
    fn count(&self) -> usize;
}

// probe: dyn ReturnBoxDyn
pub trait ReturnBoxDyn {
    fn items(&self) -> Box<dyn Iterator<Item = u8> + '_>;
}

// probe: dyn Stream<Item = u8>
pub trait Stream {
    type Item;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>>;
}

// probe: dyn UnsafeMethods
pub trait UnsafeMethods {
    unsafe fn read_raw(&self, ptr: *const u8) -> u8;
    unsafe fn reset(&mut self) {}
}

// probe: dyn UnsafeTrait
pub unsafe trait UnsafeTrait {
    fn f(&self) -> u8;
}

// probe: dyn ExternAbiMethod
pub trait ExternAbiMethod {
    extern "C" fn callback(&self, code: i32) -> i32;
}

// probe: dyn DefaultBodies
pub trait DefaultBodies {
    fn base(&self) -> u8;
    fn doubled(&self) -> u8 {
        self.base() * 2
    }
    fn describe(&self) -> String {
        format!("{}", self.base())
    }
}

// probe: dyn DefaultBodyStatic
pub trait DefaultBodyStatic {
    fn make_default() -> u8 {
        0
    }
    fn base(&self) -> u8;
}

// probe: dyn Widget
pub trait Widget {
    fn draw(&self, out: &mut String);
    fn children(&self) -> &[Box<dyn Widget>];
    fn on_click(&mut self, _x: i32, _y: i32) -> bool {
        false
    }
    fn boxed(self) -> Box<dyn Widget>
    where
        Self: Sized + 'static,
    {
        Box::new(self)
    }
}

// probe: dyn Container
pub trait Container {
    fn add(&mut self, child: Box<dyn Widget>);
    fn get(&self, index: usize) -> Option<&dyn Widget>;
    fn len(&self) -> usize;
}

// probe: dyn Dup
pub trait Dup {
    fn dup(&self) -> Self;
}

// probe: dyn DupBox
pub trait DupBox {
    fn dup_box(&self) -> Box<dyn DupBox>;
}

// probe: dyn Comparable
pub trait Comparable {
    fn compare(&self, other: &Self) -> Ordering;
}

// probe: dyn Plugin
pub trait Plugin: Send + Sync {
    fn name(&self) -> &str;
    fn run(&self, args: &[String]) -> Result<(), Box<dyn Error + Send + Sync>>;
}

// probe: dyn Visitor
pub trait Visitor {
    fn visit<N: Debug>(&mut self, node: &N);
}

// probe: dyn Service
pub trait Service {
    async fn call(&self, request: String) -> String;
}

// probe: dyn EventHandler<String>
pub trait EventHandler<E> {
    fn handle(&mut self, event: &E) -> bool;
}

// probe: dyn Repository<Id = u64, Entity = String>
pub trait Repository {
    type Id;
    type Entity;
    fn get(&self, id: &Self::Id) -> Option<Self::Entity>;
    fn insert(&mut self, entity: Self::Entity) -> Self::Id;
}

// probe: dyn Builder
pub trait Builder {
    fn new() -> Self
    where
        Self: Sized;
    fn with_name(self, name: &str) -> Self
    where
        Self: Sized;
    fn build(&self) -> String;
}

// probe: dyn KitchenSink
pub trait KitchenSink: Sized {
    const VERSION: u32;
    type Gat<T>;
    fn generic<T>(&self, value: T);
    fn static_fn() -> u8;
    fn dup(&self) -> Self;
    async fn fetch(&self) -> u8;
    fn items(&self) -> impl Iterator<Item = u8>;
}

// probe: dyn TwoViolations
pub trait TwoViolations {
    fn dup(&self) -> Self;
    fn put<T>(&mut self, value: T);
}

// probe: dyn MostlyExempt
pub trait MostlyExempt {
    fn dup(&self) -> Self
    where
        Self: Sized;
    fn put<T>(&mut self, value: T)
    where
        Self: Sized;
    async fn fetch(&self) -> u8
    where
        Self: Sized;
    fn name(&self) -> &str;
}
