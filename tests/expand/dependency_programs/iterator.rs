//! `Iterator` through `DynIterator<'_, Item>`. Constructors: `new`, `inline`, `boxed`,
//! `from_mut`. Carried methods: `next`, `size_hint`, `nth`; the adapters run their default bodies
//! on the dyn value. `Large` overrides `size_hint` and `nth`.
use crate::dyn_star::DynIterator;
use crate::support::Token;

/// Pointer-sized: counts from `next` to 9.
struct Small {
    next: u32,
    _token: Token,
}

/// Larger than a pointer: yields its words.
struct Large {
    words: Vec<String>,
    at: usize,
    _token: Token,
}

fn small() -> Small {
    Small {
        next: 2,
        _token: Token::new(),
    }
}

fn large() -> Large {
    let words = "one two three four five six"
        .split(' ')
        .map(String::from)
        .collect();
    Large {
        words,
        at: 0,
        _token: Token::new(),
    }
}

impl Iterator for Small {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        (self.next < 10).then(|| {
            self.next += 1;
            self.next - 1
        })
    }
}

impl Iterator for Large {
    type Item = String;
    fn next(&mut self) -> Option<String> {
        let word = self.words.get(self.at).cloned();
        self.at += 1;
        word
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.words.len().saturating_sub(self.at);
        (left, Some(left))
    }
    fn nth(&mut self, n: usize) -> Option<String> {
        self.at += n;
        self.next()
    }
}

/// Every carried method, then an adapter (a default body running on the value).
fn transcript<I: Iterator<Item: std::fmt::Debug>>(mut it: I) -> Vec<String> {
    vec![
        format!("{:?}", it.next()),
        format!("{:?}", it.size_hint()),
        format!("{:?}", it.nth(2)),
        format!("{:?}", it.size_hint()),
        format!("{:?}", it.by_ref().step_by(2).collect::<Vec<_>>()),
        format!("{:?} {:?}", it.next(), it.size_hint()),
    ]
}

pub fn run() {
    let expected = transcript(small());
    assert_eq!(expected[2], "Some(5)");
    assert_eq!(transcript(DynIterator::new(small())), expected);
    assert_eq!(transcript(DynIterator::inline(small())), expected);
    assert_eq!(transcript(DynIterator::boxed(small())), expected);
    let mut s = small();
    assert_eq!(transcript(DynIterator::from_mut(&mut s)), expected);
    assert_eq!(s.next, 10, "the borrowed value was iterated");

    let expected = transcript(large());
    assert_eq!(expected[1], "(5, Some(5))");
    assert_eq!(transcript(DynIterator::new(large())), expected);
    assert_eq!(transcript(DynIterator::boxed(large())), expected);
    let mut l = large();
    assert_eq!(transcript(DynIterator::from_mut(&mut l)), expected);

    // Values of different types behind one type; items dropped once each.
    let mixed: Vec<DynIterator<'_, u32>> = vec![
        DynIterator::new(small()),
        DynIterator::new(large().map(|w| w.len() as u32)),
    ];
    let lengths: Vec<Vec<u32>> = mixed.into_iter().map(|it| it.collect()).collect();
    assert_eq!(
        lengths,
        [vec![2, 3, 4, 5, 6, 7, 8, 9], vec![3, 3, 5, 4, 4, 3]]
    );
}
