//! `futures::Sink<Item>` through `DynSink<'_, Item, Error>`. Constructors: `new`, `inline`,
//! `boxed` (no `from_ref`/`from_mut`: its methods take `Pin<&mut Self>`). Carried methods:
//! `poll_ready`, `start_send`, `poll_flush`, `poll_close`; `SinkExt` (futures) drives them with
//! `block_on`. Both sinks append to `OUTPUT`.
use std::cell::RefCell;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use futures::{Sink, SinkExt};

use crate::dyn_star::DynSink;
use crate::support::{Token, block_on};

thread_local! {
    static OUTPUT: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn emit(s: String) {
    OUTPUT.with(|o| o.borrow_mut().push(s));
}

/// Why a sink refused an item.
#[derive(Debug, PartialEq)]
struct Refused(u32);

/// Pointer-sized: holds at most one item until flushed; refuses 13.
struct Small {
    held: Option<u16>,
    _token: Token,
}

/// Larger than a pointer: a buffer of up to 2 items (not ready when full).
struct Large {
    buffer: Vec<u32>,
    _token: Token,
}

fn small() -> Small {
    Small {
        held: None,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        buffer: Vec::new(),
        _token: Token::new(),
    }
}

impl Sink<u32> for Small {
    type Error = Refused;
    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        if self.held.is_some() {
            self.poll_flush(cx)
        } else {
            Poll::Ready(Ok(()))
        }
    }
    fn start_send(mut self: Pin<&mut Self>, item: u32) -> Result<(), Refused> {
        if item == 13 {
            return Err(Refused(item));
        }
        self.held = Some(item as u16);
        Ok(())
    }
    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        if let Some(item) = self.held.take() {
            emit(format!("small {item}"));
        }
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        let flushed = self.poll_flush(cx);
        emit("small closed".into());
        flushed
    }
}

impl Sink<u32> for Large {
    type Error = Refused;
    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        if self.buffer.len() < 2 {
            Poll::Ready(Ok(()))
        } else {
            self.poll_flush(cx)
        }
    }
    fn start_send(mut self: Pin<&mut Self>, item: u32) -> Result<(), Refused> {
        self.buffer.push(item);
        Ok(())
    }
    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        let items = std::mem::take(&mut self.buffer);
        emit(format!("large {items:?}"));
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        let flushed = self.poll_flush(cx);
        emit("large closed".into());
        flushed
    }
}

/// `feed` (ready + start_send), `send` (+ flush), a refused item, `close`; what reached `OUTPUT`.
fn transcript<S: Sink<u32, Error = Refused>>(s: S) -> Vec<String> {
    let mut s = pin!(s);
    block_on(async {
        for n in 1..=3 {
            s.feed(n).await.unwrap();
        }
        s.send(4).await.unwrap();
        emit(format!("{:?}", s.send(13).await));
        s.close().await.unwrap();
    });
    OUTPUT.with(|o| std::mem::take(&mut *o.borrow_mut()))
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(
        expected,
        [
            "small 1",
            "small 2",
            "small 3",
            "small 4",
            "Err(Refused(13))",
            "small closed"
        ]
    );
    assert_eq!(transcript(DynSink::new(small())), expected);
    assert_eq!(transcript(DynSink::inline(small())), expected);
    assert_eq!(transcript(DynSink::boxed(small())), expected);

    let expected = transcript(large());
    assert_eq!(expected[0], "large [1, 2]");
    assert_eq!(transcript(DynSink::new(large())), expected);
    assert_eq!(transcript(DynSink::boxed(large())), expected);
}
