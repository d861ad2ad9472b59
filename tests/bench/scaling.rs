//! `scaling`: time and peak memory of `check`, `expand` and hover as inputs grow (issue 11):
//! supertrait chains of 33 (the head at `expand`'s limit of 32 supertraits), 100, 1,000 and
//! 10,000 traits (clean, and inheriting a violation from the first trait, or a violation in
//! every trait), ladders of diamonds of 1,000 and 10,000 traits, nesting depths of 1,000 and
//! 100,000, and files of 1, 5 and 20 MB. Not a test: it prints a markdown table (docs/benchmarks.md).
//!
//! ```text
//! cargo build --release -p dynlens
//! DYNLENS_BIN=target/release/dynlens cargo run --release -p dynlens-tests --bin scaling
//! ```
//!
//! `check` and `expand` run the release CLI under `/usr/bin/time` (wall time and maximum
//! resident set); hover runs the server over stdio (time from `didOpen` to the hover's
//! answer, and the server's `VmHWM`).

#[path = "../lsp/client.rs"]
#[allow(dead_code)] // shared with the protocol tests
mod client;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use client::{Client, Options};

/// Which traits of a chain have a violation of their own.
#[derive(Clone, Copy, PartialEq)]
enum Violations {
    None,
    /// The first: every trait above inherits it.
    First,
    /// Every trait (`fn g{i}<T>(&self)`): each inherits all below.
    Every,
}

/// `trait T{i}: T{i-1}` with a method each, generic where `violations` says.
fn chain(n: usize, violations: Violations) -> String {
    let mut s = String::new();
    for i in 0..n {
        let generic = match violations {
            Violations::None => false,
            Violations::First => i == 0,
            Violations::Every => true,
        };
        let method = if generic {
            format!("fn g{i}<T>(&self);")
        } else {
            format!("fn f{i}(&self);")
        };
        let sup = if i == 0 {
            String::new()
        } else {
            format!(": T{}", i - 1)
        };
        s.push_str(&format!("pub trait T{i}{sup} {{ {method} }}\n"));
    }
    s
}

/// A ladder of diamonds of about `n` traits, a violation in every trait: `D{r}: A{r} + B{r}`,
/// `A{r}: D{r-1}`, `B{r}: D{r-1}` (every rung doubles the paths to the traits below; each
/// `D` merges the reports of two supertraits).
fn ladder(n: usize) -> String {
    let rungs = n / 3;
    let mut s = String::from("pub trait D0 { fn g0<T>(&self); }\n");
    for r in 1..=rungs {
        for (name, sup) in [
            (format!("A{r}"), format!("D{}", r - 1)),
            (format!("B{r}"), format!("D{}", r - 1)),
            (format!("D{r}"), format!("A{r} + B{r}")),
        ] {
            s.push_str(&format!("pub trait {name}: {sup} {{ fn g<T>(&self); }}\n"));
        }
    }
    s
}

fn nested(depth: usize) -> String {
    format!(
        "pub trait Deep {{ fn f(&self) -> {}u8{}; }}\n",
        "Box<".repeat(depth),
        ">".repeat(depth)
    )
}

fn sized(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 200);
    let mut i = 0;
    while s.len() < bytes {
        if i % 10 == 0 {
            s.push_str(&format!(
                "pub trait T{i} {{ fn m{i}(&self) -> u32; }}\npub fn u{i}(_: &dyn T{i}) {{}}\n"
            ));
        } else {
            s.push_str(&format!("static D{i}: [u32; 4] = [{i}, {i}, {i}, {i}];\n"));
        }
        i += 1;
    }
    s
}

/// (seconds, peak RSS in MB) of the CLI on `args`.
fn cli(bin: &Path, args: &[&str]) -> (f64, f64) {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %M"])
        .arg(bin)
        .args(args)
        .output()
        .expect("/usr/bin/time");
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap_or("");
    let mut parts = last.split_whitespace();
    let secs = parts
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(f64::NAN);
    let kb: f64 = parts
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(f64::NAN);
    (secs, kb / 1024.0)
}

/// (seconds from didOpen to the hover's answer, the server's peak RSS in MB). The server is
/// the binary `DYNLENS_BIN` names (the protocol client's rule).
fn hover(text: &str, line: u32, character: u32) -> (f64, f64) {
    let mut client = Client::start(Options::default());
    let uri = "file:///virtual/scaling.rs";
    let started = Instant::now();
    client.open(uri, text);
    let _ = client.hover(uri, line, character);
    let secs = started.elapsed().as_secs_f64();
    let rss = std::fs::read_to_string(format!("/proc/{}/status", client.pid()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0);
    let _ = client.shutdown_and_exit();
    (secs, rss)
}

fn main() {
    let Some(bin) = std::env::var_os("DYNLENS_BIN").map(PathBuf::from) else {
        eprintln!(
            "scaling: set DYNLENS_BIN to the release binary (cargo build --release -p dynlens; DYNLENS_BIN=target/release/dynlens)"
        );
        std::process::exit(2);
    };
    assert!(bin.is_file(), "{} is not a file", bin.display());
    let dir = std::env::temp_dir().join(format!("dynlens-scaling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    println!("| input | `check` | `expand` | hover (open → answer) |");
    println!("|---|---|---|---|");
    let chains = [Violations::None, Violations::First, Violations::Every]
        .into_iter()
        .flat_map(|v| [33usize, 100, 1_000, 10_000].map(move |n| (n, v)));
    let cases: Vec<(String, String, String, (u32, u32))> = chains
        .map(|(n, violations)| {
            (
                format!(
                    "supertrait chain of {n}{}",
                    match violations {
                        Violations::None => "",
                        Violations::First => ", inheriting a violation",
                        Violations::Every => ", a violation in every trait",
                    }
                ),
                chain(n, violations),
                format!("T{}", n - 1),
                (n as u32 - 1, 11),
            )
        })
        .chain([1_000usize, 10_000].iter().map(|&n| {
            let rungs = n / 3;
            (
                format!(
                    "ladder of diamonds of {}, a violation in every trait",
                    3 * rungs + 1
                ),
                ladder(n),
                format!("D{rungs}"),
                (3 * rungs as u32, 11),
            )
        }))
        .chain([1_000usize, 100_000].iter().map(|&d| {
            (
                format!("nesting depth {d}"),
                nested(d),
                "Deep".to_string(),
                (0, 11),
            )
        }))
        .chain([1usize, 5, 20].iter().map(|&mb| {
            (
                format!("{mb} MB file"),
                sized(mb << 20),
                "T0".to_string(),
                (0, 11),
            )
        }))
        .collect();
    for (name, text, trait_name, (line, col)) in cases {
        let file = dir.join("input.rs");
        std::fs::write(&file, &text).expect("write");
        let f = file.to_str().expect("utf-8 path");
        let (cs, cm) = cli(&bin, &["check", f]);
        let (es, em) = cli(&bin, &["expand", f, &trait_name]);
        let (hs, hm) = hover(&text, line, col);
        println!(
            "| {name} | {cs:.2} s, {cm:.0} MB | {es:.2} s, {em:.0} MB | {hs:.2} s, {hm:.0} MB |"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
