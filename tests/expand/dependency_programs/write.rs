//! `std::io::Write` through `DynWrite`. Constructors: `new`, `inline`, `boxed`, `from_mut` (no
//! `from_ref`: `write` takes `&mut self`). Carried methods: `write`, `write_vectored`, `flush`,
//! `write_all`, `write_fmt`. Both writers append to `OUTPUT`, so the bytes that went through can
//! be compared; `Small` takes at most 3 bytes per `write` (so `write_all` loops), `Large`
//! buffers until `flush` and overrides `write_vectored`.
use std::cell::RefCell;
use std::io::{self, IoSlice, Write};

use crate::dyn_star::DynWrite;
use crate::support::Token;

thread_local! {
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn emit(bytes: &[u8]) {
    OUTPUT.with(|o| o.borrow_mut().extend_from_slice(bytes));
}

fn take_output() -> String {
    OUTPUT.with(|o| String::from_utf8(std::mem::take(&mut *o.borrow_mut())).unwrap())
}

/// Pointer-sized: how many bytes it wrote, and a token.
struct Small {
    written: u32,
    _token: Token,
}

/// Larger than a pointer: a buffer flushed to `OUTPUT`.
struct Large {
    pending: Vec<u8>,
    flushes: usize,
    _token: Token,
}

fn small() -> Small {
    Small {
        written: 0,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        pending: Vec::new(),
        flushes: 0,
        _token: Token::new(),
    }
}

impl Write for Small {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(3);
        emit(&buf[..n]);
        self.written += n as u32;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        emit(b"|");
        Ok(())
    }
}

impl Write for Large {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        bufs.iter().map(|b| self.write(b)).sum()
    }
    fn flush(&mut self) -> io::Result<()> {
        self.flushes += 1;
        emit(&std::mem::take(&mut self.pending));
        emit(format!("|{}", self.flushes).as_bytes());
        Ok(())
    }
}

/// Every carried method, in turn; what each returned, and what reached `OUTPUT`.
fn transcript(w: &mut impl Write) -> Vec<String> {
    let mut out = vec![format!("write {}", w.write(b"hello").unwrap())];
    let n = w
        .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
        .unwrap();
    out.push(format!("write_vectored {n}"));
    w.flush().unwrap();
    w.write_all(b", dyn* world").unwrap();
    write!(w, " {}+{}={}", 1, 2, 1 + 2).unwrap();
    w.flush().unwrap();
    out.push(take_output());
    out
}

pub fn run() {
    take_output();
    let expected = transcript(&mut small());
    assert_eq!(
        expected,
        ["write 3", "write_vectored 2", "helab|, dyn* world 1+2=3|"]
    );
    assert_eq!(transcript(&mut DynWrite::new(small())), expected);
    assert_eq!(transcript(&mut DynWrite::inline(small())), expected);
    assert_eq!(transcript(&mut DynWrite::boxed(small())), expected);
    let mut s = small();
    assert_eq!(transcript(&mut DynWrite::from_mut(&mut s)), expected);
    assert_eq!(s.written, 23, "the borrowed value was written through");

    let expected = transcript(&mut large());
    assert_eq!(
        expected,
        [
            "write 5",
            "write_vectored 4",
            "helloabcd|1, dyn* world 1+2=3|2"
        ]
    );
    assert_eq!(transcript(&mut DynWrite::new(large())), expected);
    assert_eq!(transcript(&mut DynWrite::boxed(large())), expected);
    let mut l = large();
    assert_eq!(transcript(&mut DynWrite::from_mut(&mut l)), expected);
    assert_eq!(l.flushes, 2);

    let (s, l) = (DynWrite::new(small()), DynWrite::new(large()));
    assert_eq!((s.size_of_val(), s.align_of_val()), (8, 4));
    assert_eq!(l.size_of_val(), size_of::<Large>());
}
