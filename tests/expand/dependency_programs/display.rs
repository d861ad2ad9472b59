//! `std::fmt::Display` through `DynDisplay`. Constructors: `new`, `inline`, `boxed`,
//! `from_ref`, `from_mut`. Carried method: `fmt`, with the formatter's flags (width, fill,
//! precision) passed through, and `to_string` (a blanket impl) on the dyn value.
use std::fmt::{self, Display};

use crate::dyn_star::DynDisplay;
use crate::support::Token;

/// Pointer-sized: a temperature in tenths of a degree.
struct Small {
    tenths: i32,
    _token: Token,
}

/// Larger than a pointer: a label and a value.
struct Large {
    label: String,
    value: f64,
    _token: Token,
}

fn small() -> Small {
    Small {
        tenths: -15,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        label: "pi".into(),
        value: std::f64::consts::PI,
        _token: Token::new(),
    }
}

impl Display for Small {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{:.1}°", self.tenths as f64 / 10.0))
    }
}

impl Display for Large {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match f.precision() {
            Some(p) => write!(f, "{} = {:.*}", self.label, p, self.value),
            None => write!(f, "{} = {}", self.label, self.value),
        }
    }
}

fn transcript(d: &impl Display) -> Vec<String> {
    vec![d.to_string(), format!("[{d:*^12}]"), format!("{d:.2}")]
}

pub fn run() {
    let s = small();
    let expected = transcript(&s);
    assert_eq!(expected, ["-1.5°", "[***-1.5°****]", "-1"]);
    assert_eq!(transcript(&DynDisplay::new(small())), expected);
    assert_eq!(transcript(&DynDisplay::inline(small())), expected);
    assert_eq!(transcript(&DynDisplay::boxed(small())), expected);
    assert_eq!(transcript(&DynDisplay::from_ref(&s)), expected);
    let mut m = small();
    assert_eq!(transcript(&DynDisplay::from_mut(&mut m)), expected);

    let l = large();
    let expected = transcript(&l);
    assert_eq!(expected[2], "pi = 3.14");
    assert_eq!(transcript(&DynDisplay::new(large())), expected);
    assert_eq!(transcript(&DynDisplay::boxed(large())), expected);
    assert_eq!(transcript(&DynDisplay::from_ref(&l)), expected);
    let mut m = large();
    assert_eq!(transcript(&DynDisplay::from_mut(&mut m)), expected);
}
