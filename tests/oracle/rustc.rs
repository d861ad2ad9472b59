//! Asking the installed rustc: each probe is compiled on its own, as its corpus file plus
//! `fn _oracle_probe(_: &PROBE) {}`, with `--error-format=json`.
//!
//! Compiles → dyn compatible. Fails with E0038 only → not dyn compatible. Anything else
//! means the corpus (or its probe) is wrong.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::sync::atomic::{AtomicUsize, Ordering};

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
                    .filter_map(|line| line.find("...because").map(|at| line[at + 3..].trim().to_string()))
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
            let direct = sysroot.map(|root| root.join("bin").join(format!("rustc{}", std::env::consts::EXE_SUFFIX)));
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

/// Outcome of one rustc run.
struct Compilation {
    success: bool,
    /// Rendered errors, with their codes (`None` for errors without a code).
    errors: Vec<(Option<String>, String)>,
    warnings: Vec<String>,
    /// stderr lines that were not JSON diagnostics (e.g. a crash).
    other_output: String,
}

fn compile(source_path: &Path, out_path: &Path) -> Result<Compilation, String> {
    let output = Command::new(rustc_program())
        .args(["--crate-type", "lib", "--edition", "2024", "--emit=metadata", "--error-format=json"])
        .arg("-o")
        .arg(out_path)
        .arg(source_path)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
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
        let rendered = diagnostic["rendered"].as_str().unwrap_or(message).to_string();
        let code = diagnostic["code"]["code"].as_str().map(str::to_string);
        if level.starts_with("error") {
            if code.is_none() && message.starts_with("aborting due to") {
                continue;
            }
            errors.push((code, rendered));
        } else if level == "warning" {
            warnings.push(rendered);
        }
    }
    Ok(Compilation { success: output.status.success(), errors, warnings, other_output })
}

fn classify(compilation: Compilation) -> RustcVerdict {
    let Compilation { success, errors, other_output, .. } = compilation;
    if success && errors.is_empty() {
        return RustcVerdict::Compatible;
    }
    let only_e0038 = !errors.is_empty() && errors.iter().all(|(code, _)| code.as_deref() == Some("E0038"));
    let rendered: String = errors.iter().map(|(_, text)| text.as_str()).collect();
    if only_e0038 && !success && other_output.trim().is_empty() {
        RustcVerdict::Incompatible { rendered }
    } else {
        RustcVerdict::CorpusError { output: format!("{rendered}{other_output}") }
    }
}

/// A scratch directory removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("dynlens-oracle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(ScratchDir(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

enum Job<'a> {
    /// The corpus file alone must compile without errors.
    Base { path: &'a Path, text: &'a str },
    Probe { index: usize, probe: &'a Probe, text: &'a str },
}

/// The source compiled for a probe: its corpus file plus one function naming the probe type.
pub fn probe_source(text: &str, probe: &Probe) -> String {
    format!("{text}\n// oracle probe for `{}`\nfn _oracle_probe(_: &{}) {{}}\n", probe.trait_name, probe.dyn_type)
}

/// Runs rustc on every corpus file alone and on every probe, in parallel.
///
/// Returns the probes with their verdicts (in corpus order), or the list of corpus files
/// that do not compile on their own.
pub fn judge(files: &[(PathBuf, String)], probes: &[Probe]) -> Result<Vec<Judged>, String> {
    let scratch = ScratchDir::new()?;
    let text_of = |path: &Path| -> &str {
        files.iter().find(|(p, _)| p == path).map(|(_, text)| text.as_str()).unwrap_or("")
    };
    let mut jobs: Vec<Job<'_>> = files.iter().map(|(path, text)| Job::Base { path, text }).collect();
    jobs.extend(probes.iter().enumerate().map(|(index, probe)| Job::Probe { index, probe, text: text_of(&probe.file) }));

    let next = AtomicUsize::new(0);
    let base_failures = Mutex::new(Vec::<String>::new());
    let results = Mutex::new(vec![None::<Result<Judged, String>>; probes.len()]);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);

    std::thread::scope(|scope| {
        for worker in 0..workers {
            let (jobs, next, base_failures, results, scratch) = (&jobs, &next, &base_failures, &results, &scratch);
            scope.spawn(move || {
                loop {
                    let job_index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(job_index) else { break };
                    // Named after the corpus file, so that rustc's messages name it too.
                    let corpus_file = match job {
                        Job::Base { path, .. } => *path,
                        Job::Probe { probe, .. } => probe.file.as_path(),
                    };
                    let job_dir = scratch.0.join(format!("job{job_index}"));
                    let source_path = job_dir.join(file_name(corpus_file));
                    let out_path = job_dir.join(format!("out_w{worker}.rmeta"));
                    if let Err(e) = std::fs::create_dir_all(&job_dir) {
                        let message = format!("cannot create {}: {e}", job_dir.display());
                        match job {
                            Job::Base { .. } => base_failures.lock().unwrap_or_else(|p| p.into_inner()).push(message),
                            Job::Probe { index, .. } => {
                                results.lock().unwrap_or_else(|p| p.into_inner())[*index] = Some(Err(message));
                            }
                        }
                        continue;
                    }
                    match job {
                        Job::Base { path, text } => {
                            let outcome = std::fs::write(&source_path, text)
                                .map_err(|e| format!("cannot write {}: {e}", source_path.display()))
                                .and_then(|()| compile(&source_path, &out_path));
                            let failure = match outcome {
                                Ok(c) if c.success && c.errors.is_empty() => None,
                                Ok(c) => Some(format!(
                                    "{}{}",
                                    c.errors.iter().map(|(_, r)| r.as_str()).collect::<String>(),
                                    c.other_output
                                )),
                                Err(e) => Some(e),
                            };
                            if let Some(failure) = failure {
                                let message = format!("{} does not compile on its own:\n{failure}", path.display());
                                base_failures.lock().unwrap_or_else(|p| p.into_inner()).push(message);
                            }
                        }
                        Job::Probe { index, probe, text } => {
                            let outcome = std::fs::write(&source_path, probe_source(text, probe))
                                .map_err(|e| format!("cannot write {}: {e}", source_path.display()))
                                .and_then(|()| compile(&source_path, &out_path))
                                .map(|compilation| {
                                    let warnings = compilation.warnings.clone();
                                    Judged { probe: (*probe).clone(), verdict: classify(compilation), warnings }
                                });
                            results.lock().unwrap_or_else(|p| p.into_inner())[*index] = Some(outcome);
                        }
                    }
                }
            });
        }
    });

    let base_failures = base_failures.into_inner().unwrap_or_else(|p| p.into_inner());
    if !base_failures.is_empty() {
        return Err(base_failures.join("\n"));
    }
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .zip(probes)
        .map(|(result, probe)| result.unwrap_or_else(|| Err(format!("{}: probe was not run", probe.label()))))
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
