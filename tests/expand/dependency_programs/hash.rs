//! `std::hash::Hash` through `DynHash`. Constructors: `new`, `inline`, `boxed`, `from_ref`,
//! `from_mut`. Carried method: `hash` (its `H: Hasher` parameter erased to `&mut dyn Hasher`):
//! the same bytes reach the hasher, so the hashes are equal. The `Hasher` records what it is
//! given.
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::dyn_star::DynHash;
use crate::support::Token;

/// Pointer-sized: an id.
struct Small {
    id: u32,
    _token: Token,
}

/// Larger than a pointer: a name and coordinates (the token is not part of the hash).
struct Large {
    name: String,
    at: [i64; 2],
    _token: Token,
}

fn small() -> Small {
    Small {
        id: 9,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        name: "origin".into(),
        at: [3, -4],
        _token: Token::new(),
    }
}

impl Hash for Small {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u32(self.id);
    }
}

impl Hash for Large {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.at.hash(state);
    }
}

/// A `Hasher` that keeps every call it receives.
#[derive(Default)]
struct Recorder(Vec<String>);

impl Hasher for Recorder {
    fn finish(&self) -> u64 {
        self.0.len() as u64
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.push(format!("write {bytes:?}"));
    }
    fn write_u32(&mut self, i: u32) {
        self.0.push(format!("u32 {i}"));
    }
    fn write_usize(&mut self, i: usize) {
        self.0.push(format!("usize {i}"));
    }
}

/// What the value feeds a hasher, and its hash by std's hasher.
fn transcript(v: &impl Hash) -> (Vec<String>, u64) {
    let mut recorder = Recorder::default();
    v.hash(&mut recorder);
    let mut std_hasher = DefaultHasher::new();
    v.hash(&mut std_hasher);
    (recorder.0, std_hasher.finish())
}

pub fn run() {
    let s = small();
    let expected = transcript(&s);
    assert_eq!(expected.0, ["u32 9"]);
    assert_eq!(transcript(&DynHash::new(small())), expected);
    assert_eq!(transcript(&DynHash::inline(small())), expected);
    assert_eq!(transcript(&DynHash::boxed(small())), expected);
    assert_eq!(transcript(&DynHash::from_ref(&s)), expected);
    let mut m = small();
    assert_eq!(transcript(&DynHash::from_mut(&mut m)), expected);

    let l = large();
    let expected = transcript(&l);
    assert_eq!(expected.0.len(), 4, "{:?}", expected.0);
    assert_eq!(transcript(&DynHash::new(large())), expected);
    assert_eq!(transcript(&DynHash::boxed(large())), expected);
    assert_eq!(transcript(&DynHash::from_ref(&l)), expected);
    let mut m = large();
    assert_eq!(transcript(&DynHash::from_mut(&mut m)), expected);
}
