//! `tower::Service<Request>` through `DynService<'_, Request, Response, Error, Future>`.
//! Constructors: `new`, `inline`, `boxed`, `from_mut` (no `from_ref`: its methods take
//! `&mut self`). Carried methods: `poll_ready` (`Pending` included) and `call`; `ServiceExt`
//! (tower) drives them with `block_on`.
use std::convert::Infallible;
use std::future::{Ready, ready};
use std::task::{Context, Poll};

use tower::{Service, ServiceExt};

use crate::dyn_star::DynService;
use crate::support::{Token, block_on};

/// Pointer-sized: numbers its responses; not ready every other time it is asked.
struct Small {
    calls: u16,
    asked: u16,
    _token: Token,
}

/// Larger than a pointer: greets with its prefix.
struct Large {
    prefix: String,
    calls: usize,
    _token: Token,
}

fn small() -> Small {
    Small {
        calls: 0,
        asked: 0,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        prefix: "hello".into(),
        calls: 0,
        _token: Token::new(),
    }
}

impl Service<u32> for Small {
    type Response = String;
    type Error = Infallible;
    type Future = Ready<Result<String, Infallible>>;
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.asked += 1;
        if self.asked % 2 == 1 {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, req: u32) -> Self::Future {
        self.calls += 1;
        ready(Ok(format!("#{} {}", self.calls, req * 2)))
    }
}

impl Service<u32> for Large {
    type Response = String;
    type Error = Infallible;
    type Future = Ready<Result<String, Infallible>>;
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, req: u32) -> Self::Future {
        self.calls += 1;
        ready(Ok(format!("{} {req} ({})", self.prefix, self.calls)))
    }
}

/// Three requests, each after `ready`.
fn transcript<S>(mut s: S) -> Vec<String>
where
    S: Service<u32, Response = String, Error = Infallible>,
{
    block_on(async {
        let mut out = Vec::new();
        for req in [5, 6, 7] {
            let ready = s.ready().await.unwrap();
            out.push(ready.call(req).await.unwrap());
        }
        out
    })
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(expected, ["#1 10", "#2 12", "#3 14"]);
    assert_eq!(transcript(DynService::new(small())), expected);
    assert_eq!(transcript(DynService::inline(small())), expected);
    assert_eq!(transcript(DynService::boxed(small())), expected);
    let mut s = small();
    assert_eq!(transcript(DynService::from_mut(&mut s)), expected);
    assert_eq!(
        (s.calls, s.asked),
        (3, 6),
        "the borrowed service was called"
    );

    let expected = transcript(large());
    assert_eq!(expected[2], "hello 7 (3)");
    assert_eq!(transcript(DynService::new(large())), expected);
    assert_eq!(transcript(DynService::boxed(large())), expected);
    let mut l = large();
    assert_eq!(transcript(DynService::from_mut(&mut l)), expected);
    assert_eq!(l.calls, 3);

    // Services of different types behind one type, as a router keeps them.
    let mut routes = vec![DynService::new(small()), DynService::new(large())];
    let answers: Vec<String> = routes
        .iter_mut()
        .map(|s| block_on(s.oneshot(1)).unwrap())
        .collect();
    assert_eq!(answers, ["#1 2", "hello 1 (1)"]);
}
