// title: dynlens: Expand `Compare` into explicit vtable (without `impl Compare for DynCompare`: `fn same(&self, other: Self) -> bool`: it takes `Self` by value, and a dyn value cannot know the other value's type; `fn shared(self: Rc<Self>) -> u32`: `self: Rc<Self>` needs the value inside an `Rc` allocation, which a dyn* value cannot hand out; `fn make() -> Self`: it has no `self` receiver and no default body)
// complete: false

/// The erased `self` of `DynCompare`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Compare` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct ComparePayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> ComparePayload<'a> {
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
/// The vtable of `Compare`: what the compiler stores behind the second word of a `&dyn Compare`.
/// One is built per concrete type (and storage), at compile time.
pub struct CompareVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut ComparePayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn key(&self) -> u32` with `self` erased.
    pub key: unsafe fn(&ComparePayload<'a>) -> u32,
}
impl<'a> CompareVtable<'a> {
    /// The vtable for a `T: Compare` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&CompareVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Compare + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            key: Self::key_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Compare + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut ComparePayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynCompare` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynCompare<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `key` slot: turns the erased `self` back into the `T` it was made from and calls `T::key`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn key_shim<T: Compare + 'a, const INLINE: bool>(
        this: &ComparePayload<'a>,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Compare>::key(receiver)
    }
}
/// `dyn Compare` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Compare + 'a`.
pub struct DynCompare<'a> {
    payload: ComparePayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynCompare<'long>` may have been shortened to a
    /// `DynCompare<'short>`, as `dyn Compare + 'long` may. As a `&'a CompareVtable<'a>`, whose entries
    /// take the payload, it would make `DynCompare` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`CompareVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynCompare<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<CompareVtable<'static>>,
}
impl<'a> DynCompare<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Compare + 'a>(value: T) -> Self {
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
    pub fn inline<T: Compare + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynCompare::inline`: the value does not fit in a pointer (size and alignment); use `DynCompare::new` or `DynCompare::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Compare + 'a>(value: T) -> Self {
        let payload = ComparePayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &CompareVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Compare + 'a>(value: T) -> Self {
        let payload = ComparePayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &CompareVtable::new::<T, false, true>() })
    }
    /// Borrows the value (every dispatchable method of `Compare` takes `&self`, so only `&T` is ever handed out).
    pub fn from_ref<T: Compare + 'a>(value: &'a T) -> Self {
        let payload = ComparePayload::empty();
        unsafe {
            (*payload.slot.get())
                .write(::core::ptr::from_ref(value) as *const () as *mut ())
        };
        Self::from_parts(payload, const { &CompareVtable::new::<T, false, false>() })
    }
    /// Borrows the value mutably (`Compare` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: Compare + 'a>(value: &'a mut T) -> Self {
        let payload = ComparePayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &CompareVtable::new::<T, false, false>() })
    }
    fn from_parts(payload: ComparePayload<'a>, vtable: &CompareVtable<'a>) -> Self {
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
        payload: ComparePayload<'a>,
        vtable: &CompareVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        CompareVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        CompareVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynCompare<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (CompareVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
// No `impl Compare for DynCompare`: `fn same(&self, other: Self) -> bool`: it takes `Self` by value, and a dyn value cannot know the other value's type; `fn shared(self: Rc<Self>) -> u32`: `self: Rc<Self>` needs the value inside an `Rc` allocation, which a dyn* value cannot hand out; `fn make() -> Self`: it has no `self` receiver and no default body.
// The dispatchable methods are inherent methods of `DynCompare` instead.
/// `Compare`'s dispatchable methods, called through the vtable (see the comment above for why this is not `impl Compare for DynCompare`).
impl<'a> DynCompare<'a> {
    /// Calls `key` through the vtable.
    pub fn key(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (CompareVtable::of(self).key)(&self.payload) }
    }
}
