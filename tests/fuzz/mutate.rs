//! Hostile and mutated Rust files, seeded from real sources: the oracle corpus, the examples,
//! and the registry sources Cargo fetched for `tests/fixtures/real-project`.

use std::path::{Path, PathBuf};

use crate::rng::Rng;

/// The largest input generated (bigger bursts are cut): keeps each run within seconds.
const MAX_INPUT: usize = 4 << 20;

/// The seed files, sorted by path so a seed picks the same files on the same machine.
pub struct Seeds {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// The longest supertrait chain generated (`--max-chain`).
    pub max_chain: usize,
}

impl Seeds {
    /// The corpus and examples of the workspace, plus up to `registry_limit` `.rs` files of
    /// the Cargo registry (`$CARGO_HOME/registry/src`), when it exists.
    pub fn load(workspace: &Path, registry_limit: usize) -> Seeds {
        let mut files = Vec::new();
        for dir in ["tests/oracle/corpus", "examples"] {
            collect(&workspace.join(dir), &mut files, usize::MAX);
        }
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
        if let Some(home) = cargo_home {
            let mut registry = Vec::new();
            collect(&home.join("registry/src"), &mut registry, usize::MAX);
            registry.sort();
            // An even spread over the crates rather than the first crates' files.
            let step = (registry.len() / registry_limit.max(1)).max(1);
            files.extend(registry.into_iter().step_by(step).take(registry_limit));
        }
        files.sort();
        let files = files
            .into_iter()
            .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
            .filter(|(_, b)| b.len() <= 256 << 10)
            .collect();
        Seeds {
            files,
            max_chain: 3_000,
        }
    }

    fn pick<'a>(&'a self, rng: &mut Rng) -> &'a [u8] {
        &rng.pick(&self.files).1
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && depth > 0 {
            collect(&path, out, depth - 1);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Splits bytes into tokens: identifier runs, whitespace runs, single other bytes.
fn tokens(bytes: &[u8]) -> Vec<&[u8]> {
    let class = |b: u8| {
        if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            0
        } else if b.is_ascii_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=bytes.len() {
        if i == bytes.len() || class(bytes[i]) == 2 || class(bytes[i]) != class(bytes[start]) {
            if start < i {
                out.push(&bytes[start..i]);
            }
            start = i;
        }
    }
    out
}

/// The name of each mutation, in the order of [`mutate_once`]'s match.
pub const MUTATIONS: &[&str] = &[
    "byte_flips",
    "token_delete",
    "token_duplicate",
    "token_shuffle",
    "splice",
    "nesting_burst",
    "huge_identifier",
    "invalid_utf8",
    "line_ends",
    "nul_bytes",
    "long_line",
    "unicode",
    "supertrait_chain",
    "truncate",
];

/// A mutated input: a seed file with 1–4 mutations; the names of the mutations applied.
pub fn generate(seeds: &Seeds, rng: &mut Rng) -> (Vec<u8>, Vec<&'static str>) {
    let mut input = seeds.pick(rng).to_vec();
    let mut applied = Vec::new();
    for _ in 0..rng.range(1, 4) {
        let which = rng.below(MUTATIONS.len());
        mutate_once(which, &mut input, seeds, rng);
        input.truncate(MAX_INPUT);
        applied.push(MUTATIONS[which]);
    }
    (input, applied)
}

fn mutate_once(which: usize, input: &mut Vec<u8>, seeds: &Seeds, rng: &mut Rng) {
    let at = rng.below(input.len() + 1);
    match which {
        0 => {
            for _ in 0..rng.range(1, 16) {
                if input.is_empty() {
                    break;
                }
                let i = rng.below(input.len());
                input[i] = if rng.one_in(2) {
                    input[i] ^ (1 << rng.below(8))
                } else {
                    *rng.pick(b"{}()<>[];:,.&*-+=!?#'\"/\\ \nr")
                };
            }
        }
        1..=3 => {
            let toks: Vec<Vec<u8>> = tokens(input).into_iter().map(<[u8]>::to_vec).collect();
            if toks.is_empty() {
                return;
            }
            let start = rng.below(toks.len());
            let len = rng.size(toks.len() - start).min(toks.len() - start);
            let mut toks = toks;
            match which {
                1 => {
                    toks.drain(start..start + len);
                }
                2 => {
                    let copy: Vec<_> = toks[start..start + len].to_vec();
                    let to = rng.below(toks.len() + 1);
                    for _ in 0..rng.range(1, 3) {
                        toks.splice(to..to, copy.iter().cloned());
                    }
                }
                _ => {
                    // Shuffle a window (Fisher–Yates).
                    let window = &mut toks[start..start + len];
                    for i in (1..window.len()).rev() {
                        window.swap(i, rng.below(i + 1));
                    }
                }
            }
            *input = toks.concat();
        }
        4 => {
            let other = seeds.pick(rng);
            let cut = rng.below(other.len() + 1);
            input.truncate(at);
            input.extend_from_slice(&other[cut..]);
        }
        5 => {
            let burst = nesting_burst(rng);
            input.splice(at..at, burst);
        }
        6 => {
            let len = rng.size(1 << 20);
            let mut ident = vec![b'a'; len];
            for b in ident.iter_mut().skip(1) {
                *b = *rng.pick(b"abcxyz_019");
            }
            let prefixes: [&[u8]; 5] = [b"", b"trait ", b"fn ", b"dyn ", b" "];
            let prefix = *rng.pick(&prefixes);
            input.splice(at..at, prefix.iter().copied().chain(ident));
        }
        7 => {
            let bads: [&[u8]; 8] = [
                b"\xff",
                b"\xc0\x80",
                b"\xe2\x82",
                b"\xed\xa0\x80",
                b"\xf4\x90\x80\x80",
                b"\xf0\x9f\x98",
                b"\xfe\xfe",
                b"\xef\xbb\xbf",
            ];
            let bad = *rng.pick(&bads);
            for _ in 0..rng.range(1, 4) {
                let at = rng.below(input.len() + 1);
                input.splice(at..at, bad.iter().copied());
            }
        }
        8 => {
            let mode = rng.below(3);
            let mut out = Vec::with_capacity(input.len() * 2);
            for &b in input.iter() {
                if b == b'\n' {
                    match (mode, rng.below(3)) {
                        (0, _) | (2, 0) => out.extend_from_slice(b"\r\n"),
                        (1, _) | (2, 1) => out.push(b'\r'),
                        _ => out.push(b'\n'),
                    }
                } else {
                    out.push(b);
                }
            }
            *input = out;
        }
        9 => {
            for _ in 0..rng.range(1, 8) {
                let at = rng.below(input.len() + 1);
                input.insert(at, 0);
            }
        }
        10 => {
            if rng.one_in(2) {
                input.retain(|&b| b != b'\n' && b != b'\r');
            } else {
                let len = rng.size(1 << 20);
                let line: Vec<u8> = (0..len).map(|i| b"let x = 1; "[i % 11]).collect();
                input.splice(at..at, line);
            }
        }
        11 => {
            let texts: [&str; 9] = [
                "é", "𝄞", "😀", "\u{200b}", "\u{feff}", "ß", "\u{2028}", "ﬁ", "a\u{301}",
            ];
            let text = *rng.pick(&texts);
            let n = rng.size(10_000);
            input.splice(at..at, text.repeat(n).into_bytes());
        }
        12 => {
            let n = rng.size(seeds.max_chain.max(1));
            let cycle = rng.one_in(3);
            let mut chain = String::new();
            for i in 0..n {
                let next = if i + 1 < n {
                    i + 1
                } else if cycle {
                    0
                } else {
                    n
                };
                chain.push_str(&format!(
                    "trait Chain{i}: Chain{next} {{ fn m{i}(&self) -> Self where Self: Sized; async fn a{i}(&self); }}\n"
                ));
            }
            if !cycle {
                chain.push_str(&format!("trait Chain{n} {{ fn last(&self); }}\n"));
            }
            chain.push_str("fn use_it(_: &dyn Chain0) {}\n");
            input.splice(at..at, chain.into_bytes());
        }
        _ => input.truncate(at),
    }
}

/// Deep nesting: `<`, `(`, `{`, `[`, `Box<`, `&`, `-`, `Self::`, `x.f().`, balanced or not,
/// in a type, an expression or an item position.
fn nesting_burst(rng: &mut Rng) -> Vec<u8> {
    let depth = *rng.pick(&[10usize, 100, 999, 1_000, 1_001, 5_000, 20_000, 200_000]);
    let (open, close): (&str, &str) = *rng.pick(&[
        ("<", ">"),
        ("(", ")"),
        ("{", "}"),
        ("[", "]"),
        ("Box<", ">"),
        ("&", ""),
        ("-", ""),
        ("!", ""),
        ("*", ""),
        ("Self::", ""),
        ("x.f().", ""),
        ("dyn Tr<", ">"),
        ("impl Fn(", ") -> u8"),
    ]);
    let balanced = !rng.one_in(3);
    let mut core = open.repeat(depth);
    core.push('T');
    if balanced {
        core.push_str(&close.repeat(depth));
    }
    let wrapped = match rng.below(4) {
        0 => core,
        1 => format!("\ntrait Deep {{ fn m(&self) -> {core}; }}\nfn _d(_: &dyn Deep) {{}}\n"),
        2 => format!("\nfn deep() {{ let _x = {core}; }}\n"),
        _ => format!("\ntype Deep = {core};\n"),
    };
    wrapped.into_bytes()
}

/// A trait name to expand: one declared in the input (`trait Name`), when there is one.
pub fn trait_name(input: &[u8], rng: &mut Rng) -> Option<String> {
    let text = String::from_utf8_lossy(input);
    let names: Vec<&str> = text
        .match_indices("trait ")
        .filter_map(|(i, _)| {
            let rest = &text[i + 6..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0 && end <= 4096).then(|| &rest[..end])
        })
        .collect();
    if names.is_empty() {
        None
    } else {
        Some(rng.pick(&names).to_string())
    }
}
