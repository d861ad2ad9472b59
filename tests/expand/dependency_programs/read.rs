//! `std::io::Read` through `DynRead`. Constructors: `new`, `inline`, `boxed`, `from_mut` (no
//! `from_ref`: `read` takes `&mut self`). Carried methods: `read`, `read_vectored`, `read_to_end`,
//! `read_to_string`, `read_exact`; `Large` overrides `read_vectored` (the default fills only the
//! first buffer), so the dyn value must call the override through its slot.
use std::io::{self, IoSliceMut, Read};

use crate::dyn_star::DynRead;
use crate::support::Token;

const TEXT: &[u8] = b"hello, dyn* world!";

/// Pointer-sized: a position in `TEXT` and a token. Reads at most 4 bytes at a time.
struct Small {
    pos: u32,
    _token: Token,
}

/// Larger than a pointer: its own bytes.
struct Large {
    bytes: Vec<u8>,
    pos: usize,
    _token: Token,
}

fn small() -> Small {
    Small {
        pos: 0,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        bytes: TEXT.to_vec(),
        pos: 0,
        _token: Token::new(),
    }
}

impl Read for Small {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &TEXT[self.pos as usize..];
        let n = rest.len().min(buf.len()).min(4);
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n as u32;
        Ok(n)
    }
}

impl Read for Large {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.bytes[self.pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        let mut total = 0;
        for buf in bufs {
            total += self.read(buf)?;
        }
        Ok(total)
    }
}

/// Every carried method, in turn; what each returned.
fn transcript(r: &mut impl Read) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = [0u8; 3];
    out.push(format!("read {:?} {buf:?}", r.read(&mut buf).unwrap()));
    let (mut a, mut b) = ([0u8; 2], [0u8; 2]);
    let n = r
        .read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])
        .unwrap();
    out.push(format!("read_vectored {n} {a:?} {b:?}"));
    let mut exact = [0u8; 5];
    r.read_exact(&mut exact).unwrap();
    out.push(format!("read_exact {exact:?}"));
    let mut s = String::new();
    out.push(format!(
        "read_to_string {} {s:?}",
        r.read_to_string(&mut s).unwrap()
    ));
    let mut v = Vec::new();
    out.push(format!(
        "read_to_end {} {v:?}",
        r.read_to_end(&mut v).unwrap()
    ));
    let err = r.read_exact(&mut exact).unwrap_err();
    out.push(format!("read_exact at the end: {:?}", err.kind()));
    out
}

pub fn run() {
    let expected = transcript(&mut small());
    assert_eq!(transcript(&mut DynRead::new(small())), expected);
    assert_eq!(transcript(&mut DynRead::inline(small())), expected);
    assert_eq!(transcript(&mut DynRead::boxed(small())), expected);
    let mut s = small();
    assert_eq!(transcript(&mut DynRead::from_mut(&mut s)), expected);
    assert_eq!(
        s.pos as usize,
        TEXT.len(),
        "the borrowed value was read through"
    );

    let expected = transcript(&mut large());
    assert!(expected[1].starts_with("read_vectored 4"), "{expected:?}");
    assert_eq!(transcript(&mut DynRead::new(large())), expected);
    assert_eq!(transcript(&mut DynRead::boxed(large())), expected);
    let mut l = large();
    assert_eq!(transcript(&mut DynRead::from_mut(&mut l)), expected);
    assert_eq!(l.pos, TEXT.len());

    let (s, l) = (DynRead::new(small()), DynRead::new(large()));
    assert_eq!((s.size_of_val(), s.align_of_val()), (8, 4));
    assert_eq!(l.size_of_val(), size_of::<Large>());
}
