//! `DoubleEndedIterator` through `DynDoubleEndedIterator<'_, Item>`. Constructors: `new`,
//! `inline`, `boxed`, `from_mut`. Carried methods: `next_back`, `nth_back`, and its supertrait
//! `Iterator`'s `next`, `size_hint` and `nth` through slots. `Large` overrides `nth` and
//! `nth_back`.
use crate::dyn_star::DynDoubleEndedIterator;
use crate::support::Token;

/// Pointer-sized: the range `front..back`.
struct Small {
    front: u16,
    back: u16,
    _token: Token,
}

/// Larger than a pointer: its letters, from both ends.
struct Large {
    letters: Vec<char>,
    nth_calls: usize,
    nth_back_calls: usize,
    _token: Token,
}

fn small() -> Small {
    Small {
        front: 1,
        back: 12,
        _token: Token::new(),
    }
}

fn large() -> Large {
    Large {
        letters: "abcdefghij".chars().collect(),
        nth_calls: 0,
        nth_back_calls: 0,
        _token: Token::new(),
    }
}

impl Iterator for Small {
    type Item = u16;
    fn next(&mut self) -> Option<u16> {
        (self.front < self.back).then(|| {
            self.front += 1;
            self.front - 1
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.back - self.front) as usize;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Small {
    fn next_back(&mut self) -> Option<u16> {
        (self.front < self.back).then(|| {
            self.back -= 1;
            self.back
        })
    }
}

impl Iterator for Large {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        (!self.letters.is_empty()).then(|| self.letters.remove(0))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.letters.len(), Some(self.letters.len()))
    }
    fn nth(&mut self, n: usize) -> Option<char> {
        self.nth_calls += 1;
        self.letters.drain(..n.min(self.letters.len()));
        self.next()
    }
}

impl DoubleEndedIterator for Large {
    fn next_back(&mut self) -> Option<char> {
        self.letters.pop()
    }
    fn nth_back(&mut self, n: usize) -> Option<char> {
        self.nth_back_calls += 1;
        let keep = self.letters.len().saturating_sub(n);
        self.letters.truncate(keep);
        self.letters.pop()
    }
}

/// Every carried method, then `rev` (a default body running on the value).
fn transcript<I: DoubleEndedIterator<Item: std::fmt::Debug>>(mut it: I) -> Vec<String> {
    vec![
        format!("{:?} {:?}", it.next(), it.next_back()),
        format!("{:?} {:?}", it.nth_back(2), it.size_hint()),
        format!("{:?}", it.nth(1)),
        format!("{:?}", it.by_ref().rev().take(2).collect::<Vec<_>>()),
        format!("{:?} {:?}", it.next(), it.size_hint()),
        format!("{:?}", it.collect::<Vec<_>>()),
    ]
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(expected[0], "Some(1) Some(11)");
    assert_eq!(transcript(DynDoubleEndedIterator::new(small())), expected);
    assert_eq!(
        transcript(DynDoubleEndedIterator::inline(small())),
        expected
    );
    assert_eq!(transcript(DynDoubleEndedIterator::boxed(small())), expected);
    let mut s = small();
    assert_eq!(
        transcript(DynDoubleEndedIterator::from_mut(&mut s)),
        expected
    );
    assert_eq!(s.front, s.back, "the borrowed value was iterated");

    let expected = transcript(large());
    assert_eq!(expected[1], "Some('g') (5, Some(5))");
    assert_eq!(transcript(DynDoubleEndedIterator::new(large())), expected);
    assert_eq!(transcript(DynDoubleEndedIterator::boxed(large())), expected);
    let mut l = large();
    assert_eq!(
        transcript(DynDoubleEndedIterator::from_mut(&mut l)),
        expected
    );
    assert_eq!(
        (l.nth_calls, l.nth_back_calls),
        (1, 1),
        "the overrides ran through the slots, as through `dyn DoubleEndedIterator`"
    );
}
