// title: dynlens: Expand `Machine` into explicit vtable
// complete: true

/// The erased `self` of `DynMachine`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Machine` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct MachinePayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> MachinePayload<'a> {
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
    /// Moves the value into a `Box` (for `self: Box<Self>` methods), reusing the
    /// allocation when it is boxed already.
    ///
    /// # Safety
    /// The slot holds an owned `T` (inline when `INLINE`, boxed otherwise).
    unsafe fn into_box<T, const INLINE: bool>(self) -> Box<T> {
        if INLINE {
            Box::new(unsafe { self.value::<T, INLINE>().read() })
        } else {
            unsafe { Box::from_raw(self.value::<T, INLINE>()) }
        }
    }
}
/// The vtable of `Machine`: what the compiler stores behind the second word of a `&dyn Machine`.
/// One is built per concrete type (and storage), at compile time.
pub struct MachineVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut MachinePayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn finish(self: Box<Self>) -> u32` with `self` erased.
    pub finish: unsafe fn(MachinePayload<'a>) -> u32,
    /// `fn step(self: Pin<&mut Self>) -> u32` with `self` erased.
    pub step: unsafe fn(&mut MachinePayload<'a>) -> u32,
    /// `fn peek(&self) -> u32` with `self` erased.
    pub peek: unsafe fn(&MachinePayload<'a>) -> u32,
}
impl<'a> MachineVtable<'a> {
    /// The vtable for a `T: Machine` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&MachineVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Machine + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            finish: Self::finish_shim::<T, INLINE>,
            step: Self::step_shim::<T, INLINE>,
            peek: Self::peek_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Machine + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut MachinePayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynMachine` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynMachine<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `finish` slot: turns the erased `self` back into the `T` it was made from and calls `T::finish`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn finish_shim<T: Machine + 'a, const INLINE: bool>(
        this: MachinePayload<'a>,
    ) -> u32 {
        let receiver = unsafe { this.into_box::<T, INLINE>() };
        <T as Machine>::finish(receiver)
    }
    /// The shim in the `step` slot: turns the erased `self` back into the `T` it was made from and calls `T::step`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn step_shim<T: Machine + 'a, const INLINE: bool>(
        this: &mut MachinePayload<'a>,
    ) -> u32 {
        let receiver = unsafe {
            ::core::pin::Pin::new_unchecked(&mut *this.value::<T, INLINE>())
        };
        <T as Machine>::step(receiver)
    }
    /// The shim in the `peek` slot: turns the erased `self` back into the `T` it was made from and calls `T::peek`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn peek_shim<T: Machine + 'a, const INLINE: bool>(
        this: &MachinePayload<'a>,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Machine>::peek(receiver)
    }
}
/// `dyn Machine` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Machine + 'a`.
pub struct DynMachine<'a> {
    payload: MachinePayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynMachine<'long>` may have been shortened to a
    /// `DynMachine<'short>`, as `dyn Machine + 'long` may. As a `&'a MachineVtable<'a>`, whose entries
    /// take the payload, it would make `DynMachine` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`MachineVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynMachine<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<MachineVtable<'static>>,
    /// `Pin<&mut Self>` methods: a pinned `T` stored inline must not move, so, like
    /// `dyn Future`, the dyn value is `!Unpin` (pin it with `pin!` or `Box::pin`).
    pinned: ::core::marker::PhantomData<::core::marker::PhantomPinned>,
}
impl<'a> DynMachine<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Machine + 'a>(value: T) -> Self {
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
    pub fn inline<T: Machine + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynMachine::inline`: the value does not fit in a pointer (size and alignment); use `DynMachine::new` or `DynMachine::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Machine + 'a>(value: T) -> Self {
        let payload = MachinePayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &MachineVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Machine + 'a>(value: T) -> Self {
        let payload = MachinePayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &MachineVtable::new::<T, false, true>() })
    }
    fn from_parts(payload: MachinePayload<'a>, vtable: &MachineVtable<'a>) -> Self {
        Self {
            payload,
            vtable: ::core::ptr::NonNull::from(vtable).cast(),
            pinned: ::core::marker::PhantomData,
        }
    }
    /// Builds a dyn value from a payload and a vtable (used when upcasting from a subtrait).
    ///
    /// # Safety
    /// `vtable` must have been built for the type and storage of the value in `payload`,
    /// and live as long as the value (the constructors' vtables are constants: they do).
    pub unsafe fn from_raw_parts(
        payload: MachinePayload<'a>,
        vtable: &MachineVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        MachineVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        MachineVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynMachine<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (MachineVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Machine for dyn Machine`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Machine for DynMachine<'a> {
    /// Calls `finish` through the vtable.
    fn finish(self: Box<Self>) -> u32 {
        let this = ::core::mem::ManuallyDrop::new(*self);
        // SAFETY: the vtable matches the payload; `this` is not dropped, so the value moves into the shim.
        unsafe { (MachineVtable::of(&this).finish)(::core::ptr::read(&this.payload)) }
    }
    /// Calls `step` through the vtable.
    fn step(self: Pin<&mut Self>) -> u32 {
        // SAFETY: the value is not moved out of the pinned dyn value; the shim re-pins it.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (MachineVtable::of(this).step)(&mut this.payload) }
    }
    /// Calls `peek` through the vtable.
    fn peek(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (MachineVtable::of(self).peek)(&self.payload) }
    }
}
