// title: dynlens: Expand `Duplicate` into explicit vtable
// complete: true

/// The erased `self` of `DynDuplicate`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Duplicate` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct DuplicatePayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> DuplicatePayload<'a> {
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
    /// Moves the value out (for `self` methods). The slot must not be used afterwards.
    ///
    /// # Safety
    /// The slot holds an owned `T` (inline when `INLINE`, boxed otherwise).
    unsafe fn into_value<T, const INLINE: bool>(self) -> T {
        if INLINE {
            unsafe { self.value::<T, INLINE>().read() }
        } else {
            *unsafe { Box::from_raw(self.value::<T, INLINE>()) }
        }
    }
}
/// The vtable of `Duplicate`: what the compiler stores behind the second word of a `&dyn Duplicate`.
/// One is built per concrete type (and storage), at compile time.
pub struct DuplicateVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut DuplicatePayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn dup(&self) -> Self` with `self` erased.
    pub dup: unsafe fn(&DuplicatePayload<'a>) -> DynDuplicate<'a>,
    /// `fn value(&self) -> u32` with `self` erased.
    pub value: unsafe fn(&DuplicatePayload<'a>) -> u32,
    /// `fn into_value(self) -> u32` with `self` erased.
    pub into_value: unsafe fn(DuplicatePayload<'a>) -> u32,
    /// `fn bump(self, by: u32) -> Self` with `self` erased.
    pub bump: unsafe fn(DuplicatePayload<'a>, u32) -> DynDuplicate<'a>,
}
impl<'a> DuplicateVtable<'a> {
    /// The vtable for a `T: Duplicate` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&DuplicateVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Duplicate + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            dup: Self::dup_shim::<T, INLINE>,
            value: Self::value_shim::<T, INLINE>,
            into_value: Self::into_value_shim::<T, INLINE>,
            bump: Self::bump_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Duplicate + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut DuplicatePayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynDuplicate` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynDuplicate<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `dup` slot: turns the erased `self` back into the `T` it was made from and calls `T::dup`, wrapping the returned `T` in a new dyn value.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn dup_shim<T: Duplicate + 'a, const INLINE: bool>(
        this: &DuplicatePayload<'a>,
    ) -> DynDuplicate<'a> {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        DynDuplicate::new(<T as Duplicate>::dup(receiver))
    }
    /// The shim in the `value` slot: turns the erased `self` back into the `T` it was made from and calls `T::value`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn value_shim<T: Duplicate + 'a, const INLINE: bool>(
        this: &DuplicatePayload<'a>,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Duplicate>::value(receiver)
    }
    /// The shim in the `into_value` slot: turns the erased `self` back into the `T` it was made from and calls `T::into_value`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn into_value_shim<T: Duplicate + 'a, const INLINE: bool>(
        this: DuplicatePayload<'a>,
    ) -> u32 {
        let receiver = unsafe { this.into_value::<T, INLINE>() };
        <T as Duplicate>::into_value(receiver)
    }
    /// The shim in the `bump` slot: turns the erased `self` back into the `T` it was made from and calls `T::bump`, wrapping the returned `T` in a new dyn value.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn bump_shim<T: Duplicate + 'a, const INLINE: bool>(
        this: DuplicatePayload<'a>,
        by: u32,
    ) -> DynDuplicate<'a> {
        let receiver = unsafe { this.into_value::<T, INLINE>() };
        DynDuplicate::new(<T as Duplicate>::bump(receiver, by))
    }
}
/// `dyn Duplicate` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Duplicate + 'a`.
pub struct DynDuplicate<'a> {
    payload: DuplicatePayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynDuplicate<'long>` may have been shortened to a
    /// `DynDuplicate<'short>`, as `dyn Duplicate + 'long` may. As a `&'a DuplicateVtable<'a>`, whose entries
    /// take the payload, it would make `DynDuplicate` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`DuplicateVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynDuplicate<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<DuplicateVtable<'static>>,
}
impl<'a> DynDuplicate<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Duplicate + 'a>(value: T) -> Self {
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
    pub fn inline<T: Duplicate + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynDuplicate::inline`: the value does not fit in a pointer (size and alignment); use `DynDuplicate::new` or `DynDuplicate::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Duplicate + 'a>(value: T) -> Self {
        let payload = DuplicatePayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &DuplicateVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Duplicate + 'a>(value: T) -> Self {
        let payload = DuplicatePayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &DuplicateVtable::new::<T, false, true>() })
    }
    fn from_parts(payload: DuplicatePayload<'a>, vtable: &DuplicateVtable<'a>) -> Self {
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
        payload: DuplicatePayload<'a>,
        vtable: &DuplicateVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        DuplicateVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        DuplicateVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynDuplicate<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (DuplicateVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Duplicate for dyn Duplicate`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Duplicate for DynDuplicate<'a> {
    /// Calls `dup` through the vtable.
    fn dup(&self) -> Self {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (DuplicateVtable::of(self).dup)(&self.payload) }
    }
    /// Calls `value` through the vtable.
    fn value(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (DuplicateVtable::of(self).value)(&self.payload) }
    }
    /// Calls `into_value` through the vtable.
    fn into_value(self) -> u32 {
        let this = ::core::mem::ManuallyDrop::new(self);
        // SAFETY: the vtable matches the payload; `this` is not dropped, so the value moves into the shim.
        unsafe {
            (DuplicateVtable::of(&this).into_value)(::core::ptr::read(&this.payload))
        }
    }
    /// Calls `bump` through the vtable.
    fn bump(self, by: u32) -> Self {
        let this = ::core::mem::ManuallyDrop::new(self);
        // SAFETY: the vtable matches the payload; `this` is not dropped, so the value moves into the shim.
        unsafe {
            (DuplicateVtable::of(&this).bump)(::core::ptr::read(&this.payload), by)
        }
    }
}
