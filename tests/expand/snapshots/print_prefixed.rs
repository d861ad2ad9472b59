// title: dynlens: Expand `PrintPrefixed` into explicit vtable
// complete: true

/// The erased `self` of `DynPrintPrefixed`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn PrintPrefixed` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct PrintPrefixedPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> PrintPrefixedPayload<'a> {
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
/// The vtable of `PrintPrefixed`: what the compiler stores behind the second word of a `&dyn PrintPrefixed`.
/// One is built per concrete type (and storage), at compile time.
pub struct PrintPrefixedVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut PrintPrefixedPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn prefix(&self) -> String` with `self` erased.
    pub prefix: unsafe fn(&PrintPrefixedPayload<'a>) -> String,
    /// `fn apply<T: Display>(&self, t: T) -> String` with `self` erased.
    pub apply: unsafe fn(&PrintPrefixedPayload<'a>, &dyn Display) -> String,
}
impl<'a> PrintPrefixedVtable<'a> {
    /// The vtable for a `T: PrintPrefixed` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&PrintPrefixedVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<X: PrintPrefixed + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<X, INLINE, OWNED>,
            size: ::core::mem::size_of::<X>(),
            align: ::core::mem::align_of::<X>(),
            prefix: Self::prefix_shim::<X, INLINE>,
            apply: Self::apply_shim::<X, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<X: PrintPrefixed + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut PrintPrefixedPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<X, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<X, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynPrintPrefixed` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynPrintPrefixed<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `prefix` slot: turns the erased `self` back into the `T` it was made from and calls `T::prefix`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn prefix_shim<X: PrintPrefixed + 'a, const INLINE: bool>(
        this: &PrintPrefixedPayload<'a>,
    ) -> String {
        let receiver = unsafe { &*this.value::<X, INLINE>() };
        <X as PrintPrefixed>::prefix(receiver)
    }
    /// The shim in the `apply` slot: turns the erased `self` back into the `T` it was made from and calls `T::apply`.
    /// Arguments of generic type arrive as trait objects (an erasing shim): `&dyn Trait` implements `Trait`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn apply_shim<X: PrintPrefixed + 'a, const INLINE: bool>(
        this: &PrintPrefixedPayload<'a>,
        t: &dyn Display,
    ) -> String {
        let receiver = unsafe { &*this.value::<X, INLINE>() };
        <X as PrintPrefixed>::apply(receiver, t)
    }
}
/// `dyn PrintPrefixed` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn PrintPrefixed + 'a`.
pub struct DynPrintPrefixed<'a> {
    payload: PrintPrefixedPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynPrintPrefixed<'long>` may have been shortened to a
    /// `DynPrintPrefixed<'short>`, as `dyn PrintPrefixed + 'long` may. As a `&'a PrintPrefixedVtable<'a>`, whose entries
    /// take the payload, it would make `DynPrintPrefixed` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`PrintPrefixedVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynPrintPrefixed<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<PrintPrefixedVtable<'static>>,
}
impl<'a> DynPrintPrefixed<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<X: PrintPrefixed + 'a>(value: X) -> Self {
        if ::core::mem::size_of::<X>() <= ::core::mem::size_of::<*mut ()>()
            && ::core::mem::align_of::<X>() <= ::core::mem::align_of::<*mut ()>()
        {
            // SAFETY: `T` fits, checked just above.
            unsafe { Self::store_inline(value) }
        } else {
            Self::boxed(value)
        }
    }
    /// Stores the value inline, without allocating. Fails to compile when `T` does not fit.
    pub fn inline<X: PrintPrefixed + 'a>(value: X) -> Self {
        const {
            let fits = ::core::mem::size_of::<X>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<X>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynPrintPrefixed::inline`: the value does not fit in a pointer (size and alignment); use `DynPrintPrefixed::new` or `DynPrintPrefixed::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<X: PrintPrefixed + 'a>(value: X) -> Self {
        let payload = PrintPrefixedPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<X>(), value) };
        Self::from_parts(payload, const { &PrintPrefixedVtable::new::<X, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<X: PrintPrefixed + 'a>(value: X) -> Self {
        let payload = PrintPrefixedPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(
            payload,
            const { &PrintPrefixedVtable::new::<X, false, true>() },
        )
    }
    /// Borrows the value (every dispatchable method of `PrintPrefixed` takes `&self`, so only `&T` is ever handed out).
    pub fn from_ref<X: PrintPrefixed + 'a>(value: &'a X) -> Self {
        let payload = PrintPrefixedPayload::empty();
        unsafe {
            (*payload.slot.get())
                .write(::core::ptr::from_ref(value) as *const () as *mut ())
        };
        Self::from_parts(
            payload,
            const { &PrintPrefixedVtable::new::<X, false, false>() },
        )
    }
    /// Borrows the value mutably (`PrintPrefixed` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<X: PrintPrefixed + 'a>(value: &'a mut X) -> Self {
        let payload = PrintPrefixedPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(
            payload,
            const { &PrintPrefixedVtable::new::<X, false, false>() },
        )
    }
    fn from_parts(
        payload: PrintPrefixedPayload<'a>,
        vtable: &PrintPrefixedVtable<'a>,
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
        payload: PrintPrefixedPayload<'a>,
        vtable: &PrintPrefixedVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        PrintPrefixedVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        PrintPrefixedVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynPrintPrefixed<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (PrintPrefixedVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl PrintPrefixed for dyn PrintPrefixed`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> PrintPrefixed for DynPrintPrefixed<'a> {
    /// Calls `prefix` through the vtable.
    fn prefix(&self) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (PrintPrefixedVtable::of(self).prefix)(&self.payload) }
    }
    /// Calls `apply` through the vtable.
    fn apply<T: Display>(&self, t: T) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (PrintPrefixedVtable::of(self).apply)(&self.payload, &t) }
    }
}
