// Shared by every fixture program: drop accounting and a tiny executor.
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

// Global, not thread-local: the `Send` fixtures drop values on other threads.
static NEXT: AtomicU32 = AtomicU32::new(0);
static DROPPED: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// A value with an identity: every `Token` ever made must be dropped exactly once.
#[derive(Debug, PartialEq)]
pub struct Token(u32);

impl Token {
    pub fn new() -> Token {
        Token(NEXT.fetch_add(1, Ordering::SeqCst))
    }
}

impl Clone for Token {
    fn clone(&self) -> Token {
        Token::new()
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        let mut d = DROPPED.lock().expect("drop log");
        assert!(!d.contains(&self.0), "token {} dropped twice", self.0);
        d.push(self.0);
    }
}

/// Asserts that every token made so far was dropped exactly once, and starts over.
pub fn check_drops(label: &str) {
    let made = NEXT.load(Ordering::SeqCst);
    let mut dropped = std::mem::take(&mut *DROPPED.lock().expect("drop log"));
    dropped.sort_unstable();
    let expected: Vec<u32> = (0..made).collect();
    assert_eq!(dropped, expected, "{label}: every value must be dropped exactly once");
    assert!(made > 0, "{label}: the program made no values");
    NEXT.store(0, Ordering::SeqCst);
}

fn noop_waker() -> Waker {
    const VTABLE: RawWakerVTable = RawWakerVTable::new(|_| RawWaker::new(std::ptr::null(), &VTABLE), |_| {}, |_| {}, |_| {});
    // SAFETY: the vtable's functions do nothing and never read the data pointer.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// Polls a future to completion with a waker that does nothing.
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}
