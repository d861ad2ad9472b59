// title: dynlens: Expand `Append` into explicit vtable
// complete: true

/// The erased `self` of `DynAppend`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Append` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct AppendPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> AppendPayload<'a> {
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
/// The vtable of `Append`: what the compiler stores behind the second word of a `&dyn Append`.
/// One is built per concrete type (and storage), at compile time.
pub struct AppendVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut AppendPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn append(&mut self, values: impl Iterator<Item = u32>)` with `self` erased.
    pub append: unsafe fn(&mut AppendPayload<'a>, &mut dyn Iterator<Item = u32>),
    /// `fn total(&self) -> u32` with `self` erased.
    pub total: unsafe fn(&AppendPayload<'a>) -> u32,
}
impl<'a> AppendVtable<'a> {
    /// The vtable for a `T: Append` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&AppendVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Append + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            append: Self::append_shim::<T, INLINE>,
            total: Self::total_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Append + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut AppendPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynAppend` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynAppend<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `append` slot: turns the erased `self` back into the `T` it was made from and calls `T::append`.
    /// Arguments of generic type arrive as trait objects (an erasing shim): `&dyn Trait` implements `Trait`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn append_shim<T: Append + 'a, const INLINE: bool>(
        this: &mut AppendPayload<'a>,
        values: &mut dyn Iterator<Item = u32>,
    ) {
        let receiver = unsafe { &mut *this.value::<T, INLINE>() };
        <T as Append>::append(receiver, values)
    }
    /// The shim in the `total` slot: turns the erased `self` back into the `T` it was made from and calls `T::total`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn total_shim<T: Append + 'a, const INLINE: bool>(
        this: &AppendPayload<'a>,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Append>::total(receiver)
    }
}
/// `dyn Append` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Append + 'a`.
pub struct DynAppend<'a> {
    payload: AppendPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynAppend<'long>` may have been shortened to a
    /// `DynAppend<'short>`, as `dyn Append + 'long` may. As a `&'a AppendVtable<'a>`, whose entries
    /// take the payload, it would make `DynAppend` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`AppendVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynAppend<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<AppendVtable<'static>>,
}
impl<'a> DynAppend<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Append + 'a>(value: T) -> Self {
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
    pub fn inline<T: Append + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynAppend::inline`: the value does not fit in a pointer (size and alignment); use `DynAppend::new` or `DynAppend::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Append + 'a>(value: T) -> Self {
        let payload = AppendPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &AppendVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Append + 'a>(value: T) -> Self {
        let payload = AppendPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &AppendVtable::new::<T, false, true>() })
    }
    /// Borrows the value mutably (`Append` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: Append + 'a>(value: &'a mut T) -> Self {
        let payload = AppendPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &AppendVtable::new::<T, false, false>() })
    }
    fn from_parts(payload: AppendPayload<'a>, vtable: &AppendVtable<'a>) -> Self {
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
        payload: AppendPayload<'a>,
        vtable: &AppendVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        AppendVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        AppendVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynAppend<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (AppendVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Append for dyn Append`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Append for DynAppend<'a> {
    /// Calls `append` through the vtable.
    fn append(&mut self, mut values: impl Iterator<Item = u32>) {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (AppendVtable::of(this).append)(&mut this.payload, &mut values) }
    }
    /// Calls `total` through the vtable.
    fn total(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (AppendVtable::of(self).total)(&self.payload) }
    }
}
