//! `futures::Stream` through `DynStream<'_, Item>`. Constructors: `new`, `inline`, `boxed` (no
//! `from_ref`/`from_mut`: `poll_next` takes `Pin<&mut Self>`). Carried methods: `poll_next`
//! (`Pending` included) and `size_hint`; `StreamExt` (futures) drives them with `block_on`.
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};

use crate::dyn_star::DynStream;
use crate::support::{Token, block_on};

/// Pointer-sized: counts down from `left`, `Pending` before each item.
struct Small {
    left: u16,
    pending: bool,
    _token: Token,
}

/// Larger than a pointer: its items, each a `Token` too (every item must be dropped once).
struct Large {
    items: Vec<(u32, Token)>,
    _token: Token,
}

fn small() -> Small {
    Small {
        left: 4,
        pending: false,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        items: (1..=3).map(|n| (n * 10, Token::new())).collect(),
        _token: Token::new(),
    }
}

impl Stream for Small {
    type Item = u32;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        self.pending = !self.pending;
        if self.pending {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.left.checked_sub(1).map(|n| {
            self.left = n;
            n as u32
        }))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl Stream for Large {
    type Item = u32;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<u32>> {
        let item = (!self.items.is_empty()).then(|| self.items.remove(0));
        Poll::Ready(item.map(|(n, _token)| n))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.items.len(), None)
    }
}

/// `size_hint`, one item, then the rest.
fn transcript<S: Stream<Item = u32>>(s: S) -> Vec<String> {
    let mut s = pin!(s);
    let hint = s.size_hint();
    let first = block_on(s.next());
    let hint_after = s.size_hint();
    let rest: Vec<u32> = block_on(s.as_mut().collect());
    vec![
        format!("{hint:?} {first:?} {hint_after:?} {rest:?}"),
        format!("{:?}", block_on(s.next())),
    ]
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(
        expected,
        ["(4, Some(4)) Some(3) (3, Some(3)) [2, 1, 0]", "None"]
    );
    assert_eq!(transcript(DynStream::new(small())), expected);
    assert_eq!(transcript(DynStream::inline(small())), expected);
    assert_eq!(transcript(DynStream::boxed(small())), expected);

    let expected = transcript(large());
    assert_eq!(expected, ["(3, None) Some(10) (2, None) [20, 30]", "None"]);
    assert_eq!(transcript(DynStream::new(large())), expected);
    assert_eq!(transcript(DynStream::boxed(large())), expected);

    // Two streams of different types merged as one type; an unfinished one dropped.
    let both = futures::stream::iter([DynStream::new(small()), DynStream::new(large())]).flatten();
    let mut all: Vec<u32> = block_on(both.collect());
    all.sort();
    assert_eq!(all, [0, 1, 2, 3, 10, 20, 30]);
    drop(DynStream::new(large()));
}
