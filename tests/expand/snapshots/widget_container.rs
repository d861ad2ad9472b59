// title: dynlens: Expand `WidgetContainer` into explicit vtable
// complete: true

/// The erased `self` of `DynWidgetContainer`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn WidgetContainer` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct WidgetContainerPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> WidgetContainerPayload<'a> {
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
/// The vtable of `WidgetContainer`: what the compiler stores behind the second word of a `&dyn WidgetContainer`.
/// One is built per concrete type (and storage), at compile time.
pub struct WidgetContainerVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut WidgetContainerPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn widgets(&self) -> &[u32]` with `self` erased.
    pub widgets: for<'s> unsafe fn(&'s WidgetContainerPayload<'a>) -> &'s [u32],
    /// `fn name<'x>(&'x self) -> &'x str` with `self` erased.
    pub name: for<'x> unsafe fn(&'x WidgetContainerPayload<'a>) -> &'x str,
    /// `fn add(&mut self, widget: u32) -> usize` with `self` erased.
    pub add: unsafe fn(&mut WidgetContainerPayload<'a>, u32) -> usize,
}
impl<'a> WidgetContainerVtable<'a> {
    /// The vtable for a `T: WidgetContainer` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&WidgetContainerVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: WidgetContainer + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            widgets: Self::widgets_shim::<T, INLINE>,
            name: Self::name_shim::<T, INLINE>,
            add: Self::add_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: WidgetContainer + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut WidgetContainerPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynWidgetContainer` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynWidgetContainer<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `widgets` slot: turns the erased `self` back into the `T` it was made from and calls `T::widgets`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn widgets_shim<'s, T: WidgetContainer + 'a, const INLINE: bool>(
        this: &'s WidgetContainerPayload<'a>,
    ) -> &'s [u32] {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as WidgetContainer>::widgets(receiver)
    }
    /// The shim in the `name` slot: turns the erased `self` back into the `T` it was made from and calls `T::name`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn name_shim<'x, T: WidgetContainer + 'a, const INLINE: bool>(
        this: &'x WidgetContainerPayload<'a>,
    ) -> &'x str {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as WidgetContainer>::name(receiver)
    }
    /// The shim in the `add` slot: turns the erased `self` back into the `T` it was made from and calls `T::add`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn add_shim<T: WidgetContainer + 'a, const INLINE: bool>(
        this: &mut WidgetContainerPayload<'a>,
        widget: u32,
    ) -> usize {
        let receiver = unsafe { &mut *this.value::<T, INLINE>() };
        <T as WidgetContainer>::add(receiver, widget)
    }
}
/// `dyn WidgetContainer` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn WidgetContainer + 'a`.
pub struct DynWidgetContainer<'a> {
    payload: WidgetContainerPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynWidgetContainer<'long>` may have been shortened to a
    /// `DynWidgetContainer<'short>`, as `dyn WidgetContainer + 'long` may. As a `&'a WidgetContainerVtable<'a>`, whose entries
    /// take the payload, it would make `DynWidgetContainer` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`WidgetContainerVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynWidgetContainer<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<WidgetContainerVtable<'static>>,
}
impl<'a> DynWidgetContainer<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: WidgetContainer + 'a>(value: T) -> Self {
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
    pub fn inline<T: WidgetContainer + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynWidgetContainer::inline`: the value does not fit in a pointer (size and alignment); use `DynWidgetContainer::new` or `DynWidgetContainer::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: WidgetContainer + 'a>(value: T) -> Self {
        let payload = WidgetContainerPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(
            payload,
            const { &WidgetContainerVtable::new::<T, true, true>() },
        )
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: WidgetContainer + 'a>(value: T) -> Self {
        let payload = WidgetContainerPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(
            payload,
            const { &WidgetContainerVtable::new::<T, false, true>() },
        )
    }
    /// Borrows the value mutably (`WidgetContainer` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: WidgetContainer + 'a>(value: &'a mut T) -> Self {
        let payload = WidgetContainerPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(
            payload,
            const { &WidgetContainerVtable::new::<T, false, false>() },
        )
    }
    fn from_parts(
        payload: WidgetContainerPayload<'a>,
        vtable: &WidgetContainerVtable<'a>,
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
        payload: WidgetContainerPayload<'a>,
        vtable: &WidgetContainerVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        WidgetContainerVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        WidgetContainerVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynWidgetContainer<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (WidgetContainerVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl WidgetContainer for dyn WidgetContainer`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> WidgetContainer for DynWidgetContainer<'a> {
    /// Calls `widgets` through the vtable.
    fn widgets(&self) -> &[u32] {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (WidgetContainerVtable::of(self).widgets)(&self.payload) }
    }
    /// Calls `name` through the vtable.
    fn name<'x>(&'x self) -> &'x str {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (WidgetContainerVtable::of(self).name)(&self.payload) }
    }
    /// Calls `add` through the vtable.
    fn add(&mut self, widget: u32) -> usize {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (WidgetContainerVtable::of(this).add)(&mut this.payload, widget) }
    }
}
