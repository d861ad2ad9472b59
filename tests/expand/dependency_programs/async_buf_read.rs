//! `tokio::io::AsyncBufRead` through `DynAsyncBufRead`, whose supertrait `AsyncRead` is the
//! expansion written before it (its vtable returned by ours, `into_dyn_async_read` upcasts).
//! Constructors: `new`, `inline`, `boxed`. Carried methods: `poll_fill_buf`, `consume`, and
//! `AsyncRead::poll_read`, through `AsyncBufReadExt`/`AsyncReadExt` with `block_on`.
use std::io;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, ReadBuf};

use crate::dyn_star::{DynAsyncBufRead, DynAsyncRead};
use crate::support::{Token, block_on};

const TEXT: &[u8] = b"first line\nsecond line\nthird";

/// Pointer-sized: a position; its buffer is at most 4 bytes of `TEXT`.
struct Small {
    pos: u32,
    _token: Token,
}

/// Larger than a pointer: its own lines, all buffered.
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

impl Small {
    fn window(&self) -> &'static [u8] {
        let rest = &TEXT[self.pos as usize..];
        &rest[..rest.len().min(4)]
    }
}

impl AsyncRead for Small {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let window = self.window();
        let n = window.len().min(buf.remaining());
        buf.put_slice(&window[..n]);
        self.pos += n as u32;
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for Small {
    fn poll_fill_buf(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Poll::Ready(Ok(self.get_mut().window()))
    }
    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        self.pos += amt as u32;
    }
}

impl AsyncRead for Large {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let rest = &this.bytes[this.pos..];
        let n = rest.len().min(buf.remaining());
        buf.put_slice(&rest[..n]);
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for Large {
    fn poll_fill_buf(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        Poll::Ready(Ok(&this.bytes[this.pos..]))
    }
    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        self.pos += amt;
    }
}

/// `read_line` (`poll_fill_buf` + `consume`), `read` (`poll_read`), `read_until`.
fn transcript<R: AsyncBufRead>(r: R) -> Vec<String> {
    let mut r = pin!(r);
    block_on(async {
        let mut line = String::new();
        let n = r.read_line(&mut line).await.unwrap();
        let mut word = [0u8; 3];
        let read = r.read(&mut word).await.unwrap();
        let mut rest = Vec::new();
        r.read_until(b'\n', &mut rest).await.unwrap();
        let mut last = Vec::new();
        r.read_until(b'\n', &mut last).await.unwrap();
        vec![
            format!("{n} {line:?}"),
            format!("{read} {:?}", &word[..read]),
            format!(
                "{:?} {:?}",
                String::from_utf8(rest).unwrap(),
                String::from_utf8(last).unwrap()
            ),
        ]
    })
}

/// Everything left, read through a `DynAsyncRead`.
fn read_rest(r: DynAsyncRead<'_>) -> String {
    let mut r = pin!(r);
    let mut s = String::new();
    block_on(r.read_to_string(&mut s)).unwrap();
    s
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(expected[0], "11 \"first line\\n\"");
    assert_eq!(transcript(DynAsyncBufRead::new(small())), expected);
    assert_eq!(transcript(DynAsyncBufRead::inline(small())), expected);
    assert_eq!(transcript(DynAsyncBufRead::boxed(small())), expected);

    let expected = transcript(large());
    assert_eq!(transcript(DynAsyncBufRead::new(large())), expected);
    assert_eq!(transcript(DynAsyncBufRead::boxed(large())), expected);

    // Upcast, the same value is read through `AsyncRead`'s vtable, which ours returns.
    let whole = String::from_utf8(TEXT.to_vec()).unwrap();
    assert_eq!(
        read_rest(DynAsyncBufRead::new(small()).into_dyn_async_read()),
        whole
    );
    assert_eq!(
        read_rest(DynAsyncBufRead::boxed(small()).into_dyn_async_read()),
        whole
    );
    assert_eq!(
        read_rest(DynAsyncBufRead::new(large()).into_dyn_async_read()),
        whole
    );
}
