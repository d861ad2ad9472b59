// title: dynlens: Expand `Solid` into explicit vtable
// complete: true

// The expansion of the supertrait `Shape`, whose vtable `Solid`'s returns.
/// The erased `self` of `DynShape`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Shape` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct ShapePayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> ShapePayload<'a> {
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
/// The vtable of `Shape`: what the compiler stores behind the second word of a `&dyn Shape`.
/// One is built per concrete type (and storage), at compile time.
pub struct ShapeVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut ShapePayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn area(&self) -> u32` with `self` erased.
    pub area: unsafe fn(&ShapePayload<'a>) -> u32,
    /// `fn scale(&mut self, by: u32)` with `self` erased.
    pub scale: unsafe fn(&mut ShapePayload<'a>, u32),
    /// `fn fmt(&self, f: &mut::core::fmt::Formatter<'_>) ->::core::fmt::Result` with `self` erased.
    pub debug_fmt: unsafe fn(
        &ShapePayload<'a>,
        &mut ::core::fmt::Formatter<'_>,
    ) -> ::core::fmt::Result,
}
impl<'a> ShapeVtable<'a> {
    /// The vtable for a `T: Shape` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&ShapeVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Shape + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            area: Self::area_shim::<T, INLINE>,
            scale: Self::scale_shim::<T, INLINE>,
            debug_fmt: Self::debug_fmt_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Shape + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut ShapePayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynShape` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynShape<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `area` slot: turns the erased `self` back into the `T` it was made from and calls `T::area`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn area_shim<T: Shape + 'a, const INLINE: bool>(
        this: &ShapePayload<'a>,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Shape>::area(receiver)
    }
    /// The shim in the `scale` slot: turns the erased `self` back into the `T` it was made from and calls `T::scale`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn scale_shim<T: Shape + 'a, const INLINE: bool>(
        this: &mut ShapePayload<'a>,
        by: u32,
    ) {
        let receiver = unsafe { &mut *this.value::<T, INLINE>() };
        <T as Shape>::scale(receiver, by)
    }
    /// The shim in the `debug_fmt` slot: turns the erased `self` back into the `T` it was made from and calls `T::fmt`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn debug_fmt_shim<T: Shape + 'a, const INLINE: bool>(
        this: &ShapePayload<'a>,
        f: &mut ::core::fmt::Formatter<'_>,
    ) -> ::core::fmt::Result {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as ::std::fmt::Debug>::fmt(receiver, f)
    }
}
/// `dyn Shape` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Shape + 'a`.
pub struct DynShape<'a> {
    payload: ShapePayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynShape<'long>` may have been shortened to a
    /// `DynShape<'short>`, as `dyn Shape + 'long` may. As a `&'a ShapeVtable<'a>`, whose entries
    /// take the payload, it would make `DynShape` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`ShapeVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynShape<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<ShapeVtable<'static>>,
}
impl<'a> DynShape<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Shape + 'a>(value: T) -> Self {
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
    pub fn inline<T: Shape + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynShape::inline`: the value does not fit in a pointer (size and alignment); use `DynShape::new` or `DynShape::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Shape + 'a>(value: T) -> Self {
        let payload = ShapePayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &ShapeVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Shape + 'a>(value: T) -> Self {
        let payload = ShapePayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &ShapeVtable::new::<T, false, true>() })
    }
    /// Borrows the value mutably (`Shape` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: Shape + 'a>(value: &'a mut T) -> Self {
        let payload = ShapePayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &ShapeVtable::new::<T, false, false>() })
    }
    fn from_parts(payload: ShapePayload<'a>, vtable: &ShapeVtable<'a>) -> Self {
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
        payload: ShapePayload<'a>,
        vtable: &ShapeVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        ShapeVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        ShapeVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynShape<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (ShapeVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Shape for dyn Shape`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Shape for DynShape<'a> {
    /// Calls `area` through the vtable.
    fn area(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (ShapeVtable::of(self).area)(&self.payload) }
    }
    /// Calls `scale` through the vtable.
    fn scale(&mut self, by: u32) {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (ShapeVtable::of(this).scale)(&mut this.payload, by) }
    }
}
/// `Debug` is a supertrait of `Shape`, so `dyn Shape` implements it too: through slots of the vtable.
impl<'a> ::std::fmt::Debug for DynShape<'a> {
    /// Calls `debug_fmt` through the vtable.
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (ShapeVtable::of(self).debug_fmt)(&self.payload, f) }
    }
}
/// The erased `self` of `DynSolid`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Solid` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct SolidPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> SolidPayload<'a> {
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
/// The vtable of `Solid`: what the compiler stores behind the second word of a `&dyn Solid`.
/// One is built per concrete type (and storage), at compile time.
///
/// A supertrait's vtable is returned by a function rather than embedded, which would copy it
/// once per path to it (twice per level of a supertrait chain), or pointed to: the compiler
/// walks a constant's pointers once per path when it collects what to compile, and each
/// function once.
pub struct SolidVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut SolidPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// Returns the vtable of the supertrait `Shape` for the same type and storage (a constant, so the pointer is always valid): upcasting `DynSolid` to `DynShape` swaps it in.
    pub shape: fn() -> ::core::ptr::NonNull<ShapeVtable<'a>>,
    /// `fn volume(&self) -> u32` with `self` erased.
    pub volume: unsafe fn(&SolidPayload<'a>) -> u32,
    /// `fn fmt(&self, f: &mut::core::fmt::Formatter<'_>) ->::core::fmt::Result` with `self` erased.
    pub debug_fmt: unsafe fn(
        &SolidPayload<'a>,
        &mut ::core::fmt::Formatter<'_>,
    ) -> ::core::fmt::Result,
    /// `fn clone(&self) -> Self` with `self` erased.
    pub clone_clone: unsafe fn(&SolidPayload<'a>) -> DynSolid<'a>,
}
impl<'a> SolidVtable<'a> {
    /// The vtable for a `T: Solid` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&SolidVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Solid + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            shape: || ::core::ptr::NonNull::from(const {
                &ShapeVtable::new::<T, INLINE, OWNED>()
            }),
            volume: Self::volume_shim::<T, INLINE>,
            debug_fmt: Self::debug_fmt_shim::<T, INLINE>,
            clone_clone: Self::clone_clone_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Solid + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut SolidPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynSolid` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynSolid<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `volume` slot: turns the erased `self` back into the `T` it was made from and calls `T::volume`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn volume_shim<T: Solid + 'a, const INLINE: bool>(
        this: &SolidPayload<'a>,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Solid>::volume(receiver)
    }
    /// The shim in the `debug_fmt` slot: turns the erased `self` back into the `T` it was made from and calls `T::fmt`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn debug_fmt_shim<T: Solid + 'a, const INLINE: bool>(
        this: &SolidPayload<'a>,
        f: &mut ::core::fmt::Formatter<'_>,
    ) -> ::core::fmt::Result {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as ::std::fmt::Debug>::fmt(receiver, f)
    }
    /// The shim in the `clone_clone` slot: turns the erased `self` back into the `T` it was made from and calls `T::clone`, wrapping the returned `T` in a new dyn value.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn clone_clone_shim<T: Solid + 'a, const INLINE: bool>(
        this: &SolidPayload<'a>,
    ) -> DynSolid<'a> {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        DynSolid::new(<T as Clone>::clone(receiver))
    }
}
/// `dyn Solid` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Solid + 'a`.
pub struct DynSolid<'a> {
    payload: SolidPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynSolid<'long>` may have been shortened to a
    /// `DynSolid<'short>`, as `dyn Solid + 'long` may. As a `&'a SolidVtable<'a>`, whose entries
    /// take the payload, it would make `DynSolid` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`SolidVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynSolid<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<SolidVtable<'static>>,
}
impl<'a> DynSolid<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Solid + 'a>(value: T) -> Self {
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
    pub fn inline<T: Solid + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynSolid::inline`: the value does not fit in a pointer (size and alignment); use `DynSolid::new` or `DynSolid::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Solid + 'a>(value: T) -> Self {
        let payload = SolidPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &SolidVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Solid + 'a>(value: T) -> Self {
        let payload = SolidPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &SolidVtable::new::<T, false, true>() })
    }
    /// Borrows the value mutably (`Solid` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: Solid + 'a>(value: &'a mut T) -> Self {
        let payload = SolidPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &SolidVtable::new::<T, false, false>() })
    }
    fn from_parts(payload: SolidPayload<'a>, vtable: &SolidVtable<'a>) -> Self {
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
        payload: SolidPayload<'a>,
        vtable: &SolidVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        SolidVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        SolidVtable::of(self).align
    }
    /// Upcasting: the same payload with the `Shape` vtable our vtable returns, as `&dyn Solid` → `&dyn Shape` does.
    pub fn into_dyn_shape(self) -> DynShape<'a> {
        let this = ::core::mem::ManuallyDrop::new(self);
        // SAFETY: the payloads have the same layout; `this` is not dropped, so the value moves; the supertrait's vtable is a constant for the same type and storage.
        unsafe {
            DynShape::from_raw_parts(
                ::core::ptr::read(
                    ::core::ptr::from_ref(&this.payload).cast::<ShapePayload<'a>>(),
                ),
                (SolidVtable::of(&this).shape)().as_ref(),
            )
        }
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynSolid<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (SolidVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Solid for dyn Solid`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Solid for DynSolid<'a> {
    /// Calls `volume` through the vtable.
    fn volume(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (SolidVtable::of(self).volume)(&self.payload) }
    }
}
/// `Shape` is a supertrait of `Solid`, so `dyn Solid` implements it too: through its vtable, which ours returns.
impl<'a> Shape for DynSolid<'a> {
    /// Calls `area` through the vtable.
    fn area(&self) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe {
            ((SolidVtable::of(self).shape)()
                .as_ref()
                .area)(&*::core::ptr::from_ref(&self.payload).cast::<ShapePayload<'a>>())
        }
    }
    /// Calls `scale` through the vtable.
    fn scale(&mut self, by: u32) {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe {
            ((SolidVtable::of(this).shape)()
                .as_ref()
                .scale)(
                &mut *::core::ptr::from_mut(&mut this.payload)
                    .cast::<ShapePayload<'a>>(),
                by,
            )
        }
    }
}
/// `Debug` is a supertrait of `Solid`, so `dyn Solid` implements it too: through slots of the vtable.
impl<'a> ::std::fmt::Debug for DynSolid<'a> {
    /// Calls `debug_fmt` through the vtable.
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (SolidVtable::of(self).debug_fmt)(&self.payload, f) }
    }
}
/// `Clone` is a supertrait of `Solid`, so `dyn Solid` implements it too: through slots of the vtable.
impl<'a> Clone for DynSolid<'a> {
    /// Calls `clone_clone` through the vtable.
    fn clone(&self) -> Self {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (SolidVtable::of(self).clone_clone)(&self.payload) }
    }
}
