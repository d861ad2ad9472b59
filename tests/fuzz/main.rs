//! `fuzz`: hostile and mutated inputs through the `dynlens` CLI and server (issue 11).
//!
//! ```text
//! cargo build --release -p dynlens
//! cargo run --release -p dynlens-tests --bin fuzz -- --dynlens target/release/dynlens --minutes 60
//!     [--seed S] [--inputs N] [--steps N] [--timeout SECONDS] [--out DIR] [--registry-files N]
//!     [--max-chain N]
//! ```
//!
//! - File mutations: a seed file (the oracle corpus, the examples, `.rs` files of the Cargo
//!   registry) with 1–4 mutations (`mutate.rs`), run through `dynlens check --json` and
//!   `dynlens expand FILE TRAIT` on a trait the input declares.
//! - Protocol steps: servers driven by random message sequences (`protocol.rs`); after each
//!   batch the server must be alive, answer every request and a hover, and hold the client's
//!   text of every open document (`dynlens/documentText`, `DYNLENS_TEST_HOOKS=1`).
//!
//! A crash is a signal, a panic, an unexpected exit code or non-JSON output of `--json`; a
//! hang is a run or a response slower than `--timeout` (20 s). Each failure is written under
//! `--out` (default `target/fuzz-failures`) with the input or the session's transcript and
//! the seed. Exit code 1 when anything failed.
//!
//! `--inputs` and `--steps` bound a run (defaults 200 and 300); `--minutes` runs both kinds
//! alternately until the time is up instead.

mod cli;
#[path = "../lsp/client.rs"]
#[allow(dead_code)]
mod client;
mod mutate;
mod protocol;
mod rng;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use protocol::{Failure, Session};
use rng::Rng;

const FILES: u64 = 1;
const SESSIONS: u64 = 2;

struct Config {
    seed: u64,
    inputs: usize,
    steps: usize,
    minutes: Option<f64>,
    timeout: Duration,
    bin: PathBuf,
    out: PathBuf,
    registry_files: usize,
    max_chain: usize,
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    runs: usize,
    steps: usize,
    sessions: usize,
    crashes: usize,
    hangs: usize,
    divergences: usize,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn parse_args() -> Config {
    let ws = workspace();
    let mut config = Config {
        seed: 11,
        inputs: 200,
        steps: 300,
        minutes: None,
        timeout: Duration::from_secs(20),
        bin: std::env::var_os("DYNLENS_BIN")
            .map(PathBuf::from)
            .unwrap_or_default(),
        out: ws.join("target/fuzz-failures"),
        registry_files: 400,
        max_chain: 3_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--seed" => config.seed = value().parse().unwrap_or_else(|_| usage("--seed N")),
            "--inputs" => config.inputs = value().parse().unwrap_or_else(|_| usage("--inputs N")),
            "--steps" => config.steps = value().parse().unwrap_or_else(|_| usage("--steps N")),
            "--minutes" => {
                config.minutes = Some(value().parse().unwrap_or_else(|_| usage("--minutes N")))
            }
            "--timeout" => {
                config.timeout = Duration::from_secs(
                    value()
                        .parse()
                        .unwrap_or_else(|_| usage("--timeout SECONDS")),
                )
            }
            "--dynlens" => config.bin = PathBuf::from(value()),
            "--out" => config.out = PathBuf::from(value()),
            "--registry-files" => {
                config.registry_files = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--registry-files N"))
            }
            "--max-chain" => {
                config.max_chain = value().parse().unwrap_or_else(|_| usage("--max-chain N"))
            }
            _ => usage(&format!("unknown argument {arg}")),
        }
    }
    if config.bin.as_os_str().is_empty() {
        config.bin = client::dynlens_binary();
    }
    config
}

fn usage(message: &str) -> ! {
    eprintln!(
        "fuzz: {message}\nusage: fuzz [--minutes M | --inputs N --steps N] [--seed S] [--timeout SECONDS] \
         [--dynlens PATH] [--out DIR] [--registry-files N] [--max-chain N]"
    );
    std::process::exit(2)
}

fn main() {
    let config = parse_args();
    let mut seeds = mutate::Seeds::load(&workspace(), config.registry_files);
    seeds.max_chain = config.max_chain;
    eprintln!(
        "fuzz: seed {}, {} seed files, dynlens {}, timeout {:?}",
        config.seed,
        seeds.files.len(),
        config.bin.display(),
        config.timeout
    );
    // Under target/, not the system's temp directory: a cleaner of `/tmp/dynlens-*` (as
    // other tests' leftovers are) ended a long run.
    let scratch = workspace().join(format!("target/fuzz-scratch-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("creating the scratch directory");
    // A binary that cannot run would make every input a "crash": refuse to start instead.
    let probe = scratch.join("probe.rs");
    std::fs::write(&probe, "trait Probe { fn f(&self); }\n").expect("writing the probe");
    if let cli::Outcome::Crash(_) | cli::Outcome::Hang = cli::run(
        &config.bin,
        &[OsStr::new("check"), OsStr::new("--json"), probe.as_os_str()],
        true,
        config.timeout,
    ) {
        eprintln!(
            "fuzz: {} does not check a one-line file; nothing fuzzed",
            config.bin.display()
        );
        std::process::exit(2);
    }
    let started = Instant::now();
    let mut tally = Tally::default();
    let (mut file_index, mut session_index) = (0u64, 0u64);
    match config.minutes {
        Some(minutes) => {
            let end = started + Duration::from_secs_f64(minutes * 60.0);
            while Instant::now() < end {
                // About 2 file inputs per 3 protocol steps, as in the bounded run.
                for _ in 0..20 {
                    file_input(&config, &seeds, &scratch, file_index, &mut tally);
                    file_index += 1;
                }
                let before = tally.steps;
                while tally.steps < before + 30 {
                    session(&config, &seeds, session_index, &mut tally, 30);
                    session_index += 1;
                }
                eprintln!(
                    "fuzz: {:.0?}: {} inputs, {} steps, {} crashes, {} hangs, {} divergences",
                    started.elapsed(),
                    tally.inputs,
                    tally.steps,
                    tally.crashes,
                    tally.hangs,
                    tally.divergences
                );
            }
        }
        None => {
            while (file_index as usize) < config.inputs {
                file_input(&config, &seeds, &scratch, file_index, &mut tally);
                file_index += 1;
            }
            while tally.steps < config.steps {
                let left = config.steps - tally.steps;
                session(&config, &seeds, session_index, &mut tally, left);
                session_index += 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!(
        "fuzz: seed {}: {} file inputs ({} dynlens runs), {} protocol steps in {} sessions; \
         {} crashes, {} hangs, {} divergences; {:.1} s",
        config.seed,
        tally.inputs,
        tally.runs,
        tally.steps,
        tally.sessions,
        tally.crashes,
        tally.hangs,
        tally.divergences,
        started.elapsed().as_secs_f64()
    );
    if tally.crashes + tally.hangs + tally.divergences > 0 {
        println!("fuzz: reproducers under {}", config.out.display());
        std::process::exit(1);
    }
}

/// One mutated file through `check --json` and `expand`.
fn file_input(
    config: &Config,
    seeds: &mutate::Seeds,
    scratch: &Path,
    index: u64,
    tally: &mut Tally,
) {
    let mut rng = Rng::for_item(config.seed, FILES, index);
    let (input, mutations) = mutate::generate(seeds, &mut rng);
    let path = scratch.join("input.rs");
    let _ = std::fs::create_dir_all(scratch);
    std::fs::write(&path, &input).expect("writing the input");
    tally.inputs += 1;
    let mut runs: Vec<(Vec<&OsStr>, bool)> = vec![(
        vec![OsStr::new("check"), OsStr::new("--json"), path.as_os_str()],
        true,
    )];
    let name = mutate::trait_name(&input, &mut rng);
    if let Some(name) = &name {
        let mut args = vec![
            OsStr::new("expand"),
            path.as_os_str(),
            OsStr::new(name.as_str()),
        ];
        if rng.one_in(4) {
            args.push(OsStr::new("--forwarding"));
        }
        runs.push((args, false));
    }
    for (args, json) in runs {
        tally.runs += 1;
        let outcome = cli::run(&config.bin, &args, json, config.timeout);
        let (kind, detail) = match outcome {
            cli::Outcome::Ok => continue,
            cli::Outcome::Crash(detail) => {
                tally.crashes += 1;
                ("crash", detail)
            }
            cli::Outcome::Hang => {
                tally.hangs += 1;
                ("hang", format!("no exit within {:?}", config.timeout))
            }
        };
        let command: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == path.as_os_str() {
                    "input.rs".to_owned()
                } else {
                    a.to_string_lossy().into_owned()
                }
            })
            .collect();
        let dir = config
            .out
            .join(format!("seed{}-file{index}-{kind}", config.seed));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("input.rs"), &input);
        let note = format!(
            "{kind}: dynlens {}\nseed {} file input #{index}; mutations {mutations:?}\n{detail}\n",
            command.join(" "),
            config.seed
        );
        let _ = std::fs::write(dir.join("README.txt"), &note);
        report(tally, &dir, &note);
    }
}

/// Prints a failure (the first 20 of a run; the rest are only written and counted).
fn report(tally: &Tally, dir: &Path, note: &str) {
    if tally.crashes + tally.hangs + tally.divergences <= 20 {
        println!("fuzz: reproducer in {}:\n{note}", dir.display());
    }
}

/// One server session of at most `budget` steps, in batches, ending with shutdown + exit.
fn session(config: &Config, seeds: &mutate::Seeds, index: u64, tally: &mut Tally, budget: usize) {
    let mut rng = Rng::for_item(config.seed, SESSIONS, index);
    let batches = rng.range(1, 6);
    let started_at = tally.steps;
    tally.sessions += 1;
    let mut session = None;
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<(), Failure> {
            let s = session.insert(Session::start(
                &config.bin,
                seeds,
                Rng::new(rng.next_u64()),
                config.timeout,
            )?);
            for _ in 0..batches {
                for _ in 0..rng.range(1, 12) {
                    if s.steps >= budget {
                        break;
                    }
                    s.step();
                }
                s.check()?;
            }
            s.shutdown()
        }));
    let steps = session.as_ref().map_or(0, |s| s.steps);
    tally.steps = started_at + steps.max(1);
    let failure = match result {
        Ok(Ok(())) => return,
        Ok(Err(failure)) => failure,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Failure::Crash(format!("the client failed (server gone?): {message}"))
        }
    };
    let (kind, detail) = match failure {
        Failure::Crash(d) => {
            tally.crashes += 1;
            ("crash", d)
        }
        Failure::Hang(d) => {
            tally.hangs += 1;
            ("hang", d)
        }
        Failure::Divergence(d) => {
            tally.divergences += 1;
            ("divergence", d)
        }
    };
    let dir = config
        .out
        .join(format!("seed{}-session{index}-{kind}", config.seed));
    let _ = std::fs::create_dir_all(&dir);
    if let Some(s) = &session {
        let _ = std::fs::write(dir.join("transcript.jsonl"), s.transcript.join("\n"));
        let _ = std::fs::write(dir.join("stderr.txt"), s.stderr());
    }
    let note = format!(
        "{kind}: seed {} protocol session #{index} (after {steps} steps)\n{detail}\n\
         transcript.jsonl: every message sent, one per line (RAW: a malformed frame's body)\n",
        config.seed
    );
    let _ = std::fs::write(dir.join("README.txt"), &note);
    report(tally, &dir, &note);
}
