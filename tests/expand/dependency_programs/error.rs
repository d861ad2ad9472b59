//! `std::error::Error` through `DynError`. Constructors: `new`, `inline`, `boxed`, `from_ref`,
//! `from_mut`. Carried methods: `source`, `description`, `cause` (deprecated, still carried) and
//! the supertraits `Debug` and `Display` through slots. `Large` overrides `source` and
//! `description`.
#![allow(deprecated)]
use std::error::Error;
use std::fmt;

use crate::dyn_star::DynError;
use crate::support::Token;

/// Pointer-sized: an error code and a token.
struct Small {
    code: u16,
    _token: Token,
}

/// Larger than a pointer: a message and the error that caused it.
struct Large {
    message: String,
    cause: fmt::Error,
    _token: Token,
}

fn small() -> Small {
    Small {
        code: 7,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        message: "the disk is full".into(),
        cause: fmt::Error,
        _token: Token::new(),
    }
}

impl fmt::Debug for Small {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Small").field("code", &self.code).finish()
    }
}

impl fmt::Display for Small {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {}", self.code)
    }
}

impl Error for Small {}

impl fmt::Debug for Large {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Large")
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for Large {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl Error for Large {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
    fn description(&self) -> &str {
        "large"
    }
}

/// Every carried method; what each returned.
fn transcript(e: &impl Error) -> Vec<String> {
    vec![
        format!("{e}"),
        format!("{e:?} {e:#?}"),
        format!("{:?}", e.source().map(|s| s.to_string())),
        e.description().to_string(),
        format!("{:?}", e.cause().map(|s| s.to_string())),
    ]
}

pub fn run() {
    let s = small();
    let expected = transcript(&s);
    assert_eq!(expected[0], "error 7");
    assert_eq!(transcript(&DynError::new(small())), expected);
    assert_eq!(transcript(&DynError::inline(small())), expected);
    assert_eq!(transcript(&DynError::boxed(small())), expected);
    assert_eq!(transcript(&DynError::from_ref(&s)), expected);
    let mut m = small();
    assert_eq!(transcript(&DynError::from_mut(&mut m)), expected);

    let l = large();
    let expected = transcript(&l);
    assert_eq!(
        expected[2],
        "Some(\"an error occurred when formatting an argument\")"
    );
    assert_eq!(expected[3], "large");
    assert_eq!(transcript(&DynError::new(large())), expected);
    assert_eq!(transcript(&DynError::boxed(large())), expected);
    assert_eq!(transcript(&DynError::from_ref(&l)), expected);
    let mut m = large();
    assert_eq!(transcript(&DynError::from_mut(&mut m)), expected);

    // As `Box<dyn Error>`: the dyn value is itself an error.
    let boxed: Box<dyn Error> = Box::new(DynError::new(large()));
    assert_eq!(boxed.to_string(), "the disk is full");
    assert_eq!(DynError::new(small()).size_of_val(), 8);
}
