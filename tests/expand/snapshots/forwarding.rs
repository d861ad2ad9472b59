// title: dynlens: Expand `Greet` into explicit vtable with forwarding impls
// complete: true

/// The erased `self` of `DynGreet`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Greet` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct GreetPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> GreetPayload<'a> {
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
/// The vtable of `Greet`: what the compiler stores behind the second word of a `&dyn Greet`.
/// One is built per concrete type (and storage), at compile time.
pub struct GreetVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut GreetPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn greet(&self, name: &str) -> String` with `self` erased.
    pub greet: unsafe fn(&GreetPayload<'a>, &str) -> String,
    /// `fn rename(&mut self, to: &str)` with `self` erased.
    pub rename: unsafe fn(&mut GreetPayload<'a>, &str),
}
impl<'a> GreetVtable<'a> {
    /// The vtable for a `T: Greet` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&GreetVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Greet + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            greet: Self::greet_shim::<T, INLINE>,
            rename: Self::rename_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Greet + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut GreetPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynGreet` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynGreet<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `greet` slot: turns the erased `self` back into the `T` it was made from and calls `T::greet`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn greet_shim<T: Greet + 'a, const INLINE: bool>(
        this: &GreetPayload<'a>,
        name: &str,
    ) -> String {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Greet>::greet(receiver, name)
    }
    /// The shim in the `rename` slot: turns the erased `self` back into the `T` it was made from and calls `T::rename`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn rename_shim<T: Greet + 'a, const INLINE: bool>(
        this: &mut GreetPayload<'a>,
        to: &str,
    ) {
        let receiver = unsafe { &mut *this.value::<T, INLINE>() };
        <T as Greet>::rename(receiver, to)
    }
}
/// `dyn Greet` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Greet + 'a`.
pub struct DynGreet<'a> {
    payload: GreetPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynGreet<'long>` may have been shortened to a
    /// `DynGreet<'short>`, as `dyn Greet + 'long` may. As a `&'a GreetVtable<'a>`, whose entries
    /// take the payload, it would make `DynGreet` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`GreetVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynGreet<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<GreetVtable<'static>>,
}
impl<'a> DynGreet<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Greet + 'a>(value: T) -> Self {
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
    pub fn inline<T: Greet + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynGreet::inline`: the value does not fit in a pointer (size and alignment); use `DynGreet::new` or `DynGreet::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Greet + 'a>(value: T) -> Self {
        let payload = GreetPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &GreetVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Greet + 'a>(value: T) -> Self {
        let payload = GreetPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &GreetVtable::new::<T, false, true>() })
    }
    /// Borrows the value mutably (`Greet` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: Greet + 'a>(value: &'a mut T) -> Self {
        let payload = GreetPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &GreetVtable::new::<T, false, false>() })
    }
    fn from_parts(payload: GreetPayload<'a>, vtable: &GreetVtable<'a>) -> Self {
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
        payload: GreetPayload<'a>,
        vtable: &GreetVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        GreetVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        GreetVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynGreet<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (GreetVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Greet for dyn Greet`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Greet for DynGreet<'a> {
    /// Calls `greet` through the vtable.
    fn greet(&self, name: &str) -> String {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (GreetVtable::of(self).greet)(&self.payload, name) }
    }
    /// Calls `rename` through the vtable.
    fn rename(&mut self, to: &str) {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (GreetVtable::of(this).rename)(&mut this.payload, to) }
    }
}
/// Forwards every item of `Greet` to the `T` behind the `Box<T>`, so that it can be a dyn* payload too.
impl<T: Greet + ?Sized> Greet for Box<T> {
    fn greet(&self, name: &str) -> String {
        <T as Greet>::greet(&**self, name)
    }
    fn rename(&mut self, to: &str) {
        <T as Greet>::rename(&mut **self, to)
    }
}
// No `impl Greet for &T`: `rename` takes `&mut Self`, which a `&T` cannot give.
/// Forwards every item of `Greet` to the `T` behind the `&mut T`, so that it can be a dyn* payload too.
impl<T: Greet + ?Sized> Greet for &mut T {
    fn greet(&self, name: &str) -> String {
        <T as Greet>::greet(&**self, name)
    }
    fn rename(&mut self, to: &str) {
        <T as Greet>::rename(&mut **self, to)
    }
}
