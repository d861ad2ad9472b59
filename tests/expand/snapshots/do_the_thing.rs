// title: dynlens: Expand `DoTheThing` into explicit vtable
// complete: true

/// The erased `self` of `DynDoTheThing`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn DoTheThing` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct DoTheThingPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> DoTheThingPayload<'a> {
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
/// The vtable of `DoTheThing`: what the compiler stores behind the second word of a `&dyn DoTheThing`.
/// One is built per concrete type (and storage), at compile time.
pub struct DoTheThingVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut DoTheThingPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn do_the_thing(&self) -> u32` with `self` erased.
    pub do_the_thing: unsafe fn(&DoTheThingPayload<'a>) -> u32,
}
impl<'a> DoTheThingVtable<'a> {
    /// The vtable for a `T: DoTheThing` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&DoTheThingVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: DoTheThing + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            do_the_thing: Self::do_the_thing_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: DoTheThing + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut DoTheThingPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynDoTheThing` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynDoTheThing<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `do_the_thing` slot: turns the erased `self` back into the `T` it was made from and calls `T::do_the_thing`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn do_the_thing_shim<T: DoTheThing + 'a, const INLINE: bool>(
        this: &DoTheThingPayload<'a>,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as DoTheThing>::do_the_thing(receiver)
    }
}
/// `dyn DoTheThing` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn DoTheThing + 'a`.
pub struct DynDoTheThing<'a> {
    payload: DoTheThingPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynDoTheThing<'long>` may have been shortened to a
    /// `DynDoTheThing<'short>`, as `dyn DoTheThing + 'long` may. As a `&'a DoTheThingVtable<'a>`, whose entries
    /// take the payload, it would make `DynDoTheThing` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`DoTheThingVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynDoTheThing<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<DoTheThingVtable<'static>>,
}
impl<'a> DynDoTheThing<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: DoTheThing + 'a>(value: T) -> Self {
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
    pub fn inline<T: DoTheThing + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynDoTheThing::inline`: the value does not fit in a pointer (size and alignment); use `DynDoTheThing::new` or `DynDoTheThing::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: DoTheThing + 'a>(value: T) -> Self {
        let payload = DoTheThingPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &DoTheThingVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: DoTheThing + 'a>(value: T) -> Self {
        let payload = DoTheThingPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &DoTheThingVtable::new::<T, false, true>() })
    }
    /// Borrows the value (every dispatchable method of `DoTheThing` takes `&self`, so only `&T` is ever handed out).
    pub fn from_ref<T: DoTheThing + 'a>(value: &'a T) -> Self {
        let payload = DoTheThingPayload::empty();
        unsafe {
            (*payload.slot.get())
                .write(::core::ptr::from_ref(value) as *const () as *mut ())
        };
        Self::from_parts(payload, const { &DoTheThingVtable::new::<T, false, false>() })
    }
    /// Borrows the value mutably (`DoTheThing` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: DoTheThing + 'a>(value: &'a mut T) -> Self {
        let payload = DoTheThingPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &DoTheThingVtable::new::<T, false, false>() })
    }
    fn from_parts(
        payload: DoTheThingPayload<'a>,
        vtable: &DoTheThingVtable<'a>,
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
        payload: DoTheThingPayload<'a>,
        vtable: &DoTheThingVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        DoTheThingVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        DoTheThingVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynDoTheThing<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (DoTheThingVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl DoTheThing for dyn DoTheThing`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> DoTheThing for DynDoTheThing<'a> {
    /// Calls `do_the_thing` through the vtable.
    fn do_the_thing(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (DoTheThingVtable::of(self).do_the_thing)(&self.payload) }
    }
}
