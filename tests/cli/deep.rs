//! Deeply nested input (issue 11): the process stays alive, answers within a generous bound,
//! and says the file is too deeply nested to analyse. Inputs are generated here.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::dynlens;

/// A hang, not a benchmark: tens of seconds on a slow machine in the dev profile.
const BOUND: Duration = Duration::from_secs(60);

/// The deeply nested inputs of issue 11, by name.
pub fn deep_inputs() -> Vec<(&'static str, String)> {
    let rep = |s: &str, n: usize| s.repeat(n);
    vec![
        ("lt", format!("type T = {};\n", rep("<", 20_000))),
        (
            "box",
            format!(
                "trait Deep {{ fn f(&self) -> {}u8{}; }}\n",
                rep("Box<", 20_000),
                rep(">", 20_000)
            ),
        ),
        (
            "neg",
            format!("fn f() {{ let x = {}1; }}\n", rep("-", 200_000)),
        ),
        (
            "paren",
            format!("fn f() {{ let x = {}1; }}\n", rep("(", 200_000)),
        ),
        (
            "amp",
            format!("fn f() {{ let x = {}1; }}\n", rep("&", 200_000)),
        ),
        ("brace", format!("fn f() {}\n", rep("{", 20_000))),
        // A path of 200,000 segments (`Self::A::A…`): paths nest in the tree; it took
        // quadratic time (minutes).
        (
            "self_path",
            format!(
                "trait X {{ fn f(&self) -> Self{}; }}\nfn g(_: &dyn X) {{}}\n",
                rep("::A", 200_000)
            ),
        ),
        (
            "value_path",
            format!("fn f() {{ let x = a{}; }}\n", rep("::b", 200_000)),
        ),
        // Found by the fuzzer: minutes in the parser's node cache before paths counted.
        ("path", format!("type T = {}X;\n", rep("Self::", 200_000))),
    ]
}

pub fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynlens-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `command`, killing it after [`BOUND`].
pub fn run_bounded(mut command: Command, what: &str) -> Output {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dynlens");
    // Drain the pipes on threads so a large output cannot block the child.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).ok();
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).ok();
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("{what}: no answer within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

#[test]
fn check_survives_every_deeply_nested_input_and_says_so() {
    let dir = dir("deep");
    for (name, text) in deep_inputs() {
        let file = dir.join(format!("{name}.rs"));
        std::fs::write(&file, text).unwrap();
        let mut command = dynlens();
        command.arg("check").arg(&file);
        let out = run_bounded(command, name);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("too deeply nested to analyse"),
            "{name}: {stdout}"
        );
        assert!(!stdout.contains("dyn*: yes"), "{name}: {stdout}");
    }
}

#[test]
fn a_deep_method_chain_is_analysed_and_freed() {
    // Not nested for the parser (a loop), but a tree 200,000 levels deep.
    let dir = dir("chain");
    let file = dir.join("chain.rs");
    std::fs::write(
        &file,
        format!(
            "trait Shape {{ fn area(&self) -> f64; }}\nfn f() {{ x{}; }}\n",
            ".f()".repeat(200_000)
        ),
    )
    .unwrap();
    let mut command = dynlens();
    command.arg("check").arg(&file);
    let out = run_bounded(command, "chain");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("trait `Shape`: dyn compatible"), "{stdout}");
}

#[test]
fn expand_refuses_what_syn_cannot_take_and_takes_what_it_can() {
    let dir = dir("expand-deep");
    for (depth, ok) in [(5_000, false), (20_000, false), (300, true)] {
        let file = dir.join(format!("box{depth}.rs"));
        std::fs::write(
            &file,
            format!(
                "pub trait Deep {{ fn f(&self) -> {}u8{}; }}\n",
                "Box<".repeat(depth),
                ">".repeat(depth)
            ),
        )
        .unwrap();
        let mut command = dynlens();
        command.arg("expand").arg(&file).arg("Deep");
        let out = run_bounded(command, "expand");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if ok {
            assert!(out.status.success(), "{depth}: {stderr}");
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("struct DeepVtable"),
                "{depth}"
            );
        } else {
            assert_eq!(out.status.code(), Some(2), "{depth}: {stderr}");
            assert!(stderr.contains("too deeply nested"), "{depth}: {stderr}");
        }
    }
}
