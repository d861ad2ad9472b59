//! Oracle corpus: projections `<Self as Trait<Args>>::Assoc` in method signatures. rustc
//! (1.95) accepts one only when `Trait<Args>` is, with these very arguments, one of the
//! trait's (elaborated) supertraits; any other projection on `Self` "references the `Self`
//! type" (E0038). The blanket impls make every projection well-formed, so that each trait
//! compiles on its own and only the dyn use is in question.

/// A generic trait with an associated type.
// probe: dyn Super<u8, Assoc = u8>
pub trait Super<T> {
    type Assoc;
}

impl<X: ?Sized> Super<u16> for X {
    type Assoc = ();
}

/// Implemented for every type: `<Self as Tagged>::Tag` always resolves.
// probe: dyn Tagged<Tag = u8>
pub trait Tagged {
    type Tag;
}

impl<X: ?Sized> Tagged for X {
    type Tag = u8;
}

// probe: dyn ProjThroughSuper<Assoc = u8>
pub trait ProjThroughSuper: Super<u8> {
    fn f(&self) -> <Self as Super<u8>>::Assoc;
}

// probe: dyn ProjOtherArgsReturn<Assoc = u8>
pub trait ProjOtherArgsReturn: Super<u8> {
    fn f(&self) -> <Self as Super<u16>>::Assoc;
}

// probe: dyn ProjOtherArgsParam<Assoc = u8>
pub trait ProjOtherArgsParam: Super<u8> {
    fn f(&self, x: <Self as Super<u16>>::Assoc);
}

// probe: dyn ProjOtherArgsNested<Assoc = u8>
pub trait ProjOtherArgsNested: Super<u8> {
    fn f(&self) -> Option<Vec<<Self as Super<u16>>::Assoc>>;
}

// probe: dyn ProjOtherArgsSized<Assoc = u8>
pub trait ProjOtherArgsSized: Super<u8> {
    fn f(&self) -> <Self as Super<u16>>::Assoc
    where
        Self: Sized;
}

// probe: dyn ProjGeneric<u8, Assoc = u8>
pub trait ProjGeneric<T>: Super<T> {
    fn f(&self) -> <Self as Super<T>>::Assoc;
}

// probe: dyn ProjGenericConcrete<u16, Assoc = u8>
pub trait ProjGenericConcrete<T>: Super<T> {
    fn f(&self) -> <Self as Super<u16>>::Assoc;
}

// probe: dyn ProjThroughGrandparent<Assoc = u8>
pub trait ProjThroughGrandparent: ProjThroughSuper {
    fn g(&self) -> <Self as Super<u8>>::Assoc;
}

// probe: dyn ProjGrandparentOtherArgs<Assoc = u8>
pub trait ProjGrandparentOtherArgs: ProjThroughSuper {
    fn g(&self) -> <Self as Super<u16>>::Assoc;
}

// probe: dyn ProjNotASupertrait
pub trait ProjNotASupertrait {
    fn f(&self) -> <Self as Tagged>::Tag;
}

// probe: dyn ProjSupertraitNoArgs<Tag = u8>
pub trait ProjSupertraitNoArgs: Tagged {
    fn f(&self) -> <Self as Tagged>::Tag;
}

// probe: dyn ProjShorthand<Assoc = u8>
pub trait ProjShorthand: Super<u8> {
    fn f(&self) -> Self::Assoc;
}
