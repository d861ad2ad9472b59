//! Running the real `dynlens` binary: `dynlens check --json <corpus dir>`.
//!
//! The binary belongs to another package, so `CARGO_BIN_EXE_dynlens` is not available
//! here: the test builds it with `cargo build -p dynlens --bin dynlens` (a no-op when it is
//! fresh) and takes the executable's path from cargo's JSON messages, which honours
//! `CARGO_TARGET_DIR` and any other target-dir configuration. `DYNLENS_BIN` overrides all
//! of this with a prebuilt binary.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::probes::file_name;

/// One violation as dynlens reports it.
#[derive(Debug, Clone)]
pub struct Violation {
    pub kind: String,
    pub item: String,
    pub line: Option<u64>,
    pub message: String,
}

/// dynlens' report on one trait.
#[derive(Debug, Clone)]
pub struct Report {
    pub file: String,
    pub trait_name: String,
    pub dyn_compatible: bool,
    pub violations: Vec<Violation>,
}

/// The workspace root: the parent of this package's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Path to an up-to-date `dynlens` binary, building it if needed.
pub fn dynlens_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("DYNLENS_BIN") {
        return Ok(PathBuf::from(path));
    }
    // The cargo running this test (runtime, then build-time value), else the one on PATH.
    let cargo = std::env::var_os("CARGO")
        .or_else(|| option_env!("CARGO").map(Into::into))
        .unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .args([
            "build",
            "-p",
            "dynlens",
            "--bin",
            "dynlens",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(workspace_root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo ({}): {e}", Path::new(&cargo).display()))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo build -p dynlens --bin dynlens` failed ({})",
            output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let executable = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "dynlens")
        .filter(|msg| {
            msg["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .find_map(|msg| msg["executable"].as_str().map(PathBuf::from));
    executable.ok_or_else(|| "cargo built dynlens but reported no `dynlens` executable".to_string())
}

/// Runs `dynlens check --json DIR` and parses its reports.
pub fn check(binary: &Path, dir: &Path) -> Result<Vec<Report>, String> {
    let mut child = Command::new(binary)
        .args(["check", "--json"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let mut stdout_pipe = child.stdout.take().ok_or("no stdout pipe")?;
    let mut stderr_pipe = child.stderr.take().ok_or("no stderr pipe")?;
    let stdout_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut buf);
        buf
    });
    let stderr_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("`dynlens check --json` did not finish within 120 s".into());
            }
            Err(e) => return Err(format!("waiting for dynlens: {e}")),
        }
    };
    let stdout = String::from_utf8_lossy(&stdout_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&stderr_reader.join().unwrap_or_default()).into_owned();
    let json: Value = serde_json::from_str(&stdout).map_err(|e| {
        format!(
            "`dynlens check --json {}` ({status}) did not print a JSON array: {e}\nstdout: {}\nstderr: {}",
            dir.display(),
            truncate(&stdout, 2000),
            truncate(&stderr, 2000)
        )
    })?;
    let entries = json
        .as_array()
        .ok_or_else(|| format!("expected a JSON array, got: {}", truncate(&stdout, 500)))?;
    entries.iter().map(parse_report).collect()
}

fn parse_report(entry: &Value) -> Result<Report, String> {
    let field = |name: &str| {
        entry
            .get(name)
            .ok_or_else(|| format!("report without `{name}`: {entry}"))
    };
    let str_field = |name: &str| {
        field(name)?
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("`{name}` is not a string: {entry}"))
    };
    let violations = field("violations")?
        .as_array()
        .ok_or_else(|| format!("`violations` is not an array: {entry}"))?
        .iter()
        .map(|v| Violation {
            kind: v["kind"].as_str().unwrap_or("?").to_string(),
            item: v["item"].as_str().unwrap_or("").to_string(),
            line: v["line"].as_u64(),
            message: v["message"].as_str().unwrap_or("").to_string(),
        })
        .collect();
    Ok(Report {
        file: str_field("file")?,
        trait_name: str_field("trait")?,
        dyn_compatible: field("dyn_compatible")?
            .as_bool()
            .ok_or_else(|| format!("`dyn_compatible` is not a bool: {entry}"))?,
        violations,
    })
}

/// Reports keyed by (file name, trait name); duplicates are returned separately.
pub fn index_reports(reports: Vec<Report>) -> (HashMap<(String, String), Report>, Vec<Report>) {
    let mut index = HashMap::new();
    let mut duplicates = Vec::new();
    for report in reports {
        let key = (
            file_name(Path::new(&report.file)),
            report.trait_name.clone(),
        );
        if let std::collections::hash_map::Entry::Vacant(e) = index.entry(key) {
            e.insert(report);
        } else {
            duplicates.push(report);
        }
    }
    (index, duplicates)
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}
