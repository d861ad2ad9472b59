// title: dynlens: Expand `Job` into explicit vtable
// complete: true

/// The erased `self` of `DynJob`: one pointer-sized slot holding the value itself (when it
/// fits) or a pointer to it (boxed or borrowed). The compiler's `dyn Job` erases `self` to a
/// data pointer; a dyn* value may also keep a small value in place of the pointer.
///
/// `UnsafeCell`: a `&self` method may mutate a value stored inline (a `Cell`, for instance).
#[repr(transparent)]
pub struct JobPayload<'a> {
    slot: ::core::cell::UnsafeCell<::core::mem::MaybeUninit<*mut ()>>,
    lifetime: ::core::marker::PhantomData<&'a ()>,
}
impl<'a> JobPayload<'a> {
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
/// The vtable of `Job`: what the compiler stores behind the second word of a `&dyn Job`.
/// One is built per concrete type (and storage), at compile time.
pub struct JobVtable<'a> {
    /// Drops the value in place (inline), drops its `Box` (boxed), or does nothing (borrowed).
    pub drop_in_place: unsafe fn(&mut JobPayload<'a>),
    /// `size_of::<T>()`.
    pub size: usize,
    /// `align_of::<T>()`.
    pub align: usize,
    /// `fn run(&self, input: u32) -> u32` with `self` erased.
    pub run: unsafe fn(&JobPayload<'a>, u32) -> u32,
    /// `fn run_later(&self, input: u32) -> impl Future<Output = u32> + Send` with `self` erased.
    pub run_later: for<'s> unsafe fn(
        &'s JobPayload<'a>,
        u32,
    ) -> ::core::pin::Pin<Box<dyn Future<Output = u32> + Send + 's>>,
}
impl<'a> JobVtable<'a> {
    /// The vtable for a `T: Job` stored inline (`INLINE`) or behind a pointer, owned (`OWNED`: dropping the dyn value drops the `T`) or borrowed.
    ///
    /// A `const fn`, so that `&JobVtable::new::<T, …>()` in a constant is promoted to a `'static`:
    /// no allocation and no `static` per type, like the compiler's vtables.
    pub const fn new<T: Job + 'a, const INLINE: bool, const OWNED: bool>() -> Self {
        Self {
            drop_in_place: Self::drop_shim::<T, INLINE, OWNED>,
            size: ::core::mem::size_of::<T>(),
            align: ::core::mem::align_of::<T>(),
            run: Self::run_shim::<T, INLINE>,
            run_later: Self::run_later_shim::<T, INLINE>,
        }
    }
    /// The `drop_in_place` entry.
    ///
    /// # Safety
    /// `this` holds a `T` stored as `INLINE` and `OWNED` say, not yet dropped.
    unsafe fn drop_shim<T: Job + 'a, const INLINE: bool, const OWNED: bool>(
        this: &mut JobPayload<'a>,
    ) {
        if OWNED {
            if INLINE {
                unsafe { ::core::ptr::drop_in_place(this.value::<T, INLINE>()) }
            } else {
                drop(unsafe { Box::from_raw(this.value::<T, INLINE>()) })
            }
        }
    }
    /// The vtable of a dyn value, at the value's lifetime `'a`: `DynJob` stores it with its
    /// lifetime erased, so that it is covariant in `'a` (see its `vtable` field).
    fn of<'s>(value: &'s DynJob<'a>) -> &'s Self {
        // SAFETY: `vtable` points to a vtable that lives as long as the value (the constructors' are
        // constants), built for its type and storage and for a lifetime that outlives `'a`, which can
        // only have shrunk since: see the `vtable` field.
        unsafe { value.vtable.cast::<Self>().as_ref() }
    }
    /// The shim in the `run` slot: turns the erased `self` back into the `T` it was made from and calls `T::run`.
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn run_shim<T: Job + 'a, const INLINE: bool>(
        this: &JobPayload<'a>,
        input: u32,
    ) -> u32 {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        <T as Job>::run(receiver, input)
    }
    /// The shim in the `run_later` slot: turns the erased `self` back into the `T` it was made from and calls `T::run_later`, boxing the `impl Trait` it returns (a boxing shim).
    ///
    /// # Safety
    /// `this` holds a `T` as `INLINE` says, and is borrowed (or owned) as the receiver requires.
    unsafe fn run_later_shim<'s, T: Job + 'a, const INLINE: bool>(
        this: &'s JobPayload<'a>,
        input: u32,
    ) -> ::core::pin::Pin<Box<dyn Future<Output = u32> + Send + 's>> {
        let receiver = unsafe { &*this.value::<T, INLINE>() };
        Box::pin(<T as Job>::run_later(receiver, input))
    }
}
/// `dyn Job` as a dyn* value: `Sized`, two words (the payload and the vtable), so it can be
/// moved, returned and passed by value, which is what makes `self`, `-> Self`, `impl Trait`
/// arguments and `async fn` dispatchable. Dropping it drops the value exactly once.
///
/// `'a` bounds the erased value's borrows, as in `dyn Job + 'a`.
pub struct DynJob<'a> {
    payload: JobPayload<'a>,
    /// The vtable, its lifetime erased (`'static` stands for it). It was built for the value's type
    /// and for a lifetime that outlives `'a`: a `DynJob<'long>` may have been shortened to a
    /// `DynJob<'short>`, as `dyn Job + 'long` may. As a `&'a JobVtable<'a>`, whose entries
    /// take the payload, it would make `DynJob` invariant in `'a`; erased, `'a` is only in the
    /// payload, covariantly. [`JobVtable::of`] reads it back at `'a`, which is sound: `'a` appears
    /// in the entries only as the payload's lifetime (its value outlives `'a`) and in results
    /// (`Box<dyn … + 'a>`, `DynJob<'a>`), never in an argument.
    vtable: ::core::ptr::NonNull<JobVtable<'static>>,
}
impl<'a> DynJob<'a> {
    /// Stores the value inline when it fits in a pointer (size and alignment): no
    /// allocation; boxes it otherwise.
    pub fn new<T: Job + 'a>(value: T) -> Self {
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
    pub fn inline<T: Job + 'a>(value: T) -> Self {
        const {
            let fits = ::core::mem::size_of::<T>() <= ::core::mem::size_of::<*mut ()>()
                && ::core::mem::align_of::<T>() <= ::core::mem::align_of::<*mut ()>();
            assert!(
                fits,
                "`DynJob::inline`: the value does not fit in a pointer (size and alignment); use `DynJob::new` or `DynJob::boxed`"
            )
        };
        // SAFETY: `T` fits, checked at compile time just above.
        unsafe { Self::store_inline(value) }
    }
    /// Writes the value into the payload slot itself.
    ///
    /// # Safety
    /// `T` fits in a pointer (size and alignment).
    unsafe fn store_inline<T: Job + 'a>(value: T) -> Self {
        let payload = JobPayload::empty();
        unsafe { ::core::ptr::write(payload.slot.get().cast::<T>(), value) };
        Self::from_parts(payload, const { &JobVtable::new::<T, true, true>() })
    }
    /// Stores the value in a `Box`.
    pub fn boxed<T: Job + 'a>(value: T) -> Self {
        let payload = JobPayload::empty();
        unsafe {
            (*payload.slot.get()).write(Box::into_raw(Box::new(value)) as *mut ())
        };
        Self::from_parts(payload, const { &JobVtable::new::<T, false, true>() })
    }
    /// Borrows the value (every dispatchable method of `Job` takes `&self`, so only `&T` is ever handed out).
    pub fn from_ref<T: Job + 'a + Sync>(value: &'a T) -> Self {
        let payload = JobPayload::empty();
        unsafe {
            (*payload.slot.get())
                .write(::core::ptr::from_ref(value) as *const () as *mut ())
        };
        Self::from_parts(payload, const { &JobVtable::new::<T, false, false>() })
    }
    /// Borrows the value mutably (`Job` has no `self`, `Box<Self>` or `Pin` receiver, so nothing moves out of the borrow).
    pub fn from_mut<T: Job + 'a>(value: &'a mut T) -> Self {
        let payload = JobPayload::empty();
        unsafe { (*payload.slot.get()).write(::core::ptr::from_mut(value) as *mut ()) };
        Self::from_parts(payload, const { &JobVtable::new::<T, false, false>() })
    }
    fn from_parts(payload: JobPayload<'a>, vtable: &JobVtable<'a>) -> Self {
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
        payload: JobPayload<'a>,
        vtable: &JobVtable<'a>,
    ) -> Self {
        Self::from_parts(payload, vtable)
    }
    /// `size_of_val` of the erased value, read from the vtable.
    pub fn size_of_val(&self) -> usize {
        JobVtable::of(self).size
    }
    /// `align_of_val` of the erased value, read from the vtable.
    pub fn align_of_val(&self) -> usize {
        JobVtable::of(self).align
    }
}
/// Runs the vtable's `drop_in_place` exactly once.
impl<'a> Drop for DynJob<'a> {
    fn drop(&mut self) {
        // SAFETY: the vtable was built for this payload, which is dropped only here.
        unsafe { (JobVtable::of(self).drop_in_place)(&mut self.payload) }
    }
}
/// SAFETY: `Job: Send`, so every constructor requires `T: Send`, and `from_ref` also `T: Sync` (so the `&T` it holds is `Send`). The raw pointer and the `UnsafeCell` in the payload only make the compiler unable to see that.
unsafe impl<'a> Send for DynJob<'a> {}
/// SAFETY: `Job: Sync`, so every constructor requires `T: Sync`; the vtable is immutable. The raw pointer and the `UnsafeCell` in the payload only make the compiler unable to see that.
unsafe impl<'a> Sync for DynJob<'a> {}
/// What the compiler writes as `impl Job for dyn Job`: every method loads its function pointer from the vtable and calls it with the erased `self`.
impl<'a> Job for DynJob<'a> {
    /// Calls `run` through the vtable.
    fn run(&self, input: u32) -> u32 {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (JobVtable::of(self).run)(&self.payload, input) }
    }
    /// Calls `run_later` through the vtable.
    fn run_later(&self, input: u32) -> impl Future<Output = u32> + Send {
        // SAFETY: the vtable was built for the type and storage of the payload.
        unsafe { (JobVtable::of(self).run_later)(&self.payload, input) }
    }
}
