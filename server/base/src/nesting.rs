//! How deeply nested a text is, estimated before anything recursive reads it.
//!
//! The parsers dynlens uses (ra_ap_syntax's, `syn`) recurse once per level of nesting, and so
//! do the model's lowering and the generator: a file with 20,000 nested `(` or `Box<` would
//! overflow the stack (and the parser takes quadratic time on deep generic types). So every
//! text is measured first, in linear time and without recursion, and a text nested deeper
//! than [`MAX_NESTING`] is not parsed at all: the core reports its file as "too deeply nested
//! to analyse", the generator refuses it.
//!
//! The estimate is over tokens (the caller lexes; comments and literals are not tokens): every
//! delimiter opens a level until it is closed; `<` opens one until a `>`, or until a `;` or
//! the closing of an enclosing delimiter (so comparisons do not accumulate); and a run of
//! prefix operators or keywords (`- ! * &`, `return`, `mut`, `dyn` …) counts one level each,
//! as the parsers recurse on them; each `::` of a path counts one level (paths nest in the
//! tree). It errs on the high side for odd code, never on the low
//! side for the shapes above.

/// The deepest nesting dynlens analyses. Real code stays far below (a few dozen levels);
/// the stacks dynlens runs on (see the `dynlens` binary) hold many times this depth.
pub const MAX_NESTING: usize = 1_000;

/// A token, as far as nesting goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NestToken {
    /// `(`, `[` or `{` (the byte of the opener).
    Open(u8),
    /// `)`, `]` or `}` (the byte of the matching *opener*).
    Close(u8),
    /// `<` as a generic argument list may open.
    Lt,
    /// `>` that may close one (not the one of `->` or `=>`).
    Gt,
    /// `;`
    Semi,
    /// A prefix operator or keyword the parsers recurse on.
    Prefix,
    /// An identifier (a path segment).
    Ident,
    /// A `:` (the first of a `::` when the lexer splits it).
    Colon,
    /// `::`: each separator of a path nests the path one level deeper in the syntax tree
    /// (`a::b::c` is the path `c` qualified by the path `a::b`).
    PathSep,
    /// Anything else.
    Other,
}

/// The estimated nesting depth of a token sequence (see the module documentation).
pub fn nesting_depth(tokens: impl IntoIterator<Item = NestToken>) -> usize {
    // Open levels: (opener, the prefix run before it).
    let mut stack: Vec<(u8, usize)> = Vec::new();
    // How many openers of each kind are on the stack: `(`, `[`, `{`.
    let mut open = [0usize; 3];
    let slot = |d: u8| match d {
        b'(' => Some(0),
        b'[' => Some(1),
        b'{' => Some(2),
        _ => None,
    };
    let (mut total, mut run, mut max) = (0usize, 0usize, 0usize);
    // Separators of the path being read (`Self::A::B…`).
    let mut path = 0usize;
    let pop = |stack: &mut Vec<(u8, usize)>, open: &mut [usize; 3], total: &mut usize| {
        if let Some((d, r)) = stack.pop() {
            *total -= 1 + r;
            if let Some(i) = slot(d) {
                open[i] -= 1;
            }
        }
    };
    for token in tokens {
        match token {
            NestToken::PathSep => path += 1,
            NestToken::Ident | NestToken::Colon => {}
            _ => path = 0,
        }
        match token {
            NestToken::Open(d) | NestToken::Close(d) if slot(d).is_none() => run = 0,
            NestToken::Open(d) => {
                stack.push((d, run));
                if let Some(i) = slot(d) {
                    open[i] += 1;
                }
                total += 1 + run;
                run = 0;
            }
            NestToken::Lt => {
                stack.push((b'<', run));
                total += 1 + run;
                run = 0;
            }
            NestToken::Close(d) => {
                run = 0;
                let Some(i) = slot(d) else { continue };
                if open[i] > 0 {
                    while let Some(&(top, _)) = stack.last() {
                        pop(&mut stack, &mut open, &mut total);
                        if top == d {
                            break;
                        }
                    }
                } else {
                    while stack.last().is_some_and(|&(top, _)| top == b'<') {
                        pop(&mut stack, &mut open, &mut total);
                    }
                }
            }
            NestToken::Gt => {
                run = 0;
                if stack.last().is_some_and(|&(top, _)| top == b'<') {
                    pop(&mut stack, &mut open, &mut total);
                }
            }
            NestToken::Semi => {
                run = 0;
                while stack.last().is_some_and(|&(top, _)| top == b'<') {
                    pop(&mut stack, &mut open, &mut total);
                }
            }
            NestToken::Prefix => run += 1,
            NestToken::Other | NestToken::Ident | NestToken::PathSep | NestToken::Colon => run = 0,
        }
        max = max.max(total + run + path);
    }
    max
}

/// Whether a keyword is one the parsers recurse on when it prefixes an expression or a type.
pub fn is_prefix_keyword(word: &str) -> bool {
    matches!(
        word,
        "return"
            | "break"
            | "yield"
            | "box"
            | "move"
            | "mut"
            | "dyn"
            | "impl"
            | "ref"
            | "const"
            | "async"
            | "static"
            | "let"
            | "unsafe"
    )
}

#[cfg(test)]
mod tests {
    use super::NestToken::*;
    use super::*;

    #[test]
    fn delimiters_angles_and_prefix_runs() {
        assert_eq!(
            nesting_depth([Open(b'('), Open(b'['), Close(b'['), Close(b'(')]),
            2
        );
        assert_eq!(nesting_depth(std::iter::repeat_n(Prefix, 7)), 7);
        // `Box<Box<u8>>`
        assert_eq!(nesting_depth([Other, Lt, Other, Lt, Other, Gt, Gt]), 2);
        // `a < b; c < d; e < f;` does not accumulate.
        let cmp = [Other, Lt, Other, Semi];
        assert_eq!(nesting_depth(cmp.iter().copied().cycle().take(400)), 1);
        // Neither does `f(a < b)` repeated: the `)` closes the `<`.
        let call = [Other, Open(b'('), Other, Lt, Other, Close(b'(')];
        assert_eq!(nesting_depth(call.iter().copied().cycle().take(600)), 2);
        // `&(&(&(x)))`: each `&` and each `(` a level.
        let amp = [Prefix, Open(b'(')];
        assert_eq!(nesting_depth(amp.iter().copied().cycle().take(6)), 6);
        // `Self::A::A::…`: a level per separator; separate paths do not accumulate.
        let seg = [Ident, PathSep];
        assert_eq!(nesting_depth(seg.iter().copied().cycle().take(20)), 10);
        let stmts = [Ident, PathSep, Ident, Semi];
        assert_eq!(nesting_depth(stmts.iter().copied().cycle().take(400)), 1);
        // An unmatched closer does not underflow.
        assert_eq!(nesting_depth([Close(b'{'), Close(b')'), Gt, Open(b'{')]), 1);
    }
}
