//! GENERATED FILE — do not edit by hand.
//!
//! The standard library's trait declarations, as dynlens knows them when the toolchain's
//! rust-src component is not installed. Generated from the rust-src of
//! `rustc 1.95.0 (59807616e 2026-04-14)`
//! by `server/std/src/catalog.rs`; regenerate with
//! `UPDATE_STD_CATALOG=1 cargo test -p dynlens-std tests::catalog_is_up_to_date`.
//!
//! Format: each trait follows a marker line `// @trait <canonical path> (<file in library/>)`.
//! Declarations keep their supertraits, generics (with defaults), where clauses, `unsafe` and
//! `auto`, and every associated item with its exact signature. Dropped: doc comments,
//! comments, attributes, items whose `#[cfg]` is off in a normal build, the `const` of
//! `const trait` and `[const]` bounds. Default method bodies are replaced by `{}`, so
//! `{}` means "has a default body" and `;` means "required". The unstable sized-hierarchy
//! bounds are written the stable way: `T: PointeeSized` as `T: ?Sized`, and the implicit
//! `PointeeSized`/`MetaSized` supertraits are left out.

// @trait core::marker::PointeeSized (core/src/marker.rs)
pub trait PointeeSized {}

// @trait core::marker::MetaSized (core/src/marker.rs)
pub trait MetaSized: PointeeSized {}

// @trait core::marker::Sized (core/src/marker.rs)
pub trait Sized: MetaSized {}

// @trait core::marker::Send (core/src/marker.rs)
pub unsafe auto trait Send {}

// @trait core::marker::Sync (core/src/marker.rs)
pub unsafe auto trait Sync {}

// @trait core::marker::Copy (core/src/marker.rs)
pub trait Copy: Clone {}

// @trait core::marker::Unpin (core/src/marker.rs)
pub auto trait Unpin {}

// @trait core::marker::Tuple (core/src/marker.rs)
pub trait Tuple {}

// @trait core::marker::Destruct (core/src/marker.rs)
pub trait Destruct {}

// @trait core::iter::TrustedRandomAccessNoCoerce (core/src/iter/adapters/zip.rs)
pub unsafe trait TrustedRandomAccessNoCoerce: Sized {
    fn size(&self) -> usize
    where
        Self: Iterator,
    {}
    const MAY_HAVE_SIDE_EFFECT: bool;
}

// @trait core::clone::Clone (core/src/clone.rs)
pub trait Clone: Sized {
    fn clone(&self) -> Self;
    fn clone_from(&mut self, source: &Self)
    where
        Self: Destruct,
    {}
}

// @trait core::default::Default (core/src/default.rs)
pub trait Default: Sized {
    fn default() -> Self;
}

// @trait core::fmt::Debug (core/src/fmt/mod.rs)
pub trait Debug {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::Display (core/src/fmt/mod.rs)
pub trait Display {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::Write (core/src/fmt/mod.rs)
pub trait Write {
    fn write_str(&mut self, s: &str) -> Result;
    fn write_char(&mut self, c: char) -> Result {}
    fn write_fmt(&mut self, args: Arguments<'_>) -> Result {}
}

// @trait core::fmt::Binary (core/src/fmt/mod.rs)
pub trait Binary {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::Octal (core/src/fmt/mod.rs)
pub trait Octal {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::LowerHex (core/src/fmt/mod.rs)
pub trait LowerHex {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::UpperHex (core/src/fmt/mod.rs)
pub trait UpperHex {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::Pointer (core/src/fmt/mod.rs)
pub trait Pointer {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::LowerExp (core/src/fmt/mod.rs)
pub trait LowerExp {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::fmt::UpperExp (core/src/fmt/mod.rs)
pub trait UpperExp {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result;
}

// @trait core::cmp::PartialEq (core/src/cmp.rs)
pub trait PartialEq<Rhs: ?Sized = Self> {
    fn eq(&self, other: &Rhs) -> bool;
    fn ne(&self, other: &Rhs) -> bool {}
}

// @trait core::cmp::Eq (core/src/cmp.rs)
pub trait Eq: PartialEq<Self> {
    fn assert_receiver_is_total_eq(&self) {}
    #[unstable(feature = "derive_eq_internals")]
    fn assert_fields_are_eq(&self) {}
}

// @trait core::cmp::PartialOrd (core/src/cmp.rs)
pub trait PartialOrd<Rhs: ?Sized = Self>: PartialEq<Rhs> {
    fn partial_cmp(&self, other: &Rhs) -> Option<Ordering>;
    fn lt(&self, other: &Rhs) -> bool {}
    fn le(&self, other: &Rhs) -> bool {}
    fn gt(&self, other: &Rhs) -> bool {}
    fn ge(&self, other: &Rhs) -> bool {}
    #[unstable(feature = "partial_ord_chaining_methods")]
    fn __chaining_lt(&self, other: &Rhs) -> ControlFlow<bool> {}
    #[unstable(feature = "partial_ord_chaining_methods")]
    fn __chaining_le(&self, other: &Rhs) -> ControlFlow<bool> {}
    #[unstable(feature = "partial_ord_chaining_methods")]
    fn __chaining_gt(&self, other: &Rhs) -> ControlFlow<bool> {}
    #[unstable(feature = "partial_ord_chaining_methods")]
    fn __chaining_ge(&self, other: &Rhs) -> ControlFlow<bool> {}
}

// @trait core::cmp::Ord (core/src/cmp.rs)
pub trait Ord: Eq + PartialOrd<Self> {
    fn cmp(&self, other: &Self) -> Ordering;
    fn max(self, other: Self) -> Self
    where
        Self: Sized + Destruct,
    {}
    fn min(self, other: Self) -> Self
    where
        Self: Sized + Destruct,
    {}
    fn clamp(self, min: Self, max: Self) -> Self
    where
        Self: Sized + Destruct,
    {}
}

// @trait core::hash::Hash (core/src/hash/mod.rs)
pub trait Hash {
    fn hash<H: Hasher>(&self, state: &mut H);
    fn hash_slice<H: Hasher>(data: &[Self], state: &mut H)
    where
        Self: Sized,
    {}
}

// @trait core::hash::Hasher (core/src/hash/mod.rs)
pub trait Hasher {
    fn finish(&self) -> u64;
    fn write(&mut self, bytes: &[u8]);
    fn write_u8(&mut self, i: u8) {}
    fn write_u16(&mut self, i: u16) {}
    fn write_u32(&mut self, i: u32) {}
    fn write_u64(&mut self, i: u64) {}
    fn write_u128(&mut self, i: u128) {}
    fn write_usize(&mut self, i: usize) {}
    fn write_i8(&mut self, i: i8) {}
    fn write_i16(&mut self, i: i16) {}
    fn write_i32(&mut self, i: i32) {}
    fn write_i64(&mut self, i: i64) {}
    fn write_i128(&mut self, i: i128) {}
    fn write_isize(&mut self, i: isize) {}
    #[unstable(feature = "hasher_prefixfree_extras")]
    fn write_length_prefix(&mut self, len: usize) {}
    #[unstable(feature = "hasher_prefixfree_extras")]
    fn write_str(&mut self, s: &str) {}
}

// @trait core::hash::BuildHasher (core/src/hash/mod.rs)
pub trait BuildHasher {
    type Hasher: Hasher;
    fn build_hasher(&self) -> Self::Hasher;
    fn hash_one<T: Hash>(&self, x: T) -> u64
    where
        Self: Sized,
        Self::Hasher: Hasher,
    {}
}

// @trait core::iter::Iterator (core/src/iter/traits/iterator.rs)
pub trait Iterator {
    type Item;
    fn next(&mut self) -> Option<Self::Item>;
    #[unstable(feature = "iter_next_chunk")]
    fn next_chunk<const N: usize>(
        &mut self,
    ) -> Result<[Self::Item; N], array::IntoIter<Self::Item, N>>
    where
        Self: Sized,
    {}
    fn size_hint(&self) -> (usize, Option<usize>) {}
    fn count(self) -> usize
    where
        Self: Sized,
    {}
    fn last(self) -> Option<Self::Item>
    where
        Self: Sized,
    {}
    #[unstable(feature = "iter_advance_by")]
    fn advance_by(&mut self, n: usize) -> Result<(), NonZero<usize>> {}
    fn nth(&mut self, n: usize) -> Option<Self::Item> {}
    fn step_by(self, step: usize) -> StepBy<Self>
    where
        Self: Sized,
    {}
    fn chain<U>(self, other: U) -> Chain<Self, U::IntoIter>
    where
        Self: Sized,
        U: IntoIterator<Item = Self::Item>,
    {}
    fn zip<U>(self, other: U) -> Zip<Self, U::IntoIter>
    where
        Self: Sized,
        U: IntoIterator,
    {}
    #[unstable(feature = "iter_intersperse")]
    fn intersperse(self, separator: Self::Item) -> Intersperse<Self>
    where
        Self: Sized,
        Self::Item: Clone,
    {}
    #[unstable(feature = "iter_intersperse")]
    fn intersperse_with<G>(self, separator: G) -> IntersperseWith<Self, G>
    where
        Self: Sized,
        G: FnMut() -> Self::Item,
    {}
    fn map<B, F>(self, f: F) -> Map<Self, F>
    where
        Self: Sized,
        F: FnMut(Self::Item) -> B,
    {}
    fn for_each<F>(self, f: F)
    where
        Self: Sized,
        F: FnMut(Self::Item),
    {}
    fn filter<P>(self, predicate: P) -> Filter<Self, P>
    where
        Self: Sized,
        P: FnMut(&Self::Item) -> bool,
    {}
    fn filter_map<B, F>(self, f: F) -> FilterMap<Self, F>
    where
        Self: Sized,
        F: FnMut(Self::Item) -> Option<B>,
    {}
    fn enumerate(self) -> Enumerate<Self>
    where
        Self: Sized,
    {}
    fn peekable(self) -> Peekable<Self>
    where
        Self: Sized,
    {}
    fn skip_while<P>(self, predicate: P) -> SkipWhile<Self, P>
    where
        Self: Sized,
        P: FnMut(&Self::Item) -> bool,
    {}
    fn take_while<P>(self, predicate: P) -> TakeWhile<Self, P>
    where
        Self: Sized,
        P: FnMut(&Self::Item) -> bool,
    {}
    fn map_while<B, P>(self, predicate: P) -> MapWhile<Self, P>
    where
        Self: Sized,
        P: FnMut(Self::Item) -> Option<B>,
    {}
    fn skip(self, n: usize) -> Skip<Self>
    where
        Self: Sized,
    {}
    fn take(self, n: usize) -> Take<Self>
    where
        Self: Sized,
    {}
    fn scan<St, B, F>(self, initial_state: St, f: F) -> Scan<Self, St, F>
    where
        Self: Sized,
        F: FnMut(&mut St, Self::Item) -> Option<B>,
    {}
    fn flat_map<U, F>(self, f: F) -> FlatMap<Self, U, F>
    where
        Self: Sized,
        U: IntoIterator,
        F: FnMut(Self::Item) -> U,
    {}
    fn flatten(self) -> Flatten<Self>
    where
        Self: Sized,
        Self::Item: IntoIterator,
    {}
    #[unstable(feature = "iter_map_windows")]
    fn map_windows<F, R, const N: usize>(self, f: F) -> MapWindows<Self, F, N>
    where
        Self: Sized,
        F: FnMut(&[Self::Item; N]) -> R,
    {}
    fn fuse(self) -> Fuse<Self>
    where
        Self: Sized,
    {}
    fn inspect<F>(self, f: F) -> Inspect<Self, F>
    where
        Self: Sized,
        F: FnMut(&Self::Item),
    {}
    fn by_ref(&mut self) -> &mut Self
    where
        Self: Sized,
    {}
    fn collect<B: FromIterator<Self::Item>>(self) -> B
    where
        Self: Sized,
    {}
    #[unstable(feature = "iterator_try_collect")]
    fn try_collect<B>(&mut self) -> ChangeOutputType<Self::Item, B>
    where
        Self: Sized,
        Self::Item: Try<Residual: Residual<B>>,
        B: FromIterator<<Self::Item as Try>::Output>,
    {}
    #[unstable(feature = "iter_collect_into")]
    fn collect_into<E: Extend<Self::Item>>(self, collection: &mut E) -> &mut E
    where
        Self: Sized,
    {}
    fn partition<B, F>(self, f: F) -> (B, B)
    where
        Self: Sized,
        B: Default + Extend<Self::Item>,
        F: FnMut(&Self::Item) -> bool,
    {}
    #[unstable(feature = "iter_partition_in_place")]
    fn partition_in_place<'a, T: 'a, P>(mut self, ref mut predicate: P) -> usize
    where
        Self: Sized + DoubleEndedIterator<Item = &'a mut T>,
        P: FnMut(&T) -> bool,
    {}
    #[unstable(feature = "iter_is_partitioned")]
    fn is_partitioned<P>(mut self, mut predicate: P) -> bool
    where
        Self: Sized,
        P: FnMut(Self::Item) -> bool,
    {}
    fn try_fold<B, F, R>(&mut self, init: B, mut f: F) -> R
    where
        Self: Sized,
        F: FnMut(B, Self::Item) -> R,
        R: Try<Output = B>,
    {}
    fn try_for_each<F, R>(&mut self, f: F) -> R
    where
        Self: Sized,
        F: FnMut(Self::Item) -> R,
        R: Try<Output = ()>,
    {}
    fn fold<B, F>(mut self, init: B, mut f: F) -> B
    where
        Self: Sized,
        F: FnMut(B, Self::Item) -> B,
    {}
    fn reduce<F>(mut self, f: F) -> Option<Self::Item>
    where
        Self: Sized,
        F: FnMut(Self::Item, Self::Item) -> Self::Item,
    {}
    #[unstable(feature = "iterator_try_reduce")]
    fn try_reduce<R>(
        &mut self,
        f: impl FnMut(Self::Item, Self::Item) -> R,
    ) -> ChangeOutputType<R, Option<R::Output>>
    where
        Self: Sized,
        R: Try<Output = Self::Item, Residual: Residual<Option<Self::Item>>>,
    {}
    fn all<F>(&mut self, f: F) -> bool
    where
        Self: Sized,
        F: FnMut(Self::Item) -> bool,
    {}
    fn any<F>(&mut self, f: F) -> bool
    where
        Self: Sized,
        F: FnMut(Self::Item) -> bool,
    {}
    fn find<P>(&mut self, predicate: P) -> Option<Self::Item>
    where
        Self: Sized,
        P: FnMut(&Self::Item) -> bool,
    {}
    fn find_map<B, F>(&mut self, f: F) -> Option<B>
    where
        Self: Sized,
        F: FnMut(Self::Item) -> Option<B>,
    {}
    #[unstable(feature = "try_find")]
    fn try_find<R>(
        &mut self,
        f: impl FnMut(&Self::Item) -> R,
    ) -> ChangeOutputType<R, Option<Self::Item>>
    where
        Self: Sized,
        R: Try<Output = bool, Residual: Residual<Option<Self::Item>>>,
    {}
    fn position<P>(&mut self, predicate: P) -> Option<usize>
    where
        Self: Sized,
        P: FnMut(Self::Item) -> bool,
    {}
    fn rposition<P>(&mut self, predicate: P) -> Option<usize>
    where
        P: FnMut(Self::Item) -> bool,
        Self: Sized + ExactSizeIterator + DoubleEndedIterator,
    {}
    fn max(self) -> Option<Self::Item>
    where
        Self: Sized,
        Self::Item: Ord,
    {}
    fn min(self) -> Option<Self::Item>
    where
        Self: Sized,
        Self::Item: Ord,
    {}
    fn max_by_key<B: Ord, F>(self, f: F) -> Option<Self::Item>
    where
        Self: Sized,
        F: FnMut(&Self::Item) -> B,
    {}
    fn max_by<F>(self, compare: F) -> Option<Self::Item>
    where
        Self: Sized,
        F: FnMut(&Self::Item, &Self::Item) -> Ordering,
    {}
    fn min_by_key<B: Ord, F>(self, f: F) -> Option<Self::Item>
    where
        Self: Sized,
        F: FnMut(&Self::Item) -> B,
    {}
    fn min_by<F>(self, compare: F) -> Option<Self::Item>
    where
        Self: Sized,
        F: FnMut(&Self::Item, &Self::Item) -> Ordering,
    {}
    fn rev(self) -> Rev<Self>
    where
        Self: Sized + DoubleEndedIterator,
    {}
    fn unzip<A, B, FromA, FromB>(self) -> (FromA, FromB)
    where
        FromA: Default + Extend<A>,
        FromB: Default + Extend<B>,
        Self: Sized + Iterator<Item = (A, B)>,
    {}
    fn copied<'a, T>(self) -> Copied<Self>
    where
        T: Copy + 'a,
        Self: Sized + Iterator<Item = &'a T>,
    {}
    fn cloned<'a, T>(self) -> Cloned<Self>
    where
        T: Clone + 'a,
        Self: Sized + Iterator<Item = &'a T>,
    {}
    fn cycle(self) -> Cycle<Self>
    where
        Self: Sized + Clone,
    {}
    #[unstable(feature = "iter_array_chunks")]
    fn array_chunks<const N: usize>(self) -> ArrayChunks<Self, N>
    where
        Self: Sized,
    {}
    fn sum<S>(self) -> S
    where
        Self: Sized,
        S: Sum<Self::Item>,
    {}
    fn product<P>(self) -> P
    where
        Self: Sized,
        P: Product<Self::Item>,
    {}
    fn cmp<I>(self, other: I) -> Ordering
    where
        I: IntoIterator<Item = Self::Item>,
        Self::Item: Ord,
        Self: Sized,
    {}
    #[unstable(feature = "iter_order_by")]
    fn cmp_by<I, F>(self, other: I, cmp: F) -> Ordering
    where
        Self: Sized,
        I: IntoIterator,
        F: FnMut(Self::Item, I::Item) -> Ordering,
    {}
    fn partial_cmp<I>(self, other: I) -> Option<Ordering>
    where
        I: IntoIterator,
        Self::Item: PartialOrd<I::Item>,
        Self: Sized,
    {}
    #[unstable(feature = "iter_order_by")]
    fn partial_cmp_by<I, F>(self, other: I, partial_cmp: F) -> Option<Ordering>
    where
        Self: Sized,
        I: IntoIterator,
        F: FnMut(Self::Item, I::Item) -> Option<Ordering>,
    {}
    fn eq<I>(self, other: I) -> bool
    where
        I: IntoIterator,
        Self::Item: PartialEq<I::Item>,
        Self: Sized,
    {}
    #[unstable(feature = "iter_order_by")]
    fn eq_by<I, F>(self, other: I, eq: F) -> bool
    where
        Self: Sized,
        I: IntoIterator,
        F: FnMut(Self::Item, I::Item) -> bool,
    {}
    fn ne<I>(self, other: I) -> bool
    where
        I: IntoIterator,
        Self::Item: PartialEq<I::Item>,
        Self: Sized,
    {}
    fn lt<I>(self, other: I) -> bool
    where
        I: IntoIterator,
        Self::Item: PartialOrd<I::Item>,
        Self: Sized,
    {}
    fn le<I>(self, other: I) -> bool
    where
        I: IntoIterator,
        Self::Item: PartialOrd<I::Item>,
        Self: Sized,
    {}
    fn gt<I>(self, other: I) -> bool
    where
        I: IntoIterator,
        Self::Item: PartialOrd<I::Item>,
        Self: Sized,
    {}
    fn ge<I>(self, other: I) -> bool
    where
        I: IntoIterator,
        Self::Item: PartialOrd<I::Item>,
        Self: Sized,
    {}
    fn is_sorted(self) -> bool
    where
        Self: Sized,
        Self::Item: PartialOrd,
    {}
    fn is_sorted_by<F>(mut self, compare: F) -> bool
    where
        Self: Sized,
        F: FnMut(&Self::Item, &Self::Item) -> bool,
    {}
    fn is_sorted_by_key<F, K>(self, f: F) -> bool
    where
        Self: Sized,
        F: FnMut(Self::Item) -> K,
        K: PartialOrd,
    {}
    #[unstable(feature = "trusted_random_access")]
    unsafe fn __iterator_get_unchecked(&mut self, _idx: usize) -> Self::Item
    where
        Self: TrustedRandomAccessNoCoerce,
    {}
}

// @trait core::iter::IntoIterator (core/src/iter/traits/collect.rs)
pub trait IntoIterator {
    type Item;
    type IntoIter: Iterator<Item = Self::Item>;
    fn into_iter(self) -> Self::IntoIter;
}

// @trait core::iter::DoubleEndedIterator (core/src/iter/traits/double_ended.rs)
pub trait DoubleEndedIterator: Iterator {
    fn next_back(&mut self) -> Option<Self::Item>;
    #[unstable(feature = "iter_advance_by")]
    fn advance_back_by(&mut self, n: usize) -> Result<(), NonZero<usize>> {}
    fn nth_back(&mut self, n: usize) -> Option<Self::Item> {}
    fn try_rfold<B, F, R>(&mut self, init: B, mut f: F) -> R
    where
        Self: Sized,
        F: FnMut(B, Self::Item) -> R,
        R: Try<Output = B>,
    {}
    fn rfold<B, F>(mut self, init: B, mut f: F) -> B
    where
        Self: Sized,
        F: FnMut(B, Self::Item) -> B,
    {}
    fn rfind<P>(&mut self, predicate: P) -> Option<Self::Item>
    where
        Self: Sized,
        P: FnMut(&Self::Item) -> bool,
    {}
}

// @trait core::iter::ExactSizeIterator (core/src/iter/traits/exact_size.rs)
pub trait ExactSizeIterator: Iterator {
    fn len(&self) -> usize {}
    #[unstable(feature = "exact_size_is_empty")]
    fn is_empty(&self) -> bool {}
}

// @trait core::iter::FusedIterator (core/src/iter/traits/marker.rs)
pub trait FusedIterator: Iterator {}

// @trait core::iter::Extend (core/src/iter/traits/collect.rs)
pub trait Extend<A> {
    fn extend<T: IntoIterator<Item = A>>(&mut self, iter: T);
    #[unstable(feature = "extend_one")]
    fn extend_one(&mut self, item: A) {}
    #[unstable(feature = "extend_one")]
    fn extend_reserve(&mut self, additional: usize) {}
    #[unstable(feature = "extend_one_unchecked")]
    unsafe fn extend_one_unchecked(&mut self, item: A)
    where
        Self: Sized,
    {}
}

// @trait core::iter::FromIterator (core/src/iter/traits/collect.rs)
pub trait FromIterator<A>: Sized {
    fn from_iter<T: IntoIterator<Item = A>>(iter: T) -> Self;
}

// @trait core::iter::Sum (core/src/iter/traits/accum.rs)
pub trait Sum<A = Self>: Sized {
    fn sum<I: Iterator<Item = A>>(iter: I) -> Self;
}

// @trait core::iter::Product (core/src/iter/traits/accum.rs)
pub trait Product<A = Self>: Sized {
    fn product<I: Iterator<Item = A>>(iter: I) -> Self;
}

// @trait core::future::Future (core/src/future/future.rs)
pub trait Future {
    type Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output>;
}

// @trait core::future::IntoFuture (core/src/future/into_future.rs)
pub trait IntoFuture {
    type Output;
    type IntoFuture: Future<Output = Self::Output>;
    fn into_future(self) -> Self::IntoFuture;
}

// @trait core::ops::FnOnce (core/src/ops/function.rs)
pub trait FnOnce<Args: Tuple> {
    type Output;
    #[unstable(feature = "fn_traits")]
    extern "rust-call" fn call_once(self, args: Args) -> Self::Output;
}

// @trait core::ops::FnMut (core/src/ops/function.rs)
pub trait FnMut<Args: Tuple>: FnOnce<Args> {
    #[unstable(feature = "fn_traits")]
    extern "rust-call" fn call_mut(&mut self, args: Args) -> Self::Output;
}

// @trait core::ops::Fn (core/src/ops/function.rs)
pub trait Fn<Args: Tuple>: FnMut<Args> {
    #[unstable(feature = "fn_traits")]
    extern "rust-call" fn call(&self, args: Args) -> Self::Output;
}

// @trait core::ops::AsyncFnOnce (core/src/ops/async_function.rs)
pub trait AsyncFnOnce<Args: Tuple> {
    #[unstable(feature = "async_fn_traits")]
    type CallOnceFuture: Future<Output = Self::Output>;
    #[unstable(feature = "async_fn_traits")]
    type Output;
    #[unstable(feature = "async_fn_traits")]
    extern "rust-call" fn async_call_once(self, args: Args) -> Self::CallOnceFuture;
}

// @trait core::ops::AsyncFnMut (core/src/ops/async_function.rs)
pub trait AsyncFnMut<Args: Tuple>: AsyncFnOnce<Args> {
    #[unstable(feature = "async_fn_traits")]
    type CallRefFuture<'a>: Future<Output = Self::Output> where Self: 'a;
    #[unstable(feature = "async_fn_traits")]
    extern "rust-call" fn async_call_mut(
        &mut self,
        args: Args,
    ) -> Self::CallRefFuture<'_>;
}

// @trait core::ops::AsyncFn (core/src/ops/async_function.rs)
pub trait AsyncFn<Args: Tuple>: AsyncFnMut<Args> {
    #[unstable(feature = "async_fn_traits")]
    extern "rust-call" fn async_call(&self, args: Args) -> Self::CallRefFuture<'_>;
}

// @trait core::ops::Drop (core/src/ops/drop.rs)
pub trait Drop {
    fn drop(&mut self);
}

// @trait core::ops::Deref (core/src/ops/deref.rs)
pub trait Deref {
    type Target: ?Sized;
    fn deref(&self) -> &Self::Target;
}

// @trait core::ops::DerefMut (core/src/ops/deref.rs)
pub trait DerefMut: Deref {
    fn deref_mut(&mut self) -> &mut Self::Target;
}

// @trait core::ops::Add (core/src/ops/arith.rs)
pub trait Add<Rhs = Self> {
    type Output;
    fn add(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::Sub (core/src/ops/arith.rs)
pub trait Sub<Rhs = Self> {
    type Output;
    fn sub(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::Mul (core/src/ops/arith.rs)
pub trait Mul<Rhs = Self> {
    type Output;
    fn mul(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::Div (core/src/ops/arith.rs)
pub trait Div<Rhs = Self> {
    type Output;
    fn div(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::Rem (core/src/ops/arith.rs)
pub trait Rem<Rhs = Self> {
    type Output;
    fn rem(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::Neg (core/src/ops/arith.rs)
pub trait Neg {
    type Output;
    fn neg(self) -> Self::Output;
}

// @trait core::ops::AddAssign (core/src/ops/arith.rs)
pub trait AddAssign<Rhs = Self> {
    fn add_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::SubAssign (core/src/ops/arith.rs)
pub trait SubAssign<Rhs = Self> {
    fn sub_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::MulAssign (core/src/ops/arith.rs)
pub trait MulAssign<Rhs = Self> {
    fn mul_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::DivAssign (core/src/ops/arith.rs)
pub trait DivAssign<Rhs = Self> {
    fn div_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::RemAssign (core/src/ops/arith.rs)
pub trait RemAssign<Rhs = Self> {
    fn rem_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::Not (core/src/ops/bit.rs)
pub trait Not {
    type Output;
    fn not(self) -> Self::Output;
}

// @trait core::ops::BitAnd (core/src/ops/bit.rs)
pub trait BitAnd<Rhs = Self> {
    type Output;
    fn bitand(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::BitOr (core/src/ops/bit.rs)
pub trait BitOr<Rhs = Self> {
    type Output;
    fn bitor(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::BitXor (core/src/ops/bit.rs)
pub trait BitXor<Rhs = Self> {
    type Output;
    fn bitxor(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::Shl (core/src/ops/bit.rs)
pub trait Shl<Rhs = Self> {
    type Output;
    fn shl(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::Shr (core/src/ops/bit.rs)
pub trait Shr<Rhs = Self> {
    type Output;
    fn shr(self, rhs: Rhs) -> Self::Output;
}

// @trait core::ops::BitAndAssign (core/src/ops/bit.rs)
pub trait BitAndAssign<Rhs = Self> {
    fn bitand_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::BitOrAssign (core/src/ops/bit.rs)
pub trait BitOrAssign<Rhs = Self> {
    fn bitor_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::BitXorAssign (core/src/ops/bit.rs)
pub trait BitXorAssign<Rhs = Self> {
    fn bitxor_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::ShlAssign (core/src/ops/bit.rs)
pub trait ShlAssign<Rhs = Self> {
    fn shl_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::ShrAssign (core/src/ops/bit.rs)
pub trait ShrAssign<Rhs = Self> {
    fn shr_assign(&mut self, rhs: Rhs);
}

// @trait core::ops::Index (core/src/ops/index.rs)
pub trait Index<Idx: ?Sized> {
    type Output: ?Sized;
    fn index(&self, index: Idx) -> &Self::Output;
}

// @trait core::ops::IndexMut (core/src/ops/index.rs)
pub trait IndexMut<Idx: ?Sized>: Index<Idx> {
    fn index_mut(&mut self, index: Idx) -> &mut Self::Output;
}

// @trait core::ops::RangeBounds (core/src/ops/range.rs)
pub trait RangeBounds<T: ?Sized> {
    fn start_bound(&self) -> Bound<&T>;
    fn end_bound(&self) -> Bound<&T>;
    fn contains<U>(&self, item: &U) -> bool
    where
        T: PartialOrd<U>,
        U: ?Sized + PartialOrd<T>,
    {}
    #[unstable(feature = "range_bounds_is_empty")]
    fn is_empty(&self) -> bool
    where
        T: PartialOrd,
    {}
}

// @trait core::convert::AsRef (core/src/convert/mod.rs)
pub trait AsRef<T: ?Sized> {
    fn as_ref(&self) -> &T;
}

// @trait core::convert::AsMut (core/src/convert/mod.rs)
pub trait AsMut<T: ?Sized> {
    fn as_mut(&mut self) -> &mut T;
}

// @trait core::convert::From (core/src/convert/mod.rs)
pub trait From<T>: Sized {
    fn from(value: T) -> Self;
}

// @trait core::convert::Into (core/src/convert/mod.rs)
pub trait Into<T>: Sized {
    fn into(self) -> T;
}

// @trait core::convert::TryFrom (core/src/convert/mod.rs)
pub trait TryFrom<T>: Sized {
    type Error;
    fn try_from(value: T) -> Result<Self, Self::Error>;
}

// @trait core::convert::TryInto (core/src/convert/mod.rs)
pub trait TryInto<T>: Sized {
    type Error;
    fn try_into(self) -> Result<T, Self::Error>;
}

// @trait core::str::FromStr (core/src/str/traits.rs)
pub trait FromStr: Sized {
    type Err;
    fn from_str(s: &str) -> Result<Self, Self::Err>;
}

// @trait core::error::Error (core/src/error.rs)
pub trait Error: Debug + Display {
    fn source(&self) -> Option<&(dyn Error + 'static)> {}
    #[unstable(feature = "error_type_id")]
    fn type_id(&self, _: private::Internal) -> TypeId
    where
        Self: 'static,
    {}
    fn description(&self) -> &str {}
    fn cause(&self) -> Option<&dyn Error> {}
    #[unstable(feature = "error_generic_member_access")]
    fn provide<'a>(&'a self, request: &mut Request<'a>) {}
}

// @trait core::any::Any (core/src/any.rs)
pub trait Any: 'static {
    fn type_id(&self) -> TypeId;
}

// @trait core::borrow::Borrow (core/src/borrow.rs)
pub trait Borrow<Borrowed: ?Sized> {
    fn borrow(&self) -> &Borrowed;
}

// @trait core::borrow::BorrowMut (core/src/borrow.rs)
pub trait BorrowMut<Borrowed: ?Sized>: Borrow<Borrowed> {
    fn borrow_mut(&mut self) -> &mut Borrowed;
}

// @trait core::panic::UnwindSafe (core/src/panic/unwind_safe.rs)
pub auto trait UnwindSafe {}

// @trait core::panic::RefUnwindSafe (core/src/panic/unwind_safe.rs)
pub auto trait RefUnwindSafe {}

// @trait alloc::borrow::ToOwned (alloc/src/borrow.rs)
pub trait ToOwned {
    type Owned: Borrow<Self>;
    fn to_owned(&self) -> Self::Owned;
    fn clone_into(&self, target: &mut Self::Owned) {}
}

// @trait alloc::string::ToString (alloc/src/string.rs)
pub trait ToString {
    fn to_string(&self) -> String;
}

// @trait std::io::Read (std/src/io/mod.rs)
pub trait Read {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize>;
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {}
    #[unstable(feature = "can_vector")]
    fn is_read_vectored(&self) -> bool {}
    fn read_to_end(&mut self, buf: &mut Vec<u8>) -> Result<usize> {}
    fn read_to_string(&mut self, buf: &mut String) -> Result<usize> {}
    fn read_exact(&mut self, buf: &mut [u8]) -> Result<()> {}
    #[unstable(feature = "read_buf")]
    fn read_buf(&mut self, buf: BorrowedCursor<'_>) -> Result<()> {}
    #[unstable(feature = "read_buf")]
    fn read_buf_exact(&mut self, cursor: BorrowedCursor<'_>) -> Result<()> {}
    fn by_ref(&mut self) -> &mut Self
    where
        Self: Sized,
    {}
    fn bytes(self) -> Bytes<Self>
    where
        Self: Sized,
    {}
    fn chain<R: Read>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
    {}
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {}
    #[unstable(feature = "read_array")]
    fn read_array<const N: usize>(&mut self) -> Result<[u8; N]>
    where
        Self: Sized,
    {}
}

// @trait std::io::Write (std/src/io/mod.rs)
pub trait Write {
    fn write(&mut self, buf: &[u8]) -> Result<usize>;
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize> {}
    #[unstable(feature = "can_vector")]
    fn is_write_vectored(&self) -> bool {}
    fn flush(&mut self) -> Result<()>;
    fn write_all(&mut self, mut buf: &[u8]) -> Result<()> {}
    #[unstable(feature = "write_all_vectored")]
    fn write_all_vectored(&mut self, mut bufs: &mut [IoSlice<'_>]) -> Result<()> {}
    fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> Result<()> {}
    fn by_ref(&mut self) -> &mut Self
    where
        Self: Sized,
    {}
}

// @trait std::io::BufRead (std/src/io/mod.rs)
pub trait BufRead: Read {
    fn fill_buf(&mut self) -> Result<&[u8]>;
    fn consume(&mut self, amount: usize);
    #[unstable(feature = "buf_read_has_data_left")]
    fn has_data_left(&mut self) -> Result<bool> {}
    fn read_until(&mut self, byte: u8, buf: &mut Vec<u8>) -> Result<usize> {}
    fn skip_until(&mut self, byte: u8) -> Result<usize> {}
    fn read_line(&mut self, buf: &mut String) -> Result<usize> {}
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized,
    {}
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {}
}

// @trait std::io::Seek (std/src/io/mod.rs)
pub trait Seek {
    fn seek(&mut self, pos: SeekFrom) -> Result<u64>;
    fn rewind(&mut self) -> Result<()> {}
    #[unstable(feature = "seek_stream_len")]
    fn stream_len(&mut self) -> Result<u64> {}
    fn stream_position(&mut self) -> Result<u64> {}
    fn seek_relative(&mut self, offset: i64) -> Result<()> {}
}

// @trait std::process::Termination (std/src/process.rs)
pub trait Termination {
    fn report(self) -> ExitCode;
}
