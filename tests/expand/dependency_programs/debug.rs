//! `std::fmt::Debug` through `DynDebug`. Constructors: `new`, `inline`, `boxed`, `from_ref`,
//! `from_mut`. Carried method: `fmt`, with the formatter's flags (`{:#?}`, width) passed through.
use std::cell::Cell;
use std::fmt::{self, Debug};

use crate::dyn_star::DynDebug;
use crate::support::Token;

/// Pointer-sized: a number, and how often it was formatted (a `&self` method may use a `Cell`,
/// even when the value is stored inline).
struct Small {
    n: u16,
    formatted: Cell<u16>,
    _token: Token,
}

/// Larger than a pointer: a name and a list.
struct Large {
    name: String,
    values: Vec<u64>,
    _token: Token,
}

fn small() -> Small {
    Small {
        n: 42,
        formatted: Cell::new(0),
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        name: "large".into(),
        values: vec![1, 2, 3],
        _token: Token::new(),
    }
}

impl Debug for Small {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.formatted.set(self.formatted.get() + 1);
        f.debug_tuple("Small")
            .field(&self.n)
            .field(&self.formatted.get())
            .finish()
    }
}

impl Debug for Large {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Large")
            .field("name", &self.name)
            .field("values", &self.values)
            .finish()
    }
}

fn transcript(d: &impl Debug) -> Vec<String> {
    vec![format!("{d:?}"), format!("{d:#?}"), format!("[{:>30?}]", d)]
}

pub fn run() {
    let s = small();
    let expected = transcript(&s);
    assert_eq!(expected[0], "Small(42, 1)");
    assert_eq!(transcript(&DynDebug::new(small())), expected);
    assert_eq!(transcript(&DynDebug::inline(small())), expected);
    assert_eq!(transcript(&DynDebug::boxed(small())), expected);
    let t = small();
    assert_eq!(transcript(&DynDebug::from_ref(&t)), expected);
    assert_eq!(t.formatted.get(), 3, "the borrowed value was formatted");
    let mut m = small();
    assert_eq!(transcript(&DynDebug::from_mut(&mut m)), expected);

    let l = large();
    let expected = transcript(&l);
    assert_eq!(expected[0], "Large { name: \"large\", values: [1, 2, 3] }");
    assert_eq!(transcript(&DynDebug::new(large())), expected);
    assert_eq!(transcript(&DynDebug::boxed(large())), expected);
    assert_eq!(transcript(&DynDebug::from_ref(&l)), expected);
    let mut m = large();
    assert_eq!(transcript(&DynDebug::from_mut(&mut m)), expected);

    // A list of values of different types, formatted as one.
    let list = [
        DynDebug::new(small()),
        DynDebug::new(large()),
        DynDebug::new(7u8),
    ];
    assert_eq!(
        format!("{list:?}"),
        "[Small(42, 1), Large { name: \"large\", values: [1, 2, 3] }, 7]"
    );
}
