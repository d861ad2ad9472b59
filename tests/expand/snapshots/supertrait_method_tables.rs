// title: dynlens: Expand `Stack` into explicit vtable
// complete: true

// The method table of the supertrait `Middle` (of `Stack`), which the vtables of the
// traits that have it as a supertrait return. `Middle` gets no dyn type of its own in this
// expansion: past the budget for supertraits' dyn types, which keeps the expansion of a
// deep hierarchy proportional to its size (docs/expansion.md, Supertraits' vtables).
// The method table of the supertrait `Base` (of `Middle`), which the vtables of the
// traits that have it as a supertrait return. `Base` gets no dyn type of its own in this
// expansion: past the budget for supertraits' dyn types, which keeps the expansion of a
// deep hierarchy proportional to its size (docs/expansion.md, Supertraits' vtables).
/// The erased `self` that the shims of `BaseMethods` take: one pointer-sized slot holding the
/// value itself (when it fits) or a pointer to it, as every dyn value's payload does (the
/// including dyn value's payload is cast to it).
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct BaseMethodsPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> BaseMethodsPayload<'a> {
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
/// The methods of `Base` for one concrete type (and storage), built at compile time: the
/// vtables of the traits that have `Base` as a supertrait return it. `Base` has no dyn type
/// here, so this is not a vtable: no `drop_in_place`, `size` or `align`, no supertraits.
pub struct BaseMethods<'a> {
    /// `fn size(&self) -> usize` with `self` erased.
    pub method_size: unsafe fn(&BaseMethodsPayload<'a>) -> usize,
    /// `fn bump(&mut self, by: usize)` with `self` erased.
    pub bump: unsafe fn(&mut BaseMethodsPayload<'a>, usize),
    /// `fn into_total(self) -> usize` with `self` erased.
    pub into_total: unsafe fn(BaseMethodsPayload<'a>) -> usize,
}
impl<'a> BaseMethods<'a> {
    /// The methods of `Base` for a `T: Base` stored inline (`INLINE`) or behind a pointer, owned
    /// (`OWNED`, as the including vtable says) or borrowed.
    ///
    /// A `const fn`, so that `&BaseMethods::new::<T, …>()` in a constant is promoted to a `'static`.
    pub const fn new<T: Base + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            method_size: Self::method_size_shim::<T, INLINE>,
            bump: Self::bump_shim::<T, INLINE>,
            into_total: Self::into_total_shim::<T, INLINE>,
        }
    }
    /// The shim in the `method_size` slot: turns the erased `self` back into the `T` it was made from and calls `T::size`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn method_size_shim<T: Base + 'a, const INLINE: bool>(
        this: &BaseMethodsPayload<'a>,
    ) -> usize {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Base>::size(receiver)
    }
    /// The shim in the `bump` slot: turns the erased `self` back into the `T` it was made from and calls `T::bump`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn bump_shim<T: Base + 'a, const INLINE: bool>(
        this: &mut BaseMethodsPayload<'a>,
        by: usize,
    ) {
        let receiver = unsafe { &mut *this.value::<T, INLINE>() };
        <T as Base>::bump(receiver, by)
    }
    /// The shim in the `into_total` slot: turns the erased `self` back into the `T` it was made from and calls `T::into_total`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn into_total_shim<T: Base + 'a, const INLINE: bool>(
        this: BaseMethodsPayload<'a>,
    ) -> usize {
        let receiver = unsafe { this.into_value::<T, INLINE>() };
        <T as Base>::into_total(receiver)
    }
}
/// The erased `self` that the shims of `MiddleMethods` take: one pointer-sized slot holding the
/// value itself (when it fits) or a pointer to it, as every dyn value's payload does (the
/// including dyn value's payload is cast to it).
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct MiddleMethodsPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> MiddleMethodsPayload<'a> {
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
/// The methods of `Middle` for one concrete type (and storage), built at compile time: the
/// vtables of the traits that have `Middle` as a supertrait return it. `Middle` has no dyn type
/// here, so this is not a vtable: no `drop_in_place`, `size` or `align`, no supertraits.
pub struct MiddleMethods<'a> {
    /// `fn label(&self) -> String` with `self` erased.
    pub label: unsafe fn(&MiddleMethodsPayload<'a>) -> String,
}
impl<'a> MiddleMethods<'a> {
    /// The methods of `Middle` for a `T: Middle` stored inline (`INLINE`) or behind a pointer, owned
    /// (`OWNED`, as the including vtable says) or borrowed.
    ///
    /// A `const fn`, so that `&MiddleMethods::new::<T, …>()` in a constant is promoted to a `'static`.
    pub const fn new<T: Middle + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            label: Self::label_shim::<T, INLINE>,
        }
    }
    /// The shim in the `label` slot: turns the erased `self` back into the `T` it was made from and calls `T::label`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn label_shim<T: Middle + 'a, const INLINE: bool>(
        this: &MiddleMethodsPayload<'a>,
    ) -> String {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Middle>::label(receiver)
    }
}
/// The erased `self` of `DynStack`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Stack` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct StackPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> StackPayload<'a> {
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
/// The vtable of `Stack`: what the compiler stores behind the second word of a `&dyn Stack`.
/// One is built per concrete type (and storage), at compile time.
///
/// A supertrait's vtable is returned by a function rather than embedded, which would copy it
/// once per path to it (twice per level of a supertrait chain), or pointed to: the compiler
/// walks a constant's pointers once per path when it collects what to compile, and each
/// function once.
pub struct StackVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut StackPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// Returns the method table of the supertrait `Middle` for the same type and storage (a constant, so the pointer is always valid). `Middle` has no dyn type in this expansion, so there is no upcast to it.
    pub middle: fn() -> ::core::ptr::NonNull<MiddleMethods<'a>>,
    /// Returns the method table of the supertrait `Base` for the same type and storage (a constant, so the pointer is always valid). `Base` has no dyn type in this expansion, so there is no upcast to it.
    pub base: fn() -> ::core::ptr::NonNull<BaseMethods<'a>>,
    /// `fn depth(&self) -> usize` with `self` erased.
    pub depth: unsafe fn(&StackPayload<'a>) -> usize,
    /// `fn twin(&self) -> Self` with `self` erased.
    pub middle_twin: unsafe fn(&StackPayload<'a>) -> DynStack<'a>,
    /// `fn fmt(&self, f: &mut::core::fmt::Formatter<'_>) ->::core::fmt::Result` with `self` erased.
    pub debug_fmt: unsafe fn(
        &StackPayload<'a>,
        &mut ::core::fmt::Formatter<'_>,
    ) -> ::core::fmt::Result,
}
impl<'a> StackVtable<'a> {
    /// The vtable for a `T: Stack` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&StackVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Stack + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            middle: || ::core::ptr::NonNull::from(const {
                &MiddleMethods::new::<T, INLINE, OWNED>()
            }),
            base: || ::core::ptr::NonNull::from(const {
                &BaseMethods::new::<T, INLINE, OWNED>()
            }),
            depth: Self::depth_shim::<T, INLINE>,
            middle_twin: Self::middle_twin_shim::<T, INLINE>,
            debug_fmt: Self::debug_fmt_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Stack + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut StackPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynStack` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynStack<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `depth` slot: turns the erased `self` back into the `T` it was made from and calls `T::depth`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn depth_shim<T: Stack + 'a, const INLINE: bool>(
        this: &StackPayload<'a>,
    ) -> usize {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Stack>::depth(receiver)
    }
    /// The shim in the `middle_twin` slot: turns the erased `self` back into the `T` it was made from and calls `T::twin`, wrapping the returned `T` in a new dyn value.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn middle_twin_shim<T: Stack + 'a, const INLINE: bool>(
        this: &StackPayload<'a>,
    ) -> DynStack<'a> {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        DynStack::new(<T as Middle>::twin(receiver))
    }
    /// The shim in the `debug_fmt` slot: turns the erased `self` back into the `T` it was made from and calls `T::fmt`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn debug_fmt_shim<T: Stack + 'a, const INLINE: bool>(
        this: &StackPayload<'a>,
        f: &mut ::core::fmt::Formatter<'_>,
    ) -> ::core::fmt::Result {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as ::std::fmt::Debug>::fmt(receiver, f)
    }
}
/// `dyn Stack` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Stack + 'a`.
pub struct DynStack<'a> {
    payload: StackPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynStack<'long>` may have been shortened to a
    /// `DynStack<'short>`, as `dyn Stack + 'long` may. As a `&'a StackVtable<'a>`, whose entries
    /// take the payload, it would make `DynStack` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`StackVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynStack<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<StackVtable<'static>>,
}
impl<'a> DynStack<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Stack + 'a>(value: T) -> Self {
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
    pub fn inline<T: Stack + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynStack::inline`: the value does not fit in a pointer (size and alignment); use `DynStack::new` or `DynStack::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Stack + 'a>(value: T) -> Self {
        let payload = StackPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &StackVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Stack + 'a>(value: T) -> Self {
        let payload = StackPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &StackVtable::new::<T, false, true>() })
    }
    fn from_parts(payload: StackPayload<'a>, vtable: &StackVtable<'a>) -> Self {
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
        payload: StackPayload<'a>,
        vtable: &StackVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        StackVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        StackVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynStack<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (StackVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Stack for dyn Stack`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Stack for DynStack<'a> {
    /// Calls `depth` through the vtable.
    fn depth(&self) -> usize {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (StackVtable::of(self).depth)(&self.payload) }
    }
}
/// `Middle` is a supertrait of `Stack`, so `dyn Stack` implements it too: through its method table, which ours returns.
impl<'a> Middle for DynStack<'a> {
    /// Calls `middle_twin` through the vtable.
    fn twin(&self) -> Self {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (StackVtable::of(self).middle_twin)(&self.payload) }
    }
    /// Calls `label` through the vtable.
    fn label(&self) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe {
            ((StackVtable::of(self).middle)()
                .as_ref()
                .label)(
                &*::core::ptr::from_ref(&self.payload).cast::<MiddleMethodsPayload<'a>>(),
            )
        }
    }
}
/// `Base` is a supertrait of `Stack`, so `dyn Stack` implements it too: through its method table, which ours returns.
impl<'a> Base for DynStack<'a> {
    /// Calls `method_size` through the vtable.
    fn size(&self) -> usize {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe {
            ((StackVtable::of(self).base)()
                .as_ref()
                .method_size)(
                &*::core::ptr::from_ref(&self.payload).cast::<BaseMethodsPayload<'a>>(),
            )
        }
    }
    /// Calls `bump` through the vtable.
    fn bump(&mut self, by: usize) {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe {
            ((StackVtable::of(this).base)()
                .as_ref()
                .bump)(
                &mut *::core::ptr::from_mut(&mut this.payload)
                    .cast::<BaseMethodsPayload<'a>>(),
                by,
            )
        }
    }
    /// Calls `into_total` through the vtable.
    fn into_total(self) -> usize {
        let this = ::core::mem::ManuallyDrop::new(self);
        // SAFETY: the vtable matches the payload; `this` is not dropped, so the value moves into the shim.
        unsafe {
            ((StackVtable::of(&this).base)()
                .as_ref()
                .into_total)(
                ::core::ptr::read(
                    ::core::ptr::from_ref(&this.payload).cast::<BaseMethodsPayload<'a>>(),
                ),
            )
        }
    }
}
/// `Debug` is a supertrait of `Stack`, so `dyn Stack` implements it too: through slots of the vtable.
impl<'a> ::std::fmt::Debug for DynStack<'a> {
    /// Calls `debug_fmt` through the vtable.
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (StackVtable::of(self).debug_fmt)(&self.payload, f) }
    }
}
