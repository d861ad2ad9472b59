//! `tokio::io::AsyncRead` through `DynAsyncRead`. Constructors: `new`, `inline`, `boxed` (no
//! `from_ref`/`from_mut`: `poll_read` takes `Pin<&mut Self>`). Carried method: `poll_read`,
//! `Pending` included; `AsyncReadExt` (tokio's, runtime-free) drives it with `block_on`.
use std::io;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

use crate::dyn_star::DynAsyncRead;
use crate::support::{Token, block_on};

const TEXT: &[u8] = b"polled through a vtable";

/// Pointer-sized: a position; returns at most 5 bytes a call and `Pending` every other call.
struct Small {
    pos: u16,
    pending: bool,
    _token: Token,
}

/// Larger than a pointer: its own bytes, all at once.
struct Large {
    bytes: Vec<u8>,
    pos: usize,
    _token: Token,
}

fn small() -> Small {
    Small {
        pos: 0,
        pending: false,
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

impl AsyncRead for Small {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.pending = !self.pending;
        if self.pending {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let rest = &TEXT[self.pos as usize..];
        let n = rest.len().min(buf.remaining()).min(5);
        buf.put_slice(&rest[..n]);
        self.pos += n as u16;
        Poll::Ready(Ok(()))
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

/// One raw `poll_read` (`Pending` or 5 bytes), then `read`, `read_exact`, `read_to_end`.
fn transcript<R: AsyncRead>(r: R) -> Vec<String> {
    let mut r = pin!(r);
    let mut out = Vec::new();
    let mut raw = [0u8; 8];
    let mut buf = ReadBuf::new(&mut raw);
    let poll = r
        .as_mut()
        .poll_read(&mut Context::from_waker(std::task::Waker::noop()), &mut buf);
    out.push(format!("{poll:?} {:?}", buf.filled()));
    block_on(async {
        let mut chunk = [0u8; 6];
        let n = r.read(&mut chunk).await.unwrap();
        out.push(format!("read {n} {:?}", &chunk[..n]));
        r.read_exact(&mut chunk).await.unwrap();
        out.push(format!("read_exact {chunk:?}"));
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).await.unwrap();
        out.push(format!(
            "read_to_end {:?}",
            String::from_utf8(rest).unwrap()
        ));
    });
    out
}

pub fn run() {
    let expected = transcript(small());
    assert!(expected[0].starts_with("Pending"), "{expected:?}");
    assert_eq!(transcript(DynAsyncRead::new(small())), expected);
    assert_eq!(transcript(DynAsyncRead::inline(small())), expected);
    assert_eq!(transcript(DynAsyncRead::boxed(small())), expected);

    let expected = transcript(large());
    assert_eq!(
        expected[0],
        "Ready(Ok(())) [112, 111, 108, 108, 101, 100, 32, 116]"
    );
    assert_eq!(transcript(DynAsyncRead::new(large())), expected);
    assert_eq!(transcript(DynAsyncRead::boxed(large())), expected);
}
