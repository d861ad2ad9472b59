//! The rustc oracle for dyn-compatibility verdicts.
//!
//! `corpus/*.rs` holds a few hundred traits covering the rules of dyn compatibility; each
//! carries a `// probe: dyn Trait<…>` comment. rustc decides, per probe, whether
//! `fn _oracle_probe(_: &PROBE) {}` compiles next to the trait (dyn compatible) or fails
//! with E0038 (not dyn compatible). `dynlens check --json corpus/` must agree, trait by
//! trait, and must give a violation exactly when the trait is not dyn compatible.
//!
//! `ORACLE_VERBOSE=1` prints rustc's verdict and reasons for every trait, and rustc's full
//! error text for each disagreement.
//! `DYNLENS_BIN=path` tests a prebuilt binary instead of building `dynlens`.
//!
//! Run: `cargo test -p dynlens-tests --test oracle`.

mod dynlens;
mod probes;
mod rustc;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use probes::{Probe, file_name};
use rustc::{Judged, RustcVerdict};

/// Fewer traits than this and the corpus no longer covers the rules.
const MIN_TRAITS: usize = 100;
/// Each verdict must occur at least this often, so that no constant answer can pass.
const MIN_PER_VERDICT: usize = 40;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("oracle")
        .join("corpus")
}

fn verbose() -> bool {
    std::env::var_os("ORACLE_VERBOSE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The corpus judged by rustc, computed once per test process.
fn rustc_verdicts() -> &'static Result<Vec<Judged>, String> {
    static VERDICTS: OnceLock<Result<Vec<Judged>, String>> = OnceLock::new();
    VERDICTS.get_or_init(|| {
        let started = Instant::now();
        let files = probes::corpus_files(&corpus_dir())?;
        let mut all_probes: Vec<Probe> = Vec::new();
        let mut corpus_errors = Vec::new();
        for (path, text) in &files {
            match probes::parse_file(path, text) {
                Ok(found) => all_probes.extend(found),
                Err(errors) => corpus_errors.extend(errors.iter().map(ToString::to_string)),
            }
        }
        if !corpus_errors.is_empty() {
            return Err(format!(
                "the corpus is malformed:\n{}",
                corpus_errors.join("\n")
            ));
        }
        let judged = rustc::judge(&files, &all_probes)?;
        eprintln!(
            "oracle: {} ({} files, {} traits) judged by {} in {:.1?}",
            corpus_dir().display(),
            files.len(),
            judged.len(),
            rustc::rustc_version(),
            started.elapsed()
        );
        if verbose() {
            eprintln!("{}", rustc::verbose_table(&judged));
        }
        Ok(judged)
    })
}

/// rustc's verdicts, failing the test when the corpus itself is wrong.
fn clean_rustc_verdicts() -> &'static [Judged] {
    let judged = match rustc_verdicts() {
        Ok(judged) => judged,
        Err(message) => panic!("{message}"),
    };
    let broken: Vec<&Judged> = judged
        .iter()
        .filter(|j| j.verdict.dyn_compatible().is_none())
        .collect();
    if !broken.is_empty() {
        let mut message = format!(
            "{} probe(s) fail with an error other than E0038: the corpus or its probe is wrong\n",
            broken.len()
        );
        for j in broken {
            if let RustcVerdict::CorpusError { output } = &j.verdict {
                let _ = writeln!(
                    message,
                    "--- {} (line {}), probe `{}`:\n{output}",
                    j.probe.label(),
                    j.probe.trait_line,
                    j.probe.dyn_type
                );
            }
        }
        panic!("{message}");
    }
    judged
}

#[test]
fn rustc_judges_every_probe_cleanly() {
    let judged = clean_rustc_verdicts();
    let compatible = judged
        .iter()
        .filter(|j| j.verdict.dyn_compatible() == Some(true))
        .count();
    let incompatible = judged.len() - compatible;
    eprintln!("oracle: rustc says {compatible} dyn compatible, {incompatible} not dyn compatible");
    assert!(
        judged.len() >= MIN_TRAITS,
        "the corpus has only {} traits (want ≥ {MIN_TRAITS})",
        judged.len()
    );
    assert!(
        compatible >= MIN_PER_VERDICT,
        "only {compatible} dyn-compatible traits (want ≥ {MIN_PER_VERDICT})"
    );
    assert!(
        incompatible >= MIN_PER_VERDICT,
        "only {incompatible} traits that are not dyn compatible (want ≥ {MIN_PER_VERDICT})"
    );
    for j in judged {
        if let RustcVerdict::Incompatible { .. } = &j.verdict {
            assert!(
                !j.verdict.reasons().is_empty(),
                "{}: E0038 without a reason (`because …`) in rustc's text",
                j.probe.label()
            );
        }
    }
}

/// One way dynlens and rustc disagree about a trait.
struct Disagreement<'a> {
    judged: &'a Judged,
    problem: String,
    report: Option<&'a dynlens::Report>,
}

#[test]
fn dynlens_agrees_with_rustc() {
    let judged = clean_rustc_verdicts();
    let binary = dynlens::dynlens_binary().unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let reports = dynlens::check(&binary, &corpus_dir()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "oracle: `dynlens check --json` answered {} reports in {:.1?}",
        reports.len(),
        started.elapsed()
    );
    let (index, duplicates) = dynlens::index_reports(reports);

    let mut disagreements = Vec::new();
    for j in judged {
        let key = (file_name(&j.probe.file), j.probe.trait_name.clone());
        let rustc_says = j.verdict.dyn_compatible() == Some(true);
        let Some(report) = index.get(&key) else {
            disagreements.push(Disagreement {
                judged: j,
                problem: "missing from dynlens' report".into(),
                report: None,
            });
            continue;
        };
        let problem = if report.dyn_compatible != rustc_says {
            Some(format!(
                "rustc: {}, dynlens: {}",
                verdict_word(rustc_says),
                verdict_word(report.dyn_compatible)
            ))
        } else if !rustc_says && report.violations.is_empty() {
            Some("not dyn compatible, but dynlens names no violation".into())
        } else if rustc_says && !report.violations.is_empty() {
            Some("dyn compatible, but dynlens reports violations".into())
        } else {
            None
        };
        if let Some(problem) = problem {
            disagreements.push(Disagreement {
                judged: j,
                problem,
                report: Some(report),
            });
        }
    }

    let mut message = String::new();
    for d in &disagreements {
        let probe = &d.judged.probe;
        let _ = writeln!(
            message,
            "✗ {} (line {}) — {}",
            probe.label(),
            probe.trait_line,
            d.problem
        );
        let _ = writeln!(message, "    probe: {}", probe.dyn_type);
        for reason in d.judged.verdict.reasons() {
            let _ = writeln!(message, "    rustc: {reason}");
        }
        if let (true, RustcVerdict::Incompatible { rendered }) = (verbose(), &d.judged.verdict) {
            for line in rendered.lines() {
                let _ = writeln!(message, "    | {line}");
            }
        }
        if let Some(report) = d.report {
            for v in &report.violations {
                let line = v.line.map_or_else(|| "?".to_string(), |l| l.to_string());
                let _ = writeln!(
                    message,
                    "    dynlens: [{}] `{}` line {line}: {}",
                    v.kind, v.item, v.message
                );
            }
        }
    }
    for report in &duplicates {
        let _ = writeln!(
            message,
            "✗ dynlens reports {}::{} more than once",
            file_name(Path::new(&report.file)),
            report.trait_name
        );
    }
    eprintln!(
        "oracle: dynlens agrees with rustc on {} of {} traits",
        judged.len() - disagreements.len(),
        judged.len()
    );
    if !message.is_empty() {
        panic!(
            "dynlens disagrees with rustc on {} of {} traits ({} duplicate reports):\n{message}",
            disagreements.len(),
            judged.len(),
            duplicates.len()
        );
    }
}

fn verdict_word(dyn_compatible: bool) -> &'static str {
    if dyn_compatible {
        "dyn compatible"
    } else {
        "NOT dyn compatible"
    }
}
