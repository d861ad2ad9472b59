// title: dynlens: Expand `AsyncIter` into explicit vtable
// complete: true

/// The erased `self` of `DynAsyncIter`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn AsyncIter` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct AsyncIterPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> AsyncIterPayload<'a> {
    /// A slot to write a value or a pointer into.
    fn empty() -> Self {
        Self {
            slot: ::core::cell::UnsafeCell::new(::core::mem::MaybeUninit::uninit()),
            lifetime: ::core::marker::PhantomData,
        }
    }
    /// A pointer to the value: the slot itself when `INLINE`, the stored pointer otherwise.
    ///
    /// # Safety
    /// The slot holds a `T` (inline when `INLINE`) or a pointer to one.
    unsafe fn value<T, const INLINE: bool>(&self) -> *mut T {
        if INLINE {
            self.slot.get().cast::<T>()
        } else {
            unsafe { (*self.slot.get()).assume_init() }.cast::<T>()
        }
    }
}
/// The vtable of `AsyncIter`: what the compiler stores behind the second word of a `&dyn AsyncIter`.
/// One is built per concrete type (and storage), at compile time.
pub struct AsyncIterVtable<'a, Item> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut AsyncIterPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `async fn next(&mut self) -> Option<Self::Item>` with `self` erased.
    pub next: for<'s> unsafe fn(
        &'s mut AsyncIterPayload<'a>,
    ) -> ::core::pin::Pin<Box<dyn Future<Output = Option<Item>> + 's>>,
    /// Ties the trait's parameters and associated types to the vtable, invariantly, as
    /// `dyn Foo<P, Item = A>` does.
    marker: ::core::marker::PhantomData<fn(Item) -> (Item,)>,
}
impl<'a, Item> AsyncIterVtable<'a, Item> {
    /// The vtable for a `T: AsyncIter` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&AsyncIterVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<
        T: AsyncIter<Item = Item> + 'a,
        const INLINE: bool,
        const OWNED: bool,
    >() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            next: Self::next_shim::<T, INLINE>,
            marker: ::core::marker::PhantomData,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<
        T: AsyncIter<Item = Item> + 'a,
        const INLINE: bool,
        const OWNED: bool,
    >(this: &mut AsyncIterPayload<'a>) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynAsyncIter` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynAsyncIter<'a, Item>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `next` slot: turns the erased `self` back into the `T` it was made from and calls `T::next`, boxing the future it returns (a boxing shim).
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn next_shim<'s, T: AsyncIter<Item = Item> + 'a, const INLINE: bool>(
        this: &'s mut AsyncIterPayload<'a>,
    ) -> ::core::pin::Pin<Box<dyn Future<Output = Option<Item>> + 's>> {
        let receiver = unsafe { &mut *this.value::<T, INLINE>() };
        Box::pin(<T as AsyncIter>::next(receiver))
    }
}
/// `dyn AsyncIter` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn AsyncIter + 'a`.
pub struct DynAsyncIter<'a, Item> {
    payload: AsyncIterPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynAsyncIter<'long>` may have been shortened to a
    /// `DynAsyncIter<'short>`, as `dyn AsyncIter + 'long` may. As a `&'a AsyncIterVtable<'a, …>`, whose entries
    /// take the payload, it would make `DynAsyncIter` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`AsyncIterVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynAsyncIter<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<AsyncIterVtable<'static, Item>>,
}
impl<'a, Item> DynAsyncIter<'a, Item> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: AsyncIter<Item = Item> + 'a>(value: T) -> Self {
        if ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
            && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>()
        {
            // SAFETY: `T` fits, checked just above.
            unsafe { Self::store_inline(value) }
        } else {
            Self::boxed(value)
        }
    }
    /// Stores the value inline, without allocating. Fails to compile when `T` does not fit.
    pub fn inline<T: AsyncIter<Item = Item> + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynAsyncIter::inline`: the value does not fit in a pointer (size and alignment); use `DynAsyncIter::new` or `DynAsyncIter::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: AsyncIter<Item = Item> + 'a>(value: T) -> Self {
        let payload = AsyncIterPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &AsyncIterVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: AsyncIter<Item = Item> + 'a>(value: T) -> Self {
        let payload = AsyncIterPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &AsyncIterVtable::new::<T, false, true>() })
    }
    /// Borrows the value mutably (`AsyncIter` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: AsyncIter<Item = Item> + 'a>(value: &'a mut T) -> Self {
        let payload = AsyncIterPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &AsyncIterVtable::new::<T, false, false>() })
    }
    fn from_parts(
        payload: AsyncIterPayload<'a>,
        vtable: &AsyncIterVtable<'a, Item>,
    ) -> Self {
        Self {
            payload,
            vtable: ::core::ptr::NonNull::from(vtable).cast(),
        }
    }
    /// Builds a dyn value from a payload and a vtable (used when upcasting from a subtrait).
    ///
    /// # Safety
    /// `vtable` must have been built for the type and storage of the value in `payload`,
    /// and live as long as the value (the constructors' vtables are constants: they do).
    pub unsafe fn from_raw_parts(
        payload: AsyncIterPayload<'a>,
        vtable: &AsyncIterVtable<'a, Item>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        AsyncIterVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        AsyncIterVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a, Item> Drop for DynAsyncIter<'a, Item> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (AsyncIterVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl AsyncIter for dyn AsyncIter`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a, Item> AsyncIter for DynAsyncIter<'a, Item> {
    type Item = Item;
    /// Calls `next` through the vtable.
    async fn next(&mut self) -> Option<Item> {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (AsyncIterVtable::of(this).next)(&mut this.payload) }.await
    }
}
