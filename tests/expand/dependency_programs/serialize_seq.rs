//! `serde::ser::SerializeSeq` through `DynSerializeSeq<'_, Ok, Error>`. The expansion carries
//! only `end(self)` (`serialize_element<T: Serialize>` cannot be erased: `Serialize` is not
//! dyn compatible), as an inherent method. Constructors: `new`, `inline`, `boxed` (no
//! `from_ref`/`from_mut`: `end` takes `self`). Elements are added to the concrete value, which
//! is then erased and ended through the vtable, moving the value into the shim.
use std::fmt;

use serde::Serialize;
use serde::ser::{Error, SerializeSeq};

use crate::dyn_star::DynSerializeSeq;
use crate::support::Token;

/// The error type (`SerializeSeq::Error` must be a `serde::ser::Error`).
#[derive(Debug, PartialEq)]
struct Oops(String);

impl fmt::Display for Oops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Oops {}

impl Error for Oops {
    fn custom<T: fmt::Display>(msg: T) -> Oops {
        Oops(msg.to_string())
    }
}

/// Pointer-sized: counts its elements; refuses more than 3.
struct Small {
    count: u32,
    _token: Token,
}

/// Larger than a pointer: the type of each element.
struct Large {
    types: Vec<&'static str>,
    _token: Token,
}

impl SerializeSeq for Small {
    type Ok = String;
    type Error = Oops;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), Oops> {
        self.count += 1;
        Ok(())
    }
    fn end(self) -> Result<String, Oops> {
        if self.count > 3 {
            return Err(Oops::custom(format_args!("{} elements", self.count)));
        }
        Ok(format!("{} elements", self.count))
    }
}

impl SerializeSeq for Large {
    type Ok = String;
    type Error = Oops;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), Oops> {
        self.types.push(std::any::type_name::<T>());
        Ok(())
    }
    fn end(self) -> Result<String, Oops> {
        Ok(format!("[{}]", self.types.join(", ")))
    }
}

/// A sequence with `n` elements.
fn small(n: u32) -> Small {
    let mut s = Small {
        count: 0,
        _token: Token::new(),
    };
    for i in 0..n {
        s.serialize_element(&i).unwrap();
    }
    s
}

fn large() -> Large {
    let mut l = Large {
        types: Vec::new(),
        _token: Token::new(),
    };
    l.serialize_element(&1u8).unwrap();
    l.serialize_element("two").unwrap();
    l.serialize_element(&[3.0f32]).unwrap();
    l
}

pub fn run() {
    for n in [2, 5] {
        let expected = small(n).end();
        assert_eq!(DynSerializeSeq::new(small(n)).end(), expected);
        assert_eq!(DynSerializeSeq::inline(small(n)).end(), expected);
        assert_eq!(DynSerializeSeq::boxed(small(n)).end(), expected);
    }
    assert_eq!(small(5).end(), Err(Oops("5 elements".into())));

    let expected = large().end();
    assert_eq!(expected, Ok("[u8, str, [f32; 1]]".to_string()));
    assert_eq!(DynSerializeSeq::new(large()).end(), expected);
    assert_eq!(DynSerializeSeq::boxed(large()).end(), expected);

    // Not ended: dropped with the dyn value, once.
    drop(DynSerializeSeq::new(large()));
    drop(DynSerializeSeq::inline(small(1)));
}
