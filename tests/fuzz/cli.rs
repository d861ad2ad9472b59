//! `dynlens check --json` and `dynlens expand` on one input file, with a timeout.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What went wrong with one run, if anything.
pub enum Outcome {
    Ok,
    Crash(String),
    Hang,
}

/// Runs `dynlens ARGS`; a crash is a signal, a panic or stack overflow message, an exit code
/// other than 0 and 2, exit 2 without the one-line error, or (`json`) exit 0 with stdout that
/// is not JSON. A hang is a run longer than `timeout` (the process is killed).
pub fn run(bin: &Path, args: &[&std::ffi::OsStr], json: bool, timeout: Duration) -> Outcome {
    let mut child = match Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return Outcome::Crash(format!("cannot spawn {}: {e}", bin.display())),
    };
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::Hang;
            }
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
    let tail = |s: &str| {
        let start = s.len().saturating_sub(2_000);
        let start = (start..s.len())
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(s.len());
        s[start..].to_owned()
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Outcome::Crash(format!(
                "killed by signal {signal}; stderr:\n{}",
                tail(&stderr)
            ));
        }
    }
    if stderr.contains("panicked at") || stderr.contains("has overflowed its stack") {
        return Outcome::Crash(format!(
            "panic or stack overflow (exit {status}); stderr:\n{}",
            tail(&stderr)
        ));
    }
    match status.code() {
        Some(0) => {
            if json && serde_json::from_slice::<serde_json::Value>(&stdout).is_err() {
                return Outcome::Crash(format!(
                    "exit 0 but stdout is not JSON: {}",
                    tail(&String::from_utf8_lossy(&stdout))
                ));
            }
            Outcome::Ok
        }
        Some(2) if stderr.contains("dynlens: error:") => Outcome::Ok,
        code => Outcome::Crash(format!("exit code {code:?}; stderr:\n{}", tail(&stderr))),
    }
}
