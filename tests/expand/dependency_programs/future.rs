//! `std::future::Future` through `DynFuture<'_, Output>`. Constructors: `new`, `inline`, `boxed`
//! (no `from_ref`/`from_mut`: `poll` takes `Pin<&mut Self>`). Carried method: `poll`, each
//! `Pending` and `Ready` passed through. `Large` is an `async` block: self-referential, so it
//! must not move once pinned, which `DynFuture` (`!Unpin`) guarantees.
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use crate::dyn_star::DynFuture;
use crate::support::{Token, block_on};

/// Pointer-sized: pending `left` more times, then ready with `value`.
struct Small {
    left: u16,
    value: u16,
    _token: Token,
}

fn small() -> Small {
    Small {
        left: 3,
        value: 40,
        _token: Token::new(),
    }
}

impl Future for Small {
    type Output = u64;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        if self.left == 0 {
            return Poll::Ready(self.value as u64 + 2);
        }
        self.left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Larger than a pointer: an async block holding a token and a borrow of its own local across
/// an await.
fn large() -> impl Future<Output = u64> {
    async {
        let token = Token::new();
        let words = vec!["a", "bb", "ccc"];
        let first = &words[0];
        small().await;
        drop(token);
        first.len() as u64 + words.iter().map(|w| w.len() as u64).sum::<u64>()
    }
}

/// How many times the future was polled, and its output.
fn transcript<F: Future<Output = u64>>(f: F) -> (u32, u64) {
    let mut f = pin!(f);
    let mut polls = 0;
    let out = block_on(std::future::poll_fn(|cx| {
        polls += 1;
        f.as_mut().poll(cx)
    }));
    (polls, out)
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(expected, (4, 42));
    assert_eq!(transcript(DynFuture::new(small())), expected);
    assert_eq!(transcript(DynFuture::inline(small())), expected);
    assert_eq!(transcript(DynFuture::boxed(small())), expected);

    let expected = transcript(large());
    assert_eq!(expected, (4, 7));
    assert_eq!(transcript(DynFuture::new(large())), expected);
    assert_eq!(transcript(DynFuture::boxed(large())), expected);
    assert!(DynFuture::new(large()).size_of_val() > 8);

    // Dropped before it completes: the async block's token is dropped once, with it.
    let mut unfinished = Box::pin(DynFuture::new(large()));
    let waker = std::task::Waker::noop();
    assert!(
        unfinished
            .as_mut()
            .poll(&mut Context::from_waker(waker))
            .is_pending()
    );
    drop(unfinished);
    assert_eq!(block_on(DynFuture::new(small())), 42);
}
