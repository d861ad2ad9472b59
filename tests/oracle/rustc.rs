//! Asking the installed rustc: each probe is compiled on its own, as its corpus file plus
//! `fn _oracle_probe(_: &PROBE) {}`, with `--error-format=json`.
//!
//! Compiles → dyn compatible. Fails with E0038 only → not dyn compatible. Anything else
//! means the corpus (or its probe) is wrong.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::probes::{Probe, file_name};

/// What rustc says about one probe.
#[derive(Debug, Clone)]
pub enum RustcVerdict {
    /// The probe compiled.
    Compatible,
    /// The probe failed with E0038 and nothing else; the rendered errors.
    Incompatible { rendered: String },
    /// Any other failure: the corpus or the probe is wrong; rustc's output.
    CorpusError { output: String },
}

impl RustcVerdict {
    /// `Some(dyn_compatible)` for a clean verdict.
    pub fn dyn_compatible(&self) -> Option<bool> {
        match self {
            RustcVerdict::Compatible => Some(true),
            RustcVerdict::Incompatible { .. } => Some(false),
            RustcVerdict::CorpusError { .. } => None,
        }
    }

    /// The "...because …" notes of rustc's E0038 errors: why the trait is not dyn compatible.
    pub fn reasons(&self) -> Vec<String> {
        match self {
            RustcVerdict::Incompatible { rendered } => {
                let mut reasons: Vec<String> = rendered
                    .lines()
                    .filter_map(|line| {
                        // "...because …" at a span in the corpus; "the trait is not dyn
                        // compatible because …" at a span in another crate (std).
                        let at = line.find("...because").map(|at| at + 3).or_else(|| {
                            line.find("not dyn compatible because ")
                                .map(|at| at + "not dyn compatible ".len())
                        })?;
                        Some(line[at..].trim().to_string())
                    })
                    .collect();
                reasons.dedup();
                reasons
            }
            _ => Vec::new(),
        }
    }
}

/// A probe with rustc's verdict.
#[derive(Debug, Clone)]
pub struct Judged {
    pub probe: Probe,
    pub verdict: RustcVerdict,
    /// Warnings rustc printed for this probe's compilation (shown in verbose mode).
    pub warnings: Vec<String>,
}

/// The rustc the oracle runs: `$RUSTC` if set, else `rustc` from `PATH` — resolved once
/// to the toolchain's own binary, to skip the rustup proxy on each of the many runs.
pub fn rustc_program() -> OsString {
    static PROGRAM: OnceLock<OsString> = OnceLock::new();
    PROGRAM
        .get_or_init(|| {
            let requested = std::env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
            let sysroot = Command::new(&requested)
                .args(["--print", "sysroot"])
                .output()
                .ok()
                .filter(|out| out.status.success())
                .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
            let direct = sysroot.map(|root| {
                root.join("bin")
                    .join(format!("rustc{}", std::env::consts::EXE_SUFFIX))
            });
            match direct {
                Some(path) if path.is_file() => path.into_os_string(),
                _ => requested,
            }
        })
        .clone()
}

/// `rustc --version`, for the report.
pub fn rustc_version() -> String {
    Command::new(rustc_program())
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc (version unknown)".to_string())
}

/// One error rustc reported.
#[derive(Debug, Clone)]
struct RustcError {
    /// `E0038`, …; `None` for errors without a code.
    code: Option<String>,
    /// 1-based line of the primary span in the compiled file, if it has one there.
    line: Option<usize>,
    rendered: String,
}

/// Outcome of one rustc run.
struct Compilation {
    success: bool,
    errors: Vec<RustcError>,
    /// Warnings, in the same shape as errors.
    warnings: Vec<RustcError>,
    /// stderr lines that were not JSON diagnostics (e.g. a crash).
    other_output: String,
}

impl Compilation {
    fn clean(&self) -> bool {
        self.success && self.errors.is_empty() && self.other_output.trim().is_empty()
    }

    fn error_text(&self) -> String {
        let rendered: String = self.errors.iter().map(|e| e.rendered.as_str()).collect();
        format!("{rendered}{}", self.other_output)
    }
}

fn compile(source_path: &Path, out_path: &Path) -> Result<Compilation, String> {
    let output = Command::new(rustc_program())
        .args([
            "--crate-type",
            "lib",
            "--edition",
            "2024",
            "--emit=metadata",
            "--error-format=json",
        ])
        .arg("-o")
        .arg(out_path)
        .arg(source_path)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let source_name = file_name(source_path);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut other_output = String::new();
    for line in stderr.lines() {
        let Ok(diagnostic) = serde_json::from_str::<Value>(line) else {
            other_output.push_str(line);
            other_output.push('\n');
            continue;
        };
        let level = diagnostic["level"].as_str().unwrap_or("");
        let message = diagnostic["message"].as_str().unwrap_or("");
        let rendered = diagnostic["rendered"]
            .as_str()
            .unwrap_or(message)
            .to_string();
        let code = diagnostic["code"]["code"].as_str().map(str::to_string);
        if code.is_none() && message.starts_with("aborting due to") {
            continue;
        }
        if level.starts_with("error") || level == "warning" {
            let line = diagnostic["spans"].as_array().and_then(|spans| {
                spans
                    .iter()
                    .filter(|span| span["is_primary"] == true)
                    .filter(|span| {
                        span["file_name"]
                            .as_str()
                            .is_some_and(|f| file_name(Path::new(f)) == source_name)
                    })
                    .find_map(|span| span["line_start"].as_u64())
                    .and_then(|line| usize::try_from(line).ok())
            });
            let diagnostic = RustcError {
                code,
                line,
                rendered,
            };
            if level == "warning" {
                warnings.push(diagnostic)
            } else {
                errors.push(diagnostic)
            }
        }
    }
    Ok(Compilation {
        success: output.status.success(),
        errors,
        warnings,
        other_output,
    })
}

fn is_e0038(error: &RustcError) -> bool {
    error.code.as_deref() == Some("E0038")
}

/// The verdict of a compilation that holds exactly one probe.
fn classify(compilation: &Compilation) -> RustcVerdict {
    if compilation.clean() {
        return RustcVerdict::Compatible;
    }
    let only_e0038 = !compilation.errors.is_empty() && compilation.errors.iter().all(is_e0038);
    if only_e0038 && !compilation.success && compilation.other_output.trim().is_empty() {
        let rendered = compilation
            .errors
            .iter()
            .map(|e| e.rendered.as_str())
            .collect();
        RustcVerdict::Incompatible { rendered }
    } else {
        RustcVerdict::CorpusError {
            output: compilation.error_text(),
        }
    }
}

/// A scratch directory removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Result<Self, String> {
        // Unique per process and per call: judges may run concurrently (unit tests).
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let serial = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("dynlens-oracle-{}-{serial}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(ScratchDir(dir))
    }

    /// Writes `source` as `<scratch>/<job>/<name of corpus_file>` — named after the corpus
    /// file so that rustc's messages name it too — and compiles it.
    fn compile(&self, job: &str, corpus_file: &Path, source: &str) -> Result<Compilation, String> {
        let dir = self.0.join(job);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let source_path = dir.join(file_name(corpus_file));
        std::fs::write(&source_path, source)
            .map_err(|e| format!("cannot write {}: {e}", source_path.display()))?;
        compile(&source_path, &dir.join("out.rmeta"))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `work` on every item on a few threads; results in item order.
fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new((0..items.len()).map(|_| None).collect::<Vec<Option<R>>>());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8)
        .min(items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let result = work(index, item);
                    results.lock().unwrap_or_else(|p| p.into_inner())[index] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|result| result.expect("every item is processed once the scope ends"))
        .collect()
}

/// The source compiled for one probe alone: its corpus file plus one function naming the
/// probe type.
pub fn probe_source(text: &str, probe: &Probe) -> String {
    format!(
        "{text}\n// oracle probe for `{}`\nfn _oracle_probe(_: &{}) {{}}\n",
        probe.trait_name,
        referent(probe)
    )
}

/// The probe type as the referent of `&`: `dyn A + Send` needs parentheses there.
fn referent(probe: &Probe) -> String {
    if probe.dyn_type.contains('+') {
        format!("({})", probe.dyn_type)
    } else {
        probe.dyn_type.clone()
    }
}

/// The source compiled for all probes of a file at once, and the line of each probe
/// function (1-based), in the order of `probes`.
fn batch_source(text: &str, probes: &[(usize, &Probe)]) -> (String, Vec<usize>) {
    let mut source = format!("{text}\n// oracle probes\n");
    let mut line = source.lines().count();
    let mut lines = Vec::with_capacity(probes.len());
    for (i, (_, probe)) in probes.iter().enumerate() {
        source.push_str(&format!(
            "fn _oracle_probe_{i}(_: &{}) {{}}\n",
            referent(probe)
        ));
        line += 1;
        lines.push(line);
    }
    (source, lines)
}

/// Judges all probes of one file with a single rustc run: a probe is not dyn compatible
/// when an E0038 error points at its line. `None` when the result cannot be attributed
/// cleanly (another error, or an E0038 elsewhere); the caller then runs each probe alone.
fn judge_file_batch(
    scratch: &ScratchDir,
    job: &str,
    path: &Path,
    text: &str,
    probes: &[(usize, &Probe)],
) -> Option<Vec<(usize, Judged)>> {
    let (source, lines) = batch_source(text, probes);
    let compilation = scratch.compile(job, path, &source).ok()?;
    if !compilation.other_output.trim().is_empty() {
        return None;
    }
    let attributable =
        |e: &RustcError| is_e0038(e) && e.line.is_some_and(|line| lines.contains(&line));
    if !compilation.errors.iter().all(attributable)
        || (compilation.errors.is_empty() != compilation.success)
    {
        return None;
    }
    let judged = probes
        .iter()
        .zip(&lines)
        .map(|((index, probe), line)| {
            let rendered: String = compilation
                .errors
                .iter()
                .filter(|e| e.line == Some(*line))
                .map(|e| e.rendered.as_str())
                .collect();
            let verdict = if rendered.is_empty() {
                RustcVerdict::Compatible
            } else {
                RustcVerdict::Incompatible { rendered }
            };
            let warnings = compilation
                .warnings
                .iter()
                .filter(|w| w.line == Some(*line))
                .map(|w| w.rendered.clone())
                .collect();
            (
                *index,
                Judged {
                    probe: (*probe).clone(),
                    verdict,
                    warnings,
                },
            )
        })
        .collect();
    Some(judged)
}

/// Runs rustc on the corpus and returns every probe with rustc's verdict, in corpus order.
///
/// First one rustc run per file with all its probes (fast); a file whose result cannot be
/// attributed to its probes cleanly is then checked on its own and each of its probes is
/// compiled alone (precise). `ORACLE_ISOLATED=1` compiles every probe alone.
/// Fails with the list of corpus files that do not compile on their own.
pub fn judge(files: &[(PathBuf, String)], probes: &[Probe]) -> Result<Vec<Judged>, String> {
    let scratch = ScratchDir::new()?;
    let isolated = std::env::var_os("ORACLE_ISOLATED").is_some_and(|v| !v.is_empty() && v != "0");
    let probes_of = |path: &Path| {
        probes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.file == path)
            .collect::<Vec<(usize, &Probe)>>()
    };

    let batches: Vec<Option<Vec<(usize, Judged)>>> = if isolated {
        files.iter().map(|_| None).collect()
    } else {
        parallel(files, |i, (path, text)| {
            judge_file_batch(&scratch, &format!("batch{i}"), path, text, &probes_of(path))
        })
    };

    // Files the batch could not settle: the file alone, then each probe alone.
    enum Job<'a> {
        Base(&'a Path, &'a str),
        Probe(usize, &'a Probe, &'a str),
    }
    let mut jobs = Vec::new();
    for ((path, text), batch) in files.iter().zip(&batches) {
        if batch.is_none() {
            jobs.push(Job::Base(path, text));
            jobs.extend(
                probes_of(path)
                    .into_iter()
                    .map(|(index, probe)| Job::Probe(index, probe, text.as_str())),
            );
        }
    }
    let outcomes = parallel(&jobs, |i, job| match job {
        Job::Base(path, text) => scratch.compile(&format!("job{i}"), path, text),
        Job::Probe(_, probe, text) => {
            scratch.compile(&format!("job{i}"), &probe.file, &probe_source(text, probe))
        }
    });

    let mut base_failures = Vec::new();
    let mut judged_alone: Vec<(usize, Judged)> = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        match (job, outcome) {
            (Job::Base(..), Ok(compilation)) if compilation.clean() => {}
            (Job::Base(path, _), Ok(compilation)) => base_failures.push(format!(
                "{} does not compile on its own:\n{}",
                path.display(),
                compilation.error_text()
            )),
            (Job::Base(path, _), Err(e)) => base_failures.push(format!("{}: {e}", path.display())),
            (Job::Probe(index, probe, _), Ok(compilation)) => judged_alone.push((
                *index,
                Judged {
                    probe: (*probe).clone(),
                    verdict: classify(&compilation),
                    warnings: compilation
                        .warnings
                        .iter()
                        .map(|w| w.rendered.clone())
                        .collect(),
                },
            )),
            (Job::Probe(index, probe, _), Err(e)) => judged_alone.push((
                *index,
                Judged {
                    probe: (*probe).clone(),
                    verdict: RustcVerdict::CorpusError { output: e },
                    warnings: Vec::new(),
                },
            )),
        }
    }
    if !base_failures.is_empty() {
        return Err(base_failures.join("\n"));
    }

    // Back to corpus order.
    let mut by_index: Vec<Option<Judged>> = probes.iter().map(|_| None).collect();
    for (index, judged) in batches.into_iter().flatten().flatten().chain(judged_alone) {
        by_index[index] = Some(judged);
    }
    by_index
        .into_iter()
        .zip(probes)
        .map(|(judged, probe)| {
            judged.ok_or_else(|| format!("{}: rustc did not judge this probe", probe.label()))
        })
        .collect()
}

/// One line per probe, for `ORACLE_VERBOSE=1`: the verdict and rustc's reasons.
pub fn verbose_table(judged: &[Judged]) -> String {
    let mut out = String::new();
    for j in judged {
        let verdict = match &j.verdict {
            RustcVerdict::Compatible => "compatible",
            RustcVerdict::Incompatible { .. } => "INCOMPATIBLE",
            RustcVerdict::CorpusError { .. } => "CORPUS ERROR",
        };
        out.push_str(&format!(
            "{:<18} {:<34} {:<13} {}\n",
            file_name(&j.probe.file),
            j.probe.trait_name,
            verdict,
            j.probe.dyn_type
        ));
        for reason in j.verdict.reasons() {
            out.push_str(&format!("{:<66} {reason}\n", ""));
        }
        for warning in &j.warnings {
            let first = warning.lines().next().unwrap_or("");
            out.push_str(&format!("{:<66} rustc {first}\n", ""));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(trait_name: &str, dyn_type: &str) -> Probe {
        Probe {
            file: PathBuf::from("/corpus/mini.rs"),
            trait_name: trait_name.into(),
            trait_line: 1,
            dyn_type: dyn_type.into(),
        }
    }

    fn verdicts(text: &str, probes: &[Probe]) -> Vec<Option<bool>> {
        let files = [(PathBuf::from("/corpus/mini.rs"), text.to_string())];
        let judged = judge(&files, probes).expect("the mini corpus compiles");
        judged.iter().map(|j| j.verdict.dyn_compatible()).collect()
    }

    const MINI: &str = "pub trait Good { fn f(&self); }\npub trait Bad { const C: u8; }\n";

    #[test]
    fn a_batch_attributes_e0038_to_its_probe() {
        let probes = [
            probe("Good", "dyn Good"),
            probe("Bad", "dyn Bad"),
            probe("Good", "dyn Good + Send"),
        ];
        assert_eq!(
            verdicts(MINI, &probes),
            [Some(true), Some(false), Some(true)]
        );
    }

    #[test]
    fn a_wrong_probe_is_a_corpus_error_and_does_not_hide_the_others() {
        let probes = [
            probe("Good", "dyn Good<Missing = u8>"),
            probe("Bad", "dyn Bad"),
            probe("Good", "dyn Good"),
        ];
        assert_eq!(verdicts(MINI, &probes), [None, Some(false), Some(true)]);
    }

    #[test]
    fn a_file_that_does_not_compile_alone_is_reported() {
        let files = [(
            PathBuf::from("/corpus/mini.rs"),
            "pub trait Good { fn f(&self) -> Missing; }\n".to_string(),
        )];
        let error = judge(&files, &[probe("Good", "dyn Good")]).expect_err("the corpus is broken");
        assert!(error.contains("does not compile on its own"), "{error}");
    }
}
