//! `tower::Layer<S>` through `DynLayer<'_, S, Service>`. Constructors: `new`, `inline`, `boxed`,
//! `from_ref`, `from_mut`. Carried method: `layer` (the inner service moves in, the wrapped one
//! moves out). Here a "service" is a `Wrapped` description, so that the result can be compared.
use tower::Layer;

use crate::dyn_star::DynLayer;
use crate::support::Token;

/// What a layer returns: the inner service, wrapped (and a token: each must be dropped once).
#[derive(Debug)]
struct Wrapped {
    name: String,
    _token: Token,
}

impl Wrapped {
    fn new(name: String) -> Wrapped {
        Wrapped {
            name,
            _token: Token::new(),
        }
    }
}

impl PartialEq for Wrapped {
    fn eq(&self, other: &Wrapped) -> bool {
        self.name == other.name
    }
}

/// Pointer-sized: a timeout in seconds.
struct Small {
    seconds: u32,
    _token: Token,
}

/// Larger than a pointer: a retry policy.
struct Large {
    name: String,
    retries: [u32; 3],
    _token: Token,
}

fn small() -> Small {
    Small {
        seconds: 30,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        name: "retry".into(),
        retries: [1, 2, 4],
        _token: Token::new(),
    }
}

impl Layer<Wrapped> for Small {
    type Service = Wrapped;
    fn layer(&self, inner: Wrapped) -> Wrapped {
        Wrapped::new(format!("Timeout({}s, {})", self.seconds, inner.name))
    }
}

impl Layer<Wrapped> for Large {
    type Service = Wrapped;
    fn layer(&self, inner: Wrapped) -> Wrapped {
        Wrapped::new(format!("{}({:?}, {})", self.name, self.retries, inner.name))
    }
}

fn service() -> Wrapped {
    Wrapped::new("Echo".into())
}

/// The layer applied once, then twice.
fn transcript(l: &impl Layer<Wrapped, Service = Wrapped>) -> Vec<Wrapped> {
    let once = l.layer(service());
    let twice = l.layer(l.layer(service()));
    vec![once, twice]
}

pub fn run() {
    let s = small();
    let expected = transcript(&s);
    assert_eq!(expected[1].name, "Timeout(30s, Timeout(30s, Echo))");
    assert_eq!(transcript(&DynLayer::new(small())), expected);
    assert_eq!(transcript(&DynLayer::inline(small())), expected);
    assert_eq!(transcript(&DynLayer::boxed(small())), expected);
    assert_eq!(transcript(&DynLayer::from_ref(&s)), expected);
    let mut m = small();
    assert_eq!(transcript(&DynLayer::from_mut(&mut m)), expected);

    let l = large();
    let expected = transcript(&l);
    assert_eq!(expected[0].name, "retry([1, 2, 4], Echo)");
    assert_eq!(transcript(&DynLayer::new(large())), expected);
    assert_eq!(transcript(&DynLayer::boxed(large())), expected);
    assert_eq!(transcript(&DynLayer::from_ref(&l)), expected);
    let mut m = large();
    assert_eq!(transcript(&DynLayer::from_mut(&mut m)), expected);

    // A stack of layers of different types, applied in order.
    let stack = [DynLayer::new(small()), DynLayer::new(large())];
    let built = stack
        .iter()
        .fold(service(), |inner, layer| layer.layer(inner));
    assert_eq!(built.name, "retry([1, 2, 4], Timeout(30s, Echo))");
}
