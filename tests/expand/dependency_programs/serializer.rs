//! `serde::Serializer` through `DynSerializer<'_, Ok, Error, SerializeSeq, …>`. The expansion has
//! no `impl Serializer for DynSerializer` (`serialize_some<T: Serialize>` and the two newtype
//! methods cannot be erased: `Serialize` is not dyn compatible); the other 29 methods are
//! inherent methods of the dyn value, all by value (`self`), except `is_human_readable(&self)`.
//! Constructors: `new`, `inline`, `boxed` (no `from_ref`/`from_mut`: `self` receivers).
//! Every carried method is called on a fresh value per constructor, through the vtable and on
//! the concrete serializer, and the results compared.
use std::fmt::{self, Display};

use serde::Serialize;
use serde::ser::{Error, Impossible, SerializeSeq, Serializer};

use crate::dyn_star::DynSerializer;
use crate::support::Token;

/// The error type.
#[derive(Debug, PartialEq)]
struct Oops(String);

impl Display for Oops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Oops {}

impl Error for Oops {
    fn custom<T: Display>(msg: T) -> Oops {
        Oops(msg.to_string())
    }
}

/// The compound serializers this toy does not support.
type No = Impossible<String, Oops>;

/// The dyn type of a `Text` serializer (its associated types are the dyn type's parameters).
type DynText<'a> = DynSerializer<'a, String, Oops, Seq, No, No, No, No, No, No>;

/// Serializes a value into a line of text introduced by its label. `Text<u32>` is
/// pointer-sized; `Text<String>` is larger and not human-readable.
struct Text<L> {
    label: L,
    _token: Token,
}

fn small() -> Text<u32> {
    Text {
        label: 7,
        _token: Token::new(),
    }
}

fn large() -> Text<String> {
    Text {
        label: "large".into(),
        _token: Token::new(),
    }
}

/// The sequence serializer: its elements' text.
struct Seq {
    label: String,
    items: Vec<String>,
    _token: Token,
}

impl SerializeSeq for Seq {
    type Ok = String;
    type Error = Oops;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Oops> {
        let label = format!("{}.{}", self.label, self.items.len());
        self.items.push(value.serialize(Text {
            label,
            _token: Token::new(),
        })?);
        Ok(())
    }
    fn end(self) -> Result<String, Oops> {
        Ok(format!("{}: [{}]", self.label, self.items.join(", ")))
    }
}

/// The primitive methods: `<label>: <type> <value>`.
macro_rules! primitives {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method(self, v: $ty) -> Result<String, Oops> {
            Ok(format!("{}: {} {v:?}", self.label, stringify!($ty)))
        }
    )*};
}

/// The compound methods this toy refuses.
macro_rules! refused {
    ($($method:ident($($arg:ident: $ty:ty),*)),*) => {$(
        fn $method(self, $($arg: $ty),*) -> Result<No, Oops> {
            let _ = ($($arg,)*);
            Err(Oops::custom(format_args!("{}: no {}", self.label, stringify!($method))))
        }
    )*};
}

impl<L: Display> Serializer for Text<L> {
    type Ok = String;
    type Error = Oops;
    type SerializeSeq = Seq;
    type SerializeTuple = No;
    type SerializeTupleStruct = No;
    type SerializeTupleVariant = No;
    type SerializeMap = No;
    type SerializeStruct = No;
    type SerializeStructVariant = No;

    primitives!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8])
    );
    refused!(
        serialize_tuple(len: usize),
        serialize_tuple_struct(name: &'static str, len: usize),
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize),
        serialize_map(len: Option<usize>),
        serialize_struct(name: &'static str, len: usize),
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize)
    );

    fn serialize_none(self) -> Result<String, Oops> {
        Ok(format!("{}: none", self.label))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<String, Oops> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Oops> {
        Ok(format!("{}: ()", self.label))
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<String, Oops> {
        Ok(format!("{}: {name}", self.label))
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<String, Oops> {
        Ok(format!("{}: {name}::{variant} ({index})", self.label))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Oops> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<String, Oops> {
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Oops> {
        let label = format!("{}({len:?})", self.label);
        Ok(Seq {
            label,
            items: Vec::new(),
            _token: Token::new(),
        })
    }
    fn collect_str<T: ?Sized + Display>(self, value: &T) -> Result<String, Oops> {
        Ok(format!("{}: collected {value}", self.label))
    }
    fn is_human_readable(&self) -> bool {
        self.label.to_string() != "large"
    }
}

/// Every carried method, each on a fresh serializer from `$make` (they take `self`). A macro:
/// the dyn value's methods are inherent (no `impl Serializer`), so no generic function covers
/// both it and `Text`.
macro_rules! transcript {
    ($make:expr) => {{
        let make = $make;
        let seq = |s: Result<Seq, Oops>| {
            let mut seq = s?;
            seq.serialize_element(&1u8)?;
            seq.serialize_element("two")?;
            seq.end()
        };
        let refused = |r: Result<No, Oops>| r.map(|_| String::new());
        vec![
            make().serialize_bool(true),
            make().serialize_i8(-8),
            make().serialize_i16(-16),
            make().serialize_i32(-32),
            make().serialize_i64(-64),
            make().serialize_i128(-128),
            make().serialize_u8(8),
            make().serialize_u16(16),
            make().serialize_u32(32),
            make().serialize_u64(64),
            make().serialize_u128(128),
            make().serialize_f32(0.5),
            make().serialize_f64(-0.25),
            make().serialize_char('ß'),
            make().serialize_str("text"),
            make().serialize_bytes(b"bytes"),
            make().serialize_none(),
            make().serialize_unit(),
            make().serialize_unit_struct("Marker"),
            make().serialize_unit_variant("Color", 2, "Blue"),
            seq(make().serialize_seq(Some(2))),
            refused(make().serialize_tuple(2)),
            refused(make().serialize_tuple_struct("Point", 2)),
            refused(make().serialize_tuple_variant("Shape", 1, "Line", 2)),
            refused(make().serialize_map(None)),
            refused(make().serialize_struct("Config", 3)),
            refused(make().serialize_struct_variant("Shape", 0, "Circle", 1)),
            make().collect_str(&format_args!("{}+{}", 1, 2)),
            Ok(make().is_human_readable().to_string()),
        ]
    }};
}

pub fn run() {
    let expected = transcript!(small);
    assert_eq!(expected[0], Ok("7: bool true".to_string()));
    assert_eq!(
        expected[20],
        Ok("7(Some(2)): [7(Some(2)).0: u8 1, 7(Some(2)).1: &str \"two\"]".to_string())
    );
    assert_eq!(expected[21], Err(Oops("7: no serialize_tuple".into())));
    assert_eq!(expected[28], Ok("true".to_string()));
    assert_eq!(transcript!(|| DynText::new(small())), expected);
    assert_eq!(transcript!(|| DynText::inline(small())), expected);
    assert_eq!(transcript!(|| DynText::boxed(small())), expected);

    let expected = transcript!(large);
    assert_eq!(expected[28], Ok("false".to_string()));
    assert_eq!(transcript!(|| DynText::new(large())), expected);
    assert_eq!(transcript!(|| DynText::boxed(large())), expected);

    // Serializers of different types behind one type; one is dropped unused.
    let mut both = vec![DynText::new(small()), DynText::new(large())];
    drop(both.pop());
    assert_eq!(
        both.pop().map(|s| s.serialize_u8(1)),
        Some(Ok("7: u8 1".to_string()))
    );
}
