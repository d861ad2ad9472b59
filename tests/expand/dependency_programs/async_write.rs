//! `tokio::io::AsyncWrite` through `DynAsyncWrite`. Constructors: `new`, `inline`, `boxed` (no
//! `from_ref`/`from_mut`: its methods take `Pin<&mut Self>`). Carried methods: `poll_write`,
//! `poll_flush`, `poll_shutdown`, `poll_write_vectored`, `is_write_vectored`; `Large` overrides
//! the last two. Both writers append to `OUTPUT`; `AsyncWriteExt` drives them with `block_on`.
use std::cell::RefCell;
use std::io::{self, IoSlice};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::dyn_star::DynAsyncWrite;
use crate::support::{Token, block_on};

thread_local! {
    static OUTPUT: RefCell<String> = const { RefCell::new(String::new()) };
}

fn emit(s: &str) {
    OUTPUT.with(|o| o.borrow_mut().push_str(s));
}

/// Pointer-sized: writes at most 4 bytes a call, `Pending` every other call.
struct Small {
    pending: bool,
    _token: Token,
}

/// Larger than a pointer: buffers, writes vectored, emits on flush.
struct Large {
    pending: Vec<u8>,
    flushes: usize,
    _token: Token,
}

fn small() -> Small {
    Small {
        pending: false,
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

impl AsyncWrite for Small {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.pending = !self.pending;
        if self.pending {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let n = buf.len().min(4);
        emit(std::str::from_utf8(&buf[..n]).unwrap());
        Poll::Ready(Ok(n))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        emit("|");
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        emit("#");
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Large {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.pending.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut n = 0;
        for b in bufs {
            self.pending.extend_from_slice(b);
            n += b.len();
        }
        Poll::Ready(Ok(n))
    }
    fn is_write_vectored(&self) -> bool {
        true
    }
    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        let bytes = std::mem::take(&mut self.pending);
        emit(&format!(
            "{}|{}",
            String::from_utf8(bytes).unwrap(),
            self.flushes
        ));
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let flushed = self.poll_flush(cx);
        emit("#");
        flushed
    }
}

/// Every carried method through `AsyncWriteExt`; what each returned and what reached `OUTPUT`.
fn transcript<W: AsyncWrite>(w: W) -> Vec<String> {
    let mut w = pin!(w);
    let mut out = vec![format!("is_write_vectored {}", w.is_write_vectored())];
    block_on(async {
        out.push(format!("write {}", w.write(b"hello").await.unwrap()));
        let n = w
            .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
            .await
            .unwrap();
        out.push(format!("write_vectored {n}"));
        w.flush().await.unwrap();
        w.write_all(b" async world").await.unwrap();
        w.shutdown().await.unwrap();
    });
    out.push(OUTPUT.with(|o| std::mem::take(&mut *o.borrow_mut())));
    out
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(
        expected,
        [
            "is_write_vectored false",
            "write 4",
            "write_vectored 2",
            "hellab| async world#"
        ]
    );
    assert_eq!(transcript(DynAsyncWrite::new(small())), expected);
    assert_eq!(transcript(DynAsyncWrite::inline(small())), expected);
    assert_eq!(transcript(DynAsyncWrite::boxed(small())), expected);

    let expected = transcript(large());
    assert_eq!(
        expected,
        [
            "is_write_vectored true",
            "write 5",
            "write_vectored 4",
            "helloabcd|1 async world|2#"
        ]
    );
    assert_eq!(transcript(DynAsyncWrite::new(large())), expected);
    assert_eq!(transcript(DynAsyncWrite::boxed(large())), expected);
}
