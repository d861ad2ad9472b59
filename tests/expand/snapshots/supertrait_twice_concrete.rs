// title: dynlens: Expand `Both` into explicit vtable
// complete: true

// The expansion of the supertrait `Supertrait`, whose vtable `Both`'s returns.
/// The erased `self` of `DynSupertrait`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Supertrait` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct SupertraitPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> SupertraitPayload<'a> {
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
/// The vtable of `Supertrait`: what the compiler stores behind the second word of a `&dyn Supertrait`.
/// One is built per concrete type (and storage), at compile time.
pub struct SupertraitVtable<'a, T> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut SupertraitPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn p(&self) -> String` with `self` erased.
    pub p: unsafe fn(&SupertraitPayload<'a>) -> String,
    /// Ties the trait's parameters and associated types to the vtable, invariantly, as
    /// `dyn Foo<P, Item = A>` does.
    marker: ::core::marker::PhantomData<fn(T) -> (T,)>,
}
impl<'a, T> SupertraitVtable<'a, T> {
    /// The vtable for a `T: Supertrait` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&SupertraitVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<X: Supertrait<T> + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<X, INLINE, OWNED>,
            size: ::core::mem::size_of::<X>(),
            align: ::core::mem::align_of::<X>(),
            p: Self::p_shim::<X, INLINE>,
            marker: ::core::marker::PhantomData,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<X: Supertrait<T> + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut SupertraitPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<X, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<X, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynSupertrait` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynSupertrait<'a, T>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `p` slot: turns the erased `self` back into the `T` it was made from and calls `T::p`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn p_shim<X: Supertrait<T> + 'a, const INLINE: bool>(
        this: &SupertraitPayload<'a>,
    ) -> String {
        let receiver = unsafe { &*this.value::<X, INLINE>() };
        <X as Supertrait<T>>::p(receiver)
    }
}
/// `dyn Supertrait` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Supertrait + 'a`.
pub struct DynSupertrait<'a, T> {
    payload: SupertraitPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynSupertrait<'long>` may have been shortened to a
    /// `DynSupertrait<'short>`, as `dyn Supertrait + 'long` may. As a `&'a SupertraitVtable<'a, …>`, whose entries
    /// take the payload, it would make `DynSupertrait` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`SupertraitVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynSupertrait<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<SupertraitVtable<'static, T>>,
}
impl<'a, T> DynSupertrait<'a, T> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<X: Supertrait<T> + 'a>(value: X) -> Self {
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
    pub fn inline<X: Supertrait<T> + 'a>(value: X) -> Self {
        const {
            let fits = ::core::mem::size_of::<X>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<X>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynSupertrait::inline`: the value does not fit in a pointer (size and alignment); use `DynSupertrait::new` or `DynSupertrait::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<X: Supertrait<T> + 'a>(value: X) -> Self {
        let payload = SupertraitPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<X>(), value) };
        Self::from_parts(payload, const { &SupertraitVtable::new::<X, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<X: Supertrait<T> + 'a>(value: X) -> Self {
        let payload = SupertraitPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &SupertraitVtable::new::<X, false, true>() })
    }
    /// Borrows the value (every dispatchable method of `Supertrait` takes `&self`, so only `&T` is ever handed out).
    pub fn from_ref<X: Supertrait<T> + 'a>(value: &'a X) -> Self {
        let payload = SupertraitPayload::empty();
        unsafe {
            (*payload.slot.get())
                .write(::core::ptr::from_ref(value) as *const () as *mut ())
        };
        Self::from_parts(payload, const { &SupertraitVtable::new::<X, false, false>() })
    }
    /// Borrows the value mutably (`Supertrait` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<X: Supertrait<T> + 'a>(value: &'a mut X) -> Self {
        let payload = SupertraitPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &SupertraitVtable::new::<X, false, false>() })
    }
    fn from_parts(
        payload: SupertraitPayload<'a>,
        vtable: &SupertraitVtable<'a, T>,
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
        payload: SupertraitPayload<'a>,
        vtable: &SupertraitVtable<'a, T>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        SupertraitVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        SupertraitVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a, T> Drop for DynSupertrait<'a, T> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (SupertraitVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Supertrait for dyn Supertrait`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a, T> Supertrait<T> for DynSupertrait<'a, T> {
    /// Calls `p` through the vtable.
    fn p(&self) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (SupertraitVtable::of(self).p)(&self.payload) }
    }
}
/// The erased `self` of `DynBoth`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Both` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct BothPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> BothPayload<'a> {
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
/// The vtable of `Both`: what the compiler stores behind the second word of a `&dyn Both`.
/// One is built per concrete type (and storage), at compile time.
///
/// A supertrait's vtable is returned by a function rather than embedded, which would copy it
/// once per path to it (twice per level of a supertrait chain), or pointed to: the compiler
/// walks a constant's pointers once per path when it collects what to compile, and each
/// function once.
pub struct BothVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut BothPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// Returns the vtable of the supertrait `Supertrait<u8>` for the same type and storage (a constant, so the pointer is always valid): upcasting `DynBoth` to `DynSupertrait<u8>` swaps it in.
    pub supertrait_u8: fn() -> ::core::ptr::NonNull<SupertraitVtable<'a, u8>>,
    /// Returns the vtable of the supertrait `Supertrait<u16>` for the same type and storage (a constant, so the pointer is always valid): upcasting `DynBoth` to `DynSupertrait<u16>` swaps it in.
    pub supertrait_u16: fn() -> ::core::ptr::NonNull<SupertraitVtable<'a, u16>>,
    /// `fn say_hello(&self) -> String` with `self` erased.
    pub say_hello: unsafe fn(&BothPayload<'a>) -> String,
}
impl<'a> BothVtable<'a> {
    /// The vtable for a `T: Both` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&BothVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<X: Both + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<X, INLINE, OWNED>,
            size: ::core::mem::size_of::<X>(),
            align: ::core::mem::align_of::<X>(),
            supertrait_u8: || ::core::ptr::NonNull::from(const {
                &SupertraitVtable::new::<X, INLINE, OWNED>()
            }),
            supertrait_u16: || ::core::ptr::NonNull::from(const {
                &SupertraitVtable::new::<X, INLINE, OWNED>()
            }),
            say_hello: Self::say_hello_shim::<X, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<X: Both + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut BothPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<X, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<X, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynBoth` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynBoth<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `say_hello` slot: turns the erased `self` back into the `T` it was made from and calls `T::say_hello`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn say_hello_shim<X: Both + 'a, const INLINE: bool>(
        this: &BothPayload<'a>,
    ) -> String {
        let receiver = unsafe { &*this.value::<X, INLINE>() };
        <X as Both>::say_hello(receiver)
    }
}
/// `dyn Both` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Both + 'a`.
pub struct DynBoth<'a> {
    payload: BothPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynBoth<'long>` may have been shortened to a
    /// `DynBoth<'short>`, as `dyn Both + 'long` may. As a `&'a BothVtable<'a>`, whose entries
    /// take the payload, it would make `DynBoth` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`BothVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynBoth<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<BothVtable<'static>>,
}
impl<'a> DynBoth<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<X: Both + 'a>(value: X) -> Self {
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
    pub fn inline<X: Both + 'a>(value: X) -> Self {
        const {
            let fits = ::core::mem::size_of::<X>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<X>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynBoth::inline`: the value does not fit in a pointer (size and alignment); use `DynBoth::new` or `DynBoth::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<X: Both + 'a>(value: X) -> Self {
        let payload = BothPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<X>(), value) };
        Self::from_parts(payload, const { &BothVtable::new::<X, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<X: Both + 'a>(value: X) -> Self {
        let payload = BothPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &BothVtable::new::<X, false, true>() })
    }
    /// Borrows the value (every dispatchable method of `Both` takes `&self`, so only `&T` is ever handed out).
    pub fn from_ref<X: Both + 'a>(value: &'a X) -> Self {
        let payload = BothPayload::empty();
        unsafe {
            (*payload.slot.get())
                .write(::core::ptr::from_ref(value) as *const () as *mut ())
        };
        Self::from_parts(payload, const { &BothVtable::new::<X, false, false>() })
    }
    /// Borrows the value mutably (`Both` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<X: Both + 'a>(value: &'a mut X) -> Self {
        let payload = BothPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &BothVtable::new::<X, false, false>() })
    }
    fn from_parts(payload: BothPayload<'a>, vtable: &BothVtable<'a>) -> Self {
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
        payload: BothPayload<'a>,
        vtable: &BothVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        BothVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        BothVtable::of(self).align
    }
    /// Upcasting: the same payload with the `Supertrait<u8>` vtable our vtable returns, as `&dyn Both` → `&dyn Supertrait<u8>` does.
    pub fn into_dyn_supertrait_u8(self) -> DynSupertrait<'a, u8> {
        let this = ::core::mem::ManuallyDrop::new(self);
        // SAFETY: the payloads have the same layout; `this` is not dropped, so the value moves; the supertrait's vtable is a constant for the same type and storage.
        unsafe {
            DynSupertrait::from_raw_parts(
                ::core::ptr::read(
                    ::core::ptr::from_ref(&this.payload).cast::<SupertraitPayload<'a>>(),
                ),
                (BothVtable::of(&this).supertrait_u8)().as_ref(),
            )
        }
    }
    /// Upcasting: the same payload with the `Supertrait<u16>` vtable our vtable returns, as `&dyn Both` → `&dyn Supertrait<u16>` does.
    pub fn into_dyn_supertrait_u16(self) -> DynSupertrait<'a, u16> {
        let this = ::core::mem::ManuallyDrop::new(self);
        // SAFETY: the payloads have the same layout; `this` is not dropped, so the value moves; the supertrait's vtable is a constant for the same type and storage.
        unsafe {
            DynSupertrait::from_raw_parts(
                ::core::ptr::read(
                    ::core::ptr::from_ref(&this.payload).cast::<SupertraitPayload<'a>>(),
                ),
                (BothVtable::of(&this).supertrait_u16)().as_ref(),
            )
        }
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynBoth<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (BothVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Both for dyn Both`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Both for DynBoth<'a> {
    /// Calls `say_hello` through the vtable.
    fn say_hello(&self) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (BothVtable::of(self).say_hello)(&self.payload) }
    }
}
/// `Supertrait` is a supertrait of `Both`, so `dyn Both` implements it too: through its vtable, which ours returns.
impl<'a> Supertrait<u8> for DynBoth<'a> {
    /// Calls `p` through the vtable.
    fn p(&self) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe {
            ((BothVtable::of(self).supertrait_u8)()
                .as_ref()
                .p)(
                &*::core::ptr::from_ref(&self.payload).cast::<SupertraitPayload<'a>>(),
            )
        }
    }
}
/// `Supertrait` is a supertrait of `Both`, so `dyn Both` implements it too: through its vtable, which ours returns.
impl<'a> Supertrait<u16> for DynBoth<'a> {
    /// Calls `p` through the vtable.
    fn p(&self) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe {
            ((BothVtable::of(self).supertrait_u16)()
                .as_ref()
                .p)(
                &*::core::ptr::from_ref(&self.payload).cast::<SupertraitPayload<'a>>(),
            )
        }
    }
}
