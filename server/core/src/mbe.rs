//! `macro_rules!` by example, for items: enough of rustc's macro matcher and transcriber to
//! expand the module-level invocations that real crates use to declare their modules, imports
//! and traits — serde's `crate_root!()`, tokio's `cfg_io_util! { … }` — so that name
//! resolution sees what rustc sees (rust-analyzer's `mbe` crate, much smaller).
//!
//! A macro is parsed from its `macro_rules!` body into rules (matcher ⇒ transcriber). An
//! invocation's token trees are matched against each rule in order, with backtracking over
//! repetitions (`$( … ) sep op`); fragments `tt`, `ident`, `lifetime`, `literal`, `block`,
//! `vis` and `item` are delimited exactly; `ty`, `path`, `expr`, `pat`, `meta`, `stmt` extend
//! to the token that follows them in the matcher (the follow-set rules make that token
//! unambiguous), counting `<…>` for types and paths. The first rule that matches is
//! transcribed into text (`$crate` becomes `crate`: only macros of the crate itself are in
//! textual scope), which the caller parses as items.
//!
//! Bounds: matching gives up after [`MAX_STEPS`] steps and an expansion longer than
//! [`MAX_OUTPUT`] bytes is dropped; a macro that does not expand leaves its items unknown
//! (name resolution then says that a path is unresolved, never guesses).

use ra_ap_syntax::{AstNode, NodeOrToken, SyntaxKind, SyntaxNode, ast};

/// Matching steps allowed for one invocation.
const MAX_STEPS: u32 = 200_000;
/// The longest expansion kept, in bytes.
pub const MAX_OUTPUT: usize = 1 << 20;

/// A token tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tt {
    Leaf(Leaf),
    Group(Delim, Vec<Tt>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub text: String,
    pub kind: LeafKind,
    /// Written directly before the next token, with no space (`:` in `::`, `=` in `=>`).
    pub joint: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// Identifiers and keywords.
    Ident,
    Punct,
    Literal,
    Lifetime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delim {
    Paren,
    Bracket,
    Brace,
}

impl Delim {
    fn chars(self) -> (char, char) {
        match self {
            Delim::Paren => ('(', ')'),
            Delim::Bracket => ('[', ']'),
            Delim::Brace => ('{', '}'),
        }
    }
}

/// The contents of a token tree node (`{ … }` of a macro call or definition), delimiters
/// dropped.
pub fn token_trees(tt: &ast::TokenTree) -> Vec<Tt> {
    let mut tokens = Vec::new();
    flatten(tt.syntax(), &mut tokens);
    // Drop the outer delimiters.
    if tokens.len() >= 2 {
        tokens.pop();
        tokens.remove(0);
    }
    let mut pos = 0;
    build(&tokens, &mut pos)
}

/// (kind, text, joint) of every non-trivia token under `node`, in order.
fn flatten(node: &SyntaxNode, out: &mut Vec<(SyntaxKind, String, bool)>) {
    let mut prev_end = None;
    for el in node.descendants_with_tokens() {
        let NodeOrToken::Token(t) = el else { continue };
        if t.kind().is_trivia() {
            continue;
        }
        let range = t.text_range();
        if let (Some(end), Some(last)) = (prev_end, out.last_mut()) {
            last.2 = end == range.start();
        }
        prev_end = Some(range.end());
        out.push((t.kind(), t.text().to_string(), false));
    }
}

fn build(tokens: &[(SyntaxKind, String, bool)], pos: &mut usize) -> Vec<Tt> {
    let mut out = Vec::new();
    while let Some((kind, text, joint)) = tokens.get(*pos) {
        *pos += 1;
        let delim = match kind {
            SyntaxKind::L_PAREN => Some(Delim::Paren),
            SyntaxKind::L_BRACK => Some(Delim::Bracket),
            SyntaxKind::L_CURLY => Some(Delim::Brace),
            SyntaxKind::R_PAREN | SyntaxKind::R_BRACK | SyntaxKind::R_CURLY => return out,
            _ => None,
        };
        if let Some(d) = delim {
            out.push(Tt::Group(d, build(tokens, pos)));
            continue;
        }
        let kind = if *kind == SyntaxKind::LIFETIME_IDENT {
            LeafKind::Lifetime
        } else if kind.is_literal() {
            LeafKind::Literal
        } else if *kind == SyntaxKind::IDENT || kind.is_keyword(ra_ap_syntax::Edition::LATEST) {
            LeafKind::Ident
        } else if text.chars().all(|c| c.is_alphanumeric() || c == '_') && !text.is_empty() {
            // Contextual keywords and `_`.
            LeafKind::Ident
        } else {
            LeafKind::Punct
        };
        out.push(Tt::Leaf(Leaf {
            text: text.clone(),
            kind,
            joint: *joint,
        }));
    }
    out
}

/// One element of a matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pat {
    Tok(String),
    Group(Delim, Vec<Pat>),
    Var(String, Frag),
    Rep(Vec<Pat>, Option<String>, RepOp),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RepOp {
    ZeroOrMore,
    OneOrMore,
    ZeroOrOne,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frag {
    Tt,
    Ident,
    Lifetime,
    Literal,
    Block,
    Vis,
    Item,
    /// `ty`, `path`: up to a token of their follow set, `<…>` counted.
    Type,
    /// `expr`, `stmt`: up to `=>`, `,`, `;`.
    Expr,
    /// `pat`, `pat_param`: up to `=>`, `,`, `=`, `|`, `if`, `in`.
    Pat,
    /// `meta`: up to the token after it in the matcher.
    Meta,
}

/// A `macro_rules!` definition: its rules, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroRules {
    rules: Vec<(Vec<Pat>, Vec<Tt>)>,
}

impl MacroRules {
    /// Parses a definition's body; `None` when a rule is malformed.
    pub fn parse(m: &ast::MacroRules) -> Option<MacroRules> {
        let body = token_trees(&m.token_tree()?);
        let mut rules = Vec::new();
        let mut it = body.into_iter().peekable();
        while let Some(t) = it.next() {
            let Tt::Group(_, matcher) = t else {
                return None;
            };
            match (it.next(), it.next()) {
                (Some(Tt::Leaf(a)), Some(Tt::Leaf(b))) if a.text == "=" && b.text == ">" => {}
                _ => return None,
            }
            let Some(Tt::Group(_, transcriber)) = it.next() else {
                return None;
            };
            rules.push((parse_pattern(&matcher)?, transcriber));
            if matches!(it.peek(), Some(Tt::Leaf(l)) if l.text == ";") {
                it.next();
            }
        }
        Some(MacroRules { rules })
    }

    /// The expansion of an invocation with these token trees, as text; `None` when no rule
    /// matches (or the bounds are exceeded).
    pub fn expand(&self, input: &[Tt]) -> Option<String> {
        for (pattern, transcriber) in &self.rules {
            let mut m = Matcher { steps: 0 };
            let mut found = None;
            let mut b = Vec::new();
            m.seq(pattern, input, 0, None, &mut b, &mut |_, end, b| {
                if end == input.len() {
                    found = Some(b.clone());
                    true
                } else {
                    false
                }
            });
            if let Some(bindings) = found {
                let mut out = String::new();
                transcribe(transcriber, &bindings, &mut out)?;
                return (out.len() <= MAX_OUTPUT).then_some(out);
            }
            if m.steps > MAX_STEPS {
                return None;
            }
        }
        None
    }
}

fn parse_pattern(tts: &[Tt]) -> Option<Vec<Pat>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            Tt::Leaf(l) if l.text == "$" => match tts.get(i + 1) {
                Some(Tt::Leaf(name)) if name.kind == LeafKind::Ident => {
                    let is_colon = |t: Option<&Tt>| matches!(t, Some(Tt::Leaf(c)) if c.text == ":");
                    let Some(Tt::Leaf(frag)) = tts.get(i + 3).filter(|_| is_colon(tts.get(i + 2)))
                    else {
                        return None;
                    };
                    out.push(Pat::Var(name.text.clone(), frag_of(&frag.text)?));
                    i += 4;
                }
                Some(Tt::Group(Delim::Paren, body)) => {
                    let body = parse_pattern(body)?;
                    let (sep, op, used) = rep_tail(&tts[i + 2..])?;
                    out.push(Pat::Rep(body, sep, op));
                    i += 2 + used;
                }
                _ => return None,
            },
            Tt::Leaf(l) => {
                out.push(Pat::Tok(l.text.clone()));
                i += 1;
            }
            Tt::Group(d, inner) => {
                out.push(Pat::Group(*d, parse_pattern(inner)?));
                i += 1;
            }
        }
    }
    Some(out)
}

/// The separator and operator after `$( … )`, and how many token trees they take.
fn rep_tail(tts: &[Tt]) -> Option<(Option<String>, RepOp, usize)> {
    let op = |t: Option<&Tt>| match t {
        Some(Tt::Leaf(l)) => match l.text.as_str() {
            "*" => Some(RepOp::ZeroOrMore),
            "+" => Some(RepOp::OneOrMore),
            "?" => Some(RepOp::ZeroOrOne),
            _ => None,
        },
        _ => None,
    };
    if let Some(o) = op(tts.first()) {
        return Some((None, o, 1));
    }
    // A separator is one token: for punctuation, up to three joint characters (`::`, `=>`).
    let mut sep = String::new();
    for (n, t) in tts.iter().enumerate().take(3) {
        let Tt::Leaf(l) = t else { return None };
        sep.push_str(&l.text);
        if let Some(o) = op(tts.get(n + 1)) {
            return Some((Some(sep), o, n + 2));
        }
        if l.kind != LeafKind::Punct || !l.joint {
            return None;
        }
    }
    None
}

/// The end of the separator `sep` at `pos` (it may be several joint punctuation tokens).
fn sep_end(input: &[Tt], pos: usize, sep: &str) -> Option<usize> {
    let mut text = String::new();
    for (i, t) in input.iter().enumerate().skip(pos).take(3) {
        let Tt::Leaf(l) = t else { return None };
        text.push_str(&l.text);
        if text == sep {
            return Some(i + 1);
        }
        if !sep.starts_with(&text) {
            return None;
        }
    }
    None
}

fn frag_of(name: &str) -> Option<Frag> {
    Some(match name {
        "tt" => Frag::Tt,
        "ident" => Frag::Ident,
        "lifetime" => Frag::Lifetime,
        "literal" => Frag::Literal,
        "block" => Frag::Block,
        "vis" => Frag::Vis,
        "item" => Frag::Item,
        "ty" | "path" => Frag::Type,
        "expr" | "expr_2021" | "stmt" => Frag::Expr,
        "pat" | "pat_param" => Frag::Pat,
        "meta" => Frag::Meta,
        _ => return None,
    })
}

/// What a matcher variable is bound to.
#[derive(Debug, Clone)]
enum Binding {
    Frag(Vec<Tt>),
    Seq(Vec<Bindings>),
}

type Bindings = Vec<(String, Binding)>;

type Cont<'k> = dyn FnMut(&mut Matcher, usize, &mut Bindings) -> bool + 'k;

struct Matcher {
    steps: u32,
}

impl Matcher {
    /// Matches `pats` at `input[pos..]`, calling `k` with the end of each way it matches
    /// until `k` accepts one (then returns `true`). `follow` is the token expected after the
    /// sequence, if known.
    fn seq(
        &mut self,
        pats: &[Pat],
        input: &[Tt],
        pos: usize,
        follow: Option<&str>,
        b: &mut Bindings,
        k: &mut Cont<'_>,
    ) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return false;
        }
        let Some((p, rest)) = pats.split_first() else {
            return k(self, pos, b);
        };
        match p {
            Pat::Tok(t) => match input.get(pos) {
                Some(Tt::Leaf(l)) if l.text == *t => self.seq(rest, input, pos + 1, follow, b, k),
                _ => false,
            },
            Pat::Group(d, inner) => match input.get(pos) {
                Some(Tt::Group(delim, tts)) if delim == d => {
                    self.seq(inner, tts, 0, None, b, &mut |m, end, b| {
                        end == tts.len() && m.seq(rest, input, pos + 1, follow, b, k)
                    })
                }
                _ => false,
            },
            Pat::Var(name, frag) => {
                let next = first_token(rest).or(follow);
                let Some(end) = fragment_end(*frag, input, pos, next) else {
                    return false;
                };
                let len = b.len();
                b.push((name.clone(), Binding::Frag(input[pos..end].to_vec())));
                if self.seq(rest, input, end, follow, b, k) {
                    return true;
                }
                b.truncate(len);
                false
            }
            Pat::Rep(body, sep, op) => self.rep(
                body,
                sep.as_deref(),
                *op,
                rest,
                input,
                pos,
                follow,
                b,
                Vec::new(),
                k,
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rep(
        &mut self,
        body: &[Pat],
        sep: Option<&str>,
        op: RepOp,
        rest: &[Pat],
        input: &[Tt],
        pos: usize,
        follow: Option<&str>,
        b: &mut Bindings,
        iters: Vec<Bindings>,
        k: &mut Cont<'_>,
    ) -> bool {
        // One more iteration first (greedy), then stop here.
        let more = op != RepOp::ZeroOrOne || iters.is_empty();
        let start = match (iters.is_empty(), sep) {
            (false, Some(s)) => sep_end(input, pos, s),
            _ => Some(pos),
        };
        if more && let Some(start) = start {
            let inner_follow = sep
                .map(|s| s.get(..1).unwrap_or(s))
                .or_else(|| first_token(body))
                .or(first_token(rest))
                .or(follow);
            let mut fresh = Vec::new();
            let found = self.seq(
                body,
                input,
                start,
                inner_follow,
                &mut fresh,
                &mut |m, end, ib| {
                    if end == start {
                        return false; // an empty iteration would repeat forever
                    }
                    let mut iters = iters.clone();
                    iters.push(ib.clone());
                    m.rep(body, sep, op, rest, input, end, follow, b, iters, k)
                },
            );
            if found {
                return true;
            }
        }
        if op == RepOp::OneOrMore && iters.is_empty() {
            return false;
        }
        let len = b.len();
        let mut names = Vec::new();
        vars(body, &mut names);
        for name in names {
            let seq = iters
                .iter()
                .map(|it| it.iter().filter(|(n, _)| *n == name).cloned().collect())
                .collect();
            b.push((name, Binding::Seq(seq)));
        }
        if self.seq(rest, input, pos, follow, b, k) {
            return true;
        }
        b.truncate(len);
        false
    }
}

/// The variables a matcher binds, at any depth.
fn vars(pats: &[Pat], out: &mut Vec<String>) {
    for p in pats {
        match p {
            Pat::Var(n, _) => out.push(n.clone()),
            Pat::Group(_, inner) | Pat::Rep(inner, _, _) => vars(inner, out),
            Pat::Tok(_) => {}
        }
    }
}

/// The literal token a matcher sequence starts with, if any.
fn first_token(pats: &[Pat]) -> Option<&str> {
    match pats.first()? {
        Pat::Tok(t) => Some(t),
        Pat::Group(d, _) => Some(match d {
            Delim::Paren => "(",
            Delim::Bracket => "[",
            Delim::Brace => "{",
        }),
        Pat::Var(..) | Pat::Rep(..) => None,
    }
}

fn leaf(input: &[Tt], i: usize) -> Option<&Leaf> {
    match input.get(i)? {
        Tt::Leaf(l) => Some(l),
        Tt::Group(..) => None,
    }
}

fn is_follow(t: &Tt, follow: Option<&str>) -> bool {
    match (t, follow) {
        (Tt::Leaf(l), Some(f)) => l.text == f,
        (Tt::Group(d, _), Some(f)) => d.chars().0.to_string() == f,
        _ => false,
    }
}

/// Where a fragment starting at `pos` ends (exclusive).
fn fragment_end(frag: Frag, input: &[Tt], pos: usize, follow: Option<&str>) -> Option<usize> {
    match frag {
        Frag::Tt => input.get(pos).map(|_| pos + 1),
        Frag::Ident => leaf(input, pos)
            .filter(|l| l.kind == LeafKind::Ident && l.text != "_")
            .map(|_| pos + 1),
        Frag::Lifetime => leaf(input, pos)
            .filter(|l| l.kind == LeafKind::Lifetime)
            .map(|_| pos + 1),
        Frag::Literal => {
            let start = match leaf(input, pos) {
                Some(l) if l.text == "-" => pos + 1,
                _ => pos,
            };
            leaf(input, start)
                .filter(|l| l.kind == LeafKind::Literal || l.text == "true" || l.text == "false")
                .map(|_| start + 1)
        }
        Frag::Block => match input.get(pos)? {
            Tt::Group(Delim::Brace, _) => Some(pos + 1),
            _ => None,
        },
        Frag::Vis => match leaf(input, pos) {
            Some(l) if l.text == "pub" => match input.get(pos + 1) {
                Some(Tt::Group(Delim::Paren, inner)) if matches!(inner.first(), Some(Tt::Leaf(l)) if matches!(l.text.as_str(), "crate" | "self" | "super" | "in")) => {
                    Some(pos + 2)
                }
                _ => Some(pos + 1),
            },
            _ => Some(pos),
        },
        Frag::Item => item_end(input, pos),
        Frag::Type | Frag::Expr | Frag::Pat | Frag::Meta => {
            let mut depth = 0i32;
            let mut i = pos;
            while let Some(t) = input.get(i) {
                if depth == 0 && i > pos && (is_follow(t, follow) || stops(frag, input, i)) {
                    break;
                }
                if frag == Frag::Type
                    && let Tt::Leaf(l) = t
                {
                    let arrow = l.text == ">"
                        && i > pos
                        && leaf(input, i - 1).is_some_and(|p| p.text == "-" && p.joint);
                    match l.text.as_str() {
                        "<" => depth += 1,
                        ">" if !arrow => {
                            if depth == 0 {
                                break;
                            }
                            depth -= 1;
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            (i > pos).then_some(i)
        }
    }
}

/// Whether the token at `i` is one of the follow set of `frag` (rustc's rules say that only
/// these may come after it, so the fragment cannot extend over them).
fn stops(frag: Frag, input: &[Tt], i: usize) -> bool {
    let Some(l) = leaf(input, i) else {
        // `{` and `[` may follow a type or path; a group inside an expression is part of it.
        return frag == Frag::Type && !matches!(input[i], Tt::Group(Delim::Paren, _));
    };
    let fat_arrow = l.text == "=" && l.joint && leaf(input, i + 1).is_some_and(|n| n.text == ">");
    // `::` is two joint `:`; only a lone `:` follows a type.
    let lone_colon = l.text == ":"
        && !l.joint
        && !(i > 0 && leaf(input, i - 1).is_some_and(|p| p.text == ":" && p.joint));
    match frag {
        Frag::Type => {
            fat_arrow
                || lone_colon
                || matches!(l.text.as_str(), "," | "=" | "|" | ";" | "as" | "where")
        }
        Frag::Expr => fat_arrow || matches!(l.text.as_str(), "," | ";"),
        Frag::Pat => fat_arrow || matches!(l.text.as_str(), "," | "=" | "|" | "if" | "in"),
        _ => false,
    }
}

/// The end of the item starting at `pos`: after its `;`, or after its `{ … }` body (and a
/// `;` right after it). An item with a top-level `=` (`const`, `static`, `type`) ends at `;`.
fn item_end(input: &[Tt], pos: usize) -> Option<usize> {
    let mut saw_eq = false;
    let mut i = pos;
    while let Some(t) = input.get(i) {
        match t {
            Tt::Leaf(l) if l.text == ";" => return Some(i + 1),
            Tt::Leaf(l) if l.text == "=" => saw_eq = true,
            Tt::Group(Delim::Brace, _) if !saw_eq => {
                return Some(match leaf(input, i + 1) {
                    Some(l) if l.text == ";" => i + 2,
                    _ => i + 1,
                });
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn lookup<'b>(b: &'b Bindings, name: &str) -> Option<&'b Binding> {
    b.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// Writes the transcription of `tts` with `b`; `None` when a repetition is inconsistent.
fn transcribe(tts: &[Tt], b: &Bindings, out: &mut String) -> Option<()> {
    let mut i = 0;
    while i < tts.len() {
        if out.len() > MAX_OUTPUT {
            return None;
        }
        match &tts[i] {
            Tt::Leaf(l) if l.text == "$" => match tts.get(i + 1) {
                Some(Tt::Leaf(name)) if name.text == "crate" => {
                    out.push_str("crate");
                    if !name.joint {
                        out.push(' ');
                    }
                    i += 2;
                }
                Some(Tt::Leaf(name)) if name.kind == LeafKind::Ident => {
                    match lookup(b, &name.text) {
                        Some(Binding::Frag(tokens)) => {
                            write_tts(tokens, out);
                            out.push(' ');
                        }
                        Some(Binding::Seq(_)) => return None,
                        // Not a variable: written as is.
                        None => {
                            out.push('$');
                            out.push_str(&name.text);
                            out.push(' ');
                        }
                    }
                    i += 2;
                }
                Some(Tt::Group(Delim::Paren, body)) => {
                    let (sep, _, used) = rep_tail(&tts[i + 2..])?;
                    let mut names = Vec::new();
                    used_vars(body, &mut names);
                    let count = names
                        .iter()
                        .filter_map(|n| match lookup(b, n) {
                            Some(Binding::Seq(s)) => Some(s.len()),
                            _ => None,
                        })
                        .max()?;
                    for k in 0..count {
                        if k > 0
                            && let Some(s) = &sep
                        {
                            out.push_str(s);
                            out.push(' ');
                        }
                        let mut inner = b.clone();
                        for n in &names {
                            if let Some(Binding::Seq(s)) = lookup(b, n) {
                                let it = s.get(k)?;
                                inner.extend(it.iter().cloned());
                            }
                        }
                        transcribe(body, &inner, out)?;
                    }
                    i += 2 + used;
                }
                _ => {
                    out.push_str("$ ");
                    i += 1;
                }
            },
            Tt::Leaf(l) => {
                write_leaf(l, out);
                i += 1;
            }
            Tt::Group(d, inner) => {
                let (open, close) = d.chars();
                out.push(open);
                transcribe(inner, b, out)?;
                out.push(close);
                out.push(' ');
                i += 1;
            }
        }
    }
    Some(())
}

/// The `$name`s a transcriber uses.
fn used_vars(tts: &[Tt], out: &mut Vec<String>) {
    for (i, t) in tts.iter().enumerate() {
        match t {
            Tt::Leaf(l) if l.text == "$" => {
                if let Some(Tt::Leaf(n)) = tts.get(i + 1)
                    && n.kind == LeafKind::Ident
                {
                    out.push(n.text.clone());
                }
            }
            Tt::Group(_, inner) => used_vars(inner, out),
            Tt::Leaf(_) => {}
        }
    }
}

fn write_leaf(l: &Leaf, out: &mut String) {
    out.push_str(&l.text);
    if !l.joint {
        out.push(' ');
    }
}

fn write_tts(tts: &[Tt], out: &mut String) {
    for t in tts {
        match t {
            Tt::Leaf(l) => write_leaf(l, out),
            Tt::Group(d, inner) => {
                let (open, close) = d.chars();
                out.push(open);
                write_tts(inner, out);
                out.push(close);
                out.push(' ');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ra_ap_syntax::SourceFile;

    /// Expands the first invocation of the file with its first `macro_rules!`.
    fn expand(src: &str) -> Option<String> {
        let file = SourceFile::parse(src, ra_ap_syntax::Edition::Edition2021).tree();
        let def = file
            .syntax()
            .descendants()
            .find_map(ast::MacroRules::cast)?;
        let call = file.syntax().descendants().find_map(ast::MacroCall::cast)?;
        let rules = MacroRules::parse(&def)?;
        let out = rules.expand(&token_trees(&call.token_tree()?))?;
        Some(tokens(&out))
    }

    /// The tokens of `text`, one space apart (spacing is not part of an expansion's meaning).
    fn tokens(text: &str) -> String {
        let file = SourceFile::parse(text, ra_ap_syntax::Edition::Edition2021).tree();
        let toks: Vec<String> = file
            .syntax()
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .filter(|t| !t.kind().is_trivia())
            .map(|t| t.text().to_string())
            .collect();
        toks.join(" ")
    }

    #[test]
    fn argument_less_macro_gives_its_items() {
        let out = expand(
            "macro_rules! root { () => { pub mod de; pub use crate::de::{A, B as C}; }; }\nroot!();",
        );
        assert_eq!(
            out,
            Some(tokens("pub mod de; pub use crate::de::{A, B as C};"))
        );
    }

    #[test]
    fn item_repetition_with_attributes() {
        let out = expand(
            "macro_rules! cfg_io { ($($item:item)*) => { $( #[cfg(feature = \"io\")] $item )* } }\ncfg_io! { mod split; pub use split::{split, ReadHalf}; pub trait T: Sized { fn f(&self) -> u8 { 1 } } const X: u8 = { 1 } + 2; }",
        )
        .unwrap();
        assert_eq!(
            out,
            tokens(
                "#[cfg(feature = \"io\")] mod split; #[cfg(feature = \"io\")] pub use split::{split, ReadHalf}; #[cfg(feature = \"io\")] pub trait T: Sized { fn f(&self) -> u8 { 1 } } #[cfg(feature = \"io\")] const X: u8 = { 1 } + 2;"
            )
        );
    }

    #[test]
    fn rules_are_tried_in_order_and_fragments_are_delimited() {
        let src = "macro_rules! m { (trait $n:ident: $($s:path),+ ;) => { pub trait $n: $($s +)* Sized {} }; ($v:vis $n:ident) => { $v trait $n {} }; }\nm!(trait Foo: Clone, std::fmt::Debug, Into<Vec<u8>>;);";
        assert_eq!(
            expand(src),
            Some(tokens(
                "pub trait Foo: Clone + std::fmt::Debug + Into<Vec<u8>> + Sized {}"
            ))
        );
        let src = "macro_rules! m { (trait $n:ident) => {}; ($v:vis $n:ident) => { $v trait $n {} }; }\nm!(pub(crate) Bar);";
        assert_eq!(expand(src), Some(tokens("pub(crate) trait Bar {}")));
    }

    #[test]
    fn crate_dollar_and_nested_repetitions() {
        let src = "macro_rules! m { ($($t:ident { $($f:ident),* })*) => { $( pub trait $t { $( fn $f(&self); )* } )* use $crate::x; } }\nm!(A { a, b } B { });";
        assert_eq!(
            expand(src),
            Some(tokens(
                "pub trait A { fn a(&self); fn b(&self); } pub trait B { } use crate::x;"
            ))
        );
    }

    #[test]
    fn multi_character_separators() {
        // serde's `declare_error_trait!(Error: Sized + StdError)`.
        let src = "macro_rules! m { (Error: Sized $(+ $($s:ident)::+)*) => { pub trait Error: Sized $(+ $($s)::+)* {} } }\nm!(Error: Sized + std::error::Error + Debug);";
        assert_eq!(
            expand(src),
            Some(tokens(
                "pub trait Error: Sized + std::error::Error + Debug {}"
            ))
        );
    }

    #[test]
    fn no_rule_matches_or_malformed() {
        assert_eq!(expand("macro_rules! m { (a) => {} }\nm!(b);"), None);
        assert_eq!(expand("macro_rules! m { ($x) => {} }\nm!(b);"), None);
    }

    #[test]
    fn ambiguous_repetitions_are_bounded() {
        // Exponential backtracking is cut off: no expansion, no hang.
        let src = format!(
            "macro_rules! m {{ ($($($a:tt)*)* x) => {{}} }}\nm!({});",
            "t ".repeat(40)
        );
        assert_eq!(expand(&src), None);
    }
}
