// title: dynlens: Expand `Lookup` into explicit vtable
// complete: true

/// The erased `self` of `DynLookup`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Lookup` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct LookupPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> LookupPayload<'a> {
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
/// The vtable of `Lookup`: what the compiler stores behind the second word of a `&dyn Lookup`.
/// One is built per concrete type (and storage), at compile time.
pub struct LookupVtable<'a, 'k, K: PartialEq, Value> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut LookupPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn get(&self, key: &'k K) -> Option<&Self::Value>` with `self` erased.
    pub get: for<'s> unsafe fn(&'s LookupPayload<'a>, &'k K) -> Option<&'s Value>,
    /// `fn insert(&mut self, key: &'k K, value: Self::Value)` with `self` erased.
    pub insert: unsafe fn(&mut LookupPayload<'a>, &'k K, Value),
    /// `fn len(&self) -> usize` with `self` erased.
    pub len: unsafe fn(&LookupPayload<'a>) -> usize,
    /// Ties the trait's parameters and associated types to the vtable, invariantly, as
    /// `dyn Foo<P, Item = A>` does.
    marker: ::core::marker::PhantomData<fn(&'k (), K, Value) -> (&'k (), K, Value)>,
}
impl<'a, 'k, K: PartialEq, Value> LookupVtable<'a, 'k, K, Value> {
    /// The vtable for a `T: Lookup` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&LookupVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<
        T: Lookup<'k, K, Value = Value> + 'a,
        const INLINE: bool,
        const OWNED: bool,
    >() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            get: Self::get_shim::<T, INLINE>,
            insert: Self::insert_shim::<T, INLINE>,
            len: Self::len_shim::<T, INLINE>,
            marker: ::core::marker::PhantomData,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<
        T: Lookup<'k, K, Value = Value> + 'a,
        const INLINE: bool,
        const OWNED: bool,
    >(this: &mut LookupPayload<'a>) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynLookup` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynLookup<'a, 'k, K, Value>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `get` slot: turns the erased `self` back into the `T` it was made from and calls `T::get`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn get_shim<'s, T: Lookup<'k, K, Value = Value> + 'a, const INLINE: bool>(
        this: &'s LookupPayload<'a>,
        key: &'k K,
    ) -> Option<&'s Value> {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Lookup<'k, K>>::get(receiver, key)
    }
    /// The shim in the `insert` slot: turns the erased `self` back into the `T` it was made from and calls `T::insert`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn insert_shim<T: Lookup<'k, K, Value = Value> + 'a, const INLINE: bool>(
        this: &mut LookupPayload<'a>,
        key: &'k K,
        value: Value,
    ) {
        let receiver = unsafe { &mut *this.value::<T, INLINE>() };
        <T as Lookup<'k, K>>::insert(receiver, key, value)
    }
    /// The shim in the `len` slot: turns the erased `self` back into the `T` it was made from and calls `T::len`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn len_shim<T: Lookup<'k, K, Value = Value> + 'a, const INLINE: bool>(
        this: &LookupPayload<'a>,
    ) -> usize {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Lookup<'k, K>>::len(receiver)
    }
}
/// `dyn Lookup` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Lookup + 'a`.
pub struct DynLookup<'a, 'k, K: PartialEq, Value> {
    payload: LookupPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynLookup<'long>` may have been shortened to a
    /// `DynLookup<'short>`, as `dyn Lookup + 'long` may. As a `&'a LookupVtable<'a, …>`, whose entries
    /// take the payload, it would make `DynLookup` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`LookupVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynLookup<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<LookupVtable<'static, 'k, K, Value>>,
}
impl<'a, 'k, K: PartialEq, Value> DynLookup<'a, 'k, K, Value> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Lookup<'k, K, Value = Value> + 'a>(value: T) -> Self {
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
    pub fn inline<T: Lookup<'k, K, Value = Value> + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynLookup::inline`: the value does not fit in a pointer (size and alignment); use `DynLookup::new` or `DynLookup::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Lookup<'k, K, Value = Value> + 'a>(value: T) -> Self {
        let payload = LookupPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &LookupVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Lookup<'k, K, Value = Value> + 'a>(value: T) -> Self {
        let payload = LookupPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &LookupVtable::new::<T, false, true>() })
    }
    /// Borrows the value mutably (`Lookup` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: Lookup<'k, K, Value = Value> + 'a>(value: &'a mut T) -> Self {
        let payload = LookupPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &LookupVtable::new::<T, false, false>() })
    }
    fn from_parts(
        payload: LookupPayload<'a>,
        vtable: &LookupVtable<'a, 'k, K, Value>,
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
        payload: LookupPayload<'a>,
        vtable: &LookupVtable<'a, 'k, K, Value>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        LookupVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        LookupVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a, 'k, K: PartialEq, Value> Drop for DynLookup<'a, 'k, K, Value> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (LookupVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// What the compiler writes as `impl Lookup for dyn Lookup`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a, 'k, K: PartialEq, Value> Lookup<'k, K> for DynLookup<'a, 'k, K, Value> {
    type Value = Value;
    /// Calls `get` through the vtable.
    fn get(&self, key: &'k K) -> Option<&Value> {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (LookupVtable::of(self).get)(&self.payload, key) }
    }
    /// Calls `insert` through the vtable.
    fn insert(&mut self, key: &'k K, value: Value) {
        let this = self;
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (LookupVtable::of(this).insert)(&mut this.payload, key, value) }
    }
    /// Calls `len` through the vtable.
    fn len(&self) -> usize {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (LookupVtable::of(self).len)(&self.payload) }
    }
}
