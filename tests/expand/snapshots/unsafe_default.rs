// title: dynlens: Expand `RawBytes` into explicit vtable
// complete: true

/// The erased `self` of `DynRawBytes`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn RawBytes` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct RawBytesPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> RawBytesPayload<'a> {
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
/// The vtable of `RawBytes`: what the compiler stores behind the second word of a `&dyn RawBytes`.
/// One is built per concrete type (and storage), at compile time.
pub struct RawBytesVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut RawBytesPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `unsafe fn byte_at(&self, i: usize) -> u8` with `self` erased.
    pub byte_at: unsafe fn(&RawBytesPayload<'a>, usize) -> u8,
    /// `fn len(&self) -> usize` with `self` erased.
    pub len: unsafe fn(&RawBytesPayload<'a>) -> usize,
    /// `fn first(&self) -> Option<u8>` with `self` erased.
    pub first: unsafe fn(&RawBytesPayload<'a>) -> Option<u8>,
}
impl<'a> RawBytesVtable<'a> {
    /// The vtable for a `T: RawBytes` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&RawBytesVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: RawBytes + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            byte_at: Self::byte_at_shim::<T, INLINE>,
            len: Self::len_shim::<T, INLINE>,
            first: Self::first_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: RawBytes + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut RawBytesPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynRawBytes` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynRawBytes<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `byte_at` slot: turns the erased `self` back into the `T` it was made from and calls `T::byte_at`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn byte_at_shim<T: RawBytes + 'a, const INLINE: bool>(
        this: &RawBytesPayload<'a>,
        i: usize,
    ) -> u8 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        unsafe { <T as RawBytes>::byte_at(receiver, i) }
    }
    /// The shim in the `len` slot: turns the erased `self` back into the `T` it was made from and calls `T::len`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn len_shim<T: RawBytes + 'a, const INLINE: bool>(
        this: &RawBytesPayload<'a>,
    ) -> usize {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as RawBytes>::len(receiver)
    }
    /// The shim in the `first` slot: turns the erased `self` back into the `T` it was made from and calls `T::first`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn first_shim<T: RawBytes + 'a, const INLINE: bool>(
        this: &RawBytesPayload<'a>,
    ) -> Option<u8> {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as RawBytes>::first(receiver)
    }
}
/// `dyn RawBytes` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn RawBytes + 'a`.
pub struct DynRawBytes<'a> {
    payload: RawBytesPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynRawBytes<'long>` may have been shortened to a
    /// `DynRawBytes<'short>`, as `dyn RawBytes + 'long` may. As a `&'a RawBytesVtable<'a>`, whose entries
    /// take the payload, it would make `DynRawBytes` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`RawBytesVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynRawBytes<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<RawBytesVtable<'static>>,
}
impl<'a> DynRawBytes<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: RawBytes + 'a>(value: T) -> Self {
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
    pub fn inline<T: RawBytes + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynRawBytes::inline`: the value does not fit in a pointer (size and alignment); use `DynRawBytes::new` or `DynRawBytes::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: RawBytes + 'a>(value: T) -> Self {
        let payload = RawBytesPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &RawBytesVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: RawBytes + 'a>(value: T) -> Self {
        let payload = RawBytesPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &RawBytesVtable::new::<T, false, true>() })
    }
    /// Borrows the value (every dispatchable method of `RawBytes` takes `&self`, so only `&T` is ever handed out).
    pub fn from_ref<T: RawBytes + 'a>(value: &'a T) -> Self {
        let payload = RawBytesPayload::empty();
        unsafe {
            (*payload.slot.get())
                .write(::core::ptr::from_ref(value) as *const () as *mut ())
        };
        Self::from_parts(payload, const { &RawBytesVtable::new::<T, false, false>() })
    }
    /// Borrows the value mutably (`RawBytes` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: RawBytes + 'a>(value: &'a mut T) -> Self {
        let payload = RawBytesPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &RawBytesVtable::new::<T, false, false>() })
    }
    fn from_parts(payload: RawBytesPayload<'a>, vtable: &RawBytesVtable<'a>) -> Self {
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
        payload: RawBytesPayload<'a>,
        vtable: &RawBytesVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        RawBytesVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        RawBytesVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynRawBytes<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (RawBytesVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl RawBytes for dyn RawBytes`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> RawBytes for DynRawBytes<'a> {
    /// Calls `byte_at` through the vtable.
    unsafe fn byte_at(&self, i: usize) -> u8 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (RawBytesVtable::of(self).byte_at)(&self.payload, i) }
    }
    /// Calls `len` through the vtable.
    fn len(&self) -> usize {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (RawBytesVtable::of(self).len)(&self.payload) }
    }
    /// Calls `first` through the vtable.
    fn first(&self) -> Option<u8> {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (RawBytesVtable::of(self).first)(&self.payload) }
    }
}
